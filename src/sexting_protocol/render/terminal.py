"""Blocks on the terminal: with colour (rich) on a terminal that wants it, else plain text;
through the pager when asked and longer than the screen."""

from __future__ import annotations

import io
from typing import Optional

from ..present.blocks import Banner, Block, Heading, Items, Para, Table
from . import clean
from .plain import WIDTH, plain


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
            for n, i in enumerate(b.items):
                mark = ("☑ " if n in b.done else "☐ ") if b.check else "• "
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
