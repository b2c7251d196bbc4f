"""Reading YAML and JSON files: one reader for every front (answers, data files, layers, cases).

What it guarantees: at most MAX_BYTES are read (whatever stat says: /dev/zero, a pipe, standard
input as `-`); the text is UTF-8 (or UTF-16 with its byte-order mark, as Windows tools write it),
and a byte that is not is named by its line; YAML 1.2-like scalars (`020` and `0x10` are text, not
octal or hex numbers; no dates, no base-60); an explicit tag (`!!int 021`, `!!float 15`, `!foo`)
is refused unless the value reads the same without it, so no tag changes how a value is read; a
key given twice is refused, also when two merges (`<<`) give it; and no file holds, or expands
through its anchors and aliases to, more than MAX_NODES values. A file with problems of the same
kind names the first MAX_PROBLEMS (`bounded`), so refusing any file stays quick and short.

Loading is the fast path: libyaml when present, then msgspec converts the plain data into the
typed model. Only when something is wrong is the file composed again to find the line of the
path that msgspec or a check names.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import sys
from typing import IO, Any, Callable, Optional

import yaml

from ..core.errors import DataError, Problem, os_reason, printable, shorten
from ..core.model import join_path

MAX_BYTES = 1_000_000
MAX_NODES = 100_000  # values after expanding aliases; the shipped protocol has under 5,000
MAX_PROBLEMS = 10  # problems named of one file; the rest are counted (a file of 50,000 unknown keys)
STDIN = "-"
STDIN_NAME = "<stdin>"
Texts = Callable[..., str]  # (key or code, **values) → a text of the catalogue in the chosen language

try:  # the C loader is about ten times faster
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


def plain(key: str, **values: Any) -> str:
    """A problem named without the interface texts: for the shipped files that hold them
    (ui.yaml, messages.yaml), which cannot be worded by themselves. Every other caller passes
    the texts in the user's language (`data.texts(lang)`)."""
    return f"{key} {values}"


def coded(file: str, line: Optional[int], where: str, t: Texts, code: str, **values: Any) -> Problem:
    """A problem of a file, worded by `t` from its code in the catalogue (messages.yaml), the
    code kept beside it."""
    return Problem(file, line, where, t(code, **values), code)


def show(value: Any, limit: int = 40) -> str:
    """A value as it may be echoed back: short, never a nested structure, in YAML's own words
    (the same in every language): `{…}` a mapping, `[…]` a list, `null`, `true`, `false`."""
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return shorten(repr(value) if isinstance(value, str) else printable(str(value)), limit)


