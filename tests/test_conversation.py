"""The conversation's step function, screen by screen, addressed by screen id: what both fronts run."""

from __future__ import annotations

import json

import pytest

from sexting_protocol.core import conversation as conv
from sexting_protocol.core.engine import Confirmation

from conftest import CLEAR

pytestmark = pytest.mark.usefixtures("bundle")


def answer_all(engine, s, answers, until=None):
    """Answer every question screen from `answers` (unknown where missing) until another screen."""
    while (sc := conv.screen(engine, s)).kind == "question" and sc.id != until:
        s = conv.step(engine, s, conv.Answer(sc.question.id, answers.get(sc.question.id, "unknown")))
    return s, sc


def test_the_first_screen_is_the_first_safety_question(engine):
    sc = conv.screen(engine, conv.start(engine))
    assert (sc.kind, sc.id, sc.can_back) == ("question", "question:immediate_danger", False)


def test_questions_then_review_then_confirm_then_end(engine):
    s, sc = answer_all(engine, conv.start(engine), CLEAR)
    assert sc.id == "review" and [q for q, _ in sc.review] == list(s.asked)
    s = conv.step(engine, s, conv.ReviewDone())
    sc = conv.screen(engine, s)
    assert sc.id == "confirm" and sc.decision.flag == "green" and sc.flags == ["green", "yellow", "red", "black"]
    s = conv.step(engine, s, conv.Confirm("green"))
    assert conv.screen(engine, s).id == "end"


def test_an_urgent_answer_brings_its_route_at_once(engine):
    s = conv.step(engine, conv.start(engine), conv.Answer("immediate_danger", "yes"))
    sc = conv.screen(engine, s)
    assert sc.alerts == ["emergency"] and sc.id == "question:self_harm_concern"
    s = conv.step(engine, s, conv.Answer("self_harm_concern", "no"))
    assert conv.screen(engine, s).alerts == []  # once


def test_back_returns_to_the_previous_question_with_its_answer(engine):
    s = conv.step(engine, conv.start(engine), conv.Answer("immediate_danger", "no"))
    s = conv.step(engine, s, conv.Back())
    sc = conv.screen(engine, s)
    assert sc.id == "question:immediate_danger" and sc.default == "no"
    with pytest.raises(conv.BadEvent):
        conv.step(engine, s, conv.Back())


def test_the_review_changes_an_answer_and_asks_what_it_opens(engine):
    s, _ = answer_all(engine, conv.start(engine), CLEAR)
    s = conv.step(engine, s, conv.Change("impact"))
    assert conv.screen(engine, s).id == "question:impact"
    s = conv.step(engine, s, conv.Answer("impact", "serious"))
    s, sc = answer_all(engine, s, CLEAR)
    assert sc.id == "review" and dict(sc.review)["impact"] == "serious"


def test_only_the_question_on_screen_can_be_answered(engine):
    s = conv.start(engine)
    with pytest.raises(conv.BadEvent):
        conv.step(engine, s, conv.Answer("impact", "none"))
    with pytest.raises(conv.BadEvent):
        conv.step(engine, s, conv.Answer("immediate_danger", "perhaps"))
    with pytest.raises(conv.BadEvent):
        conv.step(engine, s, conv.Confirm("green"))


def test_answers_are_checked_like_an_answers_file(engine):
    from sexting_protocol.store.answers import normalise

    typed = normalise(engine.questions["immediate_danger"], "Weet ik niet")  # the fronts read typed words so
    s = conv.step(engine, conv.start(engine), conv.Answer("immediate_danger", typed))
    assert s.answers["immediate_danger"] == "unknown"
    with pytest.raises(conv.BadEvent):  # the conversation itself takes the engine's values only
        conv.step(engine, conv.start(engine), conv.Answer("immediate_danger", "Weet ik niet"))
    s = conv.step(engine, s, conv.Answer("self_harm_concern", False))
    assert s.answers["self_harm_concern"] == "no"


