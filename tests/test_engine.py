"""The triage engine against the contract (../shared/spec/triage-contract.md).

- every worked example of ../shared/scenarios/examples.yaml and every case of data/cases.yaml, run
  like ../shared/tools/check-scenarios runs them (the command, --answers, --json, given back);
- the contract's rules, written out once more here as an independent reference (`contract_*`),
  compared with the engine over hypothesis-generated answers;
- the properties the issue names: never a crash, always a flag, riskier never lowers, doubt never
  gives green, every decision has a route, a contact and a plan item for each step, `asked`;
- the fixed plan items, the confirmation limits, and a changed YAML that changes the behaviour.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from conftest import CLEAR, CRITERIA, EXAMPLES, FLAGS, JSON_KEYS, TODAY, alter, expect_misses, load_cases, \
    load_examples, run_cli, write_file
from sexting_protocol import data
from sexting_protocol.answers import confirm_problem
from sexting_protocol.engine import Confirmation, Engine

BUNDLE = data.load()
PROTOCOL = BUNDLE.protocol
ENGINE = Engine(PROTOCOL, "nl")
ENGINE_EN = Engine(PROTOCOL, "en")
QUESTIONS = {q.id: q for q in PROTOCOL.questions}
ROUTE_CONTACTS = {r.id: set(r.contacts) for r in PROTOCOL.triage.routes}
U = "unknown"

SAFETY6 = ["immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved", "extortion",
           "violent_content"]
SAFE8 = SAFETY6 + ["age_depicted", "other_person"]
DOUBT7 = ["immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved", "extortion",
          "voluntary", "shared_further"]
URGENT3 = ["immediate_danger", "self_harm_concern", "sexual_violence_recent"]
SPREAD = ("few", "group", "public_online")
INTERNAL = {"ib_er", "smw", "zat", "vertrouwenspersoon", "zorgcoordinator"}
# The contract's risk order of each choice question (safest first); ages and other_person have none.
RISK = {
    **{q: ["no", "yes"] for q in ("immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved",
                                  "extortion", "violent_content", "online_only_contact", "spread_to_hurt",
                                  "still_spreading", "repeated", "home_risk")},
    "made_by": ["self", "other_with_consent", "other_secretly"],
    "voluntary": ["yes", "light_pressure", "pressure", "reward", "coercion"],
    "recipient_wanted": ["yes", "unclear", "no", "no_repeated"],
    "shared_further": ["no", "few", "group", "public_online"],
    "power_difference": ["none", "slight", "clear", "large"],
    "context_ok": ["yes", "somewhat", "no"],
    "impact": ["none", "mild", "serious", "severe"],
}
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(flag: str) -> int:
    return FLAGS.index(flag)


def worst(*flags: str) -> str:
    return max(flags, key=rank)


# =================================================================================================
# The contract, written out independently of the engine
# =================================================================================================


def contract_assess(a: dict) -> dict:
    """Criteria, proposed flag, urgency, lock and doubt as the contract's sections state them."""
    g = lambda q: a.get(q, U)  # noqa: E731
    d, o = g("age_depicted"), g("age_other")
    spread = g("shared_further") in SPREAD
    crit: dict[str, str] = {}

    def rate(name, ratings):
        crit[name] = worst(*ratings) if ratings else U

    r = [{"yes": "green", "unclear": "yellow", "no": "red", "no_repeated": "black"}.get(g("recipient_wanted"))]
    r += ["red"] if spread else []
    r += ["black"] if g("spread_to_hurt") == "yes" and spread else []
    r += ["black"] if g("made_by") == "other_secretly" else []
    rate("consent", [x for x in r if x])

    r = [{"yes": "green", "light_pressure": "yellow", "pressure": "red", "reward": "red",
          "coercion": "black"}.get(g("voluntary"))]
    r += ["black"] if g("extortion") == "yes" else []
    rate("voluntariness", [x for x in r if x])

    r = [{"none": "green", "slight": "yellow", "clear": "red", "large": "black"}.get(g("power_difference"))]
    if isinstance(d, int) and isinstance(o, int):
        gap = abs(d - o)
        r += ["yellow"] if gap >= 2 else []
        r += ["red"] if gap >= 4 and min(d, o) < 16 else []
        r += ["black"] if gap > 5 else []
    adult = g("adult_involved") == "yes" or g("other_person") == "adult_outside" or (isinstance(o, int) and o >= 18)
    adult_rule = adult and (d == U or (isinstance(d, int) and d < 16))
    r += ["black"] if adult_rule else []
    rate("equality", [x for x in r if x])

    rate("age_appropriate", [("yellow" if d < 12 else "green")] if isinstance(d, int) else [])

    r = [{"yes": "green", "somewhat": "yellow", "no": "red"}.get(g("context_ok"))]
    r += ["red"] if g("shared_further") in ("group", "public_online") else []
    rate("context", [x for x in r if x])

    rate("self_respect", [x for x in [{"none": "green", "mild": "yellow", "serious": "red",
                                         "severe": "red"}.get(g("impact"))] if x])

    rated = [v for v in crit.values() if v != U]
    flag = worst(*rated) if rated else "green"
    if g("repeated") == "yes":
        flag = {"yellow": "red", "red": "black"}.get(flag, flag)
    black_floor = any(g(q) == "yes" for q in ("extortion", "violent_content", "sexual_violence_recent")) or \
        g("other_person") in ("family_or_household", "staff_or_volunteer")
    red_floor = g("online_only_contact") == "yes"
    if black_floor:
        flag = "black"
    if red_floor:
        flag = worst(flag, "red")
    if g("immediate_danger") == "yes" or g("self_harm_concern") == "yes":
        flag = worst(flag, "yellow")
    doubt = any(g(q) == U for q in DOUBT7)
    if U in crit.values() or doubt:
        flag = worst(flag, "yellow")
    return {"flag": flag, "criteria": crit, "urgent": any(g(q) == "yes" for q in URGENT3),
            "lock": "red" if black_floor or red_floor or adult_rule else None, "doubt": doubt}


