"""The command line, in-process (`run`) and, where the process matters (help texts chosen at start,
a real terminal for colour), as a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest
import typer

from conftest import ANSI, CLEAR, CRITERIA, FLAGS, JSON_KEYS, TODAY, alter, line_of, mode
from sexting_protocol import __version__
from sexting_protocol.cli.app import app

COMMANDS = sorted(typer.main.get_command(app).commands)
# What each command needs to run without a terminal, and a text it shows in Dutch and in English.
LOOKUPS = {
    "checklist": ["checklist", "--step", "3"],
    "contacts": ["contacts", "AMK"],
    "advice": ["advice"],
    "criteria": ["criteria"],
}


def subprocess_run(*args, env=None, cwd=None, timeout=60):
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "SEXTING_PROTOCOL_LANG")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "sexting_protocol", *map(str, args)], capture_output=True, text=True,
                          env=environ, cwd=cwd, timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture
def answers(write):
    return write("answers.yaml", {**CLEAR, "shared_further": "group", "context_ok": "no", "impact": "serious"})


# --- every command in Dutch and in English ------------------------------------------------------


def test_every_command_of_the_issues_is_there():
    assert {"checklist", "contacts", "advice", "criteria", "validate", "triage"} <= set(COMMANDS)


@pytest.mark.parametrize("lang_args,environ", [([], {}), (["--lang", "nl"], {}), (["--lang", "en"], {}),
                                               ([], {"SEXTING_PROTOCOL_LANG": "en"})],
                         ids=["default", "--lang nl", "--lang en", "SEXTING_PROTOCOL_LANG=en"])
def test_checklist_in_both_languages(run, bundle, lang_args, environ):
    lang = "en" if "en" in lang_args or environ else "nl"
    step = bundle.protocol.steps[2]
    r = run(*lang_args, "checklist", "--step", "3", environ=environ)
    assert r.code == 0, r.err
    assert (f"Stap 3: {step.title.nl}" if lang == "nl" else f"Step 3: {step.title.en}") in r.out
    for item in step.checklist:
        assert item.text.get(lang)[:40] in r.out.replace("\n    ", " ").replace("\n", " ")
    other = "en" if lang == "nl" else "nl"
    assert step.title.get(other) not in r.out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_criteria_in_both_languages(run, bundle, lang):
    r = run("--lang", lang, "criteria")
    assert r.code == 0
    flat = " ".join(r.out.split())
    for c in bundle.protocol.criteria:
        assert c.name.get(lang) in flat
        for q in c.check:
            assert " ".join(q.get(lang).split())[:50] in flat
    for f in bundle.protocol.flags:
        assert f.name.get(lang) in flat
        for x in f.calls_for:
            assert x.get(lang) in flat
    assert ("mutual consent" in flat) is (lang == "en")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_advice_in_both_languages(run, bundle, lang):
    r = run("--lang", lang, "advice")
    assert r.code == 0
    flat = " ".join(r.out.split())
    for a in (*bundle.protocol.dos, *bundle.protocol.donts):
        assert a.title.get(lang) in flat
    assert ("it is fine to be vulnerable" in flat) is (lang == "en")


def test_advice_dos_or_donts_only(run, bundle):
    dos, donts = run("advice", "--dos").out, run("advice", "--donts").out
    assert "Kwetsbaarheid mag" in dos and "Blame the victim" not in dos
    assert "Blame the victim" in donts and "Kwetsbaarheid mag" not in donts


@pytest.mark.parametrize("lang,heading", [("nl", "Naam"), ("en", "Name")])
def test_contacts_in_both_languages(run, bundle, lang, heading):
    r = run("--lang", lang, "contacts", "AMK")
    assert r.code == 0
    vt = bundle.contact("veilig_thuis")
    assert vt.name in r.out and f"{heading}:" in r.out
    assert " ".join(vt.purpose.get(lang).split())[:40] in " ".join(r.out.split())


@pytest.mark.parametrize("lang,word", [("nl", "VOORSTEL"), ("en", "PROPOSAL")])
def test_triage_in_both_languages(run, answers, lang, word):
    r = run("--lang", lang, "triage", "--answers", answers)
    assert r.code == 0, r.err
    assert word in r.out
    assert ("Plan per stap" in r.out) is (lang == "nl")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_validate_in_both_languages(run, lang):
    r = run("--lang", lang, "validate")
    assert r.code == 0, r.err
    assert "OK" in r.out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_handout_on_a_terminal_writes_the_poster_and_says_where(run, tmp_path, lang):
    """#17: `handout` without --output dumped raw HTML on the terminal; it writes the file in the
    documents folder (here the tests' own), a second one beside it, and says where."""
    docs = tmp_path / "Documenten"
    for name in (f"sexting-protocol-{lang}.html", f"sexting-protocol-{lang}-2.html"):
        r = run("--lang", lang, "handout", stdout_tty=True, environ={"SEXTING_PROTOCOL_DOCUMENTS": str(docs)})
        assert r.code == 0, r.err
        path = docs / name
        assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and "<html" not in r.out
        assert f"{'Geschreven' if lang == 'nl' else 'Written'}: {path}" in r.out
    assert "<!DOCTYPE html>" in run("handout", environ={"SEXTING_PROTOCOL_DOCUMENTS": str(docs)}).out  # piped


def test_handout_lands_in_the_users_documents_folder_not_the_current_one(user_home, tmp_path, monkeypatch):
    from conftest import run_cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEXTING_PROTOCOL_CACHE", "off")
    r = run_cli("handout", stdout_tty=True, environ={"HOME": str(user_home), "SEXTING_PROTOCOL_CACHE": "off"})
    assert r.code == 0, r.err
    assert (user_home / "Documents" / "sexting-protocol-nl.html").is_file(), r.out
    assert not list(tmp_path.glob("*.html"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_handout_in_both_languages(run, bundle, lang):
    r = run("--lang", lang, "handout")
    assert r.code == 0
    assert f'<html lang="{lang}"' in r.out
    assert bundle.protocol.steps[0].title.get(lang) in r.out


def test_unknown_language(run):
    r = run("--lang", "de", "criteria")
    assert r.code == 2
    assert "nl" in r.err and "en" in r.err
    assert "Traceback" not in r.err


# --- --json --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "help"])  # help is --help, which has no JSON
def test_every_command_takes_json(command):
    """Issue 2: "Every command takes `--json`"."""
    cmd = typer.main.get_command(app).commands[command]
    assert "--json" in [o for p in cmd.params for o in p.opts], f"{command} has no --json"


@pytest.mark.parametrize("args", [
    ["checklist"], ["checklist", "--step", "3"], ["checklist", "--route", "zvh"], ["checklist", "--route", "police"],
    ["checklist", "--followup"], ["contacts"], ["contacts", "--kind", "acuut"], ["advice"], ["advice", "--dos"],
    ["criteria"], ["practice", "--list"], ["validate"], ["schema"], ["handout"],
], ids=" ".join)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_json_parses(run, args, lang):
    r = run("--lang", lang, *args, "--json")
    assert r.code == 0, r.err
    assert isinstance(r.json(), (dict, list))
    assert not ANSI.search(r.out)


def test_validate_json_parses(run):
    r = run("validate", "--json")
    assert r.code == 0, r.err
    assert isinstance(r.json(), (dict, list))


def test_validate_json_lists_the_problems(run, write, protocol_text):
    text = alter(protocol_text, STEP3, STEP3 + "    colour: red\n")
    text = alter(text, "  - number: 4\n", "  - number: four\n")
    path = write("protocol.yaml", text)
    r = run("--protocol", path, "validate", "--json")
    assert r.code == 2
    out = r.json()
    text_of = json.dumps(out)
    assert "colour" in text_of and "steps[3].number" in text_of
    assert str(line_of(text, "  - number: four")) in text_of
    assert path in text_of


def test_init_json(run, tmp_path):
    r = run("init", "--json", environ={"SEXTING_PROTOCOL_HOME": str(tmp_path / "home")})
    assert r.code == 0, r.err
    assert str(tmp_path / "home") in json.dumps(r.json())


def test_json_in_the_chosen_language(run, bundle):
    nl = run("checklist", "--step", "3", "--json").json()
    en = run("--lang", "en", "checklist", "--step", "3", "--json").json()
    assert nl["steps"][0]["title"] == bundle.protocol.steps[2].title.nl
    assert en["steps"][0]["title"] == bundle.protocol.steps[2].title.en
    assert [i["id"] for i in nl["steps"][0]["checklist"]] == [i["id"] for i in en["steps"][0]["checklist"]]


def test_checklist_json_step_has_its_dos_and_donts(run, bundle):
    out = run("checklist", "--step", "3", "--json").json()
    step = out["steps"][0]
    assert {a["id"] for a in step["dos"]} == {a.id for a in bundle.protocol.dos if 3 in a.steps}
    assert {a["id"] for a in step["donts"]} == {a.id for a in bundle.protocol.donts if 3 in a.steps}
    assert step["contacts"]


def test_criteria_json(run):
    out = run("criteria", "--json").json()
    assert [c["id"] for c in out["criteria"]] == CRITERIA
    assert [f["id"] for f in out["flags"]] == FLAGS
    assert all(c["check"] for c in out["criteria"])


def test_contacts_json_shows_verification(run):
    out = run("contacts", "--json").json()
    politie = next(c for c in out["contacts"] if c["id"] == "politie")
    assert politie["phone"]["value"] == "0900-8844" and politie["phone"]["verified"] == "yes"


# --- colour --------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", list(LOOKUPS.values()), ids=list(LOOKUPS))
@pytest.mark.parametrize("tty,environ", [(False, {}), (True, {"NO_COLOR": "1"}), (False, {"NO_COLOR": "1"}),
                                         (True, {"TERM": "dumb"})],
                         ids=["pipe", "tty NO_COLOR", "pipe NO_COLOR", "TERM=dumb"])
def test_no_ansi_codes_without_a_colour_terminal(run, args, tty, environ):
    r = run(*args, stdout_tty=tty, environ=environ)
    assert r.code == 0
    assert not ANSI.search(r.out + r.err)


def test_no_ansi_codes_in_a_triage_on_a_pipe(run, answers):
    r = run("triage", "--answers", answers)
    assert r.code == 0
    assert not ANSI.search(r.out)


@pytest.mark.parametrize("args", list(LOOKUPS.values()), ids=list(LOOKUPS))
def test_colour_on_a_terminal_in_process(run, args):
    """`Env(stdout_isatty=True)` without NO_COLOR: the output is coloured."""
    r = run(*args, stdout_tty=True)
    assert r.code == 0
    assert ANSI.search(r.out), "no colour although Env says stdout is a terminal"


def run_in_pty(*args, env):
    import pty

    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "sexting_protocol", *args], stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return p.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_in_a_real_terminal(no_color):
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", COLUMNS="100")
    if no_color:
        env["NO_COLOR"] = "1"
    code, out = run_in_pty("criteria", env=env)
    assert code == 0, out
    assert bool(ANSI.search(out)) is not no_color
    assert "GROEN" in out


# --- checklist -----------------------------------------------------------------------------------


@pytest.mark.parametrize("step", ["0", "6", "-1"])
def test_checklist_step_outside_1_to_5(run, step):
    r = run("checklist", "--step", step)
    assert r.code == 2
    assert "1" in r.err and "5" in r.err
    assert "Traceback" not in r.err


def test_checklist_step_not_a_number(run):
    r = run("checklist", "--step", "drie")
    assert r.code == 2
    assert "Traceback" not in r.err


def test_checklist_all_steps_and_the_followup(run, bundle):
    r = run("checklist")
    assert r.code == 0
    for s in bundle.protocol.steps:
        assert f"Stap {s.number}: {s.title.nl}" in r.out
    assert bundle.protocol.followup.title.nl in r.out


def test_checklist_shows_the_images_rule(run, bundle):
    r = run("checklist", "--step", "1")
    assert bundle.protocol.images_rule.title.nl in r.out


def test_checklist_step_shows_its_dos_donts_and_contacts(run, bundle):
    r = run("checklist", "--step", "3")
    flat = " ".join(r.out.split())
    for a in (*bundle.protocol.dos, *bundle.protocol.donts):
        assert (a.title.nl + ":" in flat) is (3 in a.steps), a.id
    assert "Contacten" in r.out


def test_checklist_route_zvh(run):
    r = run("checklist", "--route", "zvh")
    assert r.code == 0
    flat = " ".join(r.out.split())
    for item in ("Zorg- en Veiligheidshuis", "ZAT", "Scenario Team Seksueel Geweld", "procesregisseur"):
        assert item in flat
    assert "Stap 3" not in r.out


@pytest.mark.parametrize("route", ["self_help", "consult", "inform_parents", "police", "zvh", "report_veilig_thuis",
                                   "board_duty", "emergency", "crisis_care", "acute_care"])
def test_checklist_every_contract_route(run, route):
    r = run("checklist", "--route", route)
    assert r.code == 0, r.err
    assert r.out.strip()


def test_checklist_unknown_route(run):
    r = run("checklist", "--route", "zvhh")
    assert r.code == 2
    assert "zvh" in r.err
    assert "Traceback" not in r.err


def test_checklist_followup(run):
    r = run("checklist", "--followup")
    assert r.code == 0
    assert "hoe gaat het nu?" in r.out.lower()


@pytest.mark.parametrize("args", [["--followup"], ["--route", "police"], ["--route", "police", "--followup"],
                                  ["--route", "zvh", "--followup"]])
def test_checklist_step_with_a_route_or_the_followup_shows_all_asked(run, bundle, args):
    """The step is never dropped: the step, then the route, then the follow-up, in text and --json."""
    p = bundle.protocol
    route = args[args.index("--route") + 1] if "--route" in args else None
    r = run("checklist", "--step", "3", *args)
    assert r.code == 0, r.err
    flat = " ".join(r.out.split())
    wanted = [f"Stap 3: {p.steps[2].title.nl}"]
    if route == "zvh":
        wanted.append(p.zvh_route.title.nl)
    elif route:
        wanted.append(next(x for x in p.triage.routes if x.id == route).name.nl)
    if "--followup" in args:
        wanted.append(p.followup.title.nl)
    where = [flat.find(w) for w in wanted]
    assert -1 not in where, (wanted, where)
    assert where == sorted(where)
    assert "Stap 2" not in flat and "Stap 4" not in flat
    assert ("hoe gaat het nu?" in flat.lower()) is ("--followup" in args)

    out = run("checklist", "--step", "3", *args, "--json").json()
    assert [s["number"] for s in out["steps"]] == [3]
    assert [k for k in out if k in ("steps", "route", "followup")] == \
        ["steps"] + (["route"] if route else []) + (["followup"] if "--followup" in args else [])
    if route:
        assert out["route"]["id"] == route
    if "--followup" in args:
        assert out["followup"]["title"] == p.followup.title.nl


# --- contacts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query,name", [
    ("AMK", "Veilig Thuis"), ("amk", "Veilig Thuis"), ("Steunpunt Huiselijk Geweld", "Veilig Thuis"),
    ("zorgcoordinator", "Zorgcoördinator"), ("ZORGCOÖRDINATOR", "Zorgcoördinator"), ("zedenpolitie", "Politie"),
    ("ZVH", "Zorg- en Veiligheidshuis"), ("Kompaan", "Kompaan en De Bocht"), ("we can young", "WE CAN Young"),
])
def test_contacts_search(run, query, name):
    r = run("contacts", query)
    assert r.code == 0, r.err
    assert name in r.out


