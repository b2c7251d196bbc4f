"""Hostile and broken input and output, second round (issue 18): the command line, the files, the
YAML reader. Each test names the item of the issue it keeps fixed; each goes through the command
line where a user would meet it, or through the one reader every front uses (yamlio)."""

from __future__ import annotations

import datetime as dt
import io
import os
import gc
import time

import pytest
import yaml

from conftest import CLEAR
from sexting_protocol.text.texts import Texts

dutch = Texts("nl")
from sexting_protocol.store import yamlio
from sexting_protocol.core.errors import DataError
from test_hostile_io import cli, decide, refused

# the budget for refusing any file up to the 1 MB limit, in this process's own time (others share
# this machine's two cores)
ONE_SECOND = 1.0


# --- 1: an explicit tag never changes how a value is read -----------------------------------------


@pytest.mark.parametrize("text", ["!!int 021", "!!int 0x1f", "!!int 0b1", "!!int 0o17", "!!int 1:20", "!!int 1_5",
                                  "!!int +15", "!!float 15", "!!float 1e1", "!!bool 1", "!!null x", "!!timestamp 2026-01-01",
                                  "!!binary aGk=", "!foo 15", "!!python/int 15"])
def test_a_tag_on_an_age_is_refused(write, text):
    """#1: `age_other: !!int 021` was read as 17 (yellow, no police; `21` gives black)."""
    path = write("a.yaml", f"extortion: yes\nage_depicted: 15\nage_other: {text}\n")
    refused(cli("triage", "--answers", path, "--json"), f"{path}:3: age_other:", "tag")


def test_a_tag_that_changes_nothing_is_allowed(write):
    """`!!str`, and a tag that names what the value is anyway, read as without it."""
    out = decide(write("a.yaml", "age_depicted: !!str 015\nage_other: !!int 17\nextortion: !!bool yes\n"))
    assert out["answers"]["age_depicted"] == 15 and out["answers"]["age_other"] == 17
    assert out["answers"]["extortion"] == "yes"


@pytest.mark.parametrize("text", ["!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]", "!foo {a: 1}", "!!map [1]"])
def test_a_tag_on_a_collection_is_refused(write, text):
    path = write("a.yaml", f"extortion: {text}\n")
    refused(cli("triage", "--answers", path, "--json"), f"{path}:1:", "tag")


def test_a_tag_in_a_layer_leaves_the_layer_out(tmp_path, write):
    """#1 for the data: a layer's `!!int 0x10` is not read as 16."""
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "protocol.yaml"
    layer.write_text("triage:\n  followup_days: !!int 0x10\n", encoding="utf-8")
    r = org.run("validate")
    assert r.code == 2 and f"{layer}:2:" in r.err and "!!int" in r.err, r.err


def test_the_reader_refuses_tags_for_every_front():
    """The browser's upload reads through yamlio.parse too: one rule for every front."""
    with pytest.raises(DataError) as e:
        yamlio.parse('{"answers": {"age_other": !!int 021}}', "upload.json", dutch)
    assert e.value.problems[0].line == 1 and "!!int" in e.value.problems[0].message


@pytest.mark.parametrize("text, value", [("=", "="), ("1:20.5", "1:20.5"), ("1_5.0", "1_5.0"), ("1.5", 1.5),
                                         ("2026-03-02", "2026-03-02"), ("0x10", "0x10")])
def test_yaml_1_1_scalars_stay_text(text, value):
    """YAML 1.1 read `=` as a `value` tag (a constructor error in jargon) and `1:20.5` as 80.5."""
    assert yamlio.parse(f"a: {text}\n", "f.yaml", dutch) == {"a": value}


# --- 2: a key two merges give is refused like a key given twice -----------------------------------


@pytest.mark.parametrize("text", ['<<: {extortion: "yes"}\n<<: {extortion: "no"}\n',
                                  '<<: [{extortion: "yes"}, {extortion: "no"}]\n',
                                  'a: &a {extortion: "yes"}\nb: &b {extortion: "no"}\nanswers:\n  <<: [*a, *b]\n'],
                         ids=["two-merge-keys", "merge-list", "aliases"])
def test_a_key_two_merges_give_is_refused(write, text):
    """#2: the later, milder value won (black became yellow)."""
    path = write("a.yaml", text)
    refused(cli("triage", "--answers", path, "--json"), path + ":", "'extortion'", "<<")