def contract_routes(a: dict, flag: str, doubt: bool) -> set[str]:
    g = lambda q: a.get(q, U)  # noqa: E731
    routes = set({"green": ["self_help"], "yellow": ["self_help", "consult", "inform_parents"],
                  "red": ["consult", "inform_parents"], "black": ["consult", "inform_parents", "police", "zvh"]}[flag])
    if flag == "red" and (g("shared_further") in SPREAD or g("voluntary") == "reward" or g("online_only_contact") == "yes"):
        routes.add("police")
    if g("immediate_danger") == "yes":
        routes.add("emergency")
    if g("self_harm_concern") == "yes":
        routes.add("crisis_care")
    if g("sexual_violence_recent") == "yes":
        routes |= {"acute_care", "police"}
    if g("other_person") == "family_or_household" or (g("home_risk") == "yes" and flag != "green"):
        routes.add("report_veilig_thuis")
    if g("other_person") == "staff_or_volunteer":
        routes |= {"board_duty", "police"}
    if doubt:
        routes.add("consult")
    if g("home_risk") in ("yes", U) or g("other_person") == "family_or_household":
        routes.discard("inform_parents")
    if flag == "green":
        routes -= {"police", "zvh", "report_veilig_thuis"}
    return routes


def contract_decision(a: dict, confirmed: str | None = None) -> dict:
    p = contract_assess(a)
    flag = confirmed or p["flag"]
    routes = contract_routes(a, flag, p["doubt"])
    if p["lock"] and rank(flag) < rank(p["flag"]) and "police" in contract_routes(a, p["flag"], p["doubt"]):
        routes.add("police")
    contacts = set().union(*(ROUTE_CONTACTS[r] for r in routes))
    if a.get("shared_further") in SPREAD or a.get("extortion") == "yes" or a.get("online_only_contact") == "yes":
        contacts.add("helpwanted")
    return {**p, "routes": routes, "contacts": contacts}


def signature(a: dict) -> tuple:
    c = contract_decision(a)
    return c["flag"], frozenset(c["routes"]), c["urgent"]


def values_of(qid: str) -> list:
    q = QUESTIONS[qid]
    if q.type == "number":
        return list(range(q.min, q.max + 1)) + [U]
    return [o.value for o in q.options] + [U]


# =================================================================================================
# Strategies: from the protocol's own questions
# =================================================================================================

MISSING = object()


def value_strategy(qid: str):
    q = QUESTIONS[qid]
    if q.type == "number":
        return st.one_of(st.integers(q.min, q.max), st.just(U))
    return st.sampled_from([o.value for o in q.options] + [U])


random_answers = st.fixed_dictionaries(
    {qid: st.one_of(st.just(MISSING), value_strategy(qid)) for qid in QUESTIONS}
).map(lambda d: {k: v for k, v in d.items() if v is not MISSING})
near_clear = st.dictionaries(st.sampled_from(sorted(QUESTIONS)), st.none(), max_size=4).flatmap(
    lambda keys: st.fixed_dictionaries({k: value_strategy(k) for k in keys})).map(lambda d: {**CLEAR, **d})
answers_st = st.one_of(random_answers, near_clear)


def decide(answers: dict, confirmed=None, engine=None, **kw):
    """A decision without working out `asked` (the slow part), for tests that do not read it."""
    return (engine or ENGINE).decide(answers, confirmed, today=TODAY, asked=[], **kw)


def full(a: dict) -> dict:
    return {q: a.get(q, U) for q in QUESTIONS}


# =================================================================================================
# Worked examples and the scenario library, through the command (as check-scenarios runs them)
# =================================================================================================


def scenario_run(tmp_path, answers: dict, name: str = "answers.yaml"):
    path = write_file(tmp_path, name, answers)
    return run_cli("triage", "--answers", path, "--json")


def check_scenario(tmp_path, s: dict) -> list[str]:
    e = s["expect"]
    r = scenario_run(tmp_path, s["answers"])
    if "exit" in e:
        misses = [] if r.code == e["exit"] else [f"exit {r.code}, want {e['exit']}"]
        if e.get("message_contains") and e["message_contains"] not in r.out + r.err:
            misses.append(f"message lacks {e['message_contains']!r}: {r.err!r}")
        if "Traceback" in r.out + r.err:
            misses.append("traceback")
        return misses
    assert r.code == 0, r.err
    out = r.json()
    misses = [f"lacks key {k}" for k in JSON_KEYS if k not in out]
    if set(out.get("criteria", {})) != set(CRITERIA):
        misses.append(f"criteria {sorted(out.get('criteria', {}))}")
    misses += expect_misses(out, e)
    back = scenario_run(tmp_path, out, "back.json")
    if back.code != 0:
        misses.append(f"its own --json output is refused: {back.err}")
    else:
        again = back.json()
        if (again["flag"], again["confirmed_flag"], sorted(again["routes"])) != \
                (out["flag"], out["confirmed_flag"], sorted(out["routes"])):
            misses.append("given back, its --json output leads to another decision")
    return misses


