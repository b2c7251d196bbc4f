"""What a type cannot say about a data file: plain data that may not stand in it, unique ids,
references that resolve, and conditions that name a real question and option.

Each check returns what it found as (path, code, values): the path inside the file, a code of
the catalogue (data/messages.yaml) and the values its text names. `values` may hold `nearest`
(the closest known name) or `known` (all of a few), which the text adds as a suggestion.

Every reference of the protocol is one row of `REFERENCES`; a condition's own are rows of
`COND_REFERENCES`. The checks of a shape (a question's options, a rating rule) are written out.
"""

from __future__ import annotations

from typing import Any, Iterator

from msgspec import Struct

from .conditions import walk
from .errors import INVISIBLE
from .model import (ENGINE_WARNINGS, FLAGS, FOLLOWUP_DAYS, UNKNOWN, Cond, Contacts, Conversations, Found, Path,
                    Protocol, Text, suggest)

# deeper than this, plain data is refused before it is converted (the shipped files need 10)
MAX_DEPTH = 32
_CONTROL = INVISIBLE  # control characters but newline and tab, and invisible format characters (bidi)


def check_days(days, path: Path, found: Found) -> None:
    """A follow-up's number of days must be a whole number in FOLLOWUP_DAYS (99999999 made
    every decision crash, -1 dated the follow-up yesterday): SP108 at `path` if it is not."""
    low, high = FOLLOWUP_DAYS
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        found.append((path, "SP108", {"value": days, "low": low, "high": high}))


def check_plain(raw) -> Found:
    """What is wrong in a file's plain data before any type: a control character in a text or a
    key (it could drive the terminal), or nesting deeper than MAX_DEPTH."""
    import re

    control = re.compile(_CONTROL)
    found: Found = []
    walked: dict[int, int] = {}  # id of a list or mapping → depth walked (an alias is walked once)

    def text(s: str, path: Path) -> None:
        m = control.search(s)
        if m:
            n = ord(m.group())
            found.append((path, "SP105", {"char": f"\\x{n:02x}" if n < 0x100 else f"U+{n:04X}"}))

    def walk_plain(x, path: Path) -> None:
        if isinstance(x, str):
            return text(x, path)
        if not isinstance(x, (dict, list)) or walked.get(id(x), -1) >= len(path):
            return
        walked[id(x)] = len(path)
        if len(path) >= MAX_DEPTH:
            found.append((path, "SP106", {"max": MAX_DEPTH}))
            return
        for k, v in (x.items() if isinstance(x, dict) else enumerate(x)):
            if isinstance(k, str) and isinstance(x, dict):
                text(k, (*path, k))
            walk_plain(v, (*path, k))

    walk_plain(raw, ())
    return found


# --- where a reference stands ------------------------------------------------------------------


