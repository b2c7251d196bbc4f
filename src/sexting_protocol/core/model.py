"""Every schema of the data files, in one module.

`data/protocol.yaml`, `data/contacts.yaml`, `data/ui.yaml` and `data/cases.yaml` are converted
into these msgspec structs (unknown keys, missing fields and wrong types are errors there);
core/checks.py then checks what a type cannot say: unique ids, references that resolve, and
conditions that name a real question and option.
"""

from typing import List, Literal, Optional, Union

from msgspec import Struct, field

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
    # typing.List: Python 3.10 leaves a name in quotes inside `list[...]` unresolved
    all_: Optional[List["Cond"]] = field(default=None, name="all")
    any_: Optional[List["Cond"]] = field(default=None, name="any")
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


class Variant(_S, kw_only=True):
    when: Cond
    text: Text


class PlanVariant(Variant, kw_only=True):
    # the variant's own contacts instead of the item's (a kind of organisation's own roles)
    contacts: Optional[List[str]] = None


class Question(_S, kw_only=True):
    id: str
    type: Literal["choice", "number"] = "choice"
    short: Text  # a few words, for the review screen and reports
    text: Text
    help: Text
    find_out: Text
    # the first whose `when` holds replaces find_out (where the police is a route, the young
    # person is not questioned about it)
    find_out_variants: list[Variant] = []
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


class PlanItem(_S, kw_only=True):
    id: str
    step: int
    text: Text
    # a few words, where the item stands beside the confirmation with the first actions
    short: Optional[Text] = None
    when: Optional[Cond] = None
    # the first variant whose `when` holds replaces `text` (and `contacts`, when it has its own)
    variants: list[PlanVariant] = []
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

    def roles_elsewhere(self, setting: str) -> set[str]:
        """The internal roles of the other kinds of organisation, not of this one (a school's SMW
        in a club): left out of its plan and its poster."""
        own = next((set(x.contacts) for x in self.settings if x.id == setting), set())
        return {c for x in self.settings for c in x.contacts} - own


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


# --- what the checks (core/checks.py) and their texts share ------------------------------------
#
# A check returns what it found as (path, code, values): the path inside the file, a code of
# the catalogue (data/messages.yaml) and the values its text names. `values` may hold `nearest`
# (the closest known name) or `known` (all of a few), which the text adds as a suggestion.

Path = tuple  # a path inside a file: ("triage", "plan", 3, "contacts", 0)
Found = list  # [(Path, code, values)]

FOLLOWUP_DAYS = (1, 365)  # the follow-up's number of days: in the data and on the command line


def suggest(value, known) -> dict:
    """{"nearest": name} for a misspelt name, else {"known": names} when they are few."""
    import difflib

    names = sorted({str(k) for k in known})
    near = difflib.get_close_matches(str(value), names, n=1, cutoff=0.6)
    if near:
        return {"nearest": near[0]}
    return {"known": names} if len(names) <= 6 else {}


def join_path(parts) -> str:
    """('steps', 2, 'checklist') → `steps[2].checklist`."""
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out
