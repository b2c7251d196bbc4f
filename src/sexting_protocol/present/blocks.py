"""The blocks of a document: what the views build and the renderers show. A block has a
semantic kind (a heading, a paragraph, a list, a table, a banner that must be seen first) and
a style hint; it never knows which renderer shows it. Plain records (msgspec's, made faster
than dataclasses at every start)."""

from __future__ import annotations

from typing import Optional, Union

from msgspec import Struct, field


class Heading(Struct):
    text: str
    level: int = 1
    style: Optional[str] = None


class Para(Struct):
    text: str
    style: Optional[str] = None


class Items(Struct):
    items: list[str]
    check: bool = False  # checkboxes, for a plan to tick off
    done: frozenset = frozenset()  # of those, the positions ticked off (a follow-up's "gedaan")
    style: Optional[str] = None


class Table(Struct):
    headers: list[str]
    rows: list[list[str]]


class Banner(Struct):
    """Something that must be seen first: an urgent action, the proposed flag."""

    text: str
    style: str = "bold white on red"
    lines: list[str] = field(default_factory=list)


Block = Union[Heading, Para, Items, Table, Banner]
