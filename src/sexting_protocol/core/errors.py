"""Errors meant for the user: a message and an exit status, never a traceback; and what may
not reach a reader raw (INVISIBLE)."""

from __future__ import annotations

import errno
import re

# What must never reach a terminal or a reader raw, nor stand in the data: the control
# characters but newline and tab (escape sequences: ESC, CSI, OSC that sets a window title or
# writes the clipboard; BEL, DEL, the C1 controls), and the invisible format characters (Unicode
# Cf, Zl, Zp): the bidi embeddings, overrides, isolates and marks that reorder what a reader
# sees (U+202A-202E, U+2066-2069, U+200E/200F, U+061C), zero-width characters, the soft hyphen,
# the line and paragraph separators; and lone surrogates (a file name that is not UTF-8).
# tests/test_hostile_io2.py checks it against unicodedata.
INVISIBLE = ("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
             "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
             "\U000110bd\U000110cd\U00013430-\U0001345f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
             "\U000e0001\U000e0020-\U000e007f]")


class UserError(Exception):
    """Bad input from the user (a data file, an answers file, an option): exit status 2."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class DataError(UserError):
    """One or more problems in a YAML or JSON file, each with its file, line and path."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Problem:
    """What is wrong where: file, line, the path inside the file, the message, and the message's
    code in the catalogue (data/messages.yaml) where it has one."""

    __slots__ = ("file", "line", "path", "message", "code", "more")

    def __init__(self, file: str, line: int | None, path: str, message: str, code: str | None = None,
                 more: int = 0):
        self.file, self.line, self.path, self.message, self.code = file, line, path, message, code
        self.more = more  # for the line that stands for problems not named (`messages.bounded`): how many

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        at = f" {self.path}:" if self.path else ""
        code = f" [{self.code}]" if self.code else ""
        return printable(f"{where}:{at}{code} {self.message}")

    def __repr__(self) -> str:
        return f"Problem({self})"


# The start of an escape `printable` writes (`\\x1b`, `\\u202e`, `\\U000e0001`) left at the end of
# a cut text: `shorten` drops it rather than show half an escape (`\\u20…` reads as something else).
_HALF_ESCAPE = re.compile(r"\\(?:x[0-9a-f]?|u[0-9a-f]{0,3}|U[0-9a-f]{0,7})?$")


def shorten(text: str, limit: int) -> str:
    """Text (escaped by `printable` already) at most `limit` characters and a "…", never cut
    inside an escape."""
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    half = _HALF_ESCAPE.search(head)
    return (head[:half.start()] if half else head) + "…"


def printable(text: str) -> str:
    """The text with every character that is not printable (a control character, a line
    break) escaped as Python writes it: what a file says never drives the terminal."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


# The OS's reasons a write (or a read) fails, each said in the user's language with what to do (ui.yaml
# `os_<name>`); any other the OS's own words (`os_other`).
_REASONS = {getattr(errno, name): key for name, key in (
    ("ENOSPC", "full"), ("EDQUOT", "full"), ("EFBIG", "full"), ("EACCES", "denied"), ("EPERM", "denied"),
    ("EROFS", "read_only"), ("ENAMETOOLONG", "too_long"), ("ENOTDIR", "not_dir"), ("ELOOP", "loop"),
    ("EISDIR", "is_dir"), ("ENOENT", "gone"), ("EIO", "io"), ("EEXIST", "exists")) if hasattr(errno, name)}


def os_reason(e: OSError, t, reading: bool = False) -> str:
    """Why the OS refused a write (or a read), in the user's words (`t`: the interface texts),
    with what to do about it."""
    name = _REASONS.get(e.errno)
    if name == "denied" and reading:
        name = "denied_read"
    return t(f"os_{name}") if name else t("os_other", reason=e.strerror or e)
