"""Every schema of the data files, in one module.

`data/protocol.yaml`, `data/contacts.yaml`, `data/ui.yaml` and `data/cases.yaml` are converted
into these msgspec structs (unknown keys, missing fields and wrong types are errors there);
`check_protocol` and `check_contacts` then check what a type cannot say: unique ids, references
that resolve, and conditions that name a real question and option.
"""

from typing import Literal, Optional, Union

from msgspec import Struct, field

from .errors import INVISIBLE

FLAGS = ("green", "yellow", "red", "black")
UNKNOWN = "unknown"
Verified = Literal["yes", "partly", "no"]
Kind = Literal["intern", "acuut", "advies", "melding", "hulp"]


class _S(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    pass


class Text(_S, kw_only=True):
    """A text in Dutch, and in English where it has been written (else Dutch is shown)."""

    nl: str
    en: Optional[str] = None

    def get(self, lang: str) -> str:
        return (self.en or self.nl) if lang == "en" else self.nl


# --- conditions ------------------------------------------------------------------------------


class Cond(_S, kw_only=True):
    """A declared condition. Exactly one head: q, gap, younger, criterion, flag, route,
    priority, setting, holds, all, any, not.

    q / criterion take one test: `is`, `in`, `lt` or `gte`. gap (the difference between two
    number questions) and younger (the lower of the two) take `lt` or `gte`; both are false
    while either answer is unknown, and so is `lt`/`gte` on an unknown answer.
    """

    q: Optional[str] = None
    gap: Optional[list[str]] = None
    younger: Optional[list[str]] = None
    criterion: Optional[str] = None
    flag: Optional[list[str]] = None
    route: Optional[str] = None
    # the decision's priority is one of these (plan items only: the priority is worked out
    # from the routes, before the plan)
    priority: Optional[list[str]] = None
    # the organisation's setting (school, childcare, sport, youth_care, youth_work) is one of these
    setting: Optional[list[str]] = None
    all_: Optional[list["Cond"]] = field(default=None, name="all")
    any_: Optional[list["Cond"]] = field(default=None, name="any")
    not_: Optional["Cond"] = field(default=None, name="not")
    is_: Optional[Union[str, int]] = field(default=None, name="is")
    in_: Optional[list[Union[str, int]]] = field(default=None, name="in")
    lt: Optional[int] = None
    gte: Optional[int] = None
    # a named condition of `triage.conditions` (defined before the one that names it)
    holds: Optional[str] = None


# --- questions -------------------------------------------------------------------------------


class Option(_S, kw_only=True):
    value: str
    label: Text


class Alert(_S, kw_only=True):
    """When the answer is one of `answers`, the route's action is shown at once."""

    answers: list[str]
    route: str


class OutOfScope(_S, kw_only=True):
    min: int
    max: int
    text: Text
    contacts: list[str]
    # the answer is in scope after all while this holds (an adult showing images to a child)
    unless: Optional[Cond] = None


class Wait(_S, kw_only=True):
    """While `when` holds, the question waits until the questions `for` have been asked."""

    when: Cond
    for_: list[str] = field(name="for")


class Question(_S, kw_only=True):
    id: str
    type: Literal["choice", "number"] = "choice"
    short: Text  # a few words, for the review screen and reports
    text: Text
    help: Text
    find_out: Text
    # the first whose `when` holds replaces find_out (where the police is a route, the young
    # person is not questioned about it)
    find_out_variants: list["Variant"] = []
    options: list[Option] = []
    # choice questions: option values from safest to riskiest, where such an order exists
    risk: Optional[list[str]] = None
    min: Optional[int] = None
    max: Optional[int] = None
    # number questions: answers in [min, max] of this block end the triage (out of scope)
    out_of_scope: Optional[OutOfScope] = None
    alert: Optional[Alert] = None
    # asked in every session, even when no answer could change the decision
    always_ask: bool = False
    # a safety question: asked before any other (the contract's "safety first")
    safety: bool = False
    wait: Optional[Wait] = None


# --- the flag system -------------------------------------------------------------------------


class Rating(_S, kw_only=True):
    """One rule of a criterion: `q` with `map` (answer → rating), or `when` with `rating`."""

    id: str
    q: Optional[str] = None
    map: Optional[dict[str, str]] = None
    when: Optional[Cond] = None
    rating: Optional[str] = None
    at_least: bool = False
    because: Optional[Text] = None


class Criterion(_S, kw_only=True):
    """A criterion of the flag system: its name, the youth wording and the check questions."""

    id: str
    name: Text
    youth: Text
    check: list[Text]


class Flag(_S, kw_only=True):
    id: str
    name: Text
    label: Text
    meaning: Text
    calls_for: list[Text]
    color: str


class Escalation(_S, kw_only=True):
    id: str
    when: Cond
    raise_: dict[str, str] = field(name="raise")
    because: Text


class Floor(_S, kw_only=True):
    id: str
    when: Cond
    at_least: str
    because: Text


class Lowest(_S, kw_only=True):
    """While `when` holds, the professional may not confirm a flag below `flag`."""

    id: str
    when: Cond
    flag: str
    because: Text


class Priority(_S, kw_only=True):
    """How soon the first action must happen: the first entry whose `when` holds (or has none)."""

    id: str
    when: Optional[Cond] = None
    name: Text
    because: Text


class First(_S, kw_only=True):
    """The first actions: at these priorities the decision's routes among `routes`, in that
    order; otherwise, or when that leaves none, the first of `otherwise` that it holds."""

    priorities: list[str]
    routes: list[str]
    otherwise: list[str]


class RouteVariant(_S, kw_only=True):
    """While `when` holds (the first that does), these replace the route's own words and contacts."""

    when: Cond
    name: Optional[Text] = None
    description: Optional[Text] = None
    action: Optional[Text] = None
    contacts: Optional[list[str]] = None


class Route(_S, kw_only=True):
    id: str
    name: Text
    description: Text
    contacts: list[str] = []
    urgent: bool = False
    # what to do now, shown first on the screen (every route that can be a first action has one)
    action: Optional[Text] = None
    # the words of the setting or the case: the first variant whose `when` holds
    variants: list[RouteVariant] = []


class RouteRule(_S, kw_only=True):
    id: str
    when: Cond
    add: list[str] = []
    remove: list[str] = []
    because: Text


class ContactRule(_S, kw_only=True):
    id: str
    when: Cond
    add: list[str]
    because: Text


class Warning_(_S, kw_only=True):
    """A warning in the decision's reasons while `when` holds. Without `when`, the engine raises
    it itself: `setting_differs` (an answers file's setting is not the organisation's)."""

    id: str
    when: Optional[Cond] = None
    text: Text


ENGINE_WARNINGS = ("setting_differs",)


class Ignore(_S, kw_only=True):
    """While `when` holds, the answers to `questions` are left out (counted as unknown, not
    asked), with `text` as a warning when one was given."""

    id: str
    when: Cond
    questions: list[str]
    text: Text


class FirstItem(_S, kw_only=True):
    """A plan item (or `find_out.<question>`) shown with the first actions, as far as the plan
    holds it and `when` holds. `before_decision`: questions asked before the decision when an
    answer to them can put this item there or take it away."""

    id: str
    when: Optional[Cond] = None
    before_decision: list[str] = []


class FirstItems(_S, kw_only=True):
    priorities: list[str]
    items: list[FirstItem]


class Setting(_S, kw_only=True):
    """A kind of organisation: the words for it and for the young people it serves."""

    id: str
    name: Text
    # the contacts that belong to this kind of organisation: its internal roles and the bodies of
    # its own duty; a contact named by another setting only is left off this one's poster
    contacts: list[str] = []


class Variant(_S, kw_only=True):
    when: Cond
    text: Text


class PlanItem(_S, kw_only=True):
    id: str
    step: int
    text: Text
    # a few words, where the item stands beside the confirmation with the first actions
    short: Optional[Text] = None
    when: Optional[Cond] = None
    # the first variant whose `when` holds replaces `text`
    variants: list[Variant] = []
    contacts: list[str] = []
    advice: list[str] = []


class Triage(_S, kw_only=True):
    # conditions with a name, for `{holds: name}`
    conditions: dict[str, Cond] = {}
    # criterion id → the rules that rate it
    ratings: dict[str, list[Rating]]
    escalations: list[Escalation]
    floors: list[Floor]
    lowest: list[Lowest]
    urgent: Cond
    priority: list[Priority]
    # in the order of urgency: the decision lists its routes in this order
    routes: list[Route]
    route_rules: list[RouteRule]
    first: First
    # a case whose lowest allowed flag is above green keeps these routes of its proposal
    keep_when_lowered: list[str]
    contact_rules: list[ContactRule]
    warnings: list[Warning_]
    plan: list[PlanItem]
    # the plan items shown with the first actions, in this order
    first_items: FirstItems
    # answers left out while a role holds
    ignore: list[Ignore] = []
    # notes in the reasons (a rule that did not apply, and why), like warnings
    notes: list[Warning_] = []
    # lowering a proposal of one of these flags also records who was consulted
    lowering_needs_consulted: list[str]
    # days from the decision to the follow-up, by priority (a number: every priority)
    followup_days: Union[int, dict[str, int]] = 7


# --- the leaflet -----------------------------------------------------------------------------


class CheckItem(_S, kw_only=True):
    id: str
    text: Text
    contacts: list[str] = []
    # false: left out of the follow-up's calendar event (planning its date is done by then)
    in_calendar: bool = True


class Step(_S, kw_only=True):
    number: int
    title: Text
    summary: Text
    checklist: list[CheckItem]
    contacts: list[str] = []


class Section(_S, kw_only=True):
    """A block of the leaflet with a title and a checklist: the ZVH route, the follow-up."""

    id: str
    title: Text
    summary: Text
    checklist: list[CheckItem]
    contacts: list[str] = []


class Followup(Section, kw_only=True):
    """The follow-up: its checklist, and the triage questions it asks again ("hoe gaat het nu?")."""

    asks: list[str] = []


class Advice(_S, kw_only=True):
    id: str
    title: Text
    text: Text
    steps: list[int]


class ImagesRule(_S, kw_only=True):
    title: Text
    never: list[Text]
    instead: list[Text]


class Leaflet(_S, kw_only=True):
    title: Text
    source: Text
    intro: Text
    principle: Text
    disclaimer: Text


class Protocol(_S, kw_only=True):
    leaflet: Leaflet
    steps: list[Step]
    zvh_route: Section
    followup: Followup
    images_rule: ImagesRule
    criteria: list[Criterion]
    flags: list[Flag]
    dos: list[Advice]
    donts: list[Advice]
    questions: list[Question]
    triage: Triage
    # the kinds of organisation, the first the default; the one this protocol is for is set by an
    # organisation's layer
    settings: list[Setting]
    setting: Optional[str] = None

    def __post_init__(self) -> None:
        if isinstance(self.setting, str):  # read as an answers file and `init --setting` read it: ` SPORT ` is sport
            self.setting = self.setting.strip().lower()


# --- contacts --------------------------------------------------------------------------------


class Detail(_S, kw_only=True):
    """A phone number, website, chat or address, with how well it is verified and where from."""

    value: str
    verified: Verified
    source: str
    # what the detail is for, shown beside it
    note: Optional[Text] = None


class Contact(_S, kw_only=True):
    id: str
    name: str
    kind: Kind
    purpose: Text
    aliases: list[str] = []
    when_to_call: Optional[Text] = None
    # a plain string is the organisation's own detail (from its layer file)
    phone: Union[Detail, str, None] = None
    chat: Union[Detail, str, None] = None
    website: Union[Detail, str, None] = None
    address: Union[Detail, str, None] = None
    email: Optional[str] = None
    person: Optional[str] = None
    reachable: Optional[Text] = None
    region: Optional[str] = None
    note: Optional[Text] = None
    historical: bool = False
    source_file: Optional[str] = None


class Contacts(_S, kw_only=True):
    contacts: list[Contact]


# --- interface texts and cases ---------------------------------------------------------------


class UI(_S, kw_only=True):
    help: dict[str, Text]
    texts: dict[str, Text]
    # words an answers file may use besides the option values: "yes", "no", "unknown" → words
    answer_words: dict[str, list[str]]


# --- the conversations of step 3 and the letters (data/conversations.yaml) -------------------


class GuideFirst(_S, kw_only=True):
    """What must come before the conversation (shown only when its `when` holds)."""

    when: Optional[Cond] = None
    text: Text


class GuideVariant(_S, kw_only=True):
    """Parts that replace the guide's own when `when` holds (the first variant giving a part wins)."""

    when: Cond
    aim: Optional[Text] = None
    opening: Optional[Text] = None
    questions: Optional[list[Text]] = None
    avoid: Optional[list[Text]] = None
    record: Optional[list[Text]] = None


GUIDE_PARTS = ("aim", "opening", "questions", "avoid", "record")


class Guide(_S, kw_only=True):
    id: str
    order: int
    with_: Text = field(name="with")
    when: Optional[Cond] = None
    first: list[GuideFirst] = []
    aim: Text
    opening: Text
    questions: list[Text]
    avoid: list[Text]
    record: list[Text]
    variants: list[GuideVariant] = []


class LetterVariant(_S, kw_only=True):
    when: Cond
    paragraphs: list[Text]


class Letter(_S, kw_only=True):
    id: str
    when: Optional[Cond] = None
    title: Text
    purpose: Text
    paragraphs: list[Text]
    contacts: list[str] = []
    variants: list[LetterVariant] = []


class Conversations(_S, kw_only=True):
    conversations: list[Guide]
    letters: list[Letter] = []


class Expect(_S, kw_only=True):
    """What a case must lead to: the keys that `check-scenarios` reads."""

    flag: Optional[str] = None
    flag_at_least: Optional[str] = None
    confirmed_flag: Optional[str] = None
    urgent: Optional[bool] = None
    priority: Optional[str] = None
    first: Optional[list[str]] = None
    first_items: Optional[list[str]] = None
    followup_days: Optional[int] = None
    setting: Optional[str] = None
    lowest_flag_allowed: Optional[str] = None
    routes_include: list[str] = []
    routes_exclude: list[str] = []
    routes_order: list[str] = []
    contacts_include: list[str] = []
    contacts_exclude: list[str] = []
    first_items_include: list[str] = []
    first_items_exclude: list[str] = []
    unknown_include: list[str] = []
    plan_include: list[str] = []
    plan_exclude: list[str] = []
    asked_include: list[str] = []
    refine_include: list[str] = []
    max_asked: Optional[int] = None
    exit: Optional[int] = None
    message_contains: Optional[str] = None


class Case(_S, kw_only=True):
    id: str
    title: Text
    story: Text
    answers: dict[str, Union[bool, int, str]]
    expect: Expect


Cases = list[Case]


# --- the catalogue of messages -----------------------------------------------------------------


class Message(_S, kw_only=True):
    """A coded message of `data/messages.yaml`: a short stable name and its text in both languages."""

    name: str
    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class Messages(_S, kw_only=True):
    # code (SP101) → the message; `{name}` is filled in by the program
    messages: dict[str, Message]
    # the parts that messages share: "did you mean", type names
    words: dict[str, Text]


# --- checks that a type cannot express ------------------------------------------------------
#
# Each check returns what it found as (path, code, values): the path inside the file, a code of
# the catalogue (data/messages.yaml) and the values its text names. `values` may hold `nearest`
# (the closest known name) or `known` (all of a few), which the text adds as a suggestion.

Path = tuple  # a path inside a file: ("triage", "plan", 3, "contacts", 0)
Found = list  # [(Path, code, values)]

# deeper than this, plain data is refused before it is converted (the shipped files need 10)
MAX_DEPTH = 32
_CONTROL = INVISIBLE  # control characters but newline and tab, and invisible format characters (bidi)


def suggest(value, known) -> dict:
    """{"nearest": name} for a misspelt name, else {"known": names} when they are few."""
    import difflib

    names = sorted({str(k) for k in known})
    near = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
    if near:
        return {"nearest": near[0]}
    return {"known": names} if len(names) <= 6 else {}


FOLLOWUP_DAYS = (1, 365)  # the follow-up's number of days: in the data and on the command line


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

    def walk(x, path: Path) -> None:
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
            walk(v, (*path, k))

    walk(raw, ())
    return found


def _dupes(items, key: str, path: Path, found: Found, seen: dict | None = None) -> dict:
    seen = {} if seen is None else seen
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            found.append(((*path, i, key), "SP310", {"key": key, "value": value, "first": seen[value]}))
        else:
            seen[value] = (*path, i)
    return seen


def join_path(parts) -> str:
    """('steps', 2, 'checklist') → `steps[2].checklist`."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _ref(value, known, code: str, path: Path, found: Found, **values) -> None:
    if value not in known:
        found.append((path, code, {"value": value, **values, **suggest(value, known)}))


class _Refs:
    """What a protocol's conditions and lists may refer to."""

    def __init__(self, p: Protocol, contact_ids: set[str]):
        self.questions = {q.id: q for q in p.questions}
        self.criteria = {c.id for c in p.criteria}
        self.flags = [f.id for f in p.flags]
        self.routes = {r.id for r in p.triage.routes}
        self.contacts = contact_ids
        self.advice = {a.id for a in (*p.dos, *p.donts)}
        self.steps = {s.number for s in p.steps}
        self.priorities = [x.id for x in p.triage.priority]
        self.settings = [x.id for x in p.settings]
        self.conditions: set[str] = set()  # the named conditions defined so far


_HEADS = ("q", "gap", "younger", "criterion", "flag", "route", "priority", "setting", "holds", "all_", "any_", "not_")
_TESTS = ("is_", "in_", "lt", "gte")
_NAMES = {"all_": "all", "any_": "any", "not_": "not", "is_": "is", "in_": "in"}


def _check_cond(c: Cond, refs: _Refs, path: Path, found: Found) -> None:
    heads = [n for n in _HEADS if getattr(c, n) is not None]
    tests = [n for n in _TESTS if getattr(c, n) is not None]
    if len(heads) != 1:
        found.append((path, "SP402", {"heads": [_NAMES.get(h, h) for h in heads]}) if heads else (path, "SP401", {}))
        return
    head = heads[0]
    needs_test = head in ("q", "gap", "younger", "criterion")
    if needs_test and len(tests) != 1:
        found.append((path, "SP403", {"head": head}))
        return
    if not needs_test and tests:
        found.append((path, "SP404", {"head": _NAMES.get(head, head), "tests": [_NAMES.get(t, t) for t in tests]}))
        return
    test = tests[0] if tests else None
    if head in ("all_", "any_"):
        for i, sub in enumerate(getattr(c, head)):
            _check_cond(sub, refs, (*path, _NAMES[head], i), found)
    elif head == "not_":
        _check_cond(c.not_, refs, (*path, "not"), found)
    elif head == "flag":
        for i, f in enumerate(c.flag):
            _ref(f, refs.flags, "SP305", (*path, "flag", i), found)
    elif head == "route":
        _ref(c.route, refs.routes, "SP304", (*path, "route"), found)
    elif head == "priority":
        for i, x in enumerate(c.priority):
            _ref(x, refs.priorities, "SP314", (*path, "priority", i), found)
    elif head == "setting":
        for i, x in enumerate(c.setting):
            _ref(x, refs.settings, "SP315", (*path, "setting", i), found)
    elif head == "holds":
        _ref(c.holds, refs.conditions, "SP313", (*path, "holds"), found)
    elif head == "criterion":
        _ref(c.criterion, refs.criteria, "SP306", (*path, "criterion"), found)
        values = [c.is_] if test == "is_" else (c.in_ or [])
        if test in ("lt", "gte"):
            found.append((path, "SP405", {}))
        for v in values:
            _ref(v, [*refs.flags, UNKNOWN], "SP307", (*path, _NAMES[test]), found)
    elif head in ("gap", "younger"):
        pair = getattr(c, head)
        if len(pair) != 2:
            found.append(((*path, head), "SP406", {}))
        for i, qid in enumerate(pair):
            _ref(qid, refs.questions, "SP301", (*path, head, i), found)
            if qid in refs.questions and refs.questions[qid].type != "number":
                found.append(((*path, head, i), "SP407", {"q": qid}))
        if test not in ("lt", "gte"):
            found.append((path, "SP408", {"head": head}))
    else:  # q
        q = refs.questions.get(c.q)
        if q is None:
            _ref(c.q, refs.questions, "SP301", (*path, "q"), found)
            return
        if test in ("lt", "gte"):
            if q.type != "number":
                found.append((path, "SP409", {"test": test, "q": q.id}))
            return
        values = [c.is_] if test == "is_" else (c.in_ or [])
        for v in values:
            if q.type == "number":
                if v != UNKNOWN and not isinstance(v, int):
                    found.append(((*path, _NAMES[test]), "SP410", {"q": q.id, "value": v}))
            else:
                _ref(v, [o.value for o in q.options] + [UNKNOWN], "SP302", (*path, _NAMES[test]), found, q=q.id)


def check_protocol(p: Protocol, contacts: Contacts) -> Found:
    """Problems in a converted protocol: ids, references and conditions.

    A contact marked `historical: true` may be named in the leaflet's text, but a route or a
    contact rule never sends a professional to it.
    """
    contact_ids = {c.id for c in contacts.contacts}
    historical = {c.id for c in contacts.contacts if c.historical}
    found: Found = []
    refs = _Refs(p, contact_ids)

    def contacts(ids, path, routed: bool = False):
        for i, cid in enumerate(ids):
            _ref(cid, refs.contacts, "SP303", (*path, i), found)
            if routed and cid in historical:
                found.append(((*path, i), "SP312", {"value": cid}))

    def flag(value, path):
        _ref(value, refs.flags, "SP305", path, found)

    # ids
    _dupes(p.steps, "number", ("steps",), found)
    seen_items: dict = {}
    for si, s in enumerate(p.steps):
        _dupes(s.checklist, "id", ("steps", si, "checklist"), found, seen_items)
    for name in ("criteria", "flags", "questions"):
        _dupes(getattr(p, name), "id", (name,), found)
    advice = _dupes(p.dos, "id", ("dos",), found)
    _dupes(p.donts, "id", ("donts",), found, advice)
    _dupes(p.triage.routes, "id", ("triage", "routes"), found)
    _dupes(p.triage.plan, "id", ("triage", "plan"), found)
    _dupes(p.triage.floors, "id", ("triage", "floors"), found)
    _dupes(p.triage.lowest, "id", ("triage", "lowest"), found)
    _dupes(p.triage.priority, "id", ("triage", "priority"), found)
    _dupes(p.triage.route_rules, "id", ("triage", "route_rules"), found)
    for cid, rules in p.triage.ratings.items():
        _dupes(rules, "id", ("triage", "ratings", cid), found)
    for name in ("escalations", "contact_rules", "warnings"):
        _dupes(getattr(p.triage, name), "id", ("triage", name), found)
    if sorted(refs.steps) != list(range(1, len(p.steps) + 1)):
        found.append((("steps",), "SP311", {}))
    _dupes(p.settings, "id", ("settings",), found)
    for si, x in enumerate(p.settings):
        contacts(x.contacts, ("settings", si, "contacts"))
    if p.setting is not None:
        _ref(p.setting, refs.settings, "SP315", ("setting",), found)
    # the engine ranks flags in this order: a layer may reword a flag, never add, drop or move one
    for i, f in enumerate(p.flags):
        if i >= len(FLAGS) or f.id != FLAGS[i]:
            found.append((("flags", i, "id"), "SP316", {"value": f.id, "flags": ", ".join(FLAGS)}))
    if len(p.flags) < len(FLAGS):
        found.append((("flags",), "SP316", {"value": "-", "flags": ", ".join(FLAGS)}))

    # the leaflet
    for si, s in enumerate(p.steps):
        contacts(s.contacts, ("steps", si, "contacts"))
        for ci, item in enumerate(s.checklist):
            contacts(item.contacts, ("steps", si, "checklist", ci, "contacts"))
    for name in ("zvh_route", "followup"):
        sec = getattr(p, name)
        contacts(sec.contacts, (name, "contacts"))
        for ci, item in enumerate(sec.checklist):
            contacts(item.contacts, (name, "checklist", ci, "contacts"))
    for i, qid in enumerate(p.followup.asks):
        _ref(qid, refs.questions, "SP301", ("followup", "asks", i), found)
    for name in ("dos", "donts"):
        for ai, a in enumerate(getattr(p, name)):
            for i, n in enumerate(a.steps):
                _ref(n, refs.steps, "SP308", (name, ai, "steps", i), found)

    # questions
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
        if q.alert:
            _ref(q.alert.route, refs.routes, "SP304", (*path, "alert", "route"), found)
            for i, v in enumerate(q.alert.answers):
                _ref(v, values, "SP302", (*path, "alert", "answers", i), found, q=q.id)
        if q.out_of_scope:
            contacts(q.out_of_scope.contacts, (*path, "out_of_scope", "contacts"))
        if q.wait:
            for j, qid in enumerate(q.wait.for_):
                _ref(qid, refs.questions, "SP301", (*path, "wait", "for", j), found)

    # the triage
    t = p.triage
    if isinstance(t.followup_days, dict):
        for pid, n in t.followup_days.items():
            check_days(n, ("triage", "followup_days", pid), found)
    else:
        check_days(t.followup_days, ("triage", "followup_days"), found)
    for name, cond in t.conditions.items():
        _check_cond(cond, refs, ("triage", "conditions", name), found)
        refs.conditions.add(name)
    for qi, q in enumerate(p.questions):
        if q.out_of_scope and q.out_of_scope.unless:
            _check_cond(q.out_of_scope.unless, refs, ("questions", qi, "out_of_scope", "unless"), found)
        if q.wait:
            _check_cond(q.wait.when, refs, ("questions", qi, "wait", "when"), found)
        for j, v in enumerate(q.find_out_variants):
            _check_cond(v.when, refs, ("questions", qi, "find_out_variants", j, "when"), found)
    for cid, rules in t.ratings.items():
        _ref(cid, refs.criteria, "SP306", ("triage", "ratings", cid), found)
        for ri, r in enumerate(rules):
            path = ("triage", "ratings", cid, ri)
            if (r.q is None) == (r.when is None) or (r.q is None) != (r.map is None) or (r.when is None) != (r.rating is None):
                found.append((path, "SP601", {}))
                continue
            if r.q is not None:
                q = refs.questions.get(r.q)
                if q is None:
                    _ref(r.q, refs.questions, "SP301", (*path, "q"), found)
                    continue
                for value, rating in r.map.items():
                    _ref(value, [o.value for o in q.options], "SP302", (*path, "map", value), found, q=q.id)
                    flag(rating, (*path, "map", value))
            else:
                _check_cond(r.when, refs, (*path, "when"), found)
                flag(r.rating, (*path, "rating"))
                if r.because is None:
                    found.append((path, "SP602", {}))
    for i, e in enumerate(t.escalations):
        _check_cond(e.when, refs, ("triage", "escalations", i, "when"), found)
        for k, v in e.raise_.items():
            flag(k, ("triage", "escalations", i, "raise", k))
            flag(v, ("triage", "escalations", i, "raise", k))
    for i, f in enumerate(t.floors):
        _check_cond(f.when, refs, ("triage", "floors", i, "when"), found)
        flag(f.at_least, ("triage", "floors", i, "at_least"))
    for i, lo in enumerate(t.lowest):
        _check_cond(lo.when, refs, ("triage", "lowest", i, "when"), found)
        flag(lo.flag, ("triage", "lowest", i, "flag"))
    _check_cond(t.urgent, refs, ("triage", "urgent"), found)
    for i, pr in enumerate(t.priority):
        if pr.when is not None:
            _check_cond(pr.when, refs, ("triage", "priority", i, "when"), found)
    if not t.priority or t.priority[-1].when is not None:
        found.append((("triage", "priority"), "SP604", {}))
    firsts = {*t.first.routes, *t.first.otherwise}
    for i, r in enumerate(t.routes):
        contacts(r.contacts, ("triage", "routes", i, "contacts"), routed=True)
        if (r.urgent or r.id in firsts) and r.action is None:
            found.append((("triage", "routes", i), "SP603", {"id": r.id}))
        for j, v in enumerate(r.variants):
            _check_cond(v.when, refs, ("triage", "routes", i, "variants", j, "when"), found)
            contacts(v.contacts or [], ("triage", "routes", i, "variants", j, "contacts"), routed=True)
    for key in ("routes", "otherwise"):
        for j, rid in enumerate(getattr(t.first, key)):
            _ref(rid, refs.routes, "SP304", ("triage", "first", key, j), found)
    for j, pid in enumerate(t.first.priorities):
        _ref(pid, [x.id for x in t.priority], "SP314", ("triage", "first", "priorities", j), found)
    for i, rr in enumerate(t.route_rules):
        path = ("triage", "route_rules", i)
        _check_cond(rr.when, refs, (*path, "when"), found)
        for key in ("add", "remove"):
            for j, rid in enumerate(getattr(rr, key)):
                _ref(rid, refs.routes, "SP304", (*path, key, j), found)
    for j, rid in enumerate(t.keep_when_lowered):
        _ref(rid, refs.routes, "SP304", ("triage", "keep_when_lowered", j), found)
    for i, cr in enumerate(t.contact_rules):
        _check_cond(cr.when, refs, ("triage", "contact_rules", i, "when"), found)
        contacts(cr.add, ("triage", "contact_rules", i, "add"), routed=True)
    for name in ("warnings", "notes"):
        for i, w in enumerate(getattr(t, name)):
            if w.when is not None:
                _check_cond(w.when, refs, ("triage", name, i, "when"), found)
            elif w.id not in ENGINE_WARNINGS:
                found.append((("triage", name, i, "id"), "SP317", {"value": w.id, "known": ", ".join(ENGINE_WARNINGS)}))
    for i, ig in enumerate(t.ignore):
        _check_cond(ig.when, refs, ("triage", "ignore", i, "when"), found)
        for j, qid in enumerate(ig.questions):
            _ref(qid, refs.questions, "SP301", ("triage", "ignore", i, "questions", j), found)
    days = t.followup_days if isinstance(t.followup_days, dict) else {}
    for pid in days:
        _ref(pid, refs.priorities, "SP314", ("triage", "followup_days", pid), found)
    if days and set(days) != set(refs.priorities):
        found.append((("triage", "followup_days"), "SP318", {"priorities": ", ".join(refs.priorities)}))
    plan_ids = {item.id for item in t.plan}
    for j, pid in enumerate(t.first_items.priorities):
        _ref(pid, refs.priorities, "SP314", ("triage", "first_items", "priorities", j), found)
    for j, fi in enumerate(t.first_items.items):
        path = ("triage", "first_items", "items", j)
        if fi.id.startswith("find_out."):
            _ref(fi.id[len("find_out."):], refs.questions, "SP301", (*path, "id"), found)
        else:
            _ref(fi.id, plan_ids, "SP319", (*path, "id"), found)
        if fi.when is not None:
            _check_cond(fi.when, refs, (*path, "when"), found)
        for k, qid in enumerate(fi.before_decision):
            _ref(qid, refs.questions, "SP301", (*path, "before_decision", k), found)
    for i, item in enumerate(t.plan):
        path = ("triage", "plan", i)
        _ref(item.step, refs.steps, "SP308", (*path, "step"), found)
        if item.when is not None:
            _check_cond(item.when, refs, (*path, "when"), found)
        for j, v in enumerate(item.variants):
            _check_cond(v.when, refs, (*path, "variants", j, "when"), found)
        contacts(item.contacts, (*path, "contacts"))
        for j, a in enumerate(item.advice):
            _ref(a, refs.advice, "SP309", (*path, "advice", j), found)
    return found


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
    refs = _Refs(p, {x.id for x in contacts.contacts})
    refs.conditions = set(p.triage.conditions)
    for name in ("conversations", "letters"):
        _dupes(getattr(c, name), "id", (name,), found)
    for name, entries in (("conversations", c.conversations), ("letters", c.letters)):
        for i, entry in enumerate(entries):
            at = (name, i)
            if entry.when is not None:
                _check_cond(entry.when, refs, (*at, "when"), found)
            for j, v in enumerate(entry.variants):
                _check_cond(v.when, refs, (*at, "variants", j, "when"), found)
            for j, f in enumerate(getattr(entry, "first", [])):
                if f.when is not None:
                    _check_cond(f.when, refs, (*at, "first", j, "when"), found)
            for j, cid in enumerate(getattr(entry, "contacts", [])):
                _ref(cid, refs.contacts, "SP303", (*at, "contacts", j), found)
    return found
