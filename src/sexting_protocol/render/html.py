"""The views' blocks as HTML for the pages: every text escaped (a school's layer is edited by
hand), headings below the page's own, checklists as checkboxes that print, tables that fold to
one record per row on a phone, and a colour always beside the words it goes with.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from markupsafe import Markup, escape

from ..present.blocks import Banner, Block, Heading, Items, Para, Table
from . import HIDDEN, clean

PHONE = re.compile(r"\+?\d[\d -]*\d")


def visible(value):
    """Every text a page shows (the Jinja environment's `finalize`, so no template can forget
    it): a hidden character (render.HIDDEN: a bidi override, a zero-width space, a control
    character) written as its escape, `\\u202e`, as the terminal and the files show it. Safe
    in HTML and in a hidden JSON field alike (there the escape is the same character again)."""
    if isinstance(value, str) and HIDDEN.search(value):
        shown = clean(value)
        return Markup(shown) if isinstance(value, Markup) else shown
    return value


def style_class(style) -> str:
    """A rich style ("bold white on red") as classes ("st-bold st-white st-on-red")."""
    if not style:
        return ""
    words = style.split()
    out = []
    for i, w in enumerate(words):
        if w == "on":
            continue
        out.append(f"st-on-{w}" if i and words[i - 1] == "on" else f"st-{w}")
    return " ".join(out)


def _cls(*names: str) -> Markup:
    joined = " ".join(n for n in names if n)
    return Markup(f' class="{escape(joined)}"') if joined else Markup("")


def lines(text: str) -> Markup:
    return Markup("<br>").join(escape(x) for x in text.split("\n"))


def phone_links(text: str) -> Markup:
    """A phone detail with each number a `tel:` link (on a phone, one tap to call)."""
    out, last = [], 0
    for m in PHONE.finditer(text):
        out += [escape(text[last:m.start()]),
                Markup('<a href="tel:{}">{}</a>').format(re.sub(r"[ -]", "", m.group()), m.group())]
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def phone(v, detail) -> Markup:
    """A contact's phone detail as the views write it (`v.detail`), its number a `tel:` link
    and the note after it (opening hours, how well it is verified) plain text: "8-17" in a note
    is no number to call."""
    shown = v.detail(detail)
    value = getattr(detail, "value", shown)
    if not shown.startswith(value):
        return phone_links(shown)
    return phone_links(value) + escape(shown[len(value):])


def table(b: Table, cell: Optional[Callable[[int, int, str], Markup]] = None) -> Markup:
    """A table whose rows fold to one record each on a phone; `cell(row, column, text)` may
    write a cell's HTML (default: its lines)."""
    cell = cell or (lambda i, j, text: lines(text))
    head = Markup("").join(Markup('<th scope="col">{}</th>').format(h) for h in b.headers)
    rows = Markup("").join(
        Markup("<tr>{}</tr>").format(Markup("").join(
            Markup('<td data-label="{}">{}</td>').format(h, cell(i, j, c))
            for j, (h, c) in enumerate(zip(b.headers, r))))
        for i, r in enumerate(b.rows))
    return Markup('<table class="records"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(head, rows)


def contact_table(v, b: Table, contacts: list) -> Markup:
    """The contacts page's table (`View.contact_rows`, a row per contact): in the column of how
    to reach them, the phone number a `tel:` link."""
    reach = 2  # the column of contact_rows that starts with the phone

    def cell(i: int, j: int, text: str) -> Markup:
        c = contacts[i]
        shown = v.detail(c.phone) if j == reach and c.phone else None
        if shown and text.startswith(shown):
            return Markup('<span class="num">{}</span>').format(phone(v, c.phone)) + lines(text[len(shown):])
        return lines(text)

    return table(b, cell)


def blocks(items: Iterable[Block], top: int = 2) -> Markup:
    """Render blocks; a heading of level 1 becomes <h{top}>."""
    out: list[Markup] = []
    for b in items:
        if isinstance(b, Heading):
            n = min(b.level + top - 1, 6)
            out.append(Markup("<h{n}{c}>{t}</h{n}>").format(n=n, c=_cls(style_class(b.style)), t=b.text))
        elif isinstance(b, Para):
            out.append(Markup("<p{}>{}</p>").format(_cls(style_class(b.style)), lines(b.text)))
        elif isinstance(b, Items):
            if b.check:
                li = (Markup('<li><label><input type="checkbox"{}> {}</label></li>').format(
                    Markup(" checked") if n in b.done else "", lines(i)) for n, i in enumerate(b.items))
            else:
                li = (Markup("<li>{}</li>").format(lines(i)) for i in b.items)
            out.append(Markup("<ul{}>{}</ul>").format(_cls("check" if b.check else "", style_class(b.style)),
                                                     Markup("").join(li)))
        elif isinstance(b, Table):
            out.append(table(b))
        elif isinstance(b, Banner):
            body = Markup("").join(Markup("<li>{}</li>").format(lines(x)) for x in b.lines)
            out.append(Markup('<div{}><p class="banner-title">{}</p>{}</div>').format(
                _cls("banner", style_class(b.style)), b.text, Markup("<ul>{}</ul>").format(body) if b.lines else ""))
    return visible(Markup("\n").join(out))  # also where no page's `finalize` runs


def urgent(v) -> list:
    """The urgent routes (112, 113, Centrum Seksueel Geweld) with their contacts that have a phone."""
    return [(r, [c for cid in r.contacts if (c := v.b.contact(cid)) and c.phone])
            for r in v.p.triage.routes if r.urgent]
