"""The asker: every question the tool puts to a person goes through here (questionary).

This is the only interactive code. questionary's `ask` swallows Ctrl-C and returns None; here
every interrupt ends the session with exit status 130 (`_ask`). Texts are cleaned of control
characters before prompt_toolkit shows them.
Tests pass prompt_toolkit's pipe input and a dummy output.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import Any, Callable, Optional, Sequence

import questionary
from questionary import Choice

from ..store.answers import whole_number
from ..render.narrow import fit
from .env import INTERRUPTS, _is_utf
from ..render import clean

BACK = "__back__"


POINTER, PLAIN_POINTER = "»", ">"  # the selection marker, and its stand-in on a console that is not UTF-8
CHECKED, UNCHECKED = "[x]", "[ ]"  # a checkbox's stand-ins there (questionary draws ● and ○)


class Asker:
    def __init__(self, texts: Callable[[str], str], input: Any = None, output: Any = None,
                 encoding: Optional[str] = None):
        self.t = texts
        self.io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}
        # what the console shows: prompt_toolkit writes "?" for what its encoding lacks, so every
        # text gets the same stand-ins as the tool's other output (← → <-, é → e), and the marks
        # their own (» → >)
        self.encoding = encoding or _encoding(output)
        self.utf = _is_utf(self.encoding)

    def fit(self, text: str) -> str:
        return clean(text) if self.utf else fit(clean(text), self.encoding)

    def _message(self, message: str, help: Optional[str]) -> str:
        return self.fit(_with_help(message, help))

    def choice(self, message: str, options: Sequence[tuple[Any, str]], default: Any = None,
               help: Optional[str] = None, back: bool = False, key: Optional[str] = None) -> Any:
        """One of the options, with arrow keys and Enter; BACK when the person goes back.
        (A value may not be None: questionary then returns the label.) `key` names the screen
        (the conversation's screen id), for scripted askers in tests."""
        choices = [Choice(self.fit(label), value=value) for value, label in options]
        if back:
            choices.append(Choice(self.fit(self.t("ask_back")), value=BACK))
        default_choice = next((c for c in choices if c.value == default), None)
        return _ask(questionary.select(
            self._message(message, help), choices=choices, default=default_choice,
            instruction=self.fit(self.t("ask_instruction")), qmark="?", use_shortcuts=False, show_description=False,
            pointer=POINTER if self.utf else PLAIN_POINTER, **self.io,
        ))

    def checkbox(self, message: str, options: Sequence[tuple[Any, str]], instruction: str,
                 checked: Sequence[Any] = (), help: Optional[str] = None) -> list[Any]:
        """Any number of the options (none too): arrow keys, space to tick, Enter when done."""
        choices = [Choice(self.fit(label), value=value, checked=value in checked) for value, label in options]
        question = questionary.checkbox(
            self._message(message, help), choices=choices, instruction=self.fit(instruction), qmark="?",
            show_description=False, pointer=POINTER if self.utf else PLAIN_POINTER, **self.io,
        )
        if self.utf:
            return _ask(question)
        from questionary.prompts import common  # draws its marks from these names

        marks = common.INDICATOR_SELECTED, common.INDICATOR_UNSELECTED
        common.INDICATOR_SELECTED, common.INDICATOR_UNSELECTED = CHECKED, UNCHECKED
        try:
            return _ask(question)
        finally:
            common.INDICATOR_SELECTED, common.INDICATOR_UNSELECTED = marks

    def number(self, message: str, low: int, high: int, help: Optional[str] = None,
               default: Optional[int] = None, back: bool = False, instruction: Optional[str] = None,
               key: Optional[str] = None) -> Any:
        """A whole number from low to high, read as an answers file reads it; Enter without one
        means unknown (None); `<` goes back."""
        def valid(text: str) -> Any:
            n = whole_number(text)
            if not text.strip() or (back and text.strip() == "<") or (n is not None and low <= n <= high):
                return True
            return self.fit(self.t("ask_number_invalid").format(low=low, high=high))

        answer = _ask(questionary.text(
            self._message(message, help), default="" if default is None else str(default), validate=valid,
            instruction=self.fit(instruction or self.t("ask_number_instruction" + ("_back" if back else ""))), **self.io,
        )).strip()
        if back and answer == "<":
            return BACK
        return whole_number(answer) if answer else None

    def text(self, message: str, default: str = "", help: Optional[str] = None,
             required: bool = False, key: Optional[str] = None) -> str:
        def valid(text: str) -> Any:
            return True if text.strip() or not required else self.fit(self.t("ask_required"))

        return _ask(questionary.text(self._message(message, help), default=default, validate=valid, **self.io)).strip()

    def yes_no(self, message: str, default: bool = True, key: Optional[str] = None) -> bool:
        """Yes or no in the chosen language (questionary's own confirm says Y/n)."""
        return bool(self.choice(message, [(True, self.t("ask_yes")), (False, self.t("ask_no"))], default=default))


def _ask(question: questionary.Question) -> Any:
    """Ask; Ctrl-C as a key, and SIGINT, SIGTERM or SIGHUP as a signal, all raise
    KeyboardInterrupt, also when the signal comes just before or after the prompt."""
    app = question.application

    def abort() -> None:
        if app.is_running and not app.is_done:
            app.exit(exception=KeyboardInterrupt, style="class:aborting")

    def stop() -> None:  # from the signal handler: end the prompt in its own loop
        if app.loop is not None:
            app.loop.call_soon_threadsafe(abort)

    INTERRUPTS.check()
    INTERRUPTS.stop_prompt = stop
    try:
        answer = app.run(handle_sigint=False, pre_run=lambda: INTERRUPTS.pending and abort())
    finally:
        INTERRUPTS.stop_prompt = None
        INTERRUPTS.between_prompts = True
    INTERRUPTS.check()
    return answer


def _encoding(output: Any) -> str:
    """The encoding the prompt's output writes in: the one given, else standard output's."""
    if output is not None:
        try:
            return output.encoding() or "utf-8"
        except (AttributeError, TypeError):
            return "utf-8"
    return getattr(sys.stdout, "encoding", None) or "utf-8"


def _with_help(message: str, help: Optional[str]) -> str:
    """The question and its short help text, wrapped to the terminal (prompt_toolkit cuts
    a long line of a message off at the edge)."""
    width = max(40, shutil.get_terminal_size().columns - 4)
    message, help = clean(message), help and clean(help)
    text = textwrap.fill(message, width, subsequent_indent="  ")
    if help:
        text += "\n" + textwrap.fill(f"({help})", width, initial_indent="  ", subsequent_indent="   ") + "\n "
    return text
