"""A school's layer file never locks colleagues out (issue 10; issue 11 #7, #14, #16, #17, #21,
#22, #23, #24).

A layer file (contacts.yaml or protocol.yaml in the config folder) with any problem is left out
whole by every command but `validate`: the command goes on with the data without that file and
says so on stderr in two lines (the file, its line, `sexting-protocol validate`), never on
stdout. `validate` lists every problem of every file in one run and exits 2. Nothing from a
broken file is used, and a control character in a layer never reaches the terminal.

Every test runs the command line in-process with its own config and cache folders under
tmp_path; HOME is an empty folder.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import CLEAR, REPO, Org as BaseOrg, line_of
from sexting_protocol.store import bundle as data, yamlio
from sexting_protocol.core import checks, model

pytestmark = pytest.mark.usefixtures("user_home")

ESCAPES = "013 \x1b]0;PWNED\x07 \x1b[31mred"


class Org(BaseOrg):
    def __init__(self, tmp_path: Path):
        super().__init__(tmp_path)
        self.home.mkdir(parents=True, exist_ok=True)

    def layer(self, name: str, text: str) -> str:
        path = self.home / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    def answers(self) -> str:
        path = self.tmp / "answers.yaml"
        path.write_text(yaml.safe_dump(CLEAR), encoding="utf-8")
        return str(path)


@pytest.fixture
def org(tmp_path) -> Org:
    return Org(tmp_path)


def lines_at(err: str, path: str) -> list[int]:
    return [int(m) for m in re.findall(re.escape(path) + r":(\d+):", err)]


def assert_left_out(org: Org, r, layer: str, *args: str, line: int | None = None, code: str | None = None) -> None:
    """The command went on exactly as without the layers, and said so in two lines on stderr."""
    assert r.code == 0, r.err
    assert "Traceback" not in r.err and "interne fout" not in r.err
    assert r.out == org.run("--no-layers", *args).out, "the command goes on without the layer, guessing nothing"
    first, second = r.err.splitlines()
    assert first.startswith(layer), r.err
    if line is not None:
        assert lines_at(first, layer) == [line], r.err
    if code is not None:
        assert f"[{code}]" in first, r.err
    assert layer in second and "sexting-protocol validate" in second, r.err


# --- the "done when" -------------------------------------------------------------------


def test_a_typo_in_the_contacts_layer_never_locks_anyone_out(org):
    text = """\
        # Onze contacten
        contacts:
          - id: zorgcoordinator
            phoen: "0xx-xxx xx xx"
        """
    layer = org.layer("contacts.yaml", text)
    line = line_of(textwrap.dedent(text), "phoen:")

    r = org.run("contacts", "zeden")
    assert_left_out(org, r, layer, "contacts", "zeden", line=line, code="SP101")
    assert "Politie" in r.out
    assert "bedoel je 'phone'?" in r.err

    r = org.run("triage", "--answers", org.answers(), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["flag"] == "green", "--json stays clean: the warning is on stderr"
    assert lines_at(r.err, layer) == [line] and "sexting-protocol validate" in r.err


def test_validate_lists_two_planted_problems_in_two_files_in_one_run(org):
    ctext = textwrap.dedent("""\
        contacts:
          - id: zorgcoordinator
            phoen: "0xx-xxx xx xx"
        """)
    ptext = textwrap.dedent("""\
        steps:
          - number: 2
            checklist:
              - id: eigen_item
                text: {nl: "Bel de coach.", en: "Call the coach."}
                contacts: [zorgcoordinatr]
        """)
    clayer, player = org.layer("contacts.yaml", ctext), org.layer("protocol.yaml", ptext)
    r = org.run("validate")
    assert r.code == 2, r.err
    problems = [x for x in r.err.splitlines() if "[SP" in x]
    assert len(problems) == 2, r.err
    assert f"{clayer}:{line_of(ctext, 'phoen:')}:" in r.err and "[SP101] onbekende sleutel 'phoen'" in r.err
    assert f"{player}:{line_of(ptext, 'zorgcoordinatr')}:" in r.err
    assert "[SP303] onbekend contact 'zorgcoordinatr'; bedoel je 'zorgcoordinator'?" in r.err
    assert "OK" not in r.out
    # and each command leaves both out, saying so for each
    r = org.run("contacts", "--json")
    assert r.code == 0 and r.out == org.run("--no-layers", "contacts", "--json").out
    assert lines_at(r.err, clayer) and lines_at(r.err, player), r.err


def test_validate_speaks_english_with_lang_en(org):
    org.layer("contacts.yaml", 'contacts:\n  - id: zorgcoordinator\n    phoen: "0xx-xxx xx xx"\n')
    r = org.run("--lang", "en", "validate")
    assert r.code == 2
    assert "[SP101] unknown key 'phoen'; did you mean 'phone'?" in r.err
    assert "Problems: 1." in r.err
    assert "onbekend" not in r.err
    r = org.run("validate")
    assert "Additional properties" not in r.err and "was unexpected" not in r.err


# --- every way a layer can be broken -----------------------------------------------------------

# name → (layer file, text, the code of its problem, the snippet on the problem's line)
BROKEN = {
    "yaml-syntax": ("contacts.yaml", 'contacts:\n  - id: smw\n    phone: "013\n  - id: zat\n', None, None),
    "unknown-key": ("contacts.yaml", 'contacts:\n  - id: smw\n    phoen: "0xx"\n', "SP101", "phoen:"),
    "wrong-type": ("contacts.yaml", "contacts:\n  - id: smw\n    aliases: SMW\n", "SP103", "aliases:"),
    "unknown-kind": ("contacts.yaml", "contacts:\n  - id: smw\n    kind: geheim\n", "SP104", "kind:"),
    "not-a-mapping": ("contacts.yaml", "- id: smw\n", "SP201", None),
    "entry-without-id": ("contacts.yaml", "contacts:\n  - phone: '0xx'\n", "SP202", "- phone"),
    "same-id-twice": ("contacts.yaml", "contacts:\n  - id: smw\n    phone: '1'\n  - id: smw\n    phone: '2'\n",
                      "SP204", "  - id: smw\n    phone: '2'"),
    "list-as-contact-id": ("contacts.yaml", "contacts:\n  - {id: [1, 2]}\n", "SP203", "id:"),
    "list-as-step-number": ("protocol.yaml", "steps:\n  - {number: [1]}\n", "SP203", "number:"),
    "mapping-as-question-id": ("protocol.yaml", "questions:\n  - id: {a: 1}\n", "SP203", "id:"),
    "remove-yes": ("contacts.yaml", "contacts:\n  - id: fier\n    remove: 'yes'\n", "SP206", "remove:"),
    "remove-1": ("contacts.yaml", "contacts:\n  - id: fier\n    remove: 1\n", "SP206", "remove:"),
    "remove-unknown": ("contacts.yaml", "contacts:\n  - id: fiér\n    remove: true\n", "SP205", "- id:"),
    "remove-referenced": ("contacts.yaml", "contacts:\n  - id: we_can_young\n    remove: true\n", "SP207", "- id:"),
    "remove-a-referenced-route": ("protocol.yaml", "triage:\n  routes:\n    - id: zvh\n      remove: true\n", "SP207",
                                  "- id: zvh"),
    "historical-routed": ("contacts.yaml", "contacts:\n  - id: politie\n    historical: true\n", "SP208", "historical:"),
    "escape-in-phone": ("contacts.yaml", "contacts:\n  - id: politie\n    phone: " + json.dumps(ESCAPES) + "\n",
                        "SP105", "phone:"),
    "escape-in-a-key": ("contacts.yaml", 'contacts:\n  - id: smw\n    "ph\\x1b[2Jone": x\n', "SP105", "ph"),
    "unknown-question": ("protocol.yaml", "triage:\n  urgent: {q: extortin, is: 'yes'}\n", "SP301", "urgent:"),
    "deep-not-960": ("protocol.yaml", "triage:\n  urgent: " + "{not: " * 960 + "{q: extortion, is: 'yes'}" + "}" * 960 + "\n",
                     "SP106", "urgent:"),
    "deep-not-990": ("protocol.yaml", "triage:\n  urgent: " + "{not: " * 990 + "{q: extortion, is: 'yes'}" + "}" * 990 + "\n",
                     "SP106", "urgent:"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_layer_is_left_out_and_validate_names_it(org, case):
    name, text, code, snippet = BROKEN[case]
    layer = org.layer(name, text)
    line = line_of(text, snippet) if snippet else None
    args = ("contacts", "--json") if name == "contacts.yaml" else ("criteria", "--json")
    started = time.monotonic()
    r = org.run(*args)
    assert time.monotonic() - started < 20
    assert_left_out(org, r, layer, *args, line=line, code=code)
    json.loads(r.out)
    v = org.run("validate")
    assert v.code == 2, v.err
    assert "Traceback" not in v.err
    assert f"{layer}:" in v.err and "OK" not in v.out
    if line is not None:
        assert line in lines_at(v.err, layer), v.err
    for out in (r.out, r.err, v.out, v.err):
        assert "\x1b" not in out and "\x07" not in out, "a control character reached the terminal"



# --- the flags are fixed: a layer may reword them, never add one (issue 15) ---------------------

ORANGE = textwrap.dedent("""\
    # our own flag between yellow and red
    flags:
      - id: orange
        name: {nl: "ORANJE", en: "ORANGE"}
        label: {nl: "tussen geel en rood", en: "between yellow and red"}
        meaning: {nl: "Zorgelijk.", en: "Worrying."}
        calls_for: [{nl: "Overleg met de zorgcoördinator.", en: "Consult the care coordinator."}]
        color: "bold yellow"
    """)
# the answer CLEAR gives (recipient_wanted: yes) is rated orange
ORANGE_IN_A_MAP = ORANGE + textwrap.dedent("""\
    triage:
      ratings:
        consent:
          - {id: consent_wanted, map: {"yes": orange, "unclear": yellow, "no": red, "no_repeated": black}}
    """)


@pytest.mark.parametrize("text", [ORANGE, ORANGE_IN_A_MAP], ids=["listed", "used-in-a-map"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_validate_refuses_a_layer_that_adds_a_flag_naming_its_file_and_line(org, text, lang):
    layer = org.layer("protocol.yaml", text)
    r = org.run("--lang", lang, "validate")
    assert r.code == 2, r.err
    assert "Traceback" not in r.err and "OK" not in r.out
    line = line_of(text, "- id: orange")
    [refused] = [x for x in r.err.splitlines() if "[SP316]" in x]
    assert refused.startswith(f"{layer}:{line}: flags[0].id: [SP316]"), r.err
    assert "'orange'" in refused and ("vast" if lang == "nl" else "fixed") in refused, r.err
    j = org.run("--lang", lang, "validate", "--json")
    assert j.code == 2
    assert {"file": layer, "line": line, "code": "SP316"}.items() <= j.json()["problems"][0].items(), j.out


@pytest.mark.parametrize("args", [["triage"], ["triage", "--json"], ["--lang", "en", "triage"]])
def test_triage_leaves_a_layer_that_adds_a_flag_out_without_an_internal_error(org, args):
    layer = org.layer("protocol.yaml", ORANGE_IN_A_MAP)
    answers = org.answers()
    r = org.run(*args, "--answers", answers)
    assert "internal error" not in r.err and "ValueError" not in r.err
    assert_left_out(org, r, layer, *args, "--answers", answers, line=line_of(ORANGE, "- id: orange"),
                    code="SP316")
    assert "ORANJE" not in r.out and "ORANGE" not in r.out and "orange" not in r.out


def test_a_layer_may_reword_a_flag(org):
    """The check is no broader than it must be: new words for a known flag are the layer's to give."""
    org.layer("protocol.yaml", 'flags:\n  - id: green\n    name: {nl: "GROEN (oké)", en: "GREEN (fine)"}\n')
    assert org.run("validate").code == 0
    r = org.run("triage", "--answers", org.answers())
    assert r.code == 0 and r.err == "", r.err
    assert "GROEN (oké)" in r.out

