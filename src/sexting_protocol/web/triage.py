"""The triage pages: every screen of the conversation as a page, driven only by
`conversation.screen` and `conversation.step` (this module decides nothing).

The server keeps nothing. The conversation's state travels in the page, in the hidden field
`_answers` (`conversation.dump`), and is checked like an answers file on every post
(`conversation.load`); a tampered or stale field gets a clear page with status 400. Every post
is answered with the next page at once (a redirect would need the state in the address or on
the server), and GET /triage starts afresh. The language of a page is in the address
(`?lang=en`), never an answer; the language switch is a form that posts the state.

Fields carry the contract's names: a question's radio buttons (or number field) are named after
its id with its option values, the confirmation posts `confirmed_flag`, `confirmed_reason` and
`confirmed_consulted`. The button pressed is `_event`: answer, back, review, change:<question>,
confirm, lang. A post without `_answers` is read as an answers file (the same checks, the same
messages) and starts a conversation with those answers given, as `triage --answers` does in a
terminal; so does an uploaded JSON report or `--json` output at /triage/continue (only its
answers count). The files at the end are made from the posted state at /triage/download.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import replace
from typing import Any, Optional

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..core import conversation as conv
from ..store import yamlio
from ..store.answers import for_reading, from_source, in_range, normalise, proposal_confirmed, \
    signal_date as read_signal_date, whole_number
from ..store.bundle import Source
from ..core.errors import DataError, UserError
from ..core.model import UNKNOWN
from ..present.blocks import Banner, Para
from ..present.report import Meta, calendar_name, report_name
from ..render.report import calendar, render as report
from ..present.views import DecisionView
from . import case as cases
from .pages import MAX_BODY, _page, render

STATE = "_answers"
MAX_FIELDS = 100  # a triage form has under 30 fields; an answers form one per question
MAX_NAME = 80  # characters of an uploaded file's name shown in a message
DOWNLOADS = {"md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8",
             "json": "application/json", "ics": "text/calendar; charset=utf-8"}
PAIRED = ("md", "txt")  # a report for reading: downloaded in one .zip with its case file (web/case.py)
TEMPLATES = {"question": "triage/question.html", "review": "triage/review.html", "confirm": "triage/decision.html",
             "out_of_scope": "triage/out_of_scope.html", "end": "triage/end.html"}


class NotAnAnswer(Exception):
    """A posted answer the page's own field could give but the question does not take (an age
    of "15.0" or "1e1", which a number field accepts): the question again, with what it takes."""

    def __init__(self, key: str, **values: Any):
        super().__init__(key)
        self.key, self.values = key, values


class Triage:
    """One request's engine, view and language."""

    def __init__(self, request: Request):
        app = request.app
        if getattr(app.state, "engine", None) is None:  # the protocol's rules, read once; no case data
            app.state.engine = conv.rules(app.state.bundle.protocol, app.state.bundle.conversations)
        self.request, self.engine = request, conv.Once(app.state.engine)
        self.p = _page(request)
        self.v = DecisionView(app.state.bundle, self.p.lang, app.state.engine)
        self.today = dt.date.today()
        self.case: Optional[cases.Case] = None  # a continued case's record and log (web/case.py)
        self.extra: dict = {}  # what an answers file gave beside its answers (from_source)

    def screen(self, s: conv.State) -> conv.Screen:
        # today and the follow-up left to their defaults (today, the protocol's days), as the
        # conversation asks for the decision itself: the same question, worked out once
        return conv.screen(self.engine, s)

    def page(self, s: conv.State, status: int = 200, **extra: Any) -> Response:
        sc = self.screen(s)
        return render(self.request, TEMPLATES[sc.kind], status, **{**self.context(s, sc), **extra})

    def bad(self, code: str = "SP871") -> Response:
        return render(self.request, "error.html", 400, code=400, message=self.v.t(code))

    # --- what a page shows ---------------------------------------------------------------------

    def context(self, s: conv.State, sc: conv.Screen) -> dict[str, Any]:
        v = self.v
        out: dict[str, Any] = {"action": self.p.url("/triage"), "answers": conv.dump(s), "sc": sc, "dv": v,
                               "case": self.case.dump() if self.case is not None else "",
                               "alerts": [self.urgent(r) for r in sc.alerts], "can_back": sc.can_back}
        if sc.kind == "question":
            q = sc.question
            question = {"id": q.id, "text": v.tx(q.text), "help": v.tx(q.help),
                        "kind": "number" if q.type == "number" else "choice"}
            if q.type == "number":
                question.update(low=q.min, high=q.max)
            else:
                question["options"] = [(o.value, v.tx(o.label)) for o in q.options] + [(UNKNOWN, v.t("ask_unknown"))]
            out.update(question=question, checked=sc.default, intro=not s.answered(), refine_first=sc.refine_first,
                       progress=sc.progress)
        elif sc.kind == "review":
            out["rows"] = [(q, v.tx(self.engine.questions[q].short), v.answer_text(q, value)) for q, value in sc.review]
        elif sc.kind == "confirm":
            d = sc.decision
            out.update(flag=d.flag, priority=d.priority, first=self.first(d), proposal=[v.flag_banner(d), *v.summary_blocks(d)],
                       sections=self.sections(d), body=self.closing(), today=self.today.isoformat(),
                       then=v.t("web_then_refine" if d.refine else "web_then_files"),
                       choices=[(f, v.t("confirm_keep" if f == d.flag else "confirm_other", flag=v.flag_name(f)))
                                for f in sc.flags],
                       chosen=s.confirmation.flag if s.confirmation and s.confirmation.flag in sc.flags else d.flag,
                       reason=s.confirmation.reason if s.confirmation else "",
                       consulted=s.confirmation.consulted if s.confirmation else "",
                       ask_consulted=bool(sc.needs_consulted),
                       locked=v.t("confirm_locked", flag=v.flag_name(sc.locked)) if sc.locked else None,
                       problem=v.t(f"web_problem_{sc.problem}", limit=conv.MAX_TEXT) if sc.problem else None)
        elif sc.kind == "out_of_scope":
            oos = sc.question.out_of_scope
            out.update(text=v.tx(oos.text), contacts=self.reachable(oos.contacts))
        else:
            d = sc.decision
            out.update(first=self.first(d), confirmed=[self.confirmed_banner(d)],
                       body=[*v.routes_blocks(d), *v.plan_blocks(d), *v.contact_blocks(d)],
                       days=d.followup_days, days_range=sc.followup_days, today=self.today.isoformat(),
                       conversations=v.conversation_blocks(d), record=self.record(),
                       letters=[{"id": x.id, "title": v.tx(x.title), "purpose": v.tx(x.purpose),
                                 "text": "\n\n".join(v.letter_text(x, self.today)), "help": v.contacts_of(x.contacts)}
                                for x in d.letters])
        return out

    def record(self) -> dict[str, str]:
        """The end page's fields as a continued case's record fills them (a signal date that is
        no longer within the range a report takes is left out, as the command line leaves it)."""
        record = dict(self.case.report) if self.case is not None else {}
        try:
            read_signal_date(record.get("signal_date", ""), self.today, self.v.t)
            record["signal_date"] = dt.date.fromisoformat(record["signal_date"]).isoformat()
        except (UserError, ValueError):
            record.pop("signal_date", None)
        return record

    def reachable(self, ids: list[str]) -> list:
        return [c for cid in ids if (c := self.v.b.contact(cid)) and self.v.reachable(c)]

    def urgent(self, route_id: str):
        """An urgent answer's action (view.alert) and the contacts to call, for tel: links."""
        return self.v.alert(route_id).text, self.reachable(self.engine.routes[route_id].contacts)

    def first(self, d):
        """What to do first, as every front shows it (view.first_box)."""
        return self.v.first_box(d)

    def sections(self, d) -> list[tuple[str, str, list]]:
        """After the first actions, the proposal and the confirmation: why, the routes, the plan
        per step, the contacts; each (id, title, blocks), for the page's links to them."""
        v = self.v
        return [("why", v.t("why_title"), v.why_blocks(d)), ("routes", v.t("routes_title"), v.routes_blocks(d)),
                ("plan", v.t("plan_title"), v.plan_blocks(d)), ("contacts", v.t("contacts_title"), v.contact_blocks(d))]

    def closing(self) -> list:
        """The decision page's last blocks: the images rule and the disclaimer."""
        v, rule = self.v, self.v.p.images_rule
        return [Banner(v.tx(rule.title), "bold white on red", [v.tx(t) for t in rule.never]),
                Para(v.tx(v.p.leaflet.disclaimer), "dim")]

    def confirmed_banner(self, d) -> Banner:
        """The end page's flag: the confirmed one (the proposal, the reason and who was consulted
        beside it when it differs; else why it was proposed)."""
        v, c = self.v, d.confirmed
        f = v.flags[c.flag]
        if c.flag != d.flag:
            lines = [v.t("proposal", flag=v.flag_name(d.flag), label=v.tx(v.flags[d.flag].label)),
                     v.t("confirmed_as", flag=v.flag_name(c.flag), reason=c.reason or "")]
            lines += [v.t("consulted_who", who=c.consulted)] if c.consulted else []
        else:
            lines = [v.sentence(r) for r in d.assessment.decisive]
        return Banner(v.t("web_confirmed", flag=v.tx(f.name), label=v.tx(f.label)), f.color, lines)

    # --- what a post says ----------------------------------------------------------------------

    def given(self, src: Source) -> conv.State:
        """A conversation that starts with the answers of an answers file (or a decision object).
        A reason or a note of who was consulted longer than a page can carry (a report from the
        command line may hold one) is said at once, not left to lock every later post."""
        v = self.v
        answers, confirmation, self.extra = from_source(src, self.engine, v.contact_text, v.t, v.tx)
        confirmation = confirmation or proposal_confirmed(src.raw, answers, self.engine)
        for key, text in (("confirmed_reason", confirmation and confirmation.reason),
                          ("confirmed_consulted", confirmation and confirmation.consulted)):
            if text and len(text) > conv.MAX_TEXT:
                path = ["answers", key] if isinstance(src.raw, dict) and isinstance(src.raw.get("answers"), dict) else [key]
                raise DataError([src.coded(path, v.t, "SP874", n=len(text), limit=conv.MAX_TEXT)])
        return conv.start(self.engine, answers, confirmation)

    def state(self, form: FormData) -> conv.State:
        if STATE not in form:
            fields = [(k, x) for k, x in form.multi_items() if not k.startswith("_")]
            if len({k for k, _ in fields}) != len(fields):
                raise conv.BadEvent("a field given twice")
            return self.given(Source("form", "", dict(fields)))
        text = form[STATE]
        if not isinstance(text, str) or len(text) > MAX_BODY:
            raise conv.BadEvent("the state is not text")
        self.case = cases.load(self.engine, form.get(cases.CASE), self.v.t)
        return conv.load(self.engine, text)

    def event(self, s: conv.State, form: FormData) -> Optional[conv.Event]:
        name = form.get("_event", "answer")
        if name in ("lang", "show"):  # the state's page (in another language): nothing changes
            return None
        if name == "answer":
            sc = self.screen(s)
            if sc.kind != "question":
                raise conv.BadEvent("answer: no question on this page")
            return conv.Answer(sc.question.id, self.value(sc, form.getlist(sc.question.id)))
        if name == "back":
            return conv.Back()
        if name == "review":
            return conv.ReviewDone()
        if isinstance(name, str) and name.startswith("change:"):
            return conv.Change(name.partition(":")[2])
        if name == "confirm":
            return conv.Confirm(str(form.get("confirmed_flag", "")), _text(form, "confirmed_reason"),
                                _text(form, "confirmed_consulted"))
        raise conv.BadEvent("unknown button")

    @staticmethod
    def value(sc: conv.Screen, values: list) -> Any:
        """The posted answer: none is "weet ik niet" (as a left-out question in an answers file);
        for a number, an empty field is too, and the ticked "Weet ik niet" counts over a number.
        A number is a whole number in decimal, as everywhere ("15.0" and "1e1", which the
        browser's number field lets through, get the question again with what it takes)."""
        values = [x.strip() for x in values if isinstance(x, str) and x.strip()]
        q = sc.question
        if q.type == "number" and UNKNOWN in values:
            return UNKNOWN
        if len(values) > 1:
            raise conv.BadEvent("two answers to one question")
        if not values:
            return UNKNOWN
        value = normalise(q, values[0])  # as an answers file reads it: `ja`, `weet ik niet`
        if q.type == "number" and (value is None or not in_range(q, value)):
            raise NotAnAnswer("ask_number_invalid", low=q.min, high=q.max)
        return values[0] if value is None else value  # what is no answer: the conversation refuses it


