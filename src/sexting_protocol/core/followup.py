"""The follow-up ("Zorg altijd voor een follow-up! Hoe gaat het nu?"): a case's answers weighed
again with what changed since, and the entry that goes in the case's log. Codes and ids only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from .engine import Confirmation, Decision, Engine, Value, rank
from .model import UNKNOWN

@dataclass
class Result:
    before: Decision
    after: Decision
    entry: dict[str, Any]  # the log entry (JSON)
    confirmation_kept: bool


def weigh(engine: Engine, answers: dict[str, Value], confirmation: Optional[Confirmation], changed: dict[str, Value],
          done: list[str], notes: Optional[str], today: dt.date) -> Result:
    """The decision before and after the follow-up's answers. A confirmation that no longer
    holds for the new answers (the proposal changed, or it falls below the new lowest flag) is
    dropped: the professional confirms again."""
    before = engine.decide(answers, confirmation, today)
    new = without_doubt(engine, answers, {**answers, **changed}, today)
    changed = {q: new[q] for q in changed}
    kept = confirmation
    if confirmation is not None:
        a = engine.assess(new, explain=False)
        if engine.confirm_problem(a, confirmation) or a.flag != before.flag:
            kept = None
    after = engine.decide(new, kept, today)
    entry: dict[str, Any] = {"date": today.isoformat(), "kind": "followup",
                             "changed": {q: v for q, v in changed.items() if answers.get(q) != v},
                             "flag": after.flag, "confirmed_flag": after.confirmed.flag, "priority": after.priority,
                             "done": [i for i in done if i in before.plan_ids()]}
    if notes:
        entry["notes"] = notes
    return Result(before, after, entry, kept is not None or confirmation is None)


def without_doubt(engine: Engine, answers: dict[str, Value], new: dict[str, Value], today: dt.date) -> dict[str, Value]:
    """The follow-up's answers, where "weet ik niet" never lowers what a known answer gave
    (`impact: serious` was red; "weet ik niet" now made it yellow): for each question known
    before and unknown now, the one of the two that weighs heavier counts (the flag first, then
    the priority). Doubt where all was well still counts as doubt."""
    urgency = [p.id for p in engine.t.priority]  # most urgent first

    def weight(a: dict[str, Value]) -> tuple[int, int]:
        d = engine.decide(a, None, today)
        return rank(d.flag), -urgency.index(d.priority)

    for q, value in new.items():
        old = answers.get(q, UNKNOWN)
        if value == UNKNOWN and old != UNKNOWN and weight({**new, q: old}) > weight(new):
            new = {**new, q: old}
    return new


def first_entry(d: Decision) -> dict[str, Any]:
    """The log's first entry: the first decision."""
    return {"date": d.today.isoformat(), "kind": "decision", "flag": d.flag, "confirmed_flag": d.confirmed.flag,
            "priority": d.priority}


def new_first(before: Decision, after: Decision) -> list[str]:
    """First routes the follow-up brought that were not first before."""
    return [r for r in after.first if r not in before.first]
