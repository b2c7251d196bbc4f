"""The shipped data: it loads and validates, every item of the leaflet is in it, every
cross-reference resolves, the contract's ids exist, and only verified details are shown plainly."""

from __future__ import annotations

import re
import unicodedata

import pytest

from conftest import CONTRACT, CRITERIA, FACTS, LEAFLET, alter
from sexting_protocol.store import bundle as data, paths
from sexting_protocol.core import checks, model
from sexting_protocol.present.views import View


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s.casefold()) if not unicodedata.combining(c))


def has(text: str, *words: str) -> bool:
    t = fold(text)
    return all(fold(w) in t for w in words)


# --- loading ---------------------------------------------------------------------------------------


def test_shipped_files_load(bundle):
    assert len(bundle.protocol.steps) == 5
    assert bundle.contacts.contacts


def test_shipped_files_pass_the_thorough_validator():
    from sexting_protocol.core import schema
    from sexting_protocol.cli import validate

    for name in ("protocol", "contacts"):
        src = data.read(data.shipped(f"{name}.yaml"))
        assert validate.problems_in(src, schema.full(name)) == [], name


def test_shipped_files_have_every_text_in_english():
    bundle = data.load(cache=False, layers=False)
    assert [str(p) for p in data.missing_english(bundle)] == []


def test_the_cache_is_not_needed_for_correctness(tmp_path):
    """The same data with the cache off, with a fresh cache, and read back from that cache."""
    from sexting_protocol.cli.env import Env

    def load(cache):
        env = Env(environ={"SEXTING_PROTOCOL_CACHE": cache, "SEXTING_PROTOCOL_HOME": str(tmp_path / "home")})
        return data.load(env=env)

    plain = load("off")
    first = load(str(tmp_path / "cache"))
    assert list((tmp_path / "cache").iterdir()), "nothing was cached"
    again = load(str(tmp_path / "cache"))
    assert plain.protocol == first.protocol == again.protocol
    assert plain.contacts == first.contacts == again.contacts


def test_a_corrupt_cache_is_ignored(tmp_path):
    from sexting_protocol.cli.env import Env

    env = Env(environ={"SEXTING_PROTOCOL_CACHE": str(tmp_path), "SEXTING_PROTOCOL_HOME": str(tmp_path / "home")})
    good = data.load(env=env)
    for f in tmp_path.glob("*.msgpack"):
        f.write_bytes(b"\x00garbage")
    assert data.load(env=env).protocol == good.protocol


def test_data_folder_is_found_from_the_package():
    assert (paths.data_dir() / "protocol.yaml").is_file()
    assert (paths.data_dir() / "contacts.yaml").is_file()


# --- the leaflet, item by item ---------------------------------------------------------------------

# (step, words that its title or summary or checklist must hold) — from the leaflet's "Aanpak zoals
# bekend van de meldcode".
LEAFLET_STEPS = [
    (1, ["signalen", "in kaart"]),
    (2, ["collega"]),
    (3, ["gesprek", "betrokkenen"]),
    (4, ["weeg", "ernst"]),
    (5, ["beslis"]),
]
STEP_CONTENT = [
    (2, ["IB-er"]), (2, ["SMW"]), (2, ["ZAT"]),
    (2, ["Kompaan en De Bocht"]), (2, ["Steunpunt Huiselijk Geweld"]), (2, ["zedenpolitie"]),
    (2, ["Zorg- en Veiligheidshuis"]), (2, ["AMK"]), (2, ["WE CAN Young"]),
    (3, ["eerst", "jongeren", "opvoeders"]),
    (4, ["twijfel", "deskundige"]), (4, ["ernst"]),
    (5, ["zelf", "hulp", "organis"]), (5, ["hulp", "inroep"]), (5, ["melding"]), (5, ["aangifte"]),
    # the afwegingskader's two questions (facts file, §2)
    (5, ["melden", "noodzakelijk"]), (5, ["hulp", "verlenen of organiseren", "mogelijk"]),
]
ZVH_ITEMS = ["ZAT", "Scenario Team Seksueel Geweld", "procesregisseur"]
CRITERIA_NL = ["Gelijkwaardigheid", "Wederzijdse toestemming", "Leeftijdsadequaat", "Vrijwilligheid",
               "Contextadequaat", "Zelfrespect"]
