"""The triage engine against the contract, version 3 (../shared/spec/triage-contract.md).

- every worked example of ../shared/scenarios/examples.yaml and every case of data/cases.yaml, run
  like ../shared/tools/check-scenarios runs them (the command, --answers, --json, given back);
- the contract's rules written out once more here, from the contract alone, as an independent
  reference (`contract_*`): the roles (an adult in the images, an unwanted image between young
  people, the young-actor case (a) and (b), "no abuse of the young person who acted"), the
  near-age exception, adult contact, criteria, flag, urgent, priority, followup_days, lowest flag
  allowed, routes and their order (with the setting's contacts), first actions, first_items,
  contacts, the plan items the contract fixes by id (present exactly when their condition holds),
  the find-out rule, `asked` and `refine`; compared with the engine over hypothesis-generated
  answers, with @example cases for the tricky spots;
- the confirmation limits, the --json object, and a changed protocol that changes the behaviour.
The monotonicity search (a riskier answer never lowers ...) is in test_monotonic.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools

import msgspec
import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from conftest import CLEAR as CLEAR2, CRITERIA, EXAMPLES, FLAGS, JSON_KEYS, TODAY, expect_misses, load_cases, \
    load_examples, run_cli, write_file
from sexting_protocol.store import bundle as data
from sexting_protocol.store.answers import normalise
from sexting_protocol.core.engine import Confirmation, Engine
from sexting_protocol.core.model import Protocol
from sexting_protocol.present.views import DecisionView

BUNDLE = data.load(layers=False)
PROTOCOL = BUNDLE.protocol
ENGINE = Engine(PROTOCOL)
QUESTIONS = {q.id: q for q in PROTOCOL.questions}
U = "unknown"
# conftest's case where nothing is wrong, with version 3's new questions answered (adult_sent_images
# is only for an adult in the images: left out).
CLEAR = {**CLEAR2, "exploitation": "no", "capacity_concern": "no"}

SAFETY6 = ["immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved", "extortion",
           "violent_content"]
URGENT3 = SAFETY6[:3]
DOUBT7 = ["immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved", "extortion",
          "voluntary", "shared_further"]
SPREAD = ("few", "group", "public_online")
WIDE = ("group", "public_online")
STAFF = ("staff_or_volunteer", "staff_elsewhere")
INSIDE = ("staff_or_volunteer", "staff_elsewhere", "family_or_household")
SETTINGS = ["school", "childcare", "sport", "youth_care", "youth_work"]
PRIORITIES = ["routine", "days", "today", "now"]
# Routes, in the contract's order of urgency; the first six may be first actions.
ROUTE_ORDER = ["emergency", "crisis_care", "acute_care", "board_duty", "police", "report_veilig_thuis", "consult",
               "inform_parents", "zvh", "self_help"]
FIRST6 = ROUTE_ORDER[:6]
INTERNAL = {"ib_er", "smw", "zat", "vertrouwenspersoon", "zorgcoordinator", "vertrouwenscontactpersoon",
            "aandachtsfunctionaris"}
# "The internal roles by setting: school: ib_er, zorgcoordinator, vertrouwenspersoon for self_help, and
# zat, ib_er, zorgcoordinator, smw for consult; sport: vertrouwenscontactpersoon for both; childcare,
# youth_care, youth_work: aandachtsfunctionaris for both."
SELF_HELP = {"school": {"ib_er", "zorgcoordinator", "vertrouwenspersoon"}, "sport": {"vertrouwenscontactpersoon"},
             **{s: {"aandachtsfunctionaris"} for s in ("childcare", "youth_care", "youth_work")}}
CONSULT = {"school": {"zat", "ib_er", "zorgcoordinator", "smw"}, "sport": {"vertrouwenscontactpersoon"},
           **{s: {"aandachtsfunctionaris"} for s in ("childcare", "youth_care", "youth_work")}}
# `board_duty` by setting: school and childcare the vertrouwensinspecteur, sport Centrum Veilige Sport,
# youth_care the IGJ, youth_work "no contact fixed".
BOARD = {"school": {"vertrouwensinspecteur"}, "childcare": {"vertrouwensinspecteur"},
         "sport": {"centrum_veilige_sport"}, "youth_care": {"igj"}, "youth_work": set()}


def contract_route_contacts(route: str, setting: str) -> set[str]:
    """The Routes table's "contacts (at least)", by setting."""
    return {"self_help": SELF_HELP[setting], "consult": CONSULT[setting] | {"veilig_thuis"},
            "inform_parents": set(), "police": {"politie"}, "zvh": {"zvh"}, "report_veilig_thuis": {"veilig_thuis"},
            "board_duty": BOARD[setting], "emergency": {"emergency_112"}, "crisis_care": {"zelfmoordpreventie_113"},
            "acute_care": {"centrum_seksueel_geweld"}}[route]


# The question table's options. Choice questions list them safest first; a yes/no question is
# listed "yes, no" there, but for each of them `yes` is the risk, so its risk order is no, yes.
YES_NO = ("immediate_danger", "self_harm_concern", "sexual_violence_recent", "adult_involved", "extortion",
          "violent_content", "online_only_contact", "adult_sent_images", "spread_to_hurt", "still_spreading",
          "exploitation", "capacity_concern", "repeated", "home_risk")
OPTIONS = {
    **{q: ["no", "yes"] for q in YES_NO},
    "other_person": ["peer", "adult_outside", "family_or_household", "staff_or_volunteer", "staff_elsewhere"],
    "made_by": ["self", "other_with_consent", "other_secretly", "generated"],
    "voluntary": ["yes", "light_pressure", "pressure", "reward", "coercion"],
    "recipient_wanted": ["yes", "unclear", "no", "no_repeated"],
    "shared_further": ["no", "few", "group", "public_online"],
    "power_difference": ["none", "slight", "clear", "large"],
    "context_ok": ["yes", "somewhat", "no"],
    "impact": ["none", "mild", "serious", "severe"],
}
AGES = ("age_depicted", "age_other")
# "ages, `other_person`, `adult_sent_images`, `capacity_concern` (which relaxes `repeated`) and the
# answers that decide a role (Roles) have no such order" (step 4). The role-deciding answers keep
# their order here; test_monotonic.py leaves out the changes that move a case to another role.
NO_ORDER = ("other_person", "adult_sent_images", "capacity_concern")
# "ordering each question's options by risk, with `unknown` just above the safest option"
RISK = {q: [o[0], U, *o[1:]] for q, o in OPTIONS.items() if q not in NO_ORDER}
# The plan items the contract fixes by id (the find-out items aside), and the step of those whose
# step it names.
FIXED = ["never_view_images", "listen_and_record", "stop_spreading", "police_before_confronting",
         "ask_images_removed_or_kept", "talk_separately", "no_sanction_for_sender", "not_to_blame",
         "dont_contact_suspect", "extortion_advice", "keep_chat", "consequences_for_spreader", "care_for_young_person",
         "care_for_adult_harmed", "protect_from_suspect", "tell_their_organisation", "generated_images",
         "exploitation_signs", "capacity_support", "parents_safety_check", "parents_unsafe", "parents_today",
         "parents_16_or_younger", "parents_17", "board_now", "aangifte_decision", "referral_under_13", "safe_climate",
         "afwegingskader_1", "afwegingskader_2", "followup"]
FIXED_STEP = {"never_view_images": 1, "listen_and_record": 1, "talk_separately": 3, "no_sanction_for_sender": 3,
              "parents_safety_check": 3, "parents_unsafe": 3, "parents_16_or_younger": 3, "parents_17": 3,
              "afwegingskader_1": 5, "afwegingskader_2": 5, "followup": 5}
FIND = "find_out."
# `first_items`, in the contract's order.
FIRST_ITEMS = ["not_to_blame", "extortion_advice", "keep_chat", "dont_contact_suspect", "police_before_confronting",
               "stop_spreading", "generated_images", "exploitation_signs", "referral_under_13", "capacity_support",
               "parents_unsafe", "parents_safety_check", "parents_today", FIND + "immediate_danger",
               FIND + "self_harm_concern", FIND + "sexual_violence_recent"]
FOLLOWUP_DAYS = {"now": 1, "today": 1, "days": 7, "routine": 14}
# The deliberate deviation of `asked` (see test_asked_deviation_is_named): of first_items, only these
# items' questions are asked before the decision (data/protocol.yaml triage.first_items, before_decision).
BEFORE_DECISION = {"stop_spreading": ["still_spreading"]}
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.filter_too_much])
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.filter_too_much])


def rank(flag: str) -> int:
    return FLAGS.index(flag)


def worst(*flags: str) -> str:
    return max(flags, key=rank)


