"""The organisation's layer files on top of the base data: order, override, addition and removal
by id, where every entry and every error comes from, `--no-layers`, `validate`, and the note
about Midden-Brabant until a school has its own contacts.

Every test runs the command line in-process with its own config folder (SEXTING_PROTOCOL_HOME)
and cache folder (SEXTING_PROTOCOL_CACHE) under tmp_path, given through the Env's environ; HOME
points at an empty folder, so nothing can reach the real ~/.config or ~/.cache.
"""

from __future__ import annotations

import io
import re
import sys
import textwrap
from typing import Optional

import pytest
import yaml

from conftest import CLEAR, TODAY, Org as BaseOrg, alter, assert_no_leak, line_of, shipped_text
from sexting_protocol.store import bundle as data
from sexting_protocol.cli.main import main
from sexting_protocol.cli.env import Env

BASE_PROTOCOL = data.shipped("protocol.yaml")
BASE_CONTACTS = data.shipped("contacts.yaml")
NOTE_WORDS = ("Midden-Brabant", "sexting-protocol init")


# --- isolation ---------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("user_home")


class Org(BaseOrg):
    """The school's folders, with the look-ups these tests make."""

    def layer(self, name: str, text: str) -> str:
        self.home.mkdir(parents=True, exist_ok=True)
        path = self.home / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    def file(self, name: str, text: str) -> str:
        path = self.tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def contacts(self, *args: str, extra: Optional[dict] = None) -> dict[str, dict]:
        r = self.run(*args, "contacts", "--json", extra=extra)
        assert r.code == 0, r.err
        return {c["id"]: c for c in r.json()["contacts"]}

    def contact_ids(self, *args: str) -> list[str]:
        r = self.run(*args, "contacts", "--json")
        assert r.code == 0, r.err
        return [c["id"] for c in r.json()["contacts"]]

    def step(self, n: int, *args: str) -> dict:
        r = self.run(*args, "checklist", "--step", str(n), "--json")
        assert r.code == 0, r.err
        return r.json()["steps"][0]


@pytest.fixture
def org(tmp_path) -> Org:
    return Org(tmp_path)


def flat(text: str) -> str:
    return " ".join(text.split())


def nospace(text: str) -> str:
    """Text without any white space: a long path wrapped over lines is whole again."""
    return re.sub(r"\s+", "", text)


def lines_at(err: str, path: str) -> list[int]:
    """Every LINE of `path:LINE:` in the error output."""
    return [int(m) for m in re.findall(re.escape(path) + r":(\d+):", err)]


# --- override, addition, removal ---------------------------------------------------------------


def test_a_layer_entry_replaces_only_the_fields_it_gives(org, user_home):
    layer = org.layer("contacts.yaml", """\
        # Onze eigen gegevens
        contacts:
          - id: veilig_thuis
            phone: "088-123 45 67"
            person: "Mw. A. de Vries"
        """)
    base = org.contacts("--no-layers")
    merged = org.contacts()
    assert list(merged) == list(base), "an override must not move, add or drop entries"
    vt, was = merged["veilig_thuis"], base["veilig_thuis"]
    assert vt["phone"] == {"value": "088-123 45 67", "source": layer}
    assert vt["person"] == "Mw. A. de Vries"
    assert was["phone"]["value"] != "088-123 45 67"
    for key in set(was) - {"phone", "source_file"}:
        assert vt[key] == was[key], f"{key} of veilig_thuis changed although the layer does not give it"
    for cid in base:
        if cid != "veilig_thuis":
            assert merged[cid] == base[cid], f"{cid} changed although the layer does not name it"
    # the person's name has its own field and shows beside the role's name
    r = org.run("contacts", "veilig")
    assert r.code == 0, r.err
    assert "Mw. A. de Vries" in r.out and "088-123 45 67" in r.out
    assert_no_leak(user_home)


def test_a_layer_entry_with_a_new_id_is_added(org):
    layer = org.layer("contacts.yaml", """\
        contacts:
          - id: eigen_coach
            name: "Coach sociale veiligheid"
            kind: intern
            purpose: {nl: "Denkt mee over sociale veiligheid in de klas.", en: "Advises on social safety in class."}
            phone: "013-765 43 21"
            email: coach@school.example
        """)
    base_ids = org.contact_ids("--no-layers")
    ids = org.contact_ids()
    assert "eigen_coach" not in base_ids
    assert ids == base_ids + ["eigen_coach"]
    coach = org.contacts()["eigen_coach"]
    assert coach["name"] == "Coach sociale veiligheid"
    assert coach["email"] == "coach@school.example"
    assert coach["source_file"] == layer
    r = org.run("contacts", "--kind", "intern")
    assert r.code == 0, r.err
    assert "Coach sociale veiligheid" in r.out and "013-765 43 21" in r.out


