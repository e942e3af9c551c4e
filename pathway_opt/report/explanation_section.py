"""Optional section: what binds and what more money is worth (the explanations).

Drawn from the explanation records (``Explanation.to_dict()``, also the plan
JSON's ``explanations``): every budget and resource period that binds or whose
raise buys score, with the marginal value measured by re-solving; the smallest
repairs when there is no plan; and the explanation's notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.section import Section


def _limit_rows(plan: Plan, rows: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    inst = plan.instance
    units = {r.id: r.unit for r in inst.resources}
    shown = []
    for r in rows:
        gain = r.get("gain_up")
        if not r.get("binding") and not (gain is not None and gain > 1e-9):
            continue
        money = r.get("kind") == "budget"
        unit = inst.currency if money else units.get(str(r.get("id")), "")
        show = words.money if money else words.amount
        per = r.get("value_up_per")
        shown.append(
            {
                "limit": f"{r.get('kind')} {r.get('id')}",
                "period": r.get("period"),
                "applies": "cumulative" if r.get("applies_to") == "cumulative" else "",
                "used": f"{show(r.get('used'), unit)} of {show(r.get('limit'), unit)}",
                "utilisation": words.percent(r.get("utilisation")),
                "binding": "yes" if r.get("binding") else "",
                "step": show(r.get("step"), unit) if r.get("step") is not None else "-",
                "gain": words.signed(gain),
                "loss": words.signed(-r["loss_down"])
                if r.get("loss_down") is not None
                else "-",
                "per": f"{words.signed(per)} per {r.get('per')}" if per else "-",
                "sort": -(per or 0.0) if money else 0.0,
            }
        )
    return sorted(shown, key=lambda s: (s["sort"], s["limit"], str(s["period"])))


def _best_money(rows: list[Mapping[str, Any]], currency: str) -> str:
    """The sentence on the most valuable extra money, if any raise buys score."""
    priced = [
        r
        for r in rows
        if r.get("kind") == "budget" and (r.get("gain_up") or 0.0) > 1e-9
    ]
    if not priced:
        if any(r.get("step") is not None for r in rows if r.get("kind") == "budget"):
            return (
                "No single budget period raised by its step buys any score: the "
                "plan is held back by capacities, rules or whole initiatives that "
                "need more than one step of money."
            )
        return ""
    best = max(priced, key=lambda r: r.get("value_up_per") or 0.0)
    return (
        f"The most valuable extra money: {words.money(best.get('step'), currency)} "
        f'more on budget "{best.get("id")}" in {best.get("period")} buys '
        f"{words.score(best.get('gain_up'))} score "
        f"({words.signed(best.get('value_up_per'))} per {best.get('per')})."
    )


def explanation_section(plan: Plan, records: Mapping[str, Any]) -> Section:
    """What binds and the marginal value of money; repairs when there is no plan."""
    binding = list(records.get("binding") or [])
    repairs = [
        {
            "number": k,
            "text": str(
                r.get("text")
                or "; ".join(str(p.get("text")) for p in r.get("parts") or [])
            ),
            "proven": bool(r.get("proven_smallest")),
            "objective": words.score(r.get("objective_after")),
        }
        for k, r in enumerate(records.get("repairs") or [], start=1)
    ]
    data = {
        "has_plan": plan.has_plan,
        "optimum": words.score(records.get("optimum")),
        "notes": [str(n) for n in records.get("notes") or []],
        "rows": _limit_rows(plan, binding),
        "measured": any(r.get("step") is not None for r in binding),
        "best_money": _best_money(binding, plan.instance.currency),
        "step": (records.get("settings") or {}).get("step"),
        "repairs": repairs,
        "why_count": len(records.get("why") or []),
    }
    title = "What binds" if plan.has_plan or not repairs else "Smallest repairs"
    return Section("explanations", title, "explanation.html.j2", data)