def is_age(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def lt(v, n: int) -> bool:
    """Known to be under n."""
    return is_age(v) and v < n


def ge(v, n: int) -> bool:
    """Known to be n or over."""
    return is_age(v) and v >= n


def values_of(qid: str) -> list:
    """Every answer a question allows, unknown last."""
    q = QUESTIONS[qid]
    if q.type == "number":
        return [*range(q.min, q.max + 1), U]
    return [*OPTIONS[qid], U]


def full(a: dict) -> dict:
    out = {q: a.get(q, U) for q in QUESTIONS}
    if "setting" in a:
        out["setting"] = a["setting"]
    return out


# =================================================================================================
# The contract, written out independently of the engine
# =================================================================================================


def out_of_scope(a: dict) -> bool:
    """"18 or over is out of scope when age_other is known to be 18 or over"."""
    return ge(a.get("age_depicted", U), 18) and ge(a.get("age_other", U), 18)


def no_abuse_of_actor(a: dict) -> bool:
    """"*No abuse of the young person who acted* means: voluntary is yes, light_pressure or unknown;
    extortion, exploitation, violent_content and sexual_violence_recent are not yes; adult_involved is
    not yes; capacity_concern is not yes; and power_difference is not large.\""""
    g = lambda q: a.get(q, U)  # noqa: E731
    return g("voluntary") in ("yes", "light_pressure", U) and g("power_difference") != "large" and all(
        g(q) != "yes" for q in ("extortion", "exploitation", "violent_content", "sexual_violence_recent",
                                "adult_involved", "capacity_concern"))


def young_actor_a(a: dict) -> bool:
    """(a) age_depicted 18 or over, age_other known and under 18, adult_sent_images no,
    adult_involved no, made_by other_secretly, generated or self; no abuse of the one who acted."""
    g = lambda q: a.get(q, U)  # noqa: E731
    return ge(g("age_depicted"), 18) and lt(g("age_other"), 18) and g("adult_sent_images") == "no" and \
        g("adult_involved") == "no" and g("made_by") in ("other_secretly", "generated", "self") and no_abuse_of_actor(a)


def young_actor_b(a: dict) -> bool:
    """(b) age_depicted under 18 or unknown, made_by self, recipient_wanted no or no_repeated,
    shared_further no, adult_involved no, the receiver staff_or_volunteer or staff_elsewhere not known
    to be under 18; no abuse of the one who acted."""
    g = lambda q: a.get(q, U)  # noqa: E731
    return not ge(g("age_depicted"), 18) and g("made_by") == "self" and g("recipient_wanted") in ("no", "no_repeated") \
        and g("shared_further") == "no" and g("adult_involved") == "no" and g("other_person") in STAFF \
        and not lt(g("age_other"), 18) and no_abuse_of_actor(a)


def effective(a: dict) -> dict:
    """"In (a) other_person and online_only_contact are not asked, and an answer given for them is
    left out" (it counts as unknown)."""
    a = full(a)
    if young_actor_a(a):
        a = {**a, "other_person": U, "online_only_contact": U}
    return a


def young_actor(a: dict) -> bool:
    return young_actor_a(a) or young_actor_b(a)


def unwanted_image(a: dict) -> bool:
    """An unwanted image between young people: age_depicted under 18 or unknown, made_by self,
    recipient_wanted no or no_repeated, shared_further no, the receiver young (other_person peer or
    unknown with age_other not known to be 18 or over, or staff_or_volunteer or staff_elsewhere with
    age_other known to be under 18), and no abuse of the young person who acted."""
    g = lambda q: a.get(q, U)  # noqa: E731
    o, who = g("age_other"), g("other_person")
    young_receiver = (who in ("peer", U) and not ge(o, 18)) or (who in STAFF and lt(o, 18))
    return not ge(g("age_depicted"), 18) and g("made_by") == "self" and g("recipient_wanted") in ("no", "no_repeated") \
        and g("shared_further") == "no" and young_receiver and no_abuse_of_actor(a)


def adult_in_images(a: dict) -> bool:
    """age_depicted 18 or over, age_other under 18 or unknown, not the young-actor case (a)."""
    return ge(a.get("age_depicted", U), 18) and not ge(a.get("age_other", U), 18) and not young_actor_a(a)


def role(a: dict) -> str:
    if young_actor_a(a):
        return "young actor (a)"
    if young_actor_b(a):
        return "young actor (b)"
    if unwanted_image(a):
        return "unwanted image"
    return "adult in the images" if adult_in_images(a) else "default"


def near_age(a: dict) -> bool:
    """"both ages known, the younger 16 or 17, the older under 23 and at most 5 years apart,
    other_person peer or adult_outside, voluntary and recipient_wanted yes, and shared_further no"."""
    g = lambda q: a.get(q, U)  # noqa: E731
    d, o = g("age_depicted"), g("age_other")
    return is_age(d) and is_age(o) and min(d, o) in (16, 17) and max(d, o) < 23 and abs(d - o) <= 5 and \
        g("other_person") in ("peer", "adult_outside") and g("voluntary") == "yes" and \
        g("recipient_wanted") == "yes" and g("shared_further") == "no"


def adult_other(a: dict) -> bool:
    """"an adult other person (other_person adult_outside, or staff_or_volunteer or staff_elsewhere
    unless age_other is known to be under 18, or age_other 18 or over)"."""
    who, o = a.get("other_person", U), a.get("age_other", U)
    return who == "adult_outside" or (who in STAFF and not lt(o, 18)) or ge(o, 18)


def adult_contact(a: dict) -> bool:
    adult = a.get("adult_involved", U) == "yes" or adult_other(a) or adult_in_images(a)
    return adult and not young_actor(a) and not near_age(a)


def inside_role(a: dict) -> bool:
    """other_person staff_or_volunteer, staff_elsewhere or family_or_household, not as the receiver
    of an unwanted image, not in the young-actor case."""
    return a.get("other_person", U) in INSIDE and not unwanted_image(a) and not young_actor(a)


def abuse_sign(a: dict) -> bool:
    """The abuse signs (outside the young-actor case)."""
    g = lambda q: a.get(q, U)  # noqa: E731
    if young_actor(a):
        return False
    return adult_contact(a) or any(g(q) == "yes" for q in ("extortion", "exploitation", "violent_content",
                                                           "sexual_violence_recent")) \
        or g("voluntary") in ("coercion", "reward") or g("made_by") in ("other_secretly", "generated") or inside_role(a)


def young_ages(a: dict) -> list[int]:
    """The known ages of the young people involved."""
    return [x for x in (a.get("age_depicted", U), a.get("age_other", U)) if lt(x, 18)]


def young_person_age(a: dict):
    """"The young person" of Roles: the one in the images by default; the receiver of an adult's
    images or of an unwanted image (age_other); in (a) age_other, in (b) age_depicted."""
    return a.get("age_other", U) if ge(a.get("age_depicted", U), 18) or unwanted_image(a) else a.get("age_depicted", U)


def age_gap(a: dict) -> list[str]:
    """The age-gap rules (both known; not in the young-actor case)."""
    d, o = a.get("age_depicted", U), a.get("age_other", U)
    if not (is_age(d) and is_age(o)) or young_actor(a):
        return []
    gap = abs(d - o)
    return [r for r, holds in (("yellow", gap >= 2), ("red", gap >= 4 and min(d, o) < 16), ("black", gap > 5))
            if holds]


def contract_criteria(a: dict) -> dict[str, str]:
    g = lambda q: a.get(q, U)  # noqa: E731
    d, o = g("age_depicted"), g("age_other")
    spread = g("shared_further") in SPREAD
    cap = g("capacity_concern") == "yes"

    def rate(mapping: dict, qid: str | None, *extra: str | None) -> str:
        ratings = [r for r in (mapping.get(g(qid)) if qid else None, *extra) if r]
        return worst(*ratings) if ratings else U

    adult_rule = not young_actor(a) and (
        ((adult_other(a) or g("adult_involved") == "yes") and not ge(d, 16)) or (ge(d, 18) and not ge(o, 16)))
    age = o if ge(d, 18) else d
    return {
        "consent": rate({"yes": "green", "unclear": "yellow", "no": "red", "no_repeated": "black"}, "recipient_wanted",
                        "red" if spread else None, "black" if spread and g("spread_to_hurt") == "yes" else None,
                        "black" if g("made_by") in ("other_secretly", "generated") else None),
        "voluntariness": rate({"yes": "green", "light_pressure": "yellow", "pressure": "red", "reward": "red",
                               "coercion": "black"}, "voluntary", "black" if g("extortion") == "yes" else None,
                              "black" if g("exploitation") == "yes" else None),
        "equality": rate({"none": "green", "slight": "yellow", "clear": "red", "large": "black"}, "power_difference",
                         *age_gap(a), "black" if adult_rule else None, "red" if cap else None),
        "age_appropriate": rate({}, None, ("yellow" if age < 12 else "green") if is_age(age) else None,
                                "yellow" if any(x < 12 for x in young_ages(a)) else None, "yellow" if cap else None),
        "context": rate({"yes": "green", "somewhat": "yellow", "no": "red"}, "context_ok",
                        "red" if g("shared_further") in WIDE else None),
        "self_respect": rate({"none": "green", "mild": "yellow", "serious": "red", "severe": "red"}, "impact"),
    }


def repeated_relaxed(a: dict) -> bool:
    """"when every young person involved whose age is known is under 12 (at least one age known), or
    capacity_concern is yes, `repeated` raises nothing"."""
    ages = young_ages(a)
    return (bool(ages) and all(x < 12 for x in ages)) or a.get("capacity_concern") == "yes"


def black_floor(a: dict) -> bool:
    return any(a.get(q) == "yes" for q in ("extortion", "exploitation", "violent_content", "sexual_violence_recent")) \
        or inside_role(a)


def red_floor(a: dict) -> bool:
    return a.get("online_only_contact") == "yes" or adult_contact(a)


def doubt(a: dict) -> bool:
    """Step 4's seven questions; "adult_involved unknown is no doubt when age_other is known to be 18
    or over"."""
    return any(a.get(q, U) == U and not (q == "adult_involved" and ge(a.get("age_other", U), 18)) for q in DOUBT7)


def contract_flag(a: dict, criteria: dict) -> str:
    rated = [v for v in criteria.values() if v != U]
    flag = worst(*rated) if rated else "green"
    if a.get("repeated") == "yes" and not repeated_relaxed(a):
        flag = {"yellow": "red", "red": "black"}.get(flag, flag)
    if black_floor(a):
        flag = "black"
    if red_floor(a):
        flag = worst(flag, "red")
    if a.get("immediate_danger") == "yes" or a.get("self_harm_concern") == "yes":
        flag = worst(flag, "yellow")
    if U in criteria.values() or doubt(a):
        flag = worst(flag, "yellow")
    return flag


def contract_lowest(a: dict) -> str:
    g = lambda q: a.get(q, U)  # noqa: E731
    spread = g("shared_further") in SPREAD
    if black_floor(a) or red_floor(a) or g("voluntary") == "coercion" or g("shared_further") in WIDE or \
            (g("spread_to_hurt") == "yes" and spread) or g("made_by") in ("other_secretly", "generated") or \
            {"red", "black"} & set(age_gap(a)):
        return "red"
    if g("shared_further") == "few" or g("voluntary") in ("pressure", "reward") or \
            g("recipient_wanted") in ("no", "no_repeated") or g("capacity_concern") == "yes" or \
            any(x < 12 for x in young_ages(a)) or young_actor(a):
        return "yellow"
    return "green"


def contract_routes(a: dict, flag: str) -> set[str]:
    g = lambda q: a.get(q, U)  # noqa: E731
    routes = set({"green": ["self_help"], "yellow": ["self_help", "consult", "inform_parents"],
                  "red": ["consult", "inform_parents"], "black": ["consult", "inform_parents", "police", "zvh"]}[flag])
    if flag == "red" and (g("shared_further") in SPREAD or g("voluntary") == "reward" or
                          g("online_only_contact") == "yes" or adult_contact(a)):
        routes.add("police")
    if g("immediate_danger") == "yes":
        routes.add("emergency")
    if g("self_harm_concern") == "yes":
        routes.add("crisis_care")
    if g("sexual_violence_recent") == "yes":
        routes |= {"acute_care", "police"}
    if g("exploitation") == "yes" or young_actor(a):
        routes.add("police")
    if g("other_person") == "family_or_household" or (g("home_risk") == "yes" and flag != "green"):
        routes.add("report_veilig_thuis")
    if g("home_risk") == "yes" or g("capacity_concern") == "yes" or doubt(a):
        routes.add("consult")
    if g("other_person") == "staff_or_volunteer":
        routes |= {"board_duty", "police"}
    if g("home_risk") == "yes" or g("other_person") == "family_or_household":
        routes.discard("inform_parents")
    if flag == "green":
        routes -= {"police", "zvh"}
    return routes


def contract_priority(a: dict, flag: str, routes: set[str]) -> str:
    g = lambda q: a.get(q, U)  # noqa: E731
    if any(g(q) == "yes" for q in URGENT3):
        return "now"
    if adult_contact(a) or any(g(q) == "yes" for q in ("extortion", "exploitation", "violent_content",
                                                       "still_spreading", "capacity_concern", "online_only_contact",
                                                       "home_risk")) \
            or (g("shared_further") in WIDE and g("still_spreading") != "no") \
            or g("voluntary") in ("coercion", "reward") or g("made_by") in ("other_secretly", "generated") \
            or "board_duty" in routes \
            or (g("other_person") in ("staff_elsewhere", "family_or_household") and not young_actor(a)) \
            or any(x < 13 for x in young_ages(a)) or any(g(q) == U for q in URGENT3):
        return "today"
    return "days" if flag != "green" else "routine"


def contract_plan(a: dict, routes: set[str], priority: str) -> set[str]:
    """The fixed plan items (find-out items aside) that the contract puts in this plan."""
    g = lambda q: a.get(q, U)  # noqa: E731
    spread = g("shared_further") in SPREAD
    adult, abuse, inside = adult_contact(a), abuse_sign(a), inside_role(a)
    ya, ya_a, ya_b, uw = young_actor(a), young_actor_a(a), young_actor_b(a), unwanted_image(a)
    police = "police" in routes
    online = g("online_only_contact") == "yes"
    o, who, setting = g("age_other"), g("other_person"), a.get("setting", "school")
    actor_young = who in ("peer", U) or (who in STAFF and lt(o, 18))
    age = young_person_age(a)
    parents_unsafe = g("home_risk") == "yes" or who == "family_or_household"
    when = {
        "never_view_images": True,
        "listen_and_record": True,
        "stop_spreading": spread or g("still_spreading") == "yes",
        "police_before_confronting": police and (
            abuse or (g("spread_to_hurt") == "yes" and spread) or online or
            (ya_a and (g("made_by") in ("other_secretly", "generated") or spread))),
        "ask_images_removed_or_kept": police or spread,
        "talk_separately": spread and actor_young and not adult and not ya,
        "no_sanction_for_sender": g("made_by") == "self" and g("recipient_wanted") == "yes" and
        g("voluntary") in ("yes", U) and not lt(g("age_depicted"), 12) and g("capacity_concern") != "yes" and
        not abuse and not ya and not uw and (not adult_in_images(a) or near_age(a)),
        "not_to_blame": not ya and (abuse or g("voluntary") == "pressure" or spread or uw),
        "dont_contact_suspect": not ya and (adult or inside or any(g(q) == "yes" for q in (
            "extortion", "exploitation", "sexual_violence_recent")) or (uw and online)),
        "extortion_advice": g("extortion") == "yes",
        "keep_chat": not ya and g("extortion") != "yes" and (adult or online),
        "consequences_for_spreader": ya or (uw and not online) or (
            (spread or g("made_by") in ("other_secretly", "generated")) and actor_young and not adult),
        "care_for_young_person": g("impact") in ("serious", "severe") or g("self_harm_concern") == "yes" or
        (not ya and abuse) or ya_b or (uw and online),
        "care_for_adult_harmed": ya,
        "protect_from_suspect": not ya and (any(g(q) == "yes" for q in (
            "sexual_violence_recent", "violent_content", "exploitation")) or inside or (adult and not online)),
        # "other_person is staff_elsewhere, not the young-actor case"; Roles: the young staff member who
        # received an unwanted image gets "none of the suspect items".
        "tell_their_organisation": who == "staff_elsewhere" and not ya and not uw,
        "generated_images": g("made_by") == "generated",
        "exploitation_signs": g("exploitation") == "yes",
        "capacity_support": g("capacity_concern") == "yes",
        "parents_safety_check": "inform_parents" in routes and g("home_risk") == U,
        "parents_unsafe": parents_unsafe,
        "parents_today": "inform_parents" in routes and not parents_unsafe and priority in ("now", "today") and
        (not ge(age, 16) or g("self_harm_concern") == "yes"),
        "parents_16_or_younger": setting == "school" and "inform_parents" in routes and not ge(age, 17),
        "parents_17": setting == "school" and "inform_parents" in routes and age == 17,
        "board_now": "board_duty" in routes,
        "aangifte_decision": police and not ya and not (
            who == "staff_or_volunteer" and setting in ("school", "childcare") and not uw),
        "referral_under_13": any(x < 13 for x in young_ages(a)),
        "safe_climate": g("shared_further") in WIDE,
        "afwegingskader_1": True,
        "afwegingskader_2": True,
        "followup": True,
    }
    assert list(when) == FIXED
    return {i for i, holds in when.items() if holds}


def contract_first_items(a: dict, priority: str, plan: set[str]) -> list[str]:
    """"in this order, as far as the plan holds them; it is empty when priority is days or routine"."""
    if priority not in ("now", "today"):
        return []
    g = lambda q: a.get(q, U)  # noqa: E731
    only = {"not_to_blame": g("self_harm_concern") == "yes" or abuse_sign(a) or (
        unwanted_image(a) and g("online_only_contact") == "yes"),
            "stop_spreading": g("still_spreading") == "yes" or (g("still_spreading") == U and
                                                                g("shared_further") in WIDE)}
    return [i for i in FIRST_ITEMS if i in plan and only.get(i, True)]


def contract_core(answers: dict, confirmed: str | None = None) -> dict:
    """The decision without the find-out items: what the find-out, `asked` and `refine` rules weigh."""
    a = effective(answers)
    setting = a.get("setting", "school")
    criteria = contract_criteria(a)
    lowest = contract_lowest(a)
    # A gap in the contract: steps 1-4 can propose a flag below the lowest allowed (the young-actor
    # case (a) with nothing else wrong: green, lowest yellow), which "--answers" could neither confirm
    # nor refuse. Read as: the proposal is at least the lowest allowed flag
    # (test_a_proposal_below_the_lowest_allowed_is_no_crash).
    flag = worst(contract_flag(a, criteria), lowest)
    conf = confirmed or flag
    routes = contract_routes(a, conf)
    # "a case whose lowest allowed flag is above green keeps `police` when the proposal had it"
    if lowest != "green" and "police" in contract_routes(a, flag):
        routes.add("police")
    priority = contract_priority(a, conf, routes)
    ordered = [r for r in ROUTE_ORDER if r in routes]
    first = [r for r in FIRST6 if r in routes] if priority in ("now", "today") else []
    first = first or [r for r in ("consult", "self_help") if r in routes][:1]
    plan = contract_plan(a, routes, priority)
    return {"answers": a, "setting": setting, "criteria": criteria, "flag": flag, "confirmed": conf,
            "lowest": lowest, "urgent": any(a.get(q) == "yes" for q in URGENT3), "priority": priority,
            "followup_days": FOLLOWUP_DAYS[priority], "routes": ordered, "first": first,
            "extra_contacts": contract_extra_contacts(a, plan),
            "contacts": set().union(*(contract_route_contacts(r, setting) for r in routes),
                                    contract_extra_contacts(a, plan)),
            "plan": plan}


def contract_extra_contacts(a: dict, plan: set[str]) -> set[str]:
    """Beyond the routes' contacts."""
    g = lambda q: a.get(q, U)  # noqa: E731
    out = set()
    if g("shared_further") in SPREAD or g("extortion") == "yes" or g("online_only_contact") == "yes" or \
            (g("made_by") == "generated" and not ge(g("age_depicted"), 18)):
        out.add("helpwanted")
    if g("exploitation") == "yes":
        out |= {"fier", "comensha"}
    if "care_for_young_person" in plan:
        out |= {"kindertelefoon", "slachtofferhulp"}
    if young_actor(a):
        out.add("slachtofferhulp")
    return out


def alternatives(a: dict, qid: str):
    """`a` with each answer to qid (unknown aside), out-of-scope answers left out."""
    for v in values_of(qid)[:-1]:
        alt = {**a, qid: v}
        if not out_of_scope(alt):
            yield alt


def matters(outcome, a: dict, qid: str) -> bool:
    """Could some answer to qid change `outcome` compared with qid left unknown?"""
    base = outcome({**a, qid: U})
    return any(outcome(alt) != base for alt in alternatives(a, qid))


def find_out_outcome(a: dict) -> tuple:
    c = contract_core(a)
    return c["flag"], tuple(c["routes"]), c["priority"], frozenset(c["contacts"]), frozenset(c["plan"])


def contract_find_out(a: dict) -> set[str]:
    """find_out.<q> for each unknown q of which some answer could change the flag, the routes, the
    priority, the contacts or a plan item other than the find-out items (the others as they are)."""
    a = full(a)
    unknown = {q for q, v in effective(a).items() if v == U}
    return {FIND + q for q in unknown if matters(find_out_outcome, a, q)}


def contract_decision(answers: dict, confirmed: str | None = None) -> dict:
    a = full(answers)
    c = contract_core(a, confirmed)
    c["find_out"] = contract_find_out(a)
    c["unknown"] = [q for q in QUESTIONS if c["answers"][q] == U]
    c["first_items"] = contract_first_items(c["answers"], c["priority"], c["plan"] | c["find_out"])
    return c


def asked_signature(a: dict):
    """What `asked` weighs: the flag, the routes, `urgent` and `priority` (or: out of scope)."""
    if out_of_scope(a):
        return "out of scope"
    c = contract_core(a)
    return c["flag"], tuple(c["routes"]), c["urgent"], c["priority"]


def before_decision_signature(a: dict):
    """The deviation: of first_items, only the items of BEFORE_DECISION are weighed before the decision."""
    if out_of_scope(a):
        return "out of scope"
    c = contract_core(a)
    items = contract_first_items(c["answers"], c["priority"], c["plan"])
    return tuple(i for i in items if i in BEFORE_DECISION)


def refine_outcome(a: dict):
    """What `refine` weighs: the plan, the contacts and (the deviation: what `asked` left for after the
    confirmation) first_items, the proposal taken as the confirmed flag."""
    c = contract_core(a)
    return frozenset(c["plan"]), frozenset(c["contacts"]), tuple(
        contract_first_items(c["answers"], c["priority"], c["plan"]))


def contract_refine(answers: dict, asked: list[str]) -> list[str]:
    """The open questions (not asked, not answered in the file) of which some answer could change
    the plan or the contacts, the other open questions counted as unknown."""
    a = full(answers)
    return [q for q in QUESTIONS if q not in asked and q not in answers and matters(refine_outcome, a, q)]


# =================================================================================================
# Strategies: from the protocol's own questions
# =================================================================================================

MISSING = object()


def value_strategy(qid: str):
    q = QUESTIONS[qid]
    if q.type == "number":  # most often near the ages where the rules change
        return st.one_of(st.integers(10, 24), st.integers(q.min, q.max), st.just(U))
    return st.sampled_from(values_of(qid))


random_answers = st.fixed_dictionaries(
    {qid: st.one_of(st.just(MISSING), value_strategy(qid)) for qid in QUESTIONS},
    optional={"setting": st.sampled_from(SETTINGS)},
).map(lambda d: {k: v for k, v in d.items() if v is not MISSING})
near_clear = st.tuples(
    st.dictionaries(st.sampled_from(sorted(QUESTIONS)), st.none(), max_size=4).flatmap(
        lambda keys: st.fixed_dictionaries({k: value_strategy(k) for k in keys})),
    st.one_of(st.just({}), st.sampled_from(SETTINGS).map(lambda s: {"setting": s})),
).map(lambda t: {**CLEAR, **t[0], **t[1]})
# the roles: an adult in the images and the young-actor cases, near their lines
role_answers = st.tuples(
    st.sampled_from([
        {"age_depicted": 35, "age_other": 15, "adult_sent_images": "no", "made_by": "other_secretly",
         "shared_further": "group", "other_person": U, "online_only_contact": U},
        {"age_depicted": 30, "age_other": 14, "adult_sent_images": "no", "made_by": "generated"},
        {"age_depicted": 25, "age_other": 16, "adult_sent_images": "yes"},
        {"age_depicted": 16, "age_other": 30, "recipient_wanted": "no", "other_person": "staff_or_volunteer"},
        {"age_depicted": 15, "age_other": U, "recipient_wanted": "no_repeated", "other_person": "staff_elsewhere"},
        {"age_depicted": 14, "age_other": 17, "recipient_wanted": "no", "other_person": "staff_or_volunteer"},
        {"age_depicted": 14, "age_other": 14, "recipient_wanted": "no", "online_only_contact": "yes"},
        {"age_depicted": 17, "age_other": 21, "other_person": "adult_outside"},
        {"age_depicted": 21, "age_other": 17, "other_person": "adult_outside"},
    ]),
    st.dictionaries(st.sampled_from(sorted(QUESTIONS)), st.none(), max_size=3).flatmap(
        lambda keys: st.fixed_dictionaries({k: value_strategy(k) for k in keys})),
    st.one_of(st.just({}), st.sampled_from(SETTINGS).map(lambda s: {"setting": s})),
).map(lambda t: {**CLEAR, **t[0], **t[1], **t[2]})
answers_st = st.one_of(random_answers, near_clear, role_answers).filter(lambda a: not out_of_scope(a))


def decide(answers: dict, confirmed: Confirmation | None = None, **kw):
    """A decision without working out `asked` (the slow part), for tests that do not read it."""
    return ENGINE.decide(answers, confirmed, today=TODAY, **{"asked": [], **kw})


def plan_ids(d) -> list[str]:
    return [i.id for s in d.plan for i in s.items]


def engine_outcome(d) -> tuple:
    """An engine decision as the find-out rule weighs it, the project's own plan items included."""
    return d.flag, tuple(d.routes), d.priority, frozenset(d.contacts), frozenset(
        i for i in plan_ids(d) if not i.startswith(FIND))


def engine_matters(outcome, answers: dict, qid: str) -> bool:
    base = outcome(decide({**answers, qid: U}))
    return any(outcome(decide(alt)) != base for alt in alternatives(full(answers), qid))


# Cases the brief and the issues name, each against the whole reference.
NEAR_AGE = [{**CLEAR, "age_depicted": d, "age_other": o, "adult_involved": adult, "other_person": who}
            for d, o in ((17, 18), (16, 21), (17, 22), (17, 23), (16, 22), (15, 18), (17, 12), (18, 17), (21, 16),
                         (22, 17))
            for adult, who in (("yes", "peer"), (U, "peer"), ("no", "adult_outside"), ("no", "staff_elsewhere"))]
TRICKY = [
    *NEAR_AGE,
    {**CLEAR, "age_depicted": 19, "age_other": 15},  # an adult's own image to a young person
    {**CLEAR, "age_depicted": 18, "age_other": 17},
    {**CLEAR, "age_depicted": 18, "age_other": U},  # in scope now: adult contact
    {**CLEAR, "age_depicted": 25, "age_other": 16, "other_person": "adult_outside", "adult_sent_images": "yes"},
    {**CLEAR, "home_risk": "yes"},  # green, and a signal at home
    {**CLEAR, "home_risk": U},
    {**CLEAR, "context_ok": "somewhat", "home_risk": U},
    {**CLEAR, "context_ok": "somewhat", "home_risk": "yes"},
    {**CLEAR, "other_person": "family_or_household", "home_risk": U},
    {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "yes",
     "other_person": "staff_or_volunteer", "age_depicted": 16, "age_other": 34, "home_risk": "no"},
    {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "yes", "adult_involved": "no",
     "extortion": "no", "violent_content": "yes", "made_by": "other_secretly", "shared_further": "group",
     "other_person": "peer", "age_depicted": 15, "age_other": 16},  # a rape video
    {**CLEAR, "shared_further": "group", "spread_to_hurt": "yes"},
    {**CLEAR, "age_depicted": 12, "age_other": 12},
    {**CLEAR, "age_depicted": 11, "age_other": 13, "immediate_danger": U},
    {**CLEAR, "age_depicted": 10, "age_other": 11, "context_ok": "somewhat", "repeated": "yes"},  # relaxed
    {**CLEAR, "context_ok": "somewhat", "repeated": "yes", "capacity_concern": "yes"},  # relaxed
    {**CLEAR, "capacity_concern": "yes"},
    {**CLEAR, "exploitation": "yes"},
    {**CLEAR, "made_by": "generated", "shared_further": "group", "still_spreading": U},
    # the young-actor case (a): a pupil filmed a teacher; a deepfake of a teacher; and where it fails
    {**CLEAR, "age_depicted": 35, "age_other": 15, "adult_sent_images": "no", "made_by": "other_secretly",
     "shared_further": "group", "other_person": "staff_or_volunteer"},
    {**CLEAR, "age_depicted": 40, "age_other": 13, "adult_sent_images": "no", "made_by": "generated"},
    {**CLEAR, "age_depicted": 35, "age_other": 15, "adult_sent_images": U, "made_by": "other_secretly"},
    {**CLEAR, "age_depicted": 35, "age_other": 15, "adult_sent_images": "no", "made_by": "other_secretly",
     "voluntary": "pressure"},
    # the young-actor case (b), and the unwanted image between young people
    {**CLEAR, "age_depicted": 15, "age_other": 30, "recipient_wanted": "no", "other_person": "staff_or_volunteer"},
    {**CLEAR, "age_depicted": 15, "age_other": U, "recipient_wanted": "no", "other_person": "staff_elsewhere",
     "setting": "sport"},
    {**CLEAR, "age_depicted": 15, "age_other": 17, "recipient_wanted": "no", "other_person": "staff_or_volunteer"},
    {**CLEAR, "age_depicted": 15, "age_other": 17, "recipient_wanted": "no", "other_person": "staff_elsewhere"},
    {**CLEAR, "age_depicted": 14, "age_other": 14, "recipient_wanted": "no", "online_only_contact": "yes"},
    {**CLEAR, "age_depicted": 14, "age_other": 14, "recipient_wanted": "no", "capacity_concern": "yes"},
    *[{**CLEAR, "other_person": "staff_or_volunteer", "age_other": 30, "setting": s} for s in SETTINGS],
    {},
    {"setting": "youth_work"},
]


def check_decision(answers: dict, confirmed: str | None = None) -> None:
    """The engine's decision against the reference, key by key (for the confirmed flag when given)."""
    conf = Confirmation(confirmed, "reden", "IB-er") if confirmed else None
    d = decide(answers, conf)
    ref = contract_decision(answers, confirmed)
    ids = plan_ids(d)
    why = (f"\nrole: {role(ref['answers'])}\nengine:   {d.flag}/{d.confirmed.flag} {d.assessment.criteria} "
           f"lowest {d.lowest} {d.priority} {d.routes} {d.first} {d.first_items} {sorted(ids)}\ncontract: "
           f"{ref['flag']}/{ref['confirmed']} {ref['criteria']} lowest {ref['lowest']} {ref['priority']} "
           f"{ref['routes']} {ref['first']} {ref['first_items']} {sorted(ref['plan'] | ref['find_out'])}")
    assert d.assessment.criteria == ref["criteria"], why
    assert d.flag == ref["flag"], why
    assert d.confirmed.flag == ref["confirmed"], why
    assert d.assessment.urgent is ref["urgent"], why
    assert d.lowest == ref["lowest"], why
    assert d.priority == ref["priority"], why
    assert d.followup_days == ref["followup_days"], why
    assert d.setting == ref["setting"], why
    assert d.routes == ref["routes"], why
    assert d.first == ref["first"], why
    # "The decision's contacts is the union of its routes' contacts, plus ..."; each route has at
    # least the contacts the Routes section names for the setting.
    assert len(d.contacts) == len(set(d.contacts)), why
    for r in d.routes:
        assert contract_route_contacts(r, ref["setting"]) <= set(d.route_words[r].contacts), (r, why)
    assert set(d.contacts) == set().union(*(d.route_words[r].contacts for r in d.routes), ref["extra_contacts"]), \
        f"contacts {sorted(d.contacts)}, want {sorted(ref['contacts'])}" + why
    assert d.unknown == ref["unknown"], why
    assert len(ids) == len(set(ids)), f"a plan item twice: {ids}"
    assert set(ids) & set(FIXED) == ref["plan"], (
        f"lacks {sorted(ref['plan'] - set(ids))}, must not hold {sorted(set(ids) & set(FIXED) - ref['plan'])}" + why)
    assert [s.step for s in d.plan] == [1, 2, 3, 4, 5]
    for s in d.plan:
        for i in s.items:
            if i.id in FIXED_STEP or i.id.startswith(FIND):
                assert s.step == FIXED_STEP.get(i.id, 1), f"{i.id} in step {s.step}"
    if confirmed is None:
        found = {i for i in ids if i.startswith(FIND)}
        assert ref["find_out"] <= found, f"no find-out item for {sorted(ref['find_out'] - found)}"
        # a find-out item beyond the reference must be for a question of which some answer changes
        # the project's own plan items
        for item in sorted(found - ref["find_out"]):
            qid = item[len(FIND):]
            assert d.answers[qid] == U and engine_matters(engine_outcome, answers, qid), \
                f"{item}: no answer to {qid} could change the decision"
        assert d.first_items == ref["first_items"], why
    else:
        want = contract_first_items(ref["answers"], ref["priority"], ref["plan"] | set(ids))
        assert d.first_items == want, why


# Worked examples and the scenario library, through the command (as check-scenarios runs them)
# =================================================================================================

KEYS = JSON_KEYS + ["priority", "first", "lowest_flag_allowed", "refine"]


def scenario_run(tmp_path, answers: dict, name: str = "answers.yaml"):
    path = write_file(tmp_path, name, answers)
    return run_cli("triage", "--answers", path, "--json")


def scenario_misses(out: dict, e: dict) -> list[str]:
    """What a --json object lacks against a scenario's `expect`, every key check-scenarios reads."""
    misses = expect_misses(out, e)
    for key in ("priority", "first", "lowest_flag_allowed"):
        if key in e and out.get(key) != e[key]:
            misses.append(f"{key} {out.get(key)!r}, want {e[key]!r}")
    if "routes_order" in e:
        seen = [r for r in out.get("routes") or [] if r in e["routes_order"]]
        if seen != e["routes_order"]:
            misses.append(f"routes {out.get('routes')}, want {e['routes_order']} in this order")
    ids = {i["id"] for s in out.get("plan") or [] for i in s["items"]}
    misses += [f"plan lacks {x}" for x in e.get("plan_include", []) if x not in ids]
    misses += [f"plan must not hold {x}" for x in e.get("plan_exclude", []) if x in ids]
    for key, field in (("refine_include", "refine"), ("asked_include", "asked")):
        misses += [f"{field} lacks {x}" for x in e.get(key, []) if x not in (out.get(field) or [])]
    return misses


def check_scenario(tmp_path, s: dict) -> list[str]:
    e = s["expect"]
    r = scenario_run(tmp_path, s["answers"])
    if "exit" in e:
        misses = [] if r.code == e["exit"] else [f"exit {r.code}, want {e['exit']}"]
        if e.get("message_contains") and e["message_contains"] not in r.out + r.err:
            misses.append(f"message lacks {e['message_contains']!r}: {r.err!r}")
        if "Traceback" in r.out + r.err:
            misses.append("traceback")
        return misses
    assert r.code == 0, r.err
    out = r.json()
    misses = [f"lacks key {k}" for k in KEYS if k not in out]
    if set(out.get("criteria", {})) != set(CRITERIA):
        misses.append(f"criteria {sorted(out.get('criteria', {}))}")
    misses += scenario_misses(out, e)
    back = scenario_run(tmp_path, out, "back.json")
    if back.code != 0:
        misses.append(f"its own --json output is refused: {back.err}")
    else:
        again = back.json()
        keys = ("flag", "confirmed_flag", "routes", "priority", "first", "contacts", "plan")
        if [again[k] for k in keys] != [out[k] for k in keys]:
            misses.append("given back, its --json output leads to another decision")
    return misses


EXAMPLE_LIST = load_examples()
CASES = load_cases()


def normalised(answers: dict) -> dict:
    out = {k: normalise(QUESTIONS[k], v) for k, v in answers.items() if k in QUESTIONS}
    if "setting" in answers:
        out["setting"] = str(answers["setting"]).lower()
    return out


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
@pytest.mark.parametrize("scenario", EXAMPLE_LIST, ids=[s["id"] for s in EXAMPLE_LIST])
def test_worked_example(tmp_path, scenario):
    assert check_scenario(tmp_path, scenario) == []


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
@pytest.mark.parametrize("scenario", EXAMPLE_LIST, ids=[s["id"] for s in EXAMPLE_LIST])
def test_worked_example_holds_for_the_reference(scenario):
    """The examples hold for the reference too: it is a faithful reading of the contract."""
    ref = contract_decision(normalised(scenario["answers"]))
    out = {"flag": ref["flag"], "confirmed_flag": ref["confirmed"], "urgent": ref["urgent"],
           "priority": ref["priority"], "first": ref["first"], "lowest_flag_allowed": ref["lowest"],
           "routes": ref["routes"], "contacts": sorted(ref["contacts"]), "unknown": ref["unknown"],
           "plan": [{"step": 0, "items": [{"id": i} for i in sorted(ref["plan"] | ref["find_out"])]}]}
    e = {k: v for k, v in scenario["expect"].items() if k not in ("max_asked", "refine_include", "asked_include")}
    assert scenario_misses(out, e) == []


@pytest.mark.skipif(not EXAMPLES.exists(), reason="../shared/scenarios/examples.yaml is not there")
@pytest.mark.parametrize("scenario", EXAMPLE_LIST, ids=[s["id"] for s in EXAMPLE_LIST])
def test_worked_example_agrees_with_the_reference_key_by_key(scenario):
    check_decision(normalised(scenario["answers"]))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_scenario_library_case(tmp_path, case):
    assert check_scenario(tmp_path, case) == []


@pytest.mark.parametrize("case", [c for c in CASES if "exit" not in c["expect"]],
                         ids=[c["id"] for c in CASES if "exit" not in c["expect"]])
def test_scenario_library_case_agrees_with_the_reference(case):
    a = normalised(case["answers"])
    confirmed = case["answers"].get("confirmed_flag")
    check_decision(a, confirmed)


# --- the library itself ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def library_answers() -> dict:
    return {c["id"]: full(normalised(c["answers"])) for c in CASES if "exit" not in c["expect"]}


def test_library_has_at_least_25_cases_with_stories_in_both_languages():
    assert len(CASES) >= 25
    assert len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert set(c) >= {"id", "story", "answers", "expect"}, c.get("id")
        assert c["story"]["nl"].strip() and c["story"]["en"].strip(), c["id"]


def test_library_covers_every_flag_and_route():
    flags = {c["expect"].get("flag") for c in CASES} | {c["expect"].get("confirmed_flag") for c in CASES}
    assert set(FLAGS) <= flags
    expected = set().union(*(c["expect"].get("routes_include", []) for c in CASES))
    assert set(ROUTE_ORDER) <= expected


LIBRARY_COVERS = {
    "black floor": black_floor, "online_only_contact": lambda a: a["online_only_contact"] == "yes",
    "adult contact": adult_contact, "near-age peers": lambda a: near_age(a) and a["age_other"] >= 18,
    "urgent": lambda a: any(a[q] == "yes" for q in URGENT3), "doubt": doubt,
    "criterion unknown": lambda a: U in contract_criteria(a).values(),
    "repeated": lambda a: a["repeated"] == "yes", "home_risk yes": lambda a: a["home_risk"] == "yes",
    "home_risk unknown": lambda a: a["home_risk"] == U, "lowest yellow": lambda a: contract_lowest(a) == "yellow",
    "priority today": lambda a: contract_core(a)["priority"] == "today",
}


@pytest.mark.parametrize("rule", sorted(LIBRARY_COVERS))
def test_library_covers_every_floor_and_the_unknown_rule(rule):
    assert [cid for cid, a in library_answers().items() if LIBRARY_COVERS[rule](a)], \
        f"no case in data/cases.yaml where {rule} applies"


def test_library_covers_refusals():
    assert any(c["expect"].get("exit") == 2 for c in CASES)


# =================================================================================================
# The engine agrees with the contract reference
# =================================================================================================


@FAST
@given(answers_st)
@example({})
@example(CLEAR)
def test_every_decision_agrees_with_the_contract(answers):
    check_decision(answers)


@pytest.mark.parametrize("answers", TRICKY, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items()
                                                                   if CLEAR.get(k) != v) or "clear")