FLAGS_NL = {"green": "GROEN", "yellow": "GEEL", "red": "ROOD", "black": "ZWART"}
# Every do of the leaflet: words that its title (or, for the ones without a heading in the leaflet,
# title and explanation together) must hold.
LEAFLET_DOS = [
    ["Kwetsbaarheid mag"],
    ["bespreekbaar"],
    ["gezond seksueel gedrag"],
    ["overleg", "ervar"],
    ["apart"],
    ["Zero Tolerance"],
    ["veilig klimaat"],
    ["meedenken"],
    ["zedenpolitie", "verwijderd", "bewaard"],
    ["opvoeders"],
    ["invloed"],
    ["sluitend netwerk", "samen sta je sterk"],
    ["preventie"],
    ["experimenteren mag"],
]
LEAFLET_DONTS = ["Taboe", "Publiciteit zoeken", "Blame the victim"]


def step_text(step) -> str:
    return " ".join([step.title.nl, step.summary.nl] + [i.text.nl for i in step.checklist])


def test_leaflet_source_is_the_one_encoded():
    if not LEAFLET.exists():
        pytest.skip("the leaflet is not beside the repository")
    leaflet = LEAFLET.read_text(encoding="utf-8")
    # the lists above were taken from this leaflet: check that they are really in it
    for _, words in LEAFLET_STEPS:
        assert has(leaflet, *words)
    for name in ZVH_ITEMS + CRITERIA_NL + LEAFLET_DONTS + ["Kwetsbaarheid mag", "Zero Tolerance", "Hoe gaat het nu?"]:
        assert has(leaflet, name), name


@pytest.mark.parametrize("number,words", LEAFLET_STEPS)
def test_leaflet_step_titles(bundle, number, words):
    step = next(s for s in bundle.protocol.steps if s.number == number)
    assert has(step.title.nl + " " + step.summary.nl, *words)


@pytest.mark.parametrize("number,words", STEP_CONTENT)
def test_leaflet_step_content(bundle, number, words):
    step = next(s for s in bundle.protocol.steps if s.number == number)
    assert has(step_text(step), *words), f"step {number} lacks {words}"


@pytest.mark.parametrize("item", ZVH_ITEMS)
def test_leaflet_zvh_route(bundle, item):
    sec = bundle.protocol.zvh_route
    assert has(" ".join([sec.title.nl, sec.summary.nl] + [i.text.nl for i in sec.checklist]), item)
    assert "Zorg- en Veiligheidshuis" in sec.title.nl


def test_leaflet_followup(bundle):
    fu = bundle.protocol.followup
    assert has(fu.title.nl, "Hoe gaat het nu?")
    assert fu.checklist


@pytest.mark.parametrize("name", CRITERIA_NL)
def test_leaflet_criteria_by_dutch_name(bundle, name):
    matches = [c for c in bundle.protocol.criteria if fold(c.name.nl) == fold(name)]
    assert len(matches) == 1, name
    assert matches[0].check, f"{name} has no check questions"


def test_six_criteria_with_the_contract_ids(bundle):
    assert [c.id for c in bundle.protocol.criteria] == CRITERIA


def test_four_flags_with_what_each_calls_for(bundle):
    flags = {f.id: f for f in bundle.protocol.flags}
    assert list(flags) == list(FLAGS_NL)
    for fid, name in FLAGS_NL.items():
        assert flags[fid].name.nl == name
        assert flags[fid].calls_for


@pytest.mark.parametrize("words", LEAFLET_DOS, ids=lambda w: w[0])
def test_leaflet_dos(bundle, words):
    found = [a for a in bundle.protocol.dos if has(a.title.nl + " " + a.text.nl, *words)]
    assert found, f"no do for {words}"
    assert all(a.text.nl.strip() and a.steps for a in found)


