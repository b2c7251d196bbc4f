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
    answers: dict[str, Value]  # the case's answers after the follow-up, doubt not lowering what was known


def weigh(engine: Engine, answers: dict[str, Value], confirmation: Optional[Confirmation], changed: dict[str, Value],
          done: list[str], notes: Optional[str], today: dt.date) -> Result:
    """The decision before and after the follow-up's answers. A confirmation that no longer
    holds for the new answers (the proposal changed, or it falls below the new lowest flag) is
    dropped: the professional confirms again."""
    before = engine.decide(answers, confirmation, today)
    said = {q: v for q, v in changed.items() if answers.get(q, UNKNOWN) != v}  # as answered, for the log
    new = without_doubt(engine, answers, {**answers, **changed}, today)
    kept = confirmation
    if confirmation is not None:
        a = engine.assess(new, explain=False)
        if engine.confirm_problem(a, confirmation) or a.flag != before.flag:
            kept = None
    after = engine.decide(new, kept, today)
    entry: dict[str, Any] = {"date": today.isoformat(), "kind": "followup",
                             "changed": said,
                             "flag": after.flag, "confirmed_flag": after.confirmed.flag, "priority": after.priority,
                             "done": [i for i in done if i in before.plan_ids()]}
    if notes:
        entry["notes"] = notes
    return Result(before, after, entry, kept is not None or confirmation is None, new)


def without_doubt(engine: Engine, answers: dict[str, Value], new: dict[str, Value], today: dt.date) -> dict[str, Value]:
    """The follow-up's answers, where "weet ik niet" never lowers what a known answer gave: for
    each question known before and unknown now, the known answer counts when it weighs heavier
    (the flag first, then the priority: `impact: serious` was red, "weet ik niet" made it
    yellow), or, weighing the same, when the doubt would take something away (the care, a
    contact or a route that the known harm brought in) and bring no route or contact of its
    own. Doubt that adds weight (where all was well, or an escalation) still counts as doubt."""
    urgency = [p.id for p in engine.t.priority]  # most urgent first

    def weighed(a: dict[str, Value]) -> tuple[tuple[int, int], set[str]]:
        d = engine.decide(a, None, today)
        what = {*(f"route:{r}" for r in d.routes), *(f"contact:{c}" for c in d.contacts),
                *(f"plan:{i}" for i in d.plan_ids() if not i.startswith("find_out."))}
        return (rank(d.flag), -urgency.index(d.priority)), what

    for q, value in new.items():
        old = answers.get(q, UNKNOWN)
        if value != UNKNOWN or old == UNKNOWN:
            continue
        (known, has), (doubt, gets) = weighed({**new, q: old}), weighed(new)
        escalates = any(x.startswith(("route:", "contact:")) for x in gets - has)
        if known > doubt or (known == doubt and has - gets and not escalates):
            new = {**new, q: old}
    return new


def first_entry(d: Decision) -> dict[str, Any]:
    """The log's first entry: the first decision."""
    return {"date": d.today.isoformat(), "kind": "decision", "flag": d.flag, "confirmed_flag": d.confirmed.flag,
            "priority": d.priority}


def new_first(before: Decision, after: Decision) -> list[str]:
    """First routes the follow-up brought that were not first before."""
    return [r for r in after.first if r not in before.first]
