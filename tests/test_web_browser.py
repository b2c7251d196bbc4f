"""The browser front in a real headless Chromium (the system's package, never a downloaded
browser), driven by playwright: the look-up pages, the language switch, a phone-sized screen,
the pages with JavaScript turned off, a form posted by the browser itself through the Origin
check, axe-core's accessibility check, and the poster printed to PDF (one A4 sheet, both
sides, at least 10 pt).

Skipped, with the reason, when Chromium or playwright is missing; `.ci/browser-deps` installs
them on a fresh Debian machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SEXTING_PROTOCOL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or run .ci/browser-deps)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
uvicorn = pytest.importorskip("uvicorn")

from conftest import REPO  # noqa: E402
from sexting_protocol.store import bundle as data
from sexting_protocol.text import catalogue
from sexting_protocol.web import create_app  # noqa: E402

LOOKUPS = ["/", "/checklist", "/checklist/step/1", "/checklist/step/3", "/checklist/route/zvh",
           "/checklist/route/police", "/checklist/followup", "/contacts", "/contacts?q=AMK", "/advice", "/criteria"]
PHONE = {"width": 360, "height": 740}


def tx(key: str, lang: str = "nl") -> str:
    return catalogue.ui().texts[key].get(lang)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prototype_routes(app):
    """The question and decision templates with made-up content, and a posted answer's echo,
    so that the browser and axe see the pages the triage will fill."""
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from sexting_protocol.present.blocks import Banner, Items, Para
    from sexting_protocol.web.app import render

    question = {"id": "shared_further", "text": "Zijn de beelden verder gedeeld?",
                "help": "Ook doorsturen naar één persoon telt.", "kind": "choice",
                "options": [("no", "Nee"), ("group", "Ja, in een groep"), ("unknown", "Weet ik niet")]}

    async def ask(request):
        return render(request, "triage/question.html", action="/_test/answer", answers='{"adult_involved": "no"}',
                      question=question, checked=None, can_back=True)

    async def decide(request):
        return render(request, "triage/decision.html", flag="red", priority="today", action="/_test/answer",
                      answers="{}", urgent=[Banner("BEL 112", "bold white on red", ["112 (alarmnummer): 112"])],
                      body=[Banner("VOORSTEL: ROOD (ernstig grensoverschrijdend)", "bold red", ["Uitleg"]),
                            Para("Toelichting"), Items(["Eerste actie"], check=True)],
                      choices=[("red", "ROOD"), ("black", "ZWART")])

    async def answer(request):
        form = await request.form()
        return PlainTextResponse(f"{form.get('_event')} {form.get('shared_further')} {form.get('_answers')}")

    app.router.routes += [Route("/_test/question", ask), Route("/_test/decision", decide),
                          Route("/_test/answer", answer, methods=["POST"])]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app served by uvicorn on 127.0.0.1 (a free port), in a thread."""
    home = tmp_path_factory.mktemp("org")
    port = free_port()
    app = create_app(environ={"SEXTING_PROTOCOL_HOME": str(home), "SEXTING_PROTOCOL_CACHE": "off"},
                     allowed_hosts=[f"127.0.0.1:{port}"])
    prototype_routes(app)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.problems = []
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    context.close()


def test_the_look_up_pages_in_chromium(site, page):
    for path in LOOKUPS:
        r = page.goto(site + path)
        assert r.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.evaluate("document.documentElement.lang") == "nl"
        # the stylesheet came from the package: the skip link is moved out of sight
        assert page.evaluate("getComputedStyle(document.querySelector('.skip')).position") == "absolute", path
    assert page.problems == [], "no CSP violation or script error"


def test_the_language_switch_keeps_the_page(site, page):
    page.goto(site + "/checklist/step/3")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url == site + "/checklist/step/3?lang=en"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.locator("h1").inner_text().startswith("Step 3")
    page.get_by_role("link", name="Contacts").click()
    page.wait_for_url(site + "/contacts?lang=en")  # links keep the language (read once the page is there)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("link", name="Nederlands").click()
    assert page.url == site + "/contacts?lang=nl"
    assert page.locator("h1").inner_text() == tx("contacts_title")


