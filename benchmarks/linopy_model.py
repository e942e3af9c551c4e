"""The same MIP in linopy, the fastest peer modelling layer (vectorised, xarray).

Data extraction is shared with the reference (both read the validated Instance
into numpy arrays); every constraint is written the way linopy intends, with
labelled arrays and masks, then handed to HiGHS with ``to_highspy``.
"""

from __future__ import annotations

import warnings
from typing import Any

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import CountRule, RequiresRule, SynergyRule

# Absent slots (masked starts, shifted prerequisites) count as 0, as intended here.
warnings.filterwarnings("ignore", category=linopy.LinopySemanticsWarning)  # type: ignore[attr-defined]


def _arrays(inst: Instance) -> dict[str, Any]:
    T = len(inst.periods)
    n = len(inst.initiatives)
    pidx = {p: t for t, p in enumerate(inst.periods)}
    owners = [b.id for b in inst.budgets] + [r.id for r in inst.resources]
    pos_owner = {o: k for k, o in enumerate(owners)}
    amount = np.zeros((n, len(owners), T))
    last = np.full(n, -1)
    first = np.zeros(n, dtype=np.int64)
    final = np.full(n, T - 1, dtype=np.int64)
    for i, ini in enumerate(inst.initiatives):
        cost = ini.cost
        if not isinstance(cost, dict):
            cost = {inst.budgets[0].id: cost} if cost and inst.budgets else {}
        for owner, profile in [*cost.items(), *ini.uses.items()]:
            amount[i, pos_owner[owner], : min(T, len(profile))] = profile[:T]
            last[i] = max(
                last[i], max((k for k, v in enumerate(profile) if v), default=-1)
            )
        first[i] = pidx[ini.earliest_start] if ini.earliest_start else 0
        final[i] = pidx[ini.latest_start] if ini.latest_start else T - 1
    s = np.arange(T)
    ok = (s >= first[:, None]) & (s <= final[:, None])
    if not inst.settings.allow_beyond_horizon:
        ok &= s + last[:, None] < T
    return {"T": T, "n": n, "amount": amount, "first": first, "ok": ok}


