"""The record of a triage for the pupil's file, as blocks (`render.report` writes it as
Markdown, plain text or JSON), its metadata, and the names files are offered under."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Optional

from .. import __version__
from .blocks import Block, Heading, Items, Para, Table
from .views import DecisionView



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
    log: list = field(default_factory=list)  # the case's dated entries: the first decision, each follow-up


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
         [t("report_signal_date"), view.date(meta.signal_date) if meta.signal_date else dash],
         [t("report_date"), view.date(meta.report_date) if meta.report_date else dash],
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
    out += view.log_blocks(meta.log)
    done = frozenset(i for entry in meta.log if isinstance(entry, dict) for i in entry.get("done") or ())
    out += view.routes_blocks(d) + view.plan_blocks(d, done) + view.why_blocks(d)
    out += [Heading(t("report_facts"), 2), Para(t("report_facts_note"), "dim"),
            Table([t("col_question"), t("col_answer")],
                  [[view.tx(q.text), view.recorded(d, q.id)] for q in view.p.questions])]
    out += view.contact_blocks(d)
    out += [Heading(t("report_keeping"), 2), Para(t("report_keeping_text")),
            Para(view.tx(view.p.leaflet.disclaimer), "dim")]
    return out + view.conversation_blocks(d, 2) + view.letter_blocks(d, d.today, 2)  # the appendices


def report_name(day: dt.date, kind: str) -> str:
    """The name a report is offered under (the terminal's default, the browser's download)."""
    return f"sexting-verslag-{day.isoformat()}.{kind}"


def calendar_name(day: dt.date) -> str:
    return f"follow-up-{day.isoformat()}.ics"


def free_name(folder: str, stem: str, suffix: str, beside: Optional[str] = None) -> str:
    """The first of `stem+suffix`, `stem-2+suffix`, ... that is free in folder (the name to
    offer for a second report on the same day); with `beside` (the suffix of the file saved
    next to it, the case file), free for that one too: else the save is refused and the same
    name offered again."""
    name, n = stem, 1
    while any(os.path.lexists(os.path.join(folder, name + s)) for s in (suffix, beside) if s):
        n += 1
        name = f"{stem}-{n}"
    return name + suffix
