"""One triage conversation as data: a serialisable state, and a step function from a state and
an event to the next state, with `screen` telling what to show for a state.

Both fronts run it: the terminal asks each screen with questionary, the browser shows each
screen as a form and carries the state in the page. Neither decides anything: which question
comes next, when the review and the decision come, whether a confirmation is within its limits,
which flags need a note of who was consulted, which questions still sharpen the plan, whether
the plan changed after the confirmation, and the follow-up's range are all worked out here, by
the engine, and carried on the `Screen`. The fronts get the engine from `rules` and an answers
file's decision from `decide`; they never import the engine.

The order of screens: the questions (an urgent answer brings its action at once), the review of
the answers (each changeable), the decision with the confirmation, the questions that can still
change the plan or the contacts, and the end. A case outside the protocol ends at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal, Optional, Union

import msgspec

from .values import in_range, normalise
from .engine import Confirmation, Decision, Engine, Value, rank
from .errors import UserError
from .model import FLAGS, FOLLOWUP_DAYS, UNKNOWN, Protocol, Question

PHASES = ("questions", "review", "change", "confirm", "refine", "end")
MAX_TEXT = 2000  # characters of a confirmation's reason or of who was consulted, in a state


@dataclass(frozen=True)
class State:
    answers: dict[str, Value] = field(default_factory=dict)  # also earlier answers kept as defaults
    given: tuple[str, ...] = ()  # answered before the session (a file): not asked again
    asked: tuple[str, ...] = ()  # asked before the decision, in order
    refined: tuple[str, ...] = ()  # asked after the confirmation, in order
    phase: str = "questions"
    changing: Optional[str] = None  # the question being changed from the review
    confirmation: Optional[Confirmation] = None
    confirmed_for: Optional[str] = None  # the proposal that was confirmed
    alerts: tuple[str, ...] = ()  # routes whose action must show at once
    problem: Optional[str] = None  # why the last confirmation was refused

    def answered(self) -> list[str]:
        return [*self.given, *self.asked, *self.refined]

    def known(self) -> dict[str, Value]:
        """The answers that count: those given, asked or refined (not the stale defaults), and
        the setting an answers file gave."""
        out = {q: self.answers.get(q, UNKNOWN) for q in self.answered()}
        if "setting" in self.answers:
            out["setting"] = self.answers["setting"]
        return out


# --- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    question: str
    value: Any  # checked like a value in an answers file


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class ReviewDone:
    pass


@dataclass(frozen=True)
class Change:
    question: str


@dataclass(frozen=True)
class Confirm:
    flag: str
    reason: Optional[str] = None
    consulted: Optional[str] = None


Event = Union[Answer, Back, ReviewDone, Change, Confirm]


# --- screens -----------------------------------------------------------------------------------


@dataclass
class Screen:
    """What to show. `id` is stable ("question:age_depicted", "review", "confirm", "refine:impact",
    "out_of_scope:age_depicted", "end"), so fronts and tests address screens by it."""

    kind: str  # question, review, confirm, out_of_scope, end
    id: str
    question: Optional[Question] = None
    default: Optional[Value] = None
    can_back: bool = False
    refine: bool = False  # a question after the confirmation
    alerts: list[str] = field(default_factory=list)
    review: list[tuple[str, Value]] = field(default_factory=list)
    decision: Optional[Decision] = None
    flags: list[str] = field(default_factory=list)  # the flags that may be confirmed
    problem: Optional[str] = None  # below_lowest, reason or consulted
    reconfirm: bool = False  # the answers after the confirmation changed the proposal
    locked: Optional[str] = None  # the lowest flag allowed, when it is above green
    needs_consulted: tuple[str, ...] = ()  # the flags whose confirmation needs who was consulted
    refine_first: bool = False  # the first question after the confirmation
    plan_updated: bool = False  # the end: the answers after the confirmation changed plan or contacts
    followup_days: tuple[int, int] = FOLLOWUP_DAYS  # the follow-up's range of days
    # a question's place: (its number, about how many there will be: those asked, this one and
    # those the engine could still ask; never fewer than the number); None off the questions
    progress: Optional[tuple[int, int]] = None


class BadEvent(UserError):
    """An event that does not fit the screen (a stale or tampered page)."""


def rules(protocol: Protocol, conversations=None) -> Engine:
    """The protocol's rules (with the guides for the conversations of step 3 and the letters),
    made once per protocol and shared by every conversation."""
    return Engine(protocol, conversations)


def decide(engine: Engine, answers: dict[str, Value], confirmation: Optional[Confirmation] = None, today=None,
           followup_days: Optional[int] = None) -> Decision:
    """The decision on an answers file, without a conversation (`triage --answers`, practice)."""
    return engine.decide(answers, confirmation, today, followup_days=followup_days)


class Once:
    """The engine for one request or one screen: the conversation asks it for the same decision
    and the same next question several times while one event is handled (loading the state, the
    step, the screen), so each is worked out once. Nothing outlives the object."""

    def __init__(self, engine: Engine):
        self._engine, self._seen = engine, {}

    def __getattr__(self, name: str):
        return getattr(self._engine, name)

    def _once(self, key: tuple, work):
        if key not in self._seen:
            self._seen[key] = work()
        return self._seen[key]

    def decide(self, answers, confirmed=None, today=None, asked=None, given=None, followup_days=None):
        key = ("decide", tuple(sorted(answers.items())), confirmed, today, None if asked is None else tuple(asked),
               None if given is None else tuple(given), followup_days)
        return self._once(key, lambda: self._engine.decide(answers, confirmed, today, asked, given, followup_days))

    def ahead(self, answers, asked):
        asked = tuple(asked)
        key = ("ahead", tuple(sorted(answers.items())), asked)
        return self._once(key, lambda: self._engine.ahead(answers, asked))

    def next_question(self, answers, asked):
        return self.ahead(answers, asked)[0]


def start(engine: Engine, answers: Optional[dict[str, Value]] = None,
          confirmation: Optional[Confirmation] = None) -> State:
    """A new conversation; answers from a file count as given and are not asked again."""
    answers = dict(answers or {})
    s = State(answers=answers, given=tuple(q for q in engine.questions if q in answers), confirmation=confirmation)
    if confirmation is not None:  # the proposal it confirmed: these answers' (`load` asks for it with a confirmation)
        s = replace(s, confirmed_for=engine.assess(s.known(), explain=False).flag)
    return _settle(engine, s)


def decision(engine: Engine, s: State, confirmed: Optional[Confirmation] = None, today=None,
             followup_days: Optional[int] = None) -> Decision:
    return engine.decide(s.known(), confirmed, today, asked=list(s.asked), given=s.answered(),
                         followup_days=followup_days)


def _valid(engine: Engine, s: State) -> Optional[Confirmation]:
    """The confirmation, if it still holds for the answers now given and their proposal."""
    c = s.confirmation
    if c is None:
        return None
    a = engine.assess(s.known(), explain=False)
    if engine.confirm_problem(a, c) or (s.confirmed_for is not None and s.confirmed_for != a.flag):
        return None
    return c


def screen(engine: Engine, s: State, today=None, followup_days: Optional[int] = None) -> Screen:
    """The screen for a state."""
    alerts = list(s.alerts)
    if s.phase == "change":
        q = engine.questions[s.changing]
        return Screen("question", f"question:{q.id}", q, s.answers.get(q.id), True, alerts=alerts)
    if s.phase == "questions":
        q, oos, rest = _next(engine, s)
        if oos is not None:
            return Screen("out_of_scope", f"out_of_scope:{oos.id}", oos, alerts=alerts)
        return Screen("question", f"question:{q.id}", q, s.answers.get(q.id), bool(s.asked), alerts=alerts,
                      progress=_progress(len(s.asked) + 1, len(rest)))
    if s.phase == "review":
        known = s.known()
        return Screen("review", "review", review=[(x, known[x]) for x in s.answered()], alerts=alerts)
    if s.phase == "confirm":
        d = decision(engine, s, today=today, followup_days=followup_days)
        flags = list(FLAGS[rank(d.lowest):])
        return Screen("confirm", "confirm", decision=d, flags=flags, problem=s.problem,
                      reconfirm=s.confirmed_for is not None, alerts=alerts,
                      locked=d.lowest if d.lowest != FLAGS[0] else None,
                      needs_consulted=tuple(f for f in flags if engine.needs_consulted(d.assessment, f)))
    if s.phase == "refine":
        d = decision(engine, s, _valid(engine, s), today, followup_days)
        q = engine.questions[d.refine[0]]
        return Screen("question", f"refine:{q.id}", q, s.answers.get(q.id), bool(s.refined), refine=True,
                      decision=d, alerts=alerts, refine_first=not s.refined,
                      progress=_progress(len(s.asked) + len(s.refined) + 1, len(d.refine) - 1))
    d = decision(engine, s, _valid(engine, s), today, followup_days)
    return Screen("end", "end", decision=d, alerts=alerts, plan_updated=_plan_updated(engine, s, d, today, followup_days))


def _progress(number: int, after: int) -> tuple[int, int]:
    """A question's number, and the estimate of the whole: this one and `after` more."""
    return number, number + max(after, 0)


