"""The core index over sampled data, against answers worked out by hand.

Two initiatives compete for one slot and one of them is uncertain, so the core
index of each is a probability of the triangular distribution, known exactly;
Latin hypercube sampling puts the sampled share within 1/N of it. The same for
a cost factor deciding whether an initiative fits its budget, which also shows
that sampled costs reach the built model's coefficients (no rebuild) and that
every plan is verified against its sample's costs.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from random_instances import instances, valid
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.model.form import compile_form
from pathway_opt.whatif import robust as robust_module
from pathway_opt.whatif.robust import SampleTask, solve_sample
from pathway_opt.whatif.uncertainty import draw, sampled_instance, uncertain_parameters

SAMPLES = 200


def one_slot(spread: dict[str, Any], score_b: float = 5.5) -> po.Instance:
    """A (score 5, uncertain) and B (certain) compete for one slot."""
    return po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [{"id": "TC", "weight": 1.0}],
            "initiatives": [
                {"id": "A", "scores": {"TC": 5}, "uncertainty": spread},
                {"id": "B", "scores": {"TC": score_b}},
            ],
            "rules": [{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
        }
    )


@pytest.mark.parametrize("seed", [0, 7])
def test_core_index_of_two_competitors_is_the_probability_of_winning(
    seed: int,
) -> None:
    # A's score ~ triangular(3, 5, 8) beats B's 5.5 with probability
    # (8 - 5.5)^2 / ((8 - 3) (8 - 5)) = 6.25 / 15
    result = po.robust(one_slot({"scores": {"TC": [3, 8]}}), SAMPLES, seed)
    exact = 6.25 / 15
    table = result.table.set_index("id")
    assert result.proven == SAMPLES and result.limited == result.failed == 0
    assert abs(table.loc["A", "core_index"] - exact) <= 1 / SAMPLES + 1e-12
    assert table.loc["A", "core_index"] + table.loc["B", "core_index"] == 1
    assert table.loc["B", "in_plan"] and not table.loc["A", "in_plan"]
    assert set(table["class"]) == {"borderline"}
    summary = result.summary()
    # B is certain: the given plan scores 5.5 in every sample
    assert summary["given_score_mean"] == pytest.approx(5.5)
    assert summary["given_score_p10"] == summary["given_score_p90"] == 5.5
    # regret = E[(S_A - 5.5)^+] = 2.5^3 / 45 for the triangular (3, 5, 8)
    assert summary["regret_mean"] == pytest.approx(2.5**3 / 45, abs=0.01)
    assert summary["regret_worst"] <= 8 - 5.5


def test_thresholds_classify_the_core_index() -> None:
    # A wins with probability (8 - 5.1)^2 / 15 = 0.56, B with 0.44: the
    # thresholds decide their classes
    inst = one_slot({"scores": {"TC": [3, 8]}}, score_b=5.1)
    table = po.robust(inst, 40, 1, core=0.5, exterior=0.45).table.set_index("id")
    assert table.loc["A", "class"] == "core"
    assert table.loc["B", "class"] == "exterior"
    assert list(table.index) == ["A", "B"]  # by core index, highest first


def test_a_weight_range_moves_the_choice_too() -> None:
    # B scores on EE only: A (TC 5) wins when w_TC * 5 > 0.5 * 4, i.e.
    # w_TC > 0.4, with w_TC ~ triangular(0.2, 0.5, 0.6)
    inst = po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [
                {"id": "TC", "weight": 0.5, "weight_range": [0.2, 0.6]},
                {"id": "EE", "weight": 0.5},
            ],
            "initiatives": [
                {"id": "A", "scores": {"TC": 5}},
                {"id": "B", "scores": {"EE": 4}},
            ],
            "rules": [{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
        }
    )
    # F(0.4) = (0.4 - 0.2)^2 / ((0.6 - 0.2) (0.5 - 0.2)) = 0.04 / 0.12
    exact = 1 - 0.04 / 0.12
    table = po.robust(inst, SAMPLES, 3).table.set_index("id")
    assert abs(table.loc["A", "core_index"] - exact) <= 1 / SAMPLES + 1e-12


def budget_choice() -> po.Instance:
    """A (cost 8, score 10) or B + C (cost 4 each, score 3 each) within 10."""
    return po.instance_from_data(
        {
            "periods": ["2027"],
            "criteria": [{"id": "TC", "weight": 1.0}],
            "budgets": [{"id": "central", "limits": [10]}],
            "initiatives": [
                {
                    "id": "A",
                    "scores": {"TC": 10},
                    "cost": [8],
                    "uncertainty": {"cost_factor": [0.8, 2.0]},
                },
                {"id": "B", "scores": {"TC": 3}, "cost": [4]},
                {"id": "C", "scores": {"TC": 3}, "cost": [4]},
            ],
        }
    )


def test_a_cost_factor_decides_whether_the_initiative_fits() -> None:
    # A fits while 8 f <= 10 (and never with B or C: 8 x 0.8 + 4 > 10), with
    # f ~ triangular(0.8, 1, 2): P(f <= 1.25) = 1 - 0.75^2 / (1.2 x 1) = 0.53125
    result = po.robust(budget_choice(), SAMPLES, 2)
    table = result.table.set_index("id")
    assert abs(table.loc["A", "core_index"] - 0.53125) <= 1 / SAMPLES + 1e-12
    assert table.loc["B", "core_index"] == pytest.approx(
        1 - table.loc["A", "core_index"]
    )
    summary = result.summary()
    # the given plan (A) fits the sampled costs exactly where A is optimal
    assert summary["given_fits"] == table.loc["A", "samples_funded"]
    # where it fits it is optimal (regret 0); elsewhere no regret is counted
    assert summary["regret_mean"] == pytest.approx(0.0, abs=1e-9)
    assert result.samples["regret"].isna().sum() == SAMPLES - summary["given_fits"]
    factors = result.samples["A cost_factor"]
    funded = result.samples["selected"].str.contains("A@")
    assert ((factors * 8 <= 10 + 1e-9) == funded).all()


def test_samples_reach_the_built_model_without_a_rebuild() -> None:
    inst = budget_choice()
    params = uncertain_parameters(inst)
    values = draw(params, 6, 4)
    session = po.Session(inst)
    solver = session.solver
    for k in range(len(values)):
        task = SampleTask(
            sample=k,
            values=tuple(values[k]),
            params=params,
            settings=po.SolveSettings(),
            given={"A": "2027"},
        )
        row = solve_sample(session, task)
        sampled = sampled_instance(inst, params, values[k])
        # the matrix HiGHS holds is the one a fresh build of the sample has
        fresh = compile_form(sampled).stacked()[0]
        held = session.solver.held_matrix()
        assert abs(held - fresh).max() <= 1e-9 * 8
        # the plan was verified against the sampled costs
        # (as data: two equal initiatives with cached versions do not compare)
        assert session.plan is not None
        assert session.plan.instance.model_dump() == sampled.model_dump()
        assert session.plan.verified
        assert row["optimum"] == pytest.approx(po.solve(sampled).objective)
    assert session.rebuilds == 0 and session.solver is solver
    session.reset()  # back to the costs as given
    assert (
        abs(session.solver.held_matrix() - compile_form(inst).stacked()[0]).max() == 0
    )


@hsettings(max_examples=15)
@given(instances())
def test_without_ranges_the_core_is_the_plan(data: dict[str, Any]) -> None:
    inst = valid(data)
    plan = po.solve(inst)
    result = po.robust(inst, 3, 0)
    if not plan.has_plan:
        assert result.samples.empty
        assert (result.table["class"] == "unknown").all()
        return
    table = result.table.set_index("id")
    for ini in inst.initiatives:
        assert table.loc[ini.id, "core_index"] == (1.0 if ini.id in plan.starts else 0)
        assert table.loc[ini.id, "in_plan"] == (ini.id in plan.starts)
    summary = result.summary()
    assert summary["regret_worst"] == pytest.approx(0.0, abs=1e-9)
    assert summary["given_score_mean"] == pytest.approx(plan.objective)
    assert "every sample is the given data" in result.messages[0]


def test_time_limited_samples_are_counted_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # every other sample stops after one node: on the provincial example
    # that is a plan without proof for some of them (the same on every run)
    def some_limited(session: po.Session, task: SampleTask) -> dict[str, Any]:
        if task.sample % 2:
            task = dataclasses.replace(task, settings=po.SolveSettings(node_limit=1))
        return solve_sample(session, task)

    monkeypatch.setattr(robust_module, "solve_sample", some_limited)
    inst = po.load_instance(INSTANCES / "provincial_applied_university.json")
    result = po.robust(inst, 4, 0)
    frame = result.samples
    limited = frame[frame["status"] == "feasible"]
    assert len(limited) >= 1 and (limited["sample"] % 2 == 1).all()
    assert result.limited == len(limited) and result.failed == 0
    assert result.proven == 4 - len(limited)
    assert limited["regret"].isna().all()
    proven = frame[frame["status"] == "optimal"]
    # the core index counts the proven samples only
    for row in result.table.itertuples():
        funded = proven["selected"].str.contains(f"(?:^|;){row.id}@", regex=True)
        assert row.core_index == funded.mean()
    assert any("hit the time limit" in m for m in result.messages)
    assert result.summary()["time_limited"] == len(limited)


def test_the_result_shows_in_a_notebook_and_in_one_line() -> None:
    result = po.robust(one_slot({"scores": {"TC": [3, 8]}}), 10, 0)
    assert repr(result).startswith("<Robustness 10 samples (seed 0), 10 proven")
    assert "\n" not in repr(result)
    html = result._repr_html_()
    assert "Robustness (core index)" in html and "core_index" in html


def test_bad_arguments_name_the_argument() -> None:
    inst = one_slot({"scores": {"TC": [3, 8]}})
    for kwargs, path in [
        ({"samples": 0}, "samples"),
        ({"samples": 2.5}, "samples"),
        ({"seed": -1}, "seed"),
        ({"core": 1.5}, "core"),
        ({"core": 0.5, "exterior": 0.5}, "exterior"),
        ({"workers": 0}, "workers"),
        ({"time_limit": -1}, "time_limit"),
    ]:
        with pytest.raises(po.InputError) as caught:
            po.robust(inst, **kwargs)
        assert caught.value.problems[0].path == path, kwargs
        assert "--" not in str(caught.value)


def test_the_same_seed_gives_the_same_table_with_two_workers() -> None:
    inst = one_slot({"scores": {"TC": [3, 8]}, "success_probability": [0.7, 1]})
    local = po.robust(inst, 12, 5, threads=1)
    parallel = po.robust(inst, 12, 5, workers=2, threads=1)
    drop = ["seconds"]
    assert local.table.equals(parallel.table)
    assert local.samples.drop(columns=drop).equals(parallel.samples.drop(columns=drop))
    assert not np.isnan(local.samples["optimum"]).any()
    assert math.isfinite(local.summary()["regret_mean"])


def test_a_cost_entry_turning_zero_is_structure_and_rebuilds() -> None:
    inst = budget_choice()
    session = po.Session(inst)
    items = list(inst.initiatives)
    items[0] = items[0].model_copy(update={"cost": [9.0]})  # amount: data
    session.use_data(inst.model_copy(update={"initiatives": items}))
    assert session.rebuilds == 0
    assert session.solve().objective == pytest.approx(10.0)
    items[1] = items[1].model_copy(update={"cost": [0.0]})  # zero: structure
    edited = inst.model_copy(update={"initiatives": items})
    session.use_data(edited)
    assert session.rebuilds == 1
    plan = session.solve()
    assert plan.objective == pytest.approx(po.solve(edited).objective) == 13.0
