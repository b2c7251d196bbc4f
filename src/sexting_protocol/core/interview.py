"""The question search: which question comes next, which questions still sharpen the plan after
the confirmation, which unknown answers are worth finding out, and whether the case is in the
protocol's scope. It tries answers on the engine's rules and keeps the questions of which some
answer changes the outcome."""

from __future__ import annotations

from typing import Any, Iterable, Optional

from . import conditions
from .analysis import Analysis
from .conditions import Answers, Value
from .model import UNKNOWN, Question


class Interview:
    """The question search of one engine (its rules), with the protocol's analysis done once.
    The engine (core/engine.py) makes its interview and asks it; this module never imports the
    engine, so the two do not import each other."""

    def __init__(self, engine: Any):
        self.e = engine
        self.analysis = Analysis.of(engine.t)

    def _outcome(self, answers: Answers, plan: bool, first: bool = False) -> tuple:
        """What an answer can change, the proposal taken as the confirmed flag: before the
        decision the flag, routes, urgency and priority; with `plan` also the contacts and the
        plan items."""
        e = self.e
        answers = e.effective(answers)[0]
        a = e.assess(answers, explain=False)
        routes, _ = e.route(answers, a.flag, explain=False)
        priority, _ = e.priority(answers, a.flag, routes)
        ctx = e.ctx(answers, criteria=a.criteria, flag=a.flag, routes=routes, priority=priority)
        steps = e.plan(ctx)
        out: tuple = (a.flag, tuple(routes), a.urgent, priority)
        if first:
            out += (tuple(e.first_items(ctx, steps, before_decision=True)),)
        if plan:
            contacts, _ = e.contacts(ctx, routes, False)
            out += (tuple(contacts), tuple(i.id for s in steps for i in s.items))
        return out

    def candidates(self, q: Question, answers: Answers) -> list[Value]:
        """Answers to try for q: every option, or for a number the values where a rule turns."""
        if q.type == "choice":
            return [o.value for o in q.options]
        values = {q.min, q.max}
        for other, c in self.analysis.turns.get(q.id, ()):
            if other is None:
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
        return [q for q in unknown if self._matters(self.e.questions[q], answers, True, base)]

    def refine(self, answers: Answers, done: Iterable[str]) -> list[str]:
        """The questions a session asks after the confirmation: open (not in `done`) and such
        that some answer could change the plan or the contacts, the other open ones unknown."""
        done = set(done)
        known = {q: v for q, v in answers.items() if q in done or q == "setting"}
        base = self._outcome(known, plan=True)
        ignored = self.e.ignored(answers)
        return [q.id for q in self.e.p.questions
                if q.id not in done and q.id not in ignored and self._matters(q, known, True, base)]

    def out_of_scope(self, answers: Answers, asked: Optional[Iterable[str]] = None) -> Optional[Question]:
        """The question whose answer puts the case outside the protocol (an adult in the images
        with no young person involved), if any; with `asked`, none while a question that could
        still bring the case in scope has not been asked."""
        if asked is not None and self._scope_question({q: answers.get(q, UNKNOWN) for q in asked}):
            return None
        ctx = self.e.ctx(answers)
        for q in self.e.p.questions:
            oos, v = q.out_of_scope, answers.get(q.id, UNKNOWN)
            if oos and isinstance(v, int) and oos.min <= v <= oos.max and not (oos.unless and ctx.holds(oos.unless)):
                return q
        return None

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
        ignored = self.e.ignored(known)
        ctx = self.e.ctx(known)
        decisive, first_asks = self.analysis.decisive, self.analysis.first_asks
        open_ = [q for q in self.e.p.questions if q.id not in known and q.id not in ignored
                 and (q.always_ask or (q.id in decisive and self._matters(q, known, False, base))
                      or (q.id in first_asks and self._matters(q, known, False, None, first=True)))]
        scope = self._scope_question(known)
        q = scope if scope is not None and not any(x.safety for x in open_) else (open_[0] if open_ else None)
        # together they can decide a role that none of them decides alone, and safety comes first
        seen: set[str] = set()
        while q is not None and q.wait and q.id not in seen and ctx.holds(q.wait.when):
            seen.add(q.id)
            pending = next((w for w in q.wait.for_ if w not in known and w not in ignored), None)
            if pending is None:
                break
            q = self.e.questions[pending]
        return q, [x.id for x in open_ if q is None or x.id != q.id]

    def _scope_question(self, known: Answers) -> Optional[Question]:
        """The question still to ask before it is clear whether the case is in scope (the other
        person's age, when the one in the images is an adult)."""
        questions = self.e.questions
        for qid, v in known.items():
            if qid not in questions:
                continue
            oos = questions[qid].out_of_scope
            if oos and oos.unless and isinstance(v, int) and oos.min <= v <= oos.max:
                for other in conditions.questions(oos.unless, self.e.t.conditions):
                    if other not in known:
                        return questions[other]
        return None

    def asked(self, answers: Answers) -> list[str]:
        """The questions a fresh interactive session would ask, in order, given these answers."""
        order: list[str] = []
        while (q := self.ahead(answers, order)[0]) is not None:
            order.append(q.id)
        return order
