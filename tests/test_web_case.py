"""A case that carries on, in the browser (issue 16), over HTTP with Starlette's test client:
continuing from the case file brings back the answers, the confirmation, the case reference,
the record and the log; a report for reading downloads with its case file beside it in one
.zip; the follow-up ("Hoe gaat het nu?") asks the follow-up's questions, weighs the case again,
shows the change and logs it, and its entry stands in the report downloaded after it."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("starlette")

from sexting_protocol.core import conversation as conv  # noqa: E402
from sexting_protocol.web.case import MAX_CASE  # noqa: E402

from conftest import CLEAR  # noqa: E402
from test_web_triage import (ORIGIN, Page, client, confirm, decide, finish, home, post, report_of, tx,  # noqa: E402, F401
                             unpacked, walk)

GROUP = {**CLEAR, "shared_further": "group", "age_depicted": 15, "age_other": 15}  # red, within days


def field(page: Page, name: str, form: int | None = None) -> str | None:
    """The value of a named input (or the text of a textarea) in the page's form."""
    found = [a for a in page.all("input", page.main if form is None else form) if a.get("name") == name]
    return found[0].get("value") if found else None


def textarea(page: Page, name: str) -> str:
    m = re.search(rf'<textarea id="{name}" name="{name}"[^>]*>(.*?)</textarea>', page.html, re.S)
    assert m, name
    import html

    return html.unescape(m.group(1))


def case_field(page: Page) -> dict:
    value = field(page, "_case")
    assert value, "the case travels in the page"
    return json.loads(value)


def upload(client, content: bytes, path: str = "/triage/continue", name: str = "verslag.json"):
    return client.post(path, files={"file": (name, content, "application/json")}, headers=ORIGIN)


def carry(page: Page, **fields) -> dict:
    """The fields a page's own form posts beside the state: its case."""
    out = {k: str(v) for k, v in fields.items()}
    if field(page, "_case") is not None:
        out["_case"] = field(page, "_case")
    return out


def saved_case(run, write, tmp_path, answers=GROUP, **extra) -> bytes:
    """A case saved from the command line as a .txt report, followed up once; its case file, with
    notes written in its record."""
    r = run("triage", "--answers", write("a.yaml", {**answers, **extra}), "--report", tmp_path / "v.txt",
            "--case-ref", "K-7", "--role", "mentor")
    assert r.code == 0, r.err
    r = run("followup", tmp_path / "v.json", "--answers", write("fu.yaml", {"still_spreading": "no", "notes": "Klas besproken."}),
            "--report", tmp_path / "fu.txt")
    assert r.code == 0, r.err
    case = json.loads((tmp_path / "fu.json").read_text(encoding="utf-8"))
    case["report"].update(said="Ze zei: 'iedereen heeft het gezien'.", told="Zorgcoördinator, 3 maart.")
    return json.dumps(case, ensure_ascii=False).encode("utf-8")


# --- 1. continuing brings back everything ---------------------------------------------------------


def test_continuing_brings_back_the_confirmation_the_reference_the_record_and_the_log(client, run, write, tmp_path, engine):
    content = saved_case(run, write, tmp_path, confirmed_flag="black", confirmed_reason="Overleg: dreiging erbij.")
    page = Page(upload(client, content).text)
    assert page.buttons()[0] == "review", "all answers given: their review"
    s = conv.load(engine, page.state())
    assert s.confirmation.flag == "black" and s.confirmation.reason == "Overleg: dreiging erbij."
    case = case_field(page)
    assert case["report"]["case_ref"] == "K-7" and "iedereen heeft het gezien" in case["report"]["said"]
    assert [e["kind"] for e in case["log"]] == ["decision", "followup"] and case["log"][1]["notes"] == "Klas besproken."
    # through the review and the decision, the case goes along; the confirmation stands chosen
    page = Page(post(client, page, _event="review", **carry(page)).text)
    assert field(page, "_case") and {"checked": ""}.items() <= next(
        a for a in page.all("input") if a.get("id") == "confirmed_flag-black").items()
    assert "Overleg: dreiging erbij." in page.html
    page = walk(client, {}, Page(post(client, page, _event="confirm", confirmed_flag="black",
                                      confirmed_reason="Overleg: dreiging erbij.", **carry(page)).text))
    assert page.all("h1", page.main) == [] and {"id": "end-title"} in page.all("h1")
    assert field(page, "case_ref") == "K-7" and field(page, "role") == "mentor"
    assert "iedereen heeft het gezien" in textarea(page, "said") and textarea(page, "told") == "Zorgcoördinator, 3 maart."
    files = unpacked(post(client, page, "/triage/download", _event="md", case_ref="K-7", role="mentor",
                          said=textarea(page, "said"), **carry(page)))
    report, beside = files.values()
    assert "K-7" in report and "iedereen heeft het gezien" in report
    assert tx("log_title") in report and "Klas besproken." in report, "the log stands in the new report"
    again = json.loads(beside)
    assert again["confirmed_flag"] == "black" and again["answers"]["confirmed_reason"] == "Overleg: dreiging erbij."
    assert [e["kind"] for e in again["log"]] == ["decision", "followup"] and again["report"]["case_ref"] == "K-7"


