"""The triage pages in a real headless Chromium (the system's, never a downloaded browser),
served by `sexting-protocol web` itself: a whole triage by clicking, with and without JavaScript,
the decision page against `triage --answers --json`, a download, the language switch, and
axe-core on the question, review, decision and end pages (no serious or critical violations).
Skipped when Chromium, playwright or axe-core is missing."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
from typing import Optional

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

from sexting_protocol.store import bundle as data
from sexting_protocol.text import catalogue

# spread in a group at 15, with an unknown: red, "within days", first the consultation
CASE = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "no",
        "shared_further": "group", "age_depicted": 15, "impact": "serious"}


def tx(key: str, lang: str = "nl") -> str:
    return catalogue.ui().texts[key].get(lang)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`sexting-protocol web --no-browser` on a free port; its address."""
    home = tmp_path_factory.mktemp("org")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SEXTING_PROTOCOL_CACHE": "off", "SEXTING_PROTOCOL_HOME": str(home)}
    p = subprocess.Popen([sys.executable, "-m", "sexting_protocol", "web", "--no-browser"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert m, line + p.stderr.read()
        yield m.group(0)
    finally:
        p.terminate()
        p.communicate(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        except Exception as e:  # a Chromium that cannot start here
            pytest.skip(f"Chromium does not start: {e}")
        yield b
        b.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    axe = pytest.importorskip("axe_playwright_python")
    path = pathlib.Path(axe.__file__).parent / "axe.min.js"
    if not path.exists():
        pytest.skip("axe-core's axe.min.js is not there")
    return path.read_text(encoding="utf-8")


def cli_json(run, write, answers: dict) -> dict:
    r = run("triage", "--answers", write("case.yaml", answers), "--json")
    assert r.code == 0, r.err
    return r.json()


def go(page, selector: str) -> None:
    """Click a button that posts the form, and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def question(page):
    """The id of the question on the page, or None."""
    if not page.locator("h1#question").count():
        return None
    return page.locator("form.question fieldset input").first.get_attribute("name")


def answer_questions(page, answers: dict, enter: bool = False, until: Optional[str] = None) -> None:
    """Answer each question page (up to `until`) by clicking its option's label (or typing the
    age), then "Volgende"; with `enter`, the first answer is sent with the Enter key instead."""
    while (qid := question(page)) is not None and qid != until:
        value = str(answers.get(qid, "unknown"))
        if page.locator(f"input[type=number][name={qid}]").count():
            if value == "unknown":
                page.click(f"label[for={qid}-unknown]")
            else:
                page.fill(f"input[type=number][name={qid}]", value)
        else:
            page.click(f"label[for={qid}-{value}]")
        if enter:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            enter = False
        else:
            go(page, "form.question button[value=answer]")


def zipped(download) -> dict[str, str]:
    """A download's .zip: name → text."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(pathlib.Path(download.path()).read_bytes())) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()}


def first_actions(page) -> list[str]:
    return [" ".join(li.split()) for li in page.locator(".first > ol > li").all_inner_texts()]


def expected_actions(bundle, lang: str, first: list[str]) -> list[str]:
    routes = {r.id: r for r in bundle.protocol.triage.routes}
    return [routes[r].action.get(lang) for r in first]


def to_decision(page, server: str, answers: dict, enter: bool = False) -> None:
    page.goto(server + "triage")
    answer_questions(page, answers, enter)
    assert page.locator("h1#review-title").count()
    go(page, "button[value=review]")


def check_decision(page, expected: dict, bundle, lang: str) -> None:
    marked = page.locator("[data-flag]")
    assert marked.count() == 1
    assert (marked.get_attribute("data-flag"), marked.get_attribute("data-priority")) == \
        (expected["flag"], expected["priority"])
    actions = first_actions(page)
    wanted = expected_actions(bundle, lang, expected["first"])
    assert len(actions) == len(wanted) and all(a.startswith(w) for a, w in zip(actions, wanted))
    assert page.locator(".first a[href^='tel:']").count() >= 1, "the first actions' numbers can be called"


def test_a_whole_triage_by_clicking_matches_triage_answers(browser, server, run, write, bundle, tmp_path):
    expected = cli_json(run, write, CASE)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    to_decision(page, server, CASE, enter=True)
    check_decision(page, expected, bundle, "nl")
    # the decision: the first actions before the flag, the reasons, the routes, the plan
    text = page.inner_text("article.decision")
    order = [text.index(x) for x in (first_actions(page)[0][:30], tx("why_title"), tx("routes_title"),
                                     tx("plan_title"))]
    assert order == sorted(order)
    page.check("article.decision ul.check input >> nth=0")
    go(page, "button[value=confirm]")
    answer_questions(page, {})
    assert page.locator("h1#end-title").count()
    page.fill("#case_ref", "2026-014")
    page.fill("#said", "Op 30 november: 'hij stuurde het door'")
    with page.expect_download() as info:
        page.click("button[value=md]")
    download = info.value
    # one save, two files: the report and the case file beside it, in one .zip
    stem = re.fullmatch(r"(sexting-verslag-\d{4}-\d{2}-\d{2})\.zip", download.suggested_filename).group(1)
    body = zipped(download)[f"{stem}.md"]
    assert "2026\\-014" in body or "2026-014" in body
    assert "'hij stuurde het door'" in body and tx("report_said") in body
    assert all(a in " ".join(body.split()) for a in expected_actions(bundle, "nl", expected["first"]))
    with page.expect_download() as info:
        page.click("button[value=json]")
    report = json.loads(pathlib.Path(info.value.path()).read_text(encoding="utf-8"))
    assert (report["flag"], report["first"]) == (expected["flag"], expected["first"])
    context.close()


def test_without_javascript_and_with_the_language_switch(browser, server, run, write, bundle):
    expected = cli_json(run, write, CASE)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "triage")
    answer_questions(page, CASE, until="sexual_violence_recent")
    go(page, "form.lang-switch button")
    assert page.get_attribute("html", "lang") == "en"
    assert question(page) == "sexual_violence_recent", "the switch keeps the state"
    assert page.locator("form.question button[value=answer]").inner_text() == tx("web_next", "en")
    go(page, "form.question button[value=back]")
    assert question(page) == "self_harm_concern" and page.is_checked("#self_harm_concern-no")
    answer_questions(page, CASE)
    go(page, "button[value=review]")
    assert page.get_attribute("html", "lang") == "en"
    check_decision(page, expected, bundle, "en")
    context.close()


def violations(page, axe_source: str) -> list:
    """axe-core's findings on the page as it is: id, impact and where."""
    page.evaluate(axe_source)
    return page.evaluate("async () => (await axe.run(document)).violations"
                         ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))")


