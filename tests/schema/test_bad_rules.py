"""Bad input: rules of an unknown kind or shape, selectors matching nothing, and
requires cycles that can never be met.

Each case is one mutation of the small valid instance of ``bad_input_cases``, run
through ``pathway-opt validate``: exit code 1, the JSON path named, no traceback.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from bad_input_cases import (
    BASE,
    Mutation,
    append_at,
    case,
    drop_at,
    rejected_by_validate,
    set_at,
    validate,
)

CASES = [
    # --- requires cycles ------------------------------------------------------
    case(
        "requires-cycle-positive-lag",
        # IC requires JL with lag 1 (base); JL requires IC with lag 0.
        append_at(("rules",), {"kind": "requires", "initiative": "JL", "on": ["IC"]}),
        "rules[0]",
        "the cycle can never be met",
    ),
    # --- rules ----------------------------------------------------------------
    case(
        "invalid-rule-kind",
        set_at(("rules", 1, "kind"), "at_mostt"),
        "rules[1]",
        "kind must be one of",
    ),
    case(
        "missing-rule-kind",
        drop_at(("rules", 3, "kind")),
        "rules[3]",
        "kind must be one of",
    ),
    case(
        "rule-not-an-object",
        append_at(("rules",), "IC needs JL"),
        "rules[4]",
    ),
    case(
        "count-rule-members-and-where",
        set_at(("rules", 2, "members"), ["JL"]),
        "rules[2]",
        "give exactly one of `members` or `where`",
    ),
    case(
        "count-rule-neither-members-nor-where",
        drop_at(("rules", 1, "members")),
        "rules[1]",
        "give exactly one of `members` or `where`",
    ),
    case(
        "where-names-no-field",
        set_at(("rules", 2, "where"), {}),
        "rules[2].where",
        "names no field",
    ),
    case(
        "synergy-one-member",
        set_at(("rules", 3, "members"), ["JL"]),
        "rules[3].members",
        "at least 2",
    ),
    case(
        "requires-empty-on",
        set_at(("rules", 0, "on"), []),
        "rules[0].on",
        "at least 1",
    ),
]


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)


def test_zero_lag_requires_cycle_is_accepted(tmp_path: Path) -> None:
    """A requires B and B requires A, both lag 0: start both together."""
    data = copy.deepcopy(BASE)
    data["rules"][0]["lag"] = 0
    data["rules"].append(
        {"kind": "requires", "initiative": "JL", "on": ["IC"], "lag": 0}
    )
    result = validate(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
