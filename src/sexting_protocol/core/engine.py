"""The triage engine: answers in, decision out. Pure: no I/O, no screen, no language.

Everything it knows comes from the protocol (`data/protocol.yaml`): the criteria's rating rules,
the escalation, the floors, the lowest flag allowed, the priority, the routes and the plan.
Answers map question ids to an option value, a whole number, or "unknown"; a question that is
missing counts as unknown. What the engine returns is ids and structured reasons; the views
put them into words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from .conditions import Answers, Ctx, Value
from .interview import Interview
from .model import FLAGS, GUIDE_PARTS, UNKNOWN, Cond, Conversations, Protocol, Question, Route, Text


@dataclass(frozen=True)
class Confirmation:
    flag: str
    reason: Optional[str] = None
    consulted: Optional[str] = None


@dataclass
class Reason:
    """One rule that fired: which rule, the answers that made it hold, and what it set."""

    kind: str  # criterion, escalation, floor, lowest, priority, route, contact, warning
    id: str  # the criterion, floor, route, ... it speaks of
    rule: str  # the id of the rule in the protocol
    questions: list[str]
    answers: list[Value]
    flag: Optional[str] = None  # the rating, the raised flag, the floor or the lowest flag
    at_least: bool = False
    removed: bool = False  # a route rule that left the route out


@dataclass
class Assessment:
    """The proposal: what the flag system makes of the answers, before the professional confirms."""

    flag: str
    criteria: dict[str, str]
    urgent: bool
    lowest: str  # the lowest flag the professional may confirm
    base: str  # the worst criterion, before escalation and floors
    reasons: list[Reason] = field(default_factory=list)

    @property
    def decisive(self) -> list[Reason]:
        """The rules that ask for the proposed flag itself: why this flag."""
        return [r for r in self.reasons if r.kind in ("criterion", "escalation", "floor", "lowest") and r.flag == self.flag]


@dataclass
class PlanEntry:
    id: str
    text: Text  # for a find-out item: its question's find_out text (or the variant that holds)
    question: Optional[str] = None  # the question of a find-out item
    contacts: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    short: Optional[Text] = None  # a few words, beside the confirmation


@dataclass(frozen=True)
class RouteWords:
    """A route as this case words it: the route's own words, or those of its first variant
    that holds (the setting's board, its internal roles)."""

    id: str
    name: Text
    description: Text
    action: Optional[Text]
    contacts: tuple[str, ...]


@dataclass
class PlanStep:
    step: int
    items: list[PlanEntry]


@dataclass
class GuideEntry:
    """A conversation of step 3 as this case needs it: who with, what comes first, its parts."""

    id: str
    with_: Text
    first: list[Text]
    aim: Text
    opening: Text
    questions: list[Text]
    avoid: list[Text]
    record: list[Text]


@dataclass
class LetterEntry:
    id: str
    title: Text
    purpose: Text
    paragraphs: list[Text]
    contacts: list[str]


@dataclass
class Decision:
    assessment: Assessment
    confirmed: Confirmation
    priority: str
    routes: list[str]
    first: list[str]
    contacts: list[str]
    unknown: list[str]
    asked: list[str]
    refine: list[str]
    plan: list[PlanStep]
    reasons: list[Reason]
    answers: dict[str, Value]  # every question, unknown where not answered
    given: list[str]  # the questions that were answered (in a file or the session), unknown too
    followup: dt.date
    first_items: list[str]  # plan item ids shown with the first actions
    followup_days: int
    setting: str
    route_words: dict[str, RouteWords]  # every route as this case words it
    conversations: list[GuideEntry] = field(default_factory=list)  # in the order they should happen
    letters: list[LetterEntry] = field(default_factory=list)

    @property
    def flag(self) -> str:
        return self.assessment.flag

    @property
    def lowest(self) -> str:
        return self.assessment.lowest

    @property
    def today(self) -> dt.date:
        """The day of the decision."""
        return self.followup - dt.timedelta(days=self.followup_days)

    def plan_ids(self) -> list[str]:
        return [i.id for s in self.plan for i in s.items]

    def item(self, item_id: str) -> Optional[PlanEntry]:
        return next((i for s in self.plan for i in s.items if i.id == item_id), None)


def rank(flag: str) -> int:
    return FLAGS.index(flag)


def worst(*flags: str) -> str:
    return max(flags, key=rank)


class Engine:
    """The protocol's triage, with look-ups prepared once."""

    def __init__(self, protocol: Protocol, conversations: Optional[Conversations] = None):
        self.p = protocol
        self.c = conversations or Conversations(conversations=[])
        self.t = protocol.triage
        self.questions = {q.id: q for q in protocol.questions}
        self.routes = {r.id: r for r in self.t.routes}
        self._route_order = [r.id for r in self.t.routes]
        self._steps = [s.number for s in protocol.steps]
        self.settings = [x.id for x in protocol.settings]
        self._elsewhere = {x: protocol.roles_elsewhere(x) for x in self.settings}
        self.interview = Interview(self)  # the question search

    def setting(self, answers: Answers) -> str:
        """The setting the decision uses: the answers file's, else the organisation's."""
        v = answers.get("setting")
        return v if isinstance(v, str) and v in self.settings else self.p.setting or self.settings[0]

    def ctx(self, answers: Answers, **kw: Any) -> Ctx:
        return Ctx(answers, self.t.conditions, self.setting(answers), **kw)

    def effective(self, answers: Answers) -> tuple[dict[str, Value], list[tuple[Any, list[str]]]]:
        """The answers as the rules read them: those a role leaves out (the young-actor case's
        other person) counted as unknown; and each ignore rule that holds, with the answers it
        left out."""
        out = dict(answers)
        held = []
        for ig in self.t.ignore:
            if self.ctx(out).holds(ig.when):
                held.append((ig, [q for q in ig.questions if out.get(q, UNKNOWN) != UNKNOWN]))
                out.update({q: UNKNOWN for q in ig.questions if q in out})
        return out, held

    def ignored(self, answers: Answers) -> set[str]:
        """The questions a role leaves out for these answers: never asked."""
        return {q for ig, _ in self.effective(answers)[1] for q in ig.questions}

    def _reason(self, kind: str, id: str, rule: str, when: Optional[Cond], ctx: Ctx, **kw: Any) -> Reason:
        qs = ctx.why(when) if when is not None else []
        return Reason(kind, id, rule, qs, [ctx.answers.get(q, UNKNOWN) for q in qs], **kw)

    # --- the proposal --------------------------------------------------------------------------

    def assess(self, answers: Answers, explain: bool = True) -> Assessment:
        answers = self.effective(answers)[0]
        reasons: list[Reason] = []
        criteria: dict[str, str] = {}
        ctx = self.ctx(answers)
        for crit in self.p.criteria:
            ratings = []
            for r in self.t.ratings.get(crit.id, []):
                if r.q is not None:
                    rating = r.map.get(answers.get(r.q, UNKNOWN))
                    if rating is not None and explain:
                        reasons.append(Reason("criterion", crit.id, r.id, [r.q], [answers.get(r.q, UNKNOWN)], rating))
                elif ctx.holds(r.when):
                    rating = r.rating
                    if explain:
                        reasons.append(self._reason("criterion", crit.id, r.id, r.when, ctx, flag=rating,
                                                    at_least=r.at_least))
                else:
                    continue
                if rating is not None:
                    ratings.append(rating)
            criteria[crit.id] = max(ratings, key=rank) if ratings else UNKNOWN
        ctx.criteria = criteria
        rated = [r for r in criteria.values() if r != UNKNOWN]
        base = flag = max(rated, key=rank) if rated else FLAGS[0]
        for e in self.t.escalations:
            if flag in e.raise_ and ctx.holds(e.when):
                flag = e.raise_[flag]
                if explain:
                    reasons.append(self._reason("escalation", e.id, e.id, e.when, ctx, flag=flag))
        if explain:
            reasons += [self._reason("note", n.id, n.id, n.when, ctx) for n in self.t.notes
                        if n.when is not None and ctx.holds(n.when)]
        for f in self.t.floors:
            if ctx.holds(f.when):
                flag = worst(flag, f.at_least)
                if explain:
                    reasons.append(self._reason("floor", f.id, f.id, f.when, ctx, flag=f.at_least, at_least=True))
        lowest = FLAGS[0]
        for lo in self.t.lowest:
            if ctx.holds(lo.when):
                lowest = worst(lowest, lo.flag)
                if explain:
                    reasons.append(self._reason("lowest", lo.id, lo.id, lo.when, ctx, flag=lo.flag, at_least=True))
        # never propose a flag that may not be confirmed (the young-actor case, a child under 12)
        flag = worst(flag, lowest)
        return Assessment(flag, criteria, ctx.holds(self.t.urgent), lowest, base, reasons)

    # --- routes, priority, contacts ------------------------------------------------------------

    def route(self, answers: Answers, flag: str, explain: bool = True) -> tuple[list[str], list[Reason]]:
        answers = self.effective(answers)[0]
        ctx = self.ctx(answers, flag=flag)
        routes: set[str] = set()
        reasons: list[Reason] = []
        for rr in self.t.route_rules:
            if not ctx.holds(rr.when):
                continue
            changed = [(r, False) for r in rr.add if r not in routes] + [(r, True) for r in rr.remove if r in routes]
            routes |= set(rr.add)
            routes -= set(rr.remove)
            if explain:
                reasons += [self._reason("route", r, rr.id, rr.when, ctx, flag=flag, removed=removed)
                            for r, removed in changed]
        return sorted(routes, key=self._route_order.index), reasons

    def priority(self, answers: Answers, flag: str, routes: Iterable[str] = ()) -> tuple[str, Reason]:
        answers = self.effective(answers)[0]
        ctx = self.ctx(answers, flag=flag, routes=tuple(routes))
        for pr in self.t.priority:
            if pr.when is None or ctx.holds(pr.when):
                return pr.id, self._reason("priority", pr.id, pr.id, pr.when, ctx, flag=flag)
        raise AssertionError("the last priority holds always (checked at load)")

    def first(self, routes: list[str], priority: str) -> list[str]:
        f = self.t.first
        out = [r for r in f.routes if r in routes] if priority in f.priorities else []
        return out or [r for r in f.otherwise if r in routes][:1]

    def _routes_for(self, answers: Answers, a: Assessment, flag: str, explain: bool) -> tuple[list[str], list[Reason]]:
        """The routes of the confirmed flag, keeping those of the proposal that a case which may
        not be confirmed green keeps when it is confirmed lower."""
        routes, reasons = self.route(answers, flag, explain)
        if rank(a.lowest) > 0 and rank(flag) < rank(a.flag):
            kept = [r for r in self.route(answers, a.flag, explain=False)[0]
                    if r in self.t.keep_when_lowered and r not in routes]
            routes = sorted([*routes, *kept], key=self._route_order.index)
        return routes, reasons

    def route_words(self, r: Route, ctx: Ctx) -> RouteWords:
        """For each of name, description, action and contacts: the first variant that holds and
        sets it, else the route's own."""
        held = [v for v in r.variants if ctx.holds(v.when)]

        def pick(name: str):
            return next((getattr(v, name) for v in held if getattr(v, name) is not None), getattr(r, name))

        return RouteWords(r.id, pick("name"), pick("description"), pick("action"), tuple(pick("contacts")))

    def contacts(self, ctx: Ctx, routes: list[str], explain: bool) -> tuple[list[str], list[Reason]]:
        contacts: list[str] = []
        for r in routes:
            contacts += [c for c in self.route_words(self.routes[r], ctx).contacts if c not in contacts]
        reasons = []
        for cr in self.t.contact_rules:
            if ctx.holds(cr.when):
                contacts += [c for c in cr.add if c not in contacts]
                if explain:
                    reasons += [self._reason("contact", c, cr.id, cr.when, ctx) for c in cr.add]
        return contacts, reasons

    # --- the limits of the confirmation --------------------------------------------------------

    def needs_consulted(self, a: Assessment, flag: str) -> bool:
        """Lowering this proposal to `flag` records who was consulted (collegiale consultatie)."""
        return rank(flag) < rank(a.flag) and a.flag in self.t.lowering_needs_consulted

    def confirm_problem(self, a: Assessment, c: Confirmation) -> Optional[str]:
        """Why a confirmation is outside the limits: "below_lowest", "reason" or "consulted"; or None."""
        if rank(c.flag) < rank(a.lowest):
            return "below_lowest"
        if c.flag != a.flag and not (c.reason or "").strip():
            return "reason"
        if self.needs_consulted(a, c.flag) and not (c.consulted or "").strip():
            return "consulted"
        return None

    # --- the decision --------------------------------------------------------------------------

    def full(self, answers: Answers) -> dict[str, Value]:
        """Every question, unknown where not answered, and the setting when the answers give one."""
        out = {q.id: answers.get(q.id, UNKNOWN) for q in self.p.questions}
        if "setting" in answers:
            out["setting"] = answers["setting"]
        return out

    def followup_days(self, priority: str) -> int:
        days = self.t.followup_days
        return days if isinstance(days, int) else days[priority]

    def first_items(self, ctx: Ctx, plan: list[PlanStep], before_decision: bool = False) -> list[str]:
        """The plan items shown with the first actions, in the protocol's order: at its
        priorities, as far as the plan holds them (with `before_decision`, only those that a
        question is asked for before the decision)."""
        if ctx.priority not in self.t.first_items.priorities:
            return []
        held = {i.id for s in plan for i in s.items}
        return [f.id for f in self.t.first_items.items if f.id in held and (f.when is None or ctx.holds(f.when))
                and (f.before_decision or not before_decision)]

    def decide(self, answers: Answers, confirmed: Optional[Confirmation] = None, today: Optional[dt.date] = None,
               asked: Optional[list[str]] = None, given: Optional[Iterable[str]] = None,
               followup_days: Optional[int] = None) -> Decision:
        """The decision. `given` are the questions answered so far (all of `answers` when None);
        `asked` the questions asked before the decision (those a fresh session asks when None)."""
        given = [q for q in self.questions if q in (answers if given is None else set(given))]
        recorded = self.full(answers)
        answers, dropped = self.effective(recorded)
        a = self.assess(answers)
        confirmed = confirmed or Confirmation(a.flag)
        problem = self.confirm_problem(a, confirmed)
        if problem:
            raise ValueError(f"confirmation outside the limits ({problem}): {confirmed}")
        routes, route_reasons = self._routes_for(answers, a, confirmed.flag, True)
        priority, priority_reason = self.priority(answers, confirmed.flag, routes)
        ctx = self.ctx(answers, criteria=a.criteria, flag=confirmed.flag, routes=routes, priority=priority)
        contacts, contact_reasons = self.contacts(ctx, routes, True)
        reasons = a.reasons + route_reasons + contact_reasons + [priority_reason]
        reasons += [Reason("warning", ig.id, ig.id, gone, [recorded[q] for q in gone]) for ig, gone in dropped if gone]
        setting = ctx.setting
        if "setting" in recorded and self.p.setting is not None and recorded["setting"] != self.p.setting:
            reasons.append(Reason("warning", "setting_differs", "setting_differs", ["setting"], [setting]))
        for w in self.t.warnings:
            if w.when is not None and ctx.holds(w.when):
                reasons.append(self._reason("warning", w.id, w.id, w.when, ctx))
        unknown = [q for q in self.questions if answers[q] == UNKNOWN]
        asked = self.asked(recorded) if asked is None else list(asked)
        plan = self.plan(ctx)
        plan[0].items += [self._find_out(q, ctx) for q in self.interview.find_out(answers, unknown)]
        days = followup_days or self.followup_days(priority)
        today = today or dt.date.today()
        return Decision(a, confirmed, priority, routes, self.first(routes, priority), contacts, unknown, asked,
                        self.interview.refine(recorded, [*asked, *given]), plan, reasons, recorded, given,
                        today + dt.timedelta(days=days), self.first_items(ctx, plan), days, setting,
                        {r: self.route_words(self.routes[r], ctx) for r in self.routes},
                        self._guides(ctx), self._letters(ctx))

    def _guides(self, ctx: Ctx) -> list[GuideEntry]:
        """The conversations the decision calls for, in their order; each part from the first
        variant that holds and gives it."""
        out = []
        for g in sorted(self.c.conversations, key=lambda g: g.order):
            if g.when is not None and not ctx.holds(g.when):
                continue
            held = [v for v in g.variants if ctx.holds(v.when)]
            parts = {name: next((getattr(v, name) for v in held if getattr(v, name) is not None), getattr(g, name))
                     for name in GUIDE_PARTS}
            first = [f.text for f in g.first if f.when is None or ctx.holds(f.when)]
            out.append(GuideEntry(g.id, g.with_, first, **parts))
        return out

    def _letters(self, ctx: Ctx) -> list[LetterEntry]:
        out = []
        for letter in self.c.letters:
            if letter.when is None or ctx.holds(letter.when):
                paragraphs = next((v.paragraphs for v in letter.variants if ctx.holds(v.when)), letter.paragraphs)
                out.append(LetterEntry(letter.id, letter.title, letter.purpose, paragraphs, list(letter.contacts)))
        return out

    def _find_out(self, qid: str, ctx: Ctx) -> PlanEntry:
        q = self.questions[qid]
        return PlanEntry(f"find_out.{qid}", next((v.text for v in q.find_out_variants if ctx.holds(v.when)), q.find_out),
                         qid)

    def plan(self, ctx: Ctx) -> list[PlanStep]:
        steps = {n: PlanStep(n, []) for n in self._steps}
        for item in self.t.plan:
            if item.when is None or ctx.holds(item.when):
                held = next((v for v in item.variants if ctx.holds(v.when)), None)
                own = item.contacts if held is None or held.contacts is None else held.contacts
                contacts = [c for c in own if c not in self._elsewhere.get(ctx.setting, ())]
                steps[item.step].items.append(PlanEntry(item.id, item.text if held is None else held.text, None,
                                                        contacts, list(item.advice), short=item.short))
        return list(steps.values())

    # --- the question search (core/interview.py) ---------------------------------------------

    def ahead(self, answers: Answers, asked: Iterable[str]) -> tuple[Optional[Question], list[str]]:
        return self.interview.ahead(answers, asked)

    def next_question(self, answers: Answers, asked: Iterable[str]) -> Optional[Question]:
        return self.interview.ahead(answers, asked)[0]

    def asked(self, answers: Answers) -> list[str]:
        return self.interview.asked(answers)

    def out_of_scope(self, answers: Answers, asked: Optional[Iterable[str]] = None) -> Optional[Question]:
        return self.interview.out_of_scope(answers, asked)
