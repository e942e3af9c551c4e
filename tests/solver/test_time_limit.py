"""The time limit holds for the whole solve call, with the best plan found."""

from __future__ import annotations

import time

import pytest

import pathway_opt as po
from pathway_opt.inputs.generate import generate

GRACE = 3.0  # seconds: HiGHS is interrupted 1 s after its own limit


@pytest.fixture(scope="module")
def hard_instance() -> po.Instance:
    """Takes HiGHS far longer than the limits below to prove optimal."""
    return po.instance_from_data(generate(2000, 5, seed=1))


@pytest.mark.parametrize("limit", [0.0, 2.0])
def test_limit_is_hard_and_status_honest(
    hard_instance: po.Instance, limit: float
) -> None:
    began = time.perf_counter()
    plan = po.solve(hard_instance, po.SolveSettings(time_limit=limit))
    wall = time.perf_counter() - began
    assert wall <= limit + GRACE
    assert plan.status in (po.Status.FEASIBLE, po.Status.NO_SOLUTION)
    if plan.status == po.Status.FEASIBLE:
        assert plan.verified
        assert plan.gap is not None and plan.gap > 0
        assert plan.bound is not None and plan.objective is not None
        assert plan.bound >= plan.objective
    else:
        assert plan.to_dict()["selected"] == []
        assert plan.exit_code == 4
