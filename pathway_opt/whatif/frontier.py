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

A ``budget_range`` (total budget money, low to high) walks only that stretch:
the walk starts from the optimum at its top and stops below its bottom; the
points kept are the full frontier's points in the range (the same λ and
scores). ``max_points`` stops the walk after that many points, from the top:
the frontier is then truncated, and says where.

With ``workers > 1`` or a Dask ``scheduler``, the range :math:`(0,
\lambda(P_0)]` is cut into segments walked independently (each worker on its
own session): a segment solves at its top and walks down to its first point at
or below its bottom. The union, kept to the points that score more than every
cheaper one, is the same frontier (the same λ and scores; where two plans tie,
the funded set shown may differ).
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.plan import Plan, html_summary
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.whatif.parallel import Progress, run_all
from pathway_opt.whatif.rows import budget_use, scale_needed, total_limits
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
    its time limit without a plan), ``range`` (below ``budget_range``),
    ``max_points`` (truncated), ``error``."""
    messages: list[str] = field(default_factory=list)
    solves: int = 0
    seconds: float = 0.0
    budget_range: tuple[float, float] | None = None
    """The total budget money walked, low to high (None: all of it)."""
    truncated: bool = False
    """Whether ``max_points`` stopped the walk: lower budgets were not walked."""

    @property
    def note(self) -> str:
        """What part of the frontier this is, in one line ("" when all of it)."""
        money = f" {self.currency}" if self.currency else ""
        parts = []
        if self.budget_range is not None:
            low, high = self.budget_range
            parts.append(f"total budget {low:,.0f} to {high:,.0f}{money} only")
        if self.truncated and not self.points.empty:
            lowest = float(self.points["total_budget"].iloc[0])
            parts.append(
                f"truncated after {self.n_breakpoints} points: below total budget "
                f"{lowest:,.0f}{money} not walked"
            )
        return "; ".join(parts)

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
    max_points: int | None = None,
    budget_range: Sequence[float] | None = None,
    progress: Progress | None = None,
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
        max_points: stop after this many points, walking down from the top (or
            from the top of ``budget_range``); ``truncated`` then says so.
        budget_range: ``(low, high)`` total budget money (all limits added up,
            as the ``total_budget`` column): only the points in it are found.
        progress: called as ``progress(done, total)`` in thousandths of the
            walk: first with 0, then after each solve of a walk in this process
            (after each stretch when walked in parallel), last with ``total``.
            How many breakpoints there are is found only by walking, so the
            share is an estimate: of the score fallen from the top towards 0,
            or of ``max_points`` found, whichever is further.

    Raises:
        InputError: for a bad ``workers``, ``segments``, ``scheduler``,
            ``max_points`` or ``budget_range``, a bad solve option, or
            ``settings`` with a keyword option.
        SolverError: if a step below a point finds no cheaper plan even after
            widening it (a solver inconsistency).
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    inst = as_instance(inst)
    if segments is not None and segments < 1:
        raise InputError([Problem("segments", f"must be at least 1, got {segments}")])
    max_points = check_max_points(max_points)
    total = total_limits(inst)
    money = None if budget_range is None else check_budget_range(budget_range, total)
    low, high = (
        (0.0, math.inf) if money is None else (money[0] / total, money[1] / total)
    )
    shown = _Shown(progress, max_points)
    began = time.perf_counter()
    session = Session(inst, settings)
    base = solve_at(session, 1.0, settings)
    top = solve_unbound(session, settings)
    result = Frontier(
        points=pd.DataFrame(),
        plans=[],
        base=base,
        total_at_one=total,
        currency=inst.currency or "",
        budget_range=money,
    )
    start, solved_at, solves = top, math.inf, 2
    if top.has_plan and high < scale_needed(
        inst, top.starts, top.variants, top.funding
    ):
        start, solved_at, solves = solve_at(session, high, settings), high, 3
    shown.top(start.objective)
    if not start.has_plan:
        result.floor = start.status.value
        unit = f" {inst.currency}" if inst.currency else ""
        where = "any budget" if money is None else f"total budget {money[1]:,.0f}{unit}"
        result.messages = [f"no plan at {where}: {start.status.value}", *start.messages]
        walked = Walk(floor=start.status.value)
    elif workers == 1 and scheduler is None:
        walked = walk(
            session, start, solved_at, settings, low, max_points, shown.solved
        )
    else:
        count = segments or (16 if scheduler else SEGMENTS_PER_WORKER * workers)
        walked = _walk_in_parallel(
            inst,
            found(inst, start, solved_at),
            settings,
            _Stretches(count, low, max_points),
            workers,
            scheduler,
            shown.stretch,
        )
    if start.has_plan:
        result.floor, result.messages = walked.floor, walked.messages
    ordered = sorted(walked.found, key=lambda f: (f.scale, -f.objective))
    # a hair wider than the range: a point at one of its ends is in it
    inside = (low * (1 - 1e-12), high * (1 + 1e-12))
    points = [
        f for f in _pareto(ordered, settings) if inside[0] <= f.scale <= inside[1]
    ]
    if max_points is not None and len(points) > max_points:
        points, result.floor = points[-max_points:], "max_points"
    result.truncated = result.floor == "max_points"
    if result.floor == "bottom":
        result.floor = "range"
    if not points and result.floor == "range":
        result.messages.append(_no_breakpoint(ordered, money, result.currency))
    result.points = _frame(inst, points)
    result.plans = [f.starts for f in points]
    result.solves = solves + walked.solves
    result.seconds = time.perf_counter() - began
    shown.done()
    return result


def check_max_points(max_points: Any) -> int | None:
    """``max_points`` as an int (or None).

    Raises:
        InputError: unless it is None or a whole number of at least 1.
    """
    if max_points is None:
        return None
    if isinstance(max_points, bool) or not isinstance(max_points, numbers.Integral):
        kind = type(max_points).__name__
        raise InputError([Problem("max_points", f"must be a whole number, got {kind}")])
    if max_points < 1:
        raise InputError(
            [Problem("max_points", f"must be at least 1, got {max_points}")]
        )
    return int(max_points)


def check_budget_range(budget_range: Any, total: float) -> tuple[float, float]:
    """``(low, high)`` as floats: finite, at least 0, low <= high.

    ``total`` is the total budget money at λ = 1; with none (no budgets, or all
    limits 0) no range of money means anything.

    Raises:
        InputError: naming ``budget_range`` and what is wrong.
    """

    def bad(message: str) -> InputError:
        return InputError([Problem("budget_range", message)])

    if isinstance(budget_range, str | bytes) or not isinstance(budget_range, Sequence):
        kind = type(budget_range).__name__
        raise bad(f"must be (low, high), two amounts of money; got {kind}")
    if len(budget_range) != 2:
        raise bad(f"must be (low, high), two amounts; got {len(budget_range)}")
    values = []
    for value in budget_range:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise bad(f"must hold numbers, got {type(value).__name__}")
        if not math.isfinite(value) or value < 0:
            raise bad(f"must hold finite amounts of at least 0, got {value!r}")
        values.append(float(value))
    low, high = values
    if low > high:
        raise bad(f"low must not exceed high, got ({low:g}, {high:g})")
    if total <= 0:
        raise bad("the instance's budget limits add up to 0: no range applies")
    return low, high


def _no_breakpoint(
    ordered: list[Found], money: tuple[float, float] | None, currency: str
) -> str:
    """Why a walk of a budget range found no point in it, and what holds there."""
    low, high = money or (0.0, 0.0)
    unit = f" {currency}" if currency else ""
    if not ordered:
        return f"no plan at total budget {high:,.0f}{unit}"
    return (
        f"no breakpoint between total budget {low:,.0f} and {high:,.0f}{unit}: "
        f"the best score there is {ordered[-1].objective:,.4f} throughout (its "
        "breakpoint lies below the range)"
    )


class _Shown:
    """Turns a walk's solves into ``progress(done, 1000)``, never going back."""

    TOTAL = 1000

    def __init__(self, progress: Progress | None, max_points: int | None) -> None:
        self.report = progress or (lambda done, total: None)
        self.max_points = max_points
        self.best = 0.0
        self.shown = 0
        self.report(0, self.TOTAL)

    def top(self, objective: float | None) -> None:
        """The score the walk starts from."""
        self.best = objective or 0.0

    def solved(self, objective: float, points: int) -> None:
        """A solve of the walk reached ``objective`` with ``points`` found."""
        share = (self.best - objective) / self.best if self.best > 0 else 0.0
        if self.max_points is not None:
            share = max(share, points / self.max_points)
        self._show(share)

    def stretch(self, done: int, total: int) -> None:
        """A stretch walked in parallel is done."""
        self._show(done / total)

    def _show(self, share: float) -> None:
        done = min(int(share * self.TOTAL), self.TOTAL - 1)
        if done > self.shown:
            self.shown = done
            self.report(done, self.TOTAL)

    def done(self) -> None:
        """The walk is over."""
        self.shown = self.TOTAL
        self.report(self.TOTAL, self.TOTAL)


