"""Moves that keep a funding split paid: amount columns set with the start.

A funded version pays its cost through continuous *amount* columns (what each
budget pays), tied to its start columns by equality rows (``sum_b f - due = 0``,
the ``fund_split`` rows). A move that only sets a start breaks those rows, so
the greedy could never take a funded initiative. Read generically, by the
matrix: an *amount* column is a continuous free column; a *balancing* row is an
equality row holding one. :meth:`Splits.settle` answers, for the row change of
a start move, the amount changes that meet every balancing row it touches
again: the cost due is paid from the row's amount columns cheapest first (at the
rows' prices, e.g. the Lagrangian duals of the budgets), each up to the room its
other rows leave (a budget's limit, a ``max_share`` cap), then beyond that room
if it must (the move is then judged by those rows, as any other move).
:func:`rebalance` re-splits every amount at once by an LP with the starts fixed,
to free the room of the budgets that are scarce.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from pathway_opt.solver.structure import Structure

#: Amounts below this (in a scaled row's units) are taken as met.
SETTLE_TOLERANCE = 1e-12


@dataclass
class Splits:
    """The amount columns and balancing rows of a model, and their prices."""

    st: Structure
    amount: np.ndarray
    """Per column: whether it is an amount column."""
    balancing: np.ndarray
    """Per row: whether it is a balancing row."""
    amount_rows: sp.csr_array
    """Balancing rows x columns, amount columns only."""
    price: np.ndarray
    """Per column: its priced use of every row but the balancing ones."""
    pos: np.ndarray
    """Per column: its place among the free columns (-1: not free)."""
    touched: np.ndarray
    """Per row: whether an amount column is in it (a split can change it)."""

    @classmethod
    def of(cls, st: Structure) -> Splits | None:
        """The splits of a structure, or None when it has no balancing row."""
        amount = np.zeros(len(st.cost), dtype=bool)
        amount[st.free] = st.integrality[st.free] == 0
        if not amount.any() or st.n_rows == 0:
            return None
        coo = sp.coo_array(st.matrix)
        with_amount = np.zeros(st.n_rows, dtype=bool)
        with_amount[coo.row[amount[coo.col]]] = True
        balancing = (st.lower == st.upper) & with_amount
        if not balancing.any():
            return None
        keep = balancing[coo.row] & amount[coo.col]
        # an amount column is one a balancing row holds (not any continuous one)
        amount = np.zeros(len(st.cost), dtype=bool)
        amount[coo.col[keep]] = True
        rows = sp.csr_array(
            (coo.data[keep], (coo.row[keep], coo.col[keep])), shape=st.matrix.shape
        )
        pos = np.full(len(st.cost), -1, dtype=np.int64)
        pos[st.free] = np.arange(len(st.free))
        touched = np.zeros(st.n_rows, dtype=bool)
        touched[coo.row[amount[coo.col]]] = True
        return cls(st, amount, balancing, rows, np.zeros(len(st.cost)), pos, touched)

    def set_prices(self, prices: np.ndarray | None) -> None:
        """Price each amount column by its use of the rows (balancing rows aside)."""
        if prices is None:
            self.price = np.zeros(len(self.st.cost))
            return
        use = np.where(self.balancing, 0.0, prices)
        self.price = np.asarray(self.st.matrix.T @ use).ravel()

    def settle(
        self,
        activity: np.ndarray,
        free_values: np.ndarray,
        rows: np.ndarray,
        delta: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Amount changes meeting the balancing rows among ``rows`` after ``delta``.

        ``free_values`` are the free columns' values now. Returns the rows and change of
        the move with the amounts' share added (rows unique), and the amount
        columns with their change.
        """
        bal = np.flatnonzero(self.balancing[rows])
        if len(bal) == 0:
            return rows, delta, _NONE_I, _NONE_F
        st = self.st
        extra: dict[int, float] = dict(zip(rows.tolist(), delta.tolist(), strict=True))
        moved: dict[int, float] = {}
        a = st.by_column
        ptr, idx, val = a.indptr, a.indices, a.data
        bptr, bidx, bval = (
            self.amount_rows.indptr,
            self.amount_rows.indices,
            self.amount_rows.data,
        )
        for r in rows[bal].tolist():
            need = st.lower[r] - (activity[r] + extra[r])
            if abs(need) <= SETTLE_TOLERANCE * (1.0 + abs(st.lower[r])):
                continue
            cols = bidx[bptr[r] : bptr[r + 1]]
            coefs = bval[bptr[r] : bptr[r + 1]]
            # each column's direction: the one that moves the row toward its bound
            direction = np.sign(need) * np.sign(coefs)
            cost = self.price[cols] * direction
            order = np.argsort(cost, kind="stable").tolist()
            for within in (True, False):
                for k in order:
                    if abs(need) <= SETTLE_TOLERANCE * (1.0 + abs(st.lower[r])):
                        break
                    j, c, d = int(cols[k]), float(coefs[k]), float(direction[k])
                    now = free_values[self.pos[j]] + moved.get(j, 0.0)
                    room = st.col_upper[j] - now if d > 0 else now - st.col_lower[j]
                    if within:
                        for p in range(ptr[j], ptr[j + 1]):
                            q = int(idx[p])
                            if q == r:
                                continue
                            step = float(val[p]) * d
                            act = activity[q] + extra.get(q, 0.0)
                            if step > 0 and np.isfinite(st.upper[q]):
                                room = min(room, max(0.0, (st.upper[q] - act) / step))
                            elif step < 0 and np.isfinite(st.lower[q]):
                                room = min(room, max(0.0, (act - st.lower[q]) / -step))
                    take = min(room, abs(need) / abs(c))
                    if take <= 0:
                        continue
                    change = take * d
                    moved[j] = moved.get(j, 0.0) + change
                    for p in range(ptr[j], ptr[j + 1]):
                        q = int(idx[p])
                        extra[q] = extra.get(q, 0.0) + float(val[p]) * change
                    need -= c * change
        if not moved:
            return rows, delta, _NONE_I, _NONE_F
        keys = np.fromiter(extra.keys(), dtype=np.int64, count=len(extra))
        changes = np.fromiter(extra.values(), dtype=float, count=len(extra))
        cols_moved = np.fromiter(moved.keys(), dtype=np.int64, count=len(moved))
        amounts = np.fromiter(moved.values(), dtype=float, count=len(moved))
        return keys, changes, cols_moved, amounts


