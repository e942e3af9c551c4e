r"""The ``spend_share`` and ``average`` families: rules on shares and means.

Both are linear in the model's own columns. A spend share ``f`` of the members
``M`` over the spend counted ``w_{is}`` (budget and periods of the rule) is
:math:`\sum_{(i,s)} (1[i \in M] - f)\, w_{is} x_{is} \ge 0` (at least) or
:math:`\le 0` (at most); a mean ``m`` of field values ``v_i`` over the selected
members is :math:`\sum_{i \in M} (v_i - m) y_i \ge 0` (at least) or
:math:`\le 0` (at most), which an empty selection meets.

Which coefficients exist depends only on the structure (the rule, its members,
the non-zero cost entries); their values are data, kept even when zero, so a
what-if that changes a score or a cost amount only rewrites them in place. A
rule with no member (average) or no counted spend (spend share) has no row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pathway_opt.model.columns import Columns, Profiles
from pathway_opt.model.families import INF, RowBlock, _block
from pathway_opt.model.initiative_data import versions_of
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import AverageRule, SpendShareRule
from pathway_opt.schema.value_rules import field_value, value_rule_members

#: The bounds a rule may give, in the order of the rows of one rule.
BOUNDS = ("at_least", "at_most")


def spend_weights(inst: Instance, cols: Columns, costs: Profiles, k: int) -> np.ndarray:
    """Spend counted by rule k for each start column (its budget and periods)."""
    rule = inst.rules[k]
    assert isinstance(rule, SpendShareRule)
    horizon = len(inst.periods)
    counted = _counted_periods(inst, rule)
    # (versions, k after start): what the rule counts; a funded version's cost
    # counts whole only when every budget does (else its ``fund`` columns do)
    if rule.budget:
        amount = costs.amount[:, costs.owners.index(rule.budget), :]
    else:
        amount = costs.total()
    weights = np.zeros(cols.n_start)
    for s in range(horizon):
        at = cols.start_period == s
        if not at.any():
            continue
        inside = counted[s:]  # period s + d for d = 0 .. horizon - s - 1
        by_ini = amount[:, : horizon - s] @ inside.astype(float)
        weights[at] = by_ini[cols.versions[at]]
    return weights


def _counted_periods(inst: Instance, rule: SpendShareRule) -> np.ndarray:
    counted = np.zeros(len(inst.periods), dtype=bool)
    if rule.periods is None:
        counted[:] = True
    else:
        counted[[inst.period_index(p) for p in rule.periods]] = True
    return counted


def _fund_spend(
    inst: Instance, cols: Columns, rule: SpendShareRule
) -> tuple[np.ndarray, np.ndarray]:
    """The ``fund`` columns a rule on one budget counts, and their initiatives."""
    if not rule.budget or cols.n_fund == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    assert cols.fund_budget is not None and cols.fund_period is not None
    assert cols.fund_version is not None
    counted = _counted_periods(inst, rule)
    on = (cols.fund_budget == cols.budgets.index(rule.budget)) & counted[
        cols.fund_period
    ]
    owner = cols.version_initiative()[cols.fund_version[on]]
    return cols.fund_cols()[on], owner


def add_spend_share(inst: Instance, cols: Columns, costs: Profiles) -> RowBlock:
    r"""``spend_share[k, bound]``: the members' share of spend within bounds.

    :math:`\sum_{(i,s)} (1[i \in M_k] - f_k)\, w_{kis} x_{is} \ge 0` for
    ``at_least`` :math:`f_k` (:math:`\le 0` for ``at_most``), with
    :math:`w_{kis} = \sum_{b \in B_k} \sum_{t \in T_k} c_{ib,t-s}` the spend of
    starting i in s counted by the rule.
    """
    member = {i: n for n, i in enumerate(cols.ids)}
    index: list[Any] = []
    rows, where, vals, lower, upper = [], [], [], [], []
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, SpendShareRule):
            continue
        weights = spend_weights(inst, cols, costs, k)
        inside = np.zeros(len(cols.ids))
        inside[[member[m] for m in value_rule_members(inst, rule)]] = 1.0
        counted = np.flatnonzero(weights)
        funds, fund_owner = _fund_spend(inst, cols, rule)
        if len(counted) + len(funds) == 0:
            continue  # no start spends what the rule counts: 0 >= 0, no row
        for bound in BOUNDS:
            share = getattr(rule, bound)
            if share is None:
                continue
            coef = (inside[cols.start_ini[counted]] - share) * weights[counted]
            rows.append(np.full(len(counted) + len(funds), len(index)))
            where.append(np.concatenate([counted, funds]))
            vals.append(np.concatenate([coef, inside[fund_owner] - share]))
            index.append((k, bound))
            lower.append(0.0 if bound == "at_least" else -INF)
            upper.append(INF if bound == "at_least" else 0.0)
    return _rows("spend_share", index, rows, where, vals, cols.n, lower, upper)


def add_average(inst: Instance, cols: Columns) -> RowBlock:
    r"""``average[k, bound]``: the mean of a field over selected members in bounds.

    :math:`\sum_{i \in M_k} (v_{ik} - m_k) y_i \ge 0` for ``at_least``
    :math:`m_k` (:math:`\le 0` for ``at_most``), :math:`v_{ik}` the member's
    value of the rule's field.
    """
    position = {i: n for n, i in enumerate(cols.ids)}
    by_id = {i.id: i for i in inst.initiatives}
    starts_of = cols.starts_of()
    versions = versions_of(inst)
    index: list[Any] = []
    rows, where, vals, lower, upper = [], [], [], [], []
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, AverageRule):
            continue
        members = value_rule_members(inst, rule)
        if not members:
            continue  # nobody to average over: the rule always holds, no row
        # an initiative with variants counts through its start columns: each
        # version has its own value; the others through select
        plain = [m for m in members if not by_id[m].variants]
        values = [np.array([field_value(inst, by_id[m], rule.field) for m in plain])]
        chosen = [
            np.asarray(
                cols.select_col(np.array([position[m] for m in plain], dtype=int)),
                dtype=np.int64,
            )
        ]
        for m in members:
            if by_id[m].variants:
                own = starts_of[position[m]]
                version_value = {
                    v: field_value(inst, versions[v][2], rule.field)
                    for v in set(cols.versions[own].tolist())
                }
                chosen.append(own)
                values.append(
                    np.array([version_value[v] for v in cols.versions[own].tolist()])
                )
        every, value = np.concatenate(chosen), np.concatenate(values)
        for bound in BOUNDS:
            mean = getattr(rule, bound)
            if mean is None:
                continue
            rows.append(np.full(len(every), len(index)))
            where.append(every)
            vals.append(value - mean)
            index.append((k, bound))
            lower.append(0.0 if bound == "at_least" else -INF)
            upper.append(INF if bound == "at_least" else 0.0)
    return _rows("average", index, rows, where, vals, cols.n, lower, upper)


def _rows(
    name: str,
    index: list[Any],
    rows: list[np.ndarray],
    where: list[np.ndarray],
    vals: list[np.ndarray],
    n_cols: int,
    lower: list[float],
    upper: list[float],
) -> RowBlock:
    return _block(
        name,
        index,
        np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
        np.concatenate(where) if where else np.zeros(0, dtype=np.int64),
        np.concatenate(vals) if vals else np.zeros(0),
        n_cols,
        np.array(lower, dtype=float),
        np.array(upper, dtype=float),
    )
