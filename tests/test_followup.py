"""The follow-up (issue 16: "Zorg altijd voor een follow-up! Hoe gaat het nu?"): a case saved as a
.txt report is continued a week later from the JSON beside it; an answer that changed is weighed
again, the change is shown, and the follow-up is a dated entry in the case's log, which stands
in the new report."""

from __future__ import annotations

import json

from conftest import CLEAR

GROUP = {**CLEAR, "shared_further": "group", "age_depicted": 15, "age_other": 15}


def saved_case(run, write, tmp_path):
    r = run("triage", "--answers", write("a.yaml", GROUP), "--report", tmp_path / "v.txt", "--case-ref", "K-7")
    assert r.code == 0, r.err
    return tmp_path / "v.json"


def test_a_changed_answer_is_weighed_again_and_logged(run, write, tmp_path):
    case = saved_case(run, write, tmp_path)
    first = json.loads(case.read_text(encoding="utf-8"))
    assert [e["kind"] for e in first["log"]] == ["decision"], "the log starts with the first decision"
    answers = write("fu.yaml", {"self_harm_concern": "yes", "done": ["never_view_images"], "notes": "Somber."})
    out = json.loads(run("followup", case, "--answers", answers, "--json").out)
    assert out["before"]["priority"] != "now" and out["after"]["priority"] == "now"
    assert "crisis_care" in out["new_first"]
    entry = out["entry"]
    assert entry["kind"] == "followup" and entry["changed"] == {"self_harm_concern": "yes"}
    assert entry["done"] == ["never_view_images"] and entry["notes"] == "Somber."
    assert [e["kind"] for e in out["after"]["log"]] == ["decision", "followup"]


def test_the_follow_up_writes_the_report_with_its_log_and_the_case_file_beside_it(run, write, tmp_path):
    case = saved_case(run, write, tmp_path)
    answers = write("fu.yaml", {"still_spreading": "no", "notes": "De klas is besproken."})
    report = tmp_path / "follow-up.md"
    r = run("followup", case, "--answers", answers, "--report", report, "--ics", tmp_path / "next.ics")
    assert r.code == 0, r.err
    text = report.read_text(encoding="utf-8")
    assert "K-7" in text, "the case reference goes on"
    assert "Verloop van de casus" in text and "De klas is besproken." in text
    assert "| 2-3-2026 | Eerste weging" in text, "the log's dates as Dutch writes them"
    updated = json.loads((tmp_path / "follow-up.json").read_text(encoding="utf-8"))
    assert [e["kind"] for e in updated["log"]] == ["decision", "followup"]
    again = json.loads(run("followup", tmp_path / "follow-up.json", "--answers", write("fu2.yaml", {}), "--json").out)
    assert [e["kind"] for e in again["after"]["log"]] == ["decision", "followup", "followup"], "each follow-up adds one"
    assert (tmp_path / "next.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_an_unchanged_case_says_the_weighing_stays(run, write, tmp_path):
    case = saved_case(run, write, tmp_path)
    r = run("followup", case, "--answers", write("fu.yaml", {"notes": "Rustig."}))
    assert r.code == 0 and "De weging blijft" in r.out
    assert "--report" in r.err, "without --report nothing is written, and it says how to save"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "fu.yaml", "v.json", "v.txt"]


def test_a_wrong_follow_up_answer_is_refused_with_its_line(run, write, tmp_path):
    case = saved_case(run, write, tmp_path)
    r = run("followup", case, "--answers", write("fu.yaml", "notes: ok\nhow_are_you: fine\n"))
    assert r.code == 2 and "fu.yaml:2" in r.err and "how_are_you" in r.err
    r = run("followup", tmp_path / "v.txt", "--answers", write("fu2.yaml", {}))
    assert r.code == 2 and "v.json" in r.err, "a report given back names its case file"


def test_triage_on_a_case_file_continues_its_log(run, write, tmp_path):
    """`triage --answers case.json --report r.md` carries the case's log on: the follow-up's
    entry stands in the new report and in the case file beside it, not a new log of one entry."""
    case = saved_case(run, write, tmp_path)
    followed = tmp_path / "fu.md"
    r = run("followup", case, "--answers", write("fu.yaml", {"self_harm_concern": "yes", "notes": "Zorg-7731."}),
            "--report", followed)
    assert r.code == 0, r.err
    later = tmp_path / "later.md"
    r = run("triage", "--answers", tmp_path / "fu.json", "--report", later)
    assert r.code == 0, r.err
    assert "Zorg-7731." in later.read_text(encoding="utf-8") and "K-7" in later.read_text(encoding="utf-8")
    log = json.loads((tmp_path / "later.json").read_text(encoding="utf-8"))["log"]
    assert [e["kind"] for e in log] == ["decision", "followup"] and log[1]["notes"] == "Zorg-7731."


def test_a_flag_that_stays_with_a_priority_that_changed_says_so_without_a_new_confirmation(run, write, tmp_path):
    """It said "vlag rood wordt rood" and asked to confirm the flag again."""
    case = saved_case(run, write, tmp_path)
    answers = write("fu.yaml", {"self_harm_concern": "yes"})
    out = json.loads(run("followup", case, "--answers", answers, "--json").out)
    assert out["before"]["flag"] == out["after"]["flag"] and out["before"]["priority"] != out["after"]["priority"]
    r = run("followup", case, "--answers", answers)
    assert r.code == 0, r.err
    said = " ".join(r.out.split())
    assert "De vlag blijft rood, maar hoe snel je moet handelen is veranderd" in said
    assert "wordt rood" not in said and "triage --answers" not in said


def test_a_case_file_named_without_its_folder_that_is_in_the_documents_folder_is_pointed_to(run, tmp_path, monkeypatch):
    """The save prompts put the case file in the documents folder; `followup NAME.json` from
    another folder said only "bestand niet gevonden"."""
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "v.json").write_text("{}", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("SEXTING_PROTOCOL_DOCUMENTS", str(documents))
    for args in (["followup", "v.json"], ["triage", "--answers", "v.json"]):
        r = run(*args, debug=False)
        assert r.code == 2 and str(documents / "v.json") in r.err and "documentenmap" in r.err, r.err
    r = run("followup", "w.json", debug=False)
    assert r.code == 2 and "documentenmap" not in r.err, "a file that is nowhere: the reader's own message"


def test_the_plan_items_done_are_ticked_in_the_new_report(run, write, tmp_path):
    """The follow-up's log said "1 punt(en) van het plan gedaan" and the plan still showed the
    item as open."""
    case = saved_case(run, write, tmp_path)
    answers = write("fu.yaml", {"done": ["never_view_images"]})
    for kind, ticked, open_ in (("md", "- [x] ", "- [ ] "), ("txt", "[x] ", "[ ] ")):
        report = tmp_path / kind / f"follow-up.{kind}"
        report.parent.mkdir()
        assert run("followup", case, "--answers", answers, "--report", report).code == 0
        lines = report.read_text(encoding="utf-8").splitlines()
        done = [line for line in lines if line.startswith(ticked)]
        assert len(done) == 1 and "Bekijk de beelden nooit" in done[0], done
        assert any(line.startswith(open_) for line in lines), "the other items stay open"
