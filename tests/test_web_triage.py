"""The triage pages over HTTP, in-process with Starlette's test client: a whole triage by posting
(the page's own hidden state and the contract's field names), back, the review, the limits of the
confirmation, the refining questions, a case out of scope, the files at the end, continuing a
case from a file, a tampered state, and escaping of hostile texts."""

from __future__ import annotations

import json
import re
import textwrap
from html.parser import HTMLParser
from typing import Any, Optional

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from sexting_protocol.core import conversation as conv
from sexting_protocol.store import bundle as data
from sexting_protocol.text import catalogue
from sexting_protocol.web import create_app  # noqa: E402

from conftest import CLEAR  # noqa: E402

BASE = "http://127.0.0.1:8000"
ORIGIN = {"origin": BASE}
# spread in a group at 15: red, first consult; an adult and blackmail: black, lowest red
SPREAD = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "no",
          "shared_further": "group", "age_depicted": 15}
EXTORTION = {**SPREAD, "adult_involved": "yes", "extortion": "yes", "shared_further": "no"}
HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def tx(key: str, lang: str = "nl", **values) -> str:
    """An interface text, or a coded message by its code (SP706)."""
    text = (catalogue.coded(key) if catalogue.is_code(key) else catalogue.ui().texts[key]).get(lang)
    return text.format(**values) if values else text


class Page(HTMLParser):
    """A page's tags, in order, with the form each belongs to, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.html = text
        self.tags: list[tuple[str, dict, int]] = []  # (tag, attributes, index of the form or -1)
        self.forms: list[dict] = []
        self.text: list[str] = []
        self._form = -1
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: ("" if v is None else v) for k, v in attrs}
        if tag == "form":
            self.forms.append(a)
            self._form = len(self.forms) - 1
        self.tags.append((tag, a, self._form))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = -1

    def handle_data(self, d):
        self.text.append(d)

    def all(self, tag: str, form: Optional[int] = None) -> list[dict]:
        return [a for t, a, f in self.tags if t == tag and (form is None or f == form)]

    def words(self) -> str:
        return " ".join(" ".join(self.text).split())

    @property
    def main(self) -> int:
        """The page's own form: the first that is not the language switch (-2 when none)."""
        return next((i for i, f in enumerate(self.forms) if "lang-switch" not in f.get("class", "")), -2)

    def state(self) -> str:
        return next(a["value"] for a in self.all("input", self.main) if a.get("name") == "_answers")

    def question(self) -> Optional[str]:
        """The id of the question asked, from the fields' names, or None."""
        if {"id": "question"} not in self.all("h1", self.main):
            return None
        names = {a["name"] for a in self.all("input", self.main) if a.get("type") in ("radio", "number")}
        assert len(names) == 1, names
        return names.pop()

    def buttons(self, form: Optional[int] = None) -> list[str]:
        return [a.get("value", "") for a in self.all("button", self.main if form is None else form)]

    def flagged(self) -> list[dict]:
        return [a for _, a, _ in self.tags if "data-flag" in a]


@pytest.fixture
def home(tmp_path):
    folder = tmp_path / "org"
    folder.mkdir()
    return folder


def client_for(home) -> TestClient:
    app = create_app(environ={"SEXTING_PROTOCOL_HOME": str(home), "SEXTING_PROTOCOL_CACHE": "off"})
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


@pytest.fixture
def client(home):
    return client_for(home)


def post(client, page: Optional[Page], path: str = "/triage", **fields: Any):
    form = {"_answers": page.state()} if page is not None else {}
    form.update({k: str(v) for k, v in fields.items()})
    return client.post(path, data=form, headers=ORIGIN)


def answer(client, page: Page, value: Any) -> Page:
    r = post(client, page, _event="answer", **{page.question(): value})
    assert r.status_code == 200, r.text
    return Page(r.text)


def walk(client, answers: dict, page: Optional[Page] = None, until: Optional[str] = None) -> Page:
    """Answer every question page from `answers` ("unknown" where missing) until another page."""
    page = page or Page(client.get("/triage").text)
    while (q := page.question()) and q != until:
        page = answer(client, page, answers.get(q, "unknown"))
    return page


