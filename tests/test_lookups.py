"""The short way of a plain look-up (cli/lookups.py) and typer's app give the same result.

A look-up in its plain form runs without importing typer; every other command line goes through
typer. Both call the same functions, so what can differ is only the reading of the command line:
here each drawn command line is run both ways (the short way switched off for the second) and
the exit status, standard output and standard error must be the same.
"""

from __future__ import annotations

import subprocess
import sys
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from sexting_protocol.cli import lookups

VALUES = ["3", "1", "9", "0", " 4", "x", "", "en", "nl", "de", "AMK", "acuut", "intern", "politie", "emergency",
          "zvh", "nope.yaml", "-1", "--json"]
GLOBAL = [["--lang", "en"], ["--lang", "nl"], ["--lang", "fr"], ["--lang", ""], ["--no-layers"], ["--no-pager"],
          ["--protocol", "nope.yaml"], ["--contacts", "nope.yaml"]]
NOISE = ["--help", "-h", "--step=3", "-s3", "--", "-", "--version", "--nope", "--lang=en", "extra"]


@st.composite
def command_lines(draw) -> list[str]:
    name = draw(st.sampled_from(sorted(lookups.LOOKUPS)))
    lookup = lookups.LOOKUPS[name]
    words: list[list[str]] = []
    for opt in draw(st.lists(st.sampled_from(lookup.options), max_size=3)):
        word = draw(st.sampled_from(opt.words))
        words.append([word] if opt.type is bool else [word, draw(st.sampled_from(VALUES))])
    if lookup.argument and draw(st.booleans()):
        words.append([draw(st.sampled_from(VALUES[8:15]))])
    words += draw(st.lists(st.sampled_from(GLOBAL), max_size=2))  # after the command
    words = draw(st.permutations(words))
    line = [w for group in draw(st.lists(st.sampled_from(GLOBAL), max_size=2)) for w in group] + [name]
    line += [w for group in words for w in group]
    if draw(st.integers(0, 4)) == 0:  # now and then a word only typer reads
        line.insert(draw(st.integers(0, len(line))), draw(st.sampled_from(NOISE)))
    return line


def both_ways(args: list[str], **kw):
    short = run_cli(*args, **kw)
    with mock.patch.object(lookups, "short", lambda argv, environ: None):
        through_typer = run_cli(*args, **kw)
    return short, through_typer


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=command_lines(), tty=st.booleans(), lang=st.sampled_from([None, "en", "xx"]))
@example(args=["contacts", "AMK", "--json"], tty=False, lang=None)
@example(args=["--lang", "en", "checklist", "-s", "3", "--lang", "nl"], tty=True, lang=None)
@example(args=["checklist", "--step", "9"], tty=False, lang="en")
@example(args=["contacts", "--kind", "nope"], tty=False, lang=None)
@example(args=["contacts", "geen-zo-n-organisatie"], tty=False, lang=None)
@example(args=["criteria", "--lang", "de"], tty=False, lang=None)
@example(args=["advice", "--dos", "--json"], tty=False, lang="xx")
def test_the_short_way_and_typer_agree(args, tty, lang):
    environ = {"SEXTING_PROTOCOL_LANG": lang} if lang else {}
    short, through_typer = both_ways(args, stdout_tty=tty, environ=environ)
    assert short == through_typer


@pytest.mark.parametrize("args", [
    ["contacts"], ["--lang", "en", "contacts", "AMK", "--json", "--no-pager"], ["checklist", "-s", "3", "-r", "zvh"],
    ["criteria", "--json"], ["advice", "--donts"], ["--no-layers", "checklist", "--followup"],
])
def test_a_plain_look_up_is_read_the_short_way(args):
    assert lookups.short(args, {}) is not None


@pytest.mark.parametrize("args", [
    [], ["--help"], ["contacts", "--help"], ["checklist", "--step=3"], ["checklist", "-s3"], ["contacts", "--", "AMK"],
    ["checklist", "--step", "-1"], ["checklist", "--step", "drie"], ["checklist", "--step"], ["contacts", "a", "b"],
    ["criteria", "extra"], ["--version"], ["triage"], ["contacts", "--nope"], ["--lang=en", "contacts"],
    ["contacts", "--kind", "--json"],
])
def test_anything_else_goes_to_typer(args):
    assert lookups.short(args, {}) is None


def test_shell_completion_goes_to_typer():
    assert lookups.short(["contacts"], {"_SEXTING_PROTOCOL_COMPLETE": "bash_complete"}) is None


def test_the_table_is_typers_declaration():
    """Each look-up's options in the short way's table are the ones typer declares, with the
    same words and types (a new option declared for typer only would be refused by the short
    way, and then run through typer: right, but slow; this test says so first)."""
    from sexting_protocol.cli.app import command
    from sexting_protocol.cli.env import Env

    group = command(Env())

    def declared(params, names=None):
        return {(p.name, tuple(p.opts + p.secondary_opts), "bool" if getattr(p, "is_flag", False) else p.type.name)
                for p in params if names is None or p.name in names}

    def table(options):
        return {(o.name, o.words, "bool" if o.type is bool else o.type.__name__) for o in options}

    names = {o.name for o in lookups.GLOBAL_OPTIONS}
    assert declared(group.params, names) == table(lookups.GLOBAL_OPTIONS)
    for name, lookup in lookups.LOOKUPS.items():
        params = [p for p in group.commands[name].params if p.name not in names]
        options = [p for p in params if p.param_type_name == "option" and p.name != "help"]
        arguments = [p.name for p in params if p.param_type_name == "argument"]
        assert declared(options) == table(lookup.options), name
        assert arguments == ([lookup.argument] if lookup.argument else []), name


@pytest.mark.parametrize("args, imported", [(["contacts", "AMK", "--json"], False), (["criteria"], False),
                                            (["contacts", "--help"], True), (["checklist", "--step=3"], True)])
def test_a_plain_look_up_does_not_import_typer(args, imported):
    code = ("import sys; from sexting_protocol.cli.main import main; main(%r); "
            "sys.stderr.write(str('typer' in sys.modules))" % (args,))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stderr.endswith(str(imported)), r.stderr