def test_keyboard_skip_link_and_visible_focus(site, page):
    page.goto(site + "/criteria")
    page.keyboard.press("Tab")
    sync_api.expect(page.locator(".skip")).to_be_focused()  # waited for, never read at once
    top = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert top >= 0, "the skip link shows when it has focus"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#main")).to_be_focused()


def test_without_javascript_the_search_works(site, browser):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(site + "/contacts?lang=en")
        pg.get_by_label(tx("web_search_label", "en")).fill("AMK")
        with pg.expect_navigation():
            pg.keyboard.press("Enter")
        assert "q=AMK" in pg.url and "lang=en" in pg.url
        assert "Veilig Thuis" in pg.locator("main").inner_text()
        with pg.expect_navigation():
            pg.get_by_role("link", name="Nederlands").click()
        assert pg.evaluate("document.documentElement.lang") == "nl"
        assert pg.get_by_label(tx("web_search_label")).input_value() == "AMK"
        for path in LOOKUPS:
            assert pg.goto(site + path).status == 200
    finally:
        context.close()


def test_a_phone_sized_screen_needs_no_sideways_scrolling(site, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    try:
        for path in LOOKUPS + ["/_test/question", "/_test/decision"]:
            pg.goto(site + path)
            wide = pg.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE["width"], f"{path}: {wide}px wide"
    finally:
        context.close()


@pytest.mark.parametrize("js", [True, False])
def test_the_browser_posts_a_question_forward_with_enter(site, browser, js):
    """The first submit button goes forward; the browser's own post passes the Origin check."""
    context = browser.new_context(java_script_enabled=js)
    pg = context.new_page()
    try:
        pg.goto(site + "/_test/question")
        # focus is on the question: on its first answer, inside the fieldset its legend names. The
        # browser applies `autofocus` when it next renders, which may come after the load event
        # that goto waits for (under load it did): wait for it rather than read the focus at once.
        sync_api.expect(pg.locator("fieldset :focus"), "focus is on the question").to_have_count(1)
        pg.get_by_label("Ja, in een groep").check()
        with pg.expect_navigation():
            pg.keyboard.press("Enter")
        assert pg.locator("body").inner_text() == 'answer group {"adult_involved": "no"}'
        pg.goto(site + "/_test/question")
        pg.get_by_role("button", name=tx("ask_back")).click()
        assert pg.locator("body").inner_text().startswith("back None")
    finally:
        context.close()


def test_no_serious_or_critical_accessibility_violations(site, browser):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="axe-playwright-python (axe-core) is not installed")
    axe = axe_module.Axe()
    found = {}
    for viewport in (None, PHONE):
        context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
        pg = context.new_page()
        try:
            for path in LOOKUPS + ["/?lang=en", "/criteria?lang=en", "/_test/question", "/_test/decision",
                                   "/nope", "/handout"]:
                pg.goto(site + path)
                results = axe.run(pg).response
                bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                       for v in results["violations"] if v["impact"] in ("serious", "critical")]
                if bad:
                    found[f"{path} {viewport or ''}"] = bad
        finally:
            context.close()
    assert found == {}


# --- the poster, printed ------------------------------------------------------------------------


FULL_LAYER = textwrap.dedent("""\
    contacts:
      - {id: zat, phone: "013-555 00 01", person: "Mevr. A. Jansen", email: zat@school.example}
      - {id: ib_er, phone: "013-555 00 02", person: "Dhr. B. de Vries", email: ib@school.example}
      - {id: zorgcoordinator, phone: "013-555 00 03", person: "Mevr. J. de Wit", email: zorg@school.example}
      - {id: smw, phone: "013-555 00 04", person: "Dhr. K. Bakker", email: smw@school.example}
      - {id: vertrouwenspersoon, phone: "013-555 00 05", person: "Mevr. L. Visser", email: vp@school.example}
      - {id: aandachtsfunctionaris, phone: "013-555 00 06", person: "Dhr. M. Smit", email: af@school.example}
      - {id: bevoegd_gezag, phone: "013-555 00 07", person: "Stichting Onderwijs Noord"}
      - {id: schoolagent, phone: "0900-8844", person: "Wijkagent P. Meijer"}
      - {id: jgz, phone: "013-555 00 09", person: "Jeugdarts R. de Boer"}
    """)


