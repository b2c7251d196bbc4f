"""The record of a triage for the pupil's file: Markdown, plain text or JSON, and the
follow-up as an iCalendar event. Built from the decision; written by `files.write_private`."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional

from . import __version__
from .render import Block, Heading, Items, Para, Table, markdown, plain, to_json
from .views import DecisionView


@dataclass
class Meta:
    case_ref: Optional[str] = None
    role: Optional[str] = None
    signal_date: Optional[dt.date] = None
    report_date: Optional[dt.date] = None
    # the record's own sections, filled in by the professional (only in the file written)
    said: Optional[str] = None  # what was said, literally, with the date
    done: Optional[str] = None  # what was done
    told: Optional[str] = None  # who was told, and when


RECORD = ("said", "done", "told")  # Meta's sections, each under its heading report_<key>


def kind_of(path: str) -> str:
    low = path.lower()
    return "json" if low.endswith(".json") else "txt" if low.endswith(".txt") else "md"


def meta_json(meta: Meta) -> dict[str, Any]:
    return {
        "case_ref": meta.case_ref or None,
        "role": meta.role or None,
        "signal_date": meta.signal_date.isoformat() if meta.signal_date else None,
        "report_date": meta.report_date.isoformat() if meta.report_date else None,
        **{key: getattr(meta, key) for key in RECORD if getattr(meta, key)},
        "tool": f"sexting-protocol {__version__}",
    }


def markdown_text(text: str) -> str:
    """A user's own text as Markdown shows it literally: no emphasis, link, HTML, heading, list,
    quote or code block comes of it, and each line break is kept. `|` is left to the table
    renderer, which escapes it."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"([\\`*_\[\]<>&~])", r"\\\1", line.strip())
        out.append(re.sub(r"^([#+=-])", r"\\\1", re.sub(r"^(\d+)([.)])", r"\1\\\2", line)))
    return "\\\n".join(out)


def blocks(view: DecisionView, d, meta: Meta, esc: Callable[[str], str] = lambda text: text) -> list[Block]:
    """The record: its details, what to do first, the weighing and the plan, then the facts.
    `esc` makes the professional's own texts literal in the format written."""
    t = view.t
    dash = "—"
    out: list[Block] = [Heading(t("report_title")), Table(
        [t("col_field"), t("col_value")],
        [[t("report_case_ref"), esc(meta.case_ref) if meta.case_ref else dash],
         [t("report_role"), esc(meta.role) if meta.role else dash],
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
    for key in RECORD:
        if getattr(meta, key):
            out += [Heading(t(f"report_{key}"), 2), Para(esc(getattr(meta, key)))]
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
    if kind == "md":
        return markdown(blocks(view, d, meta, markdown_text))
    return plain(blocks(view, d, meta))


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
