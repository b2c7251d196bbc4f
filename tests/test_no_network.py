"""Nothing goes over the network: with sockets made to fail, every command still runs."""

from __future__ import annotations

import socket

import pytest
import typer

from conftest import CLEAR
from sexting_protocol.cli.app import app


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise NetworkUsed(f"network used: {args!r}")

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse)
    return calls


def test_the_fixture_really_blocks_sockets(no_network):
    with pytest.raises(NetworkUsed):
        socket.socket()
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.org", 80))


def test_every_command_runs_without_network(no_network, run, write, tmp_path):
    answers = write("a.yaml", {**CLEAR, "shared_further": "group", "extortion": "yes"})
    home = tmp_path / "home"
    commands = [
        ["checklist"], ["checklist", "--step", "3"], ["checklist", "--route", "zvh"], ["checklist", "--followup"],
        ["checklist", "--json"],
        ["contacts"], ["contacts", "AMK"], ["contacts", "--json"],
        ["advice"], ["advice", "--json"],
        ["criteria"], ["criteria", "--json"],
        ["validate"],
        ["triage", "--answers", answers],
        ["triage", "--answers", answers, "--json"],
        ["triage", "--answers", answers, "--report", tmp_path / "v.md", "--ics", tmp_path / "f.ics"],
        ["triage", "--answers", answers, "--report", tmp_path / "w.txt"],  # each report with its case file beside it
        ["triage", "--answers", answers, "--report", tmp_path / "x.json"],
        ["--lang", "en", "triage", "--answers", answers],
        ["conversations", "--answers", answers], ["conversations", "--answers", answers, "--json"],
        ["followup", tmp_path / "v.json", "--answers", write("fu.yaml", {"notes": "rustig"})],
        ["schema"], ["handout"], ["init"], ["help"], ["help", "triage"],
        ["practice", "--list"],
    ]
    covered = set()
    for args in commands:
        for tty in (False, True):  # plain and coloured output
            if tty and args[0] not in ("checklist", "contacts", "advice", "criteria"):
                continue
            r = run(*args, stdout_tty=tty, environ={"SEXTING_PROTOCOL_HOME": str(home)})
            assert r.code == 0, (args, r.err)
            covered.add(args[0] if args[0] != "--lang" else args[2])
    assert no_network == []
    # every command of the app was run here, but `web`: it listens on 127.0.0.1 alone, which
    # tests/test_web.py checks with a real server
    assert set(typer.main.get_command(app).commands) - {"web"} <= covered


def test_errors_also_run_without_network(no_network, run, write):
    bad = write("a.yaml", "impact: true\n")
    assert run("triage", "--answers", bad, "--json").code == 2
    assert run("checklist", "--step", "9").code == 2
    assert run("contacts", "xyzzy").code == 1
    assert no_network == []