def test_a_tricky_case_agrees_with_the_contract(answers):
    check_decision(answers)


@FAST
@given(answers_st, st.sampled_from(FLAGS))
@example({**CLEAR, "shared_further": "group", "spread_to_hurt": "yes"}, "yellow")  # black, police kept
@example({**CLEAR, "shared_further": "group", "spread_to_hurt": "yes"}, "red")
@example({**CLEAR, "adult_involved": "yes", "age_depicted": 14, "age_other": 23}, "red")
@example({**CLEAR, "recipient_wanted": "no"}, "green")  # lowest green: nothing kept
@example({**CLEAR, "voluntary": "reward"}, "yellow")
@example({**CLEAR, "context_ok": "somewhat", "home_risk": "yes"}, "green")
def test_the_confirmed_flag_decides_and_the_limits_hold(answers, confirmed):
    a = ENGINE.assess(answers)
    ref = contract_decision(answers)
    c = Confirmation(confirmed, "reden", "IB-er")
    if rank(confirmed) < rank(ref["lowest"]):
        assert ENGINE.confirm_problem(a, c), f"{confirmed} below the lowest allowed {ref['lowest']} was accepted"
        with pytest.raises(ValueError):
            decide(answers, c)
        return
    assert ENGINE.confirm_problem(a, c) is None
    check_decision(answers, confirmed)


