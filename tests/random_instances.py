"""Random tiny instances that use every rule kind, and their brute-force optimum.

The brute force enumerates every (not selected | start period) assignment and keeps
those the independent verifier accepts, so it shares no code with the model.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

import pathway_opt as po

TYPES = ["joint_lab", "co_taught_course", "industrial_college"]


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    n_periods = draw(st.integers(1, 3))
    periods = [str(2027 + t) for t in range(n_periods)]
    n_budgets = draw(st.integers(0, 2))
    budgets = [
        {
            "id": f"b{k}",
            "limits": draw(
                st.lists(st.integers(0, 20), min_size=n_periods, max_size=n_periods)
            ),
            "carry_over": draw(st.booleans()),
        }
        for k in range(n_budgets)
    ]
    for budget in budgets:  # sometimes a "use it or lose it" share
        share = draw(st.sampled_from([None, None, 0.25, 0.5, "per_period"]))
        if share == "per_period":
            budget["min_use"] = draw(
                st.lists(
                    st.sampled_from([0, 0.3, 0.6, 1]),
                    min_size=n_periods,
                    max_size=n_periods,
                )
            )
        elif share is not None:
            budget["min_use"] = share
    n_resources = draw(st.integers(0, 1))
    resources = [
        {
            "id": f"r{k}",
            "capacity": draw(
                st.lists(st.integers(0, 3), min_size=n_periods, max_size=n_periods)
            ),
        }
        for k in range(n_resources)
    ]
    profile = st.lists(st.integers(0, 10), min_size=1, max_size=2)
    n_init = draw(st.integers(1, 5))
    initiatives = []
    for k in range(n_init):
        first = draw(st.integers(0, n_periods - 1))
        last = draw(st.integers(first, n_periods - 1))
        item: dict[str, Any] = {
            "id": f"I{k}",
            "type": draw(st.sampled_from(TYPES)),
            "scores": {"TC": draw(st.integers(0, 10)), "CU": draw(st.integers(0, 10))},
            "success_probability": draw(st.sampled_from([0.5, 0.8, 1.0])),
            "earliest_start": periods[first],
            "latest_start": periods[last],
            "decision": draw(st.sampled_from(["optional"] * 6 + ["must", "never"])),
        }
        if n_budgets == 1:
            item["cost"] = draw(profile)
        elif n_budgets == 2:
            item["cost"] = {b["id"]: draw(profile) for b in budgets}
        if resources:
            item["uses"] = {
                "r0": draw(st.lists(st.integers(0, 2), min_size=1, max_size=2))
            }
        initiatives.append(item)
    ids = [i["id"] for i in initiatives]
    rules: list[dict[str, Any]] = []
    if n_init >= 2:
        a, b = draw(st.permutations(ids))[:2]
        rules.append(
            {
                "kind": "requires",
                "initiative": a,
                "on": [b],
                "lag": draw(st.integers(0, 1)),
            }
        )
        members = draw(
            st.lists(st.sampled_from(ids), min_size=1, max_size=n_init, unique=True)
        )
        kind = draw(st.sampled_from(["at_most", "at_least", "exactly"]))
        rules.append(
            {"kind": kind, "count": draw(st.integers(0, 2)), "members": members}
        )
        c, d = draw(st.permutations(ids))[:2]
        rules.append(
            {
                "kind": "synergy",
                "members": [c, d],
                "bonus": draw(st.sampled_from([-2, 1, 3])),
            }
        )
    if draw(st.booleans()):
        rules.append(
            {
                "kind": "at_most",
                "count": draw(st.integers(0, 2)),
                "where": {"type": initiatives[0]["type"]},
            }
        )
    return {
        "name": "random",
        "periods": periods,
        "criteria": [
            {"id": "TC", "weight": draw(st.sampled_from([0.5, 1.0, 2.0]))},
            {"id": "CU", "weight": 0.25},
        ],
        "budgets": budgets,
        "resources": resources,
        "initiatives": initiatives,
        "rules": rules,
        "settings": {
            "delay_discount": draw(st.sampled_from([1.0, 0.9])),
            "allow_beyond_horizon": draw(st.booleans()),
        },
    }


def valid(data: dict[str, Any]) -> po.Instance:
    try:
        return po.instance_from_data(data)
    except po.InputError:
        assume(False)
        raise


def meets_min_use(inst: po.Instance, selection: list[tuple[str, str]]) -> bool:
    """Whether every budget's spend reaches its min_use, computed here by hand.

    Kept apart from the verifier so the enumeration checks min_use on its own.
    """
    n = len(inst.periods)
    by_id = {i.id: i for i in inst.initiatives}
    for budget in inst.budgets:
        if budget.min_use is None:
            continue
        shares = (
            budget.min_use if isinstance(budget.min_use, list) else [budget.min_use] * n
        )
        spend = [0.0] * n
        for ini_id, period in selection:
            ini = by_id[ini_id]
            if isinstance(ini.cost, dict):
                profile = ini.cost.get(budget.id, [])
            else:
                profile = ini.cost if budget is inst.budgets[0] else []
            start = inst.periods.index(period)
            for k, amount in enumerate(profile):
                if start + k < n:
                    spend[start + k] += amount
        spent = limit = 0.0
        for t in range(n):
            spent = spent + spend[t] if budget.carry_over else spend[t]
            limit = limit + budget.limits[t] if budget.carry_over else budget.limits[t]
            if spent < shares[t] * limit - 1e-9:
                return False
    return True


def brute_force(inst: po.Instance) -> float | None:
    """Best verified objective over every assignment, or None if none is feasible.

    An assignment counts when the verifier accepts it and, checked here by
    hand, it meets every budget's min_use; the two must agree.
    """
    choices = [[None, *inst.periods] for _ in inst.initiatives]
    best = None
    for combo in itertools.product(*choices):
        selection = [
            (i.id, p) for i, p in zip(inst.initiatives, combo, strict=True) if p
        ]
        check = po.verify(inst, selection)
        uses_enough = meets_min_use(inst, selection)
        if not uses_enough:
            assert not check.ok, f"the verifier misses a min_use shortfall: {selection}"
        if check.ok and uses_enough and (best is None or check.objective > best):
            best = check.objective
    return best
