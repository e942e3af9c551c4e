"""A better plan near the current one: HiGHS on the groups still in doubt.

Relaxation-induced neighbourhoods: the groups whose priced value is near zero
(the Lagrangian relaxation is unsure of them) or whose relaxed choice differs
from the plan's are left free, every other column keeps the plan's value. The
fixed columns' share of each row moves into the row's bounds, so the residual
model is small (a few thousand groups) and HiGHS solves it, from the current
plan, in seconds. Its plan is taken when it scores higher and meets every row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pathway_opt.solver.heuristic import State
from pathway_opt.solver.highs_run import Arrays, HighsRun
from pathway_opt.solver.structure import Structure

#: HiGHS's share of effort on primal heuristics in a residual model (default
#: 0.05): here a better plan is all that is wanted, the bound comes from elsewhere.
HEURISTIC_EFFORT = 0.3


def neighbourhood(
    st: Structure,
    state: State,
    priced_best: np.ndarray,
    relaxed_choice: np.ndarray,
    size: int,
    skip: int = 0,
) -> np.ndarray:
    """Groups to free: those the relaxation disagrees on, then the least sure.

    ``priced_best`` is each group's best priced option value (its distance from
    zero says how sure the relaxation is); ``skip`` passes over the first
    ``skip`` of the least-sure ranking (another neighbourhood each round).
    """
    differ = np.flatnonzero(relaxed_choice != state.choice)
    doubt = np.argsort(np.abs(priced_best), kind="stable")
    doubt = np.concatenate([doubt[skip:], doubt[:skip]])
    chosen = np.concatenate([differ[:size], doubt])
    _, first = np.unique(chosen, return_index=True)
    return chosen[np.sort(first)][:size]


def _sub_arrays(
    st: Structure, state: State, groups: np.ndarray, relax: bool = False
) -> tuple[Arrays, np.ndarray]:
    """The model with only ``groups`` and the [0, 1] free columns free.

    The fixed columns keep the state's values: their share of each row moves
    into the row's bounds. Returns the arrays and the kept columns. With
    ``relax`` every column is continuous (the LP).
    """
    x = state.values()
    # every free column is free (synergy, and a funding split's amounts): with
    # every group free the LP is then the model's relaxation, a valid bound
    free_cols = st.free
    sizes = np.diff(st.group_options)
    starts = st.group_options[groups]
    option_cols = st.option_col[
        np.repeat(starts, sizes[groups]) + _ranges(sizes[groups])
    ]
    kept = np.concatenate([st.group_select[groups], option_cols, free_cols])
    cols = sp.csc_array(st.by_column[:, kept])  # the one copy of the kept columns
    fixed_activity = state.activity - cols @ x[kept]
    rows = np.flatnonzero(np.bincount(cols.indices, minlength=st.n_rows) > 0)
    # the groups' own rows (sum of its options - select = 0) under the kept ones
    k = len(groups)
    own_rows = np.concatenate([np.arange(k), np.repeat(np.arange(k), sizes[groups])])
    own_values = np.concatenate([-np.ones(k), np.ones(len(option_cols))])
    matrix = _with_own_rows(cols, rows, own_rows, own_values, k)
    del cols
    slack = 1e-9 * (1.0 + np.abs(fixed_activity[rows]))
    integral = np.where(st.integrality[kept] == 1, 1, 0).astype(np.int8)
    arrays = Arrays(
        cost=st.cost[kept],
        col_lower=st.col_lower[kept],
        col_upper=st.col_upper[kept],
        integrality=np.zeros_like(integral) if relax else integral,
        matrix=matrix,
        row_lower=np.concatenate([st.lower[rows] - fixed_activity[rows] - slack,
                                  np.zeros(k)]),
        row_upper=np.concatenate([st.upper[rows] - fixed_activity[rows] + slack,
                                  np.zeros(k)]),
    )  # fmt: skip
    return arrays, kept


def _options(seed: int) -> dict[str, object]:
    return {
        "random_seed": seed,
        "mip_rel_gap": 0.0,
        "mip_abs_gap": 1e-6,
        "presolve": "on",
        "mip_max_nodes": 2**31 - 1,
        "mip_heuristic_effort": HEURISTIC_EFFORT,
    }


def residual_plan(
    st: Structure,
    state: State,
    groups: np.ndarray,
    limit: float | None,
    threads: int | None,
    seed: int,
) -> tuple[np.ndarray, float] | None:
    """HiGHS's best plan with only ``groups`` (and the free columns) free.

    Returns every column's value and the objective, or None when HiGHS found
    no plan (or failed).
    """
    x = state.values()
    arrays, kept = _sub_arrays(st, state, groups)
    amounts = np.flatnonzero(~((arrays.col_lower >= 0) & (arrays.col_upper <= 1)))
    zero_one = np.flatnonzero((arrays.col_lower >= 0) & (arrays.col_upper <= 1))
    try:
        with _released(HighsRun(arrays, zero_one, amount_cols=amounts)) as run:
            del arrays  # HiGHS holds the model now
            result = run.run(_options(seed), threads, limit, x[kept].copy())
    except Exception:  # a failed neighbourhood leaves the plan as it was
        return None
    if result.chosen is None or result.objective is None:
        return None
    new = x.copy()
    new[kept[zero_one]] = 0.0
    new[kept[zero_one[result.chosen]]] = 1.0
    if len(amounts) and result.amounts is not None:
        new[kept[amounts]] = np.maximum(result.amounts, 0.0)
    return new, float(st.cost @ new)


@dataclass
class Rounded:
    """An LP relaxation's solution rounded at 0.5, and where it was fractional."""

    x: np.ndarray
    """Every column's value: the LP's kept columns rounded, the rest as fixed."""
    split: np.ndarray
    """Groups with a fractional column in the LP."""
    bound: float | None
    """The LP optimum when HiGHS proved it and every group was free (a valid
    upper bound on the whole model), else None."""


