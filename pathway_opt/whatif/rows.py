"""What sweeps and the frontier share: a checked re-solve and one row per plan.

A row holds plain values only (no pandas, no Plan), so it travels cheaply
between processes and compares exactly: the status, the figures, the selected
set as one sorted ``id@start`` string and the money each budget uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pathway_opt.plan import Plan, changes_between
from pathway_opt.schema.instance import Instance
from pathway_opt.verification.verifier import ABS_TOL, verify


def selected_string(starts: Mapping[str, str]) -> str:
    """The selected set as ``id@start`` items sorted by id, joined by ``;``."""
    return ";".join(f"{i}@{starts[i]}" for i in sorted(starts))


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def budget_use(
    inst: Instance,
    starts: Mapping[str, str],
    variants: Mapping[str, str] | None = None,
    funding: Mapping[tuple[str, str, str], float] | None = None,
) -> dict[str, tuple[float, float]]:
    """Per budget: (money spent within the horizon, largest use / limit).

    The ratio is taken over the budget's rows on the comparison its limit
    applies to, as the model does: a carry-over budget compares cumulative spend
    with the cumulative limit, any other budget each period's spend with that
    period's limit. A row with limit 0 counts only if the plan spends there (the
    ratio is then ``inf``: no scaling of the limits makes the plan fit). A
    budget the plan does not use has ratio 0.
    """
    spend = {b.id: 0.0 for b in inst.budgets}
    ratios = {b.id: 0.0 for b in inst.budgets}
    for row in verify(inst, list(starts.items()), None, variants, funding).usage:
        if row.kind != "budget":
            continue
        spend[row.id] += row.used
        if row.binding_on == "cumulative":
            used, limit = row.cumulative_used, row.cumulative_limit
        else:
            used, limit = row.used, row.limit
        if used > ABS_TOL:
            ratio = used / limit if limit > 0 else math.inf
            ratios[row.id] = max(ratios[row.id], ratio)
    return {b: (spend[b], ratios[b]) for b in spend}


def scale_needed(
    inst: Instance,
    starts: Mapping[str, str],
    variants: Mapping[str, str] | None = None,
    funding: Mapping[tuple[str, str, str], float] | None = None,
) -> float:
    """The smallest factor λ on every budget limit at which the plan fits.

    ``inst`` holds the limits at λ = 1. Returns 0 for a plan that spends nothing
    and ``inf`` for one that spends where a limit is 0.
    """
    use = budget_use(inst, starts, variants, funding)
    return max((r for _, r in use.values()), default=0.0)


def plan_row(plan: Plan) -> dict[str, Any]:
    """Status, figures, selected set and budget use of a plan, as plain values.

    Budget columns, one pair per budget of the plan's instance: ``used_<id>``
    (money spent within the horizon) and ``utilisation_<id>`` (the largest use /
    limit on the comparison the limit applies to; 1 means the budget binds).
    Without a plan the figures are NaN and the selected set is empty.
    """
    has_plan = plan.has_plan
    row: dict[str, Any] = {
        "status": plan.status.value,
        "verified": plan.verified,
        "objective": _nan(plan.objective) if has_plan else math.nan,
        "bound": _nan(plan.bound),
        "gap": _nan(plan.gap) if has_plan else math.nan,
        "n_selected": len(plan.starts) if has_plan else 0,
        "selected": selected_string(plan.starts) if has_plan else "",
    }
    inst = plan.instance
    use = budget_use(inst, plan.starts, plan.variants, plan.funding) if has_plan else {}
    for b in inst.budgets:
        used, ratio = use.get(b.id, (math.nan, math.nan))
        row[f"used_{b.id}"] = used
        row[f"utilisation_{b.id}"] = ratio
    return row


def total_limits(inst: Instance) -> float:
    """Every budget's limits added up (the total budget money at λ = 1)."""
    return float(sum(sum(b.limits) for b in inst.budgets))


def changes_row(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, str]:
    """Initiatives added, removed and moved between two plans, as ``;`` lists.

    Items read ``id@start``; ``moved`` items read ``id@old->new``.
    """
    diff = changes_between(before, after)
    return {
        "added": ";".join(f"{i}@{after[i]}" for i in diff.added),
        "removed": ";".join(f"{i}@{before[i]}" for i in diff.removed),
        "moved": ";".join(f"{i}@{before[i]}->{after[i]}" for i in diff.moved),
    }