def _text(form: FormData, name: str) -> Optional[str]:
    """A text field's value, its line breaks as typed: a browser posts a textarea's line breaks
    as CR LF, each of which its `maxlength` counts as one character."""
    value = form.get(name)
    return value.replace("\r\n", "\n") if isinstance(value, str) else None


async def read_form(request: Request) -> FormData:
    """The posted form, bounded: a few fields, one file, each part at most the body's limit."""
    return await request.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=MAX_BODY)


async def start(request: Request) -> Response:
    t = Triage(request)
    return t.page(conv.start(t.engine))


def too_long(event: Optional[conv.Event]) -> bool:
    """Whether a confirmation's texts are longer than a page's state may carry."""
    return isinstance(event, conv.Confirm) and any(len(x or "") > conv.MAX_TEXT for x in (event.reason, event.consulted))


async def post(request: Request) -> Response:
    t = Triage(request)
    form = await read_form(request)
    try:
        if STATE in form:
            s = t.state(form)
        else:  # an answers file's checks: off the event loop, the other pages go on meanwhile
            s = await run_in_threadpool(t.state, form)
        if STATE in form:
            event = t.event(s, form)
            if too_long(event) and s.phase == "confirm":
                return t.page(replace(s, problem="too_long"), 400)
            if event is not None:
                s = conv.step(t.engine, s, event)
    except conv.BadEvent:
        return t.bad()
    except NotAnAnswer as e:
        return t.page(s, 400, problem=t.v.t(e.key, **e.values))
    sc = t.screen(s)
    return t.page(s, 400 if sc.problem else 200)


