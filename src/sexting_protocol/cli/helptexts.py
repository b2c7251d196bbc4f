"""The command help in the chosen language, read from data/ui.yaml before typer builds the app;
and click's own words (Usage, Options, its error messages) in that language too."""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Sequence

from ..text.catalogue import ui
from ..text.texts import LANGS, Texts


def scan_lang(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language the command line asks for, before it is parsed (help texts need it)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1] if argv[i + 1] in LANGS else LANGS[0]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1] if arg.split("=", 1)[1] in LANGS else LANGS[0]
    lang = environ.get("SEXTING_PROTOCOL_LANG", LANGS[0])
    return lang if lang in LANGS else LANGS[0]


class _Help(dict):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def __missing__(self, key: str) -> str:
        text = ui().help.get(key)
        return text.get(self.lang) if text else key


HELP = {"nl": _Help("nl"), "en": _Help("en")}


# --- click's own words -----------------------------------------------------------------------------


def _words(lang: str, environ: Mapping[str, str]) -> dict[str, str]:
    """click's English phrases (the `en` of ui.yaml's `click_*` help entries) in the language."""
    return {text.en: text.get(lang) for key, text in ui(environ).help.items() if key.startswith("click_") and text.en}


def translated(group, help: _Help, env) -> Callable[[Any], None]:
    """Let the help of the group use the language's words for click's own (Usage, Options,
    Commands, Show this message and exit, ...), and print it through the Env (as everything
    else, so that a narrow encoding gets the same stand-ins); returns what does the same for a
    command of the group."""
    from typer._click.core import Context
    from typer._click.formatting import HelpFormatter
    from typer.core import TyperOption

    words = {en: other for en, other in _words(help.lang, env.environ).items() if en != other}

    def tr(text: str) -> str:
        for en, other in words.items():
            text = text.replace(en, other)
        return text

    class Formatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: Any = None) -> None:
            super().write_usage(prog, tr(args), tr("Usage:") + " ")

        def write_heading(self, heading: str) -> None:
            super().write_heading(tr(heading))

        def write_dl(self, rows, *args: Any, **kw: Any) -> None:
            super().write_dl([(first, tr(second)) for first, second in rows], *args, **kw)

    class HelpContext(Context):
        formatter_class = Formatter

    def show_help(ctx, param, value: bool) -> None:
        if value and not ctx.resilient_parsing:
            env.out(ctx.get_help())
            ctx.exit()

    names = list(group.context_settings.get("help_option_names", ["--help"]))

    def in_language(command) -> None:
        command.context_class = HelpContext
        command._help_option = TyperOption(param_decls=names, is_flag=True, expose_value=False,
                                           is_eager=True, help=tr("Show this message and exit."), callback=show_help)

    in_language(group)
    return in_language


# click's messages about the command line, and the interface text that says each
_MESSAGES = [
    (r"No such command '(?P<name>.*)'\.( Did you mean '(?P<names>.*)'\?)?", "cli_no_such_command"),
    (r"Got unexpected extra argument(s|\(s\))? \((?P<args>.*)\)", "cli_extra_args"),
    (r"Option '(?P<name>.*)' requires (an argument|\d+ arguments)\.", "cli_needs_value"),
    (r"Option '(?P<name>.*)' does not take a value\.", "cli_no_value"),
    (r"Missing command\.", "cli_missing_command"),
    (r"Missing argument '(?P<name>.*)'\.", "cli_missing_argument"),
]


def click_error(e, lang: str, environ: Mapping[str, str]) -> str:
    """click's message about a bad command line, in the language (its own English for one not
    known here)."""
    from typer._click import exceptions as x

    t = Texts(lang, environ)

    if isinstance(e, x.NoSuchOption):
        message = t("cli_no_such_option", name=e.option_name)
        return message + (" " + t("cli_did_you_mean", names=", ".join(sorted(e.possibilities))) if e.possibilities else "")
    if isinstance(e, x.BadParameter) and e.param is not None:
        found = re.fullmatch(r"'(?P<value>.*)' is not a valid int(eger)?\.", e.message or "")
        if found:
            return t("cli_not_a_number", name=e.param.opts[0], value=found["value"])
    message = e.format_message()
    for pattern, key in _MESSAGES:
        found = re.fullmatch(pattern, message)
        if found:
            values = found.groupdict()
            names = values.pop("names", None)  # typer quotes each: 'triage', 'criteria'
            names = ", ".join(re.findall(r"'([^']*)'", f"'{names}'")) if names else None
            return t(key, **values) + (" " + t("cli_did_you_mean", names=names) if names else "")
    return message