def test_contacts_search_ignores_accents_not_only_through_an_alias(run, write, contacts_text):
    """Without the accent-free alias, `zorgcoordinator` still finds `Zorgcoördinator`, and `coördinator`
    finds an organisation spelled without the diaeresis."""
    text = alter(contacts_text, 'aliases: ["zorgcoördinator", "zorgcoordinator"]', "aliases: []")
    text = alter(text, 'name: "Halt"', 'name: "Halt coordinatiepunt"')
    path = write("contacts.yaml", text)
    r = run("--contacts", path, "contacts", "zorgcoordinator")
    assert r.code == 0, r.err
    assert "Zorgcoördinator" in r.out
    r = run("--contacts", path, "contacts", "Coördinatiepunt")
    assert r.code == 0, r.err
    assert "Halt coordinatiepunt" in r.out


def test_contacts_search_matches_purpose_and_kind(run):
    assert "Centrum Seksueel Geweld" in run("contacts", "acuut").out
    out = run("contacts", "laten verwijderen", "--json").json()
    assert "helpwanted" in [c["id"] for c in out["contacts"]]


def test_contacts_kind(run):
    out = run("contacts", "--kind", "intern", "--json").json()
    ids = {c["id"] for c in out["contacts"]}
    assert {"ib_er", "smw", "zat", "vertrouwenspersoon", "zorgcoordinator"} <= ids
    assert all(c["kind"] == "intern" for c in out["contacts"])


