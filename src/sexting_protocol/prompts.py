"""The asker: every question the tool puts to a person goes through here (questionary).

This is the only interactive code. questionary's `ask` swallows Ctrl-C and returns None; here
every interrupt ends the session with exit status 130 (`_ask`). Texts are cleaned of control
characters before prompt_toolkit shows them.
Tests pass prompt_toolkit's pipe input and a dummy output.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Any, Callable, Optional, Sequence

import questionary
from questionary import Choice

from .answers import whole_number
from .env import INTERRUPTS
from .render import clean

BACK = "__back__"


class Asker:
    def __init__(self, texts: Callable[[str], str], input: Any = None, output: Any = None):
        self.t = texts
        self.io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}

    def choice(self, message: str, options: Sequence[tuple[Any, str]], default: Any = None,
               help: Optional[str] = None, back: bool = False, key: Optional[str] = None) -> Any:
        """One of the options, with arrow keys and Enter; BACK when the person goes back.
        (A value may not be None: questionary then returns the label.) `key` names the screen
        (the conversation's screen id), for scripted askers in tests."""
        choices = [Choice(clean(label), value=value) for value, label in options]
        if back:
            choices.append(Choice(self.t("ask_back"), value=BACK))
        default_choice = next((c for c in choices if c.value == default), None)
        return _ask(questionary.select(
            _with_help(message, help), choices=choices, default=default_choice, instruction=self.t("ask_instruction"),
            qmark="?", use_shortcuts=False, show_description=False, **self.io,
        ))

    def checkbox(self, message: str, options: Sequence[tuple[Any, str]], instruction: str,
                 checked: Sequence[Any] = (), help: Optional[str] = None) -> list[Any]:
        """Any number of the options (none too): arrow keys, space to tick, Enter when done."""
        choices = [Choice(clean(label), value=value, checked=value in checked) for value, label in options]
        return _ask(questionary.checkbox(
            _with_help(message, help), choices=choices, instruction=instruction, qmark="?",
            show_description=False, **self.io,
        ))

    def number(self, message: str, low: int, high: int, help: Optional[str] = None,
               default: Optional[int] = None, back: bool = False, instruction: Optional[str] = None,
               key: Optional[str] = None) -> Any:
        """A whole number from low to high, read as an answers file reads it; Enter without one
        means unknown (None); `<` goes back."""
        def valid(text: str) -> Any:
            n = whole_number(text)
            if not text.strip() or (back and text.strip() == "<") or (n is not None and low <= n <= high):
                return True
            return self.t("ask_number_invalid").format(low=low, high=high)

        answer = _ask(questionary.text(
            _with_help(message, help), default="" if default is None else str(default), validate=valid,
            instruction=instruction or self.t("ask_number_instruction" + ("_back" if back else "")), **self.io,
        )).strip()
        if back and answer == "<":
            return BACK
        return whole_number(answer) if answer else None

    def text(self, message: str, default: str = "", help: Optional[str] = None,
             required: bool = False, key: Optional[str] = None) -> str:
        def valid(text: str) -> Any:
            return True if text.strip() or not required else self.t("ask_required")

        return _ask(questionary.text(_with_help(message, help), default=default, validate=valid, **self.io)).strip()

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


def _with_help(message: str, help: Optional[str]) -> str:
    """The question and its short help text, wrapped to the terminal (prompt_toolkit cuts
    a long line of a message off at the edge)."""
    width = max(40, shutil.get_terminal_size().columns - 4)
    message, help = clean(message), help and clean(help)
    text = textwrap.fill(message, width, subsequent_indent="  ")
    if help:
        text += "\n" + textwrap.fill(f"({help})", width, initial_indent="  ", subsequent_indent="   ") + "\n "
    return text
