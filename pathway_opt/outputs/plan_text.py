"""Readable terminal summary of a plan."""

from __future__ import annotations

import math

import pandas as pd

from pathway_opt.plan import Plan
from pathway_opt.schema.advice import instance_warnings


def _number(value: float | None, digits: int = 4) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{digits}f}"


def _amount(value: float) -> str:
    """Money and quantities: whole numbers with separators, else two decimals."""
    if value == int(value) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def summary(plan: Plan) -> str:
    """Status, objective, bound, gap, selected initiatives and use per period."""
    inst = plan.instance
    lines = [
        f"{inst.name}",
        f"status     {plan.status.value}" + ("  (verified)" if plan.verified else ""),
        f"objective  {_number(plan.objective)}",
        f"bound      {_number(plan.bound)}",
        "gap        " + ("-" if plan.gap is None else f"{plan.gap:.4%}"),
        f"solver     {plan.solver}, {plan.seconds:.2f} s",
    ]
    for message in plan.messages:
        lines.append(f"  - {message}")
    lines += [f"warning: {w}" for w in instance_warnings(inst)]
    if not plan.has_plan:
        return "\n".join(lines)
    selected = plan.selected_table()
    lines += ["", f"Selected initiatives ({len(selected)} of {len(inst.initiatives)}):"]
    if selected.empty:
        lines.append("  (none)")
    else:
        shown = selected[["id", "start", "name", "expected_value", "total_cost"]].copy()
        shown["name"] = [n if len(n) <= 40 else n[:39] + "…" for n in shown["name"]]
        shown["expected_value"] = [f"{v:.3f}" for v in shown["expected_value"]]
        shown["total_cost"] = [_amount(v) for v in shown["total_cost"]]
        lines.append(_indent(shown.to_string(index=False)))
    usage = plan.usage_table()
    if not usage.empty:
        lines += ["", "Use per period (used / limit; carry-over budgets cumulative):"]
        lines.append(_indent(_usage_grid(usage).to_string()))
    beyond = plan.verification.beyond_horizon if plan.verification else {}
    if beyond:
        lines += ["", "Committed beyond the horizon:"]
        lines += [f"  {owner}: {amount:,.2f}" for owner, amount in beyond.items()]
    return "\n".join(lines)


def _usage_grid(usage: pd.DataFrame) -> pd.DataFrame:
    """Rows budgets and resources, columns periods, cells `used / limit`."""
    cumulative = usage["limit_applies_to"] == "cumulative"
    used = usage["used"].where(~cumulative, usage["cumulative_used"])
    limit = usage["limit"].where(~cumulative, usage["cumulative_limit"])
    cells = usage.assign(
        row=usage["kind"] + " " + usage["id"],
        cell=[
            f"{_amount(u)} / {_amount(lim)}" for u, lim in zip(used, limit, strict=True)
        ],
    )
    grid = cells.pivot(index="row", columns="period", values="cell")
    grid = grid.reindex(index=list(dict.fromkeys(cells["row"])))
    grid = grid[list(dict.fromkeys(usage["period"]))]
    grid.index.name = None
    grid.columns.name = None
    return grid


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
