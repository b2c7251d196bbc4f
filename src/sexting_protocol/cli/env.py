"""One object owns the streams, whether they are terminals, colour, language and today's date,
so that tests can swap any of them (the httpie way).

Everything printed goes through `out` and `err`: control characters are made visible there
(`render.clean`), and a stream whose encoding cannot show a character (ascii, latin-1, cp1252 on
a Windows console) gets a plain stand-in for it (☐ → [ ], → → ->, “ → ", é → e) instead of an
error."""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import io
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import IO, Any, Callable, Iterator, Optional

from ..render import clean
from ..render.narrow import FALLBACK, fit, plain_char  # noqa: F401 (the terminal's encodings)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _is_utf(encoding: Optional[str]) -> bool:
    return codecs.lookup(encoding or "utf-8").name.startswith("utf")


def _tolerant(stream) -> None:
    """Let a stream in a narrow encoding write stand-ins instead of failing (the tool's own
    output, the help and the prompts alike)."""
    encoding = getattr(stream, "encoding", None)
    if encoding and not _is_utf(encoding) and hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors=FALLBACK)
        except (ValueError, OSError):  # a closed or detached stream
            pass


_PROCESS: Any = object()  # not given: the process's own stream


class Env:
    """The streams, whether they are terminals, colour, language, today and the environment; each
    taken from the process when not given (a test gives its own). A stream that is None was
    closed when the program started."""

    def __init__(self, *, stdin: Optional[IO[str]] = _PROCESS, stdout: Optional[IO[str]] = _PROCESS,
                 stderr: Optional[IO[str]] = _PROCESS, stdin_isatty: Optional[bool] = None,
                 stdout_isatty: Optional[bool] = None, no_color: Optional[bool] = None, lang: str = "nl",
                 today: Optional[dt.date] = None, environ: Optional[dict] = None, pager: bool = True):
        self.stdin = sys.stdin if stdin is _PROCESS else stdin
        self.stdout = sys.stdout if stdout is _PROCESS else stdout
        self.stderr = sys.stderr if stderr is _PROCESS else stderr
        self.stdin_isatty = _isatty(self.stdin) if stdin_isatty is None else stdin_isatty
        self.stdout_isatty = _isatty(self.stdout) if stdout_isatty is None else stdout_isatty
        self.lang = lang
        self.today = dt.date.today() if today is None else today
        self.environ = dict(os.environ) if environ is None else environ
        if no_color is None:
            no_color = "NO_COLOR" in self.environ or self.environ.get("TERM") == "dumb"
        self.no_color = no_color
        self.pager = pager  # a long look-up pages on a terminal (--no-pager: never)
        # Why standard output failed (disk full, an I/O error), once it has: nothing more is sent
        # to it, the command goes on (the files asked for are still written), and `finish` says so.
        self.stdout_error: Optional[str] = None
        self.stdout_gone = False  # closed (`>&-`) or a reader that quit
        for stream in (self.stdout, self.stderr):
            _tolerant(stream)

    @property
    def color(self) -> bool:
        """Colour only on a terminal, and never with NO_COLOR or TERM=dumb."""
        return bool(self.stdout_isatty) and not self.no_color

    @property
    def interactive(self) -> bool:
        return bool(self.stdin_isatty and self.stdout_isatty)

    @property
    def utf8(self) -> bool:
        """Whether standard output can show every character."""
        return _is_utf(getattr(self.stdout, "encoding", None))

    @property
    def columns(self) -> int:
        """The terminal's width (COLUMNS first, as the shell sets it)."""
        return self._size("COLUMNS", "columns", 20, 80)

    @property
    def lines(self) -> int:
        """The terminal's height (LINES first)."""
        return self._size("LINES", "lines", 5, 24)

    def _size(self, variable: str, field: str, least: int, default: int) -> int:
        try:
            return max(least, int(self.environ.get(variable, "")))
        except ValueError:
            pass
        try:
            return getattr(os.get_terminal_size(self.stdout.fileno()), field)
        except (AttributeError, ValueError, OSError):
            return default

    def page(self, text: str) -> bool:
        """Show text through the pager (PAGER, else less or more) when it is longer than the
        terminal; False when it was not paged (no terminal, --no-pager, short text, no pager)."""
        if not (self.pager and self.interactive) or text.count("\n") < self.lines - 1:
            return False
        import shutil
        import subprocess  # only here: a look-up that is not paged does without them

        try:
            self.stdout.fileno()
        except (AttributeError, ValueError, OSError):
            return False  # not a real stream
        command = self.environ.get("PAGER") or ("less" if shutil.which("less") else "more")
        environ = {**self.environ, "LESS": less_options(self.environ.get("LESS"), self._text("pager_prompt"))}
        encoding = getattr(self.stdout, "encoding", None) or "utf-8"
        if not self.stdout_ok:
            return False
        if not _runnable(command, environ):  # a PAGER that is not there: the text without paging
            if self.environ.get("PAGER"):
                self.err(self._text("pager_missing", pager=command[:60]))
            return False
        self.write("", flush=True)
        try:
            proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environ)
        except OSError:
            return False
        try:
            proc.stdin.write(fit(text, encoding).encode(encoding))
            proc.stdin.close()
        except OSError:  # the reader quit early
            pass
        while True:  # Ctrl-C belongs to the pager while it runs (less: stop searching)
            try:
                code = proc.wait()
                INTERRUPTS.pending = False
                break
            except (KeyboardInterrupt, Interrupted):
                continue
        if code in (126, 127):  # the shell could not run it ("sh: not found"): nothing was shown
            self.err(self._text("pager_missing", pager=command[:60]))
            return False
        return True

    def _text(self, key: str, **values) -> str:
        from ..text.texts import Texts

        return Texts(self.lang, self.environ)(key, **values)

    @property
    def stdout_ok(self) -> bool:
        return self.stdout is not None and not self.stdout_gone and self.stdout_error is None

    def out(self, text: str = "") -> None:
        self.write(clean(text if text.endswith("\n") else text + "\n"))

    def write(self, text: str, flush: bool = False) -> None:
        """Text on standard output as it is (cleaned already). A stdout closed when the program
        started (`>&-`), or whose reader quit (a pipe into `head`), takes nothing more, silently;
        one that fails (`> /dev/full`) takes nothing more and `finish` says why."""
        if not self.stdout_ok:
            self.stdout_gone = self.stdout_gone or self.stdout is None
            return
        try:
            self.stdout.write(text)
            if flush:
                self.stdout.flush()
        except (BrokenPipeError, ValueError):  # ValueError: a closed file
            self._lost(None)
        except OSError as e:
            self._lost(None if e.errno == errno.EBADF else e)

    def _lost(self, error: Optional[OSError]) -> None:
        if error is None:
            self.stdout_gone = True
        else:  # said in the user's language, as a failed write of a file is
            from .files import os_reason

            try:
                self.stdout_error = os_reason(error, self._text)
            except Exception:  # the texts cannot be read: the OS's words
                self.stdout_error = error.strerror or str(error)
        try:  # what is still buffered goes nowhere: Python's own flush at exit must not fail again
            fd = self.stdout.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
        except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
            pass

    def finish(self) -> Optional[str]:
        """At the end: flush standard output; why it failed, if it did (None when all is well,
        or when it was closed or its reader quit: then nobody is reading)."""
        if self.stdout_ok:
            try:
                self.stdout.flush()
            except (BrokenPipeError, ValueError):
                self._lost(None)
            except OSError as e:
                self._lost(None if e.errno == errno.EBADF else e)
        return self.stdout_error

    def err(self, text: str) -> None:
        if self.stderr is None:  # closed when the program started: nowhere to say it
            return
        try:
            self.stderr.write(clean(text if text.endswith("\n") else text + "\n"))
            self.stderr.flush()
        except (OSError, ValueError):  # stderr full or closed too: nothing more can be said
            pass


