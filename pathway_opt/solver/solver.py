"""Solving the pathway model with HiGHS, arrays passed in memory (no files).

:class:`Solver` hands a :class:`StandardForm` to one HiGHS instance with
``passModel`` (see :mod:`pathway_opt.solver.highs_run` for how a time limit is kept);
after :meth:`Solver.update` it re-solves the same HiGHS model with the new costs
and bounds, without a rebuild. :func:`solve_pyomo` solves a Pyomo
model (for instance one an analyst extended) through Pyomo's standard-form
compiler and the same hand-over. The result separates why HiGHS stopped
(:class:`Termination`) from what plan we hold.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import highspy
import numpy as np
import scipy.sparse as sp

from pathway_opt.errors import SolverError
from pathway_opt.model.columns import Columns
from pathway_opt.model.distance import ExtraRow
from pathway_opt.model.form import (
    ALL_PARTS,
    DATA_COEFFICIENTS,
    Part,
    StandardForm,
    load_data,
)
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import SynergyRule
from pathway_opt.solver.highs_messages import ModelStatus, RunResult
from pathway_opt.solver.highs_run import Arrays, HighsRun
from pathway_opt.solver.outcome import Choice, Funding, SolveOutcome, Termination
from pathway_opt.solver.settings import SolveSettings


def solver_version() -> str:
    """`HiGHS x.y.z` as reported by highspy."""
    return (
        f"HiGHS {highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}."
        f"{highspy.HIGHS_VERSION_PATCH}"
    )


#: Why HiGHS stopped, by its status; any other status is an error.
_TERMINATION: dict[ModelStatus, Termination] = {
    "kOptimal": Termination.OPTIMAL,
    "kInfeasible": Termination.INFEASIBLE,
    # Every column is bounded, so "unbounded or infeasible" is infeasible.
    "kUnboundedOrInfeasible": Termination.INFEASIBLE,
    "kTimeLimit": Termination.LIMIT,
    "kIterationLimit": Termination.LIMIT,
    "kInterrupt": Termination.LIMIT,
    "kSolutionLimit": Termination.LIMIT,
    "kObjectiveBound": Termination.LIMIT,
    "kObjectiveTarget": Termination.LIMIT,
    "kMemoryLimit": Termination.LIMIT,
}

#: Statuses HiGHS cannot rightly give for a model whose every column is bounded.
_IMPOSSIBLE: frozenset[ModelStatus] = frozenset({"kUnbounded"})


#: HiGHS's own "no limit" for ``mip_max_nodes`` (kHighsIInf).
_NO_NODE_LIMIT = 2**31 - 1


def _run(
    run: HighsRun,
    settings: SolveSettings,
    deadline: float | None,
    start: np.ndarray | None = None,
    on_plan: Callable[[np.ndarray, np.ndarray | None], None] | None = None,
    on_bound: Callable[[float], None] | None = None,
) -> RunResult:
    limit = settings.time_limit
    if limit is not None and deadline is not None:
        limit = max(0.0, deadline - time.perf_counter())
    options = {
        "random_seed": settings.random_seed,
        "mip_rel_gap": settings.mip_rel_gap,
        "mip_abs_gap": settings.mip_abs_gap,
        "presolve": "on" if settings.presolve else "off",
        # set on every run: a kept HiGHS would keep an earlier run's limit
        "mip_max_nodes": _NO_NODE_LIMIT
        if settings.node_limit is None
        else settings.node_limit,
    }
    return run.run(options, settings.threads, limit, start, on_plan, on_bound)


def _outcome(
    result: RunResult,
    settings: SolveSettings,
    plan: Choice | dict[str, int] | None,
    periods: tuple[str, ...] = (),
) -> SolveOutcome:
    if isinstance(plan, dict):
        plan = Choice(starts=plan, variants={}, funding={})
    termination = _TERMINATION.get(result.status)
    if termination is None or (
        termination == Termination.OPTIMAL and result.objective is None
    ):
        detail = result.detail or f"HiGHS stopped with {result.status}"
        if result.status in _IMPOSSIBLE:
            detail += ", impossible for this bounded model (a solver inconsistency)"
        return SolveOutcome.failed(
            detail, seconds=result.seconds, solver=solver_version(), settings=settings
        )
    if termination == Termination.INFEASIBLE:
        plan = None
    starts = None if plan is None else plan.starts
    objective = result.objective if starts is not None else None
    bound = result.bound
    if bound is None and termination == Termination.OPTIMAL:
        bound = objective
    return SolveOutcome(
        termination=termination,
        starts=starts,
        objective=objective,
        bound=bound,
        seconds=result.seconds,
        solver=solver_version(),
        detail=result.detail,
        settings=settings,
        solving=result.solving,
        periods=periods,
        variants={} if plan is None else plan.variants,
        funding={} if plan is None else plan.funding,
    )


def _row_scale(matrix: sp.csc_array) -> np.ndarray:
    """Per row, 1 / geometric mean of its smallest and largest |coefficient|.

    Money rows hold amounts up to 1e7 and limits up to 1e11; HiGHS's absolute
    feasibility tolerance (1e-6) is meaningless at that scale and it warns of bad
    scaling. Scaling a row changes no solution. The geometric mean (rather than the
    largest entry) keeps a row's small entries above HiGHS's small_matrix_value
    (1e-9), below which it silently drops them: with the largest, a row mixing
    1e4 and 4e13 lost its small entries and HiGHS overspent the budget (fuzzing
    found it; the verifier refused the plan).
    """
    rows = abs(matrix).tocsr()
    rows.eliminate_zeros()
    nonempty = np.diff(rows.indptr) > 0
    starts = rows.indptr[:-1][nonempty]
    spread = np.ones(rows.shape[0])
    if rows.nnz:
        largest = np.maximum.reduceat(rows.data, starts)
        # entries below 1e-12 of the row's largest are noise (HiGHS drops them)
        smallest = np.maximum(np.minimum.reduceat(rows.data, starts), 1e-12 * largest)
        spread[nonempty] = largest * smallest
    return 1.0 / np.sqrt(spread)


def _form_arrays(form: StandardForm, scale: np.ndarray) -> Arrays:
    matrix, lower, upper = form.stacked()
    scaled = sp.csc_array(sp.diags_array(scale) @ matrix)
    return Arrays(
        cost=form.cost,
        col_lower=form.col_lower,
        col_upper=form.col_upper,
        integrality=form.integrality,
        matrix=scaled,
        row_lower=lower * scale,
        row_upper=upper * scale,
    )


@dataclass(frozen=True)
class Extension:
    """Continuous columns and rows added after a form's own, with a new objective.

    The model solved maximises ``cost @ x`` (``cost`` has an entry for every
    column, the form's first) subject to the form's rows and ``row_lower <=
    matrix @ x <= row_upper`` (``matrix`` spans every column); the added columns
    lie within ``col_lower`` and ``col_upper``. The robust (CVaR) plan is solved
    this way (:mod:`pathway_opt.whatif.cvar`).
    """

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    matrix: sp.csr_array
    row_lower: np.ndarray
    row_upper: np.ndarray


def _extended(form: StandardForm, extension: Extension) -> tuple[Arrays, np.ndarray]:
    """The form's arrays with the extension's columns and rows, and the row scale."""
    matrix, lower, upper = form.stacked()
    added = extension.col_lower.shape[0]
    full = sp.vstack(
        [sp.hstack([matrix, sp.csc_array((matrix.shape[0], added))]), extension.matrix],
        format="csc",
    )
    scale = _row_scale(sp.csc_array(full))
    integrality = np.concatenate([form.integrality, np.zeros(added, dtype=np.int8)])
    arrays = Arrays(
        cost=extension.cost,
        col_lower=np.concatenate([form.col_lower, extension.col_lower]),
        col_upper=np.concatenate([form.col_upper, extension.col_upper]),
        integrality=integrality,
        matrix=sp.csc_array(sp.diags_array(scale) @ full),
        row_lower=np.concatenate([lower, extension.row_lower]) * scale,
        row_upper=np.concatenate([upper, extension.row_upper]) * scale,
    )
    return arrays, scale


class Solver:
    """A HiGHS instance holding one compiled pathway model."""

    def __init__(
        self,
        form: StandardForm,
        keep_process: bool = False,
        extension: Extension | None = None,
    ) -> None:
        """Hand the form to HiGHS.

        ``keep_process`` keeps HiGHS's child process for the next solve (see
        :class:`HighsRun`), for a session that re-solves after every edit.
        ``extension`` adds columns and rows and replaces the objective; such a
        model takes no data changes (:meth:`push`).
        """
        self.form = form
        self.extension = extension
        if extension is None:
            self._scale = _row_scale(form.stacked()[0])
            arrays = _form_arrays(form, self._scale)
        else:
            arrays, self._scale = _extended(form, extension)
        self._run = HighsRun(
            arrays,
            np.arange(form.columns.n_start),
            keep_process,
            amount_cols=form.columns.fund_cols(),
        )
        # the coefficients HiGHS holds that are data (cost amounts, field values)
        self._amounts = {
            name: form.blocks[name].matrix.data.copy()
            for name in DATA_COEFFICIENTS
            if name in form.blocks  # absent from diagnosis's forms
        }

    def update(self, inst: Instance) -> None:
        """Load an edited instance's data and send the changes to HiGHS.

        Raises:
            StructureChanged: when the edit needs a new model (build one).
        """
        load_data(self.form, inst)
        self.push()

    def push(self, parts: frozenset[Part] = ALL_PARTS) -> None:
        """Send the form's current costs and/or bounds to HiGHS.

        Raises:
            SolverError: for a model with an extension (its data is fixed).
        """
        if self.extension is not None:
            raise SolverError("a model with added columns and rows takes no changes")
        form = self.form
        if "costs" in parts:
            self._run.change_costs(form.cost)
        if "columns" in parts:
            self._run.change_column_bounds(form.col_lower, form.col_upper)
        if "rows" in parts:
            lower, upper = form.row_bounds()
            self._run.change_row_bounds(lower * self._scale, upper * self._scale)
        if "coefficients" in parts:
            self._push_amounts()

    def _push_amounts(self) -> None:
        """Send the data coefficients that changed (row-scaled)."""
        offset = 0
        for name, block in self.form.blocks.items():
            held = self._amounts.get(name)
            data = block.matrix.data
            if held is not None and not np.array_equal(data, held):
                changed = np.flatnonzero(data != held)
                local = np.repeat(np.arange(block.n), np.diff(block.matrix.indptr))
                rows = offset + local[changed]
                values = data[changed] * self._scale[rows]
                self._run.change_coefficients(
                    rows, block.matrix.indices[changed], values
                )
                self._amounts[name] = data.copy()
            offset += block.n

    @property
    def process_id(self) -> int | None:
        """Process id of HiGHS's kept child process, if one is kept now."""
        return self._run.process_id

    @property
    def spare_process_id(self) -> int | None:
        """Process id of the spare forked while a run was late, if there is one."""
        return self._run.spare_process_id

    def held(self) -> tuple[np.ndarray, ...]:
        """What HiGHS holds now, unscaled: costs, column bounds and row bounds.

        For checks that what-if edits reached HiGHS: compare with the form's.
        """
        lp = self._run.highs.getLp()
        rows = self.form.n_rows
        return (
            np.asarray(lp.col_cost_),
            np.asarray(lp.col_lower_),
            np.asarray(lp.col_upper_),
            np.asarray(lp.row_lower_)[:rows] / self._scale,
            np.asarray(lp.row_upper_)[:rows] / self._scale,
        )

    def held_matrix(self) -> sp.csc_array:
        """The constraint matrix HiGHS holds now, unscaled (the form's rows only).

        For checks that changed cost amounts reached HiGHS: compare with
        ``form.stacked()[0]``.
        """
        lp = self._run.highs.getLp()
        a = lp.a_matrix_
        held = sp.csc_array(
            (np.asarray(a.value_), np.asarray(a.index_), np.asarray(a.start_)),
            shape=(lp.num_row_, lp.num_col_),
        )
        rows = self.form.n_rows
        return sp.csc_array(sp.diags_array(1 / self._scale[:rows]) @ held[:rows])

    def solve(
        self,
        settings: SolveSettings | None = None,
        deadline: float | None = None,
        start: dict[str, int] | None = None,
        on_plan: Callable[[Choice], None] | None = None,
        start_variants: dict[str, str] | None = None,
        on_bound: Callable[[float], None] | None = None,
    ) -> SolveOutcome:
        """Solve the model as it now stands and read back the plan, if any.

        With a ``deadline`` (a ``time.perf_counter()`` instant), HiGHS gets only
        the time left until it, at most ``settings.time_limit``. ``start`` (a plan
        as initiative id -> start index, with ``start_variants`` the variants it
        runs) is offered to HiGHS as a first plan. ``on_plan`` is called with
        improving plans while HiGHS runs (when it runs in its own process); when
        the run ends with the last plan offered, the outcome's ``starts`` is that
        same dict. ``on_bound`` is called, likewise, with HiGHS's dual bound as it
        moves.

        The outcome's ``starts`` hold period indices, its ``start_periods`` the
        period labels; it is not verified (``po.make_plan(inst, outcome)``
        verifies it into a Plan).
        """
        settings = settings or SolveSettings()
        began = time.perf_counter()
        offered: list[tuple[np.ndarray, Choice]] = []

        def improving(chosen: np.ndarray, amounts: np.ndarray | None) -> None:
            assert on_plan is not None
            offered[:] = [(chosen, self._choice(chosen, amounts))]
            on_plan(offered[0][1])

        try:
            values = (
                None
                if start is None
                else self._column_values(start, start_variants or {})
            )
            result = _run(
                self._run, settings, deadline, values, on_plan and improving, on_bound
            )
        except Exception as exc:  # HiGHS failed: a typed result, never a traceback
            return SolveOutcome.failed(
                f"{type(exc).__name__}: {exc}",
                seconds=time.perf_counter() - began,
                solver=solver_version(),
                settings=settings,
            )
        chosen = result.chosen
        periods = tuple(self.form.source.periods)
        if chosen is None:
            return _outcome(result, settings, None, periods)
        if offered and np.array_equal(offered[0][0], chosen):
            return _outcome(result, settings, offered[0][1], periods)
        return _outcome(result, settings, self._choice(chosen, result.amounts), periods)

    def add_row(self, row: ExtraRow) -> None:
        """Append one row to HiGHS's model (not to the form), as given (unscaled).

        Removed again, last first, with :meth:`drop_last_row`; the alternatives
        search adds its distance rows and score cut this way.
        """
        self._run.add_row(row.lower, row.upper, row.cols, row.values)

    def drop_last_row(self) -> None:
        """Remove the row added last (by :meth:`add_row`)."""
        self._run.drop_last_row()

    def _start_columns(
        self, starts: dict[str, int], variants: dict[str, str] | None = None
    ) -> np.ndarray:
        """Start columns of a plan (starts without a column are left out)."""
        cols = self.form.columns
        width = int(cols.start_period.max(initial=0)) + 1
        position = {ini: k for k, ini in enumerate(cols.ids)}
        version = {
            (cols.ids[i], cols.variants[k]): len(cols.ids) + k
            for k, i in enumerate(cols.variant_of)
        }
        variants = variants or {}
        keys = cols.versions * width + cols.start_period
        wanted = [
            version.get((i, variants.get(i)), position[i]) * width + s
            for i, s in starts.items()
            if i in position
        ]
        return np.flatnonzero(np.isin(keys, np.array(wanted, dtype=np.int64)))

    def _column_values(
        self, starts: dict[str, int], variants: dict[str, str] | None = None
    ) -> np.ndarray:
        """Every column's value for a plan: starts, selections, synergies.

        ``fund`` columns are left at 0: HiGHS completes what the start lacks.
        """
        cols = self.form.columns
        values = np.zeros(cols.n)
        chosen = self._start_columns(starts, variants)
        values[chosen] = 1.0
        values[cols.select_col(cols.start_ini[chosen])] = 1.0
        selected = set(starts)
        for g, k in enumerate(cols.synergies):
            rule = self.form.source.rules[k]
            assert isinstance(rule, SynergyRule)
            values[cols.synergy_col(g)] = float(
                all(m in selected for m in rule.members)
            )
        return values

    @contextlib.contextmanager
    def changes_limited(
        self,
        baseline: dict[str, int],
        max_changes: int,
        variants: dict[str, str] | None = None,
    ) -> Iterator[None]:
        """While open, at most ``max_changes`` initiatives differ from the baseline.

        A baseline initiative counts as changed unless it keeps its start (and
        its variant, ``variants``); any other counts when selected: ``sum_{i not
        in B} y_i - sum_{i in B} x_{i,s_i} <= k - |B|``.
        """
        cols = self.form.columns
        kept = self._start_columns(baseline, variants)
        others = [k for k, ini in enumerate(cols.ids) if ini not in baseline]
        idx = np.concatenate([kept, cols.select_col(np.array(others, dtype=np.int64))])
        vals = np.concatenate([-np.ones(len(kept)), np.ones(len(others))])
        self._run.add_row(-np.inf, max_changes - len(baseline), idx, vals)
        try:
            yield
        finally:
            self._run.drop_last_row()

    @contextlib.contextmanager
    def changes_penalised(
        self,
        baseline: dict[str, int],
        penalty: float,
        variants: dict[str, str] | None = None,
    ) -> Iterator[None]:
        """While open, each change from the baseline costs ``penalty`` points.

        Keeping a baseline start earns ``penalty`` and selecting any other
        initiative costs it, which is the same up to a constant.
        """
        cols = self.form.columns
        saved = self.form.cost.copy()
        self.form.cost[self._start_columns(baseline, variants)] += penalty
        others = [k for k, ini in enumerate(cols.ids) if ini not in baseline]
        self.form.cost[cols.select_col(np.array(others, dtype=np.int64))] -= penalty
        self.push()
        try:
            yield
        finally:
            self.form.cost[:] = saved
            self.push()

    def _starts(self, chosen: np.ndarray) -> dict[str, int]:
        cols = self.form.columns
        ids = cols.id_array[cols.start_ini[chosen]].tolist()
        return dict(zip(ids, cols.start_period[chosen].tolist(), strict=True))

    def _choice(self, chosen: np.ndarray, amounts: np.ndarray | None) -> Choice:
        """The plan of the chosen start columns and the ``fund`` values."""
        return choice_of(self.form.columns, chosen, amounts)


