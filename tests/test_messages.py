"""The catalogue of coded messages (data/messages.yaml): every code the program uses is in it,
in Dutch and English, each message is short, names the nearest id instead of listing all of
them, and never echoes a control character (issue 10, "validate speaks the user's language").
"""

from __future__ import annotations

import re
import string

import pytest

from conftest import REPO, alter, line_of
from sexting_protocol.text import catalogue as messages
from sexting_protocol.core import model

SOURCES = sorted((REPO / "src" / "sexting_protocol").rglob("*.py"))
TEMPLATES = sorted((REPO / "src" / "sexting_protocol" / "web" / "templates").rglob("*.html"))


def used_codes() -> set[str]:
    """The codes the program says: in its Python, and in the browser's templates (`t("SP891")`)."""
    return {c for path in SOURCES + TEMPLATES for c in re.findall(r'"(SP\d{3})"', path.read_text(encoding="utf-8"))}


def test_every_code_the_program_uses_is_in_the_catalogue():
    cat = messages.catalogue().messages
    used = used_codes()
    assert len(used) > 40
    assert used <= set(cat), f"not in data/messages.yaml: {sorted(used - set(cat))}"
    assert set(cat) <= used, f"in the catalogue but never used: {sorted(set(cat) - used)}"


def test_every_message_has_a_unique_name_and_both_languages_with_the_same_values():
    cat = messages.catalogue()
    names = [m.name for m in cat.messages.values()]
    assert len(set(names)) == len(names)
    for code, m in cat.messages.items():
        assert re.fullmatch(r"SP\d{3}", code)
        assert m.nl and m.en, code
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (m.nl, m.en)]
        assert fields[0] == fields[1], f"{code}: the two languages fill in different values"
    for key, w in cat.words.items():
        assert w.nl and w.en, key


def test_a_suggestion_names_the_nearest_and_a_long_list_is_never_shown():
    assert model.suggest("phoen", ["phone", "chat", "email"]) == {"nearest": "phone"}
    assert model.suggest("zzz", ["green", "red"]) == {"known": ["green", "red"]}
    assert model.suggest("zzz", [f"id{i}" for i in range(20)]) == {}
    assert messages.say("SP101", {"key": "phoen", "nearest": "phone"}, "nl") == \
        "onbekende sleutel 'phoen'; bedoel je 'phone'?"
    assert messages.say("SP101", {"key": "phoen", "nearest": "phone"}, "en") == "unknown key 'phoen'; did you mean 'phone'?"


def test_a_value_is_shown_without_control_characters_and_cut_short():
    shown = messages.say("SP303", {"value": "x\x1b]0;PWNED\x07" + "y" * 100}, "en")
    assert "\x1b" not in shown and "\x07" not in shown and "\\x1b" in shown
    assert len(shown) < 80 and shown.endswith("…'")


def test_a_rule_naming_an_unknown_question_names_the_nearest_one(run, write, protocol_text):
    """Issue 10: it listed all 21 known ids, 6,481 characters over 16 lines."""
    text = protocol_text.replace("q: shared_further", "q: shared_furthr")
    count = protocol_text.count("q: shared_further")
    assert count > 5
    path = write("protocol.yaml", text)
    r = run("--protocol", path, "validate")
    assert r.code == 2
    lines = [x for x in r.err.splitlines() if "shared_furthr" in x]
    assert len(lines) >= count, r.err  # more: an anchored condition used in several rules
    for x in lines:
        assert "[SP301] onbekende vraag 'shared_furthr'; bedoel je 'shared_further'?" in x
        assert len(x) < 200, x
    assert "immediate_danger" not in r.err


@pytest.mark.parametrize("lang,words", [("nl", "hier hoort een heel getal, niet een tekst"),
                                        ("en", "expected a whole number, not a text")])
def test_validate_says_a_wrong_type_in_the_language(run, write, protocol_text, lang, words):
    text = alter(protocol_text, "  - number: 4\n", "  - number: four\n")
    path = write("protocol.yaml", text)
    r = run("--lang", lang, "--protocol", path, "validate")
    assert r.code == 2
    assert f"{path}:{line_of(text, 'number: four')}: steps[3].number: [SP103] {words}" in r.err
    r = run("--lang", lang, "--protocol", path, "criteria")  # the fast path says the same
    assert r.code == 2 and f"[SP103] {words}" in r.err


def test_validate_json_gives_each_problem_its_code(run, write, protocol_text):
    text = alter(protocol_text, "  - number: 3\n", "  - number: 3\n    colour: red\n")
    r = run("--protocol", write("protocol.yaml", text), "validate", "--json")
    assert r.code == 2
    (p,) = r.json()["problems"]
    assert p["code"] == "SP101" and p["path"] == "steps[2].colour" and "'colour'" in p["message"]


def test_every_error_is_in_the_one_catalogue_with_a_code():
    """Issue 15: the errors were uncoded `err_*` texts of ui.yaml beside the coded catalogue;
    now each is a coded message, and the interface texts hold none: no `err_*` key and no
    `*_err_*` one either (`web_err_state`, `practice_err_case`, `own_err_stale`: the browser's,
    practice's and the own contacts form's errors are SP86x-89x), and no program or template
    asks for one."""
    err = re.compile(r"(^|_)err_")
    ui = messages.ui()
    assert not [k for k in [*ui.texts, *ui.help] if err.search(k)]
    said = re.compile(r"""["'](\w+_)?err_\w*["']""")
    assert not [p for p in SOURCES + TEMPLATES if said.search(p.read_text(encoding="utf-8"))]
    cat = messages.catalogue().messages
    for code in ("SP701", "SP711", "SP751", "SP806", "SP851", "SP857", "SP862", "SP871", "SP883", "SP891"):
        assert code in cat and code in used_codes(), code


def test_texts_say_a_coded_message_as_given_in_the_language():
    from sexting_protocol.text.texts import Texts

    allowed = "a, b, c, " + "d" * 60  # as the caller joined it: not cut, as `say` cuts a value from a file
    assert Texts("en")("SP852", route="x", allowed=allowed) == f"--route x: unknown route; choose from: {allowed}."
    assert Texts("nl")("SP852", route="x", allowed=allowed) == f"--route x: onbekende route; kies uit: {allowed}."
    assert Texts("en")("SP999") == "SP999"  # a missing code: the code, as a missing key is the key


@pytest.mark.parametrize("text,code", [(None, "SP701"), ("a: [1, 2\n", "SP711"), ("a: 1\na: 2\n", "SP712"),
                                       ("a: !!int 021\n", "SP717")])
def test_a_file_that_cannot_be_read_is_refused_with_its_code(run, write, tmp_path, text, code):
    """The errors of reading a file gained a code: in `validate --json` and beside the message."""
    path = tmp_path / "nowhere.yaml" if text is None else write("protocol.yaml", text)
    r = run("--lang", "en", "--protocol", path, "validate", "--json")
    assert r.code == 2
    (p,) = r.json()["problems"]
    assert p["code"] == code and p["message"].startswith(messages.coded(code).en.split("{")[0]), p
    r = run("--lang", "en", "--protocol", path, "validate")
    assert r.code == 2 and f"[{code}] {p['message']}" in r.err, r.err
