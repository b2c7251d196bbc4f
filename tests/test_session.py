"""The interactive triage, driven in-process: a scripted asker for the flow, and the real
questionary asker through prompt_toolkit's pipe input for the keys."""

from __future__ import annotations

import datetime as dt

import io
import os
import stat

import pytest

from sexting_protocol.store import bundle as data
from sexting_protocol.text.texts import Texts
from sexting_protocol.cli.options import Globals
from sexting_protocol.core.engine import Engine
from sexting_protocol.cli.env import Env
from sexting_protocol.core.errors import UserError
from sexting_protocol.cli.prompts import BACK, Asker
from sexting_protocol.cli.triage import Options, run

from conftest import CLEAR, TODAY


class Script:
    """An asker that answers by screen id: question id → answer, plus the screens after."""

    def __init__(self, engine: Engine, answers: dict, confirm=None, reason="", consulted="",
                 report="no", ics=False, path=None, back_after=None, change=None, interrupt_at=None):
        self.answers, self.confirm, self.reason, self.consulted = dict(answers), confirm, reason, consulted
        self.report, self.ics, self.path = report, ics, path
        self.back_after, self.change, self.interrupt_at = back_after, change, interrupt_at
        self.asked: list[str] = []  # every question asked, in order
        self.refined: list[str] = []  # those asked after the confirmation
        self.keys: list[str] = []
        self.reviews = 0
        self.confirms = 0
        self.confirm_options = None
        self.out = None  # the session's stdout, to see what was on screen before each question
        self.shown_before: dict[str, int] = {}

    def _question(self, key: str):
        self.keys.append(key)
        if self.out is not None:
            self.shown_before.setdefault(key, len(self.out.getvalue()))
        kind, _, qid = key.partition(":")
        if kind not in ("question", "refine"):
            return None, None
        if qid == self.interrupt_at:
            raise KeyboardInterrupt
        self.asked.append(qid)
        if kind == "refine":
            self.refined.append(qid)
        if self.back_after == qid and self.asked.count(qid) == 1:
            return qid, BACK
        return qid, None

    def choice(self, message, options, default=None, help=None, back=False, key=None):
        qid, forced = self._question(key)
        if forced is not None:
            return forced
        if qid is not None:
            return self.answers.get(qid, "unknown")
        if key == "review":
            self.reviews += 1
            if self.change and self.reviews == 1:
                qid, value = self.change
                self.answers[qid] = value
                return qid
            return "__ok__"
        if key == "files:report":
            return self.report
        if key == "confirm":
            self.confirms += 1
            self.confirm_options = [v for v, _ in options]
            return self.confirm if self.confirm in self.confirm_options else self.confirm_options[0]
        raise AssertionError(f"unexpected screen {key}")

    def yes_no(self, message, default=True, key=None):
        assert key == "files:ics"
        return self.ics

    def number(self, message, low, high, help=None, default=None, back=False, instruction=None, key=None):
        qid, forced = self._question(key)
        if forced is not None:
            return forced
        if qid is None:
            return default
        value = self.answers.get(qid)
        return None if value in (None, "unknown") else value

    def text(self, message, default="", help=None, required=False, key=None):
        self.keys.append(key)
        return {"confirm:reason": self.reason, "confirm:consulted": self.consulted,
                "files:path": self.path or default}.get(key, default)


@pytest.fixture
def state(tmp_path):
    env = Env(stdout=io.StringIO(), stderr=io.StringIO(), stdin_isatty=True, stdout_isatty=True, no_color=True,
              today=TODAY, environ={"SEXTING_PROTOCOL_HOME": str(tmp_path / "home"), "SEXTING_PROTOCOL_CACHE": "off",
                                    "SEXTING_PROTOCOL_DOCUMENTS": str(tmp_path / "documents")})
    return Globals(env)


@pytest.fixture
def engine():
    return Engine(data.load(cache=False).protocol)


def session(state, engine, answers, opts=None, **kw):
    asker = Script(engine, answers, **kw)
    asker.out = state.env.stdout
    code = run(state, opts or Options(), asker=asker)
    return code, asker, state.env.stdout.getvalue(), state.env.stderr.getvalue()


def test_asks_safety_questions_first_and_decides(state, engine):
    code, asker, out, _ = session(state, engine, CLEAR)
    assert code == 0
    assert asker.asked[:4] == ["immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved"]
    assert "VOORSTEL: GROEN" in out
    assert asker.reviews == 1
    assert asker.confirm_options[0] == "green"


