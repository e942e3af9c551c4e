"""One tiny hand-solvable instance per constraint family, where that family binds.

Each docstring gives the hand argument for the asserted optimum. Where a test is
the one models/pathway.md names for a family, it also solves the model with that
family's rows dropped (:func:`relaxed_optimum`) and checks the better optimum the
hand argument gives for the relaxation: the family binds.
"""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.solver.outcome import Termination


def ini(id_: str, score: float, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": score}, **fields}


def starts(plan: po.Plan) -> dict[str, str]:
    assert plan.verified
    return plan.starts


def relaxed_optimum(data: dict[str, Any], family: str) -> float:
    """The optimum of the model with one constraint family's rows dropped."""
    form = po.compile_form(po.instance_from_data(data))
    assert form.blocks[family].n > 0, f"the instance builds no {family} row"
    outcome = po.Solver(form.without(family)).solve(po.SolveSettings())
    assert outcome.termination == Termination.OPTIMAL, outcome.detail
    assert outcome.objective is not None
    return outcome.objective


def test_start_once_binds() -> None:
    """A (2) may start in 2027 or 2028 and starts once: optimum 2. Without
    start_once both start columns could be 1 and A would count twice: 4."""
    data = make(initiatives=[ini("A", 2)])
    plan = solve_dict(data)
    assert list(starts(plan)) == ["A"]
    assert plan.objective == pytest.approx(2.0)
    assert relaxed_optimum(data, "start_once") == pytest.approx(4.0)


def test_start_window_binds() -> None:
    """A may only start in 2028; discount 0.5 is measured from its earliest start."""
    data = make(
        periods=["2027", "2028", "2029"],
        initiatives=[ini("A", 4, earliest_start="2028", latest_start="2028")],
        settings={"delay_discount": 0.5},
    )
    plan = solve_dict(data)
    assert plan.status == po.Status.OPTIMAL
    assert starts(plan) == {"A": "2028"}
    assert plan.objective == pytest.approx(4.0)


def test_must_binds_and_displaces_a_better_initiative() -> None:
    """Budget 100 fits one of A (value 5) and M (value 1); M is a must: optimum 1."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [100]}],
        initiatives=[
            ini("A", 5, cost=[100]),
            ini("M", 1, cost=[100], decision="must"),
        ],
    )
    plan = solve_dict(data)
    assert starts(plan) == {"M": "2027"}
    assert plan.objective == pytest.approx(1.0)


def test_never_excludes_the_best_initiative() -> None:
    data = make(initiatives=[ini("A", 5, decision="never"), ini("B", 2)])
    plan = solve_dict(data)
    assert starts(plan) == {"B": "2027"}
    assert plan.objective == pytest.approx(2.0)


def test_budget_without_carry_over_binds_per_period() -> None:
    """Limits 100/period. A (5) and B (4) cost 80 each: one per year. C (2) costs 30
    and fits in no year beside them; A+C in one year is 110 > 100. Optimum A+B = 9."""
    data = make(
        budgets=[{"id": "central", "limits": [100, 100], "carry_over": False}],
        initiatives=[
            ini("A", 5, cost=[80]),
            ini("B", 4, cost=[80]),
            ini("C", 2, cost=[30]),
        ],
    )
    plan = solve_dict(data)
    assert plan.objective == pytest.approx(9.0)
    assert set(starts(plan)) == {"A", "B"}
    assert starts(plan)["A"] != starts(plan)["B"]
    # Without budget rows all three start: 5 + 4 + 2.
    assert relaxed_optimum(data, "budget_limit") == pytest.approx(11.0)


@pytest.mark.parametrize(("carry", "expected"), [(True, 5.0), (False, 0.0)])
def test_carry_over_moves_unspent_money_forward(carry: bool, expected: float) -> None:
    """A costs 120 once; limits 50 then 100: only a cumulative 150 by 2028 pays it."""
    data = make(
        budgets=[{"id": "central", "limits": [50, 100], "carry_over": carry}],
        initiatives=[ini("A", 5, cost=[120])],
    )
    plan = solve_dict(data)
    assert plan.objective == pytest.approx(expected)
    if carry:
        assert starts(plan) == {"A": "2028"}


def test_carry_over_budget_counts_earlier_spending() -> None:
    """Carry-over limits 60 a year: 60 by 2027, 120 by 2028. A (5) costs 100, so it
    can start only in 2028; B (3) costs 30. A in 2028 with B in either year spends
    130 by 2028 > 120: money B spent in 2027 is not carried. Optimum A alone = 5;
    without budget rows A + B = 8."""
    data = make(
        budgets=[{"id": "central", "limits": [60, 60], "carry_over": True}],
        initiatives=[ini("A", 5, cost=[100]), ini("B", 3, cost=[30])],
    )
    plan = solve_dict(data)
    assert starts(plan) == {"A": "2028"}
    assert plan.objective == pytest.approx(5.0)
    assert relaxed_optimum(data, "budget_limit") == pytest.approx(8.0)


def test_cost_split_across_budgets_binds_on_the_partner_budget() -> None:
    """A needs 60 of partner money but partner allows 50; B (value 1) fits both."""
    data = make(
        periods=["2027"],
        budgets=[
            {"id": "central", "limits": [1000]},
            {"id": "partner", "limits": [50]},
        ],
        initiatives=[
            ini("A", 5, cost={"central": [10], "partner": [60]}),
            ini("B", 1, cost={"central": [10], "partner": [50]}),
        ],
    )
    plan = solve_dict(data)
    assert starts(plan) == {"B": "2027"}
    assert plan.objective == pytest.approx(1.0)


def test_resource_capacity_binds_over_a_multi_year_profile() -> None:
    """fte capacity 1 per year. A (3) uses 1 FTE in both years; B (2) and C (2)
    use 1 FTE in their start year only: B and C in different years beat A."""
    data = make(
        resources=[{"id": "fte", "unit": "FTE", "capacity": [1, 1]}],
        initiatives=[
            ini("A", 3, uses={"fte": [1, 1]}, latest_start="2027"),
            ini("B", 2, uses={"fte": [1]}),
            ini("C", 2, uses={"fte": [1]}),
        ],
    )
    plan = solve_dict(data)
    assert plan.objective == pytest.approx(4.0)
    assert set(starts(plan)) == {"B", "C"}
    # Without capacity rows all three start: 3 + 2 + 2.
    assert relaxed_optimum(data, "resource_limit") == pytest.approx(7.0)


def test_requires_with_lag_binds() -> None:
    """B (10) requires A (1) one period earlier; A can start only in 2028 and the
    horizon ends in 2028, so B is impossible: optimum A alone = 1."""
    data = make(
        initiatives=[ini("A", 1, earliest_start="2028"), ini("B", 10)],
        rules=[{"kind": "requires", "initiative": "B", "on": ["A"], "lag": 1}],
    )
    plan = solve_dict(data)
    assert starts(plan) == {"A": "2028"}
    assert plan.objective == pytest.approx(1.0)
    # Without requires rows B starts too: 1 + 10.
    assert relaxed_optimum(data, "requires_start") == pytest.approx(11.0)


def test_requires_with_lag_is_met_when_it_fits() -> None:
    """With A free to start in 2027, B follows in 2028: optimum 11."""
    data = make(
        initiatives=[ini("A", 1), ini("B", 10)],
        rules=[{"kind": "requires", "initiative": "B", "on": ["A"], "lag": 1}],
    )
    plan = solve_dict(data)
    assert starts(plan) == {"A": "2027", "B": "2028"}
    assert plan.objective == pytest.approx(11.0)


def test_at_most_binds() -> None:
    data = make(
        initiatives=[ini("A", 3), ini("B", 2), ini("C", 1)],
        rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
    )
    plan = solve_dict(data)
    assert set(starts(plan)) == {"A", "C"}
    assert plan.objective == pytest.approx(4.0)
    # Without count rows all three start: 3 + 2 + 1.
    assert relaxed_optimum(data, "count_limit") == pytest.approx(6.0)


def test_at_least_with_where_selector_binds() -> None:
    """Budget 10 fits one initiative; at least one industrial college (value 1)."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            ini("A", 5, cost=[10]),
            ini("IC", 1, cost=[10], type="industrial_college"),
        ],
        rules=[
            {"kind": "at_least", "count": 1, "where": {"type": "industrial_college"}}
        ],
    )
    plan = solve_dict(data)
    assert starts(plan) == {"IC": "2027"}
    assert plan.objective == pytest.approx(1.0)
    # Without count rows the budget takes the better A.
    assert relaxed_optimum(data, "count_limit") == pytest.approx(5.0)


