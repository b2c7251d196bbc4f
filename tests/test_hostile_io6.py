"""Hostile and broken input, sixth round: a fourth fresh red-team pass of issue 18's surfaces,
the new ones first (the case file beside every report, `followup`, `conversations`, the
interactive save of two files). Each test names what it keeps fixed, and goes through the
command line where a user would meet it."""

from __future__ import annotations

import json

import pytest

from conftest import CLEAR

GROUP = {**CLEAR, "shared_further": "group"}
from test_hostile_io5 import refused  # noqa: E402


def saved_case(run, write, tmp_path) -> dict:
    r = run("triage", "--answers", write("a.yaml", GROUP), "--report", tmp_path / "v.txt", "--case-ref", "K-7")
    assert r.code == 0, r.err
    return json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))


# --- a hand-edited case file: its log is checked as its answers are ---------------------------


FIRST = {"date": "2026-02-23", "kind": "decision", "flag": "yellow", "confirmed_flag": "yellow", "priority": "days"}


@pytest.mark.parametrize("entry, field", [
    ({"date": "2026-02-25", "kind": "followup", "flag": ["red"]}, "flag"),
    ({"date": "2026-02-25", "kind": "followup", "flag": {"a": 1}}, "flag"),
    ({"date": "2026-02-25", "kind": "followup", "changed": ["impact"]}, "changed"),
    ({"date": "2026-02-25", "kind": "followup", "changed": {"impact": "zzz"}}, "impact"),
    ({"date": "2026-02-25", "kind": "followup", "done": 5}, "done"),
    ({"date": "2026-02-25", "kind": "followup", "done": True}, "done"),
    ({"date": "2026-02-25", "kind": "followup", "notes": {"a": "b"}}, "notes"),
    ({"date": "2026-02-25", "kind": "log_title"}, "kind"),
    ({"date": ["2026-02-25"], "kind": "followup"}, "date"),
    ("2026-02-25", "log"),
], ids=["flag-list", "flag-map", "changed-list", "changed-value", "done-int", "done-bool", "notes-map",
        "kind-unknown", "date-list", "entry-text"])
@pytest.mark.parametrize("command", ["followup", "triage"])
def test_a_case_files_log_with_a_wrong_value_is_refused_with_its_line(run, write, tmp_path, entry, field, command):
    """A log entry edited by hand with `flag: [red]`, `changed: [impact]` or `done: 5` ended
    `followup --report` (and `triage --answers case.json --report`) in "interne fout
    (TypeError: unhashable type: 'list')" and wrote nothing; an unknown kind showed its ui.yaml
    key (`log_log_title`) in the report. The log is checked when the case file is read, like
    its answers: the file, the line, the field."""
    case = saved_case(run, write, tmp_path)
    case["log"] = [FIRST, entry]
    path = tmp_path / "h.json"
    path.write_text(json.dumps(case, indent=1), encoding="utf-8")
    args = ["followup", path, "--answers", write("fu.yaml", {"notes": "n"})] if command == "followup" \
        else ["triage", "--answers", path]
    r = run(*args, "--report", tmp_path / "out.md", debug=False)
    refused(r, "h.json:", field)
    assert not (tmp_path / "out.md").exists()


def test_a_good_log_still_goes_on(run, write, tmp_path):
    case = saved_case(run, write, tmp_path)
    case["log"] = [FIRST, {"date": "2026-02-25", "kind": "followup", "changed": {"impact": "serious"},
                           "flag": "red", "confirmed_flag": "red", "priority": "today", "done": ["x"], "notes": "Somber."}]
    path = write("h.json", case)
    r = run("followup", path, "--answers", write("fu.yaml", {"notes": "Beter."}), "--report", tmp_path / "out.md")
    assert r.code == 0, r.err
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "Somber." in text and "Beter." in text
    assert [e["kind"] for e in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["log"]] == \
        ["decision", "followup", "followup"]


# --- the interactive save: the name offered is free for both files it writes ------------------


def _session(tmp_path, asker_class=None, **kw):
    """The interactive triage in tmp_path, with a scripted asker (test_session's)."""
    import io
    import os

    from sexting_protocol.cli.env import Env
    from sexting_protocol.cli.options import Globals
    from sexting_protocol.cli.triage import Options, run
    from sexting_protocol.core.engine import Engine
    from sexting_protocol.store import bundle as data
    from test_session import Script

    from conftest import TODAY

    env = Env(stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=True, stdout_isatty=True, no_color=True,
              today=TODAY, environ={"SEXTING_PROTOCOL_HOME": str(tmp_path / "home"), "SEXTING_PROTOCOL_CACHE": "off",
                                   "SEXTING_PROTOCOL_DOCUMENTS": str(tmp_path)})
    asker = (asker_class or Script)(Engine(data.load(cache=False).protocol), CLEAR, **kw)
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        return run(Globals(env), Options(), asker=asker), asker, env
    finally:
        os.chdir(here)


