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
from typing import Any, Iterable, Mapping, Optional, Union

from .model import FLAGS, GUIDE_PARTS, UNKNOWN, Cond, Conversations, PlanItem, Protocol, Question, Route, Text

Value = Union[str, int]
Answers = Mapping[str, Value]


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


class Ctx:
    """What a condition is tested against; named conditions are worked out once."""

    __slots__ = ("answers", "named", "setting", "criteria", "flag", "routes", "priority", "_memo")

    def __init__(self, answers: Answers, named: Mapping[str, Cond], setting: str, criteria=None, flag=None,
                 routes=(), priority=None):
        self.answers, self.named, self.setting = answers, named, setting
        self.criteria, self.flag, self.routes, self.priority = criteria or {}, flag, routes, priority
        self._memo: dict[str, bool] = {}

    def holds(self, c: Cond) -> bool:
        if c.all_ is not None:
            return all(self.holds(x) for x in c.all_)
        if c.any_ is not None:
            return any(self.holds(x) for x in c.any_)
        if c.not_ is not None:
            return not self.holds(c.not_)
        if c.holds is not None:
            if c.holds not in self._memo:
                self._memo[c.holds] = self.holds(self.named[c.holds])
            return self._memo[c.holds]
        if c.q is not None:
            return _test(self.answers.get(c.q, UNKNOWN), c)
        if c.criterion is not None:
            return _test(self.criteria.get(c.criterion, UNKNOWN), c)
        if c.flag is not None:
            return self.flag in c.flag
        if c.route is not None:
            return c.route in self.routes
        if c.priority is not None:
            return self.priority in c.priority
        if c.setting is not None:
            return self.setting in c.setting
        pair = c.gap or c.younger
        a, b = (self.answers.get(q, UNKNOWN) for q in pair)
        if not (isinstance(a, int) and isinstance(b, int)):
            return False
        return _test(abs(a - b) if c.gap else min(a, b), c)

    def why(self, c: Cond) -> list[str]:
        """The questions whose answers make c hold (of an `any`, only the parts that hold)."""
        out: list[str] = []
        if c.all_ is not None:
            parts = c.all_
        elif c.any_ is not None:
            parts = [x for x in c.any_ if self.holds(x)]
        elif c.holds is not None:
            parts = [self.named[c.holds]]
        else:
            return [c.q] if c.q else list(c.gap or c.younger or [])
        for x in parts:
            out += [q for q in self.why(x) if q not in out]
        return out


def _test(v: Value, c: Cond) -> bool:
    if c.is_ is not None:
        return v == c.is_
    if c.in_ is not None:
        return v in c.in_
    if not isinstance(v, int):
        return False
    return v < c.lt if c.lt is not None else v >= c.gte