EXAMPLE_LIST = load_examples()


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
@pytest.mark.parametrize("scenario", EXAMPLE_LIST, ids=[s["id"] for s in EXAMPLE_LIST])
def test_worked_example(tmp_path, scenario):
    assert check_scenario(tmp_path, scenario) == []


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_scenario_library_case(tmp_path, case):
    assert check_scenario(tmp_path, case) == []


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
@pytest.mark.parametrize("scenario", EXAMPLE_LIST, ids=[s["id"] for s in EXAMPLE_LIST])
def test_worked_example_agrees_with_the_contract_reference(scenario):
    """The examples hold for the reference too: it is a faithful reading of the contract."""
    from sexting_protocol.answers import normalise

    a = {k: normalise(QUESTIONS[k], v) for k, v in scenario["answers"].items() if k in QUESTIONS}
    ref = contract_decision(a)
    out = {"flag": ref["flag"], "urgent": ref["urgent"], "routes": sorted(ref["routes"]),
           "contacts": sorted(ref["contacts"]), "unknown": [q for q in QUESTIONS if a.get(q, U) == U]}
    e = {k: v for k, v in scenario["expect"].items() if k != "max_asked"}
    assert expect_misses(out, e) == []


# --- the library itself ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def library_decisions() -> dict:
    from sexting_protocol.answers import normalise

    out = {}
    for c in CASES:
        if "exit" in c["expect"]:
            continue
        a = {k: normalise(QUESTIONS[k], v) for k, v in c["answers"].items() if k in QUESTIONS}
        out[c["id"]] = (a, ENGINE.decide(a, today=TODAY))
    return out


def test_library_has_at_least_25_cases_with_stories_in_both_languages():
    assert len(CASES) >= 25
    assert len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert set(c) >= {"id", "story", "answers", "expect"}, c.get("id")
        assert c["story"]["nl"].strip() and c["story"]["en"].strip(), c["id"]


def test_library_covers_every_flag():
    flags = {c["expect"].get("flag") for c in CASES} | {c["expect"].get("confirmed_flag") for c in CASES}
    assert set(FLAGS) <= flags


def test_library_covers_every_route():
    expected = set().union(*(c["expect"].get("routes_include", []) for c in CASES))
    assert {r.id for r in PROTOCOL.triage.routes} <= expected


FLOOR_CONDITIONS = {
    "extortion": lambda a: a.get("extortion") == "yes",
    "violent_content": lambda a: a.get("violent_content") == "yes",
    "sexual_violence_recent": lambda a: a.get("sexual_violence_recent") == "yes",
    "family_or_household": lambda a: a.get("other_person") == "family_or_household",
    "staff_or_volunteer": lambda a: a.get("other_person") == "staff_or_volunteer",
    "online_only_contact": lambda a: a.get("online_only_contact") == "yes",
    "immediate_danger": lambda a: a.get("immediate_danger") == "yes",
    "self_harm_concern": lambda a: a.get("self_harm_concern") == "yes",
    "safety_unknown": lambda a: any(a.get(q, U) == U for q in DOUBT7),
    "criterion_unknown": lambda a: U in contract_assess(a)["criteria"].values(),
    "repeated": lambda a: a.get("repeated") == "yes",
    "adult_rule": lambda a: contract_assess(a)["criteria"]["equality"] == "black" and (
        a.get("adult_involved") == "yes" or a.get("other_person") == "adult_outside"),
}


@pytest.mark.parametrize("floor", sorted(FLOOR_CONDITIONS))
def test_library_covers_every_floor_and_the_unknown_rule(floor):
    hits = [cid for cid, (a, _) in library_decisions().items() if FLOOR_CONDITIONS[floor](a)]
    assert hits, f"no case in data/cases.yaml where {floor} applies"


def test_library_covers_refusals():
    assert any(c["expect"].get("exit") == 2 for c in CASES)


# =================================================================================================
# The engine agrees with the contract reference
# =================================================================================================


