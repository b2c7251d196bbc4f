"""The typed model and its checks: every kind of bad data file gives one clear error with the
file, the line and the path inside it, exit status 2, no traceback.

Each test writes a small broken copy of a shipped file (the shipped text, altered in one place)
and passes it with --protocol or --contacts.
"""

from __future__ import annotations

import re

import msgspec
import pytest

from conftest import alter, line_of, shipped_text
from sexting_protocol.store import bundle as data
from sexting_protocol.core import checks, model


def location(err: str, path: str) -> int:
    m = re.search(re.escape(path) + r":(\d+):", err)
    assert m, f"no {path}:LINE in {err!r}"
    return int(m.group(1))


def refused(r, path: str, *, line_range: tuple[int, int], where: str, words: tuple[str, ...] = ()):
    assert r.code == 2, (r.code, r.err)
    assert r.out == ""
    assert "Traceback" not in r.err
    line = location(r.err, path)
    assert line_range[0] <= line <= line_range[1], f"line {line} not in {line_range}: {r.err}"
    assert where in r.err, f"path {where!r} not named: {r.err}"
    for w in words:
        assert w in r.err, f"{w!r} not in {r.err!r}"


STEP3 = "  - number: 3\n"


# --- types: unknown key, missing field, wrong type -----------------------------------------------


def test_unknown_key(run, write, protocol_text):
    text = alter(protocol_text, STEP3, STEP3 + "    colour: red\n")
    path = write("protocol.yaml", text)
    start = line_of(text, STEP3)
    r = run("--protocol", path, "checklist", "--step", "3")
    refused(r, path, line_range=(start, start + 1), where="steps[2]", words=("colour",))


def test_unknown_key_deep_inside(run, write, protocol_text):
    anchor = "      - id: s3_apart_spreken\n"
    text = alter(protocol_text, anchor, anchor + "        priority: 1\n")
    path = write("protocol.yaml", text)
    start = line_of(text, anchor)
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(start, start + 1), where="steps[2].checklist[1]", words=("priority",))


def test_missing_field(run, write, protocol_text):
    i = protocol_text.index(STEP3)
    j = protocol_text.index("    summary:", i)
    k = protocol_text.index("    contacts:", j)
    text = protocol_text[:j] + protocol_text[k:]
    path = write("protocol.yaml", text)
    start = line_of(text, STEP3)
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(start, start + 2), where="steps[2]", words=("summary",))


def test_wrong_type(run, write, protocol_text):
    text = alter(protocol_text, STEP3, "  - number: three\n")
    path = write("protocol.yaml", text)
    line = line_of(text, "  - number: three\n")
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where="steps[2].number", words=("[SP103]", "heel getal"))


def test_wrong_type_text_without_dutch(run, write, protocol_text):
    old = '    title: {nl: "Ga in gesprek met de betrokkenen", en: "Talk with those involved"}\n'
    text = alter(protocol_text, old, '    title: {en: "Talk with those involved"}\n', after=STEP3)
    path = write("protocol.yaml", text)
    line = line_of(text, '    title: {en: "Talk', after=STEP3)
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where="steps[2].title", words=("nl",))


def test_wrong_value_for_a_contact_kind(run, write, contacts_text):
    anchor = "  - id: halt\n"
    start = contacts_text.index(anchor)
    m = re.compile(r"^    kind: \w+$", re.M).search(contacts_text, start)
    text = contacts_text[:m.start()] + "    kind: strafrecht" + contacts_text[m.end():]
    path = write("contacts.yaml", text)
    line = line_of(text, "    kind: strafrecht")
    index = re.findall(r"^  - id: (\S+)$", contacts_text, re.M).index("halt")
    r = run("--contacts", path, "contacts")
    refused(r, path, line_range=(line, line), where=f"contacts[{index}].kind")


def test_wrong_value_for_verified(run, write, contacts_text):
    anchor = "  - id: politie\n"
    old = 'phone: {value: "0900-8844", verified: "yes"'
    text = alter(contacts_text, old, old.replace('"yes"', '"maybe"'), after=anchor)
    path = write("contacts.yaml", text)
    line = line_of(text, '"maybe"')
    r = run("--contacts", path, "contacts")
    refused(r, path, line_range=(line, line), where="phone.verified")


