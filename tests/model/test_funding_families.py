"""Hand-solved cases where funding choice or a variant decides the optimum."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import pathway_opt as po

BASE: dict[str, Any] = {
    "name": "split",
    "periods": ["2027"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [
        {"id": "central", "limits": [10]},
        {"id": "gov", "limits": [6], "eligible": {"type": "joint_lab"}},
    ],
    "initiatives": [
        {
            "id": "A",
            "type": "joint_lab",
            "scores": {"TC": 10},
            "cost": [8],
            "funded_by": ["central", "gov"],
            "max_share": {"gov": 0.5},
        },
        {
            "id": "B",
            "type": "co_taught_course",
            "scores": {"TC": 6},
            "cost": {"central": [5]},
        },
    ],
}


def relaxed_optimum(data: dict[str, Any], family: str) -> float:
    """The optimum with one family's rows dropped."""
    form = po.compile_form(po.instance_from_data(data))
    assert form.blocks[family].n > 0, f"the instance builds no {family} row"
    outcome = po.Solver(form.without(family)).solve(po.SolveSettings())
    assert outcome.objective is not None, outcome.detail
    return outcome.objective


def _solve(data: dict[str, Any]) -> po.Plan:
    plan = po.solve(po.instance_from_data(data))
    assert plan.status == po.Status.OPTIMAL and plan.verified, plan.messages
    return plan


def test_splitting_a_cost_funds_both() -> None:
    # central alone: 8 + 5 > 10; gov pays 3 to 4 (at most half of 8) of A
    plan = _solve(BASE)
    assert plan.objective == pytest.approx(16.0)
    gov = plan.funding.get(("A", "gov", "2027"), 0.0)
    central = plan.funding.get(("A", "central", "2027"), 0.0)
    assert gov + central == pytest.approx(8.0)
    assert 3.0 - 1e-6 <= gov <= 4.0 + 1e-6


def test_max_share_binds() -> None:
    # gov pays at most 2 of A: central would need 6 + 5 > 10, so A alone
    data = copy.deepcopy(BASE)
    data["initiatives"][0]["max_share"] = {"gov": 0.25}
    plan = _solve(data)
    assert plan.objective == pytest.approx(10.0)
    assert set(plan.starts) == {"A"}
    # without the caps gov pays 3 of A and both fit; without the split rows A's
    # cost is charged to no budget at all
    assert relaxed_optimum(data, "fund_max_share") == pytest.approx(16.0)
    assert relaxed_optimum(data, "fund_split") == pytest.approx(16.0)


def test_without_funded_by_the_cost_cannot_be_split() -> None:
    data = copy.deepcopy(BASE)
    ini = data["initiatives"][0]
    del ini["funded_by"], ini["max_share"]
    ini["cost"] = {"central": [8]}
    assert _solve(data).objective == pytest.approx(10.0)


def test_min_use_makes_the_fund_pay() -> None:
    # gov must spend at least 4 (min_use 2/3 of 6) and may fund only A
    data = copy.deepcopy(BASE)
    data["budgets"][1]["min_use"] = 2 / 3
    data["initiatives"][0]["max_share"] = {"gov": 0.75}
    plan = _solve(data)
    assert plan.funding[("A", "gov", "2027")] >= 4.0 - 1e-6


def test_carry_over_lets_a_split_use_last_years_money() -> None:
    # gov: 0 in 2028 but 4 left from 2027 with carry-over; A (cost 4 in 2028)
    # needs gov for half of it since central has 2 in 2028
    data = {
        "name": "carry",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [
            {"id": "central", "limits": [0, 2]},
            {"id": "gov", "limits": [4, 0], "carry_over": True},
        ],
        "initiatives": [
            {
                "id": "A",
                "scores": {"TC": 5},
                "cost": [4],
                "funded_by": ["central", "gov"],
                "earliest_start": "2028",
            }
        ],
    }
    plan = _solve(data)
    assert plan.starts == {"A": "2028"}
    assert plan.funding[("A", "gov", "2028")] >= 2.0 - 1e-6
    data["budgets"][1]["carry_over"] = False
    assert po.solve(po.instance_from_data(data)).objective == pytest.approx(0.0)