def test_the_red_teams_phone_never_reaches_the_terminal(org):
    layer = org.layer("contacts.yaml", "contacts:\n  - id: politie\n    phone: " + json.dumps(ESCAPES) + "\n")
    for args in (["contacts", "politie"], ["contacts", "--json"], ["checklist", "--step", "2"], ["handout"],
                 ["triage", "--answers", org.answers()], ["validate"], ["validate", "--json"]):
        r = org.run(*args)
        assert "\x1b" not in r.out + r.err and "PWNED" not in r.out + r.err, args
    v = org.run("validate")
    assert f"{layer}:3: contacts[0].phone: [SP105]" in v.err and "(\\x1b)" in v.err


@pytest.mark.parametrize("kind", ["dangling-link", "link-loop", "fifo", "folder"])
def test_a_layer_that_is_not_a_readable_file_is_said_so(org, kind):
    path = org.home / "contacts.yaml"
    try:
        if kind == "dangling-link":  # an unmounted share
            path.symlink_to(org.tmp / "share" / "contacts.yaml")
        elif kind == "link-loop":
            (org.home / "other.yaml").symlink_to(path)
            path.symlink_to(org.home / "other.yaml")
    except OSError:  # Windows without the right to make links
        pytest.skip("no symbolic links here")
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    code = {"dangling-link": "SP209", "link-loop": "SP210", "fifo": "SP211", "folder": "SP211"}[kind]
    results = {}

    def run():  # a FIFO must never be opened: reading it would wait for a writer
        results["contacts"] = org.run("contacts", "--json")
        results["validate"] = org.run("validate")

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)  # let the reader go
        os.close(fd)
        pytest.fail("a layer file blocked the command")
    assert_left_out(org, results["contacts"], str(path), "contacts", "--json", code=code)
    v = results["validate"]
    assert v.code == 2 and f"{path}: [{code}]" in v.err, v.err


