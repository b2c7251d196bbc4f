"""`sexting-protocol followup CASE.json`: "Zorg altijd voor een follow-up! Hoe gaat het nu?"

Reads the case file saved beside a report, asks how the young person is doing now, whether the
spreading has stopped, which of the case's plan items were done and what is new (or reads it
all from `--answers FILE`), weighs the case again (`core.followup`) and shows what changed.
With `--report PATH` it writes the new report with the case's log, the updated case file beside
it, and with `--ics PATH` the next follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..core import conversation as conv
from ..core import followup
from ..core.errors import DataError, UserError
from ..core.model import UNKNOWN
from ..present.followup import outcome_blocks
from ..present.report import Meta
from ..present.views import DecisionView
from ..render.report import calendar, render
from ..store import yamlio
from ..store.answers import normalise, read_answers
from ..store.bundle import Source
from .files import announce, case_path, write_all, written_text
from .triage import carry_on, kind_of, offer_saves, save_given, with_case_file


@dataclass
class Options:
    case: str
    answers: Optional[str] = None
    as_json: bool = False
    report: Optional[str] = None
    ics: Optional[str] = None
    force: bool = False


def run(state, opts: Options, asker=None) -> int:
    env = state.env
    bundle = state.bundle()
    engine = conv.rules(bundle.protocol, bundle.conversations)
    view = DecisionView(bundle, state.lang, engine, state.texts)
    case = case_path(opts.case, env.environ, view.t)
    answers, confirmation, extra = read_answers(case, engine, view.contact_text, view.t, view.tx, env.stdin)
    meta = Meta(report_date=env.today)
    carry_on(meta, extra.get("report", {}), {}, env.today, view.t)
    before = conv.decide(engine, answers, confirmation, env.today)
    asked = not opts.answers and (env.interactive or asker is not None) and not opts.as_json
    if opts.answers:
        changed, done, notes = from_file(opts.answers, engine, view)
    elif asked:
        if asker is None:
            from .prompts import Asker

            asker = Asker(view.t)
        changed, done, notes = ask(asker, view, engine, answers, before)
    else:
        raise UserError(view.t("SP858" if opts.as_json else "SP859"))
    result = followup.weigh(engine, answers, confirmation, changed, done, notes, env.today)
    meta.log = [*(extra.get("log") or [followup.first_entry(before)]), result.entry]
    after = result.after
    if opts.as_json:
        state.json({"before": {"flag": before.flag, "confirmed_flag": before.confirmed.flag, "priority": before.priority},
                    "entry": result.entry, "new_first": followup.new_first(before, after),
                    "after": {**view.as_json(after), "log": meta.log}})
    else:
        state.show(blocks(view, before, after, result))
    saves = []
    if opts.report:
        saves.append((opts.report, lambda path: with_case_file(path, render(view, after, meta, kind_of(path)), view,
                                                               after, meta)))
    if opts.ics:
        ics = calendar(view, after.followup, case_ref=meta.case_ref)
        saves.append((opts.ics, lambda path: [(path, ics)]))
    wanted = [f for path, files in saves for f in files(path)]
    if asked and wanted:  # at the prompts: a save refused asks where instead, the answers typed are kept
        save_given(state, view, asker, saves, opts.force)
    for written in [] if asked else write_all(wanted, opts.force, view.t, done=state.written):
        announce(env, written_text(view.t, written), opts.as_json)
    if not wanted and asked:  # asked in a terminal: offer the report, as triage does
        offer_saves(state, view, asker, after, meta)
    elif not wanted and not opts.as_json:
        env.err(view.t("followup_save_hint"))
    return 0


def blocks(view: DecisionView, before, after, result) -> list:
    return outcome_blocks(view, before, after, [followup.first_entry(before), result.entry])


def from_file(path: str, engine, view) -> tuple[dict[str, Any], list[str], Optional[str]]:
    """The follow-up's answers: the questions asked again, `done` (plan item ids), `notes`."""
    text = yamlio.read_text(path, view.t)
    raw = yamlio.parse(text, path, view.t)
    src = Source(yamlio.display_name(path), text, raw, yamlio.LineFinder(text))
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise DataError([src.coded([], view.t, "SP801")])
    problems, changed = [], {}
    keys = [*engine.p.followup.asks, "done", "notes"]
    for key, value in raw.items():
        if key not in keys:
            problems.append(src.coded([key], view.t, "SP812", allowed=", ".join(keys)))
        elif key in engine.p.followup.asks:
            v = normalise(engine.questions[key], value)
            if v is None:
                problems.append(src.coded([key], view.t, "SP806", value=yamlio.show(value),
                                          allowed=", ".join([o.value for o in engine.questions[key].options] + [UNKNOWN])))
            else:
                changed[key] = v
    done = raw.get("done") or []
    if not isinstance(done, list) or not all(isinstance(x, str) for x in done):
        problems.append(src.coded(["done"], view.t, "SP806", value=yamlio.show(done), allowed=view.t("allowed_ids")))
    notes = raw.get("notes")
    if notes is not None and not isinstance(notes, str):
        problems.append(src.coded(["notes"], view.t, "SP806", value=yamlio.show(notes), allowed=view.t("allowed_text")))
    if problems:
        raise DataError(problems)
    return changed, list(done), notes


def ask(asker, view: DecisionView, engine, answers, before) -> tuple[dict[str, Any], list[str], Optional[str]]:
    changed = {}
    for qid in engine.p.followup.asks:
        q = engine.questions[qid]
        options = [(o.value, view.tx(o.label)) for o in q.options] + [(UNKNOWN, view.t("ask_unknown"))]
        changed[qid] = asker.choice(view.tx(q.text), options, default=answers.get(qid, UNKNOWN), help=view.tx(q.help),
                                    key=f"followup:{qid}")
    items = [(i.id, view.item_text(before, i)) for s in before.plan for i in s.items]
    done = asker.checkbox(view.t("followup_done"), items, instruction=view.t("practice_checkbox_instruction"))
    notes = asker.text(view.t("followup_notes"), key="followup:notes") or None
    return changed, done, notes
