"""The explanation as terminal tables."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pathway_opt.outputs.plan_text import clip, display_width, pad
from pathway_opt.plan import Status

if TYPE_CHECKING:
    from pathway_opt.explanations.explanation import Explanation

#: Heat-map shades by utilisation (at least), darkest first.
SHADES = [(0.999, "█"), (0.9, "▓"), (0.75, "▒"), (0.5, "░"), (0.0, "·")]


def _num(value: Any, digits: int = 3, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0
    return f"{value:{'+' if sign else ''},.{digits}f}"


def _amount(value: Any) -> str:
    if value is None:
        return "-"
    if value == int(value) or abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def _percent(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if 0.995 <= value < 1 else f"{value:.0%}"


def _shade(value: Any) -> str:
    if value is None:
        return " "
    return next(mark for low, mark in SHADES if value >= low)


def table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    """A plain text table: columns in ``right`` right-aligned, others left.

    Widths are terminal columns, so Chinese names (two columns a character) align.
    """
    widths = [
        max(display_width(h), *(display_width(r[k]) for r in rows))
        if rows
        else display_width(h)
        for k, h in enumerate(headers)
    ]

    def line(cells: list[str]) -> str:
        return (
            "  "
            + "  ".join(
                pad(c, w, right=k in right)
                for k, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )

    return [line(headers), *(line(r) for r in rows)]


def _why(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "",
        "Why in / why out (price = score lost when forced the other way; "
        "break-even = change",
        "of its expected value at which it enters (+) or leaves (-) the optimal plan):",
    ]
    body = []
    for r in rows:
        if r["in_plan"]:
            detail = f"out -> {r['changes']}" if r["changes"] else ""
        elif r["keeps_out"]:
            detail = (
                f"kept out by: {r['keeps_out']} | in at {r['start_forced']} -> "
                f"{r['changes']}"
            )
        else:
            detail = ""
        if r["reason"]:
            detail = f"{r['reason']}" + (f" | {detail}" if detail else "")
        body.append([
            r["id"], r["start"] or "-", _num(r["price"]),
            _num(r["break_even"], sign=True),
            "-" if r["gap_forced"] is None else f"{r['gap_forced']:.2%}",
            clip(detail, 150),
        ])  # fmt: skip
    return out + table(
        ["id", "in plan", "price", "break-even", "gap", "what changes / why"],
        body,
        {2, 3, 4},
    )


def _binds(row: dict[str, Any]) -> str:
    """``yes`` at the limit, ``min_use`` at the least spend min_use asks."""
    if row["binding"]:
        return "yes"
    return "min_use" if row.get("min_use_binding") else ""


def _binding(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    marginal = any(r["step"] is not None for r in rows)
    per = next((r["per"] for r in rows if r["kind"] == "budget" and r["per"]), "")
    out = ["", "What binds (used / limit that applies; binding = no slack left):"]
    if any(r.get("min_use_binding") for r in rows):
        out[-1] = out[-1][:-2] + "; min_use = spends just the budget's min_use):"
    if marginal:
        out[-1] = out[-1][:-2] + ";"
        out += [
            "  +step / -step = score bought / lost by re-solving with the period's "
            "limit raised / cut by step;",
            f"  value up = +step per {per or 'unit'} of money, per unit of a "
            "resource):",
        ]
    body = []
    for r in rows:
        cells = [
            f"{r['kind']} {r['id']}", r["period"],
            f"{_amount(r['used'])} / {_amount(r['limit'])}",
            _percent(r["utilisation"]), _binds(r),
        ]  # fmt: skip
        if marginal:
            cells += [
                _amount(r["step"]), _num(r["gain_up"], sign=True),
                _num(r["loss_down"]), _num(r["value_up_per"], sign=True),
            ]  # fmt: skip
        body.append(cells)
    headers = ["limit", "period", "used / limit", "util", "binding"]
    if marginal:
        headers += ["step", "+step", "-step", "value up"]
    return out + table(headers, body, {2, 3, 5, 6, 7, 8})


def _bottlenecks(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    names = [k for k in rows[0] if k != "period"]
    legend = ", ".join(f"{m} >= {low:.0%}" for low, m in SHADES[:-1])
    out = ["", f"Bottlenecks (utilisation; {legend}):"]
    body = [
        [r["period"], *(f"{_percent(r.get(n))} {_shade(r.get(n))}" for n in names)]
        for r in rows
    ]
    return out + table(["period", *names], body, set(range(1, len(names) + 1)))


def render(result: Explanation) -> str:
    """Status line, repairs or why in / why out, what binds and the heat map."""
    plan = result.plan
    lines = [plan.instance.name]
    status = plan.status.value + ("  (verified)" if plan.verified else "")
    if plan.status == Status.INFEASIBLE:
        status += "  (confirmed with presolve off)"
    lines.append(f"status     {status}")
    if plan.objective is not None:
        lines.append(f"objective  {plan.objective:,.4f}")
    if plan.gap:
        lines.append(f"gap        {plan.gap:.4%} (prices are measured from this plan)")
    if result.optimum is not None and result.optimum != plan.objective:
        lines.append(f"optimum    {result.optimum:,.4f}")
    lines += [f"note: {n}" for n in result.notes]
    if plan.status == Status.INFEASIBLE:
        lines += ["", *plan.messages[:1]]
        if plan.messages[1:]:
            lines += ["", "Also:"]
            lines += [f"  - {m}" for m in plan.messages[1:]]
    else:
        if result.why:
            lines += _why(result.why)
        lines += _binding(result.binding)
        lines += _bottlenecks(result.bottlenecks)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    lines += ["", f"time: {timing}"]
    return "\n".join(lines)