def at(x: Any, where: str, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every value at `where` below x, with its path inside the file: `where` names fields as
    the file does (`wait.for`), `[]` stands for every entry of a list or every value of a
    mapping, `{}` for every key of a mapping; an absent field (None) has none."""
    if not where:
        yield path, x
        return
    head, _, rest = where.partition(".")
    name, every = (head[:-2], head[-2:]) if head.endswith(("[]", "{}")) else (head, "")
    if name:
        x, path = getattr(x, _attribute(x, name)), (*path, name)
    if x is None:
        return
    if every == "[]":
        entries = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
    elif every == "{}":
        entries = ((k, k) for k in x) if isinstance(x, dict) else ()
    else:
        yield from at(x, rest, path)
        return
    for k, v in entries:
        yield from at(v, rest, (*path, k))


def _attribute(x: Struct, name: str) -> str:
    """The attribute of a field as the file names it (`for` → `for_`)."""
    return x.__struct_fields__[x.__struct_encode_fields__.index(name)]


# what a set of ids is called in `REFERENCES` → the code of a reference outside it
CODES = {"questions": "SP301", "contacts": "SP303", "routes": "SP304", "flags": "SP305", "criteria": "SP306",
         "steps": "SP308", "advice": "SP309", "conditions": "SP313", "priorities": "SP314", "settings": "SP315",
         "plan": "SP319"}

# Every reference of a protocol: (each, where, what), the ids at `where` below every entry at
# `each` must be in the set `what` (a key of CODES). Besides the sets: `routed`, a contact a
# professional is sent to (a known one, not historical); `when`, a condition (its own references
# are COND_REFERENCES); `item`, a plan item's id or `find_out.` and a question's. Rows with the
# same `each` are checked entry by entry, so that the problems come in the order of the file.
REFERENCES = (
    ("settings[]", "contacts[]", "contacts"),
    ("", "setting", "settings"),
    ("steps[]", "contacts[]", "contacts"),
    ("steps[]", "checklist[].contacts[]", "contacts"),
    ("", "zvh_route.contacts[]", "contacts"),
    ("", "zvh_route.checklist[].contacts[]", "contacts"),
    ("", "followup.contacts[]", "contacts"),
    ("", "followup.checklist[].contacts[]", "contacts"),
    ("", "followup.asks[]", "questions"),
    ("dos[]", "steps[]", "steps"),
    ("donts[]", "steps[]", "steps"),
    ("questions[]", "alert.route", "routes"),
    ("questions[]", "out_of_scope.contacts[]", "contacts"),
    ("questions[]", "wait.for[]", "questions"),
    ("questions[]", "out_of_scope.unless", "when"),
    ("questions[]", "wait.when", "when"),
    ("questions[]", "find_out_variants[].when", "when"),
    ("", "triage.ratings{}", "criteria"),
    ("triage.escalations[]", "when", "when"),
    ("triage.escalations[]", "raise{}", "flags"),
    ("triage.escalations[]", "raise[]", "flags"),
    ("triage.floors[]", "when", "when"),
    ("triage.floors[]", "at_least", "flags"),
    ("triage.lowest[]", "when", "when"),
    ("triage.lowest[]", "flag", "flags"),
    ("", "triage.urgent", "when"),
    ("triage.priority[]", "when", "when"),
    ("triage.routes[]", "contacts[]", "routed"),
    ("triage.routes[]", "variants[].when", "when"),
    ("triage.routes[]", "variants[].contacts[]", "routed"),
    ("", "triage.first.routes[]", "routes"),
    ("", "triage.first.otherwise[]", "routes"),
    ("", "triage.first.priorities[]", "priorities"),
    ("triage.route_rules[]", "when", "when"),
    ("triage.route_rules[]", "add[]", "routes"),
    ("triage.route_rules[]", "remove[]", "routes"),
    ("", "triage.keep_when_lowered[]", "routes"),
    ("triage.contact_rules[]", "when", "when"),
    ("triage.contact_rules[]", "add[]", "routed"),
    ("triage.warnings[]", "when", "when"),
    ("triage.notes[]", "when", "when"),
    ("triage.ignore[]", "when", "when"),
    ("triage.ignore[]", "questions[]", "questions"),
    ("", "triage.followup_days{}", "priorities"),
    ("", "triage.first_items.priorities[]", "priorities"),
    ("triage.first_items.items[]", "id", "item"),
    ("triage.first_items.items[]", "when", "when"),
    ("triage.first_items.items[]", "before_decision[]", "questions"),
    ("triage.plan[]", "step", "steps"),
    ("triage.plan[]", "when", "when"),
    ("triage.plan[]", "variants[].when", "when"),
    ("triage.plan[]", "contacts[]", "contacts"),
    ("triage.plan[]", "variants[].contacts[]", "contacts"),
    ("triage.plan[]", "advice[]", "advice"),
)

# The references of the guides and letters (conversations.yaml), as REFERENCES.
CONVERSATION_REFERENCES = (
    ("conversations[]", "when", "when"),
    ("conversations[]", "variants[].when", "when"),
    ("conversations[]", "first[].when", "when"),
    ("letters[]", "when", "when"),
    ("letters[]", "variants[].when", "when"),
    ("letters[]", "contacts[]", "contacts"),
)

# A condition's references, by its head, as REFERENCES (the tests of an answer are checked in
# `_cond_refs`).
COND_REFERENCES = (
    ("", "q", "questions"), ("", "gap[]", "questions"), ("", "younger[]", "questions"),
    ("", "criterion", "criteria"), ("", "flag[]", "flags"), ("", "route", "routes"),
    ("", "priority[]", "priorities"), ("", "setting[]", "settings"), ("", "holds", "conditions"),
)

# Lists whose entries' `key` must be unique: (where, key, shared), lists with the same `shared`
# share their ids (the checklists of all steps; the dos and the don'ts).
UNIQUE = (
    ("steps", "number", None), ("steps[].checklist", "id", "checklist"), ("criteria", "id", None),
    ("flags", "id", None), ("questions", "id", None), ("dos", "id", "advice"), ("donts", "id", "advice"),
    ("triage.routes", "id", None), ("triage.plan", "id", None), ("triage.floors", "id", None),
    ("triage.lowest", "id", None), ("triage.priority", "id", None), ("triage.route_rules", "id", None),
    ("triage.ratings[]", "id", None), ("triage.escalations", "id", None), ("triage.contact_rules", "id", None),
    ("triage.warnings", "id", None), ("settings", "id", None),
)


def _ref(value, known, code: str, path: Path, found: Found, **values) -> None:
    if value not in known:
        found.append((path, code, {"value": value, **values, **suggest(value, known)}))


class _Refs:
    """What a protocol's conditions and lists may refer to, and the checks of a reference."""

    def __init__(self, p: Protocol, contacts: Contacts):
        self.questions = {q.id: q for q in p.questions}
        self.criteria = {c.id for c in p.criteria}
        self.flags = [f.id for f in p.flags]
        self.routes = {r.id for r in p.triage.routes}
        self.contacts = {c.id for c in contacts.contacts}
        self.historical = {c.id for c in contacts.contacts if c.historical}
        self.advice = {a.id for a in (*p.dos, *p.donts)}
        self.steps = {s.number for s in p.steps}
        self.priorities = [x.id for x in p.triage.priority]
        self.settings = [x.id for x in p.settings]
        self.plan = {item.id for item in p.triage.plan}
        self.conditions: set[str] = set()  # the named conditions defined so far

    def check(self, value, what: str, path: Path, found: Found) -> None:
        """One reference to a `what` (see REFERENCES)."""
        if what == "when":
            _check_cond(value, self, path, found)
        elif what == "routed":
            _ref(value, self.contacts, "SP303", path, found)
            if value in self.historical:
                found.append((path, "SP312", {"value": value}))
        elif what == "item" and value.startswith("find_out."):
            _ref(value[len("find_out."):], self.questions, "SP301", path, found)
        else:
            what = "plan" if what == "item" else what
            _ref(value, getattr(self, what), CODES[what], path, found)

    def check_all(self, x, table, found: Found, path: Path = ()) -> None:
        """Every reference of a table (each, where, what) below x."""
        groups: dict[str, list] = {}
        for each, where, what in table:
            groups.setdefault(each, []).append((where, what))
        for each, rows in groups.items():
            for entry_path, entry in at(x, each, path):
                for where, what in rows:
                    for ref_path, value in at(entry, where, entry_path):
                        self.check(value, what, ref_path, found)


def _dupes(items, key: str, path: Path, found: Found, seen: dict | None = None) -> dict:
    seen = {} if seen is None else seen
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            found.append(((*path, i, key), "SP310", {"key": key, "value": value, "first": seen[value]}))
        else:
            seen[value] = (*path, i)
    return seen


def _check_unique(x, table, found: Found) -> None:
    shared: dict[str, dict] = {}
    for where, key, group in table:
        for path, items in at(x, where):
            _dupes(items, key, path, found, shared.setdefault(group, {}) if group else None)


# --- conditions --------------------------------------------------------------------------------

_HEADS = ("q", "gap", "younger", "criterion", "flag", "route", "priority", "setting", "holds", "all_", "any_", "not_")
_TESTS = ("is_", "in_", "lt", "gte")
_NAMES = {"all_": "all", "any_": "any", "not_": "not", "is_": "is", "in_": "in"}


def _check_cond(c: Cond, refs: _Refs, path: Path, found: Found) -> None:
    """A condition, part by part; the parts of a malformed part are not looked at."""
    for part_path, part in walk(c, path=path, keep=lambda p, x: _well_formed(x, p, found)):
        _cond_refs(part, refs, part_path, found)


def _well_formed(c: Cond, path: Path, found: Found) -> bool:
    """One head, and a test where the head needs one (SP401-SP404)."""
    heads = [n for n in _HEADS if getattr(c, n) is not None]
    tests = [n for n in _TESTS if getattr(c, n) is not None]
    if len(heads) != 1:
        found.append((path, "SP402", {"heads": [_NAMES.get(h, h) for h in heads]}) if heads else (path, "SP401", {}))
        return False
    head = heads[0]
    if head in ("q", "gap", "younger", "criterion") and len(tests) != 1:
        found.append((path, "SP403", {"head": head}))
        return False
    if head not in ("q", "gap", "younger", "criterion") and tests:
        found.append((path, "SP404", {"head": _NAMES.get(head, head), "tests": [_NAMES.get(t, t) for t in tests]}))
        return False
    return True


def _cond_refs(c: Cond, refs: _Refs, path: Path, found: Found) -> None:
    """A well-formed part's references (COND_REFERENCES) and the tests of its answer."""
    refs.check_all(c, COND_REFERENCES, found, path)
    test = next((n for n in _TESTS if getattr(c, n) is not None), None)
    values = [c.is_] if test == "is_" else (c.in_ or [])
    if c.criterion is not None:
        if test in ("lt", "gte"):
            found.append((path, "SP405", {}))
        for v in values:
            _ref(v, [*refs.flags, UNKNOWN], "SP307", (*path, _NAMES[test]), found)
    elif c.gap is not None or c.younger is not None:
        head = "gap" if c.gap is not None else "younger"
        pair = c.gap if c.gap is not None else c.younger
        if len(pair) != 2:
            found.append(((*path, head), "SP406", {}))
        for i, qid in enumerate(pair):
            if qid in refs.questions and refs.questions[qid].type != "number":
                found.append(((*path, head, i), "SP407", {"q": qid}))
        if test not in ("lt", "gte"):
            found.append((path, "SP408", {"head": head}))
    elif c.q is not None and c.q in refs.questions:
        q = refs.questions[c.q]
        if test in ("lt", "gte"):
            if q.type != "number":
                found.append((path, "SP409", {"test": test, "q": q.id}))
            return
        for v in values:
            if q.type == "number":
                if v != UNKNOWN and not isinstance(v, int):
                    found.append(((*path, _NAMES[test]), "SP410", {"q": q.id, "value": v}))
            else:
                _ref(v, [o.value for o in q.options] + [UNKNOWN], "SP302", (*path, _NAMES[test]), found, q=q.id)


# --- the files ---------------------------------------------------------------------------------


def check_protocol(p: Protocol, contacts: Contacts) -> Found:
    """Problems in a converted protocol: ids, shapes, references and conditions.

    A contact marked `historical: true` may be named in the leaflet's text, but a route or a
    contact rule never sends a professional to it.
    """
    found: Found = []
    refs = _Refs(p, contacts)
    _check_unique(p, UNIQUE, found)
    if sorted(refs.steps) != list(range(1, len(p.steps) + 1)):
        found.append((("steps",), "SP311", {}))
    # the engine ranks flags in this order: a layer may reword a flag, never add, drop or move one
    for i, f in enumerate(p.flags):
        if i >= len(FLAGS) or f.id != FLAGS[i]:
            found.append((("flags", i, "id"), "SP316", {"value": f.id, "flags": ", ".join(FLAGS)}))
    if len(p.flags) < len(FLAGS):
        found.append((("flags",), "SP316", {"value": "-", "flags": ", ".join(FLAGS)}))
    _check_questions(p, found)
    for name, cond in p.triage.conditions.items():  # each may name those before it
        _check_cond(cond, refs, ("triage", "conditions", name), found)
        refs.conditions.add(name)
    _check_triage(p, refs, found)
    refs.check_all(p, REFERENCES, found)
    return found


def _check_questions(p: Protocol, found: Found) -> None:
    """Each question's shape: a choice has options, a number a range; an alert's answers are
    options of its question."""
    for qi, q in enumerate(p.questions):
        path = ("questions", qi)
        values = [o.value for o in q.options]
        if q.type == "choice":
            if not q.options:
                found.append((path, "SP501", {"q": q.id}))
            if q.min is not None or q.max is not None or q.out_of_scope is not None:
                found.append((path, "SP502", {}))
        else:
            if q.options or q.risk:
                found.append((path, "SP503", {}))
            if q.min is None or q.max is None or q.min > q.max:
                found.append((path, "SP504", {"q": q.id}))
        if len(set(values)) != len(values):
            found.append(((*path, "options"), "SP505", {}))
        if UNKNOWN in values:
            found.append(((*path, "options"), "SP506", {}))
        if q.risk is not None and sorted(q.risk) != sorted(values):
            found.append(((*path, "risk"), "SP507", {}))
        for i, v in enumerate(q.alert.answers if q.alert else []):
            _ref(v, values, "SP302", (*path, "alert", "answers", i), found, q=q.id)


def _check_triage(p: Protocol, refs: _Refs, found: Found) -> None:
    """The triage's shapes: the follow-up's days, the rating rules, a last priority that always
    holds, an action for the routes that need one, the warnings the engine gives itself."""
    t = p.triage
    days = t.followup_days
    if isinstance(days, dict):
        for pid, n in days.items():
            check_days(n, ("triage", "followup_days", pid), found)
        if days and set(days) != set(refs.priorities):
            found.append((("triage", "followup_days"), "SP318", {"priorities": ", ".join(refs.priorities)}))
    else:
        check_days(days, ("triage", "followup_days"), found)
    for cid, rules in t.ratings.items():
        for ri, r in enumerate(rules):
            path = ("triage", "ratings", cid, ri)
            if (r.q is None) == (r.when is None) or (r.q is None) != (r.map is None) or (r.when is None) != (r.rating is None):
                found.append((path, "SP601", {}))
            elif r.q is not None:
                refs.check(r.q, "questions", (*path, "q"), found)
                q = refs.questions.get(r.q)
                for value, rating in (r.map.items() if q else ()):
                    _ref(value, [o.value for o in q.options], "SP302", (*path, "map", value), found, q=q.id)
                    refs.check(rating, "flags", (*path, "map", value), found)
            else:
                refs.check(r.when, "when", (*path, "when"), found)
                refs.check(r.rating, "flags", (*path, "rating"), found)
                if r.because is None:
                    found.append((path, "SP602", {}))
    if not t.priority or t.priority[-1].when is not None:
        found.append((("triage", "priority"), "SP604", {}))
    firsts = {*t.first.routes, *t.first.otherwise}
    for i, r in enumerate(t.routes):
        if (r.urgent or r.id in firsts) and r.action is None:
            found.append((("triage", "routes", i), "SP603", {"id": r.id}))
    for name in ("warnings", "notes"):
        for i, w in enumerate(getattr(t, name)):
            if w.when is None and w.id not in ENGINE_WARNINGS:
                found.append((("triage", name, i, "id"), "SP317", {"value": w.id, "known": ", ".join(ENGINE_WARNINGS)}))


def missing_english(obj, path: Path = ()) -> Found:
    """Every Text without an English version: Dutch is shown instead."""
    out: Found = []
    if isinstance(obj, Text):
        if not obj.en:
            out.append((path, "SP901", {}))
    elif isinstance(obj, Struct):
        for name in obj.__struct_fields__:
            enc = obj.__struct_encode_fields__[obj.__struct_fields__.index(name)]
            out += missing_english(getattr(obj, name), (*path, enc))
    elif isinstance(obj, list):
        for i, x in enumerate(obj):
            out += missing_english(x, (*path, i))
    elif isinstance(obj, dict):
        for k, x in obj.items():
            out += missing_english(x, (*path, k))
    return out


def check_contacts(c: Contacts) -> Found:
    found: Found = []
    _dupes(c.contacts, "id", ("contacts",), found)
    return found


def check_conversations(c: Conversations, p: Protocol, contacts: Contacts) -> Found:
    """Problems in the conversation guides and letters: ids, contacts and conditions (which may
    name the protocol's questions, routes and named conditions)."""
    found: Found = []
    refs = _Refs(p, contacts)
    refs.conditions = set(p.triage.conditions)
    _check_unique(c, (("conversations", "id", None), ("letters", "id", None)), found)
    refs.check_all(c, CONVERSATION_REFERENCES, found)
    return found
