"""Errors meant for the user: a message and an exit status, never a traceback."""

from __future__ import annotations


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


def printable(text: str) -> str:
    """The text with every character that is not printable (a control character, a line
    break) escaped as Python writes it: what a file says never drives the terminal."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
