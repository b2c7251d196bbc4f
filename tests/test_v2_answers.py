"""An answers file written for contract version 2 is still read, and decided the same where
version 3 did not change the rule. The decisions below are what the version-2 engine (this
project before contract version 3) gave for the worked examples of version 2; version 3 must give
the same flag and routes, and the same lowest flag except where its changes say otherwise."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import EXAMPLES

# flag, routes, lowest flag allowed: the version-2 engine's decision for each version-2 example
V2 = {
    "consensual-peers": ("green", ["self_help"], "green"),
    "forwarded-to-group-chat": ("black", ["police", "consult", "inform_parents", "zvh"], "yellow"),
    "adult-asks-for-images": ("black", ["police", "consult", "inform_parents", "zvh"], "red"),
    "sextortion": ("black", ["police", "consult", "inform_parents", "zvh"], "red"),
    "webcam-between-friends": ("yellow", ["consult", "inform_parents", "self_help"], "green"),
    "unwanted-picture": ("red", ["consult", "inform_parents"], "green"),
    "suicidal-thoughts": ("red", ["crisis_care", "police", "consult", "inform_parents"], "yellow"),
    "only-a-rumour": ("yellow", ["consult", "inform_parents", "self_help"], "green"),
    "posted-publicly": ("red", ["police", "consult", "inform_parents"], "yellow"),
    "again-after-warning": ("red", ["consult", "inform_parents"], "green"),
    "staff-member": ("black", ["board_duty", "police", "consult", "inform_parents", "zvh"], "red"),
}

# Where version 3 changed the rule (the contract's "Changes since version 2"):
# "`lowest_flag_allowed`: red for spreading to a group or publicly, ... yellow for an unwanted image"
LOWEST_CHANGED = {
    "forwarded-to-group-chat": "red",  # spread to a group chat
    "suicidal-thoughts": "red",  # spread round school
    "posted-publicly": "red",  # publicly online
    "unwanted-picture": "yellow",  # an unwanted image
}

EXAMPLE = {s["id"]: s for s in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))} if EXAMPLES.exists() else {}


@pytest.mark.skipif(not EXAMPLE, reason="the worked examples (../shared) are not beside the project")
@pytest.mark.parametrize("case", sorted(V2))
def test_a_version_2_answers_file_is_decided_as_before(case, run, write):
    flag, routes, lowest = V2[case]
    r = run("triage", "--answers", write("v2.yaml", EXAMPLE[case]["answers"]), "--json")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert (out["flag"], out["routes"]) == (flag, routes)
    assert out["lowest_flag_allowed"] == LOWEST_CHANGED.get(case, lowest)
