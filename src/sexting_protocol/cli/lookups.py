"""The look-up commands (checklist, contacts, advice, criteria): what each one shows, and the
short way to it.

typer's import is about half of a look-up's time. A look-up written in its plain form (the
command, its own options and the global options, each value as the next word) is read here and
run without typer; anything else goes through typer's app (app.py): the help, completion, a
mistake (typer's messages), `--step=3`, `-s3`, `--`, a value that starts with "-". Both ways call
the same functions below with the same values. tests/test_lookups.py holds the two ways to the
same output over many command lines, and this table to the typer declarations.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional, Sequence, get_args

from ..core.errors import UserError
from ..core.model import Kind
from .options import GLOBALS, Globals


def checklist(st: Globals, step: Optional[int] = None, route: Optional[str] = None, followup: bool = False,
              as_json: bool = False) -> int:
    v = st.view()
    p = v.p
    numbers = [s.number for s in p.steps]
    if step is not None and step not in numbers:
        raise UserError(st.t("SP851", step=step, first=numbers[0], last=numbers[-1]))
    routes = {r.id: r for r in p.triage.routes}
    if route is not None and route not in routes:
        raise UserError(st.t("SP852", route=route, allowed=", ".join(routes)))
    # what was asked, in this order: the step (all steps when nothing is asked), the route, the follow-up
    everything = step is None and route is None and not followup
    steps = [s for s in p.steps if everything or s.number == step]
    followup = followup or everything
    if as_json:
        out: dict[str, Any] = {"steps": [v.section_json(s, s.number) for s in steps]}
        if route:
            out["route"] = v.route_json(routes[route])
        if followup:
            out["followup"] = v.section_json(p.followup)
        if steps:
            out["images_rule"] = v.images_json()
        st.json(out)
        return 0
    blocks: list = []
    if steps:
        blocks += v.images_blocks()
    for s in steps:
        blocks += v.section_blocks(v.step_title(s), s, with_advice=s.number)
    if route:
        blocks += v.route_blocks(routes[route])
    if followup:
        blocks += v.section_blocks(v.tx(p.followup.title), p.followup)
    st.page(blocks)
    return 0


def contacts(st: Globals, query: Optional[str] = None, kind: Optional[str] = None, sources: bool = False,
             as_json: bool = False) -> int:
    v = st.view()
    kinds = get_args(Kind)
    if kind is not None and kind not in kinds:
        raise UserError(st.t("SP853", kind=kind, allowed=", ".join(kinds)))
    found = v.find_contacts(query, kind)
    if not found:
        st.env.err(st.t("no_contacts", query=query or kind or ""))
        return 1
    note = v.region_note()
    if as_json:
        out: dict[str, Any] = {"contacts": [v.contact_json(c) for c in found]}
        if note:
            out["note"] = note
        st.json(out)
        return 0
    st.page(v.contacts_blocks(found, note, sources))
    return 0


def advice(st: Globals, dos: bool = False, donts: bool = False, as_json: bool = False) -> int:
    v = st.view()
    both = dos == donts
    if as_json:
        st.json(v.jsonable(v.advice(dos=dos or both, donts=donts or both)))
    else:
        st.page(v.advice_blocks(dos=dos or both, donts=donts or both))
    return 0


def criteria(st: Globals, as_json: bool = False) -> int:
    v = st.view()
    if as_json:
        st.json(v.criteria_json())
    else:
        st.page(v.criteria_blocks())
    return 0


# --- the short way --------------------------------------------------------------------------------


class Opt(NamedTuple):
    """An option: its parameter's name, the words that give it, and its value's type (bool: a
    flag, which takes no value)."""

    name: str
    words: tuple[str, ...]
    type: type


class Lookup(NamedTuple):
    run: Callable[..., int]
    options: tuple[Opt, ...]
    argument: Optional[str] = None  # the name of its one optional argument


JSON = Opt("as_json", ("--json",), bool)
GLOBAL_OPTIONS = (Opt("lang", ("--lang",), str), Opt("protocol", ("--protocol",), str),
                  Opt("contacts", ("--contacts",), str), Opt("no_layers", ("--no-layers",), bool),
                  Opt("no_pager", ("--no-pager",), bool))
LOOKUPS = {
    "checklist": Lookup(checklist, (Opt("step", ("--step", "-s"), int), Opt("route", ("--route", "-r"), str),
                                    Opt("followup", ("--followup",), bool), JSON)),
    "contacts": Lookup(contacts, (Opt("kind", ("--kind", "-k"), str), Opt("sources", ("--sources",), bool), JSON),
                       "query"),
    "advice": Lookup(advice, (Opt("dos", ("--dos",), bool), Opt("donts", ("--donts",), bool), JSON)),
    "criteria": Lookup(criteria, (JSON,)),
}
assert tuple(o.name for o in GLOBAL_OPTIONS) == GLOBALS


def _read(args: Sequence[str], i: int, options: Sequence[Opt], into: dict[str, Any]) -> Optional[int]:
    """The option at args[i] and its value into `into`; the index after it, or None when it is
    not one of `options` or not in its plain form."""
    opt = next((o for o in options if args[i] in o.words), None)
    if opt is None:
        return None
    if opt.type is bool:
        into[opt.name] = True
        return i + 1
    if i + 1 >= len(args) or args[i + 1].startswith("-"):
        return None
    try:
        into[opt.name] = opt.type(args[i + 1])  # as click converts it: int("3")
    except ValueError:
        return None
    return i + 2


def short(args: Sequence[str], environ) -> Optional[Callable[[Globals], int]]:
    """The look-up that `args` asks for, ready to run, when they are in the plain form; else None
    (typer's app reads them)."""
    if any(name.startswith("_SEXTING_PROTOCOL_COMPLETE") for name in environ):  # the shell completes
        return None
    before: dict[str, Any] = {}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i = _read(args, i, GLOBAL_OPTIONS, before)
        if i is None:
            return None
    lookup = LOOKUPS.get(args[i]) if i < len(args) else None
    if lookup is None:
        return None
    after: dict[str, Any] = {}
    values: dict[str, Any] = {}
    i += 1
    while i < len(args):
        if not args[i].startswith("-"):
            if lookup.argument is None or lookup.argument in values:
                return None
            values[lookup.argument] = args[i]
            i += 1
            continue
        i = _read(args, i, GLOBAL_OPTIONS, after) or _read(args, i, lookup.options, values)
        if i is None:
            return None

    def run(st: Globals) -> int:
        st.choose_before(before)
        st.choose(after)  # given after the command: they win
        return lookup.run(st, **values)

    return run
