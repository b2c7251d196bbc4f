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
    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

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


def _piped_run(args, encoding: str):
    """The command line with standard output redirected to a file in `encoding` (a Windows
    console's code page, or PYTHONIOENCODING): the bytes written."""
    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, newline="\n")
    env = Env(stdin=io.StringIO(), stdout=out, stderr=io.StringIO(), stdin_isatty=False, stdout_isatty=False,
              environ={"SEXTING_PROTOCOL_DEBUG": "1"}, today=TODAY)
    code = main([str(a) for a in args], env=env)
    out.flush()
    return code, raw.getvalue()


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "ascii"])
def test_the_handout_redirected_in_a_narrow_encoding_is_the_page_it_declares(encoding):
    """`handout > poster.html` on a console in latin-1 or cp1252 (Windows' default for a
    redirect) wrote "Suïcidale" as the byte 0xEF in a page that declares UTF-8: the browser
    showed "Suïcidale"; in ascii it became "Suicidale". Every character the page has outside
    ASCII is written as a character reference, which reads the same in any of them."""
    import html

    code, raw = _piped_run(["handout"], encoding)
    assert code == 0
    assert raw.isascii(), [b for b in raw if b > 127][:5]
    page = raw.decode("utf-8")
    assert 'charset="utf-8"' in page.lower() or "charset=utf-8" in page.lower()
    text = html.unescape(page)
    assert "Suïcidale" in text and "Zorgcoördinator" in text