def test_a_case_confirmed_as_proposed_is_continued_confirmed(client, run, write, tmp_path, engine):
    content = saved_case(run, write, tmp_path)
    s = conv.load(engine, Page(upload(client, content).text).state())
    assert s.confirmation is not None and s.confirmation.flag == json.loads(content)["flag"]
    # a proposal that changed since (the file edited: another flag than these answers give) is confirmed anew
    edited = json.loads(content)
    edited["flag"] = edited["confirmed_flag"] = "green"
    s = conv.load(engine, Page(upload(client, json.dumps(edited).encode()).text).state())
    assert s.confirmation is None


def test_a_language_switch_keeps_the_case(client, run, write, tmp_path):
    page = Page(upload(client, saved_case(run, write, tmp_path)).text)
    switch = next(i for i, f in enumerate(page.forms) if "lang-switch" in f.get("class", ""))
    assert field(page, "_case", switch) == field(page, "_case")
    r = client.post("/triage?lang=en", data={"_answers": page.state(), "_event": "lang",
                                             "_case": field(page, "_case", switch)}, headers=ORIGIN)
    assert r.status_code == 200 and case_field(Page(r.text))["report"]["case_ref"] == "K-7"


@pytest.mark.parametrize("bad", ["{", "[]", '{"report": {}, "extra": 1}', '{"report": {"name": "x"}}',
                                 '{"report": {"said": 5}}', '{"log": [{"date": "2026-01-01", "kind": "decision", "flag": ["red"]}]}',
                                 '{"log": "x"}', "x" * (MAX_CASE + 1)])
def test_a_tampered_case_gets_the_page_for_a_tampered_state(client, bad):
    end = finish(client, decide(client, CLEAR))
    for path, event in (("/triage", "lang"), ("/triage/download", "md"), ("/triage/followup", "followup")):
        r = client.post(path, data={"_answers": end.state(), "_event": event, "_case": bad}, headers=ORIGIN)
        assert r.status_code == 400 and tx("SP871") in Page(r.text).words(), (path, bad[:40])


def test_a_case_file_with_more_notes_than_a_page_carries_says_so(client, run, write, tmp_path):
    case = json.loads(saved_case(run, write, tmp_path))
    case["report"]["said"] = "a" * MAX_CASE
    r = upload(client, json.dumps(case).encode())
    assert r.status_code == 400 and "verslag.json" in r.text
    assert tx("SP875", name="verslag.json", n=0, limit=MAX_CASE).split(" 0 ")[0] in Page(r.text).words()


# --- 2. the case file beside every report ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["md", "txt"])
def test_the_case_file_in_the_zip_continues_the_case(client, kind, engine):
    page = finish(client, decide(client, GROUP))
    r = post(client, page, "/triage/download", _event=kind, case_ref="2026-031", said="Gezegd op 2 maart.")
    assert re.fullmatch(r'attachment; filename="sexting-verslag-\d{4}-\d{2}-\d{2}\.zip"', r.headers["content-disposition"])
    report, beside = unpacked(r).values()
    assert "2026-031" in report or "2026\\-031" in report
    again = Page(upload(client, beside.encode()).text)
    assert set(conv.load(engine, again.state()).given) == set(json.loads(beside)["answers"]) - {"setting"}
    record = case_field(again)["report"]
    assert (record["case_ref"], record["said"]) == ("2026-031", "Gezegd op 2 maart.")


# --- 3. the follow-up ---------------------------------------------------------------------------


def followup_form(client, content: bytes) -> Page:
    r = upload(client, content, "/triage/followup")
    assert r.status_code == 200, r.text
    page = Page(r.text)
    assert page.buttons()[0] == "weigh", page.buttons()
    return page


def test_the_follow_up_asks_its_questions_with_the_cases_answers_and_its_own_plan(client, run, write, tmp_path, engine):
    page = followup_form(client, saved_case(run, write, tmp_path))
    radios = {a["name"] for a in page.all("input", page.main) if a.get("type") == "radio"}
    assert radios == set(engine.p.followup.asks), "the follow-up's questions are data (protocol.yaml)"
    checked = {a["name"]: a["value"] for a in page.all("input", page.main) if a.get("type") == "radio" and "checked" in a}
    assert checked == {"impact": GROUP["impact"], "self_harm_concern": "no", "still_spreading": "no"}, \
        "each with the case's answer (still_spreading as the last follow-up left it)"
    items = [a["value"] for a in page.all("input", page.main) if a.get("name") == "done"]
    plan = conv.decide(engine, {**GROUP, "still_spreading": "no"}).plan
    assert items == [i.id for s in plan for i in s.items]
    assert "K-7" in page.words()