def test_a_key_the_mapping_gives_itself_overrides_a_merged_one(write):
    """YAML's merge: a key of the mapping itself wins over merged ones (cases.yaml relies on it),
    also over two merges that disagree: the mapping says which value counts."""
    path = write("a.yaml", '<<: {extortion: "yes"}\n<<: {extortion: "no"}\nextortion: "yes"\n')
    assert decide(path)["answers"]["extortion"] == "yes"
    text = 'base: &b {extortion: "yes", impact: mild}\nanswers: {<<: *b, extortion: "no"}\n'
    assert yamlio.parse(text, "f.yaml", dutch)["answers"] == {"extortion": "no", "impact": "mild"}


def test_one_anchor_merged_twice_is_one_value():
    assert yamlio.parse("a: &a {x: 1}\nb: {<<: [*a, *a]}\n", "f.yaml", dutch)["b"] == {"x": 1}


def test_a_merge_does_not_change_the_merged_mapping():
    """PyYAML flattens merges in place: a mapping merged elsewhere then seemed to hold its own
    overridden key twice."""
    text = "b: &b {x: 1, y: 2}\na: &a {<<: *b, y: 3}\nc: {<<: *a, z: 4}\n"
    assert yamlio.parse(text, "f.yaml", dutch) == {"b": {"x": 1, "y": 2}, "a": {"x": 1, "y": 3}, "c": {"x": 1, "y": 3, "z": 4}}


def test_a_merge_of_a_text_is_refused(write):
    path = write("a.yaml", "a: &a text\nb: {<<: *a}\n")
    refused(cli("triage", "--answers", path, "--json"), f"{path}:1:", "<<")


# --- 17: too many values, with or without aliases --------------------------------------------------


def timed_triage(path: str):
    """`triage --answers path --json` and its CPU time: the best of three, without the collector
    of the test process's own heap, as timeit does."""
    took = float("inf")
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            r = cli("triage", "--answers", path, "--json")
            took = min(took, time.process_time() - start)
        finally:
            gc.enable()
    return r, took


@pytest.mark.parametrize("value", ["1", "x", "[]", "{}", "''"])
def test_a_file_of_too_many_values_says_so_without_aliases(write, value):
    """#17: it said the file had a problem "met de ankers (&) en verwijzingen (*)"; it has none.
    #5: half a million values in 1 MB are refused within a second."""
    n = (yamlio.MAX_BYTES - 100) // (len(value) + 1)
    path = write("a.yaml", "extortion: [" + ",".join([value] * n) + "]\n")
    r, took = timed_triage(path)
    refused(r, path + ":", "100000 waarden")
    assert "anker" not in r.err
    assert took < ONE_SECOND, f"{took:.2f} s"


def test_aliases_that_grow_too_big_still_say_so(write):
    from test_hostile_io import bomb

    path = write("a.yaml", bomb(7, "extortion: [{nine}]\n"))
    refused(cli("triage", "--answers", path, "--json"), path + ":", "ankers")


# --- 5: refusing any file up to the limit is quick and short -----------------------------------------


@pytest.mark.parametrize("make", [
    lambda n: "".join(f"k{i}: x\n" for i in range(n)),  # unknown questions
    lambda n: "answers:\n" + "".join(f"  k{i}: x\n" for i in range(n)),
    lambda n: "".join(f"extortion{'_' * (i % 3)}{i}: maybe\n" for i in range(n)),
], ids=["top", "inside-answers", "near-names"])
def test_thousands_of_unknown_keys_are_refused_quickly_and_briefly(write, make):
    """#5: 49,000 unknown keys took 104 s and wrote 21 MB (each message named every question)."""
    text = make(45_000)
    text = text[: yamlio.MAX_BYTES - 100]
    text = text[: text.rindex("\n") + 1]
    path = write("a.yaml", text)
    r, took = timed_triage(path)
    assert r.code == 2
    assert len(r.err) < 3_000, len(r.err)
    assert r.err.count("\n") <= 12, r.err
    assert "immediate_danger" in r.err, "the questions allowed are named once"
    assert r.err.count("immediate_danger") == 1, r.err
    assert took < ONE_SECOND, f"{took:.2f} s"


def test_a_few_problems_are_all_named(write):
    path = write("a.yaml", "k1: x\nk2: x\nimpact: enorm\n")
    r = cli("triage", "--answers", path, "--json")
    assert r.code == 2 and all(f"{path}:{n}:" in r.err for n in (1, 2, 3)), r.err
    assert "meer" not in r.err


def test_the_line_of_a_key_in_a_big_mapping_is_found_quickly():
    text = "".join(f"k{i}: x\n" for i in range(50_000))
    finder = yamlio.LineFinder(text, yaml.compose(text, Loader=yaml.SafeLoader))
    start = time.process_time()
    assert [finder.line([f"k{i}"]) for i in range(0, 50_000, 50)] == [i + 1 for i in range(0, 50_000, 50)]
    assert time.process_time() - start < 0.5  # a search through the mapping for each: 25 million steps