def test_remove_true_takes_an_entry_out(org):
    assert not re.search(r"\bfilomena\b", shipped_text("protocol.yaml")), "the test needs an unreferenced contact"
    org.layer("contacts.yaml", """\
        contacts:
          - id: filomena
            remove: true
        """)
    base_ids = org.contact_ids("--no-layers")
    assert "filomena" in base_ids
    assert org.contact_ids() == [i for i in base_ids if i != "filomena"]
    r = org.run("contacts", "Filomena")
    assert r.code == 1
    assert "Filomena" not in r.out
    assert org.run("validate").code == 0


def test_removing_an_id_that_does_not_exist_names_the_layer(org):
    layer = org.layer("contacts.yaml", """\
        contacts:
          - id: smw
            phone: "013-1"
          - id: bestaat_niet
            remove: true
        """)
    r = org.run("contacts")
    assert r.code == 0, "a broken layer is left out, never locks anyone out"
    assert lines_at(r.err, layer) == [4], r.err
    assert "bestaat_niet" in r.err and "[SP205]" in r.err
    v = org.run("validate")
    assert v.code == 2
    assert lines_at(v.err, layer) == [4], v.err


def test_removing_a_contact_the_protocol_refers_to_is_an_error_in_the_layer(org):
    text = textwrap.dedent("""\
        # De eigen contacten
        contacts:
          - id: smw
            phone: "013-1"

          - id: veilig_thuis
            remove: true
        """)
    layer = org.layer("contacts.yaml", text)
    at = {line_of(text, "- id: veilig_thuis"), line_of(text, "remove: true")}
    r = org.run("validate")
    assert r.code == 2, (r.out, r.err)
    problems = [x for x in r.err.splitlines() if "veilig_thuis" in x]
    assert problems, r.err
    for p in problems:
        assert p.startswith(f"{layer}:"), f"not pointed at the layer file: {p}"
        assert set(lines_at(p, layer)) <= at, p
    assert "OK" not in r.out
    # any command leaves the layer out and says why, in the same place
    r = org.run("contacts")
    assert r.code == 0
    assert r.err.startswith(f"{layer}:")
    assert set(lines_at(r.err, layer)) <= at and lines_at(r.err, layer), r.err
    assert "veilig_thuis" in r.err and "[SP207]" in r.err


# --- layer order -------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_org_layer_lies_on_the_contacts_file_that_replaces_the_shipped_one(org, how):
    text = alter(shipped_text("contacts.yaml"), 'name: "Zorgcoördinator"', 'name: "Zorgcoördinator (basisbestand)"')
    text = alter(text, "name: ", 'name: "SMW uit het basisbestand"\n    # was: ', after="- id: smw")
    base = org.file("regio-contacts.yaml", text)
    layer = org.layer("contacts.yaml", """\
        contacts:
          - id: smw
            name: "SMW van de school"
          - id: zorgcoordinator
            email: zorg@school.example
        """)
    args, extra = (["--contacts", base], None) if how == "option" else ([], {"SEXTING_CONTACTS_FILE": base})
    got = org.contacts(*args, extra=extra)
    assert got["smw"]["name"] == "SMW van de school", "the layer comes on top of the base file"
    assert got["zorgcoordinator"]["name"] == "Zorgcoördinator (basisbestand)", "the base is the named file"
    assert got["zorgcoordinator"]["email"] == "zorg@school.example"
    assert got["zorgcoordinator"]["source_file"] == layer
    assert got["politie"]["source_file"] == base
    without = org.contacts("--no-layers", *args, extra=extra)
    assert without["smw"]["name"] == "SMW uit het basisbestand"
    assert "email" not in without["zorgcoordinator"]


