"""JSON Schemas of the data files, generated from the model, for editors and for `validate`.

A layer file (the organisation's own) has the shape of the file it changes, but holds only what
changes: every field is optional except an entry's `id`, and an entry may say `remove: true`.

The generated schema is made independent of the library's and Python's versions (`_stable`), so
the repository's schema/ files stay current: descriptions (the model's docstrings) are cleaned
with inspect.cleandoc (msgspec 0.23 cleans their indentation, older versions do not, and Python
3.13 strips it when compiling), and the alternatives of an `anyOf` are sorted (msgspec 0.19 puts
`null` first, 0.23 last).
"""

from __future__ import annotations

import copy
import inspect
import json
from typing import Any

import msgspec

from . import model

FILES = {"protocol": model.Protocol, "contacts": model.Contacts}


def full(name: str) -> dict[str, Any]:
    schema = _stable(msgspec.json.schema(FILES[name]))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"sexting-protocol {name}.yaml"
    return schema


def _stable(node: Any) -> Any:
    if isinstance(node, list):
        return [_stable(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _stable(v) for k, v in node.items()}
    if isinstance(out.get("description"), str):
        out["description"] = inspect.cleandoc(out["description"])
    if isinstance(out.get("anyOf"), list):
        out["anyOf"] = sorted(out["anyOf"], key=lambda x: json.dumps(x, sort_keys=True))
    return out


def layer(name: str) -> dict[str, Any]:
    schema = copy.deepcopy(full(name))
    schema["title"] = f"sexting-protocol {name}.yaml (organisation layer)"
    for definition in schema.get("$defs", {}).values():
        props = definition.get("properties")
        if props is None:
            continue
        keys = [k for k in ("id", "number") if k in props]
        if keys and definition.get("title") not in ("Text",):
            props["remove"] = {"type": "boolean", "description": "true: take this entry out"}
            definition["required"] = keys[:1]
        else:
            definition.pop("required", None)
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    out = {}
    for name in FILES:
        out[f"{name}.schema.json"] = full(name)
        out[f"{name}-layer.schema.json"] = layer(name)
    return out


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