@pytest.mark.parametrize("entry", ["  - id: c{i}\n    phoen: x\n", "  - id: c{i}\n    phone: \"\\e\"\n",
                                   "  - id: c{i}\n    remove: true\n"], ids=["unknown-key", "control", "remove"])
def test_a_layer_of_thousands_of_problems_is_named_briefly(tmp_path, entry):
    """#5 for the layers: validate named every problem of every entry (with a suggestion each)."""
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "contacts.yaml"
    layer.write_text("contacts:\n" + "".join(entry.format(i=i) for i in range(15_000)), encoding="utf-8")
    start = time.monotonic()
    r = org.run("validate")
    assert r.code == 2
    assert r.err.count("\n") <= 13 and len(r.err) < 3_000, r.err[:3000]
    assert "en nog" in r.err, r.err
    assert time.monotonic() - start < 30
    r = org.run("contacts", "AMK")
    assert r.code == 0 and r.err.count("\n") == 2, r.err[:3000]


# --- 7: a follow-up of 1 to 365 days, in the data as on the command line ---------------------------


@pytest.mark.parametrize("days", [99999999, -1, 0, 366])
def test_a_layer_with_a_follow_up_out_of_range_is_refused(tmp_path, write, days):
    """#7: `followup_days: 99999999` passed validate, then every triage crashed (OverflowError);
    -1 dated the follow-up yesterday."""
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "protocol.yaml"
    layer.write_text(f"# eigen\ntriage:\n  followup_days: {days}\n", encoding="utf-8")
    r = org.run("validate")
    assert r.code == 2 and f"{layer}:3: triage.followup_days: [SP108]" in r.err and "1 tot en met 365" in r.err, r.err
    r = org.run("triage", "--answers", write("a.yaml", CLEAR), "--json")
    assert r.code == 0 and f"{layer}:3:" in r.err, r.err
    assert r.json()["flag"] == "green"


def test_a_protocol_file_with_a_follow_up_out_of_range_is_refused(write, protocol_text):
    from conftest import alter

    path = write("p.yaml", alter(protocol_text, "followup_days: {now: 1, today: 1, days: 7, routine: 14}", "followup_days: {now: 1, today: 1, days: 99999999, routine: 14}"))
    refused(cli("--protocol", path, "triage", "--answers", write("a.yaml", CLEAR), "--json"), "[SP108]")


def test_the_range_of_days_is_one_rule():
    from sexting_protocol.core import checks

    found: list = []
    for days in (1, 365, 0, 366, True, "7"):
        checks.check_days(days, ("x",), found)
    assert [f[2]["value"] for f in found] == [0, 366, True, "7"]


# --- 8, 18: what a file may be written over, and clear words when it may not ----------------------


@pytest.fixture
def no_replace(monkeypatch):
    """Whatever the code under test does, nothing outside tmp_path is replaced (these tests run
    as root on a machine others share)."""
    from sexting_protocol.cli import files

    def guarded(real):
        def call(src, dst, *args, **kwargs):
            if str(dst).startswith("/dev"):
                raise AssertionError(f"{real.__name__} over {dst}")
            return real(src, dst, *args, **kwargs)
        return call

    monkeypatch.setattr(files.os, "replace", guarded(os.replace))
    monkeypatch.setattr(files.os, "link", guarded(os.link))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "force"])
def test_a_fifo_is_never_replaced(write, tmp_path, force):
    """#8: `--force` replaced a FIFO with the report."""
    fifo = tmp_path / "pijp"
    os.mkfifo(fifo)
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", fifo, *force)
    refused(r, str(fifo), "geen gewoon bestand")
    assert fifo.is_fifo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "pijp"], "no temp file left"


@pytest.mark.skipif(not os.path.exists("/dev/null") or os.name != "posix", reason="POSIX devices")
@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout", "/dev/stderr"])
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "force"])
def test_a_device_is_never_replaced(write, no_replace, target, force):
    """#8, #18: as root `--force` replaced /dev/null; `--report /dev/stdout` said "bestaat al"."""
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", target, "--ics", target + "x", *force)
    refused(r, target, "geen gewoon bestand")
    assert not [p for p in os.listdir("/dev") if p.startswith(".sexting-protocol-")], "no temp file in /dev"