@FAST
@given(answers_st, st.sampled_from(["nl", "en"]), st.integers(1, 60))
@example({}, "nl", 7)
@example(CLEAR, "en", 7)
def test_every_decision_agrees_with_the_contract_and_has_what_it_needs(answers, lang, days):
    """One decision per example, checked for everything the contract and the issue ask of it."""
    engine = ENGINE if lang == "nl" else ENGINE_EN
    d = decide(answers, engine=engine, followup_days=days)
    ref = contract_decision(full(answers))
    note(f"engine: {d.flag} {d.assessment.criteria} {d.routes}")
    note(f"contract: {ref['flag']} {ref['criteria']} {sorted(ref['routes'])}")

    # the contract's rules
    assert d.assessment.criteria == ref["criteria"]
    assert d.flag == ref["flag"]
    assert d.assessment.urgent is ref["urgent"]
    assert set(d.routes) == ref["routes"]
    assert set(d.contacts) == ref["contacts"]
    assert len(d.routes) == len(set(d.routes)) and len(d.contacts) == len(set(d.contacts))
    assert d.unknown == [q for q in QUESTIONS if answers.get(q, U) == U]
    assert engine.limits(d.assessment) == (ref["lock"] or "green")

    # never a crash, always a flag, a route, a contact and a plan item for each step
    assert d.flag in FLAGS and d.confirmed.flag == d.flag
    assert set(d.assessment.criteria) == set(CRITERIA)
    assert set(d.assessment.criteria.values()) <= set(FLAGS) | {U}
    assert d.routes, "no route"
    assert d.contacts, "no contact"
    assert [s["step"] for s in d.plan] == [1, 2, 3, 4, 5]
    for step in d.plan:
        assert step["items"], f"step {step['step']} has no plan item"
        for item in step["items"]:
            assert set(item) >= {"id", "text"} and item["text"].strip()
            assert "{" not in item["text"], f"unfilled placeholder: {item['text']}"
    ids = [i["id"] for s in d.plan for i in s["items"]]
    assert len(ids) == len(set(ids))

    # doubt never gives green
    if U in d.assessment.criteria.values():
        assert d.flag != "green"
    if any(answers.get(q, U) == U for q in DOUBT7):
        assert d.flag != "green"
        assert "consult" in d.routes

    # a green case never gets police, zvh or a melding
    if d.confirmed.flag == "green":
        assert not {"police", "zvh", "report_veilig_thuis"} & set(d.routes)

    # the contract's fixed plan items
    texts = plan_texts(d)
    assert any_item(texts, *NEVER_VIEW[lang])
    assert any_item(texts, *LISTEN[lang])
    for words in AFWEGING[lang]:
        assert any_item(plan_texts(d, 5), *words), words
    when = (TODAY + dt.timedelta(days=days)).isoformat()
    assert any_item(texts, when, *FOLLOWUP[lang])
    step1 = plan_texts(d, 1)
    for qid in d.unknown:
        assert engine.text(QUESTIONS[qid].find_out) in step1, f"no find-out item for {qid}"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_st, st.sampled_from(FLAGS))
def test_routes_follow_the_confirmed_flag(answers, confirmed):
    a = ENGINE.assess(answers, explain=False)
    if rank(confirmed) < rank(ENGINE.limits(a)):
        return  # refused by the limits (tested below)
    d = decide(answers, Confirmation(confirmed, "reden", "IB-er"))
    ref = contract_decision(full(answers), confirmed)
    assert d.confirmed.flag == confirmed
    assert d.flag == a.flag  # the proposal is kept
    assert set(d.routes) == ref["routes"]
    assert set(d.contacts) == ref["contacts"]


# =================================================================================================
# The properties
# =================================================================================================


@FAST
@given(answers_st, st.sampled_from(sorted(RISK)), st.data())
def test_a_riskier_option_never_lowers_the_flag(answers, qid, draw):
    q = QUESTIONS[qid]
    assert q.risk == RISK[qid], f"{qid}: the protocol's risk order differs from the contract's"
    order = [RISK[qid][0], U, *RISK[qid][1:]]
    i = draw.draw(st.integers(0, len(order) - 2))
    j = draw.draw(st.integers(i + 1, len(order) - 1))
    low = ENGINE.assess({**answers, qid: order[i]}, explain=False).flag
    high = ENGINE.assess({**answers, qid: order[j]}, explain=False).flag
    note(f"{qid}: {order[i]} → {low}, {order[j]} → {high}")
    assert rank(low) <= rank(high)


@pytest.mark.parametrize("qid", ["other_person", "online_only_contact", "age_other", "made_by", "spread_to_hurt",
                                 "still_spreading", "repeated", "home_risk"])
def test_an_unknown_that_rates_nothing_does_not_stop_green(qid):
    d = ENGINE.decide({**CLEAR, qid: U}, today=TODAY)
    assert d.flag == "green"
    assert qid in d.unknown


# --- asked ---------------------------------------------------------------------------------------


def known(answers: dict, qids) -> dict:
    return {q: answers.get(q, U) for q in qids}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_st)
@example(CLEAR)
@example({})
def test_asked_safety_first_what_a_session_needs_and_no_more(answers):
    asked = ENGINE.decide(answers, today=TODAY).asked
    assert len(asked) == len(set(asked)), f"a question asked twice: {asked}"
    assert set(asked) <= set(QUESTIONS)
    # safety first: only age_depicted and other_person may come before extortion and violent_content
    for i, x in enumerate(asked):
        for later in asked[i + 1:]:
            if later in SAFETY6 and x not in SAFETY6:
                assert x in ("age_depicted", "other_person") and later in ("extortion", "violent_content"), \
                    f"{x} is asked before the safety question {later}: {asked}"
    # each question asked could, at its turn, still change the flag, the routes or `urgent`
    for i, qid in enumerate(asked):
        before = known(answers, asked[:i])
        base = signature(before)
        assert any(signature({**before, qid: v}) != base for v in values_of(qid)), \
            f"{qid} was asked, but no answer to it could change the decision (after {asked[:i]})"
    # after them, no question left could change it
    after = known(answers, asked)
    base = signature(after)
    for qid in QUESTIONS:
        if qid not in asked:
            for v in values_of(qid):
                assert signature({**after, qid: v}) == base, f"{qid}={v} would change the decision, not asked"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_st)