@pytest.mark.parametrize("how", ["option", "environment"])
def test_the_org_layer_lies_on_the_protocol_file_that_replaces_the_shipped_one(org, how):
    text = alter(shipped_text("protocol.yaml"), 'nl: "Breng de signalen in kaart"', 'nl: "Stap een uit het basisbestand"',
                 after="  - number: 1\n")
    text = alter(text, 'nl: "Ga in gesprek met de betrokkenen"', 'nl: "Stap drie uit het basisbestand"')
    base = org.file("regio-protocol.yaml", text)
    org.layer("protocol.yaml", """\
        steps:
          - number: 3
            title: {nl: "Stap drie van de school", en: "Step three of the school"}
        """)
    args, extra = (["--protocol", base], None) if how == "option" else ([], {"SEXTING_PROTOCOL_FILE": base})

    def title(n, *more):
        r = org.run(*more, *args, "checklist", "--step", str(n), "--json", extra=extra)
        assert r.code == 0, r.err
        return r.json()["steps"][0]["title"]

    assert title(1) == "Stap een uit het basisbestand"
    assert title(3) == "Stap drie van de school"
    assert title(3, "--no-layers") == "Stap drie uit het basisbestand"
    r = org.run(*args, "--lang", "en", "checklist", "--step", "3", "--json", extra=extra)
    assert r.json()["steps"][0]["title"] == "Step three of the school"


def test_layers_come_from_the_xdg_config_folder_without_sexting_protocol_home(tmp_path, user_home):
    if not sys.platform.startswith("linux"):
        pytest.skip("the XDG folders are Linux's")
    xdg = tmp_path / "xdg-config"
    (xdg / "sexting-protocol").mkdir(parents=True)
    (xdg / "sexting-protocol" / "contacts.yaml").write_text('contacts:\n  - id: smw\n    phone: "013-999"\n')
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False, today=TODAY,
              environ={"XDG_CONFIG_HOME": str(xdg), "SEXTING_PROTOCOL_CACHE": str(tmp_path / "c"),
                       "SEXTING_PROTOCOL_DEBUG": "1"})
    assert main(["contacts", "smw", "--json"], env=env) == 0, err.getvalue()
    assert '"013-999"' in out.getvalue()
    assert_no_leak(user_home)


# --- a protocol layer --------------------------------------------------------------------------


def test_a_protocol_layer_adds_a_checklist_item_to_a_step(org):
    base = org.step(2)
    first = base["checklist"][0]
    assert first["contacts"], "the test expects the first item of step 2 to name contacts"
    org.layer("protocol.yaml", f"""\
        steps:
          - number: 2
            checklist:
              - id: {first["id"]}
                text: {{nl: "Bespreek het signaal met je teamleider.", en: "Discuss the signal with your team leader."}}
              - id: eigen_zorgteam
                text: {{nl: "Breng het in bij het eigen zorgteam op dinsdag.", en: "Bring it to our care team on Tuesday."}}
                contacts: [zorgcoordinator]
        """)
    step = org.step(2)
    ids = [i["id"] for i in step["checklist"]]
    assert ids == [i["id"] for i in base["checklist"]] + ["eigen_zorgteam"]
    assert step["checklist"][0]["text"] == "Bespreek het signaal met je teamleider."
    assert step["checklist"][0]["contacts"] == first["contacts"], "fields the layer does not give are kept"
    assert step["checklist"][-1]["contacts"] == ["zorgcoordinator"]
    assert step["title"] == base["title"] and step["summary"] == base["summary"]
    for n in (1, 3, 4, 5):
        assert org.step(n) == org.step(n, "--no-layers"), f"step {n} changed"
    r = org.run("checklist", "--step", "2")
    assert "Breng het in bij het eigen zorgteam op dinsdag." in flat(r.out)
    r = org.run("--lang", "en", "checklist", "--step", "2")
    assert "Bring it to our care team on Tuesday." in flat(r.out)
    assert org.run("validate").code == 0


def test_a_text_the_layer_gives_in_dutch_only_drops_the_old_english(org):
    """A text is replaced whole: the base's English would say something the Dutch no longer does."""
    base = org.contacts("--lang", "en", "--no-layers")["smw"]
    layer = org.layer("contacts.yaml", """\
        contacts:
          - id: smw
            purpose: {nl: "Onze schoolmaatschappelijk werker, op dinsdag en donderdag op school."}
        """)
    r = org.run("--lang", "en", "contacts", "--json")
    assert r.code == 0, r.err
    smw = next(c for c in r.json()["contacts"] if c["id"] == "smw")
    assert smw["purpose"] == "Onze schoolmaatschappelijk werker, op dinsdag en donderdag op school.", \
        "without English the Dutch is shown"
    assert base["purpose"] not in r.out, "the base's English is gone"
    v = org.run("validate")
    assert v.code == 0, v.err
    warnings = [line for line in v.err.splitlines() if "[SP901]" in line]
    assert len(warnings) == 1, v.err
    assert f"{layer}:" in warnings[0] and "purpose" in warnings[0]


