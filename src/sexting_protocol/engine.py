"""The triage engine: answers in, next question and decision out. Pure: no I/O, no screen.

Everything it knows comes from the protocol (`data/protocol.yaml`): the criteria's rating rules,
the escalation, the floors, the routes and the plan. Answers map question ids to an option
value, a whole number, or "unknown"; a question that is missing counts as unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional, Union

from .model import FLAGS, UNKNOWN, Cond, Protocol, Question

Value = Union[str, int]
Answers = Mapping[str, Value]


@dataclass(frozen=True)
class Confirmation:
    flag: str
    reason: Optional[str] = None
    consulted: Optional[str] = None


@dataclass
class Reason:
    kind: str  # criterion, escalation, floor, route, contact, warning
    id: str  # the criterion, floor, route, ... it speaks of
    rule: str
    questions: list[str]
    answers: list[Value]
    effect: str
    rating: Optional[str] = None  # the rating a criterion's rule gave

    def as_json(self) -> dict[str, Any]:
        out = {
            self.kind: self.id,
            "rule": self.rule,
            "question": ", ".join(self.questions),
            "answer": ", ".join(str(a) for a in self.answers),
            "effect": self.effect,
        }
        if self.rating:
            out["rating"] = self.rating
        return out


@dataclass
class Assessment:
    """The proposal: what the flag system makes of the answers, before the professional confirms."""

    flag: str
    criteria: dict[str, str]
    urgent: bool
    lock: Optional[str]  # the proposal cannot be confirmed below this flag
    base: str  # the worst criterion, before escalation and floors
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Decision:
    assessment: Assessment
    confirmed: Confirmation
    routes: list[str]
    contacts: list[str]
    unknown: list[str]
    asked: list[str]
    plan: list[dict[str, Any]]
    reasons: list[Reason]
    answers: dict[str, Value]

    @property
    def flag(self) -> str:
        return self.assessment.flag


def rank(flag: str) -> int:
    return FLAGS.index(flag)


def worst(*flags: str) -> str:
    return max(flags, key=rank)


class Ctx:
    __slots__ = ("answers", "criteria", "flag", "routes")

    def __init__(self, answers: Answers, criteria=None, flag=None, routes=()):
        self.answers, self.criteria, self.flag, self.routes = answers, criteria or {}, flag, routes


def holds(c: Cond, ctx: Ctx) -> bool:
    if c.all_ is not None:
        return all(holds(x, ctx) for x in c.all_)
    if c.any_ is not None:
        return any(holds(x, ctx) for x in c.any_)
    if c.not_ is not None:
        return not holds(c.not_, ctx)
    if c.q is not None:
        return _test(ctx.answers.get(c.q, UNKNOWN), c)
    if c.criterion is not None:
        return _test(ctx.criteria.get(c.criterion, UNKNOWN), c)
    if c.flag is not None:
        return ctx.flag in c.flag
    if c.route is not None:
        return c.route in ctx.routes
    pair = c.gap or c.younger
    a, b = (ctx.answers.get(q, UNKNOWN) for q in pair)
    if not (isinstance(a, int) and isinstance(b, int)):
        return False
    return _test(abs(a - b) if c.gap else min(a, b), c)


def _test(v: Value, c: Cond) -> bool:
    if c.is_ is not None:
        return v == c.is_
    if c.in_ is not None:
        return v in c.in_
    if not isinstance(v, int):
        return False
    return v < c.lt if c.lt is not None else v >= c.gte


def questions_in(c: Optional[Cond]) -> list[str]:
    """The question ids a condition reads, in order, once each."""
    out: list[str] = []
    stack = [c] if c else []
    while stack:
        x = stack.pop(0)
        for q in [x.q] if x.q else (x.gap or x.younger or []):
            if q not in out:
                out.append(q)
        stack += (x.all_ or []) + (x.any_ or []) + ([x.not_] if x.not_ else [])
    return out


class Engine:
    """The protocol's triage, with look-ups prepared once."""

    def __init__(self, protocol: Protocol, lang: str = "nl"):
        self.p = protocol
        self.lang = lang
        self.t = protocol.triage
        self.questions = {q.id: q for q in protocol.questions}
        self.flags = {f.id: f for f in protocol.flags}
        self.routes = {r.id: r for r in self.t.routes}
        self._route_order = [r.id for r in self.t.routes]
        self._numbers = self._number_thresholds()
        self._decisive = self._decisive_questions()

    # --- texts ---------------------------------------------------------------------------------

    def text(self, t) -> str:
        return t.get(self.lang) if t is not None else ""

    def flag_name(self, flag: str) -> str:
        return self.text(self.flags[flag].name) if flag in self.flags else flag

    def label(self, qid: str, value: Value) -> str:
        q = self.questions[qid]
        for o in q.options:
            if o.value == value:
                return self.text(o.label)
        return str(value)

    # --- the proposal --------------------------------------------------------------------------

    def assess(self, answers: Answers, explain: bool = True) -> Assessment:
        reasons: list[Reason] = []
        criteria: dict[str, str] = {}
        lock: Optional[str] = None
        ctx = Ctx(answers)
        for crit in self.p.criteria:
            ratings = []
            for r in self.t.ratings.get(crit.id, []):
                if r.q is not None:
                    rating = r.map.get(answers.get(r.q, UNKNOWN))
                    qs = [r.q]
                elif holds(r.when, ctx):
                    rating, qs = r.rating, questions_in(r.when)
                else:
                    continue
                if rating is None:
                    continue
                ratings.append(rating)
                if r.lock:
                    lock = worst(lock, r.lock) if lock else r.lock
                if explain:
                    name = self.text(crit.name)
                    at_least = "≥ " if r.at_least else ""
                    effect = (f"{self.text(r.because)} → " if r.because else "") + f"{name}: {at_least}{self.flag_name(rating)}"
                    reasons.append(Reason("criterion", crit.id, r.id, qs, [answers.get(q, UNKNOWN) for q in qs], effect,
                                          rating))
            criteria[crit.id] = max(ratings, key=rank) if ratings else UNKNOWN
        ctx.criteria = criteria
        rated = [r for r in criteria.values() if r != UNKNOWN]
        base = flag = max(rated, key=rank) if rated else FLAGS[0]
        for e in self.t.escalations:
            if holds(e.when, ctx) and flag in e.raise_:
                new = e.raise_[flag]
                if explain:
                    qs = questions_in(e.when)
                    reasons.append(Reason("escalation", e.id, e.id, qs, [answers.get(q, UNKNOWN) for q in qs],
                                          f"{self.text(e.because)} {self.flag_name(flag)} → {self.flag_name(new)}"))
                flag = new
        for f in self.t.floors:
            if not holds(f.when, ctx):
                continue
            flag = worst(flag, f.at_least)
            if f.lock:
                lock = worst(lock, f.lock) if lock else f.lock
            if explain:
                qs = questions_in(f.when) or [c for c, v in criteria.items() if v == UNKNOWN]
                ans = [answers.get(q, UNKNOWN) if q in self.questions else UNKNOWN for q in qs]
                reasons.append(Reason("floor", f.id, f.id, qs, ans,
                                      f"{self.text(f.because)} → ≥ {self.flag_name(f.at_least)}"))
        urgent = holds(self.t.urgent, ctx)
        return Assessment(flag, criteria, urgent, lock, base, reasons)

    # --- routes and contacts -------------------------------------------------------------------

    def route(self, answers: Answers, flag: str, explain: bool = True) -> tuple[list[str], list[Reason]]:
        ctx = Ctx(answers, flag=flag)
        routes: set[str] = set()
        reasons: list[Reason] = []
        for rr in self.t.route_rules:
            if not holds(rr.when, ctx):
                continue
            changed = [r for r in rr.add if r not in routes] + [r for r in rr.remove if r in routes]
            routes |= set(rr.add)
            routes -= set(rr.remove)
            if explain and changed:
                qs = questions_in(rr.when)
                ans: list[Value] = [answers.get(q, UNKNOWN) for q in qs]
                if not qs:
                    qs, ans = ["flag"], [flag]
                signs = [("+" if r in rr.add else "−") + self.text(self.routes[r].name) for r in changed]
                for r in changed:
                    reasons.append(Reason("route", r, rr.id, qs, ans, f"{self.text(rr.because)} → {', '.join(signs)}"))
        return sorted(routes, key=self._route_order.index), reasons

    def signature(self, answers: Answers) -> tuple:
        """What decides whether a question is still worth asking: flag, routes, urgency."""
        a = self.assess(answers, explain=False)
        routes, _ = self.route(answers, a.flag, explain=False)
        return a.flag, tuple(routes), a.urgent

    # --- which question next -------------------------------------------------------------------

    def candidates(self, q: Question, answers: Answers) -> list[Value]:
        """Answers to try for q: every option, or for a number the values where a rule turns."""
        if q.type == "choice":
            return [o.value for o in q.options]
        values = {q.min, q.max}
        for kind, other, c in self._numbers.get(q.id, ()):
            if kind == "abs":
                values |= {c - 1, c}
            else:
                k = answers.get(other, UNKNOWN)
                if isinstance(k, int):
                    values |= {k - c, k - c + 1, k + c - 1, k + c}
        return sorted(v for v in values if q.min <= v <= q.max)

    def next_question(self, answers: Answers, asked: Iterable[str]) -> Optional[Question]:
        """The first question, in order, not yet asked whose answer could change the flag, the
        routes or the urgency, with the questions still open counted as unknown."""
        asked = list(asked)
        known = {q: answers.get(q, UNKNOWN) for q in asked}
        base = self.signature(known)
        for q in self.p.questions:
            if q.id in known or q.id not in self._decisive:
                continue
            for v in self.candidates(q, known):
                if self.signature({**known, q.id: v}) != base:
                    return q
        return None

    def asked(self, answers: Answers) -> list[str]:
        """The questions a fresh interactive session would ask, in order, given these answers."""
        order: list[str] = []
        while (q := self.next_question(answers, order)) is not None:
            order.append(q.id)
        return order

    def plan_questions(self, asked: Iterable[str]) -> list[Question]:
        """Questions that only refine the plan: no rule of the flag, routes or urgency reads them."""
        done = set(asked)
        return [q for q in self.p.questions if q.id not in done and q.id not in self._decisive]

    # --- the decision --------------------------------------------------------------------------

    def limits(self, a: Assessment) -> str:
        """The lowest flag the professional may confirm."""
        return a.lock if a.lock else FLAGS[0]

    def needs_consulted(self, a: Assessment, flag: str) -> bool:
        """Lowering this proposal to `flag` records who was consulted (collegiale consultatie)."""
        return rank(flag) < rank(a.flag) and a.flag in self.t.lowering_needs_consulted

    def confirm_problem(self, a: Assessment, c: Confirmation) -> Optional[str]:
        """Why a confirmation is outside the limits: "below_lock", "reason" or "consulted"; or None."""
        if rank(c.flag) < rank(self.limits(a)):
            return "below_lock"
        if c.flag != a.flag and not (c.reason or "").strip():
            return "reason"
        if self.needs_consulted(a, c.flag) and not (c.consulted or "").strip():
            return "consulted"
        return None

    def decide(self, answers: Answers, confirmed: Optional[Confirmation] = None, today: Optional[dt.date] = None,
               asked: Optional[list[str]] = None, followup_days: Optional[int] = None) -> Decision:
        answers = {q.id: answers.get(q.id, UNKNOWN) for q in self.p.questions}
        a = self.assess(answers)
        confirmed = confirmed or Confirmation(a.flag)
        problem = self.confirm_problem(a, confirmed)
        if problem:
            raise ValueError(f"confirmation outside the limits ({problem}): {confirmed}")
        routes, route_reasons = self.route(answers, confirmed.flag)
        if a.lock and rank(confirmed.flag) < rank(a.flag):
            kept = [r for r in self.route(answers, a.flag, explain=False)[0]
                    if r in self.t.keep_on_lock and r not in routes]
            routes = sorted([*routes, *kept], key=self._route_order.index)
        contacts: list[str] = []
        for r in routes:
            contacts += [c for c in self.routes[r].contacts if c not in contacts]
        ctx = Ctx(answers, a.criteria, confirmed.flag, routes)
        reasons = a.reasons + route_reasons
        for cr in self.t.contact_rules:
            if holds(cr.when, ctx):
                contacts += [c for c in cr.add if c not in contacts]
                qs = questions_in(cr.when)
                for c in cr.add:
                    reasons.append(Reason("contact", c, cr.id, qs, [answers[q] for q in qs], self.text(cr.because)))
        for w in self.t.warnings:
            if holds(w.when, ctx):
                qs = questions_in(w.when)
                reasons.append(Reason("warning", w.id, w.id, qs, [answers[q] for q in qs], self.text(w.text)))
        unknown = [q for q, v in answers.items() if v == UNKNOWN]
        today = today or dt.date.today()
        plan = self.plan(ctx, unknown, today + dt.timedelta(days=followup_days or self.t.followup_days))
        return Decision(a, confirmed, routes, contacts, unknown,
                        asked if asked is not None else self.asked(answers), plan, reasons, answers)

    def plan(self, ctx: Ctx, unknown: list[str], followup: dt.date) -> list[dict[str, Any]]:
        steps: dict[int, list[dict[str, Any]]] = {s.number: [] for s in self.p.steps}
        for item in self.t.plan:
            if item.when is None or holds(item.when, ctx):
                text = self.text(item.text).replace("{followup_date}", followup.isoformat())
                entry: dict[str, Any] = {"id": item.id, "text": text}
                if item.contacts:
                    entry["contacts"] = list(item.contacts)
                if item.advice:
                    entry["advice"] = list(item.advice)
                steps[item.step].append(entry)
        first = self.p.steps[0].number
        steps[first] += [{"id": f"find_out.{q}", "text": self.text(self.questions[q].find_out)} for q in unknown]
        return [{"step": s.number, "title": self.text(s.title), "items": steps[s.number]} for s in self.p.steps]

    # --- prepared look-ups ---------------------------------------------------------------------

    def _all_conditions(self) -> list[Cond]:
        t = self.t
        conds = [r.when for rules in t.ratings.values() for r in rules if r.when]
        conds += [e.when for e in t.escalations] + [f.when for f in t.floors] + [t.urgent]
        conds += [rr.when for rr in t.route_rules]
        return conds

    def _decisive_questions(self) -> set[str]:
        """Questions that some rule of the flag, the routes or the urgency reads."""
        out = {r.q for rules in self.t.ratings.values() for r in rules if r.q}
        for c in self._all_conditions():
            out |= set(questions_in(c))
        return out

    def _number_thresholds(self) -> dict[str, list[tuple[str, Optional[str], int]]]:
        out: dict[str, list] = {}
        stack = [*self._all_conditions(), *(i.when for i in self.t.plan if i.when)]
        while stack:
            c = stack.pop()
            stack += (c.all_ or []) + (c.any_ or []) + ([c.not_] if c.not_ else [])
            bound = c.lt if c.lt is not None else c.gte
            if bound is None:
                continue
            if c.q:
                out.setdefault(c.q, []).append(("abs", None, bound))
            elif c.younger:
                for q in c.younger:
                    out.setdefault(q, []).append(("abs", None, bound))
            elif c.gap:
                a, b = c.gap
                out.setdefault(a, []).append(("gap", b, bound))
                out.setdefault(b, []).append(("gap", a, bound))
        return out
