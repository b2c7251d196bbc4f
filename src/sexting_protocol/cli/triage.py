"""`sexting-protocol triage`: the terminal front of the conversation, and the answers-file run.

The conversation (`conversation.py`) decides every screen; this module asks each one with the
asker (questionary), shows the blocks, and offers the files at the end.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..core import conversation as conv
from ..store.answers import beside, read_answers, signal_date
from ..core.errors import UserError
from .files import announce, case_path, offer_name, write_all, written_text
from ..core.model import UNKNOWN
from ..present.blocks import Banner, Heading, Para
from ..present.report import Meta, calendar_name, kind_of, report_name
from ..render.report import calendar, render
from ..present.views import DecisionView


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
    engine = conv.rules(bundle.protocol, bundle.conversations)
    view = DecisionView(bundle, state.lang, engine, state.texts)
    meta = Meta(opts.case_ref, opts.role,
                signal_date(opts.signal_date, env.today, view.t) if opts.signal_date is not None else env.today, env.today)
    answers: dict[str, Any] = {}
    confirmation = None
    if opts.answers:
        case = case_path(opts.answers, env.environ, view.t)
        answers, confirmation, extra = read_answers(case, engine, view.contact_text, view.t, view.tx, env.stdin)
        carry_on(meta, extra.get("report", {}), {"case_ref": opts.case_ref, "role": opts.role,
                                                 "signal_date": opts.signal_date}, env.today, view.t)
        meta.log = list(extra.get("log") or [])  # the case's log goes on (each follow-up adds to it)
    interactive = (env.interactive or asker is not None) and not opts.as_json and not opts.no_input
    if not opts.answers and not interactive:
        raise UserError(view.t("SP858" if opts.as_json else "SP859"))
    days = opts.followup_days
    try:
        if interactive:
            if asker is None:
                from .prompts import Asker

                asker = Asker(view.t)
            return Session(state, engine, view, asker, opts, meta, days, conv.start(engine, answers, confirmation)).run()
        d = conv.decide(engine, answers, confirmation, env.today, days)
        if opts.as_json:
            state.json(view.as_json(d))
        else:
            state.show(view.blocks(d, view.region_note()) + view.conversation_blocks(d) + view.letter_blocks(d, d.today))
        _write_files(state, view, d, opts, meta, days, quiet=opts.as_json)
        return 0
    except KeyboardInterrupt:
        if state.written:
            env.err(view.t("interrupted_saved", paths=", ".join(state.written)))
        else:
            env.err(view.t("interrupted"))
        return 130


def conversations(state, path: str, as_json: bool) -> int:
    """`sexting-protocol conversations --answers FILE`: the guides and letters of a case."""
    bundle = state.bundle()
    engine = conv.rules(bundle.protocol, bundle.conversations)
    view = DecisionView(bundle, state.lang, engine, state.texts)
    answers, confirmation, _ = read_answers(path, engine, view.contact_text, view.t, view.tx, state.env.stdin)
    d = conv.decide(engine, answers, confirmation, state.env.today)
    if as_json:
        state.json({"conversations": view.conversations_json(d), "letters": view.letters_json(d, d.today)})
    else:
        state.page(view.conversation_blocks(d) + view.letter_blocks(d, d.today))
    return 0


def carry_on(meta: Meta, record: dict, given: dict, today, t) -> None:
    """A JSON report given back: its case reference and record go on in the new report, where
    the command line does not give them anew (`given`: the command line's values)."""
    for key in ("case_ref", "role", "said", "done", "told"):
        if record.get(key) and given.get(key) is None:
            setattr(meta, key, record[key])
    if record.get("signal_date") and given.get("signal_date") is None:
        try:
            meta.signal_date = signal_date(record["signal_date"], today, t)
        except UserError:
            pass  # a date out of range now: the record's date is not carried on


def with_case_file(path: str, content: str, view, d, meta: Meta, kind: Optional[str] = None) -> list[tuple[str, str]]:
    """A report and, beside it, the JSON that continues the case (one save, two files); `kind`:
    the report's format when its name does not say it."""
    files = [(path, content)]
    if (kind or kind_of(path)) != "json":
        files.append((beside(path), render(view, d, meta, "json")))
    return files


def _write_files(state, view, d, opts: Options, meta: Meta, days: int, quiet: bool = False) -> None:
    """The files asked for on the command line: every target checked before any is written."""
    # an empty name too: write_all says it is empty, before anything is written
    wanted = [] if opts.report is None else with_case_file(opts.report, render(view, d, meta, kind_of(opts.report)),
                                                           view, d, meta)
    if opts.ics is not None:
        wanted.append((opts.ics, calendar(view, d.followup, case_ref=meta.case_ref)))
    _write(state, view, wanted, opts.force, quiet)


def _write(state, view, files: list[tuple[str, str]], force: bool, quiet: bool = False) -> None:
    for written in write_all(files, force, view.t, done=state.written):
        announce(state.env, written_text(view.t, written), quiet)


@dataclass
class Session:
    state: Any
    engine: Any  # the protocol's rules (conversation.rules)
    view: DecisionView
    asker: Any
    opts: Options
    meta: Meta
    days: int
    conv: conv.State

    def __post_init__(self) -> None:
        self.t = self.view.t

    def show(self, blocks) -> None:
        self.state.show(blocks)

    def screen(self) -> conv.Screen:
        return conv.screen(self.engine, self.conv, self.state.env.today, self.days)

    def run(self) -> int:
        self.intro()
        while (sc := self.screen()).kind != "end":
            self.show([self.view.alert(r) for r in sc.alerts])
            if sc.kind == "out_of_scope":
                self.out_of_scope(sc)
            if sc.kind == "question":
                if sc.refine_first:
                    self.show([Heading(self.t("plan_questions"), 2)])
                event = self.ask(sc)
            elif sc.kind == "review":
                event = self.review(sc)
            else:
                event = self.confirm(sc)
            self.conv = conv.step(self.engine, self.conv, event)
            if isinstance(event, conv.Confirm) and self.conv.phase != "confirm":
                self.after_confirm()
        d = sc.decision
        if sc.plan_updated:
            self.show([Heading(self.t("plan_updated"), 1), *self.view.first_blocks(d)]
                      + self.view.plan_blocks(d) + self.view.contact_blocks(d))
        self.show(self.view.conversation_blocks(d) + self.view.letter_blocks(d, d.today))
        self.offer_files(d)
        case = [p for p in self.state.written if p.lower().endswith(".json")]  # the follow-up goes on from it
        self.show([Para(self.t("done_case", path=case[-1]) if case else self.t("done"), "bold")])
        return 0

    # --- screens -------------------------------------------------------------------------------

    def intro(self) -> None:
        p = self.view.p
        self.show([Heading(self.view.tx(p.leaflet.title)), Para(self.view.tx(p.leaflet.principle)),
                   Para(self.t("privacy_note"), "dim"), Para(self.t("how_to_answer"), "dim")])

    def ask(self, sc: conv.Screen) -> conv.Event:
        q, tx = sc.question, self.view.tx
        if sc.progress:
            self.show([Para(self.t("progress", n=sc.progress[0], total=sc.progress[1]), "dim")])
        if q.type == "number":
            value = self.asker.number(tx(q.text), q.min, q.max, help=tx(q.help), back=sc.can_back, key=sc.id,
                                      default=sc.default if isinstance(sc.default, int) else None)
            value = UNKNOWN if value is None else value
        else:
            options = [(o.value, tx(o.label)) for o in q.options] + [(UNKNOWN, self.t("ask_unknown"))]
            value = self.asker.choice(tx(q.text), options, default=sc.default, help=tx(q.help), back=sc.can_back,
                                      key=sc.id)
        return conv.Back() if value == "__back__" else conv.Answer(q.id, value)

    def out_of_scope(self, sc: conv.Screen) -> None:
        oos = sc.question.out_of_scope
        self.show([Banner(self.view.tx(oos.text), "bold yellow", self.view.contacts_of(oos.contacts))])
        raise Ended(self.t("ended_out_of_scope"))

    def review(self, sc: conv.Screen) -> conv.Event:
        """All answers, each changeable."""
        options: list[tuple[Any, str]] = [("__ok__", self.t("review_ok"))]
        for qid, value in sc.review:
            options.append((qid, f"{self.view.tx(self.engine.questions[qid].short)}: {self.view.answer_text(qid, value)}"))
        chosen = self.asker.choice(self.t("review_title"), options, default="__ok__", key=sc.id)
        return conv.ReviewDone() if chosen == "__ok__" else conv.Change(chosen)

    def confirm(self, sc: conv.Screen) -> conv.Event:
        d, v = sc.decision, self.view
        if sc.problem is None:  # the whole decision once; beside the question only what comes first
            self.show(([Heading(self.t("reconfirm"), 1)] if sc.reconfirm else [])
                      + v.blocks(d, v.region_note()))
        self.show(v.confirm_blocks(d))
        options = [(d.flag, self.t("confirm_keep", flag=v.flag_name(d.flag)))]
        options += [(f, self.t("confirm_other", flag=v.flag_name(f))) for f in sc.flags if f != d.flag]
        help = self.t("confirm_locked", flag=v.flag_name(sc.locked)) if sc.locked else None
        current = self.conv.confirmation
        flag = self.asker.choice(self.t("confirm_title"), options, key=sc.id, help=help,
                                 default=current.flag if current and current.flag in sc.flags else d.flag)
        if flag == d.flag:
            return conv.Confirm(flag)
        reason = self.asker.text(self.t("confirm_reason"), required=True, key="confirm:reason")
        consulted = None
        if flag in sc.needs_consulted:
            consulted = self.asker.text(self.t("confirm_consulted"), required=True, key="confirm:consulted")
        return conv.Confirm(flag, reason, consulted)

    def after_confirm(self) -> None:
        """When the flag confirmed differs from the proposal: the routes and the plan it brings."""
        d = conv.decision(self.engine, self.conv, self.conv.confirmation, self.state.env.today, self.days)
        if d.confirmed.flag != d.flag:
            self.show([Heading(self.t("after_confirm"), 1), *self.view.first_blocks(d)] + self.view.routes_blocks(d)
                      + self.view.plan_blocks(d) + self.view.contact_blocks(d))

    def offer_files(self, d) -> None:
        if self.opts.report is not None or self.opts.ics is not None:
            saves = []
            if self.opts.report is not None:
                saves.append((self.opts.report, lambda path: with_case_file(
                    path, render(self.view, d, self.meta, kind_of(path)), self.view, d, self.meta)))
            if self.opts.ics is not None:
                ics = calendar(self.view, d.followup, case_ref=self.meta.case_ref)
                saves.append((self.opts.ics, lambda path: [(path, ics)]))
            save_given(self.state, self.view, self.asker, saves, self.opts.force)
            return
        offer_saves(self.state, self.view, self.asker, d, self.meta, self.ask_record)

    def ask_record(self) -> None:
        """Before a report: what the command line did not give of the record."""
        if self.meta.case_ref is None:
            self.meta.case_ref = self.asker.text(self.t("ask_case_ref"), help=self.t("no_names"), key="files:case_ref") or None
        if self.meta.role is None:
            self.meta.role = self.asker.text(self.t("ask_role"), key="files:role") or None
        self.meta.signal_date = self.ask_date(self.meta.signal_date)

    def ask_date(self, default: Optional[dt.date]) -> dt.date:
        while True:
            text = self.asker.text(self.t("ask_signal_date"), default=self.view.date(default) if default else "",
                                   key="files:signal_date")
            try:
                return signal_date(text, self.state.env.today, self.t)
            except UserError as e:
                self.show([Para(e.message, "yellow")])



def offer_saves(state, view, asker, d, meta: Meta, before_report: Optional[Callable[[], None]] = None) -> None:
    """Asked in a terminal: the report with the case file beside it, and the follow-up's .ics,
    each offered in the user's documents folder (asked again after a refusal)."""
    kind = asker.choice(view.t("offer_report"), [
        ("md", view.t("report_md")), ("txt", view.t("report_txt")), ("json", view.t("report_json")),
        ("no", view.t("report_none"))], default="md", key="files:report")
    if kind != "no":
        if before_report is not None:
            before_report()

        def report(path: str) -> list[tuple[str, str]]:
            """The name's suffix decides the format, as --report's does; without one, the kind chosen."""
            k = kind_of(path) if path.lower().endswith((".md", ".txt", ".json")) else kind
            return with_case_file(path, render(view, d, meta, k), view, d, meta, k)

        save_where(state, view, asker, offer_name(state.env.environ, *os.path.splitext(report_name(state.env.today, kind)),
                                                  None if kind == "json" else ".json"),  # the case file beside it
                   report)
    if asker.yes_no(view.t("offer_ics"), default=True, key="files:ics"):
        days = asker.number(view.t("ask_days"), *conv.FOLLOWUP_DAYS, default=d.followup_days, key="files:days",
                            instruction=view.t("ask_days_instruction")) or d.followup_days
        when = conv.followup(state.env.today, days)
        ics = calendar(view, when, case_ref=meta.case_ref)
        save_where(state, view, asker, offer_name(state.env.environ, *os.path.splitext(calendar_name(when))),
                   lambda path: [(path, ics)])


def save_where(state, view, asker, default: str, files, force: bool = False) -> None:
    """Ask where to save (again after a refusal); `files(path)` is what that one save writes."""
    while True:
        path = asker.text(view.t("ask_path"), default=default, required=True, key="files:path")
        try:
            _write(state, view, files(path), force)
            return
        except UserError as e:
            state.show([Para(e.message, "yellow")])


def save_given(state, view, asker, saves: list, force: bool) -> None:
    """The files named on the command line (`saves`: each (path, files(path))), at the end of an
    interactive session: all checked before any is written; when one is refused (a full or
    read-only disk, a missing folder, a name taken meanwhile) the refusal is said and the person
    is asked where to save instead, each save not yet written: nothing typed is lost."""
    try:
        _write(state, view, [f for path, files in saves for f in files(path)], force)
        return
    except UserError as e:
        state.show([Para(e.message, "yellow")])
    for path, files in saves:
        if not all(os.path.abspath(p) in state.written for p, _ in files(path)):
            save_where(state, view, asker, path, files, force)