def test_a_when_the_layer_gives_replaces_the_condition(org):
    """`when` is one condition: the layer's replaces the base's, it is not mixed into it."""
    org.layer("protocol.yaml", """\
        triage:
          plan:
            - id: care_for_young_person
              when: {q: extortion, is: "yes"}
        """)
    v = org.run("validate")
    assert v.code == 0, v.err

    def plan_ids(answers: dict, *args: str) -> set[str]:
        path = org.file("a.yaml", yaml.safe_dump(answers))
        r = org.run(*args, "triage", "--answers", path, "--json")
        assert r.code == 0, r.err
        return {i["id"] for step in r.json()["plan"] for i in step["items"]}

    serious = {**CLEAR, "impact": "serious"}
    assert "care_for_young_person" in plan_ids(serious, "--no-layers")
    assert "care_for_young_person" not in plan_ids(serious), "the base's condition (impact) is gone"
    assert "care_for_young_person" in plan_ids({**CLEAR, "extortion": "yes"})


# --- --no-layers -------------------------------------------------------------------------------


def test_no_layers_leaves_both_layers_out(org, tmp_path):
    contacts_layer = org.layer("contacts.yaml", 'contacts:\n  - id: smw\n    phone: "013-555"\n')
    protocol_layer = org.layer("protocol.yaml", """\
        steps:
          - number: 2
            checklist:
              - id: eigen_item
                text: {nl: "Eigen stap", en: "Own step"}
        """)
    clean = Org(tmp_path / "clean")
    assert org.contacts("--no-layers") == clean.contacts()
    assert org.contacts()["smw"]["phone"]["value"] == "013-555"
    assert "eigen_item" not in [i["id"] for i in org.step(2, "--no-layers")["checklist"]]
    assert "eigen_item" in [i["id"] for i in org.step(2)["checklist"]]
    r = org.run("--no-layers", "validate")
    assert r.code == 0, r.err
    assert contacts_layer not in r.out and protocol_layer not in r.out
    assert BASE_PROTOCOL in r.out and BASE_CONTACTS in r.out


# --- sources -----------------------------------------------------------------------------------


def records(out: str) -> dict[str, str]:
    """The plain `contacts` table: name → its record (white space kept)."""
    found = {}
    for rec in re.split(r"\n(?=  - )", out):
        m = re.match(r"\s*- \S+: (.+)", rec)
        if m:
            found[m.group(1).strip()] = rec
    return found


def test_contacts_sources_shows_which_file_each_contact_comes_from(org):
    layer = org.layer("contacts.yaml", """\
        contacts:
          - id: smw
            phone: "013-555 00 00"
          - id: eigen_coach
            name: "Coach sociale veiligheid"
            kind: intern
            purpose: {nl: "Denkt mee.", en: "Advises."}
        """)
    r = org.run("contacts", "--sources")
    assert r.code == 0, r.err
    recs = records(r.out)
    by_start = {name.split(" (")[0]: rec for name, rec in recs.items()}
    smw = next(rec for name, rec in by_start.items() if name.startswith("Schoolmaatschappelijk") or "SMW" in name)
    coach = by_start["Coach sociale veiligheid"]
    police = next(rec for name, rec in by_start.items() if name.startswith("Politie"))
    assert nospace(layer) in nospace(smw) and nospace(BASE_CONTACTS) not in nospace(smw)
    assert nospace(layer) in nospace(coach)
    assert nospace(BASE_CONTACTS) in nospace(police) and nospace(layer) not in nospace(police)
    assert "Bron" in r.out
    # without --sources no file is shown
    assert nospace(layer) not in nospace(org.run("contacts").out)
    # the same in JSON
    got = org.contacts()
    assert got["smw"]["source_file"] == layer
    assert got["eigen_coach"]["source_file"] == layer
    assert got["politie"]["source_file"] == BASE_CONTACTS
    assert org.contacts("--no-layers")["smw"]["source_file"] == BASE_CONTACTS


# --- errors in a layer name the layer's file and line ------------------------------------------

