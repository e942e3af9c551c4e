"""Bad input: unknown keys, missing required fields and values outside an enumeration.

Each case is one mutation of the small valid instance of ``bad_input_cases``, run
through ``pathway-opt validate``: exit code 1, the JSON path named, no traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_input_cases import (
    KNOWN_FIELD,
    Mutation,
    case,
    drop_at,
    rejected_by_validate,
    set_at,
)

CASES = [
    # --- unknown keys ---------------------------------------------------------
    case("unknown-key-top-level", set_at(("colour",), "blue"), "colour", KNOWN_FIELD),
    case(
        "unknown-key-initiative",
        set_at(("initiatives", 1, "budget"), 5),
        "initiatives[1].budget",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-requires-rule",
        set_at(("rules", 0, "lags"), 2),
        "rules[0].lags",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-count-rule",
        set_at(("rules", 1, "max"), 2),
        "rules[1].max",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-synergy-rule",
        set_at(("rules", 3, "bonsu"), 2),
        "rules[3].bonsu",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-where",
        set_at(("rules", 2, "where", "faculty"), "CS"),
        "rules[2].where.faculty",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-budget",
        set_at(("budgets", 0, "carryover"), True),
        "budgets[0].carryover",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-resource",
        set_at(("resources", 0, "capacities"), [1, 1, 1]),
        "resources[0].capacities",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-criterion",
        set_at(("criteria", 0, "weigth"), 1),
        "criteria[0].weigth",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-settings",
        set_at(("settings",), {"delay_discount": 0.9, "discount": 0.9}),
        "settings.discount",
        KNOWN_FIELD,
    ),
    # --- enumerations ---------------------------------------------------------
    case(
        "invalid-decision",
        set_at(("initiatives", 0, "decision"), "maybe"),
        "initiatives[0].decision",
        "must be one of",
    ),
    case(
        "blank-type",
        set_at(("initiatives", 0, "type"), " "),
        "initiatives[0].type",
        "must be non-empty",
    ),
    # --- missing required fields ----------------------------------------------
    case(
        "missing-periods",
        drop_at(("periods",)),
        "periods",
        "is required",
    ),
    case(
        "missing-criteria",
        drop_at(("criteria",)),
        "criteria",
        "is required",
    ),
    case(
        "missing-initiatives",
        drop_at(("initiatives",)),
        "initiatives",
        "is required",
    ),
    case(
        "missing-criterion-weight",
        drop_at(("criteria", 0, "weight")),
        "criteria[0].weight",
        "is required",
    ),
    case(
        "missing-initiative-id",
        drop_at(("initiatives", 0, "id")),
        "initiatives[0].id",
        "is required",
    ),
    case(
        "empty-periods",
        set_at(("periods",), []),
        "periods",
        "at least 1",
    ),
    case(
        "empty-initiatives",
        set_at(("initiatives",), []),
        "initiatives",
        "at least 1",
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)
