"""The triage pages as a hurried user meets them, in a real headless Chromium (the system's),
served by `sexting-protocol web` (test_browser_triage's server): the next step in sight on the
decision and end pages at 1280×800 and 360×740 (the sextortion worked example), the browser's
Back button and a reload with JavaScript on, the urgent alert in view on a phone, the decision
printed, tap-to-call numbers on the contacts page, and axe-core with no violation of any impact
on every kind of page in both languages. Skipped when Chromium, playwright or axe-core is
missing."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from test_browser_triage import answer_questions, axe, axe_source, browser, go, question, server, zipped  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from sexting_protocol.text import catalogue  # noqa: E402

SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
# the worked example `sextortion` (the shared scenarios, examples.yaml): black, today, first the police
SEXTORTION = {"immediate_danger": "no", "self_harm_concern": "unknown", "sexual_violence_recent": "no",
              "adult_involved": "unknown", "extortion": "yes", "online_only_contact": "yes", "age_depicted": 15,
              "made_by": "self", "voluntary": "yes"}
POLICE = "tel:09008844"


def tx(key: str, lang: str = "nl", **values) -> str:
    text = catalogue.ui().texts[key].get(lang)
    return text.format(**values) if values else text


def decision(page, server: str, answers: dict, lang: str = "nl") -> None:
    page.goto(server + "triage" + ("?lang=en" if lang == "en" else ""))
    answer_questions(page, answers)
    go(page, "button[value=review]")
    assert page.locator("[data-flag]").count() == 1


def end(page) -> None:
    """From the decision: confirm the proposal, every refining question unknown."""
    go(page, "button[value=confirm]")
    answer_questions(page, {})
    assert page.locator("h1#end-title").count()


def on_first_screen(page, selector: str) -> bool:
    """Whether the element is wholly within the first screen (the page scrolled to the top)."""
    box = page.evaluate("""s => { window.scrollTo(0, 0); const r = document.querySelector(s).getBoundingClientRect();
                                  return [r.top, r.bottom, r.width, r.height]; }""", selector)
    top, bottom, width, height = box
    return width > 0 and height > 0 and top >= 0 and bottom <= page.viewport_size["height"]


def reachable(page, selector: str) -> bool:
    """On the first screen, or one in-page link on the first screen away from it."""
    if on_first_screen(page, selector):
        return True
    links = page.locator("main a[href^='#']")
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        if on_first_screen(page, f"main a[href='{target}']") and page.locator(f"{target} {selector}, {target}{selector}").count():
            return True
    return False


@pytest.mark.parametrize("screen", SCREENS)
def test_the_next_step_is_in_sight_on_the_decision_and_end_pages(browser, server, screen):
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    try:
        decision(page, server, SEXTORTION)
        assert page.locator("[data-flag]").get_attribute("data-flag") == "black"
        assert on_first_screen(page, f".first a[href='{POLICE}']"), "the first action's number, at once"
        assert reachable(page, "#confirmed_flag-black"), "the confirmation: on the first screen or one link away"
        page.click("main a[href='#confirm']")
        expect(page.locator("#confirmed_flag-black")).to_be_in_viewport()
        # the order: first actions, the proposal, the confirmation (and what comes after it), then
        # the reasons, routes, plan and contacts, each linked from just below the confirmation
        order = page.evaluate("""() => ['.first', '.decision > .banner', 'form.confirm', '#then', 'nav.onpage',
                                         '#why', '#routes', '#plan', '#contacts']
                                        .map(s => document.querySelector(s).getBoundingClientRect().top)""")
        assert order == sorted(order), order
        assert page.locator("#then").inner_text() == tx("web_then_refine")
        assert page.locator("nav.onpage a").evaluate_all("l => l.map(a => a.getAttribute('href'))") == \
            ["#why", "#routes", "#plan", "#contacts"]
        end(page)
        assert on_first_screen(page, ".downloads-top button[value=md]"), "a download on the first screen"
        heading = page.locator(".summary .banner-title").first.inner_text()
        assert heading.startswith(tx("web_confirmed", flag="ZWART", label="").split("(")[0].strip())
        assert "VOORSTEL" not in page.locator("main").inner_text(), "the end page names the confirmed flag"
        order = page.evaluate("""() => ['.downloads-top', '.summary', 'form.files', 'section.plan']
                                        .map(s => document.querySelector(s).getBoundingClientRect().top)""")
        assert order == sorted(order), order
    finally:
        context.close()


def test_the_top_download_takes_what_is_typed_below(browser, server):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        decision(page, server, SEXTORTION)
        end(page)
        page.fill("#case_ref", "2026-077")
        assert page.locator(".print-ref").inner_text() == "2026-077", "the printed heading has the reference"
        with page.expect_download() as info:
            page.click(".downloads-top button[value=md]")
        body = next(iter(zipped(info.value).values()))  # the report, its case file beside it
        assert "2026-077" in body or "2026\\-077" in body
    finally:
        context.close()


def current(page, qid: str) -> None:
    """Wait for the question `qid` (the page may post itself once more)."""
    expect(page.locator("form.question fieldset input").first).to_have_attribute("name", qid)


def test_back_with_javascript_returns_one_screen_without_an_error_page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    seen = []
    page.on("response", lambda r: seen.append((r.request.method, r.url, r.status)))
    try:
        page.goto(server + "triage")
        answer_questions(page, {"immediate_danger": "no", "self_harm_concern": "no"}, until="sexual_violence_recent")
        assert question(page) == "sexual_violence_recent"
        length = page.evaluate("history.length")
        page.go_back()
        current(page, "self_harm_concern")
        assert page.locator("h1#question").count() == 1 and "ERR_CACHE_MISS" not in page.content()
        assert page.url == server + "triage", "no case data in the address"
        assert page.evaluate("history.length") == length, "the way back adds no entry"
        page.reload()
        current(page, "self_harm_concern")
        page.go_back()
        current(page, "immediate_danger")
        page.go_forward()
        current(page, "self_harm_concern")
        page.go_forward()
        current(page, "sexual_violence_recent")
        assert page.evaluate("history.length") == length
        assert [x for x in seen if x[2] >= 400] == [], seen  # (a reload may get 304 for a style sheet)
        # the state is in the tab's history entry only: not in the address, not in storage
        assert page.evaluate("localStorage.length + sessionStorage.length + document.cookie.length") == 0
        assert "immediate_danger" in page.evaluate("history.state.answers")
    finally:
        context.close()


def test_back_in_another_language_and_from_the_decision(browser, server):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(server + "triage?lang=en")
        answer_questions(page, SEXTORTION)
        go(page, "button[value=review]")
        page.go_back()
        expect(page.locator("h1#review-title")).to_have_count(1)
        assert page.get_attribute("html", "lang") == "en" and page.url == server + "triage?lang=en"
    finally:
        context.close()


def test_on_a_phone_the_urgent_alert_is_in_view(browser, server):
    context = browser.new_context(viewport=SCREENS["phone"], is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(server + "triage")
        for qid in ("immediate_danger", "self_harm_concern", "sexual_violence_recent"):
            page.click(f"label[for={qid}-yes]")
            go(page, "form.question button[value=answer]")
            expect(page.locator(".alerts")).to_be_focused()  # the page does not jump to the question
            box = page.locator(".alerts .banner-title").first.bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= SCREENS["phone"]["height"], (qid, box)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.href").startswith("tel:"), "then its number"
    finally:
        context.close()


def pages_of(pdf: bytes) -> int:
    try:
        import pypdf
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    import io

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("which", ["decision", "end"])
def test_the_decision_prints_as_a_short_complete_document(browser, server, tmp_path, which):
    context = browser.new_context()
    page = context.new_page()
    try:
        decision(page, server, SEXTORTION)
        if which == "end":
            end(page)
        page.emulate_media(media="print")
        printed = (".print-head", ".first", "section.plan, #plan")
        shown = page.evaluate("""s => s.map(x => [x, !!document.querySelector(x)
                                                  && getComputedStyle(document.querySelector(x)).display !== 'none'])""",
                              ["header.site", "nav.menu", "aside.urgent", "form.confirm", "form.files", "nav.onpage",
                               ".downloads-top", ".next-step", *printed])
        assert dict(shown) == {s: s in printed for s, _ in shown}, "no navigation, no forms; the case itself"
        rows = page.evaluate("[...document.querySelectorAll('table.records tr')].map(r => getComputedStyle(r).breakInside)")
        assert rows and set(rows) == {"avoid"}, "a table row is never split over two pages"
        pdf = page.pdf(format="A4")
        pages = pages_of(pdf)
        assert 1 <= pages <= 4, f"{pages} pages"
        path = tmp_path / "decision.pdf"
        path.write_bytes(pdf)
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout
            sheets = text.split("\f")
            last = [x for x in sheets[pages - 1].splitlines() if x.strip()]
            footer = [x for x in sheets[pages - 1].splitlines() if "sexting-protocol" in x]
            assert len(last) > len(footer) + 3, "the last page holds more than the footer"
            flag = tx("proposal" if which == "decision" else "web_confirmed", flag="ZWART", label="").split("(")[0]
            for words in (tx("web_print_ref"), tx("web_print_date"), tx("first_title", priority="vandaag"), "0900-8844",
                          flag.strip(), tx("routes_title"), tx("plan_title")):
                assert words in text, words
            assert tx("web_print_ref") in sheets[0] and tx("first_title", priority="vandaag") in sheets[0]
            for hidden in (tx("web_nav_checklist"), tx("web_urgent_title"), tx("web_confirm_button")):
                assert hidden not in text, hidden
    finally:
        context.close()


def test_the_contacts_page_calls_with_a_tap_and_uses_the_width(browser, server):
    context = browser.new_context(viewport=SCREENS["desktop"])
    page = context.new_page()
    try:
        page.goto(server + "contacts")
        hrefs = page.locator("table.records a[href^='tel:']").evaluate_all("l => l.map(a => a.getAttribute('href'))")
        assert "tel:09008844" in hrefs and "tel:09001113111" in hrefs
        assert all(re.fullmatch(r"tel:\+?\d+", h) for h in hrefs), hrefs
        assert not [h for h in hrefs if h in ("tel:817", "tel:917")], "opening hours in a note are no number"
        width = page.evaluate("document.querySelector('table.records').getBoundingClientRect().width")
        assert width > 1000, f"the table is {width}px wide"
    finally:
        context.close()


def test_axe_finds_no_violations_of_any_impact_on_any_page(axe, server):
    page, check, seen = axe.page, axe.check, axe.seen
    for lang in ("nl", "en"):
        q = "?lang=en" if lang == "en" else ""
        for path in ("", "checklist", "contacts"):
            page.goto(server + path + q)
            check(f"{lang} /{path}")
        page.goto(server + "triage" + q)
        check(f"{lang} question")
        page.click("label[for=immediate_danger-yes]")
        go(page, "form.question button[value=answer]")
        check(f"{lang} question with an alert")
        page.goto(server + "triage" + q)
        answer_questions(page, SEXTORTION)
        check(f"{lang} review")
        go(page, "button[value=review]")
        check(f"{lang} decision")
        end(page)
        check(f"{lang} end")
    assert len(seen) == 16
    assert seen == {name: [] for name in seen}