class Axe:
    """A page that axe-core can be put into, and what it found on each page checked, by name."""

    def __init__(self, context, source: str):
        self.page, self.source, self.seen = context.new_page(), source, {}

    def check(self, name: str, impacts: tuple = ()) -> None:
        """axe-core's findings on the page as it is now (of these impacts only, when given)."""
        self.seen[name] = [v for v in violations(self.page, self.source) if not impacts or v["impact"] in impacts]


@pytest.fixture
def axe(browser, axe_source):
    context = browser.new_context(bypass_csp=True)  # to inject axe-core; the pages' own CSP is tested over HTTP
    yield Axe(context, axe_source)
    context.close()


def test_axe_finds_no_serious_or_critical_violations(axe, server):
    page, seen = axe.page, axe.seen

    def check(name: str) -> None:
        axe.check(name, ("serious", "critical"))

    page.goto(server + "triage")
    check("question")
    answer_questions(page, {**CASE, "immediate_danger": "yes"})
    check("review")
    go(page, "button[value=review]")
    check("decision")
    go(page, "button[value=confirm]")
    answer_questions(page, {})
    check("end")
    assert set(seen) == {"question", "review", "decision", "end"}
    assert seen == {name: [] for name in seen}



@pytest.mark.parametrize("link", ["p.restart a", "nav a[href$='/triage']"])
def test_starting_again_from_the_end_page_is_a_new_start(browser, server, link):
    """The end page's entry keeps its state for a reload; "Opnieuw beginnen" and the menu's
    link to the triage (the same address) showed the end page again instead of a first
    question."""
    context = browser.new_context()
    page = context.new_page()
    to_decision(page, server, CASE)
    page.check("article.decision ul.check input >> nth=0")
    go(page, "button[value=confirm]")
    answer_questions(page, {})
    assert page.locator("h1#end-title").count()
    page.reload()
    page.wait_for_selector("h1#end-title")
    with page.expect_navigation():
        page.click(link)
    page.wait_for_load_state("load")
    first = question(page)
    assert first is not None and not page.locator("h1#end-title").count()
    page.click(f"label[for={first}-no]")
    go(page, "form.question button[value=answer]")
    assert question(page) not in (None, first)
    page.go_back()
    page.wait_for_load_state("load")
    assert question(page) == first, "Back goes to the previous question of the new start"
    context.close()
