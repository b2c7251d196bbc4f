"""The command line as people expect it (issue 10): global options after the command too, help
and click's messages entirely in the chosen language, completion of option values from the data,
a pager for long look-ups on a terminal only, and an interrupt outside a prompt."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from conftest import CLEAR

COMMANDS = ["checklist", "contacts", "advice", "criteria", "validate", "triage", "init", "schema", "handout", "practice"]
# click's English that must not show in the Dutch help
CLICK_ENGLISH = re.compile(r"Usage|Options|Commands|Arguments|Show this message|Install completion|Show completion|"
                           r"\bTEXT\b|\bINTEGER\b|\bFILE\b|\bPATH\b|\bDIR\b|\bQUERY\b|<int|x<=|x>=|\[default|"
                           r"\[required\]")


def sp(*args, env=None, stdin=subprocess.DEVNULL):
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SEXTING_PROTOCOL_LANG")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "sexting_protocol", *map(str, args)], capture_output=True, text=True,
                          env=environ, timeout=60, stdin=stdin)


# --- global options after the command ------------------------------------------------------------


def test_lang_after_the_command(run, bundle):
    r = run("checklist", "--step", "3", "--lang", "en")
    assert r.code == 0, r.err
    assert f"Step 3: {bundle.protocol.steps[2].title.en}" in r.out


def test_after_the_command_wins_over_before(run, bundle):
    r = run("--lang", "nl", "checklist", "--step", "3", "--lang=en")
    assert f"Step 3: {bundle.protocol.steps[2].title.en}" in r.out


def test_triage_with_lang_after_the_command(run, write):
    answers = write("a.yaml", {**CLEAR, "shared_further": "group"})
    r = run("triage", "--lang", "en", "--answers", answers)
    assert r.code == 0, r.err
    assert "PROPOSAL" in r.out


def test_contacts_file_and_no_layers_after_the_command(run, write, contacts_text):
    from conftest import alter

    path = write("contacts.yaml", alter(contacts_text, 'name: "Halt"', 'name: "Halt Midden-Brabant"'))
    r = run("contacts", "Halt", "--contacts", path, "--no-layers")
    assert r.code == 0, r.err
    assert "Halt Midden-Brabant" in r.out


def test_protocol_after_the_command(run, write):
    path = write("protocol.yaml", "steps: [")
    r = run("criteria", "--protocol", path, debug=False)
    assert r.code == 2 and path in r.err


def test_a_bad_language_after_the_command(run):
    r = run("criteria", "--lang", "de", debug=False)
    assert r.code == 2 and "nl" in r.err and "Traceback" not in r.err


# --- the help and click's messages in the chosen language -----------------------------------------


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_dutch_help_has_no_english_of_click(command):
    p = sp(*([command] if command else []), "--help")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("Gebruik: sexting-protocol")
    assert not CLICK_ENGLISH.search(p.stdout), CLICK_ENGLISH.search(p.stdout)


def test_no_command_shows_the_dutch_help_alone():
    p = sp()
    assert p.returncode == 2
    assert (p.stdout + p.stderr).startswith("Gebruik: sexting-protocol") and "Zie --help" not in p.stderr


@pytest.mark.parametrize("command", [None, "triage", "contacts"])
def test_english_help_stays_english(command):
    p = sp("--lang", "en", *([command] if command else []), "--help")
    assert p.returncode == 0
    assert p.stdout.startswith("Usage: sexting-protocol") and "Options:" in p.stdout
    assert "Show this message and exit." in p.stdout
    assert not re.search(r"Gebruik|Opties|Toon deze hulp|BESTAND|TEKST", p.stdout)


@pytest.mark.parametrize("args,dutch,english", [
    (["checklist", "--bogus"], "Onbekende optie: --bogus", "No such option: --bogus"),
    (["checklist", "--stp", "3"], "Bedoel je --step?", "Did you mean --step?"),
    (["triagee"], "Onbekende opdracht: triagee", "No such command: triagee"),
    (["checklist", "--step", "x"], "--step: 'x' is geen geheel getal", "--step: 'x' is not a whole number"),
    (["checklist", "--step"], "--step heeft een waarde nodig", "--step needs a value"),
    (["contacts", "a", "b"], "Onverwacht argument: b", "Unexpected argument: b"),
    (["triage", "--followup-days", "400"], "kies 1 tot en met 365", "choose 1 to 365"),
    (["practice", "--count", "0"], "kies 1 of meer", "choose 1 or more"),
], ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_click_messages_in_the_chosen_language(run, args, dutch, english):
    nl, en = run(*args, debug=False), run("--lang", "en", *args, debug=False)
    assert nl.code == en.code == 2
    assert dutch in nl.err and english in en.err
    assert len(nl.err.strip().splitlines()) <= 2


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("command", [None, "triage", "handout"])
def test_help_as_a_command_is_the_help(lang, command):
    """#17: `sexting-protocol help` was an unknown command; `help` and `help COMMAND` show what
    --help shows, in the chosen language."""
    words = [command] if command else []
    asked, shown = sp("--lang", lang, "help", *words), sp("--lang", lang, *words, "--help")
    assert asked.returncode == shown.returncode == 0, asked.stderr
    assert asked.stdout == shown.stdout and asked.stdout.startswith("Gebruik:" if lang == "nl" else "Usage:")


def test_help_of_an_unknown_command(run):
    r = run("help", "triagee", debug=False)
    assert r.code == 2 and "Onbekende opdracht: triagee" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize("lang,said", [("nl", "Bedoel je triage, criteria?"), ("en", "Did you mean triage, criteria?")])
def test_a_typo_of_a_command_suggests_a_clean_list(run, lang, said):
    """#17: `triag` said `Bedoel je triage', 'criteria?`."""
    r = run("--lang", lang, "triag", debug=False)
    assert r.code == 2 and said in r.err and "'" not in r.err, r.err


