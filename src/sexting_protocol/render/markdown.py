"""Markdown (CommonMark): the .md report. Free text is escaped so that it shows literally."""

from __future__ import annotations

import re

from ..present.blocks import Banner, Block, Heading, Items, Para, Table
from . import clean


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
            out += [(("- [x] " if n in b.done else "- [ ] ") if b.check else "- ") + md(i)
                    for n, i in enumerate(b.items)] + [""]
        elif isinstance(b, Table):
            out += ["| " + " | ".join(md(h) for h in b.headers) + " |", "|" + "---|" * len(b.headers)]
            out += ["| " + " | ".join(md(c) for c in row) + " |" for row in b.rows] + [""]
        elif isinstance(b, Banner):
            out += _banner(b) + [""]
    return "\n".join(out).strip("\n") + "\n"


_ITEM = re.compile(r"(\d+\.|-) (.*)")  # the view's own list marks at the start of a banner's line


def _banner(b: Banner) -> list[str]:
    """A quote: the title in bold, then each line as a paragraph, except the view's numbered
    actions (`1. `) and points (`- `), which are lists, a line indented under one (its numbers)
    staying in that item; only the marks start a list, what follows them is escaped as ever."""
    out, previous = [f"> **{md(b.text)}**"], "title"
    for line in b.lines:
        item = _ITEM.fullmatch(line)
        if line.startswith("   ") and previous in ("ol", "ul") and line.strip():
            out[-1] += "\\"  # a hard break, then the line in the same item
            out.append(f">    {md(line)}")
            continue
        kind = "text" if not item else "ol" if item[1][0].isdigit() else "ul"
        if kind == "text" or kind != previous:
            out.append(">")
        out.append(f"> {md(line, breaks=True)}" if not item else f"> {item[1]} {md(item[2])}")
        previous = kind
    return out
