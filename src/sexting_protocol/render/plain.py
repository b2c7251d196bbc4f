"""Plain text: a terminal without colour, a pipe, a .txt report to paste into a pupil file."""

from __future__ import annotations

import textwrap
from typing import Optional

from ..present.blocks import Banner, Block, Heading, Items, Para, Table
from . import clean


WIDTH = 88  # the widest a terminal display is wrapped


def _wrap(text: str, width: Optional[int], indent: str = "", first: str = "") -> str:
    """Each line of text after `first` (its first line) or `indent` (the others); wrapped to
    width on a terminal, never in a file (a pupil file's editor wraps paragraphs itself)."""
    out = []
    for i, line in enumerate(clean(text).split("\n")):
        lead = (first or indent) if i == 0 else indent
        if not line:
            out.append("")
        elif width:
            out.append(textwrap.fill(line, width, initial_indent=lead, subsequent_indent=indent,
                                     break_long_words=False, break_on_hyphens=False))
        else:
            out.append(lead + line)
    return "\n".join(out)


def plain(blocks: list[Block], width: Optional[int] = None) -> str:
    """Plain text: wrapped to width when given (a terminal), else one line a paragraph."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            text = clean(b.text)
            rule = "=" if b.level == 1 else "-"
            out += ["", text, rule * min(len(text), width or WIDTH)] if b.level <= 2 else ["", text]
        elif isinstance(b, Para):
            out.append(_wrap(b.text, width))
        elif isinstance(b, Items):
            marks = [("[x] " if n in b.done else "[ ] ") if b.check else "- " for n in range(len(b.items))]
            out += [_wrap(i, width, " " * len(mark), mark) for i, mark in zip(b.items, marks)]
        elif isinstance(b, Table):
            out.append(_plain_table(b, width))
        elif isinstance(b, Banner):
            out += ["", f"!! {clean(b.text)}"] + [_wrap(line, width, "   ", "   ") for line in b.lines] + [""]
    # a leading blank line is kept: it parts this screen from what was shown before
    return "\n".join(out).rstrip("\n") + "\n"


def _plain_table(t: Table, width: Optional[int]) -> str:
    """One record per row, `header: value` lines: pastes cleanly into a pupil file. A table of
    two columns (item and value, question and answer) is one line a row."""
    lines = []
    if len(t.headers) == 2:
        for a, b in t.rows:
            b = b.replace("\n", "; ")
            lines.append(_wrap(f"{a} {b}" if a.endswith("?") else f"{a}: {b}", width, "    ", "  - "))
        return "\n".join(lines)
    for row in t.rows:
        first = True
        for h, v in zip(t.headers, row):
            if not v:
                continue
            value = v.replace("\n", "; ")
            lines.append(_wrap(f"{h}: {value}", width, "    ", "  - " if first else "    "))
            first = False
    return "\n".join(lines)
