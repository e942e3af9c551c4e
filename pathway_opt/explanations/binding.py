"""What binds: utilisation per period, binding limits and marginal values.

Utilisation comes from the verified plan's usage table (the limit that applies:
cumulative for a carry-over budget). The marginal value of a limit is measured by
re-solving the Session's model with that period's limit raised, and lowered, by
a step (default 5 % of the limit): ``gain_up`` is the score the raise buys,
``loss_down`` the score the cut costs, both also per unit of money (per million
when budgets are in millions) or of the resource. In an integer model these
figures depend on the step: a small raise may buy nothing until it is enough
for a whole initiative.
"""

from __future__ import annotations

import time
from typing import Any

from pathway_opt.explanations.resolve import objective_of, resolve, restored
from pathway_opt.outputs.explanation_tables import BINDING_COLUMNS
from pathway_opt.plan import Plan
from pathway_opt.schema.entities import LimitKind
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.verification.verifier import UsageRow
from pathway_opt.whatif.session import Session

#: Slack at most this share of the limit (and at least this absolute) is binding.
BINDING_TOL = 1e-6


def _usage(plan: Plan) -> list[UsageRow]:
    return plan.verification.usage if plan.verification else []


def _applied(u: UsageRow) -> tuple[float, float]:
    if u.binding_on == "cumulative":
        return u.cumulative_limit, u.cumulative_used
    return u.limit, u.used


def per_unit(inst: Instance, kind: LimitKind) -> tuple[float, str]:
    """The unit marginal values are quoted in: money per million, thousand or one."""
    if kind == "resource":
        return 1.0, "unit"
    top = max([v for b in inst.budgets for v in b.limits] or [0.0])
    for size in (1e6, 1e3):
        if top >= size:
            return size, f"{size:,.0f} {inst.currency}"
    return 1.0, inst.currency


def _limits(inst: Instance, kind: LimitKind, owner: str) -> list[float]:
    found = (lim for lim in inst.limits() if (lim.kind, lim.id) == (kind, owner))
    return list(next(found).amounts)


def _set(
    session: Session, kind: LimitKind, owner: str, period: str, value: float
) -> None:
    if kind == "budget":
        session.set_budget(owner, [value], periods=[period])
    else:
        session.set_capacity(owner, [value], periods=[period])


def _min_slack_from(plan: Plan, u: UsageRow) -> float:
    """Least slack of the rows a cut of this period's limit lowers."""
    rows = [r for r in _usage(plan) if (r.kind, r.id) == (u.kind, u.id)]
    position = [r.period for r in rows].index(u.period)
    later = rows[position:] if u.binding_on == "cumulative" else [u]
    return min(r.slack for r in later)


def _marginal(
    session: Session, plan: Plan, u: UsageRow, step: float, settings: SolveSettings
) -> dict[str, Any]:
    """Re-solves with this period's limit raised and lowered by ``step`` of it.

    ``plan`` is the optimum: a cut its slack absorbs costs nothing (no solve).
    """
    inst = session.instance
    limits = _limits(inst, u.kind, u.id)
    own = limits[inst.period_index(u.period)]
    positive = [v for v in limits if v > 0]
    size = step * (
        own if own > 0 else (sum(positive) / len(positive) if positive else 0)
    )
    if size <= 0:
        return {}
    base = objective_of(plan)
    gaps: list[float] = []
    with restored(session):
        _set(session, u.kind, u.id, u.period, own + size)
        up = resolve(session, settings)
    gain = objective_of(up) - base if up.has_plan else None
    gaps.append(up.gap or 0.0)
    down_size = min(size, own)
    loss: float | None = 0.0
    if down_size > 0 and _min_slack_from(plan, u) < down_size:
        with restored(session):
            _set(session, u.kind, u.id, u.period, own - down_size)
            down = resolve(session, settings)
        loss = base - objective_of(down) if down.has_plan else None
        gaps.append(down.gap or 0.0)
    scale, label = per_unit(inst, u.kind)
    if u.kind == "resource":
        label = next(r.unit for r in inst.resources if r.id == u.id) or "unit"
    return {
        "step": size,
        "gain_up": gain,
        "loss_down": loss,
        "per": label,
        "value_up_per": None if gain is None else gain / size * scale,
        "value_down_per": (
            None if loss is None or down_size <= 0 else loss / down_size * scale
        ),
        "gap": max(gaps),
    }


def binding_rows(
    session: Session,
    plan: Plan,
    optimum: Plan,
    settings: SolveSettings,
    step: float = 0.05,
    marginal: bool = True,
) -> tuple[list[dict[str, Any]], float]:
    """One record per budget / resource and period, and the seconds spent.

    Utilisation is ``plan``'s; marginal values are measured from ``optimum``.
    """
    began = time.perf_counter()
    rows = []
    best = {(u.kind, u.id, u.period): u for u in _usage(optimum)}
    for u in _usage(plan):
        limit, used = _applied(u)
        row: dict[str, Any] = dict.fromkeys(BINDING_COLUMNS)
        row.update(
            kind=u.kind,
            id=u.id,
            period=u.period,
            applies_to=u.binding_on,
            limit=limit,
            used=used,
            slack=u.slack,
            utilisation=used / limit if limit > 0 else None,
            binding=u.slack <= BINDING_TOL * max(1.0, abs(limit)),
        )
        if marginal:
            measured = best[u.kind, u.id, u.period]
            row.update(_marginal(session, optimum, measured, step, settings))
        rows.append(row)
    return rows, time.perf_counter() - began


def bottleneck_rows(plan: Plan) -> list[dict[str, Any]]:
    """Periods x budgets / resources: utilisation of the limit that applies.

    A column is named by the budget or resource id (prefixed with its kind when
    a budget and a resource share an id).
    """
    usage = _usage(plan)
    ids = [u.id for u in usage if u.period == plan.instance.periods[0]]
    clash = {i for i in ids if ids.count(i) > 1}
    rows: dict[str, dict[str, Any]] = {p: {"period": p} for p in plan.instance.periods}
    for u in usage:
        limit, used = _applied(u)
        name = f"{u.kind} {u.id}" if u.id in clash else u.id
        rows[u.period][name] = used / limit if limit > 0 else None
    return list(rows.values()) if usage else []
