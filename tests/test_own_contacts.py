"""The page for the organisation's own contacts (/contacts/own, issue 17), over HTTP in-process:
a good save writes the organisation's layer (the file `init` writes) and every page uses it at
once; a bad value is shown at its field with the loader's message and nothing is written; the
page is off on a server a school hosts for others unless its operator turns it on; a post from
another site is refused. And the YAML it writes reads back as the same data."""

from __future__ import annotations

import os
import re
import stat

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from conftest import DATA, run_cli  # noqa: E402
from sexting_protocol.core import model  # noqa: E402
from sexting_protocol.store import bundle as data, own, yamlio  # noqa: E402
from sexting_protocol.text import catalogue  # noqa: E402
from sexting_protocol.web import create_app  # noqa: E402
from sexting_protocol.web.own import MAX_FIELDS  # noqa: E402

BASE = "http://127.0.0.1:8000"
SAME = {"origin": BASE}
HOSTED = "protocol.school.example"


def tx(key: str, lang: str = "nl") -> str:
    """An interface text, or a coded message by its code (SP883)."""
    return (catalogue.coded(key) if catalogue.is_code(key) else catalogue.ui().texts[key]).get(lang)


def environ(home, **extra) -> dict:
    return {"SEXTING_PROTOCOL_HOME": str(home), "SEXTING_PROTOCOL_CACHE": "off", **extra}


@pytest.fixture
def home(tmp_path):
    return tmp_path / "org"  # not there yet: the save makes it


@pytest.fixture
def client(home):
    return TestClient(create_app(environ=environ(home), contacts_form=True), base_url=BASE)


def stamp(page: str) -> str:
    return re.search(r'name="_stamp" value="(\w+)"', page).group(1)


def field(page: str, name: str) -> dict:
    """The input of a form field: its attributes."""
    m = re.search(r'<input[^>]*name="' + re.escape(name) + r'"[^>]*>', page, re.S)
    assert m, name
    return dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', m.group(0)[6:]))


def files(home) -> dict:
    return {p.name: p.read_bytes() for p in home.iterdir()} if home.exists() else {}


def post(client, form: dict, headers=SAME, lang: str = "nl"):
    page = client.get("/contacts/own" + ("?lang=en" if lang == "en" else "")).text
    return client.post("/contacts/own" + ("?lang=en" if lang == "en" else ""), data={"_stamp": stamp(page), **form},
                       headers=headers, follow_redirects=False)


def test_a_good_save_writes_the_layer_and_every_page_uses_it_at_once(client, home):
    assert "555 01 02" not in client.get("/contacts?kind=intern").text
    r = post(client, {"c.zorgcoordinator.phone": "0xx-555 01 02", "c.zorgcoordinator.reachable.nl": "ma t/m vr 8.00-16.30",
                      "c.zorgcoordinator.email": "zorg@school.example", "c.zvh.name": "Zorg- en Veiligheidshuis Regio X",
                      "c.vertrouwenscontactpersoon.phone": "0xx-555 09 09", "setting": "sport"})
    assert r.status_code == 303 and r.headers["location"] == "/contacts/own?saved=1"
    assert sorted(files(home)) == ["contacts.yaml", "protocol.yaml"]
    if os.name != "nt":  # private, as every file the tool writes
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
        assert all(stat.S_IMODE((home / n).stat().st_mode) == 0o600 for n in files(home))
    page = client.get(r.headers["location"]).text
    assert tx("own_saved") in page
    # the application read its data again: the contacts page, the poster, the decision's contacts
    contacts = client.get("/contacts?q=zorgco").text
    assert "555 01 02" in contacts and "ma t/m vr 8.00-16.30" in contacts
    poster = client.get("/handout").text  # a club's: its own VCP to consult, no school's zorgcoördinator
    assert "555 09 09" in poster and "555 01 02" not in poster
    assert "Regio X" in client.get("/contacts?q=veiligheidshuis").text
    assert client.app.state.bundle.protocol.setting == "sport"
    # the file is the organisation's layer every command reads (the same loader, the same place)
    env = environ(home)
    r = run_cli("contacts", "zorgcoordinator", "--json", environ=env)
    assert r.code == 0 and "0xx-555 01 02" in r.out and "zorg@school.example" in r.out, r.err
    r = run_cli("validate", environ=env)
    assert r.code == 0, r.out + r.err
    assert data.config_dir(env) == home