# (layer file, text, the command that loads it, the snippet of the entry, the snippet of the key)
BAD_LAYERS = {
    "contact-wrong-value": ("contacts.yaml", """\
        contacts:
          - id: zat
            email: zat@school.example
          - id: smw
            kind: geheim
        """, "contacts", "- id: smw", "kind: geheim"),
    "contact-wrong-type": ("contacts.yaml", """\
        contacts:
          - id: smw
            email: smw@school.example
            phone: [013, 456]
        """, "contacts", "- id: smw", "phone:"),
    "contact-unknown-key-in-an-override": ("contacts.yaml", """\
        contacts:
          - id: zat
            email: zat@school.example
          - id: smw
            telefoon: "013-123"
        """, "contacts", "- id: smw", "telefoon:"),
    "contact-unknown-key-in-a-new-entry": ("contacts.yaml", """\
        contacts:
          - id: eigen_coach
            name: Coach
            kind: intern
            purpose: {nl: "Denkt mee.", en: "Advises."}
            telefoon: "013-123"
        """, "contacts", "- id: eigen_coach", "telefoon:"),
    "protocol-unknown-contact": ("protocol.yaml", """\
        steps:
          - number: 2
            checklist:
              - id: eigen_item
                text: {nl: "Bel de coach.", en: "Call the coach."}
                contacts: [bestaat_niet]
        """, "checklist", "- id: eigen_item", "contacts: [bestaat_niet]"),
    "protocol-wrong-type": ("protocol.yaml", """\
        steps:
          - number: 3
            title: "Gewoon een tekst"
        """, "checklist", "- number: 3", "title:"),
    "protocol-unknown-key-in-an-override": ("protocol.yaml", """\
        steps:
          - number: 3
            titel: {nl: "Praat", en: "Talk"}
        """, "checklist", "- number: 3", "titel:"),
}


@pytest.mark.parametrize("case", list(BAD_LAYERS))
def test_an_error_in_a_layer_names_that_file_and_line(org, case):
    name, text, command, entry, key = BAD_LAYERS[case]
    text = textwrap.dedent(text)
    layer = org.layer(name, text)
    at = {line_of(text, entry), line_of(text, key)}
    r = org.run(command)
    assert r.code == 0, (r.code, r.err)
    assert r.out == org.run("--no-layers", command).out, "the command goes on without the layer"
    assert "Traceback" not in r.err
    first, second = r.err.splitlines()
    assert first.startswith(f"{layer}:"), f"the error does not name the layer file {layer}: {r.err}"
    assert lines_at(first, layer)[0] in at, f"line not one of {sorted(at)}: {first}"
    assert layer in second and "sexting-protocol validate" in second
    # validate reports it too, in the layer file, and exits 2
    v = org.run("validate")
    assert v.code == 2, (v.out, v.err)
    assert "OK" not in v.out
    found = lines_at(v.err, layer)
    assert found and set(found) <= at, f"validate: lines {found} not in {sorted(at)}: {v.err}"
    for base in (BASE_PROTOCOL, BASE_CONTACTS):
        assert f"{base}:" not in v.err, f"validate blames the base file: {v.err}"
    assert "problem" in v.err


def test_validate_clean_layers_exit_0_and_lists_every_file(org):
    contacts_layer = org.layer("contacts.yaml", """\
        contacts:
          - id: smw
            phone: "013-555 00 00"
            reachable: {nl: "ma-vr 8-16", en: "Mon-Fri 8-16"}
        """)
    protocol_layer = org.layer("protocol.yaml", """\
        steps:
          - number: 2
            checklist:
              - id: eigen_item
                text: {nl: "Eigen stap", en: "Own step"}
        """)
    r = org.run("validate")
    assert r.code == 0, r.err
    assert r.out.startswith("OK")
    for path in (BASE_PROTOCOL, BASE_CONTACTS, protocol_layer, contacts_layer):
        assert path in r.out
    assert "problem" not in r.err


def test_validate_without_layers_lists_only_the_base_files(org):
    r = org.run("validate")
    assert r.code == 0, r.err
    assert BASE_PROTOCOL in r.out and BASE_CONTACTS in r.out
    assert str(org.home) not in r.out


# --- the note about Midden-Brabant -------------------------------------------------------------


def test_the_region_note_shows_until_a_contacts_layer_exists(org, user_home):
    answers = org.file("answers.yaml", yaml.safe_dump(CLEAR))

    def shown(*args):
        r = org.run(*args)
        assert r.code == 0, r.err
        return all(w in flat(r.out) for w in NOTE_WORDS)

    assert shown("contacts")
    assert shown("--lang", "en", "contacts")
    assert shown("triage", "--answers", answers)
    assert "note" in org.run("contacts", "--json").json()
    org.layer("contacts.yaml", 'contacts:\n  - id: smw\n    phone: "013-555 00 00"\n')
    assert not shown("contacts")
    assert not shown("--lang", "en", "contacts")
    assert not shown("triage", "--answers", answers)
    assert "note" not in org.run("contacts", "--json").json()
    assert_no_leak(user_home)