def test_the_confirmation_keeps_the_contracts_limits(engine):
    s, _ = answer_all(engine, conv.start(engine), {**CLEAR, "extortion": "yes"})
    s = conv.step(engine, s, conv.ReviewDone())
    assert conv.screen(engine, s).flags == ["red", "black"]
    for event, problem in [(conv.Confirm("yellow", "r", "ZAT"), "below_lowest"), (conv.Confirm("red"), "reason"),
                           (conv.Confirm("red", "r"), "consulted")]:
        refused = conv.step(engine, s, event)
        assert refused.phase == "confirm" and conv.screen(engine, refused).problem == problem
    s = conv.step(engine, s, conv.Confirm("red", "r", "zorgcoördinator"))
    assert s.phase in ("refine", "end") and s.confirmation == Confirmation("red", "r", "zorgcoördinator")


def test_after_the_confirmation_it_asks_what_can_still_add_to_the_plan(engine):
    answers = {**CLEAR, "age_depicted": 16, "age_other": 16, "shared_further": "group", "spread_to_hurt": "yes",
               "still_spreading": "yes", "context_ok": "no", "impact": "serious"}
    s, _ = answer_all(engine, conv.start(engine), answers)
    assert "impact" not in s.asked
    s = conv.step(engine, conv.step(engine, s, conv.ReviewDone()), conv.Confirm("black"))
    s, sc = answer_all(engine, s, answers, until="refine:impact")
    assert sc.id == "refine:impact" and sc.refine and sc.decision is not None
    s, sc = answer_all(engine, s, answers)
    assert sc.id == "end" and "care_for_young_person" in sc.decision.plan_ids()
    assert "impact" in sc.decision.given and "impact" not in sc.decision.asked


def test_a_proposal_changed_after_the_confirmation_is_confirmed_again(engine):
    # v3: shared_further cannot change the flag here (reward already makes it red), so it is asked
    # after the confirmation; spreading to a group then raises the lowest flag allowed to red
    answers = {**CLEAR, "voluntary": "reward", "shared_further": "group"}
    s, _ = answer_all(engine, conv.start(engine), answers)
    assert "shared_further" not in s.asked
    s = conv.step(engine, conv.step(engine, s, conv.ReviewDone()), conv.Confirm("yellow", "r", "ZAT"))
    assert s.phase == "refine"
    s, sc = answer_all(engine, s, answers)
    assert sc.id == "confirm" and sc.reconfirm and "yellow" not in sc.flags


def test_out_of_scope_waits_for_the_other_persons_age(engine):
    s, sc = answer_all(engine, conv.start(engine), {**CLEAR, "age_depicted": 30}, until="question:age_other")
    assert sc.id == "question:age_other"
    out = conv.step(engine, s, conv.Answer("age_other", 30))
    assert conv.screen(engine, out).id == "out_of_scope:age_depicted"
    inside = conv.step(engine, s, conv.Answer("age_other", 14))
    assert conv.screen(engine, inside).kind == "question"


def test_answers_from_a_file_are_not_asked_again(engine):
    s = conv.start(engine, {"immediate_danger": "no", "self_harm_concern": "no"})
    assert conv.screen(engine, s).id == "question:sexual_violence_recent"
    s = conv.start(engine, dict(CLEAR))
    assert conv.screen(engine, s).id == "review"


def test_the_state_travels_as_json_and_comes_back_the_same(engine):
    s, _ = answer_all(engine, conv.start(engine), {**CLEAR, "extortion": "yes"})
    s = conv.step(engine, conv.step(engine, s, conv.ReviewDone()), conv.Confirm("red", "reden", "ZAT"))
    again = conv.load(engine, conv.dump(s))
    assert again == s
    assert conv.screen(engine, again).id == conv.screen(engine, s).id


@pytest.mark.parametrize("change", [
    {"answers": {"immediate_danger": "maybe"}},
    {"answers": {"age_depicted": 5000}},
    {"asked": ["no_such_question"]},
    {"answers": {}, "asked": ["impact"]},  # asked but not answered
    {"phase": "anything"},
    {"phase": "end", "confirmation": None},
    {"confirmation": {"flag": "purple"}, "confirmed_for": "red"},
    {"extra": 1},
])
def test_a_tampered_state_is_refused(engine, change):
    s, _ = answer_all(engine, conv.start(engine), CLEAR)
    raw = {**json.loads(conv.dump(s)), **change}
    with pytest.raises(conv.BadEvent):
        conv.load(engine, json.dumps(raw))
    with pytest.raises(conv.BadEvent):
        conv.load(engine, "not json")