def test_each_do_is_a_different_item(bundle):
    matched = []
    for words in LEAFLET_DOS:
        titled = [a.id for a in bundle.protocol.dos if has(a.title.nl, *words)]
        matched.append(titled[0] if titled else
                       next(a.id for a in bundle.protocol.dos if has(a.title.nl + " " + a.text.nl, *words)))
    assert len(set(matched)) == len(LEAFLET_DOS) == len(bundle.protocol.dos)


def test_first_do_keeps_the_leaflet_heading(bundle):
    assert bundle.protocol.dos[0].title.nl == "Kwetsbaarheid mag"


@pytest.mark.parametrize("heading", LEAFLET_DONTS)
def test_leaflet_donts_by_heading(bundle, heading):
    found = [a for a in bundle.protocol.donts if a.title.nl == heading]
    assert len(found) == 1, heading
    assert found[0].text.nl.strip() and found[0].steps


def test_every_do_and_dont_links_to_existing_steps(bundle):
    numbers = {s.number for s in bundle.protocol.steps}
    for a in (*bundle.protocol.dos, *bundle.protocol.donts):
        assert a.steps and set(a.steps) <= numbers, a.id


def test_images_rule(bundle):
    r = bundle.protocol.images_rule
    never = " ".join(t.nl for t in r.never)
    for word in ("bekijk", "kopieer", "stuur", "door", "bewaar"):
        assert has(never, word), word
    assert any(has(t.nl, "zedenpolitie", "verwijderd", "bewaard") for t in r.instead)


# --- organisations -------------------------------------------------------------------------------


def contact(bundle, cid):
    c = bundle.contact(cid)
    assert c is not None, cid
    return c


def test_leaflet_organisations(bundle):
    assert contact(bundle, "kompaan_en_de_bocht").name == "Kompaan en De Bocht"
    vt = contact(bundle, "veilig_thuis")
    assert {"AMK", "Steunpunt Huiselijk Geweld"} <= set(vt.aliases)
    politie = contact(bundle, "politie")
    assert has(politie.name + " " + " ".join(politie.aliases), "zedenpolitie")
    zvh = contact(bundle, "zvh")
    assert has(zvh.name + " " + " ".join(zvh.aliases), "Zorg- en Veiligheidshuis")
    wcy = contact(bundle, "we_can_young")
    assert has(wcy.name, "WE CAN Young")
    assert wcy.historical


def test_amk_and_steunpunt_are_not_separate_organisations(bundle):
    for c in bundle.contacts.contacts:
        if c.id != "veilig_thuis":
            assert not has(c.name, "AMK") and not has(c.name, "Steunpunt Huiselijk Geweld"), c.id


CONTRACT_CONTACTS = ["emergency_112", "politie", "veilig_thuis", "centrum_seksueel_geweld", "zelfmoordpreventie_113",
                     "kindertelefoon", "helpwanted", "zvh", "vertrouwensinspecteur", "kompaan_en_de_bocht",
                     "we_can_young", "ib_er", "smw", "zat", "vertrouwenspersoon", "zorgcoordinator", "slachtofferhulp",
                     "centrum_veilige_sport", "igj", "vertrouwenscontactpersoon", "aandachtsfunctionaris", "comensha",
                     "fier"]
CONTRACT_PHONES = {"politie": ["0900-8844"], "veilig_thuis": ["0800-2000"], "centrum_seksueel_geweld": ["0800-0188"],
                   "zelfmoordpreventie_113": ["113", "0800-0113"], "kindertelefoon": ["0800-0432"],
                   "helpwanted": ["020-261 52 75"], "emergency_112": ["112"], "slachtofferhulp": ["0900-0101"],
                   "vertrouwensinspecteur": ["0900-111 3 111"], "comensha": ["033-448 11 86"]}
# the contract names these without a verified number: nothing may be shown as a phone for them
CONTRACT_NO_PHONE = ["centrum_veilige_sport", "igj", "fier"]
INTERNAL = ["ib_er", "smw", "zat", "vertrouwenspersoon", "zorgcoordinator", "vertrouwenscontactpersoon",
            "aandachtsfunctionaris", "houder", "leiding"]


