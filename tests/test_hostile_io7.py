"""Hostile and broken input, seventh round: a fifth fresh red-team pass of issue 18's surfaces,
the newer ones first (`followup` with --answers, --json and at the prompts, the case file
carried on, the browser's continue-a-case upload). Each test names what it keeps fixed, and
goes through the command line (or the page) where a user would meet it."""

from __future__ import annotations

import json

import pytest

from conftest import CLEAR, FLAGS

GROUP = {**CLEAR, "shared_further": "group"}
PRIORITIES = ["routine", "days", "today", "now"]  # least urgent first


def case_file(run, write, tmp_path, answers: dict, name: str = "v") -> str:
    r = run("triage", "--answers", write(f"{name}.yaml", answers), "--report", tmp_path / f"{name}.md",
            "--case-ref", "K-7")
    assert r.code == 0, r.err
    return str(tmp_path / f"{name}.json")


# --- a young person's flag is never lowered by doubt at the follow-up -------------------------


@pytest.mark.parametrize("known", [
    {"impact": "serious"}, {"impact": "severe"}, {"self_harm_concern": "yes"}, {"still_spreading": "yes"},
    {"impact": "serious", "self_harm_concern": "yes", "still_spreading": "yes"},
], ids=["impact-serious", "impact-severe", "self-harm", "still-spreading", "all"])
def test_weet_ik_niet_at_the_follow_up_never_lowers_what_was_known(run, write, tmp_path, known):
    """A case weighed red because the harm was serious (`impact: serious`), followed up with
    "weet ik niet" for how it goes now, came out yellow: the confirmation was dropped and the
    new report said yellow. A known concern about self-harm (priority now) answered "weet ik
    niet" at the follow-up went down to today; a known spreading to routine. Doubt never
    lowers the flag or the priority: what was known stands until it is known to be better."""
    case = case_file(run, write, tmp_path, {**CLEAR, **known})
    doubt = write("fu.yaml", {q: "weet ik niet" for q in known})
    out = json.loads(run("followup", case, "--answers", doubt, "--json").out)
    before, after = out["before"], out["after"]
    assert FLAGS.index(after["flag"]) >= FLAGS.index(before["flag"]), (before, after["flag"])
    assert FLAGS.index(after["confirmed_flag"]) >= FLAGS.index(before["confirmed_flag"])
    assert PRIORITIES.index(after["priority"]) >= PRIORITIES.index(before["priority"]), (before, after["priority"])


@pytest.mark.parametrize("question", ["impact", "self_harm_concern"])
def test_doubt_where_all_was_well_still_adds_its_weight(run, write, tmp_path, question):
    """The other way round doubt counts as in a first triage: a case where nothing was wrong,
    followed up with "weet ik niet", is at least yellow (the rule that keeps an unknown safety
    or core question at least yellow)."""
    case = case_file(run, write, tmp_path, CLEAR)
    out = json.loads(run("followup", case, "--answers", write("fu.yaml", {question: "unknown"}), "--json").out)
    assert out["before"]["flag"] == "green" and FLAGS.index(out["after"]["flag"]) >= FLAGS.index("yellow")


def test_a_known_answer_that_got_better_still_lowers_the_flag(run, write, tmp_path):
    """Not doubt but news: the harm is gone (`impact: none`) is weighed as said."""
    case = case_file(run, write, tmp_path, {**CLEAR, "impact": "serious"})
    out = json.loads(run("followup", case, "--answers", write("fu.yaml", {"impact": "none"}), "--json").out)
    assert out["before"]["flag"] == "red" and out["after"]["flag"] == "green"
    assert out["entry"]["changed"] == {"impact": "none"}


# --- (c) the file system fails at the moment of saving, in an interactive session --------------


def _env(tmp_path):
    import io

    from sexting_protocol.cli.env import Env
    from conftest import TODAY

    return Env(stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=True, stdout_isatty=True, no_color=True,
               today=TODAY, environ={"SEXTING_PROTOCOL_HOME": str(tmp_path / "home"), "SEXTING_PROTOCOL_CACHE": "off"})