@dataclass(frozen=True)
class _Stretches:
    """How the parallel walk cuts its range: how many, its bottom, its cap."""

    count: int
    bottom: float
    max_points: int | None


def _walk_in_parallel(
    inst: Instance,
    top: Found,
    settings: SolveSettings,
    stretches: _Stretches,
    workers: int,
    scheduler: str | Client | None,
    progress: Progress | None = None,
) -> Walk:
    """Walk stretches of [bottom, λ(top)] at once; their union, merged.

    With ``max_points`` each stretch stops after that many points: the top
    ``max_points`` of the union are still the frontier's top points, since
    every stretch above the one that stopped was walked whole.
    """
    if math.isinf(top.scale) or top.scale <= 0:
        return Walk(found=[top], floor="zero" if top.scale <= 0 else "error")
    if top.scale < stretches.bottom:  # its level holds across the whole range
        return Walk(found=[top], floor="bottom")
    count, bottom = stretches.count, stretches.bottom
    edges = [bottom + (top.scale - bottom) * k / count for k in range(count + 1)]
    parts = [
        Segment(
            top=edges[k + 1],
            bottom=edges[k],
            settings=settings,
            max_points=stretches.max_points,
        )
        for k in range(count)
    ]
    walks = run_all(
        inst,
        walk_segment,
        parts,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
    )
    merged = Walk(found=[top], solves=sum(w.solves for w in walks))
    lowest = next((w for w in walks if w.found), None)
    if lowest is not None:
        merged.floor, merged.messages = lowest.floor, list(lowest.messages)
    for w in walks:
        merged.found += w.found
        if w.floor in ("error", "no_solution", "max_points"):
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
        use = budget_use(inst, f.starts, f.variants, f.funding)
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
