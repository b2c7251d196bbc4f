"""Hostile and broken input, seventh round: a fifth fresh red-team pass of issue 18's surfaces,
the newer ones first (`followup` with --answers, --json and at the prompts, the case file
carried on, the browser's continue-a-case upload). Each test names what it keeps fixed, and
goes through the command line (or the page) where a user would meet it."""

from __future__ import annotations

import json

import pytest

from conftest import CLEAR, FLAGS

GROUP = {**CLEAR, "shared_further": "group"}
PRIORITIES = ["routine", "days", "today", "now"]  # least urgent first


def case_file(run, write, tmp_path, answers: dict, name: str = "v") -> str:
    r = run("triage", "--answers", write(f"{name}.yaml", answers), "--report", tmp_path / f"{name}.md",
            "--case-ref", "K-7")
    assert r.code == 0, r.err
    return str(tmp_path / f"{name}.json")


# --- a young person's flag is never lowered by doubt at the follow-up -------------------------


@pytest.mark.parametrize("known", [
    {"impact": "serious"}, {"impact": "severe"}, {"self_harm_concern": "yes"}, {"still_spreading": "yes"},
    {"impact": "serious", "self_harm_concern": "yes", "still_spreading": "yes"},
], ids=["impact-serious", "impact-severe", "self-harm", "still-spreading", "all"])
def test_weet_ik_niet_at_the_follow_up_never_lowers_what_was_known(run, write, tmp_path, known):
    """A case weighed red because the harm was serious (`impact: serious`), followed up with
    "weet ik niet" for how it goes now, came out yellow: the confirmation was dropped and the
    new report said yellow. A known concern about self-harm (priority now) answered "weet ik
    niet" at the follow-up went down to today; a known spreading to routine. Doubt never
    lowers the flag or the priority: what was known stands until it is known to be better."""
    case = case_file(run, write, tmp_path, {**CLEAR, **known})
    doubt = write("fu.yaml", {q: "weet ik niet" for q in known})
    out = json.loads(run("followup", case, "--answers", doubt, "--json").out)
    before, after = out["before"], out["after"]
    assert FLAGS.index(after["flag"]) >= FLAGS.index(before["flag"]), (before, after["flag"])
    assert FLAGS.index(after["confirmed_flag"]) >= FLAGS.index(before["confirmed_flag"])
    assert PRIORITIES.index(after["priority"]) >= PRIORITIES.index(before["priority"]), (before, after["priority"])


@pytest.mark.parametrize("question", ["impact", "self_harm_concern"])
def test_doubt_where_all_was_well_still_adds_its_weight(run, write, tmp_path, question):
    """The other way round doubt counts as in a first triage: a case where nothing was wrong,
    followed up with "weet ik niet", is at least yellow (the rule that keeps an unknown safety
    or core question at least yellow)."""
    case = case_file(run, write, tmp_path, CLEAR)
    out = json.loads(run("followup", case, "--answers", write("fu.yaml", {question: "unknown"}), "--json").out)
    assert out["before"]["flag"] == "green" and FLAGS.index(out["after"]["flag"]) >= FLAGS.index("yellow")


def test_a_known_answer_that_got_better_still_lowers_the_flag(run, write, tmp_path):
    """Not doubt but news: the harm is gone (`impact: none`) is weighed as said."""
    case = case_file(run, write, tmp_path, {**CLEAR, "impact": "serious"})
    out = json.loads(run("followup", case, "--answers", write("fu.yaml", {"impact": "none"}), "--json").out)
    assert out["before"]["flag"] == "red" and out["after"]["flag"] == "green"
    assert out["entry"]["changed"] == {"impact": "none"}

