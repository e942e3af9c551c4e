"""Solving the pathway model with HiGHS, arrays passed in memory (no files).

:class:`Solver` hands a :class:`StandardForm` to one HiGHS instance with
``passModel``; after :meth:`Solver.update` it re-solves the same HiGHS model with
the new costs and bounds, without a rebuild. :func:`solve_pyomo` solves a Pyomo
model (for instance one an analyst extended) through Pyomo's standard-form
compiler and the same hand-over. The result separates why HiGHS stopped
(:class:`Termination`) from what plan we hold.
"""

from __future__ import annotations

import contextlib
import enum
import math
import os
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np
import scipy.sparse as sp

from pathway_opt.errors import SolverError
from pathway_opt.model import StandardForm, load_data
from pathway_opt.schema import Instance

if TYPE_CHECKING:
    import pyomo.environ as pyo

#: Seconds HiGHS may overrun its own time limit before we interrupt it.
INTERRUPT_GRACE = 1.0


@dataclass(frozen=True)
class SolveSettings:
    """Options of one solve.

    The default gaps make ``optimal`` mean optimal: no plan is better by more than
    ``mip_abs_gap`` score points (relative gap 0).
    """

    time_limit: float | None = None
    """Wall-clock limit in seconds (None: no limit)."""
    mip_rel_gap: float = 0.0
    """Stop when (bound - objective) / |objective| is at most this."""
    mip_abs_gap: float = 1e-6
    """Stop when bound - objective is at most this (score points)."""
    threads: int | None = None
    """Threads HiGHS may use (None: HiGHS's default)."""
    random_seed: int = 0
    """HiGHS's random seed; fixed so every run gives the same plan."""
    presolve: bool = True
    """Whether HiGHS presolves (switched off to confirm an infeasible verdict)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary for reports."""
        return {
            "time_limit": self.time_limit,
            "mip_rel_gap": self.mip_rel_gap,
            "mip_abs_gap": self.mip_abs_gap,
            "threads": self.threads,
            "random_seed": self.random_seed,
            "presolve": self.presolve,
        }


class Termination(enum.Enum):
    """Why HiGHS stopped."""

    OPTIMAL = "optimal"
    LIMIT = "limit"
    INFEASIBLE = "infeasible"
    ERROR = "error"


@dataclass(frozen=True)
class SolveOutcome:
    """What one HiGHS run produced, before verification."""

    termination: Termination
    starts: dict[str, int] | None
    """Selected initiative id -> start period index, or None without a plan."""
    objective: float | None
    bound: float | None
    seconds: float
    solver: str
    detail: str = ""
    settings: SolveSettings = field(default_factory=SolveSettings)

    @property
    def gap(self) -> float | None:
        """Relative gap between the plan and the bound (0 when both are 0)."""
        if self.objective is None or self.bound is None or math.isinf(self.bound):
            return None
        diff = max(0.0, self.bound - self.objective)
        return 0.0 if diff <= 1e-12 else diff / max(abs(self.objective), 1e-10)


def solver_version() -> str:
    """`HiGHS x.y.z` as reported by highspy."""
    return (
        f"HiGHS {highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}."
        f"{highspy.HIGHS_VERSION_PATCH}"
    )


_threads_in_use: list[int | None] = [None]


def _use_threads(threads: int | None) -> None:
    """Reset HiGHS's process-wide thread pool when the thread count changes.

    HiGHS sizes one global scheduler at its first solve; a later solve asking for
    a different count stops with status "unknown" unless the pool is reset first.
    """
    if threads != _threads_in_use[0]:
        highspy.Highs.resetGlobalScheduler(True)
        _threads_in_use[0] = threads


