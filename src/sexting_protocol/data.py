"""Finding and loading the data files into the typed model: YAML → (layers) → model, checked.

The base is the shipped data (`sexting_protocol/data`, built from the repository's `data/`) or
the complete files that `--protocol` / `--contacts` (or their environment variables) name. On
top come the organisation's layer files in the config folder (`contacts.yaml`, `protocol.yaml`):
an entry with a known id replaces the fields it gives, a new id is added, `remove: true` takes
an entry out. Every problem names its file, line and path (`DataError`), in whichever file it
comes from.

The checked result is cached in the user cache folder, keyed by the content of every file that
went into it; the cache is never needed for correctness, and a bad or missing one is ignored.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, TypeVar

import msgspec

from . import __version__, model
from .errors import DataError, Problem

T = TypeVar("T")
APP = "sexting-protocol"


def data_dir() -> Path:
    here = Path(__file__).resolve().parent
    installed = here / "data"
    return installed if installed.is_dir() else here.parent.parent / "data"


def shipped(name: str) -> str:
    return str(data_dir() / name)


def _user_dir(kind: str, environ) -> Path:
    """platformdirs' config or cache folder; on Linux worked out here (saves its import)."""
    if sys.platform.startswith("linux"):
        xdg = environ.get("XDG_CONFIG_HOME" if kind == "config" else "XDG_CACHE_HOME")
        base = Path(xdg) if xdg else Path.home() / (".config" if kind == "config" else ".cache")
        return base / APP
    import platformdirs

    return Path(platformdirs.user_config_dir(APP) if kind == "config" else platformdirs.user_cache_dir(APP))


def config_dir(environ=os.environ) -> Path:
    home = environ.get("SEXTING_PROTOCOL_HOME")
    return Path(home) if home else _user_dir("config", environ)


def cache_dir(environ=os.environ) -> Optional[Path]:
    home = environ.get("SEXTING_PROTOCOL_CACHE")
    if home == "off":
        return None
    if home:
        return Path(home)
    try:
        if not Path.home().is_dir():
            return None  # a HOME that does not exist is never made for a cache
    except (RuntimeError, OSError):  # no home at all
        return None
    return _user_dir("cache", environ)


@dataclass
class Source:
    """A file that was read: its text (kept to find lines) and its plain data."""

    path: str
    text: str
    raw: Any
    _lines: Any = None

    def line(self, parts) -> int | None:
        if self._lines is None:
            from . import yamlio

            self._lines = yamlio.LineFinder(self.text)
        return self._lines.line(list(parts))

    def problem(self, parts, message: str) -> Problem:
        shown = [p[:39] + "…" if isinstance(p, str) and len(p) > 40 else p for p in parts]  # never echo a huge key
        return Problem(self.path, self.line(parts), model.join_path(shown), message)


def read(path: str) -> Source:
    from . import yamlio

    text = yamlio.read_text(path)
    return Source(path, text, yamlio.parse(text, path))


def convert(src: Source, typ: type[T], raw: Any = None, locate=None) -> T:
    """Convert plain data to the model; a type error names its file and line (via `locate`
    for merged data)."""
    try:
        return msgspec.convert(src.raw if raw is None else raw, typ)
    except msgspec.ValidationError as e:
        from .yamlio import split_path

        message, _, where = str(e).partition(" - at `")
        parts = split_path(where.rstrip("`")) if where else []
        unknown = re.match(r"Object contains unknown field `(.+)`$", message)
        if unknown:  # point at the key itself: it may stand in a layer on top of the object
            parts.append(unknown.group(1))
        raise DataError([(locate or src.problem)(parts, message)]) from None


@dataclass
class Bundle:
    """The data in use: protocol, contacts and interface texts, with where they came from."""

    protocol: model.Protocol
    contacts: model.Contacts
    ui: model.UI
    layered: bool = False
    # "protocol", "contacts" → locate(path, message) -> Problem, in whichever file the path is
    locators: dict[str, Any] = field(default_factory=dict)

    def contact(self, cid: str) -> model.Contact | None:
        idx = self.__dict__.get("_cidx")
        if idx is None:
            idx = self.__dict__["_cidx"] = {c.id: c for c in self.contacts.contacts}
        return idx.get(cid)

    def region_note(self, lang: str) -> str | None:
        """Until an organisation has its own contacts, say whose regional contacts these are."""
        return None if self.layered else self.t("region_note", lang)

    def t(self, key: str, lang: str, **values: Any) -> str:
        """An interface text in the language, with `{name}` filled in."""
        text = self.ui.texts.get(key)
        s = text.get(lang) if text else key
        return s.format(**values) if values else s


def paths(protocol: str | None = None, contacts: str | None = None, environ=os.environ) -> tuple[str, str]:
    return (
        protocol or environ.get("SEXTING_PROTOCOL_FILE") or shipped("protocol.yaml"),
        contacts or environ.get("SEXTING_CONTACTS_FILE") or shipped("contacts.yaml"),
    )


