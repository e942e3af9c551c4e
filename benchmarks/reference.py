"""The reference: the same MIP built straight into numpy/scipy arrays for highspy.

Written apart from ``pathway_opt.model`` (it shares only the validated Instance),
so equal objectives across paths also cross-check the formulation. This is the
limit for this solver: no modelling layer at all between the data and HiGHS.
"""

from __future__ import annotations

from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import CountRule, RequiresRule, SynergyRule


def build(inst: Instance) -> dict[str, Any]:
    """Columns: start[i, s] (possible starts), select[i], synergy z[g]."""
    T = len(inst.periods)
    n = len(inst.initiatives)
    pidx = {p: t for t, p in enumerate(inst.periods)}
    bud = {b.id: k for k, b in enumerate(inst.budgets)}
    res = {r.id: k for k, r in enumerate(inst.resources)}
    n_own = len(bud) + len(res)
    amount = np.zeros((n, n_own, T))
    last = np.full(n, -1)
    first = np.zeros(n, dtype=np.int64)
    final = np.full(n, T - 1, dtype=np.int64)
    for i, ini in enumerate(inst.initiatives):
        cost = ini.cost
        if not isinstance(cost, dict):
            cost = {inst.budgets[0].id: cost} if cost and inst.budgets else {}
        for owner, profile in [
            *((bud[b], p) for b, p in cost.items()),
            *((len(bud) + res[r], p) for r, p in ini.uses.items()),
        ]:
            amount[i, owner, : min(T, len(profile))] = profile[:T]
            nz = [k for k, v in enumerate(profile) if v]
            last[i] = max(last[i], max(nz, default=-1))
        if ini.earliest_start:
            first[i] = pidx[ini.earliest_start]
        if ini.latest_start:
            final[i] = pidx[ini.latest_start]
    s = np.arange(T)
    ok = (s >= first[:, None]) & (s <= final[:, None])
    if not inst.settings.allow_beyond_horizon:
        ok &= s + last[:, None] < T
    si, ss = np.nonzero(ok)
    ns = len(si)
    col_of = -np.ones((n, T), dtype=np.int64)
    col_of[si, ss] = np.arange(ns)
    syn = [k for k, r in enumerate(inst.rules) if isinstance(r, SynergyRule)]
    ncol = ns + n + len(syn)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[np.ndarray] = []
    up: list[np.ndarray] = []
    nrow = 0

    def add(
        r: np.ndarray, c: np.ndarray, v: np.ndarray, low: np.ndarray, upp: np.ndarray
    ) -> None:
        nonlocal nrow
        rows.append(r + nrow)
        cols.append(c)
        vals.append(v)
        lo.append(low)
        up.append(upp)
        nrow += len(low)

    # one start per selected initiative
    add(
        np.concatenate([si, np.arange(n)]),
        np.concatenate([np.arange(ns), ns + np.arange(n)]),
        np.concatenate([np.ones(ns), -np.ones(n)]),
        np.zeros(n),
        np.zeros(n),
    )
    # budgets (cumulative with carry-over) and resources, rows only where used
    limits = [
        (k, np.cumsum(b.limits) if b.carry_over else np.array(b.limits), b.carry_over)
        for k, b in enumerate(inst.budgets)
    ]
    limits += [
        (len(bud) + k, np.array(r.capacity), False)
        for k, r in enumerate(inst.resources)
    ]
    for owner, rhs, carry in limits:
        a = np.cumsum(amount[:, owner, :], axis=1) if carry else amount[:, owner, :]
        t = ss[:, None] + np.arange(T)[None, :]
        coef = a[si][:, :T]
        inside = (t < T) & (coef != 0)
        r_t, c_k = t[inside], np.nonzero(inside)[0]
        used, r = np.unique(r_t, return_inverse=True)
        add(r, c_k, coef[inside], np.full(len(used), -np.inf), rhs[used].astype(float))
    # requires, cumulative form
    r_l, c_l, v_l = [], [], []
    k = 0
    for rule in inst.rules:
        if not isinstance(rule, RequiresRule):
            continue
        i = _pos(inst)[rule.initiative]
        for pre in rule.on:
            j = _pos(inst)[pre]
            for sv in np.flatnonzero(col_of[i] >= 0):
                mine = col_of[i, : sv + 1]
                theirs = col_of[j, : max(0, sv - rule.lag + 1)]
                mine, theirs = mine[mine >= 0], theirs[theirs >= 0]
                r_l.append(np.full(len(mine) + len(theirs), k))
                c_l.append(np.concatenate([mine, theirs]))
                v_l.append(np.concatenate([np.ones(len(mine)), -np.ones(len(theirs))]))
                k += 1
    if k:
        add(
            np.concatenate(r_l),
            np.concatenate(c_l),
            np.concatenate(v_l),
            np.full(k, -np.inf),
            np.zeros(k),
        )
    # count rules
    members = inst.count_rule_members()
    cnt = [(q, r) for q, r in enumerate(inst.rules) if isinstance(r, CountRule)]
    if cnt:
        rr = np.concatenate(
            [np.full(len(members[q]), m) for m, (q, _) in enumerate(cnt)]
        )
        cc = ns + np.array(
            [_pos(inst)[x] for q, _ in cnt for x in members[q]], dtype=np.int64
        )
        low = np.array(
            [r.count if r.kind != "at_most" else -np.inf for _, r in cnt], float
        )
        upp = np.array(
            [r.count if r.kind != "at_least" else np.inf for _, r in cnt], float
        )
        add(rr, cc, np.ones(len(rr)), low, upp)
    # synergies
    for g, q in enumerate(syn):
        rule = inst.rules[q]
        assert isinstance(rule, SynergyRule)
        ys = ns + np.array([_pos(inst)[x] for x in rule.members])
        z = ns + n + g
        m = len(ys)
        add(
            np.repeat(np.arange(m), 2),
            np.ravel(np.column_stack([np.full(m, z), ys])),
            np.tile([1.0, -1.0], m),
            np.full(m, -np.inf),
            np.zeros(m),
        )
        add(
            np.zeros(m + 1, dtype=np.int64),
            np.append(ys, z),
            np.append(np.ones(m), -1.0),
            np.array([-np.inf]),
            np.array([m - 1.0]),
        )
    A = sp.csc_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(nrow, ncol),
    )
    A.sum_duplicates()
    w = inst.weights  # given, or derived from criteria_comparisons
    base = np.array(
        [
            i.success_probability * sum(w[c] * v for c, v in i.scores.items())
            for i in inst.initiatives
        ]
    )
    cost = np.zeros(ncol)
    cost[:ns] = base[si] * inst.settings.delay_discount ** (ss - first[si]).astype(
        float
    )
    for g, q in enumerate(syn):
        cost[ns + n + g] = inst.rules[q].bonus  # type: ignore[union-attr]
    col_lo, col_up = np.zeros(ncol), np.ones(ncol)
    dec = np.array([i.decision for i in inst.initiatives])
    col_lo[ns : ns + n] = dec == "must"
    col_up[ns : ns + n] = dec != "never"
    integ = np.zeros(ncol, dtype=np.int32)
    integ[: ns + n] = 1
    return {
        "A": A,
        "cost": cost,
        "col_lo": col_lo,
        "col_up": col_up,
        "integrality": integ,
        "row_lo": np.concatenate(lo),
        "row_up": np.concatenate(up),
        "n_start": ns,
    }


_POS: dict[int, dict[str, int]] = {}


def _pos(inst: Instance) -> dict[str, int]:
    key = id(inst)
    if key not in _POS:
        _POS[key] = {x.id: p for p, x in enumerate(inst.initiatives)}
    return _POS[key]


def hand_over(model: dict[str, Any]) -> highspy.Highs:
    """Pass the arrays to a new HiGHS instance."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    A = model["A"]
    h.passModel(
        A.shape[1],
        A.shape[0],
        A.nnz,
        1,
        -1,
        0.0,
        model["cost"],
        model["col_lo"],
        model["col_up"],
        model["row_lo"],
        model["row_up"],
        A.indptr.astype(np.int32),
        A.indices.astype(np.int32),
        A.data,
        model["integrality"],
    )
    return h