def test_a_link_is_not_replaced_with_force(write, tmp_path):
    """/dev/stdout is a link (to /proc/self/fd/1): replacing a link replaces the link itself."""
    real = tmp_path / "echt.md"
    real.write_text("ouder", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", link, "--force")
    refused(r, str(link), "geen gewoon bestand")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "ouder"


@pytest.mark.parametrize("command", [["triage", "--answers", "{answers}", "--report"], ["triage", "--answers", "{answers}", "--ics"],
                                     ["handout", "--output"], ["schema", "--output"]])
@pytest.mark.parametrize("name", ["", " "])
def test_an_empty_name_says_so(write, tmp_path, monkeypatch, command, name):
    """#18: `handout --output ''` said " is een map"."""
    monkeypatch.chdir(tmp_path)
    answers = write("a.yaml", CLEAR)
    r = cli(*[a.format(answers=answers) for a in command], name)
    refused(r, "bestandsnaam", "leeg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_schema_into_a_device_or_a_file_says_it_is_no_folder(tmp_path):
    """#18: `schema --output /dev/null` said "File exists"."""
    refused(cli("schema", "--output", "/dev/null"), "/dev/null is geen map")
    plain = tmp_path / "bestand"
    plain.write_text("x", encoding="utf-8")
    refused(cli("schema", "--output", plain / "sub"), str(plain))


def test_init_with_a_file_for_its_folder_says_it_is_no_folder(tmp_path, user_home, monkeypatch):
    """#18: `init` with XDG_CONFIG_HOME pointing at a file said "File exists"."""
    from conftest import assert_no_leak

    import io
    import sys

    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

    if not sys.platform.startswith("linux"):
        pytest.skip("XDG_CONFIG_HOME is Linux's")
    xdg = tmp_path / "xdg"
    xdg.write_text("x", encoding="utf-8")
    err = io.StringIO()
    code = main(["init"], env=Env(stdout=io.StringIO(), stderr=err, environ={"XDG_CONFIG_HOME": str(xdg),
                                                                            "SEXTING_PROTOCOL_CACHE": "off"}))
    from test_hostile_io import Result

    refused(Result(code, "", err.getvalue()), f"{xdg} is geen map")
    assert_no_leak(user_home)


# --- 6: standard output closed or full ---------------------------------------------------------


class Full(io.StringIO):
    """A stdout on a full disk (`> /dev/full`): every write, or else its flush, fails."""

    def write(self, s):
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("stdout", [None, Full()], ids=["closed", "full"])
def test_triage_writes_its_files_whatever_stdout_does(write, tmp_path, stdout):
    """#6: with stdout closed or full, `triage --report --ics` said "interne fout" and wrote
    neither file."""
    report, ics = tmp_path / "r.md", tmp_path / "r.ics"
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", report, "--ics", ics, stdout=stdout)
    assert report.is_file() and ics.is_file(), r.err
    assert str(report) in r.err and str(ics) in r.err, "said on stderr"
    assert "interne fout" not in r.err
    if stdout is None:  # closed on purpose (`>&-`): nothing to say about it
        assert r.code == 0, r.err
    else:
        assert r.code == 1 and "de schijf is vol" in r.err, r.err


@pytest.mark.parametrize("args", [["contacts"], ["contacts", "AMK", "--json"], ["checklist", "--step", "3"],
                                  ["criteria"], ["validate"], ["triage", "--answers", "{answers}", "--json"]])
def test_a_look_up_into_a_full_stdout_says_so(write, args):
    """#6: every look-up with stdout on /dev/full said "interne fout"."""
    answers = write("a.yaml", CLEAR)
    r = cli(*[a.format(answers=answers) for a in args], stdout=Full())
    assert r.code == 1, r.err
    assert "interne fout" not in r.err and "uitvoer kon niet worden getoond" in r.err, r.err
    assert r.err.count("\n") == 1, r.err


@pytest.mark.skipif(not os.path.exists("/dev/full") or os.name != "posix", reason="no /dev/full")
def test_a_full_stdout_in_a_real_process(tmp_path, write):
    import subprocess
    import sys

    answers = write("a.yaml", CLEAR)
    env = {**os.environ, "SEXTING_PROTOCOL_DEBUG": ""}
    for args, files in ((["contacts"], []), (["--help"], []),
                        (["triage", "--answers", answers, "--report", tmp_path / "r.md", "--ics", tmp_path / "r.ics"],
                         ["r.md", "r.ics"])):
        with open("/dev/full", "w") as full:
            p = subprocess.run([sys.executable, "-m", "sexting_protocol", *map(str, args)], stdout=full,
                               stderr=subprocess.PIPE, text=True, env=env, timeout=60)
        assert p.returncode == 1, p.stderr
        assert "uitvoer kon niet worden getoond" in p.stderr and "Traceback" not in p.stderr, p.stderr
        assert "Exception ignored" not in p.stderr, p.stderr
        assert all((tmp_path / f).is_file() for f in files)
    p = subprocess.run(["sh", "-c", '"$0" -m sexting_protocol "$@" >&-', sys.executable, "triage", "--answers", answers,
                        "--report", str(tmp_path / "s.md")], stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    assert p.returncode == 0 and str(tmp_path / "s.md") in p.stderr and (tmp_path / "s.md").is_file(), p.stderr


# --- 15: a PAGER that is not there -------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="a shell PAGER")
@pytest.mark.parametrize("pager", ["geen-pager-hier", "geen-pager-hier -R", "LESS=R geen-pager-hier", "exit 127"])
def test_a_pager_that_is_not_there_prints_the_text(tmp_path, pager):
    """#15: a long look-up showed only `sh: not found` and exited 0."""
    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

    out_path = tmp_path / "out.txt"
    err = io.StringIO()
    with open(out_path, "w", encoding="utf-8") as out:
        env = Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=True, stdout_isatty=True, no_color=True,
                  environ={**os.environ, "PAGER": pager, "LINES": "10", "COLUMNS": "80"})
        code = main(["checklist"], env=env)
    assert code == 0, err.getvalue()
    assert "Stap 5" in out_path.read_text(encoding="utf-8"), "the text is shown, without paging"
    assert "PAGER" in err.getvalue() and "niet gevonden" in err.getvalue(), err.getvalue()


@pytest.mark.skipif(os.name != "posix", reason="a shell PAGER")
def test_a_pager_that_is_there_still_pages(tmp_path):
    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

    paged = tmp_path / "paged.txt"
    with open(tmp_path / "out.txt", "w", encoding="utf-8") as out:
        env = Env(stdin=io.StringIO(), stdout=out, stderr=io.StringIO(), stdin_isatty=True, stdout_isatty=True,
                  no_color=True, environ={**os.environ, "PAGER": f"LESS=R cat > {paged}", "LINES": "10"})
        assert main(["checklist"], env=env) == 0
    assert "Stap 5" in paged.read_text(encoding="utf-8")


# --- 16: a configuration folder that cannot be read ----------------------------------------------


@pytest.fixture
def unreadable_folder(tmp_path, monkeypatch):
    """A config folder with the school's contacts in it, that may not be searched (as root no
    permission keeps anything out, so the refusal is the OS's answer, given here)."""
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    (org.home / "contacts.yaml").write_text("contacts:\n  - id: zorgcoordinator\n    phone: 013-1234567\n",
                                            encoding="utf-8")
    real_lstat, real_stat = os.lstat, os.stat
    folder = str(org.home)

    def refused_inside(real):
        def call(path, *args, **kwargs):
            if os.fspath(path).startswith(folder + os.sep):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "lstat", refused_inside(real_lstat))
    monkeypatch.setattr(os, "stat", refused_inside(real_stat))
    return org


def test_a_folder_that_cannot_be_read_is_said(unreadable_folder):
    """#16: the school's layer was dropped without a word (the Midden-Brabant contacts instead)."""
    org = unreadable_folder
    r = org.run("contacts", "zorgcoordinator")
    assert r.code == 0
    assert f"{org.home}: [SP213]" in r.err and "Permission denied" in r.err, r.err
    assert "overgeslagen" in r.err
    v = org.run("validate")
    assert v.code == 2 and "[SP213]" in v.err, v.err


# --- 18: a layer that removes what the protocol refers to: one line each, the places whole --------


def test_removing_two_steps_gives_two_lines_with_their_places(tmp_path):
    """#18: two removed steps gave 35 near-identical SP207 lines, each place cut off ("…")."""
    from conftest import Org
    from sexting_protocol.store import bundle as data

    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "protocol.yaml"
    layer.write_text("steps:\n  - number: 4\n    remove: true\n  - number: 5\n    remove: true\n", encoding="utf-8")
    r = org.run("validate")
    lines = [x for x in r.err.splitlines() if "[SP207]" in x]
    assert [x.split(":")[1] for x in lines] == ["2", "4"], r.err
    shipped = data.shipped("protocol.yaml")
    assert all(f"({shipped}:" in x for x in lines) and "…" not in r.err, r.err
    assert "en nog" in lines[1], "many places are counted"


# --- 18: --answers - with standard input closed; a signal date no one can check ----------------------


class ClosedIn(io.StringIO):
    def read(self, *args):
        raise ValueError("I/O operation on closed file")


@pytest.mark.parametrize("stdin", ["none", "closed-file", "ebadf"])
def test_answers_from_a_closed_stdin_says_so(monkeypatch, stdin):
    """#18: `--answers -` with stdin closed (`<&-`) said "bestand niet gevonden"."""
    import sys

    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

    class BadFd(io.StringIO):
        def read(self, *args):
            raise OSError(9, "Bad file descriptor")

    stream = {"none": None, "closed-file": ClosedIn(), "ebadf": BadFd()}[stdin]
    monkeypatch.setattr(sys, "stdin", stream)
    err = io.StringIO()
    env = Env(stdin=stream, stdout=io.StringIO(), stderr=err, stdin_isatty=False, stdout_isatty=False,
              environ={k: os.environ[k] for k in ("SEXTING_PROTOCOL_HOME", "SEXTING_PROTOCOL_CACHE")})
    from test_hostile_io import Result

    refused(Result(main(["triage", "--answers", "-", "--json"], env=env), "", err.getvalue()),
            "<stdin>", "standaardinvoer is gesloten")


@pytest.mark.skipif(os.name != "posix", reason="closes a descriptor with the shell")
def test_answers_from_a_closed_stdin_in_a_real_process():
    import subprocess
    import sys

    p = subprocess.run(["sh", "-c", '"$0" -m sexting_protocol triage --answers - --json <&-', sys.executable],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "standaardinvoer is gesloten" in p.stderr, p.stderr


@pytest.mark.parametrize("date", ["9999-12-31", "2026-03-03", "1900-01-01", "2006-03-01"])
def test_a_signal_date_in_the_future_or_long_ago_is_refused(write, tmp_path, date):
    """#18: `--signal-date 9999-12-31` was accepted (TODAY is 2026-03-02 here)."""
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / "r.md", "--signal-date", date)
    refused(r, date, "2-3-2006", "vandaag (2-3-2026)")
    assert not (tmp_path / "r.md").exists()


@pytest.mark.parametrize("date", ["2026-03-02", "2006-03-02", " 2025-12-31 "])
def test_a_signal_date_from_twenty_years_ago_to_today_is_taken(write, tmp_path, date):
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / "r.md", "--signal-date", date)
    assert r.code == 0, r.err
    day = dt.date.fromisoformat(date.strip())
    assert f"{day.day}-{day.month}-{day.year}" in (tmp_path / "r.md").read_text(encoding="utf-8")