def layer_paths(environ=os.environ) -> tuple[Optional[str], Optional[str]]:
    """The organisation's layer files that exist: (protocol, contacts)."""
    folder = config_dir(environ)
    found = [folder / name for name in ("protocol.yaml", "contacts.yaml")]
    return tuple(str(p) if p.is_file() else None for p in found)  # type: ignore[return-value]


# --- interface texts -------------------------------------------------------------------------

_UI: Optional[model.UI] = None


def ui(environ=os.environ) -> model.UI:
    """The interface texts, read once (the command help needs them before anything else)."""
    global _UI
    if _UI is None:
        path = shipped("ui.yaml")
        _UI = _cached([path], model.UI, lambda: convert(read(path), model.UI), environ)
    return _UI


# --- layers ----------------------------------------------------------------------------------


def _key(entry: Any) -> Any:
    if isinstance(entry, dict):
        return entry.get("id", entry.get("number"))
    return None


def _by_id(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_key(e) is not None for e in value)


# keys whose mapping is one whole thing (a condition, an answer → rating map, ...): a layer that
# gives one replaces it, never merges into it
_WHOLE = frozenset({"when", "urgent", "map", "raise", "alert", "out_of_scope"})
_LANGS = frozenset({"nl", "en"})


def _is_text(value: Any) -> bool:
    """A Text ({nl, en}): a layer's text replaces the base's, so no stale English is kept."""
    return isinstance(value, dict) and bool(value) and set(value) <= _LANGS


def _container(key: Any, base: Any, layer: Any) -> bool:
    """Merged key by key: a struct-like mapping (the file root, `triage`, `leaflet`, `ratings`,
    `images_rule`, ...), but not a Text nor a condition-like value (see _WHOLE)."""
    return (isinstance(base, dict) and isinstance(layer, dict) and key not in _WHOLE
            and not _is_text(base) and not _is_text(layer))


class Merge:
    """A base file with a layer on top, remembering where every merged piece came from.

    Containers are merged key by key and lists of entries by id; a Text or a condition-like
    value (`when`, `map`, ...) that a layer gives replaces the base's whole."""

    def __init__(self, base: Source, layer: Source, stamp: Optional[str] = None):
        self.base, self.layer, self.stamp = base, layer, stamp
        self.origins: dict[tuple, tuple[Source, tuple]] = {}
        self.removed: dict[Any, tuple] = {}  # removed id → path in the layer
        if not isinstance(layer.raw, dict):
            raise DataError([layer.problem([], "a layer file is a mapping, like the file it changes")])
        self.raw = self.mapping(base.raw, layer.raw, (), ())

    def mapping(self, base: dict, layer: dict, bpath: tuple, lpath: tuple, mpath: tuple = ()) -> dict:
        out = dict(base)
        for k, v in layer.items():
            here = (*mpath, k)
            if k in out and _container(k, out[k], v):
                out[k] = self.mapping(out[k], v, (*bpath, k), (*lpath, k), here)
            elif k in out and _by_id(out[k]) and isinstance(v, list):
                out[k] = self.entries(out[k], v, (*bpath, k), (*lpath, k), here)
            else:
                out[k] = v
                self.origins[here] = (self.layer, (*lpath, k))
        return out

    def entries(self, base: list, layer: list, bpath: tuple, lpath: tuple, mpath: tuple) -> list:
        """Entries merged by id: changed in place, added at the end, or removed."""
        known = {_key(e): i for i, e in enumerate(base)}
        changes: dict[Any, int] = {}
        for li, entry in enumerate(layer):
            key = _key(entry)
            if key is None:
                raise DataError([self.layer.problem([*lpath, li], "an entry in a layer needs its `id`")])
            if entry.get("remove") is True:
                if key not in known:
                    raise DataError([self.layer.problem([*lpath, li], f"removes {key!r}, which does not exist")])
                self.removed[key] = (*lpath, li)
            changes[key] = li
        order = [(i, changes.get(_key(e))) for i, e in enumerate(base) if _key(e) not in self.removed]
        order += [(None, li) for key, li in changes.items() if key not in known]
        out = []
        for j, (i, li) in enumerate(order):
            here = (*mpath, j)
            if i is None:  # new in the layer
                entry = self._stamped({k: v for k, v in layer[li].items() if k != "remove"})
                self.origins[here] = (self.layer, (*lpath, li))
            else:
                self.origins[here] = (self.base, (*bpath, i))
                entry = base[i]
                if li is not None:
                    change = {k: v for k, v in layer[li].items() if k != "remove"}
                    entry = self._stamped(self.mapping(entry, change, (*bpath, i), (*lpath, li), here))
            out.append(entry)
        return out

    def _stamped(self, entry: dict) -> dict:
        if self.stamp:
            entry["source_file"] = self.layer.path
        return entry

    def locate(self, parts: list, message: str) -> Problem:
        """The file and line of a path in the merged data."""
        parts = list(parts)
        for n in range(len(parts), 0, -1):
            hit = self.origins.get(tuple(parts[:n]))
            if hit:
                src, at = hit
                return src.problem([*at, *parts[n:]], message)
        return self.base.problem(parts, message)


