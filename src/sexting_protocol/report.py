"""The record of a triage for the pupil's file: Markdown, plain text or JSON, and the
follow-up as an iCalendar event. Built from the decision; written by `files.write_private`."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass
from typing import Any, Optional

from . import __version__
from .env import fit
from .render import Block, Heading, Items, Para, Table, clean, markdown, plain, to_json
from .views import DecisionView

# What a pupil file's system is sure to show: a .txt report keeps to it (☐ → [ ], → → ->).
TXT_CHARSET = "cp1252"


@dataclass
class Meta:
    case_ref: Optional[str] = None
    role: Optional[str] = None
    signal_date: Optional[dt.date] = None
    report_date: Optional[dt.date] = None
    # the record the plan asks for, when given (the browser front offers them as fields)
    said: Optional[str] = None  # what was said, literally, with the date
    done: Optional[str] = None  # what was done
    told: Optional[str] = None  # who was told, and when


def kind_of(path: str) -> str:
    low = path.lower()
    return "json" if low.endswith(".json") else "txt" if low.endswith(".txt") else "md"


def meta_json(meta: Meta) -> dict[str, Any]:
    return {
        "case_ref": meta.case_ref or None,
        "role": meta.role or None,
        "signal_date": meta.signal_date.isoformat() if meta.signal_date else None,
        "report_date": meta.report_date.isoformat() if meta.report_date else None,
        "said": meta.said or None,
        "done": meta.done or None,
        "told": meta.told or None,
        "tool": f"sexting-protocol {__version__}",
    }


def blocks(view: DecisionView, d, meta: Meta) -> list[Block]:
    """The record: its details, what to do first, what was said, done and told (to fill in),
    the weighing and the plan, then the facts."""
    t = view.t
    dash = "—"
    out: list[Block] = [Heading(t("report_title")), Table(
        [t("col_field"), t("col_value")],
        [[t("report_case_ref"), meta.case_ref or dash],
         [t("report_role"), meta.role or dash],
         [t("report_signal_date"), meta.signal_date.isoformat() if meta.signal_date else dash],
         [t("report_date"), meta.report_date.isoformat() if meta.report_date else dash],
         [t("report_tool"), f"sexting-protocol {__version__}"]])]
    out += view.first_blocks(d)
    for key, text in (("said", meta.said), ("done", meta.done), ("told", meta.told)):
        out += [Heading(t(f"report_{key}"), 2), Para(t(f"report_{key}_hint"), "dim"), Para(text or t("report_fill"))]
    out += [Heading(t("report_assessment"), 2), view.flag_banner(d), *view.summary_blocks(d)]
    c = d.confirmed
    out.append(Items([t("report_proposed", flag=view.flag_name(d.flag)),
                      t("report_confirmed", flag=view.flag_name(c.flag)),
                      t("report_reason", reason=c.reason or dash),
                      t("report_consulted", who=c.consulted or dash)]))
    out += view.routes_blocks(d) + view.plan_blocks(d) + view.why_blocks(d)
    out += [Heading(t("report_facts"), 2), Para(t("report_facts_note"), "dim"),
            Table([t("col_question"), t("col_answer")],
                  [[view.tx(q.text), view.recorded(d, q.id)] for q in view.p.questions])]
    out += view.contact_blocks(d)
    out += [Heading(t("report_keeping"), 2), Para(t("report_keeping_text")),
            Para(view.tx(view.p.leaflet.disclaimer), "dim")]
    return out


def render(view: DecisionView, d, meta: Meta, kind: str) -> str:
    if kind == "json":
        return to_json({**view.as_json(d), "report": meta_json(meta)}) + "\n"
    b = blocks(view, d, meta)
    return markdown(b) if kind == "md" else fit(plain(b), TXT_CHARSET)


def free_name(folder: str, stem: str, suffix: str) -> str:
    """The first of `stem+suffix`, `stem-2+suffix`, ... that is free in folder (the name to
    offer for a second report on the same day)."""
    name, n = stem + suffix, 1
    while os.path.lexists(os.path.join(folder, name)):
        n += 1
        name = f"{stem}-{n}{suffix}"
    return name


# the reminder of the follow-up: at 08:00 on its day (the event lasts the whole day)
REMINDER = dt.timedelta(hours=8)


def calendar(view: DecisionView, when: dt.date, now: Optional[dt.datetime] = None,
             case_ref: Optional[str] = None) -> str:
    """The follow-up as an all-day event with a reminder that morning: the case reference (never
    a name) in its title, the follow-up's questions first in its description, no case details."""
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
    ev.add("description", "\n".join([view.t("ics_questions"), ""] + [view.tx(i.text) for i in view.p.followup.checklist]))
    ev.add("transp", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", REMINDER)
    ev.add_component(alarm)
    cal.add_component(ev)
    return cal.to_ical().decode("utf-8")
