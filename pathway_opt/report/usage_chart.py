"""Money and capacity: per budget and resource, use against the limit per period.

One small chart per budget or resource: a bar per period for what the plan
uses, a black mark for the limit that applies (cumulative spend against the
cumulative limit for a carry-over budget, as the model has it), and the periods
where the limit binds drawn dark red and labelled. Every figure comes from the
verifier's usage table (:meth:`Plan.usage_table`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pathway_opt.plan import Plan
from pathway_opt.report.figures import Chart, charting, new_figure, slug
from pathway_opt.report.schedule_chart import clip

#: Slack at most this share of the limit (and at least this absolute) binds; the
#: explanations' rule (``explanations.binding.BINDING_TOL``).
BINDING_TOL = 1e-6
_USED = "#4c78a8"
_BINDING = "#b2182b"


@dataclass
class Limit:
    """One budget or resource over the periods, as the chart and its table show."""

    kind: str
    id: str
    name: str
    unit: str
    cumulative: bool
    periods: list[str]
    used: list[float]
    """Use against the limit that applies (cumulative for a carry-over budget)."""
    limit: list[float]
    spent: list[float] = field(default_factory=list)
    """Use in each period itself."""
    binding: list[bool] = field(default_factory=list)

    @property
    def title(self) -> str:
        """``budget central`` (with its name when it has one)."""
        named = (
            f"{self.id} ({self.name})"
            if self.name and self.name != self.id
            else self.id
        )
        return f"{self.kind} {named}"

    @property
    def binding_periods(self) -> list[str]:
        """The periods where the limit binds."""
        return [p for p, b in zip(self.periods, self.binding, strict=True) if b]


def binds(slack: float, limit: float) -> bool:
    """Whether a limit with this slack binds."""
    return slack <= BINDING_TOL * max(1.0, abs(limit))


def limits(plan: Plan) -> list[Limit]:
    """Every budget, then every resource, with use, limit and binding per period."""
    usage = plan.usage_table()
    found: list[Limit] = []
    for (kind, owner), rows in usage.groupby(["kind", "id"], sort=False):
        found.append(_limit(str(kind), str(owner), rows))
    return sorted(found, key=lambda lim: lim.kind != "budget")


def _limit(kind: str, owner: str, rows: pd.DataFrame) -> Limit:
    first = rows.iloc[0]
    cumulative = bool(first["limit_applies_to"] == "cumulative")
    used_col, limit_col = (
        ("cumulative_used", "cumulative_limit") if cumulative else ("used", "limit")
    )
    return Limit(
        kind=kind,
        id=owner,
        name=str(first["name"] or ""),
        unit=str(first["unit"] or ""),
        cumulative=cumulative,
        periods=[str(p) for p in rows["period"]],
        used=[float(v) for v in rows[used_col]],
        limit=[float(v) for v in rows[limit_col]],
        spent=[float(v) for v in rows["used"]],
        binding=[
            binds(float(s), float(lim))
            for s, lim in zip(rows["slack"], rows[limit_col], strict=True)
        ],
    )


def _scale(largest: float) -> tuple[float, str]:
    """Divisor and its word, so that axis labels stay short."""
    if largest >= 1e7:
        return 1e6, "million"
    if largest >= 1e4:
        return 1e3, "thousand"
    return 1.0, ""


def usage_charts(plan: Plan) -> list[tuple[Limit, Chart]]:
    """Each budget and resource with its chart."""
    out = []
    for k, lim in enumerate(limits(plan), start=1):
        with charting():
            figure = _draw(lim)
        name = f"{lim.kind}-{k}-{slug(lim.id)}"
        how = (
            "cumulative use against the cumulative limit"
            if lim.cumulative
            else ("use against the limit per period")
        )
        out.append((lim, Chart(name, f"{lim.title}: {how}", figure, wide=False)))
    return out


def _draw(lim: Limit) -> Any:
    xs = list(range(len(lim.periods)))
    top = max([*lim.used, *lim.limit, 0.0])
    divisor, word = _scale(top)
    used = [u / divisor for u in lim.used]
    caps = [v / divisor for v in lim.limit]
    figure = new_figure(5.0, 2.7)
    axes = figure.add_subplot()
    colours = [_BINDING if b else _USED for b in lim.binding]
    axes.bar(xs, used, width=0.62, color=colours, label="used", zorder=2)
    axes.hlines(
        caps, [x - 0.42 for x in xs], [x + 0.42 for x in xs], colors="black",
        linewidth=2, label="limit", zorder=3,
    )  # fmt: skip
    for x, u, c, b in zip(xs, used, caps, lim.binding, strict=True):
        share = _share(u, c)
        text = f"{share} binding" if b else share
        axes.annotate(
            text, (x, max(u, c)), xytext=(0, 3), textcoords="offset points",
            ha="center", va="bottom", fontsize=7.5,
            color=_BINDING if b else "#333333",
            fontweight="bold" if b else "normal",
        )  # fmt: skip
    axes.set_xticks(xs, lim.periods)
    unit = f"{word} {lim.unit}".strip()
    what = "cumulative use" if lim.cumulative else "use"
    axes.set_ylabel(f"{what} ({unit})" if unit else what)
    axes.set_ylim(0, max(max([*used, *caps, 0.0]) * 1.18, 1e-9))
    axes.set_title(f"{lim.kind} {clip(lim.id, 40)}", loc="left", fontsize=10)
    axes.grid(axis="y", color="#eeeeee", linewidth=0.6, zorder=0)
    if len(xs) > 8:
        axes.tick_params(axis="x", labelrotation=90)
    return figure


def _share(used: float, limit: float) -> str:
    """Use of the limit: ``73%``; ``99.8%`` rather than a rounded ``100%``."""
    if limit <= 0:
        return "-" if used == 0 else "over"
    share = used / limit
    return f"{share:.1%}" if 0.995 <= share < 1 or 1 < share < 1.005 else f"{share:.0%}"
