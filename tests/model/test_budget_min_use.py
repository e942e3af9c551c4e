"""Hand-solved instances where a budget's min_use binds ("use it or lose it")."""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make, solve_dict

import pathway_opt as po


def _three(min_use: Any) -> dict[str, Any]:
    """Limit 10 in one period; A (10, costs 5), B (3, costs 4.5), C (4, costs 3).

    Without min_use A+C is best (14, spends 8); with min_use 0.9 (at least 9)
    A+C falls short, so the lower-value B is funded instead: A+B (13, spends 9.5).
    """
    budget: dict[str, Any] = {"id": "gov_special", "limits": [10]}
    if min_use is not None:
        budget["min_use"] = min_use
    return make(
        periods=["2027"],
        budgets=[budget],
        initiatives=[
            {"id": "A", "scores": {"TC": 10}, "cost": [5]},
            {"id": "B", "scores": {"TC": 3}, "cost": [4.5]},
            {"id": "C", "scores": {"TC": 4}, "cost": [3]},
        ],
    )


def test_without_min_use_the_cheaper_pair_wins() -> None:
    plan = solve_dict(_three(None))
    assert plan.status == po.Status.OPTIMAL
    assert set(plan.starts) == {"A", "C"}
    assert plan.objective == pytest.approx(14)


@pytest.mark.parametrize("share", [0.9, [0.9]])
def test_min_use_forces_the_lower_value_initiative(share: Any) -> None:
    plan = solve_dict(_three(share))
    assert plan.status == po.Status.OPTIMAL
    assert plan.verified
    assert set(plan.starts) == {"A", "B"}
    assert plan.objective == pytest.approx(13)
    # with the family's rows dropped the hand optimum A+C (14) comes back
    form = po.compile_form(po.instance_from_data(_three(share)))
    assert form.blocks["budget_min_use"].n == 1
    relaxed = po.Solver(form.without("budget_min_use")).solve(po.SolveSettings())
    assert relaxed.objective == pytest.approx(14)


def test_verifier_refuses_a_plan_short_of_min_use() -> None:
    inst = po.instance_from_data(_three(0.9))
    check = po.verify(inst, {"A": "2027", "C": "2027"})
    assert not check.ok
    assert any("min_use" in p and "gov_special" in p for p in check.problems)
    assert po.verify(inst, {"A": "2027", "B": "2027"}).ok


def test_carry_over_min_use_is_on_the_cumulative_limit() -> None:
    """Limits 10, 10 with carry-over, min_use 0.7 in 2028: spend 14 by then.

    A (value 5, costs 8) and B (value 4, costs 8) cannot both start in 2027
    (16 > 10) but can one per year; the cumulative floor 0.7 x 20 = 14 needs
    both (one spends 8). Raised to 0.9 x 20 = 18 it cannot be met: at most 16
    can be spent (N is never).
    """
    data = make(
        budgets=[
            {"id": "b", "limits": [10, 10], "carry_over": True, "min_use": [0, 0.7]}
        ],
        initiatives=[
            {"id": "A", "scores": {"TC": 5}, "cost": [8]},
            {"id": "B", "scores": {"TC": 4}, "cost": [8]},
            {"id": "N", "scores": {"TC": 0}, "cost": [1], "decision": "never"},
        ],
    )
    plan = solve_dict(data)
    assert plan.status == po.Status.OPTIMAL
    assert set(plan.starts) == {"A", "B"}
    data["budgets"][0]["min_use"] = [0, 0.9]  # 18 by 2028: only 16 can be spent
    assert solve_dict(data).status == po.Status.INFEASIBLE


def test_min_use_nothing_can_reach_is_infeasible_with_a_repair() -> None:
    plan = solve_dict(_three(1.0))  # 10 exactly: no subset spends 10
    assert plan.status == po.Status.INFEASIBLE
    text = " ".join(plan.messages)
    assert "min_use" in text and "gov_special" in text
