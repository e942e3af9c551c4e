"""A feasible plan fast: greedy by priced value, then repair, fill and shift.

Works on a :class:`~pathway_opt.solver.structure.Structure` (groups of start
options, free columns, scaled rows ``lower <= A x <= upper``), so it knows no
constraint family by name. A move sets one group's option (or a free column's
value); it is taken only when no row's violation grows, so rows met stay met and
rows not yet met (a count's ``at_least``, a budget's minimum use) only get
closer. Options are tried in order of their Lagrangian-priced value (value less
the priced use of every row, :mod:`pathway_opt.solver.lagrangian`): the priced
order is what the LP would take, and with good prices the greedy plan is within
a fraction of a percent of the bound. What the moves cannot meet (a rule no
single move helps) leaves the plan infeasible: :func:`greedy_plan` then returns
None and HiGHS solves alone. Where a start's cost is paid by a funding split,
each move also sets the split's amount columns
(:mod:`pathway_opt.solver.split_moves`), so funded starts come in like others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from pathway_opt.solver.split_moves import Splits, rebalance
from pathway_opt.solver.structure import Structure

#: Violation a row may gain in a move (rows are scaled to a largest entry of 1).
TOLERANCE = 1e-9
_NO_COLS, _NO_CHANGE = np.zeros(0, dtype=np.int64), np.zeros(0)


@dataclass
class Options:
    """Each option's column as a move from 'none', and its value."""

    matrix: sp.csc_array
    """Rows x options: the start column plus the select column (unless forced)."""
    value: np.ndarray
    open: np.ndarray
    """Whether the option's start column may be 1 (its upper bound)."""
    splits: Splits | None = None
    """The model's funding splits (None: it has none): moves set them too."""


def read_options(st: Structure) -> Options:
    """The move of each option, from the group's select and start columns."""
    a = st.by_column
    sel = st.group_select[st.option_group]
    loose = st.col_lower[sel] <= 0  # a forced select is 1 from the start
    starts = a[:, st.option_col]
    selects = a[:, sel] @ sp.diags_array(loose.astype(float))
    matrix = sp.csc_array(starts + selects)
    matrix.sum_duplicates()
    value = st.cost[st.option_col] + np.where(loose, st.cost[sel], 0.0)
    open_ = (st.col_upper[st.option_col] > 0) & (st.col_upper[sel] > 0)
    return Options(matrix=matrix, value=value, open=open_, splits=Splits.of(st))