def test_contacts_unknown_kind(run):
    r = run("contacts", "--kind", "geheim")
    assert r.code == 2
    assert "intern" in r.err


def test_contacts_no_match(run):
    r = run("contacts", "xyzzy")
    assert r.code == 1
    assert "xyzzy" in r.err
    assert r.out == ""


def test_contacts_we_can_young_is_historical(run):
    r = run("contacts", "WE CAN Young")
    assert "historisch" in r.out
    assert run("contacts", "WE CAN Young", "--json").json()["contacts"][0]["historical"] is True


# --- version and help ----------------------------------------------------------------------------


def test_version_in_process(run, capsys):
    r = run("--version")
    assert r.code == 0
    printed = r.out + capsys.readouterr().out
    assert __version__ in printed


def test_version_is_the_installed_one():
    from importlib.metadata import version

    p = subprocess_run("--version")
    assert p.returncode == 0
    assert p.stdout.strip() == f"sexting-protocol {version('sexting-protocol')}"


def help_example(text: str, command: str | None) -> bool:
    """An example line of the command after the usage line."""
    body = text.split("\n", 1)[1] if text.startswith("Usage") else text
    pattern = r"sexting-protocol\b" + (rf"[^\n]* {command}\b" if command else r"\s")
    return re.search(pattern, body) is not None


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_an_example_in_dutch(run, capsys, command):
    # in-process: the help texts are chosen when the module is imported (Dutch, as pytest has no --lang)
    r = run(*([command] if command else []), "--help")
    out = r.out + capsys.readouterr().out
    assert r.code == 0, r.err
    assert help_example(out, command), out
    assert "Voorbeeld" in out