@dataclass(frozen=True)
class _Arrays:
    """A MIP in HiGHS's terms: maximise cost @ x."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    matrix: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray


def _pass_model(highs: highspy.Highs, a: _Arrays) -> None:
    matrix = a.matrix
    status = highs.passModel(
        matrix.shape[1],
        matrix.shape[0],
        matrix.nnz,
        1,  # column-wise matrix
        -1,  # maximise
        0.0,
        a.cost,
        a.col_lower,
        a.col_upper,
        a.row_lower,
        a.row_upper,
        matrix.indptr.astype(np.int32),
        matrix.indices.astype(np.int32),
        matrix.data.astype(np.float64),
        a.integrality.astype(np.int32),
    )
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refused the model ({status})")


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Silence file descriptor 1 for a moment.

    HiGHS prints a banner there when created, before any option can turn it off.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _HighsRun:
    """One HiGHS instance and how to run it within a hard time limit."""

    def __init__(self, arrays: _Arrays) -> None:
        with _stdout_silenced():
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.n_cols = arrays.matrix.shape[1]
        _pass_model(self.highs, arrays)

    def run(
        self, settings: SolveSettings, deadline: float | None = None
    ) -> tuple[Any, float]:
        """Solve; returns HiGHS's model status and the wall time.

        ``deadline`` (a ``time.perf_counter()`` instant) shortens the time limit by
        what was already spent, so that the limit holds for the whole solve call.
        """
        h = self.highs
        _use_threads(settings.threads)
        limit = settings.time_limit
        if limit is not None and deadline is not None:
            limit = max(0.0, deadline - time.perf_counter())
        options: dict[str, Any] = {
            "random_seed": settings.random_seed,
            "mip_rel_gap": settings.mip_rel_gap,
            "mip_abs_gap": settings.mip_abs_gap,
            "presolve": "on" if settings.presolve else "off",
            "time_limit": math.inf if limit is None else limit,
            "threads": settings.threads or 0,
        }
        for key, value in options.items():
            h.setOptionValue(key, value)
        began = time.perf_counter()
        if limit is None:
            h.run()
        else:
            self._run_with_deadline(limit)
        return h.getModelStatus(), time.perf_counter() - began

    def _run_with_deadline(self, limit: float) -> None:
        """HiGHS's own limit is not always honoured inside an LP: interrupt it."""
        h = self.highs
        h.HandleUserInterrupt = True
        done = threading.Event()

        def watchdog() -> None:
            if not done.wait(limit + INTERRUPT_GRACE):
                h.cancelSolve()

        guard = threading.Thread(target=watchdog, daemon=True)
        guard.start()
        try:
            h.joinSolve(h.startSolve())
        finally:
            done.set()
            h.HandleUserInterrupt = False

    def values(self) -> np.ndarray:
        """Column values of the incumbent."""
        return np.asarray(self.highs.getSolution().col_value, dtype=float)


_LIMITS = {
    "kTimeLimit",
    "kIterationLimit",
    "kInterrupt",
    "kSolutionLimit",
    "kObjectiveBound",
    "kObjectiveTarget",
    "kMemoryLimit",
}


def _outcome(
    run: _HighsRun,
    status: Any,
    seconds: float,
    settings: SolveSettings,
    starts_from: Any,
) -> SolveOutcome:
    name = status.name
    info = run.highs.getInfo()
    has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if name == "kOptimal" and has_plan:
        termination = Termination.OPTIMAL
    elif name in ("kInfeasible", "kUnboundedOrInfeasible"):
        # Every column is bounded, so "unbounded or infeasible" is infeasible.
        termination = Termination.INFEASIBLE
        has_plan = False
    elif name in _LIMITS:
        termination = Termination.LIMIT
    else:
        detail = f"HiGHS stopped with {name}"
        if name == "kUnbounded":
            detail += ", impossible for this bounded model (a solver inconsistency)"
        return SolveOutcome(
            Termination.ERROR, None, None, None, seconds, solver_version(),
            detail=detail, settings=settings,
        )  # fmt: skip
    objective = float(info.objective_function_value) if has_plan else None
    bound: float | None = float(info.mip_dual_bound)
    if bound is None or not math.isfinite(bound) or abs(bound) >= 1e20:
        bound = objective if termination == Termination.OPTIMAL else None
    starts = starts_from(run.values()) if has_plan else None
    return SolveOutcome(
        termination, starts, objective, bound, seconds, solver_version(),
        settings=settings,
    )  # fmt: skip


def _form_arrays(form: StandardForm) -> _Arrays:
    matrix, lower, upper = form.stacked()
    return _Arrays(
        form.cost, form.col_lower, form.col_upper, form.integrality, matrix,
        lower, upper,
    )  # fmt: skip


