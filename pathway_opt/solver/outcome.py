"""What one HiGHS run produced, before verification (no highspy needed)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

from pathway_opt.solver.settings import SolveSettings


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
    solving: float | None = None
    """Time HiGHS itself ran; ``seconds`` adds starting and stopping its process."""

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
