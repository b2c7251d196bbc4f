"""The checks' tables (core/checks.py): every row names a real place in the file's type, and the
walk over a place finds what the file holds there."""

from __future__ import annotations

import msgspec
import msgspec.inspect as mi
import pytest

from sexting_protocol.core import checks, model


def _field_types(t: mi.Type, name: str) -> list[mi.Type]:
    """The types a field `name` of t can hold (through Optional and unions)."""
    out = []
    for x in (t.types if isinstance(t, mi.UnionType) else (t,)):
        if isinstance(x, mi.StructType):
            out += [f.type for f in x.fields if f.encode_name == name]
    return out


def _resolves(root: type, where: str) -> bool:
    types = [mi.type_info(root)]
    for head in filter(None, where.split(".")):
        name, every = (head[:-2], head[-2:]) if head.endswith(("[]", "{}")) else (head, "")
        if name:
            types = [f for t in types for f in _field_types(t, name)]
        if every:
            inner = []
            for t in types:
                for x in (t.types if isinstance(t, mi.UnionType) else (t,)):
                    if isinstance(x, mi.ListType):
                        inner.append(x.item_type)
                    elif isinstance(x, mi.DictType):
                        inner.append(x.value_type if every == "[]" else x.key_type)
            types = inner
        if not types:
            return False
    return True


@pytest.mark.parametrize("table, root", [(checks.REFERENCES, model.Protocol),
                                         (checks.CONVERSATION_REFERENCES, model.Conversations),
                                         (checks.COND_REFERENCES, model.Cond)])
def test_every_row_names_a_place_of_the_type(table, root):
    for each, where, what in table:
        assert _resolves(root, f"{each}.{where}".strip(".")), (each, where)
        assert what in checks.CODES or what in ("when", "routed", "item"), what


def test_a_misspelt_place_is_caught():
    assert not _resolves(model.Protocol, "triage.plan[].advise[]")
    assert not _resolves(model.Protocol, "triage.plan.advice[]"), "a list needs its []"


def test_every_unique_list_is_a_place_of_the_type():
    for where, key, _ in checks.UNIQUE:
        assert _resolves(model.Protocol, f"{where}.[].{key}"), where


def test_the_walk_over_a_place_gives_each_value_with_its_path():
    wait = msgspec.convert({"when": {"q": "a", "is": "yes"}, "for": ["b", "c"]}, model.Wait)
    assert list(checks.at(wait, "for[]", ("q",))) == [(("q", "for", 0), "b"), (("q", "for", 1), "c")]
    assert list(checks.at({"x": 1}, "{}")) == [(("x",), "x")]
    assert list(checks.at(7, "{}")) == [], "a number of days is no mapping"
    cond = msgspec.convert({"q": "a", "is": "yes"}, model.Cond)
    assert list(checks.at(cond, "flag[]")) == [], "an absent field has nothing"


def test_a_reference_is_checked_where_the_table_says(bundle):
    p = msgspec.convert(msgspec.to_builtins(bundle.protocol), model.Protocol)
    p.triage.plan[0].advice = ["no_such_advice"]
    p.triage.keep_when_lowered = ["no_such_route"]
    p.triage.first_items.items[0].id = "find_out.no_such_question"
    found = checks.check_protocol(p, bundle.contacts)
    assert [(path, code) for path, code, _ in found] == [
        (("triage", "keep_when_lowered", 0), "SP304"),
        (("triage", "first_items", "items", 0, "id"), "SP301"),
        (("triage", "plan", 0, "advice", 0), "SP309")]


def test_a_malformed_condition_is_named_once_not_its_parts(bundle):
    p = msgspec.convert(msgspec.to_builtins(bundle.protocol), model.Protocol)
    p.triage.urgent = msgspec.convert({"any": [{"q": "nope", "is": "x"}], "q": "nope", "is": "x"}, model.Cond)
    found = checks.check_protocol(p, bundle.contacts)
    assert [(path, code) for path, code, _ in found] == [(("triage", "urgent"), "SP402")]


def test_a_plan_variants_own_contact_is_checked(bundle):
    p = msgspec.convert(msgspec.to_builtins(bundle.protocol), model.Protocol)
    at = next(n for n, i in enumerate(p.triage.plan) if i.id == "consult_internal")
    p.triage.plan[at].variants[0].contacts = ["no_such_contact"]
    found = checks.check_protocol(p, bundle.contacts)
    assert [(path, code) for path, code, _ in found] == [(("triage", "plan", at, "variants", 0, "contacts", 0), "SP303")]