class Solver:
    """A HiGHS instance holding one compiled pathway model."""

    def __init__(self, form: StandardForm) -> None:
        self.form = form
        self._run = _HighsRun(_form_arrays(form))

    def update(self, inst: Instance) -> None:
        """Load an edited instance's data and send the changes to HiGHS.

        Raises:
            StructureChanged: when the edit needs a new model (build one).
        """
        load_data(self.form, inst)
        h = self._run.highs
        n = self.form.columns.n
        every = np.arange(n, dtype=np.int32)
        h.changeColsCost(n, every, self.form.cost)
        h.changeColsBounds(n, every, self.form.col_lower, self.form.col_upper)
        _, lower, upper = self.form.stacked()
        rows = np.arange(len(lower), dtype=np.int32)
        h.changeRowsBounds(len(rows), rows, lower, upper)  # type: ignore[attr-defined]

    def solve(
        self, settings: SolveSettings, deadline: float | None = None
    ) -> SolveOutcome:
        """Solve the model as it now stands and read back the plan, if any.

        With a ``deadline`` (a ``time.perf_counter()`` instant), HiGHS gets only
        the time left until it, at most ``settings.time_limit``.
        """
        began = time.perf_counter()
        try:
            status, seconds = self._run.run(settings, deadline)
            return _outcome(self._run, status, seconds, settings, self._starts)
        except Exception as exc:  # HiGHS failed: a typed result, never a traceback
            return SolveOutcome(
                Termination.ERROR, None, None, None, time.perf_counter() - began,
                solver_version(), detail=f"{type(exc).__name__}: {exc}",
                settings=settings,
            )  # fmt: skip

    def _starts(self, values: np.ndarray) -> dict[str, int]:
        cols = self.form.columns
        chosen = np.flatnonzero(values[: cols.n_start] > 0.5)
        return {
            cols.ids[i]: int(s)
            for i, s in zip(
                cols.start_ini[chosen].tolist(),
                cols.start_period[chosen].tolist(),
                strict=True,
            )
        }


def solve_pyomo(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveOutcome:
    """Solve a pathway Pyomo model (possibly extended) with the same hand-over.

    Pyomo's standard-form compiler turns the model into arrays; the plan is read
    from the model's ``start`` variables.
    """
    import pyomo.environ as pyo
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    kinds = np.array([row.bound_type for row in info.rows], dtype=np.int8)
    rhs = np.asarray(info.rhs, dtype=float)
    lower = np.where(kinds <= 0, rhs, -np.inf)
    upper = np.where(kinds >= 0, rhs, np.inf)
    sign = 1.0 if info.objectives[0].sense == pyo.maximize else -1.0
    columns = list(info.columns)
    arrays = _Arrays(
        cost=sign * np.asarray(info.c.toarray()[0], dtype=float),
        col_lower=np.array([-np.inf if v.lb is None else v.lb for v in columns]),
        col_upper=np.array([np.inf if v.ub is None else v.ub for v in columns]),
        integrality=np.array([int(v.is_integer() or v.is_binary()) for v in columns]),
        matrix=sp.csc_array(info.A),
        row_lower=lower,
        row_upper=upper,
    )
    run = _HighsRun(arrays)
    start_cols = [
        (n, v.index())
        for n, v in enumerate(columns)
        if v.parent_component() is model.start
    ]

    def starts(values: np.ndarray) -> dict[str, int]:
        return {key[0]: key[1] for n, key in start_cols if values[n] > 0.5}

    status, seconds = run.run(settings)
    outcome = _outcome(run, status, seconds, settings, starts)
    if sign < 0 and outcome.objective is not None:
        return SolveOutcome(
            outcome.termination, outcome.starts, -outcome.objective,
            None if outcome.bound is None else -outcome.bound, outcome.seconds,
            outcome.solver, outcome.detail, settings,
        )  # fmt: skip
    return outcome


def confirm_infeasible(form: StandardForm, settings: SolveSettings) -> bool:
    """Re-solve with presolve off; True when HiGHS again finds no plan.

    Raises:
        SolverError: if the confirming solve itself fails.
    """
    second = Solver(form).solve(replace(settings, presolve=False))
    if second.termination == Termination.ERROR:
        raise SolverError(f"the confirming solve failed: {second.detail}")
    return second.termination == Termination.INFEASIBLE
