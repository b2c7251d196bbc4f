"""The one catalogue: the interface texts (`data/ui.yaml`: `ui()`), the coded messages
(`data/messages.yaml`: `catalogue()`, `say`), and the type errors of msgspec and jsonschema
translated into codes. Read through `text.texts.Texts`, the one words object.

A check reports (path, code, values); `say` turns that into a short text in the user's language,
with a suggestion for a misspelt name ("bedoel je 'phone'?"). Every value from a file is shown
with its control characters escaped and cut at 40 characters, so an error never echoes a
terminal escape or a huge key. Imported only when something is wrong.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Optional

import msgspec

from ..core import model
from ..core.errors import Problem, printable, shorten

_CATALOGUE: Optional[model.Messages] = None
_UI: Optional[model.UI] = None


def ui(environ=os.environ) -> model.UI:
    """The interface texts, read once (the command help needs them before anything else) and
    cached (a shipped file: its problems named without its own texts)."""
    global _UI
    if _UI is None:
        from ..store.cache import cached
        from ..store.paths import shipped

        def build() -> model.UI:  # only when not cached: YAML is not even imported then
            from ..store import yamlio

            return msgspec.convert(yamlio.read_shipped(path), model.UI)

        path = shipped("ui.yaml")
        _UI = cached([path], model.UI, build, environ)
    return _UI


def catalogue() -> model.Messages:
    global _CATALOGUE
    if _CATALOGUE is None:
        from ..store import yamlio
        from ..store.paths import shipped

        _CATALOGUE = msgspec.convert(yamlio.read_shipped(shipped("messages.yaml")), model.Messages)
    return _CATALOGUE


def is_code(key: str) -> bool:
    """Whether a key names a coded message (`SP701`) rather than an interface text."""
    return len(key) == 5 and key.startswith("SP") and key[2:].isdigit()


def coded(code: str) -> Optional[model.Message]:
    """The coded message of `code`, or None."""
    return catalogue().messages.get(code)


def show(value: Any, limit: int = 40) -> str:
    """A value from a file as a message shows it: control characters escaped, cut to `limit`."""
    if isinstance(value, tuple):
        return model.join_path(value)
    if isinstance(value, list):
        return ", ".join(show(v) for v in value[:8]) + (", …" if len(value) > 8 else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return shorten(printable(value if isinstance(value, str) else repr(value)), limit)


def say(code: str, values: dict, lang: str) -> str:
    """The text of a coded message, with its values filled in and any suggestion added."""
    cat = catalogue()

    def word(key: str) -> str:
        return cat.words[key].get(lang)

    def shown(key: str, value: Any) -> str:
        if key in ("expected", "got"):  # kinds of value: "een heel getal of niets"
            return f" {word('or')} ".join(word(f"type_{kind}") for kind in value)
        if key == "where":  # places in files: whole (a cut path names no place), escaped
            return show(value, 400)
        return show(value)

    text = cat.messages[code].get(lang).format(**{k: shown(k, v) for k, v in values.items()})
    if values.get("nearest") is not None:
        text += "; " + word("did_you_mean").format(nearest=show(values["nearest"]))
    elif values.get("known"):
        text += "; " + word("known").format(known=show(values["known"]))
    return text


def problem(locate: Callable[[list, str], Problem], parts, code: str, values: dict, lang: str) -> Problem:
    """A coded problem at `parts`, placed by `locate` (a file's, or a merge's)."""
    p = locate(list(parts), say(code, values, lang))
    p.code = code
    return p


def bounded(found: list, make: Callable[[Any], Problem], file: str, t: Callable[..., str],
            more: Optional[int] = None) -> list[Problem]:
    """The problems of the first MAX_PROBLEMS of `found` (`make` turns one into a Problem, its
    line looked up only then), and one line for the rest: how many (`more`, else those left in
    `found`), or that there are more when that is not counted (-1), worded by `t` (the
    catalogue in the user's language, `text.Texts`)."""
    from ..store import yamlio

    limit = yamlio.MAX_PROBLEMS
    out = [make(x) for x in found[:limit]]
    rest = max(0, len(found) - limit) if more is None else more
    if rest:
        code = "SP722" if rest < 0 else "SP721"
        out.append(Problem(file, None, "", t(code, n=rest), code, more=max(rest, 1)))
    return out


def in_file(path: str) -> Callable[[list, str], Problem]:
    """`locate` for a problem of a whole file, without a line."""
    return lambda parts, message: Problem(path, None, "", message)


def kind_of(value: Any) -> str:
    """The kind of a plain value, as the catalogue's `type_...` words name it."""
    if isinstance(value, bool):
        return "boolean"
    for types, kind in ((int, "whole_number"), (float, "number"), (str, "text"), (list, "list"), (dict, "mapping")):
        if isinstance(value, types):
            return kind
    return "empty" if value is None else "text"


# --- msgspec ---------------------------------------------------------------------------------

_MSGSPEC_KINDS = {"int": "whole_number", "float": "number", "str": "text", "bool": "boolean", "null": "empty",
                  "array": "list", "object": "mapping"}
_UNKNOWN = re.compile(r"Object contains unknown field `(.+)`$")
_MISSING = re.compile(r"Object missing required field `(.+)`$")
_TYPE = re.compile(r"Expected `([^`]+)`, got `([^`]+)`$")
_ENUM = re.compile(r"Invalid enum value '?(.*?)'?$")


def _alternatives(node) -> tuple:
    import msgspec.inspect as mi

    return node.types if isinstance(node, mi.UnionType) else (node,)


def _names_at(typ: Any, parts: list) -> list:
    """The keys of the struct, or the values of the literal, that `typ` has at `parts`."""
    import msgspec.inspect as mi

    nodes = (mi.type_info(typ),)
    for part in parts:
        nxt = ()
        for n in (a for node in nodes for a in _alternatives(node)):
            if isinstance(n, mi.StructType) and isinstance(part, str):
                nxt += tuple(f.type for f in n.fields if f.encode_name == part)
            elif isinstance(n, mi.ListType) and isinstance(part, int):
                nxt += (n.item_type,)
            elif isinstance(n, mi.DictType) and isinstance(part, str):
                nxt += (n.value_type,)
        nodes = nxt
    names: list = []
    for n in (a for node in nodes for a in _alternatives(node)):
        if isinstance(n, mi.StructType):
            names += [f.encode_name for f in n.fields]
        elif isinstance(n, mi.LiteralType):
            names += list(n.values)
    return names


def from_msgspec(message: str, parts: list, typ: Any) -> tuple[list, str, dict]:
    """(path, code, values) of a msgspec ValidationError's message about `parts` of a `typ`."""
    m = _UNKNOWN.match(message)
    if m:  # point at the key itself: it may stand in a layer on top of the object
        return [*parts, m.group(1)], "SP101", {"key": m.group(1), **model.suggest(m.group(1), _names_at(typ, parts))}
    m = _MISSING.match(message)
    if m:
        return parts, "SP102", {"key": m.group(1)}
    m = _TYPE.match(message)
    if m:
        expected = [_MSGSPEC_KINDS.get(k, "text") for k in m.group(1).split(" | ")]
        return parts, "SP103", {"expected": expected, "got": [_MSGSPEC_KINDS.get(m.group(2), "text")]}
    m = _ENUM.match(message)
    if m:
        return parts, "SP104", {"value": m.group(1), **model.suggest(m.group(1), _names_at(typ, parts))}
    return parts, "SP107", {"rule": message}


# --- jsonschema ------------------------------------------------------------------------------

_JSON_KINDS = {"string": "text", "integer": "whole_number", "number": "number", "boolean": "boolean",
               "null": "empty", "array": "list", "object": "mapping"}


def _kinds(schema: dict, root: dict) -> list[str]:
    """The kinds of value a (sub)schema takes."""
    ref = schema.get("$ref")
    if ref:
        schema = root.get("$defs", {}).get(ref.rsplit("/", 1)[-1], {})
    if "anyOf" in schema:
        return [k for s in schema["anyOf"] for k in _kinds(s, root)]
    if "enum" in schema:
        return list(dict.fromkeys(kind_of(v) for v in schema["enum"]))
    kinds = schema.get("type", [])
    return [_JSON_KINDS.get(k, "text") for k in ([kinds] if isinstance(kinds, str) else kinds)]


def from_jsonschema(err, root: dict) -> list[tuple[list, str, dict]]:
    """(path, code, values) of each problem a jsonschema error stands for."""
    parts = list(err.absolute_path)
    rule = err.validator
    if rule == "additionalProperties":
        known = err.schema.get("properties", {})
        extra = [k for k in err.instance if k not in known]
        from ..store.yamlio import MAX_PROBLEMS  # only those shown get a suggestion (50,000 keys: seconds)

        return [([*parts, k], "SP101", {"key": k, **(model.suggest(k, known) if i < MAX_PROBLEMS else {})})
                for i, k in enumerate(extra)]
    if rule == "required":
        return [(parts, "SP102", {"key": k}) for k in err.validator_value if k not in err.instance]
    if rule == "enum":
        return [(parts, "SP104", {"value": err.instance, **model.suggest(err.instance, err.validator_value)})]
    got = [kind_of(err.instance)]
    if rule == "type":
        return [(parts, "SP103", {"expected": _kinds(err.schema, root), "got": got})]
    if rule in ("anyOf", "oneOf"):
        fitting = [i for i, s in enumerate(err.validator_value) if got[0] in _kinds(s, root)]
        if len(fitting) == 1:  # the value is of the right kind: say what is wrong inside it
            inner = [e for e in err.context if e.relative_schema_path[0] == fitting[0]]
            if inner:
                return [x for e in inner for x in from_jsonschema(e, root)]
        expected = list(dict.fromkeys(k for s in err.validator_value for k in _kinds(s, root)))
        return [(parts, "SP103", {"expected": expected, "got": got})]
    return [(parts, "SP107", {"rule": rule})]
