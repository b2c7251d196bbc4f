"""Finding and loading the data files into the typed model: YAML → (layers) → model, checked.

The base is the shipped data (`sexting_protocol/data`, built from the repository's `data/`) or
the complete files that `--protocol` / `--contacts` (or their environment variables) name. On
top come the organisation's layer files in the config folder (`contacts.yaml`, `protocol.yaml`):
an entry with a known id replaces the fields it gives, a new id is added, `remove: true` takes
an entry out. Every problem names its file, line and path (`DataError`), in whichever file it
comes from, with a code of the catalogue (`messages.py`) and a text in the user's language.

A layer is a hand-edited file that schools pass on, so it never locks anyone out: a layer with
any problem (syntax, a key, a type, a reference, a control character, a link to nothing, a
FIFO) is left out whole, the data without it is used, and the problems are on the bundle
(`Bundle.layer_problems`, `Bundle.layer_notice`) for the command line or the browser to show.
Nothing is guessed from a broken layer. A broken base file is an error (exit status 2).

The checked result is cached in the user cache folder, keyed by the content of every file that
went into it and sealed with a checksum of its own content; the cache is never needed for
correctness, and a bad, edited or missing one is ignored (and rebuilt).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any, Optional, TypeVar

import msgspec

from ..core import model
from ..core.errors import DataError, Problem
from .cache import cached, user_dir
from .paths import shipped

T = TypeVar("T")


def config_dir(environ=os.environ) -> Path:
    home = environ.get("SEXTING_PROTOCOL_HOME")
    return Path(home) if home else user_dir("config", environ)


class Source:
    """A file that was read: its text (kept to find lines) and its plain data."""

    __slots__ = ("path", "text", "raw", "_lines")

    def __init__(self, path: str, text: str, raw: Any, lines: Any = None):
        self.path, self.text, self.raw, self._lines = path, text, raw, lines

    def line(self, parts) -> int | None:
        if self._lines is None:
            from . import yamlio

            self._lines = yamlio.LineFinder(self.text)
        return self._lines.line(list(parts))

    def problem(self, parts, message: str) -> Problem:
        from ..text.catalogue import show

        shown = model.join_path([show(p) if isinstance(p, str) else p for p in parts])  # never echo a huge key
        if len(parts) > 12:  # a path down data nested too deep: its start and its end
            shown = f"{model.join_path(parts[:4])}…{model.join_path(['', *parts[-2:]])}"
        return Problem(self.path, self.line(parts), shown, message)

    def coded(self, parts, t, code: str, **values: Any) -> Problem:
        """The problem `code` of the catalogue at `parts`, worded by `t` (`text.Texts`), its code kept."""
        p = self.problem(parts, t(code, **values))
        p.code = code
        return p


def read(path: str, lang: str = "nl") -> Source:
    """A data file, read and parsed; its problems in the language (ui.yaml's texts)."""
    return _read(path, texts(lang))


def _read(path: str, t) -> Source:
    """A data file, read and parsed; its problems worded by `t` (yamlio.Texts)."""
    from . import yamlio

    content = yamlio.read_text(path, t)
    raw, nodes = yamlio.parse_nodes(content, path, t)
    return Source(path, content, raw, yamlio.LineFinder(content, nodes))


def _not_a_file(path: str) -> Optional[str]:
    """The code of why a layer path is not read: a link to nothing (an unmounted share), a loop
    of links, a folder or a FIFO (never opened: reading it would wait for a writer)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "SP209"
    except PermissionError:
        return "SP212"
    except OSError as e:
        return "SP210" if e.errno == errno.ELOOP else None  # anything else: reading it says what
    if not stat.S_ISREG(st.st_mode):
        return "SP211"
    return None if os.access(path, os.R_OK) else "SP212"


def _unreadable(path: str, lang: str) -> Optional[Problem]:
    code = _not_a_file(path)
    if code is None:
        return None
    from ..text import catalogue as messages

    return messages.problem(messages.in_file(path), [], code, {}, lang)


def read_layer(path: str, lang: str = "nl") -> Source:
    """A layer file, read only if it is a regular file; DataError names what is wrong."""
    problem = _unreadable(path, lang)
    if problem:
        raise DataError([problem])
    return read(path, lang)


def checked(src: Source, lang: str = "nl") -> Source:
    """The source, if its plain data holds no control character and is not nested too deep
    (both before any conversion: deep data would exhaust the converter's recursion)."""
    from ..core import checks

    found = checks.check_plain(src.raw)
    if found:
        from ..text import catalogue as messages

        raise DataError(messages.bounded(found, lambda f: messages.problem(src.problem, *f, lang), src.path, texts(lang)))
    return src


def convert(src: Source, typ: type[T], raw: Any = None, locate=None, lang: str = "nl") -> T:
    """Convert plain data to the model; a type error names its file and line (via `locate`
    for merged data)."""
    try:
        return msgspec.convert(src.raw if raw is None else raw, typ)
    except msgspec.ValidationError as e:
        from ..text import catalogue as messages
        from .yamlio import split_path

        message, _, where = str(e).partition(" - at `")
        data = src.raw if raw is None else raw
        parts = _msgspec_path(where.rstrip("`"), data, typ) if where else []
        parts, code, values = messages.from_msgspec(message, parts, typ)
        raise DataError([messages.problem(locate or src.problem, parts, code, values, lang)]) from None


def _msgspec_path(where: str, data: Any, typ: type) -> list:
    """The path msgspec names (`$.triage.ratings[...][5].at_least`) as keys and indexes, with
    the key of each mapping's value that msgspec writes as `[...]` found: the one half of the
    mapping's items that still fails, halved again (a few conversions, however big)."""
    from .yamlio import split_path

    heads = where.split("[...]")
    parts = split_path(heads[0])
    for i, tail in enumerate(heads[1:], 1):
        prefix = "[...]".join(heads[:i]) + "[...]"
        mapping = _at(data, parts)
        if not isinstance(mapping, dict) or not mapping:
            return parts  # the mapping itself, if its key cannot be found
        items = list(mapping.items())
        while len(items) > 1:
            half = items[: len(items) // 2]
            items = half if _fails_at(_replaced(data, parts, dict(half)), typ, prefix) else items[len(half):]
        parts = [*parts, items[0][0], *split_path(tail)]
    return parts


def _at(data: Any, parts: list) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _replaced(data: Any, parts: list, value: Any) -> Any:
    """A copy of data with the value at parts replaced (only the containers on the way copied)."""
    if not parts:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[parts[0]] = _replaced(data[parts[0]], parts[1:], value)
    return copy


def _fails_at(data: Any, typ: type, prefix: str) -> bool:
    try:
        msgspec.convert(data, typ)
    except msgspec.ValidationError as e:
        return str(e).partition(" - at `")[2].startswith(prefix)
    return False


class Bundle:
    """The data in use: protocol, contacts and interface texts, with where they came from."""

    def __init__(self, protocol: model.Protocol, contacts: model.Contacts,
                 conversations: Optional[model.Conversations] = None, layered: bool = False,
                 locators: Optional[dict[str, Any]] = None):
        self.protocol = protocol
        self.contacts = contacts
        # the guides for the conversations of step 3 and the letters (shipped; not layered)
        self.conversations = model.Conversations(conversations=[]) if conversations is None else conversations
        self.layered = layered  # the organisation's contacts layer is in use
        # "protocol", "contacts" → locate(path, message) -> Problem, in whichever file the path is
        self.locators: dict[str, Any] = locators or {}
        # layer files left out because of a problem, and their problems (see layer_notice)
        self.skipped: list[str] = []
        self.layer_problems: list[Problem] = []

    def contact(self, cid: str) -> model.Contact | None:
        idx = self.__dict__.get("_cidx")
        if idx is None:
            idx = self.__dict__["_cidx"] = {c.id: c for c in self.contacts.contacts}
        return idx.get(cid)

    def layer_notice(self, t) -> list[str]:
        """Two lines for each layer file left out: its first problem, then that the file is
        skipped and where to see every problem. Shown on stderr by every command but validate."""
        lines = []
        for path in self.skipped:
            own = [p for p in self.layer_problems if p.file == path] or self.layer_problems[:1]
            lines += [str(own[0])] if own else []
            lines.append(t("layer_skipped", file=path))
        return lines


def texts(lang: str):
    """The words object of a language, to word a problem with (the words layer, `text.Texts`:
    imported only when something is wrong, or when a caller gave no words of its own)."""
    from ..text.texts import Texts

    return Texts(lang)


def paths(protocol: str | None = None, contacts: str | None = None, environ=os.environ) -> tuple[str, str]:
    return (
        protocol or environ.get("SEXTING_PROTOCOL_FILE") or shipped("protocol.yaml"),
        contacts or environ.get("SEXTING_CONTACTS_FILE") or shipped("contacts.yaml"),
    )


def layer_paths(environ=os.environ) -> tuple[Optional[str], Optional[str]]:
    """The organisation's layer files that are there in any form: (protocol, contacts). A link
    to nothing or a FIFO counts too: it is a layer that cannot be read, and is said so. In a
    folder that may not be read neither is found: `folder_problem` says so."""
    folder = config_dir(environ)
    found = [folder / name for name in ("protocol.yaml", "contacts.yaml")]
    return tuple(str(p) if _there(p) else None for p in found)  # type: ignore[return-value]


def _there(path) -> bool:
    try:
        os.lstat(path)
        return True
    except OSError:
        return False


def folder_problem(environ=os.environ, lang: str = "nl") -> Optional[Problem]:
    """The config folder's problem, if its files cannot even be looked for (no permission to
    read it): without a word, the school's own contacts would silently be the region's."""
    folder = config_dir(environ)
    for name in ("protocol.yaml", "contacts.yaml"):
        try:
            os.lstat(folder / name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as e:  # EACCES, EIO, ...: whether the layer is there cannot be told
            from ..text import catalogue as messages

            return messages.problem(messages.in_file(str(folder)), [], "SP213", {"reason": e.strerror or e}, lang)
    return None


# --- layers ----------------------------------------------------------------------------------


def _key(entry: Any) -> Any:
    if isinstance(entry, dict):
        return entry.get("id", entry.get("number"))
    return None


def _scalar(key: Any) -> bool:
    """An id a merge can match: a text, or a whole number (a step's)."""
    return isinstance(key, (str, int)) and not isinstance(key, bool)


def _by_id(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_key(e) is not None for e in value)


# keys whose mapping is one whole thing (a condition, an answer → rating map, ...): a layer that
# gives one replaces it, never merges into it; so is each named condition under `conditions`
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
    value (`when`, `map`, ...) that a layer gives replaces the base's whole. Every problem of
    the layer's entries (no id, an id given twice, a `remove` that is not true or false, ...)
    is raised together."""

    def __init__(self, base: Source, layer: Source, stamp: Optional[str] = None, lang: str = "nl"):
        self.base, self.layer, self.stamp, self.lang = base, layer, stamp, lang
        self.origins: dict[tuple, tuple[Source, tuple]] = {}
        self.removed: dict[Any, tuple] = {}  # removed id → path in the layer
        self.problems: list[Problem] = []
        if not isinstance(layer.raw, dict):
            raise DataError([self.problem([], "SP201", {})])
        self.raw = self.mapping(base.raw, layer.raw, (), ())
        if self.problems:
            from ..text import catalogue as messages

            raise DataError(messages.bounded(self.problems, lambda p: p, layer.path, texts(lang)))

    def problem(self, parts, code: str, values: dict) -> Problem:
        from ..text import catalogue as messages

        return messages.problem(self.layer.problem, parts, code, values, self.lang)

    def mapping(self, base: dict, layer: dict, bpath: tuple, lpath: tuple, mpath: tuple = ()) -> dict:
        out = dict(base)
        for k, v in layer.items():
            here = (*mpath, k)
            if k in out and _container(k, out[k], v) and bpath[-1:] != ("conditions",):
                out[k] = self.mapping(out[k], v, (*bpath, k), (*lpath, k), here)
            elif k in out and _by_id(out[k]) and isinstance(v, list):
                out[k] = self.entries(out[k], v, (*bpath, k), (*lpath, k), here)
            else:
                out[k] = v
                self.origins[here] = (self.layer, (*lpath, k))
        return out

    def _changes(self, layer: list, lpath: tuple, known: dict) -> dict[Any, int]:
        """id → index of the layer's entry that changes, adds or removes it."""
        from ..text.catalogue import kind_of

        changes: dict[Any, int] = {}
        for li, entry in enumerate(layer):
            key, at = _key(entry), (*lpath, li)
            name = "id" if isinstance(entry, dict) and "id" in entry else "number"
            remove = entry.get("remove", False) if isinstance(entry, dict) else False
            if key is None:
                self.problems.append(self.problem(at, "SP202", {}))
            elif not _scalar(key):
                self.problems.append(self.problem((*at, name), "SP203", {
                    "key": name, "expected": ["text" if name == "id" else "whole_number"], "got": [kind_of(key)]}))
            elif key in changes:
                first = self.layer.line([*lpath, changes[key], name])
                self.problems.append(self.problem((*at, name), "SP204", {"id": key, "first": first}))
            elif not isinstance(remove, bool):
                self.problems.append(self.problem((*at, "remove"), "SP206", {"value": remove}))
            elif remove and key not in known:
                from ..core.model import suggest

                from .yamlio import MAX_PROBLEMS  # a suggestion only for those shown

                near = suggest(key, known) if len(self.problems) < MAX_PROBLEMS else {}
                self.problems.append(self.problem(at, "SP205", {"id": key, **near}))
            else:
                if remove:
                    self.removed[key] = at
                changes[key] = li
        return changes

    def entries(self, base: list, layer: list, bpath: tuple, lpath: tuple, mpath: tuple) -> list:
        """Entries merged by id: changed in place, added at the end, or removed."""
        keys = [k if _scalar(k) else None for k in map(_key, base)]  # a bad id in the base: its own error
        known = {k: i for i, k in enumerate(keys) if k is not None}
        changes = self._changes(layer, lpath, known)
        order = [(i, changes.get(k)) for i, k in enumerate(keys) if k is None or k not in self.removed]
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


def _layered(base: Source, layer_path: Optional[str], stamp: Optional[str], lang: str):
    """(raw data, locate, merge or None) of a base file with its layer, if any."""
    if not layer_path:
        return base.raw, base.problem, None
    m = Merge(base, checked(read_layer(layer_path, lang), lang), stamp, lang)
    return m.raw, m.locate, m


_UNKNOWN_REFS = frozenset(f"SP30{n}" for n in range(1, 10))  # an unknown question, option, contact, ...


def _load(protocol: Optional[str], contacts: Optional[str], layers: dict[str, str], lang: str, environ) -> Bundle:
    """The files in use, merged and checked; DataError names every problem of the checks."""
    from ..core import checks
    from ..text import catalogue as messages

    ppath, cpath = paths(protocol, contacts, environ)
    psrc, csrc = checked(read(ppath, lang), lang), checked(read(cpath, lang), lang)
    craw, clocate, cmerge = _layered(csrc, layers.get("contacts"), "contacts", lang)
    praw, plocate, pmerge = _layered(psrc, layers.get("protocol"), None, lang)
    cons = convert(csrc, model.Contacts, craw, clocate, lang)
    proto = convert(psrc, model.Protocol, praw, plocate, lang)
    for c in cons.contacts:
        if c.source_file is None:
            c.source_file = cpath

    def say(locate, parts, code: str, values: dict) -> Problem:
        return messages.problem(locate, parts, code, values, lang)

    problems = [say(clocate, p, c, v) for p, c, v in checks.check_contacts(cons)]
    index = {c.id: i for i, c in enumerate(cons.contacts)}
    # a layer that removes an entry, or makes a contact historical, that the protocol refers to:
    # one problem at the layer's line, naming every place that refers to it
    referred: dict[tuple, list[Problem]] = {}
    for p, code, values in checks.check_protocol(proto, cons):
        cid = values.get("value")
        took = cmerge if code == "SP303" else pmerge  # the merge whose layer may have taken it out
        if took and code in _UNKNOWN_REFS and cid in took.removed:
            referred.setdefault((took.layer.problem, tuple(took.removed[cid]), "SP207", cid), []).append(plocate(p, ""))
        elif cmerge and code == "SP312" and clocate(["contacts", index[cid], "historical"], "").file == cmerge.layer.path:
            # the layer made a routed contact historical: the problem is the layer's line
            at = ("contacts", index[cid], "historical")
            referred.setdefault((clocate, at, "SP208", cid), []).append(plocate(p, ""))
        else:
            problems.append(say(plocate, p, code, values))
    for (locate, at, code, cid), refs in sorted(referred.items(), key=lambda x: list(map(str, x[0][1]))):
        problems.append(say(locate, list(at), code, {"id": cid, "where": _places(refs, lang)}))
    if problems:
        raise DataError(messages.bounded(problems, lambda p: p, ppath, texts(lang)))
    return Bundle(proto, cons, _conversations(proto, cons, lang), layered="contacts" in layers,
                  locators={"protocol": plocate, "contacts": clocate})


def _conversations(proto: model.Protocol, cons: model.Contacts, lang: str) -> model.Conversations:
    """The shipped guides and letters, checked against the protocol and contacts in use (a
    layer that removes a condition or contact they name is refused, as for the plan)."""
    from ..core import checks
    from ..text import catalogue as messages

    src = checked(read(shipped("conversations.yaml"), lang), lang)
    conv = convert(src, model.Conversations, lang=lang)
    problems = [messages.problem(src.problem, p, c, v, lang) for p, c, v in checks.check_conversations(conv, proto, cons)]
    if problems:
        raise DataError(messages.bounded(problems, lambda p: p, src.path, texts(lang)))
    return conv


def _places(refs: list[Problem], lang: str, most: int = 6) -> str:
    """The places that refer to something, whole: `protocol.yaml:12, 40, 77 en nog 30`."""
    lines: dict[str, list] = {}
    for ref in refs:
        lines.setdefault(ref.file, [])
        if ref.line and ref.line not in lines[ref.file]:
            lines[ref.file].append(ref.line)
    shown, count = [], 0
    for file, found in lines.items():
        found.sort()
        room = max(0, most - count)
        count += len(found)
        if room or not shown:
            shown.append(f"{file}:{', '.join(map(str, found[:room or 1]))}" if found else file)
    text = "; ".join(shown)
    if count > most:
        text += " " + texts(lang).word("more_places").format(n=count - most)
    return text


def _bundle(protocol, contacts, layers: dict[str, str], lang: str, environ, cache: bool) -> Bundle:
    if not cache:
        return _load(protocol, contacts, layers, lang, environ)
    ppath, cpath = paths(protocol, contacts, environ)
    files = [ppath, cpath, layers.get("protocol", ""), layers.get("contacts", ""), shipped("conversations.yaml")]
    proto, cons, conv, layered = cached(
        files, tuple[model.Protocol, model.Contacts, model.Conversations, bool],
        lambda: (lambda b: (b.protocol, b.contacts, b.conversations, b.layered))(
            _load(protocol, contacts, layers, lang, environ)),
        environ)
    return Bundle(proto, cons, conv, layered=layered)


def load(protocol: str | None = None, contacts: str | None = None, layers: bool = True, env=None,
         cache: bool = True, environ=None, lang: Optional[str] = None) -> Bundle:
    """Load and check the files in use; a problem in a base file raises DataError naming every
    problem found. A layer file with a problem is left out: the bundle holds the data without it,
    with the file in `skipped` and its problems in `layer_problems` (shown by `layer_notice`).
    A layer that fails only together with the other is left out too (the protocol's first: it
    is the one that refers to the other). A failed try is never cached."""
    environ = environ if environ is not None else env.environ if env is not None else os.environ
    lang = lang or (env.lang if env is not None else "nl")
    found = dict(zip(("protocol", "contacts"), layer_paths(environ))) if layers else {}
    active = {name: path for name, path in found.items() if path}
    skipped: list[str] = []
    problems: list[Problem] = []
    unreadable = folder_problem(environ, lang) if layers else None
    if unreadable is not None:
        skipped.append(unreadable.file)
        problems.append(unreadable)
    for name, path in list(active.items()):  # before the cache reads it: a FIFO would block
        problem = _unreadable(path, lang)
        if problem:
            skipped.append(active.pop(name))
            problems.append(problem)
    while True:
        try:
            bundle = _bundle(protocol, contacts, active, lang, environ, cache)
        except DataError as e:
            if not active:
                raise
            blamed = [n for n, p in active.items() if any(x.file == p for x in e.problems)] or [next(iter(active))]
            skipped += [active.pop(n) for n in blamed]
            problems += e.problems
            continue
        bundle.skipped, bundle.layer_problems = skipped, problems
        return bundle


def missing_english(bundle: Bundle, lang: str = "nl") -> list[Problem]:
    """Warnings: texts without English (Dutch is shown instead)."""
    from ..core import checks
    from ..text import catalogue as messages

    out = []
    for name, obj in (("protocol", bundle.protocol), ("contacts", bundle.contacts)):
        locate = bundle.locators.get(name)
        if locate is not None:
            out += [messages.problem(locate, p, c, v, lang) for p, c, v in checks.missing_english(obj)]
    return out