@pytest.mark.parametrize("cid", CONTRACT_CONTACTS)
def test_contract_contact_ids_exist(bundle, cid):
    contact(bundle, cid)


def test_contract_contact_ids_are_those_of_the_contract_file():
    if not CONTRACT.exists():
        pytest.skip("the contract is not beside the repository")
    section = CONTRACT.read_text(encoding="utf-8").split("## Contacts", 1)[1].split("##", 1)[0]
    named = set(re.findall(r"`([a-z0-9_]+)`", section))
    assert named >= set(CONTRACT_CONTACTS)
    assert set(CONTRACT_CONTACTS) >= named - {"contacts", "shared_further", "extortion", "online_only_contact",
                                              "care_for_young_person", "unknown", "reasons"}


@pytest.mark.parametrize("cid,numbers", sorted(CONTRACT_PHONES.items()))
def test_contract_phone_numbers(bundle, cid, numbers):
    c = contact(bundle, cid)
    assert c.phone is not None and c.phone.verified == "yes"
    for n in numbers:
        assert n in c.phone.value


@pytest.mark.parametrize("cid", CONTRACT_NO_PHONE)
def test_contract_contacts_without_a_verified_number(bundle, cid):
    c = contact(bundle, cid)
    assert c.phone is None or c.phone.verified != "yes"


@pytest.mark.parametrize("cid", INTERNAL)
def test_internal_roles_come_without_numbers(bundle, cid):
    c = contact(bundle, cid)
    assert c.kind == "intern"
    assert c.phone is None and c.address is None


def test_we_can_young_is_never_routed_to(bundle):
    t = bundle.protocol.triage
    assert all("we_can_young" not in r.contacts for r in t.routes)
    assert all("we_can_young" not in r.add for r in t.contact_rules)
    assert all("we_can_young" not in i.contacts for i in t.plan)


def test_no_invented_phone_numbers_or_addresses(bundle):
    """Every phone number and address comes from the facts file."""
    if not FACTS.exists():
        pytest.skip("the facts file is not beside the repository")
    # "(033) 448 11 86" and "033-448 11 86" are one number: compare with the area code's notation evened out
    def even(text: str) -> str:
        return " ".join(re.sub(r"\((\d+)\)", r"\1", text).replace("-", " ").split())

    facts = even(FACTS.read_text(encoding="utf-8"))
    for c in bundle.contacts.contacts:
        for d in (c.phone, c.address):
            if d is None:
                continue
            for number in re.findall(r"\+?\d[\d ]*\d|\d", even(d.value)):
                assert number in facts, f"{c.id}: {number!r} is not in facts.md"
        if c.address is not None:
            assert c.address.value in facts, c.id


def test_every_detail_has_a_source(bundle):
    for c in bundle.contacts.contacts:
        for d in (c.phone, c.chat, c.website, c.address):
            if d is not None:
                assert d.source.strip(), c.id


# --- cross-references ------------------------------------------------------------------------------


def all_contact_refs(p: model.Protocol):
    for s in p.steps:
        yield f"steps[{s.number}]", s.contacts
        for i in s.checklist:
            yield i.id, i.contacts
    for sec in (p.zvh_route, p.followup):
        yield sec.id, sec.contacts
        for i in sec.checklist:
            yield i.id, i.contacts
    for q in p.questions:
        if q.out_of_scope:
            yield q.id, q.out_of_scope.contacts
    for r in p.triage.routes:
        yield r.id, r.contacts
    for r in p.triage.contact_rules:
        yield r.id, r.add
    for i in p.triage.plan:
        yield i.id, i.contacts


def test_every_contact_reference_resolves(bundle):
    ids = {c.id for c in bundle.contacts.contacts}
    for where, refs in all_contact_refs(bundle.protocol):
        assert set(refs) <= ids, (where, set(refs) - ids)


def test_every_advice_and_route_reference_resolves(bundle):
    p = bundle.protocol
    advice = {a.id for a in (*p.dos, *p.donts)}
    routes = {r.id for r in p.triage.routes}
    for i in p.triage.plan:
        assert set(i.advice) <= advice, i.id
        assert i.step in {s.number for s in p.steps}, i.id
    for rr in p.triage.route_rules:
        assert set(rr.add) | set(rr.remove) <= routes, rr.id
    for q in p.questions:
        if q.alert:
            assert q.alert.route in routes