@pytest.mark.parametrize("command,how", [("checklist", "--lang"), ("triage", "--lang"), ("contacts", "env")])
def test_help_in_english(command, how):
    if how == "--lang":
        p = subprocess_run("--lang", "en", command, "--help")
    else:
        p = subprocess_run(command, "--help", env={"SEXTING_PROTOCOL_LANG": "en"})
    assert p.returncode == 0
    assert "Example" in p.stdout and "Voorbeeld" not in p.stdout
    assert help_example(p.stdout, command)


def test_no_arguments_shows_the_help():
    p = subprocess_run()
    assert "checklist" in p.stdout + p.stderr
    assert "Traceback" not in p.stderr


def test_unknown_command(run):
    r = run("triagee")
    assert r.code == 2
    assert "Traceback" not in r.err


# --- triage without a terminal, with --answers ---------------------------------------------------


@pytest.mark.parametrize("stdin_tty,stdout_tty", [(False, False), (False, True), (True, False)])
def test_triage_without_a_terminal_points_to_answers(run, stdin_tty, stdout_tty):
    r = run("triage", stdin_tty=stdin_tty, stdout_tty=stdout_tty)
    assert r.code == 2
    assert len(r.err.strip().splitlines()) == 1
    assert "--answers" in r.err
    assert r.out == ""


