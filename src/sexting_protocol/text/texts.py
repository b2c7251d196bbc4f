"""The one words object: `Texts(lang)` words everything the user reads, from the one catalogue
(`text.catalogue`: the interface texts of ui.yaml and the coded messages of messages.yaml).

    t = Texts("en")
    t("contacts_title")                  # an interface text, `{name}` filled in
    t("SP701")                           # a coded message (every error), `{name}` filled in
    t.tx(question.text)                  # a Text of the data ({nl, en}) in the language
    t.say("SP301", {"value": "x"})       # a coded message (with "did you mean")
    t.word("more_places")                # a word of the catalogue

Every layer below this one passes codes, ids and values; every `--lang` (an option, an
environment variable, a page's address) is checked by `language`.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from ..core.errors import UserError, printable
from . import catalogue

# the values that name a file: shown on their line, as Python writes a line break (`\n`). A file
# name may hold one (made in a shared folder), and its second line looked like the tool's own;
# ESC and bidi the output's `clean` escapes, a line break it keeps, as messages have them.
PATH_VALUES = frozenset({"path", "paths", "json", "folder", "file"})

LANGS = ("nl", "en")  # the first is the default


def language(value: Optional[str], source: str = "--lang", lang: str = LANGS[0]) -> str:
    """A language asked for (`source` says where), checked: UserError, worded in `lang`, for one
    this tool does not have; the default when none was asked."""
    if value is None:
        return LANGS[0]
    if value not in LANGS:
        from ..store.yamlio import show

        raise UserError(Texts(lang)("SP857", source=source, value=show(value), allowed=", ".join(LANGS)))
    return value


class Texts:
    """The words of one language. Cheap to make: the catalogue is read once per process."""

    __slots__ = ("lang", "environ")

    def __init__(self, lang: str = LANGS[0], environ: Mapping[str, str] = os.environ):
        self.lang = lang if lang in LANGS else LANGS[0]
        self.environ = environ

    def __call__(self, key: str, **values: Any) -> str:
        """A text of the catalogue with `{name}` filled in as given (a missing key: the key): an
        interface text of ui.yaml (`contacts_title`), or a coded message of messages.yaml by its
        code (`SP701`), as every error is said; its caller shows a value from a file itself
        (`yamlio.show`), where `say` shows the values of a check."""
        found = catalogue.coded(key) if catalogue.is_code(key) else catalogue.ui(self.environ).texts.get(key)
        text = found.get(self.lang) if found else key
        if not values:
            return text
        return text.format(**{k: printable(v) if k in PATH_VALUES and isinstance(v, str) else v
                              for k, v in values.items()})

    t = __call__

    def tx(self, text) -> str:
        """A text of the data ({nl, en}) in the language (Dutch where English is missing)."""
        return text.get(self.lang) if text is not None else ""

    def date(self, day) -> str:
        """A date as the language writes it: 7-12-2026 in Dutch, 2026-12-07 in English."""
        return f"{day.day}-{day.month}-{day.year}" if self.lang == "nl" else day.isoformat()

    def help(self, key: str) -> str:
        found = catalogue.ui(self.environ).help.get(key)
        return found.get(self.lang) if found else key

    def say(self, code: str, values: dict) -> str:
        """A coded message of messages.yaml, its values shown safely."""
        return catalogue.say(code, values, self.lang)

    def word(self, key: str) -> str:
        return catalogue.catalogue().words[key].get(self.lang)

    def answer_words(self) -> dict[str, list[str]]:
        """The words typed for yes, no and don't know (`ja`, `weet ik niet`), by canonical value."""
        return catalogue.ui(self.environ).answer_words