@pytest.fixture
def disk_full_once(monkeypatch):
    """Once called: the disk is full for the next file written (ENOSPC at its fsync), then has
    room again (the person made room, or chose another disk)."""
    import errno
    import os

    from sexting_protocol.cli import files

    real = os.fsync
    full = []

    def fsync(fd):
        if full:
            full.clear()
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    return lambda: full.append(True)


class FollowupScript:
    """The follow-up's questions answered at the prompts: the case's answers kept, a note, and
    at "where to save" another name for those in `moved`, Enter for the others."""

    def __init__(self, notes: str, moved: dict):
        self.notes, self.moved, self.keys = notes, moved, []

    def choice(self, message, options, default=None, help=None, back=False, key=None):
        self.keys.append(key)
        return default

    def checkbox(self, message, options, instruction, checked=(), help=None):
        return []

    def text(self, message, default="", help=None, required=False, key=None):
        self.keys.append(key)
        if key == "files:path":
            return self.moved.get(default, default)
        return {"followup:notes": self.notes}.get(key, default)


@pytest.mark.parametrize("command", ["triage", "followup"])
def test_a_save_the_disk_refuses_after_the_questions_asks_where_instead(run, write, tmp_path, disk_full_once, command):
    """`triage --report r.md` or `followup case.json --report r.md` at the prompts, and the disk
    full when the files are saved: the message, exit status 2, and every answer and note typed
    was lost. In an interactive session the refused save is said and the person is asked where
    to save instead, as when no --report was given."""
    from sexting_protocol.cli.options import Globals

    env = _env(tmp_path)
    given, elsewhere = tmp_path / "r.md", tmp_path / "elders.md"
    moved = {str(given): str(elsewhere)}  # Enter for the .ics: its name was fine
    if command == "triage":
        from sexting_protocol.cli.triage import Options, run as session
        from sexting_protocol.core.engine import Engine
        from sexting_protocol.store import bundle as data
        from test_session import Script

        class Moved(Script):
            def text(self, message, default="", help=None, required=False, key=None):
                typed = super().text(message, default, help, required, key)
                return moved.get(default, default) if key == "files:path" else typed

        asker = Moved(Engine(data.load(cache=False).protocol), CLEAR)
        disk_full_once()
        code = session(Globals(env), Options(report=str(given), ics=str(tmp_path / "r.ics")), asker=asker)
    else:
        from sexting_protocol.cli.followup import Options, run as followup

        case = case_file(run, write, tmp_path, GROUP)
        disk_full_once()
        asker = FollowupScript("Typed with care.", moved)
        code = followup(Globals(env), Options(case, report=str(given), ics=str(tmp_path / "r.ics")), asker=asker)
    assert code == 0, env.stderr.getvalue()
    shown = " ".join(env.stdout.getvalue().split())
    assert "de schijf is vol" in shown and asker.keys.count("files:path") == 2
    assert not given.exists(), "nothing half-written where the disk was full"
    assert elsewhere.exists() and (tmp_path / "elders.json").exists() and (tmp_path / "r.ics").exists()
    if command == "followup":
        assert "Typed with care." in elsewhere.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sexting-protocol-")], "no temp file left"


# --- Ctrl-C at the follow-up's prompts ---------------------------------------------------------


@pytest.mark.parametrize("at", ["impact", "self_harm_concern", "still_spreading", "done", "notes"])
def test_ctrl_c_at_a_follow_up_prompt_says_so_and_writes_nothing(run, write, tmp_path, monkeypatch, at):
    """Ctrl-C at any of `followup`'s prompts ended with exit status 130 and not a word (typer
    turned the KeyboardInterrupt into a silent exit; `triage` said "Afgebroken, niets
    opgeslagen."). Every command says it, with what was saved if anything was."""
    from sexting_protocol.cli import prompts

    class Interrupt:
        def __init__(self, *args, **kwargs):
            pass

        def _stop(self, name):
            if name == at:
                raise KeyboardInterrupt

        def choice(self, message, options, default=None, help=None, back=False, key=None):
            self._stop(key.partition(":")[2])
            return default

        def checkbox(self, message, options, instruction, checked=(), help=None):
            self._stop("done")
            return []

        def text(self, message, default="", help=None, required=False, key=None):
            self._stop("notes")
            return "n"

    case = case_file(run, write, tmp_path, GROUP)
    monkeypatch.setattr(prompts, "Asker", Interrupt)
    r = run("followup", case, "--report", tmp_path / "f.md", "--ics", tmp_path / "f.ics", stdin_tty=True,
            stdout_tty=True)
    assert r.code == 130 and "Afgebroken, niets opgeslagen." in r.err, r.err
    assert not (tmp_path / "f.md").exists() and not (tmp_path / "f.json").exists() and not (tmp_path / "f.ics").exists()


