"""The schedule as a Gantt chart: each funded initiative from its start to its end.

An initiative runs from its start period to the last period its cost or use
profile reaches (at least one period). Rows are grouped by department (by type
when no initiative names a department), each group under a bold heading, and
bars are coloured by type. Long plans are cut into several charts of at most
:data:`ROWS_PER_CHART` rows, so each prints on one page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pathway_opt.plan import Plan
from pathway_opt.report.figures import Chart, charting, new_figure
from pathway_opt.schema.entities import Initiative

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

#: Most rows (group headings included) of one chart.
ROWS_PER_CHART = 40
#: Characters of an initiative's label shown before it is cut.
LABEL_CHARS = 48
#: Colours for types, in order of first appearance (matplotlib's tab20, paired
#: shades apart first so neighbouring types differ).
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896",
    "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
]  # fmt: skip


@dataclass(frozen=True)
class Bar:
    """One funded initiative on the chart."""

    id: str
    label: str
    type: str
    group: str
    start: int
    """Index of its start period."""
    end: int
    """Index of its last running period (may lie beyond the horizon)."""


def run_length(ini: Initiative) -> int:
    """Periods an initiative runs: up to its last non-zero cost or use (at least 1)."""
    return max(ini.last_entry + 1, 1)


def clip(text: str, chars: int = LABEL_CHARS) -> str:
    """`text` cut at a word boundary to at most `chars` characters, with ``…``."""
    if len(text) <= chars:
        return text
    cut = text[: chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > chars // 2 else cut).rstrip() + "…"


def grouped_by(plan: Plan) -> str:
    """``department`` when a funded initiative names one, else ``type``."""
    inst = plan.instance
    named = any(i.department for i in inst.initiatives if i.id in plan.starts)
    return "department" if named else "type"


def bars(plan: Plan) -> list[Bar]:
    """The funded initiatives, grouped and in the order the chart shows them."""
    inst = plan.instance
    by_department = grouped_by(plan) == "department"
    found = []
    for ini in inst.initiatives:
        if ini.id not in plan.starts:
            continue
        start = inst.period_index(plan.starts[ini.id])
        group = (ini.department or "(no department)") if by_department else ini.type
        variant = plan.variants.get(ini.id)
        tag = f"{ini.id} ({variant})" if variant else ini.id
        label = tag if ini.name in ("", ini.id) else f"{tag}  {ini.name}"
        end = start + run_length(ini.version(variant)) - 1  # the version run's
        found.append(Bar(ini.id, clip(label), ini.type, group, start, end))
    return sorted(found, key=lambda b: (b.group, b.start, b.id))


def type_colours(plan: Plan) -> dict[str, str]:
    """Type -> colour, for every type of the instance (stable between plans)."""
    types = list(dict.fromkeys(i.type for i in plan.instance.initiatives))
    return {t: PALETTE[k % len(PALETTE)] for k, t in enumerate(types)}


def _rows(found: list[Bar]) -> list[str | Bar]:
    """Group headings (text) and bars, in order."""
    rows: list[str | Bar] = []
    group = None
    for bar in found:
        if bar.group != group:
            group = bar.group
            rows.append(group)
        rows.append(bar)
    return rows


def _pages(rows: list[str | Bar]) -> list[list[str | Bar]]:
    """The rows cut into charts; a group cut in two repeats its heading."""
    pages: list[list[str | Bar]] = []
    page: list[str | Bar] = []
    group = ""
    for row in rows:
        if isinstance(row, str):
            group = row
            if len(page) >= ROWS_PER_CHART - 1:  # no heading alone at a page's end
                pages.append(page)
                page = []
        elif len(page) >= ROWS_PER_CHART:
            pages.append(page)
            page = [f"{group} (continued)"]
        page.append(row)
    if page:
        pages.append(page)
    return pages


def schedule_charts(plan: Plan) -> list[Chart]:
    """The Gantt chart(s) of the funded initiatives; none without any."""
    found = bars(plan)
    if not found:
        return []
    pages = _pages(_rows(found))
    colours = type_colours(plan)
    charts = []
    for k, rows in enumerate(pages, start=1):
        name = "schedule" if len(pages) == 1 else f"schedule-{k}"
        part = "" if len(pages) == 1 else f" (part {k} of {len(pages)})"
        with charting():
            figure = _draw(plan, rows, colours)
        charts.append(Chart(name, f"Schedule of the funded initiatives{part}", figure))
    return charts


def _draw(plan: Plan, rows: list[str | Bar], colours: dict[str, str]) -> Figure:
    periods = plan.instance.periods
    figure = new_figure(10.0, 0.9 + 0.24 * len(rows))
    axes = figure.add_subplot()
    labels = []
    used_types: dict[str, str] = {}
    for y, row in enumerate(rows):
        if isinstance(row, str):  # a group heading across the chart
            labels.append("")
            axes.axhspan(y - 0.5, y + 0.5, color="#eef1f5", zorder=0, linewidth=0)
            axes.text(
                -0.45, y, row, fontweight="bold", va="center", ha="left", fontsize=8.5
            )
            continue
        labels.append(row.label)
        shown_end = min(row.end, len(periods) - 1)
        axes.barh(
            y, shown_end - row.start + 1, left=row.start - 0.5, height=0.62,
            color=colours[row.type], edgecolor="white", linewidth=0.5,
        )  # fmt: skip
        used_types.setdefault(row.type, colours[row.type])
        if row.end > shown_end:  # runs past the horizon
            axes.plot(len(periods) - 0.5, y, marker=">", color="#444444", ms=4)
    axes.set_yticks(range(len(rows)), labels)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlim(-0.5, len(periods) - 0.5)
    axes.set_xticks(range(len(periods)), periods)
    axes.xaxis.tick_top()
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color="#eeeeee", linewidth=0.6)
    axes.set_axisbelow(True)
    handles = [_patch(colour, kind) for kind, colour in sorted(used_types.items())]
    figure.legend(
        handles=handles, loc="outside lower center", ncol=min(4, len(handles)),
        frameon=False, fontsize=8,
    )  # fmt: skip
    return figure


def _patch(colour: str, label: str) -> Patch:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, label=label)
