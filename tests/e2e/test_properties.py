"""Property tests on random tiny instances that use every rule kind.

The instances and the brute force come from ``random_instances``; the brute force
enumerates every assignment and keeps those the independent verifier accepts, so
it shares no code with the model.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from random_instances import brute_force, instances, valid

import pathway_opt as po


@settings(max_examples=150)
@given(instances())
def test_optimum_equals_exhaustive_enumeration(data: dict[str, Any]) -> None:
    inst = valid(data)
    plan = po.solve(inst)
    expected = brute_force(inst)
    if expected is None:
        assert plan.status == po.Status.INFEASIBLE
        assert plan.messages
    else:
        assert plan.status == po.Status.OPTIMAL
        assert plan.verified
        assert plan.objective == pytest.approx(expected, abs=1e-6)


def optimum(data: dict[str, Any]) -> float | None:
    plan = po.solve(po.instance_from_data(data))
    return plan.objective if plan.status == po.Status.OPTIMAL else None


@given(instances(), st.integers(1, 10))
def test_more_budget_never_lowers_the_optimum(data: dict[str, Any], extra: int) -> None:
    valid(data)
    before = optimum(data)
    assume(before is not None)
    # dropping min_use only removes rows, so the richer optimum is no lower
    richer = copy.deepcopy(data)
    for budget in richer["budgets"]:
        budget["limits"] = [v + extra for v in budget["limits"]]
        budget.pop("min_use", None)  # a larger limit raises what min_use asks
    for resource in richer["resources"]:
        resource["capacity"] = [v + extra for v in resource["capacity"]]
    after = optimum(richer)
    assert after is not None
    assert after >= before - 1e-6


@given(instances(), st.data())
def test_forcing_in_a_selected_initiative_keeps_the_optimum(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    plan = po.solve(valid(data))
    assume(plan.status == po.Status.OPTIMAL and plan.starts)
    chosen = pick.draw(st.sampled_from(sorted(plan.starts)))
    forced = copy.deepcopy(data)
    for item in forced["initiatives"]:
        if item["id"] == chosen:
            item["decision"] = "must"
    assert optimum(forced) == pytest.approx(plan.objective, abs=1e-6)


@given(instances(), st.sampled_from([0.5, 2.0, 3.0]))
def test_scaling_weights_and_bonuses_scales_the_optimum(
    data: dict[str, Any], factor: float
) -> None:
    """Synergy bonuses are score points too, so they scale with the weights."""
    before = optimum(data) if valid(data) else None
    assume(before is not None)
    scaled = copy.deepcopy(data)
    for criterion in scaled["criteria"]:
        criterion["weight"] *= factor
    for rule in scaled["rules"]:
        if rule["kind"] == "synergy":
            rule["bonus"] *= factor
    assert optimum(scaled) == pytest.approx(factor * before, rel=1e-6, abs=1e-6)
