"""typer's app: every command with its options and help, for all that the short way of a plain
look-up (lookups.py) does not read. The global options stand before the command or after it:
`sexting-protocol --lang en checklist` is `sexting-protocol checklist --lang en`. The help and
click's own messages are in the chosen language (helptexts.py).

Heavy modules (rich, questionary, icalendar, jsonschema) are imported inside the commands that
need them.
"""

from __future__ import annotations

import copy
import os
import sys
from typing import Any, Callable, Iterator, List, Mapping, Optional, get_args

import typer
from typer._click import exceptions as click_exc

from .. import __version__
from ..core.errors import UserError
from ..core.model import Kind
from ..text.texts import language
from . import lookups
from .env import Env, Interrupted
from .helptexts import HELP, click_error, scan_lang, translated
from .options import GLOBALS, Globals

H = HELP[scan_lang(sys.argv[1:], os.environ)]
app = typer.Typer(help=H["app"], no_args_is_help=True, add_completion=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]})


def _state(ctx: typer.Context) -> Globals:
    return ctx.obj


def _version(ctx: typer.Context, value: bool) -> None:
    if value:
        ctx.obj.env.out(f"sexting-protocol {__version__}")
        raise typer.Exit()


# --- completion of option values, from the data in use -------------------------------------------


def _completing(ctx: typer.Context) -> Globals:
    """The state with the global options given so far (completion parses without running them)."""
    st = _state(ctx)
    for c in (ctx.find_root(), ctx):
        st.choose({k: v for k, v in c.params.items() if k in GLOBALS})
    return st


def _completion(values):
    """A completion of an option's values from the data in use: (value, help) pairs; none when
    the data cannot be read (a shell shows no error message)."""
    def complete(ctx: typer.Context, incomplete: str):
        try:
            return values(_completing(ctx))
        except UserError:
            return []

    return complete


def _cases(st: Globals):
    from .practice import load
    from ..present.views import DecisionView

    view = DecisionView(st.bundle(), st.lang, texts=st.texts)
    return [(c.case.id, view.tx(c.case.title)) for c in load(view)]


_complete_steps = _completion(lambda st: [(str(s.number), st.view().step_title(s)) for s in st.view().p.steps])
_complete_routes = _completion(lambda st: [(r.id, st.view().tx(r.name)) for r in st.view().p.triage.routes])
_complete_kinds = _completion(lambda st: [(k, st.t(f"kind_{k}")) for k in get_args(Kind)])
_complete_cases = _completion(_cases)


# --- the global options --------------------------------------------------------------------------

@app.callback()
def main_options(
    ctx: typer.Context,
    lang: Optional[str] = typer.Option(None, "--lang", help=H["opt_lang"], metavar="nl|en"),
    protocol: Optional[str] = typer.Option(None, "--protocol", help=H["opt_protocol"], metavar=H["mv_path"]),
    contacts: Optional[str] = typer.Option(None, "--contacts", help=H["opt_contacts"], metavar=H["mv_path"]),
    no_layers: bool = typer.Option(False, "--no-layers", help=H["opt_no_layers"]),
    no_pager: bool = typer.Option(False, "--no-pager", help=H["opt_no_pager"]),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help=H["opt_version"]),
) -> None:
    _state(ctx).choose_before({"lang": lang, "protocol": protocol, "contacts": contacts, "no_layers": no_layers,
                               "no_pager": no_pager})


def _after_command(ctx, param, value) -> None:
    """A global option given after the command: it wins over the same option before it."""
    _state(ctx).choose({param.name: value})


class _Commands(Mapping):
    """The app's commands by name, each made into a click command when it is first looked up:
    typer makes them all at once, some 15 ms of every start, while a run needs one (the help
    and a mistyped name list them all)."""

    def __init__(self, finish: Callable[[Any], None]):
        self._infos = {i.name or typer.main.get_command_name(i.callback.__name__): i for i in app.registered_commands}
        self._made: dict[str, Any] = {}
        self._finish = finish

    def __getitem__(self, name: str):
        if name not in self._made:
            made = typer.main.get_command_from_info(self._infos[name], pretty_exceptions_short=app.pretty_exceptions_short,
                                                    rich_markup_mode=app.rich_markup_mode)
            self._finish(made)
            self._made[name] = made
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def command(env: Env):
    """The click command of the app: every command also takes the global options, and the help
    is in the chosen language."""
    bare = copy.copy(app)
    bare.registered_commands = []
    group = typer.main.get_command(bare)
    shared = [p for p in group.params if p.name in GLOBALS]
    help_for = translated(group, H, env)

    def finish(sub) -> None:
        for p in shared:
            q = copy.copy(p)
            q.expose_value, q.is_eager, q.callback = False, True, _after_command
            sub.params.append(q)
        help_for(sub)

    group.commands = _Commands(finish)
    invoke = group.invoke

    def invoke_said(ctx):  # typer turns a KeyboardInterrupt into a silent exit 130: `_run` says it
        try:
            return invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted from None

    group.invoke = invoke_said
    return group


