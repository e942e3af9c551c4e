"""Infeasible instances end with a first useful sentence naming what conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make, solve_dict

import pathway_opt as po


def ini(id_: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": 1}, **fields}


def explanation(data: dict[str, Any]) -> str:
    plan = solve_dict(data)
    assert plan.status == po.Status.INFEASIBLE
    assert plan.exit_code == 3
    assert plan.starts == {}
    assert plan.to_dict()["selected"] == []
    assert plan.messages
    return " ".join(plan.messages)


def test_budget_short_by_a_known_amount() -> None:
    data = make(
        budgets=[{"id": "central", "limits": [5_000_000, 5_000_000]}],
        initiatives=[
            ini("JL", cost=[3_200_000], decision="must", latest_start="2027"),
            ini("IC", cost=[3_000_000], decision="must", latest_start="2027"),
        ],
    )
    text = explanation(data)
    assert "6,200,000" in text and "5,000,000" in text
    assert 'budget "central" in 2027' in text


def test_carry_over_budget_shortfall_is_cumulative() -> None:
    """Each must fits alone; together they need 16 by 2027 against 10."""
    data = make(
        budgets=[{"id": "central", "limits": [10, 10], "carry_over": True}],
        initiatives=[
            ini("A", cost=[8], decision="must", latest_start="2027"),
            ini("B", cost=[8, 4], decision="must"),
        ],
    )
    text = explanation(data)
    assert 'need at least 16 CNY of budget "central" up to 2027' in text
    assert "but it allows 10" in text


def test_single_must_larger_than_any_limit() -> None:
    data = make(
        budgets=[{"id": "central", "limits": [10, 10], "carry_over": True}],
        initiatives=[ini("A", cost=[15, 10], decision="must")],
    )
    text = explanation(data)
    assert 'it alone needs 15 CNY of budget "central" up to 2027, limit 10' in text


def test_resource_shortfall() -> None:
    data = make(
        resources=[{"id": "fte", "unit": "FTE", "capacity": [2, 2]}],
        initiatives=[ini("A", uses={"fte": [3]}, decision="must")],
    )
    text = explanation(data)
    assert 'must-fund "A" cannot fit from any start it may take' in text
    assert 'it alone needs 3 FTE of resource "fte" in 2027, capacity 2' in text


def test_two_musts_in_an_at_most_one_group() -> None:
    data = make(
        initiatives=[ini("IC1", decision="must"), ini("IC2", decision="must")],
        rules=[{"kind": "at_most", "count": 1, "members": ["IC1", "IC2"]}],
    )
    text = explanation(data)
    assert "rule 1 (at_most 1)" in text and "IC1, IC2" in text


def test_requires_chain_whose_lag_does_not_fit_the_horizon() -> None:
    data = make(
        periods=["2027", "2028", "2029"],
        initiatives=[ini("PA"), ini("JL"), ini("IC", decision="must")],
        rules=[
            {"kind": "requires", "initiative": "JL", "on": ["PA"], "lag": 1},
            {"kind": "requires", "initiative": "IC", "on": ["JL"], "lag": 2},
        ],
    )
    text = explanation(data)
    assert '"IC"' in text and "cannot start" in text
    assert "1 period after 2029" in text


def test_must_requires_a_never() -> None:
    data = make(
        initiatives=[ini("PA", decision="never"), ini("JL", decision="must")],
        rules=[{"kind": "requires", "initiative": "JL", "on": ["PA"]}],
    )
    assert 'must-fund "JL" requires "PA", which is marked never' in explanation(data)


def test_at_least_that_no_plan_can_meet() -> None:
    data = make(
        initiatives=[ini("A", type="co_taught_course"), ini("B", decision="never")],
        rules=[{"kind": "at_least", "count": 2, "members": ["A", "B"]}],
    )
    assert "only 1 of its 2 members can be selected" in explanation(data)


def test_conflict_found_only_by_re_solving_names_the_families() -> None:
    """No must: at least 2 of A, B, but the budget fits one. Relaxing either the
    count rules or the budget limits gives a plan, and both are named."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[ini("A", cost=[10]), ini("B", cost=[10])],
        rules=[{"kind": "at_least", "count": 2, "members": ["A", "B"]}],
    )
    text = explanation(data)
    assert "the budget limits" in text
    assert "the at_most / at_least / exactly rules" in text


def test_infeasible_verdict_is_confirmed_with_presolve_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stub only the confirming solve's verdict (no real instance makes HiGHS
    disagree with itself): a disagreement is a solver inconsistency, exit 5."""
    import pathway_opt.pipeline as pipeline

    monkeypatch.setattr(pipeline, "confirm_infeasible", lambda *args: False)
    data = make(
        initiatives=[ini("A", decision="must"), ini("B", decision="must")],
        rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
    )
    with pytest.raises(po.SolverError, match="inconsistency"):
        solve_dict(data)


def test_spend_share_that_the_musts_break_is_lowered_to_what_they_reach() -> None:
    """Must-fund lab J (cost 48) and course C (cost 52): courses take 0.52 of
    spend, below at_least 0.6. The smallest repair lowers rule 1's share to what
    the musts reach (0.52); releasing J alone (weight 1) is larger than moving 8
    of 100 money (0.08 of the money unit 100)."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [100]}],
        initiatives=[
            ini("J", type="joint_lab", cost=[48], decision="must"),
            ini("C", type="co_taught_course", cost=[52], decision="must"),
        ],
        rules=[
            {
                "kind": "spend_share",
                "where": {"type": "co_taught_course"},
                "at_least": 0.6,
            }
        ],
    )
    text = explanation(data)
    assert (
        "lower rule 1's spend share of initiatives with type co_taught_course from "
        "at least 0.6 to at least 0.52"
    ) in text
    inst = po.instance_from_data(data)
    (repair, *_) = po.find_repairs(inst, po.compile_form(inst), po.SolveSettings())
    assert repair.confirmed
    assert [(p.kind, p.target, p.amount) for p in repair.parts] == [
        ("share", "rule 1", 0.52)
    ]


def test_average_that_the_musts_break_is_raised_to_what_they_reach() -> None:
    """Must-fund A (p 0.9) and B (p 0.8) average 0.85, above at_most 0.8: the
    repair raises rule 1's bound to 0.85 (or releases a must)."""
    data = make(
        periods=["2027"],
        initiatives=[
            ini("A", success_probability=0.9, decision="must"),
            ini("B", success_probability=0.8, decision="must"),
        ],
        rules=[{"kind": "average", "field": "success_probability", "at_most": 0.8}],
    )
    text = explanation(data)
    assert (
        "raise rule 1's average success_probability from at most 0.8 to at most 0.85"
    ) in text
