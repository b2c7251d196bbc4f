"""What the tool prints and writes: control characters never reach a terminal or a file raw,
every free text is escaped for the format it is written in, and a stream that is not UTF-8
gets plain stand-ins instead of an error (issues 10 and 11: #4, #5, #18)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from conftest import CLEAR
from sexting_protocol import render
from sexting_protocol.render import html, markdown, plain, terminal
from sexting_protocol.cli.env import Env, fit
from sexting_protocol.present.blocks import Banner, Heading, Items, Para, Table

OSC_TITLE = "\u001b]0;OWNED\u0007"
OSC_CLIPBOARD = "\u001b]52;c;ZWNobyBwd25lZA==\u0007"
HOSTILE = f"{OSC_TITLE} {OSC_CLIPBOARD} \u001b[31mrood \u009b31m C1 \u202egnirts\u202c"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u202c")


def raw_controls(text: str) -> list[str]:
    return [c for c in RAW if c in text]


def subprocess_run(*args, env=None, cwd=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SEXTING_PROTOCOL_LANG", "COLUMNS")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "sexting_protocol", *map(str, args)], capture_output=True,
                          env=environ, cwd=cwd, timeout=60, stdin=subprocess.DEVNULL)


# --- one sanitiser ---------------------------------------------------------------------------------


def test_clean_makes_every_control_character_visible_but_newline_and_tab():
    assert render.clean(OSC_TITLE) == "\\u001b]0;OWNED\\u0007"
    assert render.clean("a\u009bb\u202ec\x7fd\re\x00") == "a\\u009bb\\u202ec\\u007fd\\u000de\\u0000"
    kept = "regel 1\n\tregel 2: coördinator → ☐ “x”"
    assert render.clean(kept) == kept
    assert render.clean(render.clean(HOSTILE)) == render.clean(HOSTILE)


def test_clean_keeps_json_valid_and_the_same():
    text = json.dumps({"reason": HOSTILE}, ensure_ascii=False)
    assert json.loads(render.clean(text)) == {"reason": HOSTILE}


def test_env_out_and_err_never_write_a_control_character():
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False)
    env.out(HOSTILE)
    env.err(HOSTILE)
    assert raw_controls(out.getvalue()) == [] and raw_controls(err.getvalue()) == []
    assert "OWNED" in out.getvalue() and "OWNED" in err.getvalue()


@pytest.fixture
def hostile_answers(write):
    """A JSON report handed over by a colleague, with escape sequences in its free texts."""
    return write("report.json", json.dumps({**CLEAR, "shared_further": "group", "confirmed_flag": "black",
                                            "confirmed_reason": HOSTILE, "confirmed_consulted": HOSTILE}))


@pytest.mark.parametrize("renderer", ["plain", "rich", "json"])
def test_free_text_of_an_answers_file_never_reaches_stdout_raw(run, hostile_answers, renderer):
    args = ["--json"] if renderer == "json" else []
    r = run("triage", "--answers", hostile_answers, *args, stdout_tty=renderer == "rich",
            environ={} if renderer == "rich" else {"NO_COLOR": "1"})
    assert r.code == 0, r.err
    assert "OWNED" in r.out
    shown = r.out.replace("\x1b[", "") if renderer == "rich" else r.out  # rich's own colours are fine
    assert raw_controls(shown) == [], renderer
    assert "\x1b]" not in r.out
    if renderer == "json":
        assert r.json()["answers"]["confirmed_reason"] == HOSTILE  # the same text, escaped


def test_a_key_echoed_in_an_error_never_reaches_stderr_raw(run, write):
    path = write("a.json", {"immediate_danger": "no", OSC_TITLE: "no"})
    r = run("triage", "--answers", path, debug=False)
    assert r.code == 2
    assert "OWNED" in r.err and raw_controls(r.err) == []


def test_an_unknown_option_with_an_escape_is_echoed_harmlessly(run):
    r = run("checklist", f"--x{OSC_TITLE}", debug=False)
    assert r.code == 2
    assert "OWNED" in r.err and raw_controls(r.err) == []


BLOCKS = [Heading(HOSTILE), Para(HOSTILE), Items([HOSTILE], check=True), Table(["a", "b"], [[HOSTILE, HOSTILE]]),
          Banner(HOSTILE, lines=[HOSTILE])]


@pytest.mark.parametrize("name", ["plain", "markdown", "html"])
def test_no_renderer_writes_a_control_character(name):
    text = {"plain": plain.plain, "markdown": markdown.markdown, "html": lambda b: str(html.blocks(b))}[name](BLOCKS)
    assert raw_controls(text) == [] and "OWNED" in text


def test_rich_writes_no_control_character_but_its_colours():
    stream = io.StringIO()
    terminal.show_rich(BLOCKS, stream)
    assert raw_controls(stream.getvalue().replace("\x1b[", "")) == [] and "\x1b]" not in stream.getvalue()


# --- escaped for the format ------------------------------------------------------------------------

MD_REASON = "x\n# Nep-kop\n<img src=x onerror=alert(1)>\n- lijst\n1. genummerd\n---\n    code"


def md_html(text: str) -> str:
    """The Markdown as a renderer that allows raw HTML (CommonMark with tables) shows it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_markdown_report_shows_hostile_free_text_literally(run, write, tmp_path):
    answers = write("a.yaml", {**CLEAR, "recipient_wanted": "no", "confirmed_flag": "yellow",
                               "confirmed_reason": MD_REASON, "confirmed_consulted": "*zorg* `x` _y_"})
    path = tmp_path / "v.md"
    r = run("triage", "--answers", answers, "--report", path, "--case-ref", "<script>alert(1)</script> a\\|b|c",
            "--role", "[klik](javascript:alert(1)) <javascript:alert(1)> &lt;b&gt;")
    assert r.code == 0, r.err
    text = path.read_text(encoding="utf-8")
    html = md_html(text)
    for bad in ("<img", "<script", "javascript:alert(1)\"", 'href="javascript', "<h1>Nep-kop", "<em>", "<code>",
                "<li>genummerd", "<li>lijst", "<hr", "<b>"):
        assert bad not in html, bad
    assert html.count("<h1>") == 1  # the report's own title only
    assert "Nep-kop" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[klik](javascript:alert(1))" in html
    assert "*zorg* `x` _y_" in html and "&amp;lt;b&amp;gt;" in html
    # the case reference's cell stays one cell: the meta table has two columns in every row
    meta = html.split("<table>")[1].split("</table>")[0]
    assert all(row.count("<td>") == 2 for row in meta.split("<tr>")[2:])
    assert "a\\|b|c" in meta
    assert "\x1b" not in text