# --- completion of option values ---------------------------------------------------------------------


def complete(words: str, shell: str = "bash") -> list[str]:
    p = sp(env={"_SEXTING_PROTOCOL_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "_TYPER_COMPLETE_ARGS": words,
                "COMP_CWORD": str(len(words.split(" ")) - 1)})
    assert p.returncode == 0 and not p.stderr, p.stderr
    return p.stdout.split() if shell == "bash" else p.stdout


def test_completion_of_option_values_reads_the_data(bundle):
    from typing import get_args

    from sexting_protocol.core.model import Kind

    assert complete("sexting-protocol checklist --step ") == [str(s.number) for s in bundle.protocol.steps]
    assert complete("sexting-protocol checklist --route ") == [r.id for r in bundle.protocol.triage.routes]
    assert complete("sexting-protocol checklist --route z") == [r.id for r in bundle.protocol.triage.routes
                                                                 if r.id.startswith("z")]
    assert complete("sexting-protocol contacts --kind ") == list(get_args(Kind))
    cases = complete("sexting-protocol practice --case sext")
    assert cases and all(c.startswith("sext") for c in cases)


def test_completion_follows_a_protocol_given_before_the_command(write, protocol_text):
    from conftest import alter

    path = write("protocol.yaml", alter(protocol_text, 'name: {nl: "Zorg- en Veiligheidshuis"', 'name: {nl: "ZVH Tilburg"',
                                        after="    - id: zvh\n"))
    assert "ZVH Tilburg" in complete(f"sexting-protocol --protocol {path} checklist --route ", "zsh")
    assert "ZVH Tilburg" in complete(f"sexting-protocol checklist --protocol {path} --route ", "zsh")
    assert "ZVH Tilburg" not in complete("sexting-protocol checklist --route ", "zsh")


def test_completion_says_nothing_when_the_data_is_broken(write):
    path = write("protocol.yaml", "steps: [")
    assert complete(f"sexting-protocol --protocol {path} checklist --route ") == []


# --- the pager ---------------------------------------------------------------------------------------


def test_no_pager_in_a_pipe():
    p = sp("checklist", env={"PAGER": "sed s/^/PAGED:/"})
    assert p.returncode == 0 and "PAGED:" not in p.stdout and "Stap 1" in p.stdout


def test_long_lookups_page_on_a_terminal_only():
    pexpect = pytest.importorskip("pexpect")
    if not hasattr(pexpect, "spawn"):
        pytest.skip("needs a POSIX pseudo-terminal")
    command = os.path.join(os.path.dirname(sys.executable), "sexting-protocol")
    if not os.path.exists(command):
        pytest.skip("sexting-protocol is not installed beside this interpreter")

    def shown(*args: str) -> str:
        env = {"PATH": os.environ.get("PATH", ""), "TERM": "xterm-256color", "NO_COLOR": "1", "LANG": "C.UTF-8",
               "PAGER": "sed s/^/PAGED:/", "HOME": os.environ.get("SEXTING_PROTOCOL_HOME", "/nonexistent"),
               **{k: os.environ[k] for k in ("SEXTING_PROTOCOL_HOME", "SEXTING_PROTOCOL_CACHE")}}
        child = pexpect.spawn(command, list(args), env=env, encoding="utf-8", timeout=30, dimensions=(30, 100))
        out = child.read()
        child.close()
        assert child.exitstatus == 0, out
        return out

    assert "PAGED:" in shown("checklist")                       # long: through the pager
    assert "PAGED:" in shown("criteria", "--lang", "en")
    assert "PAGED:" not in shown("checklist", "--no-pager")     # never with --no-pager
    assert "PAGED:" not in shown("--no-pager", "advice")
    assert "PAGED:" not in shown("checklist", "--json")         # never with --json
    assert "PAGED:" not in shown("contacts", "AMK")             # short: no pager


# --- an interrupt outside a prompt -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_a_signal_during_a_lookup_exits_130_with_the_message(run, monkeypatch, name):
    if not hasattr(signal, name):
        pytest.skip(f"no {name} here")
    from sexting_protocol.present.views import View

    monkeypatch.setattr(View, "criteria_blocks", lambda self: signal.raise_signal(getattr(signal, name)))
    before = signal.getsignal(getattr(signal, name))
    r = run("criteria", debug=False)
    assert r.code == 130
    assert r.err.strip() == "Afgebroken, niets opgeslagen."
    assert signal.getsignal(getattr(signal, name)) is before  # the handlers are put back


def test_a_missing_argument_is_said_in_the_chosen_language():
    """click said "Missing argument 'BESTAND'." (its metavar follows the language chosen at
    start, so: a process of its own)."""
    nl, en = sp("followup"), sp("--lang", "en", "followup")
    assert nl.returncode == en.returncode == 2
    assert nl.stderr.startswith("BESTAND ontbreekt.") and en.stderr.startswith("FILE is missing.")