def test_spend_share_on_one_budget_counts_the_split() -> None:
    # at least 90 % of gov's spend must go to B, which gov cannot fund: so gov
    # pays nothing, A's 8 falls on central alone and B no longer fits
    data = copy.deepcopy(BASE)
    data["budgets"][1]["eligible"] = None
    data["initiatives"][1]["cost"] = [5]
    data["initiatives"][1]["funded_by"] = ["central"]
    data["rules"] = [
        {"kind": "spend_share", "members": ["B"], "at_least": 0.9, "budget": "gov"}
    ]
    plan = _solve(data)
    assert plan.objective == pytest.approx(10.0)
    assert plan.funding.get(("A", "gov", "2027"), 0.0) == pytest.approx(0.0, abs=1e-6)


VARIANTS: dict[str, Any] = {
    "name": "variants",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [10, 10]}],
    "initiatives": [
        {
            "id": "LAB",
            "scores": {"TC": 10},
            "cost": [10],
            "variants": [{"id": "lite", "cost": [4], "scores": {"TC": 6}}],
        },
        {"id": "C", "scores": {"TC": 5}, "cost": [6], "latest_start": "2027"},
    ],
    "settings": {"delay_discount": 0.5},
}


def test_a_reduced_variant_makes_room() -> None:
    # 2027: LAB (10) alone, or lite (6) + C (5) = 11; 2028 discounts by half
    plan = _solve(VARIANTS)
    assert plan.objective == pytest.approx(11.0)
    assert plan.variants == {"LAB": "lite"}
    assert plan.to_dict()["selected"][0]["variant"] == "lite"
    # without start_once, LAB and lite could both start (and select stays free)
    assert relaxed_optimum(VARIANTS, "start_once") > 11.0 + 1e-6


def test_at_most_one_version_and_rules_follow_the_running_version() -> None:
    data = copy.deepcopy(VARIANTS)
    data["budgets"][0]["limits"] = [14, 10]
    data["initiatives"].append(
        {"id": "X", "scores": {"TC": 1}, "cost": [0], "latest_start": "2027"}
    )
    # X requires LAB started a period earlier: LAB (any version) in 2027 is
    # too late for X in 2027, so X is out whichever version runs
    data["rules"] = [{"kind": "requires", "initiative": "X", "on": ["LAB"], "lag": 1}]
    plan = _solve(data)
    # 14 in 2027: LAB (10) + no room for C (6), or lite (4) + C (6): 11 > 10
    assert plan.objective == pytest.approx(11.0)
    assert "X" not in plan.starts
    assert plan.variants == {"LAB": "lite"}


def test_a_later_variant_is_discounted_from_the_initiatives_earliest_start() -> None:
    # the co-funded version may start only in 2028: its value 8 is halved
    data = copy.deepcopy(VARIANTS)
    data["initiatives"] = [
        {
            "id": "LAB",
            "scores": {"TC": 10},
            "cost": [20],
            "variants": [
                {
                    "id": "late",
                    "cost": [5],
                    "scores": {"TC": 8},
                    "earliest_start": "2028",
                }
            ],
        }
    ]
    plan = _solve(data)
    assert plan.variants == {"LAB": "late"}
    assert plan.starts == {"LAB": "2028"}
    assert plan.objective == pytest.approx(4.0)


def test_an_average_rule_takes_the_running_versions_value() -> None:
    # average TC of the selected at least 8: lite (6) pulls C's 5 below it,
    # the full LAB (10) alone meets it
    data = copy.deepcopy(VARIANTS)
    data["rules"] = [{"kind": "average", "field": "score:TC", "at_least": 8}]
    plan = _solve(data)
    assert plan.objective == pytest.approx(10.0)
    assert plan.variants == {} and set(plan.starts) == {"LAB"}
