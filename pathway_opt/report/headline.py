"""Section 1, the headline: status, the check, how good the plan is, the money."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pathway_opt.outputs import sources
from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.section import Section
from pathway_opt.report.usage_chart import Limit, limits
from pathway_opt.schema.advice import instance_warnings


def _verified(plan: Plan) -> str:
    if plan.verified:
        return (
            "yes: every budget, capacity, start window and rule was checked again "
            "independently of the solver"
        )
    if plan.has_plan:
        return "NO: the plan failed the independent check"
    return "no plan to check"


def _budget_rows(plan: Plan, found: list[Limit]) -> list[dict[str, Any]]:
    currency = plan.instance.currency
    beyond = plan.verification.beyond_horizon if plan.verification else {}
    given = {b.id: float(sum(b.limits)) for b in plan.instance.budgets}
    rows = []
    for lim in found:
        if lim.kind != "budget":
            continue
        spent, limit = sum(lim.spent), given[lim.id]
        rows.append(
            {
                "id": lim.id,
                "name": lim.name if lim.name != lim.id else "",
                "spent": words.money(spent, currency),
                "limit": words.money(limit, currency),
                "share": words.percent(spent / limit) if limit > 0 else "-",
                "carry_over": lim.cumulative,
                "binding": ", ".join(lim.binding_periods),
                "beyond": words.money(beyond[lim.id], currency)
                if beyond.get(lim.id)
                else "",
            }
        )
    return rows


def _sources(plan: Plan) -> dict[str, str]:
    """Where the plan and the bound come from, when that is worth a line."""
    if not sources.worth_showing(plan):
        return {"bound_from": "", "found_by": "", "method": ""}
    return {
        "bound_from": sources.bound_from(plan),
        "found_by": sources.found_by(plan),
        "method": sources.method_text(plan),
    }


def headline_section(plan: Plan, notes: Sequence[str] = ()) -> Section:
    """The figures a committee reads first, and every warning."""
    inst = plan.instance
    found = limits(plan) if plan.has_plan else []
    funded = len(plan.starts) if plan.has_plan else 0
    warnings = [*plan.messages, *notes, *instance_warnings(inst)]
    beyond = plan.verification.beyond_horizon if plan.verification else {}
    resources = {r.id: r.unit for r in inst.resources}
    warnings += [
        f'{words.amount(v, resources[k])} of resource "{k}" is committed after '
        f"{inst.periods[-1]}, beyond the horizon"
        for k, v in (beyond.items() if plan.has_plan else ())
        if k in resources and v
    ]
    data = {
        "instance": inst.name,
        "description": inst.description,
        "status": plan.status.value,
        "verified": _verified(plan),
        "quality": words.quality(plan),
        "objective": words.score(plan.objective) if plan.has_plan else "-",
        "bound": words.score(plan.bound),
        "funded": funded,
        "candidates": len(inst.initiatives),
        "budgets": _budget_rows(plan, found),
        "binding": [
            f"{lim.kind} {lim.id}: {', '.join(lim.binding_periods)}"
            for lim in found
            if lim.binding_periods
        ],
        "periods": f"{inst.periods[0]}-{inst.periods[-1]}"
        if len(inst.periods) > 1
        else inst.periods[0],
        "warnings": warnings,
        "has_plan": plan.has_plan,
        **_sources(plan),
    }
    return Section("headline", "Headline", "headline.html.j2", data)
