"""Monotonicity: a riskier answer never lowers the flag, the priority or the lowest allowed flag,
and never drops care_for_young_person, police, report_veilig_thuis or board_duty once they hold
(the contract version 3, step 4 of the flag; issue 11 #3 and issue 8).

"ordering each question's options by risk, with `unknown` just above the safest option" (RISK in
test_engine.py: the contract's option order, safest first). The contract's exceptions, each named
here:
- "ages, `other_person`, `adult_sent_images`, `capacity_concern` (which relaxes `repeated`) ... have
  no such order": they are not in RISK, so never changed here (they are varied in the base sets);
- "the answers that decide a role (Roles) have no such order" / "The answers that decide a role are
  exceptions to the order claim of step 4: the professional's "no" moves the case to another role":
  a change that moves the case to another role (role() in test_engine.py) is left out (`role_moves`);
- the near-age exception (`near_age_doubt`), below.
The search is exhaustive over single-answer changes: for every base answer set below, every
question with a risk order and every pair of its answers, lower and higher, with the rest kept.
The base sets are deterministic: grids (all combinations over a few questions, the rest as in
CLEAR) and a seeded random sample of full answer sets.
"""

from __future__ import annotations

import itertools
import random

from conftest import FLAGS
from sexting_protocol.core.engine import Confirmation
from test_engine import CLEAR, ENGINE, PRIORITIES, QUESTIONS, RISK, SETTINGS, U, contract_core, decide, effective, \
    near_age, out_of_scope, plan_ids, role, values_of

HELD = ("care_for_young_person", "police", "report_veilig_thuis", "board_duty")
AGE_PAIRS = [(15, 15), (17, 18), (18, 17), (16, 21), (16, 22), (17, 22), (17, 23), (14, 23), (16, 11), (12, 12),
             (11, 13), (10, 11), (19, 16), (35, 15), (30, U), (15, U), (U, 30), (U, U)]
PEOPLE = values_of("other_person")


def grid(**axes) -> list[dict]:
    """All combinations of the given answers, the rest as in CLEAR; ages as pairs."""
    out = []
    for combo in itertools.product(*axes.values()):
        a = dict(CLEAR)
        for key, value in zip(axes, combo):
            a.update(zip(("age_depicted", "age_other"), value) if key == "ages" else {key: value})
        if not out_of_scope(a):
            out.append(a)
    return out


def sample(n: int, seed: int) -> list[dict]:
    """n full answer sets in scope, every question answered (unknown now and then); ages mostly
    near the lines the rules draw, seldom unknown (working out their find-out items is slow)."""
    rnd = random.Random(seed)
    out: list[dict] = []
    while len(out) < n:
        a = {q: rnd.choice(values_of(q)) for q in QUESTIONS if QUESTIONS[q].type != "number"}
        for q in ("age_depicted", "age_other"):
            a[q] = U if rnd.random() < 0.05 else rnd.choice(range(10, 25)) if rnd.random() < 0.8 else rnd.randint(0, 99)
        if rnd.random() < 0.3:
            a["setting"] = rnd.choice(SETTINGS)
        if not out_of_scope(a):
            out.append(a)
    return out


def role_moves(base: dict, qid: str, low, high) -> bool:
    """"The answers that decide a role are exceptions to the order claim of step 4: the
    professional's "no" moves the case to another role" (Roles)."""
    return role(effective({**base, qid: low})) != role(effective({**base, qid: high}))


def near_age_doubt(base: dict, qid: str, low, high) -> bool:
    """The counter-example that follows from the contract's own rules. An unknown adult_involved
    is doubt, and doubt makes the flag at least yellow (step 4: "If any of immediate_danger,
    self_harm_concern, sexual_violence_recent, adult_involved, extortion, voluntary, shared_further
    is unknown, the flag is at least yellow"); but a `yes` is no adult contact for near-age peers
    ("It does not hold for near-age peers in consensual, private sexting: both ages known, the
    younger 16 or 17, the older under 23 and at most 5 years apart, ..."). So for peers of 16 and 17
    who both wanted it, unknown → yes can take the flag from yellow to green and the priority from
    days to routine. ("adult_involved unknown is no doubt when age_other is known to be 18 or
    over", so only where the other person is the younger or under 18.)"""
    return qid == "adult_involved" and (low, high) == (U, "yes") and near_age(effective(base))


def documented(base: dict, qid: str, low, high) -> bool:
    return role_moves(base, qid, low, high) or near_age_doubt(base, qid, low, high)


