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
    for path, event in (("/triage", "lang"), ("/triage/download", "md")):
        r = client.post(path, data={"_answers": end.state(), "_event": event, "_case": bad}, headers=ORIGIN)
        assert r.status_code == 400 and tx("web_err_state") in Page(r.text).words(), (path, bad[:40])


def test_a_case_file_with_more_notes_than_a_page_carries_says_so(client, run, write, tmp_path):
    case = json.loads(saved_case(run, write, tmp_path))
    case["report"]["said"] = "a" * MAX_CASE
    r = upload(client, json.dumps(case).encode())
    assert r.status_code == 400 and "verslag.json" in r.text
    assert tx("web_err_case_long", name="verslag.json", n=0, limit=MAX_CASE).split(" 0 ")[0] in Page(r.text).words()


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
