"""Optional section: how robust the plan is (the core index of every initiative).

Drawn from :func:`pathway_opt.whatif.robust.robust` computed in the same run, or
from the core index CSV it wrote (``robust -o``), which holds the table only:
then the plan's score distribution and regret are not shown. The chart puts the
initiatives by core index, coloured by class, with the thresholds and this
plan's initiatives marked.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.figures import Chart, charting, new_figure
from pathway_opt.report.saved_parts import CoreTable
from pathway_opt.report.schedule_chart import clip
from pathway_opt.report.section import Section
from pathway_opt.whatif.robust import Robustness

#: Class -> bar colour (core green, borderline amber, exterior grey).
CLASS_COLOURS = {
    "core": "#1a7f37",
    "borderline": "#d4a017",
    "exterior": "#9aa3ad",
    "unknown": "#d9dde3",
}
#: Most initiatives one chart shows (the table below has them all).
CHART_ROWS = 60


def _label(row: dict[str, Any]) -> str:
    name = str(row.get("name") or "")
    name = "" if name in ("", "nan", str(row["id"])) else name
    return clip(f"{row['id']}  {name}" if name else str(row["id"]), 40)


def _chart(rows: list[dict[str, Any]], thresholds: tuple[float, float] | None) -> Chart:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    shown = rows[:CHART_ROWS]
    with charting():
        figure = new_figure(8.0, 1.6 + 0.24 * len(shown))
        axes = figure.add_subplot()
        y = list(range(len(shown)))[::-1]  # highest core index on top
        values = [0.0 if math.isnan(r["value"]) else r["value"] for r in shown]
        colours = [
            CLASS_COLOURS.get(r["class"], CLASS_COLOURS["unknown"]) for r in shown
        ]
        axes.barh(y, values, color=colours, height=0.7, edgecolor="white")
        axes.set_yticks(y, [_label(r) for r in shown])
        marked = [
            (v, yy) for v, yy, r in zip(values, y, shown, strict=True) if r["in_plan"]
        ]
        if marked:
            axes.plot(
                [v for v, _ in marked], [yy for _, yy in marked], marker="D",
                markersize=6, color="black", linestyle="none", zorder=5,
                clip_on=False,
            )  # fmt: skip
        handles: list[Any] = [
            Patch(color=CLASS_COLOURS[c], label=c)
            for c in ("core", "borderline", "exterior")
        ]
        if thresholds is not None:
            core, exterior = thresholds
            for x, name in ((core, "core"), (exterior, "exterior")):
                axes.axvline(x, color="#1d2330", linestyle="--", linewidth=0.9)
                axes.text(
                    x, 1.0, f" {name} {x:g}", transform=axes.get_xaxis_transform(),
                    va="bottom", ha="center", fontsize=8, color="#1d2330",
                )  # fmt: skip
        handles.append(
            Line2D([], [], marker="D", color="black", linestyle="none",
                   label="in this plan")
        )  # fmt: skip
        axes.set_xlim(0, 1.0)
        axes.set_ylim(-0.6, len(shown) - 0.4)
        axes.set_xlabel("core index: share of the proven samples funding it")
        figure.legend(
            handles=handles, loc="outside lower center", ncol=4, fontsize=8,
            frameon=False,
        )  # fmt: skip
    caption = "Core index per initiative, highest first"
    if len(rows) > CHART_ROWS:
        caption += f" (the first {CHART_ROWS} of {len(rows)}; the table has all)"
    return Chart("core-index", caption, figure)


def _check(plan: Plan, part: Robustness | CoreTable) -> None:
    if not isinstance(part, Robustness | CoreTable):
        raise InputError(
            [
                Problem(
                    "robust",
                    "must be a Robustness (what robust(inst) returns), got "
                    f"{type(part).__name__}",
                )
            ]
        )
    if part.instance != plan.instance:
        raise InputError(
            [
                Problem(
                    "robust",
                    "is the robustness of another instance; compute it with "
                    "robust(plan.instance)",
                )
            ]
        )


def _rows(plan: Plan, table: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for r in table.to_dict("records"):
        value = float(r["core_index"]) if pd.notna(r["core_index"]) else math.nan
        mean_start = r.get("mean_start")
        rows.append(
            {
                "id": str(r["id"]),
                "name": "" if pd.isna(r.get("name")) else str(r.get("name")),
                "value": value,
                "share": words.percent(value),
                "class": str(r["class"]),
                "in_plan": str(r["id"]) in plan.starts,
                "plan_start": plan.starts.get(str(r["id"]), ""),
                "mean_start": "-"
                if mean_start is None or pd.isna(mean_start)
                else f"{float(mean_start):.1f}",
                "funded": "-"
                if pd.isna(r.get("samples_funded"))
                else int(r["samples_funded"]),
            }
        )
    # by core index, highest first (a CSV may come in any order)
    return sorted(rows, key=lambda r: -1.0 if math.isnan(r["value"]) else -r["value"])


def _figures(part: Robustness) -> dict[str, Any]:
    s = part.summary()
    return {
        "samples": s["samples"],
        "seed": s["seed"],
        "uncertain": s["uncertain_values"],
        "proven": s["proven"],
        "limited": s["time_limited"],
        "infeasible": s["infeasible"],
        "no_plan": s["no_plan_in_time"],
        "errors": s["errors"],
        "mean": words.score(s["given_score_mean"]),
        "p10": words.score(s["given_score_p10"]),
        "p90": words.score(s["given_score_p90"]),
        "fits": s["given_fits"],
        "regret_mean": words.score(s["regret_mean"]),
        "regret_worst": words.score(s["regret_worst"]),
        "given": words.score(part.plan.objective),
    }


def robust_section(plan: Plan, part: Robustness | CoreTable) -> Section:
    """The core index chart and table, the plan's score spread and regret."""
    _check(plan, part)
    rows = _rows(plan, part.table)
    counts = {c: sum(r["class"] == c for r in rows) for c in CLASS_COLOURS}
    data: dict[str, Any] = {
        "rows": rows,
        "counts": counts,
        "figures": None,
        "source": "",
        "messages": [],
        "other_plan": False,
    }
    thresholds = None
    if isinstance(part, Robustness):
        data["figures"] = _figures(part)
        data["messages"] = list(part.messages)
        data["other_plan"] = part.plan.has_plan and part.plan.starts != plan.starts
        thresholds = (part.core, part.exterior)
        data["thresholds"] = (
            f"core at or above {part.core:g}, exterior at or below {part.exterior:g}"
        )
    else:
        data["source"] = part.source
        data["thresholds"] = ""
    return Section(
        "robustness", "Robustness", "robust.html.j2", data, [_chart(rows, thresholds)]
    )
