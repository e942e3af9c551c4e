"""The robust (CVaR) plan against brute force, and against cases worked by hand.

The brute force enumerates every assignment, keeps those the verifier accepts
on the instance as given (costs as given), scores each on every sampled
scenario with the verifier, and takes the best mean of the worst share. It
shares no code with the model.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from random_instances import instances, valid

import pathway_opt as po
from pathway_opt.whatif.cvar import cvar, parse_measure
from pathway_opt.whatif.uncertainty import draw, sampled_instance, uncertain_parameters


def worst_share_mean(scores: list[float], alpha: float) -> float:
    """The CVaR by its definition: max over eta of eta - E[(eta - S)^+] / alpha.

    The maximum is at one of the scores (the function is concave and
    piecewise linear with kinks there).
    """
    n = len(scores)
    return max(
        eta - sum(max(eta - s, 0.0) for s in scores) / (alpha * n) for eta in scores
    )


def brute_force_cvar(inst: po.Instance, alpha: float, samples: int, seed: int) -> Any:
    params = uncertain_parameters(inst)
    values = draw(params, samples, seed)
    scenarios = [sampled_instance(inst, params, v, costs=False) for v in values]
    best = None
    choices = [[None, *inst.periods] for _ in inst.initiatives]
    for combo in itertools.product(*choices):
        selection = {i.id: p for i, p in zip(inst.initiatives, combo, strict=True) if p}
        if not po.verify(inst, selection).ok:
            continue
        scores = [po.verify(s, selection).objective for s in scenarios]
        value = worst_share_mean(scores, alpha)
        if best is None or value > best:
            best = value
    return best


@st.composite
def uncertain_instances(draw_: st.DrawFn) -> dict[str, Any]:
    data = draw_(instances())
    for ini in data["initiatives"]:
        if draw_(st.booleans()):
            tc = ini["scores"]["TC"]
            p = ini["success_probability"]
            ini["uncertainty"] = {
                "scores": {"TC": [max(0, tc - draw_(st.integers(0, 6))),
                                  tc + draw_(st.integers(0, 6))]},
                "success_probability": [p * draw_(st.sampled_from([0.3, 0.8])), p],
            }  # fmt: skip
    if draw_(st.booleans()):
        weight = data["criteria"][0]["weight"]
        data["criteria"][0]["weight_range"] = [weight / 2, weight * 1.5]
    return data


@hsettings(max_examples=25)
@given(
    uncertain_instances(),
    st.sampled_from([0.2, 0.34, 0.5, 1.0]),
    st.integers(1, 6),
    st.integers(0, 3),
)
def test_the_cvar_plan_equals_brute_force(
    data: dict[str, Any], alpha: float, samples: int, seed: int
) -> None:
    inst = valid(data)
    best = brute_force_cvar(inst, alpha, samples, seed)
    plan = po.solve_robust(inst, f"cvar:{alpha}", samples, seed)
    if best is None:
        assert not plan.has_plan
        assert plan.robust is None
        return
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert plan.robust is not None
    assert plan.robust["cvar"] == pytest.approx(best, abs=1e-6)
    assert plan.robust["cvar_bound"] == pytest.approx(best, abs=1e-5)
    given_plan = po.solve(inst)
    assert plan.robust["given_plan_objective"] == pytest.approx(given_plan.objective)
    # the robust plan is no better with the given values, and no worse in CVaR
    assert plan.objective <= given_plan.objective + 1e-6
    assert plan.robust["cvar"] >= plan.robust["given_plan_cvar"] - 1e-6


def test_a_safe_initiative_beats_a_risky_one_with_a_higher_mean() -> None:
    # A: score ~ triangular(1, 5, 9), mean 5; B: 4.8 for sure; one slot
    inst = po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [{"id": "TC", "weight": 1.0}],
            "initiatives": [
                {
                    "id": "A",
                    "scores": {"TC": 5},
                    "uncertainty": {"scores": {"TC": [1, 9]}},
                },
                {"id": "B", "scores": {"TC": 4.8}},
            ],
            "rules": [{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
        }
    )
    plan = po.solve_robust(inst, "cvar:0.2", 100, 0)
    assert plan.starts == {"B": "2027"}
    assert plan.objective == pytest.approx(4.8)
    robust = plan.robust
    assert robust is not None
    assert robust["cvar"] == pytest.approx(4.8)
    # the plan for the given values funds A; the mean of A's worst 20 % of
    # triangular(1, 5, 9) is about 1 + (2/3) sqrt(0.2 x 32) = 2.69
    assert robust["given_plan_objective"] == pytest.approx(5.0)
    assert robust["given_plan_cvar"] == pytest.approx(1 + 2 / 3 * 6.4**0.5, abs=0.02)
    # the mean (alpha = 1) prefers A again
    mean_plan = po.solve_robust(inst, "cvar:1", 100, 0)
    assert mean_plan.starts == {"A": "2027"}


def test_costs_stay_as_given_in_the_robust_plan() -> None:
    # A's cost factor could push it over the budget; the robust plan ignores it
    inst = po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [{"id": "TC", "weight": 1.0}],
            "budgets": [{"id": "central", "limits": [10]}],
            "initiatives": [
                {
                    "id": "A",
                    "scores": {"TC": 10},
                    "cost": [9],
                    "uncertainty": {"cost_factor": [0.9, 3]},
                },
                {"id": "B", "scores": {"TC": 1}, "cost": [1]},
            ],
        }
    )
    plan = po.solve_robust(inst, "cvar:0.1", 20, 0)
    assert plan.starts == {"A": "2027", "B": "2027"}
    assert plan.robust is not None and plan.robust["costs"].startswith("given")


def test_cvar_of_scores() -> None:
    scores = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    assert cvar(scores, 0.4) == pytest.approx(1.5)
    assert cvar(scores, 1.0) == pytest.approx(3.0)
    assert cvar(scores, 0.1) == pytest.approx(1.0)  # less than one score: the worst
    assert cvar(scores, 0.5) == pytest.approx((1 + 2 + 0.5 * 3) / 2.5)
    for alpha in (0.1, 0.3, 0.5, 0.7, 1.0):
        assert cvar(scores, alpha) == pytest.approx(
            worst_share_mean(list(scores), alpha)
        )


def test_the_plan_json_and_summary_carry_the_robust_figures() -> None:
    inst = po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [{"id": "TC", "weight": 1.0, "weight_range": [0.5, 1.5]}],
            "initiatives": [{"id": "A", "scores": {"TC": 5}}],
        }
    )
    plan = po.solve_robust(inst, "cvar:0.5", 10, 0)
    data = json.loads(po.plan_json(plan))
    assert data["robust"]["measure"] == "cvar" and data["robust"]["alpha"] == 0.5
    assert data["robust"]["samples"] == 10 and data["robust"]["seed"] == 0
    assert data["objective"] == 5
    text = po.summary(plan)
    assert "CVaR (mean of the worst 50%)" in text
    assert "plan for the given values" in text


@pytest.mark.parametrize("text", ["cvar", "cvar:0", "cvar:1.5", "var:0.2", "cvar:x"])
def test_a_bad_measure_names_robust(text: str) -> None:
    with pytest.raises(po.InputError) as caught:
        parse_measure(text)
    assert caught.value.problems[0].path == "robust"
    assert "cvar:ALPHA" in caught.value.problems[0].message


def test_without_a_plan_for_the_given_values_there_is_no_robust_plan() -> None:
    inst = po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [{"id": "TC", "weight": 1.0}],
            "budgets": [{"id": "central", "limits": [1]}],
            "initiatives": [
                {"id": "A", "scores": {"TC": 5}, "cost": [3], "decision": "must"}
            ],
        }
    )
    plan = po.solve_robust(inst, "cvar:0.2", 5, 0)
    assert plan.status == po.Status.INFEASIBLE and plan.robust is None
    assert "no robust plan" in plan.messages[-1]
