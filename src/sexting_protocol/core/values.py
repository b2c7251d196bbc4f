"""An answer's value as the engine reads it: an option's id, a whole number in decimal, or
`unknown`; checked against its question. Used by the conversation (the fronts' events) and by
the reader of answers files (which adds the typed words)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from .engine import Value
from .model import UNKNOWN, Question


def whole_number(text: str) -> Optional[int]:
    """Text as a whole number, read in decimal as a person means it (`015` is 15, never octal);
    None for anything else, more than 9 digits included (Python refuses over 4,300)."""
    text = text.strip()
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def normalise(q: Question, value: Any, words: Optional[Mapping[str, str]] = None) -> Optional[Value]:
    """The answer as the engine reads it, or None when it is not allowed for q. `words` maps
    typed words to values (`ja` → yes: the answers file's reader gives them)."""
    values = [o.value for o in q.options]
    words = words or {}
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
            return whole_number(v)
        return v if v in values else None
    if isinstance(value, int) and q.type == "number":
        return value
    return None


def in_range(q: Question, value: Value) -> bool:
    return not isinstance(value, int) or q.type != "number" or q.min <= value <= q.max