# --- 11: bidi controls and other invisible characters ---------------------------------------------

BIDI = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u061c", "\u200b", "\ufeff", "\u2028", "\u00ad", "\U000e0001"]


def test_invisible_is_every_control_and_format_character():
    """One definition (errors.INVISIBLE) for the data check, the terminal and the files: every
    control character but newline and tab, every format character (Cf), the line and paragraph
    separators and lone surrogates; nothing a text needs (letters, spaces, no-break spaces)."""
    import re
    import sys
    import unicodedata

    from sexting_protocol.core.errors import INVISIBLE

    rx = re.compile(INVISIBLE)
    for c in map(chr, range(sys.maxunicode + 1)):
        kind = unicodedata.category(c)
        hidden = kind in ("Cf", "Zl", "Zp", "Cs") or kind == "Cc" and c not in "\n\t"
        assert bool(rx.match(c)) == hidden or kind == "Cn", (hex(ord(c)), kind)


@pytest.mark.parametrize("char", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_a_bidi_character_in_a_layer_is_refused(tmp_path, char):
    """#11: `phone: "\\u202E4488-0090"` passed validate; the handout showed it as 0900-8844."""
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    layer = org.home / "contacts.yaml"
    layer.write_text(f'contacts:\n  - id: politie\n    phone: "{char}4488-0090"\n', encoding="utf-8")
    v = org.run("validate")
    assert v.code == 2 and f"{layer}:3: contacts[0].phone: [SP105]" in v.err, v.err
    assert (f"U+{ord(char):04X}" if ord(char) > 0xFF else f"\\x{ord(char):02x}") in v.err
    r = org.run("handout")
    assert r.code == 0 and "4488-0090" not in r.out and char not in r.out and f"{layer}:3:" in r.err


def test_bidi_in_a_key_of_a_layer_is_refused(tmp_path):
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    (org.home / "protocol.yaml").write_text('triage:\n  "followup\u2067_days": 7\n', encoding="utf-8")
    v = org.run("validate")
    assert v.code == 2 and "[SP105]" in v.err and "\u2067" not in v.err, v.err


@pytest.mark.parametrize("kind", ["md", "txt", "json"])
def test_invisible_characters_in_a_reason_are_escaped_in_the_report(write, tmp_path, kind):
    """What a user typed reaches a file escaped, as on the terminal: a reader sees every character."""
    answers = {**CLEAR, "recipient_wanted": "no", "confirmed_flag": "yellow",
               "confirmed_reason": "eenmalig \u202eredaer\u202c en \u200bverder", "confirmed_consulted": "IB-er\u2066x"}
    report = tmp_path / f"r.{kind}"
    r = cli("triage", "--answers", write("a.yaml", answers), "--report", report, "--case-ref", "2026\u202e-014",
            "--ics", tmp_path / "r.ics")
    assert r.code == 0, r.err
    for path in (report, tmp_path / "r.ics"):
        text = path.read_text(encoding="utf-8")
        assert not [c for c in text if c in BIDI], (path, [hex(ord(c)) for c in text if c in BIDI])
    text = report.read_text(encoding="utf-8")
    assert "202e" in text.lower()
    if kind == "json":  # the same data when read back
        import json

        assert json.loads(text)["answers"]["confirmed_reason"] == answers["confirmed_reason"]


# --- 19: the prompt on a console that is not UTF-8 ------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1", "cp437"])
def test_the_prompt_shows_stand_ins_on_a_narrow_console(encoding):
    """#19: the selection marker and the arrow of "← Vorige vraag" showed as "?"."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    from sexting_protocol.text.catalogue import ui
    from sexting_protocol.cli.prompts import Asker

    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding=encoding, write_through=True)
    output = Vt100_Output(console, lambda: __import__("prompt_toolkit").data_structures.Size(rows=24, columns=80),
                          term="xterm")
    texts = lambda key: ui().texts[key].get("nl")  # noqa: E731
    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        asker = Asker(texts, input=pipe, output=output)
        chosen = asker.choice("Wie maakte de beelden? (zorgcoördinator)", [("self", "De jongere zelf → ja"),
                                                                           ("other", "Een ander")],
                              default="self", back=True, help="Zie ‘hulp’")
    assert chosen == "self"
    import re

    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.getvalue().decode(encoding))
    assert "?" not in shown.replace("? Wie maakte de beelden?", ""), shown  # the question's marks only
    assert "<- Vorige vraag" in shown and "-> ja" in shown and " > " in shown, shown


def test_the_prompt_keeps_its_marks_on_a_utf8_console():
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    from sexting_protocol.text.catalogue import ui
    from sexting_protocol.cli.prompts import Asker

    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    output = Vt100_Output(console, lambda: __import__("prompt_toolkit").data_structures.Size(rows=24, columns=80),
                          term="xterm")
    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        Asker(lambda key: ui().texts[key].get("nl"), input=pipe, output=output).choice(
            "Vraag?", [("a", "zorgcoördinator")], back=True)
    shown = raw.getvalue().decode("utf-8")
    assert "← Vorige vraag" in shown and "»" in shown and "zorgcoördinator" in shown


# --- held back (a): a path or a text reaching the terminal raw --------------------------------------


@pytest.mark.parametrize("name", ["\x1b]0;PWNED\x07.md", "\x1b[31mrood.md", "\u202edm.txt"])
def test_the_name_of_a_written_file_is_escaped(write, tmp_path, name):
    """"Geschreven: PATH" wrote the path as given: an escape sequence in it reached the terminal."""
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / name)
    assert r.code == 0, r.err
    assert (tmp_path / name).is_file()
    said = [line for line in r.out.splitlines() if "Geschreven" in line]
    assert said and not any(c in said[0] for c in "\x1b\x07\u202e"), said


@pytest.mark.skipif(os.name != "posix" or __import__("sys").platform == "darwin", reason="a name that is not UTF-8")
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path, write):
    import subprocess
    import sys

    answers = write("a.yaml", CLEAR)
    target = os.path.join(os.fsencode(tmp_path), b"\xff.md")
    p = subprocess.run([os.fsencode(sys.executable), b"-m", b"sexting_protocol", b"triage", b"--answers",
                        os.fsencode(answers), b"--report", target], capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    said = [line for line in p.stdout.splitlines() if b"Geschreven" in line]
    assert said and b"\\udcff.md" in said[0], said
    said[0].decode("utf-8")  # the terminal gets UTF-8, never a stray byte


# --- held back (b): a format whose escaping changes what the reader sees ---------------------------


@pytest.mark.parametrize("text", ["1986. Een goed jaar", "3) drie", "2026-014", "2026-014 vervolg", "## 0 #", "10.5 kg", "<script>x</script>",
                                  "a | b", "*x* _y_ `z`", "&copy; &#x41;", "[l](http://x)", "- lijst", "> citaat"])
def test_a_markdown_report_shows_each_text_as_typed(text):
    """`1986. ...` became `\\1986. ...` (CommonMark escapes only punctuation: the backslash
    showed), and a heading's last `#` closed it."""
    import html
    import re

    from markdown_it import MarkdownIt

    from sexting_protocol.present.blocks import Heading, Items, Para, Table

    from sexting_protocol.render.markdown import markdown

    parser = MarkdownIt("commonmark").enable("table")
    for block, before in ((Para(text), ""), (Items([text]), ""), (Heading(text, 2), ""),
                          (Table(["k", "v"], [["x", text]]), "k v x ")):
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", parser.render(markdown([block])))).split())
        assert shown == before + " ".join(text.split()), (block, markdown([block]), shown)


def test_a_markdown_text_is_escaped_only_where_markdown_would_read_it():
    """A case reference `2026-014` stays as typed in the file (read as plain text too)."""
    from sexting_protocol.render.markdown import md

    assert [md(t) for t in ("2026-014", "1986. jaar", "- x", "10 km")] == ["2026-014", "1986\\. jaar", "\\- x", "10 km"]


def test_a_markdown_text_of_any_characters_shows_as_typed():
    import html
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st
    from markdown_it import MarkdownIt

    from sexting_protocol.present.blocks import Heading, Para, Table

    from sexting_protocol.render.markdown import markdown

    parser = MarkdownIt("commonmark").enable("table")

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("#*_`[]()<>!|~&;:/\\.+-=10 aé\n{}\"'")), max_size=30))
    def check(text):
        want = " ".join(text.split())
        for block, before in ((Para(text), ""), (Heading(text, 2), ""), (Table(["k", "v"], [["x", text]]), "k v x")):
            shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", parser.render(markdown([block])))).split())
            assert shown == " ".join(f"{before} {want}".split()), (block, markdown([block]))

    check()


