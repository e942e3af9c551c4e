r"""The efficient frontier of expected score against total budget, by re-solving.

Scale every budget limit by one factor :math:`\lambda`. A plan :math:`P` fits
exactly when :math:`\lambda \ge \lambda(P) = \max_r s_r(P) / L_r` over the
budget rows :math:`r` (cumulative spend against the cumulative limit for a
carry-over budget, each period's spend against its limit otherwise, as the model
has them), so the best score :math:`F(\lambda)` is a step function that rises at
the :math:`\lambda(P)` of the plans that are optimal there. The walk finds every
step from the top down, each by one re-solve of the same :class:`Session`:

1. solve with limits that bind no plan (each positive limit raised to its
   budget's total cost; zero limits stay 0, as under any :math:`\lambda`); that
   plan :math:`P_0` is optimal for every :math:`\lambda \ge \lambda(P_0)`;
2. re-solve just below the current point, at :math:`\lambda(P_k)(1 - 10^{-6})`:
   the plan :math:`P_{k+1}` is optimal on :math:`[\lambda(P_{k+1}),
   \lambda(P_k))`. If it scores as much as :math:`P_k`, it replaces it (the
   same score is had for less); otherwise it is the next, lower, point;
3. stop at :math:`\lambda = 0` (a plan that spends nothing) or when no plan
   exists below the current point (a must-fund initiative needs money): the
   frontier then starts at the smallest feasible :math:`\lambda`.

A step narrower than the relative :math:`10^{-6}` gap under a point would be
missed; money amounts are far coarser than that. Each point keeps the status,
bound and gap of the solve that found it.

With ``workers > 1`` or a Dask ``scheduler``, the range :math:`(0,
\lambda(P_0)]` is cut into segments walked independently (each worker on its
own session): a segment solves at its top and walks down to its first point at
or below its bottom. The union, kept to the points that score more than every
cheaper one, is the same frontier (the same λ and scores; where two plans tie,
the funded set shown may differ).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.plan import Plan, html_summary
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.whatif.parallel import run_all
from pathway_opt.whatif.rows import budget_use, total_limits
from pathway_opt.whatif.session import Session
from pathway_opt.whatif.walk import (
    Found,
    Segment,
    Walk,
    found,
    solve_at,
    solve_unbound,
    tolerance,
    walk,
    walk_segment,
)

if TYPE_CHECKING:
    from distributed import Client

#: Segments per worker when the frontier is walked in parallel.
SEGMENTS_PER_WORKER = 4


@dataclass(repr=False)
class Frontier:
    """The frontier's points, in ascending budget, with their plans.

    ``repr`` is one line; in a notebook it shows as a summary with the points.
    """

    points: pd.DataFrame
    """One row per breakpoint: ``point``, ``lambda``, ``total_budget`` (money
    of every limit at λ), ``spent``, ``objective``, ``bound``, ``gap``,
    ``status``, ``verified``, ``n_selected``, ``selected``, ``solved_at`` (the
    λ of the solve that found it; ``inf`` for the top point, found with no limit
    binding), ``used_<budget>`` and ``seconds``."""
    plans: list[dict[str, str]]
    """Each point's plan: initiative id -> start period."""
    base: Plan
    """The plan at λ = 1 (the budgets as given)."""
    total_at_one: float
    """The total budget money at λ = 1."""
    currency: str = ""
    floor: str = "zero"
    """Why the walk stopped: ``zero`` (a plan that spends nothing),
    ``infeasible`` (no plan below the lowest point), ``no_solution`` (a solve hit
    its time limit without a plan), ``error``."""
    messages: list[str] = field(default_factory=list)
    solves: int = 0
    seconds: float = 0.0

    @property
    def n_breakpoints(self) -> int:
        """Number of points."""
        return len(self.points)

    @property
    def smallest_scale(self) -> float | None:
        """λ of the lowest point (the smallest feasible λ unless it is 0)."""
        return None if self.points.empty else float(self.points["lambda"].iloc[0])

    def at(self, scale: float) -> int | None:
        """Index of the point in effect at λ = ``scale`` (None below the first)."""
        below = [k for k, lam in enumerate(self.points["lambda"]) if lam <= scale]
        return below[-1] if below else None

    def __repr__(self) -> str:
        """One line: breakpoints, the range of λ, the plan at λ = 1."""
        lowest = self.smallest_scale
        low = "-" if lowest is None else f"{lowest:.6g}"
        return (
            f"<Frontier {self.n_breakpoints} breakpoint(s) from λ = {low}, "
            f"floor {self.floor}, {self.solves} solves; at λ = 1: {self.base!r}>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: the figures, then the points (λ, money, score)."""
        lowest = self.smallest_scale
        fields = [
            ("breakpoints", self.n_breakpoints),
            ("smallest λ", "-" if lowest is None else f"{lowest:.6g}"),
            ("floor", self.floor),
            (f"total budget at λ = 1 ({self.currency})", f"{self.total_at_one:,.0f}"),
            ("plan at λ = 1", repr(self.base)),
            ("solves", self.solves),
            ("seconds", f"{self.seconds:.2f}"),
        ]
        fields += [("message", m) for m in self.messages]
        columns = ["lambda", "total_budget", "spent", "objective", "n_selected"]
        shown = self.points[columns] if not self.points.empty else None
        return html_summary("Efficient frontier", fields, shown)


def frontier(
    inst: InstanceSource,
    settings: SolveSettings | None = None,
    *,
    workers: int = 1,
    scheduler: str | Client | None = None,
    segments: int | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
) -> Frontier:
    """The efficient frontier of expected score against total budget.

    Args:
        inst: the instance (its budgets are λ = 1), or the path of its file.
        settings: settings of each solve (a time limit is per solve; a point
            found under it carries its gap); or give ``time_limit``,
            ``threads``, ``mip_gap`` as keywords.
        workers: local processes; with 1 (and no scheduler) every re-solve runs
            on one :class:`Session` in this process.
        scheduler: a Dask scheduler address or ``dask.distributed.Client``.
        segments: how many stretches of λ to walk in parallel (default: 4 per
            worker, 16 on Dask).
        time_limit: seconds each solve may take.
        threads: threads HiGHS may use.
        mip_gap: relative gap at which a plan counts as optimal.

    Raises:
        InputError: for a bad ``workers``, ``segments`` or ``scheduler``, a bad
            solve option, or ``settings`` with a keyword option.
        SolverError: if a step below a point finds no cheaper plan even after
            widening it (a solver inconsistency).
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    inst = as_instance(inst)
    if segments is not None and segments < 1:
        raise InputError([Problem("segments", f"must be at least 1, got {segments}")])
    began = time.perf_counter()
    session = Session(inst, settings)
    base = solve_at(session, 1.0, settings)
    top = solve_unbound(session, settings)
    result = Frontier(
        points=pd.DataFrame(),
        plans=[],
        base=base,
        total_at_one=total_limits(inst),
        currency=inst.currency or "",
    )
    if not top.has_plan:
        result.floor = top.status.value
        result.messages = [f"no plan at any budget: {top.status.value}", *top.messages]
        walked = Walk(floor=top.status.value)
    elif workers == 1 and scheduler is None:
        walked = walk(session, top, math.inf, settings)
    else:
        count = segments or (16 if scheduler else SEGMENTS_PER_WORKER * workers)
        walked = _walk_in_parallel(
            inst, found(inst, top, math.inf), settings, count, workers, scheduler
        )
    if top.has_plan:
        result.floor, result.messages = walked.floor, walked.messages
    ordered = sorted(walked.found, key=lambda f: (f.scale, -f.objective))
    points = _pareto(ordered, settings)
    result.points = _frame(inst, points)
    result.plans = [f.starts for f in points]
    result.solves = 2 + walked.solves
    result.seconds = time.perf_counter() - began
    return result


def _walk_in_parallel(
    inst: Instance,
    top: Found,
    settings: SolveSettings,
    count: int,
    workers: int,
    scheduler: str | Client | None,
) -> Walk:
    """Walk ``count`` stretches of (0, λ(top)] at once; their union, merged."""
    if math.isinf(top.scale) or top.scale <= 0:
        return Walk(found=[top], floor="zero" if top.scale <= 0 else "error")
    edges = [top.scale * k / count for k in range(count + 1)]
    parts = [
        Segment(top=edges[k + 1], bottom=edges[k], settings=settings)
        for k in range(count)
    ]
    walks = run_all(inst, walk_segment, parts, workers=workers, scheduler=scheduler)
    merged = Walk(found=[top], solves=sum(w.solves for w in walks))
    lowest = next((w for w in walks if w.found), None)
    if lowest is not None:
        merged.floor, merged.messages = lowest.floor, list(lowest.messages)
    for w in walks:
        merged.found += w.found
        if w.floor in ("error", "no_solution"):
            merged.floor = w.floor
            merged.messages += w.messages
    return merged


def _pareto(points: list[Found], settings: SolveSettings) -> list[Found]:
    """Keep, in ascending λ, each point that scores more than every cheaper one.

    A walk of proven optima gives this already; merged segments repeat the
    level at each segment's bottom, and a time-limited solve may return a plan
    a cheaper point beats.
    """
    kept: list[Found] = []
    for f in points:
        if not kept:
            kept.append(f)
            continue
        best = kept[-1].objective
        if f.objective > best + tolerance(settings, best):
            kept.append(f)
    return kept


def _frame(inst: Instance, points: list[Found]) -> pd.DataFrame:
    total = total_limits(inst)
    rows: list[dict[str, Any]] = []
    for k, f in enumerate(points):
        use = budget_use(inst, f.starts)
        rows.append(
            {
                "point": k,
                "lambda": f.scale,
                "total_budget": f.scale * total,
                "spent": sum(u for u, _ in use.values()),
                **{c: f.row[c] for c in _PLAN_COLUMNS},
                "solved_at": f.solved_at,
                **{f"used_{b}": u for b, (u, _) in use.items()},
                "seconds": f.seconds,
            }
        )
    columns = ["point", "lambda", "total_budget", "spent", *_PLAN_COLUMNS]
    columns += ["solved_at", *(f"used_{b}" for b in inst.budget_ids()), "seconds"]
    return pd.DataFrame(rows, columns=columns)


_PLAN_COLUMNS = [
    "objective",
    "bound",
    "gap",
    "status",
    "verified",
    "n_selected",
    "selected",
]