def test_every_rating_rule_names_a_question_and_its_options(bundle):
    p = bundle.protocol
    questions = {q.id: q for q in p.questions}
    for cid, rules in p.triage.ratings.items():
        assert cid in CRITERIA
        for r in rules:
            if r.q:
                assert set(r.map) <= {o.value for o in questions[r.q].options}, r.id


def test_ids_are_unique(bundle):
    p = bundle.protocol
    for name, items in (("questions", p.questions), ("routes", p.triage.routes), ("plan", p.triage.plan),
                        ("advice", [*p.dos, *p.donts]), ("contacts", bundle.contacts.contacts)):
        ids = [i.id for i in items]
        assert len(ids) == len(set(ids)), name
    checklist = [i.id for s in p.steps for i in s.checklist]
    assert len(checklist) == len(set(checklist))


def test_each_step_checklist_has_its_dos_and_donts(bundle):
    v = View(bundle, "nl")
    for s in bundle.protocol.steps:
        dos, donts = v.advice_for_step(s.number)
        assert dos or donts, f"step {s.number} has no do's or don'ts"


# --- the contract's ids in the protocol ----------------------------------------------------------

CONTRACT_QUESTIONS = {
    "immediate_danger": ["yes", "no"], "self_harm_concern": ["yes", "no"], "sexual_violence_recent": ["yes", "no"],
    "adult_involved": ["yes", "no"], "extortion": ["yes", "no"], "violent_content": ["yes", "no"],
    "other_person": ["peer", "adult_outside", "family_or_household", "staff_or_volunteer", "staff_elsewhere"],
    "online_only_contact": ["yes", "no"], "age_depicted": None, "age_other": None,
    "adult_sent_images": ["yes", "no"],
    "made_by": ["self", "other_with_consent", "other_secretly", "generated"],
    "voluntary": ["yes", "light_pressure", "pressure", "reward", "coercion"],
    "recipient_wanted": ["yes", "unclear", "no", "no_repeated"],
    "shared_further": ["no", "few", "group", "public_online"], "spread_to_hurt": ["yes", "no"],
    "still_spreading": ["yes", "no"], "exploitation": ["yes", "no"], "capacity_concern": ["yes", "no"],
    "power_difference": ["none", "slight", "clear", "large"],
    "context_ok": ["yes", "somewhat", "no"], "impact": ["none", "mild", "serious", "severe"],
    "repeated": ["yes", "no"], "home_risk": ["yes", "no"],
}
CONTRACT_ROUTES = ["self_help", "consult", "inform_parents", "police", "zvh", "report_veilig_thuis", "board_duty",
                   "emergency", "crisis_care", "acute_care"]


def test_questions_are_the_contracts(bundle):
    qs = {q.id: q for q in bundle.protocol.questions}
    assert set(qs) == set(CONTRACT_QUESTIONS)
    for qid, options in CONTRACT_QUESTIONS.items():
        q = qs[qid]
        if options is None:
            assert q.type == "number"
        else:
            # options appear in the contract's order
            assert [o.value for o in q.options] == options, qid


def test_question_numbers_ranges(bundle):
    qs = {q.id: q for q in bundle.protocol.questions}
    assert (qs["age_depicted"].min, qs["age_depicted"].max) == (0, 99)
    assert (qs["age_other"].min, qs["age_other"].max) == (0, 99)


def test_every_question_has_a_help_text_and_a_find_out_text(bundle):
    for q in bundle.protocol.questions:
        assert q.help.nl.strip() and q.find_out.nl.strip(), q.id


def test_routes_are_the_contracts(bundle):
    assert {r.id for r in bundle.protocol.triage.routes} == set(CONTRACT_ROUTES)


