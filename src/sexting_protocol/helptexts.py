"""The command help in the chosen language, read from data/ui.yaml before typer builds the app."""

from __future__ import annotations

from typing import Mapping, Sequence

from .data import ui
from .env import LANGS


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
