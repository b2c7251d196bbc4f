"""The follow-up in the browser ("Zorg altijd voor een follow-up! Hoe gaat het nu?").

A continued case (its JSON uploaded on the first page, or its end page) → the follow-up's
questions, as `sexting-protocol followup` asks them (protocol.yaml's `followup.asks`, each with
the case's answer ticked), a checklist of the case's own plan items and what is new → the case
weighed again (`core.followup.weigh`), the entry added to the case's log, the change shown
(flag, priority, what is new to do first) → the case's end page with its files (the report with
the log and the case file beside it, the next follow-up). When the weighing changed so that the
flag must be confirmed again, the conversation's confirmation comes first, then the end page.

Nothing is decided here and nothing is kept: the conversation (`core.conversation`) and the
follow-up (`core.followup`) decide; the state and the case (web/case.py) travel in the page.
"""

from __future__ import annotations

from typing import Any, Optional

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..core import conversation as conv
from ..core import followup as weighing
from ..core.model import UNKNOWN
from ..present.followup import outcome_blocks
from ..store import yamlio
from ..store.answers import RECORD_KEYS, in_range, normalise, signal_date as read_signal_date
from . import case as cases
from .pages import render
from .triage import STATE, Triage, _text, read_form, read_upload, upload_name

PATH = "/triage/followup"


def advance(engine, s: conv.State) -> conv.State:
    """A case given in full: past the review of its answers, and confirmed as its file confirmed
    it. The conversation checks the confirmation: one that no longer holds (the proposal changed)
    leaves the flag to be confirmed anew, a question still open is asked."""
    if s.phase == "review":
        s = conv.step(engine, s, conv.ReviewDone())
    if s.phase == "confirm" and s.confirmation is not None:
        c = s.confirmation
        s = conv.step(engine, s, conv.Confirm(c.flag, c.reason, c.consulted))
    return s


def record(t: Triage, form: FormData) -> None:
    """The end page's fields, as typed there, are the case's record from now on (a signal date
    checked as a download checks it)."""
    if "case_ref" not in form:
        return
    report = {k: v for k in RECORD_KEYS if (v := _text(form, k)) and v.strip()}
    if "signal_date" in report:
        report["signal_date"] = read_signal_date(report["signal_date"], t.today, t.v.t).isoformat()
    t.case = cases.Case(report, t.case.log if t.case is not None else [])


def ask(t: Triage, s: conv.State, status: int = 200, problem: Optional[str] = None, form: Optional[FormData] = None
        ) -> Response:
    """The follow-up's questions (the case's answers ticked, or what was posted), the checklist
    of the case's own plan items, and what is new."""
    v, d = t.v, t.screen(s).decision
    answers = s.known()
    posted = form if form is not None else {}
    questions = []
    for qid in t.engine.p.followup.asks:
        q = t.engine.questions[qid]
        question: dict[str, Any] = {"id": q.id, "text": v.tx(q.text), "help": v.tx(q.help),
                                    "checked": posted.get(qid) or answers.get(qid, UNKNOWN)}
        if q.type == "number":
            question.update(kind="number", low=q.min, high=q.max)
        else:
            question.update(kind="choice", options=[(o.value, v.tx(o.label)) for o in q.options]
                            + [(UNKNOWN, v.t("ask_unknown"))])
        questions.append(question)
    ticked = set(form.getlist("done")) if form is not None else set()
    items = [(i.id, v.item_text(d, i), i.id in ticked) for step in d.plan for i in step.items]
    report = t.case.report if t.case is not None else {}
    return render(t.request, "triage/followup.html", status, action=t.p.url(PATH), lang_to=PATH,
                  answers=conv.dump(s), case=t.case.dump() if t.case is not None else "",
                  ref=report.get("case_ref"), date=v.date(t.today), questions=questions, items=items,
                  notes=(_text(form, "notes") or "") if form is not None else "", problem=problem)


def weigh(t: Triage, s: conv.State, form: FormData) -> Response:
    """The follow-up's answers weighed (`core.followup.weigh`), its entry in the case's log, and
    the page that comes next: the end page with the outcome above its files, or the outcome
    with the way on to the confirmation the new weighing asks for."""
    answers, confirmation = s.known(), s.confirmation
    changed: dict[str, Any] = {}
    for qid in t.engine.p.followup.asks:
        q = t.engine.questions[qid]
        values = [x.strip() for x in form.getlist(qid) if isinstance(x, str) and x.strip()]
        if len(values) > 1:
            raise conv.BadEvent("two answers to one question")
        if not values:  # not posted: as it was
            continue
        value = normalise(q, values[0])
        if value is None or not in_range(q, value):
            raise conv.BadEvent(f"{values[0]!r} is not an answer to {qid!r}")
        changed[qid] = value
    notes = (_text(form, "notes") or "").strip() or None
    if notes is not None and len(notes) > conv.MAX_TEXT:
        return ask(t, s, 400, t.v.t("web_followup_notes_long", limit=conv.MAX_TEXT), form)
    done = [x for x in form.getlist("done") if isinstance(x, str)]
    result = weighing.weigh(t.engine, answers, confirmation, changed, done, notes, t.today)
    log = [*(t.case.log if t.case is not None and t.case.log else [weighing.first_entry(result.before)]), result.entry]
    t.case = cases.from_file({"report": t.case.report if t.case is not None else {}, "log": log},
                             t.v.t("followup_title"), t.v.t)
    kept = confirmation if result.confirmation_kept else None
    after = advance(t.engine, conv.start(t.engine, result.answers, kept))  # doubt lowers nothing known
    blocks = outcome_blocks(t.v, result.before, result.after, log, "web_followup_changed")
    if t.screen(after).kind == "end":
        return t.page(after, followup=blocks)
    return render(t.request, "triage/followup_done.html", 200, action=t.p.url("/triage"), answers=conv.dump(after),
                  case=t.case.dump(), followup=blocks)


async def followup(request: Request) -> Response:
    """POST /triage/followup: a case file uploaded (the first page's "Follow-up"), the end page's
    "Follow-up" (its state, its case and its fields), the language switch (`lang`), or the
    follow-up's answers (`weigh`)."""
    t = Triage(request)
    form = await read_form(request)
    upload = form.get("file")
    try:
        if upload is not None:
            if not isinstance(upload, UploadFile) or not upload.filename:
                return t.bad("SP872")
            raw = await upload.read(yamlio.MAX_BYTES + 1)
            s = advance(t.engine, await run_in_threadpool(read_upload, t, raw, upload_name(upload.filename)))
            # a flag to confirm (anew) or a question still open comes first; its end page leads on here
            return ask(t, s) if t.screen(s).kind == "end" else t.page(s)
        if STATE not in form:
            raise conv.BadEvent("no state")
        s = t.state(form)
        event = form.get("_event")
        if t.screen(s).kind != "end" or event not in ("followup", "lang", "weigh"):
            raise conv.BadEvent("no follow-up here")
        if event == "weigh":
            return weigh(t, s, form)
        if event == "followup":
            record(t, form)
        return ask(t, s)
    except conv.BadEvent:
        return t.bad()


routes = [Route(PATH, followup, methods=["POST"])]
