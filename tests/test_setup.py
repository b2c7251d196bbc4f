"""Making the tool a school's own: `init` (its contacts file), `schema` (JSON Schemas for editors,
kept current in the repository) and `handout` (the whole protocol on one printable HTML page).

Every test runs the command line in-process with its own config folder (SEXTING_PROTOCOL_HOME)
and cache folder (SEXTING_PROTOCOL_CACHE) under tmp_path, given through the Env's environ; HOME
points at an empty folder, so nothing can reach the real ~/.config or ~/.cache.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import stat
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import CLEAR, DATA, REPO, TODAY, Org as BaseOrg, Result, assert_no_leak
from sexting_protocol.store import bundle as data
from sexting_protocol.text import catalogue
from sexting_protocol.cli.main import main
from sexting_protocol.cli.env import Env

SCHEMA_DIR = REPO / "schema"
SCHEMA_NAMES = {"protocol.schema.json", "protocol-layer.schema.json", "contacts.schema.json",
                "contacts-layer.schema.json"}
# the internal roles a school fills in (IB-er or zorgcoördinator, aandachtsfunctionaris,
# vertrouwenspersoon, SMW, ZAT, the school board, the school's police contact, JGZ)
ROLES = {"ib_er", "zorgcoordinator", "aandachtsfunctionaris", "vertrouwenspersoon", "smw", "zat", "bevoegd_gezag",
         "schoolagent", "jgz"}
SCHEMA_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)$")
PHONE = "013-555 12 34"
PERSON = "Mevr. J. de Wit"
NOTE_WORDS = ("Midden-Brabant", "sexting-protocol init")


# --- isolation ---------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("user_home")


class Org(BaseOrg):
    """A school before init: its config folder does not exist yet."""

    def __init__(self, tmp_path: Path):
        super().__init__(tmp_path, home=tmp_path / "school" / "config")
        self.contacts_file = self.home / "contacts.yaml"

    def init(self) -> Result:
        r = self.run("init")
        assert r.code == 0, r.err
        return r

    def fill_in(self) -> str:
        """What a school does after init: the zorgcoördinator's phone number and name."""
        text = self.contacts_file.read_text(encoding="utf-8")
        start = text.index("- id: zorgcoordinator")
        block_end = text.index("- id:", start + 1)
        block = text[start:block_end]
        block = re.sub(r"(?m)^(\s+)phone:.*$", rf'\1phone: "{PHONE}"', block, count=1)
        block = re.sub(r"(?m)^(\s+)person:.*$", rf'\1person: "{PERSON}"', block, count=1)
        assert PHONE in block and PERSON in block
        text = text[:start] + block + text[block_end:]
        self.contacts_file.write_text(text, encoding="utf-8")
        return text


@pytest.fixture
def org(tmp_path) -> Org:
    return Org(tmp_path)


def flat(text: str) -> str:
    return " ".join(text.split())


def load_yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- init --------------------------------------------------------------------------------------


def test_init_writes_the_contacts_file_with_the_internal_roles(org, user_home):
    assert not org.home.exists()
    r = org.init()
    assert str(org.contacts_file) in r.out, "init says where it wrote"
    assert org.contacts_file.is_file()
    assert stat.S_IMODE(org.contacts_file.stat().st_mode) == 0o600
    text = org.contacts_file.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./contacts-layer.schema.json"
    entries = load_yaml(org.contacts_file)["contacts"]
    ids = [e["id"] for e in entries]
    assert ROLES <= set(ids), f"missing roles: {ROLES - set(ids)}"
    for e in entries:
        assert "email" in e, f"{e['id']} has no e-mail to fill in"
    fields = set().union(*(e.keys() for e in entries))
    assert {"phone", "email", "reachable", "person"} <= fields
    # guidance in Dutch, as comments
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 5
    assert any("sexting-protocol validate" in c for c in comments)
    assert_no_leak(user_home)


