"""data/conversations.yaml: the conversation guides of step 3 and the letters (issue 16).

The file is data only; these tests check its shape and its references against protocol.yaml and
contacts.yaml, and, through the engine's own condition evaluator, which guides the worked examples
and the scenario library get (and which they must never get).
"""

from __future__ import annotations

import re

import msgspec
import pytest
import yaml

from conftest import DATA, EXAMPLES, load_cases, load_examples

CONV = yaml.safe_load((DATA / "conversations.yaml").read_text(encoding="utf-8"))
PROTO = yaml.safe_load((DATA / "protocol.yaml").read_text(encoding="utf-8"))
CONTACTS = yaml.safe_load((DATA / "contacts.yaml").read_text(encoding="utf-8"))

CONDITIONS = set(PROTO["triage"]["conditions"])
ROUTES = {r["id"] for r in PROTO["triage"]["routes"]}
QUESTIONS = {q["id"]: q for q in PROTO["questions"]}
SETTINGS = {s["id"] for s in PROTO["settings"]}
PRIORITIES = {p["id"] for p in PROTO["triage"]["priority"]}
FLAGS = {f["id"] for f in PROTO["flags"]}
CRITERIA = {c["id"] for c in PROTO["criteria"]}
CONTACT_IDS = {c["id"] for c in CONTACTS["contacts"]}
HISTORICAL = {c["id"] for c in CONTACTS["contacts"] if c.get("historical")}

GUIDE_KEYS = {"id", "order", "with", "when", "first", "aim", "opening", "questions", "avoid", "record", "variants"}
GUIDE_REQUIRED = {"id", "order", "with", "aim", "opening", "questions", "avoid", "record"}
GUIDE_PARTS = {"aim", "opening", "questions", "avoid", "record"}
LETTER_KEYS = {"id", "when", "title", "purpose", "paragraphs", "contacts", "variants"}
LETTER_REQUIRED = {"id", "title", "purpose", "paragraphs", "contacts"}
PLACEHOLDERS = {"organisation", "date", "sender_role"}
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
BRACES = re.compile(r"\{([^{}]*)\}")

GUIDES = CONV["conversations"]
LETTERS = CONV["letters"]
GUIDE = {g["id"]: g for g in GUIDES}


