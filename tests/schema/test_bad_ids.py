"""Bad input: duplicate, empty and unknown ids, and ids referring to themselves.

Each case is one mutation of the small valid instance of ``bad_input_cases``, run
through ``pathway-opt validate``: exit code 1, the JSON path (or id) named, no
traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_cases import (
    UNKNOWN_INI,
    Mutation,
    append_at,
    case,
    chain,
    drop_at,
    rejected_by_validate,
    set_at,
)

CASES = [
    # --- duplicate ids --------------------------------------------------------
    case(
        "duplicate-initiative-id",
        append_at(("initiatives",), {"id": "CT", "scores": {"talent": 1}}),
        "initiatives[4]",
        '"CT" appears 2 times',
    ),
    case(
        "duplicate-budget-id",
        append_at(("budgets",), {"id": "central", "limits": [1, 1, 1]}),
        "budgets[1]",
        '"central" appears 2 times',
    ),
    case(
        "duplicate-resource-id",
        append_at(("resources",), {"id": "fte", "capacity": [1, 1, 1]}),
        "resources[1]",
        '"fte" appears 2 times',
    ),
    case(
        "duplicate-criterion-id",
        append_at(("criteria",), {"id": "talent", "weight": 1}),
        "criteria[2]",
        '"talent" appears 2 times',
    ),
    case(
        "duplicate-period",
        set_at(("periods",), ["2027", "2028", "2028"]),
        "periods[2]",
        '"2028" appears 2 times',
    ),
    # --- references to unknown ids --------------------------------------------
    case(
        "unknown-requires-initiative",
        set_at(("rules", 0, "initiative"), "XX"),
        "rules[0].initiative",
        UNKNOWN_INI,
    ),
    case(
        "unknown-requires-on",
        set_at(("rules", 0, "on"), ["JL", "XX"]),
        "rules[0].on[1]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-at-most-member",
        set_at(("rules", 1, "members", 1), "XX"),
        "rules[1].members[1]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-at-least-member",
        chain(drop_at(("rules", 2, "where")), set_at(("rules", 2, "members"), ["XX"])),
        "rules[2].members[0]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-exactly-member",
        append_at(("rules",), {"kind": "exactly", "count": 1, "members": ["IB", "XX"]}),
        "rules[4].members[1]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-synergy-member",
        set_at(("rules", 3, "members", 0), "XX"),
        "rules[3].members[0]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-criterion-in-scores",
        set_at(("initiatives", 1, "scores", "innovation"), 3),
        "initiatives[1].scores.innovation",
        'unknown criterion "innovation"',
    ),
    case(
        "unknown-budget-in-cost-object",
        set_at(("initiatives", 0, "cost"), {"central": [60], "partner": [20]}),
        "initiatives[0].cost.partner",
        'unknown budget "partner"',
    ),
    case(
        "unknown-resource-in-uses",
        set_at(("initiatives", 1, "uses", "lab_m2"), [40]),
        "initiatives[1].uses.lab_m2",
        'unknown resource "lab_m2"',
    ),
    case(
        "unknown-earliest-start",
        set_at(("initiatives", 0, "earliest_start"), "2026"),
        "initiatives[0].earliest_start",
        '"2026" is not a period',
    ),
    case(
        "unknown-latest-start",
        set_at(("initiatives", 2, "latest_start"), "2030"),
        "initiatives[2].latest_start",
        '"2030" is not a period',
    ),
    case(
        "requires-itself",
        set_at(("rules", 0, "on"), ["IC"]),
        "rules[0].on",
        "cannot require itself",
    ),
    case(
        "member-listed-twice",
        set_at(("rules", 3, "members"), ["JL", "JL"]),
        "rules[3]",
        '"JL" is listed more than once',
    ),
    # --- empty and padded ids -------------------------------------------------
    case(
        "empty-id",
        set_at(("initiatives", 3, "id"), ""),
        "initiatives[3].id",
        "must not be empty",
    ),
    case(
        "id-with-leading-space",
        set_at(("budgets", 0, "id"), " central"),
        "budgets[0].id",
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)
