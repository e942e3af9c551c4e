"""A better plan near the current one: HiGHS on the groups still in doubt.

Relaxation-induced neighbourhoods: the groups whose priced value is near zero
(the Lagrangian relaxation is unsure of them) or whose relaxed choice differs
from the plan's are left free, every other column keeps the plan's value. The
fixed columns' share of each row moves into the row's bounds, so the residual
model is small (a few thousand groups) and HiGHS solves it, from the current
plan, in seconds. Its plan is taken when it scores higher and meets every row.
"""

from __future__ import annotations

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
    n = len(x)
    # every free column is free (synergy, and a funding split's amounts): with
    # every group free the LP is then the model's relaxation, a valid bound
    free_cols = st.free
    sizes = np.diff(st.group_options)
    starts = st.group_options[groups]
    option_cols = st.option_col[
        np.repeat(starts, sizes[groups]) + _ranges(sizes[groups])
    ]
    kept = np.concatenate([st.group_select[groups], option_cols, free_cols])
    position = np.full(n, -1, dtype=np.int64)
    position[kept] = np.arange(len(kept))
    sub = sp.csc_array(st.by_column[:, kept])
    fixed_activity = state.activity - sub @ x[kept]
    rows = np.flatnonzero(np.diff(sp.csr_array(sub).indptr) > 0)
    sub = sp.csc_array(sp.csr_array(sub)[rows])
    # the groups' own rows: sum of its options - select = 0
    k = len(groups)
    own = sp.csc_array(
        (
            np.concatenate([-np.ones(k), np.ones(len(option_cols))]),
            (
                np.concatenate([np.arange(k), np.repeat(np.arange(k), sizes[groups])]),
                np.concatenate(
                    [position[st.group_select[groups]], position[option_cols]]
                ),
            ),
        ),
        shape=(k, len(kept)),
    )
    slack = 1e-9 * (1.0 + np.abs(fixed_activity[rows]))
    integral = np.where(st.integrality[kept] == 1, 1, 0).astype(np.int8)
    arrays = Arrays(
        cost=st.cost[kept],
        col_lower=st.col_lower[kept],
        col_upper=st.col_upper[kept],
        integrality=np.zeros_like(integral) if relax else integral,
        matrix=sp.csc_array(sp.vstack([sub, own], format="csc")),
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
        run = HighsRun(arrays, zero_one, amount_cols=amounts)
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
    try:
        run = HighsRun(arrays, np.arange(len(kept)))
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
    unit = (arrays.col_lower >= 0) & (arrays.col_upper <= 1)
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


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, concatenated."""
    total = int(sizes.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.arange(total) - offsets
