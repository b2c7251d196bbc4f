"""`sexting-protocol practice`: a team weighs cases from the scenario library and compares.

For each case: the story, the professional's rating of the six criteria, a flag and the routes
to take first; then their answers beside the engine's decision on the case's answers, with its
reasons and the do's and don'ts that apply. At the end: flags matched, and the criteria most
often weighed differently. Nothing is stored.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional

from ..store import bundle as data, yamlio
from ..core import model
from ..store.answers import CONFIRM_KEYS, from_source
from ..core import conversation as conv
from ..core.conversation import Confirmation, Decision, Value
from ..core.errors import Problem, UserError
from ..core.model import FLAGS, UNKNOWN
from ..present.blocks import Block, Heading, Items, Para, Table
from ..present.views import DecisionView

SAME, DIFFERENT, TICK, NONE = "✓", "✗", "✓", "–"


@dataclass
class Options:
    count: int = 5
    seed: Optional[int] = None
    case: Optional[str] = None
    list_cases: bool = False
    as_json: bool = False


@dataclass
class Scenario:
    """A case of the library with its answers read as an answers file would be."""

    case: model.Case
    answers: dict[str, Value]
    confirmation: Optional[Confirmation]
    extra: dict[str, Any]


@dataclass
class Round:
    """One case practised: what the professional chose, and the tool's decision."""

    scenario: Scenario
    criteria: dict[str, str]
    flag: str
    routes: list[str]
    decision: Decision


class _Within(data.Source):
    """A part of a file checked as a file of its own: its lines and paths are those in the whole."""

    __slots__ = ("at",)

    def __init__(self, path: str, text: str, raw: Any, at: tuple):
        super().__init__(path, text, raw)
        self.at = at

    def line(self, parts) -> Optional[int]:
        return super().line([*self.at, *parts])

    def problem(self, parts, message: str) -> Problem:
        return Problem(self.path, self.line(parts), yamlio.join_path([*self.at, *parts]), message)


def load(view: DecisionView, path: Optional[str] = None) -> list[Scenario]:
    """The cases to practise: every case of the library except those meant to be refused.
    Their answers are checked as an answers file's are; a problem names cases.yaml's line."""
    src = data.read(path or data.shipped("cases.yaml"), view.lang)
    out = []
    for i, case in enumerate(data.convert(src, model.Cases, lang=view.lang)):
        if case.expect.exit is not None:
            continue  # an answers file the tool must refuse: a test, not a case to weigh
        part = _Within(src.path, src.text, {"answers": case.answers}, at=(i,))
        out.append(Scenario(case, *from_source(part, view.e, view.contact_text, view.t)))
    return out


def run(state, opts: Options, asker=None) -> int:
    env = state.env
    bundle = state.bundle()
    engine = conv.rules(bundle.protocol, bundle.conversations)
    view = DecisionView(bundle, state.lang, engine, state.texts)
    cases = load(view)
    if opts.list_cases:
        return _list(state, view, cases, opts.as_json)
    if opts.as_json and opts.case is None:
        raise UserError(view.t("SP861"))
    chosen = pick(cases, opts, view)
    if opts.as_json:
        state.json(as_json(view, chosen[0], decide(engine, chosen[0], env)))
        return 0
    if not (env.interactive or asker is not None):
        raise UserError(view.t("SP863"))
    try:
        if asker is None:
            from .prompts import Asker

            asker = Asker(view.t)
        state.show([Heading(view.t("practice_title")), Para(view.t("practice_intro", count=len(chosen)), "dim")])
        rounds: list[Round] = []
        for n, c in enumerate(chosen, 1):
            if n > 1 and not asker.yes_no(view.t("practice_next"), default=True):
                break
            state.show([Heading(view.t("practice_case_title", n=n, total=len(chosen), title=view.tx(c.case.title)), 1),
                        Para(view.tx(c.case.story))])
            rounds.append(play(asker, view, c, decide(engine, c, env)))
            state.show(compare_blocks(view, rounds[-1]))
        state.show(summary_blocks(view, rounds))
        return 0
    except KeyboardInterrupt:
        env.err(view.t("interrupted"))
        return 130


def pick(cases: list[Scenario], opts: Options, view: DecisionView) -> list[Scenario]:
    """The case asked for, or `count` cases in an order that `seed` repeats."""
    if opts.case is not None:
        found = [c for c in cases if c.case.id == opts.case]
        if not found:
            raise UserError(view.t("SP862", case=opts.case, allowed=", ".join(c.case.id for c in cases)))
        return found[:1]
    return random.Random(opts.seed).sample(cases, min(opts.count, len(cases)))


def decide(engine, c: Scenario, env) -> Decision:
    return conv.decide(engine, c.answers, c.confirmation, env.today)


def as_json(view: DecisionView, c: Scenario, d: Decision) -> dict[str, Any]:
    case = {"id": c.case.id, "title": view.tx(c.case.title), "story": view.tx(c.case.story),
            "answers": {**c.answers, **{k: c.extra[k] for k in CONFIRM_KEYS if k in c.extra}}}
    return {"case": case, "decision": view.as_json(d)}