def test_only_what_changed_is_written_and_the_rest_of_an_init_file_stays(client, home):
    r = run_cli("init", environ=environ(home))
    assert r.code == 0, r.err
    text = (home / "contacts.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: ib_er\n    phone:\n",
                        '  - id: ib_er\n    phone: {value: "0xx-ib", verified: "yes", source: "eigen lijst"}\n')
    text += '  - id: wijkteam\n    name: Wijkteam Noord\n    kind: hulp\n    purpose: {nl: "Hulp in de wijk"}\n'
    (home / "contacts.yaml").write_text(text, encoding="utf-8")
    assert run_cli("validate", environ=environ(home)).code == 0
    page = client.get("/contacts/own").text
    assert "wijkteam" in page, "an entry the form has no fields for is named as kept"
    r = post(client, {"c.smw.phone": "0xx-smw", "c.ib_er.phone": "0xx-ib"})
    assert r.status_code == 303
    raw = yamlio.parse((home / "contacts.yaml").read_text(encoding="utf-8"), "-", data.texts("nl"))
    by_id = {e["id"]: e for e in raw["contacts"]}
    assert by_id["smw"]["phone"] == "0xx-smw"
    assert by_id["wijkteam"]["name"] == "Wijkteam Noord", "a hand-written entry stays"
    assert by_id["ib_er"]["phone"] == {"value": "0xx-ib", "verified": "yes", "source": "eigen lijst"}, \
        "an unchanged field keeps what the file had"
    assert not (home / "protocol.yaml").exists(), "the setting was not changed: no protocol layer"


def test_an_emptied_field_brings_back_the_shipped_value_never_drops_it(client, home):
    r = post(client, {"c.veilig_thuis.phone": "0xx-vt regio", "c.veilig_thuis.region": "Regio X"})
    assert r.status_code == 303
    assert client.app.state.bundle.contact("veilig_thuis").phone == "0xx-vt regio"
    r = post(client, {"c.veilig_thuis.phone": ""})
    assert r.status_code == 303
    phone = client.app.state.bundle.contact("veilig_thuis").phone
    assert isinstance(phone, model.Detail) and phone.value == "0800-2000"
    assert client.app.state.bundle.contact("veilig_thuis").region == "Regio X"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_bad_value_is_shown_at_its_field_and_nothing_is_written(client, home, lang):
    r = post(client, {"c.zorgcoordinator.phone": "0xx-555", "c.smw.phone": "013\u202e-555"}, lang=lang)
    assert r.status_code == 400
    assert files(home) == {}, "nothing written, not even the folder's files"
    bad = field(r.text, "c.smw.phone")
    assert bad.get("aria-invalid") == "true"
    error = re.search(r'id="c-smw-phone-error">([^<]*)<', r.text).group(1)
    assert "U+202E" in error and ("stuurteken" in error if lang == "nl" else "invisible character" in error)
    assert bad["aria-describedby"].split()[-1] == "c-smw-phone-error"
    assert field(r.text, "c.zorgcoordinator.phone")["value"] == "0xx-555", "what was typed stays on the form"
    assert "aria-invalid" not in field(r.text, "c.zorgcoordinator.phone")
    assert tx("SP891", lang).split("(")[0].strip() in r.text
    assert "555" not in client.get("/contacts?q=zorgco").text


def test_a_setting_the_protocol_does_not_have_is_shown_with_the_loaders_message(client, home):
    r = post(client, {"setting": "spor"})
    assert r.status_code == 400 and files(home) == {}
    assert re.search(r'id="setting-error">[^<]*sport', r.text), "the loader's suggestion at the setting"


def test_an_existing_file_is_left_byte_for_byte_after_a_refusal(client, home):
    assert post(client, {"c.smw.phone": "0xx-smw"}).status_code == 303
    before = files(home)
    assert post(client, {"c.smw.phone": "0xx-\x07"}).status_code == 400
    assert files(home) == before


def test_a_file_changed_since_the_page_was_opened_is_not_overwritten(client, home):
    page = client.get("/contacts/own").text
    home.mkdir()
    (home / "contacts.yaml").write_text("contacts:\n  - id: smw\n    phone: '0xx-anders'\n", encoding="utf-8")
    r = client.post("/contacts/own", data={"_stamp": stamp(page), "c.zat.phone": "0xx-zat"}, headers=SAME)
    assert r.status_code == 409 and tx("SP892").split(":")[0] in r.text
    assert "0xx-zat" not in (home / "contacts.yaml").read_text(encoding="utf-8")


def test_a_broken_file_on_disk_is_said_and_the_page_has_no_form(client, home):
    home.mkdir()
    (home / "contacts.yaml").write_text("contacts:\n  - id: smw\n    phoen: '0xx'\n", encoding="utf-8")
    r = client.get("/contacts/own")
    assert r.status_code == 200 and "phoen" in r.text and "<form method=\"post\"" not in r.text
    r = client.post("/contacts/own", data={"_stamp": "x", "c.smw.phone": "0xx"}, headers=SAME)
    assert r.status_code == 409
    assert "phoen" in (home / "contacts.yaml").read_text(encoding="utf-8"), "the file is left for its owner to fix"