def _padded(groups: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max((len(g) for g in groups), default=1) or 1
    idx = np.zeros((len(groups), width), dtype=np.int64)
    valid = np.zeros((len(groups), width), dtype=bool)
    for r, g in enumerate(groups):
        idx[r, : len(g)] = g
        valid[r, : len(g)] = True
    return idx, valid


def build(inst: Instance) -> linopy.Model:
    """The pathway MIP in linopy."""
    a = _arrays(inst)
    T, n, ok = a["T"], a["n"], a["ok"]
    pos = {x.id: k for k, x in enumerate(inst.initiatives)}
    ini = pd.RangeIndex(n, name="ini")
    per = pd.RangeIndex(T, name="s")
    m = linopy.Model()
    start = m.add_variables(
        binary=True,
        coords=[ini, per],
        name="start",
        mask=xr.DataArray(ok, coords=[ini, per]),
    )
    dec = np.array([i.decision for i in inst.initiatives])
    select = m.add_variables(
        lower=xr.DataArray((dec == "must").astype(float), coords=[ini]),
        upper=xr.DataArray((dec != "never").astype(float), coords=[ini]),
        integer=True,
        coords=[ini],
        name="select",
    )
    m.add_constraints(start.sum("s") - select == 0, name="start_once")

    # budget_limit and resource_limit: coefficient of start[i, s] in row t
    tt = pd.RangeIndex(T, name="t")
    lag = np.arange(T)[None, :] - np.arange(T)[:, None]  # t - s
    limits = [
        (k, np.array(b.limits, float), b.carry_over) for k, b in enumerate(inst.budgets)
    ]
    nb = len(inst.budgets)
    limits += [
        (nb + k, np.array(r.capacity, float), False)
        for k, r in enumerate(inst.resources)
    ]
    for owner, rhs, carry in limits:
        prof = a["amount"][:, owner, :]
        prof = np.cumsum(prof, axis=1) if carry else prof
        rhs = np.cumsum(rhs) if carry else rhs
        coef = np.where(lag[None] >= 0, prof[:, np.clip(lag, 0, T - 1)], 0.0)
        coef = np.where(ok[:, :, None], coef, 0.0)
        used = (coef != 0).any(axis=(0, 1))
        C = xr.DataArray(coef, coords=[ini, per, tt])
        m.add_constraints(
            (C * start).sum(["ini", "s"]) <= xr.DataArray(rhs, coords=[tt]),
            name=f"limit_{owner}",
            mask=xr.DataArray(used, coords=[tt]),
        )

    # requires_start, grouped by lag
    cum = start.cumsum("s")
    pairs: dict[int, list[tuple[int, int]]] = {}
    for rule in inst.rules:
        if isinstance(rule, RequiresRule):
            for pre in rule.on:
                pairs.setdefault(rule.lag, []).append((pos[rule.initiative], pos[pre]))
    for L, pr in pairs.items():
        dep = xr.DataArray(np.array([p[0] for p in pr]), dims="pair")
        pre = xr.DataArray(np.array([p[1] for p in pr]), dims="pair")
        lhs = cum.isel(ini=dep).drop_vars("ini") - cum.isel(ini=pre).drop_vars(
            "ini"
        ).shift(s=L)
        mask = xr.DataArray(ok[dep.values], dims=["pair", "s"], coords={"s": per})
        m.add_constraints(lhs <= 0, name=f"requires_{L}", mask=mask)

    # count rules, one constraint group per sense
    members = inst.count_rule_members()
    for kind, sign in (("at_most", "<="), ("at_least", ">="), ("exactly", "==")):
        rules = [
            (q, r)
            for q, r in enumerate(inst.rules)
            if isinstance(r, CountRule) and r.kind == kind
        ]
        if not rules:
            continue
        idx, valid = _padded([[pos[x] for x in members[q]] for q, _ in rules])
        chosen = select.isel(ini=xr.DataArray(idx, dims=["rule", "slot"]))
        expr = (chosen * xr.DataArray(valid.astype(float), dims=["rule", "slot"])).sum(
            "slot"
        )
        rhs = xr.DataArray(np.array([r.count for _, r in rules], float), dims="rule")
        m.add_constraints(expr, sign, rhs, name=f"count_{kind}")

    # synergies
    syn = [r for r in inst.rules if isinstance(r, SynergyRule)]
    if syn:
        g_ix = pd.RangeIndex(len(syn), name="g")
        z = m.add_variables(lower=0, upper=1, coords=[g_ix], name="synergy_active")
        link = [(g, pos[x]) for g, r in enumerate(syn) for x in r.members]
        gz = xr.DataArray(np.array([p[0] for p in link]), dims="pair")
        gy = xr.DataArray(np.array([p[1] for p in link]), dims="pair")
        link_expr = z.to_linexpr().isel(g=gz).drop_vars("g") - select.to_linexpr().isel(
            ini=gy
        ).drop_vars("ini")
        m.add_constraints(link_expr <= 0, name="synergy_link")
        idx, valid = _padded([[pos[x] for x in r.members] for r in syn])
        members_sel = select.isel(ini=xr.DataArray(idx, dims=["g", "slot"]))
        total = (
            members_sel * xr.DataArray(valid.astype(float), dims=["g", "slot"])
        ).sum("slot")
        size = xr.DataArray(np.array([len(r.members) - 1.0 for r in syn]), dims="g")
        m.add_constraints(total - z <= size, name="synergy_penalty")
        bonus = xr.DataArray(np.array([r.bonus for r in syn]), coords=[g_ix])
    w = inst.weights  # given, or derived from criteria_comparisons
    base = np.array(
        [
            i.success_probability * sum(w[c] * v for c, v in i.scores.items())
            for i in inst.initiatives
        ]
    )
    delay = np.arange(T)[None, :] - a["first"][:, None]
    value = base[:, None] * inst.settings.delay_discount ** delay.astype(float)
    objective = (xr.DataArray(value, coords=[ini, per]) * start).sum()
    if syn:
        objective = objective + (bonus * z).sum()
    m.add_objective(objective, sense="max")
    return m


def hand_over(m: linopy.Model) -> Any:
    """linopy's own hand-over to a highspy.Highs instance."""
    h = linopy.io.to_highspy(m)
    h.setOptionValue("output_flag", False)
    return h