def test_a_follow_up_that_changes_an_answer_weighs_again_and_its_entry_stands_in_the_report(client, run, write, tmp_path,
                                                                                             bundle):
    page = followup_form(client, saved_case(run, write, tmp_path))
    done = [a["value"] for a in page.all("input", page.main) if a.get("name") == "done"][:2]
    r = client.post("/triage/followup", data={"_answers": page.state(), "_case": field(page, "_case"),
                                              "_event": "weigh", "self_harm_concern": "yes", "impact": GROUP["impact"],
                                              "still_spreading": "no", "done": done, "notes": "Somber, wil niet naar school."},
                    headers=ORIGIN)
    assert r.status_code == 200, r.text
    end = Page(r.text)
    assert {"id": "end-title"} in end.all("h1"), "the flag stays: on to the files at once"
    words = end.words()
    assert tx("followup_priority", flag="F", priority="P").split(" F")[0] in words
    assert tx("followup_new_first") in words
    crisis = next(r for r in bundle.protocol.triage.routes if r.id == "crisis_care").action.get("nl")
    assert crisis in words, "the new first action"
    log = case_field(end)["log"]
    assert [e["kind"] for e in log] == ["decision", "followup", "followup"]
    assert log[-1]["changed"] == {"self_harm_concern": "yes"} and log[-1]["done"] == done
    assert (log[-1]["flag"], log[-1]["priority"]) == ("red", "now") and log[-1]["notes"] == "Somber, wil niet naar school."
    assert field(end, "case_ref") == "K-7", "the record goes on"
    # the files: the report with the log, the case file beside it, the next follow-up
    r = post(client, end, "/triage/download", _event="txt", case_ref="K-7", **carry(end))
    report, beside = unpacked(r).values()
    assert "Somber, wil niet naar school." in report and tx("log_title") in report and "K-7" in report
    saved = json.loads(beside)
    assert saved["answers"]["self_harm_concern"] == "yes" and saved["priority"] == "now"
    assert [e["kind"] for e in saved["log"]] == ["decision", "followup", "followup"]
    ics = post(client, end, "/triage/download", _event="ics", case_ref="K-7", **carry(end))
    assert ics.status_code == 200 and "BEGIN:VEVENT" in ics.text and "Somber" not in ics.text
    # and the case file continues: a second follow-up adds one more entry
    again = followup_form(client, beside.encode())
    assert [e["kind"] for e in case_field(again)["log"]] == ["decision", "followup", "followup"]