@example({**CLEAR, "other_person": "family_or_household"})
@example({"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "yes",
          "other_person": "family_or_household"})
def test_a_case_settled_by_the_safety_questions_asks_at_most_8(answers):
    s = known(answers, SAFE8)
    base = signature(s)
    settled = all(signature({**s, q: v}) == base for q in QUESTIONS if q not in SAFE8 for v in values_of(q))
    if not settled:
        return
    asked = ENGINE.decide(answers, today=TODAY).asked
    note(f"asked: {asked}")
    assert 0 < len(asked) <= 8


def test_the_adult_example_is_decided_in_at_most_8_questions():
    a = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "yes",
         "other_person": "adult_outside", "online_only_contact": "yes", "age_depicted": 14, "age_other": 23,
         "home_risk": "no"}
    d = ENGINE.decide(a, today=TODAY)
    assert d.flag == "black"
    assert 0 < len(d.asked) <= 8
    assert d.asked[:3] == URGENT3


def test_a_fresh_session_asks_the_urgent_questions_first():
    assert ENGINE.decide({}, today=TODAY).asked[:3] == URGENT3


# =================================================================================================
# The contract's rules, one by one (readable failures; the reference above covers combinations)
# =================================================================================================


@pytest.mark.parametrize("change,criterion,rating", [
    ({"recipient_wanted": "unclear"}, "consent", "yellow"),
    ({"recipient_wanted": "no"}, "consent", "red"),
    ({"recipient_wanted": "no_repeated"}, "consent", "black"),
    ({"shared_further": "few"}, "consent", "red"),
    ({"shared_further": "few", "recipient_wanted": U}, "consent", "red"),  # "at least" with an unknown answer
    ({"shared_further": "few", "spread_to_hurt": "yes"}, "consent", "black"),
    ({"shared_further": "no", "spread_to_hurt": "yes"}, "consent", "green"),  # not spread: no black
    ({"made_by": "other_secretly"}, "consent", "black"),
    ({"voluntary": "light_pressure"}, "voluntariness", "yellow"),
    ({"voluntary": "pressure"}, "voluntariness", "red"),
    ({"voluntary": "reward"}, "voluntariness", "red"),
    ({"voluntary": "coercion"}, "voluntariness", "black"),
    ({"extortion": "yes"}, "voluntariness", "black"),
    ({"power_difference": "slight"}, "equality", "yellow"),
    ({"power_difference": "clear"}, "equality", "red"),
    ({"power_difference": "large"}, "equality", "black"),
    ({"age_depicted": 15, "age_other": 17}, "equality", "yellow"),
    ({"age_depicted": 13, "age_other": 17}, "equality", "red"),
    ({"age_depicted": 16, "age_other": 20}, "equality", "yellow"),  # 4 apart, but the younger is 16
    ({"age_depicted": 11, "age_other": 17}, "equality", "black"),  # more than 5 apart
    ({"age_depicted": 15, "age_other": 19}, "equality", "black"),  # an adult and a child under 16
    ({"age_depicted": 16, "age_other": 17, "power_difference": U}, "equality", U),
    ({"adult_involved": "yes", "age_depicted": U, "age_other": U}, "equality", "black"),
    ({"other_person": "adult_outside", "age_depicted": 15, "age_other": U}, "equality", "black"),
    ({"age_depicted": 11, "age_other": 11}, "age_appropriate", "yellow"),
    ({"age_depicted": 12, "age_other": 12}, "age_appropriate", "green"),
    ({"age_depicted": U}, "age_appropriate", U),
    ({"context_ok": "somewhat"}, "context", "yellow"),
    ({"context_ok": "no"}, "context", "red"),
    ({"shared_further": "group"}, "context", "red"),
    ({"shared_further": "few"}, "context", "green"),
    ({"impact": "mild"}, "self_respect", "yellow"),
    ({"impact": "serious"}, "self_respect", "red"),
    ({"impact": "severe"}, "self_respect", "red"),
])
def test_criterion_rule(change, criterion, rating):
    assert ENGINE.assess({**CLEAR, **change}).criteria[criterion] == rating


@pytest.mark.parametrize("change,flag,urgent", [
    ({}, "green", False),
    ({"context_ok": "somewhat"}, "yellow", False),
    ({"context_ok": "somewhat", "repeated": "yes"}, "red", False),
    ({"recipient_wanted": "no", "repeated": "yes"}, "black", False),
    ({"repeated": "yes"}, "green", False),
    ({"extortion": "yes"}, "black", False),
    ({"violent_content": "yes"}, "black", False),
    ({"sexual_violence_recent": "yes"}, "black", True),
    ({"other_person": "family_or_household"}, "black", False),
    ({"other_person": "staff_or_volunteer"}, "black", False),
    ({"online_only_contact": "yes"}, "red", False),
    ({"immediate_danger": "yes"}, "yellow", True),
    ({"self_harm_concern": "yes"}, "yellow", True),
    ({"self_harm_concern": "yes", "impact": "severe"}, "red", True),
    ({"immediate_danger": U}, "yellow", False),
    ({"voluntary": U}, "yellow", False),
    ({"shared_further": U}, "yellow", False),
    ({"power_difference": U}, "yellow", False),
    ({"impact": U}, "yellow", False),
])
def test_proposed_flag(change, flag, urgent):
    a = ENGINE.assess({**CLEAR, **change})
    assert (a.flag, a.urgent) == (flag, urgent)


