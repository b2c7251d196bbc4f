"""The organisation's own layer as fields of a form, and back (the browser's page for a school's
own contacts, `web/own.py`).

The fields are the internal roles of `init-contacts.yaml` (the file `init` writes), each with
the keys that file gives it, the region's organisations of `own-contacts.yaml`, and the setting.
Each field shows the value in use now (the shipped data with the layers on disk); on saving, only
a field whose value was changed changes the layer: a new text is the organisation's own, an
emptied one takes the layer's own value out, so the shipped value (if any) is in use again: the
form cannot drop a verified number such as Veilig Thuis's 0800-2000 by accident. A
field not posted, or posted unchanged, leaves the layer as it was, so a hand-written value (a
phone number with its source) and every other entry of the file stay.

The new files are checked by the loader every command uses (`bundle.load`, on a copy in a
temporary folder), and written only when they pass, through the one writer (`store.write`):
both checked before either is put in place, each atomically, readable by the owner alone. The
files' comments are not kept (the file gets a header that says so); a file changed on disk
since the form was made is not overwritten (`stamp`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional

from ..core import model
from ..core.errors import Problem, UserError
from ..text.texts import LANGS
from . import bundle as data
from . import yamlio
from .paths import shipped

FILES = ("contacts", "protocol")
TEXT_KEYS = frozenset({"reachable"})  # a Text ({nl, en}): a field per language
MAX_VALUE = 500  # characters of one field (a name, a number, when reachable)


@dataclass
class Field:
    name: str  # the form's field: `c.<id>.<key>`, `c.<id>.<key>.<lang>` for a text
    cid: str
    key: str
    lang: Optional[str]
    value: str  # the value in use now
    shipped: str  # the shipped data's value (what an emptied field brings back)


@dataclass
class Entry:
    cid: str
    contact: model.Contact
    fields: list[Field]


@dataclass
class Own:
    """The organisation's layer files as a form: their paths, what is in them, the fields."""

    folder: str
    paths: dict[str, str]
    raw: dict[str, Any]  # file → its plain data (None: not there)
    texts: dict[str, Optional[str]]  # file → its text now (None: not there)
    stamp: str
    problems: list[Problem] = field(default_factory=list)  # the files on disk fail: no form
    roles: list[Entry] = field(default_factory=list)
    region: list[Entry] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # the layer's other entries' ids, kept as they are
    settings: list[model.Setting] = field(default_factory=list)
    setting: str = ""
    layers_in_use: bool = True

    def fields(self) -> list[Field]:
        return [f for e in (*self.roles, *self.region) for f in e.fields]


class Stale(UserError):
    """A layer file changed on disk after the form was made."""


def _stamp(paths: Mapping[str, str]) -> str:
    h = hashlib.sha256()
    for name in FILES:
        try:
            with open(paths[name], "rb") as f:
                h.update(f.read(1 << 20))
        except OSError:
            h.update(b"\0none")
        h.update(b"\0")
    return h.hexdigest()[:32]


def _shown(value: Any) -> str:
    """A contact's detail as a field shows it: a checked detail's value, a text as it is."""
    if isinstance(value, model.Detail):
        return value.value
    return value if isinstance(value, str) else ""


def template_roles() -> list[tuple[str, list[str]]]:
    """The roles of the file `init` writes, each with the keys it gives (id left out)."""
    roles = yamlio.read_shipped(shipped("init-contacts.yaml"))["contacts"]
    return [(e["id"], [k for k in e if k != "id"]) for e in roles]


def region_fields() -> list[tuple[str, list[str]]]:
    region = yamlio.read_shipped(shipped("own-contacts.yaml"))["region"]
    return [(e["id"], list(e["fields"])) for e in region]


