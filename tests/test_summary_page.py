"""The case on one page (issue 16): from the end page, a page to print with the case reference,
the date, the first actions with their numbers, the flag and why in one line, the routes, whom
to call, what is still to find out and the next follow-up; it prints on one A4 page in Chromium,
in Dutch and in English (the sextortion example: the longest first actions)."""

from __future__ import annotations

import pytest

from test_browser_pages import SEXTORTION, decision, end, pages_of, tx  # noqa: F401
from test_browser_triage import answer_questions, browser, go, server  # noqa: F401


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_one_page_summary_prints_on_one_a4_page(browser, server, lang):
    context = browser.new_context()
    page = context.new_page()
    try:
        decision(page, server, SEXTORTION, lang)
        end(page)
        page.fill("#case_ref", "2026-014")
        with context.expect_page() as opened:
            page.click(f"button[formaction*='/triage/summary']")
        summary = opened.value
        summary.wait_for_load_state()
        text = summary.inner_text("main")
        assert tx("summary_title", lang) in text and "2026-014" in text
        assert "0900-8844" in text, "the first action's number"
        for key in ("summary_flag", "routes_title", "summary_call", "summary_followup"):
            assert tx(key, lang) in text, key
        summary.emulate_media(media="print")
        assert pages_of(summary.pdf(format="A4")) == 1
    finally:
        context.close()
