"""The record of a triage for the pupil's file: Markdown, plain text or JSON, and the
follow-up as an iCalendar event. Built from the decision; written by `files.write_private`."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Optional

from . import __version__
from .render import Block, Heading, Items, Para, Table, markdown, plain, to_json
from .views import DecisionView


@dataclass
class Meta:
    case_ref: Optional[str] = None
    role: Optional[str] = None
    signal_date: Optional[dt.date] = None
    report_date: Optional[dt.date] = None


def kind_of(path: str) -> str:
    low = path.lower()
    return "json" if low.endswith(".json") else "txt" if low.endswith(".txt") else "md"


def meta_json(meta: Meta) -> dict[str, Any]:
    return {
        "case_ref": meta.case_ref or None,
        "role": meta.role or None,
        "signal_date": meta.signal_date.isoformat() if meta.signal_date else None,
        "report_date": meta.report_date.isoformat() if meta.report_date else None,
        "tool": f"sexting-protocol {__version__}",
    }


def blocks(view: DecisionView, d, meta: Meta) -> list[Block]:
    """The record: its details, what to do first, the weighing and the plan, then the facts."""
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
    return markdown(b) if kind == "md" else plain(b)


def calendar(view: DecisionView, when: dt.date, now: Optional[dt.datetime] = None) -> str:
    """The follow-up as an all-day event: "Hoe gaat het nu?", without names or case details."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//sexting-protocol//follow-up//NL")
    cal.add("version", "2.0")
    ev = Event()
    ev.add("uid", f"{uuid.uuid4()}@sexting-protocol")
    ev.add("dtstamp", now or dt.datetime.now(dt.timezone.utc))
    ev.add("dtstart", when)
    ev.add("dtend", when + dt.timedelta(days=1))
    ev.add("summary", view.t("ics_summary"))
    ev.add("description", "\n".join(view.tx(i.text) for i in view.p.followup.checklist))
    ev.add("transp", "TRANSPARENT")
    cal.add_component(ev)
    return cal.to_ical().decode("utf-8")
