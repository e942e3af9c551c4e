"""The funding split of a plan as a table, and the version each initiative runs.

An initiative with ``funded_by`` has each period's cost split among its budgets
by the optimizer (``plan.funding``, checked by the verifier); a selected
initiative may run as one of its variants (``plan.variants``). The workbook,
the CSV folder, the terminal summary, the report and the comparisons all read
them from here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pathway_opt.plan import Plan
from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance

FUNDING_COLUMNS = ["initiative", "name", "budget", "period", "amount", "share"]


def running(plan: Plan, ini: Initiative) -> Initiative:
    """The initiative as the plan runs it: its variant's version, else as given."""
    return ini.version(plan.variants.get(ini.id))


def has_funding(inst: Instance) -> bool:
    """Whether an initiative (or a variant of one) lets the optimizer split its cost."""
    return any(
        version.funded_by is not None
        for ini in inst.initiatives
        for _, version in ini.versions
    )


def funding(plan: Plan) -> pd.DataFrame:
    """The funding split: what each budget pays of a funded initiative per period.

    One row per initiative with ``funded_by``, budget and period where the
    budget pays something (instance, ``funded_by`` and period order); ``share``
    is the amount over the initiative's cost in that period (its version's).
    """
    if not plan.has_plan:
        return pd.DataFrame([], columns=FUNDING_COLUMNS)
    inst = plan.instance
    order = {ini.id: k for k, ini in enumerate(inst.initiatives)}
    by_id = {ini.id: running(plan, ini) for ini in inst.initiatives}
    rows: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    for (ini_id, budget, period), amount in plan.funding.items():
        ini = by_id[ini_id]
        offset = inst.period_index(period) - inst.period_index(plan.starts[ini_id])
        cost = ini.cost if isinstance(ini.cost, list) else []
        due = cost[offset] if 0 <= offset < len(cost) else 0.0
        funders = ini.funded_by or []
        place = (
            order[ini_id],
            inst.period_index(period),
            funders.index(budget) if budget in funders else len(funders),
        )
        row = {
            "initiative": ini_id,
            "name": ini.name,
            "budget": budget,
            "period": period,
            "amount": amount,
            "share": amount / due if due > 0 else None,
        }
        rows.append((place, row))
    rows.sort(key=lambda r: r[0])
    return pd.DataFrame([r for _, r in rows], columns=FUNDING_COLUMNS)


def funding_split(plan: Plan) -> dict[str, dict[str, float]]:
    """Initiative id -> budget -> share of its cost paid over the horizon.

    Only funded initiatives (those with a split in the plan), budgets in the
    order of their ``funded_by``; shares of the cost paid within the horizon.
    """
    table = funding(plan)
    split: dict[str, dict[str, float]] = {}
    for ini_id, rows in table.groupby("initiative", sort=False):
        paid = rows.groupby("budget", sort=False)["amount"].sum()
        total = float(paid.sum())
        if total > 0:
            split[str(ini_id)] = {str(b): float(v) / total for b, v in paid.items()}
    return split


def variant_changes(before: Plan, after: Plan) -> list[str]:
    """Initiatives both plans fund but as another version, by id.

    Each reads ``JL-CS-01: variant lite -> base`` (``base``: as given): the
    words for what ``changes_between`` counts among the moved.
    """
    both = sorted(set(before.starts) & set(after.starts))
    return [
        f"{i}: variant {before.variants.get(i, 'base')} -> "
        f"{after.variants.get(i, 'base')}"
        for i in both
        if before.variants.get(i) != after.variants.get(i)
    ]
