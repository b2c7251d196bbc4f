"""`sexting-protocol triage`: the interactive session and the answers-file run, one engine.

Order of screens: questions (an urgent answer shows its action at once), review of the answers,
the decision, confirmation, questions that only refine the plan, then the offer of files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Optional

from .answers import in_range, out_of_scope, read_answers
from .engine import Confirmation, Engine, rank
from .errors import UserError
from .files import announce, write_all, write_private, written_text
from .model import FLAGS, UNKNOWN, Question
from .render import Banner, Heading, Para
from .report import Meta, calendar, kind_of, render
from .views import DecisionView


@dataclass
class Options:
    answers: Optional[str] = None
    as_json: bool = False
    no_input: bool = False
    report: Optional[str] = None
    ics: Optional[str] = None
    case_ref: Optional[str] = None
    role: Optional[str] = None
    signal_date: Optional[str] = None
    followup_days: Optional[int] = None
    force: bool = False


class Ended(UserError):
    """The session ends early on purpose (a case outside the protocol)."""


def run(state, opts: Options, asker=None) -> int:
    env = state.env
    bundle = state.bundle()
    engine = Engine(bundle.protocol, state.lang)
    view = DecisionView(bundle, state.lang, engine)
    meta = Meta(opts.case_ref, opts.role, _date(opts.signal_date, view) if opts.signal_date else env.today, env.today)
    answers: dict[str, Any] = {}
    confirmation = None
    if opts.answers:
        answers, confirmation, _ = read_answers(opts.answers, engine, view.contact_text, view.t, env.stdin)
    interactive = (env.interactive or asker is not None) and not opts.as_json and not opts.no_input
    if not opts.answers and not interactive:
        raise UserError(view.t("err_json_needs_answers" if opts.as_json else "err_no_terminal"))
    days = opts.followup_days or engine.t.followup_days
    try:
        if interactive:
            if asker is None:
                from .prompts import Asker

                asker = Asker(view.t)
            return Session(state, engine, view, asker, opts, meta, days, answers, confirmation).run()
        d = engine.decide(answers, confirmation, env.today, followup_days=days)
        if opts.as_json:
            state.json(view.as_json(d))
        else:
            state.show(view.blocks(d, bundle.region_note(state.lang)))
        _write_files(state, view, d, opts, meta, days, quiet=opts.as_json)
        return 0
    except KeyboardInterrupt:
        if state.written:
            env.err(view.t("interrupted_saved", paths=", ".join(state.written)))
        else:
            env.err(view.t("interrupted"))
        return 130


def _date(text: str, view) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(view.t("err_date", value=text[:40])) from None


def _write_files(state, view, d, opts: Options, meta: Meta, days: int, quiet: bool = False) -> None:
    """The files asked for on the command line: every target checked before any is written."""
    wanted = [(opts.report, render(view, d, meta, kind_of(opts.report)))] if opts.report else []
    if opts.ics:
        wanted.append((opts.ics, calendar(view, state.env.today + dt.timedelta(days=days))))
    for written in write_all(wanted, opts.force, view.t, done=state.written):
        announce(state.env, written_text(view.t, written), quiet)


def _write(state, view, path: str, content: str, force: bool, quiet: bool = False) -> str:
    written = write_private(path, content, force, view.t)
    state.written.append(written)
    announce(state.env, written_text(view.t, written), quiet)
    return written


@dataclass
class Session:
    state: Any
    engine: Engine
    view: DecisionView
    asker: Any
    opts: Options
    meta: Meta
    days: int
    answers: dict[str, Any] = field(default_factory=dict)
    confirmation: Optional[Confirmation] = None

    def __post_init__(self) -> None:
        self.t = self.view.t
        # answers from a file count as asked; only what it leaves open is asked
        self.asked = [q.id for q in self.engine.p.questions if q.id in self.answers]
        self.mine: list[str] = []  # asked in this session, for going back

    def show(self, blocks) -> None:
        self.state.show(blocks)

    def run(self) -> int:
        self.intro()
        self.ask_open()
        while (qid := self.review()) is not None:
            self.ask(self.engine.questions[qid])
            self.ask_open()
        if self.confirmation and self.engine.confirm_problem(self.engine.assess(self.answers, False), self.confirmation):
            self.confirmation = None  # the file's confirmation no longer holds for the answers now given
        d = self.decide()
        self.show(self.view.blocks(d, self.state.bundle().region_note(self.state.lang)))
        self.show(self.view.urgent_blocks(d) + [self.view.flag_banner(d)])  # again, next to the question
        self.confirmation = self.confirm(d)
        d = self.decide()
        if self.confirmation.flag != d.flag:
            self.show([Heading(self.t("after_confirm"), 1)] + self.view.routes_blocks(d) + self.view.plan_blocks(d)
                      + self.view.contact_blocks(d))
        extra = self.engine.plan_questions(self.asked)
        if extra:
            self.show([Heading(self.t("plan_questions"), 2)])
            for q in extra:
                self.ask(q)
            d2 = self.decide()
            if d2.plan != d.plan or d2.contacts != d.contacts:
                self.show([Heading(self.t("plan_updated"), 1)] + self.view.plan_blocks(d2) + self.view.contact_blocks(d2))
            d = d2
        self.offer_files(d)
        self.show([Para(self.t("done"), "bold")])
        return 0

    def decide(self):
        return self.engine.decide(self.answers, self.confirmation, self.state.env.today,
                                  followup_days=self.days)

    # --- screens -------------------------------------------------------------------------------

    def intro(self) -> None:
        p = self.view.p
        self.show([Heading(self.view.tx(p.leaflet.title)), Para(self.view.tx(p.leaflet.principle)),
                   Para(self.t("privacy_note"), "dim"), Para(self.t("how_to_answer"), "dim")])

    def ask_open(self) -> None:
        while (q := self.engine.next_question(self.answers, self.asked)) is not None:
            self.ask(q, back=bool(self.mine))

    def ask(self, q: Question, back: bool = False) -> None:
        current = self.answers.get(q.id)
        if q.type == "number":
            value = self.asker.number(self.view.tx(q.text), q.min, q.max, help=self.view.tx(q.help),
                                      default=current if isinstance(current, int) else None, back=back,
                                      accept=lambda n: out_of_scope(q, n))
            if value is None:
                value = UNKNOWN
            elif value != "__back__" and out_of_scope(q, value):
                self.out_of_scope(q)
            elif value != "__back__" and not in_range(q, value):
                value = UNKNOWN
        else:
            options = [(o.value, self.view.tx(o.label)) for o in q.options] + [(UNKNOWN, self.t("ask_unknown"))]
            value = self.asker.choice(self.view.tx(q.text), options, default=current, help=self.view.tx(q.help), back=back)
        if value == "__back__":
            last = self.mine.pop()
            self.asked.remove(last)
            self.answers.pop(last, None)
            return
        self.answers[q.id] = value
        if q.id not in self.asked:
            self.asked.append(q.id)
            self.mine.append(q.id)
        if q.alert and value in q.alert.answers:
            route = self.engine.routes[q.alert.route]
            self.show([Banner(self.view.tx(route.action), "bold white on red", self.view.contacts_of(route.contacts))])

    def out_of_scope(self, q: Question) -> None:
        oos = q.out_of_scope
        self.show([Banner(self.view.tx(oos.text), "bold yellow", self.view.contacts_of(oos.contacts))])
        raise Ended(self.t("ended_out_of_scope"))

    def review(self) -> Optional[str]:
        """All answers, each changeable; None when they are right."""
        options: list[tuple[Any, str]] = [("__ok__", self.t("review_ok"))]
        for qid in self.asked:
            q = self.engine.questions[qid]
            options.append((qid, f"{self.view.tx(q.short)}: {self.view.answer_text(qid, self.answers[qid])}"))
        chosen = self.asker.choice(self.t("review_title"), options, default="__ok__")
        return None if chosen == "__ok__" else chosen

    def confirm(self, d) -> Confirmation:
        lowest = self.engine.limits(d.assessment)
        options = [(d.flag, self.t("confirm_keep", flag=self.engine.flag_name(d.flag)))]
        options += [(f, self.t("confirm_other", flag=self.engine.flag_name(f)))
                    for f in FLAGS[rank(lowest):] if f != d.flag]
        help = self.t("confirm_locked", flag=self.engine.flag_name(lowest)) if rank(lowest) > 0 else None
        flag = self.asker.choice(self.t("confirm_title"), options, default=d.flag, help=help)
        if flag == d.flag:
            return Confirmation(flag)
        reason = self.asker.text(self.t("confirm_reason"), required=True)
        consulted = None
        if self.engine.needs_consulted(d.assessment, flag):
            consulted = self.asker.text(self.t("confirm_consulted"), required=True)
        return Confirmation(flag, reason, consulted)

    def offer_files(self, d) -> None:
        if self.opts.report or self.opts.ics:
            _write_files(self.state, self.view, d, self.opts, self.meta, self.days)
            return
        kind = self.asker.choice(self.t("offer_report"), [
            ("md", self.t("report_md")), ("txt", self.t("report_txt")), ("json", self.t("report_json")),
            ("no", self.t("report_none"))], default="md")
        if kind != "no":
            if self.meta.case_ref is None:
                self.meta.case_ref = self.asker.text(self.t("ask_case_ref"), help=self.t("no_names")) or None
            if self.meta.role is None:
                self.meta.role = self.asker.text(self.t("ask_role")) or None
            self.meta.signal_date = self.ask_date(self.meta.signal_date)
            content = render(self.view, d, self.meta, kind)
            self.save(f"sexting-verslag-{self.state.env.today.isoformat()}.{kind}", content)
        if self.asker.yes_no(self.t("offer_ics"), default=True):
            days = self.asker.number(self.t("ask_days"), 1, 365, default=self.days, instruction=self.t("ask_days_instruction")) or self.days
            when = self.state.env.today + dt.timedelta(days=days)
            self.save(f"follow-up-{when.isoformat()}.ics", calendar(self.view, when))

    def ask_date(self, default: Optional[dt.date]) -> dt.date:
        while True:
            text = self.asker.text(self.t("ask_signal_date"), default=default.isoformat() if default else "")
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.show([Para(self.t("err_date", value=text[:40]), "yellow")])

    def save(self, default: str, content: str) -> None:
        while True:
            path = self.asker.text(self.t("ask_path"), default=default, required=True)
            try:
                _write(self.state, self.view, path, content, force=False)
                return
            except UserError as e:
                self.show([Para(e.message, "yellow")])