class State:
    """A plan being built: a choice per group, free values, and row activity."""

    def __init__(self, st: Structure, options: Options) -> None:
        self.st = st
        self.opt = options
        self.choice = np.full(st.n_groups, -1, dtype=np.int64)
        self.free_values = st.col_lower[st.free].copy()
        self.activity = st.matrix @ st.values(self.choice, self.free_values)
        m = options.matrix
        self._p = (m.indptr, m.indices, m.data)
        a = st.by_column
        self._a = (a.indptr, a.indices, a.data)
        self._free_pos = {int(c): k for k, c in enumerate(st.free.tolist())}
        self.col_group = np.full(len(st.cost), -1, dtype=np.int64)
        self.col_group[st.option_col] = st.option_group
        self.col_group[st.group_select] = np.arange(st.n_groups)
        self._rows = st.matrix
        self.splits = options.splits
        self.amount = (
            options.splits.amount
            if options.splits is not None
            else np.zeros(len(st.cost), dtype=bool)
        )
        if self.splits is not None:
            self.settle_all()

    def change(self, rows: np.ndarray, delta: np.ndarray) -> float:
        """How much the summed violation of the rows changes."""
        st = self.st
        old = self.activity[rows]
        new = old + delta
        lo, up = st.lower[rows], st.upper[rows]
        before = np.maximum(0.0, np.maximum(lo - old, old - up))
        after = np.maximum(0.0, np.maximum(lo - new, new - up))
        return float((after - before).sum())

    def load(self, x: np.ndarray) -> None:
        """Take every column's value from a plan (its groups' starts, free values)."""
        st = self.st
        on = x[st.option_col] > 0.5
        choice = np.full(st.n_groups, -1, dtype=np.int64)
        where = np.flatnonzero(on)
        groups = st.option_group[where]
        choice[groups] = where - st.group_options[groups]
        self.free_values = x[st.free].copy()
        self.set_choice(choice)

    def set_choice(self, choice: np.ndarray) -> None:
        """Take a whole choice per group at once (e.g. the relaxed solution's)."""
        self.choice = choice.copy()
        self.activity = self.st.matrix @ self.st.values(self.choice, self.free_values)
        if self.splits is not None:
            self.settle_all()

    def settle_all(self) -> None:
        """Pay the cost due of every start whose split is not met (amounts set)."""
        assert self.splits is not None
        bad = self.violated()
        bad = bad[self.splits.balancing[bad]]
        if len(bad) == 0:
            return
        rows, delta, cols, change = self.splits.settle(
            self.activity, self.free_values, bad, np.zeros(len(bad))
        )
        self._commit_amounts(rows, delta, cols, change)

    def _commit_amounts(
        self, rows: np.ndarray, delta: np.ndarray, cols: np.ndarray, change: np.ndarray
    ) -> None:
        self.apply(rows, delta)
        if len(cols):
            assert self.splits is not None
            at = self.splits.pos[cols]
            new = self.free_values[at] + change
            lower = self.st.col_lower[cols]
            self.free_values[at] = np.where(new < lower + 1e-12, lower, new)

    def violated(self) -> np.ndarray:
        """Rows violated now."""
        st, act = self.st, self.activity
        over = np.maximum(st.lower - act, act - st.upper)
        return np.flatnonzero(over > TOLERANCE * (1.0 + np.abs(act)))

    def repair_row(
        self, row: int, weight: float, priced: np.ndarray, limit: int = 60
    ) -> bool:
        """Make the best move in a violated row (False when none helps).

        Best: the summed violation down most, value as the tie-break (``weight``
        value points per unit of violation).
        """
        st = self.st
        lo, hi = self._rows.indptr[row], self._rows.indptr[row + 1]
        cols = self._rows.indices[lo:hi]
        groups = np.unique(self.col_group[cols])
        groups = groups[groups >= 0]
        too_high = self.activity[row] > st.upper[row]
        chosen = self.choice[groups] >= 0
        # lower a row: change chosen groups; raise it: any group
        pool = groups[chosen] if too_high else groups
        value = self.opt.value
        if len(pool) > limit:
            # a dense row: the groups whose option is worth least at the prices
            at = st.group_options[pool] + np.maximum(self.choice[pool], 0)
            now = np.where(self.choice[pool] >= 0, priced[at], -priced[at])
            pool = pool[np.argsort(now, kind="stable")[:limit]]
        best: tuple[float, int, int] | None = None
        for g in pool.tolist():
            base = int(st.group_options[g])
            n = int(st.group_options[g + 1]) - base
            current = self.choice[g]
            now_value = value[base + current] if current >= 0 else 0.0
            for k in range(-1, n):
                if k == current or (k >= 0 and not self.opt.open[base + k]):
                    continue
                rows, delta = self.swap_delta(g, k)
                tv = self.change(rows, delta)
                if tv >= -TOLERANCE:
                    continue
                gain = (value[base + k] if k >= 0 else 0.0) - now_value
                score = gain - weight * tv
                if best is None or score > best[0]:
                    best = (score, g, k)
        for col in cols[(self.col_group[cols] < 0) & ~self.amount[cols]].tolist():
            k = self._free_pos[col]
            now_v = self.free_values[k]
            for v in (st.col_lower[col], st.col_upper[col]):
                if v == now_v or not np.isfinite(v):
                    continue
                rows, delta = self.column_delta(col, v - now_v)
                tv = self.change(rows, delta)
                if tv >= -TOLERANCE:
                    continue
                score = st.cost[col] * (v - now_v) - weight * tv
                if best is None or score > best[0]:
                    best = (score, -2 - col, int(v == st.col_upper[col]))
        if best is None:
            return False
        if best[1] <= -2:  # a free column: to its upper (1) or lower (0) bound
            col = -2 - best[1]
            self.set_free(col, st.col_upper[col] if best[2] else st.col_lower[col])
            return True
        return self.try_group_any(best[1], best[2])

    def set_free(self, col: int, value: float) -> None:
        """Set a free column's value, whatever the violation (finite values only)."""
        k = self._free_pos[col]
        if not np.isfinite(value) or value == self.free_values[k]:
            return
        rows, delta = self.column_delta(col, value - self.free_values[k])
        self.apply(rows, delta)
        self.free_values[k] = value

    def try_group_any(self, group: int, new: int) -> bool:
        """Move a group to option ``new`` (-1: none), whatever the violation."""
        rows, delta, cols, change = self.move_delta(group, new)
        self._commit_amounts(rows, delta, cols, change)
        self.choice[group] = new
        return True

    # -- moves -------------------------------------------------------------
    def option_delta(self, o: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and change of activity of taking option ``o`` (from 'none')."""
        ptr, idx, val = self._p
        lo, hi = ptr[o], ptr[o + 1]
        return idx[lo:hi], val[lo:hi]

    def column_delta(self, col: int, change: float) -> tuple[np.ndarray, np.ndarray]:
        """Rows and change of activity of changing one column by ``change``."""
        ptr, idx, val = self._a
        lo, hi = ptr[col], ptr[col + 1]
        return idx[lo:hi], val[lo:hi] * change

    def allowed(self, rows: np.ndarray, delta: np.ndarray) -> bool:
        """Whether no row's violation grows by the change."""
        if len(rows) == 0:
            return True
        st = self.st
        old = self.activity[rows]
        new = old + delta
        lo, up = st.lower[rows], st.upper[rows]
        grown = np.maximum(lo - new, new - up) - np.maximum(
            0.0, np.maximum(lo - old, old - up)
        )
        return bool((grown <= TOLERANCE * (1.0 + np.abs(old))).all())

    def apply(self, rows: np.ndarray, delta: np.ndarray) -> None:
        """Add the change to the activity (rows may repeat)."""
        np.add.at(self.activity, rows, delta)

    def move_delta(
        self, group: int, new: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`swap_delta` with the funding split paid: rows, change, amounts.

        The amounts (columns and their change) pay the cost due of the new
        option and release the old one's (:meth:`Splits.settle`).
        """
        rows, delta = self._start_delta(group, new)
        if self.splits is None:
            return rows, delta, _NO_COLS, _NO_CHANGE
        return self.splits.settle(self.activity, self.free_values, rows, delta)

    def swap_delta(self, group: int, new: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and change of moving ``group`` from its option to ``new`` (-1 none).

        With funding splits, the amounts' share is in (see :meth:`move_delta`).
        """
        if self.splits is None:
            return self._start_delta(group, new)
        rows, delta, _, _ = self.move_delta(group, new)
        return rows, delta

    def _start_delta(self, group: int, new: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and change of the start and select columns of a group's move."""
        base = self.st.group_options[group]
        old = self.choice[group]
        parts_r, parts_d = [], []
        if old >= 0:
            r, d = self.option_delta(int(base + old))
            parts_r.append(r)
            parts_d.append(-d)
        if new >= 0:
            r, d = self.option_delta(int(base + new))
            parts_r.append(r)
            parts_d.append(d)
        if not parts_r:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        rows = np.concatenate(parts_r)
        delta = np.concatenate(parts_d)
        keys, inverse = np.unique(rows, return_inverse=True)
        return keys, np.bincount(inverse, weights=delta, minlength=len(keys))

    def try_group(self, group: int, new: int) -> bool:
        """Move a group to option ``new`` (-1: none) if no violation grows."""
        rows, delta, cols, change = self.move_delta(group, new)
        if not self.allowed(rows, delta):
            return False
        self._commit_amounts(rows, delta, cols, change)
        self.choice[group] = new
        return True

    def try_add(self, o: int) -> bool:
        """Take option ``o`` for its group (which holds none) if allowed."""
        if self.splits is not None:
            return self._try_add_paid(o)
        rows, delta = self.option_delta(o)
        if not self.allowed(rows, delta):
            return False
        self.apply(rows, delta)
        g = int(self.st.option_group[o])
        self.choice[g] = o - int(self.st.group_options[g])
        return True

    def _try_add_paid(self, o: int) -> bool:
        """:meth:`try_add` with the split paid; rows no amount touches first."""
        assert self.splits is not None
        rows, delta = self.option_delta(o)
        plain = ~self.splits.touched[rows]
        if not self.allowed(rows[plain], delta[plain]):
            return False  # no split can help a row no amount column is in
        rows, delta, cols, change = self.splits.settle(
            self.activity, self.free_values, rows, delta
        )
        if not self.allowed(rows, delta):
            return False
        self._commit_amounts(rows, delta, cols, change)
        g = int(self.st.option_group[o])
        self.choice[g] = o - int(self.st.group_options[g])
        return True

    def try_free(self, col: int, value: float) -> bool:
        """Set a free column's value if allowed."""
        k = self._free_pos[col]
        rows, delta = self.column_delta(col, value - self.free_values[k])
        if not self.allowed(rows, delta):
            return False
        self.apply(rows, delta)
        self.free_values[k] = value
        return True

    # -- the plan ------------------------------------------------------------
    def violation(self) -> float:
        """Largest row violation now (0 when every row is met)."""
        st = self.st
        if st.n_rows == 0:
            return 0.0
        act = self.activity
        over = np.maximum(st.lower - act, act - st.upper)
        return float(max(0.0, (over - TOLERANCE * (1.0 + np.abs(act))).max()))

    def objective(self) -> float:
        """The plan's objective."""
        st = self.st
        return float(st.cost @ st.values(self.choice, self.free_values))

    def values(self) -> np.ndarray:
        """Every column's value."""
        return self.st.values(self.choice, self.free_values)


def _first_of_groups(st: Structure, order: np.ndarray) -> np.ndarray:
    """The options in ``order``, but only the first one listed of each group."""
    _, first = np.unique(st.option_group[order], return_index=True)
    return order[np.sort(first)]


def fill(state: State, order: np.ndarray, deadline: float, passes: int = 3) -> int:
    """Take options in order while allowed (groups without a choice only).

    Repeats while a pass took something (a prerequisite taken late lets its
    dependant in on the next pass). Returns how many were taken.
    """
    st = state.st
    taken = 0
    for _ in range(passes):
        took = 0
        choice = state.choice
        group = st.option_group
        for k, o in enumerate(order.tolist()):
            if choice[group[o]] >= 0:
                continue
            if k % 256 == 0 and time.perf_counter() >= deadline:
                return taken + took
            if state.try_add(o):
                took += 1
        taken += took
        if not took:
            break
    return taken


def meet_lower_rows(state: State, priced: np.ndarray, deadline: float) -> None:
    """Take options that help rows below their lower bound, best priced first."""
    st = state.st
    act = state.activity
    short = np.flatnonzero(act < st.lower - TOLERANCE * (1 + np.abs(st.lower)))
    if len(short) == 0:
        return
    helps = np.asarray((state.opt.matrix[short] > 0).sum(axis=0)).ravel() > 0
    candidates = np.flatnonzero(helps & state.opt.open)
    fill(state, candidates[np.argsort(-priced[candidates], kind="stable")], deadline)


def forced_groups(state: State, priced: np.ndarray) -> None:
    """Give each group whose selection is forced its best allowed option."""
    st = state.st
    forced = np.flatnonzero(st.col_lower[st.group_select] > 0)
    for g in forced.tolist():
        lo, hi = st.group_options[g], st.group_options[g + 1]
        opts = np.arange(lo, hi)
        opts = opts[state.opt.open[opts]]
        for o in opts[np.argsort(-priced[opts], kind="stable")].tolist():
            if state.try_add(o):
                break


def shift(state: State, deadline: float) -> int:
    """Move chosen groups to a better-valued option where allowed."""
    st = state.st
    value = state.opt.value
    moved = 0
    for g in np.flatnonzero(state.choice >= 0).tolist():
        if time.perf_counter() >= deadline:
            break
        base = int(st.group_options[g])
        now = value[base + state.choice[g]]
        n = int(st.group_options[g + 1]) - base
        better = [k for k in range(n) if value[base + k] > now + 1e-12]
        for k in sorted(better, key=lambda k: -value[base + k]):
            if state.opt.open[base + k] and state.try_group(g, k):
                moved += 1
                break
    return moved


def free_columns(state: State) -> None:
    """Raise free integer columns that pay (a synergy bonus) where allowed."""
    st = state.st
    for k, col in enumerate(st.free.tolist()):
        if st.cost[col] > 0 and state.free_values[k] < st.col_upper[col]:
            state.try_free(col, float(st.col_upper[col]))


def repair(
    state: State,
    weight: float,
    priced: np.ndarray,
    deadline: float,
    rounds: int = 20,
) -> bool:
    """Move groups until no row is violated; False when stuck or out of time."""
    for _ in range(rounds):
        rows = state.violated()
        if len(rows) == 0:
            return True
        moved = False
        for row in rows.tolist():
            if time.perf_counter() >= deadline:
                return False
            for _ in range(1000):  # a dense row may take many moves
                if _met(state, row) or time.perf_counter() >= deadline:
                    break
                if not state.repair_row(row, weight, priced):
                    break
                moved = True
        if not moved:
            return False
    return len(state.violated()) == 0


def drop_until_met(
    state: State, priced: np.ndarray, deadline: float, rounds: int = 50
) -> bool:
    """Drop chosen groups from rows above their upper bound, worst priced first.

    Dropping one may break a row it held up (a dependant's precedence row);
    the next round drops from that row in turn.
    """
    st = state.st
    rows_matrix = state._rows
    for _ in range(rounds):
        bad = [r for r in state.violated().tolist() if state.activity[r] > st.upper[r]]
        if not bad:
            return len(state.violated()) == 0
        for row in bad:
            lo, hi = rows_matrix.indptr[row], rows_matrix.indptr[row + 1]
            cols = rows_matrix.indices[lo:hi]
            for col, coef in zip(
                cols.tolist(), rows_matrix.data[lo:hi].tolist(), strict=True
            ):
                if state.col_group[col] >= 0 or state.amount[col] or _met(state, row):
                    continue
                # a free column (a synergy indicator): to the bound that lowers the row
                state.set_free(
                    col, st.col_lower[col] if coef > 0 else st.col_upper[col]
                )
            groups = np.unique(state.col_group[cols])
            groups = groups[groups >= 0]
            groups = groups[state.choice[groups] >= 0]
            at = st.group_options[groups] + state.choice[groups]
            ordered = groups[np.argsort(priced[at], kind="stable")].tolist()
            # first drop only groups whose going breaks no other row (no
            # dependant left without its prerequisite), then any
            for careful in (True, False):
                for g in ordered:
                    if _met(state, row) or time.perf_counter() >= deadline:
                        break
                    if state.choice[g] < 0:
                        continue
                    rows, delta = state.swap_delta(g, -1)
                    if delta[rows == row].sum() >= 0:
                        continue
                    if careful and not state.allowed(rows, delta):
                        continue
                    state.try_group_any(g, -1)
    return len(state.violated()) == 0


def _met(state: State, row: int) -> bool:
    st, act = state.st, state.activity[row]
    slack = TOLERANCE * (1 + abs(act))
    return bool(st.lower[row] - slack <= act <= st.upper[row] + slack)


def priced_values(options: Options, prices: np.ndarray | None) -> np.ndarray:
    """Each option's value less its priced row use (-inf when closed)."""
    priced = options.value.copy()
    if prices is not None:
        priced -= options.matrix.T @ prices
    return np.where(options.open, priced, -np.inf)


def greedy_plan(
    st: Structure,
    options: Options,
    prices: np.ndarray | None,
    deadline: float,
    relaxed_choice: np.ndarray | None = None,
) -> State | None:
    """A feasible plan by greedy in priced order, or None where it found none.

    ``relaxed_choice`` (the priced relaxation's choice per group) is the start
    when given: its violated rows are repaired move by move, then the plan is
    filled in priced order.
    """
    if options.splits is not None:
        options.splits.set_prices(prices)
    state = State(st, options)
    priced = priced_values(options, prices)
    worth = np.flatnonzero(options.open & (options.value > 0))
    order = worth[np.argsort(-priced[worth], kind="stable")]
    if relaxed_choice is not None:
        # start from what the priced relaxation takes, and repair its rows
        state.set_choice(relaxed_choice)
        values = options.value[options.open & (options.value > 0)]
        weight = 2.0 * float(np.median(values)) if len(values) else 1.0
        if options.splits is not None:
            # a split pays from any listed budget, so the relaxed choice
            # overshoots budgets by many starts: dropping the worst priced
            # there is fast where repair weighs each move one by one
            drop_until_met(state, priced, deadline)
        if not repair(state, weight, priced, deadline) and not drop_until_met(
            state, priced, deadline
        ):
            state = State(st, options)
    if (state.choice < 0).all():
        forced_groups(state, priced)
        meet_lower_rows(state, priced, deadline)
    fill(state, _first_of_groups(st, order), deadline)
    fill(state, order, deadline, passes=1)  # other starts of groups left out
    free_columns(state)
    if state.violation() > 0:
        return None
    resplit(state, prices, order, deadline)
    return state


def resplit(
    state: State, prices: np.ndarray | None, order: np.ndarray, deadline: float
) -> None:
    """Re-split every funded start by an LP (freeing scarce budgets), then fill.

    Kept only when the plan still meets every row (nothing without splits).
    """
    if state.splits is None or time.perf_counter() >= deadline:
        return
    x = state.values()
    new = rebalance(state.st, state.splits, x, prices)
    if new is None:
        return
    state.load(new)
    if state.violation() > 0:
        state.load(x)
        return
    fill(state, order, deadline, passes=2)


def polish(state: State, prices: np.ndarray | None, deadline: float) -> None:
    """Move starts earlier where that pays, then fill the room that leaves."""
    options = state.opt
    priced = priced_values(options, prices)
    worth = np.flatnonzero(options.open & (options.value > 0))
    shift(state, deadline)
    order = worth[np.argsort(-priced[worth], kind="stable")]
    fill(state, order, deadline, passes=1)
    resplit(state, prices, order, deadline)
