"""What binds: utilisation per period, binding limits and marginal values.

Spend-share and average rules whose bound the plan meets exactly are listed
after the limits (kind ``spend_share`` / ``average``, id ``rule N``), then the
funding caps a split meets (kind ``max_share``, id ``initiative / budget``).

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
from collections.abc import Callable
from typing import Any

from pathway_opt.explanations.resolve import objective_of, resolve, restored
from pathway_opt.outputs.explanation_tables import BINDING_COLUMNS
from pathway_opt.plan import Plan
from pathway_opt.schema.entities import LimitKind
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import AverageRule, SpendShareRule
from pathway_opt.schema.value_rules import binding_bound, value_rule_figures
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


def _step_size(limits: list[float], own: float, step: float) -> float:
    """How far a period's limit moves for its marginal value.

    ``step`` of it; of the mean positive limit when it is 0; nothing when every
    limit is 0.
    """
    positive = [v for v in limits if v > 0]
    return step * (
        own if own > 0 else (sum(positive) / len(positive) if positive else 0)
    )


def _cut_size(plan: Plan, u: UsageRow, size: float, own: float) -> float:
    """How far the limit is cut: 0 when the plan's slack absorbs the cut."""
    down = min(size, own)
    return down if down > 0 and _min_slack_from(plan, u) < down else 0.0


def marginal_solves(inst: Instance, step: float, optimum: Plan | None = None) -> int:
    """Re-solves the marginal values take.

    A raise per budget / resource period whose limit can move; with the
    ``optimum`` known, also a cut wherever its slack does not absorb one.
    """
    if optimum is None:
        return sum(
            _step_size(list(lim.amounts), own, step) > 0
            for lim in inst.limits()
            for own in lim.amounts
        )
    count = 0
    for u in _usage(optimum):
        limits = _limits(inst, u.kind, u.id)
        own = limits[inst.period_index(u.period)]
        size = _step_size(limits, own, step)
        count += (size > 0) + (size > 0 and _cut_size(optimum, u, size, own) > 0)
    return count


def _marginal(
    session: Session, plan: Plan, u: UsageRow, step: float, settings: SolveSettings
) -> tuple[dict[str, Any], int]:
    """Re-solves with this period's limit raised and lowered by ``step`` of it.

    Returns the figures and the solves taken. ``plan`` is the optimum: a cut
    its slack absorbs costs nothing (no solve).
    """
    inst = session.instance
    limits = _limits(inst, u.kind, u.id)
    own = limits[inst.period_index(u.period)]
    size = _step_size(limits, own, step)
    if size <= 0:
        return {}, 0
    base = objective_of(plan)
    gaps: list[float] = []
    with restored(session):
        _set(session, u.kind, u.id, u.period, own + size)
        up = resolve(session, settings)
    gain = objective_of(up) - base if up.has_plan else None
    gaps.append(up.gap or 0.0)
    down_size = min(size, own)
    loss: float | None = 0.0
    if _cut_size(plan, u, size, own) > 0:
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
    }, len(gaps)


def binding_rows(
    session: Session,
    plan: Plan,
    optimum: Plan,
    settings: SolveSettings,
    step: float = 0.05,
    marginal: bool = True,
    solved: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """One record per budget / resource and period, and the seconds spent.

    Utilisation is ``plan``'s; marginal values are measured from ``optimum``.
    With ``marginal``, ``solved(n)`` is called after each record with the
    re-solves it took (see :func:`marginal_solves`).
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
            min_use=u.min_use,
            min_use_binding=u.min_use > 0
            and used - u.min_use <= BINDING_TOL * max(1.0, abs(limit)),
        )
        if marginal:
            measured = best[u.kind, u.id, u.period]
            figures, solves = _marginal(session, optimum, measured, step, settings)
            row.update(figures)
            if solved is not None:
                solved(solves)
        rows.append(row)
    rows += rule_binding_rows(plan)
    rows += cap_binding_rows(plan)
    return rows, time.perf_counter() - began


def cap_binding_rows(plan: Plan) -> list[dict[str, Any]]:
    """One record per funding cap (`max_share`) the plan's split meets exactly.

    ``kind`` is ``max_share``, ``id`` ``initiative / budget``, ``period`` the
    period, ``limit`` the cap and ``used`` the share of that period's cost the
    budget pays. No marginal value is measured.
    """
    if not plan.has_plan:
        return []
    inst = plan.instance
    rows = []
    for ini in inst.initiatives:
        if ini.id not in plan.starts:
            continue
        version = ini.version(plan.variants.get(ini.id))
        if version.funded_by is None:
            continue
        due = version.cost_profile()
        start = inst.period_index(plan.starts[ini.id])
        for budget, cap in version.max_share.items():
            for t, period in enumerate(inst.periods):
                owed = due[t - start] if 0 <= t - start < len(due) else 0.0
                paid = plan.funding.get((ini.id, budget, period), 0.0)
                if cap >= 1 or owed <= 0 or paid < cap * owed - BINDING_TOL * owed:
                    continue
                row: dict[str, Any] = dict.fromkeys(BINDING_COLUMNS)
                row.update(
                    kind="max_share",
                    id=f"{ini.id} / {budget}",
                    period=period,
                    applies_to="at_most",
                    limit=cap,
                    used=paid / owed,
                    slack=cap - paid / owed,
                    binding=True,
                )
                rows.append(row)
    return rows


def rule_binding_rows(plan: Plan) -> list[dict[str, Any]]:
    """One record per spend_share / average rule whose bound the plan meets exactly.

    ``kind`` is the rule's kind, ``id`` ``rule N``, ``period`` the periods it
    counts, ``applies_to`` the bound (at_least / at_most), ``limit`` the bound
    and ``used`` the plan's share or mean. No marginal value is measured.
    """
    if not plan.has_plan:
        return []
    inst = plan.instance
    start = {i: inst.period_index(p) for i, p in plan.starts.items()}
    rows = []
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, SpendShareRule | AverageRule):
            continue
        actual, _ = value_rule_figures(inst, rule, start, plan.variants, plan.funding)
        bound = binding_bound(rule, actual)
        if bound is None or actual is None:
            continue
        limit = float(getattr(rule, bound))
        periods = getattr(rule, "periods", None)
        row: dict[str, Any] = dict.fromkeys(BINDING_COLUMNS)
        row.update(
            kind=rule.kind,
            id=f"rule {k + 1}",
            period=", ".join(periods) if periods else "all",
            applies_to=bound,
            limit=limit,
            used=actual,
            slack=actual - limit if bound == "at_least" else limit - actual,
            binding=True,
        )
        rows.append(row)
    return rows


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