def test_a_post_from_another_site_is_refused(client, home):
    for headers in ({"origin": "http://evil.example"}, {"referer": "http://evil.example/form"}, {}):
        r = post(client, {"c.smw.phone": "0xx-smw"}, headers=headers)
        assert r.status_code == 403, headers
        assert tx("SP882").split(":")[0] in r.text
    assert files(home) == {}


def test_off_on_a_hosted_instance_unless_the_operator_turns_it_on(home):
    hosted = TestClient(create_app(environ=environ(home), allowed_hosts=[HOSTED]), base_url=f"http://{HOSTED}")
    r = hosted.get("/contacts/own")
    assert r.status_code == 404 and tx("own_off_title") in r.text
    r = hosted.post("/contacts/own", data={"c.smw.phone": "0xx"}, headers={"origin": f"http://{HOSTED}"})
    assert r.status_code == 404 and files(home) == {}
    assert "/contacts/own" not in hosted.get("/").text and "/contacts/own" not in hosted.get("/contacts").text
    # the factory under uvicorn reads its environment: off unless the variable turns it on
    assert create_app(environ=environ(home)).state.contacts_form is False
    assert create_app(environ=environ(home, SEXTING_PROTOCOL_CONTACTS_FORM="nee")).state.contacts_form is False
    for on in (TestClient(create_app(environ=environ(home, SEXTING_PROTOCOL_CONTACTS_FORM="on"), allowed_hosts=[HOSTED]),
                          base_url=f"http://{HOSTED}"),
               TestClient(create_app(environ=environ(home), allowed_hosts=[HOSTED], contacts_form=True),
                          base_url=f"http://{HOSTED}")):
        page = on.get("/contacts/own")
        assert page.status_code == 200 and 'name="c.zorgcoordinator.phone"' in page.text
        assert 'href="/contacts/own"' in on.get("/").text and 'href="/contacts/own"' in on.get("/contacts").text
    r = on.post("/contacts/own", data={"_stamp": stamp(page.text), "c.smw.phone": "0xx-smw"},
                headers={"origin": f"http://{HOSTED}"}, follow_redirects=False)
    assert r.status_code == 303 and "0xx-smw" in (home / "contacts.yaml").read_text(encoding="utf-8")


def test_the_local_instance_links_to_it(client):
    assert 'href="/contacts/own"' in client.get("/").text
    assert 'href="/contacts/own?lang=en"' in client.get("/contacts?lang=en").text


def test_the_form_holds_every_role_of_the_init_file_and_the_regions_organisations(client):
    page = client.get("/contacts/own").text
    names = re.findall(r'<input[^>]*name="([^"]+)"', page)
    for cid, keys in own.template_roles():
        for key in keys:
            want = [f"c.{cid}.{key}.nl", f"c.{cid}.{key}.en"] if key in own.TEXT_KEYS else [f"c.{cid}.{key}"]
            assert all(n in names for n in want), (cid, key)
    for cid in ("veilig_thuis", "zvh", "centrum_seksueel_geweld"):
        assert any(n.startswith(f"c.{cid}.") for n in names), cid
    assert field(page, "c.veilig_thuis.phone")["value"] == "0800-2000", "what is in use now, prefilled"
    assert len(names) < MAX_FIELDS, "the form fits the limit of a post"
    labels = re.findall(r'<label for="([^"]+)"', page)
    assert all(n.replace(".", "-") in labels for n in names if n not in ("_stamp", "setting")), \
        "every field has its label"
    assert all(f"setting-{x.id}" in labels for x in client.app.state.bundle.protocol.settings)


def test_own_contacts_yaml_names_contacts_and_fields_a_layer_may_give(bundle):
    fields = set(model.Contact.__struct_fields__) - {"id", "source_file", "historical"}
    for cid, keys in own.region_fields():
        assert bundle.contact(cid) is not None, cid
        assert set(keys) <= fields, keys
    assert (DATA / "own-contacts.yaml").exists()


@pytest.mark.parametrize("name", ["protocol.yaml", "contacts.yaml", "conversations.yaml", "init-contacts.yaml"])
def test_the_yaml_written_reads_back_as_the_same_data(name):
    t = data.texts("nl")
    raw = yamlio.parse((DATA / name).read_text(encoding="utf-8"), name, t)
    assert yamlio.parse(own.dump(raw), name, t) == raw


def test_a_text_with_an_invisible_character_is_written_as_its_escape():
    out = own.dump({"contacts": [{"id": "smw", "phone": "a\u202eb\x07", "note": {"nl": "yes", "en": "on"}}]})
    assert "\u202e" not in out and "\\u202e" in out and "\\u0007" in out
    assert yamlio.parse(out, "-", data.texts("nl"))["contacts"][0]["note"] == {"nl": "yes", "en": "on"}