# --- ids and references --------------------------------------------------------------------------


def test_duplicate_id(run, write, protocol_text):
    text = alter(protocol_text, "- id: s3_apart_spreken", "- id: s3_jongeren_eerst")
    path = write("protocol.yaml", text)
    lines = [i + 1 for i, l in enumerate(text.splitlines()) if l.endswith("- id: s3_jongeren_eerst")]
    assert len(lines) == 2
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(lines[1], lines[1]), where="steps[2].checklist[1].id", words=("s3_jongeren_eerst",))


def test_duplicate_contact_id(run, write, contacts_text):
    text = alter(contacts_text, "  - id: fier\n", "  - id: halt\n")
    path = write("contacts.yaml", text)
    lines = [i + 1 for i, l in enumerate(text.splitlines()) if l == "  - id: halt"]
    index = [i for i, x in enumerate(re.findall(r"^  - id: (\S+)$", text, re.M)) if x == "halt"][1]
    r = run("--contacts", path, "contacts")
    refused(r, path, line_range=(lines[1], lines[1]), where=f"contacts[{index}].id", words=("halt",))


def test_reference_to_an_unknown_step(run, write, protocol_text):
    anchor = "  - id: kwetsbaarheid_mag\n"
    text = alter(protocol_text, "    steps: [2, 3]\n", "    steps: [2, 9]\n", after=anchor)
    path = write("protocol.yaml", text)
    line = line_of(text, "    steps: [2, 9]")
    r = run("--protocol", path, "advice")
    refused(r, path, line_range=(line, line), where="dos[0].steps[1]", words=("9",))


def test_plan_item_in_an_unknown_step(run, write, protocol_text):
    text = alter(protocol_text, "      step: 3\n", "      step: 9\n", after=plan_item_anchor("talk_separately"))
    path = write("protocol.yaml", text)
    line = line_of(text, "      step: 9")
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where=".step", words=("9", "triage.plan["))


def test_reference_to_an_unknown_contact(run, write, protocol_text):
    text = alter(protocol_text, "    contacts: [smw, vertrouwenspersoon]\n", "    contacts: [smw, nobody_here]\n",
                 after=STEP3)
    path = write("protocol.yaml", text)
    line = line_of(text, "nobody_here")
    r = run("--protocol", path, "checklist")
    refused(r, path, line_range=(line, line), where="steps[2].contacts[1]", words=("nobody_here",))


def test_reference_to_a_contact_missing_from_another_contacts_file(run, write, contacts_text, protocol_text):
    """A school's contacts file without `zvh`: the protocol's references to it are errors."""
    text = alter(contacts_text, "  - id: zvh\n", "  - id: zvh_eigen\n")
    path = write("contacts.yaml", text)
    r = run("--contacts", path, "contacts")
    assert r.code == 2
    assert "zvh" in r.err
    assert "protocol.yaml:" in r.err  # the reference is in the protocol, so that file is named
    assert "Traceback" not in r.err


def plan_item_anchor(item_id: str) -> str:
    return f"    - id: {item_id}\n"


BROKEN_CONDITIONS = [
    # (plan item, what stands there, what the broken copy says, where, words in the message)
    ("generated_images", "{q: made_by,", "{q: made_by_whom,", "when.q", ("made_by_whom", "triage.plan[")),
    ("generated_images", '"generated"', '"painted"', "when.is", ("painted", "triage.plan[")),
    ("police_advice", "{route: police}", "{route: politie_route}", "when.route", ("politie_route",)),
]


@pytest.mark.parametrize("item,old,new,where,words", BROKEN_CONDITIONS, ids=["question", "option", "route"])
def test_condition_naming_something_unknown(run, write, protocol_text, item, old, new, where, words):
    text = alter(protocol_text, old, new, after=plan_item_anchor(item))
    path = write("protocol.yaml", text)
    line = line_of(text, words[0])
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where=where, words=words)


