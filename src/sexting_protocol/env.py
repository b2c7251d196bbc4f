"""One object owns the streams, whether they are terminals, colour, language and today's date,
so that tests can swap any of them (the httpie way)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass, field
from typing import IO, Optional

LANGS = ("nl", "en")


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@dataclass
class Env:
    stdin: IO[str] = field(default_factory=lambda: sys.stdin)
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    stdin_isatty: Optional[bool] = None
    stdout_isatty: Optional[bool] = None
    no_color: Optional[bool] = None
    lang: str = "nl"
    today: dt.date = field(default_factory=dt.date.today)
    environ: dict = field(default_factory=lambda: dict(os.environ))

    def __post_init__(self) -> None:
        if self.stdin_isatty is None:
            self.stdin_isatty = _isatty(self.stdin)
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.no_color is None:
            self.no_color = "NO_COLOR" in self.environ or self.environ.get("TERM") == "dumb"

    @property
    def color(self) -> bool:
        """Colour only on a terminal, and never with NO_COLOR or TERM=dumb."""
        return bool(self.stdout_isatty) and not self.no_color

    @property
    def interactive(self) -> bool:
        return bool(self.stdin_isatty and self.stdout_isatty)

    def out(self, text: str = "") -> None:
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def err(self, text: str) -> None:
        self.stderr.write(text if text.endswith("\n") else text + "\n")
        self.stderr.flush()