@pytest.mark.parametrize("change,exactly", [
    ({}, {"self_help"}),
    ({"context_ok": "somewhat"}, {"self_help", "consult", "inform_parents"}),
    ({"recipient_wanted": "no"}, {"consult", "inform_parents"}),
    ({"shared_further": "few"}, {"consult", "inform_parents", "police"}),
    ({"voluntary": "reward"}, {"consult", "inform_parents", "police"}),
    ({"online_only_contact": "yes"}, {"consult", "inform_parents", "police"}),
    ({"recipient_wanted": "no_repeated"}, {"consult", "inform_parents", "police", "zvh"}),
    ({"immediate_danger": "yes"}, {"self_help", "consult", "inform_parents", "emergency"}),
    ({"self_harm_concern": "yes"}, {"self_help", "consult", "inform_parents", "crisis_care"}),
    ({"sexual_violence_recent": "yes"}, {"consult", "inform_parents", "police", "zvh", "acute_care"}),
    ({"other_person": "family_or_household"}, {"consult", "police", "zvh", "report_veilig_thuis"}),
    ({"other_person": "staff_or_volunteer"}, {"consult", "inform_parents", "police", "zvh", "board_duty"}),
    ({"context_ok": "somewhat", "home_risk": "yes"}, {"self_help", "consult", "report_veilig_thuis"}),
    ({"context_ok": "somewhat", "home_risk": U}, {"self_help", "consult"}),
    ({"home_risk": "yes"}, {"self_help"}),  # green tells no parents: home_risk does not arise
    ({"extortion": U}, {"self_help", "consult", "inform_parents"}),
])
def test_routes(change, exactly):
    assert set(ENGINE.decide({**CLEAR, **change}, today=TODAY).routes) == exactly


@pytest.mark.parametrize("change,helpwanted", [
    ({}, False), ({"shared_further": "few"}, True), ({"shared_further": "public_online"}, True),
    ({"extortion": "yes"}, True), ({"online_only_contact": "yes"}, True), ({"still_spreading": "yes"}, False),
])
def test_helpwanted_contact(change, helpwanted):
    assert ("helpwanted" in ENGINE.decide({**CLEAR, **change}, today=TODAY).contacts) is helpwanted


def test_contacts_are_the_union_of_the_routes_contacts():
    d = ENGINE.decide({**CLEAR, "other_person": "staff_or_volunteer"}, today=TODAY)
    assert {"zat", "ib_er", "zorgcoordinator", "smw", "veilig_thuis", "politie", "zvh",
            "vertrouwensinspecteur"} <= set(d.contacts)
    assert "we_can_young" not in d.contacts


def test_self_help_contacts_are_internal_roles():
    d = ENGINE.decide(CLEAR, today=TODAY)
    assert set(d.contacts) & INTERNAL
    assert set(d.contacts) <= INTERNAL


def test_contradictory_answers_warn_and_the_stricter_reading_counts():
    d = ENGINE.decide({**CLEAR, "adult_involved": "no", "age_other": 30}, today=TODAY)
    assert d.flag == "black"  # an adult with a 15-year-old
    assert any(r.kind == "warning" for r in d.reasons)
    d = ENGINE.decide({**CLEAR, "shared_further": "no", "still_spreading": "yes"}, today=TODAY)
    assert any(r.kind == "warning" for r in d.reasons)
    assert not any(r.kind == "warning" for r in ENGINE.decide(CLEAR, today=TODAY).reasons)


def test_reasons_name_each_rule_that_set_a_rating_a_floor_or_a_route():
    d = ENGINE.decide({**CLEAR, "recipient_wanted": "no", "online_only_contact": "yes"}, today=TODAY)
    kinds = {(r.kind, r.id) for r in d.reasons}
    assert ("criterion", "consent") in kinds
    assert ("floor", "online_only_contact") in kinds
    assert any(k == "route" for k, _ in kinds)
    for r in d.reasons:
        j = r.as_json()
        assert set(j) >= {"question", "answer", "effect"}
        assert j.get(r.kind) == r.id


# =================================================================================================
# The plan
# =================================================================================================


def plan_texts(d, step: int | None = None) -> list[str]:
    return [i["text"] for s in d.plan if step is None or s["step"] == step for i in s["items"]]


def any_item(texts, *words) -> bool:
    return any(all(w.lower() in t.lower() for w in words) for t in texts)


FOLLOWUP = {"nl": ("hoe gaat het nu",), "en": ("how are things now",)}
NEVER_VIEW = {"nl": ("bekijk", "beelden", "nooit"), "en": ("never view", "images")}
LISTEN = {"nl": ("luister", "letterlijk"), "en": ("listen", "literally")}
AFWEGING = {"nl": [("afwegingskader", "noodzakelijk"), ("afwegingskader", "mogelijk")],
            "en": [("afwegingskader", "necessary"), ("afwegingskader", "possible")]}


def test_followup_is_7_days_by_default():
    d = ENGINE.decide(CLEAR, today=TODAY)
    assert any_item(plan_texts(d), (TODAY + dt.timedelta(days=7)).isoformat())