def _parts(c: Cond) -> list[Cond]:
    return (c.all_ or []) + (c.any_ or []) + ([c.not_] if c.not_ else [])


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
        self._numbers = self._number_values()
        self._decisive = self._decisive_questions()
        # questions asked before the decision because they can change what stands first
        self._first_asks = {q for f in self.t.first_items.items for q in f.before_decision}

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

    def questions_in(self, c: Optional[Cond]) -> list[str]:
        """The question ids a condition reads, named conditions included, in order, once each."""
        out: list[str] = []
        stack = [c] if c else []
        while stack:
            x = stack.pop(0)
            if x.holds is not None:
                stack.insert(0, self.t.conditions[x.holds])
                continue
            for q in [x.q] if x.q else (x.gap or x.younger or []):
                if q not in out:
                    out.append(q)
            stack += _parts(x)
        return out

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

    def _contacts(self, ctx: Ctx, routes: list[str], explain: bool) -> tuple[list[str], list[Reason]]:
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
        contacts, contact_reasons = self._contacts(ctx, routes, True)
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
        plan = self._plan(ctx)
        plan[0].items += [self._find_out(q, ctx) for q in self.find_out(answers, unknown)]
        days = followup_days or self.followup_days(priority)
        today = today or dt.date.today()
        return Decision(a, confirmed, priority, routes, self.first(routes, priority), contacts, unknown, asked,
                        self.refine(recorded, [*asked, *given]), plan, reasons, recorded, given,
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

    def _plan(self, ctx: Ctx) -> list[PlanStep]:
        steps = {n: PlanStep(n, []) for n in self._steps}
        for item in self.t.plan:
            if item.when is None or ctx.holds(item.when):
                steps[item.step].items.append(PlanEntry(item.id, self._text(item, ctx), None, list(item.contacts),
                                                        list(item.advice), short=item.short))
        return list(steps.values())

    @staticmethod
    def _text(item: PlanItem, ctx: Ctx) -> Text:
        return next((v.text for v in item.variants if ctx.holds(v.when)), item.text)

    # --- what still matters --------------------------------------------------------------------

    def _outcome(self, answers: Answers, plan: bool, first: bool = False) -> tuple:
        """What an answer can change, the proposal taken as the confirmed flag: before the
        decision the flag, routes, urgency and priority; with `plan` also the contacts and the
        plan items."""
        answers = self.effective(answers)[0]
        a = self.assess(answers, explain=False)
        routes, _ = self.route(answers, a.flag, explain=False)
        priority, _ = self.priority(answers, a.flag, routes)
        ctx = self.ctx(answers, criteria=a.criteria, flag=a.flag, routes=routes, priority=priority)
        steps = self._plan(ctx)
        out: tuple = (a.flag, tuple(routes), a.urgent, priority)
        if first:
            out += (tuple(self.first_items(ctx, steps, before_decision=True)),)
        if plan:
            contacts, _ = self._contacts(ctx, routes, False)
            out += (tuple(contacts), tuple(i.id for s in steps for i in s.items))
        return out

    def candidates(self, q: Question, answers: Answers) -> list[Value]:
        """Answers to try for q: every option, or for a number the values where a rule turns."""
        if q.type == "choice":
            return [o.value for o in q.options]
        values = {q.min, q.max}
        for kind, other, c in self._numbers.get(q.id, ()):
            if kind == "abs":
                values |= {c - 1, c, c + 1}
            else:
                k = answers.get(other, UNKNOWN)
                if isinstance(k, int):
                    values |= {k - c, k - c + 1, k + c - 1, k + c}
        return sorted(v for v in values if q.min <= v <= q.max)

    def _matters(self, q: Question, answers: Answers, plan: bool, base: Optional[tuple] = None,
                 first: bool = False) -> bool:
        """Whether some answer to q changes the outcome from q left unknown."""
        known = {**answers, q.id: UNKNOWN}
        if base is None or answers.get(q.id, UNKNOWN) != UNKNOWN:
            base = self._outcome(known, plan, first)
        return any(self._outcome({**known, q.id: v}, plan, first) != base for v in self.candidates(q, known))

    def find_out(self, answers: Answers, unknown: list[str]) -> list[str]:
        """The unknown questions of which some answer could still change the flag, the routes,
        the priority, the contacts or the plan (find-out items aside)."""
        base = self._outcome(answers, plan=True)
        return [q for q in unknown if self._matters(self.questions[q], answers, True, base)]

    def refine(self, answers: Answers, done: Iterable[str]) -> list[str]:
        """The questions a session asks after the confirmation: open (not in `done`) and such
        that some answer could change the plan or the contacts, the other open ones unknown."""
        done = set(done)
        known = {q: v for q, v in answers.items() if q in done or q == "setting"}
        base = self._outcome(known, plan=True)
        ignored = self.ignored(answers)
        return [q.id for q in self.p.questions
                if q.id not in done and q.id not in ignored and self._matters(q, known, True, base)]

    def out_of_scope(self, answers: Answers, asked: Optional[Iterable[str]] = None) -> Optional[Question]:
        """The question whose answer puts the case outside the protocol (an adult in the images
        with no young person involved), if any; with `asked`, none while a question that could
        still bring the case in scope has not been asked."""
        if asked is not None and self._scope_question({q: answers.get(q, UNKNOWN) for q in asked}):
            return None
        ctx = self.ctx(answers)
        for q in self.p.questions:
            oos, v = q.out_of_scope, answers.get(q.id, UNKNOWN)
            if oos and isinstance(v, int) and oos.min <= v <= oos.max and not (oos.unless and ctx.holds(oos.unless)):
                return q
        return None

    def next_question(self, answers: Answers, asked: Iterable[str]) -> Optional[Question]:
        return self.ahead(answers, asked)[0]

    def ahead(self, answers: Answers, asked: Iterable[str]) -> tuple[Optional[Question], list[str]]:
        """The next question, and the others that could still be asked after it as things stand
        (each open question of which some answer could still matter: an estimate, as an answer
        can make another matter or not).

        The next question before the decision: first what settles whether the case is in
        scope, then in order the first not yet asked that is always asked or of which some
        answer could change the flag, the routes, the urgency or the priority, or (for a
        question a first item names under `before_decision`) the first items, with the questions
        still open counted as unknown; a question that waits has the questions it waits for
        asked first. A question a role leaves out (the young-actor case) is not asked."""
        asked = list(asked)
        known = {q: answers.get(q, UNKNOWN) for q in asked}
        if "setting" in answers:
            known["setting"] = answers["setting"]
        base = self._outcome(known, plan=False)
        ignored = self.ignored(known)
        ctx = self.ctx(known)
        open_ = [q for q in self.p.questions if q.id not in known and q.id not in ignored
                 and (q.always_ask or (q.id in self._decisive and self._matters(q, known, False, base))
                      or (q.id in self._first_asks and self._matters(q, known, False, None, first=True)))]
        scope = self._scope_question(known)
        q = scope if scope is not None and not any(x.safety for x in open_) else (open_[0] if open_ else None)
        # together they can decide a role that none of them decides alone, and safety comes first
        seen: set[str] = set()
        while q is not None and q.wait and q.id not in seen and ctx.holds(q.wait.when):
            seen.add(q.id)
            pending = next((w for w in q.wait.for_ if w not in known and w not in ignored), None)
            if pending is None:
                break
            q = self.questions[pending]
        return q, [x.id for x in open_ if q is None or x.id != q.id]

    def _scope_question(self, known: Answers) -> Optional[Question]:
        """The question still to ask before it is clear whether the case is in scope (the other
        person's age, when the one in the images is an adult)."""
        for qid, v in known.items():
            if qid not in self.questions:
                continue
            oos = self.questions[qid].out_of_scope
            if oos and oos.unless and isinstance(v, int) and oos.min <= v <= oos.max:
                for other in self.questions_in(oos.unless):
                    if other not in known:
                        return self.questions[other]
        return None

    def asked(self, answers: Answers) -> list[str]:
        """The questions a fresh interactive session would ask, in order, given these answers."""
        order: list[str] = []
        while (q := self.next_question(answers, order)) is not None:
            order.append(q.id)
        return order

    # --- prepared look-ups ---------------------------------------------------------------------

    def _all_conditions(self) -> list[Cond]:
        t = self.t
        conds = [r.when for rules in t.ratings.values() for r in rules if r.when]
        conds += [e.when for e in t.escalations] + [f.when for f in t.floors] + [lo.when for lo in t.lowest]
        conds += [t.urgent] + [p.when for p in t.priority if p.when] + [rr.when for rr in t.route_rules]
        conds += [ig.when for ig in t.ignore]
        return conds

    def _decisive_questions(self) -> set[str]:
        """Questions that some rule of the flag, the routes, the urgency or the priority reads."""
        out = {r.q for rules in self.t.ratings.values() for r in rules if r.q}
        for c in self._all_conditions():
            out |= set(self.questions_in(c))
        return out

    def _number_values(self) -> dict[str, list[tuple[str, Optional[str], int]]]:
        """For each number question, where some condition turns: ("abs", None, n) or ("gap", other, n)."""
        out: dict[str, list] = {}
        stack = [*self._all_conditions(), *self.t.conditions.values(), *(c.when for c in self.t.contact_rules),
                 *(i.when for i in self.t.plan if i.when), *(v.when for i in self.t.plan for v in i.variants),
                 *(f.when for f in self.t.first_items.items if f.when), *(w.when for w in self.t.warnings if w.when)]
        while stack:
            c = stack.pop()
            stack += _parts(c)
            bounds = [b for b in (c.lt, c.gte, c.is_, *(c.in_ or [])) if isinstance(b, int) and not isinstance(b, bool)]
            for bound in bounds:
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