def test_triage_json_has_the_contracts_keys(run, answers):
    r = run("triage", "--answers", answers, "--json")
    assert r.code == 0
    out = r.json()
    assert set(JSON_KEYS) <= set(out)
    assert out["flag"] in FLAGS and out["confirmed_flag"] == out["flag"]
    assert isinstance(out["urgent"], bool)
    assert list(out["criteria"]) == CRITERIA
    assert set(out["criteria"].values()) <= set(FLAGS) | {"unknown"}
    assert [s["step"] for s in out["plan"]] == [1, 2, 3, 4, 5]
    assert all(isinstance(i["id"], str) and isinstance(i["text"], str) for s in out["plan"] for i in s["items"])
    for reason in out["reasons"]:
        assert {"question", "answer", "effect"} <= set(reason)
        assert set(reason) & {"criterion", "floor", "route", "escalation", "contact", "warning", "lowest", "priority"}
    assert out["answers"]["shared_further"] == "group"


def test_triage_json_never_prompts_even_on_a_terminal(run, answers):
    r = run("triage", "--answers", answers, "--json", stdin_tty=True, stdout_tty=True)
    assert r.code == 0
    assert set(JSON_KEYS) <= set(r.json())


def test_triage_no_input_on_a_terminal(run, answers):
    r = run("triage", "--answers", answers, "--no-input", stdin_tty=True, stdout_tty=True)
    assert r.code == 0
    assert "VOORSTEL" in r.out


def test_triage_decision_screen(run, write, bundle):
    path = write("a.yaml", {**CLEAR, "immediate_danger": "yes", "shared_further": "few"})
    r = run("triage", "--answers", path)
    assert r.code == 0
    out = r.out
    assert out.index("112") < out.index("VOORSTEL"), "the urgent banner comes first"
    assert "ROOD" in out
    assert bundle.protocol.images_rule.title.nl in out
    assert "[ ]" in out


# --- reports -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,kind", [("verslag.md", "md"), ("verslag.txt", "txt"), ("verslag.json", "json"),
                                       ("verslag", "md"), ("VERSLAG.TXT", "txt"), ("verslag.markdown", "md")])
