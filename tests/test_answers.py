"""Answers files (YAML or JSON): what is accepted, what is refused and how, and that a decision
or a JSON report can be given back to continue a case."""

from __future__ import annotations

import json
import re

import pytest

from conftest import CLEAR, FLAGS, JSON_KEYS
from sexting_protocol.store import answers as answers_mod
from sexting_protocol.store import yamlio


def triage(run, path, *extra):
    return run("triage", "--answers", path, "--json", *extra)


def decided(run, write, content, name="a.yaml"):
    r = triage(run, write(name, content))
    assert r.code == 0, r.err
    return r.json()


def refused(r, path, *words, line=None):
    assert r.code == 2, (r.code, r.out, r.err)
    assert r.out == ""
    assert "Traceback" not in r.err
    assert path in r.err
    if line is not None:
        assert f"{path}:{line}:" in r.err, r.err
    for w in words:
        assert w in r.err, f"{w!r} not in {r.err!r}"


# --- accepted forms ----------------------------------------------------------------------------


def test_yaml_booleans_and_unquoted_yes_no(run, write):
    text = "immediate_danger: no\nself_harm_concern: false\nsexual_violence_recent: No\nextortion: yes\n"
    out = decided(run, write, text)
    assert out["answers"]["immediate_danger"] == "no"
    assert out["answers"]["self_harm_concern"] == "no"
    assert out["answers"]["sexual_violence_recent"] == "no"
    assert out["answers"]["extortion"] == "yes"
    assert out["flag"] == "black"


def test_json_booleans(run, write):
    out = decided(run, write, {"extortion": True, "violent_content": False}, "a.json")
    assert (out["answers"]["extortion"], out["answers"]["violent_content"]) == ("yes", "no")


@pytest.mark.parametrize("value,expected", [("ja", "yes"), ("nee", "no"), ("Ja", "yes"), ("NEE", "no")])
def test_ja_nee(run, write, value, expected):
    out = decided(run, write, {"extortion": value})
    assert out["answers"]["extortion"] == expected


def test_ja_for_a_yes_option_of_a_richer_question(run, write):
    # voluntary has an option `yes` (among others): ja is accepted for it
    out = decided(run, write, {"voluntary": "ja", "context_ok": "nee"})
    assert out["answers"]["voluntary"] == "yes"
    assert out["answers"]["context_ok"] == "no"


@pytest.mark.parametrize("value", ["weet ik niet", "weet niet", "Weet Ik Niet", "unknown", "UNKNOWN", "  weet  ik niet "])
def test_dont_know(run, write, value):
    out = decided(run, write, {**CLEAR, "voluntary": value})
    assert out["answers"]["voluntary"] == "unknown"
    assert "voluntary" in out["unknown"]
    assert out["flag"] != "green"


def test_values_are_matched_without_regard_to_case(run, write):
    out = decided(run, write, {**CLEAR, "shared_further": "GROUP", "other_person": "Peer", "impact": "Serious"})
    assert out["answers"]["shared_further"] == "group"
    assert out["answers"]["other_person"] == "peer"
    assert out["answers"]["impact"] == "serious"


def test_missing_questions_count_as_unknown(run, write):
    out = decided(run, write, {"extortion": "no"})
    assert "extortion" not in out["unknown"] and len(out["unknown"]) == 23
    # the record keeps what was given: the others were never answered, so not "unknown"
    # (plus the setting, which `answers` always holds: the default, school)
    assert out["answers"] == {"extortion": "no", "setting": "school"}


def test_an_empty_file_is_all_unknown(run, write):
    out = decided(run, write, "")
    assert out["flag"] in FLAGS and out["flag"] != "green"
    assert "consult" in out["routes"]


def test_every_answer_in_the_file_is_used_also_those_not_asked(run, write):
    # with extortion yes the case is black whatever else; home_risk still changes the routes
    out = decided(run, write, {**CLEAR, "extortion": "yes", "impact": "severe"})
    assert out["answers"]["impact"] == "severe"
    assert out["criteria"]["self_respect"] == "red"


def test_ages_as_whole_numbers(run, write):
    out = decided(run, write, {"age_depicted": 14, "age_other": "16"})
    assert (out["answers"]["age_depicted"], out["answers"]["age_other"]) == (14, 16)