def test_the_case_reference_in_the_ics_reads_back_as_given(write, tmp_path):
    from icalendar import Calendar

    ref = "2026,014; a\\b"
    r = cli("triage", "--answers", write("a.yaml", CLEAR), "--ics", tmp_path / "f.ics", "--case-ref", ref)
    assert r.code == 0, r.err
    event = next(iter(Calendar.from_ical((tmp_path / "f.ics").read_bytes()).walk("VEVENT")))
    assert ref in str(event["summary"])


# --- held back (c): the file system fails at the moment of saving ------------------------------------


def test_saving_after_the_working_folder_was_removed_says_so(tmp_path, monkeypatch):
    """A relative name in a folder that was removed meanwhile: os.getcwd() failed inside the
    writer (an internal error that lost the session's case); now a message, and the session asks
    again (Session.save shows a UserError and loops)."""
    from sexting_protocol.cli import files
    from sexting_protocol.core.errors import UserError

    gone = tmp_path / "weg"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(UserError) as e:
        files.write_private("verslag.md", "x")
    assert "bestaat niet meer" in e.value.message
    assert files.write_private(str(tmp_path / "verslag.md"), "x") == str(tmp_path / "verslag.md")


# --- held back (d): an unusual but valid output encoding ------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1", "ascii", "cp1252", "cp437"])
@pytest.mark.parametrize("args", [["contacts", "AMK"], ["triage", "--answers", "{answers}", "--json"],
                                  ["triage", "--answers", "{missing}"]], ids=["look-up", "json", "error"])
def test_every_output_encoding_gives_readable_text(write, tmp_path, encoding, args):
    import json
    import subprocess
    import sys

    answers = write("a.yaml", {**CLEAR, "confirmed_flag": "green"})
    argv = [a.format(answers=answers, missing=tmp_path / "zorgcoördinator.yaml") for a in args]
    p = subprocess.run([sys.executable, "-m", "sexting_protocol", *argv], capture_output=True, timeout=60,
                       env={**os.environ, "PYTHONIOENCODING": encoding})
    out, err = p.stdout.decode(encoding), p.stderr.decode(encoding)
    assert "Traceback" not in err and "interne fout" not in err, err
    if args[0] == "contacts":
        assert p.returncode == 0 and "Veilig Thuis" in out
    elif "--json" in args:
        assert p.returncode == 0 and json.loads(out)["flag"] == "green"
    else:
        assert p.returncode == 2 and "bestand niet gevonden" in err and "zorgco" in err, err
