"""The decision in words: what comes first, reasons as sentences, don'ts as don'ts, and the
texts that must say what a contact is for. Through the views and the plain renderer."""

from __future__ import annotations

import re

import pytest

from sexting_protocol.render.plain import plain
from sexting_protocol.present.views import DecisionView

from conftest import CLEAR, load_examples

TODAY_OR_NOW = [s for s in load_examples() if s["expect"].get("priority") in ("now", "today")]


def view(bundle, engine, lang="nl"):
    return DecisionView(bundle, lang, engine)


def text_of(bundle, engine, answers, lang="nl", **kw):
    v = view(bundle, engine, lang)
    d = engine.decide(answers, **kw)
    return d, plain(v.blocks(d))


@pytest.mark.parametrize("scenario", TODAY_OR_NOW, ids=[s["id"] for s in TODAY_OR_NOW])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_first_actions_and_their_numbers_come_within_15_lines(bundle, engine, scenario, lang):
    answers = {k: ("yes" if v is True else "no" if v is False else v) for k, v in scenario["answers"].items()}
    d, text = text_of(bundle, engine, answers, lang)
    head = "\n".join(text.strip("\n").splitlines()[:15])
    for rid in d.first:
        for cid in d.route_words[rid].contacts:  # v3: the route's contacts for this case's setting
            c = bundle.contact(cid)
            if c and c.phone and not isinstance(c.phone, str) and c.phone.verified == "yes":
                assert c.phone.value in head, (rid, cid, head)
    assert head.index("DO FIRST" if lang == "en" else "EERST DOEN") < head.index("PROPOSAL" if lang == "en" else "VOORSTEL")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("answers", [{}, CLEAR, {**CLEAR, "extortion": "yes", "repeated": "yes"},
                                     {**CLEAR, "shared_further": "group", "impact": "unknown"}],
                         ids=["nothing", "clear", "extortion", "group"])
def test_reasons_read_as_sentences(bundle, engine, answers, lang):
    v = view(bundle, engine, lang)
    d = engine.decide(answers)
    for r in v.as_json(d)["reasons"]:
        assert not re.search("[→≥]", r["effect"]), r
        assert r["effect"][0].isupper() and r["effect"].endswith((".", ")")), r
    text = plain(v.blocks(d))
    assert "→" not in text and "≥" not in text
    unknown_word = "weet ik niet" if lang == "nl" else "don't know"
    # "don't know" is an answer, never a rating
    for line in text.splitlines():
        assert not re.search(rf"(Beoordeling|Rating): {unknown_word}", line)


def test_when_nothing_is_known_the_banner_says_so_and_why_yellow(bundle, engine):
    d, text = text_of(bundle, engine, {})
    banner = text[text.index("VOORSTEL"):text.index("Hoe snel")]
    assert "nog niet te wegen" in banner and "Minstens geel" in banner


def test_the_banner_gives_the_rule_that_set_the_flag_not_the_flags_general_meaning(bundle, engine):
    revenge = {**CLEAR, "age_depicted": 16, "age_other": 16, "shared_further": "group", "spread_to_hurt": "yes"}
    _, text = text_of(bundle, engine, revenge)
    banner = text[text.index("VOORSTEL"):text.index("Hoe snel")]
    assert "met opzet verspreid om te kwetsen" in banner
    assert "uitdrukkelijke nee" not in banner and "chantage" not in banner.lower()


def test_donts_are_shown_as_donts(bundle, engine):
    d, text = text_of(bundle, engine, {**CLEAR, "shared_further": "group"})
    dos_lines = [line for line in text.splitlines() if line.startswith("Do's hierbij")]
    donts_lines = [line for line in text.splitlines() if line.startswith("Don'ts hierbij")]
    assert any("Blame the victim" in line for line in donts_lines)
    assert not any("Blame the victim" in line for line in dos_lines)


def test_abuse_signs_bring_no_words_about_experimenting_or_wanting_it(bundle, engine):
    grooming = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no",
                "adult_involved": "yes", "other_person": "adult_outside", "online_only_contact": "yes",
                "age_depicted": 14, "age_other": 23, "made_by": "self", "recipient_wanted": "yes", "home_risk": "no"}
    for lang in ("nl", "en"):
        _, text = text_of(bundle, engine, grooming, lang)
        low = text.lower()
        for word in ("experimenteren", "experimenting", "die dat wilde", "who wanted it", "cyberseks", "cybersex"):
            assert word not in low, word


def test_the_police_whatsapp_number_says_what_it_is_for_and_that_images_are_never_sent(bundle, engine):
    for lang, words in (("nl", ("stuur de beelden zelf nooit mee", "chatapp")),
                        ("en", ("never send the images", "chat app"))):
        v = view(bundle, engine, lang)
        line = v.reach(bundle.contact("politie"), ("chat",))
        assert "+31 6 428 346 35" in line and all(w in line for w in words)


def test_a_route_contact_without_a_number_says_how_to_reach_it(bundle, engine):
    v = view(bundle, engine)
    for cid in ("zvh", "scenario_team"):
        line = v.contact_line(bundle.contact(cid))
        assert "ZAT" in line and "Veilig Thuis" in line and "0800-2000" in line


def test_english_contact_details_are_english(bundle, engine):
    v = view(bundle, engine, "en")
    for c in bundle.contacts.contacts:
        for f in ("phone", "chat", "website", "address", "reachable"):
            line = v.reach(c, (f,))
            assert not re.search(r"\b(chat op|bel|via de)\b", line), (c.id, line)


def test_a_question_never_asked_is_recorded_as_not_asked(bundle, engine):
    v = view(bundle, engine)
    d = engine.decide({"immediate_danger": "no", "impact": "unknown"})
    assert v.recorded(d, "impact") == "weet ik niet"
    assert v.recorded(d, "home_risk") == "niet gevraagd"
    # v3: `answers` always holds the setting
    assert v.as_json(d)["answers"] == {"immediate_danger": "no", "impact": "unknown", "setting": "school"}


def test_advice_that_cannot_wait_stands_with_the_first_actions(bundle, engine):
    sextortion = {"immediate_danger": "no", "self_harm_concern": "unknown", "sexual_violence_recent": "no",
                  "adult_involved": "unknown", "extortion": "yes", "online_only_contact": "yes", "age_depicted": 15}
    d, text = text_of(bundle, engine, sextortion)
    first = text[text.index("EERST DOEN"):text.index("VOORSTEL")]
    # v3: the first box shows `first_items`, in their order, and only those
    assert {"extortion_advice", "dont_contact_suspect", "find_out.self_harm_concern"} <= set(d.first_items)
    assert "betalen" in first and "Neem zelf geen contact op" in first
    assert "signalen van suïcidale gedachten" in first  # a safety question still open: find it out today
    texts = {e.id: e.text.get("nl") for step in d.plan for e in step.items}
    at = [first.index(texts[i]) for i in d.first_items]
    assert at == sorted(at)
    assert texts["afwegingskader_1"] not in first
    d, text = text_of(bundle, engine, {**CLEAR, "home_risk": "yes"})
    first = text[text.index("EERST DOEN"):text.index("VOORSTEL")]
    assert "parents_unsafe" in d.first_items and "Licht de ouders nog niet in" in first
