"""Finding and loading the data files into the typed model: YAML → model, checked.

The shipped files live in the package (`sexting_protocol/data`, built from the repository's
`data/`); `--protocol`, `--contacts` and their environment variables name others. Every problem
is reported with its file, line and path (`DataError`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from . import model, yamlio
from .errors import DataError, Problem

T = TypeVar("T")


def data_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent.parent / "data"


def shipped(name: str) -> str:
    return str(data_dir() / name)


@dataclass
class Source:
    """A file that was read: its text (kept to find lines) and its plain data."""

    path: str
    text: str
    raw: Any
    _lines: yamlio.LineFinder | None = None

    def line(self, parts) -> int | None:
        if self._lines is None:
            self._lines = yamlio.LineFinder(self.text)
        return self._lines.line(list(parts))

    def problem(self, parts, message: str) -> Problem:
        return Problem(self.path, self.line(parts), yamlio.join_path(parts), message)


def read(path: str) -> Source:
    text = yamlio.read_text(path)
    return Source(path, text, yamlio.parse(text, path))


def convert(src: Source, typ: type[T]) -> T:
    try:
        return msgspec.convert(src.raw, typ)
    except msgspec.ValidationError as e:
        message, _, where = str(e).partition(" - at `")
        parts = yamlio.split_path(where.rstrip("`")) if where else []
        raise DataError([src.problem(parts, message)]) from None


@dataclass
class Bundle:
    """The data in use: protocol, contacts and interface texts, with where they came from."""

    protocol: model.Protocol
    contacts: model.Contacts
    ui: model.UI
    sources: dict[str, Source] = field(default_factory=dict)

    def contact(self, cid: str) -> model.Contact | None:
        return self.contact_index.get(cid)

    @property
    def contact_index(self) -> dict[str, model.Contact]:
        idx = self.__dict__.get("_cidx")
        if idx is None:
            idx = self.__dict__["_cidx"] = {c.id: c for c in self.contacts.contacts}
        return idx

    def region_note(self, lang: str) -> str | None:
        """Until an organisation has its own contacts, say whose regional contacts these are."""
        return None if self.layered else self.t("region_note", lang)

    layered: bool = False

    def t(self, key: str, lang: str, **values: Any) -> str:
        """An interface text in the language, with `{name}` filled in."""
        text = self.ui.texts.get(key)
        s = text.get(lang) if text else key
        return s.format(**values) if values else s


def paths(protocol: str | None = None, contacts: str | None = None) -> tuple[str, str]:
    return (
        protocol or os.environ.get("SEXTING_PROTOCOL_FILE") or shipped("protocol.yaml"),
        contacts or os.environ.get("SEXTING_CONTACTS_FILE") or shipped("contacts.yaml"),
    )


_UI: tuple[Source, model.UI] | None = None


def _ui() -> tuple[Source, model.UI]:
    global _UI
    if _UI is None:
        src = read(shipped("ui.yaml"))
        _UI = (src, convert(src, model.UI))
    return _UI


def ui() -> model.UI:
    """The interface texts (read once: the command help needs them before anything else)."""
    return _ui()[1]


def load(protocol: str | None = None, contacts: str | None = None, layers: bool = True, env=None) -> Bundle:
    """Load and check the files in use; raise DataError naming every problem found."""
    ppath, cpath = paths(protocol, contacts)
    psrc, csrc = read(ppath), read(cpath)
    usrc, ui_ = _ui()
    cons = convert(csrc, model.Contacts)
    proto = convert(psrc, model.Protocol)
    problems = [csrc.problem(p, m) for p, m in model.check_contacts(cons)]
    problems += [psrc.problem(p, m) for p, m in model.check_protocol(proto, {c.id for c in cons.contacts})]
    if problems:
        raise DataError(problems)
    return Bundle(proto, cons, ui_, {"protocol": psrc, "contacts": csrc, "ui": usrc})


def missing_english(bundle: Bundle) -> list[Problem]:
    """Warnings: texts without English (Dutch is shown instead)."""
    out = []
    for name, obj in (("protocol", bundle.protocol), ("contacts", bundle.contacts), ("ui", bundle.ui)):
        src = bundle.sources[name]
        out += [src.problem(p, m) for p, m in model.missing_english(obj)]
    return out