def decide(client, answers: dict) -> Page:
    page = walk(client, answers)
    assert tx("review_ok") in page.words()
    r = post(client, page, _event="review")
    assert r.status_code == 200
    return Page(r.text)


def confirm(client, page: Page, expect: int = 200, **fields) -> Page:
    r = post(client, page, _event="confirm", **fields)
    assert r.status_code == expect, r.text
    return Page(r.text)


def finish(client, page: Page) -> Page:
    """Confirm the proposal and leave every refining question unknown: the end page."""
    page = confirm(client, page, confirmed_flag=page.flagged()[0]["data-flag"])
    return walk(client, {}, page)


def unpacked(r) -> dict[str, str]:
    """A downloaded report for reading: one .zip, the report and its case file (.json) beside it,
    named alike; name → text."""
    import io
    import zipfile

    assert r.status_code == 200 and r.headers["content-type"] == "application/zip", r.text[:300]
    assert r.headers["cache-control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        names = z.namelist()
        assert len(names) == 2 and names[1] == names[0].rsplit(".", 1)[0] + ".json", names
        return {n: z.read(n).decode("utf-8") for n in names}


def report_of(r) -> str:
    """The report in a download for reading (the first file in its .zip)."""
    return next(iter(unpacked(r).values()))


def cli_json(run, write, answers: dict) -> dict:
    r = run("triage", "--answers", write("case.yaml", answers), "--json")
    assert r.code == 0, r.err
    return r.json()


def first_actions(bundle, lang: str, first: list[str]) -> list[str]:
    routes = {r.id: r for r in bundle.protocol.triage.routes}
    return [routes[r].action.get(lang) for r in first]


# --- the pages -----------------------------------------------------------------------------


def test_the_first_page_is_the_first_question_with_the_contracts_names(client, engine):
    r = client.get("/triage")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    page = Page(r.text)
    assert '<html lang="nl">' in r.text
    assert page.question() == "immediate_danger"
    radios = [a for a in page.all("input", page.main) if a.get("type") == "radio"]
    assert [a["value"] for a in radios] == ["yes", "no", "unknown"]
    assert all({"for": a["id"]} in page.all("label") for a in radios), "every option has a real label"
    assert len(page.all("fieldset", page.main)) == 1 and len(page.all("legend", page.main)) == 1
    assert [a for a in radios if "autofocus" in a] == radios[:1], "focus on the question's first field"
    assert tx("ask_unknown") in page.words()
    assert page.buttons() == ["answer"], "no back on the first question"
    assert conv.load(engine, page.state()) == conv.start(engine)
    assert not page.flagged()
    assert all(f.get("method") == "post" for f in page.forms), "no answers in an address"


def test_a_whole_triage_by_posting_gives_the_decision_of_triage_answers(client, run, write, bundle):
    expected = cli_json(run, write, SPREAD)
    page = decide(client, SPREAD)
    marked = page.flagged()
    assert len(marked) == 1, "one element carries the flag and the priority"
    assert (marked[0]["data-flag"], marked[0]["data-priority"]) == (expected["flag"], expected["priority"])
    words = page.words()
    actions = first_actions(bundle, "nl", expected["first"])
    assert actions and all(a in words for a in actions)
    # the first actions come first: before the flag, the reasons, the routes, the plan, the contacts
    order = [words.index(x) for x in (actions[0], tx("proposal", flag="ROOD", label="").split("(")[0].strip(),
                                      tx("why_title"), tx("routes_title"), tx("plan_title"))]
    assert order == sorted(order)
    # images in a group chat that may still be going round: the police first, today (contract v3)
    assert expected["first"] == ["police"] and {"href": "tel:09008844"} in page.all("a"), \
        "the first action's number is a tel: link"
    assert page.all("input", -1) and all(a.get("type") == "checkbox" for a in page.all("input", -1)), \
        "the plan's items are checkboxes"
    assert page.buttons()[0] == "confirm", "the first button confirms"
    assert [a["value"] for a in page.all("input", page.main) if a.get("name") == "confirmed_flag"] == \
        ["red", "black"], "only the flags within the limits are offered (a group chat: at least red)"


def test_an_urgent_answer_shows_its_action_at_once_with_the_number(client):
    page = answer(client, Page(client.get("/triage").text), "yes")
    assert page.question() == "self_harm_concern"
    alert = re.search(r'<div class="alerts" role="alert".*?</div>\s*</div>', page.html, re.S)
    assert alert and "tel:112" in alert.group(0)
    assert tx("web_alert_label") in page.html
    page = answer(client, page, "yes")
    assert "tel:113" in page.html and "tel:08000113" in page.html
    page = answer(client, page, "yes")
    assert "tel:08000188" in page.html, "Centrum Seksueel Geweld"
    page = answer(client, page, "unknown")
    assert 'role="alert"' not in page.html, "each action once, on the page after its answer"


@pytest.mark.parametrize("lang,words", [("nl", "Vraag {n} van ongeveer"), ("en", "Question {n} of about")])
def test_a_question_page_says_its_place_and_the_decision_page_does_not(client, lang, words):
    """#17: a progress indication ("vraag 5 van ongeveer 12") on each question page."""
    page = Page(client.get(f"/triage?lang={lang}" if lang == "en" else "/triage").text)
    n = 1
    while page.question():
        progress = [a for a in page.all("p") if "progress" in a.get("class", "")]
        assert len(progress) == 1 and words.format(n=n) in page.words(), page.words()[:300]
        action, q = page.forms[page.main]["action"], page.question()
        page, n = Page(post(client, page, action, _event="answer", **{q: SPREAD.get(q, "unknown")}).text), n + 1
    assert not any("progress" in a.get("class", "") for a in page.all("p"))  # the review
    page = Page(post(client, page, page.forms[page.main]["action"], _event="review").text)
    assert page.flagged() and not any("progress" in a.get("class", "") for a in page.all("p"))


def test_back_returns_to_the_previous_question_with_its_answer(client):
    page = answer(client, Page(client.get("/triage").text), "no")
    assert page.buttons() == ["answer", "back"], "forward first, back after it"
    page = Page(post(client, page, _event="back").text)
    assert page.question() == "immediate_danger"
    assert [a["value"] for a in page.all("input") if a.get("type") == "radio" and "checked" in a] == ["no"]


def test_a_number_question_takes_a_number_or_unknown(client, engine):
    page = walk(client, SPREAD, until="age_depicted")
    number = [a for a in page.all("input", page.main) if a.get("type") == "number"]
    assert number and number[0]["name"] == "age_depicted" and (number[0]["min"], number[0]["max"]) == ("0", "99")
    unknown = [a for a in page.all("input", page.main) if a.get("type") == "checkbox"]
    assert [(a["name"], a["value"]) for a in unknown] == [("age_depicted", "unknown")]
    for fields, value in (({"age_depicted": "14"}, 14), ({"age_depicted": ""}, "unknown"),
                          ({"age_depicted": ["14", "unknown"]}, "unknown")):
        r = client.post("/triage", data={"_answers": page.state(), "_event": "answer", **fields}, headers=ORIGIN)
        assert conv.load(engine, Page(r.text).state()).answers["age_depicted"] == value


@pytest.mark.parametrize("typed", ["15.0", "1e1", "15,5", "-1", "150", "0x10", "vijftien", "9" * 5000])
def test_an_age_that_is_not_a_whole_number_gets_the_question_again(client, typed):
    """A number field lets "15.0" and "1e1" through: the question again, asking for a whole
    number 0..99 in decimal (the terminal's words), not "this page is not right"."""
    page = walk(client, SPREAD, until="age_depicted")
    r = post(client, page, _event="answer", age_depicted=typed)
    again = Page(r.text)
    assert r.status_code == 400 and again.question() == "age_depicted", typed
    assert again.state() == page.state(), "nothing was taken"
    problem = [a for a in again.all("p", again.main) if a.get("role") == "alert"]
    assert problem and tx("ask_number_invalid", low=0, high=99) in again.words()
    assert tx("SP871") not in again.words()
    field = next(a for a in again.all("input", again.main) if a.get("type") == "number")
    assert field.get("aria-invalid") == "true" and problem[0]["id"] in field["aria-describedby"].split()
    assert Page(post(client, again, _event="answer", age_depicted=" 15 ").text).question() != "age_depicted"


def test_the_review_changes_any_answer(client, engine):
    page = walk(client, SPREAD)
    buttons = page.buttons()
    assert buttons[0] == "review", "the first button goes on to the proposal"
    asked = conv.load(engine, page.state()).asked
    assert buttons[1:] == [f"change:{q}" for q in asked], "every answer changeable"
    page = Page(post(client, page, _event="change:shared_further").text)
    assert page.question() == "shared_further" and page.buttons() == ["answer", "back"]
    assert [a["value"] for a in page.all("input") if "checked" in a] == ["group"]
    page = answer(client, page, "no")
    state = conv.load(engine, page.state())
    assert state.answers["shared_further"] == "no"
    page = walk(client, SPREAD, page)
    assert page.buttons()[0] == "review"


def test_the_confirmation_keeps_to_the_contracts_limits(client, engine):
    page = decide(client, EXTORTION)
    assert page.flagged()[0]["data-flag"] == "black"
    offered = [a["value"] for a in page.all("input", page.main) if a.get("name") == "confirmed_flag"]
    assert offered == ["red", "black"]
    assert tx("confirm_locked", flag="ROOD") in page.words()
    assert [a for a in page.all("input", page.main) if a.get("name") == "confirmed_consulted"]
    # a flag below the lowest (a tampered page), no reason, no one consulted: refused, said why
    for fields, key in (({"confirmed_flag": "green", "confirmed_reason": "x", "confirmed_consulted": "y"},
                         "web_problem_below_lowest"),
                        ({"confirmed_flag": "red"}, "web_problem_reason"),
                        ({"confirmed_flag": "red", "confirmed_reason": "overlegd"}, "web_problem_consulted")):
        refused = confirm(client, page, 400, **fields)
        assert tx(key) in refused.words()
        assert refused.flagged(), "the decision page again, with the problem"
    done = confirm(client, page, confirmed_flag="red", confirmed_reason="overlegd met ZAT",
                   confirmed_consulted="zorgcoördinator")
    s = conv.load(engine, done.state())
    assert s.phase in ("refine", "end") and (s.confirmation.flag, s.confirmation.consulted) == ("red", "zorgcoördinator")
    assert not done.flagged(), "only the decision page carries data-flag"


def test_the_refining_questions_come_after_the_confirmation(client, engine):
    page = confirm(client, decide(client, SPREAD), confirmed_flag="red")
    q = page.question()
    s = conv.load(engine, page.state())
    assert q and s.phase == "refine" and tx("plan_questions") in page.words()
    page = answer(client, page, "serious")
    s = conv.load(engine, page.state())
    assert q in s.refined and s.answers[q] == "serious"
    page = walk(client, {}, page)
    assert tx("web_end_title") in page.words()
    assert page.buttons()[0] == "md", "the first button downloads the report"


def test_a_case_out_of_scope_ends_with_the_numbers(client, bundle):
    page = walk(client, {**SPREAD, "age_depicted": 30, "age_other": 30})
    words = page.words()
    assert tx("web_out_of_scope_title") in words and tx("ended_out_of_scope") in words
    for cid in ("politie", "helpwanted", "slachtofferhulp"):
        assert bundle.contact(cid).name in words
    assert "tel:09008844" in page.html and "tel:09000101" in page.html
    assert not page.flagged()
    assert [a["value"] for a in page.all("button")] == ["lang"], "the triage ends here, as in the terminal"
    assert {"class": "button", "href": "/triage"} in page.all("a")


def test_the_language_switch_keeps_the_state(client, engine):
    page = walk(client, SPREAD, until="age_depicted")
    switch = [i for i, f in enumerate(page.forms) if "lang-switch" in f.get("class", "")]
    assert len(switch) == 1 and page.forms[switch[0]]["action"] == "/triage?lang=en"
    assert page.buttons(switch[0]) == ["lang"] and page.main > switch[0], "outside the page's form"
    r = client.post("/triage?lang=en", data={"_answers": page.state(), "_event": "lang"}, headers=ORIGIN)
    en = Page(r.text)
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert en.question() == "age_depicted" and en.state() == page.state()
    assert tx("web_next", "en") in en.words() and tx("web_next") not in en.words()
    assert en.forms[en.main]["action"] == "/triage?lang=en", "the next page stays in English"
    nl = Page(post(client, en, "/triage?lang=nl", _event="lang").text)
    assert '<html lang="nl">' in nl.html and nl.state() == page.state()


def test_a_tampered_state_gets_a_clear_400_page(client, engine):
    page = answer(client, Page(client.get("/triage").text), "no")
    good = json.loads(page.state())
    tampered = [
        "{not json",
        json.dumps({**good, "answers": {"immediate_danger": "maybe"}}),
        json.dumps({**good, "answers": {"no_such_question": "yes"}, "asked": ["no_such_question"]}),
        json.dumps({**good, "phase": "end"}),
        json.dumps({**good, "asked": ["immediate_danger", "immediate_danger"]}),
        json.dumps([1, 2]),
    ]
    for text in tampered:
        r = client.post("/triage", data={"_answers": text, "_event": "answer", "self_harm_concern": "no"},
                        headers=ORIGIN)
        assert r.status_code == 400, text
        assert tx("SP871") in Page(r.text).words() and "Traceback" not in r.text
    # a button that does not fit the page, or an answer to another question
    for fields in ({"_event": "confirm", "confirmed_flag": "red"}, {"_event": "review"}, {"_event": "launch"},
                   {"_event": "answer", "self_harm_concern": "perhaps"}):
        r = client.post("/triage", data={"_answers": page.state(), **fields}, headers=ORIGIN)
        assert r.status_code == 400 and tx("SP871") in r.text, fields


def test_a_post_without_state_is_read_as_an_answers_file(client, engine):
    r = client.post("/triage", data={k: str(v) for k, v in CLEAR.items()}, headers=ORIGIN)
    page = Page(r.text)
    assert r.status_code == 200 and page.buttons()[0] == "review"
    assert conv.load(engine, page.state()).given == tuple(q for q in engine.questions if q in CLEAR)
    r = client.post("/triage", data={"immediate_danger": "maybe"}, headers=ORIGIN)
    assert r.status_code == 400
    assert "immediate_danger" in r.text and "yes, no, unknown" in r.text, "the answers file's message"


def test_a_report_or_json_output_continues_the_case(client, run, write, engine):
    partial = {k: v for k, v in SPREAD.items() if k != "age_depicted"}
    out = cli_json(run, write, partial)
    r = client.post("/triage/continue", files={"file": ("case.json", json.dumps(out), "application/json")},
                    headers=ORIGIN)
    page = Page(r.text)
    assert r.status_code == 200 and page.question() == "age_depicted", "only what is still open is asked"
    assert set(conv.load(engine, page.state()).given) == set(partial)
    page = walk(client, SPREAD, page)
    page = finish(client, Page(post(client, page, _event="review").text))
    report = post(client, page, "/triage/download", _event="json")
    again = client.post("/triage/continue", files={"file": ("verslag.json", report.content, "application/json")},
                        headers=ORIGIN)
    assert Page(again.text).buttons()[0] == "review", "a JSON report continues with all its answers given"
    for content, says in ((b'{"answers": {"immediate_danger": "maybe"}}', "yes, no, unknown"),
                          (b"\x80\x81", "x.json:1: [SP706] " + tx("SP706")), (b"[1, 2]", "x.json"),
                          (b"{answers: [", "x.json:2: [SP711] YAML")):
        r = client.post("/triage/continue", files={"file": ("x.json", content, "application/json")}, headers=ORIGIN)
        assert r.status_code == 400 and says in Page(r.text).words() and "Traceback" not in r.text, content
    r = client.post("/triage/continue", data={"x": "1"}, headers=ORIGIN)
    assert r.status_code == 400 and tx("SP872") in r.text


# --- the files at the end ------------------------------------------------------------------


def test_the_downloads_are_made_from_the_posted_state(client, run, write, bundle):
    expected = cli_json(run, write, SPREAD)
    page = finish(client, decide(client, SPREAD))
    record = {"case_ref": "2026-014", "role": "mentor", "signal_date": "2026-11-30",
              "said": "Op 30-11: 'hij stuurde het door'\n# geen kop", "done": "Gesprek met de jongere.",
              "told": "Zorgcoördinator, 1 december."}
    files = {}
    for kind, media in (("md", "application/zip"), ("txt", "application/zip"), ("json", "application/json"),
                        ("ics", "text/calendar")):
        r = post(client, page, "/triage/download", _event=kind, **record)
        assert r.status_code == 200 and r.headers["content-type"].startswith(media), kind
        assert r.headers["cache-control"] == "no-store"
        disposition = r.headers["content-disposition"]
        name = re.fullmatch(r'attachment; filename="([^"]+)"', disposition).group(1)
        if kind == "ics":
            assert re.fullmatch(r"follow-up-\d{4}-\d{2}-\d{2}\.ics", name)
        elif kind == "json":
            assert re.fullmatch(r"sexting-verslag-\d{4}-\d{2}-\d{2}\.json", name)
        else:  # one save, two files: the report and the case file beside it, named alike
            stem = re.fullmatch(r"(sexting-verslag-\d{4}-\d{2}-\d{2})\.zip", name).group(1)
            inside = unpacked(r)
            assert list(inside) == [f"{stem}.{kind}", f"{stem}.json"], list(inside)
            beside = json.loads(inside[f"{stem}.json"])
            assert beside["report"]["said"] == record["said"] and beside["answers"] == \
                json.loads(post(client, page, "/triage/download", _event="json", **record).text)["answers"]
            files[kind] = inside[f"{stem}.{kind}"]
            continue
        files[kind] = r.text
    report = json.loads(files["json"])
    assert (report["flag"], report["first"], report["priority"]) == \
        (expected["flag"], expected["first"], expected["priority"])
    assert {k: report["answers"].get(k) for k in expected["answers"]} == expected["answers"]
    assert report["report"]["said"] == record["said"] and report["report"]["case_ref"] == "2026-014"
    actions = first_actions(bundle, "nl", expected["first"])
    for kind in ("md", "txt"):
        body = " ".join(files[kind].split())  # plain text wraps its lines
        assert all(a in body for a in actions), kind
        assert body.index(tx("first_title", priority="").split("(")[0]) < body.index(tx("report_said"))
        for key in ("report_said", "report_done", "report_told"):
            assert tx(key) in body
    assert "'hij stuurde het door'" in files["txt"] and "\n# geen kop" in files["txt"]
    assert "\\# geen kop" in files["md"], "the user's text cannot make a Markdown heading"
    assert "BEGIN:VEVENT" in files["ics"]
    assert "SUMMARY:" + tx("ics_summary_ref", ref="2026-014") in files["ics"], "the case reference typed on the form"
    assert not any(x in files["ics"] for x in ("mentor", "hij stuurde", "Gesprek", "Zorgco")), "no case details"


def test_the_report_sections_stand_there_to_fill_in_when_left_empty(client):
    page = finish(client, decide(client, CLEAR))
    body = report_of(post(client, page, "/triage/download", _event="txt"))
    assert tx("report_title") in body and tx("report_said") in body and body.count(tx("report_fill")) == 3


def test_the_follow_up_takes_the_days_chosen(client):
    page = finish(client, decide(client, CLEAR))
    r = post(client, page, "/triage/download", _event="ics", days="3")
    import datetime as dt

    when = dt.date.today() + dt.timedelta(days=3)
    assert f'filename="follow-up-{when.isoformat()}.ics"' in r.headers["content-disposition"]
    assert f"DTSTART;VALUE=DATE:{when.strftime('%Y%m%d')}" in r.text
    for days in ("0", "366", "x"):
        r = post(client, page, "/triage/download", _event="ics", days=days)
        assert r.status_code == 400 and tx("SP873") in r.text


def test_no_files_before_the_end_or_from_a_bad_state(client):
    page = decide(client, CLEAR)
    for state, kind in ((page.state(), "md"), ("{bad", "md"), (page.state(), "exe")):
        r = client.post("/triage/download", data={"_answers": state, "_event": kind}, headers=ORIGIN)
        assert r.status_code == 400 and tx("SP871") in r.text
    end = finish(client, page)
    r = post(client, end, "/triage/download", _event="md", signal_date="gisteren")
    assert r.status_code == 400 and tx("SP813", value="gisteren") in Page(r.text).words()


# --- escaping --------------------------------------------------------------------------------


def test_a_hostile_confirmation_reason_is_escaped(client, engine):
    page = confirm(client, decide(client, SPREAD), confirmed_flag="black", confirmed_reason=HOSTILE)
    end = walk(client, {}, page)
    for p in (page, end):
        assert "<script>alert" not in p.html and "<img" not in p.html
        assert [a.get("src") for a in p.all("script")] == ["/static/triage.js"] and not p.all("img"), \
            "no script but the pages' own file"
    assert conv.load(engine, end.state()).confirmation.reason == HOSTILE, "carried intact"
    assert HOSTILE in end.words(), "shown as text"


def test_a_hostile_school_layer_is_escaped_on_the_triage_pages(home):
    (home / "contacts.yaml").write_text(textwrap.dedent(f"""\
        contacts:
          - id: veilig_thuis
            phone: {('"><img src=x onerror=alert(1)> 0800-2000')!r}
          - id: emergency_112
            person: "<b onmouseover=alert(2)>centrale</b>"
        """), encoding="utf-8")
    client = client_for(home)
    pages = [decide(client, SPREAD), answer(client, Page(client.get("/triage").text), "yes")]
    for page in pages:
        assert page.html and "<img" not in page.html and "<b onmouseover" not in page.html
        for tag, attrs, _ in page.tags:
            assert not any(k.startswith("on") for k in attrs), f"<{tag} {attrs}>"
        assert all(re.fullmatch(r"tel:\+?\d+", a["href"]) for a in page.all("a") if a.get("href", "").startswith("tel:"))
    assert "onerror=alert(1)" in pages[0].words(), "shown as text"
    assert "<b onmouseover=alert(2)>centrale</b>" in pages[1].words()


def test_every_form_goes_forward_first_and_carries_no_answers_in_its_address(client):
    pages = [Page(client.get("/triage").text), walk(client, SPREAD)]
    pages.append(Page(post(client, pages[-1], _event="review").text))
    pages.append(finish(client, pages[-1]))
    for page in pages:
        for i, form in enumerate(page.forms):
            assert form.get("method") == "post"
            assert re.fullmatch(r"/triage(/continue|/download)?(\?lang=(nl|en))?", form["action"]), form
            first = page.buttons(i)[0]
            assert first in ("answer", "review", "confirm", "md", "lang", ""), first


def test_a_reload_or_an_older_tab_posts_its_own_state_again(client):
    first = answer(client, Page(client.get("/triage").text), "no")
    ahead = walk(client, SPREAD, first, until="age_depicted")
    again = [Page(post(client, first, _event="answer", self_harm_concern="no").text) for _ in range(2)]
    assert again[0].state() == again[1].state() and again[0].question() == "sexual_violence_recent", \
        "the page before, posted again (a reload, another tab), goes on from there"
    assert ahead.question() == "age_depicted", "and the tab that went ahead is untouched"


def test_the_access_log_holds_no_answers(client, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="sexting_protocol.web.access"):
        page = confirm(client, decide(client, SPREAD), confirmed_flag="black", confirmed_reason="geheim-1234")
        post(client, walk(client, {}, page), "/triage/download", _event="md", said="geheim-5678")
    lines = [r.getMessage() for r in caplog.records]
    assert lines and all(re.fullmatch(r"(GET|POST) /triage(/download)? \d+", x) for x in lines), lines


def test_the_signal_date_on_the_end_page_is_today_unless_chosen(client):
    """The terminal offers today; the browser's field started empty, so the report said
    "Datum signaal: —" (and its label asked for dag-maand-jaar beside a date picker)."""
    import datetime as dt

    end = finish(client, decide(client, CLEAR))
    [field] = [a for a in end.all("input") if a.get("id") == "signal_date"]
    assert field["value"] == dt.date.today().isoformat() and field["type"] == "date"
    assert tx("web_signal_date") in end.words() and "7-12-2026" not in end.words()