async def continue_case(request: Request) -> Response:
    """An uploaded JSON report or `--json` output: its answers start the conversation."""
    t = Triage(request)
    form = await read_form(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return t.bad("SP872")
    raw = await upload.read(yamlio.MAX_BYTES + 1)
    # the reading, parsing and checking of up to a megabyte: off the event loop
    return t.page(await run_in_threadpool(read_upload, t, raw, upload_name(upload.filename)))


def upload_name(name: str) -> str:
    """An uploaded file's name as a message may show it: its last part, short, with its
    extension (which tells a report from a case file)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1] or "?"
    if len(name) <= MAX_NAME:
        return name
    ext = os.path.splitext(name)[1][:10]
    return name[:MAX_NAME - 1 - len(ext)] + "…" + ext


def read_upload(t: Triage, raw: bytes, name: str) -> conv.State:
    """An uploaded file read as `--answers` reads one: the same reader (its size limit, UTF-8
    or UTF-16 with a byte-order mark, no NUL or control character), the same parser, the same
    checks and messages, with the file's own name in them."""
    for_reading(name, t.v.t)  # a .md or .txt report: the JSON beside it continues the case
    try:
        text = yamlio.read_text(yamlio.STDIN, t.v.t, stdin=io.BytesIO(raw))
    except DataError as e:
        for problem in e.problems:  # the reader names standard input: name the upload
            problem.file = name
        raise DataError(e.problems) from None
    s = t.given(Source(name, text, yamlio.parse(text, name, t.v.t)))
    t.case = cases.from_file(t.extra, name, t.v.t)  # its record and log go on in the page
    return s


async def summary(request: Request) -> Response:
    """The case on one page, to print (made from the posted state; kept nowhere)."""
    t = Triage(request)
    form = await read_form(request)
    try:
        s = conv.load(t.engine, _text(form, STATE) or "")
        sc = t.screen(s)
        if sc.kind != "end":
            raise conv.BadEvent("no summary here")
    except conv.BadEvent:
        return t.bad()
    blocks = t.v.one_page(sc.decision, _text(form, "case_ref") or None)
    return render(request, "triage/summary.html", 200, blocks=blocks)


async def download(request: Request) -> Response:
    """A report (md, txt, json) or the follow-up (.ics), made from the posted state; kept nowhere."""
    t = Triage(request)
    form = await read_form(request)
    kind = form.get("_event")
    try:
        s = conv.load(t.engine, _text(form, STATE) or "")
        case = cases.load(t.engine, form.get(cases.CASE), t.v.t)
        sc = t.screen(s)
        if sc.kind != "end" or kind not in DOWNLOADS:
            raise conv.BadEvent("no files here")
    except conv.BadEvent:
        return t.bad()
    d, v = sc.decision, t.v
    if kind == "ics":
        when = conv.followup(t.today, whole_number(str(form.get("days") or d.followup_days)))  # 5,000 digits: int() raised
        if when is None:
            return t.bad("SP873")
        body, name = calendar(v, when, case_ref=_text(form, "case_ref") or None), calendar_name(when)
    else:
        signal = _text(form, "signal_date") or ""  # the command line's rule: up to today, not long ago
        signal_date = read_signal_date(signal, t.today, v.t) if signal.strip() else None
        meta = Meta(*(_text(form, k) or None for k in ("case_ref", "role")), signal_date, t.today,
                    *(_text(form, k) or None for k in ("said", "done", "told")), log=case.log if case else [])
        body, name = report(v, d, meta, kind), report_name(t.today, kind)
        if kind in PAIRED:  # one save, two files: the report and the case file that continues it
            zipped = cases.paired(body, name, report(v, d, meta, "json"), report_name(t.today, "json"), t.today)
            return Response(zipped, media_type="application/zip", headers={
                "content-disposition": f'attachment; filename="{report_name(t.today, "zip")}"', "cache-control": "no-store"})
    return Response(body, media_type=DOWNLOADS[kind],
                    headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})


routes = [
    Route("/triage", start, methods=["GET"]),
    Route("/triage", post, methods=["POST"]),
    Route("/triage/continue", continue_case, methods=["POST"]),
    Route("/triage/download", download, methods=["POST"]),
    Route("/triage/summary", summary, methods=["POST"]),
]