def test_a_follow_up_that_changes_the_flag_asks_for_the_confirmation_first(client, run, write, tmp_path, engine):
    r = run("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / "v.md", "--case-ref", "K-9")
    assert r.code == 0, r.err
    page = followup_form(client, (tmp_path / "v.json").read_bytes())
    r = post(client, page, "/triage/followup", _event="weigh", impact="serious", notes="Veel gepest.", **carry(page))
    assert r.status_code == 200
    result = Page(r.text)
    assert tx("web_followup_changed", before="F", after="G", priority="P").split(":")[0] in result.words()
    assert result.buttons() == ["show"] and tx("web_followup_reconfirm") in result.words()
    assert case_field(result)["log"][-1]["flag"] == "red"
    decision = Page(post(client, result, _event="show", **carry(result)).text)
    assert [f.get("data-flag") for f in decision.flagged()] == ["red"] and "confirm" in decision.buttons()
    end = walk(client, {}, Page(post(client, decision, _event="confirm", confirmed_flag="red", **carry(decision)).text))
    assert {"id": "end-title"} in end.all("h1") and field(end, "case_ref") == "K-9"
    report = report_of(post(client, end, "/triage/download", _event="md", case_ref="K-9", **carry(end)))
    assert "Veel gepest." in report and tx("log_title") in report


def test_an_unchanged_follow_up_says_the_weighing_stays(client, run, write, tmp_path):
    page = followup_form(client, saved_case(run, write, tmp_path))
    end = Page(post(client, page, "/triage/followup", _event="weigh", notes="Rustig.", **carry(page)).text)
    assert tx("followup_same", flag="F", priority="P").split(":")[0] in end.words()
    entry = case_field(end)["log"][-1]
    assert {k: v for k, v in entry.items() if v != [] and v != {}} == {
        "date": entry["date"], "kind": "followup", "flag": "red", "confirmed_flag": "red", "priority": "days",
        "notes": "Rustig."}


def test_the_follow_up_from_the_end_page_takes_what_is_typed_there(client, run, write, tmp_path):
    page = Page(upload(client, saved_case(run, write, tmp_path)).text)
    page = Page(post(client, page, _event="review", **carry(page)).text)
    end = walk(client, {}, Page(post(client, page, _event="confirm", confirmed_flag="red", **carry(page)).text))
    follow = [a for a in end.all("button") if a.get("value") == "followup"]
    assert follow and follow[0]["formaction"] == "/triage/followup", "the end page of a continued case leads on to it"
    r = post(client, end, "/triage/followup", _event="followup", case_ref="K-8", said="Nieuw gezegd.", role="",
             signal_date="", done="Gesprek gevoerd.", told="", **carry(end))
    form = Page(r.text)
    assert r.status_code == 200 and form.buttons()[0] == "weigh"
    assert case_field(form)["report"] == {"case_ref": "K-8", "said": "Nieuw gezegd.", "done": "Gesprek gevoerd."}
    fresh = finish(client, decide(client, CLEAR))
    assert not [a for a in fresh.all("button") if a.get("value") == "followup"], "a fresh triage has nothing to follow up"


def test_a_follow_up_outside_its_page_or_too_long_is_refused(client, run, write, tmp_path):
    page = followup_form(client, saved_case(run, write, tmp_path))
    r = post(client, page, "/triage/followup", _event="weigh", notes="x" * (conv.MAX_TEXT + 1), still_spreading="yes",
             **carry(page))
    again = Page(r.text)
    assert r.status_code == 400 and tx("web_followup_notes_long", limit=conv.MAX_TEXT) in again.words()
    assert again.buttons()[0] == "weigh" and ("x" * conv.MAX_TEXT) in again.html, "what was typed stays"
    assert [a["value"] for a in again.all("input") if a.get("name") == "still_spreading" and "checked" in a] == ["yes"]
    review = decide(client, CLEAR)
    for data in ({"_answers": review.state(), "_event": "followup"},  # not at the end
                 {"_answers": page.state(), "_event": "nothing"},
                 {"_answers": page.state(), "_event": "weigh", "impact": "enormous"},
                 {"_answers": page.state(), "_event": "weigh", "impact": ["none", "mild"]},
                 {"_event": "weigh", "impact": "none"}):
        r = client.post("/triage/followup", data=data, headers=ORIGIN)
        assert r.status_code == 400 and tx("SP871") in Page(r.text).words(), data
    r = client.post("/triage/followup", files={"file": ("", b"", "application/json")}, data={"_event": "followup"},
                    headers=ORIGIN)
    assert r.status_code == 400


def test_the_follow_up_pages_carry_no_answers_in_their_address_and_go_forward_first(client, run, write, tmp_path):
    page = followup_form(client, saved_case(run, write, tmp_path))
    for i, form in enumerate(page.forms):
        assert form.get("method") == "post"
        assert re.fullmatch(r"/triage(/followup)?(\?lang=(nl|en))?", form["action"]), form
    assert page.buttons()[0] == "weigh"
    switch = next(f for f in page.forms if "lang-switch" in f.get("class", ""))
    assert switch["action"] == "/triage/followup?lang=en", "the language switch keeps the follow-up's page"
    r = client.post("/triage/followup?lang=en", data={"_answers": page.state(), "_case": field(page, "_case"),
                                                      "_event": "lang"}, headers=ORIGIN)
    assert r.status_code == 200 and tx("followup_title", "en") in Page(r.text).words()



def test_doubt_at_the_follow_up_in_the_browser_lowers_nothing_known(client, run, write, tmp_path, engine):
    """The browser went on from the answers as posted: "weet ik niet" for the harm said "de
    weging blijft: rood" and then proposed yellow (the command line kept the known harm)."""
    r = run("triage", "--answers", write("a.yaml", {**CLEAR, "shared_further": "group", "impact": "serious"}),
            "--report", tmp_path / "v.md")
    assert r.code == 0, r.err
    page = followup_form(client, (tmp_path / "v.json").read_bytes())
    r = post(client, page, "/triage/followup", _event="weigh", impact="unknown", self_harm_concern="no",
             still_spreading="no", **carry(page))
    assert r.status_code == 200
    after = Page(r.text)
    state = conv.load(engine, after.state())
    assert state.answers["impact"] == "serious", "the known harm stands on doubt"
    assert tx("followup_same", flag="F", priority="P").split(":")[0] in after.words()
    assert case_field(after)["log"][-1]["changed"] == {"impact": "unknown"}, "the log says what was answered"
