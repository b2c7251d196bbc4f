"""Monotonicity: a riskier answer never lowers the flag or the priority, and never drops
care_for_young_person, police or report_veilig_thuis once they hold (the contract, step 4 of the
flag; issue 11 #3 and issue 8).

"ordering each question's options by risk, with `unknown` just above the safest option" (RISK in
test_engine.py: the contract's option order, safest first; ages and other_person have no order).
The search is exhaustive over single-answer changes: for every base answer set below, every
question with a risk order and every pair of its answers, lower and higher, with the rest kept.
The base sets are deterministic: grids (all combinations over a few questions, the rest as in
CLEAR) and a seeded random sample of full answer sets.
"""

from __future__ import annotations

import itertools
import random

from conftest import CLEAR, FLAGS
from test_engine import ENGINE, PRIORITIES, QUESTIONS, RISK, U, contract_core, decide, near_age, out_of_scope, \
    plan_ids, values_of

HELD = ("care_for_young_person", "police", "report_veilig_thuis")
AGE_PAIRS = [(15, 15), (17, 18), (16, 21), (16, 22), (17, 22), (17, 23), (14, 23), (16, 11), (12, 12), (11, 13),
             (19, 16), (18, 17), (15, U), (U, U)]
PEOPLE = values_of("other_person")


def grid(**axes) -> list[dict]:
    """All combinations of the given answers, the rest as in CLEAR; ages as pairs."""
    out = []
    for combo in itertools.product(*axes.values()):
        a = dict(CLEAR)
        for key, value in zip(axes, combo):
            a.update(zip(("age_depicted", "age_other"), value) if key == "ages" else {key: value})
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
        if not out_of_scope(a):
            out.append(a)
    return out


def documented(base: dict, qid: str, low, high) -> bool:
    """The one counter-example that follows from the contract's own rules. An unknown
    adult_involved is doubt, and doubt makes the flag at least yellow (step 4: "If any of
    immediate_danger, self_harm_concern, sexual_violence_recent, adult_involved, extortion,
    voluntary, shared_further is unknown, the flag is at least yellow"); but a `yes` is no adult
    contact for near-age peers ("Adult contact holds when an adult is involved (adult_involved
    yes, ...), except for near-age peers: age_depicted 16 or 17 with age_other known, under 23 and
    at most 5 years more"). So for peers of 17 and 18 who both wanted it, unknown → yes takes the
    flag from yellow to green, the priority from days to routine, and with home_risk yes the
    melding to Veilig Thuis ("when home_risk is yes and the flag is yellow or worse") away."""
    return qid == "adult_involved" and (low, high) == (U, "yes") and near_age(base)


def search(outcome, bases: list[dict], exclude=documented) -> list[str]:
    """Every single-answer change that breaks monotonicity, in words. `outcome` maps answers to
    (flag, priority, the held items); outcomes are cached, so grids cost one call a set."""
    cache: dict[tuple, tuple] = {}

    def of(a: dict) -> tuple:
        key = tuple(sorted(a.items()))
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
                worse += [f"drops {item}" for item in sorted(lo[2] - hi[2])]
                if worse and not exclude(base, qid, low, high):
                    rest = {k: v for k, v in base.items() if k != qid}
                    found.append(f"{qid}: {low} → {high}: {', '.join(worse)}; the other answers: {rest}")
    return found


def engine_outcome(a: dict) -> tuple:
    d = decide(a)
    held = {r for r in ("police", "report_veilig_thuis") if r in d.routes}
    held |= {"care_for_young_person"} & set(plan_ids(d))
    return d.flag, d.priority, frozenset(held)


def flag_outcome(a: dict) -> tuple:
    return ENGINE.assess(a, explain=False).flag, PRIORITIES[0], frozenset()


def reference_outcome(a: dict) -> tuple:
    c = contract_core(a)
    return c["flag"], c["priority"], frozenset(set(HELD) & (set(c["routes"]) | c["plan"]))


def report(found: list[str], checked: int) -> str:
    shown = "\n".join(f"  {f}" for f in found[:12])
    return f"{len(found)} riskier answers make the decision less safe ({checked} base answer sets), the first:\n{shown}"


# Where the rules meet: ages (the near-age line, adults in and out of the images) with the other
# person and the home; spreading with pressure and secret filming; the safety questions.
DECIDE_BASES = [
    *grid(ages=AGE_PAIRS, other_person=PEOPLE, home_risk=("no", "yes")),
    *grid(shared_further=("no", "few", "group", U), voluntary=("yes", "pressure", "reward", U),
          made_by=("self", "other_secretly", U)),
    *grid(immediate_danger=("no", U), self_harm_concern=("no", "yes"), sexual_violence_recent=("no", U),
          impact=("none", "serious", U)),
    *sample(120, seed=8),
]
FLAG_BASES = [
    *grid(ages=AGE_PAIRS, other_person=PEOPLE, recipient_wanted=("yes", "no", U), repeated=("no", "yes"),
          power_difference=("none", "slight", U)),
    *sample(2000, seed=11),
]


def test_a_riskier_answer_never_lowers_the_flag_or_the_priority_nor_drops_care_police_or_melding():
    found = search(engine_outcome, DECIDE_BASES)
    assert not found, report(found, len(DECIDE_BASES))


def test_a_riskier_answer_never_lowers_the_flag_over_thousands_of_answer_sets():
    found = search(flag_outcome, FLAG_BASES)
    assert not found, report(found, len(FLAG_BASES))


def test_the_contract_itself_is_monotonic_but_for_the_documented_near_age_case():
    """The exclusion is needed, and it is the only one: the reference (the contract's rules) breaks
    monotonicity exactly in the documented case, on the same base sets."""
    bases = DECIDE_BASES[:len(DECIDE_BASES) // 2]
    assert search(reference_outcome, bases) == []
    everything = search(reference_outcome, bases, exclude=lambda *_: False)
    assert everything and all(f.startswith("adult_involved: unknown → yes: ") for f in everything), everything[:5]