def test_the_session_asks_what_the_engine_would_ask(state, engine):
    answers = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no",
               "adult_involved": "yes", "age_depicted": 14, "other_person": "adult_outside", "home_risk": "no"}
    _, asker, out, _ = session(state, engine, answers)
    decision_phase = asker.asked[: len(engine.asked(answers))]
    assert decision_phase == engine.asked(answers)
    assert len(decision_phase) <= 8
    assert "VOORSTEL: ZWART" in out


def test_each_question_says_its_place_above_it(state, engine):
    """#17: no progress indicator over 18 questions; now "Vraag 5 van ongeveer 12" above each."""
    _, asker, out, _ = session(state, engine, CLEAR)
    asked = [k for k in asker.keys if k.startswith("question:")]
    for n, key in enumerate(asked, 1):
        before = out[:asker.shown_before[key]]
        found = before.rstrip().rsplit("\n", 1)[-1]
        assert found.startswith(f"Vraag {n} van ongeveer "), (key, found)
        assert n <= int(found.split()[-1])
    assert f"Vraag {len(asked)} van ongeveer {len(asked)}" in out


def test_an_urgent_answer_shows_its_action_before_the_next_question(state, engine):
    _, asker, out, _ = session(state, engine, {**CLEAR, "self_harm_concern": "yes"})
    banner = out.index("Suïcidale gedachten:")
    assert "113" in out[banner:banner + 300]
    # shown at once: on screen before the next question is asked
    assert asker.shown_before["question:self_harm_concern"] <= banner < asker.shown_before["question:sexual_violence_recent"]


def test_the_first_actions_stand_before_the_proposal_on_the_decision_screen(state, engine):
    _, _, out, _ = session(state, engine, {**CLEAR, "immediate_danger": "yes"})
    decision = out[out.index("EERST DOEN (nu)"):]
    assert decision.index("bel nu 112") < decision.index("VOORSTEL")


def test_going_back_asks_the_previous_question_again(state, engine):
    _, asker, _, _ = session(state, engine, CLEAR, back_after="self_harm_concern")
    assert asker.asked[:3] == ["immediate_danger", "self_harm_concern", "immediate_danger"]


def test_review_can_change_an_answer(state, engine):
    code, asker, out, _ = session(state, engine, CLEAR, change=("impact", "serious"))
    assert code == 0 and asker.asked.count("impact") == 2
    assert "VOORSTEL: ROOD" in out  # impact serious rates zelfrespect red


def test_confirming_another_flag_needs_a_reason_and_is_kept(state, engine, tmp_path):
    path = tmp_path / "verslag.json"
    code, asker, out, _ = session(state, engine, {**CLEAR, "context_ok": "somewhat"}, confirm="red",
                                  reason="tweede incident deze maand", report="json", path=str(path))
    assert code == 0
    import json

    saved = json.loads(path.read_text())
    assert saved["flag"] == "yellow" and saved["confirmed_flag"] == "red"
    assert saved["answers"]["confirmed_reason"] == "tweede incident deze maand"
    assert "police" not in saved["routes"] and "consult" in saved["routes"]


def test_a_locked_case_offers_no_flag_below_red(state, engine):
    _, asker, _, _ = session(state, engine, {**CLEAR, "extortion": "yes"}, confirm="red", reason="r", consulted="ZAT")
    assert asker.confirm_options == ["black", "red"]


def test_lowering_black_asks_who_was_consulted(state, engine, tmp_path):
    path = tmp_path / "v.json"
    session(state, engine, {**CLEAR, "extortion": "yes"}, confirm="red", reason="r", consulted="zorgcoördinator",
            report="json", path=str(path))
    import json

    saved = json.loads(path.read_text())
    assert saved["answers"]["confirmed_consulted"] == "zorgcoördinator"
    assert "police" in saved["routes"]  # a locked case keeps its police route


def test_report_and_calendar_are_private_files(state, engine, tmp_path):
    os.chdir(tmp_path)
    code, _, out, _ = session(state, engine, CLEAR, report="md", ics=True)
    assert code == 0
    # offered, and saved with Enter, in the documents folder, never the current one (issue 17)
    assert [p for p in tmp_path.iterdir() if p.is_file()] == []
    tmp_path = tmp_path / "documents"
    files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    # a green case: the follow-up in 14 days (contract v3's followup_days for priority routine)
    # the report, and beside it the JSON that continues the case (issue 16: one save, two files)
    assert files == [f"follow-up-{(TODAY + dt.timedelta(days=14)).isoformat()}.ics",
                     f"sexting-verslag-{TODAY.isoformat()}.json", f"sexting-verslag-{TODAY.isoformat()}.md"]
    for name in files:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    # the last words name the command that records the follow-up, with the case file
    case = tmp_path / f"sexting-verslag-{TODAY.isoformat()}.json"
    assert f'sexting-protocol followup "{case}"' in " ".join(out.split()[-12:])


