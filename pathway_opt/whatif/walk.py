r"""The frontier's walk: from a plan optimal at some λ down to the next breakpoints.

See :mod:`pathway_opt.whatif.frontier` for the method. A walk runs on one
:class:`Session` and returns plain data (:class:`Walk`), so a segment of the
frontier can be walked in another process or on a Dask worker.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pathway_opt.errors import SolverError
from pathway_opt.plan import Plan, Status
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.whatif.rows import plan_row, scale_needed
from pathway_opt.whatif.session import Session

#: Relative step below a point at which the next point is sought.
STEP = 1e-6
#: How many times a step that made no progress is widened (x10 each time).
RETRIES = 3


@dataclass
class Found:
    """One point, as plain data: its λ, plan, figures and where it was solved."""

    scale: float
    starts: dict[str, str]
    objective: float
    variants: dict[str, str]
    funding: dict[tuple[str, str, str], float]
    row: dict[str, Any]
    """The plan's :func:`~pathway_opt.whatif.rows.plan_row`."""
    solved_at: float
    seconds: float


@dataclass
class Walk:
    """What one walk found, why it stopped, and how many solves it took."""

    found: list[Found] = field(default_factory=list)
    """Points in descending λ."""
    floor: str = "zero"
    """``zero``, ``bottom`` (went below the segment's bottom), ``max_points``
    (found as many points as allowed), ``infeasible``, ``no_solution`` or
    ``error``."""
    messages: list[str] = field(default_factory=list)
    solves: int = 0


@dataclass(frozen=True)
class Segment:
    """A stretch of the frontier to walk: from λ = ``top`` down to ``bottom``."""

    top: float
    bottom: float
    settings: SolveSettings
    max_points: int | None = None
    """Stop after this many points (None: walk the whole stretch)."""


#: ``solved(objective, points)`` after each solve of a walk: the score reached
#: and the points found so far.
Solved = Callable[[float, int], None]


def solve_at(session: Session, scale: float, settings: SolveSettings) -> Plan:
    """Reset the session, scale every budget limit by ``scale``, re-solve."""
    session.reset()
    if scale != 1.0:
        for budget in session.base.budgets:
            session.scale_budget(budget.id, scale)
    return session.solve(settings)


def unbinding_limits(inst: Instance) -> dict[str, list[float]]:
    """Per budget: limits that bind no plan, with every zero limit kept at 0.

    A row's spend is at most the total cost charged to its budget, so a positive
    limit (for carry-over, the first positive one) raised to that total binds
    nothing, and a limit of 0 stays 0 under any λ. Limits near the real amounts
    keep the model well scaled (a factor of 1e6 on every limit would not).
    """
    totals = {b.id: 0.0 for b in inst.budgets}
    ids = inst.budget_ids()
    for ini in inst.initiatives:
        for _, version in ini.versions:  # every version: a bound, not a plan
            for b, profile in version.cost_by_budget(ids).items():
                totals[b] += sum(profile)
    result = {}
    for budget in inst.budgets:
        limits = list(budget.limits)
        positive = [t for t, v in enumerate(limits) if v > 0]
        for t in positive[:1] if budget.carry_over else positive:
            limits[t] = max(limits[t], totals[budget.id])
        result[budget.id] = limits
    return result


def solve_unbound(session: Session, settings: SolveSettings) -> Plan:
    """The optimum when no budget limit binds (zero limits still hold)."""
    session.reset()
    for budget, limits in unbinding_limits(session.base).items():
        session.set_budget(budget, limits)
    return session.solve(settings)


def tolerance(settings: SolveSettings, objective: float) -> float:
    """Score difference below which two optima count as the same level."""
    return max(settings.mip_abs_gap, settings.mip_rel_gap * abs(objective)) + 1e-9


def found(inst: Instance, plan: Plan, solved_at: float) -> Found:
    """The point a plan makes (``inst`` holds the limits at λ = 1)."""
    return Found(
        scale=scale_needed(inst, plan.starts, plan.variants, plan.funding),
        starts=dict(plan.starts),
        variants=dict(plan.variants),
        funding=dict(plan.funding),
        objective=plan.objective or 0.0,
        row=plan_row(plan),
        solved_at=solved_at,
        seconds=plan.timings.get("total", plan.seconds),
    )


def walk(
    session: Session,
    start: Plan,
    solved_at: float,
    settings: SolveSettings,
    bottom: float = 0.0,
    max_points: int | None = None,
    solved: Solved | None = None,
) -> Walk:
    """Walk down from ``start`` (optimal at λ = ``solved_at``) to ``bottom``.

    Ends with the first point below ``bottom`` (or at λ = 0), when no plan
    exists below the current point, or with ``max_points`` points found (the
    next lower one is then not walked to its end, so it is not kept).
    ``solved`` hears of each solve.
    """
    inst = session.base
    result = Walk()
    current = found(inst, start, solved_at)
    while True:
        if math.isinf(current.scale):
            result.floor = "error"
            result.messages.append(
                "a plan spends money where a budget limit is 0; no λ makes it fit"
            )
            return result
        # strictly below: a point exactly at the bottom may still move below it
        if current.scale <= 0 or current.scale < bottom:
            result.found.append(current)
            result.floor = "bottom" if current.scale < bottom else "zero"
            return result
        nxt, used, below = _step_below(session, current, settings)
        result.solves += used
        if not nxt.has_plan:
            result.found.append(current)
            result.floor = nxt.status.value
            if nxt.status == Status.INFEASIBLE:
                result.messages.append(
                    f"no plan below λ = {current.scale:.9g}: the budgets cannot be "
                    "cut further (e.g. a must-fund initiative needs the money)"
                )
            else:
                result.messages += nxt.messages
            return result
        step = found(inst, nxt, below)
        if step.objective < current.objective - tolerance(settings, current.objective):
            result.found.append(current)
            if max_points is not None and len(result.found) >= max_points:
                result.floor = "max_points"
                return result
        if solved is not None:
            solved(step.objective, len(result.found))
        current = step


def walk_segment(session: Session, segment: Segment) -> Walk:
    """Solve at the segment's top, then walk down to its bottom."""
    start = solve_at(session, segment.top, segment.settings)
    if not start.has_plan:
        messages = [] if start.status == Status.INFEASIBLE else start.messages
        return Walk(floor=start.status.value, messages=messages, solves=1)
    result = walk(
        session,
        start,
        segment.top,
        segment.settings,
        segment.bottom,
        segment.max_points,
    )
    result.solves += 1
    return result


def _step_below(
    session: Session, current: Found, settings: SolveSettings
) -> tuple[Plan, int, float]:
    """The optimum just below the current point, the solves it took, its λ.

    Just below a point, the current plan overshoots the limits by less than
    HiGHS's feasibility tolerance, so HiGHS may still take it: the verifier
    then rejects it, or the plan found needs no less money, or HiGHS's two
    verdicts (with and without presolve) disagree. Each time, the step widens
    (x10) and the solve is repeated.
    """
    step = STEP
    for attempt in range(1, RETRIES + 2):
        below = current.scale * (1 - step)
        try:
            plan = solve_at(session, below, settings)
        except SolverError:
            plan = None  # presolve said infeasible, the confirming solve did not
        if plan is not None and plan.has_plan:
            if scale_needed(session.base, plan.starts) < current.scale:
                return plan, attempt, below
        elif plan is not None and not (plan.status == Status.ERROR and plan.starts):
            return plan, attempt, below
        step *= 10
    raise SolverError(
        f"below λ = {current.scale:.9g} the solver found no cheaper plan "
        f"(tried steps down to {step / 10:g})"
    )
