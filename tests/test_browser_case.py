"""A case that carries on, in a real headless Chromium (the system's), served by `sexting-protocol
web` (test_browser_triage's server): a case file saved from the command line is continued with
its follow-up ("Hoe gaat het nu?"), with and without JavaScript; the answer that changed is
weighed again, and the report downloaded after it (a .zip with the case file beside it) holds
the follow-up's entry; axe-core finds no violation of any impact on the follow-up's pages, in
both languages. Skipped when Chromium, playwright or axe-core is missing."""

from __future__ import annotations

import io
import json
import pathlib
import zipfile

import pytest

from conftest import CLEAR
from test_browser_triage import axe, axe_source, browser, go, server  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")

from sexting_protocol.text import catalogue  # noqa: E402

GROUP = {**CLEAR, "shared_further": "group", "age_depicted": 15, "age_other": 15}  # red, within days


def tx(key: str, lang: str = "nl", **values) -> str:
    text = catalogue.ui().texts[key].get(lang)
    return text.format(**values) if values else text


@pytest.fixture
def case_file(run, write, tmp_path) -> pathlib.Path:
    """A case saved from the command line as a .txt report: the case file beside it."""
    r = run("triage", "--answers", write("a.yaml", GROUP), "--report", tmp_path / "v.txt", "--case-ref", "K-21")
    assert r.code == 0, r.err
    return tmp_path / "v.json"


def follow_up(page, server: str, case: pathlib.Path, lang: str = "nl") -> None:
    page.goto(server + "triage" + ("?lang=en" if lang == "en" else ""))
    page.set_input_files("#continue-file", str(case))
    go(page, "form.continue button[value=followup]")
    assert page.locator("h1#followup-title").count(), page.inner_text("main")[:500]


def unzip(download) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(pathlib.Path(download.path()).read_bytes())) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()}


@pytest.mark.parametrize("javascript", [True, False])
def test_continue_then_follow_up_then_download(browser, server, case_file, javascript):
    context = browser.new_context(accept_downloads=True, java_script_enabled=javascript)
    page = context.new_page()
    try:
        follow_up(page, server, case_file)
        assert "K-21" in page.inner_text("main")
        if javascript:  # a reload shows the follow-up again, with its case (the script posts the entry's state)
            page.reload()
            sync_api.expect(page.locator("h1#followup-title")).to_be_visible()
            assert "K-21" in page.inner_text("main")
        assert page.is_checked("#self_harm_concern-no"), "the case's answer, ticked"
        page.click("label[for=self_harm_concern-yes]")
        page.check("#done-1")
        page.fill("#notes", "Somber; gesprek met de ouders gepland.")
        go(page, "button[value=weigh]")
        assert page.locator("h1#end-title").count(), "the flag stays: the files at once"
        outcome = page.inner_text("section.followup-result")
        assert tx("followup_new_first") in outcome and "113" in outcome, "the new first action, with its number"
        assert "Somber; gesprek met de ouders gepland." in outcome, "the log, with the follow-up's entry"
        assert page.input_value("#case_ref") == "K-21", "the record goes on"
        with page.expect_download() as info:
            page.click(".downloads button[value=txt]")
        assert info.value.suggested_filename.endswith(".zip")
        files = unzip(info.value)
        (report_name, report), (case_name, case) = files.items()
        assert report_name.endswith(".txt") and case_name == report_name[:-4] + ".json"
        assert "Somber; gesprek met de ouders gepland." in report and tx("log_title") in report and "K-21" in report
        saved = json.loads(case)
        assert [e["kind"] for e in saved["log"]] == ["decision", "followup"]
        assert saved["log"][1]["changed"] == {"self_harm_concern": "yes"} and saved["priority"] == "now"
        with page.expect_download() as info:
            page.click(".downloads ~ p.actions button[value=ics]")
        assert info.value.suggested_filename.endswith(".ics")
    finally:
        context.close()


def test_a_follow_up_that_changes_the_flag_is_confirmed_then_downloaded(browser, server, run, write, tmp_path):
    r = run("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / "v.md", "--case-ref", "K-22")
    assert r.code == 0, r.err
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        follow_up(page, server, tmp_path / "v.json")
        page.click("label[for=impact-serious]")
        go(page, "button[value=weigh]")
        assert tx("web_followup_reconfirm") in page.inner_text("main")
        go(page, "button[value=show]")
        assert page.locator("[data-flag]").get_attribute("data-flag") == "red"
        go(page, "button[value=confirm]")
        while page.locator("h1#question").count():  # a question the new weighing opens: unknown
            page.click("form.question label[for$=-unknown]")
            go(page, "form.question button[value=answer]")
        assert page.locator("h1#end-title").count() and page.input_value("#case_ref") == "K-22"
        with page.expect_download() as info:
            page.click(".downloads-top button[value=md]")
        report = next(iter(unzip(info.value).values()))
        assert tx("log_title") in report and "K-22" in report
    finally:
        context.close()


def test_axe_finds_no_violations_on_the_follow_up_pages(axe, server, case_file, run, write, tmp_path):
    r = run("triage", "--answers", write("c.yaml", CLEAR), "--report", tmp_path / "clear.md")
    assert r.code == 0, r.err
    page, check, seen = axe.page, axe.check, axe.seen
    for lang in ("nl", "en"):
        follow_up(page, server, case_file, lang)
        check(f"{lang} follow-up")
        page.click("label[for=self_harm_concern-yes]")
        go(page, "button[value=weigh]")
        assert page.locator("section.followup-result").count()
        check(f"{lang} end after the follow-up")
        follow_up(page, server, tmp_path / "clear.json", lang)
        page.click("label[for=impact-serious]")
        go(page, "button[value=weigh]")
        assert page.locator("button[value=show]").count()
        check(f"{lang} follow-up to confirm again")
    assert len(seen) == 6
    assert seen == {name: [] for name in seen}
