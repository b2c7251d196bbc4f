"""Renderers: one document of blocks, shown as plain text (pipes, NO_COLOR, .txt reports),
Markdown (reports) or with rich (a colour terminal). JSON output is `to_json`.

The views build blocks from the data; they never know which renderer shows them.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from typing import Any, Optional, Union


@dataclass
class Heading:
    text: str
    level: int = 1
    style: Optional[str] = None


@dataclass
class Para:
    text: str
    style: Optional[str] = None


@dataclass
class Items:
    items: list[str]
    check: bool = False  # checkboxes, for a plan to tick off
    style: Optional[str] = None


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Banner:
    """Something that must be seen first: an urgent action, the proposed flag."""

    text: str
    style: str = "bold white on red"
    lines: list[str] = field(default_factory=list)


Block = Union[Heading, Para, Items, Table, Banner]


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


# --- plain text ------------------------------------------------------------------------------

WIDTH = 88


def _wrap(text: str, indent: str = "", first: str = "") -> str:
    return "\n".join(
        textwrap.fill(line, WIDTH, initial_indent=first or indent, subsequent_indent=indent) if line else ""
        for line in text.split("\n")
    )


def plain(blocks: list[Block], width: int = WIDTH) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            rule = "=" if b.level == 1 else "-"
            out += ["", b.text, rule * min(len(b.text), width)] if b.level <= 2 else ["", b.text]
        elif isinstance(b, Para):
            out.append(_wrap(b.text))
        elif isinstance(b, Items):
            mark = "[ ] " if b.check else "- "
            out += [_wrap(i, " " * len(mark), mark) for i in b.items]
        elif isinstance(b, Table):
            out.append(_plain_table(b))
        elif isinstance(b, Banner):
            out += ["", f"!! {b.text}"] + [_wrap(line, "   ", "   ") for line in b.lines] + [""]
    return "\n".join(out).strip("\n") + "\n"


def _plain_table(t: Table) -> str:
    """One record per row, `header: value` lines: pastes cleanly into a pupil file."""
    lines = []
    for row in t.rows:
        first = True
        for h, v in zip(t.headers, row):
            if not v:
                continue
            value = v.replace("\n", "; ")
            lines.append(_wrap(f"{h}: {value}", "    ", "  - " if first else "    "))
            first = False
    return "\n".join(lines)


# --- Markdown --------------------------------------------------------------------------------


def markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out += ["", "#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Items):
            out += [("- [ ] " if b.check else "- ") + i.replace("\n", " ") for i in b.items] + [""]
        elif isinstance(b, Table):
            esc = [[c.replace("|", "\\|").replace("\n", " ") for c in row] for row in [t for t in b.rows]]
            out += ["| " + " | ".join(b.headers) + " |", "|" + "---|" * len(b.headers)]
            out += ["| " + " | ".join(row) + " |" for row in esc] + [""]
        elif isinstance(b, Banner):
            out += [f"> **{b.text}**"] + [f"> {line}" for line in b.lines] + [""]
    return "\n".join(out).strip("\n") + "\n"


# --- rich ------------------------------------------------------------------------------------


def show_rich(blocks: list[Block], stream) -> None:
    """Colour on a terminal. rich is imported here only: pipes never pay for it."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table as RTable

    console = Console(file=stream, highlight=False)
    for b in blocks:
        if isinstance(b, Heading):
            style = b.style or ("bold underline" if b.level == 1 else "bold")
            console.print()
            console.print(escape(b.text), style=style)
        elif isinstance(b, Para):
            console.print(escape(b.text), style=b.style or "")
        elif isinstance(b, Items):
            mark = "☐ " if b.check else "• "
            for i in b.items:
                console.print(mark + escape(i), style=b.style or "")
        elif isinstance(b, Table):
            t = RTable(*b.headers, show_lines=False, expand=False)
            for row in b.rows:
                t.add_row(*(escape(c) for c in row))
            console.print(t)
        elif isinstance(b, Banner):
            body = escape(b.text) + "".join("\n" + escape(line) for line in b.lines)
            console.print(Panel(body, style=b.style))


def show(blocks: list[Block], env) -> None:
    if env.color:
        show_rich(blocks, env.stdout)
    else:
        env.stdout.write(plain(blocks))
