"""The conversations of step 3 and the letters (issue 16): which guides a case gets follows the
decision, in the same order in the terminal, the reports, `--json`, the `conversations` command
and the browser's end page; none with a suspect, and none with a spreader before the
zedenpolitie has advised where the police route applies."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLES

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from test_web_triage import ORIGIN, Page, client_for, decide, finish, walk  # noqa: E402

from sexting_protocol.present.views import DecisionView  # noqa: E402
from sexting_protocol.store import bundle as data  # noqa: E402

SCENARIOS = [s for s in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8")) if "exit" not in s["expect"]] \
    if EXAMPLES.exists() else []
BY_ID = {s["id"]: s for s in SCENARIOS}
needs_examples = pytest.mark.skipif(not SCENARIOS, reason="the worked examples (../shared) are not beside the project")


def flat(text: str) -> str:
    return " ".join(text.replace("\\", "").split())


def in_order(text: str, parts: list[str]) -> None:
    text = flat(text)
    at = [text.find(flat(p)) for p in parts]
    assert all(i >= 0 for i in at), [p for p, i in zip(parts, at) if i < 0]
    assert at == sorted(at), "not in the decision's order"


def guides(run, write, scenario, lang="nl") -> dict:
    f = write("casus.json", scenario["answers"])
    out = json.loads(run("--lang", lang, "triage", "--answers", f, "--json").out)
    return {"file": f, "json": out, "ids": [c["id"] for c in out["conversations"]],
            "titles": [f"{n}. {c['with']}" for n, c in enumerate(out["conversations"], 1)]}


@needs_examples
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_the_guides_follow_the_decision_in_every_front(scenario, run, write, tmp_path):
    g = guides(run, write, scenario)
    out, plan = g["json"], [i["id"] for step in g["json"]["plan"] for i in step["items"]]
    assert g["ids"], "every case in the protocol has at least the conversation with the young person"
    assert g["ids"][0] in ("young_person", "young_receiver", "adult_harmed"), "the young people first"
    # what the contract and the leaflet forbid
    if "dont_contact_suspect" in plan:
        assert "spreader" not in g["ids"] and "sender" not in g["ids"], "no conversation with a suspect"
    if "police" in out["routes"]:
        for c in out["conversations"]:
            if c["id"] in ("spreader", "parents_spreader"):
                assert any("zedenpolitie" in x for x in c["first"]), f"{c['id']}: police advice first"
    parents = [i for i, x in enumerate(g["ids"]) if x.startswith("parents_")]
    assert all(i > g["ids"].index(g["ids"][0]) for i in parents), "parents after the young people"
    # the same guides in the same order: the command, the terminal, the reports, the browser
    again = json.loads(run("conversations", "--answers", g["file"], "--json").out)
    assert again["conversations"] == out["conversations"] and again["letters"] == out["letters"]
    in_order(run("triage", "--answers", g["file"]).out, g["titles"])
    for kind in ("md", "txt"):
        path = tmp_path / f"verslag-{kind}.{kind}"  # each its own JSON beside it
        assert run("triage", "--answers", g["file"], "--report", str(path)).code == 0
        in_order(path.read_text(encoding="utf-8"), g["titles"])
    client = client_for(tmp_path / "org")
    words = {True: "yes", False: "no"}
    form = {k: str(words.get(v, v) if isinstance(v, bool) else v) for k, v in scenario["answers"].items()}
    page = walk(client, {}, Page(client.post("/triage", data=form, headers=ORIGIN).text))
    from test_web_triage import post

    end = finish(client, Page(post(client, page, _event="review").text))
    # the browser's end page: the decision as confirmed after the questions that refine the plan,
    # each left "weet ik niet" as in the answers file
    in_order(end.words(), g["titles"])


@needs_examples
def test_a_group_chat_gets_each_conversation_separately_and_the_class_letter(run, write):
    g = guides(run, write, BY_ID["forwarded-to-group-chat"])
    assert g["ids"] == ["young_person", "spreader", "class_or_group", "parents_young_person", "parents_spreader"]
    letters = {x["id"]: x for x in g["json"]["letters"]}
    assert set(letters) == {"parents_class", "team_note"}
    text = " ".join(letters["parents_class"]["paragraphs"])
    assert letters["parents_class"]["contacts"] and "helpwanted" in letters["parents_class"]["contacts"]
    assert "[naam organisatie]" in text and "{" not in text, "placeholders filled, none left raw"
    for word in ("naakt", "borst", "penis", "vagina", "foto van"):  # no detail of the images
        assert word not in text.lower(), word


@needs_examples
def test_the_class_letter_lists_the_help_numbers_of_the_contacts(run, write, bundle):
    g = guides(run, write, BY_ID["forwarded-to-group-chat"])
    report = run("conversations", "--answers", g["file"]).out
    view = DecisionView(bundle, "nl")
    for cid in next(x for x in g["json"]["letters"] if x["id"] == "parents_class")["contacts"]:
        c = bundle.contact(cid)
        assert view.contact_line(c) in flat(report), cid


@needs_examples
@pytest.mark.parametrize("example", ["staff-member", "adult-asks-for-images", "sextortion"])
def test_no_guide_for_a_conversation_with_a_suspect(example, run, write):
    g = guides(run, write, BY_ID[example])
    assert not {"spreader", "sender", "parents_spreader"} & set(g["ids"]), g["ids"]
    if example == "staff-member":  # a note to the team could reach the colleague under suspicion
        assert "team_note" not in [x["id"] for x in g["json"]["letters"]]


@needs_examples
def test_the_guides_speak_english_on_request(run, write):
    nl = guides(run, write, BY_ID["forwarded-to-group-chat"])
    en = guides(run, write, BY_ID["forwarded-to-group-chat"], "en")
    assert nl["ids"] == en["ids"] and nl["titles"] != en["titles"]
    assert "[name of the organisation]" in " ".join(en["json"]["letters"][0]["paragraphs"])


def test_a_broken_guide_is_refused_with_its_file_and_line(tmp_path, monkeypatch):
    """The guides are checked at load like the plan: a condition naming nothing is an error."""
    from sexting_protocol.store import paths

    folder = tmp_path / "data"
    folder.mkdir()
    for f in paths.data_dir().iterdir():
        if f.suffix == ".yaml":
            (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    guide = folder / "conversations.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("{holds: shared_wide}", "{holds: shared_widee}", 1),
                     encoding="utf-8")
    monkeypatch.setattr(paths, "data_dir", lambda: folder)
    with pytest.raises(data.DataError) as e:
        data.load(cache=False, layers=False)
    assert "conversations.yaml:" in str(e.value) and "SP313" in str(e.value) and "shared_wide" in str(e.value)