def less_options(given: Optional[str], words: str) -> str:
    """What less is given in LESS: the user's own LESS, else git's FRX (colours, quit if it
    fits), and a prompt that says how to stop (less shows a bare ":"), unless LESS sets one."""
    import re

    options = "FRX" if given is None else given
    if "P" in options or "prompt" in options:  # -P or --prompt: the user's own prompt
        return options
    prompt = re.sub(r"([\\?:.%])", r"\\\1", words.replace("$", ""))  # less's prompt escapes; `$` ends it
    return f"{options} -Ps?e(END) .{prompt}$".strip()


def _runnable(command: str, environ: dict) -> bool:
    """Whether the program a PAGER names can be found (its first word, on the PATH given);
    when that cannot be told (a quote the shell reads otherwise), try it."""
    import shlex
    import shutil

    try:
        words = shlex.split(command, posix=os.name != "nt")
    except ValueError:
        return True
    words = [w for w in words if "=" not in w[:1] and not ("=" in w and w.split("=")[0].isidentifier())]
    if not words:  # only settings (`LESS=R`), or nothing
        return False
    return shutil.which(words[0], path=environ.get("PATH")) is not None


# --- interrupts ------------------------------------------------------------------------------


class Interrupted(BaseException):
    """Ctrl-C (SIGINT), SIGTERM or SIGHUP outside a prompt: the tool ends with exit status 130."""


class Interrupts:
    """Ctrl-C, SIGTERM and SIGHUP end the tool alike, and none is lost.

    At a prompt the signal ends the prompt the way the Ctrl-C key does (prompt_toolkit restores
    the terminal); between two prompts it waits for the next prompt or the end, so that a file
    being written is written and named; anywhere else it raises `Interrupted` at once."""

    SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

    def __init__(self) -> None:
        self.pending = False
        self.between_prompts = False
        self.stop_prompt: Optional[Callable[[], None]] = None

    def handle(self, signum, frame) -> None:
        self.pending = True
        if self.stop_prompt is not None:
            self.stop_prompt()
        elif not self.between_prompts:
            raise Interrupted

    def check(self) -> None:
        """At a prompt: an interrupt that came meanwhile ends the session now."""
        if self.pending:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self, final: bool = False) -> Iterator["Interrupts"]:
        """The handlers while the tool runs (in the main thread only; signals go nowhere else).
        `final`: the process ends afterwards, so a late signal is ignored rather than dying
        with a traceback after the work is done."""
        self.__init__()
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        old = {s: signal.getsignal(s) for s in self.SIGNALS}
        for s in self.SIGNALS:
            signal.signal(s, self.handle)
        try:
            yield self
        finally:
            for s, handler in old.items():
                signal.signal(s, signal.SIG_IGN if final else handler)
            self.stop_prompt = None


INTERRUPTS = Interrupts()
