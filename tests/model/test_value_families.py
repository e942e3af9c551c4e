"""Hand-solved instances where a spend_share or an average rule binds.

Each docstring gives the hand argument; each also solves the model with the
family's rows dropped and checks the better optimum of the relaxation.
"""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.solver.outcome import Termination


def ini(id_: str, score: float, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": score}, **fields}


def relaxed_optimum(data: dict[str, Any], family: str) -> float:
    form = po.compile_form(po.instance_from_data(data))
    assert form.blocks[family].n > 0, f"the instance builds no {family} row"
    outcome = po.Solver(form.without(family)).solve(po.SolveSettings())
    assert outcome.termination == Termination.OPTIMAL, outcome.detail
    assert outcome.objective is not None
    return outcome.objective


def _spend_data(**rule: Any) -> dict[str, Any]:
    """Budget 10 in one period: J (lab, 8, cost 6), C (course, 3, cost 4),
    K (course, 2, cost 4). Unruled, J + C = 11 (spend 10)."""
    return make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            ini("J", 8, type="joint_lab", cost=[6]),
            ini("C", 3, type="co_taught_course", cost=[4]),
            ini("K", 2, type="co_taught_course", cost=[4]),
        ],
        rules=[{"kind": "spend_share", "where": {"type": "co_taught_course"}, **rule}],
    )


def test_spend_share_at_least_binds() -> None:
    """Courses must take at least 0.5 of spend. J + C: 4/10 = 0.4, no. J alone:
    0. C + K: 8/8 = 1, value 5. J + K: 0.4. C alone: 3. Optimum C + K = 5;
    without the rule J + C = 11."""
    data = _spend_data(at_least=0.5)
    plan = solve_dict(data)
    assert plan.verified
    assert sorted(plan.starts) == ["C", "K"]
    assert plan.objective == pytest.approx(5.0)
    assert relaxed_optimum(data, "spend_share") == pytest.approx(11.0)


def test_spend_share_at_most_binds() -> None:
    """Courses at most 0.3 of spend: J + C is 0.4, too much; J alone (0) = 8 is
    the best; C or K alone is 1.0. Optimum 8; without the rule 11."""
    data = _spend_data(at_most=0.3)
    plan = solve_dict(data)
    assert plan.verified
    assert plan.starts == {"J": "2027"}
    assert plan.objective == pytest.approx(8.0)
    assert relaxed_optimum(data, "spend_share") == pytest.approx(11.0)


def test_spend_share_counts_only_its_budget_and_periods() -> None:
    """Both start in 2027; J costs 6 in 2027, C costs 1 in 2027 and 3 in 2028.
    Counting 2028 only, C takes 3/3 of that spend, so J + C (11) meets 0.9.
    Counting every period C takes 4/10 with J and 0 of J alone: C alone (3)."""
    base = make(
        periods=["2027", "2028"],
        budgets=[{"id": "central", "limits": [10, 10]}],
        initiatives=[
            ini("J", 8, type="joint_lab", cost=[6], latest_start="2027"),
            ini("C", 3, type="co_taught_course", cost=[1, 3], latest_start="2027"),
        ],
    )
    rule = {"kind": "spend_share", "members": ["C"], "at_least": 0.9}
    only_2028 = solve_dict({**base, "rules": [{**rule, "periods": ["2028"]}]})
    assert only_2028.verified
    assert only_2028.objective == pytest.approx(11.0)
    everywhere = solve_dict({**base, "rules": [rule]})
    assert everywhere.verified
    assert everywhere.starts == {"C": "2027"}
    assert everywhere.objective == pytest.approx(3.0)


def test_average_success_probability_binds() -> None:
    """Mean probability at least 0.85. A (10, p 0.5: value 5), B (4, p 1), C
    (2, p 1). With A the mean is at most (0.5 + 1 + 1) / 3 = 0.83: A is out,
    B + C = 6. Without the rule all three: 11."""
    data = make(
        periods=["2027"],
        initiatives=[
            ini("A", 10, success_probability=0.5),
            ini("B", 4),
            ini("C", 2),
        ],
        rules=[{"kind": "average", "field": "success_probability", "at_least": 0.85}],
    )
    plan = solve_dict(data)
    assert plan.verified
    assert sorted(plan.starts) == ["B", "C"]
    assert plan.objective == pytest.approx(6.0)
    assert relaxed_optimum(data, "average") == pytest.approx(11.0)


def test_average_score_at_most_over_a_selection_binds() -> None:
    """Labs' mean TC score at most 4: L1 (9), L2 (2), L3 (3), course X (7, not
    a lab). Any lab set with L1 averages at least (9 + 2 + 3) / 3 = 4.67: L1 is
    out; X + L2 + L3 = 12. Without the rule all four: 21."""
    data = make(
        periods=["2027"],
        initiatives=[
            ini("L1", 9, type="joint_lab"),
            ini("L2", 2, type="joint_lab"),
            ini("L3", 3, type="joint_lab"),
            ini("X", 7, type="co_taught_course"),
        ],
        rules=[
            {
                "kind": "average",
                "field": "score:TC",
                "where": {"type": "joint_lab"},
                "at_most": 4,
            }
        ],
    )
    plan = solve_dict(data)
    assert plan.verified
    assert sorted(plan.starts) == ["L2", "L3", "X"]
    assert plan.objective == pytest.approx(12.0)
    assert relaxed_optimum(data, "average") == pytest.approx(21.0)


def test_average_over_an_empty_selection_holds() -> None:
    """No lab is worth funding when the mean must be 10 but none scores 10:
    the plan funds no lab and the rule holds (X alone: 7)."""
    data = make(
        periods=["2027"],
        initiatives=[ini("L1", 9, type="joint_lab"), ini("X", 7)],
        rules=[
            {
                "kind": "average",
                "field": "score:TC",
                "where": {"type": "joint_lab"},
                "at_least": 10,
            }
        ],
    )
    plan = solve_dict(data)
    assert plan.verified
    assert plan.starts == {"X": "2027"}
