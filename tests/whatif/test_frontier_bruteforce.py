"""The frontier equals the one found by enumerating every plan (tiny instances).

Every plan of a tiny instance is checked with the independent verifier (budgets
switched off); for each valid plan the smallest budget factor λ at which it fits
is read from the verifier's own use figures, and the true frontier is the running
maximum of the score over ascending λ. Each frontier point must be one of these
breakpoints, and every breakpoint must be found, exactly.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from tiny_instances import make

import pathway_opt as po

PERIODS = ["2027", "2028"]


def _relaxed(inst: po.Instance) -> po.Instance:
    """Positive limits above any spend; a zero limit stays 0 (as under any λ)."""
    data = inst.model_dump()
    for b in data["budgets"]:
        b["limits"] = [1e5 if v > 0 else 0.0 for v in b["limits"]]
    return po.instance_from_data(data)


def _scaled(inst: po.Instance, scale: float) -> po.Instance:
    data = inst.model_dump()
    for b in data["budgets"]:
        b["limits"] = [v * scale for v in b["limits"]]
    return po.instance_from_data(data)


def _needed(inst: po.Instance, selection: list[tuple[str, str]]) -> float:
    """max over budget rows of use / limit (cumulative with carry-over)."""
    worst = 0.0
    for u in po.verify(inst, selection).usage:
        if u.kind != "budget":
            continue
        cumulative = u.binding_on == "cumulative"
        used = u.cumulative_used if cumulative else u.used
        limit = u.cumulative_limit if cumulative else u.limit
        if used > 1e-9:
            worst = max(worst, used / limit if limit > 0 else math.inf)
    return worst


def brute_frontier(inst: po.Instance) -> list[tuple[float, float]]:
    relaxed = _relaxed(inst)
    options = [None, *inst.periods]
    plans = []
    for choice in itertools.product(options, repeat=len(inst.initiatives)):
        selection = [
            (ini.id, p) for ini, p in zip(inst.initiatives, choice, strict=True) if p
        ]
        check = po.verify(relaxed, selection)
        if check.ok:
            need = _needed(inst, selection)
            if math.isfinite(need):
                plans.append((need, check.objective))
    plans.sort(key=lambda p: (p[0], -p[1]))
    steps: list[tuple[float, float]] = []
    for need, objective in plans:
        if not steps or objective > steps[-1][1] + 1e-7:
            steps.append((need, objective))
    return steps


def assert_matches(inst: po.Instance) -> po.Frontier:
    front = po.frontier(inst)
    expected = brute_frontier(inst)
    got = list(zip(front.points["lambda"], front.points["objective"], strict=True))
    assert len(got) == len(expected), (got, expected)
    for (lam, obj), (want_lam, want_obj) in zip(got, expected, strict=True):
        assert math.isclose(lam, want_lam, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(obj, want_obj, abs_tol=1e-6)
    assert front.points["status"].eq("optimal").all()
    for k, plan in enumerate(front.plans):
        lam = float(front.points["lambda"].iloc[k])
        selection = list(plan.items())
        assert po.verify(_scaled(inst, lam), selection).ok
        if lam > 0:
            assert not po.verify(_scaled(inst, lam * (1 - 1e-6)), selection).ok
    return front


# Two periods, one carry-over budget of 10 + 10 (cumulative limits 10, 20).
# A (value 5) costs 12, B (value 3) costs 6, C (value 1) costs nothing; each may
# start in either period. Best plan per λ by hand: {C} at λ = 0 (1); B started
# in 2028 needs 6 / 20 = 0.3 (4); A in 2028 needs 12 / 20 = 0.6 (6); A and B
# need 18 / 20 = 0.9 (9); in 2027 either would need more (A: 12 / 10 = 1.2).
HAND: dict[str, Any] = make(
    budgets=[{"id": "central", "limits": [10, 10], "carry_over": True}],
    initiatives=[
        {"id": "A", "scores": {"TC": 5}, "cost": [12]},
        {"id": "B", "scores": {"TC": 3}, "cost": [6]},
        {"id": "C", "scores": {"TC": 1}},
    ],
)


def test_hand_worked_frontier() -> None:
    front = assert_matches(po.instance_from_data(HAND))
    assert list(front.points["lambda"]) == [0.0, 0.3, 0.6, 0.9]
    assert list(front.points["objective"]) == [1.0, 4.0, 6.0, 9.0]
    assert front.floor == "zero"
    assert [round(v, 9) for v in front.points["total_budget"]] == [0, 6, 12, 18]


@st.composite
def tiny_instances(draw: st.DrawFn) -> po.Instance:
    n = draw(st.integers(3, 5))
    two = draw(st.booleans())
    budgets = [
        {
            "id": bid,
            "limits": draw(
                st.lists(st.sampled_from([0, 20, 30, 50, 70, 100]), min_size=2,
                         max_size=2)
            ),
            "carry_over": draw(st.booleans()),
        }
        for bid in (["central", "partner"] if two else ["central"])
    ]  # fmt: skip
    amounts = st.sampled_from([0, 10, 20, 30, 40, 60])
    profile = st.lists(amounts, min_size=1, max_size=2)
    initiatives = []
    for k in range(n):
        cost: Any = {b["id"]: draw(profile) for b in budgets} if two else draw(profile)
        initiatives.append(
            {
                "id": f"I{k}",
                "scores": {"TC": draw(st.integers(1, 9))},
                "success_probability": draw(st.sampled_from([0.5, 0.8, 1.0])),
                "cost": cost,
                "decision": draw(st.sampled_from(["optional"] * 5 + ["must"])),
            }
        )
    rules: list[dict[str, Any]] = []
    if draw(st.booleans()):
        rules.append({"kind": "requires", "initiative": "I1", "on": ["I0"],
                      "lag": draw(st.integers(0, 1))})  # fmt: skip
    if draw(st.booleans()):
        rules.append({"kind": "synergy", "members": ["I0", "I2"], "bonus": 1.5})
    if draw(st.booleans()):
        rules.append({"kind": "at_most", "count": 1, "members": ["I1", "I2"]})
    data = make(
        periods=PERIODS,
        budgets=budgets,
        initiatives=initiatives,
        rules=rules,
        settings={"delay_discount": 0.9},
    )
    try:
        return po.instance_from_data(data)
    except po.InputError:
        return po.instance_from_data(make(initiatives=[{"id": "X"}]))


@hyp_settings(max_examples=20, deadline=None)
@given(tiny_instances())
def test_frontier_equals_enumeration(inst: po.Instance) -> None:
    relaxed_ok = po.solve(_relaxed(inst)).status == po.Status.OPTIMAL
    front = po.frontier(inst)
    if not relaxed_ok:  # no budget makes it feasible (rules or zero limits)
        assert front.points.empty
        assert brute_frontier(inst) == []
        return
    assert_matches(inst)


def test_without_budgets_the_frontier_is_one_point() -> None:
    # A one-period knapsack on a resource only: money plays no part.
    inst = po.instance_from_data(
        make(
            periods=["2027"],
            resources=[{"id": "fte", "capacity": [2]}],
            initiatives=[
                {"id": "A", "scores": {"TC": 3}, "uses": {"fte": [2]}},
                {"id": "B", "scores": {"TC": 2}, "uses": {"fte": [1]}},
            ],
        )
    )
    front = po.frontier(inst)
    assert list(front.points["lambda"]) == [0.0]
    assert list(front.points["objective"]) == [3.0]
    assert front.floor == "zero" and front.total_at_one == 0.0
    assert po.frontier_png(front).startswith(b"\x89PNG")
    fund, cut = po.ladders(inst, computed=front)
    assert fund.empty and len(cut) == 1 and cut["score_lost"].iloc[0] == 0.0
