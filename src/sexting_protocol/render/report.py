"""The record of a triage written out: Markdown, plain text (for a pupil file's system) or JSON;
and the follow-up as an iCalendar event. Written to disk by `cli.files.write_private`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Optional

from ..core.followup import first_entry
from ..present.report import Meta, blocks, meta_json
from ..present.views import DecisionView
from . import clean, to_json
from .markdown import markdown
from .narrow import fit
from .plain import plain

# What a pupil file's system is sure to show: a .txt report keeps to it (☐ → [ ], → → ->).
TXT_CHARSET = "cp1252"


def render(view: DecisionView, d, meta: Meta, kind: str) -> str:
    if kind == "json":
        return to_json({**view.as_json(d), "report": meta_json(meta), "log": meta.log or [first_entry(d)]}) + "\n"
    b = blocks(view, d, meta)
    return markdown(b) if kind == "md" else fit(plain(b), TXT_CHARSET)


# the reminder of the follow-up: at 08:00 on its day (the event lasts the whole day)
REMINDER = dt.timedelta(hours=8)


def calendar(view: DecisionView, when: dt.date, now: Optional[dt.datetime] = None,
             case_ref: Optional[str] = None) -> str:
    """The follow-up as an all-day event with a reminder that morning: the case reference (never
    a name) in its title; in its description the follow-up's questions, then what to do at it
    (the follow-up's checklist but the planning of its date), no case details."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//sexting-protocol//follow-up//NL")
    cal.add("version", "2.0")
    ev = Event()
    ev.add("uid", f"{uuid.uuid4()}@sexting-protocol")
    ev.add("dtstamp", now or dt.datetime.now(dt.timezone.utc))
    ev.add("dtstart", when)
    ev.add("dtend", when + dt.timedelta(days=1))
    # one line, as the reports show it: a line break typed in --case-ref would make a title of two
    ref = "; ".join(x.strip() for x in clean(case_ref or "").split("\n") if x.strip())
    summary = view.t("ics_summary_ref", ref=ref) if ref else view.t("ics_summary")
    ev.add("summary", summary)
    todo = [f"- {view.tx(i.text)}" for i in view.p.followup.checklist if i.in_calendar]
    ev.add("description", "\n".join([view.t("ics_questions"), "", view.t("ics_todo"), *todo]))
    ev.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", REMINDER)
    ev.add_component(alarm)
    cal.add_component(ev)
    return cal.to_ical().decode("utf-8")