def test_an_unreadable_layer_is_said_so(org):
    if not hasattr(os, "geteuid") or os.geteuid() == 0:
        pytest.skip("root reads any file")
    layer = org.layer("contacts.yaml", "contacts:\n  - id: smw\n    phone: '0xx'\n")
    os.chmod(layer, 0)
    try:
        assert_left_out(org, org.run("contacts", "--json"), layer, "contacts", "--json", code="SP212")
        assert org.run("validate").code == 2
    finally:
        os.chmod(layer, 0o600)


def test_a_layer_the_protocol_names_historical_points_at_the_layer(org):
    """#24: the problem is the layer's line, not the shipped protocol.yaml's."""
    text = "# eigen\ncontacts:\n  - id: politie\n    historical: true\n"
    layer = org.layer("contacts.yaml", text)
    v = org.run("validate")
    assert v.code == 2
    problems = [x for x in v.err.splitlines() if "[SP" in x]
    assert problems and all(p.startswith(f"{layer}:{line_of(text, 'historical:')}:") for p in problems), v.err
    assert f"{data.shipped('protocol.yaml')}:" in problems[0], "it says where the protocol routes to it"


def test_the_other_layer_still_applies(org):
    org.layer("contacts.yaml", "contacts:\n  - id: smw\n    phoen: '0xx'\n")
    org.layer("protocol.yaml", """\
        steps:
          - number: 2
            checklist:
              - id: eigen_item
                text: {nl: "Eigen stap", en: "Own step"}
        """)
    r = org.run("checklist", "--step", "2", "--json")
    assert r.code == 0
    assert "eigen_item" in [i["id"] for i in r.json()["steps"][0]["checklist"]]
    assert "contacts.yaml" in r.err and "protocol.yaml" not in r.err
    # and the other way round
    org.layer("contacts.yaml", "contacts:\n  - id: smw\n    phone: '0xx-xxx xx xx'\n")
    org.layer("protocol.yaml", "steps:\n  - number: 2\n    titel: {nl: x}\n")
    r = org.run("contacts", "--json")
    assert r.code == 0
    assert {c["id"]: c for c in r.json()["contacts"]}["smw"]["phone"]["value"] == "0xx-xxx xx xx"
    assert "protocol.yaml" in r.err and "contacts.yaml" not in r.err


