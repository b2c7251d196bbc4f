"""JSON Schemas of the data files, generated from the model, for editors and for `validate`.

A layer file (the organisation's own) has the shape of the file it changes, but holds only what
changes: every field is optional except an entry's `id`, and an entry may say `remove: true`.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec

from . import model

FILES = {"protocol": model.Protocol, "contacts": model.Contacts}


def full(name: str) -> dict[str, Any]:
    schema = msgspec.json.schema(FILES[name])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"sexting-protocol {name}.yaml"
    return schema


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
    import json

    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