def _list(state, view: DecisionView, cases: list[Scenario], as_json: bool) -> int:
    if as_json:
        state.json({"cases": [{"id": c.case.id, "title": view.tx(c.case.title)} for c in cases]})
        return 0
    width = max((len(c.case.id) for c in cases), default=0)
    for c in cases:
        state.env.out(f"{c.case.id:<{width}}  {view.tx(c.case.title)}")
    return 0


# --- one round ---------------------------------------------------------------------------------


def play(asker, view: DecisionView, c: Scenario, d: Decision) -> Round:
    """Ask the professional's weighing of a case."""
    e = view.e
    criteria = {}
    for crit in view.p.criteria:
        options = [(f.id, view.tx(f.name)) for f in view.p.flags] + [(UNKNOWN, view.t("ask_unknown"))]
        criteria[crit.id] = asker.choice(
            view.t("practice_ask_criterion", name=view.tx(crit.name), youth=view.tx(crit.youth)), options,
            help=" ".join(view.tx(q) for q in crit.check))
    flags = [(f.id, f"{view.tx(f.name)} ({view.tx(f.label)})") for f in view.p.flags]
    flag = asker.choice(view.t("practice_ask_flag"), flags)
    routes = asker.checkbox(view.t("practice_ask_routes"), [(r.id, view.tx(r.name)) for r in e.t.routes],
                            instruction=view.t("practice_checkbox_instruction"))
    return Round(c, criteria, flag, list(routes), d)


def _rating(view: DecisionView, rating: str) -> str:
    return view.flag_name(rating) if rating in FLAGS else view.t("unknown_answer")


def _same(a: Any, b: Any) -> str:
    return SAME if a == b else DIFFERENT


def compare_blocks(view: DecisionView, r: Round) -> list[Block]:
    """Their answers beside the tool's: criteria and flag, routes, the reasons, do's and don'ts."""
    d, e = r.decision, view.e
    rows = [[view.tx(crit.name), _rating(view, r.criteria[crit.id]), _rating(view, d.assessment.criteria[crit.id]),
             _same(r.criteria[crit.id], d.assessment.criteria[crit.id])] for crit in view.p.criteria]
    yours, tools = view.t("practice_col_yours"), view.t("practice_col_tool")
    shown = [x.id for x in e.t.routes if x.id in r.routes or x.id in d.routes]
    routes = [[view.tx(e.routes[x].name), TICK if x in r.routes else NONE, TICK if x in d.routes else NONE,
               _same(x in r.routes, x in d.routes)] for x in shown]
    blocks: list[Block] = [
        Heading(view.t("practice_compare_title"), 1),
        Table([view.t("col_criterion"), yours, tools, view.t("practice_col_same")], rows),
        Heading(view.t("practice_flag_row"), 2),
        Para(view.t("practice_flag_compare", yours=view.flag_name(r.flag), tool=view.flag_name(d.flag),
                    same=_same(r.flag, d.flag)), "bold"),
        view.flag_banner(d),
        Heading(view.t("routes_title"), 2),
        Table([view.t("practice_col_route"), yours, tools, view.t("practice_col_same")], routes),
        *view.why_blocks(d),
    ]
    return blocks + advice_blocks(view, d)


def advice_blocks(view: DecisionView, d: Decision) -> list[Block]:
    """The leaflet's do's and don'ts that the decision's plan refers to."""
    ids = {a for step in d.plan for item in step.items for a in item.advice}
    dos = [a for a in view.p.dos if a.id in ids]
    donts = [a for a in view.p.donts if a.id in ids]
    blocks: list[Block] = [Heading(view.t("practice_advice_title"), 2)] if dos or donts else []
    if dos:
        blocks += [Heading(view.t("dos"), 3, "bold green"), Items([view.advice_line(a) for a in dos])]
    if donts:
        blocks += [Heading(view.t("donts"), 3, "bold red"), Items([view.advice_line(a) for a in donts])]
    return blocks


# --- the end -------------------------------------------------------------------------------------


def summary(rounds: list[Round]) -> tuple[int, list[tuple[str, int]]]:
    """Flags matched, and (criterion id, times weighed differently) for those that differed,
    most often first (ties in the protocol's order)."""
    matched = sum(r.flag == r.decision.flag for r in rounds)
    differed = Counter(cid for r in rounds for cid, rating in r.criteria.items()
                       if rating != r.decision.assessment.criteria[cid])
    order = list(rounds[0].criteria) if rounds else []
    return matched, sorted(differed.items(), key=lambda kv: (-kv[1], order.index(kv[0])))


def summary_blocks(view: DecisionView, rounds: list[Round]) -> list[Block]:
    matched, differed = summary(rounds)
    total = len(rounds)
    names = {c.id: view.tx(c.name) for c in view.p.criteria}
    blocks: list[Block] = [Heading(view.t("practice_summary_title"), 1),
                           Para(view.t("practice_flags_matched", matched=matched, total=total), "bold")]
    if differed:
        blocks += [Para(view.t("practice_most_different")),
                   Items([view.t("practice_differed", name=names[cid], count=n, total=total) for cid, n in differed])]
    elif rounds:
        blocks.append(Para(view.t("practice_none_different")))
    return blocks + [Para(view.t("practice_reflect"), "dim")]