def test_rating_map_with_an_unknown_option(run, write, protocol_text):
    old = '{id: impact, q: impact, map: {"none": green,'
    text = alter(protocol_text, old, '{id: impact, q: impact, map: {"nothing": green,')
    path = write("protocol.yaml", text)
    line = line_of(text, '"nothing": green')
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where="triage.ratings.self_respect[0].map", words=("nothing",))


def test_condition_with_a_bare_string_is_not_code(run, write, protocol_text):
    """Conditions are declared data: an expression in a string is refused, not evaluated."""
    after = plan_item_anchor("zero_tolerance_spreading")
    old = '      when: {holds: shared}\n'
    text = alter(protocol_text, old, '      when: "__import__(\'os\').getcwd()"\n', after=after)
    path = write("protocol.yaml", text)
    line = line_of(text, "__import__")
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where="when")


def given_twice(text: str, section: str, first: str) -> str:
    """The text with the list entry that starts at `first` (inside `section`) given twice."""
    start = text.index(first, text.index(section))
    end = re.compile(r"^(    - |  \S|\s*$)", re.M).search(text, start + len(first)).start()
    return text[:end] + text[start:end] + text[end:]


def second_line(text: str, section: str, snippet: str) -> int:
    """1-based line of the second `snippet` after `section`."""
    first = text.index(snippet, text.index(section))
    return text.count("\n", 0, text.index(snippet, first + 1)) + 1


def test_duplicate_rating_rule_id_within_a_criterion(run, write, protocol_text):
    text = alter(protocol_text, "      - id: consent_spread\n", "      - id: consent_wanted\n", after="    consent:\n")
    path = write("protocol.yaml", text)
    line = line_of(text, "      - id: consent_wanted\n")
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where="triage.ratings.consent[1].id", words=("consent_wanted",))


@pytest.mark.parametrize("section,first", [
    ("  escalations:\n", "    - id: repeated\n"),
    ("  contact_rules:\n", "    - id: helpwanted\n"),
    ("  warnings:\n", "    - id: adult_age\n"),
])
def test_duplicate_triage_rule_id(run, write, protocol_text, section, first):
    text = given_twice(protocol_text, section, first)
    path = write("protocol.yaml", text)
    line = second_line(text, section, first)
    name, entry = section.strip().rstrip(":"), first.split("id: ")[1].strip()
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where=f"triage.{name}[1].id", words=(repr(entry), "[SP310]", "twee keer"))


def test_route_to_a_historical_contact(run, write, protocol_text, bundle):
    index = [r.id for r in bundle.protocol.triage.routes].index("emergency")
    text = alter(protocol_text, "      contacts: [emergency_112]\n", "      contacts: [emergency_112, we_can_young]\n",
                 after="  routes:\n")
    path = write("protocol.yaml", text)
    line = line_of(text, "[emergency_112, we_can_young]")
    r = run("--protocol", path, "checklist", "--route", "emergency")
    refused(r, path, line_range=(line, line), where=f"triage.routes[{index}].contacts[1]",
            words=("[SP312] historisch contact 'we_can_young'",))


def test_contact_rule_adding_a_historical_contact(run, write, protocol_text):
    text = alter(protocol_text, "      add: [helpwanted]\n", "      add: [helpwanted, we_can_young]\n",
                 after="  contact_rules:\n")
    path = write("protocol.yaml", text)
    line = line_of(text, "[helpwanted, we_can_young]")
    r = run("--protocol", path, "criteria")
    refused(r, path, line_range=(line, line), where="triage.contact_rules[0].add[1]",
            words=("[SP312] historisch contact 'we_can_young'",))