@pytest.mark.parametrize("spread", SPREAD)
def test_plan_when_images_were_spread(spread):
    d = ENGINE.decide({**CLEAR, "shared_further": spread}, today=TODAY)
    assert any_item(plan_texts(d, 3), "apart", "verspreider")
    assert any_item(plan_texts(d), "zedenpolitie", "verwijderd", "bewaard")


def test_plan_when_images_were_not_spread():
    d = ENGINE.decide(CLEAR, today=TODAY)
    assert not any_item(plan_texts(d), "apart", "verspreider")


@pytest.mark.parametrize("age,informatierecht", [(12, True), (16, True), (U, True), (17, False)])
def test_plan_how_parents_are_told(age, informatierecht):
    d = ENGINE.decide({**CLEAR, "context_ok": "somewhat", "age_depicted": age, "age_other": age}, today=TODAY)
    assert "inform_parents" in d.routes
    texts = plan_texts(d, 3)
    assert any_item(texts, "informatierecht") is informatierecht
    if age == 17:
        assert any_item(texts, "17", "leerling")


@pytest.mark.parametrize("change", [{"home_risk": "yes"}, {"home_risk": U}, {"other_person": "family_or_household"}])
def test_plan_when_telling_parents_may_be_unsafe(change):
    d = ENGINE.decide({**CLEAR, "context_ok": "somewhat", **change}, today=TODAY)
    assert "inform_parents" not in d.routes
    assert any_item(plan_texts(d), "Veilig Thuis", "ouders")


@pytest.mark.parametrize("impact,care", [("serious", True), ("severe", True), ("mild", False), ("none", False)])
def test_plan_care_when_the_impact_is_serious(impact, care):
    d = ENGINE.decide({**CLEAR, "impact": impact}, today=TODAY)
    assert any_item(plan_texts(d), "Kindertelefoon", "Slachtofferhulp") is care


def test_plan_zvh_route_when_black():
    d = ENGINE.decide({**CLEAR, "recipient_wanted": "no_repeated"}, today=TODAY)
    assert "zvh" in d.routes
    assert any_item(plan_texts(d), "Zorg- en Veiligheidshuis", "procesregisseur")


def test_plan_contacts_have_phone_numbers_in_the_decision_screen(run, write):
    path = write("a.yaml", {**CLEAR, "shared_further": "group"})
    r = run("triage", "--answers", path)
    assert r.code == 0
    assert "0900-8844" in r.out  # the police, for the police route
    assert "020-261 52 75" in r.out  # Helpwanted


def test_plan_under_13_adds_a_referral_check():
    """Contract, age_appropriate: "Under 13 the plan adds a referral check"."""
    under = ENGINE.decide({**CLEAR, "age_depicted": 12, "age_other": 12}, today=TODAY)
    over = ENGINE.decide({**CLEAR, "age_depicted": 13, "age_other": 13}, today=TODAY)
    ids_under = {i["id"] for s in under.plan for i in s["items"]}
    ids_over = {i["id"] for s in over.plan for i in s["items"]}
    assert ids_under - ids_over, "a child under 13 gets no referral check in the plan"


def test_plan_in_english():
    d = ENGINE_EN.decide(CLEAR, today=TODAY)
    assert [s["title"] for s in d.plan] == [s.title.en for s in PROTOCOL.steps]


# =================================================================================================
# Confirmation limits
# =================================================================================================

LOCKED = [
    {"extortion": "yes"}, {"violent_content": "yes"}, {"sexual_violence_recent": "yes"},
    {"other_person": "family_or_household"}, {"other_person": "staff_or_volunteer"}, {"online_only_contact": "yes"},
    {"adult_involved": "yes", "age_depicted": 15, "age_other": 19},
    {"adult_involved": "yes", "age_depicted": U},
]