def test_report_formats_and_mode(run, answers, tmp_path, open_umask, name, kind):
    path = tmp_path / name
    r = run("triage", "--answers", answers, "--report", path, "--case-ref", "2026-014", "--role", "mentor")
    assert r.code == 0, r.err
    assert mode(path) == 0o600
    text = path.read_text(encoding="utf-8")
    if kind == "json":
        out = json.loads(text)
        assert set(JSON_KEYS) <= set(out)
    elif kind == "md":
        assert re.search(r"^# ", text, re.M)
        assert "- [ ] " in text
        assert "|---" in text
    else:
        assert "[ ] " in text
        assert not re.search(r"^#", text, re.M)
        assert "|---" not in text and "**" not in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "a temp file was left"


@pytest.mark.parametrize("ext", ["md", "txt"])
def test_report_content(run, write, tmp_path, bundle, ext):
    answers = write("a.yaml", {**CLEAR, "recipient_wanted": "no", "confirmed_flag": "yellow",
                               "confirmed_reason": "eenmalig, meteen spijt", "confirmed_consulted": "zorgcoördinator"})
    path = tmp_path / f"verslag.{ext}"
    r = run("triage", "--answers", answers, "--report", path, "--case-ref", "2026-014", "--role", "mentor",
            "--signal-date", "2026-02-27")
    assert r.code == 0, r.err
    text = " ".join(path.read_text(encoding="utf-8").split())
    for needle in ("2026-014", "mentor", "27-2-2026", "2-3-2026", "eenmalig, meteen spijt", "zorgcoördinator",
                   "ROOD", "GEEL"):
        assert needle in text, needle
    for q in bundle.protocol.questions[:3]:  # the facts: the questions with their answers
        assert q.text.nl in text or q.short.nl in text
    assert "Nee" in text
    checkbox = "- [ ] " if ext == "md" else "[ ] "
    assert text.count(checkbox) >= 10
    assert "privacy" in text.lower()


def test_report_json_has_the_meta(run, answers, tmp_path):
    path = tmp_path / "v.json"
    r = run("triage", "--answers", answers, "--report", path, "--case-ref", "K-1", "--role", "IB-er",
            "--signal-date", "2026-02-28")
    assert r.code == 0
    meta = json.loads(path.read_text(encoding="utf-8"))["report"]
    assert meta["case_ref"] == "K-1" and meta["role"] == "IB-er"
    assert meta["signal_date"] == "2026-02-28" and meta["report_date"] == TODAY.isoformat()


def test_report_with_json_keeps_stdout_pure(run, answers, tmp_path):
    r = run("triage", "--answers", answers, "--json", "--report", tmp_path / "v.md")
    assert r.code == 0
    r.json()


def test_report_refuses_an_existing_file(run, answers, tmp_path):
    path = tmp_path / "verslag.md"
    path.write_text("van iemand anders\n", encoding="utf-8")
    r = run("triage", "--answers", answers, "--report", path)
    assert r.code == 1
    assert str(path) in r.err
    assert path.read_text(encoding="utf-8") == "van iemand anders\n"


def test_nothing_is_written_when_one_file_exists(run, answers, tmp_path):
    (tmp_path / "f.ics").write_text("x", encoding="utf-8")
    r = run("triage", "--answers", answers, "--report", tmp_path / "v.md", "--ics", tmp_path / "f.ics")
    assert r.code == 1
    assert not (tmp_path / "v.md").exists()


def test_report_force_overwrites_with_mode_0600(run, answers, tmp_path, open_umask):
    path = tmp_path / "verslag.md"
    path.write_text("oud\n", encoding="utf-8")
    os.chmod(path, 0o644)
    r = run("triage", "--answers", answers, "--report", path, "--force")
    assert r.code == 0, r.err
    assert path.read_text(encoding="utf-8") != "oud\n"
    assert mode(path) == 0o600


def test_report_into_a_missing_folder(run, answers, tmp_path):
    r = run("triage", "--answers", answers, "--report", tmp_path / "nope" / "v.md")
    assert r.code != 0
    assert "Traceback" not in r.err


@pytest.mark.parametrize("date", ["31-02-2026", "2026-2-27", "27-02-26", "gisteren"])
def test_bad_signal_date(run, answers, tmp_path, date):
    r = run("triage", "--answers", answers, "--report", tmp_path / "v.md", "--signal-date", date)
    assert r.code == 2
    assert date in r.err and "7-12-2026" in r.err
    assert not (tmp_path / "v.md").exists()


