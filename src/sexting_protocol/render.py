"""Renderers: one document of blocks, shown as plain text (pipes, NO_COLOR, .txt reports),
Markdown (reports) or with rich (a colour terminal). JSON output is `to_json`.

The views build blocks from the data; they never know which renderer shows them.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from .errors import INVISIBLE


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


# --- plain text ------------------------------------------------------------------------------

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
            mark = "[ ] " if b.check else "- "
            out += [_wrap(i, width, " " * len(mark), mark) for i in b.items]
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


# --- Markdown --------------------------------------------------------------------------------


_MD_PUNCT = re.compile(r"([\\`*_\[\]|~#])")  # `#` too: a heading's last `#` closes it
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
# a line that would start a heading, a list, a rule, or an ordered list (`1986.`, `3)`): the
# punctuation is escaped (CommonMark escapes only punctuation: `\1986.` shows its backslash)
_MD_BLOCK_START = re.compile(r"^(\d*)([#+=.)-])")


def _md_block(m: re.Match) -> str:
    digits, mark = m.groups()
    if digits and mark in ".)" or not digits and mark in "#+=-":  # `1986.`, `3)`, `- `, `# `
        return f"{digits}\\{mark}"
    return m.group()  # `2026-014`, `.` or `)` alone: nothing starts


def md(text: str, breaks: bool = False) -> str:
    """Free text as Markdown that shows it literally: no heading, list, link, emphasis, table cell
    or raw HTML can come from it. Line breaks become hard breaks with `breaks`, else spaces."""
    lines = []
    for line in clean(text).split("\n"):
        line = _MD_PUNCT.sub(r"\\\1", line.strip())
        line = _MD_ENTITY.sub("&amp;", line).replace("<", "&lt;").replace(">", "&gt;")
        if line:
            lines.append(_MD_BLOCK_START.sub(_md_block, line))
    return ("\\\n" if breaks else " ").join(lines)


def markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out += ["", "#" * b.level + " " + md(b.text), ""]
        elif isinstance(b, Para):
            out += [md(b.text, breaks=True), ""]
        elif isinstance(b, Items):
            out += [("- [ ] " if b.check else "- ") + md(i) for i in b.items] + [""]
        elif isinstance(b, Table):
            out += ["| " + " | ".join(md(h) for h in b.headers) + " |", "|" + "---|" * len(b.headers)]
            out += ["| " + " | ".join(md(c) for c in row) + " |" for row in b.rows] + [""]
        elif isinstance(b, Banner):
            out += [f"> **{md(b.text)}**"] + [f"> {md(line, breaks=True)}" for line in b.lines] + [""]
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
    from html import escape

    def e(text: str) -> str:
        return escape(clean(text))

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


class _Buffer(io.StringIO):
    """A buffer that says the encoding of the terminal it is for: rich draws its boxes from
    what that encoding has (+, -, | where it lacks ╭─╮), not from the buffer's own Unicode,
    which the terminal's stand-ins would show as "?"."""

    def __init__(self, encoding: Optional[str]):
        super().__init__()
        self._encoding = encoding or "utf-8"

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def show_rich(blocks: list[Block], stream, width: Optional[int] = None) -> None:
    """Colour on a terminal (the Env decided that). rich is imported here only: pipes never
    pay for it. Boxes are drawn for the stream's encoding (ASCII on a console that is not
    UTF-8)."""
    from rich.console import Console
    from rich.markup import escape as markup
    from rich.panel import Panel
    from rich.table import Table as RTable

    def escape(text: str) -> str:
        return markup(clean(text))

    console = Console(file=stream, highlight=False, force_terminal=True, width=width)
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
            t = RTable(*(escape(h) for h in b.headers), show_lines=False, expand=False)
            for row in b.rows:
                t.add_row(*(escape(c) for c in row))
            console.print(t)
        elif isinstance(b, Banner):
            body = escape(b.text) + "".join("\n" + escape(line) for line in b.lines)
            console.print(Panel(body, style=b.style))


def show(blocks: list[Block], env, page: bool = False) -> None:
    """Blocks on standard output: with colour on a terminal, else plain; with `page`, through
    the pager when they are longer than the terminal."""
    if env.color:
        buffer = _Buffer(getattr(env.stdout, "encoding", None))
        show_rich(blocks, buffer, env.columns)
        text, write = buffer.getvalue(), env.write  # cleaned already; the colours stay
    else:
        text, write = plain(blocks, min(env.columns, WIDTH) if env.stdout_isatty else None), env.out
    if not (page and env.page(text)):
        write(text)
