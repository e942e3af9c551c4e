"""Bad input: cost and use profiles of the wrong type, limits of the wrong length,
reversed windows and profiles that fit no start in the horizon.

Each case is one mutation of the small valid instance of ``bad_input_cases``, run
through ``pathway-opt validate``: exit code 1, the JSON path named, no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_cases import (
    NOT_NUMBER,
    Mutation,
    append_at,
    case,
    rejected_by_validate,
    set_at,
    update_at,
)

CASES = [
    # --- profiles of the wrong type -------------------------------------------
    case(
        "cost-as-string",
        set_at(("initiatives", 0, "cost"), "60"),
        "initiatives[0].cost",
        "must be a list",
    ),
    case(
        "cost-as-number",
        set_at(("initiatives", 0, "cost"), 60),
        "initiatives[0].cost",
        "must be a list",
    ),
    case(
        "cost-list-with-string",
        set_at(("initiatives", 0, "cost"), [60, "twenty"]),
        "initiatives[0].cost[1]",
        NOT_NUMBER,
    ),
    case(
        "cost-object-with-number",
        set_at(("initiatives", 0, "cost"), {"central": 60}),
        "initiatives[0].cost.central",
        "must be a list",
    ),
    case(
        "uses-as-list",
        set_at(("initiatives", 1, "uses"), [2]),
        "initiatives[1].uses",
        "must be an object",
    ),
    case(
        "uses-profile-as-number",
        set_at(("initiatives", 1, "uses"), {"fte": 2}),
        "initiatives[1].uses.fte",
        "must be a list",
    ),
    case(
        "single-list-cost-with-two-budgets",
        append_at(("budgets",), {"id": "partner", "limits": [50, 50, 50]}),
        "initiatives[0].cost",
        "single profile but there are several budgets",
    ),
    # --- lengths, windows, horizon --------------------------------------------
    case(
        "limits-too-short",
        set_at(("budgets", 0, "limits"), [100, 100]),
        "budgets[0].limits",
        "has 2 entries but there are 3 periods",
    ),
    case(
        "limits-too-long",
        set_at(("budgets", 0, "limits"), [100, 100, 100, 100]),
        "budgets[0].limits",
        "has 4 entries but there are 3 periods",
    ),
    case(
        "capacity-too-short",
        set_at(("resources", 0, "capacity"), [3]),
        "resources[0].capacity",
        "has 1 entry but there are 3 periods",
    ),
    case(
        "window-reversed",
        update_at(("initiatives", 0), earliest_start="2028", latest_start="2027"),
        "initiatives[0].latest_start",
        "before earliest_start",
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)
