"""Hostile and broken input, fifth round: a third fresh red-team pass of issue 18's surfaces
(saves that the system refuses, paths, log lines, layers, encodings). Each test names what it
keeps fixed, and goes through the command line (or the web server's HTTP) where a user would meet it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import CLEAR

@pytest.fixture
def home(tmp_path):
    """An empty folder for the organisation's layers."""
    folder = tmp_path / "org"
    folder.mkdir()
    return folder


JARGON = ("Traceback", "interne fout", "internal error", "Error:", "Errno")


def refused(r, *words: str, code: int = 2) -> None:
    assert r.code == code, (r.code, r.out[-300:], r.err[:300])
    for w in JARGON:
        assert w not in r.err, f"{w!r} in {r.err!r}"
    for w in words:
        assert w in r.err, f"{w!r} not in {r.err!r}"


# --- a save the system refuses: the user's language, the file, what to do, nothing written ----


def _os_refusals(tmp_path):
    """Targets the system refuses, for any user and on any POSIX system."""
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    return {"not_dir": (tmp_path / "file" / "r.md", "een deel van het pad is een bestand", "a part of the path is a file"),
            "loop": (tmp_path / "loop1" / "r.md", "snelkoppelingen in een kring", "circle of links"),
            "too_long": (tmp_path / ("x" * 300 + ".md"), "te lang", "too long")}


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
@pytest.mark.parametrize("kind", ["not_dir", "loop", "too_long"])
@pytest.mark.parametrize("option", ["--report", "--ics"])
def test_a_write_the_system_refuses_is_said_in_the_users_language(run, write, tmp_path, kind, option):
    """`--report file/r.md`, a path through a loop of links or a name of 300 characters said the
    OS's English ("Not a directory", "Too many levels of symbolic links", "File name too long")
    without "Niets geschreven", in Dutch and with --lang en alike."""
    target, nl, en = _os_refusals(tmp_path)[kind]
    answers = write("a.yaml", CLEAR)
    r = run("triage", "--answers", answers, option, target)
    refused(r, str(target), nl, "Niets geschreven.")
    r = run("--lang", "en", "triage", "--answers", answers, option, target)
    refused(r, str(target), en, "Nothing written.")
    assert "Not a directory" not in r.err and "symbolic" not in r.err and "File name" not in r.err


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
def test_handout_and_schema_refusals_are_said_alike(run, tmp_path):
    target, nl, en = _os_refusals(tmp_path)["not_dir"]
    refused(run("handout", "--output", target), str(target), nl, "Niets geschreven.")
    refused(run("--lang", "en", "handout", "--output", target), en, "Nothing written.")


@pytest.fixture
def small_disk(tmp_path):
    """A full disk and a read-only one (tmpfs mounts: root on Linux only)."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small disk needs root on Linux")
    full, ro = tmp_path / "full", tmp_path / "ro"
    full.mkdir()
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(full)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8k,ro", "tmpfs", str(ro)], check=True)
    try:
        with open(full / "filler", "wb") as f:
            try:
                f.write(b"\0" * 64 * 1024)
                f.flush()
            except OSError:
                pass
        yield full, ro
    finally:
        subprocess.run(["umount", str(full)])
        subprocess.run(["umount", str(ro)])


def test_a_full_or_read_only_disk_is_said_in_the_users_language(run, write, small_disk):
    """A full disk said "No space left on device", a read-only one "Read-only file system":
    English, and without saying nothing was written."""
    full, ro = small_disk
    answers = write("a.yaml", CLEAR)
    for target, nl, en in ((full / "r.md", "de schijf is vol", "the disk is full"),
                           (ro / "r.ics", "alleen-lezen", "read-only")):
        refused(run("triage", "--answers", answers, "--report" if target.suffix == ".md" else "--ics", target),
                str(target), nl, "Niets geschreven.")
        r = run("--lang", "en", "triage", "--answers", answers, "--report", target)
        refused(r, en, "Nothing written.")
        assert "No space" not in r.err and "Read-only file" not in r.err
    assert sorted(p.name for p in full.iterdir()) == ["filler"] and list(ro.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_standard_output_is_said_in_the_users_language(tmp_path):
    env = {**os.environ, "SEXTING_PROTOCOL_LANG": "nl"}
    with open("/dev/full", "w") as full:
        p = subprocess.run([sys.executable, "-m", "sexting_protocol", "contacts"], stdout=full,
                           stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    assert p.returncode == 1 and "de schijf is vol" in p.stderr and "No space" not in p.stderr, p.stderr


# --- `--report r.md/`: no folder is there; say what is wrong --------------------------------


@pytest.mark.parametrize("exists", [False, True], ids=["nothing", "a-file"])
def test_a_report_name_ending_in_a_slash_is_not_called_a_folder(run, write, tmp_path, monkeypatch, exists):
    """`--report r.md/` said "r.md/ is een map" though no folder r.md is there (nor anything);
    the message says the slash makes it a folder's name and offers the name without it."""
    monkeypatch.chdir(tmp_path)
    if exists:
        (tmp_path / "r.md").write_text("ouder", encoding="utf-8")
    r = run("triage", "--answers", write("a.yaml", CLEAR), "--report", "r.md" + os.sep)
    refused(r, "r.md" + os.sep, "schuine streep", "bijvoorbeeld r.md)", "Niets geschreven.")
    assert "is een map" not in r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == (["a.yaml", "r.md"] if exists else ["a.yaml"])


