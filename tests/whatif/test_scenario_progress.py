"""``run_scenarios`` / ``compare`` report each solve to ``progress``."""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make

import pathway_opt as po

DATA = make(
    periods=["2027"],
    budgets=[{"id": "central", "limits": [10]}],
    initiatives=[
        {"id": "A", "scores": {"TC": 5}, "cost": [6]},
        {"id": "B", "scores": {"TC": 4}, "cost": [6]},
    ],
)
SCENARIOS = {
    "cut": [{"op": "scale_budget", "budget": "central", "factor": 0.5}],
    "force B": [{"op": "force_in", "initiative": "B"}],
}


def test_each_solve_is_reported_after_the_checks() -> None:
    calls: list[tuple[int, int]] = []
    plans = po.run_scenarios(
        po.instance_from_data(DATA),
        SCENARIOS,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert len(plans) == 3
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_a_bad_scenario_fails_before_any_progress() -> None:
    calls: list[Any] = []
    bad = {"x": [{"op": "scale_budget", "budget": "nope", "factor": 0.5}]}
    with pytest.raises(po.InputError):
        po.run_scenarios(po.instance_from_data(DATA), bad, progress=calls.append)
    assert calls == []


def test_compare_passes_progress_on_and_refuses_it_for_solved_plans() -> None:
    calls: list[tuple[int, int]] = []
    inst = po.instance_from_data(DATA)
    po.compare(inst, SCENARIOS, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (3, 3)
    with pytest.raises(po.InputError, match="progress"):
        po.compare([po.solve(inst)], progress=lambda d, t: None)
