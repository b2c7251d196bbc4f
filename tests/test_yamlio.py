"""Reading files: the size limit (before parsing), the C loader, keys given twice, syntax errors
with their line, and finding the line of a path. Both as units and through the command line."""

from __future__ import annotations

import io
import re

import pytest
import yaml

from conftest import alter, line_of
from sexting_protocol.store import yamlio
from sexting_protocol.text.texts import Texts

dutch = Texts("nl")
from sexting_protocol.core.errors import DataError

def location(err: str, path: str) -> int:
    """The line number named right after the file's path in an error message."""
    m = re.search(re.escape(path) + r":(\d+):", err)
    assert m, f"no {path}:LINE in {err!r}"
    return int(m.group(1))


# --- units ---------------------------------------------------------------------------------------


def test_uses_the_libyaml_c_loader_when_present():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(yamlio._Loader, yaml.CSafeLoader)


def test_read_text_refuses_a_file_over_1_mb(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * 1_048_576 + "\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        yamlio.read_text(str(big), dutch)
    assert str(big) in str(e.value)
    assert e.value.exit_code == 2


def test_read_text_accepts_a_normal_file(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    assert yamlio.read_text(str(f), dutch) == "a: 1\n"


def test_read_text_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError) as e:
        yamlio.read_text(str(tmp_path / "nope.yaml"), dutch)
    assert "nope.yaml" in str(e.value)


def test_read_text_not_utf8_is_a_data_error(tmp_path):
    f = tmp_path / "latin.yaml"
    f.write_bytes("naam: Zorgco\xf6rdinator\n".encode("latin-1"))
    with pytest.raises(DataError) as e:
        yamlio.read_text(str(f), dutch)
    assert "latin.yaml" in str(e.value)


def test_parse_refuses_a_key_given_twice_with_its_line():
    text = "a: 1\nb:\n  c: 2\n  c: 3\n"
    with pytest.raises(DataError) as e:
        yamlio.parse(text, "f.yaml", dutch)
    problem = e.value.problems[0]
    assert problem.file == "f.yaml"
    assert problem.line == 4
    assert "'c'" in problem.message


def test_parse_allows_overriding_a_merged_key():
    text = "base: &b {x: 1, y: 2}\nother: {<<: *b, y: 3}\n"
    assert yamlio.parse(text, "f.yaml", dutch)["other"] == {"x": 1, "y": 3}


def test_parse_syntax_error_names_its_line():
    text = "a: 1\nb: [1, 2\nc: 3\n"
    with pytest.raises(DataError) as e:
        yamlio.parse(text, "f.yaml", dutch)
    problem = e.value.problems[0]
    assert problem.line in (2, 3)
    assert "YAML" in problem.message


def test_unquoted_yes_no_are_booleans_yaml_1_1():
    # The answers module relies on this: `extortion: yes` arrives as True.
    assert yamlio.parse("a: yes\nb: no\nc: 'yes'\n", "f.yaml", dutch) == {"a": True, "b": False, "c": "yes"}


def test_split_and_join_path_round_trip():
    parts = yamlio.split_path("$.steps[2].checklist[4].text")
    assert parts == ["steps", 2, "checklist", 4, "text"]
    assert yamlio.join_path(parts) == "steps[2].checklist[4].text"


def test_line_finder_finds_the_line_of_a_path():
    text = "steps:\n  - number: 1\n    title: a\n  - number: 2\n    title: b\n"
    finder = yamlio.LineFinder(text)
    assert finder.line(["steps", 1, "title"]) == 5
    assert finder.line(["steps", 0]) == 2
    # a path that goes beyond the file gives the line of the deepest part that exists
    assert finder.line(["steps", 1, "nothing", 3]) == 4


# --- through the command line ------------------------------------------------------------------


def test_protocol_file_over_1_mb_is_refused_before_parsing(run, tmp_path, monkeypatch, protocol_text):
    big = tmp_path / "big.yaml"
    big.write_text(protocol_text + "\n#" + "x" * 1_100_000 + "\n", encoding="utf-8")

    real_parse = yamlio.parse_nodes  # yamlio.parse too reads through it

    def no_parse(text, path, *args):
        if path == str(big):
            raise AssertionError("a file over the limit was parsed")
        return real_parse(text, path, *args)

    monkeypatch.setattr(yamlio, "parse_nodes", no_parse)
    r = run("--protocol", big, "criteria")
    assert r.code == 2
    assert str(big) in r.err
    assert "Traceback" not in r.err + r.out
    assert r.out == ""


def test_missing_protocol_file(run, tmp_path):
    r = run("--protocol", tmp_path / "missing.yaml", "checklist")
    assert r.code == 2
    assert "missing.yaml" in r.err
    assert "Traceback" not in r.err


def test_key_given_twice_names_file_line_and_path(run, write, protocol_text):
    anchor = "  - number: 3\n"
    text = alter(protocol_text, anchor, anchor + '    title: {nl: "Dubbel", en: "Twice"}\n')
    path = write("protocol.yaml", text)
    second = line_of(text, "    title:", after=anchor) + 1  # the shipped title, now the second one
    r = run("--protocol", path, "checklist", "--step", "3")
    assert r.code == 2
    assert location(r.err, path) == second
    assert "title" in r.err
    assert "steps[2]" in r.err, f"the path of the key given twice is missing: {r.err!r}"
    assert "Traceback" not in r.err


def test_key_given_twice_in_contacts(run, write, contacts_text):
    anchor = "  - id: veilig_thuis\n"
    text = alter(contacts_text, anchor, anchor + '    name: "Nog een keer"\n')
    path = write("contacts.yaml", text)
    r = run("--contacts", path, "contacts")
    assert r.code == 2
    assert location(r.err, path) == line_of(text, "    name:", after=anchor) + 1
    assert "name" in r.err
    assert "Traceback" not in r.err


def test_yaml_syntax_error_names_its_line(run, write, protocol_text):
    anchor = "  - number: 3\n"
    old = '    title: {nl: "Ga in gesprek met de betrokkenen", en: "Talk with those involved"}\n'
    text = alter(protocol_text, old, old.replace("}\n", "\n"), after=anchor)
    path = write("protocol.yaml", text)
    broken = line_of(text, "    title:", after=anchor)
    r = run("--protocol", path, "criteria")
    assert r.code == 2
    assert broken <= location(r.err, path) <= broken + 2
    assert "YAML" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize("content", ["- just\n- a list\n", ""], ids=["not-a-mapping", "empty"])
def test_protocol_that_is_not_a_mapping(run, write, content):
    path = write("protocol.yaml", content)
    r = run("--protocol", path, "criteria")
    assert r.code == 2
    assert path in r.err
    assert "Traceback" not in r.err


# --- YAML 1.2-like scalars, the expansion bound, the bytes read (issue 11) -------------------------


def test_whole_numbers_are_decimal_and_other_forms_stay_text():
    text = "a: 020\nb: 20\nc: 0x10\nd: 1_5\ne: 1:20\nf: -3\ng: 2026-03-02\nh: " + "9" * 19 + "\ni: 0\n"
    assert yamlio.parse(text, "f.yaml", dutch) == {"a": "020", "b": 20, "c": "0x10", "d": "1_5", "e": "1:20", "f": -3,
                                           "g": "2026-03-02", "h": "9" * 19, "i": 0}


def test_the_expansion_bound_counts_aliases(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 50)
    plain = "[" + ", ".join(["1"] * 40) + "]\n"
    assert len(yamlio.parse(plain, "f.yaml", dutch)) == 40
    aliased = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    with pytest.raises(DataError) as e:
        yamlio.parse(aliased, "f.yaml", dutch)
    assert e.value.problems[0].line == 2 and "50" in e.value.problems[0].message


def test_a_shared_anchor_is_counted_per_use_not_per_definition(monkeypatch):
    monkeypatch.setattr(yamlio, "MAX_NODES", 30)
    assert yamlio.parse("a: &a [1, 2]\nb: [*a, *a, *a]\n", "f.yaml", dutch)["b"] == [[1, 2]] * 3


def test_read_text_reads_no_more_than_the_limit():
    class Endless(io.RawIOBase):
        asked: list = []

        def readable(self):
            return True

        def read(self, n=-1):
            self.asked.append(n)
            assert n is not None and 0 < n <= yamlio.MAX_BYTES + 1, f"asked for {n}"
            return b"#" * n

    stream = Endless()
    with pytest.raises(DataError) as e:
        yamlio.read_text("-", dutch, stdin=stream)
    assert e.value.problems[0].file == "<stdin>"
    assert stream.asked == [yamlio.MAX_BYTES + 1]


def test_messages_are_in_the_language_asked():
    from sexting_protocol.text.texts import Texts

    english = Texts("en")

    with pytest.raises(DataError) as e:
        yamlio.parse("a: 1\na: 2\n", "f.yaml", english)
    assert "given twice" in str(e.value)
    with pytest.raises(DataError) as e:
        yamlio.parse("a: 1\na: 2\n", "f.yaml", dutch)
    assert "twee keer" in str(e.value)
