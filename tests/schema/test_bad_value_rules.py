"""Bad input in spend_share and average rules: one message each, naming the path.

Each case appends one rule to the small valid instance of ``bad_input_cases`` and
runs ``pathway-opt validate``: exit code 1, the JSON path named, no traceback.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from bad_input_cases import (
    BASE,
    Mutation,
    append_at,
    case,
    rejected_by_validate,
    validate,
)

import pathway_opt as po

SHARE: dict[str, Any] = {"kind": "spend_share", "where": {"type": "joint_lab"}}
AVERAGE: dict[str, Any] = {"kind": "average", "field": "success_probability"}

CASES = [
    case(
        "share-above-one",
        append_at(("rules",), {**SHARE, "at_least": 1.5}),
        "rules[4].at_least",
        "must be at most 1.0, got 1.5",
    ),
    case(
        "share-negative",
        append_at(("rules",), {**SHARE, "at_most": -0.1}),
        "rules[4].at_most",
        "must be at least 0.0, got -0.1",
    ),
    case(
        "share-no-bound",
        append_at(("rules",), dict(SHARE)),
        "rules[4]",
        "spend_share rule needs `at_least`, `at_most` or both",
    ),
    case(
        "average-no-bound",
        append_at(("rules",), dict(AVERAGE)),
        "rules[4]",
        "average rule needs `at_least`, `at_most` or both",
    ),
    case(
        "share-bounds-crossed",
        append_at(("rules",), {**SHARE, "at_least": 0.6, "at_most": 0.4}),
        "rules[4].at_most",
        "below at_least 0.6",
    ),
    case(
        "share-unknown-budget",
        append_at(("rules",), {**SHARE, "at_least": 0.1, "budget": "centrl"}),
        "rules[4].budget",
        'unknown budget "centrl"; did you mean "central"?',
    ),
    case(
        "share-period-not-in-instance",
        append_at(("rules",), {**SHARE, "at_least": 0.1, "periods": ["2030"]}),
        "rules[4].periods[0]",
        '"2030" is not a period',
    ),
    case(
        "share-neither-members-nor-where",
        append_at(("rules",), {"kind": "spend_share", "at_least": 0.1}),
        "rules[4]",
        "give exactly one of `members` or `where`",
    ),
    case(
        "share-unknown-member",
        append_at(("rules",), {"kind": "spend_share", "members": ["XX"], "at_most": 1}),
        "rules[4].members[0]",
        'unknown initiative "XX"',
    ),
    case(
        "average-unknown-field",
        append_at(
            ("rules",), {**AVERAGE, "field": "succes_probability", "at_least": 1}
        ),
        "rules[4].field",
        'did you mean "success_probability"?',
    ),
    case(
        "average-unknown-criterion",
        append_at(("rules",), {**AVERAGE, "field": "score:talnt", "at_least": 1}),
        "rules[4].field",
        'unknown criterion "talnt"; did you mean "talent"?',
    ),
    case(
        "average-members-and-where",
        append_at(
            ("rules",),
            {**AVERAGE, "at_least": 0.5, "members": ["JL"], "where": {"type": "x"}},
        ),
        "rules[4]",
        "give at most one of `members` or `where`",
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_value_rule_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)


def test_good_value_rules_are_accepted(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["rules"] += [
        {**SHARE, "at_least": 0.1, "budget": "central", "periods": ["2028"]},
        {**AVERAGE, "at_most": 0.9, "where": {"type": "joint_lab"}},
        {"kind": "average", "field": "score:talent", "at_least": 2},
    ]
    result = validate(tmp_path, data)
    assert result.exit_code == 0, result.output


def test_a_selector_matching_nothing_is_a_warning() -> None:
    data = copy.deepcopy(BASE)
    data["rules"] += [
        {**SHARE, "where": {"type": "alliance"}, "at_least": 0.1},
        {**AVERAGE, "where": {"department": "Law"}, "at_least": 0.5},
    ]
    warnings = po.instance_warnings(po.instance_from_data(data))
    assert (
        "rules[4].where matches no initiative, so its members' share is always 0"
        in (warnings)
    )
    assert "rules[5].where matches no initiative, so it always holds" in warnings