def _plan_updated(engine: Engine, s: State, d: Decision, today, followup_days) -> bool:
    """Whether the questions after the confirmation changed the plan or the contacts of the
    decision as it was confirmed."""
    if not s.refined or s.confirmation is None:
        return False
    before = decision(engine, replace(s, refined=()), s.confirmation, today, followup_days)
    return d.plan_ids() != before.plan_ids() or d.contacts != before.contacts


def followup(today, days: Optional[int]) -> Optional[Any]:
    """The follow-up's date, `days` after today; None for a number of days outside the range."""
    import datetime as dt

    low, high = FOLLOWUP_DAYS
    return today + dt.timedelta(days=days) if days is not None and low <= days <= high else None


def step(engine: Engine, s: State, event: Event) -> State:
    """The state after an event. An event that does not fit the state raises BadEvent."""
    s = replace(s, alerts=(), problem=None)
    if isinstance(event, Answer):
        return _settle(engine, _answer(engine, s, event))
    if isinstance(event, Back):
        if s.phase in ("questions", "review") and s.asked:
            return replace(s, phase="questions", asked=s.asked[:-1])
        if s.phase == "refine" and s.refined:
            return replace(s, refined=s.refined[:-1])
        if s.phase == "change":
            return replace(s, phase="review", changing=None)
        raise BadEvent("back: there is no earlier question here")
    if isinstance(event, ReviewDone):
        _expect(s, "review", event)
        return replace(s, phase="confirm")
    if isinstance(event, Change):
        _expect(s, "review", event)
        if event.question not in s.answered():
            raise BadEvent(f"change: {event.question!r} was not answered")
        return replace(s, phase="change", changing=event.question)
    if isinstance(event, Confirm):
        _expect(s, "confirm", event)
        c = Confirmation(event.flag, (event.reason or "").strip() or None, (event.consulted or "").strip() or None)
        if c.flag not in FLAGS:
            raise BadEvent(f"confirm: {event.flag!r} is not a flag")
        a = engine.assess(s.known(), explain=False)
        problem = engine.confirm_problem(a, c)
        if problem:
            return replace(s, problem=problem)
        return _settle(engine, replace(s, phase="refine", confirmation=c, confirmed_for=a.flag))
    raise BadEvent(f"unknown event {event!r}")