@pytest.mark.parametrize("route,contacts", [
    ("consult", ["zat", "ib_er", "zorgcoordinator", "smw", "veilig_thuis"]),
    ("police", ["politie"]), ("zvh", ["zvh"]), ("report_veilig_thuis", ["veilig_thuis"]),
    ("board_duty", ["vertrouwensinspecteur"]), ("emergency", ["emergency_112"]),
    ("crisis_care", ["zelfmoordpreventie_113"]), ("acute_care", ["centrum_seksueel_geweld"]),
])
def test_route_contacts_at_least_the_contracts(bundle, route, contacts):
    r = next(r for r in bundle.protocol.triage.routes if r.id == route)
    assert set(contacts) <= set(r.contacts)


def test_self_help_route_has_internal_roles(bundle):
    r = next(r for r in bundle.protocol.triage.routes if r.id == "self_help")
    assert r.contacts and set(r.contacts) <= set(INTERNAL)


# --- only verified details are shown plainly -------------------------------------------------------


def test_a_partly_verified_phone_is_marked(run, bundle):
    partly = [c for c in bundle.contacts.contacts if c.phone and c.phone.verified == "partly"]
    assert partly, "the shipped contacts have a partly verified phone (Stop it Now)"
    c = partly[0]
    r = run("contacts", c.name)
    assert r.code == 0
    assert f"{c.phone.value} (deels geverifieerd)" in r.out
    r = run("--lang", "en", "contacts", c.name)
    assert f"{c.phone.value} (partly verified)" in r.out


def test_an_unverified_phone_is_marked(run, write, contacts_text):
    old = 'phone: {value: "0900-8844", verified: "yes"'
    text = alter(contacts_text, old, old.replace('"yes"', '"no"'), after="  - id: politie\n")
    path = write("contacts.yaml", text)
    r = run("--contacts", path, "contacts", "zedenpolitie")
    assert r.code == 0, r.err
    assert "0900-8844 (niet geverifieerd)" in r.out
    # and everywhere the phone is shown, e.g. in a checklist
    r = run("--contacts", path, "checklist", "--step", "2")
    assert "0900-8844 (niet geverifieerd)" in r.out
    assert re.search(r"0900-8844(?! \(niet geverifieerd\))", r.out) is None


def test_a_verified_phone_is_shown_plainly(run):
    r = run("contacts", "Veilig Thuis")
    assert "0800-2000" in r.out
    assert "0800-2000 (" not in r.out


def test_every_shown_detail_carries_its_verification(run, bundle):
    r = run("contacts")
    assert r.code == 0
    for c in bundle.contacts.contacts:
        for d in (c.phone, c.website):
            if d is None:
                continue
            if d.verified == "yes":
                assert d.value in r.out
            else:
                assert f"{d.value} (" in r.out, (c.id, d.value)


# --- what a school is given to copy, and what reaches the terminal -------------------------------


def test_the_init_file_example_phone_cannot_be_a_real_number():
    """Issue 10: the example was "013-123 45 67", a Tilburg number someone may have."""
    text = (paths.data_dir() / "init-contacts.yaml").read_text(encoding="utf-8")
    assert not re.search(r"\d{2,4}-\d{3} ?\d{2} ?\d{2}", text), "an example number in digits may be someone's"
    assert "0xx-xxx xx xx" in text
    assert "school.nl" not in text, "a real domain; school.example is reserved for examples"


@pytest.mark.parametrize("name", ["protocol.yaml", "contacts.yaml", "ui.yaml", "cases.yaml", "messages.yaml",
                                  "init-contacts.yaml"])
def test_shipped_data_has_no_control_characters_and_no_deep_nesting(name):
    assert checks.check_plain(data.read(data.shipped(name)).raw) == []


def test_a_control_character_in_a_base_file_is_refused_with_its_line(tmp_path, contacts_text):
    from conftest import run_cli

    text = alter(contacts_text, 'phone: {value: "0900-8844"', 'phone: {value: "0900-8844\\u001b[31m"')
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    r = run_cli("--contacts", str(path), "contacts")
    assert r.code == 2 and "\x1b" not in r.err
    line = text.count("\n", 0, text.index("0900-8844\\u001b")) + 1
    assert f"{path}:{line}:" in r.err and "[SP105]" in r.err