@pytest.mark.parametrize("kind, typed, written", [
    ("md", "r.json", {"r.json": "json"}),
    ("txt", "r.md", {"r.md": "md", "r.json": "json"}),
    ("md", "r.TXT", {"r.TXT": "txt", "r.json": "json"}),
    ("json", "r", {"r": "json"}),
    ("txt", "r", {"r": "txt", "r.json": "json"}),
])
def test_the_interactive_save_writes_the_format_its_name_says(tmp_path, kind, typed, written):
    """Choosing Markdown and typing `verslag.json` at "where to save" wrote Markdown into
    verslag.json and no case file beside it (the command line's --report verslag.json writes
    the case file): `followup verslag.json` then refused it. Choosing JSON and typing a name
    without a suffix wrote the same JSON twice. The name's suffix decides, as on the command
    line; a name without one gets the format chosen."""
    code, _, env = _session(tmp_path, report=kind, path=typed)
    assert code == 0, env.stderr.getvalue()
    files = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.is_file()}
    assert sorted(files) == sorted(written), sorted(files)
    for name, fmt in written.items():
        text = files[name]
        if fmt == "json":
            assert json.loads(text)["answers"], name
        else:
            assert text.lstrip().startswith("# " if fmt == "md" else "Verslag"), (name, text[:40])


def test_the_name_offered_for_a_report_is_free_for_its_case_file_too(tmp_path, monkeypatch):
    """A report saved as JSON earlier that day (sexting-verslag-DAY.json) and then a Markdown
    report: the name offered, sexting-verslag-DAY.md, was free, but the case file beside it
    was not; the save was refused ("bestaat al") and the same name offered again, so Enter went
    round for ever. The name offered is one where both files are free."""
    import io

    from sexting_protocol.cli.env import Env
    from sexting_protocol.cli.options import Globals
    from sexting_protocol.cli.triage import Options, run
    from sexting_protocol.core.engine import Engine
    from sexting_protocol.store import bundle as data
    from test_session import Script

    from conftest import TODAY

    monkeypatch.chdir(tmp_path)
    taken = tmp_path / f"sexting-verslag-{TODAY.isoformat()}.json"
    taken.write_text("{}", encoding="utf-8")

    class Enter(Script):  # Enter at every question of where to save; three times is enough
        offered: list = []

        def text(self, message, default="", help=None, required=False, key=None):
            if key == "files:path":
                self.offered.append(default)
                if len(self.offered) > 3:
                    raise KeyboardInterrupt
            return super().text(message, default, help, required, key)

    env = Env(stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=True, stdout_isatty=True, no_color=True,
              today=TODAY, environ={"SEXTING_PROTOCOL_HOME": str(tmp_path / "home"), "SEXTING_PROTOCOL_CACHE": "off",
                                   "SEXTING_PROTOCOL_DOCUMENTS": str(tmp_path)})
    asker = Enter(Engine(data.load(cache=False).protocol), CLEAR, report="md")
    assert run(Globals(env), Options(), asker=asker) == 0, env.stderr.getvalue()
    assert len(asker.offered) == 1, asker.offered
    assert taken.read_text(encoding="utf-8") == "{}"
    saved = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("sexting-verslag"))
    assert saved == [f"sexting-verslag-{TODAY.isoformat()}{s}" for s in ("-2.json", "-2.md", ".json")], saved


# --- a path with a line break is shown on one line --------------------------------------------


FAKE = "x\nsexting-protocol: Geschreven: passwd"


@pytest.mark.parametrize("case", ["report_given", "not_found", "exists", "written", "followup_report"])
def test_a_path_with_a_line_break_is_shown_on_one_line(run, write, tmp_path, case):
    """A file name with a line break (`$'x\\nsexting-protocol: Geschreven: /etc/passwd'`, a
    name made in a shared folder) was shown as two lines, the second one looking like the
    tool's own; ESC and bidi were escaped already. Every path a message names is shown on its
    line, its line break as \\n."""
    answers = write("a.yaml", CLEAR)
    if case == "report_given":
        r = run("triage", "--answers", str(tmp_path / (FAKE + ".md")))
    elif case == "not_found":
        r = run("triage", "--answers", str(tmp_path / (FAKE + ".yaml")))
    elif case == "exists":
        (tmp_path / (FAKE + ".md")).write_text("x", encoding="utf-8")
        r = run("triage", "--answers", answers, "--report", str(tmp_path / (FAKE + ".md")))
    elif case == "written":
        r = run("triage", "--answers", answers, "--ics", str(tmp_path / (FAKE + ".ics")), "--json")
    else:
        r = run("followup", str(tmp_path / (FAKE + ".txt")))
    said = r.err
    assert said.strip() and "\\n" in said, said
    assert not any(line.startswith("sexting-protocol: Geschreven") for line in said.splitlines()), said
    assert said.count("\n") == 1, said
