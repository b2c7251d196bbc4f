"""The installed `sexting-protocol triage` in a pseudo-terminal: arrow keys, Enter, Ctrl-C."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")

COMMAND = os.path.join(os.path.dirname(sys.executable), "sexting-protocol")
DOWN, ENTER = "\x1b[B", "\r"


@pytest.fixture
def spawn(tmp_path):
    if not os.path.exists(COMMAND):
        pytest.skip("sexting-protocol is not installed beside this interpreter")
    children = []

    def start(*args: str, command: str = COMMAND, extra: dict | None = None):
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TERM": "xterm-256color",
               "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1", "LANG": "C.UTF-8",
               "SEXTING_PROTOCOL_HOME": str(tmp_path / "config"), "SEXTING_PROTOCOL_CACHE": "off",
               **(extra or {})}
        child = pexpect.spawn(command, list(args), cwd=str(tmp_path), env=env, encoding="utf-8",
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
    child.expect_exact("Hoe oud is de persoon op de beelden")
    child.send("14" + ENTER)
    answer(child, "Wie is de andere persoon", DOWN + ENTER)     # een volwassene buiten gezin en school
    answer(child, "nu nog rond", DOWN + ENTER)                  # still_spreading (v3: asked before the decision): Nee
    answer(child, "inlichten van de ouders", DOWN + ENTER)      # Nee
    answer(child, "Kloppen je antwoorden", ENTER)               # the review: they are right
    child.expect_exact("VOORSTEL: ZWART")
    child.expect_exact("Gelijkwaardigheid")
    child.expect_exact("Zedenpolitie")
    child.expect_exact("0900-8844")
    answer(child, "bevestig de vlag", ENTER)                    # confirm black
    answer(child, "aanscherpen", DOWN + ENTER)                  # the first question that sharpens the plan: Nee
    while (i := child.expect_exact(["verslag opslaan", "pijltjestoetsen en Enter", "(getal"])) != 0:
        child.send(DOWN + ENTER if i == 1 else ENTER)           # Nee to the others; 'weet ik niet' to an age
        settle(child, i)
    answer(child, "", DOWN * 3 + ENTER)                         # no report
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
    child.expect_exact("Hoe oud is de persoon op de beelden")
    child.send("19" + ENTER)
    settle(child, 2)
    # the remaining safety questions first, then the other person's age settles the scope
    while child.expect_exact(["Hoe oud is de andere persoon", "pijltjestoetsen en Enter"]) == 1:
        child.send(DOWN + ENTER)
    child.send("25" + ENTER)
    child.expect_exact("0900-8844")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


# --- signals: the terminal is restored and nothing is lost (issue 11 #19, #20) -------------------------

# Runs the tool as its child on the same terminal, then says how it ended and how it left the terminal.
WRAPPER = """
import subprocess, sys, termios
p = subprocess.Popen(sys.argv[1:])
print("PID", p.pid, flush=True)
rc = p.wait()
lflag = termios.tcgetattr(0)[3]
print("RC", rc, "ECHO", bool(lflag & termios.ECHO), "ICANON", bool(lflag & termios.ICANON), "END", flush=True)
"""
SHOW_CURSOR, HIDE_CURSOR = "\x1b[?25h", "\x1b[?25l"


def settle(child, index: int) -> None:
    """After Enter at a number prompt (index 2 below), its final drawing repeats the hint: take
    that in, so that it is not mistaken for the next prompt."""
    if index == 2:
        child.expect_exact("(getal")


def to_the_calendar_question(child) -> None:
    """Enter at every question (its first option, or 'weet ik niet' for a number), no report."""
    while (i := child.expect_exact(["verslag opslaan", "pijltjestoetsen en Enter", "(getal"])) != 0:
        child.send(ENTER)
        settle(child, i)
    child.expect_exact("pijltjestoetsen en Enter")
    child.send(DOWN * 3 + ENTER)                                # no report
    answer(child, "agenda", "")


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_at_a_prompt_restores_the_terminal_and_exits_like_ctrl_c(spawn, tmp_path, name):
    if not hasattr(signal, name):
        pytest.skip(f"no {name} here")
    child = spawn("-c", WRAPPER, COMMAND, "triage", command=sys.executable)
    child.logfile_read = transcript = io.StringIO()
    child.expect(r"PID (\d+)")
    pid = int(child.match.group(1))
    child.expect_exact("pijltjestoetsen en Enter")
    os.kill(pid, getattr(signal, name))
    child.expect_exact("Afgebroken, niets opgeslagen.")
    child.expect(r"RC (-?\d+) ECHO (\w+) ICANON (\w+) END")
    assert child.match.groups() == ("130", "True", "True")
    shown = transcript.getvalue()
    assert HIDE_CURSOR in shown and shown.rfind(SHOW_CURSOR) > shown.rfind(HIDE_CURSOR), "the cursor is left hidden"
    assert "Traceback" not in shown
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


@pytest.mark.parametrize("delay", [0, 0.02, 0.05, 0.1, 0.15])
@pytest.mark.parametrize("where", ["calendar", "days"])
def test_ctrl_c_right_after_an_answer_is_never_lost(spawn, tmp_path, where, delay):
    child = spawn("triage")
    to_the_calendar_question(child)
    if where == "days":
        child.send(ENTER)                                       # yes, a calendar file
        child.expect_exact("Over hoeveel dagen?")
        child.expect_exact("(aantal dagen")
    child.send(ENTER)
    time.sleep(delay)
    child.kill(signal.SIGINT)
    child.expect_exact("Afgebroken, niets opgeslagen.", timeout=10)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, (child.exitstatus, child.signalstatus)
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []


@pytest.mark.parametrize("delay", [0, 0.05, 0.15])
def test_ctrl_c_right_after_the_file_name_names_what_was_written(spawn, tmp_path, delay):
    child = spawn("triage")
    to_the_calendar_question(child)
    child.send(ENTER)
    child.expect_exact("Over hoeveel dagen?")
    child.expect_exact("(aantal dagen")
    child.send(ENTER)
    child.expect_exact("Bestandsnaam")
    child.send(ENTER)
    time.sleep(delay)
    child.kill(signal.SIGINT)
    child.expect(pexpect.EOF, timeout=10)
    child.close()
    out = child.before
    documents = tmp_path / "Documents"  # the name offered is in the documents folder (issue 17)
    written = [p for p in documents.iterdir() if p.is_file()] if documents.exists() else []
    assert [p for p in tmp_path.iterdir() if p.is_file()] == [], "nothing in the current folder"
    assert child.signalstatus is None, "died by the signal"
    if child.exitstatus == 0:  # the session had ended before the signal came
        assert "Klaar." in out and len(written) == 1
    else:
        assert child.exitstatus == 130
        if written:
            assert re.search(r"Al opgeslagen: .*" + re.escape(written[0].name), out), out[-300:]
        else:
            assert "Afgebroken, niets opgeslagen." in out


@pytest.mark.skipif(shutil.which("less") is None, reason="no less here")
@pytest.mark.parametrize("lang,less,prompt", [("nl", None, "q: stoppen"), ("en", None, "q: quit"),
                                              ("nl", "-i", "q: stoppen"), ("nl", "-R -Psmijn eigen prompt$", "mijn eigen prompt")])
def test_the_pager_says_how_to_stop(spawn, lang, less, prompt):
    """#17: `less` opened with a bare ":" and no hint to press q. A user's own LESS is kept, and
    their own prompt wins."""
    child = spawn("--lang", lang, "checklist", extra={"PAGER": "less", **({"LESS": less} if less else {})})
    child.expect_exact(prompt)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