def test_init_puts_the_layer_schema_beside_the_file_it_points_to(org):
    org.init()
    first = org.contacts_file.read_text(encoding="utf-8").splitlines()[0]
    target = (org.home / SCHEMA_LINE.match(first).group(1)).resolve()
    assert target == (org.home / "contacts-layer.schema.json").resolve()
    assert target.is_file()
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == json.loads((SCHEMA_DIR / "contacts-layer.schema.json").read_text(encoding="utf-8"))
    # and the file init wrote is valid under it (what an editor would check)
    errors = list(jsonschema.Draft202012Validator(written).iter_errors(load_yaml(org.contacts_file)))
    assert errors == []


def test_the_file_init_writes_validates_as_it_is(org):
    org.init()
    r = org.run("validate")
    assert r.code == 0, r.err
    assert str(org.contacts_file) in r.out
    assert "problem" not in r.err
    r = org.run("contacts", "--kind", "intern")
    assert r.code == 0, r.err
    assert "Aandachtsfunctionaris" in r.out


def test_init_fill_in_and_see_the_number_in_contacts_and_in_the_triage(org, user_home):
    """Done when a school can run `init`, fill in its contacts, and see them in `contacts` and in
    the triage's decision."""
    org.init()
    org.fill_in()
    r = org.run("validate")
    assert r.code == 0, r.err
    r = org.run("contacts")
    assert r.code == 0, r.err
    assert PHONE in r.out and PERSON in r.out
    assert not all(w in flat(r.out) for w in NOTE_WORDS), "the region note stays after init"
    zc = {c["id"]: c for c in org.run("contacts", "--json").json()["contacts"]}["zorgcoordinator"]
    assert zc["phone"]["value"] == PHONE
    assert zc["person"] == PERSON
    assert zc["source_file"] == str(org.contacts_file)
    answers = org.tmp / "answers.yaml"
    answers.write_text(yaml.safe_dump(CLEAR), encoding="utf-8")
    decision = org.run("triage", "--answers", str(answers), "--json").json()
    assert "zorgcoordinator" in decision["contacts"]
    for lang in ("nl", "en"):
        r = org.run("--lang", lang, "triage", "--answers", str(answers))
        assert r.code == 0, r.err
        assert PHONE in r.out, f"the decision ({lang}) does not show the school's number"
        assert PERSON in r.out
    assert_no_leak(user_home)


def test_a_second_init_refuses_and_leaves_the_file_alone(org):
    org.init()
    filled = org.fill_in()
    before = sorted(os.listdir(org.home))
    r = org.run("init")
    assert r.code == 1
    assert str(org.contacts_file) in r.err
    assert "--force" in r.err
    assert org.contacts_file.read_text(encoding="utf-8") == filled
    assert sorted(os.listdir(org.home)) == before, "no temporary files left behind"
    assert org.run("contacts", "zorg").out.count(PHONE) == 1


def test_init_force_overwrites(org):
    org.init()
    org.fill_in()
    r = org.run("init", "--force")
    assert r.code == 0, r.err
    text = org.contacts_file.read_text(encoding="utf-8")
    assert PHONE not in text
    assert text == (DATA / "init-contacts.yaml").read_text(encoding="utf-8")
    assert stat.S_IMODE(org.contacts_file.stat().st_mode) == 0o600


def test_init_without_sexting_protocol_home_writes_to_the_xdg_config_folder(tmp_path, user_home):
    if not sys.platform.startswith("linux"):
        pytest.skip("the XDG folders are Linux's")
    xdg = tmp_path / "xdg-config"
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdout=out, stderr=err, stdin_isatty=False, stdout_isatty=False, today=TODAY,
              environ={"XDG_CONFIG_HOME": str(xdg), "SEXTING_PROTOCOL_CACHE": "off", "SEXTING_PROTOCOL_DEBUG": "1"})
    assert main(["init"], env=env) == 0, err.getvalue()
    assert (xdg / "sexting-protocol" / "contacts.yaml").is_file()
    assert (xdg / "sexting-protocol" / "contacts-layer.schema.json").is_file()
    assert_no_leak(user_home)


# --- schema ------------------------------------------------------------------------------------


def test_schema_prints_one_object_with_the_four_schemas(org):
    r = org.run("schema")
    assert r.code == 0, r.err
    schemas = json.loads(r.out)
    assert set(schemas) == SCHEMA_NAMES
    for name, s in schemas.items():
        jsonschema.Draft202012Validator.check_schema(s)
        assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema", name
    assert "Contact" in json.dumps(schemas["contacts.schema.json"])
    assert "remove" in json.dumps(schemas["contacts-layer.schema.json"])
    assert "remove" not in json.dumps(schemas["contacts.schema.json"])


