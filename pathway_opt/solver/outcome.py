"""What one HiGHS run produced, before verification (no highspy needed)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import NamedTuple

from pathway_opt.solver.settings import SolveSettings


class Termination(enum.Enum):
    """Why HiGHS stopped."""

    OPTIMAL = "optimal"
    LIMIT = "limit"
    INFEASIBLE = "infeasible"
    ERROR = "error"


Funding = dict[tuple[str, str, int], float]
"""(initiative id, budget id, period index) -> what the budget pays of the
initiative's cost in that period (initiatives with ``funded_by`` only)."""


class Choice(NamedTuple):
    """A plan as the model's columns say it, before verification."""

    starts: dict[str, int]
    """Selected initiative id -> start period index."""
    variants: dict[str, str]
    """Selected initiative id -> variant id, for those run as a variant."""
    funding: Funding
    """The split of funded initiatives' costs among their budgets."""


@dataclass(frozen=True, repr=False)
class SolveOutcome:
    """What one HiGHS run produced, before verification.

    ``starts`` holds period *indices* (what the model's columns use);
    :attr:`start_periods` gives the same plan with period labels. An outcome is
    HiGHS's word only (:attr:`verified` is always False): ``po.make_plan(inst,
    outcome)`` verifies it into a :class:`~pathway_opt.plan.Plan`.
    """

    termination: Termination
    starts: dict[str, int] | None
    """Selected initiative id -> start period index, or None without a plan."""
    objective: float | None
    bound: float | None
    seconds: float
    solver: str
    detail: str = ""
    settings: SolveSettings = field(default_factory=SolveSettings)
    solving: float | None = None
    """Time HiGHS itself ran; ``seconds`` adds starting and stopping its process."""
    periods: tuple[str, ...] = ()
    """The model's period labels, in order (empty when the solve did not know
    them, as for a Pyomo model solved with ``solve_pyomo``)."""
    variants: dict[str, str] = field(default_factory=dict)
    """Selected initiative id -> variant id, for those run as a variant."""
    funding: Funding = field(default_factory=dict)
    """The split of funded initiatives' costs among their budgets."""

    @property
    def start_periods(self) -> dict[str, str] | None:
        """Selected initiative id -> start period label, or None without a plan.

        None too when the period labels are not known (see :attr:`periods`).
        """
        if self.starts is None or not self.periods:
            return None
        return {i: self.periods[t] for i, t in self.starts.items()}

    @property
    def verified(self) -> bool:
        """Always False: an outcome is what HiGHS reported, before any check.

        ``po.make_plan(inst, outcome)`` verifies it into a Plan (with
        ``plan.verified``).
        """
        return False

    def __repr__(self) -> str:
        objective = "-" if self.objective is None else f"{self.objective:,.4f}"
        selected = "no plan" if self.starts is None else f"{len(self.starts)} selected"
        return (
            f"<SolveOutcome {self.termination.value}, objective {objective}, "
            f"{selected}, not verified (po.make_plan(inst, outcome) verifies it)>"
        )

    @classmethod
    def failed(
        cls, detail: str, *, seconds: float, solver: str, settings: SolveSettings
    ) -> SolveOutcome:
        """An error without a plan: HiGHS failed, or said what cannot be."""
        return cls(
            termination=Termination.ERROR,
            starts=None,
            objective=None,
            bound=None,
            seconds=seconds,
            solver=solver,
            detail=detail,
            settings=settings,
        )

    @property
    def gap(self) -> float | None:
        """Relative gap between the plan and the bound (0 when both are 0)."""
        if self.objective is None or self.bound is None or math.isinf(self.bound):
            return None
        diff = max(0.0, self.bound - self.objective)
        return 0.0 if diff <= 1e-12 else diff / max(abs(self.objective), 1e-10)
