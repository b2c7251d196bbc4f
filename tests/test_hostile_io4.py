"""Hostile and broken input, fourth round: a second fresh red-team pass of issue 18's surfaces
(odd output encodings, the web server's log, uploads in other encodings, saves, contract v3).
Each test names what it keeps fixed."""

from __future__ import annotations

import io

import pytest

from conftest import CLEAR, TODAY


def _tty_run(args, encoding: str):
    """The command line on a terminal whose encoding is `encoding` (as PYTHONIOENCODING or a
    console code page gives it): the bytes it shows, decoded."""
    from sexting_protocol.cli import main
    from sexting_protocol.env import Env

    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, newline="\n")
    env = Env(stdin=io.StringIO(), stdout=out, stderr=io.StringIO(), stdin_isatty=False, stdout_isatty=True,
              environ={"SEXTING_PROTOCOL_DEBUG": "1", "TERM": "xterm", "COLUMNS": "100"}, today=TODAY)
    code = main([str(a) for a in args], env=env)
    out.flush()
    return code, raw.getvalue().decode(encoding)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
@pytest.mark.parametrize("args", [["triage", "--answers", "{a}"], ["checklist", "--step", "1"], ["contacts"]],
                         ids=["triage", "checklist", "contacts"])
def test_a_terminal_that_is_not_utf8_gets_boxes_drawn_in_ascii(write, encoding, args):
    """On a terminal in ascii, latin-1 or cp1252 every box border (╭─╮│╰╯) came out as "?":
    rich drew into a buffer it took for UTF-8, and the stand-ins know no box-drawing characters.
    The boxes are drawn in characters the terminal has (+, -, |)."""
    path = write("a.yaml", CLEAR)
    code, shown = _tty_run(["--no-pager", *[a.format(a=path) for a in args]], encoding)
    assert code == 0, shown
    assert "???" not in shown, shown
    assert not any(line.strip().startswith("?") and line.strip().endswith("?") for line in shown.splitlines()), shown
