"""Solving a built model with HiGHS through Pyomo's in-memory (persistent) interface.

:class:`Solver` keeps one HiGHS instance bound to one built model, so a re-solve
after :func:`pathway_opt.model.update_data` only sends the changed data. The result
separates why HiGHS stopped (:class:`Termination`) from what plan we hold.
"""

from __future__ import annotations

import enum
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from pathway_opt.errors import SolverError


@dataclass(frozen=True)
class SolveSettings:
    """Options of one solve.

    The default gaps make ``optimal`` mean optimal: no plan is better by more than
    ``mip_abs_gap`` score points (relative gap 0).
    """

    time_limit: float | None = None
    """Wall-clock limit in seconds for HiGHS (None: no limit)."""
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
    import highspy

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
    import highspy

    if threads != _threads_in_use[0]:
        highspy.Highs.resetGlobalScheduler(True)
        _threads_in_use[0] = threads


class Solver:
    """A persistent HiGHS solver bound to one built pathway model."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        self.model = model
        self._highs = SolverFactory("highs")
        if not self._highs.available():
            raise SolverError("HiGHS is not available; reinstall highspy")

    def solve(self, settings: SolveSettings) -> SolveOutcome:
        """Solve the model as it now stands and read back the plan, if any."""
        options: dict[str, Any] = {
            "random_seed": settings.random_seed,
            "mip_rel_gap": settings.mip_rel_gap,
            "mip_abs_gap": settings.mip_abs_gap,
            "presolve": "on" if settings.presolve else "off",
            "output_flag": False,
        }
        began = time.perf_counter()
        try:
            _use_threads(settings.threads)
            result = self._highs.solve(
                self.model,
                load_solutions=False,
                raise_exception_on_nonoptimal_result=False,
                time_limit=settings.time_limit,
                threads=settings.threads,
                solver_options=options,
            )
        except Exception as exc:  # HiGHS or the interface failed: never a traceback
            return SolveOutcome(
                Termination.ERROR,
                None,
                None,
                None,
                time.perf_counter() - began,
                solver_version(),
                detail=f"{type(exc).__name__}: {exc}",
                settings=settings,
            )
        seconds = time.perf_counter() - began
        return self._outcome(result, seconds, settings)

    def _outcome(
        self, result: Any, seconds: float, settings: SolveSettings
    ) -> SolveOutcome:
        cond = result.termination_condition
        has_plan = result.solution_status in (
            SolutionStatus.feasible,
            SolutionStatus.optimal,
        )
        if cond == TerminationCondition.convergenceCriteriaSatisfied and has_plan:
            termination = Termination.OPTIMAL
        elif cond in (
            TerminationCondition.provenInfeasible,
            TerminationCondition.infeasibleOrUnbounded,
        ):
            # Every variable is bounded, so "infeasible or unbounded" is infeasible.
            termination = Termination.INFEASIBLE
        elif cond in (
            TerminationCondition.maxTimeLimit,
            TerminationCondition.iterationLimit,
            TerminationCondition.interrupted,
        ):
            termination = Termination.LIMIT
        else:
            return SolveOutcome(
                Termination.ERROR,
                None,
                None,
                None,
                seconds,
                solver_version(),
                detail=f"HiGHS stopped with {cond.name}",
                settings=settings,
            )
        starts = self._read_starts(result) if has_plan else None
        objective = result.incumbent_objective if has_plan else None
        bound = result.objective_bound
        if bound is not None and math.isnan(bound):
            bound = None
        return SolveOutcome(
            termination,
            starts,
            objective,
            bound,
            seconds,
            solver_version(),
            settings=settings,
        )

    def _read_starts(self, result: Any) -> dict[str, int]:
        variables = list(self.model.start.values())
        values = result.solution_loader.get_vars(variables)
        return {
            var.index()[0]: var.index()[1] for var in variables if values[var] > 0.5
        }


def confirm_infeasible(model: pyo.ConcreteModel, settings: SolveSettings) -> bool:
    """Re-solve with presolve off; True when HiGHS again finds no plan."""
    second = Solver(model).solve(replace(settings, presolve=False))
    if second.termination == Termination.INFEASIBLE:
        return True
    if second.termination == Termination.ERROR:
        raise SolverError(f"the confirming solve failed: {second.detail}")
    return False
