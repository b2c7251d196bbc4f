"""The browser front over HTTP, in-process with Starlette's test client: every route, the
security guards (Host, Origin, headers), escaping of a hand-edited school layer, the error pages,
the access log, the language switch, the templates the triage pages will fill, and the `web`
command itself (a real server on 127.0.0.1)."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import urllib.request
from html.parser import HTMLParser

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.routing import Route  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from sexting_protocol.store import bundle as data
from sexting_protocol.text import catalogue
from sexting_protocol.core.errors import UserError  # noqa: E402
from sexting_protocol.web import create_app  # noqa: E402
from sexting_protocol.web.security import CSP  # noqa: E402

BASE = "http://127.0.0.1:8000"
PAGES = ["/", "/checklist", "/checklist/step/1", "/checklist/step/3", "/checklist/step/5", "/checklist/route/zvh",
         "/checklist/route/police", "/checklist/route/emergency", "/checklist/followup", "/contacts",
         "/contacts?q=AMK", "/contacts?kind=acuut", "/advice", "/criteria"]
HOSTILE_NAME = "<script>alert('name')</script>"
HOSTILE_PHONE = '"><img src=x onerror=alert(1)> 013-555 00 00'


def environ(home) -> dict:
    return {"SEXTING_PROTOCOL_HOME": str(home), "SEXTING_PROTOCOL_CACHE": "off"}


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "org"
    folder.mkdir()
    return folder


@pytest.fixture
def client(home):
    return TestClient(create_app(environ=environ(home)), base_url=BASE)


class Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, d):
        self.text.append(d)

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]

    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def tx(key: str, lang: str = "nl") -> str:
    """An interface text, or a coded message by its code (SP883)."""
    return (catalogue.coded(key) if catalogue.is_code(key) else catalogue.ui().texts[key]).get(lang)


# --- every route -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_page_answers_in_its_language_with_the_security_headers(client, path, lang):
    r = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "form-action 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert "unsafe-inline" not in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["cache-control"] == "no-store"
    assert "set-cookie" not in r.headers, "the server keeps nothing, not even a cookie"
    page = Tags(r.text)
    assert page.all("html") == [{"lang": lang}]
    assert not page.all("script"), "the pages work without script"
    assert [a.get("href") for a in page.all("link")] == ["/static/style.css", "/static/icon.svg"]
    words = page.words()
    assert tx("web_urgent_title", lang) in words
    for number in ("112", "0800-0188", "0800-0113"):
        assert number in words, f"the urgent strip lacks {number}"
    assert page.all("main") == [{"id": "main", "tabindex": "-1"}]
    assert {"class": "skip", "href": "#main"} in page.all("a")
    assert "data-flag" not in r.text, "only the decision page carries data-flag"


def test_the_look_up_pages_hold_the_views_content(client, bundle):
    from sexting_protocol.present.views import View

    v = View(bundle, "nl")
    step3 = Tags(client.get("/checklist/step/3").text)
    s3 = bundle.protocol.steps[2]
    assert step3.all("h1") and v.step_title(s3) in step3.words()
    boxes = [a for a in step3.all("input") if a.get("type") == "checkbox"]
    assert len(boxes) == len(s3.checklist)
    dos, donts = v.advice_for_step(3)
    for a in dos + donts:
        assert v.tx(a.title) in step3.words()
    zvh = Tags(client.get("/checklist/route/zvh").text).words()
    for item in bundle.protocol.zvh_route.checklist:
        assert " ".join(v.tx(item.text).split()) in zvh
    advice = Tags(client.get("/advice").text).words()
    assert all(v.tx(a.title) in advice for a in bundle.protocol.dos + bundle.protocol.donts)
    criteria = Tags(client.get("/criteria").text).words()
    for c in bundle.protocol.criteria:
        assert v.tx(c.name) in criteria
    for f in bundle.protocol.flags:
        assert f"{v.tx(f.name)}: {v.tx(f.label)}" in criteria, "the flag in words, not only in colour"


def test_contacts_search_is_a_get_form_that_finds_by_alias(client):
    page = Tags(client.get("/contacts").text)
    forms = page.all("form")
    assert forms == [{"method": "get", "action": "/contacts", "class": "search", "role": "search"}]
    assert {"for": "q"} in page.all("label") and {"for": "kind"} in page.all("label")
    found = Tags(client.get("/contacts", params={"q": "AMK"}).text).words()
    assert "Veilig Thuis" in found and "0800-2000" in found
    assert "Centrum Seksueel Geweld: 0800" not in found
    none = client.get("/contacts", params={"q": "zzzqqq"})
    assert none.status_code == 200
    assert tx("no_contacts").format(query="zzzqqq") in Tags(none.text).words()


def test_step_pages_link_to_the_next_and_previous_step(client):
    page = Tags(client.get("/checklist/step/3").text)
    hrefs = [a.get("href") for a in page.all("a")]
    assert "/checklist/step/2" in hrefs and "/checklist/step/4" in hrefs
    en = Tags(client.get("/checklist/step/3?lang=en").text)
    assert "/checklist/step/4?lang=en" in [a.get("href") for a in en.all("a")]


@pytest.mark.parametrize("path", ["/nope", "/checklist/step/9", "/checklist/route/nope"])
def test_unknown_pages_get_a_clear_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert tx("SP883") in Tags(r.text).words()
    assert r.headers["content-security-policy"] == CSP


def test_the_poster_is_served_with_a_csp_that_allows_only_its_own_style(client):
    import base64
    import hashlib

    r = client.get("/handout?lang=en")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    style = re.search(r"<style>(.*?)</style>", r.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp
    assert Tags(r.text).all("html") == [{"lang": "en"}]
    assert '<a href="/handout' in client.get("/").text, "the pages link to the poster"


def test_static_files_are_served_from_the_package(client):
    r = client.get("/static/style.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert "url(" not in r.text and "@import" not in r.text, "nothing from elsewhere"
    assert ":focus-visible" in r.text


# --- the language ------------------------------------------------------------------------------


def test_the_language_switch_keeps_the_page_and_its_query(client):
    page = Tags(client.get("/contacts?q=AMK").text)
    switch = [a for a in page.all("a") if a.get("hreflang")]
    assert switch == [{"href": "/contacts?q=AMK&lang=en", "lang": "en", "hreflang": "en"}]
    en = client.get(switch[0]["href"])
    assert Tags(en.text).all("html") == [{"lang": "en"}]
    assert tx("contacts_title", "en") in Tags(en.text).words()
    back = [a for a in Tags(en.text).all("a") if a.get("hreflang")]
    assert back[0]["href"] == "/contacts?q=AMK&lang=nl"
    # the search form keeps the language too
    assert {"type": "hidden", "name": "lang", "value": "en"} in Tags(en.text).all("input")


def test_the_default_language_is_the_one_given(home):
    c = TestClient(create_app(environ=environ(home), lang="en"), base_url=BASE)
    page = Tags(c.get("/").text)
    assert page.all("html") == [{"lang": "en"}]
    assert "/checklist" in [a.get("href") for a in page.all("a")], "the default language needs no ?lang="
    c = TestClient(create_app(environ={**environ(home), "SEXTING_PROTOCOL_LANG": "en"}), base_url=BASE)
    assert Tags(c.get("/").text).all("html") == [{"lang": "en"}]
    with pytest.raises(UserError):
        create_app(environ={**environ(home), "SEXTING_PROTOCOL_LANG": "fr"})


def test_an_unknown_language_falls_back_to_the_default(client):
    assert Tags(client.get("/?lang=xx").text).all("html") == [{"lang": "nl"}]


# --- Host and Origin ---------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example:8000",
                                  "localhost.evil.example", ""])
def test_a_foreign_host_is_refused(client, host):
    r = client.get("/", headers={"host": host})
    assert r.status_code == 400
    assert tx("SP881") in Tags(r.text).words()
    assert r.headers["content-security-policy"] == CSP


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST:1234", "[::1]:8000"])
def test_the_loopback_names_are_served_by_default(client, host):
    assert client.get("/", headers={"host": host}).status_code == 200


def test_the_served_address_alone_when_given(home):
    c = TestClient(create_app(environ=environ(home), allowed_hosts=["127.0.0.1:8123", "localhost:8123"]), base_url=BASE)
    assert c.get("/", headers={"host": "127.0.0.1:8123"}).status_code == 200
    assert c.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 400
    assert c.get("/", headers={"host": "localhost:9"}).status_code == 400


def test_a_school_server_lists_its_own_host_names(home):
    env = {**environ(home), "SEXTING_PROTOCOL_ALLOWED_HOSTS": "protocol.school.example, intranet.school.example:8443"}
    c = TestClient(create_app(environ=env), base_url="https://protocol.school.example")
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"host": "intranet.school.example:8443"}).status_code == 200
    assert c.get("/", headers={"host": "intranet.school.example"}).status_code == 400
    assert c.get("/", headers={"host": "127.0.0.1:8000"}).status_code == 400, "the list replaces the loopback names"


def posting_app(home):
    """The app with two posted routes like the triage's: one that accepts, one whose answers are bad."""
    app = create_app(environ=environ(home))

    async def accept(request):
        from starlette.responses import PlainTextResponse

        form = await request.form()
        return PlainTextResponse("ok " + form.get("_event", ""))

    async def bad(request):
        raise UserError("answers: 'maybe' is not allowed; allowed: yes, no, unknown")

    async def broken(request):
        raise RuntimeError("secret internals")

    app.router.routes += [Route("/accept", accept, methods=["POST"]), Route("/bad", bad, methods=["POST"]),
                          Route("/broken", broken, methods=["POST"])]
    return app


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "http://127.0.0.1:8001"},
    {"origin": "null"},
    {"referer": "http://evil.example/page"},
    {},
])
def test_a_post_from_a_foreign_origin_is_refused(home, headers):
    c = TestClient(posting_app(home), base_url=BASE)
    r = c.post("/accept", data={"_event": "answer"}, headers=headers)
    assert r.status_code == 403
    assert tx("SP882") in Tags(r.text).words()


