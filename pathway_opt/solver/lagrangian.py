r"""A valid upper bound without an LP: the Lagrangian dual, by subgradient steps.

Every row but the groups' (:mod:`pathway_opt.solver.structure`) is priced by a
multiplier :math:`\mu_r` (:math:`\ge 0` on a row's upper bound, :math:`\le 0` on
its lower bound). For any such prices

.. math:: L(\mu) = \max_{x \in X} (c - A^\top \mu)^\top x
          + \sum_r \max(\mu_r, 0)\, u_r + \min(\mu_r, 0)\, l_r \;\ge\; z^*

where :math:`X` keeps only the column bounds and each group's "one start or
none": a feasible plan satisfies :math:`l \le Ax \le u`, so the priced terms
are never negative. :math:`L` decomposes: each group takes its best start (if
that pays), each free column its better bound. Minimising :math:`L` by projected
subgradient steps (:class:`Dual`) gives the bound.
Since :math:`X` has integral vertices, :math:`\min L` equals the LP bound; a few
hundred steps come close to it in seconds where the LP takes minutes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from pathway_opt.solver.structure import Structure

#: Relative and absolute margin added to every bound, for floating-point sums.
MARGIN = 1e-9


@dataclass
class Relaxed:
    """The solution of the relaxed problem at one set of prices."""

    value: float
    """:math:`L(\\mu)`, an upper bound (inf when a free column is unbounded)."""
    choice: np.ndarray
    """Per group: the option taken (-1: none)."""
    free_values: np.ndarray
    activity: np.ndarray
    """``A @ x`` of the relaxed solution."""


def relaxed(st: Structure, prices: np.ndarray) -> Relaxed:
    """Solve the relaxed problem at the given prices (one per row)."""
    reduced = st.cost - st.matrix.T @ prices
    const = float(
        np.sum(np.where(prices > 0, prices * np.where(prices > 0, st.upper, 0), 0.0))
        + np.sum(np.where(prices < 0, prices * np.where(prices < 0, st.lower, 0), 0.0))
    )
    # free columns: the better bound (0 * inf avoided)
    rf = reduced[st.free]
    lo, up = st.col_lower[st.free], st.col_upper[st.free]
    free_values = np.where(rf > 0, up, np.where(rf < 0, lo, np.where(lo > 0, lo, 0)))
    with np.errstate(invalid="ignore"):
        free_value = float(np.sum(np.where(rf != 0, rf * free_values, 0.0)))
    # groups: the best open start, taken when it pays (or when selection is forced)
    option_rc = np.where(
        st.col_upper[st.option_col] > 0, reduced[st.option_col], -np.inf
    )
    best, where = best_per_group(st, option_rc)
    sel = st.group_select
    total = reduced[sel] + best
    forced = st.col_lower[sel] > 0
    closed = st.col_upper[sel] <= 0
    take = np.where(forced, True, (total > 0) & ~closed) & np.isfinite(best)
    group_value = float(np.sum(np.where(take, total, 0.0)))
    if (forced & ~np.isfinite(best)).any():
        group_value = -np.inf  # a forced group without an open start: no plan
    choice = np.where(take, where, -1)
    x = st.values(choice, free_values)
    return Relaxed(
        value=const + free_value + group_value,
        choice=choice,
        free_values=free_values,
        activity=st.matrix @ x,
    )


def best_per_group(
    st: Structure, option_value: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the best option value (-inf without options) and its position."""
    n = st.n_groups
    best = np.full(n, -np.inf)
    where = np.full(n, -1, dtype=np.int64)
    sizes = np.diff(st.group_options)
    has = sizes > 0
    if not has.any():
        return best, where
    best[has] = np.maximum.reduceat(option_value, st.group_options[:-1][has])
    hit = np.flatnonzero(option_value == best[st.option_group])
    groups, first = np.unique(st.option_group[hit], return_index=True)
    where[groups] = hit[first] - st.group_options[groups]
    return best, where


def subgradient(st: Structure, relax: Relaxed, prices: np.ndarray) -> np.ndarray:
    """A subgradient of :math:`L` at ``prices``."""
    act = relax.activity
    above = np.minimum(0.0, st.upper - act)
    below = np.maximum(0.0, st.lower - act)
    return np.where(
        prices > 0, st.upper - act, np.where(prices < 0, st.lower - act, above + below)
    )


#: Adam's step (in price units of rows scaled to a largest coefficient of 1,
#: relative to a typical option's value), moment decays, and how the step shrinks.
STEP, BETA1, BETA2, DECAY = 0.04, 0.9, 0.999, 0.995


@dataclass
class Dual:
    """The best bound found so far and its prices; :meth:`step` improves it.

    The steps are Adam's (per-row step sizes from the subgradients' moments):
    the rows' scales differ by orders of magnitude (a budget row against a
    precedence row), where a plain subgradient step stalls far from the LP
    bound. Every price vector gives a valid bound, so the method needs no
    convergence proof: the best value seen is the bound.
    """

    st: Structure
    prices: np.ndarray
    step_size: float
    bound: float = np.inf
    best_prices: np.ndarray | None = None
    steps: int = 0
    last: Relaxed | None = None
    _m: np.ndarray | None = None
    _v: np.ndarray | None = None

    @classmethod
    def start(cls, st: Structure) -> Dual:
        """Prices all zero: the bound of taking everything that pays."""
        values = np.abs(st.cost[st.option_col])
        typical = float(np.median(values[values > 0])) if (values > 0).any() else 1.0
        return cls(st=st, prices=np.zeros(st.n_rows), step_size=STEP * typical)

    def step(self) -> float:
        """One projected Adam step on the prices; returns the best bound so far."""
        st = self.st
        relax = relaxed(st, self.prices)
        self.last = relax
        value = relax.value + MARGIN * (abs(relax.value) + 1.0)
        if value < self.bound:
            self.bound = value
            self.best_prices = self.prices.copy()
        self.steps += 1
        if not np.isfinite(relax.value):
            return self.bound
        g = subgradient(st, relax, self.prices)
        if self._m is None or self._v is None:
            self._m, self._v = np.zeros_like(g), np.zeros_like(g)
        k = self.steps
        self._m = BETA1 * self._m + (1 - BETA1) * g
        self._v = BETA2 * self._v + (1 - BETA2) * g * g
        m_hat = self._m / (1 - BETA1**k)
        v_hat = self._v / (1 - BETA2**k)
        rate = self.step_size * (0.3 + 0.7 * DECAY**k)
        prices = self.prices - rate * m_hat / (np.sqrt(v_hat) + 1e-8)
        self.prices = np.clip(
            prices,
            np.where(np.isfinite(st.lower), -np.inf, 0.0),
            np.where(np.isfinite(st.upper), np.inf, 0.0),
        )
        return self.bound

    def run(self, deadline: float, max_steps: int) -> float:
        """Steps until the deadline (``time.perf_counter()``) or ``max_steps``."""
        for _ in range(max_steps):
            if time.perf_counter() >= deadline:
                break
            self.step()
        return self.bound