def test_markdown_report_shows_the_first_actions_as_lists(run, write, tmp_path):
    """#17: the report's first block rendered as one paragraph, its `1.` and `-` escaped."""
    path = tmp_path / "v.md"
    r = run("triage", "--answers", write("a.yaml", {**CLEAR, "extortion": "yes", "shared_further": "group"}),
            "--report", path)
    assert r.code == 0, r.err
    first = md_html(path.read_text(encoding="utf-8")).split("<blockquote>")[1].split("</blockquote>")[0]
    assert first.startswith("\n<p><strong>") and first.count("<p>") == 1, first
    actions = first.split("<ol>\n<li>")[1].split("</ol>")[0]
    assert actions.startswith("Bel de politie") and "<br />\nPolitie (zedenpolitie): 0900-8844</li>" in actions
    assert first.count("<li>") >= 3 and "<ul>\n<li>" in first and "\\" not in first


def test_markdown_keeps_line_breaks_of_a_paragraph_as_breaks():
    text = markdown.markdown([Para("regel een\n# regel twee")])
    assert md_html(text) == "<p>regel een<br />\n# regel twee</p>\n"


def test_html_escapes_every_text():
    body = str(html.blocks([Heading("<script>alert(1)</script>"), Para('<img src=x onerror="x">'),
                            Items(["<b>&</b>"]), Table(["<th>"], [["<td>"]]), Banner("<i>", lines=["<u>"])]))
    for tag in ("<script", "<img", "<b>", "<i>", "<u>", "<th><th>", "<td><td>"):
        assert tag not in body, tag
    assert "&lt;script&gt;" in body


