"""Answers: from a file (YAML or JSON) or typed in, checked the same way against the protocol.

A file maps question ids to values; `unknown` (or `weet niet`, `weet ik niet`) for any
question; booleans and ja/nee for questions with a yes/no option; whole numbers for ages, in
decimal as typed at the prompt (`015` is 15). The `--json` decision object and a JSON report are
accepted too: then only their `answers` count, and beside `answers:` only what such an object
holds may stand (an answer put beside it would not count, so it is refused).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any, Callable, Optional

from . import yamlio
from ..text.texts import Texts as _Words
from .bundle import Source
from ..core.engine import Confirmation, Engine, Value, rank
from ..core import values
from ..core.values import in_range, whole_number  # noqa: F401 (read with the answers)
from ..core.errors import DataError, Problem, UserError, printable
from ..core.model import FLAGS, UNKNOWN, Question, Text, suggest
from .yamlio import Texts, show

_dutch = _Words("nl")  # the default words, for a caller that does not know the language

CONFIRM_KEYS = ("confirmed_flag", "confirmed_reason", "confirmed_consulted")
# the top-level keys of the --json decision object (contract versions 1 and 2) and of a JSON
# report, beside their `answers` (a test checks that the decision holds no other)
DECISION_KEYS = frozenset({"flag", "confirmed_flag", "urgent", "criteria", "routes", "contacts", "unknown", "asked",
                           "refine", "priority", "first", "plan", "reasons", "lowest_flag_allowed", "language",
                           "report", "first_items", "followup_days", "setting", "conversations", "letters",
                           "log"})


class OutOfScope(UserError):
    """An answer outside what the protocol covers (a young person of 18 or over)."""


def allowed(q: Question, t: Texts = _dutch) -> str:
    if q.type == "number":
        return t("allowed_number", low=q.min, high=q.max)
    return ", ".join([o.value for o in q.options] + [UNKNOWN])


def normalise(q: Question, value: Any) -> Optional[Value]:
    """The answer as the engine reads it (the typed words `ja`, `nee`, `weet ik niet` too), or
    None when it is not allowed for q."""
    return values.normalise(q, value, {w: canon for canon, ws in _dutch.answer_words().items() for w in ws})


def from_source(src: Source, engine: Engine, contact_line: Callable[[str], str] = str, t: Texts = _dutch,
                tx: Callable[[Text], str] = lambda text: text.nl) -> tuple[dict[str, Value], Optional[Confirmation], dict]:
    """Check an answers file: every problem is named with its file, line and question."""
    raw = src.raw if src.raw is not None else {}
    prefix: list = []
    problems: list[Problem] = []
    whole = raw
    if isinstance(raw, dict) and isinstance(raw.get("answers"), dict):  # a decision object or a JSON report
        problems += [src.coded([k], t, "SP810") for k in _beside(raw)]
        raw, prefix = raw["answers"], ["answers"]
    if not isinstance(raw, dict):
        raise DataError([src.coded([], t, "SP801")])
    answers: dict[str, Value] = {}
    extra: dict[str, Any] = {}
    more = 0  # problems beyond the first MAX_PROBLEMS: counted, not named (a file of 50,000 keys)
    named = False  # the questions allowed are named (with the first unknown key)
    names = [*engine.questions, "setting", *CONFIRM_KEYS]

    def problem(path: list, code: str, **values: Any) -> None:
        nonlocal more
        if len(problems) >= yamlio.MAX_PROBLEMS:
            more += 1
        else:
            problems.append(src.coded(path, t, code, **values))

    for key, value in raw.items():
        path = [*prefix, key]
        q = engine.questions.get(key) if isinstance(key, str) else None
        if key in CONFIRM_KEYS:
            if value is not None and not isinstance(value, str):
                problem(path, "SP802", value=show(value))
            elif value is not None:
                extra[key] = value.strip().lower() if key == "confirmed_flag" else value
            continue
        if key == "setting":
            v = value.strip().lower() if isinstance(value, str) else value
            if v not in engine.settings:
                problems.append(src.coded(path, t, "SP806", value=show(value), allowed=", ".join(engine.settings)))
            else:
                answers["setting"] = v
            continue
        if q is None:
            if len(problems) >= yamlio.MAX_PROBLEMS:
                more += 1
            elif named:  # the questions allowed are named once, with the first unknown key
                nearest = suggest(key, names).get("nearest") if isinstance(key, str) and len(key) < 100 else None
                problem(path, "SP805" if nearest else "SP804",
                        value=show(key), nearest=show(nearest))
            else:
                problem(path, "SP803", value=show(key), allowed=", ".join(names))
                named = True
            continue
        v = normalise(q, value)
        if v is None or not in_range(q, v):
            problem(path, "SP806", value=show(value), allowed=allowed(q, t))
            continue
        answers[key] = v
    if more:
        problems.append(yamlio.coded(src.path, None, "", t, "SP721", n=more))
    if problems:
        raise DataError(problems)
    q = engine.out_of_scope(answers)
    if q is not None:
        path = [*prefix, q.id]
        raise OutOfScope(f"{src.path}:{src.line(path)}: {q.id}: {show(answers[q.id])}: " + tx(q.out_of_scope.text)
                         + "".join(f"\n  {contact_line(c)}" for c in q.out_of_scope.contacts))
    confirmation = None
    if "confirmed_flag" in extra:
        path = [*prefix, "confirmed_flag"]
        flag = extra["confirmed_flag"]
        if flag not in FLAGS:
            raise DataError([src.coded(path, t, "SP806", value=show(flag), allowed=", ".join(FLAGS))])
        a = engine.assess(answers, explain=False)
        confirmation = Confirmation(flag, extra.get("confirmed_reason"), extra.get("confirmed_consulted"))
        problem = confirm_problem(engine, a, confirmation)
        if problem:
            raise DataError([src.coded(path, t, problem[0], **problem[1])])
    if prefix and isinstance(whole.get("report"), dict):  # a JSON report: its record continues
        extra["report"] = {k: v for k, v in whole["report"].items() if k in RECORD_KEYS and isinstance(v, str) and v}
    if prefix and whole.get("log") is not None:  # the case's dated entries, checked as the answers are
        extra["log"] = log_entries(src, whole["log"], engine, t)
    return answers, confirmation, extra


LOG_KINDS = ("decision", "followup")


def log_entries(src: Source, log: Any, engine: Engine, t: Texts = _dutch) -> list[dict[str, Any]]:
    """A case file's log (`core.followup` writes it), each entry as the reports read it: a date,
    its kind, flags, a priority, the answers changed, the plan items done and notes. An entry
    edited by hand into another shape is refused with its line (`flag: [red]` ended a report in
    an internal error; an unknown kind showed a ui.yaml key); other keys are not carried on."""
    problems: list[Problem] = []

    def wrong(path: list, value: Any, allowed: str) -> None:
        if len(problems) < yamlio.MAX_PROBLEMS:
            problems.append(src.coded(["log", *path], t, "SP806", value=show(value), allowed=allowed))

    if not isinstance(log, list):
        wrong([], log, t("allowed_log"))
        raise DataError(problems)
    priorities = [x.id for x in engine.t.priority]
    entries = []
    for i, e in enumerate(log):
        if not isinstance(e, dict):
            wrong([i], e, t("allowed_log"))
            continue
        date = e.get("date")
        try:  # YYYY-MM-DD alone: fromisoformat also takes 20260225 and 2026-W09-1 (Python 3.11)
            dt.date.fromisoformat(date if isinstance(date, str) and _ISO_DATE.fullmatch(date) else "")
        except ValueError:
            wrong([i, "date"], date, "YYYY-MM-DD")
        if e.get("kind") not in LOG_KINDS:
            wrong([i, "kind"], e.get("kind"), ", ".join(LOG_KINDS))
        entry = {"date": date, "kind": e.get("kind")}
        for key in ("flag", "confirmed_flag"):
            if key in e and e[key] not in FLAGS:  # `in` first: a list or a mapping is no flag either
                wrong([i, key], e[key], ", ".join(FLAGS))
            elif key in e:
                entry[key] = e[key]
        if "priority" in e and e["priority"] not in priorities:
            wrong([i, "priority"], e["priority"], ", ".join(priorities))
        elif "priority" in e:
            entry["priority"] = e["priority"]
        changed = e.get("changed", {})
        if not isinstance(changed, dict):
            wrong([i, "changed"], changed, t("allowed_changed"))
        else:
            read: dict[str, Value] = {}  # as the answers read them (`SERIOUS`, `ja`): the reports show their words
            for qid, value in changed.items():
                q = engine.questions.get(qid) if isinstance(qid, str) else None
                if q is None:
                    wrong([i, "changed", qid], qid, ", ".join(engine.questions))
                    continue
                v = normalise(q, value)
                if v is None or not in_range(q, v):
                    wrong([i, "changed", qid], value, allowed(q, t))
                else:
                    read[qid] = v
            if read:
                entry["changed"] = read
        done = e.get("done", [])
        if not isinstance(done, list) or not all(isinstance(x, str) for x in done):
            wrong([i, "done"], done, t("allowed_ids"))
        elif done:
            entry["done"] = done
        notes = e.get("notes")
        if notes is not None and not isinstance(notes, str):
            wrong([i, "notes"], notes, t("allowed_text"))
        elif notes:
            entry["notes"] = notes
        entries.append(entry)
    if problems:
        raise DataError(problems)
    return entries


RECORD_KEYS = ("case_ref", "role", "signal_date", "said", "done", "told")  # what a JSON report's record carries on


def beside(path: str) -> str:
    """The JSON file that is saved beside a report (`verslag.md` → `verslag.json`)."""
    return os.path.splitext(path)[0] + ".json"


def _beside(raw: dict) -> list:
    """The keys beside `answers:` that would not count: all but a decision's or a report's, and
    a confirmed_flag or a setting other than the one the answers give (a decision repeats them
    at the top; a setting edited there only would be dropped without a word)."""
    out = [k for k in raw if k != "answers" and k not in DECISION_KEYS]
    if "confirmed_flag" in raw and raw["confirmed_flag"] != raw["answers"].get("confirmed_flag", raw.get("flag")):
        out.append("confirmed_flag")
    if "setting" in raw and raw["setting"] != raw["answers"].get("setting"):
        out.append("setting")
    return out


CONFIRM_PROBLEMS = {"below_lowest": "SP807", "reason": "SP808", "consulted": "SP809"}  # the engine's → a code


def confirm_problem(engine: Engine, a, c: Confirmation) -> Optional[tuple[str, dict[str, Any]]]:
    """Why a confirmation is not within the limits: the code of the catalogue and its values; or None."""
    problem = engine.confirm_problem(a, c)
    if problem is None:
        return None
    low = a.lowest
    values = {"flag": c.flag, "low": low, "allowed": ", ".join(FLAGS[rank(low):])} if problem == "below_lowest" else {}
    return CONFIRM_PROBLEMS[problem], values


def for_reading(name: str, t: Texts = _dutch) -> None:
    """Refuse a Markdown or text report where a case file is expected (a file given, a file
    uploaded in the browser): it is for reading, the JSON saved beside it continues the case;
    and the browser's .zip of the two, which is to be unpacked."""
    if name.lower().endswith((".md", ".txt")):
        raise UserError(t("SP811", path=name, json=beside(name)))
    if name.lower().endswith(".zip"):  # the browser's download: the report with its case file
        raise UserError(t("SP815", path=name))


