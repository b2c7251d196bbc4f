"""Reading YAML and JSON files: size limit, the libyaml C loader, duplicate keys, and lines.

Loading is the fast path: libyaml when present, then msgspec converts the plain data into the
typed model. Only when something is wrong is the file composed again to find the line of the
path that msgspec or a check names.
"""

from __future__ import annotations

import os
import re
from typing import Any

import yaml

from .errors import DataError, Problem
from .model import join_path

MAX_BYTES = 1_000_000

try:  # the C loader is about ten times faster
    from yaml import CSafeLoader as _Base
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader that refuses a key given twice (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue  # keys merged in with `<<` may be overridden
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} given twice (first on line {seen[key]})", key_node.start_mark
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_text(path: str) -> str:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise DataError([Problem(path, None, "", f"file is {size:,} bytes; the limit is {MAX_BYTES:,}")])
        with open(path, encoding="utf-8") as f:
            return f.read()
    except DataError:
        raise
    except FileNotFoundError:
        raise DataError([Problem(path, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise DataError([Problem(path, None, "", f"cannot be read: {e}")]) from None


def parse(text: str, path: str) -> Any:
    """Parse YAML (JSON is read as YAML too); a syntax error names its line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(x for x in (e.context, e.problem) if x)
        where = join_path(_path_at(text, mark.line)) if isinstance(e, yaml.constructor.ConstructorError) and mark else ""
        raise DataError([Problem(path, line, where, f"YAML error: {what}")]) from None
    except yaml.YAMLError as e:
        raise DataError([Problem(path, None, "", f"YAML error: {e}")]) from None


_SEGMENT = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def split_path(path: str) -> list[str | int]:
    """`$.steps[2].checklist` → ['steps', 2, 'checklist']."""
    return [int(i) if i else k for k, i in _SEGMENT.findall(path.lstrip("$"))]


class LineFinder:
    """Finds the line of a path in a YAML text, composing the text only when first asked."""

    def __init__(self, text: str):
        self.text = text
        self._root: yaml.Node | None = None
        self._done = False

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
            node = _child(node, part)
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


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        return node.value[part] if part < len(node.value) else None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == str(part):
                return v
        for k, v in node.value:  # a key merged in with `<<`
            if k.tag == "tag:yaml.org,2002:merge":
                found = _child(v, part)
                if found is not None:
                    return found
    return None
