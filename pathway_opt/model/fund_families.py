r"""The ``fund_split`` and ``fund_max_share`` families: funding-source choice.

A version v with ``funded_by`` has a continuous column :math:`f_{vbt} \ge 0`
per budget b it lists and period t it may have cost in: what b pays of v's cost
in t. The budgets' rows (``budget_limit``, ``budget_min_use``) charge these
columns instead of the cost profile; the rows here make them a split of the
cost actually due: all of it, and within each budget's ``max_share``.
"""

from __future__ import annotations

import numpy as np

from pathway_opt.model.columns import Columns, Profiles
from pathway_opt.model.families import INF, RowBlock, _block
from pathway_opt.model.initiative_data import versions_of
from pathway_opt.schema.funding import share_cap
from pathway_opt.schema.instance import Instance


def _due(
    cols: Columns, costs: Profiles, horizon: int
) -> dict[tuple[int, int], tuple[np.ndarray, np.ndarray]]:
    """Per (version, period): the start columns owing cost then, and the amounts."""
    assert costs.funded is not None
    funded = np.flatnonzero(costs.funded.any(axis=1))
    mine = np.flatnonzero(np.isin(cols.versions, funded))
    version, start = cols.versions[mine], cols.start_period[mine]
    keys, where, amounts = [], [], []
    for d in range(horizon):
        t = start + d
        inside = t < horizon
        amount = np.where(inside, costs.funded[version, np.minimum(d, horizon - 1)], 0)
        keep = inside & (amount != 0)
        keys.append(version[keep] * horizon + t[keep])
        where.append(mine[keep])
        amounts.append(amount[keep])
    key, col, amount = (np.concatenate(a) for a in (keys, where, amounts))
    order = np.lexsort((col, key))
    key, col, amount = key[order], col[order], amount[order]
    cut = np.flatnonzero(np.diff(key)) + 1
    firsts = key[np.r_[0, cut]] if len(key) else np.zeros(0, dtype=np.int64)
    return {
        (int(k // horizon), int(k % horizon)): (c, a)
        for k, c, a in zip(
            firsts.tolist(), np.split(col, cut), np.split(amount, cut), strict=False
        )
    }


def add_fund_split(inst: Instance, cols: Columns, costs: Profiles) -> RowBlock:
    r"""``fund_split[i, v, t]``: the budgets pay the whole cost due.

    :math:`\sum_{b \in F_v} f_{vbt} - \sum_{s \le t} c_{v,t-s} x_{vs} = 0` for
    every funded version v and period t it may have cost in (``v`` is the
    variant id, ``""`` for the base version).
    """
    return _fund_rows("fund_split", inst, cols, costs, capped=False)


def add_fund_max_share(inst: Instance, cols: Columns, costs: Profiles) -> RowBlock:
    r"""``fund_max_share[i, v, b, t]``: a budget pays at most its share.

    :math:`f_{vbt} - m_{vb} \sum_{s \le t} c_{v,t-s} x_{vs} \le 0` for every
    budget b with a ``max_share`` :math:`m_{vb} < 1` of funded version v.
    """
    return _fund_rows("fund_max_share", inst, cols, costs, capped=True)


def _fund_rows(
    name: str, inst: Instance, cols: Columns, costs: Profiles, capped: bool
) -> RowBlock:
    index: list[tuple[str, str, str, int] | tuple[str, str, int]] = []
    rows: list[np.ndarray] = []
    where: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    if cols.n_fund == 0:
        return _block(
            name,
            [],
            *(np.zeros(0, dtype=np.int64),) * 2,
            np.zeros(0),
            cols.n,
            np.zeros(0),
            np.zeros(0),
        )
    assert cols.fund_version is not None and cols.fund_budget is not None
    assert cols.fund_period is not None
    horizon = len(inst.periods)
    due = _due(cols, costs, horizon)
    versions = versions_of(inst)
    fund_cols = cols.fund_cols()
    keys = cols.fund_keys()
    by_pair: dict[tuple[int, int], list[int]] = {}
    for k, (v, t) in enumerate(
        zip(cols.fund_version.tolist(), cols.fund_period.tolist(), strict=True)
    ):
        by_pair.setdefault((v, t), []).append(k)
    for (v, t), funds in by_pair.items():
        starts, amounts = due[(v, t)]
        ini_id, variant = keys[funds[0]][0], keys[funds[0]][1]
        if not capped:
            index.append((ini_id, variant, t))
            rows.append(np.full(len(funds) + len(starts), len(index) - 1))
            where.append(np.concatenate([fund_cols[funds], starts]))
            vals.append(np.concatenate([np.ones(len(funds)), -amounts]))
            continue
        version = versions[v][2]
        for k in funds:
            budget = keys[k][2]
            cap = share_cap(version, budget)
            if cap >= 1:
                continue
            index.append((ini_id, variant, budget, t))
            rows.append(np.full(1 + len(starts), len(index) - 1))
            where.append(np.concatenate([[fund_cols[k]], starts]))
            vals.append(np.concatenate([[1.0], -cap * amounts]))
    n = len(index)
    return _block(
        name,
        index,
        np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
        np.concatenate(where) if where else np.zeros(0, dtype=np.int64),
        np.concatenate(vals) if vals else np.zeros(0),
        cols.n,
        np.zeros(n) if not capped else np.full(n, -INF),
        np.zeros(n),
    )
