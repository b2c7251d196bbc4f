"""Every message follows --lang (issue 15): a file error of `validate` and a refused `--output`
of `handout` are worded in the language asked, never in Dutch because a caller forgot to pass
the language on.

Each test runs the command line in-process, in both languages, and compares the message with
the coded message of messages.yaml in that language.
"""

from __future__ import annotations

import pytest

from sexting_protocol.store import bundle as data
from sexting_protocol.text import catalogue

pytestmark = pytest.mark.usefixtures("user_home")


def words(code: str, lang: str) -> str:
    """The longest part of a coded message that no `{value}` fills in."""
    import re

    return max(re.split(r"\{[^}]*\}", catalogue.coded(code).get(lang)), key=len)


BROKEN = {
    "syntax": ("a: [1, 2\nb: 3\n", "SP711"),
    "twice": ("a: 1\na: 2\n", "SP712"),
    "tag": ("a: !!int 021\n", "SP717"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_validate_words_a_yaml_error_of_the_protocol_in_the_language(run, tmp_path, lang, kind):
    text, key = BROKEN[kind]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    r = run("--lang", lang, "--protocol", bad, "validate")
    assert r.code == 2, r.err
    other = "nl" if lang == "en" else "en"
    assert f"{bad}:" in r.err and words(key, lang) in r.err, r.err
    assert words(key, other) not in r.err, r.err


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_validate_words_a_missing_protocol_in_the_language(run, tmp_path, lang):
    r = run("--lang", lang, "--protocol", tmp_path / "nowhere.yaml", "validate")
    assert r.code == 2, r.err
    assert words("SP701", lang) in r.err, r.err
    assert words("SP701", "nl" if lang == "en" else "en") not in r.err, r.err


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_handout_refuses_a_folder_as_output_in_the_language(run, tmp_path, lang):
    folder = tmp_path / "out"
    folder.mkdir()
    r = run("--lang", lang, "handout", "--output", folder)
    assert r.code == 2, r.err
    assert f"{folder}" in r.err and words("SP752", lang) in r.err, r.err
    assert words("SP752", "nl" if lang == "en" else "en") not in r.err, r.err
