"""Readable terminal summary of a plan."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

import pandas as pd

from pathway_opt.outputs import sources
from pathway_opt.outputs.funding_tables import funding_split
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
    said = sources.worth_showing(plan)
    bound_from = sources.bound_from(plan) if said else ""
    found_by = sources.found_by(plan) if said else ""
    lines = [
        f"{inst.name}",
        f"status     {plan.status.value}" + ("  (verified)" if plan.verified else ""),
        f"objective  {_number(plan.objective)}",
        f"bound      {_number(plan.bound)}"
        + (f" from {bound_from}" if bound_from else ""),
        "gap        " + ("-" if plan.gap is None else f"{plan.gap:.4%}"),
    ]
    if found_by:
        lines.append(f"plan       found by {found_by}")
    if said and sources.method_text(plan):
        lines.append(f"method     {sources.method_text(plan)}")
    lines.append(f"solver     {plan.solver}, {plan.seconds:.2f} s")
    if inst.weights_source.derived:
        lines.append(f"weights    {inst.weights_source.summary().split(' ', 1)[1]}")
    for message in plan.messages:
        lines.append(f"  - {message}")
    if plan.robust is not None:
        lines += ["", *robust_lines(plan.robust)]
    lines += [f"warning: {w}" for w in instance_warnings(inst)]
    if not plan.has_plan:
        return "\n".join(lines)
    selected = plan.selected_table()
    lines += ["", f"Selected initiatives ({len(selected)} of {len(inst.initiatives)}):"]
    if selected.empty:
        lines.append("  (none)")
    else:
        shown = selected[["id", "start", "name", "expected_value", "total_cost"]].copy()
        shown["id"] = [
            f"{i} (variant {v})" if v else i
            for i, v in zip(selected["id"], selected["variant"], strict=True)
        ]
        shown["name"] = [clip(n, 40) for n in shown["name"]]
        shown["expected_value"] = [f"{v:.3f}" for v in shown["expected_value"]]
        shown["total_cost"] = [_amount(v) for v in shown["total_cost"]]
        with pd.option_context("display.unicode.east_asian_width", True):
            lines.append(_indent(shown.to_string(index=False)))
    lines += forced_lines(plan)
    lines += funding_lines(plan)
    usage = plan.usage_table()
    if not usage.empty:
        lines += ["", "Use per period (used / limit; carry-over budgets cumulative):"]
        with pd.option_context("display.unicode.east_asian_width", True):
            lines.append(_indent(_usage_grid(usage).to_string()))
    beyond = plan.verification.beyond_horizon if plan.verification else {}
    if beyond:
        lines += ["", "Committed beyond the horizon:"]
        lines += [f"  {owner}: {amount:,.2f}" for owner, amount in beyond.items()]
    return "\n".join(lines)


def forced_lines(plan: Plan) -> list[str]:
    """The must and never initiatives with the planner's decision_reason.

    Nothing when every initiative is optional.
    """
    forced = [i for i in plan.instance.initiatives if i.decision != "optional"]
    if not forced:
        return []
    width = max(display_width(i.id) for i in forced)
    lines = ["", "Decided by the planner (must / never):"]
    for ini in forced:
        reason = ini.decision_reason or "(no reason given)"
        lines.append(f"  {ini.decision:<5}  {pad(ini.id, width)}  {reason}")
    return lines


def funding_lines(plan: Plan) -> list[str]:
    """One line per funded initiative: each budget's share of its cost paid."""
    split = funding_split(plan)
    if not split:
        return []
    width = max(display_width(i) for i in split)
    lines = ["", "Funding split (share of each cost paid within the horizon):"]
    for ini_id, shares in split.items():
        text = ", ".join(f"{b} {_percent(v)}" for b, v in shares.items())
        lines.append(f"  {pad(ini_id, width)}  {text}")
    return lines


def _percent(share: float) -> str:
    """A share as a whole percentage, or with one decimal when that shows more."""
    whole = f"{share:.0%}"
    return whole if abs(share * 100 - round(share * 100)) < 0.05 else f"{share:.1%}"


def robust_lines(figures: dict[str, Any]) -> list[str]:
    """The robust plan's CVaR and mean beside the given values' plan's."""
    alpha = figures["alpha"]
    share = f"{alpha:.0%}" if alpha * 100 == int(alpha * 100) else f"{alpha:g}"
    rows = [
        (f"CVaR (mean of the worst {share})", "cvar", "given_plan_cvar"),
        ("mean sampled score", "mean", "given_plan_mean"),
        ("score with the given values", "objective", "given_plan_objective"),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [
        f"Robust plan: CVaR at {share} over {figures['samples']} samples (seed "
        f"{figures['seed']}, {figures['uncertain_values']} uncertain values); "
        f"costs: {figures['costs']}.",
        "The status above is that of the robust problem; the objective is the "
        "plan's score with the given values.",
        f"  {'':<{width}}  {'robust plan':>12}  {'plan for the given values':>26}",
    ]
    for label, mine, theirs in rows:
        robust = _number(figures[mine])
        lines.append(
            f"  {label:<{width}}  {robust:>12}  {_number(figures[theirs]):>26}"
        )
    gap = figures["cvar_gap"]
    lines.append(
        f"  CVaR bound {_number(figures['cvar_bound'])}, gap "
        + ("-" if gap is None or not math.isfinite(gap) else f"{gap:.4%}")
    )
    return lines


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


def display_width(text: str) -> int:
    """Terminal columns of `text` (CJK characters count 2, combining marks 0)."""
    return sum(_char_width(c) for c in text)


def _char_width(c: str) -> int:
    if unicodedata.combining(c) or unicodedata.category(c) == "Cf":
        return 0
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal columns (`right`: align right)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def clip(text: str, width: int) -> str:
    """`text` in at most `width` columns, ending with "…" when cut.

    The cut falls at a word boundary when one is in the second half.
    """
    if display_width(text) <= width:
        return text
    kept, used = "", 0
    for c in text:
        if used + _char_width(c) > width - 1:
            break
        kept, used = kept + c, used + _char_width(c)
    space = kept.rstrip().rfind(" ")
    if space >= len(kept) // 2:
        kept = kept[:space]
    return kept.rstrip(" ,;:-(") + "…"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