def _expect(s: State, phase: str, event: Event) -> None:
    if s.phase != phase:
        raise BadEvent(f"{type(event).__name__}: not now (the conversation is at {s.phase})")


def _answer(engine: Engine, s: State, event: Answer) -> State:
    current = screen(engine, s)
    q = current.question
    if current.kind != "question" or q is None or q.id != event.question:
        raise BadEvent(f"answer: {event.question!r} is not the question asked now")
    value = normalise(q, event.value)
    if value is None or not in_range(q, value):
        raise BadEvent(f"answer: {event.value!r} is not an answer to {q.id!r}")
    answers = {**s.answers, q.id: value}
    alerts = (q.alert.route,) if q.alert and value in q.alert.answers else ()
    if s.phase == "change":
        return replace(s, answers=answers, phase="questions", changing=None, alerts=alerts)
    if current.refine:
        return replace(s, answers=answers, refined=(*s.refined, q.id), alerts=alerts)
    return replace(s, answers=answers, asked=(*s.asked, q.id), alerts=alerts)


def _next(engine: Engine, s: State) -> tuple[Optional[Question], Optional[Question]]:
    """The next question before the decision, the question that puts the case outside the
    protocol (none while a question still to ask can bring it back in), and the questions the
    engine could still ask after the next."""
    known = s.known()
    q, rest = engine.ahead(known, s.answered())
    return q, engine.out_of_scope(known, s.answered()), rest


def _settle(engine: Engine, s: State) -> State:
    """To the review when no question is left; after the confirmation, ask for it again when
    the answers changed the proposal or its limits, and end when no open question can still
    change the plan or the contacts."""
    if s.phase == "questions":
        q, oos, _ = _next(engine, s)
        return replace(s, phase="review") if q is None and oos is None else s
    if s.phase != "refine":
        return s
    if _valid(engine, s) is None:
        return replace(s, phase="confirm")
    d = decision(engine, s, s.confirmation)
    return s if d.refine else replace(s, phase="end")


