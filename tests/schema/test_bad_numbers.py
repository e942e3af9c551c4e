"""Bad input: non-finite, overflowing, mistyped and out-of-range numbers.

Each case is one mutation of the small valid instance of ``bad_input_cases``, run
through ``pathway-opt validate``: exit code 1, the JSON path named, no traceback.
NaN, Infinity and 1e400 are spliced into the JSON text by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_cases import (
    NOT_FINITE,
    NOT_NUMBER,
    TOO_LARGE,
    Mutation,
    case,
    raw_at,
    rejected_by_validate,
    set_at,
)

CASES = [
    # --- non-finite and overflowing numbers (hand-written JSON text) ----------
    case(
        "nan-weight",
        raw_at(("criteria", 0, "weight"), "NaN"),
        "criteria[0].weight",
        NOT_FINITE,
    ),
    case(
        "nan-score",
        raw_at(("initiatives", 0, "scores", "talent"), "NaN"),
        "initiatives[0].scores.talent",
        NOT_FINITE,
    ),
    case(
        "nan-probability",
        raw_at(("initiatives", 0, "success_probability"), "NaN"),
        "initiatives[0].success_probability",
        NOT_FINITE,
    ),
    case(
        "nan-lag",
        raw_at(("rules", 0, "lag"), "NaN"),
        "rules[0].lag",
    ),
    case(
        "infinity-limit",
        raw_at(("budgets", 0, "limits", 1), "Infinity"),
        "budgets[0].limits[1]",
        NOT_FINITE,
    ),
    case(
        "infinity-capacity",
        raw_at(("resources", 0, "capacity", 0), "Infinity"),
        "resources[0].capacity[0]",
        NOT_FINITE,
    ),
    case(
        "minus-infinity-bonus",
        raw_at(("rules", 3, "bonus"), "-Infinity"),
        "rules[3].bonus",
        NOT_FINITE,
    ),
    case(
        "minus-infinity-cost",
        raw_at(("initiatives", 0, "cost", 0), "-Infinity"),
        "initiatives[0].cost[0]",
        NOT_FINITE,
    ),
    case(
        "overflow-1e400-capacity",
        raw_at(("resources", 0, "capacity", 2), "1e400"),
        "resources[0].capacity[2]",
        TOO_LARGE,
    ),
    case(
        "overflow-minus-1e400-bonus",
        raw_at(("rules", 3, "bonus"), "-1e400"),
        "rules[3].bonus",
        TOO_LARGE,
    ),
    case(
        "overflow-1e400-weight",
        raw_at(("criteria", 1, "weight"), "1e400"),
        "criteria[1].weight",
        TOO_LARGE,
    ),
    case(
        "huge-int-limit",
        set_at(("budgets", 0, "limits", 0), 10**400),
        "budgets[0].limits[0]",
        TOO_LARGE,
    ),
    case(
        "huge-int-uses",
        set_at(("initiatives", 0, "uses", "fte", 1), 10**400),
        "initiatives[0].uses.fte[1]",
    ),
    case(
        "huge-int-count",
        set_at(("rules", 1, "count"), 10**400),
        "rules[1].count",
        TOO_LARGE,
    ),
    case(
        "count-beyond-max",
        set_at(("rules", 1, "count"), 10**7),
        "rules[1].count",
        "must be at most 1000000",
    ),
    case(
        "lag-beyond-max",
        set_at(("rules", 0, "lag"), 10**7),
        "rules[0].lag",
        "must be at most 1000000",
    ),
    case(
        "huge-int-5000-digits",
        raw_at(("budgets", 0, "limits", 0), "1" + "0" * 5000),
        "budgets[0].limits[0]",
        TOO_LARGE,
    ),
    # --- strings and booleans where numbers belong ----------------------------
    case(
        "string-limit",
        set_at(("budgets", 0, "limits", 0), "5000"),
        "budgets[0].limits[0]",
        NOT_NUMBER,
    ),
    case(
        "string-capacity",
        set_at(("resources", 0, "capacity", 1), "3"),
        "resources[0].capacity[1]",
        NOT_NUMBER,
    ),
    case(
        "string-weight",
        set_at(("criteria", 0, "weight"), "0.6"),
        "criteria[0].weight",
        NOT_NUMBER,
    ),
    case(
        "string-cost-entry",
        set_at(("initiatives", 0, "cost", 1), "20"),
        "initiatives[0].cost[1]",
        NOT_NUMBER,
    ),
    case(
        "string-probability",
        set_at(("initiatives", 0, "success_probability"), "0.8"),
        "initiatives[0].success_probability",
        NOT_NUMBER,
    ),
    case(
        "string-count",
        set_at(("rules", 1, "count"), "1"),
        "rules[1].count",
        "whole number",
    ),
    case(
        "string-lag",
        set_at(("rules", 0, "lag"), "1"),
        "rules[0].lag",
        "whole number",
    ),
    case(
        "string-bonus",
        set_at(("rules", 3, "bonus"), "1.5"),
        "rules[3].bonus",
        NOT_NUMBER,
    ),
    case(
        "bool-limit",
        set_at(("budgets", 0, "limits", 0), True),
        "budgets[0].limits[0]",
        NOT_NUMBER,
    ),
    case(
        "bool-capacity",
        set_at(("resources", 0, "capacity", 2), False),
        "resources[0].capacity[2]",
        NOT_NUMBER,
    ),
    case(
        "bool-weight",
        set_at(("criteria", 1, "weight"), True),
        "criteria[1].weight",
        NOT_NUMBER,
    ),
    case(
        "bool-probability",
        set_at(("initiatives", 0, "success_probability"), True),
        "initiatives[0].success_probability",
        NOT_NUMBER,
    ),
    case(
        "bool-score",
        set_at(("initiatives", 1, "scores", "talent"), True),
        "initiatives[1].scores.talent",
        NOT_NUMBER,
    ),
    case(
        "bool-count",
        set_at(("rules", 1, "count"), True),
        "rules[1].count",
        "whole number",
    ),
    case(
        "bool-lag",
        set_at(("rules", 0, "lag"), False),
        "rules[0].lag",
        "whole number",
    ),
    case(
        "fractional-count",
        set_at(("rules", 1, "count"), 1.5),
        "rules[1].count",
        "whole number",
    ),
    case(
        "string-carry-over",
        set_at(("budgets", 0, "carry_over"), "true"),
        "budgets[0].carry_over",
        "true or false",
    ),
    # --- signs and ranges -----------------------------------------------------
    case(
        "negative-cost",
        set_at(("initiatives", 0, "cost", 0), -60),
        "initiatives[0].cost[0]",
        "at least 0",
    ),
    case(
        "negative-cost-by-budget",
        set_at(("initiatives", 0, "cost"), {"central": [60, -20]}),
        "initiatives[0].cost.central[1]",
        "at least 0",
    ),
    case(
        "negative-capacity",
        set_at(("resources", 0, "capacity", 1), -3),
        "resources[0].capacity[1]",
        "at least 0",
    ),
    case(
        "negative-limit",
        set_at(("budgets", 0, "limits", 2), -100),
        "budgets[0].limits[2]",
        "at least 0",
    ),
    case(
        "negative-weight",
        set_at(("criteria", 1, "weight"), -0.4),
        "criteria[1].weight",
        "at least 0",
    ),
    case(
        "negative-score",
        set_at(("initiatives", 2, "scores", "research"), -4),
        "initiatives[2].scores.research",
        "at least 0",
    ),
    case(
        "negative-uses",
        set_at(("initiatives", 1, "uses", "fte", 0), -2),
        "initiatives[1].uses.fte[0]",
        "at least 0",
    ),
    case(
        "negative-lag",
        set_at(("rules", 0, "lag"), -1),
        "rules[0].lag",
        "at least 0",
    ),
    case(
        "negative-count",
        set_at(("rules", 1, "count"), -1),
        "rules[1].count",
        "at least 0",
    ),
    case(
        "probability-1.5",
        set_at(("initiatives", 0, "success_probability"), 1.5),
        "initiatives[0].success_probability",
        "at most 1",
    ),
    case(
        "probability-minus-0.1",
        set_at(("initiatives", 0, "success_probability"), -0.1),
        "initiatives[0].success_probability",
        "at least 0",
    ),
    case(
        "delay-discount-zero",
        set_at(("settings",), {"delay_discount": 0}),
        "settings.delay_discount",
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)