JSON = typer.Option(False, "--json", help=H["opt_json"])


@app.command(help=H["checklist"])
def checklist(
    ctx: typer.Context,
    step: Optional[int] = typer.Option(None, "--step", "-s", help=H["opt_step"], metavar="1-5",
                                       autocompletion=_complete_steps),
    route: Optional[str] = typer.Option(None, "--route", "-r", help=H["opt_route"], metavar="ROUTE",
                                        autocompletion=_complete_routes),
    followup: bool = typer.Option(False, "--followup", help=H["opt_followup"]),
    as_json: bool = JSON,
) -> int:
    return lookups.checklist(_state(ctx), step, route, followup, as_json)


@app.command(help=H["contacts"])
def contacts(
    ctx: typer.Context,
    query: Optional[str] = typer.Argument(None, help=H["arg_query"], metavar=H["mv_query"]),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", help=H["opt_kind"], metavar="|".join(get_args(Kind)),
                                       autocompletion=_complete_kinds),
    sources: bool = typer.Option(False, "--sources", help=H["opt_sources"]),
    as_json: bool = JSON,
) -> int:
    return lookups.contacts(_state(ctx), query, kind, sources, as_json)


@app.command(help=H["advice"])
def advice(
    ctx: typer.Context,
    dos: bool = typer.Option(False, "--dos", help=H["opt_dos"]),
    donts: bool = typer.Option(False, "--donts", help=H["opt_donts"]),
    as_json: bool = JSON,
) -> int:
    return lookups.advice(_state(ctx), dos, donts, as_json)


@app.command(help=H["criteria"])
def criteria(ctx: typer.Context, as_json: bool = JSON) -> int:
    return lookups.criteria(_state(ctx), as_json)


@app.command(help=H["validate"])
def validate(ctx: typer.Context, as_json: bool = JSON) -> None:
    from .validate import run

    raise typer.Exit(run(_state(ctx), as_json))


@app.command(help=H["triage"])
def triage(
    ctx: typer.Context,
    answers: Optional[str] = typer.Option(None, "--answers", "-a", help=H["opt_answers"], metavar=H["mv_file"]),
    as_json: bool = typer.Option(False, "--json", help=H["opt_triage_json"]),
    no_input: bool = typer.Option(False, "--no-input", help=H["opt_no_input"]),
    report: Optional[str] = typer.Option(None, "--report", help=H["opt_report"], metavar=H["mv_path"]),
    ics: Optional[str] = typer.Option(None, "--ics", help=H["opt_ics"], metavar=H["mv_path"]),
    case_ref: Optional[str] = typer.Option(None, "--case-ref", help=H["opt_case_ref"], metavar=H["mv_text"]),
    role: Optional[str] = typer.Option(None, "--role", help=H["opt_role"], metavar=H["mv_text"]),
    signal_date: Optional[str] = typer.Option(None, "--signal-date", help=H["opt_signal_date"], metavar=H["mv_date"]),
    followup_days: Optional[int] = typer.Option(None, "--followup-days", help=H["opt_followup_days"],
                                                metavar=H["mv_days"]),
    force: bool = typer.Option(False, "--force", help=H["opt_force"]),
) -> None:
    from ..core.model import FOLLOWUP_DAYS
    from .triage import Options, run

    if followup_days is not None and not FOLLOWUP_DAYS[0] <= followup_days <= FOLLOWUP_DAYS[1]:
        raise UserError(_state(ctx).t("SP855", days=followup_days))

    opts = Options(answers=answers, as_json=as_json, no_input=no_input, report=report, ics=ics, case_ref=case_ref,
                   role=role, signal_date=signal_date, followup_days=followup_days, force=force)
    raise typer.Exit(run(_state(ctx), opts))


@app.command(help=H["conversations"])
def conversations(
    ctx: typer.Context,
    answers: str = typer.Option(..., "--answers", "-a", help=H["opt_conversations_answers"], metavar=H["mv_file"]),
    as_json: bool = JSON,
) -> None:
    from .triage import conversations as run

    raise typer.Exit(run(_state(ctx), answers, as_json))


