r"""The constraint families, one builder each, rows assembled with numpy.

Every ``add_*`` function returns the :class:`RowBlock` of one named family; the
same name is the Pyomo component of
:func:`pathway_opt.model.pyomo_model.build_model` and the row in
``models/pathway.md``. Right-hand sides that are data (budget limits,
capacities) are filled in by :func:`pathway_opt.model.form.load_data`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from pathway_opt.model.columns import Columns, Profiles
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import RequiresRule, SynergyRule

INF = np.inf


@dataclass
class RowBlock:
    """The rows of one constraint family: ``lower <= matrix @ x <= upper``."""

    name: str
    index: list[Any]
    """Pyomo index of each row."""
    matrix: sp.csr_array
    lower: np.ndarray
    upper: np.ndarray
    owners: list[tuple[str, int]] = field(default_factory=list)
    """For limit rows: the (budget or resource id, period) each row limits."""

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.index)


def _block(
    name: str,
    index: list[Any],
    rows: np.ndarray,
    cols: np.ndarray,
    vals: np.ndarray,
    n_cols: int,
    lower: np.ndarray,
    upper: np.ndarray,
) -> RowBlock:
    # 32-bit indices where they fit: scipy keeps the coordinates' 64-bit ints
    # otherwise, and each copy of a large model's matrix costs a third more
    small = max(len(index), n_cols, len(vals)) < np.iinfo(np.int32).max
    index_type = np.int32 if small else np.int64
    matrix = sp.csr_array(
        (vals, (rows.astype(index_type), cols.astype(index_type))),
        shape=(len(index), n_cols),
    )
    matrix.sum_duplicates()
    return RowBlock(
        name=name,
        index=index,
        matrix=matrix,
        lower=lower.astype(float),
        upper=upper.astype(float),
    )


def add_start_once(cols: Columns) -> RowBlock:
    r"""``start_once[i]``: one start if selected.

    :math:`\sum_{s \in S_i} x_{is} - y_i = 0` for every initiative :math:`i`.
    """
    n_ini = len(cols.ids)
    rows = np.concatenate([cols.start_ini, np.arange(n_ini)])
    where = np.concatenate([np.arange(cols.n_start), cols.select_col(np.arange(n_ini))])
    vals = np.concatenate([np.ones(cols.n_start), -np.ones(n_ini)])
    zeros = np.zeros(n_ini)
    return _block("start_once", list(cols.ids), rows, where, vals, cols.n, zeros, zeros)


def _limit_rows(
    name: str,
    cols: Columns,
    profiles: Profiles,
    cumulative: list[bool],
    horizon: int,
    funds: bool = False,
) -> RowBlock:
    """Rows ``owner, t`` of (cumulative) amounts charged by each start column.

    With ``funds``, the ``fund`` columns of each budget are charged too (to the
    rows of their period and, cumulative, of every later one).
    """
    row_keys: list[np.ndarray] = []
    col_ids: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    start_cols = np.arange(cols.n_start)
    versions = cols.versions
    for o, carry in enumerate(cumulative):
        amount = profiles.amount[:, o, :]
        if carry:
            amount = np.cumsum(amount, axis=1)
        for d in range(horizon):
            t = cols.start_period + d
            inside = t < horizon
            coef = amount[versions[inside], d]
            keep = coef != 0
            row_keys.append(o * horizon + t[inside][keep])
            col_ids.append(start_cols[inside][keep])
            vals.append(coef[keep])
    if funds and cols.n_fund:
        assert cols.fund_budget is not None and cols.fund_period is not None
        fund_cols = cols.fund_cols()
        carries = np.array(cumulative, dtype=bool)[cols.fund_budget]
        for row in range(horizon):
            # a fund column of period p counts in row p, or in every row >= p
            on = (cols.fund_period == row) | (carries & (cols.fund_period < row))
            row_keys.append(cols.fund_budget[on] * horizon + row)
            col_ids.append(fund_cols[on])
            vals.append(np.ones(int(on.sum())))
    keys = np.concatenate(row_keys) if row_keys else np.zeros(0, dtype=np.int64)
    present, rows = np.unique(keys, return_inverse=True)
    owners = [
        (profiles.owners[k // horizon], int(k % horizon)) for k in present.tolist()
    ]
    n = len(owners)
    block = _block(
        name,
        owners,
        rows,
        np.concatenate(col_ids) if col_ids else np.zeros(0, dtype=np.int64),
        np.concatenate(vals) if vals else np.zeros(0),
        cols.n,
        np.full(n, -INF),
        np.full(n, INF),
    )
    block.owners = owners
    return block


def add_budget_limit(inst: Instance, cols: Columns, costs: Profiles) -> RowBlock:
    r"""``budget_limit[b, t]``: spend within the limit.

    Without carry-over: :math:`\sum_{(v,s) \in S,\, s \le t} c_{vb,t-s} x_{vs} +
    \sum_{v} f_{vbt} \le L_{bt}`. With carry-over: :math:`\sum_{(v,s) \in S,\,
    s \le t} (\sum_{k \le t-s} c_{vbk}) x_{vs} + \sum_{v, t' \le t} f_{vbt'}
    \le \sum_{t' \le t} L_{bt'}`. :math:`f_{vbt}` is what b pays of version
    v's cost in t (``fund``; absent without ``funded_by``).
    """
    carry = [b.carry_over for b in inst.budgets]
    return _limit_rows(
        "budget_limit", cols, costs, carry, len(inst.periods), funds=True
    )


def add_budget_min_use(inst: Instance, cols: Columns, costs: Profiles) -> RowBlock:
    r"""``budget_min_use[b, t]``: spend at least the minimum-use share.

    For every budget with ``min_use`` and every period, the spend of
    ``budget_limit[b, t]`` (charged costs and ``fund`` columns, cumulative with
    carry-over) is at least :math:`m_{bt} L_{bt}` (with carry-over,
    :math:`m_{bt} \sum_{t' \le t} L_{bt'}`). Rows exist for every
    period (even one no start can charge) so a share may change without a
    rebuild; the bounds are data (:func:`pathway_opt.model.form.load_data`).
    """
    horizon = len(inst.periods)
    carry = [b.carry_over for b in inst.budgets]
    spend = _limit_rows("budget_min_use", cols, costs, carry, horizon, funds=True)
    index = [
        (b.id, t) for b in inst.budgets if b.min_use is not None for t in range(horizon)
    ]
    row_of = {key: r for r, key in enumerate(spend.owners)}
    taken = [row_of.get(key, -1) for key in index]
    empty = sp.csr_array((1, cols.n))
    parts = [spend.matrix[[r]] if r >= 0 else empty for r in taken]
    matrix = (
        sp.csr_array(sp.vstack(parts, format="csr"))
        if parts
        else sp.csr_array((0, cols.n))
    )
    n = len(index)
    block = RowBlock(
        name="budget_min_use",
        index=index,
        matrix=matrix,
        lower=np.zeros(n),
        upper=np.full(n, INF),
    )
    block.owners = index
    return block


def add_resource_limit(inst: Instance, cols: Columns, uses: Profiles) -> RowBlock:
    r"""``resource_limit[r, t]``: use within capacity.

    :math:`\sum_{(i,s) \in S,\, s \le t} u_{ir,t-s} x_{is} \le C_{rt}`.
    """
    carry = [False] * len(inst.resources)
    return _limit_rows("resource_limit", cols, uses, carry, len(inst.periods))


def add_requires_start(inst: Instance, cols: Columns) -> RowBlock:
    r"""``requires_start[k, j, s]``: prerequisite started early enough.

    :math:`\sum_{u \in S_i, u \le s} x_{iu} - \sum_{u \in S_j, u \le s - \ell_k}
    x_{ju} \le 0` for each rule :math:`k` (:math:`i` requires :math:`j` with lag
    :math:`\ell_k`) and each start period :math:`s` of :math:`i`; :math:`S_i`
    holds the start columns of every version of :math:`i`. The cumulative form is
    the convex hull of the precedence between two single-start activities; at the
    last start it also gives :math:`y_i \le y_j`.
    """
    position = {ini: k for k, ini in enumerate(cols.ids)}
    starts_of = cols.starts_of()
    period = cols.start_period
    index: list[tuple[int, str, int]] = []
    rows: list[np.ndarray] = []
    where: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, RequiresRule):
            continue
        dependant = starts_of[position[rule.initiative]]
        # one version: its columns ascend by period, each start its own row
        periods = period[dependant]
        single = bool(np.all(np.diff(periods) > 0))
        for prereq in rule.on:
            early_cols = starts_of[position[prereq]]
            for n, s in enumerate(
                periods.tolist() if single else np.unique(periods).tolist()
            ):
                mine = dependant[: n + 1] if single else dependant[periods <= s]
                early = early_cols[period[early_cols] <= s - rule.lag]
                row = len(index)
                index.append((k, prereq, s))
                rows.append(np.full(len(mine) + len(early), row))
                where.append(np.concatenate([mine, early]))
                vals.append(np.concatenate([np.ones(len(mine)), -np.ones(len(early))]))
    return _block(
        "requires_start",
        index,
        np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
        np.concatenate(where) if where else np.zeros(0, dtype=np.int64),
        np.concatenate(vals) if vals else np.zeros(0),
        cols.n,
        np.full(len(index), -INF),
        np.zeros(len(index)),
    )


def add_count_limit(inst: Instance, cols: Columns) -> RowBlock:
    r"""``count_limit[k]``: number of selected members within bounds.

    :math:`n^{lo}_k \le \sum_{i \in M_k} y_i \le n^{hi}_k` for ``at_least``
    (lower), ``at_most`` (upper) and ``exactly`` (both).
    """
    position = {ini: k for k, ini in enumerate(cols.ids)}
    members = inst.count_rule_members()
    index = list(members)
    rows, where, lower, upper = [], [], [], []
    for row, k in enumerate(index):
        rule = inst.rules[k]
        chosen = [position[m] for m in members[k]]
        rows.append(np.full(len(chosen), row))
        where.append(cols.select_col(np.array(chosen, dtype=np.int64)))
        lower.append(rule.count if rule.kind in ("at_least", "exactly") else -INF)
        upper.append(rule.count if rule.kind in ("at_most", "exactly") else INF)
    flat_rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    return _block(
        "count_limit",
        index,
        flat_rows,
        np.concatenate(where) if where else np.zeros(0, dtype=np.int64),
        np.ones(len(flat_rows)),
        cols.n,
        np.array(lower, dtype=float),
        np.array(upper, dtype=float),
    )


def add_synergy(inst: Instance, cols: Columns) -> tuple[RowBlock, RowBlock]:
    r"""``synergy_link[g, i]`` and ``synergy_penalty[g]``: the synergy indicator.

    ``synergy_link``: :math:`z_g - y_i \le 0` for every member :math:`i` of
    :math:`g`; ``synergy_penalty``: :math:`\sum_{i \in g} y_i - z_g \le |g| - 1`.
    Maximising :math:`b_g z_g` makes :math:`z_g` the indicator that all members are
    selected: the links bind for a bonus, the penalty row for a negative bonus.
    Both are built so that a bonus may change sign without a rebuild.
    """
    position = {ini: k for k, ini in enumerate(cols.ids)}
    link_index: list[tuple[int, str]] = []
    link: list[tuple[int, int, float]] = []
    penalty: list[tuple[int, int, float]] = []
    penalty_upper = []
    for g, k in enumerate(cols.synergies):
        rule = inst.rules[k]
        assert isinstance(rule, SynergyRule)
        z = cols.synergy_col(g)
        for member in rule.members:
            y = int(cols.select_col(position[member]))
            row = len(link_index)
            link_index.append((k, member))
            link += [(row, z, 1.0), (row, y, -1.0)]
            penalty.append((g, y, 1.0))
        penalty.append((g, z, -1.0))
        penalty_upper.append(len(rule.members) - 1)

    def block(
        name: str,
        index: list[Any],
        entries: list[tuple[int, int, float]],
        upper: np.ndarray,
    ) -> RowBlock:
        arr = np.array(entries, dtype=float).reshape(-1, 3)
        rows, where = arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64)
        return _block(
            name,
            index,
            rows,
            where,
            arr[:, 2],
            cols.n,
            np.full(len(index), -INF),
            upper,
        )

    links = block("synergy_link", link_index, link, np.zeros(len(link_index)))
    penalties = block(
        "synergy_penalty",
        list(cols.synergies),
        penalty,
        np.array(penalty_upper, dtype=float),
    )
    return links, penalties