def texts(x, path=()):
    """Every {nl, en} text in x, with its path."""
    if isinstance(x, dict):
        if "nl" in x or "en" in x:
            yield path, x
            return
        for k, v in x.items():
            yield from texts(v, (*path, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from texts(v, (*path, i))


def conditions(x, path=()):
    """Every `when` in x, with its path."""
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "when":
                yield (*path, k), v
            else:
                yield from conditions(v, (*path, k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from conditions(v, (*path, i))


def cond_problems(c, path) -> list[str]:
    if not isinstance(c, dict):
        return [f"{path}: not a mapping"]
    heads = [k for k in c if k in ("q", "holds", "route", "priority", "setting", "flag", "criterion", "gap",
                                   "younger", "all", "any", "not")]
    if len(heads) != 1:
        return [f"{path}: needs exactly one head, has {sorted(c)}"]
    h = heads[0]
    out = []
    if h in ("all", "any"):
        for i, sub in enumerate(c[h]):
            out += cond_problems(sub, f"{path}.{h}[{i}]")
    elif h == "not":
        out += cond_problems(c["not"], f"{path}.not")
    elif h == "holds":
        if c["holds"] not in CONDITIONS:
            out.append(f"{path}: holds {c['holds']!r} is not a condition of triage.conditions")
    elif h == "route":
        if c["route"] not in ROUTES:
            out.append(f"{path}: route {c['route']!r} is not a route id")
    elif h in ("setting", "priority", "flag"):
        known = {"setting": SETTINGS, "priority": PRIORITIES, "flag": FLAGS}[h]
        if not isinstance(c[h], list) or not set(c[h]) <= known:
            out.append(f"{path}: {h} {c[h]!r} must be a list of {sorted(known)}")
    elif h == "criterion":
        if c["criterion"] not in CRITERIA:
            out.append(f"{path}: criterion {c['criterion']!r} unknown")
    elif h in ("gap", "younger"):
        if any(q not in QUESTIONS for q in c[h]):
            out.append(f"{path}: {h} names an unknown question")
    else:
        q = QUESTIONS.get(c["q"])
        if q is None:
            return [f"{path}: q {c['q']!r} is not a question id"]
        tests = [t for t in ("is", "in", "lt", "gte") if t in c]
        if len(tests) != 1:
            return [f"{path}: q needs exactly one of is/in/lt/gte"]
        if q.get("type") == "number":
            return []
        allowed = {o["value"] for o in q.get("options", [])} | {"unknown"}
        values = c["in"] if "in" in c else [c.get("is")] if "is" in c else []
        if "lt" in c or "gte" in c:
            out.append(f"{path}: lt/gte on a question that is not a number")
        out += [f"{path}: {c['q']} has no value {v!r}" for v in values if v not in allowed]
    return out


# --- shape ------------------------------------------------------------------------------------


def test_the_file_has_conversations_and_letters_only():
    assert set(CONV) == {"conversations", "letters"}
    assert GUIDES and LETTERS


def test_every_text_has_dutch_and_english():
    found = list(texts(CONV))
    assert len(found) > 100
    bad = [p for p, t in found if set(t) != {"nl", "en"} or not all(isinstance(v, str) and v.strip() for v in t.values())]
    assert bad == []


def test_ids_are_unique_and_snake_case():
    ids = [x["id"] for x in GUIDES + LETTERS]
    assert len(ids) == len(set(ids))
    assert all(SNAKE.match(i) for i in ids)


def test_guides_have_the_agreed_shape():
    for g in GUIDES:
        assert GUIDE_REQUIRED <= set(g) <= GUIDE_KEYS, g["id"]
        assert isinstance(g["order"], int), g["id"]
        assert 3 <= len(g["questions"]) <= 6, g["id"]
        assert g["avoid"] and g["record"], g["id"]
        for f in g.get("first", []):
            assert set(f) <= {"when", "text"} and "text" in f, g["id"]
        for v in g.get("variants", []):
            assert "when" in v and set(v) - {"when"} and set(v) - {"when"} <= GUIDE_PARTS, g["id"]
            if "questions" in v:
                assert 3 <= len(v["questions"]) <= 6, g["id"]


def test_letters_have_the_agreed_shape():
    for x in LETTERS:
        assert LETTER_REQUIRED <= set(x) <= LETTER_KEYS, x["id"]
        assert x["paragraphs"], x["id"]
        for v in x.get("variants", []):
            assert set(v) == {"when", "paragraphs"}, x["id"]


def test_the_required_guides_and_letters_are_there():
    assert {"young_person", "young_receiver", "adult_harmed", "young_actor", "spreader", "sender", "class_or_group",
            "parents_young_person", "parents_spreader", "parents_young_actor"} <= set(GUIDE)
    assert {"parents_class", "team_note"} <= {x["id"] for x in LETTERS}


# --- references ---------------------------------------------------------------------------------


def test_every_contact_exists_and_none_is_historical():
    for x in LETTERS:
        assert set(x["contacts"]) <= CONTACT_IDS, x["id"]
        assert not set(x["contacts"]) & HISTORICAL, x["id"]


def test_every_condition_names_what_protocol_yaml_defines():
    problems = []
    for path, c in conditions(CONV):
        problems += cond_problems(c, ".".join(map(str, path)))
    assert problems == []


def test_conditions_convert_to_the_engines_condition_type():
    from sexting_protocol.core.model import Cond

    for path, c in conditions(CONV):
        msgspec.convert(c, Cond)  # raises on an unknown key or a wrong type


def test_placeholders_only_the_three_allowed_and_only_in_letters():
    for path, t in texts(LETTERS):
        for s in t.values():
            assert set(BRACES.findall(s)) <= PLACEHOLDERS, (path, s)
    for path, t in texts(GUIDES):
        for s in t.values():
            assert "{" not in s and "}" not in s, (path, s)


# --- which guides a case gets (the engine's own evaluator) ----------------------------------------


def _engine():
    from sexting_protocol.store import bundle as data
    from sexting_protocol.core.engine import Engine

    return Engine(data.load(layers=False).protocol)


def _normalised(engine, answers: dict) -> dict:
    from sexting_protocol.store.answers import normalise

    out = {k: normalise(engine.questions[k], v) for k, v in answers.items() if k in engine.questions}
    if "setting" in answers:
        out["setting"] = str(answers["setting"]).lower()
    return out


def _outcome(engine, answers: dict, confirmed: str | None = None):
    """(guide ids, letter ids, first texts by guide, plan ids, ctx) for a case."""
    from sexting_protocol.core.engine import Confirmation
    from sexting_protocol.core.model import Cond

    a = _normalised(engine, answers)
    conf = Confirmation(confirmed, "reden", "IB-er") if confirmed else None
    d = engine.decide(a, conf, asked=[])
    eff, _ = engine.effective(engine.full(a))
    ctx = engine.ctx(eff, criteria=d.assessment.criteria, flag=d.confirmed.flag, routes=d.routes, priority=d.priority)

    def holds(x):
        return "when" not in x or ctx.holds(msgspec.convert(x["when"], Cond))

    guides = [g["id"] for g in sorted(GUIDES, key=lambda g: g["order"]) if holds(g)]
    letters = [x["id"] for x in LETTERS if holds(x)]
    firsts = {g["id"]: [f["text"]["en"] for f in g.get("first", []) if holds(f)] for g in GUIDES if g["id"] in guides}
    return guides, letters, firsts, set(d.plan_ids()), ctx


ALL_CASES = [(c["id"], c["answers"]) for c in (load_examples() if EXAMPLES.exists() else [])] + [
    (c["id"], c["answers"]) for c in load_cases() if "exit" not in c["expect"]]
SUSPECT_TALK = {"spreader", "sender", "parents_spreader", "young_actor", "parents_young_actor"}


@pytest.fixture(scope="module")
def engine():
    return _engine()


@pytest.mark.parametrize("cid,answers", ALL_CASES, ids=[c for c, _ in ALL_CASES])
def test_guides_follow_the_decision(engine, cid, answers):
    guides, letters, firsts, plan, ctx = _outcome(engine, answers, answers.get("confirmed_flag"))
    holds = lambda name: ctx.holds(msgspec.convert({"holds": name}, __import__("sexting_protocol.core.model").core.model.Cond))
    # exactly one guide for the one the case is about, first
    opening = [g for g in guides if g in ("young_person", "young_receiver", "adult_harmed")]
    assert len(opening) == 1, guides
    assert guides[0] == opening[0]
    # no guide for a conversation with a suspect where the plan says not to contact one
    if "dont_contact_suspect" in plan:
        assert not {"spreader", "parents_spreader"} & set(guides), guides
    # never a conversation with a staff member, volunteer or family member under suspicion; no team note either
    if holds("dependency"):
        assert not SUSPECT_TALK & set(guides) and "team_note" not in letters, (guides, letters)
    # a spreader guide appears with the police first wherever the police is a route
    if "spreader" in guides and "police" in ctx.routes:
        assert any("zedenpolitie" in t and "before" in t for t in firsts["spreader"]), firsts["spreader"]
    if "police_before_confronting" in plan:
        for g in {"spreader", "young_actor", "parents_spreader", "parents_young_actor"} & set(guides):
            assert any("zedenpolitie" in t for t in firsts[g]), (g, firsts[g])
    # the young-actor case: the adult it happened to and the young person who acted, never "in the images"
    if holds("young_actor"):
        assert guides[:2] == ["adult_harmed", "young_actor"] and "young_person" not in guides
    else:
        assert "adult_harmed" not in guides and "young_actor" not in guides
    # the class only where it spread in a group, and only with agreement
    assert ("class_or_group" in guides) == ("safe_climate" in plan)
    if "class_or_group" in guides:
        assert any("agrees" in t for t in firsts["class_or_group"])
    # parents: a guide where they are told, and Veilig Thuis instead where that is not safe
    if "parents_unsafe" in plan and "parents_young_person" in guides:
        assert any("Veilig Thuis" in t and "not tell" in t for t in firsts["parents_young_person"])
    if "parents_safety_check" in plan and "parents_young_person" in guides:
        assert any("First check whether it is safe" in t for t in firsts["parents_young_person"])
    # the letter to the class goes with a group incident only
    assert ("parents_class" in letters) == ("safe_climate" in plan)


def _case(cid):
    return dict(ALL_CASES)[cid]


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
def test_the_group_chat_example_gets_every_conversation_and_both_letters(engine):
    guides, letters, firsts, plan, _ = _outcome(engine, _case("forwarded-to-group-chat"))
    assert guides == ["young_person", "spreader", "class_or_group", "parents_young_person", "parents_spreader"]
    assert letters == ["parents_class", "team_note"]
    assert any("before the zedenpolitie" in t for t in firsts["spreader"])


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
def test_an_adult_asking_for_images_gets_no_conversation_with_the_adult(engine):
    guides, letters, _, _, _ = _outcome(engine, _case("adult-asks-for-images"))
    assert guides == ["young_person", "parents_young_person"]
    assert letters == []