def poster_file(tmp_path, lang: str, layer: bool) -> Path:
    from conftest import Org

    org = Org(tmp_path)
    if layer:
        org.home.mkdir(parents=True, exist_ok=True)
        (org.home / "contacts.yaml").write_text(FULL_LAYER, encoding="utf-8")
    target = tmp_path / f"poster-{lang}.html"
    r = org.run("--lang", lang, "handout", "--output", str(target))
    assert r.code == 0, r.err
    return target


def print_pdf(html: Path) -> Path:
    out = html.with_suffix(".pdf")
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        subprocess.run([CHROMIUM, "--headless", *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}",
                        "--no-pdf-header-footer", html.as_uri()], check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out


@pytest.mark.parametrize("layer", [False, True], ids=["shipped", "school-layer"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_poster_prints_on_one_a4_sheet_both_sides(tmp_path, lang, layer):
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (pip install -e '.[test]')")
    pdf = pypdf.PdfReader(print_pdf(poster_file(tmp_path, lang, layer)))
    assert len(pdf.pages) == 2, f"{len(pdf.pages)} pages"
    for p in pdf.pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, "A4"
    front, back = (p.extract_text() for p in pdf.pages)
    assert "112" in front and "0800-0188" in front
    assert tx("poster_doubt", lang) in front
    if layer:
        assert "013-555 00 03" in back


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_text_on_the_poster_is_at_least_10_pt(tmp_path, browser, lang):
    pg = browser.new_page()
    try:
        pg.emulate_media(media="print")
        pg.goto(poster_file(tmp_path, lang, layer=True).as_uri())
        sizes = pg.evaluate("""() => {
            const out = [];
            const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walk.nextNode()) {
                const n = walk.currentNode;
                if (!n.textContent.trim()) continue;
                out.push([parseFloat(getComputedStyle(n.parentElement).fontSize), n.textContent.trim().slice(0, 30)]);
            }
            return out;
        }""")
        small = [(px * 0.75, text) for px, text in sizes if px * 0.75 < 9.99]
        assert small == [], f"smaller than 10 pt: {small[:5]}"
        # nothing spills: each side fits its sheet
        heights = pg.evaluate("[...document.querySelectorAll('.sheet')].map(s => s.scrollHeight - s.clientHeight)")
        assert heights == [0, 0]
    finally:
        pg.close()


def test_the_poster_looks_like_the_leaflet(tmp_path, browser):
    """Front: the urgent numbers first, the flags in their colours and in words."""
    pg = browser.new_page()
    try:
        pg.goto(poster_file(tmp_path, "nl", layer=False).as_uri())
        order = pg.evaluate("[...document.querySelectorAll('.front > *')].map(e => e.className || e.tagName)")
        assert order[:3] == ["top", "sos", "flags"]
        colours = pg.evaluate("""[...document.querySelectorAll('.flag h3')].map(h =>
            [h.textContent.trim(), getComputedStyle(h).backgroundColor])""")
        assert [c[0].split(":")[0] for c in colours] == ["GROEN", "GEEL", "ROOD", "ZWART"]
        assert len({c[1] for c in colours}) == 4, "four different colours"
        steps = pg.locator(".flow li").all_inner_texts()
        assert len(steps) == 6 and steps[0].startswith("Stap 1")
    finally:
        pg.close()


def test_ci_installs_what_these_tests_need():
    script = (REPO / ".ci" / "browser-deps").read_text(encoding="utf-8")
    assert "apt-get install" in script and "chromium" in script
