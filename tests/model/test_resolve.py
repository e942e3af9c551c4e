"""A built model re-solves after data changes exactly as a fresh build would."""

from __future__ import annotations

import json
from typing import Any

import pytest

import pathway_opt as po
from pathway_opt.model.form import StructureChanged
from pathway_opt.outputs.plan_json import plan_json
from pathway_opt.plan import make_plan

DATA: dict[str, Any] = {
    "name": "re-solve",
    "periods": ["2027", "2028", "2029"],
    "criteria": [{"id": "TC", "weight": 0.6}, {"id": "EE", "weight": 0.4}],
    "budgets": [
        {"id": "central", "limits": [100, 80, 80], "carry_over": True},
        {"id": "partner", "limits": [40, 40, 40]},
    ],
    "resources": [{"id": "fte", "unit": "FTE", "capacity": [3, 3, 3]}],
    "initiatives": [
        {
            "id": "JL",
            "type": "joint_lab",
            "scores": {"TC": 4, "EE": 6},
            "cost": {"central": [60, 20], "partner": [30]},
            "uses": {"fte": [2, 1]},
        },
        {
            "id": "IC",
            "type": "industrial_college",
            "scores": {"TC": 9, "EE": 8},
            "success_probability": 0.7,
            "cost": {"central": [90, 30]},
            "uses": {"fte": [2, 2]},
        },
        {
            "id": "CT",
            "scores": {"TC": 3},
            "cost": {"central": [20]},
            "uses": {"fte": [1]},
        },
        {"id": "OC", "scores": {"TC": 5, "EE": 2}, "cost": {"partner": [35, 10]}},
    ],
    "rules": [
        {"kind": "requires", "initiative": "IC", "on": ["JL"], "lag": 1},
        {"kind": "synergy", "members": ["JL", "CT"], "bonus": 0.5},
    ],
    "settings": {"delay_discount": 0.9},
}


def edited(**changes: Any) -> po.Instance:
    data = json.loads(json.dumps(DATA))
    for path, value in changes.items():
        kind, index, field = path.split("__")
        data[kind][int(index)][field] = value
    return po.instance_from_data(data)


EDITS = [
    {"budgets__0__limits": [50, 40, 40]},
    {"budgets__1__limits": [0, 40, 40]},
    {"resources__0__capacity": [2, 2, 2]},
    {"initiatives__1__decision": "never"},
    {"initiatives__2__decision": "must"},
    {"initiatives__3__scores": {"TC": 50}},
    {"criteria__1__weight": 3.0},
    {"initiatives__0__success_probability": 0.1},
    {"initiatives__1__earliest_start": "2028"},
    {"initiatives__0__latest_start": "2027"},
]


def test_resolves_on_one_built_model_match_fresh_builds() -> None:
    base = po.instance_from_data(DATA)
    solver = po.Solver(po.compile_form(base))
    settings = po.SolveSettings()
    first = make_plan(base, solver.solve(settings))
    assert first.status == po.Status.OPTIMAL
    objectives = set()
    for changes in EDITS:
        inst = edited(**changes)
        solver.update(inst)
        reused = make_plan(inst, solver.solve(settings))
        fresh = po.solve(inst)
        assert reused.status == fresh.status == po.Status.OPTIMAL, changes
        assert reused.objective == pytest.approx(fresh.objective, abs=1e-9), changes
        objectives.add(round(reused.objective or 0.0, 6))
        solver.update(base)
    assert len(objectives) > 3  # the edits really changed the optimum


@pytest.mark.parametrize(
    "changes",
    [
        {"initiatives__0__cost": {"central": [10]}},
        {"budgets__0__carry_over": False},
    ],
)
def test_structural_change_is_refused(changes: dict[str, Any]) -> None:
    solver = po.Solver(po.compile_form(po.instance_from_data(DATA)))
    with pytest.raises(StructureChanged):
        solver.update(edited(**changes))


def test_widening_a_window_beyond_the_built_starts_needs_a_rebuild() -> None:
    narrow = edited(initiatives__2__latest_start="2027")
    solver = po.Solver(po.compile_form(narrow))
    with pytest.raises(StructureChanged, match="start window"):
        solver.update(po.instance_from_data(DATA))


def test_same_instance_gives_byte_identical_plan_json_apart_from_timing() -> None:
    inst = po.instance_from_data(DATA)

    def text() -> str:
        plan = po.solve(inst)
        plan.seconds = 0.0
        plan.timings = {}
        return plan_json(plan)

    assert text() == text()