def read(environ: Mapping[str, str], protocol: Optional[str] = None, contacts: Optional[str] = None,
         lang: str = "nl", layers: bool = True) -> Own:
    """The layer files on disk now, as a form. When a file has a problem (the commands leave it
    out), `problems` says what, and there are no fields: the form would lose what is in it."""
    environ = dict(environ)
    folder = data.config_dir(environ)
    paths = {name: str(folder / f"{name}.yaml") for name in FILES}
    own = Own(str(folder), paths, {}, {}, _stamp(paths), layers_in_use=layers)
    now = data.load(protocol, contacts, layers=True, environ=environ, lang=lang)
    if now.skipped:
        own.problems = now.layer_problems
        return own
    for name in FILES:
        if os.path.lexists(paths[name]):
            src = data.read_layer(paths[name], lang)
            own.raw[name], own.texts[name] = src.raw, src.text
        else:
            own.raw[name], own.texts[name] = None, None
    base = data.load(protocol, contacts, layers=False, environ=environ, lang=lang)

    def entry(cid: str, keys: list[str]) -> Optional[Entry]:
        c, b = now.contact(cid), base.contact(cid)
        if c is None:  # taken out by the layer (`remove: true`)
            return None
        fields = []
        for key in keys:
            value, was = getattr(c, key), getattr(b, key, None) if b is not None else None
            if key in TEXT_KEYS:
                for lang_ in LANGS:
                    shown = getattr(value, lang_) if value is not None else None
                    before = getattr(was, lang_) if was is not None else None
                    fields.append(Field(f"c.{cid}.{key}.{lang_}", cid, key, lang_, shown or "", before or ""))
            else:
                fields.append(Field(f"c.{cid}.{key}", cid, key, None, _shown(value), _shown(was)))
        return Entry(cid, c, fields)

    own.roles = [e for e in (entry(cid, keys) for cid, keys in template_roles()) if e]
    own.region = [e for e in (entry(cid, keys) for cid, keys in region_fields()) if e]
    shown = {e.cid for e in (*own.roles, *own.region)}
    raw = own.raw["contacts"] or {}
    own.others = [e["id"] for e in raw.get("contacts") or [] if isinstance(e, dict) and e.get("id") not in shown]
    own.settings = list(now.protocol.settings)
    own.setting = now.protocol.setting or now.protocol.settings[0].id
    return own


def _posted(form: Mapping[str, str], name: str) -> Optional[str]:
    value = form.get(name)
    return None if value is None else value.strip()[:MAX_VALUE]


def changes(own: Own, form: Mapping[str, str]) -> dict[str, Any]:
    """The new plain data of each layer file the form changes (none: nothing changed)."""
    out: dict[str, Any] = {}
    contacts = copy.deepcopy(own.raw.get("contacts")) or {}
    entries = contacts.get("contacts")
    if not isinstance(entries, list):
        entries = []
    changed = False
    for e in (*own.roles, *own.region):
        by_key: dict[str, list[Field]] = {}
        for f in e.fields:
            by_key.setdefault(f.key, []).append(f)
        for key, fields in by_key.items():
            posted = [_posted(form, f.name) for f in fields]
            if all(p is None for p in posted):
                continue
            posted = [f.value if p is None else p for f, p in zip(fields, posted)]
            if posted == [f.value for f in fields]:
                continue
            if key in TEXT_KEYS:
                new = {f.lang: p for f, p in zip(fields, posted) if p} or None
            else:
                new = posted[0] or None
            at = next((x for x in entries if isinstance(x, dict) and x.get("id") == e.cid), None)
            if new is not None:
                if at is None:
                    at = {"id": e.cid}
                    entries.append(at)
                at[key] = new
            elif at is not None and key in at:
                del at[key]  # emptied: the shipped value (if any) is in use again
            else:
                continue
            changed = True
    if changed:
        contacts["contacts"] = entries
        out["contacts"] = contacts
    setting = _posted(form, "setting")
    if setting is not None and setting != own.setting:
        protocol = copy.deepcopy(own.raw.get("protocol")) or {}
        protocol["setting"] = setting
        out["protocol"] = protocol
    return out


def texts(own: Own, new: Mapping[str, Any], t) -> dict[str, str]:
    """The new files' text: a header (the schema for editors, where `init` put it; how it was
    written), then the data."""
    out = {}
    for name, raw in new.items():
        head = []
        if os.path.exists(os.path.join(own.folder, f"{name}-layer.schema.json")):
            head.append(f"# yaml-language-server: $schema=./{name}-layer.schema.json")
        head += ["# " + line for line in t("own_file_header").split("\n")]
        out[name] = "\n".join(head) + "\n" + dump(raw)
    return out


