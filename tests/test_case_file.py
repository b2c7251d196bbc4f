"""A case that carries on (issue 16): whichever report is saved, the JSON that continues the case
is saved beside it; continuing from that JSON brings back the answers, the confirmation, the case
reference and the record; a .txt or .md report given where a case file is expected gets one line
that names the JSON belonging to it."""

from __future__ import annotations

import json
import os
import stat

from conftest import CLEAR

PUSHED = {**CLEAR, "shared_further": "group", "age_depicted": 15, "age_other": 15}


def test_a_txt_report_has_its_case_file_beside_it_and_a_week_later_the_case_goes_on(run, write, tmp_path):
    txt = tmp_path / "verslag.txt"
    r = run("triage", "--answers", write("a.yaml", PUSHED), "--report", txt, "--case-ref", "2026-014",
            "--role", "mentor")
    assert r.code == 0, r.err
    case = tmp_path / "verslag.json"
    assert txt.is_file() and case.is_file(), "one save, two files"
    if os.name == "posix":
        assert stat.S_IMODE(case.stat().st_mode) == 0o600, "both private"
    saved = json.loads(case.read_text(encoding="utf-8"))
    assert saved["report"]["case_ref"] == "2026-014"
    # the notes written in the record (the browser's fields, or by hand in the JSON) go on too
    saved["report"]["said"] = "Ze zei: 'iedereen heeft het gezien'."
    case.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    later = tmp_path / "week-later.md"
    r = run("triage", "--answers", case, "--report", later)
    assert r.code == 0, r.err
    text = later.read_text(encoding="utf-8")
    assert "2026-014" in text and "mentor" in text and "iedereen heeft het gezien" in text
    again = json.loads((tmp_path / "week-later.json").read_text(encoding="utf-8"))
    assert again["answers"] == saved["answers"] and again["flag"] == saved["flag"]


def test_the_command_line_wins_over_the_case_files_record(run, write, tmp_path):
    md = tmp_path / "v.md"
    assert run("triage", "--answers", write("a.yaml", CLEAR), "--report", md, "--case-ref", "OUD").code == 0
    new = tmp_path / "n.md"
    assert run("triage", "--answers", tmp_path / "v.json", "--report", new, "--case-ref", "NIEUW").code == 0
    assert "NIEUW" in new.read_text(encoding="utf-8") and "OUD" not in new.read_text(encoding="utf-8")


def test_a_report_given_back_gets_one_line_naming_its_case_file(run, write, tmp_path):
    txt = tmp_path / "sexting-verslag-2026-12-07.txt"
    assert run("triage", "--answers", write("a.yaml", CLEAR), "--report", txt).code == 0
    for report in (txt, tmp_path / "sexting-verslag-2026-12-07.json".replace(".json", ".md")):
        report.write_text(txt.read_text(encoding="utf-8"), encoding="utf-8")
        for lang in ("nl", "en"):
            r = run("--lang", lang, "triage", "--answers", report)
            assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
            assert str(tmp_path / "sexting-verslag-2026-12-07.json") in r.err
            assert "YAML" not in r.err
            assert ("verslag om te lezen" if lang == "nl" else "report for reading") in r.err


def test_a_json_report_is_written_alone(run, write, tmp_path):
    assert run("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / "v.json").code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "v.json"]


def test_an_existing_case_file_beside_is_never_overwritten_without_force(run, write, tmp_path):
    (tmp_path / "v.json").write_text("{}", encoding="utf-8")
    r = run("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / "v.md")
    assert r.code != 0 and "v.json" in r.err
    assert not (tmp_path / "v.md").exists() and (tmp_path / "v.json").read_text(encoding="utf-8") == "{}"