def test_interrupt_writes_nothing_and_returns_130(state, engine, tmp_path):
    os.chdir(tmp_path)
    code, _, _, err = session(state, engine, CLEAR, interrupt_at="extortion", report="md")
    assert code == 130
    assert "Afgebroken, niets opgeslagen" in err
    assert list(tmp_path.iterdir()) == []


def test_an_adult_in_the_images_with_another_adult_ends_the_session(state, engine):
    with pytest.raises(UserError) as e:
        session(state, engine, {**CLEAR, "adult_involved": "yes", "age_depicted": 19, "age_other": 25})
    assert e.value.exit_code == 2
    assert "0900-8844" in state.env.stdout.getvalue()


def test_an_adult_showing_images_of_themselves_to_a_child_is_in_scope(state, engine):
    """age_depicted 18 or over brings the other person's age right after the safety questions
    still open; under 18 it is a case."""
    code, asker, out, _ = session(state, engine, {**CLEAR, "adult_involved": "yes", "age_depicted": 30,
                                                  "age_other": 14})
    assert code == 0
    after = asker.asked[asker.asked.index("age_depicted") + 1:]
    assert after[:after.index("age_other")] == [q for q in ("extortion", "violent_content") if q in after]
    assert "VOORSTEL: ZWART" in out


def test_an_answers_file_in_a_terminal_asks_only_what_it_leaves_open(state, engine, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("immediate_danger: no\nself_harm_concern: no\nsexual_violence_recent: no\n")
    _, asker, _, _ = session(state, engine, CLEAR, opts=Options(answers=str(f)))
    assert "immediate_danger" not in asker.asked
    assert asker.asked[0] == "adult_involved"


def test_no_input_asks_nothing(state, engine, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("immediate_danger: no\n")
    code, asker, out, _ = session(state, engine, CLEAR, opts=Options(answers=str(f), no_input=True))
    assert code == 0 and asker.asked == [] and "VOORSTEL" in out


# --- the real asker, through prompt_toolkit's pipe input ---------------------------------------

DOWN, ENTER = "\x1b[B", "\r"


def real_asker(keys: str):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    texts = Texts("nl")
    ctx = create_pipe_input()
    pipe = ctx.__enter__()
    pipe.send_text(keys)
    return Asker(texts, input=pipe, output=DummyOutput()), ctx


def test_pipe_input_arrow_keys_choose_an_option():
    asker, ctx = real_asker(DOWN + ENTER)
    try:
        assert asker.choice("Vraag?", [("yes", "Ja"), ("no", "Nee"), ("unknown", "Weet ik niet")]) == "no"
    finally:
        ctx.__exit__(None, None, None)


def test_pipe_input_enter_without_a_number_means_unknown():
    asker, ctx = real_asker(ENTER)
    try:
        assert asker.number("Leeftijd?", 0, 17) is None
    finally:
        ctx.__exit__(None, None, None)


def test_pipe_input_number_out_of_range_is_refused_until_valid():
    asker, ctx = real_asker("42" + ENTER + "\x7f\x7f" + "15" + ENTER)
    try:
        assert asker.number("Leeftijd?", 0, 17) == 15
    finally:
        ctx.__exit__(None, None, None)


def test_pipe_input_ctrl_c_raises_keyboard_interrupt():
    asker, ctx = real_asker("\x03")
    try:
        with pytest.raises(KeyboardInterrupt):
            asker.choice("Vraag?", [("yes", "Ja"), ("no", "Nee")])
    finally:
        ctx.__exit__(None, None, None)


def test_whole_session_through_pipe_input(state, tmp_path):
    """The real asker for every screen: the first option by Enter everywhere (the risky answers
    come first), except "Nee" to acute danger, no report and no calendar."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    os.chdir(tmp_path)
    messages = []

    class Keys(Asker):
        def choice(self, message, options, default=None, help=None, back=False, key=None):
            messages.append(message)
            values = [v for v, _ in options]
            first = not messages[:-1]
            pipe.send_text(DOWN * 3 + ENTER if "md" in values else DOWN + ENTER if True in values or first else ENTER)
            return super().choice(message, options, default, help, back, key)

        def number(self, message, *args, **kw):
            messages.append(message)
            pipe.send_text("14" + ENTER)
            return super().number(message, *args, **kw)

        def text(self, message, default="", help=None, required=False, key=None):
            pipe.send_text("x" + ENTER)
            return super().text(message, default, help, required, key)

    with create_pipe_input() as pipe:
        asker = Keys(lambda k: Texts("nl")(k), input=pipe, output=DummyOutput())
        code = run(state, Options(), asker=asker)
    assert code == 0
    out = state.env.stdout.getvalue()
    assert "Suïcidale gedachten:" in out  # "Ja" to the second question showed its action
    assert "VOORSTEL: ZWART" in out  # recent sexual violence "Ja": black
    assert messages[0].startswith("Is iemand op dit moment in acuut gevaar")
    assert list(tmp_path.iterdir()) == []  # no report, no calendar


def test_interrupt_after_a_saved_report_names_what_was_saved(state, engine, tmp_path):
    """Ctrl-C at the calendar question, after the report was written: not 'nothing saved'."""
    os.chdir(tmp_path)
    asker = Script(engine, CLEAR, report="md")
    asker.yes_no = lambda message, default=True, key=None: (_ for _ in ()).throw(KeyboardInterrupt)
    assert run(state, Options(), asker=asker) == 130
    err = state.env.stderr.getvalue()
    assert "niets opgeslagen" not in err
    assert f"sexting-verslag-{TODAY.isoformat()}.md" in err


# --- after the confirmation: the questions that sharpen the plan -------------------------------

FORWARDED = {**CLEAR, "age_depicted": 16, "age_other": 16, "shared_further": "group", "spread_to_hurt": "yes",
             "still_spreading": "yes", "power_difference": "slight", "context_ok": "no", "impact": "serious"}


def test_impact_is_asked_after_the_confirmation_when_it_can_add_care(state, engine, tmp_path):
    """A revenge forward is black before anyone asks how she is: the session still asks it,
    after the confirmation, and the plan then holds care for her."""
    path = tmp_path / "v.json"
    code, asker, _, _ = session(state, engine, FORWARDED, report="json", path=str(path))
    assert code == 0
    assert "impact" in asker.refined and "impact" not in asker.asked[: asker.asked.index(asker.refined[0])]
    import json

    saved = json.loads(path.read_text())
    ids = {i["id"] for s in saved["plan"] for i in s["items"]}
    assert "care_for_young_person" in ids
    assert saved["answers"]["impact"] == "serious"


def test_the_record_marks_what_was_never_asked(state, engine, tmp_path, bundle):
    """An adult and a child of 14: black whatever the voluntariness, so that question is never
    put ("niet gevraagd"); one that was put and answered "weet ik niet" says so instead."""
    path = tmp_path / "v.md"
    answers = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no",
               "adult_involved": "yes", "age_depicted": 14, "other_person": "adult_outside", "home_risk": "no"}
    code, asker, _, _ = session(state, engine, answers, report="md", path=str(path))
    assert code == 0
    question = {q.id: q.text.nl for q in bundle.protocol.questions}
    rows = {}
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 2:
            rows[cells[0]] = cells[1]
    assert "voluntary" not in asker.asked and rows[question["voluntary"]] == Texts("nl")("not_asked")
    assert "made_by" in asker.asked and rows[question["made_by"]] == "weet ik niet"


def test_the_first_actions_with_their_numbers_stand_beside_the_confirmation(state, engine):
    _, asker, out, _ = session(state, engine, FORWARDED)
    before = out[: asker.shown_before["confirm"]]
    beside = before[before.rindex("EERST DOEN"):]
    assert "0900-8844" in beside and "VOORSTEL: ZWART" in beside
    assert len(beside.splitlines()) <= 12  # with the question it fits a screen of 24 rows


def test_a_second_triage_on_the_same_day_offers_a_free_file_name(state, engine, tmp_path):
    os.chdir(tmp_path)
    tmp_path = tmp_path / "documents"  # where the name is offered (issue 17)
    tmp_path.mkdir()
    (tmp_path / f"sexting-verslag-{TODAY.isoformat()}.md").write_text("earlier", encoding="utf-8")
    code, _, _, _ = session(state, engine, CLEAR, report="md")
    assert code == 0
    assert (tmp_path / f"sexting-verslag-{TODAY.isoformat()}-2.md").exists()
    assert (tmp_path / f"sexting-verslag-{TODAY.isoformat()}.md").read_text(encoding="utf-8") == "earlier"
