"""Where a report goes (issue 17): the save prompt of the terminal triage and of `followup`
offers a free name in the user's documents folder (platformdirs; SEXTING_PROTOCOL_DOCUMENTS in
the tests), never the current folder, and says where the file went; what the person types is
theirs, and --report and --output given with a relative path keep meaning the current folder."""

from __future__ import annotations

import io
import json
import os
import re
import sys

import pytest

from conftest import CLEAR, TODAY, run_cli
from sexting_protocol.cli.env import Env
from sexting_protocol.cli.options import Globals
from sexting_protocol.cli import followup as followup_cli
from sexting_protocol.cli.triage import Options, run
from sexting_protocol.core.engine import Engine
from sexting_protocol.store import bundle as data
from test_session import Script

REPORT = f"sexting-verslag-{TODAY.isoformat()}"


def state(tmp_path, documents) -> Globals:
    return Globals(Env(stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=True, stdout_isatty=True, no_color=True,
                     today=TODAY, environ={"SEXTING_PROTOCOL_HOME": str(tmp_path / "home"),
                                           "SEXTING_PROTOCOL_CACHE": "off", "SEXTING_PROTOCOL_DOCUMENTS": str(documents)}))


class Offered(Script):
    """The scripted session, keeping what each save prompt offered."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.offered: list[str] = []

    def text(self, message, default="", help=None, required=False, key=None):
        if key == "files:path":
            self.offered.append(default)
        return super().text(message, default, help, required, key)


@pytest.fixture
def cwd(tmp_path, monkeypatch):
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_the_triage_offers_the_documents_folder_and_says_where_the_files_went(tmp_path, cwd):
    documents = tmp_path / "Mijn documenten"  # not there yet: made when the name is offered
    st = state(tmp_path, documents)
    asker = Offered(Engine(data.load(cache=False).protocol), CLEAR, report="txt", ics=True)
    assert run(st, Options(), asker=asker) == 0, st.env.stderr.getvalue()
    assert asker.offered[0] == str(documents / f"{REPORT}.txt")
    assert os.path.isabs(asker.offered[1]) and os.path.dirname(asker.offered[1]) == str(documents)
    assert list(cwd.iterdir()) == [], "nothing in the current folder"
    saved = sorted(p.name for p in documents.iterdir())
    assert saved == sorted([f"{REPORT}.txt", f"{REPORT}.json", os.path.basename(asker.offered[1])])
    out = st.env.stdout.getvalue()
    for name in saved:  # each file named with its whole path
        assert re.search(r"Geschreven \(alleen voor jou leesbaar\): " + re.escape(str(documents / name)), out), name


def test_a_relative_name_typed_at_the_prompt_is_the_persons_own_choice(tmp_path, cwd):
    documents = tmp_path / "docs"
    st = state(tmp_path, documents)
    asker = Offered(Engine(data.load(cache=False).protocol), CLEAR, report="md", path="hier.md")
    assert run(st, Options(), asker=asker) == 0
    assert sorted(p.name for p in cwd.iterdir()) == ["hier.json", "hier.md"]
    assert f"{cwd / 'hier.md'}" in st.env.stdout.getvalue()


def test_report_given_as_a_relative_path_keeps_meaning_the_current_folder(tmp_path, cwd, write):
    documents = tmp_path / "docs"
    r = run_cli("triage", "--answers", write("a.yaml", CLEAR), "--report", "verslag.md",
                environ={"SEXTING_PROTOCOL_DOCUMENTS": str(documents)})
    assert r.code == 0, r.err
    assert sorted(p.name for p in cwd.iterdir()) == ["verslag.json", "verslag.md"]
    assert not documents.exists()
    assert str(cwd / "verslag.md") in r.out


def test_handout_output_relative_is_the_current_folder(tmp_path, cwd):
    documents = tmp_path / "docs"
    r = run_cli("handout", "--output", "poster.html", environ={"SEXTING_PROTOCOL_DOCUMENTS": str(documents)})
    assert r.code == 0, r.err
    assert [p.name for p in cwd.iterdir()] == ["poster.html"] and not documents.exists()


class Followup:
    """A follow-up asked in a terminal: every question unknown, nothing done, then the save."""

    def __init__(self, report="md", path=None, ics=False):
        self.report, self.path, self.ics, self.offered, self.keys = report, path, ics, [], []

    def yes_no(self, message, default=True, key=None):
        self.keys.append(key)
        return self.ics

    def number(self, message, low, high, default=None, key=None, instruction=None, **kw):
        return default

    def choice(self, message, options, default=None, help=None, back=False, key=None):
        self.keys.append(key)
        return self.report if key == "files:report" else "unknown"

    def checkbox(self, message, options, instruction, checked=(), help=None):
        return []

    def text(self, message, default="", help=None, required=False, key=None):
        self.keys.append(key)
        if key == "files:path":
            self.offered.append(default)
            return self.path or default
        return ""


def case_file(tmp_path) -> str:
    r = run_cli("triage", "--answers", str(_write(tmp_path / "a.yaml", CLEAR)), "--json")
    path = tmp_path / "casus.json"
    path.write_text(r.out, encoding="utf-8")
    return str(path)


def _write(path, answers):
    path.write_text(json.dumps(answers), encoding="utf-8")
    return path


def test_followup_in_a_terminal_offers_the_report_in_the_documents_folder(tmp_path, cwd):
    documents = tmp_path / "docs"
    st = state(tmp_path, documents)
    asker = Followup(report="md")
    code = followup_cli.run(st, followup_cli.Options(case=case_file(tmp_path)), asker=asker)
    assert code == 0, st.env.stderr.getvalue()
    assert "files:report" in asker.keys
    assert asker.offered == [str(documents / f"{REPORT}.md")]
    assert sorted(p.name for p in documents.iterdir()) == [f"{REPORT}.json", f"{REPORT}.md"]
    assert list(cwd.iterdir()) == []
    assert str(documents / f"{REPORT}.md") in st.env.stdout.getvalue()
    saved = json.loads((documents / f"{REPORT}.json").read_text(encoding="utf-8"))
    assert len(saved["log"]) == 2, "the case file beside it holds the follow-up"


def test_followup_saves_nothing_when_the_person_says_no(tmp_path, cwd):
    documents = tmp_path / "docs"
    st = state(tmp_path, documents)
    asker = Followup(report="no")
    assert followup_cli.run(st, followup_cli.Options(case=case_file(tmp_path)), asker=asker) == 0
    assert asker.offered == [] and not documents.exists() and list(cwd.iterdir()) == []


def test_followup_in_a_terminal_offers_the_next_follow_up_in_the_calendar(tmp_path, cwd):
    """The browser's follow-up gave the next follow-up's .ics; the terminal's did not."""
    documents = tmp_path / "docs"
    st = state(tmp_path, documents)
    asker = Followup(report="no", ics=True)
    assert followup_cli.run(st, followup_cli.Options(case=case_file(tmp_path)), asker=asker) == 0
    assert "files:ics" in asker.keys
    [ics] = documents.iterdir()
    assert ics.suffix == ".ics" and ics.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