@app.command(help=H["followup"])
def followup(
    ctx: typer.Context,
    case: str = typer.Argument(..., help=H["arg_case_file"], metavar=H["mv_file"]),
    answers: Optional[str] = typer.Option(None, "--answers", "-a", help=H["opt_followup_answers"], metavar=H["mv_file"]),
    as_json: bool = typer.Option(False, "--json", help=H["opt_json"]),
    report: Optional[str] = typer.Option(None, "--report", help=H["opt_report"], metavar=H["mv_path"]),
    ics: Optional[str] = typer.Option(None, "--ics", help=H["opt_ics"], metavar=H["mv_path"]),
    force: bool = typer.Option(False, "--force", help=H["opt_force"]),
) -> None:
    from .followup import Options, run

    raise typer.Exit(run(_state(ctx), Options(case, answers, as_json, report, ics, force)))


@app.command(help=H["init"])
def init(ctx: typer.Context, force: bool = typer.Option(False, "--force", help=H["opt_force"]),
         setting: Optional[str] = typer.Option(None, "--setting", help=H["opt_setting"], metavar="SETTING"),
         as_json: bool = JSON) -> None:
    from .init import init as run

    raise typer.Exit(run(_state(ctx), force, as_json, setting))


@app.command(help=H["schema"])
def schema(
    ctx: typer.Context,
    output: Optional[str] = typer.Option(None, "--output", "-o", help=H["opt_schema_output"], metavar=H["mv_dir"]),
    force: bool = typer.Option(False, "--force", help=H["opt_force"]),
    as_json: bool = JSON,
) -> None:
    from .init import schemas

    raise typer.Exit(schemas(_state(ctx), output, as_json, force))


@app.command(help=H["handout"])
def handout(
    ctx: typer.Context,
    output: Optional[str] = typer.Option(None, "--output", "-o", help=H["opt_handout_output"], metavar=H["mv_file"]),
    force: bool = typer.Option(False, "--force", help=H["opt_force"]),
    as_json: bool = JSON,
) -> None:
    from .init import handout as run

    raise typer.Exit(run(_state(ctx), output, force, as_json))


@app.command(help=H["practice"])
def practice(
    ctx: typer.Context,
    count: int = typer.Option(5, "--count", "-n", help=H["opt_count"], metavar=H["mv_number"], show_default=False),
    seed: Optional[int] = typer.Option(None, "--seed", help=H["opt_seed"], metavar=H["mv_number"]),
    case: Optional[str] = typer.Option(None, "--case", help=H["opt_case"], metavar="ID", autocompletion=_complete_cases),
    list_cases: bool = typer.Option(False, "--list", help=H["opt_list"]),
    as_json: bool = typer.Option(False, "--json", help=H["opt_practice_json"]),
) -> None:
    from .practice import Options, run

    if count < 1:
        raise UserError(_state(ctx).t("SP856", count=count))

    raise typer.Exit(run(_state(ctx), Options(count=count, seed=seed, case=case, list_cases=list_cases, as_json=as_json)))


@app.command(help=H["web"])
def web(
    ctx: typer.Context,
    port: Optional[int] = typer.Option(None, "--port", "-p", help=H["opt_port"], min=1, max=65535),
    no_browser: bool = typer.Option(False, "--no-browser", help=H["opt_no_browser"]),
    lang: Optional[str] = typer.Option(None, "--lang", help=H["opt_web_lang"], metavar="nl|en"),
    as_json: bool = typer.Option(False, "--json", help=H["opt_web_json"]),
) -> None:
    from .web import run

    st = _state(ctx)
    lang = language(lang, "--lang", st.lang) if lang is not None else None
    raise typer.Exit(run(st, port, not no_browser, lang or st.lang, as_json))


@app.command(name="help", help=H["help"])
def help_(ctx: typer.Context,
          name: Optional[str] = typer.Argument(None, help=H["arg_help_command"], metavar=H["mv_command"])) -> None:
    """What --help shows: of the tool, or of one command."""
    top = ctx.parent
    if name is None:
        return _state(ctx).env.out(top.get_help())
    sub = top.command.get_command(top, name)
    if sub is None:  # said as a mistyped command is
        top.fail(f"No such command {name!r}.")
    _state(ctx).env.out(sub.context_class(sub, info_name=name, parent=top).get_help())


def run(st: Globals, argv: List[str]) -> int:
    """The command through typer; click's own failures as their exit status, with one line on
    stderr (main.py says the others)."""
    env = st.env
    try:
        rv = command(env).main(args=argv, prog_name="sexting-protocol", standalone_mode=False, obj=st)
        return rv if isinstance(rv, int) else 0
    except typer.Abort:
        raise Interrupted from None
    except click_exc.NoArgsIsHelpError as e:  # the help itself
        env.err(e.format_message())
        return e.exit_code
    except click_exc.ClickException as e:
        env.err(f"{click_error(e, env.lang, env.environ)}\n{st.t('see_help')}")
        return e.exit_code