def test_a_lowered_black_keeps_police():
    """Issue 8: a minor's nude shown to a few after saying no, lowered: police advice stays. (Version
    3: spreading to a group, or to hurt, is no longer lowered below red.)"""
    a = {**CLEAR, "shared_further": "few", "recipient_wanted": "no_repeated"}
    assert decide(a).flag == "black" and decide(a).lowest == "yellow"
    for low in ("red", "yellow"):
        d = decide(a, Confirmation(low, "reden", "zorgcoördinator"))
        assert "police" in d.routes and "ask_images_removed_or_kept" in plan_ids(d), low
    with pytest.raises(ValueError):
        decide(a, Confirmation("green", "reden", "zorgcoördinator"))


# --- asked and refine ----------------------------------------------------------------------------


def check_safety_first(asked: list[str]) -> None:
    """"Safety first (asked before anything else, except that age_depicted and other_person may
    follow adult_involved at once)"."""
    # age_depicted and other_person stand in adult_involved's place, also when adult_involved itself
    # is skipped (it can no longer change anything): after the first four, before the other two
    first4 = SAFETY6[:4]
    rest = list(asked)
    for x in ("age_depicted", "other_person"):
        if x in rest:
            i = rest.index(x)
            assert not [s for s in rest[i + 1:] if s in first4], f"{x} is asked before {first4}: {asked}"
            del rest[i]
    for i, x in enumerate(rest):
        late = [s for s in rest[i + 1:] if s in SAFETY6]
        assert x in SAFETY6 or not late, f"{x} is asked before the safety question(s) {late}: {asked}"


