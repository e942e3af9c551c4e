"""Optional section: how far each criterion's weight may move (weight stability).

Drawn from :func:`pathway_opt.whatif.stability.stability` computed in the same
run, or read back from its CSV (``stability -o``). Per criterion a bar spans the
interval of its weight over which the plan's funded set stays optimal, the
weight as given marked; an interval with no upper end runs to the axis's end
with an arrow. Beyond each end, the initiatives that enter and leave.
"""

from __future__ import annotations

import math
from typing import Any

from pathway_opt.errors import InputError, Problem
from pathway_opt.plan import Plan
from pathway_opt.report.figures import Chart, charting, new_figure
from pathway_opt.report.section import Section
from pathway_opt.whatif.stability import Stability

#: The axis ends this far beyond the largest finite end or weight.
_HEADROOM = 1.3


def _weight(value: float) -> str:
    if math.isinf(value):
        return "no upper end"
    return "not found" if math.isnan(value) else f"{value:.4g}"


def _names(text: str) -> str:
    return ", ".join(i for i in str(text or "").split(";") if i)


def _axis_end(rows: list[dict[str, Any]]) -> float:
    finite = [
        v for r in rows for v in (r["low"], r["high"], r["weight"]) if math.isfinite(v)
    ]
    return max(max(finite, default=1.0) * _HEADROOM, 1e-9)


def _chart(rows: list[dict[str, Any]]) -> Chart:
    end = _axis_end(rows)
    with charting():
        figure = new_figure(8.0, 1.5 + 0.42 * len(rows))
        axes = figure.add_subplot()
        y = list(range(len(rows)))[::-1]
        for yy, r in zip(y, rows, strict=True):
            low, high = r["low"], r["high"]
            if math.isnan(low) or math.isnan(high):
                axes.text(0, yy, " interval not found", va="center", fontsize=8,
                          color="#b2182b")  # fmt: skip
            elif math.isinf(high):
                axes.barh(yy, end - low, left=low, height=0.5, color="#9bb7dd")
                axes.annotate(
                    "", xy=(end, yy), xytext=(end - 0.06 * end, yy),
                    arrowprops={"arrowstyle": "-|>", "color": "#2f5d9b"},
                )  # fmt: skip
                axes.text(end, yy + 0.32, "no upper end", ha="right", va="bottom",
                          fontsize=7.5, color="#2f5d9b")  # fmt: skip
            else:
                axes.barh(yy, max(high - low, end * 0.004), left=low, height=0.5,
                          color="#9bb7dd")  # fmt: skip
            axes.plot([r["weight"]], [yy], marker="|", markersize=16,
                      markeredgewidth=2.5, color="#d62728", linestyle="none",
                      zorder=5)  # fmt: skip
        axes.set_yticks(y, [r["criterion"] for r in rows])
        axes.set_xlim(0, end)
        axes.set_ylim(-0.7, len(rows) - 0.3)
        axes.set_xlabel("weight (the others held as given)")
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        figure.legend(
            handles=[
                Patch(color="#9bb7dd", label="the funded set stays optimal"),
                Line2D([], [], marker="|", markersize=10, markeredgewidth=2.5,
                       color="#d62728", linestyle="none", label="weight as given"),
            ],
            loc="outside lower center", ncol=2, fontsize=8, frameon=False,
        )  # fmt: skip
    return Chart(
        "weight-stability",
        "Per criterion, the weights over which the plan's funded set stays optimal",
        figure,
    )


def _check(plan: Plan, part: Stability) -> None:
    if not isinstance(part, Stability):
        raise InputError(
            [
                Problem(
                    "stability",
                    "must be a Stability (what stability(inst) returns), got "
                    f"{type(part).__name__}",
                )
            ]
        )
    if part.plan.instance != plan.instance:
        raise InputError(
            [
                Problem(
                    "stability",
                    "is the weight stability of another instance; compute it with "
                    "stability(plan.instance)",
                )
            ]
        )


def stability_section(plan: Plan, part: Stability) -> Section:
    """Each weight's interval as a bar, and who enters or leaves beyond its ends."""
    _check(plan, part)
    rows = []
    for r in part.intervals.to_dict("records"):
        low, high = float(r["low"]), float(r["high"])
        rows.append(
            {
                "criterion": str(r["criterion"]),
                "weight": float(r["weight"]),
                "low": low,
                "high": high,
                "shown_weight": _weight(float(r["weight"])),
                "shown_low": _weight(low),
                "shown_high": _weight(high),
                "below": "still optimal at weight 0"
                if low == 0
                else _changes(r["low_enters"], r["low_leaves"]),
                "above": "no weight ends it"
                if math.isinf(high)
                else _changes(r["high_enters"], r["high_leaves"]),
                "status": str(r["status"]),
            }
        )
    data = {
        "rows": rows,
        "messages": list(part.messages),
        "has_plan": bool(rows),
        "derived": bool(plan.instance.criteria_comparisons),
        "other_plan": part.plan.has_plan and part.plan.starts != plan.starts,
    }
    charts = [_chart(rows)] if rows else []
    return Section("stability", "Weight stability", "stability.html.j2", data, charts)


def _changes(enters: Any, leaves: Any) -> dict[str, str]:
    return {"enters": _names(enters) or "-", "leaves": _names(leaves) or "-"}
