"""The command line's entry: the one place that says a failure, an interruption or a lost standard
output, and turns each into its exit status (2 bad input, 130 interrupted). A look-up in its
plain form runs the short way (lookups.py); every other command line goes to typer's app
(app.py), whose import is about half of a look-up's time.
"""

from __future__ import annotations

import sys
from typing import Any, List, Optional

from ..core.errors import UserError
from ..text.texts import Texts
from . import lookups
from .env import INTERRUPTS, Env, Interrupted
from .helptexts import scan_lang
from .options import Globals


def main(argv: Optional[List[str]] = None, env: Optional[Env] = None) -> int:
    """Run the command line; return the exit status (2 bad input, 130 interrupted)."""
    env = env or Env()
    entry = argv is None  # the installed command: the process ends when this returns
    argv = list(sys.argv[1:] if argv is None else argv)
    env.lang = scan_lang(argv, env.environ)  # for a message before the options are read
    state = Globals(env)
    with INTERRUPTS.installed(final=entry):
        return _finished(env, _run(env, state, argv))


def _run(env: Env, state: Globals, argv: list) -> int:
    """The command; every failure as its exit status, with one line on stderr."""
    try:
        lookup = lookups.short(argv, env.environ)
        if lookup is not None:
            rv = lookup(state)
        else:
            from .app import run

            rv = run(state, argv)
        if INTERRUPTS.pending and rv != 130:  # between the last prompt and the end
            raise Interrupted
        return rv
    except UserError as e:
        env.err(e.message)
        return e.exit_code
    except (KeyboardInterrupt, Interrupted):
        written = ", ".join(state.written)
        env.err(_text(env, "interrupted_saved", paths=written) if written else _text(env, "interrupted"))
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # a bug: say so in one line; SEXTING_PROTOCOL_DEBUG=1 shows the traceback
        if env.environ.get("SEXTING_PROTOCOL_DEBUG"):
            raise
        env.err(_text(env, "internal_error", error=f"{type(e).__name__}: {e}"))
        return 1


def _finished(env: Env, rv: int) -> int:
    """The exit status, once standard output is flushed: one that failed (`> /dev/full`) is said
    on stderr, and a command that went well then exits with 1 (what was shown is incomplete)."""
    error = env.finish()
    if error is None:
        return rv
    env.err(_text(env, "SP763", reason=error))
    return rv or 1


def _text(env: Env, key: str, **values: Any) -> str:
    return Texts(env.lang, env.environ)(key, **values)
