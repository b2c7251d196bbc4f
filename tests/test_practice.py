"""`sexting-protocol practice`: listing, JSON, errors, rounds driven in-process and in a terminal,
and every case of the scenario library checked against what it expects."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from sexting_protocol.store import bundle as data

from sexting_protocol.cli import practice
from sexting_protocol.store.answers import from_source
from sexting_protocol.cli.main import main
from sexting_protocol.cli.options import Globals
from sexting_protocol.core.engine import Engine
from sexting_protocol.cli.env import Env
from sexting_protocol.core.errors import DataError, UserError
from sexting_protocol.core.model import FLAGS
from sexting_protocol.present.views import DecisionView

CASES_FILE = data.shipped("cases.yaml")
RAW = yaml.safe_load(Path(CASES_FILE).read_text(encoding="utf-8"))
PRACTISED = [c for c in RAW if "exit" not in c["expect"]]
REFUSED = [c for c in RAW if "exit" in c["expect"]]
A_CASE = next(c for c in PRACTISED if c["expect"].get("flag") == "yellow")["id"]


def cli(*args: str, tty: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdout=out, stderr=err, stdin_isatty=tty, stdout_isatty=tty, no_color=True)
    return main(list(args), env=env), out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def view() -> DecisionView:
    bundle = data.load()
    return DecisionView(bundle, "nl", Engine(bundle.protocol))


@pytest.fixture(scope="module")
def engine(view) -> Engine:
    return view.e


@pytest.fixture(scope="module")
def loaded(view) -> dict[str, practice.Scenario]:
    return {s.case.id: s for s in practice.load(view)}


def flat(text: str) -> str:
    """Output with its line wrapping undone."""
    return " ".join(text.split())


# --- listing, JSON and errors: no terminal needed ---------------------------------------------------


def test_list_shows_every_practised_case_without_a_terminal():
    rc, out, err = cli("practice", "--list")
    assert rc == 0 and not err
    lines = out.splitlines()
    assert len(lines) == len(PRACTISED)
    for case, line in zip(PRACTISED, lines):
        assert line.startswith(case["id"] + " ") and line.endswith(case["title"]["nl"])
    assert not any(c["id"] in out for c in REFUSED)  # refused answers files are tests, not cases


def test_list_in_english_and_as_json():
    """One object, like every other --json (issue 10)."""
    rc, out, _ = cli("--lang", "en", "practice", "--list", "--json")
    assert rc == 0
    listed = json.loads(out)
    assert list(listed) == ["cases"]
    assert listed["cases"][0] == {"id": PRACTISED[0]["id"], "title": PRACTISED[0]["title"]["en"]}
    assert len(listed["cases"]) == len(PRACTISED)


def test_json_case_prints_case_and_decision():
    rc, out, err = cli("practice", "--json", "--case", A_CASE)
    assert rc == 0 and not err
    obj = json.loads(out)
    assert set(obj) == {"case", "decision"}
    case = next(c for c in PRACTISED if c["id"] == A_CASE)
    assert obj["case"]["id"] == A_CASE and obj["case"]["title"] == case["title"]["nl"]
    assert obj["case"]["story"] == case["story"]["nl"]
    assert obj["case"]["answers"]["age_depicted"] == case["answers"]["age_depicted"]
    assert obj["decision"]["flag"] == case["expect"]["flag"]
    assert {"criteria", "routes", "contacts", "plan", "reasons", "answers"} <= set(obj["decision"])


def test_json_case_keeps_the_confirmation():
    case = next(c for c in PRACTISED if "confirmed_flag" in c["answers"])
    rc, out, _ = cli("practice", "--json", "--case", case["id"])
    obj = json.loads(out)
    assert rc == 0
    assert obj["case"]["answers"]["confirmed_flag"] == case["answers"]["confirmed_flag"]
    assert obj["decision"]["confirmed_flag"] == case["expect"]["confirmed_flag"]


def test_json_needs_a_case():
    rc, out, err = cli("practice", "--json")
    assert rc == 2 and not out and "--case" in err


def test_unknown_case_lists_the_ids():
    rc, out, err = cli("practice", "--case", "no-such-case", tty=True)
    assert rc == 2 and not out
    assert "no-such-case" in err and PRACTISED[0]["id"] in err and PRACTISED[-1]["id"] in err


def test_a_refused_case_is_not_practised():
    rc, _, err = cli("practice", "--json", "--case", REFUSED[0]["id"])
    assert rc == 2 and "--case" in err


def test_no_terminal_gives_a_hint():
    rc, out, err = cli("practice")
    assert rc == 2 and not out
    assert "--list" in err and "--json --case" in err and "Traceback" not in err


# --- rounds driven in-process -----------------------------------------------------------------------


class Scripted:
    """An asker that answers from lists and records what was asked."""

    def __init__(self, ratings, flag, routes, go_on=True):
        self.ratings, self.flag, self.routes, self.go_on = list(ratings), flag, routes, go_on
        self.asked: list[str] = []
        self.rated = 0

    def choice(self, message, options, default=None, help=None, back=False):
        self.asked.append(message)
        values = [v for v, _ in options]
        if "unknown" in values:  # a criterion
            answer, self.rated = self.ratings[self.rated % len(self.ratings)], self.rated + 1
        else:
            answer = self.flag
        assert answer in values
        return answer

    def checkbox(self, message, options, instruction, checked=(), help=None):
        self.asked.append(message)
        assert set(self.routes) <= {v for v, _ in options} and instruction
        return list(self.routes)

    def yes_no(self, message, default=True):
        self.asked.append(message)
        return self.go_on


def _run(opts: practice.Options, asker, lang: str = "nl") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    state = Globals(Env(stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False, no_color=True, lang=lang))
    return practice.run(state, opts, asker=asker), out.getvalue(), err.getvalue()


def test_a_full_round_shows_the_comparison(loaded, engine):
    s = loaded[A_CASE]
    d = engine.decide(s.answers, s.confirmation)
    ratings = ["green", "green", "red", "green", "unknown", "green"]
    asker = Scripted(ratings, "red", ["consult", "police"])
    rc, out, err = _run(practice.Options(case=A_CASE), asker)
    assert rc == 0 and not err
    assert len(asker.asked) == 8  # six criteria, a flag, the routes; one case: no "next?"
    assert s.case.story.nl in flat(out)
    assert "Jouw vlag: ROOD. Het vlaggensysteem: GEEL. ✗" in out
    assert "Waarom deze vlag" in out  # the tool's reasons
    assert "Zedenpolitie" in out and "Zelf hulp organiseren" in out  # mine and the tool's routes
    assert "Dezelfde vlag als het vlaggensysteem: 0 van 1" in out
    differed = [c for c, r in zip(d.assessment.criteria, ratings) if d.assessment.criteria[c] != r]
    assert differed  # the summary names each criterion weighed differently
    for crit in engine.p.criteria:
        assert (f"{crit.name.nl}: 1 van 1 keer anders" in out) == (crit.id in differed)


def test_advice_shown_is_what_the_plan_refers_to(loaded, engine, view):
    s = loaded[A_CASE]
    d = engine.decide(s.answers, s.confirmation)
    text = "\n".join(b.text if hasattr(b, "text") else "\n".join(getattr(b, "items", []))
                     for b in practice.advice_blocks(view, d))
    ids = {a for step in d.plan for i in step.items for a in i.advice}
    assert ids
    for a in (*engine.p.dos, *engine.p.donts):
        assert (a.title.nl + ":" in text) == (a.id in ids)


def test_summary_counts_flags_and_criteria(loaded, engine):
    rounds = []
    for cid in list(loaded)[:4]:
        s = loaded[cid]
        d = engine.decide(s.answers, s.confirmation)
        rounds.append(practice.Round(s, {c: "green" for c in d.assessment.criteria}, "yellow", [], d))
    matched, differed = practice.summary(rounds)
    assert matched == sum(r.decision.flag == "yellow" for r in rounds)
    want = {c: sum(r.decision.assessment.criteria[c] != "green" for r in rounds) for c in rounds[0].criteria}
    assert dict(differed) == {c: n for c, n in want.items() if n}
    assert [n for _, n in differed] == sorted((n for _, n in differed), reverse=True)


def test_a_session_of_five_and_its_summary(loaded, engine):
    asker = Scripted(["green"] * 6, "yellow", ["self_help"])
    rc, out, _ = _run(practice.Options(count=5, seed=7), asker)
    assert rc == 0
    import random

    picked = random.Random(7).sample(list(loaded.values()), 5)
    assert [out.index(s.case.title.nl) for s in picked] == sorted(out.index(s.case.title.nl) for s in picked)
    matched = sum(practice.decide(engine, s, Env()).flag == "yellow" for s in picked)
    assert f"Dezelfde vlag als het vlaggensysteem: {matched} van 5 casus(sen)." in out
    assert asker.asked.count("Door naar de volgende casus?") == 4


def test_same_seed_same_order_and_count_is_capped(loaded):
    orders = []
    for _ in range(2):
        asker = Scripted(["green"] * 6, "green", [])
        _run(practice.Options(count=999, seed=3), asker, lang="en")
        orders.append([m for m in asker.asked if m.startswith("Which flag")])
    assert orders[0] == orders[1] and len(orders[0]) == len(loaded)


def test_stopping_early_still_summarises():
    asker = Scripted(["green"] * 6, "green", [], go_on=False)
    rc, out, _ = _run(practice.Options(count=3, seed=1), asker)
    assert rc == 0 and "van 1 casus(sen)" in out


def test_ctrl_c_is_130_and_says_nothing_was_saved():
    class Interrupt(Scripted):
        def checkbox(self, *a, **k):
            raise KeyboardInterrupt

    rc, _, err = _run(practice.Options(case=A_CASE), Interrupt(["green"] * 6, "green", []))
    assert rc == 130 and "Afgebroken, niets opgeslagen." in err


def test_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _run(practice.Options(count=2, seed=1), Scripted(["red"] * 6, "red", ["police"]))
    assert list(tmp_path.iterdir()) == []


def test_a_round_through_prompt_toolkit_pipe_input(loaded, engine, view):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from sexting_protocol.cli.prompts import Asker

    down, enter = "\x1b[B", "\r"
    with create_pipe_input() as inp:
        asker = Asker(view.t, input=inp, output=DummyOutput())
        # criteria: green, yellow (one down), green x4; flag: yellow; routes: tick the 4th and 5th
        for keys in [enter, down + enter, enter, enter, enter, enter, down + enter,
                     down * 3 + " " + down + " " + enter]:
            inp.send_text(keys)
        s = loaded[A_CASE]
        r = practice.play(asker, view, s, practice.decide(engine, s, Env()))
    assert r.criteria == {"consent": "green", "voluntariness": "yellow", "equality": "green",
                          "age_appropriate": "green", "context": "green", "self_respect": "green"}
    assert r.flag == "yellow"
    assert r.routes == [engine.t.routes[3].id, engine.t.routes[4].id]


# --- every case in the library is also a test -------------------------------------------------------


def _index(case_id: str) -> int:
    return next(i for i, c in enumerate(RAW) if c["id"] == case_id)


@pytest.mark.parametrize("case", PRACTISED, ids=[c["id"] for c in PRACTISED])
def test_library_case_leads_to_what_it_expects(case, loaded, engine):
    s = loaded[case["id"]]
    d = engine.decide(s.answers, s.confirmation)
    e = case["expect"]
    if "flag" in e:
        assert d.flag == e["flag"]
    if "flag_at_least" in e:
        assert FLAGS.index(d.flag) >= FLAGS.index(e["flag_at_least"])
    if "confirmed_flag" in e:
        assert d.confirmed.flag == e["confirmed_flag"]
    if "urgent" in e:
        assert d.assessment.urgent is e["urgent"]
    assert set(e.get("routes_include", [])) <= set(d.routes)
    assert not set(e.get("routes_exclude", [])) & set(d.routes)
    assert set(e.get("contacts_include", [])) <= set(d.contacts)
    assert set(e.get("unknown_include", [])) <= set(d.unknown)
    if "max_asked" in e:
        assert 0 < len(d.asked) <= e["max_asked"]


@pytest.mark.parametrize("case", REFUSED, ids=[c["id"] for c in REFUSED])
def test_library_case_that_must_be_refused(case, view):
    src = data.read(CASES_FILE)
    part = practice._Within(src.path, src.text, {"answers": src.raw[_index(case["id"])]["answers"]},
                            at=(_index(case["id"]),))
    with pytest.raises(UserError) as err:
        from_source(part, view.e, lambda cid: view.contact_line(view.b.contact(cid)))
    assert err.value.exit_code == case["expect"]["exit"]
    assert case["expect"].get("message_contains", "") in err.value.message


def test_a_bad_case_names_its_file_and_line(tmp_path, view):
    bad = tmp_path / "cases.yaml"
    bad.write_text(
        "- id: fine\n  title: {nl: t}\n  story: {nl: s}\n  answers: {voluntary: 'yes'}\n  expect: {flag: yellow}\n"
        "- id: broken\n  title: {nl: t}\n  story: {nl: s}\n  answers:\n    impact: 'much'\n  expect: {flag: red}\n",
        encoding="utf-8")
    with pytest.raises(DataError) as err:
        practice.load(view, str(bad))
    assert f"{bad}:10:" in err.value.message and "impact" in err.value.message


# --- end to end in a pseudo-terminal ----------------------------------------------------------------


def test_one_round_in_a_terminal():
    pexpect = pytest.importorskip("pexpect")
    exe = shutil.which("sexting-protocol", path=os.path.dirname(sys.executable)) or shutil.which("sexting-protocol")
    if exe is None:
        pytest.skip("sexting-protocol is not installed")
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "NO_COLOR": "1", "TERM": "xterm-256color"}
    env.pop("SEXTING_PROTOCOL_LANG", None)
    child = pexpect.spawn(exe, ["practice", "--case", A_CASE, "--seed", "1"], env=env, encoding="utf-8",
                          timeout=20, dimensions=(60, 140))
    down = "\x1b[B"
    try:
        for i in range(6):  # the six criteria: all green but equality (yellow)
            child.expect("welke kleur geef je")
            child.send((down if i == 2 else "") + "\r")
        child.expect("Welke vlag stel je voor")
        child.send(down + "\r")  # yellow
        child.expect("Welke routes neem je eerst")
        child.expect("Acuut gevaar")
        child.send(down * 3 + " " + down + " " + down + " " + "\r")  # self_help, consult, inform_parents
        child.expect("Jouw weging naast het vlaggensysteem")
        child.expect("Jouw vlag: GEEL. Het vlaggensysteem: GEEL. ✓")
        child.expect("Waarom deze vlag")
        child.expect("Dezelfde vlag als het vlaggensysteem: 1 van 1")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