@pytest.mark.parametrize("change, said", [
    ({"given": [1]}, "the state's given are not question ids"),
    ({"refined": ["no_such_question"]}, "the state's refined are not question ids"),
    ({"answers": []}, "the state's answers are not a mapping"),
    ({"answers": {"immediate_danger": ["yes"]}}, "the state's answer to 'immediate_danger' is not allowed"),
    ({"phase": None}, "the state's phase is unknown"),
    ({"changing": 3}, "the state's change is not an answered question"),
    ({"confirmation": {"flag": "red", "reason": "x" * (conv.MAX_TEXT + 1)}, "confirmed_for": "red"},
     "the state's confirmation is not valid"),
    ({"confirmation": {"flag": "red", "note": "x"}, "confirmed_for": "red"}, "the state's confirmation is not valid"),
    ({"confirmation": {"flag": "red"}}, "the state's confirmation is not valid"),
    ({"confirmation": {"flag": "red", "consulted": None}, "confirmed_for": "red"}, "the state's confirmation is not valid"),
    ({"extra": 1}, "the state has keys it may not have"),
])
def test_a_tampered_state_says_what_is_wrong(engine, change, said):
    s, _ = answer_all(engine, conv.start(engine), CLEAR)
    raw = {**json.loads(conv.dump(s)), **change}
    with pytest.raises(conv.BadEvent) as e:
        conv.load(engine, json.dumps(raw))
    assert e.value.message == said


@pytest.mark.parametrize("text", ["[]", "1", '"state"', "null"])
def test_a_state_that_is_no_object_is_refused(engine, text):
    with pytest.raises(conv.BadEvent, match="keys it may not have"):
        conv.load(engine, text)


def test_a_confirmation_without_its_texts_comes_back_without_them(engine):
    s, _ = answer_all(engine, conv.start(engine), CLEAR)
    raw = {**json.loads(conv.dump(s)), "confirmation": {"flag": "green"}, "confirmed_for": "green"}
    c = conv.load(engine, json.dumps(raw)).confirmation
    assert (c.flag, c.reason, c.consulted) == ("green", None, None)


# --- what the screens carry, so that no front works it out (issue 15) ---------------------------


def test_the_confirm_screen_says_the_lowest_flag_and_which_flags_need_who_was_consulted(engine):
    s, _ = answer_all(engine, conv.start(engine), {**CLEAR, "extortion": "yes"})
    sc = conv.screen(engine, conv.step(engine, s, conv.ReviewDone()))
    assert sc.locked == "red" and sc.decision.lowest == "red"
    assert "red" in sc.needs_consulted and sc.decision.flag not in sc.needs_consulted
    for flag in sc.flags:  # the same answer as the engine's own rule, flag by flag
        assert (flag in sc.needs_consulted) == engine.needs_consulted(sc.decision.assessment, flag)
    s, _ = answer_all(engine, conv.start(engine), CLEAR)
    sc = conv.screen(engine, conv.step(engine, s, conv.ReviewDone()))
    assert sc.locked is None and sc.decision.lowest == "green"


def test_the_first_question_after_the_confirmation_is_marked_and_a_changed_plan_is_said(engine):
    answers = {**CLEAR, "age_depicted": 16, "age_other": 16, "shared_further": "group", "spread_to_hurt": "yes",
               "still_spreading": "yes", "context_ok": "no", "impact": "serious"}
    s, _ = answer_all(engine, conv.start(engine), answers)
    s = conv.step(engine, conv.step(engine, s, conv.ReviewDone()), conv.Confirm("black"))
    first = conv.screen(engine, s)
    assert first.refine and first.refine_first
    s = conv.step(engine, s, conv.Answer(first.question.id, answers.get(first.question.id, "unknown")))
    later = conv.screen(engine, s)
    assert later.kind != "question" or not later.refine_first
    s, end = answer_all(engine, s, answers)
    assert end.id == "end" and end.plan_updated  # impact "serious" brought the care for the young person
    confirmed = conv.decision(engine, conv.replace(s, refined=()), s.confirmation)
    assert "care_for_young_person" in end.decision.plan_ids() and "care_for_young_person" not in confirmed.plan_ids()