@pytest.mark.parametrize("headers", [{"origin": BASE}, {"referer": BASE + "/triage?x=1"}])
def test_a_post_from_the_pages_own_origin_is_served(home, headers):
    c = TestClient(posting_app(home), base_url=BASE)
    r = c.post("/accept", data={"_event": "answer"}, headers=headers)
    assert (r.status_code, r.text) == (200, "ok answer")


def test_bad_posted_answers_get_a_400_page_not_a_traceback(home):
    c = TestClient(posting_app(home), base_url=BASE)
    r = c.post("/bad", data={"q": "maybe"}, headers={"origin": BASE})
    assert r.status_code == 400
    words = Tags(r.text).words()
    assert "'maybe' is not allowed" in words and tx("web_error_title") in words
    assert "Traceback" not in r.text
    assert r.headers["content-security-policy"] == CSP


def test_bad_query_gets_a_400_page(client):
    r = client.get("/contacts?kind=<b>bogus</b>")
    assert r.status_code == 400
    assert "&lt;b&gt;bogus&lt;/b&gt;" in r.text and "<b>bogus" not in r.text
    assert tx("SP877").split("'")[0] in Tags(r.text).words()


def test_an_internal_error_gets_a_500_page_without_details(home):
    c = TestClient(posting_app(home), base_url=BASE, raise_server_exceptions=False)
    r = c.post("/broken", headers={"origin": BASE})
    assert r.status_code == 500
    assert tx("SP888") in Tags(r.text).words()
    assert "secret internals" not in r.text and "Traceback" not in r.text


