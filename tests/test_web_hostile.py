"""The browser front against hostile and broken input (issue 18, web side): what reaches the
operator's log, how every failure is answered, links that stay on the site, hidden characters
on the pages, the upload read by the command line's reader, long texts and unusual numbers,
and bounds on what a request can make the server do."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import socket
import time
import urllib.request

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from sexting_protocol.core import conversation as conv
from sexting_protocol.web import create_app  # noqa: E402
from sexting_protocol.web import security  # noqa: E402
from sexting_protocol.web.security import CSP  # noqa: E402

from test_web import Tags, home, posting_app, render_template, start_web  # noqa: E402, F401 (home: a fixture)
from test_web_triage import EXTORTION, ORIGIN, SPREAD, Page, decide, finish, post, report_of, tx, walk  # noqa: E402

BASE = "http://127.0.0.1:8000"
HOSTILE_PATH = "/%1b%5d0;HACKED%07%1b%5b41mX%0aGET%20/admin%20200"
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


def environ(home, **more) -> dict:
    return {"SEXTING_PROTOCOL_HOME": str(home), "SEXTING_PROTOCOL_CACHE": "off", **more}


@pytest.fixture
def client(home):
    """raise_server_exceptions=True (the default): an exception that left the application, and
    so would reach the server and its traceback the terminal, fails the test."""
    return TestClient(create_app(environ=environ(home)), base_url=BASE)


def guarded(r) -> bool:
    return all(h in r.headers for h in SECURITY_HEADERS) and r.headers["content-security-policy"] == CSP


def asgi(app, method: str, path: str, body: list[bytes] = (), headers: list = (), stall: bool = False,
         disconnect: bool = False) -> dict:
    """One request straight into the ASGI application (a path no HTTP client would send as is;
    a body sent in parts, then given up on or stalled). Returns status, headers, body."""
    messages = [{"type": "http.request", "body": b, "more_body": i + 1 < len(body) or stall or disconnect}
                for i, b in enumerate(body)] or [{"type": "http.request", "body": b"", "more_body": False}]
    sent: list[dict] = []

    async def receive():
        if messages:
            return messages.pop(0)
        if disconnect:
            return {"type": "http.disconnect"}
        await asyncio.sleep(3600)  # a client that stopped sending and keeps the connection open

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode("utf-8", "surrogateescape"), "query_string": b"",
             "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
             "headers": [(b"host", b"127.0.0.1:8000"), *headers]}
    asyncio.run(app(scope, receive, send))  # an exception that leaves the app fails the test here
    start = next(m for m in sent if m["type"] == "http.response.start")
    return {"status": start["status"], "headers": {k.decode(): v.decode() for k, v in start["headers"]},
            "body": b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()}


def log_lines(caplog, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


# --- 3: the log -----------------------------------------------------------------------------------


def test_the_access_log_writes_a_hostile_path_visibly_on_one_line(home, caplog):
    c = TestClient(create_app(environ=environ(home)), base_url=BASE)
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web"):
        c.get(HOSTILE_PATH)
        c.get(HOSTILE_PATH, headers={"host": "evil.example"})  # refused Host: logged the same way
        c.get("/contacts/%E2%80%AE%E2%80%8Fx")  # a bidi override and a mark
    lines = log_lines(caplog, "sexting_protocol.web.access")
    assert lines == ["GET /\\x1b]0;HACKED\\x07\\x1b[41mX\\nGET /admin 200 404",
                     "GET /\\x1b]0;HACKED\\x07\\x1b[41mX\\nGET /admin 200 400",
                     "GET /contacts/\\u202e\\u200fx 404"]
    assert all(line.isprintable() for line in lines)


def test_a_long_path_is_logged_short_with_its_status(home, caplog):
    c = TestClient(create_app(environ=environ(home)), base_url=BASE)
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web.access"):
        c.get("/" + "x" * 10_000)
    [line] = log_lines(caplog, "sexting_protocol.web.access")
    assert len(line) < 400 and line.endswith("… 404")


def test_every_line_the_served_instance_writes_is_visible(home):
    """A real server on 127.0.0.1: a hostile path (as an <img> on any page can request it) and a
    refused Host reach the operator's terminal escaped, one line each."""
    p = start_web(home=home)
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", p.stdout.readline()).group(0)
        port = int(url.rsplit(":", 1)[1].strip("/"))
        for host in (f"127.0.0.1:{port}", "evil.example"):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(f"GET {HOSTILE_PATH} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
                while s.recv(65536):
                    pass
    finally:
        p.terminate()
        out, err = p.communicate(timeout=10)
    assert "\x1b" not in err and "\x07" not in err and "HACKED" in err
    assert "\nGET /admin" not in err, "no forged line"
    assert "GET /\\x1b]0;HACKED\\x07\\x1b[41mX\\nGET /admin 200 404" in err.splitlines()
    assert "GET /\\x1b]0;HACKED\\x07\\x1b[41mX\\nGET /admin 200 400" in err.splitlines()


def test_the_log_filter_escapes_whatever_is_logged_through_it(caplog):
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web"):
        security.error_log.error("%s and %s", "a\x1b[2Jb\nforged", "\u202e")
        try:
            raise ValueError("bad\n\x1b]0;title\x07")
        except ValueError as e:
            security.error_log.error("failed", exc_info=e)
    first, second = log_lines(caplog, "sexting_protocol.web.error")
    assert first == "a\\x1b[2Jb\\nforged and \\u202e"
    assert "\x1b" not in second and "\x07" not in second and "ValueError: bad\\n\\x1b]0;title\\x07" in second
    assert all(line.isprintable() for line in second.split("\n")), "a message cannot add a line"


# --- 4: every failure a page with its status and the headers; one short line ---------------------


def test_a_step_number_of_5000_digits_is_not_found(client):
    r = client.get("/checklist/step/" + "9" * 5000)
    assert r.status_code == 404 and guarded(r) and tx("SP883") in Tags(r.text).words()
    assert client.get("/checklist/step/03").status_code == 404
    assert client.get("/checklist/step/3").status_code == 200


def test_a_deeply_nested_state_is_a_bad_page_not_a_crash(client):
    for state in ("[" * 20_000 + "]" * 20_000, '{"answers":' * 5_000 + "1" + "}" * 5_000):
        r = client.post("/triage", data={"_answers": state, "_event": "answer"}, headers=ORIGIN)
        assert r.status_code == 400 and guarded(r) and tx("SP871") in Page(r.text).words()


def test_a_deeply_nested_upload_is_a_bad_request_not_a_crash(client):
    for content in (b"[" * 100_000 + b"]" * 100_000, b"a:\n" + b"- " * 20_000 + b"1\n", b"{a: " * 50_000):
        r = client.post("/triage/continue", files={"file": ("x.json", content)}, headers=ORIGIN)
        assert r.status_code == 400 and guarded(r), content[:10]


def test_a_failure_no_page_answered_gets_a_page_with_the_headers_and_one_short_line(home, caplog):
    c = TestClient(posting_app(home), base_url=BASE)  # raises if the exception leaves the app
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web"):
        r = c.post("/broken", headers=ORIGIN)
    assert r.status_code == 500 and guarded(r) and tx("SP888") in Tags(r.text).words()
    assert "secret internals" not in r.text
    assert log_lines(caplog, "sexting_protocol.web.access") == ["POST /broken 500"], "a status, never None"
    [line] = log_lines(caplog, "sexting_protocol.web.error")
    assert line == "POST /broken: internal error (RuntimeError); SEXTING_PROTOCOL_DEBUG=1 logs the traceback"
    assert "Traceback" not in caplog.text and "secret internals" not in caplog.text


def test_the_debug_setting_logs_the_whole_traceback_escaped(home, caplog):
    from starlette.routing import Route

    app = create_app(environ=environ(home, SEXTING_PROTOCOL_DEBUG="1"))

    async def broken(request):
        raise RuntimeError("secret\x1b[31m internals")

    app.router.routes.append(Route("/broken", broken))
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web"):
        r = TestClient(app, base_url=BASE).get("/broken")
    assert r.status_code == 500 and guarded(r) and "secret" not in r.text, "the page never shows it"
    [line] = log_lines(caplog, "sexting_protocol.web.error")
    assert "Traceback (most recent call last):" in line and "in broken" in line
    assert "RuntimeError: secret\\x1b[31m internals" in line and "\x1b" not in line


def test_a_failing_error_page_still_gets_a_page_with_the_headers(home, monkeypatch):
    from sexting_protocol.web import app as web_app

    def broken_render(*args, **kwargs):
        raise RuntimeError("the error page itself")

    monkeypatch.setattr(web_app, "render", broken_render)
    r = TestClient(create_app(environ=environ(home)), base_url=BASE).get("/nowhere")
    assert r.status_code == 500 and guarded(r) and "<p>500</p>" in r.text


def test_a_client_that_stops_sending_its_body_half_way(home, caplog):
    """It closed the connection: nothing leaves the application, the log has its status."""
    app = create_app(environ=environ(home))
    headers = [(b"origin", BASE.encode()), (b"content-type", b"application/x-www-form-urlencoded"),
               (b"content-length", b"5000")]
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web"):
        r = asgi(app, "POST", "/triage", [b"_answers=%7B%22ans", b"wers%22"], headers, disconnect=True)
    assert r["status"] == 400 and all(h in r["headers"] for h in SECURITY_HEADERS)
    assert log_lines(caplog, "sexting_protocol.web.access") == ["POST /triage 400"]
    assert not log_lines(caplog, "sexting_protocol.web.error"), "the client's doing: the access line says it"


def test_a_client_that_stalls_its_body_gets_408(home, monkeypatch):
    monkeypatch.setattr(security, "BODY_TIMEOUT", 0.2)
    app = create_app(environ=environ(home))
    headers = [(b"origin", BASE.encode()), (b"content-type", b"application/x-www-form-urlencoded"),
               (b"content-length", b"5000")]
    started = time.monotonic()
    r = asgi(app, "POST", "/triage", [b"_answers=%7B"], headers, stall=True)
    assert time.monotonic() - started < 5
    assert r["status"] == 408 and all(h in r["headers"] for h in SECURITY_HEADERS)
    assert tx("SP886") in Tags(r["body"]).words()


def test_a_half_sent_body_on_a_served_instance_leaves_no_traceback(home):
    p = start_web(home=home)
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", p.stdout.readline()).group(0)
        port = int(url.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(f"POST /triage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
                      "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\n"
                      "_answers=%7B%22answers".encode())
            time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:  # a malformed form
            body = b"--xx\r\nContent-Disposition: form-data; name=\"file\"\r\n\x1b]0;x\x07"
            s.sendall(f"POST /triage/continue HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
                      f"Content-Type: multipart/form-data; boundary=yy\r\nContent-Length: {len(body)}\r\n"
                      "Connection: close\r\n\r\n".encode() + body)
            while s.recv(65536):
                pass
        with urllib.request.urlopen(url, timeout=5) as r:  # still serving
            assert r.status == 200
        time.sleep(0.3)
    finally:
        p.terminate()
        out, err = p.communicate(timeout=10)
    assert "Traceback" not in err and "None" not in err and "Exception" not in err, err
    assert "POST /triage 400" in err.splitlines() and "POST /triage/continue 400" in err.splitlines()
    assert "\x1b" not in err and "boundary" not in err, "one line per request, the parser's warnings left out"


def test_too_many_fields_or_a_malformed_form_get_a_page_with_the_headers(client):
    r = client.post("/triage", data={f"f{i}": "x" for i in range(500)}, headers=ORIGIN)
    assert r.status_code == 400 and guarded(r)
    r = client.post("/triage/continue", content=b"--xx\r\nContent-Disposition: form-data; name=\"file\"\r\n",
                    headers={**ORIGIN, "content-type": "multipart/form-data; boundary=xx"})
    assert r.status_code == 400 and guarded(r)
    r = client.post("/triage", content=b"_answers=%ff%fe%00&_event=answer",
                    headers={**ORIGIN, "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and guarded(r)


def test_a_huge_post_gets_a_page_in_the_language(client):
    r = client.post("/triage?lang=en", content=b"x=" + b"a" * (2 << 20),
                    headers={**ORIGIN, "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and guarded(r) and tx("SP887", "en") in Tags(r.text).words()
    chunks = [b"_answers=" + b"a" * 500_000] * 3  # no Content-Length: counted as it comes
    r = asgi(client.app, "POST", "/triage", chunks,
             [(b"origin", BASE.encode()), (b"content-type", b"application/x-www-form-urlencoded")])
    assert r["status"] == 413 and all(h in r["headers"] for h in SECURITY_HEADERS)
    assert tx("SP887") in Tags(r["body"]).words()


# --- 12: links stay on the site --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "///evil.example/x", "/\\/evil.example/x",
                                  "//evil.example/a?b#c", "/%2f%2fevil.example/x"])
def test_the_language_link_of_any_path_stays_on_the_site(home, path):
    # the server has decoded %2f already: the path the application sees is what a decoded one is
    decoded = path.replace("%2f", "/")
    r = asgi(create_app(environ=environ(home)), "GET", decoded)
    assert r["status"] == 404
    links = [a["href"] for a in Tags(r["body"]).all("a") if not a.get("href", "#").startswith(("#", "tel:"))]
    assert links and all(h.startswith("/") and not h.startswith(("//", "/\\")) and "\\" not in h
                         for h in links), links
    [english] = [a["href"] for a in Tags(r["body"]).all("a") if a.get("hreflang") == "en"]
    assert english.startswith("/evil.example/") and english.endswith("?lang=en"), english
    assert "#" not in english and english.count("?") == 1, "a decoded ? or # stays in the path"


# --- 11: hidden characters never reach a page raw ---------------------------------------------------


BIDI_PHONE = "\u202e4488-0090"


def test_a_bidi_override_in_a_layer_never_reaches_a_page_or_the_handout_raw(home, run, tmp_path):
    """Refused when the layer is read, or shown as its escape: never sent as is (it would show
    "0900-8844" for "4488-0090")."""
    (home / "contacts.yaml").write_text(
        "contacts:\n  - id: zorgcoordinator\n    phone: \"" + BIDI_PHONE + "\"\n    email: \"zorg\u200f@school.example\"\n",
        encoding="utf-8")
    c = TestClient(create_app(environ=environ(home)), base_url=BASE)
    for path in ("/contacts", "/contacts?q=zorg", "/handout", "/checklist/step/2"):
        r = c.get(path)
        assert r.status_code == 200, path
        assert "\u202e" not in r.text and "\u200f" not in r.text, path
    out = tmp_path / "poster.html"
    r = run("handout", "--output", str(out), environ=environ(home))
    assert r.code == 0, r.err
    assert "\u202e" not in out.read_text(encoding="utf-8")


def test_every_template_shows_a_hidden_character_as_its_escape(home):
    app = create_app(environ=environ(home))
    html = render_template(app, "error.html", code=400, message="bel 0900\u202e-8844\u200b, of \u2066x\u2069\x1b")
    assert "bel 0900\\u202e-8844\\u200b, of \\u2066x\\u2069\\u001b" in Tags(html).words()
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\x1b]", html)


def test_the_poster_shows_a_hidden_character_as_its_escape(bundle, monkeypatch):
    import datetime as dt

    from sexting_protocol.web.poster import poster

    from sexting_protocol.present.views import View

    monkeypatch.setattr(View, "region_note", lambda self: "regio \u202eknabarB-neddiM")
    page, _ = poster(bundle, "nl", dt.date(2026, 1, 1))
    assert "regio \\u202eknabarB-neddiM" in page and "\u202e" not in page


def test_a_hidden_character_in_the_state_goes_back_unchanged(client, engine):
    """The hidden field shows it as its JSON escape: the same character again when posted."""
    page = decide(client, EXTORTION)
    reason = "overlegd \u202emet\u2028de IB-er\x7f"
    page = Page(post(client, page, _event="confirm", confirmed_flag="red", confirmed_reason=reason,
                     confirmed_consulted="zorgco\u200fordinator").text)
    assert not re.search("[\u202e\u2028\u200f\x7f]", page.html)
    state = conv.load(engine, page.state())
    assert state.confirmation.reason == reason and state.confirmation.consulted == "zorgco\u200fordinator"


def test_an_uploaded_files_name_is_shown_short_and_visible(client):
    name = "verslag\u202enosj." + "x" * 300 + ".json"
    r = client.post("/triage/continue", files={"file": (name, b"[1, 2]")}, headers=ORIGIN)
    assert r.status_code == 400 and "\u202e" not in r.text
    assert "verslag\\u202enosj.xxx" in Page(r.text).words() and "x" * 100 not in r.text


# --- 13: the upload is read by the command line's reader ------------------------------------------


def test_an_upload_is_read_as_answers_reads_a_file(client, run, write, tmp_path):
    yaml_text = "immediate_danger: no\nself_harm_concern: no\n"
    for content in (yaml_text.encode("utf-16"), b"\xef\xbb\xbf" + yaml_text.encode(),
                    b"\xfe\xff" + yaml_text.encode("utf-16-be")):
        r = client.post("/triage/continue", files={"file": ("case.yaml", content)}, headers=ORIGIN)
        assert r.status_code == 200 and Page(r.text).question() not in (None, "immediate_danger"), content[:4]
    for content in (b"immediate_danger: no\nself_harm_concern: no\0\n", b"immediate_danger: no\n\x1b[2J\n",
                    b"immediate_danger: \xff\n", b"x" * 1_000_001):
        path = tmp_path / "case.yaml"
        path.write_bytes(content)
        cli = run("triage", "--answers", str(path), "--json")
        assert cli.code == 2
        said = cli.err.strip().replace(str(path), "case.yaml")
        r = client.post("/triage/continue", files={"file": ("case.yaml", content)}, headers=ORIGIN)
        assert r.status_code == 400 and guarded(r)
        words = Page(r.text).words()
        assert said in words, (said, words[-600:])
        assert "unacceptable character" not in words and "position" not in words


# --- 9: a reason longer than a page carries ---------------------------------------------------------


def test_the_confirmation_fields_carry_the_servers_bound(client):
    page = decide(client, EXTORTION)
    fields = {a["name"]: a for a in page.all("textarea", page.main) + page.all("input", page.main)}
    assert fields["confirmed_reason"]["maxlength"] == str(conv.MAX_TEXT)


def confirm(client, page, **fields):
    """Confirm the proposal with these fields; the next post (the language switch) is served too."""
    r = post(client, page, _event="confirm", confirmed_flag=page.flagged()[0]["data-flag"], **fields)
    assert r.status_code == 200, r.text[-800:]
    page = Page(r.text)
    r = client.post("/triage?lang=en", data={"_answers": page.state(), "_event": "lang"}, headers=ORIGIN)
    assert r.status_code == 200, "the next post too"
    return page


def test_a_reason_too_long_is_said_and_locks_nothing(client, engine):
    page = decide(client, SPREAD)
    r = post(client, page, _event="confirm", confirmed_flag="red", confirmed_reason="x" * (conv.MAX_TEXT + 1))
    assert r.status_code == 400 and tx("web_problem_too_long", limit=conv.MAX_TEXT) in Page(r.text).words()
    again = Page(r.text)
    assert again.state() == page.state()
    switched = client.post("/triage?lang=en", data={"_answers": again.state(), "_event": "lang"}, headers=ORIGIN)
    assert switched.status_code == 200, "the language switch still works"
    page = confirm(client, again, confirmed_reason="x" * conv.MAX_TEXT)
    assert conv.load(engine, page.state()).confirmation.reason == "x" * conv.MAX_TEXT


def test_a_reason_with_line_breaks_counts_them_as_the_field_does(client, engine):
    """A browser posts a textarea's line breaks as CR LF, and its maxlength counts each as one."""
    page = decide(client, SPREAD)
    reason = ("regel\r\n" * 300)[: conv.MAX_TEXT + 290]
    assert len(reason.replace("\r\n", "\n")) <= conv.MAX_TEXT < len(reason)
    page = confirm(client, page, confirmed_reason=reason)
    assert conv.load(engine, page.state()).confirmation.reason == reason.replace("\r\n", "\n").strip()


def test_a_report_with_a_reason_too_long_is_said_when_continued(client, run, write):
    out = run("triage", "--answers", write("case.yaml", {**SPREAD, "confirmed_flag": "black",
                                                        "confirmed_consulted": "de IB-er",
                                                        "confirmed_reason": "lang " * 700}), "--json")
    assert out.code == 0, out.err
    r = client.post("/triage/continue", files={"file": ("verslag.json", out.out)}, headers=ORIGIN)
    words = Page(r.text).words()
    assert r.status_code == 400 and "confirmed_reason" in words and str(conv.MAX_TEXT) in words
    assert tx("SP871") not in words


# --- 14 and the downloads ----------------------------------------------------------------------------


def test_the_follow_up_names_the_case_reference_typed_on_the_form(client):
    page = finish(client, decide(client, SPREAD))
    r = post(client, page, "/triage/download", _event="ics", case_ref='2026-014"\r\nX-EVIL:1;\u202e', days="7")
    assert r.status_code == 200
    lines = r.text.split("\r\n")
    assert not any(line.startswith("X-EVIL") for line in lines), "a line break in the reference adds no property"
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert "2026-014" in summary and "\u202e" not in r.text
    assert re.fullmatch(r'attachment; filename="follow-up-\d{4}-\d{2}-\d{2}\.ics"', r.headers["content-disposition"])


def test_a_downloaded_json_report_shows_a_hidden_character_as_its_escape(client):
    page = finish(client, decide(client, SPREAD))
    r = post(client, page, "/triage/download", _event="json", case_ref="2026\u202e-014", said="a\u2028b\x85c")
    assert r.status_code == 200 and not re.search("[\u202e\u2028\x85]", r.text)
    report = json.loads(r.text)["report"]
    assert report["case_ref"] == "2026\u202e-014" and report["said"] == "a\u2028b\x85c", "the same text, escaped"


def test_the_downloaded_reports_show_a_hidden_character_as_its_escape(client):
    """A line separator an editor shows as a line break (a forged "# heading" or field after it),
    a right-to-left mark, a zero-width space: as their escapes in the .md and the .txt."""
    page = finish(client, decide(client, SPREAD))
    for kind in ("md", "txt"):
        r = post(client, page, "/triage/download", _event=kind, case_ref="2026\u200f-014",
                 said="gezegd\u2028Vlag: groen\u2029en 06\u200b12")
        text = report_of(r)
        assert r.status_code == 200 and not re.search("[\u200b\u200f\u2028\u2029]", text), kind
        shown = "gezegd\\u2028Vlag: groen\\u2029en 06\\u200b12"  # Markdown escapes the backslash itself
        assert (shown.replace("\\", "\\\\") if kind == "md" else shown) in text, kind


# --- bounds -------------------------------------------------------------------------------------------


def test_an_upload_of_20000_unknown_keys_gets_a_short_page(client):
    content = "".join(f"k{i}: 1\n" for i in range(20_000)).encode()
    r = client.post("/triage/continue", files={"file": ("keys.yaml", content)}, headers=ORIGIN)
    assert r.status_code == 400 and len(r.content) < 50_000
    words = Page(r.text).words()
    named = [w for w in words.split() if w.startswith("keys.yaml:") and w[len("keys.yaml:"):].rstrip(":").isdigit()]
    assert len(named) == 10 and tx("SP721", n=20_000 - 10) in words, words


def test_an_answers_file_is_checked_off_the_event_loop(client, monkeypatch):
    """While one upload is checked, the other pages are served."""
    from sexting_protocol.web import triage

    seen = []
    real = triage.from_source

    def spy(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            seen.append("on the event loop")
        except RuntimeError:
            seen.append("in a worker thread")
        return real(*args, **kwargs)

    monkeypatch.setattr(triage, "from_source", spy)
    client.post("/triage/continue", files={"file": ("case.yaml", b"immediate_danger: no\n")}, headers=ORIGIN)
    client.post("/triage", data={"immediate_danger": "no"}, headers=ORIGIN)
    assert seen == ["in a worker thread"] * 2


def test_an_echoed_query_is_bounded(client):
    r = client.get("/contacts", params={"kind": "k" * 5000})
    [message] = [x for x in re.findall(r'<p class="error-message">(.*?)</p>', r.text, re.S)]
    assert r.status_code == 400 and "k" * 39 + "…" in message and "k" * 200 not in message


# --- a fresh pass (third round): the downloads' fields read by the command line's rules ---------------


@pytest.mark.parametrize("days", ["1" * 5000, "0" * 5000 + "7", "366", "-1", "7.0"])
def test_a_download_with_days_of_any_length_is_a_bad_request(client, days):
    """`days` of 5,000 digits passed isdecimal() and made int() raise: a 500 internal error."""
    page = finish(client, decide(client, SPREAD))
    r = post(client, page, "/triage/download", _event="ics", days=days)
    assert r.status_code == 400 and guarded(r) and "content-disposition" not in r.headers


@pytest.mark.parametrize("date", ["9999-12-31", "1900-01-01"])
def test_a_downloaded_report_takes_a_signal_date_as_the_command_line_does(client, date):
    """`--signal-date 9999-12-31` is refused (issue 18, #18); the browser's report took it."""
    page = finish(client, decide(client, SPREAD))
    r = post(client, page, "/triage/download", _event="md", signal_date=date)
    assert r.status_code == 400 and guarded(r) and "content-disposition" not in r.headers
    assert date in r.text


def test_a_downloaded_report_with_a_signal_date_of_today(client):
    import datetime as dt

    page = finish(client, decide(client, SPREAD))
    today = dt.date.today()
    r = post(client, page, "/triage/download", _event="md", signal_date=f" {today.isoformat()} ")
    assert r.status_code == 200 and f"{today.day}-{today.month}-{today.year}" in report_of(r)  # as Dutch writes it
