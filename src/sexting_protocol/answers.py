"""Answers: from a file (YAML or JSON) or typed in, checked the same way against the protocol.

A file maps question ids to values; `unknown` (or `weet niet`, `weet ik niet`) for any
question; booleans and ja/nee for questions with a yes/no option; whole numbers for ages. The
`--json` decision object and a JSON report are accepted too: then only their `answers` count.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from . import yamlio
from .data import Source, ui
from .engine import Confirmation, Engine, Value, rank
from .errors import DataError, Problem, UserError
from .model import FLAGS, UNKNOWN, Question, Text

CONFIRM_KEYS = ("confirmed_flag", "confirmed_reason", "confirmed_consulted")
Texts = Callable[..., str]  # (key, **values) → an interface text in the chosen language


def _dutch(key: str, **values: Any) -> str:
    text = ui().texts[key].nl
    return text.format(**values) if values else text


class OutOfScope(UserError):
    """An answer outside what the protocol covers (a young person of 18 or over)."""


def show(value: Any, limit: int = 40) -> str:
    """A value as it may be echoed back: short, never a nested structure."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def allowed(q: Question, t: Texts = _dutch) -> str:
    if q.type == "number":
        return t("err_answers_number", low=q.min, high=q.max)
    return ", ".join([o.value for o in q.options] + [UNKNOWN])


def normalise(q: Question, value: Any) -> Optional[Value]:
    """The answer as the engine reads it, or None when it is not allowed for q."""
    values = [o.value for o in q.options]
    words = {w: canon for canon, ws in ui().answer_words.items() for w in ws}
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        if "yes" in values or "no" in values:
            return "yes" if value else "no"
        return None
    if isinstance(value, str):
        v = " ".join(value.strip().lower().split())
        v = words.get(v, v)
        if v == UNKNOWN:
            return UNKNOWN
        if q.type == "number":
            return int(v) if v.isdecimal() else None
        return v if v in values else None
    if isinstance(value, int) and q.type == "number":
        return value
    return None


def out_of_scope(q: Question, value: Value) -> bool:
    oos = q.out_of_scope
    return bool(oos) and isinstance(value, int) and oos.min <= value <= oos.max


def in_range(q: Question, value: Value) -> bool:
    return not isinstance(value, int) or q.type != "number" or q.min <= value <= q.max


def from_source(src: Source, engine: Engine, contact_line: Callable[[str], str] = str, t: Texts = _dutch,
                tx: Callable[[Text], str] = lambda text: text.nl) -> tuple[dict[str, Value], Optional[Confirmation], dict]:
    """Check an answers file: every problem is named with its file, line and question."""
    raw = src.raw if src.raw is not None else {}
    prefix: list = []
    if isinstance(raw, dict) and isinstance(raw.get("answers"), dict):
        raw, prefix = raw["answers"], ["answers"]  # a decision object or a JSON report
    if not isinstance(raw, dict):
        raise DataError([src.problem([], t("err_answers_mapping"))])
    answers: dict[str, Value] = {}
    extra: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in raw.items():
        path = [*prefix, key]
        q = engine.questions.get(key) if isinstance(key, str) else None
        if key in CONFIRM_KEYS:
            if value is not None and not isinstance(value, str):
                problems.append(src.problem(path, t("err_answers_text", value=show(value))))
            elif value is not None:
                extra[key] = value.strip().lower() if key == "confirmed_flag" else value
            continue
        if q is None:
            keys = ", ".join([*engine.questions, *CONFIRM_KEYS])
            problems.append(src.problem(path, t("err_answers_question", value=show(key), allowed=keys)))
            continue
        v = normalise(q, value)
        if v is None or not in_range(q, v):
            problems.append(src.problem(path, t("err_answers_value", value=show(value), allowed=allowed(q, t))))
            continue
        answers[key] = v
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
            raise DataError([src.problem(path, t("err_answers_value", value=show(flag), allowed=", ".join(FLAGS)))])
        a = engine.assess(answers, explain=False)
        confirmation = Confirmation(flag, extra.get("confirmed_reason"), extra.get("confirmed_consulted"))
        problem = confirm_problem(engine, a, confirmation, t)
        if problem:
            raise DataError([src.problem(path, problem)])
    return answers, confirmation, extra


def confirm_problem(engine: Engine, a, c: Confirmation, t: Texts = _dutch) -> Optional[str]:
    """Why a confirmation is not within the limits, in words; or None."""
    problem = engine.confirm_problem(a, c)
    if problem == "below_lowest":
        low = a.lowest
        return t("err_confirm_below_lowest", flag=c.flag, low=low, allowed=", ".join(FLAGS[rank(low):]))
    return t(f"err_confirm_{problem}") if problem else None


def read_answers(path: str, engine: Engine, contact_line: Callable[[str], str] = str, t: Texts = _dutch,
                 tx: Callable[[Text], str] = lambda text: text.nl) -> tuple[dict[str, Value], Optional[Confirmation], dict]:
    text = yamlio.read_text(path)
    return from_source(Source(path, text, yamlio.parse(text, path)), engine, contact_line, t, tx)