def check_asked(answers: dict, asked: list[str]) -> None:
    """The skip rule, with the named deviation (test_asked_deviation_is_named): a question is skipped
    only when no answer to it, with the questions still open as unknown, could change the flag, the
    routes, urgent or priority, nor, for a question of BEFORE_DECISION, whether its item stands among
    first_items."""
    assert len(asked) == len(set(asked)) and set(asked) <= set(QUESTIONS), asked
    assert "age_depicted" in asked, "the session always asks age_depicted"
    known = {q: answers.get(q, U) for q in asked}
    if "setting" in answers:
        known["setting"] = answers["setting"]
    base = asked_signature(full(known))
    first_base = before_decision_signature(full(known))
    first_qs = {q for qs in BEFORE_DECISION.values() for q in qs}
    for q in QUESTIONS:
        if q not in asked:
            for v in values_of(q):
                alt = full({**known, q: v})
                assert asked_signature(alt) == base, \
                    f"{q} is not asked, but {q}={v} would change the decision (asked {asked})"
                if q in first_qs:
                    assert before_decision_signature(alt) == first_base, \
                        f"{q} is not asked, but {q}={v} would change first_items (asked {asked})"


def test_asked_deviation_is_named():
    """The one deliberate deviation from the contract. The contract's `asked`: "A question is skipped
    only when no answer to it, with the questions still open counted as unknown, could change the
    flag, the routes, `urgent`, `priority` or `first_items` (find-out items aside)". The worked
    example adult-asks-for-images demands `max_asked: 8`, which that literal rule cannot meet (it
    would ask some 14 questions, for the items of first_items). So before the decision the engine
    weighs, of first_items, only the items whose questions data/protocol.yaml lists under
    triage.first_items `before_decision` (still_spreading, for stop_spreading); the other questions
    that change only first_items are asked right after the confirmation (`refine`), which updates it.
    check_asked and refine_outcome read `asked` and `refine` that way."""
    listed = {f.id: list(f.before_decision) for f in PROTOCOL.triage.first_items.items if f.before_decision}
    assert listed == BEFORE_DECISION
    a = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "yes",
         "other_person": "adult_outside", "online_only_contact": "yes", "age_depicted": 14, "age_other": 23,
         "home_risk": "no"}
    d = ENGINE.decide(a, today=TODAY)
    assert 0 < len(d.asked) <= 8
    check_asked(a, d.asked)
    # the literal rule would ask more: some question left out changes first_items
    known = full({q: a.get(q, U) for q in d.asked})
    base = contract_decision(known)["first_items"]
    assert any(contract_decision({**known, q: v})["first_items"] != base
               for q in QUESTIONS if q not in d.asked for v in values_of(q)[:-1] if not out_of_scope({**known, q: v}))