_NONE_I = np.zeros(0, dtype=np.int64)
_NONE_F = np.zeros(0)


def rebalance(
    st: Structure,
    splits: Splits,
    x: np.ndarray,
    prices: np.ndarray | None,
) -> np.ndarray | None:
    """Every amount re-split by an LP with the other columns fixed, or None.

    Minimises the amounts' priced use of the rows (the scarce budgets' prices
    are high, so their room is freed first), with a small even weight so that
    budgets without a price are still used in proportion. None when the LP
    finds nothing (the plan's own split then stands).
    """
    cols = np.flatnonzero(splits.amount)
    sub = sp.csc_array(st.by_column[:, cols])
    rows = np.flatnonzero(np.diff(sp.csr_array(sub).indptr) > 0)
    if len(rows) == 0:
        return None
    sub = sp.csr_array(sp.csr_array(sub)[rows])
    # the rows are scaled, not the amounts (a cost of 10^6 is 10^-6 per unit):
    # each amount in units of its largest coefficient, for HiGHS's tolerances
    unit = np.asarray(abs(sub).max(axis=0).toarray()).ravel()
    unit = np.where(unit > 0, unit, 1.0)
    fixed = (st.matrix @ x)[rows] - sub @ x[cols]
    lo, up = st.lower[rows] - fixed, st.upper[rows] - fixed
    price = splits.price[cols] if prices is not None else np.zeros(len(cols))
    weight = price + 1e-6 * np.asarray(abs(sub).sum(axis=0)).ravel()
    weight = weight / unit
    weight = weight / max(float(np.abs(weight).max()), 1e-300)
    sub = sp.csr_array(sub @ sp.diags_array(1.0 / unit))
    equal = lo == up
    ineq = ~equal
    a_ub = sp.vstack([sub[ineq], -sub[ineq]], format="csr")
    b_ub = np.concatenate([up[ineq], -lo[ineq]])
    finite = np.isfinite(b_ub)
    bounds = [
        (lo_j, hi_j if np.isfinite(hi_j) else None)
        for lo_j, hi_j in zip(
            (st.col_lower[cols] * unit).tolist(),
            (st.col_upper[cols] * unit).tolist(),
            strict=True,
        )
    ]
    try:
        result = linprog(
            weight,
            A_ub=a_ub[finite] if finite.any() else None,
            b_ub=b_ub[finite] if finite.any() else None,
            A_eq=sub[equal] if equal.any() else None,
            b_eq=lo[equal] if equal.any() else None,
            bounds=bounds,
            method="highs",
            # the plan's rows hold to 1e-9 (scaled): HiGHS's default is 1e-7
            options={"primal_feasibility_tolerance": 1e-10},
        )
    except ValueError:
        return None
    if result.status != 0 or result.x is None:
        return None
    new = x.copy()
    new[cols] = np.maximum(np.asarray(result.x) / unit, st.col_lower[cols])
    return new
