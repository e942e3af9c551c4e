"""The Session's `set_min_use` edit: re-solves agree with solving afresh."""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make

import pathway_opt as po


def _data() -> dict[str, Any]:
    """Limit 10; A (10, costs 5), B (3, costs 4.5), C (4, costs 3): see the
    hand-solved min_use tests (A+C = 14 free, A+B = 13 with min_use 0.9)."""
    return make(
        periods=["2027", "2028"],
        budgets=[{"id": "gov_special", "limits": [10, 10]}],
        initiatives=[
            {"id": "A", "scores": {"TC": 10}, "cost": [5], "latest_start": "2027"},
            {"id": "B", "scores": {"TC": 3}, "cost": [4.5], "latest_start": "2027"},
            {"id": "C", "scores": {"TC": 4}, "cost": [3], "latest_start": "2027"},
        ],
    )


def test_set_min_use_matches_a_fresh_solve() -> None:
    session = po.Session(po.instance_from_data(_data()))
    assert session.solve().objective == pytest.approx(14)
    session.set_min_use("gov_special", 0.9, periods=["2027"])
    assert session.rebuilds == 1  # the first min_use adds the budget's rows
    plan = session.solve()
    assert plan.verified and set(plan.starts) == {"A", "B"}
    assert plan.objective == pytest.approx(13)
    assert session.instance.budgets[0].min_use == [0.9, 0.0]
    fresh = po.solve(session.instance)
    assert fresh.objective == pytest.approx(plan.objective)
    session.set_min_use("gov_special", [0.5, 0.0])  # data only: no rebuild
    assert session.rebuilds == 1
    assert session.solve().objective == pytest.approx(14)
    held_lower = session.solver.held()[3]
    lower, _ = session.form.row_bounds()
    assert held_lower == pytest.approx(lower)


def test_set_min_use_refuses_a_bad_share() -> None:
    session = po.Session(po.instance_from_data(_data()))
    with pytest.raises(po.InputError, match="min_use"):
        session.set_min_use("gov_special", 1.5)
    with pytest.raises(po.InputError, match="one each"):
        session.set_min_use("gov_special", [0.5, 0.5, 0.5])
    assert session.edits == []
