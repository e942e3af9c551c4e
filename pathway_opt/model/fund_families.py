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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cost due per start column of a funded version and period, sorted by key.

    Returns (key, column, amount) arrays, key = version * horizon + period.
    """
    assert costs.funded is not None
    funded = np.flatnonzero(costs.funded.any(axis=1))
    mine = np.flatnonzero(np.isin(cols.versions, funded))
    version, start = cols.versions[mine], cols.start_period[mine]
    keys, where, amounts = [], [], []
    for d in range(horizon):
        t = start + d
        amount = costs.funded[version, d]
        keep = (t < horizon) & (amount != 0)
        keys.append(version[keep] * horizon + t[keep])
        where.append(mine[keep])
        amounts.append(amount[keep])
    key, col, amount = (np.concatenate(a) for a in (keys, where, amounts))
    order = np.lexsort((col, key))
    return key[order], col[order], amount[order]


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
    """The rows of one family, assembled with numpy (no loop per row)."""
    horizon = len(inst.periods)
    if cols.n_fund == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _block(name, [], empty, empty, np.zeros(0), cols.n, *(np.zeros(0),) * 2)
    assert cols.fund_version is not None and cols.fund_budget is not None
    assert cols.fund_period is not None
    due_key, due_col, due_amount = _due(cols, costs, horizon)
    fund_key = cols.fund_version * horizon + cols.fund_period
    fund_cols = cols.fund_cols()
    keys = cols.fund_keys()
    if not capped:
        pairs, first = np.unique(fund_key, return_index=True)
        fund_row = np.searchsorted(pairs, fund_key)
        due_row = np.searchsorted(pairs, due_key)
        index = [(*keys[k][:2], keys[k][3]) for k in first.tolist()]
        rows = np.concatenate([fund_row, due_row])
        where = np.concatenate([fund_cols, due_col])
        vals = np.concatenate([np.ones(cols.n_fund), -due_amount])
        zeros = np.zeros(len(index))
        return _block(name, index, rows, where, vals, cols.n, zeros, zeros)
    versions = versions_of(inst)
    cap = np.array(
        [
            share_cap(versions[v][2], cols.budgets[b])
            for v, b in zip(
                cols.fund_version.tolist(), cols.fund_budget.tolist(), strict=True
            )
        ]
    )
    capped_funds = np.flatnonzero(cap < 1)
    index = [keys[k] for k in capped_funds.tolist()]
    # each capped fund column's row holds its due entries times -cap
    lo = np.searchsorted(due_key, fund_key[capped_funds], side="left")
    hi = np.searchsorted(due_key, fund_key[capped_funds], side="right")
    counts = hi - lo
    row_of_due = np.repeat(np.arange(len(capped_funds)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    picked = np.repeat(lo, counts) + offsets
    rows = np.concatenate([np.arange(len(capped_funds)), row_of_due])
    where = np.concatenate([fund_cols[capped_funds], due_col[picked]])
    vals = np.concatenate(
        [
            np.ones(len(capped_funds)),
            -np.repeat(cap[capped_funds], counts) * due_amount[picked],
        ]
    )
    n = len(index)
    return _block(name, index, rows, where, vals, cols.n, np.full(n, -INF), np.zeros(n))
