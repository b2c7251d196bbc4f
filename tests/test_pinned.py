"""The output of the look-ups and of a triage, pinned byte for byte (issue 15): the views build
each look-up once and derive its JSON and its blocks from that one structure; this proves the
`--json` output and the rendered text stayed the same through that change and any later one.
The look-ups in Dutch (both languages take one path), a triage also in English.

The files in tests/pinned/ were written by the code before the change. When an output changes on
purpose, write them again (`PIN=1 pytest tests/test_pinned.py`) and read the diff.
"""

from __future__ import annotations

import os

import pytest
import yaml

from conftest import REPO, load_examples

PINNED = REPO / "tests" / "pinned"
CASES = ("forwarded-to-group-chat", "sextortion")

COMMANDS = {
    "contacts": ["contacts"],
    "contacts-sources": ["contacts", "--sources", "politie"],
    "checklist-step-3": ["checklist", "--step", "3"],
    "checklist-route-zvh": ["checklist", "--route", "zvh"],
    "checklist-route-police": ["checklist", "--route", "police"],
    "advice": ["advice"],
    "criteria": ["criteria"],
}


def _answers(tmp_path, case: str) -> str:
    scenario = next(s for s in load_examples() if s["id"] == case)
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(dict(scenario["answers"])), encoding="utf-8")
    return str(path)


def _check(name: str, text: str) -> None:
    """`text` against its pinned file; the checkout's own folder is said as REPO (CI runs in another)."""
    path = PINNED / name
    text = text.replace(str(REPO), "REPO")
    if os.environ.get("PIN"):
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, name


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_look_up_says_what_it_said(run, user_home, name, as_json, lang="nl"):
    r = run("--lang", lang, *COMMANDS[name], *(["--json"] if as_json else []))
    assert r.code == 0, r.err
    _check(f"{name}.{lang}.{'json' if as_json else 'txt'}", r.out)


@pytest.mark.parametrize("command", ["triage", "conversations"])
@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
@pytest.mark.parametrize("case,lang", [(CASES[0], "nl"), (CASES[0], "en"), (CASES[1], "nl")])
def test_a_worked_example_says_what_it_said(run, user_home, tmp_path, case, lang, as_json, command):
    r = run("--lang", lang, command, "--answers", _answers(tmp_path, case), *(["--json"] if as_json else []))
    assert r.code == 0, r.err
    _check(f"{command}-{case}.{lang}.{'json' if as_json else 'txt'}", r.out.replace(str(tmp_path), "TMP"))


def test_the_report_and_the_handout_say_what_they_said(run, user_home, tmp_path, lang="nl"):
    report = tmp_path / "report.md"
    r = run("--lang", lang, "triage", "--answers", _answers(tmp_path, CASES[0]), "--report", report)
    assert r.code == 0, r.err
    _check(f"report-{CASES[0]}.{lang}.md", report.read_text(encoding="utf-8").replace(str(tmp_path), "TMP"))
    r = run("--lang", lang, "handout", "--json")
    assert r.code == 0, r.err
    _check(f"handout.{lang}.json", r.out)