@SLOW
@given(answers_st)
@example({})
@example(CLEAR)
@example({**CLEAR, "home_risk": "yes"})
@example({**CLEAR, "age_depicted": 17, "age_other": 18, "adult_involved": "yes"})
@example({**CLEAR, "other_person": "family_or_household"})
@example({"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "yes",
          "other_person": "family_or_household"})
def test_asked_and_refine_follow_the_contract(answers):
    d = ENGINE.decide(answers, today=TODAY)
    note(f"asked {d.asked}, refine {d.refine}")
    check_asked(answers, d.asked)
    if young_actor_a(full(answers)):  # "In (a) other_person and online_only_contact are not asked"
        assert not {"other_person", "online_only_contact"} & set(d.refine)
    ref = contract_refine(answers, d.asked)
    note(f"contract refine {ref}")
    assert set(d.refine) <= set(QUESTIONS) - set(d.asked) - set(answers), "refine holds an asked or answered question"
    assert set(ref) <= set(d.refine), f"refine lacks {sorted(set(ref) - set(d.refine))}"
    assert d.refine == [q for q in QUESTIONS if q in d.refine], "refine is not in the order of the questions"
    for q in set(d.refine) - set(ref):  # the project's own plan items may need more
        assert engine_matters(lambda x: (frozenset(plan_ids(x)) - {i for i in plan_ids(x) if i.startswith(FIND)},
                                         frozenset(x.contacts)), {**answers}, q), \
            f"{q} is in refine, but no answer to it could change the plan or the contacts"


@pytest.mark.parametrize("age_other", [0, 15, 16, 17, U])
def test_an_adult_in_the_images_still_asks_safety_first(age_other):
    """"Safety first (asked before anything else, except that age_depicted and other_person may
    follow adult_involved at once)": age_other, adult_sent_images and made_by, which settle scope and
    the young-actor case (a), are not among those exceptions; extortion and violent_content decide
    the role too ("no abuse of the young person who acted"), so they must come first."""
    a = {**CLEAR, "age_depicted": 19, "age_other": age_other}
    asked = ENGINE.decide(a, today=TODAY).asked
    check_asked(a, asked)
    check_safety_first(asked)


@SLOW
@given(answers_st)
@example({})
@example(CLEAR)
def test_safety_questions_are_asked_first(answers):
    check_safety_first(ENGINE.decide(answers, today=TODAY).asked)


def test_a_fresh_session_asks_the_urgent_questions_first():
    assert ENGINE.decide({}, today=TODAY).asked[:3] == URGENT3


def test_the_adult_example_is_decided_in_at_most_8_questions():
    a = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "yes",
         "other_person": "adult_outside", "online_only_contact": "yes", "age_depicted": 14, "age_other": 23,
         "home_risk": "no"}
    d = ENGINE.decide(a, today=TODAY)
    assert d.flag == "black" and 0 < len(d.asked) <= 8


def test_impact_is_refined_whenever_it_can_add_care():
    """Issue 8: after the confirmation the session asks how the young person is doing."""
    d = ENGINE.decide({k: v for k, v in CLEAR.items() if k != "impact"}, today=TODAY,
                      asked=[q for q in CLEAR if q != "impact"])
    assert "impact" in d.refine


# =================================================================================================
# The contract's rules, one by one (readable failures; the reference above covers combinations)
# =================================================================================================


@pytest.mark.parametrize("change,criterion,rating", [
    ({"recipient_wanted": "unclear"}, "consent", "yellow"),
    ({"recipient_wanted": "no"}, "consent", "red"),
    ({"recipient_wanted": "no_repeated"}, "consent", "black"),
    ({"shared_further": "few"}, "consent", "red"),
    ({"shared_further": "few", "recipient_wanted": U}, "consent", "red"),  # "at least" with an unknown answer
    ({"shared_further": U, "recipient_wanted": U}, "consent", U),
    ({"shared_further": "few", "spread_to_hurt": "yes"}, "consent", "black"),
    ({"shared_further": "no", "spread_to_hurt": "yes"}, "consent", "green"),  # not spread: no black
    ({"made_by": "other_secretly"}, "consent", "black"),
    ({"made_by": "generated"}, "consent", "black"),
    ({"exploitation": "yes"}, "voluntariness", "black"),
    ({"capacity_concern": "yes"}, "equality", "red"),
    ({"capacity_concern": "yes", "power_difference": U}, "equality", "red"),
    ({"capacity_concern": "yes"}, "age_appropriate", "yellow"),
    ({"capacity_concern": "yes", "age_depicted": U}, "age_appropriate", "yellow"),
    ({"age_depicted": U, "age_other": 10}, "age_appropriate", "yellow"),  # any young person under 12
    ({"age_depicted": 14, "age_other": 11}, "age_appropriate", "yellow"),
    ({"age_depicted": 30, "age_other": 11, "adult_sent_images": "yes"}, "age_appropriate", "yellow"),
    ({"age_depicted": 30, "age_other": 14, "adult_sent_images": "yes"}, "age_appropriate", "green"),
    ({"age_depicted": 30, "age_other": U}, "equality", "black"),  # an adult in the images, the young person's age unknown
    # the young-actor case (a): no adult rule, no age-gap rules
    ({"age_depicted": 35, "age_other": 14, "adult_sent_images": "no", "made_by": "other_secretly"}, "equality", "green"),
    ({"age_depicted": 35, "age_other": 14, "adult_sent_images": "no", "made_by": "other_secretly",
      "power_difference": "clear"}, "equality", "red"),
    ({"age_depicted": 35, "age_other": 14, "adult_sent_images": U, "made_by": "other_secretly"}, "equality", "black"),
    ({"voluntary": "light_pressure"}, "voluntariness", "yellow"),
    ({"voluntary": "pressure"}, "voluntariness", "red"),
    ({"voluntary": "reward"}, "voluntariness", "red"),
    ({"voluntary": "coercion"}, "voluntariness", "black"),
    ({"extortion": "yes"}, "voluntariness", "black"),
    ({"power_difference": "slight"}, "equality", "yellow"),
    ({"power_difference": "clear"}, "equality", "red"),
    ({"power_difference": "large"}, "equality", "black"),
    ({"age_depicted": 15, "age_other": 17}, "equality", "yellow"),
    ({"age_depicted": 13, "age_other": 17}, "equality", "red"),
    ({"age_depicted": 16, "age_other": 20}, "equality", "yellow"),  # 4 apart, but the younger is 16
    ({"age_depicted": 11, "age_other": 17}, "equality", "black"),  # more than 5 apart
    ({"age_depicted": 15, "age_other": 19}, "equality", "black"),  # an adult and a child under 16
    ({"age_depicted": 17, "age_other": 18}, "equality", "green"),
    ({"age_depicted": 19, "age_other": 15}, "equality", "black"),  # an adult in the images, a child under 16
    ({"age_depicted": 19, "age_other": 17}, "equality", "yellow"),
    ({"age_depicted": 16, "age_other": 17, "power_difference": U}, "equality", U),
    ({"adult_involved": "yes", "age_depicted": U, "age_other": U}, "equality", "black"),
    ({"other_person": "adult_outside", "age_depicted": 15, "age_other": U}, "equality", "black"),
    ({"age_depicted": 11, "age_other": 11}, "age_appropriate", "yellow"),
    ({"age_depicted": 12, "age_other": 12}, "age_appropriate", "green"),
    ({"age_depicted": U}, "age_appropriate", U),
    ({"context_ok": "somewhat"}, "context", "yellow"),
    ({"context_ok": "no"}, "context", "red"),
    ({"shared_further": "group"}, "context", "red"),
    ({"shared_further": "few"}, "context", "green"),
    ({"impact": "mild"}, "self_respect", "yellow"),
    ({"impact": "serious"}, "self_respect", "red"),
    ({"impact": "severe"}, "self_respect", "red"),
])
def test_criterion_rule(change, criterion, rating):
    assert contract_criteria(effective({**CLEAR, **change}))[criterion] == rating, "the reference"
    assert ENGINE.assess({**CLEAR, **change}).criteria[criterion] == rating


