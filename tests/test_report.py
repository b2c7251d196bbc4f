"""The record for the pupil's file (issue 10): a .txt that pastes cleanly into Magister, ParnasSys
or Somtoday, the sections the plan asks for, and the follow-up in the calendar."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from conftest import CLEAR, TODAY
from sexting_protocol.present import report
from sexting_protocol.render import report as written
from sexting_protocol.core.engine import Engine
from sexting_protocol.present.views import DecisionView


@pytest.fixture(scope="module")
def view(bundle):
    return DecisionView(bundle, "nl", Engine(bundle.protocol))


@pytest.fixture(scope="module")
def decision(view):
    answers = {**CLEAR, "shared_further": "group", "context_ok": "no", "impact": "serious"}
    return view.e.decide({k: v for k, v in answers.items()}, None, TODAY)


def test_txt_report_has_no_hard_line_break_inside_a_paragraph(view, decision, bundle):
    text = written.render(view, decision, report.Meta("2026-014"), "txt")
    lines = text.splitlines()
    for para in (view.t("report_keeping_text"), bundle.protocol.leaflet.disclaimer.nl):
        assert " ".join(para.split()) in lines, para[:40]
    for step in bundle.protocol.steps:  # a long checklist item is one line
        for item in step.checklist:
            if len(item.text.nl) > 100 and f"[ ] {item.text.nl}" in text:
                assert f"[ ] {item.text.nl}" in lines


def test_txt_report_keeps_to_what_a_pupil_file_shows(view, decision):
    meta = report.Meta("K-1", said="Ze zei: “stuur het door” → ☐ ✓ ◆ (maandag)", done="é ö ë")
    text = written.render(view, decision, meta, "txt")
    text.encode("cp1252")  # every character shows in Windows-1252
    assert '"stuur het door"' not in text and "“stuur het door” -> [ ] v ? (maandag)" in text
    assert "é ö ë" in text and "[ ] " in text and "☐" not in text and "→" not in text


@pytest.mark.parametrize("kind", ["txt", "md"])
def test_the_report_is_the_same_file_whatever_the_terminals_width(write, tmp_path, kind):
    answers = write("a.yaml", {**CLEAR, "shared_further": "group"})
    files = []
    for columns in ("40", "200"):
        path = tmp_path / f"v{columns}.{kind}"
        environ = {**os.environ, "COLUMNS": columns, "LINES": "20"}
        p = subprocess.run([sys.executable, "-m", "sexting_protocol", "triage", "--answers", answers, "--report",
                            str(path), "--case-ref", "K-1", "--signal-date", "2026-02-27"],
                           env=environ, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert p.returncode == 0, p.stderr
        files.append(path.read_bytes())
    assert files[0] == files[1]
    assert max(len(line) for line in files[0].decode("utf-8").splitlines()) > 200  # not wrapped


@pytest.mark.parametrize("kind", ["txt", "md"])
def test_the_record_sections_to_fill_in(view, decision, kind):
    empty = written.render(view, decision, report.Meta(), kind)
    for key in ("said", "done", "told"):
        assert view.t(f"report_{key}") in empty and view.t(f"report_{key}_hint") in empty
    assert empty.count(view.t("report_fill")) == 3
    given = written.render(view, decision, report.Meta(said="2026-02-27, Sam: “het ging rond”",
                                                      done="2026-02-28: ouders gebeld", told="zorgcoördinator, 2026-02-28"),
                          kind)
    assert view.t("report_fill") not in given
    for text in ("2026-02-27, Sam: “het ging rond”", "2026-02-28: ouders gebeld", "zorgcoördinator, 2026-02-28"):
        assert text in given.replace("\\", "") if kind == "md" else text in given
    # the record starts with the first actions; the sections come next, before the assessment
    first = given.index("EERST DOEN")
    assert first < given.index(view.t("report_said")) < given.index(view.t("report_assessment"))


def test_the_record_is_escaped_for_markdown(view, decision):
    from markdown_it import MarkdownIt

    meta = report.Meta(said="x\n# Nep-kop\n<script>alert(1)</script>", done="[a](javascript:alert(1))", told="\x1b]0;x\x07")
    text = written.render(view, decision, meta, "md")
    html = MarkdownIt("commonmark", {"html": True}).render(text)
    assert "<script" not in html and "<h1>Nep-kop" not in html and 'href="javascript' not in html
    assert "\x1b" not in text and "\x07" not in text


def test_the_json_report_carries_the_record(view, decision):
    import json

    out = json.loads(written.render(view, decision, report.Meta(said="a", told="c"), "json"))["report"]
    assert (out["said"], out["done"], out["told"]) == ("a", None, "c")


def test_free_name_offers_a_name_not_yet_taken(tmp_path):
    assert report.free_name(str(tmp_path), "sexting-verslag-2026-03-02", ".md") == "sexting-verslag-2026-03-02.md"
    (tmp_path / "sexting-verslag-2026-03-02.md").write_text("x")
    (tmp_path / "sexting-verslag-2026-03-02-2.md").write_text("x")
    assert report.free_name(str(tmp_path), "sexting-verslag-2026-03-02", ".md") == "sexting-verslag-2026-03-02-3.md"
    assert report.free_name(str(tmp_path), "sexting-verslag-2026-03-02", ".txt") == "sexting-verslag-2026-03-02.txt"


# --- the follow-up in the calendar --------------------------------------------------------------------


def event(ics: str):
    from icalendar import Calendar

    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_the_follow_up_carries_the_case_reference_and_a_reminder_that_morning(view):
    when = TODAY + dt.timedelta(days=7)
    ev = event(written.calendar(view, when, case_ref="2026-014"))
    assert "2026-014" in str(ev["SUMMARY"]) and "hoe gaat het nu?" in str(ev["SUMMARY"]).lower()
    alarms = list(ev.walk("VALARM"))
    assert len(alarms) == 1 and str(alarms[0]["ACTION"]) == "DISPLAY"
    trigger = alarms[0].decoded("TRIGGER")
    start = ev.decoded("DTSTART")
    assert start == when and dt.timedelta(hours=6) <= trigger <= dt.timedelta(hours=10)  # that morning
    description = str(ev["DESCRIPTION"])
    assert description.startswith(view.t("ics_questions"))
    assert not description.startswith(view.tx(view.p.followup.checklist[0].text))


def test_the_follow_up_without_a_case_reference(view):
    ev = event(written.calendar(view, TODAY, case_ref=None))
    assert str(ev["SUMMARY"]) == view.t("ics_summary")