def test_a_report_name_that_is_a_folder_is_still_called_one(run, write, tmp_path):
    (tmp_path / "r.md").mkdir()
    for name in ("r.md", "r.md" + os.sep):
        refused(run("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / name), "is een map")


# --- a line cut short never ends inside an escape ---------------------------------------------

HALF_ESCAPE = __import__("re").compile(r"\\(?:x[0-9a-f]?|u[0-9a-f]{0,3}|U[0-9a-f]{0,7})?…")


@pytest.mark.parametrize("n", range(33, 39))
@pytest.mark.parametrize("char", ["\\u202e", "\\e", "\\U000e0001"], ids=["bidi", "esc", "tag"])
def test_an_echoed_value_is_never_cut_inside_an_escape(run, write, n, char):
    """A refused value is echoed cut to 40 characters: `'aaa…\\u202…` showed half an escape,
    which reads as another character (or, cut to `\\`, as nothing at all)."""
    r = run("triage", "--answers", write("a.yaml", f'extortion: "{"a" * n}{char}{char}"\n'), "--json")
    refused(r, "a.yaml:1: extortion:", "…")
    assert not HALF_ESCAPE.search(r.err), r.err


@pytest.mark.parametrize("n", range(294, 302))
@pytest.mark.parametrize("char", ["%1b", "%E2%80%AE"], ids=["esc", "bidi"])
def test_a_long_logged_path_is_never_cut_inside_an_escape(home, caplog, n, char):
    """The web server's access line cuts a path at 300 characters: `/xxx…\\x1…` or `\\u20…`
    ended inside the escape of an ESC or a bidi override."""
    import logging

    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from sexting_protocol.web import create_app

    c = TestClient(create_app(environ={"SEXTING_PROTOCOL_HOME": str(home), "SEXTING_PROTOCOL_CACHE": "off"}),
                   base_url="http://127.0.0.1:8000")
    with caplog.at_level(logging.INFO, logger="sexting_protocol.web.access"):
        c.get("/" + "x" * n + char * 3)
    [line] = [r.getMessage() for r in caplog.records if r.name == "sexting_protocol.web.access"]
    assert line.endswith("… 404") and line.isprintable(), line
    assert not HALF_ESCAPE.search(line), line[-20:]


# --- a layer's setting is read as an answers file and `init --setting` read it -----------------


@pytest.mark.parametrize("written", ["SPORT", '" Sport "', "sport"])
def test_a_layers_setting_is_read_as_the_answers_read_it(tmp_path, write, written):
    """`setting: SPORT` counts in an answers file and in `init --setting SPORT`; in the
    organisation's layer it was refused (SP315) and the whole layer left out."""
    from conftest import Org

    org = Org(tmp_path)
    org.home.mkdir()
    (org.home / "protocol.yaml").write_text(f"setting: {written}\n", encoding="utf-8")
    r = org.run("validate")
    assert r.code == 0 and "SP315" not in r.err, r.err
    r = org.run("triage", "--answers", write("a.yaml", {**CLEAR, "setting": "Sport"}), "--json")
    assert r.code == 0 and r.err == "", r.err  # no layer left out, no "setting differs"
    assert r.json()["setting"] == "sport"


# --- init writes its setting in YAML that reads back as the same setting ---------------------


@pytest.mark.parametrize("setting", ["club #2", "null", "on", "[a]"])
def test_init_writes_a_setting_that_reads_back_the_same(tmp_path, write, setting):
    """A protocol's setting `club #2` was written plain by `init --setting`: YAML read it back as
    `club` (the layer refused and left out); `null` read back as no setting at all, `on` as true."""
    from conftest import Org, shipped_text

    text = shipped_text("protocol.yaml")
    extra = f'  - id: {__import__("json").dumps(setting)}\n    name: {{nl: "club"}}\n    contacts: []\n'
    assert text.count("  - id: childcare\n") == 1  # not first: the first is the default
    protocol = write("p.yaml", text.replace("  - id: childcare\n", extra + "  - id: childcare\n", 1))
    org = Org(tmp_path)
    r = org.run("--protocol", protocol, "init", "--setting", setting)
    assert r.code == 0, r.err
    r = org.run("--protocol", protocol, "triage", "--answers", write("a.yaml", CLEAR), "--json")
    assert r.code == 0 and r.err == "", r.err
    assert r.json()["setting"] == setting


def test_init_writes_a_plain_setting_plainly(tmp_path):
    from conftest import Org

    org = Org(tmp_path)
    assert org.run("init", "--setting", "sport").code == 0
    assert "\nsetting: sport\n" in (org.home / "protocol.yaml").read_text(encoding="utf-8")


# --- a language the tool does not have: said in the tool's words, not Python's ---------------


@pytest.mark.parametrize("args, environ, said", [
    (["--lang", "de", "contacts"], {}, "--lang: 'de' is geen taal van deze tool; kies uit: nl, en"),
    (["web", "--lang", "fr"], {}, "--lang: 'fr' is geen taal van deze tool; kies uit: nl, en"),
    (["--lang", "en", "advice", "--lang", "xx"], {}, "--lang: 'xx' is not a language of this tool; choose: nl, en"),
    (["contacts"], {"SEXTING_PROTOCOL_LANG": "x\x1b]0;P\x07"}, "SEXTING_PROTOCOL_LANG: 'x\\x1b]0;P\\x07' is geen taal"),
    (["--lang", "", "criteria"], {}, "--lang: '' is geen taal"),  # was taken as not given; after the command: refused
    (["criteria", "--lang", ""], {}, "--lang: '' is geen taal"),
], ids=["nl", "web", "en", "environment", "empty-before", "empty-after"])
def test_an_unknown_language_is_refused_in_the_chosen_language(run, args, environ, said):
    """`--lang de` was refused in English, whatever the language chosen so far (a message
    written in Python, not in ui.yaml)."""
    r = run(*args, environ=environ)
    refused(r, said)
    assert r.err.count("\n") == 1 and "\x1b" not in r.err


# --- the calendar's title is one line, as the reports show the case reference ----------------


def _unfolded(path) -> list[str]:
    return path.read_bytes().decode("utf-8").replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize("ref, shown", [("K-1\nEvil", "K-1\\; Evil"), ("K-1\n\n X\n", "K-1\\; X"), (" \n ", None)])
def test_a_case_reference_with_a_line_break_gives_a_one_line_title(run, write, tmp_path, ref, shown):
    """`--case-ref $'K-1\\nEvil'` gave a calendar title of two lines (`\\n` in SUMMARY), where
    the Markdown and text reports show the reference on one line."""
    ics = tmp_path / "f.ics"
    r = run("triage", "--answers", write("a.yaml", CLEAR), "--case-ref", ref, "--ics", ics)
    assert r.code == 0, r.err
    titles = [line for line in _unfolded(ics) if line.startswith(("SUMMARY:", "DESCRIPTION:Follow-up"))]
    assert len(titles) == 2 and not any("\\n" in x or "\\r" in x for x in titles), titles
    assert all((shown in x) if shown else ("Follow-up sexting-signaal:" in x) for x in titles), titles


# --- a file the system will not read: the same words as a write it refuses --------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
@pytest.mark.parametrize("kind", ["not_dir", "loop", "too_long"])
def test_a_read_the_system_refuses_is_said_in_the_users_language(run, tmp_path, kind):
    """`--answers file/x`, a loop of links or a long name said "kan niet gelezen worden: Not a
    directory" (the OS's English inside a Dutch message)."""
    target, nl, en = _os_refusals(tmp_path)[kind]
    target = target.with_suffix(".yaml")
    refused(run("triage", "--answers", target, "--json"), "kan niet gelezen worden:", nl)
    r = run("--lang", "en", "--protocol", target, "contacts")
    refused(r, "cannot be read:", en)
    assert "Not a directory" not in r.err and "symbolic" not in r.err and "File name" not in r.err