@pytest.mark.parametrize("change,flag,lowest", [
    ({}, "green", "green"),
    ({"context_ok": "somewhat"}, "yellow", "green"),
    ({"context_ok": "somewhat", "repeated": "yes"}, "red", "green"),
    ({"recipient_wanted": "no", "repeated": "yes"}, "black", "yellow"),
    ({"recipient_wanted": "no"}, "red", "yellow"),  # sending an unwanted image of yourself is never healthy
    # repeated relaxed: all young people under 12, or a capacity concern
    ({"context_ok": "somewhat", "repeated": "yes", "age_depicted": 11, "age_other": 10}, "yellow", "yellow"),
    ({"context_ok": "somewhat", "repeated": "yes", "age_depicted": 11, "age_other": U}, "yellow", "yellow"),
    ({"context_ok": "somewhat", "repeated": "yes", "age_depicted": 11, "age_other": 12}, "red", "yellow"),
    ({"repeated": "yes", "capacity_concern": "yes"}, "red", "yellow"),  # equality red, not raised
    ({"exploitation": "yes"}, "black", "red"),
    ({"made_by": "generated"}, "black", "red"),
    ({"shared_further": "group"}, "red", "red"),
    ({"shared_further": "few", "spread_to_hurt": "yes"}, "black", "red"),
    ({"other_person": "staff_elsewhere", "age_other": 25}, "black", "red"),
    ({"age_depicted": 13, "age_other": 17}, "red", "red"),  # the age-gap rule's red
    ({"repeated": "yes"}, "green", "green"),
    ({"extortion": "yes"}, "black", "red"),
    ({"violent_content": "yes"}, "black", "red"),
    ({"sexual_violence_recent": "yes"}, "black", "red"),
    ({"other_person": "family_or_household"}, "black", "red"),
    ({"other_person": "staff_or_volunteer"}, "black", "red"),
    ({"online_only_contact": "yes"}, "red", "red"),
    ({"online_only_contact": "yes", "repeated": "yes"}, "red", "red"),  # the floor comes after the escalation
    ({"immediate_danger": "yes"}, "yellow", "green"),
    ({"self_harm_concern": "yes", "impact": "severe"}, "red", "green"),
    ({"voluntary": "coercion"}, "black", "red"),
    ({"voluntary": "pressure"}, "red", "yellow"),
    ({"made_by": "other_secretly"}, "black", "red"),
    ({"recipient_wanted": "no_repeated"}, "black", "yellow"),
    ({"shared_further": "few"}, "red", "yellow"),
    # adult contact and the near-age peers
    ({"age_depicted": 17, "age_other": 18}, "green", "green"),
    ({"age_depicted": 17, "age_other": 18, "adult_involved": "yes"}, "green", "green"),
    ({"age_depicted": 16, "age_other": 21}, "yellow", "green"),  # 5 years: the age gap's yellow
    ({"age_depicted": 16, "age_other": 22}, "black", "red"),  # 6 years more: adult contact, and more than 5 apart
    ({"age_depicted": 17, "age_other": 22, "other_person": "adult_outside"}, "yellow", "green"),
    ({"age_depicted": 17, "age_other": 23}, "black", "red"),  # 23: adult contact; 6 apart: black
    ({"age_depicted": 17, "age_other": U, "adult_involved": "yes"}, "red", "red"),  # age_other not known
    ({"age_depicted": 15, "age_other": 18}, "black", "red"),
    ({"age_depicted": 18, "age_other": 17}, "green", "green"),  # near-age, symmetric
    ({"age_depicted": 18, "age_other": 17, "adult_sent_images": "yes"}, "green", "green"),
    ({"age_depicted": 23, "age_other": 17}, "black", "red"),
    ({"age_depicted": 18, "age_other": U}, "black", "red"),  # the adult rule: the young person's age unknown
    ({"age_depicted": 18, "age_other": 17, "other_person": "staff_elsewhere"}, "black", "red"),  # never for staff
    # the young-actor cases: lowest yellow
    ({"age_depicted": 35, "age_other": 15, "adult_sent_images": "no", "made_by": "self", "other_person": U,
      "online_only_contact": U}, "yellow", "yellow"),  # the gap: the proposal lifted to the lowest
    ({"age_depicted": 15, "age_other": 30, "recipient_wanted": "no", "other_person": "staff_or_volunteer"}, "red",
     "yellow"),
    ({"age_depicted": 19, "age_other": 15}, "black", "red"),
    ({"immediate_danger": U}, "yellow", "green"),
    ({"voluntary": U}, "yellow", "green"),
    ({"impact": U}, "yellow", "green"),
    *[({q: U}, "green", "green") for q in ("other_person", "online_only_contact", "age_other", "made_by",
                                           "spread_to_hurt", "still_spreading", "repeated", "home_risk",
                                           "exploitation", "capacity_concern", "adult_sent_images")],
])
def test_proposed_flag_and_lowest_allowed(change, flag, lowest):
    ref = contract_decision({**CLEAR, **change})
    assert (ref["flag"], ref["lowest"]) == (flag, lowest), "the reference"
    a = ENGINE.assess({**CLEAR, **change})
    assert (a.flag, a.lowest) == (flag, lowest)


@pytest.mark.parametrize("change,routes", [
    ({}, ["self_help"]),
    ({"context_ok": "somewhat"}, ["consult", "inform_parents", "self_help"]),
    ({"recipient_wanted": "no"}, ["consult", "inform_parents"]),
    ({"shared_further": "few"}, ["police", "consult", "inform_parents"]),
    ({"voluntary": "reward"}, ["police", "consult", "inform_parents"]),
    ({"online_only_contact": "yes"}, ["police", "consult", "inform_parents"]),
    ({"recipient_wanted": "no_repeated"}, ["police", "consult", "inform_parents", "zvh"]),
    ({"immediate_danger": "yes"}, ["emergency", "consult", "inform_parents", "self_help"]),
    ({"self_harm_concern": "yes"}, ["crisis_care", "consult", "inform_parents", "self_help"]),
    ({"sexual_violence_recent": "yes"}, ["acute_care", "police", "consult", "inform_parents", "zvh"]),
    ({"other_person": "family_or_household"}, ["police", "report_veilig_thuis", "consult", "zvh"]),
    ({"other_person": "staff_or_volunteer"}, ["board_duty", "police", "consult", "inform_parents", "zvh"]),
    ({"context_ok": "somewhat", "home_risk": "yes"}, ["report_veilig_thuis", "consult", "self_help"]),
    ({"context_ok": "somewhat", "home_risk": U}, ["consult", "inform_parents", "self_help"]),
    ({"home_risk": "yes"}, ["consult", "self_help"]),  # issue 8: a signal at home, also when green
    ({"extortion": U}, ["consult", "inform_parents", "self_help"]),
    ({"age_depicted": 17, "age_other": 23, "recipient_wanted": "no"}, ["police", "consult", "inform_parents", "zvh"]),
])
def test_routes_in_the_order_of_urgency(change, routes):
    assert decide({**CLEAR, **change}).routes == routes


@pytest.mark.parametrize("change,priority,first", [
    ({}, "routine", ["self_help"]),
    ({"context_ok": "somewhat"}, "days", ["consult"]),
    ({"shared_further": "few"}, "days", ["consult"]),
    ({"shared_further": "few", "still_spreading": "yes"}, "today", ["police"]),
    ({"home_risk": "yes"}, "today", ["consult"]),
    ({"age_depicted": 12, "age_other": 12}, "today", ["self_help"]),
    ({"immediate_danger": U}, "today", ["consult"]),
    ({"adult_involved": U}, "days", ["consult"]),
    ({"made_by": "other_secretly"}, "today", ["police"]),
    ({"self_harm_concern": "yes", "sexual_violence_recent": "yes"}, "now", ["crisis_care", "acute_care", "police"]),
    ({"other_person": "staff_or_volunteer"}, "today", ["board_duty", "police"]),
    ({"other_person": "family_or_household"}, "today", ["police", "report_veilig_thuis"]),
])
def test_priority_and_first_actions(change, priority, first):
    d = decide({**CLEAR, **change})
    assert (d.priority, d.first) == (priority, first)


@pytest.mark.parametrize("change,helpwanted", [
    ({}, False), ({"shared_further": "few"}, True), ({"shared_further": "public_online"}, True),
    ({"extortion": "yes"}, True), ({"online_only_contact": "yes"}, True), ({"still_spreading": "yes"}, False),
])
def test_helpwanted_contact(change, helpwanted):
    assert ("helpwanted" in decide({**CLEAR, **change}).contacts) is helpwanted


@pytest.mark.parametrize("setting", SETTINGS)
def test_routes_have_at_least_the_contracts_contacts(setting):
    """The internal roles and board_duty's contacts by setting (Routes)."""
    assert [r.id for r in PROTOCOL.triage.routes] == ROUTE_ORDER
    for a in ({**CLEAR, "context_ok": "somewhat"}, {**CLEAR, "other_person": "staff_or_volunteer", "age_other": 30},
              {**CLEAR, "immediate_danger": "yes", "self_harm_concern": "yes", "sexual_violence_recent": "yes",
               "other_person": "family_or_household", "home_risk": "yes"}):
        d = decide({**a, "setting": setting})
        assert d.setting == setting
        for r in d.routes:
            have = set(d.route_words[r].contacts)
            assert contract_route_contacts(r, setting) <= have, (r, have)
            assert "helpwanted" not in have and "we_can_young" not in have
            if r in ("self_help", "consult"):
                assert have - {"veilig_thuis"} <= INTERNAL and have, (r, have)
    if setting == "youth_work":
        assert "vertrouwensinspecteur" not in decide({**CLEAR, "other_person": "staff_or_volunteer",
                                                      "age_other": 30, "setting": setting}).contacts


@pytest.mark.parametrize("answers,present,absent", [
    ({"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "yes",
      "other_person": "staff_or_volunteer", "age_depicted": 16, "age_other": 34, "home_risk": "no"},
     ["board_now", "dont_contact_suspect", "protect_from_suspect", "police_before_confronting"],
     ["aangifte_decision", "no_sanction_for_sender"]),
    ({**CLEAR, "age_depicted": 14, "age_other": 23, "adult_involved": "yes", "other_person": "adult_outside"},
     ["not_to_blame", "dont_contact_suspect", "care_for_young_person", "aangifte_decision"],
     ["no_sanction_for_sender", "talk_separately", "consequences_for_spreader"]),
    ({**CLEAR, "home_risk": "yes"}, ["parents_unsafe"], ["parents_safety_check", "parents_16_or_younger"]),
    ({**CLEAR, "context_ok": "somewhat", "home_risk": U}, ["parents_safety_check", "parents_16_or_younger"],
     ["parents_unsafe"]),
    ({**CLEAR, "context_ok": "somewhat", "age_depicted": 17, "age_other": 17}, ["parents_17"],
     ["parents_16_or_younger"]),
    ({**CLEAR, "age_depicted": 12, "age_other": 12}, ["referral_under_13"], []),
    ({**CLEAR, "shared_further": "few"}, ["stop_spreading", "talk_separately", "ask_images_removed_or_kept"],
     ["safe_climate"]),
    ({**CLEAR, "extortion": "yes"}, ["extortion_advice", "dont_contact_suspect"], ["protect_from_suspect"]),
])
def test_fixed_plan_items(answers, present, absent):
    ids = plan_ids(decide(answers))
    assert [i for i in present if i not in ids] == [] and [i for i in absent if i in ids] == []


def test_a_rape_video_needs_no_finding_out_whether_it_was_wanted():
    a = {"immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "yes", "adult_involved": "no",
         "extortion": "no", "violent_content": "yes", "made_by": "other_secretly", "voluntary": "coercion",
         "shared_further": "group", "other_person": "peer", "age_depicted": 15, "age_other": 16}
    ids = plan_ids(decide(a))
    assert "find_out.recipient_wanted" not in ids
    assert "find_out.recipient_wanted" not in contract_find_out(a)


def test_contradictory_answers_warn_and_the_stricter_reading_counts():
    d = decide({**CLEAR, "adult_involved": "no", "age_other": 30})
    assert d.flag == "black"  # an adult with a 15-year-old
    assert any(r.kind == "warning" for r in d.reasons)
    assert not any(r.kind == "warning" for r in decide(CLEAR).reasons)


@pytest.mark.parametrize("change,days", [({}, 14), ({"context_ok": "somewhat"}, 7), ({"home_risk": "yes"}, 1),
                                         ({"self_harm_concern": "yes"}, 1)])
def test_followup_days_follow_the_priority(change, days):
    """"1 when priority is now or today, 7 when days, 14 when routine"."""
    d = decide({**CLEAR, **change})
    assert (d.followup_days, d.followup) == (days, TODAY + dt.timedelta(days=days))


def test_followup_date():
    assert decide(CLEAR).followup == TODAY + dt.timedelta(days=14)
    assert decide(CLEAR, followup_days=21).followup == TODAY + dt.timedelta(days=21)