def test_a_contradiction_is_not_refused_but_warned(run, write):
    out = decided(run, write, {**CLEAR, "adult_involved": "no", "age_other": 30})
    assert out["flag"] == "black"
    assert any("warning" in r for r in out["reasons"])


# --- refused ------------------------------------------------------------------------------------


def test_unknown_key(run, write):
    path = write("a.yaml", "extortion: no\nsexting_level: 3\n")
    r = triage(run, path)
    refused(r, path, "sexting_level", "immediate_danger", "confirmed_flag", line=2)


def test_unknown_value_names_line_question_and_allowed_values(run, write):
    path = write("a.yaml", "extortion: no\nshared_further: whole_school\n")
    r = triage(run, path)
    refused(r, path, "shared_further", "whole_school", line=2)
    for allowed in ("no", "few", "group", "public_online", "unknown"):
        assert re.search(rf"\b{allowed}\b", r.err.split("whole_school", 1)[1]), allowed


def test_boolean_for_a_question_without_yes_or_no(run, write):
    path = write("a.yaml", "impact: true\n")
    refused(triage(run, path), path, "impact", "none", "severe", line=1)


def test_ja_for_a_question_without_yes_or_no(run, write):
    path = write("a.yaml", "power_difference: ja\n")
    refused(triage(run, path), path, "power_difference", "none", "large", line=1)


@pytest.mark.parametrize("value", ["15.5", "-1", "vijftien", "[15]"])
def test_age_must_be_a_whole_number_in_range(run, write, value):
    path = write("a.yaml", f"extortion: no\nage_depicted: {value}\n")
    refused(triage(run, path), path, "age_depicted", "0", "99", line=2)


def test_age_other_over_99(run, write):
    path = write("a.yaml", "age_other: 100\n")
    refused(triage(run, path), path, "age_other", "99", line=1)


def test_a_key_given_twice(run, write):
    path = write("a.yaml", "extortion: no\nimpact: mild\nextortion: yes\n")
    refused(triage(run, path), path, "extortion", line=3)


def test_a_key_given_twice_in_json(run, write):
    path = write("a.json", '{"extortion": "no",\n "extortion": "yes"}\n')
    refused(triage(run, path), path, "extortion", line=2)


@pytest.mark.parametrize("flag", ["purple", "rood", "GROEN"])
def test_confirmed_flag_not_a_flag(run, write, flag):
    path = write("a.yaml", f"extortion: no\nconfirmed_flag: {flag}\nconfirmed_reason: x\n")
    r = triage(run, path)
    refused(r, path, "confirmed_flag", *FLAGS, line=2)


def test_confirmed_flag_below_the_limit(run, write):
    answers = {**CLEAR, "online_only_contact": "yes", "confirmed_flag": "yellow", "confirmed_reason": "leeftijdgenoot",
               "confirmed_consulted": "IB-er"}
    path = write("a.yaml", answers)
    line = list(answers).index("confirmed_flag") + 1
    r = triage(run, path)
    refused(r, path, "confirmed_flag", "red", "black", line=line)
    assert "yellow" in r.err


def test_lowering_red_without_consulted(run, write):
    answers = {**CLEAR, "recipient_wanted": "no", "confirmed_flag": "yellow", "confirmed_reason": "eenmalig"}
    path = write("a.yaml", answers)
    refused(triage(run, path), path, "confirmed_consulted")


def test_another_flag_without_a_reason(run, write):
    path = write("a.yaml", {**CLEAR, "context_ok": "somewhat", "confirmed_flag": "red"})
    refused(triage(run, path), path, "confirmed_reason")


def test_a_confirmed_flag_within_the_limits(run, write):
    answers = {**CLEAR, "recipient_wanted": "no", "confirmed_flag": "Yellow", "confirmed_reason": "eenmalig",
               "confirmed_consulted": "zorgcoördinator"}
    out = decided(run, write, answers)
    assert (out["flag"], out["confirmed_flag"]) == ("red", "yellow")
    assert "self_help" in out["routes"]
    assert out["answers"]["confirmed_reason"] == "eenmalig"
    assert out["answers"]["confirmed_consulted"] == "zorgcoördinator"


def test_confirmed_text_must_be_text(run, write):
    path = write("a.yaml", "confirmed_flag: red\nconfirmed_reason: [a, b]\n")
    refused(triage(run, path), path, "confirmed_reason", line=2)


