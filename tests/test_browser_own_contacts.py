"""The page for the organisation's own contacts in a real headless Chromium, served by
`sexting-protocol web` (on there, on 127.0.0.1): axe-core finds no violation of any impact on
the form, on the form with a refused value and on the page after a save, in Dutch and English;
a save with the keyboard shows the new number on the contacts page. Skipped when Chromium,
playwright or axe-core is missing."""

from __future__ import annotations

import pytest

from test_browser_triage import axe, axe_source, browser, go, server  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")

from sexting_protocol.text import catalogue  # noqa: E402


def tx(key: str, lang: str = "nl") -> str:
    return catalogue.ui().texts[key].get(lang)


def test_axe_finds_no_violations_on_the_own_contacts_page(axe, server):
    page, seen = axe.page, axe.seen
    for lang in ("nl", "en"):
        q = "?lang=en" if lang == "en" else ""
        page.goto(server + q)
        go(page, "a[href^='/contacts/own']")  # the home page links to it on the local instance
        assert page.locator("h1").inner_text() == tx("own_title", lang)
        axe.check(f"{lang} form")
        page.fill("#c-smw-phone", "013\u202e-555")
        go(page, "form.own button[type=submit]")
        assert page.locator("#c-smw-phone[aria-invalid=true]").count() == 1
        assert page.locator(".problems a[href='#c-smw-phone']").count() == 1
        axe.check(f"{lang} refused")
        page.fill("#c-smw-phone", f"0xx-smw {lang}")
        go(page, "form.own button[type=submit]")
        assert page.locator(".saved").inner_text().startswith(tx("own_saved", lang).split(".")[0])
        axe.check(f"{lang} saved")
        go(page, ".saved a")
        assert f"0xx-smw {lang}" in page.locator("main").inner_text()
    assert len(seen) == 6
    assert seen == {name: [] for name in seen}


def test_the_form_is_filled_and_saved_with_the_keyboard_alone(browser, server):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(server + "contacts/own")
        page.focus("#c-zat-phone")
        page.keyboard.type("0xx-zat")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Enter in a field submits the form
        assert page.locator(".saved").count() == 1
        page.goto(server + "contacts?q=ZAT")
        assert "0xx-zat" in page.locator("main").inner_text()
    finally:
        context.close()