def test_exactly_binds_from_both_sides() -> None:
    """Exactly 2 of A, B, C (department CS): the two best; D (other dept) free."""
    cs = {"department": "CS"}
    data = make(
        initiatives=[
            ini("A", 3, **cs),
            ini("B", 2, **cs),
            ini("C", 1, **cs),
            ini("D", 1),
        ],
        rules=[{"kind": "exactly", "count": 2, "where": {"department": ["CS"]}}],
    )
    plan = solve_dict(data)
    assert set(starts(plan)) == {"A", "B", "D"}
    assert plan.objective == pytest.approx(6.0)
    # Without count rows all four start: 3 + 2 + 1 + 1.
    assert relaxed_optimum(data, "count_limit") == pytest.approx(7.0)


def test_synergy_bonus_changes_the_choice() -> None:
    """Budget fits two of three. A=3, B=1, C=2.5; A+B earn bonus 2: 6 > A+C 5.5."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [2]}],
        initiatives=[
            ini("A", 3, cost=[1]),
            ini("B", 1, cost=[1]),
            ini("C", 2.5, cost=[1]),
        ],
        rules=[{"kind": "synergy", "members": ["A", "B"], "bonus": 2}],
    )
    plan = solve_dict(data)
    assert set(starts(plan)) == {"A", "B"}
    assert plan.objective == pytest.approx(6.0)
    # Without the links the indicator is 1 whatever is chosen: A + C + 2 = 7.5.
    assert relaxed_optimum(data, "synergy_link") == pytest.approx(7.5)


def test_synergy_penalty_avoids_the_overlap() -> None:
    """A=3, B=2, C=1.5, budget fits two; A and B court the same partner
    (penalty -2): A+B earns 3, so A+C = 4.5 wins."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [2]}],
        initiatives=[
            ini("A", 3, cost=[1]),
            ini("B", 2, cost=[1]),
            ini("C", 1.5, cost=[1]),
        ],
        rules=[{"kind": "synergy", "members": ["A", "B"], "bonus": -2}],
    )
    plan = solve_dict(data)
    assert set(starts(plan)) == {"A", "C"}
    assert plan.objective == pytest.approx(4.5)
    # Without the penalty row the indicator stays 0 and A + B earn 5.
    assert relaxed_optimum(data, "synergy_penalty") == pytest.approx(5.0)


