"""What the protocol's rules read, worked out once from the protocol alone (no answers): which
questions can change the flag, the routes, the urgency or the priority, which are asked before
the decision for the first items, and where a number question makes some rule turn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import conditions
from .model import Cond, Triage


def decisive_conditions(t: Triage) -> list[Cond]:
    """The conditions of the flag, the routes, the urgency and the priority, and of the roles
    that leave answers out."""
    conds = [r.when for rules in t.ratings.values() for r in rules if r.when]
    conds += [e.when for e in t.escalations] + [f.when for f in t.floors] + [lo.when for lo in t.lowest]
    conds += [t.urgent] + [p.when for p in t.priority if p.when] + [rr.when for rr in t.route_rules]
    conds += [ig.when for ig in t.ignore]
    return conds


def every_condition(t: Triage) -> list[Cond]:
    """The decisive conditions, the named ones, and those of the contacts, the plan, the first
    items and the warnings."""
    return [*decisive_conditions(t), *t.conditions.values(), *(c.when for c in t.contact_rules),
            *(i.when for i in t.plan if i.when), *(v.when for i in t.plan for v in i.variants),
            *(f.when for f in t.first_items.items if f.when), *(w.when for w in t.warnings if w.when)]


def decisive_questions(t: Triage) -> set[str]:
    """Questions that some rule of the flag, the routes, the urgency or the priority reads."""
    out = {r.q for rules in t.ratings.values() for r in rules if r.q}
    for c in decisive_conditions(t):
        out |= set(conditions.questions(c, t.conditions))
    return out


def number_turns(t: Triage) -> dict[str, list[tuple[Optional[str], int]]]:
    """For each number question, where some condition turns: (None, n) where its answer is
    compared with n, (other, n) where its gap with the other question's answer is."""
    out: dict[str, list[tuple[Optional[str], int]]] = {}
    for c in every_condition(t):
        for q, other, n in conditions.turns(c):
            out.setdefault(q, []).append((other, n))
    return out


@dataclass(frozen=True)
class Analysis:
    """The protocol's rules as the question search needs them."""

    decisive: frozenset[str]  # questions that can change the flag, routes, urgency or priority
    first_asks: frozenset[str]  # questions asked before the decision as they can change what stands first
    turns: dict[str, list[tuple[Optional[str], int]]]  # number_turns

    @classmethod
    def of(cls, t: Triage) -> "Analysis":
        return cls(frozenset(decisive_questions(t)),
                   frozenset(q for f in t.first_items.items for q in f.before_decision), number_turns(t))