def test_a_protocol_layer_that_needs_a_broken_contacts_layer_is_left_out_too(org):
    """Nothing is guessed: the protocol layer refers to a contact only the broken layer adds."""
    clayer = org.layer("contacts.yaml", """\
        contacts:
          - id: eigen_coach
            name: Coach
            kind: intern
            purpose: {nl: "Denkt mee.", en: "Advises."}
            phoen: "0xx"
        """)
    player = org.layer("protocol.yaml", """\
        steps:
          - number: 2
            contacts: [eigen_coach]
        """)
    r = org.run("checklist", "--json")
    assert r.code == 0 and r.out == org.run("--no-layers", "checklist", "--json").out
    assert clayer in r.err and player in r.err
    v = org.run("validate")
    assert v.code == 2 and "phoen" in v.err and "eigen_coach" in v.err


def test_a_broken_base_file_is_still_an_error(org, tmp_path):
    base = tmp_path / "regio.yaml"
    base.write_text("contacts:\n  - id: x\n    name: X\n    kind: intern\n    purpose: {nl: " + json.dumps(ESCAPES) + "}\n",
                    encoding="utf-8")
    r = org.run("--contacts", str(base), "contacts")
    assert r.code == 2 and r.out == ""
    assert f"{base}:5:" in r.err and "[SP105]" in r.err
    deep = tmp_path / "deep.yaml"
    deep.write_text(data.read(data.shipped("protocol.yaml")).text.replace(
        "\n  urgent:", "\n  urgent: " + "{not: " * 990 + "{q: extortion, is: 'yes'}" + "}" * 990 + "\n  was_urgent:", 1),
        encoding="utf-8")
    r = org.run("--protocol", str(deep), "criteria")
    assert r.code == 2 and "[SP106]" in r.err and "Recursion" not in r.err


