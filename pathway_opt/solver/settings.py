"""Options of one solve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
    node_limit: int | None = None
    """Branch-and-bound nodes HiGHS may explore (None: no limit). Unlike a time
    limit it stops every run at the same point: the same plan on every run."""

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary for reports."""
        return {
            "time_limit": self.time_limit,
            "mip_rel_gap": self.mip_rel_gap,
            "mip_abs_gap": self.mip_abs_gap,
            "threads": self.threads,
            "random_seed": self.random_seed,
            "presolve": self.presolve,
            "node_limit": self.node_limit,
        }