def choice_of(cols: Columns, chosen: np.ndarray, amounts: np.ndarray | None) -> Choice:
    """A plan from its chosen start columns and its ``fund`` column values.

    Amounts below 1e-9 of the largest (HiGHS's noise) are left out; the others
    are rounded to 6 decimals.
    """
    ids = cols.id_array[cols.start_ini[chosen]].tolist()
    starts = dict(zip(ids, cols.start_period[chosen].tolist(), strict=True))
    variants = {}
    if cols.start_version is not None:
        for i, v in zip(ids, cols.start_version[chosen].tolist(), strict=True):
            variant = cols.variant(v)
            if variant is not None:
                variants[i] = variant
    funding: Funding = {}
    if amounts is not None and len(amounts):
        keys = cols.fund_keys()
        floor = 1e-9 * max(1.0, float(np.abs(amounts).max()))
        for k in np.flatnonzero(np.abs(amounts) > floor).tolist():
            ini, _, budget, t = keys[k]
            if ini in starts:
                # HiGHS's 1e-8 noise (9,999.99999997) off: to 6 decimals,
                # far inside the verifier's slack on a split
                funding[(ini, budget, t)] = max(0.0, round(float(amounts[k]), 6))
    return Choice(starts=starts, variants=variants, funding=funding)


def confirm_infeasible(
    form: StandardForm, settings: SolveSettings, solver: Solver | None = None
) -> bool:
    """Re-solve with presolve off; True when HiGHS again finds no plan.

    ``solver`` is the one that found no plan, when it holds a row the form
    lacks (a limit on the changes from a baseline); otherwise a new one is built.

    Raises:
        SolverError: if the confirming solve itself fails.
    """
    second = (solver or Solver(form)).solve(replace(settings, presolve=False))
    if second.termination == Termination.ERROR:
        raise SolverError(f"the confirming solve failed: {second.detail}")
    return second.termination == Termination.INFEASIBLE
