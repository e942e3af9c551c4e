"""Section 4: the funded and the not funded initiatives, each with its reason.

A funded initiative with variants says which version runs (its cost and end are
that version's).

The reason comes from the explanations when they were computed (the exact price
of forcing the initiative the other way, found by re-solving), else from the
plan alone (:mod:`pathway_opt.outputs.left_out`; a funded initiative then needs
no reason: it is in the best plan found). A table with a must or never
initiative gets a decision column with the planner's ``decision_reason``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pathway_opt.outputs.plan_tables import not_selected
from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.schedule_chart import run_length
from pathway_opt.report.section import Section
from pathway_opt.schema.entities import Initiative


def why_text(row: Mapping[str, Any]) -> str:
    """An explanation's why row in words: what forcing it the other way costs."""
    price = words.score(row.get("price"))
    changes = row.get("changes") or ""
    parts = []
    if row.get("reason"):
        parts.append(str(row["reason"]))
    if row.get("in_plan"):
        if row.get("price") is not None:
            text = f"taking it out costs {price} score"
            parts.append(f"{text} ({changes})" if changes else text)
    else:
        if row.get("keeps_out"):
            parts.append(f"kept out by {row['keeps_out']}")
        if row.get("price") is not None:
            where = f" at {row['start_forced']}" if row.get("start_forced") else ""
            text = f"forcing it in{where} costs {price} score"
            parts.append(f"{text} ({changes})" if changes else text)
    return "; ".join(parts)


def decision_text(ini: Initiative) -> str:
    """``must: <reason>`` for a forced initiative, "" for an optional one.

    A forced initiative without a ``decision_reason`` shows its decision alone.
    """
    if ini.decision == "optional":
        return ""
    return (
        f"{ini.decision}: {ini.decision_reason}"
        if ini.decision_reason
        else ini.decision
    )


def _end(plan: Plan, ini_id: str) -> str:
    inst = plan.instance
    ini = next(i for i in inst.initiatives if i.id == ini_id)
    version = ini.version(plan.variants.get(ini_id))
    last = inst.period_index(plan.starts[ini_id]) + run_length(version) - 1
    if last < len(inst.periods):
        return inst.periods[last]
    return f"after {inst.periods[-1]}"


def initiatives_section(plan: Plan, why: Sequence[Mapping[str, Any]] = ()) -> Section:
    """Two tables: funded (by start) and not funded (by expected value)."""
    inst = plan.instance
    currency = inst.currency
    explained = {str(r["id"]): r for r in why}
    by_id = {i.id: i for i in inst.initiatives}
    funded = []
    if plan.has_plan:
        table = plan.selected_table()
        for row in table.to_dict("records"):
            reason = explained.get(row["id"])
            funded.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "type": row["type"],
                    "department": row["department"],
                    "start": row["start"],
                    "variant": row["variant"] or "base",
                    "end": _end(plan, row["id"]),
                    "value": words.score(row["expected_value"]),
                    "cost": words.money(row["total_cost"], currency),
                    "reason": why_text(reason) if reason else "",
                    "decision": decision_text(by_id[row["id"]]),
                }
            )
        funded.sort(key=lambda r: (inst.period_index(r["start"]), r["id"]))
    left = []
    if plan.has_plan:
        for row in not_selected(plan).to_dict("records"):
            reason = explained.get(row["id"])
            left.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "type": row["type"],
                    "department": row["department"],
                    "decision": decision_text(by_id[row["id"]]),
                    "value": words.score(row["expected_value"]),
                    "sort": -float(row["expected_value"]),
                    "cost": words.money(row["total_cost"], currency),
                    "reason": why_text(reason) if reason else row["reason"],
                }
            )
        left.sort(key=lambda r: (r["sort"], r["id"]))
    data = {
        "has_plan": plan.has_plan,
        "funded": funded,
        "left": left,
        "explained": bool(explained),
        "funded_forced": any(r["decision"] for r in funded),
        "left_forced": any(r["decision"] for r in left),
        "currency": currency,
        # the column shows only when some initiative has versions to choose from
        "variants": any(ini.variants for ini in inst.initiatives),
    }
    return Section("initiatives", "Funded and not funded", "initiatives.html.j2", data)
