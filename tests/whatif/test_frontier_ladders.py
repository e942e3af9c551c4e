"""Contingency ladders: hand-worked steps, and consistency on a real instance."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from repo_paths import INSTANCES
from tiny_instances import make

import pathway_opt as po
from pathway_opt.whatif.edits import Scenario

SMALL = INSTANCES / "small_applied_college.json"

# One carry-over budget of 5 + 5 (cumulative 5, 10). A (value 5) costs 12 and
# B (value 3) costs 6, both starting in 2028; C (value 1, 2027) costs nothing.
# Frontier: λ 0 -> 1 (C), 0.6 -> 4 (B, C), 1.2 -> 6 (A, C), 1.8 -> 9 (A, B, C).
LATE = {"earliest_start": "2028", "latest_start": "2028"}
HAND: dict[str, Any] = make(
    budgets=[{"id": "central", "limits": [5, 5], "carry_over": True}],
    initiatives=[
        {"id": "A", "scores": {"TC": 5}, "cost": [12], **LATE},
        {"id": "B", "scores": {"TC": 3}, "cost": [6], **LATE},
        {"id": "C", "scores": {"TC": 1}, "latest_start": "2027"},
    ],
)


def test_hand_worked_ladders() -> None:
    inst = po.instance_from_data(HAND)
    fund, cut = po.ladders(inst)
    assert list(fund["lambda"]) == [1.2, 1.8]
    assert [round(v, 9) for v in fund["extra_money"]] == [2, 6]
    assert [round(v, 9) for v in fund["extra_money_total"]] == [2, 8]
    assert list(fund["score_gained"]) == pytest.approx([2.0, 3.0])
    assert list(fund["score_gained_total"]) == pytest.approx([2.0, 5.0])
    assert list(fund["added"]) == ["A@2028", "B@2028"]
    assert list(fund["removed"]) == ["B@2028", ""]
    assert list(cut["lambda"]) == [0.6, 0.0]
    assert [round(v, 9) for v in cut["money_saved"]] == [4, 6]
    assert [round(v, 9) for v in cut["money_saved_total"]] == [4, 10]
    assert list(cut["score_lost"]) == pytest.approx([0.0, 3.0])
    assert list(cut["removed"]) == ["", "B@2028"]


@pytest.fixture(scope="module")
def small() -> tuple[po.Instance, po.Frontier, pd.DataFrame, pd.DataFrame]:
    inst = po.load_instance(SMALL)
    front = po.frontier(inst)
    fund, cut = po.ladders(inst, computed=front)
    return inst, front, fund, cut


def _apply(plan: dict[str, str], row: pd.Series) -> dict[str, str]:
    plan = dict(plan)
    for item in filter(None, str(row["removed"]).split(";")):
        del plan[item.split("@")[0]]
    for item in filter(None, str(row["added"]).split(";")):
        ini, start = item.split("@")
        plan[ini] = start
    for item in filter(None, str(row["moved"]).split(";")):
        ini, move = item.split("@")
        plan[ini] = move.split("->")[1]
    return plan


def test_ladders_split_the_frontier_at_one(small: Any) -> None:
    _, front, fund, cut = small
    lams = list(front.points["lambda"])
    assert list(fund["lambda"]) == sorted(v for v in lams if v > 1)
    assert list(cut["lambda"]) == sorted((v for v in lams if v < 1), reverse=True)
    assert fund["step"].tolist() == list(range(1, len(fund) + 1))


def test_steps_add_up_and_replay_to_the_plans(small: Any) -> None:
    _, front, fund, cut = small
    base = front.base
    assert front.points["objective"].iloc[front.at(1.0)] == pytest.approx(
        base.objective, abs=1e-6
    )
    for ladder, money, score in (
        (fund, "extra_money", "score_gained"),
        (cut, "money_saved", "score_lost"),
    ):
        assert ladder[money].cumsum().tolist() == pytest.approx(
            ladder[f"{money}_total"].tolist()
        )
        assert ladder[score].cumsum().tolist() == pytest.approx(
            ladder[f"{score}_total"].tolist(), abs=1e-9
        )
        plan = dict(base.starts)
        for _, row in ladder.iterrows():
            plan = _apply(plan, row)
            k = list(front.points["lambda"]).index(row["lambda"])
            assert plan == front.plans[k]
    assert (fund["score_gained"] > 0).all()
    assert (cut["score_lost"].iloc[1:] > 0).all()


def test_each_step_is_the_optimum_of_a_fresh_solve(small: Any) -> None:
    inst, _, fund, cut = small
    for row in [fund.iloc[0], fund.iloc[-1], cut.iloc[5], cut.iloc[-1]]:
        edits: list[Any] = [
            {"op": "scale_budget", "budget": b.id, "factor": row["lambda"]}
            for b in inst.budgets
        ]
        fresh = po.solve(Scenario(name="step", edits=edits).apply(inst))
        assert fresh.objective == pytest.approx(row["objective"], abs=1e-6)


def test_parallel_frontier_has_the_same_breakpoints(small: Any) -> None:
    inst, front, _, _ = small
    parallel = po.frontier(inst, workers=2, segments=3)
    columns = ["lambda", "total_budget", "objective", "status", "n_selected"]
    pd.testing.assert_frame_equal(parallel.points[columns], front.points[columns])
    assert parallel.floor == front.floor == "infeasible"
    assert parallel.messages == front.messages
    for k, plan in enumerate(parallel.plans):  # ties may pick another plan
        lam = float(parallel.points["lambda"].iloc[k])
        assert po.verify(_scaled(inst, lam), list(plan.items())).ok


def _scaled(inst: po.Instance, scale: float) -> po.Instance:
    edits: list[Any] = [
        {"op": "scale_budget", "budget": b.id, "factor": scale} for b in inst.budgets
    ]
    return Scenario(name="scaled", edits=edits).apply(inst)


def test_bad_segments_is_an_input_error() -> None:
    with pytest.raises(po.InputError, match="segments"):
        po.frontier(po.instance_from_data(HAND), segments=0)