def search(outcome, bases: list[dict], exclude=documented) -> list[str]:
    """Every single-answer change that breaks monotonicity, in words. `outcome` maps answers to
    (flag, priority, lowest, the held items); outcomes are cached, so grids cost one call a set."""
    cache: dict[tuple, tuple] = {}

    def of(a: dict) -> tuple:
        key = tuple(sorted(a.items(), key=lambda kv: kv[0]))
        if key not in cache:
            cache[key] = outcome(a)
        return cache[key]

    found = []
    for base in bases:
        for qid, order in RISK.items():
            outs = [of({**base, qid: v}) for v in order]
            for (i, lo), (j, hi) in itertools.combinations(enumerate(outs), 2):
                low, high = order[i], order[j]
                worse = [f"the flag {lo[0]} → {hi[0]}"] if FLAGS.index(hi[0]) < FLAGS.index(lo[0]) else []
                if PRIORITIES.index(hi[1]) < PRIORITIES.index(lo[1]):
                    worse.append(f"the priority {lo[1]} → {hi[1]}")
                if FLAGS.index(hi[2]) < FLAGS.index(lo[2]):
                    worse.append(f"the lowest allowed flag {lo[2]} → {hi[2]}")
                worse += [f"drops {item}" for item in sorted(lo[3] - hi[3])]
                if worse and not exclude(base, qid, low, high):
                    rest = {k: v for k, v in base.items() if k != qid}
                    found.append(f"{qid}: {low} → {high}: {', '.join(worse)}; the other answers: {rest}")
    return found


def engine_outcome(a: dict) -> tuple:
    try:
        d = decide(a)
    except ValueError:
        # a proposal below its own lowest allowed flag (the contract's gap, see
        # test_engine.py::test_a_proposal_below_the_lowest_allowed_is_no_crash, which fails then):
        # the decision for the lowest allowed flag, so that the search goes on.
        lowest = ENGINE.assess(a, explain=False).lowest
        d = decide(a, Confirmation(lowest, "reden", "IB-er"))
    held = {r for r in ("police", "report_veilig_thuis", "board_duty") if r in d.routes}
    held |= {"care_for_young_person"} & set(plan_ids(d))
    return d.flag, d.priority, d.lowest, frozenset(held)


def flag_outcome(a: dict) -> tuple:
    x = ENGINE.assess(a, explain=False)
    return x.flag, PRIORITIES[0], x.lowest, frozenset()


def reference_outcome(a: dict) -> tuple:
    c = contract_core(a)
    return c["flag"], c["priority"], c["lowest"], frozenset(set(HELD) & (set(c["routes"]) | c["plan"]))


def report(found: list[str], checked: int) -> str:
    shown = "\n".join(f"  {f}" for f in found[:12])
    return f"{len(found)} riskier answers make the decision less safe ({checked} base answer sets), the first:\n{shown}"


# Where the rules meet: ages (the near-age line, adults in and out of the images) with the other
# person and the home; the roles (the young-actor cases, the unwanted image); spreading with
# pressure, secret filming and generated images; the safety questions; capacity and exploitation.
DECIDE_BASES = [
    *grid(ages=AGE_PAIRS, other_person=PEOPLE),  # home_risk: varied as a riskier answer
    *grid(ages=((35, 15), (15, 30), (15, 17), (15, U)), other_person=("peer", "staff_or_volunteer", "staff_elsewhere"),
          adult_sent_images=("no",), recipient_wanted=("yes", "no"),
          made_by=("self", "other_secretly", "generated")),
    *grid(shared_further=("no", "few", "group", U), voluntary=("yes", "pressure", "reward", U),
          made_by=("self", "other_secretly", "generated", U)),
    *grid(immediate_danger=("no", U), self_harm_concern=("no", "yes"), sexual_violence_recent=("no", U),
          impact=("none", "serious", U)),
    *grid(capacity_concern=("no", "yes", U), exploitation=("no", "yes", U), repeated=("no", "yes"),
          ages=((10, 11), (15, 15), (11, U))),
    *sample(50, seed=8),
]
FLAG_BASES = [
    *grid(ages=AGE_PAIRS, other_person=PEOPLE, recipient_wanted=("yes", "no", U), repeated=("no", "yes"),
          power_difference=("none", "slight", U)),
    *sample(600, seed=11),
]


def test_a_riskier_answer_never_lowers_the_flag_or_the_priority_nor_drops_care_police_melding_or_board():
    found = search(engine_outcome, DECIDE_BASES)
    assert not found, report(found, len(DECIDE_BASES))


def test_a_riskier_answer_never_lowers_the_flag_or_the_lowest_over_many_answer_sets():
    found = search(flag_outcome, FLAG_BASES)
    assert not found, report(found, len(FLAG_BASES))


def test_the_contract_itself_is_monotonic_but_for_the_named_exceptions():
    """The exclusions are needed, and they are the only ones: the reference (the contract's rules)
    breaks monotonicity only in the named cases, on the same base sets."""
    bases = DECIDE_BASES[:len(DECIDE_BASES) // 2]
    assert search(reference_outcome, bases) == []
    everything = search(reference_outcome, bases, exclude=lambda *_: False)
    roles = search(reference_outcome, bases, exclude=near_age_doubt)
    near = search(reference_outcome, bases, exclude=role_moves)
    assert everything and roles and near, "an exception that is never needed"
    assert all(f.startswith("adult_involved: unknown → yes: ") for f in near), near[:5]
