"""What the global options chose (--lang, --protocol, --contacts, --no-layers, --no-pager), given
before the command or after it, and the data they lead to, loaded on first use. Both ways into a
command use it: typer's app (app.py) and the short way of a plain look-up (lookups.py)."""

from __future__ import annotations

from typing import Any, Optional

from ..text.texts import Texts, language
from .env import Env

GLOBALS = ("lang", "protocol", "contacts", "no_layers", "no_pager")


class Globals:
    """What the global options chose; the data is loaded on first use."""

    def __init__(self, env: Env):
        self.env = env
        self.protocol: Optional[str] = None
        self.contacts: Optional[str] = None
        self.layers = True
        self.written: list[str] = []  # files written so far, to name them if interrupted
        self._bundle = None

    @property
    def lang(self) -> str:
        return self.env.lang

    def bundle(self):
        if self._bundle is None:
            from ..store import bundle as data

            self._bundle = data.load(self.protocol, self.contacts, layers=self.layers, env=self.env)
            for line in self._bundle.layer_notice(self.texts):  # a broken layer is left out: say so
                self.env.err(line)
        return self._bundle

    def view(self):
        from ..present.views import View

        return View(self.bundle(), self.lang, self.texts)

    def show(self, blocks, page: bool = False) -> None:
        from ..render.terminal import show

        show(blocks, self.env, page)

    def page(self, blocks) -> None:
        """A look-up: through the pager when it is longer than the terminal."""
        self.show(blocks, page=True)

    def json(self, obj: Any) -> None:
        from ..render import to_json

        self.env.out(to_json(obj, ascii=not self.env.utf8))

    @property
    def texts(self) -> Texts:
        return Texts(self.lang, self.env.environ)

    def t(self, key: str, **kw: Any) -> str:
        return self.texts(key, **kw)

    def choose(self, given: dict[str, Any], source: str = "--lang") -> None:
        """The global options given (None or False: not given); `source` names where a
        language came from, for the message when it is not one of ours."""
        if given.get("lang") is not None:
            self.env.lang = language(given["lang"], source, self.lang)
        for name in ("protocol", "contacts"):
            if given.get(name) is not None:
                setattr(self, name, given[name])
        if given.get("no_layers"):
            self.layers = False
        if given.get("no_pager"):
            self.env.pager = False

    def choose_before(self, given: dict[str, Any]) -> None:
        """The global options given before the command; the language, when none was given, is
        SEXTING_PROTOCOL_LANG's or Dutch."""
        lang = given.get("lang")  # given, even empty: checked as given after the command is
        if lang is None:
            self.choose({"lang": self.env.environ.get("SEXTING_PROTOCOL_LANG") or "nl"}, "SEXTING_PROTOCOL_LANG")
        else:
            self.choose({"lang": lang})
        self.choose({k: v for k, v in given.items() if k != "lang"})
