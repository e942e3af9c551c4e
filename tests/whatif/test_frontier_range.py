"""The frontier in part: ``max_points``, ``budget_range`` and ``progress``.

Each part is checked against the whole frontier (itself checked against
enumeration in test_frontier_bruteforce.py) and against a hand-worked one.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from repo_paths import INSTANCES
from tiny_instances import make

import pathway_opt as po

SMALL = INSTANCES / "small_applied_college.json"

# One carry-over budget of 5 + 5 (total 10 at λ = 1). A (value 5) costs 12 and
# B (value 3) costs 6, both in 2028; C (value 1) costs nothing. Frontier:
# total budget 0 -> 1 (C), 6 -> 4 (B, C), 12 -> 6 (A, C), 18 -> 9 (A, B, C).
LATE = {"earliest_start": "2028", "latest_start": "2028"}
HAND: dict[str, Any] = make(
    budgets=[{"id": "central", "limits": [5, 5], "carry_over": True}],
    initiatives=[
        {"id": "A", "scores": {"TC": 5}, "cost": [12], **LATE},
        {"id": "B", "scores": {"TC": 3}, "cost": [6], **LATE},
        {"id": "C", "scores": {"TC": 1}, "latest_start": "2027"},
    ],
)


def _points(front: po.Frontier) -> list[tuple[float, float]]:
    return [
        (round(float(m), 6), round(float(o), 6))
        for m, o in zip(
            front.points["total_budget"], front.points["objective"], strict=True
        )
    ]


@pytest.fixture(scope="module")
def small() -> tuple[po.Instance, po.Frontier]:
    inst = po.load_instance(SMALL)
    return inst, po.frontier(inst)


def test_hand_worked_range_and_truncation() -> None:
    inst = po.instance_from_data(HAND)
    scores = [(6.0, 4.0), (12.0, 6.0)]
    inside = po.frontier(inst, budget_range=(5, 13))
    assert _points(inside) == scores
    assert inside.floor == "range" and not inside.truncated
    ends = po.frontier(inst, budget_range=(6, 12))  # a point at an end is in
    assert _points(ends) == scores
    top = po.frontier(inst, max_points=2)
    assert _points(top) == [(12.0, 6.0), (18.0, 9.0)]
    assert top.truncated and top.floor == "max_points"
    assert "truncated after 2 points: below total budget 12 " in top.note


def test_a_range_gives_the_whole_frontiers_points_in_it(small: Any) -> None:
    inst, full = small
    for low, high in [(3e6, 4.5e6), (0.0, 2e6), (4.4e6, 1e9)]:
        part = po.frontier(inst, budget_range=(low, high))
        expected = [p for p in _points(full) if low <= p[0] <= high]
        assert expected and _points(part) == expected, (low, high)
        assert part.budget_range == (low, high) and not part.truncated
        assert "only" in part.note


def test_a_range_without_a_breakpoint_says_what_holds_there(small: Any) -> None:
    inst, full = small
    money = sorted(full.points["total_budget"])
    k = next(k for k in range(len(money) - 1) if money[k + 1] - money[k] > 1000)
    gap = (money[k] + 1, money[k + 1] - 1)
    part = po.frontier(inst, budget_range=gap)
    assert part.points.empty and part.floor == "range"
    level = float(full.points["objective"].iloc[k])
    assert f"the best score there is {level:,.4f}" in part.messages[-1]


def test_max_points_keeps_the_top_of_the_frontier(small: Any) -> None:
    inst, full = small
    for n in (1, 5):
        top = po.frontier(inst, max_points=n)
        assert _points(top) == _points(full)[-n:]
        assert top.truncated and top.n_breakpoints == n
    whole = po.frontier(inst, max_points=full.n_breakpoints)
    assert _points(whole) == _points(full)


def test_parallel_stretches_cut_and_range_like_one_walk(small: Any) -> None:
    inst, full = small
    both = po.frontier(
        inst, workers=2, segments=3, max_points=4, budget_range=(2e6, 4.5e6)
    )
    expected = [p for p in _points(full) if 2e6 <= p[0] <= 4.5e6][-4:]
    assert _points(both) == expected and both.truncated


def test_progress_rises_to_its_total() -> None:
    inst = po.instance_from_data(HAND)
    calls: list[tuple[int, int]] = []
    po.frontier(inst, progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0
    assert done == sorted(done) and len(set(t for _, t in calls)) == 1
    assert len(calls) >= 3  # a step between: the walk took several solves


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"max_points": 0}, "max_points: must be at least 1"),
        ({"max_points": 2.5}, "max_points: must be a whole number"),
        ({"budget_range": (5, 1)}, "budget_range: low must not exceed high"),
        ({"budget_range": (-1, 5)}, "budget_range: must hold finite amounts"),
        ({"budget_range": (0, math.inf)}, "budget_range: must hold finite"),
        ({"budget_range": (0, math.nan)}, "budget_range: must hold finite"),
        ({"budget_range": "1:5"}, "budget_range: must be (low, high)"),
        ({"budget_range": (1, 2, 3)}, "budget_range: must be (low, high)"),
    ],
)
def test_bad_cut_or_range_names_the_argument(kwargs: dict[str, Any], says: str) -> None:
    with pytest.raises(po.InputError) as caught:
        po.frontier(po.instance_from_data(HAND), **kwargs)
    assert says in str(caught.value)


def test_a_range_needs_budget_money() -> None:
    free = make(initiatives=[{"id": "A", "scores": {"TC": 1}}])
    with pytest.raises(po.InputError, match="budget_range: the instance's budget"):
        po.frontier(po.instance_from_data(free), budget_range=(0, 10))
