"""The one walker over a condition's parts, and what the question search reads from the
protocol with it (core/conditions.py, core/analysis.py)."""

from __future__ import annotations

import msgspec

from sexting_protocol.core import analysis, conditions
from sexting_protocol.core.model import Cond


def cond(raw: dict) -> Cond:
    return msgspec.convert(raw, Cond)


NESTED = cond({"all": [{"any": [{"q": "a", "is": "yes"}, {"gap": ["b", "c"], "lt": 3}]},
                       {"not": {"holds": "named"}}, {"younger": ["c", "d"], "gte": 12}]})
NAMED = {"named": cond({"q": "e", "in": ["x", 4]})}


def test_the_walk_goes_depth_first_in_the_written_order_with_paths():
    seen = [(path, x.q or x.gap or x.younger or x.holds or "") for path, x in conditions.walk(NESTED, path=("when",))]
    assert [p for p, _ in seen] == [("when",), ("when", "all", 0), ("when", "all", 0, "any", 0),
                                    ("when", "all", 0, "any", 1), ("when", "all", 1), ("when", "all", 1, "not"),
                                    ("when", "all", 2)]
    assert seen[-2][1] == "named", "without the named conditions, `holds` is a part of its own"


def test_the_walk_follows_named_conditions_when_given_them():
    assert [x.q for _, x in conditions.walk(NESTED, NAMED) if x.q] == ["a", "e"]


def test_a_part_the_walk_may_not_keep_is_left_out_with_its_parts():
    kept = [p for p, _ in conditions.walk(NESTED, keep=lambda p, x: x.any_ is None)]
    assert ("all", 0) not in kept and ("all", 0, "any", 0) not in kept and ("all", 1, "not") in kept


def test_the_questions_a_condition_reads_once_each_in_order():
    assert conditions.questions(NESTED) == ["a", "b", "c", "d"]
    assert conditions.questions(NESTED, NAMED) == ["a", "b", "c", "e", "d"]
    assert conditions.questions(None) == []


def test_where_numbers_turn():
    assert sorted(conditions.turns(NESTED), key=str) == sorted(
        [("b", "c", 3), ("c", "b", 3), ("c", None, 12), ("d", None, 12)], key=str)
    assert list(conditions.turns(NAMED["named"])) == [("e", None, 4)]
    assert list(conditions.turns(cond({"q": "f", "is": "yes"}))) == []


def test_the_analysis_of_the_shipped_protocol(bundle):
    t = bundle.protocol.triage
    a = analysis.Analysis.of(t)
    assert "immediate_danger" in a.decisive
    assert a.first_asks == {q for f in t.first_items.items for q in f.before_decision}
    assert any(other is None for other, _ in a.turns["age_depicted"])
    # every question a decisive condition reads, named conditions followed
    named = [q for c in analysis.decisive_conditions(t) for q in conditions.questions(c, t.conditions)]
    assert set(named) <= a.decisive