@pytest.mark.parametrize("setting", ["childcare", "sport", "youth_care", "youth_work"])
@pytest.mark.parametrize("age", [10, 14])
def test_care_outside_a_school_names_no_school_social_work(engine, setting, age):
    """The SMW (schoolmaatschappelijk werk) is a school's: a club or a bso gets its own care."""
    d = engine.decide({"setting": setting, "age_depicted": age, "shared_further": "group", "impact": "serious"})
    care = [i for s in d.plan for i in s.items if i.id == "care_for_young_person"]
    assert care, "the case calls for care"
    assert "SMW" not in care[0].text.nl and "SMW" not in care[0].text.en and "smw" not in care[0].contacts
    school = engine.decide({"setting": "school", "age_depicted": age, "shared_further": "group", "impact": "serious"})
    assert "SMW" in next(i for s in school.plan for i in s.items if i.id == "care_for_young_person").text.nl



def test_a_plan_item_shows_the_roles_of_its_own_kind_of_organisation(engine, bundle):
    """An item's internal roles of another setting are left out: no school's SMW or ZAT in a
    club, no club's vertrouwenscontactpersoon in a school."""
    roles = {s.id: set(s.contacts) for s in bundle.protocol.settings}
    answers = {"age_depicted": 14, "shared_further": "group", "impact": "serious"}
    for setting, own in roles.items():
        foreign = set().union(*roles.values()) - own
        d = engine.decide({**answers, "setting": setting})
        shown = {c for s in d.plan for i in s.items for c in i.contacts}
        assert shown and not shown & foreign, (setting, shown & foreign)
    club = engine.decide({**answers, "setting": "sport"})
    assert next(i for s in club.plan for i in s.items if i.id == "consult_internal").contacts == ["vertrouwenscontactpersoon"]


def test_an_urgent_routes_name_does_not_hold_its_number(bundle):
    """The urgent box on every page shows each urgent route's name with its numbers beside it:
    the name "Acuut gevaar: 112" read "Acuut gevaar: 112 112"."""
    for r in (r for r in bundle.protocol.triage.routes if r.urgent):
        numbers = [c.phone.value for cid in r.contacts if (c := bundle.contact(cid)) and c.phone]
        for name in (r.name.nl, r.name.en):
            assert not any(n in name for n in numbers), (r.id, name)


@pytest.mark.parametrize("setting, role", [("childcare", "aandachtsfunctionaris"), ("youth_care", "aandachtsfunctionaris"),
                                           ("youth_work", "aandachtsfunctionaris"), ("sport", "vertrouwenscontactpersoon")])
@pytest.mark.parametrize("item, answers", [
    ("consult_internal", {"age_depicted": 14, "shared_further": "group", "impact": "serious"}),
    ("share_internally", {"age_depicted": 15, "age_other": 15, "made_by": "self", "voluntary": "yes",
                          "recipient_wanted": "yes", "shared_further": "no", "impact": "none"}),
])
def test_the_colleague_to_consult_has_a_card_in_every_kind_of_organisation(engine, setting, role, item, answers):
    """Outside a school the items say to talk it over with the aandachtsfunctionaris (in a club the
    vertrouwenscontactpersoon), and that role's card stands beside them: a variant brings its own
    contacts. (They named none there; share_internally named the aandachtsfunctionaris in a club.)"""
    d = engine.decide({**answers, "setting": setting})
    entry = next((i for s in d.plan for i in s.items if i.id == item), None)
    assert entry is not None, [i.id for s in d.plan for i in s.items]
    assert entry.contacts == [role]
    assert role in entry.text.nl and role in entry.text.en.replace("club's ", "")
    assert ("aandachtsfunctionaris" in entry.text.nl) == (role == "aandachtsfunctionaris")


def test_a_school_consults_its_own_roles(engine):
    d = engine.decide({"setting": "school", "age_depicted": 14, "shared_further": "group", "impact": "serious"})
    entry = next(i for s in d.plan for i in s.items if i.id == "consult_internal")
    assert entry.contacts == ["zorgcoordinator", "ib_er", "smw", "zat"]