def _layered(base: Source, layer_path: Optional[str], stamp: Optional[str] = None):
    """(raw data, locate, merge or None) of a base file with its layer, if any."""
    if not layer_path:
        return base.raw, base.problem, None
    m = Merge(base, read(layer_path), stamp)
    return m.raw, m.locate, m


_UNKNOWN_REF = re.compile(r"unknown contact '([^']+)'")


def _load(protocol: Optional[str], contacts: Optional[str], layers: bool, environ) -> Bundle:
    ppath, cpath = paths(protocol, contacts, environ)
    lproto, lcontacts = layer_paths(environ) if layers else (None, None)
    psrc, csrc = read(ppath), read(cpath)
    craw, clocate, cmerge = _layered(csrc, lcontacts, stamp="contacts")
    praw, plocate, _ = _layered(psrc, lproto)
    cons = convert(csrc, model.Contacts, craw, clocate)
    proto = convert(psrc, model.Protocol, praw, plocate)
    for c in cons.contacts:
        if c.source_file is None:
            c.source_file = cpath
    problems = [clocate(p, m) for p, m in model.check_contacts(cons)]
    for p, m in model.check_protocol(proto, cons):
        ref = _UNKNOWN_REF.search(m)
        if cmerge and ref and ref.group(1) in cmerge.removed:
            problems.append(cmerge.layer.problem(cmerge.removed[ref.group(1)],
                                                 f"removes contact {ref.group(1)!r}, but the protocol refers to it "
                                                 f"({psrc.path}:{psrc.line(p)} at {model.join_path(p)})"))
        else:
            problems.append(plocate(p, m))
    if problems:
        raise DataError(problems)
    return Bundle(proto, cons, ui(environ), layered=bool(lcontacts), locators={"protocol": plocate, "contacts": clocate})


def load(protocol: str | None = None, contacts: str | None = None, layers: bool = True, env=None,
         cache: bool = True) -> Bundle:
    """Load and check the files in use; raise DataError naming every problem found."""
    environ = env.environ if env is not None else os.environ
    if not cache:
        return _load(protocol, contacts, layers, environ)
    ppath, cpath = paths(protocol, contacts, environ)
    lproto, lcontacts = layer_paths(environ) if layers else (None, None)
    files = [ppath, cpath, lproto or "", lcontacts or ""]
    proto, cons, layered = _cached(
        files, tuple[model.Protocol, model.Contacts, bool],
        lambda: (lambda b: (b.protocol, b.contacts, b.layered))(_load(protocol, contacts, layers, environ)),
        environ)
    return Bundle(proto, cons, ui(environ), layered=layered)


def missing_english(bundle: Bundle) -> list[Problem]:
    """Warnings: texts without English (Dutch is shown instead)."""
    out = []
    for name, obj in (("protocol", bundle.protocol), ("contacts", bundle.contacts)):
        locate = bundle.locators.get(name)
        if locate is not None:
            out += [locate(p, m) for p, m in model.missing_english(obj)]
    return out


# --- the cache -------------------------------------------------------------------------------


try:  # the builtin module: hashlib would load OpenSSL first, a few ms of every start
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b as _blake2b


def _cached(files: list[str], typ: Any, build, environ=os.environ):
    """build() once per content of `files`; afterwards decoded from the cache (msgpack)."""
    folder = cache_dir(environ)
    if folder is None:
        return build()
    try:
        shape = os.stat(model.__file__)  # a changed model (in a checkout) never reads an old cache
        h = _blake2b(f"{__version__}\0{typ!r}\0{shape.st_mtime_ns}\0{shape.st_size}".encode())
        for f in files:
            h.update(f.encode() + b"\0")
            if f:
                with open(f, "rb") as fh:  # bounded (/dev/zero): over yamlio.MAX_BYTES is refused anyway
                    h.update(fh.read(1 << 21))
    except OSError:
        return build()  # no model file to key on, or a data file the normal path reports
    path = folder / f"{h.hexdigest()[:32]}.msgpack"
    try:
        return msgspec.msgpack.decode(path.read_bytes(), type=typ)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        pass
    value = build()
    tmp = None
    try:
        import tempfile

        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # others cannot put a cache in it
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(msgspec.msgpack.encode(value))
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:  # writing failed: never leave a half-written file behind
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return value