def test_delay_discount_prices_a_late_start() -> None:
    """Budget 10 a year; A (4) and B (3) cost 10 each; one must wait a year at 0.5:
    A first, B late: 4 + 1.5 = 5.5 beats 3 + 2 = 5."""
    data = make(
        budgets=[{"id": "central", "limits": [10, 10]}],
        initiatives=[ini("A", 4, cost=[10]), ini("B", 3, cost=[10])],
        settings={"delay_discount": 0.5},
    )
    plan = solve_dict(data)
    assert starts(plan) == {"A": "2027", "B": "2028"}
    assert plan.objective == pytest.approx(5.5)


def test_allow_beyond_horizon_reports_the_committed_tail() -> None:
    """A's 3-year profile cannot fit 2 periods unless allowed; then the tail is
    unconstrained and reported: started 2027, 10 falls after 2028."""
    base = make(
        budgets=[{"id": "central", "limits": [10, 10]}],
        initiatives=[ini("A", 4, cost=[10, 10, 10], latest_start="2027")],
    )
    left_out = solve_dict(base)  # A can never start: left out, with a warning
    assert starts(left_out) == {}
    assert "A can never start" in po.instance_warnings(left_out.instance)[0]
    plan = solve_dict({**base, "settings": {"allow_beyond_horizon": True}})
    assert starts(plan) == {"A": "2027"}
    assert plan.verification is not None
    assert plan.verification.beyond_horizon == {"central": pytest.approx(10.0)}
    assert plan.to_dict()["committed_beyond_horizon"] == {"central": 10.0}


def test_one_period_multidimensional_knapsack() -> None:
    """Only resources, one period: the classic knapsack, optimum by hand 11."""
    data = make(
        periods=["2027"],
        resources=[
            {"id": "fte", "capacity": [5]},
            {"id": "lab_m2", "capacity": [300]},
        ],
        initiatives=[
            ini("A", 6, uses={"fte": [3], "lab_m2": [100]}),
            ini("B", 5, uses={"fte": [2], "lab_m2": [200]}),
            ini("C", 4, uses={"fte": [2], "lab_m2": [100]}),
            ini("D", 3, uses={"fte": [1], "lab_m2": [250]}),
        ],
    )
    plan = solve_dict(data)
    assert set(starts(plan)) == {"A", "B"}
    assert plan.objective == pytest.approx(11.0)