ABUSE = [
    {**CLEAR, "age_depicted": 14, "age_other": 23, "adult_involved": "yes", "other_person": "adult_outside"},
    {**CLEAR, "extortion": "yes"}, {**CLEAR, "voluntary": "reward"}, {**CLEAR, "made_by": "other_secretly"},
    {**CLEAR, "violent_content": "yes", "shared_further": "group"}, {**CLEAR, "other_person": "staff_or_volunteer"},
    {**CLEAR, "age_depicted": 19, "age_other": 15},
]


@pytest.mark.parametrize("answers", ABUSE, ids=lambda a: ",".join(f"{k}={v}" for k, v in a.items() if CLEAR[k] != v))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_where_an_abuse_sign_holds_the_plan_never_speaks_of_wanting_or_experimenting(answers, lang):
    """"Where an abuse sign holds, the plan speaks of the young person as someone harmed, never of
    'someone who wanted it', and says nothing about experimenting being fine" (issue 8)."""
    assert abuse_sign(full(answers))
    advice = {x.id: x for x in [*PROTOCOL.dos, *PROTOCOL.donts]}
    words = {"nl": ("experiment", "die dat wilde"), "en": ("experiment", "who wanted")}[lang]
    for s in DecisionView(BUNDLE, lang, ENGINE).as_json(decide(answers))["plan"]:
        for i in s["items"]:
            texts = [i["text"], *(getattr(t, lang) for x in i.get("advice", []) for t in (advice[x].title,
                                                                                          advice[x].text))]
            said = [w for w in words for t in texts if w in t.lower()]
            assert not said, f"{i['id']} says {said}: {texts}"


# =================================================================================================
# Confirmation limits
# =================================================================================================


@pytest.mark.parametrize("change", [
    {"extortion": "yes"}, {"violent_content": "yes"}, {"sexual_violence_recent": "yes"},
    {"other_person": "family_or_household"}, {"other_person": "staff_or_volunteer"}, {"online_only_contact": "yes"},
    {"adult_involved": "yes", "age_depicted": 15, "age_other": 19}, {"adult_involved": "yes", "age_depicted": U},
    {"age_depicted": 18, "age_other": 15}, {"age_depicted": 18, "age_other": U}, {"voluntary": "coercion"},
    {"exploitation": "yes"}, {"other_person": "staff_elsewhere"}, {"made_by": "generated"},
    {"shared_further": "public_online"}, {"age_depicted": 12, "age_other": 16},
], ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_a_case_with_a_red_or_black_floor_cannot_be_confirmed_below_red(change):
    a = ENGINE.assess({**CLEAR, **change})
    assert a.lowest == "red"
    for low in ("green", "yellow"):
        assert ENGINE.confirm_problem(a, Confirmation(low, "reden", "ZAT")), low
    assert ENGINE.confirm_problem(a, Confirmation("red", "reden", "ZAT")) is None


def test_lowering_red_or_black_needs_who_was_consulted():
    a = ENGINE.assess({**CLEAR, "context_ok": "no"})
    assert (a.flag, a.lowest) == ("red", "green")
    assert ENGINE.confirm_problem(a, Confirmation("yellow", "reden", None))
    assert ENGINE.confirm_problem(a, Confirmation("yellow", "reden", "  "))
    assert ENGINE.confirm_problem(a, Confirmation("yellow", "reden", "zorgcoördinator")) is None
    assert ENGINE.confirm_problem(a, Confirmation("green", "reden", "zorgcoördinator")) is None


def test_another_flag_needs_a_reason():
    a = ENGINE.assess({**CLEAR, "context_ok": "somewhat"})
    assert ENGINE.confirm_problem(a, Confirmation("red", None, None))
    assert ENGINE.confirm_problem(a, Confirmation("red", "ernstiger dan het lijkt", None)) is None
    assert ENGINE.confirm_problem(a, Confirmation("green", "reden", None)) is None  # lowering yellow: no consultation
    assert ENGINE.confirm_problem(a, Confirmation("yellow")) is None


def test_an_answers_file_confirms_within_the_limits(tmp_path):
    a = {**CLEAR, "shared_further": "few", "recipient_wanted": "no_repeated"}
    ok = scenario_run(tmp_path, {**a, "confirmed_flag": "yellow", "confirmed_reason": "reden",
                                 "confirmed_consulted": "ZAT"})
    assert ok.code == 0, ok.err
    out = ok.json()
    assert (out["flag"], out["confirmed_flag"], out["lowest_flag_allowed"]) == ("black", "yellow", "yellow")
    assert "police" in out["routes"]
    for bad in ({"confirmed_flag": "green", "confirmed_reason": "reden", "confirmed_consulted": "ZAT"},
                {"confirmed_flag": "yellow", "confirmed_reason": "reden"}, {"confirmed_flag": "yellow"}):
        r = scenario_run(tmp_path, {**a, **bad})
        assert r.code == 2 and "Traceback" not in r.err and "answers.yaml" in r.err, (bad, r.err)


def test_a_proposal_below_the_lowest_allowed_is_no_crash(tmp_path):
    """The young-actor case (a) with nothing else wrong: the contract's rules propose green (every
    criterion green) and its lowest allowed flag is yellow ("yellow when ... it is the young-actor
    case"). An answers file without `confirmed_flag` must still give a decision: "Exit status: 0 when
    a decision was made; 2 for an unreadable or invalid answers file ..., a confirmation outside its
    limits, or a case out of scope"."""
    a = {**CLEAR, "age_depicted": 35, "age_other": 15, "adult_sent_images": "no", "made_by": "self"}
    del a["other_person"], a["online_only_contact"]
    ea = effective(a)
    ref = contract_decision(a)
    assert (role(ea), contract_flag(ea, contract_criteria(ea)), ref["lowest"]) == ("young actor (a)", "green", "yellow")
    assert ref["flag"] == "yellow"  # the reading of the gap: the proposal is at least the lowest allowed
    r = run_cli("triage", "--answers", write_file(tmp_path, "answers.yaml", a), "--json", debug=False)
    assert r.code == 0 and "ValueError" not in r.err, r.err
    assert (r.json()["flag"], r.json()["lowest_flag_allowed"]) == ("yellow", "yellow")


# =================================================================================================
# Out of scope, and the --json object
# =================================================================================================


@pytest.mark.parametrize("ages", [{"age_depicted": 30, "age_other": 25}, {"age_depicted": 18, "age_other": 18},
                                  {"age_depicted": 99, "age_other": 99}])
def test_an_adult_in_the_images_with_an_adult_is_out_of_scope(tmp_path, ages):
    a = {k: v for k, v in CLEAR.items() if k != "age_other"}
    r = scenario_run(tmp_path, {**a, **ages})
    assert r.code == 2 and "Traceback" not in r.out + r.err
    for number in ("0900-8844", "020-261 52 75", "0900-0101"):  # police, Helpwanted, Slachtofferhulp
        assert number in r.err, number


@pytest.mark.parametrize("age_other", [0, 15, 17, U, None])
def test_an_adult_in_the_images_with_a_young_person_is_in_scope(tmp_path, age_other):
    """"with age_other under 18 or unknown the case is in scope" (adult contact)."""
    a = {k: v for k, v in CLEAR.items() if k != "age_other"}
    r = scenario_run(tmp_path, {**a, "age_depicted": 25, **({} if age_other is None else {"age_other": age_other})})
    assert r.code == 0, r.err
    assert rank(r.json()["flag"]) >= rank("red") and r.json()["lowest_flag_allowed"] == "red"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_json_object_is_the_decision(lang):
    a = {**CLEAR, "shared_further": "group", "impact": U}
    d = ENGINE.decide(a, today=TODAY)
    out = DecisionView(BUNDLE, lang, ENGINE).as_json(d)
    assert set(out) >= set(KEYS)
    assert (out["flag"], out["confirmed_flag"], out["urgent"], out["priority"], out["first"],
            out["lowest_flag_allowed"], out["criteria"], out["routes"], out["contacts"], out["unknown"],
            out["asked"], out["refine"]) == (d.flag, d.confirmed.flag, d.assessment.urgent, d.priority, d.first,
                                             d.lowest, d.assessment.criteria, d.routes, d.contacts, d.unknown,
                                             d.asked, d.refine)
    assert [s["step"] for s in out["plan"]] == [1, 2, 3, 4, 5]
    assert [i["id"] for s in out["plan"] for i in s["items"]] == plan_ids(d)
    for s in out["plan"]:
        for i in s["items"]:
            assert i["text"].strip() and "{" not in i["text"], i
    assert DecisionView(BUNDLE, lang, ENGINE).date(d.followup) in str(out["plan"])  # as the language writes it
    assert out["answers"] == {**a, "setting": "school"}
    assert (out["first_items"], out["followup_days"], out["setting"]) == (d.first_items, d.followup_days, "school")


# =================================================================================================
# A changed protocol changes the behaviour (everything is data)
# =================================================================================================


def changed(edit) -> Engine:
    raw = copy.deepcopy(msgspec.to_builtins(PROTOCOL))
    edit(raw)
    return Engine(msgspec.convert(raw, Protocol))


def test_a_changed_floor_changes_the_flag_and_the_routes():
    def edit(raw):
        floors = [f for f in raw["triage"]["floors"] if f["at_least"] == "red" and "online_only_contact" in str(f)]
        assert len(floors) == 1
        floors[0]["at_least"] = "black"

    a = {**CLEAR, "online_only_contact": "yes"}
    d = changed(edit).decide(a, today=TODAY, asked=[])
    assert (ENGINE.assess(a).flag, d.flag) == ("red", "black")
    assert "zvh" in d.routes


def test_changed_route_contacts_change_the_contacts():
    def edit(raw):
        for r in raw["triage"]["routes"]:
            if r["id"] == "self_help":
                r["contacts"] = ["kindertelefoon"]

    assert "kindertelefoon" in changed(edit).decide(CLEAR, today=TODAY, asked=[]).contacts
    assert "kindertelefoon" not in decide(CLEAR).contacts


def test_no_route_kept_when_the_protocol_keeps_none():
    def edit(raw):
        raw["triage"]["keep_when_lowered"] = []

    a = {**CLEAR, "shared_further": "few", "recipient_wanted": "no_repeated"}
    c = Confirmation("yellow", "reden", "ZAT")
    assert "police" in decide(a, c).routes
    assert "police" not in changed(edit).decide(a, c, today=TODAY, asked=[]).routes


def test_a_changed_question_order_changes_asked():
    def edit(raw):
        qs = raw["questions"]
        qs[0], qs[1] = qs[1], qs[0]

    assert changed(edit).decide({}, today=TODAY).asked[:2] == ["self_harm_concern", "immediate_danger"]


def test_a_changed_followup_changes_the_date():
    def edit(raw):
        raw["triage"]["followup_days"] = 14

    assert changed(edit).decide(CLEAR, today=TODAY, asked=[]).followup == TODAY + dt.timedelta(days=14)