@pytest.mark.parametrize("date", ["27-2-2026", "27-02-2026", "2026-02-27", " 27/2/2026 ", "27.02.2026"])
@pytest.mark.parametrize("lang,shown", [("nl", "27-2-2026"), ("en", "2026-02-27")])
def test_a_signal_date_as_dutch_writes_it(run, answers, tmp_path, date, lang, shown):
    """#17: the date prompt and --signal-date refused "7-12-2026"; the report shows a date as the
    language writes it (JSON keeps ISO)."""
    r = run("--lang", lang, "triage", "--answers", answers, "--report", tmp_path / "v.md", "--signal-date", date)
    assert r.code == 0, r.err
    text = (tmp_path / "v.md").read_text(encoding="utf-8")
    assert re.search(rf"\| {re.escape(shown)} +\|", text), text[:600]
    assert ("2-3-2026" if lang == "nl" else TODAY.isoformat()) in text  # the report's own date
    r = run("triage", "--answers", answers, "--report", tmp_path / "v.json", "--signal-date", date)
    assert json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))["report"]["signal_date"] == "2026-02-27"


# --- the follow-up calendar -----------------------------------------------------------------------


@pytest.mark.parametrize("days", [None, 14])
def test_ics_is_a_valid_calendar_without_names(run, answers, tmp_path, open_umask, days):
    from icalendar import Calendar

    path = tmp_path / "follow-up.ics"
    extra = ["--followup-days", str(days)] if days else []
    r = run("triage", "--answers", answers, "--ics", path, "--case-ref", "ZAAK-4711", "--role", "mentor", *extra)
    assert r.code == 0, r.err
    assert mode(path) == 0o600
    raw = path.read_text(encoding="utf-8")
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    ev = events[0]
    start = ev.decoded("DTSTART")
    start = start.date() if isinstance(start, dt.datetime) else start
    assert start == TODAY + dt.timedelta(days=days or 7)
    assert ev.get("UID") and ev.get("DTSTAMP")
    assert "hoe gaat het nu?" in str(ev["SUMMARY"]).lower() and "ZAAK-4711" in str(ev["SUMMARY"])
    for secret in ("mentor", "groepsapp", "ernstig"):  # the case reference may be in the title
        assert secret not in raw, secret


@pytest.mark.parametrize("lang,todo", [("nl", "Wat je nu doet:"), ("en", "What to do now:")])
def test_ics_says_what_to_do_at_the_follow_up(run, answers, tmp_path, bundle, lang, todo):
    """#17: the event said "standaard binnen 7 dagen" (plan its date) inside the appointment
    that already is that date; it says what to do at the follow-up."""
    from icalendar import Calendar

    path = tmp_path / "f.ics"
    assert run("--lang", lang, "triage", "--answers", answers, "--ics", path).code == 0
    text = str(next(iter(Calendar.from_ical(path.read_text(encoding="utf-8")).walk("VEVENT")))["DESCRIPTION"])
    items = bundle.protocol.followup.checklist
    assert items[0].text.get(lang) not in text and "7 dag" not in text and "7 days" not in text
    assert todo in text and all(f"- {i.text.get(lang)}" in text for i in items[1:])


def test_ics_refuses_an_existing_file(run, answers, tmp_path):
    path = tmp_path / "f.ics"
    path.write_text("x", encoding="utf-8")
    assert run("triage", "--answers", answers, "--ics", path).code == 1
    assert path.read_text(encoding="utf-8") == "x"
    assert run("triage", "--answers", answers, "--ics", path, "--force").code == 0
    assert "BEGIN:VCALENDAR" in path.read_text(encoding="utf-8")


# --- validate ------------------------------------------------------------------------------------

STEP3 = "  - number: 3\n"


def test_validate_clean(run):
    r = run("validate")
    assert r.code == 0
    assert "OK" in r.out
    assert r.err == ""


def test_validate_lists_two_independent_errors(run, write, protocol_text):
    text = alter(protocol_text, STEP3, STEP3 + "    colour: red\n")
    text = alter(text, "  - number: 4\n", "  - number: four\n")
    path = write("protocol.yaml", text)
    r = run("--protocol", path, "validate")
    assert r.code == 2
    assert "colour" in r.err and "steps[2]" in r.err
    assert f"{path}:{line_of(text, '  - number: four')}:" in r.err and "steps[3].number" in r.err
    assert "Traceback" not in r.err


