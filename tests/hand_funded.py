"""A hand-solved instance with a funding split and a variant, for the outputs.

Budgets central [5.8, 4] and gov [10, 2]. A costs 8 in its start period, paid by
central and gov with gov at most 40%; B costs central 4 (score 5) or, as its
variant ``lite``, central 1 (score 3); C costs 0 then 6, paid by central and
gov. A and B may start only in 2027, and nothing may run past 2028.

Worked out by hand: with A in 2027 central pays at least 60% of 8 = 4.8, so B's
base version (4 more) does not fit central's 5.8 but ``lite`` (1) does, exactly
(central pays 4.8 of A, gov 3.2). C's 6 in 2028 fits only as central 4 + gov 2.
A, B lite and C score 10 + 3 + 4 = 17; dropping A (to fund B's base) scores at
most 5 + 4 = 9. So the optimum is unique, split included.
"""

from __future__ import annotations

from typing import Any

#: The optimum's objective.
OBJECTIVE = 17.0
#: (initiative, budget, period) -> amount paid, and its share of that period's cost.
SPLIT = {
    ("A", "central", "2027"): (4.8, 0.6),
    ("A", "gov", "2027"): (3.2, 0.4),
    ("C", "central", "2028"): (4.0, 2 / 3),
    ("C", "gov", "2028"): (2.0, 1 / 3),
}


def funded(**overrides: Any) -> dict[str, Any]:
    """The instance dict; keyword arguments replace top-level keys."""
    data: dict[str, Any] = {
        "name": "funded",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [
            {"id": "central", "limits": [5.8, 4]},
            {"id": "gov", "limits": [10, 2]},
        ],
        "initiatives": [
            {
                "id": "A",
                "name": "Lab A",
                "cost": [8],
                "funded_by": ["central", "gov"],
                "max_share": {"gov": 0.4},
                "scores": {"TC": 10},
                "latest_start": "2027",
            },
            {
                "id": "B",
                "name": "Course B",
                "cost": {"central": [4]},
                "scores": {"TC": 5},
                "latest_start": "2027",
                "variants": [
                    {"id": "lite", "cost": {"central": [1]}, "scores": {"TC": 3}}
                ],
            },
            {
                "id": "C",
                "name": "College C",
                "cost": [0, 6],
                "funded_by": ["central", "gov"],
                "scores": {"TC": 4},
            },
        ],
    }
    data.update(overrides)
    return data
