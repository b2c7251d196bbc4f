"""Text for an output that is not UTF-8 (a Windows console in cp1252, a .txt report for a pupil
file): a stand-in for every character the encoding cannot show."""

from __future__ import annotations

import codecs
import unicodedata

# Stand-ins for what a narrow encoding cannot show; letters lose their accents (é → e), and
# anything else becomes "?".
_PLAIN = {"☐": "[ ]", "☑": "[x]", "☒": "[x]", "→": "->", "←": "<-", "↑": "^", "↓": "v", "“": '"', "”": '"',
          "„": '"', "‘": "'", "’": "'", "‚": ",", "«": '"', "»": '"', "–": "-", "—": "-", "•": "-",
          "…": "...", "✓": "v", "✔": "v", "✗": "x", "✘": "x", "≥": ">=", "≤": "<=", "×": "x", "\u00a0": " "}
FALLBACK = "sexting_protocol"


def plain_char(ch: str) -> str:
    """An ASCII stand-in for a character."""
    if ch in _PLAIN:
        return _PLAIN[ch]
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return bare if bare and bare.isascii() else "?"


def _fallback(error: UnicodeError):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(plain_char(ch) for ch in error.object[error.start:error.end]), error.end


codecs.register_error(FALLBACK, _fallback)


def fit(text: str, encoding: str) -> str:
    """Text with a stand-in for every character the encoding cannot show."""
    return text.encode(encoding, FALLBACK).decode(encoding)