def test_schema_output_writes_the_four_files(org, tmp_path):
    out = tmp_path / "out" / "schemas"
    r = org.run("schema", "--output", str(out))
    assert r.code == 0, r.err
    assert {p.name for p in out.iterdir()} == SCHEMA_NAMES
    printed = json.loads(org.run("schema").out)
    for name in SCHEMA_NAMES:
        assert str(out / name) in r.out
        assert json.loads((out / name).read_text(encoding="utf-8")) == printed[name]


def test_the_repository_schemas_are_current(org, tmp_path):
    """If this fails: `sexting-protocol schema --output schema` and commit the result."""
    out = tmp_path / "generated"
    assert org.run("schema", "--output", str(out)).code == 0
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} == SCHEMA_NAMES
    for name in sorted(SCHEMA_NAMES):
        kept = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert kept == (out / name).read_text(encoding="utf-8"), f"schema/{name} is out of date"


def repo_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def schema_errors(instance, name: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(repo_schema(name))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.mark.parametrize("file, schema", [("protocol.yaml", "protocol.schema.json"),
                                          ("contacts.yaml", "contacts.schema.json"),
                                          ("init-contacts.yaml", "contacts-layer.schema.json")])
def test_the_shipped_files_are_valid_under_the_repository_schemas(file, schema):
    assert schema_errors(load_yaml(DATA / file), schema) == []


def test_the_schemas_refuse_what_the_model_refuses():
    """The validity above means something: the same schemas catch a bad file."""
    contacts = load_yaml(DATA / "contacts.yaml")
    bad = copy.deepcopy(contacts)
    bad["contacts"][0]["telefoon"] = "1"
    assert schema_errors(bad, "contacts.schema.json")
    bad = copy.deepcopy(contacts)
    bad["contacts"][0]["kind"] = "geheim"
    assert schema_errors(bad, "contacts.schema.json")
    bad = copy.deepcopy(contacts)
    del bad["contacts"][0]["name"]
    assert schema_errors(bad, "contacts.schema.json")
    protocol = load_yaml(DATA / "protocol.yaml")
    bad = copy.deepcopy(protocol)
    bad["steps"][0]["title"] = "a plain string"
    assert schema_errors(bad, "protocol.schema.json")
    # a layer: only an entry's id is needed, `remove` is allowed there and nowhere else
    assert schema_errors({"contacts": [{"id": "smw", "phone": "013-1"}]}, "contacts-layer.schema.json") == []
    assert schema_errors({"contacts": [{"id": "smw", "remove": True}]}, "contacts-layer.schema.json") == []
    assert schema_errors({"contacts": [{"phone": "013-1"}]}, "contacts-layer.schema.json")
    assert schema_errors({"contacts": [{"id": "smw", "telefoon": "1"}]}, "contacts-layer.schema.json")
    assert schema_errors({"steps": [{"number": 2, "checklist": [{"id": "x", "text": {"nl": "y"}}]}]},
                         "protocol-layer.schema.json") == []
    assert schema_errors({"steps": [{"title": {"nl": "y"}}]}, "protocol-layer.schema.json")
    with_remove = copy.deepcopy(contacts)
    with_remove["contacts"][0]["remove"] = True
    assert schema_errors(with_remove, "contacts.schema.json")


@pytest.mark.parametrize("file, target", [("protocol.yaml", "../schema/protocol.schema.json"),
                                          ("contacts.yaml", "../schema/contacts.schema.json"),
                                          ("init-contacts.yaml", "./contacts-layer.schema.json")])
def test_the_data_files_start_with_their_schema_line(file, target):
    first = (DATA / file).read_text(encoding="utf-8").splitlines()[0]
    m = SCHEMA_LINE.match(first)
    assert m, f"{file} starts with {first!r}"
    assert m.group(1) == target
    # (the init template's schema is copied beside the file init writes: checked with init above)
    if target.startswith("../"):
        assert (DATA / target).resolve().is_file()
        assert (DATA / target).resolve().parent == SCHEMA_DIR


# --- handout -----------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "link", "input", "col", "area", "base", "wbr", "source"}


class Page(HTMLParser):
    """The handout, parsed: tags in order, text per element, and any nesting mistakes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.mistakes: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self.current: list[list[str]] = []
        self.data: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in VOID:
            return
        self.stack.append(tag)
        self.current.append([])

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.mistakes.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        text = "".join(self.current.pop())
        self.texts.setdefault(tag, []).append(" ".join(text.split()))
        if self.current:
            self.current[-1].append(text)

    def handle_data(self, d):
        self.data.append(d)
        if self.current:
            self.current[-1].append(d)


def contacts_part(page_html: str, lang: str) -> str:
    """The text of the page from its last "Contacten"/"Contacts" heading on: the contacts list."""
    from html import escape

    title = catalogue.ui().texts["contacts_title"].get(lang)
    i = page_html.rindex(f">{escape(title)}</h")
    return " ".join(" ".join(Page(page_html[i + 1:]).data).split())


def handout(org: Org, *args: str) -> tuple[str, Page]:
    r = org.run(*args, "handout")
    assert r.code == 0, r.err
    return r.out, Page(r.out)


def tx(text: dict, lang: str) -> str:
    return (text.get("en") or text["nl"]) if lang == "en" else text["nl"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_handout_is_a_self_contained_page(org, lang, user_home):
    out, page = handout(org, "--lang", lang)
    assert out.lstrip().lower().startswith("<!doctype html>")
    assert page.mistakes == [], page.mistakes
    assert page.stack == [], f"left open: {page.stack}"
    names = [t for t, _ in page.tags]
    assert names.count("html") == names.count("head") == names.count("body") == 1
    assert ("html", {"lang": lang}) in page.tags
    assert "script" not in names and "link" not in names and "iframe" not in names
    for tag, attrs in page.tags:
        for key in ("src", "href", "srcset", "action", "data"):
            value = (attrs.get(key) or "").strip().lower()
            assert not value.startswith(("http://", "https://", "//")), f"<{tag} {key}={value!r}>"
    assert not re.search(r"(?i)(src|href)\s*=\s*[\"']?\s*(https?:)?//", out)
    for style in page.texts.get("style", []):
        assert "url(" not in style and "@import" not in style
    assert ("meta", {"charset": "utf-8"}) in page.tags
    assert_no_leak(user_home)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_handout_holds_the_whole_protocol(org, lang):
    out, page = handout(org, "--lang", lang)
    protocol = load_yaml(DATA / "protocol.yaml")
    contacts = load_yaml(DATA / "contacts.yaml")["contacts"]
    headings = page.texts.get("h1", []) + page.texts.get("h2", []) + page.texts.get("h3", [])
    assert page.texts["title"] == [tx(protocol["leaflet"]["title"], lang)]
    assert len(protocol["steps"]) == 5
    word = "Stap" if lang == "nl" else "Step"
    for s in protocol["steps"]:
        title = f"{word} {s['number']}: {flat(tx(s['title'], lang))}"
        assert title in headings, f"step {title!r} missing from {headings}"
    assert flat(tx(protocol["zvh_route"]["title"], lang)) in headings
    zvh_items = [flat(tx(i["text"], lang)) for i in protocol["zvh_route"]["checklist"]]
    assert set(zvh_items) <= set(page.texts["li"])
    advice = page.texts["li"]
    for kind in ("dos", "donts"):
        for a in protocol[kind]:
            title = flat(tx(a["title"], lang))
            assert any(li.startswith(title + ":") for li in advice), f"{kind} {title!r} missing"
    listed = contacts_part(out, lang)
    # a school's poster: every contact but those of another setting only (a club's VCP, the IGJ)
    own = {x["id"]: set(x.get("contacts", [])) for x in protocol["settings"]}
    elsewhere = set().union(*(ids for sid, ids in own.items() if sid != "school")) - own["school"]
    assert elsewhere >= {"vertrouwenscontactpersoon", "houder", "leiding", "igj", "centrum_veilige_sport"}
    for c in contacts:
        if not c.get("historical") and c["kind"] != "acuut":
            if c["id"] in elsewhere:
                assert c["name"] not in listed, f"contact {c['name']!r} of another setting on a school's poster"
            else:
                assert c["name"] in listed, f"contact {c['name']!r} missing"
    # the other language is not mixed in: a step title that differs between the languages
    other = "en" if lang == "nl" else "nl"
    s1 = protocol["steps"][0]["title"]
    assert flat(tx(s1, other)) not in " ".join(headings)


def test_the_handout_holds_the_organisations_own_contacts(org):
    org.init()
    org.fill_in()
    with_layer = org.contacts_file.read_text(encoding="utf-8") + (
        "\n  - id: eigen_coach\n    name: Coach sociale veiligheid\n    kind: intern\n"
        "    purpose: {nl: \"Denkt mee.\", en: \"Advises.\"}\n    phone: \"013-777 88 99\"\n")
    org.contacts_file.write_text(with_layer, encoding="utf-8")
    for lang in ("nl", "en"):
        out, page = handout(org, "--lang", lang)
        assert page.mistakes == []
        listed = contacts_part(out, lang)
        assert PHONE in listed and PERSON in listed
        assert "Coach sociale veiligheid" in listed and "013-777 88 99" in listed
        assert "Aandachtsfunctionaris" in listed


def test_handout_output_writes_the_file_and_refuses_to_overwrite(org, tmp_path):
    target = tmp_path / "uit" / "handout.html"
    target.parent.mkdir()
    page, _ = handout(org)
    r = org.run("handout", "--output", str(target))
    assert r.code == 0, r.err
    assert str(target) in r.out
    assert target.read_text(encoding="utf-8") == page
    target.write_text("oud", encoding="utf-8")
    r = org.run("handout", "--output", str(target))
    assert r.code == 1
    assert str(target) in r.err
    assert target.read_text(encoding="utf-8") == "oud"
    r = org.run("--lang", "en", "handout", "--output", str(target), "--force")
    assert r.code == 0, r.err
    assert target.read_text(encoding="utf-8") == handout(org, "--lang", "en")[0]


STAFF_ANSWERS = {"adult_involved": "yes", "other_person": "staff_or_volunteer", "age_depicted": 15, "age_other": 30}


def test_init_with_a_setting_writes_the_protocol_layer_and_the_decision_follows_it(org):
    """Contract v3: an organisation chooses its setting; its layer sets it and the board's duty,
    the consultation and the parents items follow it."""
    r = org.run("init", "--setting", "sport")
    assert r.code == 0, r.err
    layer = org.home / "protocol.yaml"
    assert yaml.safe_load(layer.read_text(encoding="utf-8")) == {"setting": "sport"}
    assert oct(layer.stat().st_mode & 0o777) == "0o600"
    assert (org.home / "protocol-layer.schema.json").exists()
    assert org.run("validate").code == 0
    answers = org.tmp / "answers.yaml"
    answers.write_text(yaml.safe_dump(STAFF_ANSWERS), encoding="utf-8")
    d = org.run("triage", "--answers", str(answers), "--json").json()
    assert d["setting"] == "sport" and d["answers"]["setting"] == "sport"
    assert "centrum_veilige_sport" in d["contacts"] and "vertrouwensinspecteur" not in d["contacts"]
    plan = {i["id"] for s in d["plan"] for i in s["items"]}
    assert "parents_16_or_younger" not in plan, "the informatierecht is a school's"
    assert not any(r["warning"] == "setting_differs" for r in d["reasons"] if "warning" in r)


def test_init_refuses_an_unknown_setting_and_writes_nothing(org):
    r = org.run("init", "--setting", "kerk")
    assert r.code == 2 and "kerk" in r.err and "youth_work" in r.err
    assert not org.home.exists() or not any(org.home.iterdir())


def test_a_layer_with_an_unknown_setting_is_refused_by_validate(org):
    org.home.mkdir(parents=True, exist_ok=True)
    (org.home / "protocol.yaml").write_text("setting: kerk\n", encoding="utf-8")
    r = org.run("validate")
    assert r.code == 2 and "SP315" in r.out + r.err and "protocol.yaml:1" in r.out + r.err