def test_a_huge_value_is_not_echoed_back(run, write):
    marker = "EINDEVANDEWAARDE"
    path = write("a.yaml", {"shared_further": "x" * 20_000 + marker})
    r = triage(run, path)
    refused(r, path, "shared_further")
    assert marker not in r.err
    assert len(r.err) < 2_000


def test_a_nested_value_is_not_echoed_back(run, write):
    marker = "GENESTEWAARDE"
    path = write("a.yaml", {"shared_further": {"deep": [{"deeper": marker}]}})
    r = triage(run, path)
    refused(r, path, "shared_further", "group")
    assert marker not in r.err and "deeper" not in r.err


def test_a_huge_key_is_not_echoed_back(run, write):
    marker = "EINDEVANDESLEUTEL"
    path = write("a.yaml", {"q" * 20_000 + marker: "yes"})
    r = triage(run, path)
    refused(r, path)
    assert marker not in r.err
    assert len(r.err) < 2_000


def test_a_file_over_1_mb(run, tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text("extortion: no\n#" + "x" * 1_100_000 + "\n", encoding="utf-8")

    real_parse = yamlio.parse_nodes  # yamlio.parse too reads through it

    def no_parse(text, where, *args):
        if where == str(path):
            raise AssertionError("a file over the limit was parsed")
        return real_parse(text, where, *args)

    monkeypatch.setattr(yamlio, "parse_nodes", no_parse)
    r = triage(run, str(path))
    refused(r, str(path))


def test_not_a_mapping(run, write):
    path = write("a.yaml", "- extortion\n- no\n")
    refused(triage(run, path), path)


def test_yaml_syntax_error(run, write):
    path = write("a.yaml", "extortion: no\nimpact: [mild\n")
    refused(triage(run, path), path)


def test_missing_answers_file(run, tmp_path):
    path = str(tmp_path / "nope.yaml")
    refused(triage(run, path), path)


def test_every_problem_is_named(run, write):
    path = write("a.yaml", "extortion: perhaps\nimpact: true\nfoo: 1\n")
    r = triage(run, path)
    refused(r, path, "extortion", "impact", "foo")
    for line in (1, 2, 3):
        assert f"{path}:{line}:" in r.err


# --- out of scope -------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [18, 19, 25])
def test_age_18_or_over_is_out_of_scope(run, write, bundle, age):
    # out of scope only when the other person is known to be an adult too (v3: age_other unknown is in scope)
    path = write("a.yaml", {"adult_involved": "yes", "age_depicted": age, "age_other": 30})
    r = triage(run, path)
    assert r.code == 2
    assert r.out == ""
    assert "0900-8844" in r.err  # the police
    assert "020-261 52 75" in r.err  # Helpwanted
    assert bundle.contact("slachtofferhulp").phone.value in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize("answers", [{"adult_involved": "yes", "age_depicted": 25},
                                     {"adult_involved": "yes", "age_depicted": 25, "age_other": "unknown"},
                                     {"adult_involved": "yes", "age_depicted": 25, "age_other": 15}])
def test_an_adult_in_the_images_with_a_young_or_unknown_other_is_in_scope(run, write, answers):
    # contract v3: an adult in the images with age_other under 18 or unknown is adult contact, not out of scope
    out = decided(run, write, answers)
    assert out["flag"] == "black"


def test_out_of_scope_in_english(run, write, bundle):
    path = write("a.yaml", {"age_depicted": 18, "age_other": 30})
    r = run("--lang", "en", "triage", "--answers", path, "--json")
    assert r.code == 2
    assert "0900-8844" in r.err
    scope = next(q for q in bundle.protocol.questions if q.id == "age_depicted").out_of_scope.text
    assert scope.en in r.err and scope.nl not in r.err, r.err


# --- given back ---------------------------------------------------------------------------------


@pytest.mark.parametrize("answers", [
    CLEAR,
    {**CLEAR, "shared_further": "group", "spread_to_hurt": "yes"},
    {"extortion": "yes", "online_only_contact": "yes"},
    {},
    {**CLEAR, "recipient_wanted": "no", "confirmed_flag": "yellow", "confirmed_reason": "eenmalig",
     "confirmed_consulted": "IB-er"},
    {**CLEAR, "adult_involved": "yes", "age_other": 19, "confirmed_flag": "red", "confirmed_reason": "r",
     "confirmed_consulted": "ZAT"},
])
def test_json_output_given_back_gives_the_same_decision(run, write, answers):
    first = decided(run, write, answers)
    assert set(JSON_KEYS) <= set(first)
    again = decided(run, write, first, "back.json")
    for key in ("flag", "confirmed_flag", "urgent", "criteria", "routes", "contacts", "unknown", "asked", "plan"):
        assert again[key] == first[key], key
    # and once more, as YAML
    third = decided(run, write, again, "back.yaml")
    assert (third["flag"], third["confirmed_flag"], third["routes"]) == (first["flag"], first["confirmed_flag"],
                                                                         first["routes"])


def test_json_report_given_back_gives_the_same_decision(run, write, tmp_path):
    answers = write("a.yaml", {**CLEAR, "shared_further": "few", "recipient_wanted": "no", "confirmed_flag": "black",
                               "confirmed_reason": "ernstiger"})
    report = tmp_path / "verslag.json"
    r = run("triage", "--answers", answers, "--report", report, "--case-ref", "2026-014")
    assert r.code == 0, r.err
    first = json.loads(report.read_text(encoding="utf-8"))
    again = decided(run, write, first, "back.json")
    assert (again["flag"], again["confirmed_flag"], again["routes"]) == (first["flag"], first["confirmed_flag"],
                                                                         first["routes"])
    assert again["confirmed_flag"] == "black"


def test_a_continued_case_can_add_what_is_now_known(run, write):
    first = decided(run, write, {"extortion": "no", "shared_further": "few"})
    assert "voluntary" in first["unknown"]
    first["answers"]["voluntary"] = "yes"
    again = decided(run, write, first, "back.json")
    assert again["answers"]["voluntary"] == "yes"
    assert "voluntary" not in again["unknown"]


def test_a_decision_object_with_a_bad_answer_names_its_path(run, write):
    first = decided(run, write, CLEAR)
    first["answers"]["impact"] = "enorm"
    text = json.dumps(first, indent=2)
    path = write("back.json", text)
    line = text.splitlines().index(next(l for l in text.splitlines() if '"impact": "enorm"' in l)) + 1
    refused(triage(run, path), path, "impact", "enorm", line=line)


# --- the module as a unit ------------------------------------------------------------------------


def test_normalise_as_a_unit(engine):
    q = engine.questions
    assert answers_mod.normalise(q["extortion"], True) == "yes"
    assert answers_mod.normalise(q["extortion"], None) == "unknown"
    assert answers_mod.normalise(q["impact"], True) is None
    assert answers_mod.normalise(q["age_depicted"], 12) == 12
    assert answers_mod.normalise(q["age_depicted"], 12.0) is None
    assert answers_mod.normalise(q["age_depicted"], "weet niet") == "unknown"


def test_show_never_echoes_structures():
    assert answers_mod.show({"a": 1}) == "{…}"
    assert answers_mod.show([1, 2]) == "[…]"
    # in YAML's words, not Python's or English: the same in a Dutch message
    assert (answers_mod.show(None), answers_mod.show(True), answers_mod.show(False)) == ("null", "true", "false")
    assert len(answers_mod.show("x" * 500)) <= 40


def test_whole_number_is_decimal_and_bounded():
    assert answers_mod.whole_number(" 015 ") == 15
    assert answers_mod.whole_number("0") == 0
    for text in ("1" * 10, "1" * 5000, "0x10", "1_5", "+1", "-1", "1.0", ""):
        assert answers_mod.whole_number(text) is None, text


def test_every_key_of_a_decision_and_a_report_may_stand_beside_answers(run, write, tmp_path):
    """A decision or a JSON report given back is accepted only while DECISION_KEYS holds all of
    their top-level keys: a key added to either must be added there too."""
    path = write("a.yaml", {**CLEAR, "context_ok": "somewhat", "confirmed_flag": "red", "confirmed_reason": "x"})
    decision = triage(run, path).json()
    report = tmp_path / "r.json"
    assert run("triage", "--answers", path, "--report", report).code == 0
    for obj in (decision, json.loads(report.read_text(encoding="utf-8"))):
        assert set(obj) - {"answers"} <= answers_mod.DECISION_KEYS
