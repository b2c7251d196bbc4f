"""The installed `sexting-protocol triage` in a pseudo-terminal: arrow keys, Enter, Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import sys

import pytest

pexpect = pytest.importorskip("pexpect")

COMMAND = os.path.join(os.path.dirname(sys.executable), "sexting-protocol")
DOWN, ENTER = "\x1b[B", "\r"


@pytest.fixture
def spawn(tmp_path):
    if not os.path.exists(COMMAND):
        pytest.skip("sexting-protocol is not installed beside this interpreter")
    children = []

    def start(*args: str):
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TERM": "xterm-256color",
               "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1", "LANG": "C.UTF-8",
               "SEXTING_PROTOCOL_HOME": str(tmp_path / "config"), "SEXTING_PROTOCOL_CACHE": "off"}
        child = pexpect.spawn(COMMAND, list(args), cwd=str(tmp_path), env=env, encoding="utf-8",
                              timeout=30, dimensions=(50, 120))
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.terminate(force=True)


def answer(child, question: str, keys: str) -> None:
    """Wait for a choice question and its key hint, then press the keys."""
    child.expect_exact(question)
    child.expect_exact("pijltjestoetsen en Enter")
    child.send(keys)


def test_a_whole_triage_with_arrow_keys(spawn, tmp_path):
    child = spawn("triage")
    answer(child, "acuut gevaar", DOWN + ENTER)                 # Nee
    answer(child, "suïcidale gedachten", DOWN + ENTER)          # Nee
    answer(child, "seksueel geweld", DOWN + ENTER)              # Nee
    answer(child, "18 jaar of ouder", ENTER)                    # Ja
    child.expect_exact("Hoe oud is de jongere op de beelden?")
    child.send("14" + ENTER)
    answer(child, "Wie is de andere persoon", DOWN + ENTER)     # een volwassene buiten gezin en school
    answer(child, "inlichten van de ouders", DOWN + ENTER)      # Nee
    answer(child, "Kloppen je antwoorden", ENTER)               # the review: they are right
    child.expect_exact("VOORSTEL: ZWART")
    child.expect_exact("Gelijkwaardigheid")
    child.expect_exact("Zedenpolitie")
    child.expect_exact("0900-8844")
    answer(child, "bevestig de vlag", ENTER)                    # confirm black
    answer(child, "nog rond", DOWN + ENTER)                     # a question that only sharpens the plan
    answer(child, "verslag opslaan", DOWN * 3 + ENTER)          # no report
    answer(child, "agenda", DOWN + ENTER)                       # no calendar
    child.expect_exact("Klaar.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == []


def test_ctrl_c_as_a_key_exits_130_and_saves_nothing(spawn, tmp_path):
    child = spawn("triage")
    answer(child, "acuut gevaar", DOWN + ENTER)
    child.expect_exact("suïcidale gedachten")
    child.sendcontrol("c")
    child.expect_exact("Afgebroken, niets opgeslagen.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


def test_sigint_as_a_signal_exits_130(spawn, tmp_path):
    child = spawn("triage")
    child.expect_exact("acuut gevaar")
    child.kill(signal.SIGINT)
    child.expect_exact("Afgebroken, niets opgeslagen.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_english_session_says_so_in_english(spawn):
    child = spawn("--lang", "en", "triage")
    child.expect_exact("acute danger")
    child.expect_exact("arrow keys and Enter")
    child.expect_exact("Don't know")
    child.sendcontrol("c")
    child.expect_exact("Interrupted, nothing saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


@pytest.mark.skipif(shutil.which("true") is None, reason="needs a POSIX system")
def test_an_out_of_scope_age_ends_the_session_with_the_numbers(spawn):
    child = spawn("triage")
    for q in ("acuut gevaar", "suïcidale gedachten", "seksueel geweld"):
        answer(child, q, DOWN + ENTER)
    answer(child, "18 jaar of ouder", ENTER)
    child.expect_exact("Hoe oud is de jongere op de beelden?")
    child.send("19" + ENTER)
    child.expect_exact("0900-8844")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