def lp_rounding(
    st: Structure,
    state: State,
    groups: np.ndarray,
    limit: float | None,
    threads: int | None,
) -> Rounded | None:
    """The LP with only ``groups`` free (the rest as in ``state``), rounded.

    None when the LP gave no solution in the time.
    """
    arrays, kept = _sub_arrays(st, state, groups, relax=True)
    unit = (arrays.col_lower >= 0) & (arrays.col_upper <= 1)
    try:
        with _released(HighsRun(arrays, np.arange(len(kept)))) as run:
            del arrays  # HiGHS holds the model now
            run.report_values = True
            result = run.run(_options(0), threads, limit)
    except Exception:
        return None
    if result.values is None:
        return None
    values = result.values
    x = state.values()
    # 0/1 columns rounded; a split's amounts to 0 (what they paid no longer
    # matches the rounded starts: the repair drops what is then unpaid, and
    # residual MIPs choose splits again)
    x[kept] = np.where(unit & (values > 0.5), 1.0, 0.0)
    fractional = kept[unit & (values > 1e-6) & (values < 1 - 1e-6)]
    owner = np.full(len(x), -1, dtype=np.int64)
    owner[st.option_col] = st.option_group
    owner[st.group_select] = np.arange(st.n_groups)
    split = np.unique(owner[fractional])
    whole = len(groups) == st.n_groups
    proven = whole and result.status == "kOptimal" and result.objective is not None
    return Rounded(
        x=x, split=split[split >= 0], bound=result.objective if proven else None
    )


def _with_own_rows(
    cols: sp.csc_array,
    rows: np.ndarray,
    own_rows: np.ndarray,
    own_values: np.ndarray,
    n_own: int,
) -> sp.csc_array:
    """``cols`` restricted to ``rows`` (renumbered), then ``n_own`` rows below.

    Each of the first ``len(own_rows)`` columns has one entry in those: the
    value ``own_values`` in row ``own_rows`` (counted from the first below).

    Built in place of a row slice and a stack: those copy the nonzeros three
    times, and a neighbourhood's LP holds most of a large model's.
    """
    renumber = np.full(cols.shape[0], -1, dtype=np.int64)
    renumber[rows] = np.arange(len(rows))
    counts = np.diff(cols.indptr).astype(np.int64)
    counts[: len(own_rows)] += 1
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    total = int(indptr[-1])
    n_rows = len(rows) + n_own
    index = np.int32 if max(total, n_rows) < np.iinfo(np.int32).max else np.int64
    data = np.empty(total)
    indices = np.empty(total, dtype=index)
    own_at = indptr[1 : len(own_rows) + 1] - 1  # last in its column: sorted rows
    theirs = np.ones(total, dtype=bool)
    theirs[own_at] = False
    data[theirs] = cols.data
    indices[theirs] = renumber[cols.indices]
    data[own_at] = own_values
    indices[own_at] = len(rows) + own_rows
    return sp.csc_array(
        (data, indices, indptr.astype(index)), shape=(n_rows, len(counts))
    )


@contextmanager
def _released(run: HighsRun) -> Iterator[HighsRun]:
    """The run, its HiGHS model cleared after.

    A run is collected only with Python's cycles, seconds later: until then its
    model (a neighbourhood's LP: tens of MB) would stay beside the next one.
    """
    try:
        yield run
    finally:
        run.highs.clearModel()


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, concatenated."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total) - offsets
