"""Hostile and broken input, third round: a fresh red-team pass of issue 18's surfaces (new cases
of the same kinds). Each test names what it keeps fixed."""

from __future__ import annotations

import pytest

from conftest import CLEAR, Org
from test_hostile_io import cli, refused


# --- a layer's follow-up days per priority: a wrong value is named at the layer's line ---------


@pytest.mark.parametrize("value, kind", [("true", "true of false"), ("1.5", "een getal"), ('"14"', "een tekst"),
                                         ("null", "niets")])
def test_a_wrong_day_in_a_layers_mapping_is_named_in_the_layer(tmp_path, write, value, kind):
    """A layer's `followup_days: {..., routine: true}` was also blamed on the shipped
    protocol.yaml, at a garbled place (`triage.followup_days.]`); triage named only that."""
    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "protocol.yaml"
    layer.write_text(f"triage:\n  followup_days: {{now: 1, today: 1, days: 7, routine: {value}}}\n", encoding="utf-8")
    r = org.run("validate")
    assert r.code == 2 and f"{layer}:2: triage.followup_days.routine: [SP103]" in r.err and kind in r.err, r.err
    assert "data/protocol.yaml" not in r.err and ".]" not in r.err, r.err
    assert "Aantal problemen: 1." in r.err, r.err
    r = org.run("triage", "--answers", write("a.yaml", CLEAR), "--json")
    assert r.code == 0 and f"{layer}:2: triage.followup_days.routine:" in r.err, r.err
    assert "data/protocol.yaml" not in r.err, r.err


def test_a_wrong_value_in_a_mapping_of_lists_is_named_at_its_key(tmp_path):
    """msgspec names a mapping's value `[...]`: the key is found, also further down a path."""
    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "protocol.yaml"
    layer.write_text("triage:\n  ratings:\n    consent:\n      - {id: consent_new, at_least: 3}\n", encoding="utf-8")
    for args in (["validate"], ["criteria"]):
        r = org.run(*args)
        assert f"{layer}:4: triage.ratings.consent[0].at_least: [SP103]" in r.err, r.err
        assert "data/protocol.yaml" not in r.err and "]" not in r.err.replace("[0]", "").replace("[SP103]", ""), r.err


# --- init --setting: a hostile value is echoed as every refused value is ----------------------


@pytest.mark.parametrize("setting, shown", [("school\nGeschreven: /etc/passwd", "'school\\nGeschreven: /etc/passwd'"),
                                            ("\x1b]0;PWN\x07", "'\\x1b]0;PWN\\x07'"),
                                            ("x" * 5000, "'" + "x" * 38 + "…")])
def test_init_echoes_an_unknown_setting_on_one_short_visible_line(tmp_path, setting, shown):
    """A newline in `--setting` gave a second line that looked like the tool's own; 5,000
    characters were echoed whole."""
    org = Org(tmp_path)
    r = org.run("init", "--setting", setting)
    refused(r, shown, "kies uit: school")
    assert r.err.count("\n") == 1 and "\x1b" not in r.err and len(r.err) < 200, r.err
    assert not org.home.exists()


@pytest.mark.parametrize("setting", [" SPORT ", "Sport"])
def test_init_reads_a_setting_as_an_answers_file_does(tmp_path, setting):
    """`setting: " SPORT "` counts in an answers file; init took the same word as unknown."""
    org = Org(tmp_path)
    r = org.run("init", "--setting", setting)
    assert r.code == 0, r.err
    assert "setting: sport" in (org.home / "protocol.yaml").read_text(encoding="utf-8")


# --- contract v3 in a decision object: a setting beside answers: that would not count ---------


@pytest.mark.parametrize("inside", [{"setting": "school"}, {}], ids=["other", "none"])
def test_a_decision_whose_setting_differs_from_its_answers_is_refused(write, inside):
    """A decision or JSON report edited to `setting: sport` at the top (its answers say school,
    or nothing) was read as a school's case without a word: refused as confirmed_flag is."""
    answers = {**CLEAR, **inside}
    path = write("d.json", __import__("json").dumps({"flag": "green", "setting": "sport", "answers": answers}))
    refused(cli("triage", "--answers", path, "--json"), path + ":1: setting:", "answers:")


def test_a_decision_written_by_the_tool_is_read_back(write, tmp_path):
    path = write("a.yaml", {**CLEAR, "setting": "sport"})
    out = cli("triage", "--answers", path, "--json")
    assert out.code == 0, out.err
    again = cli("triage", "--answers", write("d.json", out.out), "--json")
    assert again.code == 0 and again.json()["setting"] == "sport", again.err


# --- a save in an interactive session: a name the OS cannot take is a message, not a crash ----


def test_a_name_with_a_nul_is_refused_with_words(tmp_path, monkeypatch):
    """A NUL typed or pasted into the prompt's file name raised ValueError inside the writer:
    an internal error that lost the session's case (Session.save asks again on a UserError)."""
    from sexting_protocol.cli import files
    from sexting_protocol.core.errors import UserError

    monkeypatch.chdir(tmp_path)
    for name in ("ver\0slag.md", "\0"):
        with pytest.raises(UserError) as e:
            files.write_private(name, "x")
        assert "NUL" in e.value.message and "\0" not in e.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_report_name_with_a_nul_on_the_command_line(write, tmp_path):
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", str(tmp_path / "a\0b.md"))
    refused(r, "NUL")
