"""The comparison JSON of scenarios run on one session, against brute force.

On random tiny instances (every rule kind), each scenario's objective in the
JSON is the brute-force optimum of the edited instance (or null when nothing is
feasible), its spend per budget is what the instance's costs give for its
selection, and its changes are those between its selection and the base's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from random_instances import brute_force, instances, valid

import pathway_opt as po


def _spend(inst: po.Instance, selected: list[dict[str, Any]], budget: str) -> float:
    """Money of `budget` spent inside the horizon, from the instance's costs."""
    by_id = {i.id: i for i in inst.initiatives}
    total = 0.0
    for item in selected:
        start = inst.periods.index(item["start"])
        profile = by_id[item["id"]].cost_by_budget(inst.budget_ids()).get(budget, [])
        total += sum(profile[: len(inst.periods) - start])
    return total


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_each_scenario_is_its_edited_optimum(data: dict[str, Any]) -> None:
    inst = valid(data)
    scenarios: dict[str, list[dict[str, Any]]] = {
        "first out": [{"op": "force_out", "initiative": inst.initiatives[0].id}],
    }
    if inst.budgets:
        budget = inst.budgets[0].id
        scenarios["halved"] = [{"op": "scale_budget", "budget": budget, "factor": 0.5}]
    plans = po.run_scenarios(inst, scenarios)
    data_ = json.loads(po.comparison_json(po.compare(plans), plans))
    entries = data_["scenarios"]
    assert [e["name"] for e in entries] == ["base", *scenarios]
    base = entries[0]
    for entry in entries:
        edits = scenarios.get(entry["name"], [])
        edited = po.Scenario(name=entry["name"], edits=edits).apply(inst)
        best = brute_force(edited)
        if best is None:
            assert entry["status"] == "infeasible"
            assert entry["objective"] is None and entry["selected"] == []
            assert set(entry["spend"].values()) <= {None}
            continue
        assert entry["status"] == "optimal"
        assert entry["objective"] == pytest.approx(best, abs=1e-6)
        for budget in inst.budget_ids():
            expected = _spend(edited, entry["selected"], budget)
            assert entry["spend"][budget] == pytest.approx(expected, abs=0.01)
        if base["objective"] is not None:
            assert entry["delta"] == pytest.approx(
                entry["objective"] - base["objective"], abs=1e-5
            )
        before = {s["id"]: s["start"] for s in base["selected"]}
        after = {s["id"]: s["start"] for s in entry["selected"]}
        assert entry["added"] == sorted(set(after) - set(before))
        assert entry["removed"] == sorted(set(before) - set(after))