def test_validate_lists_errors_in_both_files(run, write, protocol_text, contacts_text):
    ppath = write("protocol.yaml", alter(protocol_text, STEP3, STEP3 + "    colour: red\n"))
    ctext = alter(contacts_text, "  - id: halt\n", "  - id: halt\n    fax: 013-0000000\n")
    cpath = write("contacts.yaml", ctext)
    r = run("--protocol", ppath, "--contacts", cpath, "validate")
    assert r.code == 2
    assert "colour" in r.err and "fax" in r.err
    assert f"{ppath}:" in r.err and f"{cpath}:" in r.err


def test_validate_lists_every_reference_problem(run, write, protocol_text):
    text = alter(protocol_text, "    contacts: [smw, vertrouwenspersoon]\n", "    contacts: [smw, nobody_here]\n",
                 after=STEP3)
    text = alter(text, "    steps: [2, 3]\n", "    steps: [2, 9]\n", after="  - id: kwetsbaarheid_mag\n")
    path = write("protocol.yaml", text)
    r = run("--protocol", path, "validate")
    assert r.code == 2
    assert "nobody_here" in r.err and "dos[0].steps[1]" in r.err


def test_validate_missing_english_is_a_warning(run, write, protocol_text):
    old = '    title: {nl: "Ga in gesprek met de betrokkenen", en: "Talk with those involved"}\n'
    text = alter(protocol_text, old, '    title: {nl: "Ga in gesprek met de betrokkenen"}\n', after=STEP3)
    path = write("protocol.yaml", text)
    r = run("--protocol", path, "validate")
    assert r.code == 0, r.err
    assert "steps[2].title" in r.err
    line = line_of(text, '    title: {nl: "Ga in gesprek')
    assert f"{path}:{line}:" in r.err
    # and the English output falls back to Dutch
    r = run("--protocol", path, "--lang", "en", "checklist", "--step", "3")
    assert r.code == 0
    assert "Step 3: Ga in gesprek met de betrokkenen" in r.out


def test_protocol_file_from_the_environment(run, write, protocol_text):
    path = write("protocol.yaml", alter(protocol_text, STEP3, STEP3 + "    colour: red\n"))
    r = run("criteria", environ={"SEXTING_PROTOCOL_FILE": path})
    assert r.code == 2 and path in r.err
    r = run("validate", environ={"SEXTING_PROTOCOL_FILE": path})
    assert r.code == 2 and path in r.err


def test_contacts_file_from_the_environment(run, write, contacts_text):
    text = alter(contacts_text, 'name: "Halt"', 'name: "Halt Midden-Brabant"')
    path = write("contacts.yaml", text)
    r = run("contacts", "Halt", environ={"SEXTING_CONTACTS_FILE": path})
    assert r.code == 0
    assert "Halt Midden-Brabant" in r.out
    # the option wins over the environment
    r = run("--contacts", str(path), "contacts", "Halt", environ={"SEXTING_CONTACTS_FILE": "/nonexistent.yaml"})
    assert r.code == 0 and "Halt Midden-Brabant" in r.out


# --- the other commands ---------------------------------------------------------------------------


def test_schema_prints_json(run):
    r = run("schema")
    assert r.code == 0
    assert "protocol.schema.json" in r.json()


def test_init_writes_the_contacts_file_once(run, tmp_path):
    home = tmp_path / "home"
    r = run("init", environ={"SEXTING_PROTOCOL_HOME": str(home)})
    assert r.code == 0, r.err
    assert mode(home / "contacts.yaml") == 0o600
    again = run("init", environ={"SEXTING_PROTOCOL_HOME": str(home)})
    assert again.code == 1
    # the file it writes is valid as it stands
    assert run("validate", environ={"SEXTING_PROTOCOL_HOME": str(home)}).code == 0


def test_a_run_makes_only_its_own_command(monkeypatch):
    """typer makes every command at once (some 15 ms of every start); the group makes the one
    that is run, and all of them for the help, which lists them with their global options."""
    from sexting_protocol.cli import app
    from sexting_protocol.cli.options import Globals
    from sexting_protocol.cli.env import Env

    made = []
    real = app._Commands.__getitem__
    monkeypatch.setattr(app._Commands, "__getitem__", lambda self, name: made.append(name) or real(self, name))
    group = app.command(Env())
    assert sorted(group.commands) == COMMANDS
    assert group.main(args=["criteria"], prog_name="sexting-protocol", standalone_mode=False, obj=Globals(Env())) == 0
    assert set(made) == {"criteria"}
    every = [group.commands[name] for name in COMMANDS]
    assert all("--lang" in [o for p in c.params for o in p.opts] for c in every)
