"""Sections 2 and 3: the schedule, and money and capacity against their limits.

Section 3 adds the funding split when an initiative's cost may be split among
budgets (``funded_by``): what each budget pays of it over the horizon.
"""

from __future__ import annotations

from typing import Any

from pathway_opt.outputs.funding_tables import funding, has_funding
from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.schedule_chart import bars, grouped_by, schedule_charts
from pathway_opt.report.section import Section
from pathway_opt.report.usage_chart import usage_charts


def schedule_section(plan: Plan) -> Section:
    """The Gantt chart(s) of the funded initiatives."""
    inst = plan.instance
    found = bars(plan) if plan.has_plan else []
    data = {
        "has_plan": plan.has_plan,
        "funded": len(found),
        "grouped_by": grouped_by(plan),
        "beyond": sum(1 for b in found if b.end >= len(inst.periods)),
        "last_period": inst.periods[-1],
    }
    charts = schedule_charts(plan) if found else []
    return Section("schedule", "Schedule", "schedule.html.j2", data, charts)


def money_section(plan: Plan) -> Section:
    """Per budget and resource: use against the limit, binding periods marked."""
    found = usage_charts(plan) if plan.has_plan else []
    rows = []
    for lim, _ in found:
        money = lim.kind == "budget"
        unit = plan.instance.currency if money else lim.unit
        show = words.money if money else words.amount
        shares = [u / c for u, c in zip(lim.used, lim.limit, strict=True) if c > 0]
        rows.append(
            {
                "kind": lim.kind,
                "id": lim.id,
                "name": lim.name if lim.name != lim.id else "",
                "applies": "cumulative (carry-over)"
                if lim.cumulative
                else "per period",
                "used": show(sum(lim.spent), unit),
                "peak": words.percent(max(shares)) if shares else "-",
                "binding": ", ".join(lim.binding_periods) or "none",
            }
        )
    data = {
        "has_plan": plan.has_plan,
        "rows": rows,
        "funding": funding_rows(plan),
        "funded_by": has_funding(plan.instance),
    }
    charts = [chart for _, chart in found]
    return Section("money", "Money and capacity", "money.html.j2", data, charts)


def funding_rows(plan: Plan) -> list[dict[str, Any]]:
    """Per funded initiative and budget: paid over the horizon, share, when.

    The share is of what the initiative's budgets pay within the horizon; the
    first row of an initiative carries its id and name (``first``).
    """
    table = funding(plan)
    currency = plan.instance.currency
    rows: list[dict[str, Any]] = []
    for ini_id, group in table.groupby("initiative", sort=False):
        total = float(group["amount"].sum())
        for k, (budget, paid) in enumerate(group.groupby("budget", sort=False)):
            amount = float(paid["amount"].sum())
            periods = [
                str(p) for p, a in zip(paid["period"], paid["amount"], strict=True) if a
            ]
            rows.append(
                {
                    "first": k == 0,
                    "id": str(ini_id),
                    "name": str(group["name"].iloc[0]),
                    "budget": str(budget),
                    "paid": words.money(amount, currency),
                    "share": words.percent(amount / total) if total > 0 else "-",
                    "periods": ", ".join(periods) or "-",
                }
            )
    return rows