def read_answers(path: str, engine: Engine, contact_line: Callable[[str], str] = str, t: Texts = _dutch,
                 tx: Callable[[Text], str] = lambda text: text.nl, stdin=None
                 ) -> tuple[dict[str, Value], Optional[Confirmation], dict]:
    """The answers in a file, or on standard input when path is `-` (bounded like a file). A
    Markdown or text report is for reading: the JSON saved beside it continues the case."""
    for_reading(path, t)
    text = yamlio.read_text(path, t, stdin)
    raw, nodes = yamlio.parse_nodes(text, path, t)
    src = Source(yamlio.display_name(path), text, raw, yamlio.LineFinder(text, nodes))
    return from_source(src, engine, contact_line, t, tx)


SIGNAL_YEARS = 20  # how far back a signal's date may lie


_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")  # 7-12-2026, 07/12/2026, 7.12.2026
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def signal_date(text: str, today: dt.date, t) -> dt.date:
    """The date of a signal, D-M-YYYY as Dutch writes it (7-12-2026, 07-12-2026) or YYYY-MM-DD,
    from SIGNAL_YEARS years ago up to today (9999-12-31 was accepted: a report dated in a future
    no one can check); UserError with the reason, its dates as the language writes them."""
    given = text.strip()
    try:
        if found := _DUTCH_DATE.fullmatch(given):
            date = dt.date(int(found[3]), int(found[2]), int(found[1]))
        elif found := _ISO_DATE.fullmatch(given):
            date = dt.date(int(found[1]), int(found[2]), int(found[3]))
        else:
            raise ValueError(given)
    except ValueError:
        raise UserError(t("SP813", value=printable(text[:40]))) from None
    first = today.replace(year=today.year - SIGNAL_YEARS, day=min(today.day, 28))
    if not first <= date <= today:
        raise UserError(t("SP814", value=printable(given[:40]), first=t.date(first), today=t.date(today)))
    return date


def proposal_confirmed(raw: Any, answers: dict[str, Value], engine: Engine) -> Optional[Confirmation]:
    """The confirmation a JSON report holds when it confirmed the proposal as it stood (its
    answers then hold no `confirmed_flag`, the report's top gives it): kept when these answers
    still propose that flag; None when the proposal changed since (the professional confirms
    anew) or the file is no JSON report or decision object."""
    if not isinstance(raw, dict) or not isinstance(raw.get("answers"), dict) or "confirmed_flag" in raw["answers"]:
        return None
    flag = raw.get("confirmed_flag")
    if isinstance(flag, str) and flag in FLAGS and engine.assess(answers, explain=False).flag == flag:
        return Confirmation(flag)
    return None