# --- the state in a page or a file ------------------------------------------------------------


def dump(s: State) -> str:
    """The state as JSON text (for a hidden field): only ids and answers, no free text but the
    confirmation's reason and who was consulted."""
    out: dict[str, Any] = {"answers": s.answers, "given": list(s.given), "asked": list(s.asked),
                           "refined": list(s.refined), "phase": s.phase}
    if s.changing:
        out["changing"] = s.changing
    if s.confirmation:
        out["confirmation"] = {k: v for k, v in zip(("flag", "reason", "consulted"),
                                                    (s.confirmation.flag, s.confirmation.reason,
                                                     s.confirmation.consulted)) if v}
        out["confirmed_for"] = s.confirmed_for
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


class _Confirmation(msgspec.Struct, forbid_unknown_fields=True):
    """A confirmation as `dump` writes it: a flag, and the free texts within MAX_TEXT."""

    flag: Literal[FLAGS]
    reason: Union[Annotated[str, msgspec.Meta(max_length=MAX_TEXT)], msgspec.UnsetType] = msgspec.UNSET
    consulted: Union[Annotated[str, msgspec.Meta(max_length=MAX_TEXT)], msgspec.UnsetType] = msgspec.UNSET


class _Saved(msgspec.Struct, forbid_unknown_fields=True):
    """The state as `dump` writes it; what the types cannot say (ids of this protocol, answers
    allowed for their question, each answered once) `load` checks."""

    answers: dict[str, Any] = {}  # each checked against its question by `normalise`
    given: list[str] = []
    asked: list[str] = []
    refined: list[str] = []
    phase: Literal[PHASES] = "questions"
    changing: Optional[str] = None
    confirmation: Optional[_Confirmation] = None
    confirmed_for: Optional[Literal[FLAGS]] = None


# the field of the state a type error is at → what is wrong (BadEvent); the state itself: its keys
_WRONG = {"answers": "the state's answers are not a mapping", "given": "the state's given are not question ids",
          "asked": "the state's asked are not question ids", "refined": "the state's refined are not question ids",
          "phase": "the state's phase is unknown", "changing": "the state's change is not an answered question",
          "confirmation": "the state's confirmation is not valid", "confirmed_for": "the state's confirmation is not valid"}


def load(engine: Engine, text: str) -> State:
    """A state from `dump`, checked like an answers file; BadEvent when it is not one."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise BadEvent("the state is not JSON") from None
    try:
        saved = msgspec.convert(raw, _Saved)
    except msgspec.ValidationError as e:
        where = re.search(r" - at `\$\.(\w+)", str(e))
        raise BadEvent(_WRONG[where.group(1)] if where else "the state has keys it may not have") from None
    answers: dict[str, Value] = {}
    for key, value in saved.answers.items():
        if key == "setting":  # from an answers file: the organisation's kind
            if value not in engine.settings:
                raise BadEvent("the state's setting is not allowed")
            answers[key] = value
            continue
        q = engine.questions.get(key)
        v = normalise(q, value) if q else None
        if v is None or not in_range(q, v):
            raise BadEvent(f"the state's answer to {key!r} is not allowed")
        answers[key] = v
    for name in ("given", "asked", "refined"):
        if not all(x in engine.questions for x in getattr(saved, name)):
            raise BadEvent(f"the state's {name} are not question ids")
    every = [*saved.given, *saved.asked, *saved.refined]
    if len(set(every)) != len(every) or not set(every) <= set(answers):
        raise BadEvent("the state's questions are not each answered once")
    phase, changing = saved.phase, saved.changing
    if (phase == "change") != (changing is not None) or (changing is not None and changing not in every):
        raise BadEvent("the state's change is not an answered question")
    confirmation, c = None, saved.confirmation
    if c is not None:
        if saved.confirmed_for is None:
            raise BadEvent("the state's confirmation is not valid")
        confirmation = Confirmation(c.flag, *(None if x is msgspec.UNSET else x for x in (c.reason, c.consulted)))
    if phase in ("refine", "end") and confirmation is None:
        raise BadEvent("the state has no confirmation")
    return _settle(engine, State(answers, tuple(saved.given), tuple(saved.asked), tuple(saved.refined), phase,
                                 changing, confirmation, saved.confirmed_for))


__all__ = ["State", "Screen", "Answer", "Back", "ReviewDone", "Change", "Confirm", "BadEvent", "Once", "rules", "decide",
           "start", "screen", "step", "decision", "followup", "dump", "load", "MAX_TEXT", "FOLLOWUP_DAYS"]
