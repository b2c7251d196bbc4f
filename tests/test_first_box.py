"""One "Eerst doen" everywhere (contract version 3): for every worked example, the terminal
(piped `triage --answers`), the Markdown and text reports and the browser's decision page show
the same first actions and then the same first_items, in the contract's order, before the flag.
What they must show is the one view (DecisionView.first_box); each front is read as a person sees
it: the text of the page or the file."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLES

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from test_web_triage import ORIGIN, Page, client_for, post, tx, walk  # noqa: E402

from sexting_protocol.store import bundle as data
from sexting_protocol.core.engine import Engine  # noqa: E402
from sexting_protocol.present.views import DecisionView  # noqa: E402

SCENARIOS = [s for s in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8")) if "exit" not in s["expect"]] \
    if EXAMPLES.exists() else []


def flat(text: str) -> str:
    return " ".join(text.split())


def in_order(text: str, parts: list[str], before: str) -> None:
    """Every part stands in `text`, in this order, and all of them before `before`."""
    text, end = flat(text), flat(text).index(flat(before))
    at = [text.find(flat(p)) for p in parts]
    assert all(0 <= i < end for i in at), [p for p, i in zip(parts, at) if not 0 <= i < end]
    assert at == sorted(at), "not in the contract's order"


@pytest.mark.skipif(not SCENARIOS, reason="the worked examples (../shared) are not beside the project")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_every_front_shows_the_same_first_box(scenario, run, write, tmp_path):
    f = write("casus.json", scenario["answers"])
    out = json.loads(run("triage", "--answers", f, "--json").out)
    assert out["first_items"] == scenario["expect"].get("first_items", out["first_items"])
    bundle = data.load(layers=False)
    engine = Engine(bundle.protocol)
    view = DecisionView(bundle, "nl", engine)
    answers = {k: v for k, v in out["answers"].items() if k in engine.questions or k == "setting"}
    box = view.first_box(engine.decide(answers))
    parts = [a for a, _ in box.actions] + box.items
    assert len(box.items) == len(out["first_items"])
    flag = view.t("proposal", flag=view.flag_name(out["flag"]), label="").split("(")[0].strip()
    # the terminal, piped
    in_order(run("triage", "--answers", f).out, [box.title, *parts], flag)
    # the reports
    for kind in ("md", "txt"):
        path = tmp_path / f"verslag-{kind}.{kind}"  # each with its own case file beside it
        assert run("triage", "--answers", f, "--report", str(path)).code == 0
        text = path.read_text(encoding="utf-8").replace("\\", "")
        in_order(text, parts, flag)
    # the browser's decision page, continuing from the same answers (a form posted without a state
    # is read as an answers file); the questions the file leaves open are answered "weet ik niet"
    client = client_for(tmp_path / "org")
    words = {True: "yes", False: "no"}  # YAML 1.1 reads an unquoted yes/no as a boolean
    form = {k: str(words.get(v, v) if isinstance(v, bool) else v) for k, v in scenario["answers"].items()}
    page = walk(client, {}, Page(client.post("/triage", data=form, headers=ORIGIN).text))
    assert tx("review_ok") in page.words()
    page = Page(post(client, page, _event="review").text)
    assert page.flagged()[0]["data-flag"] == out["flag"]
    in_order(page.words(), [box.title, *parts], flag)