def test_validate_lists_duplicate_rules_and_historical_routes_together(run, write, protocol_text):
    text = alter(protocol_text, "    - id: not_shared_but_spreading\n", "    - id: adult_age\n", after="  warnings:\n")
    text = alter(text, "      add: [helpwanted]\n", "      add: [we_can_young]\n", after="  contact_rules:\n")
    path = write("protocol.yaml", text)
    r = run("--lang", "en", "--protocol", path, "validate")
    assert r.code == 2, r.err
    assert "Traceback" not in r.err
    assert f"{path}:{second_line(text, '  warnings:', '    - id: adult_age')}:" in r.err
    assert f"{path}:{line_of(text, 'add: [we_can_young]')}:" in r.err
    assert "triage.warnings[1].id" in r.err and "'adult_age' is used twice" in r.err
    assert "triage.contact_rules[0].add[0]" in r.err and "historical contact 'we_can_young'" in r.err


def test_contacts_file_error_names_that_file(run, write, contacts_text):
    anchor = "  - id: helpwanted\n"
    text = alter(contacts_text, anchor, anchor + "    fax: 123\n")
    path = write("contacts.yaml", text)
    r = run("--contacts", path, "contacts")
    assert r.code == 2
    assert path in r.err and "fax" in r.err
    assert "Traceback" not in r.err


# --- the checks as units -------------------------------------------------------------------------


def test_shipped_protocol_passes_the_checks(bundle):
    assert checks.check_protocol(bundle.protocol, bundle.contacts) == []
    assert checks.check_contacts(bundle.contacts) == []


def test_the_leaflet_may_name_a_historical_contact(bundle):
    """WE CAN Young is named in step 2's checklist; only routes and contact rules may not use it."""
    historical = {c.id for c in bundle.contacts.contacts if c.historical}
    assert "we_can_young" in historical
    assert checks.check_protocol(bundle.protocol, bundle.contacts) == []


def test_check_protocol_lists_every_reference_problem():
    src = data.read(str(data.shipped("protocol.yaml")))
    proto = data.convert(src, model.Protocol)
    contacts = data.convert(data.read(str(data.shipped("contacts.yaml"))), model.Contacts)
    contacts.contacts = [c for c in contacts.contacts if c.id not in ("zvh", "politie")]
    found = checks.check_protocol(proto, contacts)
    unknown = {values["value"] for _, code, values in found if code == "SP303"}
    assert {"zvh", "politie"} <= unknown
    # every problem has a path inside the file
    assert all(path for path, _, _ in found)


def test_text_falls_back_to_dutch():
    t = model.Text(nl="Hallo")
    assert t.get("en") == "Hallo"
    assert model.Text(nl="Hallo", en="Hello").get("en") == "Hello"


def test_unknown_field_is_refused_by_the_types():
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"nl": "a", "de": "b"}, model.Text)


@pytest.mark.parametrize("raw", [
    {"id": "x", "name": "X", "kind": "acuut", "purpose": {"nl": "p"}, "phone": {"value": "1", "verified": "yes"}},
    {"id": "x", "name": "X", "kind": "geheim", "purpose": {"nl": "p"}},
    {"id": "x", "kind": "acuut", "purpose": {"nl": "p"}},
])
def test_contact_type_errors(raw):
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(raw, model.Contact)


def test_shipped_text_is_unchanged_by_the_helpers():
    # the broken copies above are made from the shipped text: it must itself be clean
    assert "colour:" not in shipped_text("protocol.yaml")


def test_no_quoted_name_inside_a_builtin_generic_in_a_class():
    """Python 3.10 leaves the name in `list["Cond"]` unresolved: msgspec then failed at the first
    read of the data, and every command on 3.10 ended in an internal error. A forward reference
    in a field is written `List["Cond"]` (typing's, which 3.10 resolves)."""
    import ast

    from conftest import REPO

    builtin = {"list", "dict", "tuple", "set", "frozenset", "type"}
    found = []
    for path in sorted((REPO / "src").rglob("*.py")):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(cls, ast.ClassDef):
                continue
            for field in (n for n in cls.body if isinstance(n, ast.AnnAssign)):
                for node in ast.walk(field.annotation):
                    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in builtin
                            and any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in ast.walk(node.slice))):
                        found.append(f"{path.name}:{field.lineno}: {ast.unparse(field.annotation)}")
    assert found == []
