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
    rules += draw(value_rules(ids, initiatives, budgets, periods))
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


@st.composite
def value_rules(
    draw: st.DrawFn,
    ids: list[str],
    initiatives: list[dict[str, Any]],
    budgets: list[dict[str, Any]],
    periods: list[str],
) -> list[dict[str, Any]]:
    """Sometimes a spend_share rule, sometimes an average rule (or both)."""
    rules: list[dict[str, Any]] = []
    if budgets and draw(st.integers(0, 2)) == 0:
        rule: dict[str, Any] = {"kind": "spend_share"}
        if draw(st.booleans()):
            rule["where"] = {"type": initiatives[0]["type"]}
        else:
            rule["members"] = draw(
                st.lists(
                    st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True
                )
            )
        for bound in draw(
            st.sampled_from([["at_least"], ["at_most"], ["at_least", "at_most"]])
        ):
            rule[bound] = draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
        if rule.get("at_least", 0) > rule.get("at_most", 1):
            rule["at_least"], rule["at_most"] = rule["at_most"], rule["at_least"]
        if draw(st.booleans()):
            rule["budget"] = draw(st.sampled_from([b["id"] for b in budgets]))
        if draw(st.booleans()):
            rule["periods"] = draw(
                st.lists(st.sampled_from(periods), min_size=1, unique=True)
            )
        rules.append(rule)
    if draw(st.integers(0, 2)) == 0:
        field, means = draw(
            st.sampled_from(
                [
                    ("success_probability", [0.6, 0.75, 0.9]),
                    ("score:TC", [3.0, 5.0, 7.0]),
                    ("cost", [2.0, 5.0, 10.0]),
                ]
            )
        )
        rule = {"kind": "average", "field": field}
        if draw(st.booleans()):
            rule["where"] = {"type": draw(st.sampled_from(TYPES))}
        rule[draw(st.sampled_from(["at_least", "at_most"]))] = draw(
            st.sampled_from(means)
        )
        rules.append(rule)
    return rules


def value_rules_hold(inst: po.Instance, starts: dict[str, int]) -> bool:
    """The spend_share and average rules evaluated here again, by definition.

    ``starts``: initiative id -> start index of the selected ones. Written apart
    from the model and the verifier: shares and means computed as fractions.
    """
    fields = ("type", "department", "partner")
    for rule in inst.rules:
        if rule.kind not in ("spend_share", "average"):
            continue
        if rule.members is not None:
            members = set(rule.members)
        else:
            members = {
                i.id
                for i in inst.initiatives
                if rule.where is None
                or all(getattr(rule.where, f) in (None, getattr(i, f)) for f in fields)
            }
        if rule.kind == "spend_share":
            total = theirs = 0.0
            for ini in inst.initiatives:
                if ini.id not in starts:
                    continue
                cost = ini.cost_by_budget(inst.budget_ids())
                for budget, profile in cost.items():
                    if rule.budget not in (None, budget):
                        continue
                    for k, amount in enumerate(profile):
                        t = starts[ini.id] + k
                        if t < len(inst.periods) and (
                            rule.periods is None or inst.periods[t] in rule.periods
                        ):
                            total += amount
                            theirs += amount if ini.id in members else 0.0
            if total == 0:
                continue  # no spend: a share of nothing holds either way
            share = theirs / total
        else:
            picked = [i for i in inst.initiatives if i.id in starts and i.id in members]
            if not picked:
                continue
            if rule.field == "success_probability":
                values = [i.success_probability for i in picked]
            elif rule.field == "cost":
                values = [
                    sum(sum(p) for p in i.cost_by_budget(inst.budget_ids()).values())
                    for i in picked
                ]
            else:
                values = [i.scores.get(rule.field[6:], 0.0) for i in picked]
            share = sum(values) / len(values)
        if rule.at_least is not None and share < rule.at_least - 1e-9:
            return False
        if rule.at_most is not None and share > rule.at_most + 1e-9:
            return False
    return True


def _names_value_rule(inst: po.Instance, problem: str) -> bool:
    return any(
        problem.startswith(f"rule {k + 1}: ")
        for k, r in enumerate(inst.rules)
        if r.kind in ("spend_share", "average")
    )


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
        starts = {i: inst.period_index(p) for i, p in selection}
        holds = value_rules_hold(inst, starts)
        flagged = any(_names_value_rule(inst, p) for p in check.problems)
        assert flagged != holds, (selection, check.problems)
        uses_enough = meets_min_use(inst, selection)
        if not uses_enough:
            assert not check.ok, f"the verifier misses a min_use shortfall: {selection}"
        if check.ok and uses_enough and (best is None or check.objective > best):
            best = check.objective
    return best