def test_the_plan_is_not_said_to_change_when_the_later_answers_change_nothing(engine):
    answers = {**CLEAR, "age_depicted": 16, "age_other": 16, "shared_further": "group", "spread_to_hurt": "yes",
               "still_spreading": "yes", "context_ok": "no"}  # every later question: weet ik niet
    s, _ = answer_all(engine, conv.start(engine), answers)
    s = conv.step(engine, conv.step(engine, s, conv.ReviewDone()), conv.Confirm("black"))
    s, end = answer_all(engine, s, {})
    before = conv.decision(engine, conv.replace(s, refined=()), s.confirmation)
    assert end.id == "end"
    assert end.plan_updated == (end.decision.plan_ids() != before.plan_ids() or end.decision.contacts != before.contacts)


def test_the_follow_up_date_keeps_to_its_range():
    import datetime as dt

    today = dt.date(2026, 12, 7)
    assert conv.followup(today, 7) == dt.date(2026, 12, 14)
    assert conv.followup(today, conv.FOLLOWUP_DAYS[1]) == today + dt.timedelta(days=365)
    assert [conv.followup(today, d) for d in (0, -1, 366, None, 99999999)] == [None] * 5


def _progress(engine, answers):
    """The (number, estimate) of every question screen before the decision, and the first other screen."""
    s, seen = conv.start(engine), []
    while (sc := conv.screen(engine, s)).kind == "question" and not sc.refine:
        seen.append(sc.progress)
        s = conv.step(engine, s, conv.Answer(sc.question.id, answers.get(sc.question.id, "unknown")))
    return seen, sc


@pytest.mark.parametrize("answers", [CLEAR, {**CLEAR, "extortion": "yes", "adult_involved": "yes", "age_other": 30},
                                     {}], ids=["clear", "extortion", "all unknown"])
def test_each_question_has_its_number_and_an_honest_estimate(engine, answers):
    """#17: a progress indication ("vraag 5 van ongeveer 12"): the number counts up from 1, the
    estimate is never below it, and the last question's estimate is the number of questions asked."""
    seen, sc = _progress(engine, answers)
    assert [n for n, _ in seen] == list(range(1, len(seen) + 1))
    assert all(n <= total <= len(engine.questions) for n, total in seen)
    assert seen[-1] == (len(seen), len(seen)) and sc.progress is None and sc.id == "review"


def test_the_estimate_of_the_first_question_is_what_could_be_asked(engine):
    first = conv.screen(engine, conv.start(engine))
    _, rest = engine.ahead({}, [])
    assert first.progress == (1, 1 + len(rest)) and first.question.id not in rest


def test_a_question_changed_from_the_review_has_no_number(engine):
    s, _ = answer_all(engine, conv.start(engine), CLEAR)
    assert conv.screen(engine, conv.step(engine, s, conv.Change("impact"))).progress is None


def test_a_conversation_started_with_a_confirmation_goes_through_its_page(engine):
    """A case file's confirmation (a flag above the proposal, with its reason) starts the
    conversation: the state, as a page carries it, is read back (it was refused: the proposal it
    confirmed was not in it) and the confirmation still stands after the review."""
    s = conv.start(engine, {**CLEAR, "shared_further": "group"}, Confirmation("black", "Overleg."))
    again = conv.load(engine, conv.dump(s))
    assert again.confirmation == s.confirmation and again.confirmed_for == "red"
    s = conv.step(engine, conv.step(engine, again, conv.ReviewDone()), conv.Confirm("black", "Overleg."))
    assert conv.screen(engine, s).kind == "end" and conv.screen(engine, s).decision.confirmed.flag == "black"
