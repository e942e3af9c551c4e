"""What this process and HiGHS's child process say to each other, and a run's result.

The parent sends a :data:`Request`: a :data:`Change` to the model (made alike in
both processes, so a kept child needs no new fork) or a :class:`Run`. A run
answers with each :data:`Report` in turn: :class:`Began`, any :class:`Improved`
and :class:`Bounded`, then :class:`Finished`. They are pickled over a pipe and
need no highspy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

ModelStatus: TypeAlias = Literal[
    "kNotset",
    "kLoadError",
    "kModelError",
    "kPresolveError",
    "kSolveError",
    "kPostsolveError",
    "kModelEmpty",
    "kOptimal",
    "kInfeasible",
    "kUnboundedOrInfeasible",
    "kUnbounded",
    "kObjectiveBound",
    "kObjectiveTarget",
    "kTimeLimit",
    "kIterationLimit",
    "kUnknown",
    "kSolutionLimit",
    "kInterrupt",
    "kMemoryLimit",
    "kHighsInterrupt",
]
"""HiGHS's model status names (``highspy.HighsModelStatus``), checked by mypy."""


@dataclass(frozen=True, kw_only=True)
class RunResult:
    """What one HiGHS run ended with."""

    status: ModelStatus
    objective: float | None = None
    """Objective of the plan held, or None without a plan."""
    bound: float | None = None
    chosen: np.ndarray | None = None
    """Positions in ``plan_cols`` whose value is 1 in the plan held."""
    amounts: np.ndarray | None = None
    """Values of ``amount_cols`` in the plan held (the funding split)."""
    seconds: float
    """Wall time of the run, starting and stopping HiGHS's process included."""
    detail: str = ""
    values: np.ndarray | None = None
    """Every column's value, when the run was asked for them (an LP's, whose
    fractional columns matter; see ``HighsRun.report_values``)."""
    solving: float | None = None
    """Time HiGHS itself ran: from its start in its process to its end or to being
    stopped (None when the process never started it)."""

    @classmethod
    def stopped(
        cls, best: Improved | None, *, seconds: float, solving: float | None
    ) -> RunResult:
        """A run whose process was stopped at the deadline, with its best plan."""
        return cls(
            status="kTimeLimit",
            objective=None if best is None else best.objective,
            bound=None if best is None else best.bound,
            chosen=None if best is None else best.chosen,
            amounts=None if best is None else best.amounts,
            seconds=seconds,
            detail="stopped at the time limit",
            solving=solving,
        )

    @classmethod
    def crashed(cls, exitcode: int | None, *, seconds: float) -> RunResult:
        """A run whose process ended without reporting a result."""
        return cls(
            status="kSolveError",
            seconds=seconds,
            detail=f"HiGHS's process ended with code {exitcode}",
        )


# -- requests: from this process to the child ------------------------------------
@dataclass(frozen=True, kw_only=True)
class Run:
    """Solve from scratch (the child answers with reports until :class:`Finished`)."""

    options: dict[str, Any]
    """HiGHS options set before the run, by name."""
    threads: int | None
    limit: float | None
    """HiGHS's own time limit in seconds (None: none)."""
    start: np.ndarray | None = None
    """A value for every column, offered to HiGHS as a first plan."""


@dataclass(frozen=True, kw_only=True)
class AddRow:
    """Append the row ``lower <= values @ x[cols] <= upper``."""

    lower: float
    upper: float
    cols: np.ndarray
    values: np.ndarray


@dataclass(frozen=True)
class DropLastRow:
    """Remove the row added last."""


@dataclass(frozen=True, kw_only=True)
class SetCosts:
    """Set the objective coefficients of the columns ``cols``."""

    cols: np.ndarray
    cost: np.ndarray


@dataclass(frozen=True, kw_only=True)
class SetColumnBounds:
    """Set the bounds of the columns ``cols``."""

    cols: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True, kw_only=True)
class SetRowBounds:
    """Set the bounds of the rows ``rows``."""

    rows: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


@dataclass(frozen=True, kw_only=True)
class SetCoefficients:
    """Set the matrix entries at ``(rows[k], cols[k])`` to ``values[k]``."""

    rows: np.ndarray
    cols: np.ndarray
    values: np.ndarray


Change: TypeAlias = (
    AddRow | DropLastRow | SetCosts | SetColumnBounds | SetRowBounds | SetCoefficients
)
Request: TypeAlias = Run | Change


# -- reports: from the child, during a run ---------------------------------------
@dataclass(frozen=True)
class Began:
    """HiGHS began the run at ``at`` (``time.perf_counter()``)."""

    at: float


@dataclass(frozen=True, kw_only=True)
class Improved:
    """HiGHS found a better plan (sent as found, so a stopped run keeps it)."""

    objective: float
    bound: float | None
    chosen: np.ndarray
    """Positions in ``plan_cols`` whose value is 1."""
    amounts: np.ndarray | None = None
    """Values of ``amount_cols`` (the funding split)."""


@dataclass(frozen=True)
class Bounded:
    """HiGHS's dual bound moved (sent at most every ``BOUND_EVERY`` seconds)."""

    bound: float


#: Least seconds between two :class:`Bounded` reports of one run.
BOUND_EVERY = 1.0


@dataclass(frozen=True)
class Finished:
    """The run ended with ``result``."""

    result: RunResult


Report: TypeAlias = Began | Improved | Bounded | Finished
