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
        textwrap.fill(line, WIDTH, initial_indent=first or indent, subsequent_indent=indent,
                      break_long_words=False, break_on_hyphens=False) if line else ""
        for line in text.split("\n")
    )


def plain(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            rule = "=" if b.level == 1 else "-"
            out += ["", b.text, rule * min(len(b.text), WIDTH)] if b.level <= 2 else ["", b.text]
        elif isinstance(b, Para):
            out.append(_wrap(b.text))
        elif isinstance(b, Items):
            mark = "[ ] " if b.check else "- "
            out += [_wrap(i, " " * len(mark), mark) for i in b.items]
        elif isinstance(b, Table):
            out.append(_plain_table(b))
        elif isinstance(b, Banner):
            out += ["", f"!! {b.text}"] + [_wrap(line, "   ", "   ") for line in b.lines] + [""]
    # a leading blank line is kept: it parts this screen from what was shown before
    return "\n".join(out).rstrip("\n") + "\n"


def _plain_table(t: Table) -> str:
    """One record per row, `header: value` lines: pastes cleanly into a pupil file. A table of
    two columns (item and value, question and answer) is one line a row."""
    lines = []
    if len(t.headers) == 2:
        for a, b in t.rows:
            b = b.replace("\n", "; ")
            lines.append(_wrap(f"{a} {b}" if a.endswith("?") else f"{a}: {b}", "    ", "  - "))
        return "\n".join(lines)
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


# --- HTML (the handout) ----------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 9mm; }
body { font: 8.2pt/1.3 system-ui, sans-serif; color: #111; columns: 3; column-gap: 5mm; margin: 0; }
h1 { column-span: all; font-size: 13pt; margin: 0 0 2pt; }
h2 { font-size: 8.6pt; margin: 5pt 0 1pt; break-after: avoid; }
h3 { font-size: 7.8pt; margin: 3pt 0 1pt; break-after: avoid; }
p { margin: 1pt 0; }
ul { margin: 1pt 0 2pt; padding-left: 9pt; }
li { margin: 0 0 0.5pt; }
ul.check { list-style: "\\2610  "; }
.banner { border: 1.5pt solid #b00; padding: 2pt 4pt; margin: 3pt 0; break-inside: avoid; }
.banner strong { color: #b00; }
table { border-collapse: collapse; width: 100%; }
td, th { border-top: 0.5pt solid #999; padding: 1pt 2pt; vertical-align: top; text-align: left; }
.intro, footer { column-span: all; }
footer { margin-top: 4pt; color: #444; }
"""


def html(blocks: list[Block], title: str, lang: str, intro: str = "", footer: str = "") -> str:
    """A self-contained page: inline style, no scripts, no outside resources."""
    from html import escape as e

    def lines(text: str) -> str:
        return "<br>".join(e(x) for x in text.split("\n"))

    out = [f"<!DOCTYPE html>\n<html lang=\"{e(lang)}\">\n<head>\n<meta charset=\"utf-8\">",
           f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>", f"<h1>{e(title)}</h1>"]
    if intro:
        out.append(f"<p class=\"intro\">{lines(intro)}</p>")
    for b in blocks:
        if isinstance(b, Heading):
            level = min(b.level + 1, 3)
            out.append(f"<h{level}>{e(b.text)}</h{level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{lines(b.text)}</p>")
        elif isinstance(b, Items):
            cls = ' class="check"' if b.check else ""
            out.append(f"<ul{cls}>" + "".join(f"<li>{lines(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            head = "".join(f"<th>{e(h)}</th>" for h in b.headers)
            rows = "".join("<tr>" + "".join(f"<td>{lines(c)}</td>" for c in r) + "</tr>" for r in b.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(b, Banner):
            out.append(f"<div class=\"banner\"><strong>{e(b.text)}</strong>"
                       + "".join(f"<br>{e(x)}" for x in b.lines) + "</div>")
    if footer:
        out.append(f"<footer>{lines(footer)}</footer>")
    out.append("</body>\n</html>")
    return "\n".join(out) + "\n"


# --- rich ------------------------------------------------------------------------------------


def show_rich(blocks: list[Block], stream) -> None:
    """Colour on a terminal (the Env decided that). rich is imported here only: pipes never
    pay for it."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table as RTable

    console = Console(file=stream, highlight=False, force_terminal=True)
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