def display_name(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


# --- reading: bounded, decoded, every character one a text file may hold ----------------------

_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_NOT_IN_TEXT = yaml.reader.Reader.NON_PRINTABLE  # what YAML refuses: NUL and other control characters


def read_text(path: str, t: Texts, stdin: Optional[IO] = None) -> str:
    """The text of a file, or of standard input when path is `-` (stdin, else sys.stdin)."""
    name = display_name(path)

    def refused(code: str, line: Optional[int] = None, **values: Any) -> DataError:
        return DataError([coded(name, line, "", t, code, **values)])

    try:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin
            if stream is None:  # started with standard input closed (`<&-`)
                raise refused("SP702")
            try:
                raw = getattr(stream, "buffer", stream).read(MAX_BYTES + 1)
            except ValueError:  # a closed file
                raise refused("SP702") from None
            except OSError as e:
                if e.errno == errno.EBADF:  # a closed descriptor
                    raise refused("SP702") from None
                raise
            if isinstance(raw, str):  # a text stream without bytes beneath (as in tests)
                raw = raw.encode("utf-8", "surrogatepass")
        elif os.path.isdir(path):
            raise refused("SP703")
        else:
            with open(path, "rb") as f:
                raw = f.read(MAX_BYTES + 1)  # never more, whatever the size says (/dev/zero, a pipe)
    except FileNotFoundError:
        raise refused("SP701") from None
    except OSError as e:
        raise refused("SP704", reason=os_reason(e, t, reading=True)) from None
    if len(raw) > MAX_BYTES:
        raise refused("SP705", mb=MAX_BYTES // 1_000_000)
    try:
        encoding = "utf-16" if raw.startswith(_UTF16) else "utf-8-sig"  # Notepad and PowerShell write these
        text = raw.decode(encoding)
    except UnicodeDecodeError as e:
        line = raw[: e.start].decode(encoding, "replace").count("\n") + 1
        raise refused("SP706", line) from None
    bad = _NOT_IN_TEXT.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        char = bad.group()
        raise refused("SP707" if char == "\0" else "SP708", line, char=f"U+{ord(char):04X}")
    return text


# --- parsing: YAML 1.2-like scalars, keys once, a bounded expansion ----------------------------

_YAML = "tag:yaml.org,2002:"
_INT_TAG, _FLOAT_TAG, _STR_TAG, _MAP_TAG, _SEQ_TAG, _MERGE_TAG = (
    _YAML + t for t in ("int", "float", "str", "map", "seq", "merge"))
# YAML 1.1's implicit types that YAML 1.2 dropped: dates, `=` and the numbers redefined below
_DROPPED = {_INT_TAG, _FLOAT_TAG, _YAML + "timestamp", _YAML + "value", _YAML + "yaml"}


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that reads whole numbers in decimal only (YAML 1.1 reads `020` as octal 16,
    `0x10` as hex and `1:20` as 80; here they stay text), dates as text; that refuses an
    explicit tag that would read a value otherwise than it reads without one, a key given twice
    (PyYAML keeps the last one silently), also through merges, a key that is a list or mapping,
    and a file of more than MAX_NODES values, its aliases expanded."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()}
    name = ""
    text = ""
    t: Texts = staticmethod(plain)  # parse_nodes gives the caller's

    def problem(self, node: yaml.Node, code: str, **values: Any) -> DataError:
        return DataError([coded(self.name, node.start_mark.line + 1, "", self.t, code, **values)])

    root: Optional[yaml.Node] = None
    composed = 0  # nodes composed so far

    def resolve(self, kind, value, implicit):  # type: ignore[no-untyped-def]
        """The implicit tag of each node as it is composed: counted, so that a file of more than
        MAX_NODES values is refused before all of it is composed (half a million in 1 MB)."""
        self.composed += 1
        if self.composed > MAX_NODES:
            raise DataError([coded(self.name, None, "", self.t, "SP716", limit=MAX_NODES)])
        return super().resolve(kind, value, implicit)

    def get_single_data(self):  # type: ignore[no-untyped-def]
        node = self.root = self.get_single_node()
        if node is None:
            return None
        if self.check_nodes(node):
            self.check_size(node)
        self._flat: dict[int, list] = {}
        return self.construct_document(node)

    def check_nodes(self, root: yaml.Node) -> bool:
        """Every node once: its tag, its keys, and that there are at most MAX_NODES; True when
        a node is reached twice (an alias), so the values it expands to must be counted."""
        seen: set[int] = set()
        stack = [root]
        shared = False
        while stack:
            node = stack.pop()
            if id(node) in seen:
                shared = True
                continue
            seen.add(id(node))
            if node.tag != _STR_TAG:
                self.check_tag(node)
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if not isinstance(key, yaml.ScalarNode):
                        raise self.problem(key, "SP713")
                    stack.append(key)
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value
        if len(seen) > MAX_NODES:
            raise self.problem(root, "SP716", limit=MAX_NODES)
        return shared

    def check_size(self, root: yaml.Node) -> None:
        """The number of values the document expands to through its aliases, counted once per
        node (so an alias bomb costs no more to count than its text), without recursion."""
        size: dict[int, int] = {}
        open_: set[int] = set()  # the nodes being counted: their ancestors, for an alias inside itself
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, counted = stack.pop()
            kids: list = ([c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode)
                          else node.value if isinstance(node, yaml.SequenceNode) else [])
            if counted:
                open_.discard(id(node))
                size[id(node)] = n = 1 + sum(size[id(c)] for c in kids)
                if n > MAX_NODES:
                    raise self.problem(node, "SP715", limit=MAX_NODES)
                continue
            if id(node) in size:
                continue
            if id(node) in open_:
                raise self.problem(node, "SP714")
            open_.add(id(node))
            stack.append((node, True))
            stack += [(c, False) for c in kids]

    def check_tag(self, node: yaml.Node) -> None:
        """An explicit tag is refused unless the value reads the same without it: `!!int 021`
        (octal 17), `!!int 0x1f`, `!!int 1:20`, `!!float 15`, `!!bool 1`, `!!set`, `!foo`. Text
        (`!!str 15`) is always allowed: it never makes a value into anything but text."""
        if isinstance(node, yaml.ScalarNode):
            ok = node.tag == _STR_TAG or node.tag == _Base.resolve(self, yaml.ScalarNode, node.value, (True, False))
        else:
            ok = node.tag == (_MAP_TAG if isinstance(node, yaml.MappingNode) else _SEQ_TAG)
        if not ok:
            tag = "!!" + node.tag[len(_YAML):] if node.tag.startswith(_YAML) else node.tag
            line = node.start_mark.line + 1
            raise DataError([coded(self.name, line, join_path(_path_at(self.text, line - 1)), self.t, "SP717",
                                   tag=printable(tag[:40]))])

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        """A mapping with its merges (`<<`), as PyYAML merges them but without changing the nodes
        in place; a key given twice, or given by two merges and not by the mapping itself, is
        refused (a key of the mapping itself overrides a merged one)."""
        if not isinstance(node, yaml.MappingNode):
            return super().construct_mapping(node, deep=deep)
        return {self.value(k): self.value(v, deep) for k, v in self.flat(node)}

    def value(self, node: yaml.Node, deep: bool = False) -> Any:
        """A node's value; a text directly (most of a big file: a third of the time to read it)."""
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value
        return self.construct_object(node, deep=deep)

    def flat(self, node: yaml.MappingNode) -> list:
        """The (key, value) nodes of a mapping, its merged keys first (each merged node once)."""
        done = self._flat.get(id(node))
        if done is not None:
            return done
        own: dict[Any, int] = {}  # key → its line in this mapping
        merges = []
        pairs = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append((key_node.start_mark.line + 1, value_node))
                continue
            line, key = key_node.start_mark.line + 1, self.value(key_node)
            if key in own:
                self.twice("SP712", line, name=show(key), first=own[key])
            own[key] = line
            pairs.append((key_node, value_node))
        merged: dict[Any, tuple[yaml.Node, yaml.Node, int]] = {}  # key → (key node, value node, line)
        for line, value_node in merges:
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.problem(source, "SP718")
                for k_node, v_node in self.flat(source):
                    key = self.value(k_node)
                    first = merged.get(key)
                    if first is not None and first[1] is not v_node and key not in own:
                        self.twice("SP719", line, name=show(key), first=first[2])
                    merged.setdefault(key, (k_node, v_node, line))
        pairs = [(k, v) for key, (k, v, _) in merged.items() if key not in own] + pairs
        self._flat[id(node)] = pairs
        return pairs

    def twice(self, code: str, line: int, **values: Any) -> None:
        where = join_path(_path_at(self.text, line - 1))
        raise DataError([coded(self.name, line, where, self.t, code, **values)])


_Loader.add_implicit_resolver(_INT_TAG, re.compile(r"^-?(?:0|[1-9][0-9]{0,17})$"), list("-0123456789"))
# decimal fractions only (YAML 1.1 also reads `1:20.5` as 80.5 and `1_5.0` as 15.0)
_Loader.add_implicit_resolver(
    _FLOAT_TAG, re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def read_shipped(path: str) -> Any:
    """A data file shipped with the tool, as plain data; its problems are named without the
    interface texts (they may be what is being read)."""
    return parse(read_text(path, plain), path, plain)


def parse(text: str, path: str, t: Texts) -> Any:
    """Parse YAML (JSON is read as YAML too); every problem names its line."""
    return parse_nodes(text, path, t)[0]


def parse_nodes(text: str, path: str, t: Texts) -> tuple[Any, Optional[yaml.Node]]:
    """The data and the composed nodes it was read from (for a LineFinder, so that a file with
    problems is not composed twice)."""
    loader = _Loader(text)
    loader.name, loader.text, loader.t = display_name(path), text, t
    try:
        return loader.get_single_data(), loader.root
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(x for x in (e.context, e.problem) if x)
        where = join_path(_path_at(text, mark.line)) if isinstance(e, yaml.constructor.ConstructorError) and mark else ""
        raise DataError([coded(loader.name, line, where, t, "SP711", what=what[:200])]) from None
    except (yaml.YAMLError, ValueError, OverflowError) as e:  # ValueError: an explicit tag such as `!!int x`
        raise DataError([coded(loader.name, None, "", t, "SP711", what=str(e)[:200])]) from None
    finally:
        loader.dispose()


_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """`$.steps[2].checklist` → ['steps', 2, 'checklist']."""
    return [int(i) if i else k for k, i in _SEGMENT.findall(path.lstrip("$"))]


class LineFinder:
    """Finds the line of a path in a YAML text, composing the text only when first asked."""

    def __init__(self, text: str, root: Optional[yaml.Node] = None):
        self.text = text
        self._root: yaml.Node | None = root
        self._done = root is not None
        self._keys: dict[int, dict[str, yaml.Node]] = {}  # id of a mapping → its keys' values

    def _child(self, node: yaml.Node, part: str | int) -> yaml.Node | None:
        """As _child, with each mapping's keys indexed once: finding the lines of many keys of a
        big mapping costs no more than reading it."""
        if not isinstance(node, yaml.MappingNode):
            return _child(node, part)
        keys = self._keys.get(id(node))
        if keys is None:
            keys = self._keys[id(node)] = {}
            for k, v in reversed(node.value):  # the first of a key given twice
                keys[k.value] = v
        found = keys.get(str(part))
        return found if found is not None else _child(node, part, own=False)

    def line(self, parts: list[str | int]) -> int | None:
        if not self._done:
            self._done = True
            try:
                self._root = yaml.compose(self.text, Loader=_Base)
            except yaml.YAMLError:
                self._root = None
        node, best = self._root, None
        for part in parts:
            if node is None:
                break
            best = node.start_mark.line + 1
            node = self._child(node, part)
        if node is not None:
            best = node.start_mark.line + 1
        return best


def _path_at(text: str, line: int) -> list[str | int]:
    """The path of the key that starts on a line (0-based), for errors the constructor finds."""
    try:
        node = yaml.compose(text, Loader=_Base)
    except yaml.YAMLError:
        return []
    path: list[str | int] = []
    while node is not None:
        items = list(enumerate(node.value)) if isinstance(node, yaml.SequenceNode) else (
            [(k.value, v) for k, v in node.value] if isinstance(node, yaml.MappingNode) else [])
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.start_mark.line == line:
                    return [*path, k.value]
        nxt = None
        for key, child in items:
            if child.start_mark.line <= line <= child.end_mark.line:
                nxt = (key, child)
        if nxt is None:
            break
        path.append(nxt[0])
        node = nxt[1]
    return path


def _child(node: yaml.Node, part: str | int, own: bool = True) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if part < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value if own else ():
            if k.value == str(part):
                return v
        for k, v in node.value:  # a key merged in with `<<` (one mapping or a list of them)
            if k.tag == _MERGE_TAG:
                for source in v.value if isinstance(v, yaml.SequenceNode) else [v]:
                    found = _child(source, part) if isinstance(source, yaml.MappingNode) else None
                    if found is not None:
                        return found
    return None
