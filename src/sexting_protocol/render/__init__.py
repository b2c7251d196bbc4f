"""Renderers: one document of blocks (`present.blocks`), shown as plain text (`plain`: pipes,
NO_COLOR, .txt reports), Markdown (`markdown`: reports), with rich (`terminal`: a colour
terminal) or as HTML (`html`: the pages and the poster). This module holds what they share:
`clean`, which escapes what may never reach a reader raw, and `to_json`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..core.errors import INVISIBLE


def to_json(obj: Any, ascii: bool = False) -> str:
    """JSON; `ascii` writes every other character as an escape (for a stream that is not UTF-8).
    An invisible character is always written as its escape: the same data, shown as it is."""
    return clean(json.dumps(obj, ensure_ascii=ascii, indent=2))


_CONTROL = re.compile(INVISIBLE)  # control characters but newline and tab, and invisible format characters
HIDDEN = _CONTROL  # the one list, for the terminal, the files and the pages


def _escape(m: re.Match) -> str:
    n = ord(m.group())
    if n > 0xFFFF:  # as JSON writes it: two surrogates
        n -= 0x10000
        return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"
    return f"\\u{n:04x}"


def clean(text: str) -> str:
    """Text as it may reach a terminal or a file: every control character but newline and tab,
    and every invisible format character (a bidi override that shows 0900-8844 as 4488-0090),
    made visible as `\\uXXXX` (inert on a terminal, and the same character again inside JSON)."""
    return _CONTROL.sub(_escape, text)