# --- a hand-edited log: its dates are the dates the message asks for ------------------------


@pytest.mark.parametrize("date", ["20260225", "2026-W09-1", "2026W091", "2026-056", "+2026-02-25", "2026-02-25 "])
def test_a_log_date_in_another_iso_form_is_refused_with_its_line(run, write, tmp_path, date):
    """A log entry dated `20260225` or `2026-W09-1` (Python's date.fromisoformat takes every
    ISO 8601 form since 3.11) was accepted and shown as typed in the report's *Verloop van de
    casus*, beside the 2026-02-23 of the others; the refusal of other dates says YYYY-MM-DD.
    Only that form is a date here."""
    case = json.loads(open(case_file(run, write, tmp_path, GROUP), encoding="utf-8").read())
    case["log"].append({"date": date, "kind": "followup"})
    path = tmp_path / "h.json"
    path.write_text(json.dumps(case, indent=1), encoding="utf-8")
    r = run("followup", path, "--answers", write("fu.yaml", {"notes": "n"}), "--report", tmp_path / "out.md",
            debug=False)
    assert r.code == 2 and "h.json:" in r.err and "log[1].date" in r.err and "YYYY-MM-DD" in r.err, r.err
    assert not (tmp_path / "out.md").exists()


def test_a_changed_answer_in_the_log_is_carried_on_as_the_answers_read_it(run, write, tmp_path):
    """A log entry with `changed: {impact: SERIOUS, still_spreading: ja}` was accepted (the
    answers' rules read them as `serious` and `yes`) but carried on as typed: the report said
    "Schade: SERIOUS", "Verspreidt nog: ja" instead of the options' words, and the case file kept
    the spelling. What is accepted is carried on as it was read."""
    case = json.loads(open(case_file(run, write, tmp_path, GROUP), encoding="utf-8").read())
    case["log"].append({"date": "2026-02-25", "kind": "followup", "changed": {"impact": "SERIOUS",
                                                                              "still_spreading": "ja"}})
    path = tmp_path / "h.json"
    path.write_text(json.dumps(case, indent=1), encoding="utf-8")
    r = run("followup", path, "--answers", write("fu.yaml", {"notes": "n"}), "--report", tmp_path / "out.md")
    assert r.code == 0, r.err
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "SERIOUS" not in text and ": ja" not in text, text[text.find("Verloop"):][:600]
    log = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["log"]
    assert log[1]["changed"] == {"impact": "serious", "still_spreading": "yes"}


def test_doubt_at_the_follow_up_keeps_the_care_the_known_harm_brought(run, write, tmp_path):
    """Red and "within days" either way, but `impact: unknown` took away the care for the young
    person (De Kindertelefoon, Slachtofferhulp and the plan's care item) that the known serious
    harm had brought in. What was said stays in the log."""
    case = case_file(run, write, tmp_path, {**CLEAR, "shared_further": "group", "impact": "serious"})
    out = json.loads(run("followup", case, "--answers", write("fu.yaml", {"impact": "unknown"}), "--json").out)
    after = out["after"]
    assert {"kindertelefoon", "slachtofferhulp"} <= set(after["contacts"]) and after["answers"]["impact"] == "serious"
    assert "care_for_young_person" in [i["id"] for s in after["plan"] for i in s["items"]]
    assert out["entry"]["changed"] == {"impact": "unknown"}, "the log says what was answered"
