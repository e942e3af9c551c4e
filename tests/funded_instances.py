"""Random tiny instances with funding-source choice and variants, and their optimum.

:func:`funded_instances` adds ``funded_by`` / ``max_share`` (sometimes a budget's
``eligible`` selector) and ``variants`` to the instances of ``random_instances``,
which already use every rule kind, min_use, carry-over and spend shares.

:func:`brute_force_versions` enumerates every (not selected | version and start)
assignment. A funded initiative's split is whatever makes the assignment fit:
it is found by a linear programme written here from the format's definitions
(budget limits, cumulative with carry-over, min_use, max_share and budget spend
shares; scipy's ``linprog``), not by the model's rows. The assignment counts
when the verifier accepts it with that split.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import strategies as st
from random_instances import TYPES
from scipy.optimize import linprog

import pathway_opt as po


@st.composite
def funded_instances(draw: st.DrawFn) -> dict[str, Any]:
    """Two budgets (often with carry-over or min_use), tight limits, funded
    initiatives with and without caps, variants, and a rule of each kind."""
    n = draw(st.integers(1, 2))
    periods = [str(2027 + t) for t in range(n)]
    limits = st.lists(st.integers(0, 12), min_size=n, max_size=n)
    budgets: list[dict[str, Any]] = [
        {"id": b, "limits": draw(limits), "carry_over": draw(st.booleans())}
        for b in ("central", "gov")
    ]
    if draw(st.booleans()):
        budgets[1]["min_use"] = draw(st.sampled_from([0.25, 0.5]))
    ids = [f"I{k}" for k in range(draw(st.integers(2, 4)))]
    initiatives = []
    for ini_id in ids:
        ini: dict[str, Any] = {
            "id": ini_id,
            "type": draw(st.sampled_from(TYPES)),
            "scores": {"TC": draw(st.integers(1, 10))},
            "decision": draw(st.sampled_from(["optional"] * 5 + ["must"])),
        }
        profile = draw(st.lists(st.integers(0, 8), min_size=1, max_size=2))
        if draw(st.integers(0, 2)) > 0:
            ini["cost"] = profile
            ini["funded_by"] = draw(
                st.sampled_from([["central", "gov"], ["gov", "central"], ["gov"]])
            )
            if len(ini["funded_by"]) == 2 and draw(st.booleans()):
                ini["max_share"] = {"gov": draw(st.sampled_from([0.25, 0.5, 0.75]))}
        else:
            ini["cost"] = {"central": profile}
        if draw(st.booleans()):
            ini["variants"] = [draw(_variant(ini, ["central", "gov"], periods))]
        initiatives.append(ini)
    rules: list[dict[str, Any]] = []
    if draw(st.booleans()):
        a, b = draw(st.permutations(ids))[:2]
        rules.append({"kind": "requires", "initiative": a, "on": [b]})
    if draw(st.booleans()):
        rules.append(
            {
                "kind": "spend_share",
                "members": [ids[0]],
                draw(st.sampled_from(["at_least", "at_most"])): 0.5,
                "budget": draw(st.sampled_from(["central", "gov"])),
            }
        )
    if draw(st.booleans()):
        rules.append(
            {
                "kind": "average",
                "field": "score:TC",
                "at_least": draw(st.integers(2, 8)),
            }
        )
    data: dict[str, Any] = {
        "name": "funded",
        "periods": periods,
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": budgets,
        "initiatives": initiatives,
        "rules": rules,
        "settings": {"delay_discount": draw(st.sampled_from([1.0, 0.9]))},
    }
    if draw(st.integers(0, 3)) == 0:  # gov funds one type only (else invalid)
        budgets[1]["eligible"] = {"type": initiatives[0]["type"]}
    return data


@st.composite
def _variant(
    draw: st.DrawFn, ini: dict[str, Any], budgets: list[str], periods: list[str]
) -> dict[str, Any]:
    variant: dict[str, Any] = {"id": "lite"}
    cost = ini.get("cost")
    small = st.lists(st.integers(0, 6), min_size=1, max_size=2)
    if isinstance(cost, dict):
        variant["cost"] = {b: draw(small) for b in cost}
    elif cost is not None:
        variant["cost"] = draw(small)
    variant["scores"] = {"TC": draw(st.integers(0, 10))}
    if draw(st.booleans()):
        variant["success_probability"] = draw(st.sampled_from([0.5, 1.0]))
    if draw(st.booleans()):
        variant["latest_start"] = periods[-1]
        variant["earliest_start"] = draw(st.sampled_from(periods))
    if "funded_by" in ini and draw(st.booleans()):
        variant["funded_by"] = ["central", "gov"]
        variant["max_share"] = {"central": draw(st.sampled_from([0.5, 1.0]))}
    return variant


def _due(ini: po.Initiative, budgets: list[str], start: int, n: int) -> np.ndarray:
    """Cost charged directly (not funded) per budget and period."""
    out = np.zeros((len(budgets), n))
    if ini.funded_by is not None:
        return out
    for b, profile in ini.cost_by_budget(budgets).items():
        for k, amount in enumerate(profile):
            if start + k < n:
                out[budgets.index(b), start + k] += amount
    return out


def find_split(
    inst: po.Instance, plan: dict[str, tuple[str | None, int]]
) -> dict[tuple[str, str, str], float] | None:
    """A funding split that fits the budgets' rules, or None if none exists.

    ``plan``: initiative id -> (variant or None, start index) of the selected.
    """
    n, budgets = len(inst.periods), inst.budget_ids()
    run = {i.id: i.version(plan[i.id][0]) for i in inst.initiatives if i.id in plan}
    direct = np.zeros((len(budgets), n))
    for ini_id, ini in run.items():
        direct += _due(ini, budgets, plan[ini_id][1], n)
    variables: list[tuple[str, str, int, float]] = []  # ini, budget, t, due
    for ini_id, ini in run.items():
        if ini.funded_by is None:
            continue
        assert isinstance(ini.cost, list)
        for k, amount in enumerate(ini.cost):
            t = plan[ini_id][1] + k
            if amount and t < n:
                variables += [(ini_id, b, t, amount) for b in ini.funded_by]
    if not variables:
        return {}
    m = len(variables)
    eq_rows, eq_rhs = [], []
    for key in sorted({(i, t, d) for i, _, t, d in variables}):
        eq_rows.append([float((v[0], v[2]) == key[:2]) for v in variables])
        eq_rhs.append(key[2])
    ub_rows, ub_rhs = [], []
    for bi, budget in enumerate(inst.budgets):
        floors = budget.min_use_floors(n)
        for t in range(n):
            upto = range(t + 1) if budget.carry_over else [t]
            row = [float(v[1] == budget.id and v[2] in upto) for v in variables]
            spent = sum(direct[bi, u] for u in upto)
            limit = sum(budget.limits[u] for u in upto)
            ub_rows.append(row)
            ub_rhs.append(limit - spent)
            ub_rows.append([-x for x in row])
            ub_rhs.append(spent - floors[t])
    members_of = {k: _members(inst, r) for k, r in enumerate(inst.rules)}
    for k, rule in enumerate(inst.rules):
        if rule.kind != "spend_share" or rule.budget is None:
            continue
        counted = [inst.period_index(p) for p in (rule.periods or inst.periods)]
        bi = budgets.index(rule.budget)
        for bound, sign in (("at_least", -1.0), ("at_most", 1.0)):
            share = getattr(rule, bound)
            if share is None:
                continue
            # sign * sum_i (1[i in M] - share) spend_i <= 0
            weight = {i: (1.0 if i in members_of[k] else 0.0) - share for i in run}
            fixed = sum(
                weight[i]
                * sum(_due(run[i], budgets, plan[i][1], n)[bi, t] for t in counted)
                for i in run
            )
            ub_rows.append(
                [
                    sign * weight[v[0]] * float(v[1] == rule.budget and v[2] in counted)
                    for v in variables
                ]
            )
            ub_rhs.append(-sign * fixed)
    bounds = [(0.0, run[i].max_share.get(b, 1.0) * due) for i, b, _, due in variables]
    found = linprog(
        np.zeros(m),
        A_ub=np.array(ub_rows) if ub_rows else None,
        b_ub=np.array(ub_rhs) if ub_rhs else None,
        A_eq=np.array(eq_rows),
        b_eq=np.array(eq_rhs),
        bounds=bounds,
        method="highs",
    )
    if found.status != 0:
        return None
    return {
        (i, b, inst.periods[t]): max(0.0, float(x))
        for (i, b, t, _), x in zip(variables, found.x, strict=True)
    }


def _members(inst: po.Instance, rule: Any) -> set[str]:
    if getattr(rule, "members", None) is not None:
        return set(rule.members)
    where = getattr(rule, "where", None)
    return {
        i.id
        for i in inst.initiatives
        if where is None
        or all(
            getattr(where, f) is None
            or getattr(i, f)
            in (
                getattr(where, f)
                if isinstance(getattr(where, f), list)
                else [getattr(where, f)]
            )
            for f in ("type", "department", "partner")
        )
    }


def brute_force_versions(inst: po.Instance) -> float | None:
    """Best verified objective over every version and start assignment."""
    choices = [
        [None, *itertools.product([None, *ini.variant_ids()], range(len(inst.periods)))]
        for ini in inst.initiatives
    ]
    best = None
    for combo in itertools.product(*choices):
        plan = {ini.id: c for ini, c in zip(inst.initiatives, combo, strict=True) if c}
        split = find_split(inst, plan)
        if split is None:
            continue
        check = po.verify(
            inst,
            {i: inst.periods[s] for i, (_, s) in plan.items()},
            variants={i: v for i, (v, _) in plan.items() if v is not None},
            funding=split,
        )
        if check.ok and (best is None or check.objective > best):
            best = check.objective
    return best