def check(own: Own, files: Mapping[str, str], environ: Mapping[str, str], protocol: Optional[str] = None,
          contacts: Optional[str] = None, lang: str = "nl") -> list[Problem]:
    """The problems of the new files, found as every command finds them: the loader, with the
    layer folder a temporary copy (the files named by their real paths)."""
    with tempfile.TemporaryDirectory(prefix="sexting-protocol-check-") as tmp:
        real = {}
        for name in FILES:
            text = files.get(name, own.texts.get(name))
            if text is None:
                continue
            path = os.path.join(tmp, f"{name}.yaml")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            real[path] = own.paths[name]
        env = {**environ, "SEXTING_PROTOCOL_HOME": tmp}
        b = data.load(protocol, contacts, layers=True, environ=env, lang=lang, cache=False)
        return [Problem(real.get(p.file, p.file), p.line, p.path, p.message, p.code, p.more) for p in b.layer_problems]


def save(own: Own, files: Mapping[str, str], stamp: str, t) -> list[str]:
    """Write the new files in the organisation's folder (made 0700 if missing), both checked
    before either is put in place; a file changed on disk since the form was made: Stale."""
    from .write import private_folder, write_all

    if stamp != _stamp(own.paths):
        raise Stale(t("SP892"))
    private_folder(own.folder, t)
    return write_all([(own.paths[name], text) for name, text in files.items()], True, t)


def field_of(own: Own, problem: Problem, new: Mapping[str, Any]) -> Optional[str]:
    """The form field a problem of a new file is about, if any (`contacts[3].phone`)."""
    if problem.file == own.paths["protocol"]:
        return "setting" if problem.path.split(".")[0].split("[")[0] == "setting" else None
    if problem.file != own.paths["contacts"] or "contacts" not in new:
        return None
    m = re.match(r"contacts\[(\d+)\]\.(\w+)(?:\.(\w+))?", problem.path or "")
    entries = new["contacts"].get("contacts") or []
    if not m or int(m.group(1)) >= len(entries) or not isinstance(entries[int(m.group(1))], dict):
        return None
    cid, key, sub = entries[int(m.group(1))].get("id"), m.group(2), m.group(3)
    for f in own.fields():
        if f.cid == cid and f.key == key and (f.lang is None or f.lang == (sub or "nl")):
            return f.name
    return None


# --- YAML out ---------------------------------------------------------------------------------

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _string(s: str) -> str:
    """A double-quoted YAML string (JSON's), with every character that is not printable escaped:
    the file shows `\\u202e`, never the character itself, and reads back as the same text."""
    out = json.dumps(s, ensure_ascii=False)
    return "".join(c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
                   for c in out)


def _key(k: Any) -> str:
    if isinstance(k, str):
        return k if _PLAIN_KEY.match(k) and k.lower() not in _YAML_WORDS else _string(k)
    return _flow(k)


def _flow(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if isinstance(v, str):  # an id plain (`zorgcoordinator`), any other text quoted
        return v if _PLAIN_KEY.match(v) and v.lower() not in _YAML_WORDS else _string(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _string(str(v))  # a date or time YAML read: as its text


def _small(v: Any) -> bool:
    """Shown on one line: a scalar, an empty container, or a mapping of a few scalars (a text)."""
    if not isinstance(v, (dict, list)) or not v:
        return True
    return isinstance(v, dict) and all(not isinstance(x, (dict, list)) for x in v.values()) and len(_flow(v)) <= 100


def _block(v: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(v, dict):
        lines = []
        for k, x in v.items():
            if _small(x):
                lines.append(f"{pad}{_key(k)}: {_flow(x)}")
            else:
                lines.append(f"{pad}{_key(k)}:")
                lines += _block(x, indent + 2)
        return lines
    lines = []
    for x in v:
        if _small(x):
            lines.append(f"{pad}- {_flow(x)}")
        else:
            inner = _block(x, indent + 2)
            inner[0] = f"{pad}- {inner[0].lstrip()}" if isinstance(x, dict) else f"{pad}-\n{inner[0]}"
            lines += inner
    return lines


def dump(raw: Any) -> str:
    """Plain data as YAML that the tool's reader reads back as the same data."""
    if not isinstance(raw, dict) or not raw:
        return _flow(raw) + "\n"
    return "\n".join(_block(raw, 0)) + "\n"