# --- an output encoding that is not UTF-8 ----------------------------------------------------------


def test_a_narrow_stream_gets_plain_stand_ins():
    for encoding, want in (("ascii", '[ ] -> <- "x" \'y\' - coordinator e ?'),
                           ("cp1252", "[ ] -> <- “x” ‘y’ – coördinator é ?"),
                           ("latin-1", '[ ] -> <- "x" \'y\' - coördinator é ?')):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding=encoding)
        Env(stdout=stream, stderr=stream, stdin_isatty=False, stdout_isatty=False).out(
            "☐ → ← “x” ‘y’ – coördinator é ☃")
        stream.flush()
        assert raw.getvalue().decode(encoding) == want + "\n", encoding
    assert fit("☐ → é", "ascii") == "[ ] -> e" and fit("☐ → é", "cp1252") == "[ ] -> é"


SAMPLES = [["checklist"], ["contacts", "zorgcoordinator"], ["advice"], ["criteria"], ["practice", "--list"],
           ["validate"], ["--help"], ["triage", "--help"], ["--lang", "en", "criteria"]]


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
def test_every_command_works_on_a_narrow_stream(encoding, write):
    answers = write("a.yaml", {**CLEAR, "shared_further": "group"})
    for args in SAMPLES + [["triage", "--answers", answers]]:
        wide = subprocess_run(*args, env={"PYTHONIOENCODING": "utf-8"})
        narrow = subprocess_run(*args, env={"PYTHONIOENCODING": encoding})
        assert narrow.returncode == wide.returncode == 0, (args, narrow.stderr.decode(encoding, "replace"))
        assert b"Traceback" not in narrow.stderr and b"UnicodeEncodeError" not in narrow.stderr
        assert narrow.stdout.decode(encoding) == fit(wide.stdout.decode("utf-8"), encoding), args
    if encoding != "ascii":
        assert "Zorgcoördinator" in subprocess_run("contacts", "zorgcoordinator",
                                                  env={"PYTHONIOENCODING": encoding}).stdout.decode(encoding)


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_json_on_a_narrow_stream_is_the_same_json(encoding, write):
    answers = write("a.yaml", {**CLEAR, "shared_further": "group"})
    for args in (["contacts", "--json"], ["triage", "--answers", answers, "--json"]):
        wide = subprocess_run(*args, env={"PYTHONIOENCODING": "utf-8"})
        narrow = subprocess_run(*args, env={"PYTHONIOENCODING": encoding})
        assert narrow.returncode == 0, narrow.stderr
        assert json.loads(narrow.stdout.decode(encoding)) == json.loads(wide.stdout.decode("utf-8"))


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
def test_the_handout_on_a_narrow_stream_is_the_same_page(encoding):
    """The page declares UTF-8: on a narrow stream its characters outside ASCII are character
    references (a stand-in, or a latin-1 byte, would change what the browser shows)."""
    import html

    wide = subprocess_run("handout", env={"PYTHONIOENCODING": "utf-8"})
    narrow = subprocess_run("handout", env={"PYTHONIOENCODING": encoding})
    assert narrow.returncode == wide.returncode == 0, narrow.stderr
    assert narrow.stdout.isascii()
    assert html.unescape(narrow.stdout.decode("ascii")) == html.unescape(wide.stdout.decode("utf-8"))


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX locale")
def test_a_c_locale_without_utf8_mode():
    p = subprocess_run("contacts", "zorgcoordinator", env={"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0",
                                                            "PYTHONUTF8": "0", "PYTHONIOENCODING": ""})
    assert p.returncode == 0, p.stderr
    assert b"Zorgcoordinator" in p.stdout and p.stdout.isascii()


def test_an_error_on_an_ascii_stream(write):
    path = write("a.yaml", {"immediate_danger": "nee, zeker niet → ☐"})
    p = subprocess_run("triage", "--answers", path, env={"PYTHONIOENCODING": "ascii"})
    assert p.returncode == 2
    assert b"Traceback" not in p.stderr and p.stderr.decode("ascii")