# --- the cache never makes a broken layer good -------------------------------------------------


def test_the_warning_shows_on_every_run_and_nothing_broken_is_cached(org):
    clean = Org(org.tmp / "clean")
    clean.run("contacts", "--json")
    cached_clean = sorted(p.name for p in clean.cache.glob("*.msgpack"))
    layer = org.layer("contacts.yaml", "contacts:\n  - id: smw\n    phoen: '0xx'\n")
    for _ in range(3):
        r = org.run("contacts", "--json")
        assert r.code == 0 and lines_at(r.err, layer) == [3], r.err
    assert sorted(p.name for p in org.cache.glob("*.msgpack")) == cached_clean, \
        "only the data without the layer is cached, under its own key"


# --- bounded work ------------------------------------------------------------------------------


def test_layers_are_read_through_the_one_reader(org, monkeypatch):
    """#14: the reader that bounds sizes and aliases (yamlio) reads the layers too; what it
    refuses is a broken layer like any other."""
    layer = org.layer("protocol.yaml", "triage:\n  urgent: {q: extortion, is: 'yes'}\n")
    real = yamlio.parse_nodes  # yamlio.parse too reads through it

    def parse(text, path, *args):
        if path == layer:
            from sexting_protocol.core.errors import DataError, Problem

            raise DataError([Problem(path, 2, "", "refused by the reader")])
        return real(text, path, *args)

    monkeypatch.setattr(yamlio, "parse_nodes", parse)
    r = org.run("criteria", "--json")
    assert_left_out(org, r, layer, "criteria", "--json", line=2)
    assert "refused by the reader" in r.err
    assert org.run("validate").code == 2


def test_checking_shared_data_is_linear():
    """An alias bomb's plain data shares its parts: the walk for control characters and depth
    visits each part once (2**30 paths here)."""
    node: list = ["x\x1b"]
    for _ in range(30):
        node = [node, node]
    started = time.monotonic()
    found = checks.check_plain({"when": node})
    assert time.monotonic() - started < 2
    assert [code for _, code, _ in found] == ["SP105"]


def test_depth_is_bounded_where_shared_parts_nest_deeper():
    inner: dict = {"q": "x"}
    for _ in range(20):
        inner = {"not": inner}
    raw = {"a": inner, "b": [[[[[[[[[[[[[[inner]]]]]]]]]]]]]]}
    assert [code for _, code, _ in checks.check_plain(raw)] == ["SP106"]


# --- the README's examples ---------------------------------------------------------------------


def readme_blocks(kind: str) -> list[str]:
    """The README's fenced blocks whose info string is `kind` ("" for a bare fence)."""
    blocks: list[str] = []
    current: list[str] = []
    inside = keep = False
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines(keepends=True):
        if not line.startswith("```"):
            current.append(line)
            continue
        if inside and keep:
            blocks.append("".join(current))
        keep, current, inside = line.strip() == "```" + kind, [], not inside
    return blocks


def test_the_readme_layer_example_is_valid_and_does_what_it_says(org):
    """#21: the README's own layer example used to be refused."""
    (example,) = readme_blocks("yaml")
    org.layer("contacts.yaml", example)
    v = org.run("validate")
    assert v.code == 0, v.err
    got = {c["id"]: c for c in org.run("contacts", "--json").json()["contacts"]}
    layer = yaml.safe_load(example)["contacts"]
    for entry in layer:
        if entry.get("remove"):
            assert entry["id"] not in got
        else:
            assert entry["id"] in got and all(got[entry["id"]][k] == v for k, v in entry.items()
                                              if isinstance(v, str) and k not in ("id", "phone"))


def test_the_readme_warning_example_is_what_the_tool_prints(org):
    lines = next(b for b in readme_blocks("") if "sexting-protocol validate" in b).splitlines()
    home = "~/.config/sexting-protocol"
    line = int(re.match(re.escape(home) + r"/contacts.yaml:(\d+):", lines[0]).group(1))
    layer = org.layer("contacts.yaml", "#\n" * (line - 3) + "contacts:\n  - id: zorgcoordinator\n    phoen: x\n")
    r = org.run("contacts")
    assert r.err.replace(str(org.home), home).splitlines() == lines
    assert layer


def test_the_readme_example_phone_cannot_be_real():
    for block in readme_blocks("yaml"):
        assert not re.search(r"\d{2,4}-\d{3} ?\d{2} ?\d{2}", block)