def test_a_get_route_refuses_a_post_with_a_page(home):
    c = TestClient(posting_app(home), base_url=BASE)
    r = c.post("/contacts", headers={"origin": BASE})
    assert r.status_code == 405
    assert tx("SP884") in Tags(r.text).words()


def test_a_huge_post_is_refused(home):
    c = TestClient(posting_app(home), base_url=BASE)
    r = c.post("/accept", content=b"x=" + b"a" * (2 << 20), headers={"origin": BASE,
               "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


# --- the access log ----------------------------------------------------------------------------


def test_the_access_log_names_method_and_path_only(home, caplog):
    c = TestClient(posting_app(home), base_url=BASE)
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web.access"):
        c.get("/contacts", params={"q": "geheimwoord"})
        c.post("/accept", data={"adult_involved": "geheimantwoord"}, headers={"origin": BASE})
        c.post("/accept?self_harm_concern=yes", data={}, headers={"origin": "http://evil.example"})
    lines = [r.getMessage() for r in caplog.records if r.name == "sexting_protocol.web.access"]
    assert lines == ["GET /contacts 200", "POST /accept 200", "POST /accept 403"]
    logged = caplog.text
    assert "geheim" not in logged and "self_harm" not in logged


# --- escaping a hand-edited layer ----------------------------------------------------------------


def test_every_text_from_a_layer_is_escaped(home):
    (home / "contacts.yaml").write_text(textwrap.dedent(f"""\
        contacts:
          - id: zorgcoordinator
            phone: {HOSTILE_PHONE!r}
            person: "<b onmouseover=alert(2)>Mevr. X</b>"
          - id: emergency_112
            phone: {('"><img src=x onerror=alert(3)> 112')!r}
          - id: eigen_coach
            name: {HOSTILE_NAME!r}
            kind: intern
            purpose: {{nl: "<iframe src=//evil.example>", en: "<iframe src=//evil.example>"}}
            phone: "013-777 88 99"
        """), encoding="utf-8")
    c = TestClient(create_app(environ=environ(home)), base_url=BASE)
    for path in ["/", "/contacts", "/contacts?q=coach", "/checklist/step/2", "/checklist/route/emergency", "/handout"]:
        r = c.get(path)
        assert r.status_code == 200, (path, r.text)
        body = r.text
        for raw in ("<script>alert", "<img", "<iframe", "<b onmouseover"):
            assert raw not in body, f"{path}: {raw!r} unescaped"
        page = Tags(body)
        for tag, attrs in page.tags:
            assert not any(k.startswith("on") for k in attrs), f"{path}: <{tag} {attrs}>"
        assert not page.all("script") and not page.all("img") and not page.all("iframe")
    contacts = c.get("/contacts").text
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in contacts
    assert Tags(contacts).words().count("onerror=alert(1)") == 1, "shown as text, once"
    # the urgent strip makes tel: links of the digits only
    strip = Tags(c.get("/").text)
    assert {"href": "tel:112"} in strip.all("a")
    assert all(re.fullmatch(r"tel:\+?\d+", a["href"]) for a in strip.all("a") if a.get("href", "").startswith("tel:"))


# --- the templates the triage pages fill -------------------------------------------------------


def render_template(app, name: str, **context) -> str:
    from starlette.requests import Request

    from sexting_protocol.web.app import render

    scope = {"type": "http", "method": "GET", "path": "/triage", "query_string": b"", "headers": [], "app": app}
    return render(Request(scope), name, **context).body.decode()


QUESTION = {"id": "shared_further", "text": "Zijn de beelden verder gedeeld?", "help": "Ook doorsturen telt.",
            "kind": "choice", "options": [("no", "Nee"), ("group", "Ja, in een groep"), ("unknown", "Weet ik niet")]}


def without_language_switch(html: str) -> str:
    """The page without its language switch, a small form of its own that posts the state too."""
    return re.sub(r'<form[^>]*class="lang-switch".*?</form>', "", html, flags=re.S)


def test_the_question_template_is_one_fieldset_with_the_contracts_names(home):
    app = create_app(environ=environ(home))
    answers = '{"adult_involved": "no", "x": "\\"><script>alert(1)</script>"}'
    html = without_language_switch(render_template(app, "triage/question.html", action="/triage", answers=answers,
                                                   question=QUESTION, checked="group", can_back=True))
    page = Tags(html)
    assert len(page.all("fieldset")) == 1 and len(page.all("legend")) == 1
    radios = [a for a in page.all("input") if a.get("type") == "radio"]
    assert [(r["name"], r["value"]) for r in radios] == [("shared_further", v) for v, _ in QUESTION["options"]]
    assert [r["value"] for r in radios if "checked" in r] == ["group"]
    assert all({"for": r["id"]} in page.all("label") for r in radios), "every option has a real label"
    hidden = [a for a in page.all("input") if a.get("type") == "hidden"]
    assert hidden == [{"type": "hidden", "name": "_answers", "value": answers}], "carried intact, escaped"
    assert "<script>alert" not in html
    buttons = page.all("button")
    assert buttons[0] == {"type": "submit", "name": "_event", "value": "answer", "class": "primary"}, \
        "the first submit button goes forward"
    assert buttons[1]["value"] == "back"
    assert "data-flag" not in html


def test_the_question_template_takes_a_number(home):
    app = create_app(environ=environ(home))
    q = {"id": "age_depicted", "text": "Hoe oud?", "help": "", "kind": "number", "low": 8, "high": 25}
    page = Tags(without_language_switch(render_template(app, "triage/question.html", action="/triage", answers="{}",
                                                        question=q, checked=None, can_back=False)))
    number = [a for a in page.all("input") if a.get("type") == "number"]
    assert number and number[0]["name"] == "age_depicted" and number[0]["min"] == "8" and number[0]["max"] == "25"
    assert [b["value"] for b in page.all("button")] == ["answer"]


def test_the_decision_template_marks_flag_and_priority_once(home, bundle):
    from sexting_protocol.present.blocks import Banner, Para

    app = create_app(environ=environ(home))
    html = render_template(app, "triage/decision.html", flag="red", priority="today", action="/triage", answers="{}",
                           urgent=[Banner("BEL 112", "bold white on red", ["112"])], body=[Para("ROOD")],
                           choices=[("red", "ROOD"), ("black", "ZWART")])
    html = without_language_switch(html)
    marked = [(t, a) for t, a in Tags(html).tags if "data-flag" in a]
    assert len(marked) == 1 and marked[0][1]["data-flag"] == "red" and marked[0][1]["data-priority"] == "today"
    assert Tags(html).all("button")[0]["value"] == "confirm"


# --- the command -------------------------------------------------------------------------------


def start_web(*args: str, home=None):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "SEXTING_PROTOCOL_CACHE": "off"}
    if home is not None:
        env["SEXTING_PROTOCOL_HOME"] = str(home)
    return subprocess.Popen([sys.executable, "-m", "sexting_protocol", "web", "--no-browser", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_web_serves_on_loopback_and_ctrl_c_exits_130(home):
    # (how fast the page is there is measured by benchmarks/web.py, not timed here)
    p = start_web(home=home)
    try:
        line = p.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert m, line + p.stderr.read()
        with urllib.request.urlopen(m.group(0), timeout=5) as r:
            assert r.status == 200
            assert b'<html lang="nl">' in r.read()
        req = urllib.request.Request(m.group(0), headers={"Host": f"evil.example:{m.group(1)}"})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=5)
        assert e.value.code == 400
    finally:
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
    assert p.returncode == 130
    assert tx("web_stopped") in err and "Traceback" not in err
    assert "GET / 200" in err


def test_web_stops_cleanly_on_sigterm(home):
    p = start_web("--lang", "en", home=home)
    line = p.stdout.readline()
    assert "127.0.0.1" in line and "Ctrl-C" in line
    url = re.search(r"http://\S+/", line).group(0)
    with urllib.request.urlopen(url, timeout=5) as r:
        assert b'<html lang="en">' in r.read()
    p.terminate()
    p.communicate(timeout=10)
    assert p.returncode == 0


def test_web_on_a_port_in_use_says_so(home):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        p = start_web("--port", str(port), home=home)
        out, err = p.communicate(timeout=10)
    assert p.returncode == 2
    assert f"--port {port}" in err and "Traceback" not in err


def test_web_refuses_an_unknown_language(run):
    r = run("web", "--no-browser", "--lang", "fr")
    assert r.code == 2 and "--lang" in r.err


def test_web_json_gives_the_address_to_a_script(home):
    import json

    p = start_web("--json", home=home)
    try:
        lines = []
        while not lines or lines[-1] != "}":
            lines.append(p.stdout.readline().rstrip("\n"))
        told = json.loads("\n".join(lines))
        assert told["host"] == "127.0.0.1" and told["url"] == f"http://127.0.0.1:{told['port']}/"
        with urllib.request.urlopen(told["url"], timeout=5) as r:
            assert r.status == 200
    finally:
        p.terminate()
        p.communicate(timeout=10)


def test_web_with_a_broken_data_file_says_where_and_serves_nothing(run, tmp_path):
    """A broken file given with --contacts stops it before the port is taken (a broken layer in
    the school's folder is left out with a warning instead, as for every command)."""
    bad = tmp_path / "contacts.yaml"
    bad.write_text("contacts:\n  - id: zorgcoordinator\n    phone: [1, 2]\n", encoding="utf-8")
    r = run("--contacts", str(bad), "web", "--no-browser", environ={"SEXTING_PROTOCOL_CACHE": "off"})
    assert r.code == 2
    assert "contacts.yaml:" in r.err and "127.0.0.1" not in r.out