@pytest.mark.parametrize("change", LOCKED, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_a_locked_case_cannot_be_confirmed_below_red(change):
    a = ENGINE.assess({**CLEAR, **change})
    assert ENGINE.limits(a) == "red"
    for low in ("green", "yellow"):
        assert confirm_problem(ENGINE, a, Confirmation(low, "reden", "ZAT")), low
    if a.flag == "black":
        assert confirm_problem(ENGINE, a, Confirmation("red", "reden", "ZAT")) is None


@pytest.mark.parametrize("change", LOCKED[:1] + LOCKED[6:7])
def test_a_locked_case_keeps_its_police_route(change):
    a = {**CLEAR, **change}
    assert "police" in ENGINE.decide(a, today=TODAY).routes
    d = ENGINE.decide(a, Confirmation("red", "reden", "ZAT"), today=TODAY)
    assert "police" in d.routes


def test_lowering_red_or_black_needs_who_was_consulted():
    a = ENGINE.assess({**CLEAR, "recipient_wanted": "no"})
    assert a.flag == "red" and ENGINE.limits(a) == "green"
    assert confirm_problem(ENGINE, a, Confirmation("yellow", "reden", None))
    assert confirm_problem(ENGINE, a, Confirmation("yellow", "reden", "  "))
    assert confirm_problem(ENGINE, a, Confirmation("yellow", "reden", "zorgcoördinator")) is None
    assert confirm_problem(ENGINE, a, Confirmation("green", "reden", "zorgcoördinator")) is None


def test_another_flag_needs_a_reason():
    a = ENGINE.assess({**CLEAR, "context_ok": "somewhat"})
    assert confirm_problem(ENGINE, a, Confirmation("red", None, None))
    assert confirm_problem(ENGINE, a, Confirmation("red", "ernstiger dan het lijkt", None)) is None
    # raising a yellow needs no consultation; confirming the proposal needs nothing
    assert confirm_problem(ENGINE, a, Confirmation("yellow")) is None


def test_confirmed_flag_decides_the_plan():
    a = {**CLEAR, "recipient_wanted": "no"}
    red = ENGINE.decide(a, today=TODAY)
    yellow = ENGINE.decide(a, Confirmation("yellow", "reden", "IB-er"), today=TODAY)
    assert red.flag == yellow.flag == "red"
    assert yellow.confirmed.flag == "yellow"
    assert "self_help" in yellow.routes and "self_help" not in red.routes
    assert plan_texts(red) != plan_texts(yellow)


# =================================================================================================
# A changed YAML changes the behaviour
# =================================================================================================


def triage_json(tmp_path, protocol: str | None, answers: dict) -> dict:
    path = write_file(tmp_path, "answers.yaml", answers)
    args = (["--protocol", protocol] if protocol else []) + ["triage", "--answers", path, "--json"]
    r = run_cli(*args)
    assert r.code == 0, r.err
    return r.json()


def test_a_changed_floor_changes_the_flag(tmp_path, protocol_text):
    answers = {**CLEAR, "online_only_contact": "yes"}
    assert triage_json(tmp_path, None, answers)["flag"] == "red"
    text = alter(protocol_text, "at_least: red", "at_least: black", after="    - id: online_only_contact\n")
    changed = write_file(tmp_path, "protocol.yaml", text)
    out = triage_json(tmp_path, changed, answers)
    assert out["flag"] == "black"
    assert "zvh" in out["routes"]


def test_a_changed_rating_changes_the_criterion(tmp_path, protocol_text):
    answers = {**CLEAR, "impact": "severe"}
    assert triage_json(tmp_path, None, answers)["criteria"]["self_respect"] == "red"
    text = alter(protocol_text, '"severe": red', '"severe": black')
    out = triage_json(tmp_path, write_file(tmp_path, "protocol.yaml", text), answers)
    assert out["criteria"]["self_respect"] == "black"
    assert out["flag"] == "black"


def test_a_changed_route_rule_changes_the_routes(tmp_path, protocol_text):
    text = alter(protocol_text, "add: [self_help],", "add: [self_help, consult],", after="route_rules:")
    out = triage_json(tmp_path, write_file(tmp_path, "protocol.yaml", text), CLEAR)
    assert out["flag"] == "green"
    assert "consult" in out["routes"]


def test_a_changed_followup_changes_the_date(tmp_path, protocol_text):
    text = alter(protocol_text, "followup_days: 7", "followup_days: 14")
    out = triage_json(tmp_path, write_file(tmp_path, "protocol.yaml", text), CLEAR)
    assert (TODAY + dt.timedelta(days=14)).isoformat() in json.dumps(out["plan"])


def test_a_changed_question_order_changes_asked(tmp_path, protocol_text):
    """Swapping two safety questions in the file swaps them in `asked`."""
    import yaml

    raw = yaml.safe_load(protocol_text)
    qs = raw["questions"]
    qs[0], qs[1] = qs[1], qs[0]
    out = triage_json(tmp_path, write_file(tmp_path, "protocol.yaml", raw), {})
    assert out["asked"][:2] == ["self_harm_concern", "immediate_danger"]


def test_engine_reads_only_the_protocol():
    """Two engines on two protocols: the second's change shows, the first is untouched."""
    import copy

    import msgspec

    raw = msgspec.to_builtins(PROTOCOL)
    other = copy.deepcopy(raw)
    for f in other["triage"]["floors"]:
        if f["id"] == "online_only_contact":
            f["at_least"] = "black"
    from sexting_protocol.model import Protocol

    e2 = Engine(msgspec.convert(other, Protocol))
    a = {**CLEAR, "online_only_contact": "yes"}
    assert (ENGINE.assess(a).flag, e2.assess(a).flag) == ("red", "black")


def test_the_engine_refuses_a_confirmation_outside_the_limits():
    """Every caller gets the contract's limits, not only the answers file."""
    locked = {**CLEAR, "extortion": "yes"}
    with pytest.raises(ValueError):
        ENGINE.decide(locked, Confirmation("yellow", "reden", "ZAT"), today=TODAY)
    with pytest.raises(ValueError):
        ENGINE.decide({**CLEAR, "recipient_wanted": "no"}, Confirmation("yellow", "reden"), today=TODAY)
    assert ENGINE.decide(locked, Confirmation("red", "reden", "ZAT"), today=TODAY).confirmed.flag == "red"


def test_an_at_least_rule_says_so_in_its_reason():
    d = ENGINE.decide({**CLEAR, "shared_further": "group"}, today=TODAY)
    spread = [r for r in d.reasons if r.kind == "criterion" and r.rule == "consent_spread"]
    assert spread and "≥" in spread[0].effect
    wanted = [r for r in d.reasons if r.kind == "criterion" and r.rule == "consent_wanted"]
    assert wanted and "≥" not in wanted[0].effect
