"""A case that carries on in the browser (issue 16): what a case file holds beside its answers,
and the files a download gives.

After a case is continued from its JSON, every triage page carries, beside the conversation's
state (`_answers`), the case's record and log in the hidden field `_case`: the report's record
(case reference, role, signal date, what was said, done and told: `store.answers.RECORD_KEYS`)
and the dated entries of its log (the first decision, each follow-up). The server keeps
nothing; the field is checked on every post as a case file's log is (`store.answers.log_entries`),
and a field that is not one gets the page for a tampered state. The end page fills its fields
with the record; a download takes what is in the fields then, and the log.

A report downloaded as Markdown or text comes in one .zip with the case file (.json) beside it,
named as the command line names them (`verslag.md` and `verslag.json`): one save, two files,
without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any, Optional

from ..core import conversation as conv
from ..core.errors import DataError, UserError
from ..store.answers import RECORD_KEYS, log_entries
from ..store.bundle import Source
from .pages import MAX_BODY

CASE = "_case"
# characters of the field: a page's form carries it (once, beside the end page's fields, which
# hold the record again), percent-encoded at up to 9 bytes a character, within the body's limit
MAX_CASE = MAX_BODY // 20


@dataclass
class Case:
    report: dict[str, str] = field(default_factory=dict)  # RECORD_KEYS, each a non-empty text
    log: list[dict[str, Any]] = field(default_factory=list)

    def dump(self) -> str:
        return json.dumps({"report": self.report, "log": self.log}, ensure_ascii=False, separators=(",", ":"))


def from_file(extra: dict, name: str, t) -> Case:
    """The record and the log a case file gave (`store.answers.from_source`'s extra), within
    what a page can carry (else a UserError that says so, with the file's name)."""
    case = Case(dict(extra.get("report") or {}), list(extra.get("log") or []))
    size = len(case.dump())
    if size > MAX_CASE:
        raise UserError(t("SP875", name=name, n=size, limit=MAX_CASE))
    return case


def load(engine, text: Any, t) -> Optional[Case]:
    """The field `_case` as posted: None when there is none; BadEvent when it is not a case's
    record and log (a tampered page)."""
    if text is None or text == "":
        return None
    if not isinstance(text, str) or len(text) > MAX_CASE:
        raise conv.BadEvent("the case is not text within its limit")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise conv.BadEvent("the case is not JSON") from None
    if not isinstance(raw, dict) or set(raw) - {"report", "log"}:
        raise conv.BadEvent("the case has keys it may not have")
    report = raw.get("report", {})
    if not isinstance(report, dict) or any(k not in RECORD_KEYS or not isinstance(v, str) for k, v in report.items()):
        raise conv.BadEvent("the case's record is not one")
    try:
        log = log_entries(Source(CASE, text, raw), raw.get("log", []), engine, t)
    except DataError:
        raise conv.BadEvent("the case's log is not one") from None
    return Case({k: v for k, v in report.items() if v}, log)


def paired(report: str, report_name: str, case_file: str, case_name: str, today: dt.date) -> bytes:
    """A .zip of a report and the case file that continues it, made in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in ((report_name, report), (case_name, case_file)):
            info = zipfile.ZipInfo(name, (today.year, today.month, today.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16  # private when unpacked where modes count
            z.writestr(info, text.encode("utf-8"))
    return out.getvalue()
