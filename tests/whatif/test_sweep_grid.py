"""Sweeps: the grid, one re-solved session, the same table on any executor."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from repo_paths import INSTANCES
from tiny_instances import make

import pathway_opt as po
import pathway_opt.whatif.session as session_module
from pathway_opt.whatif.edits import Scenario
from pathway_opt.whatif.sweep import parse_scales

SMALL = INSTANCES / "small_applied_college.json"

# Two budgets and one resource. A (value 4) costs 6 central; B (value 3) costs 6
# partner; C (value 2) costs 3 central + 3 partner and 2 of the lab's 3 hours;
# D (value 1) is must-fund and costs 2 central.
TWO_BUDGETS: dict[str, Any] = make(
    periods=["2027"],
    budgets=[
        {"id": "central", "limits": [8]},
        {"id": "partner", "limits": [6]},
    ],
    resources=[{"id": "lab", "capacity": [3]}],
    initiatives=[
        {"id": "A", "scores": {"TC": 4}, "cost": {"central": [6]}},
        {"id": "B", "scores": {"TC": 3}, "cost": {"partner": [6]}},
        {
            "id": "C",
            "scores": {"TC": 2},
            "cost": {"central": [3], "partner": [3]},
            "uses": {"lab": [2]},
        },
        {"id": "D", "scores": {"TC": 1}, "cost": {"central": [2]}, "decision": "must"},
    ],
)


def no_seconds(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["seconds"])


@pytest.fixture(scope="module")
def small() -> po.Instance:
    return po.load_instance(SMALL)


@pytest.fixture(scope="module")
def two() -> po.Instance:
    return po.instance_from_data(TWO_BUDGETS)


def test_parse_scales_forms() -> None:
    values = parse_scales("0.5:1.5:21")
    assert len(values) == 21
    assert values[0] == 0.5 and values[-1] == 1.5 and values[2] == 0.6
    assert parse_scales(" 0.8, 1 ,1.2") == [0.8, 1.0, 1.2]
    assert parse_scales("1.1") == [1.1]
    assert parse_scales("2:2:1") == [2.0]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0.5:1.5", "not a:b:n"),
        ("0.5:1.5:x", "whole number"),
        ("a:1:3", "must be numbers"),
        ("1:2:0", "between 1 and"),
        ("1:2:1", "n = 1 needs a = b"),
        ("0.5,,1", "not a list of numbers"),
        ("-0.1,1", ">= 0"),
        ("nan", ">= 0"),
        ("1,inf", ">= 0"),
    ],
)
def test_parse_scales_errors(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_scales(text)


def test_grid_rows_and_figures(two: po.Instance) -> None:
    table = po.sweep(two, budget_scale=[0.5, 1.0, 2.0], capacity_scale=[1.0, 0.0])
    assert list(table["point"]) == list(range(6))
    assert list(table["budget_scale"]) == [0.5, 0.5, 1.0, 1.0, 2.0, 2.0]
    assert list(table["capacity_scale"]) == [1.0, 0.0] * 3
    assert table["verified"].all() and table["status"].eq("optimal").all()
    # At scale 1: central 8 holds A + D (8); partner 6 holds B: 4 + 3 + 1.
    base = table.iloc[2]
    assert base["objective"] == pytest.approx(8.0)
    assert base["selected"] == "A@2027;B@2027;D@2027"
    assert base["used_central"] == 8.0 and base["utilisation_central"] == 1.0
    assert base["used_partner"] == 6.0 and base["utilisation_partner"] == 1.0
    # Doubled budgets with the lab: everything (10); without the lab, no C (8).
    assert table.iloc[4]["objective"] == pytest.approx(10.0)
    assert table.iloc[5]["objective"] == pytest.approx(8.0)
    assert set(table.columns) >= {"bound", "gap", "n_selected", "seconds"}


def test_each_point_equals_a_fresh_solve_of_the_edited_instance(
    two: po.Instance,
) -> None:
    table = po.sweep(two, [0.4, 1.3], [0.5], budgets=["central"])
    for _, row in table.iterrows():
        edits: list[Any] = [
            {"op": "scale_budget", "budget": "central", "factor": row["budget_scale"]},
            {"op": "scale_capacity", "resource": "lab", "factor": 0.5},
        ]
        fresh = po.solve(Scenario(name="p", edits=edits).apply(two))
        assert row["objective"] == pytest.approx(fresh.objective, abs=1e-9)
        assert row["status"] == fresh.status.value


def test_only_listed_budgets_are_scaled(two: po.Instance) -> None:
    table = po.sweep(two, [0.0], budgets=["partner"])
    row = table.iloc[0]
    # Partner 0: no B, no C; central 8 still holds A + D.
    assert row["selected"] == "A@2027;D@2027"
    assert row["used_partner"] == 0.0


def test_infeasible_point_has_no_figures(two: po.Instance) -> None:
    table = po.sweep(two, [0.0, 1.0])
    bad = table.iloc[0]  # D is must-fund and needs 2 of central
    assert bad["status"] == "infeasible" and not bad["verified"]
    assert math.isnan(bad["objective"]) and bad["selected"] == ""
    assert bad["n_selected"] == 0 and math.isnan(bad["used_central"])
    assert table.iloc[1]["status"] == "optimal"


def test_one_session_no_rebuild(
    small: po.Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []
    original = session_module.compile_form

    def counting(inst: po.Instance) -> Any:
        built.append(1)
        return original(inst)

    monkeypatch.setattr(session_module, "compile_form", counting)
    seen: list[tuple[int, int]] = []
    table = po.sweep(
        small, [0.6, 0.8, 1.0], [1.0, 1.2], progress=lambda d, n: seen.append((d, n))
    )
    assert len(table) == 6 and len(built) == 1
    assert seen == [(k, 6) for k in range(1, 7)]


def test_scale_one_is_the_plain_solve(small: po.Instance) -> None:
    table = po.sweep(small, [1.0])
    plan = po.solve(small)
    assert table["objective"].iloc[0] == pytest.approx(plan.objective, abs=1e-9)


def test_two_local_processes_give_the_same_table(small: po.Instance) -> None:
    scales = [0.5, 0.7, 0.9, 1.1, 1.3]
    one = po.sweep(small, scales, [1.0, 0.9])
    two = po.sweep(small, scales, [1.0, 0.9], workers=2)
    pd.testing.assert_frame_equal(no_seconds(one), no_seconds(two))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"budget_scale": [-1.0]}, "budget_scale"),
        ({"capacity_scale": [math.nan]}, "capacity_scale"),
        ({"budget_scale": []}, "budget_scale"),
        ({"budgets": ["nope"]}, "budgets"),
        ({"resources": ["lab", "x"]}, "resources"),
        ({"workers": 0}, "workers"),
        ({"scheduler": 42}, "scheduler"),
    ],
)
def test_bad_arguments_are_input_errors(
    two: po.Instance, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(po.InputError) as caught:
        po.sweep(two, **kwargs)
    assert caught.value.problems[0].path == field
