"""Optional section: the efficient frontier with this plan marked.

The frontier (:func:`pathway_opt.whatif.frontier.frontier`) gives the best score
for every total budget, found by re-solving. This plan sits at the budgets as
given; the value left on the table is the frontier's score there minus this
plan's (0 for an optimal plan), and the ladders name what the next steps of
money up and down would add or cut.
"""

from __future__ import annotations

from typing import Any

from pathway_opt.errors import InputError, Problem
from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.figures import Chart, charting, new_figure
from pathway_opt.report.section import Section
from pathway_opt.whatif.frontier import Frontier
from pathway_opt.whatif.ladders import ladders
from pathway_opt.whatif.plot import draw_frontier
from pathway_opt.whatif.rows import budget_use

#: Steps of each ladder shown (the frontier's CSV has them all).
LADDER_STEPS = 5


def _chart(plan: Plan, front: Frontier) -> Chart:
    with charting():
        figure = new_figure(8.0, 4.2)
        axes = figure.add_subplot()
        divisor = draw_frontier(axes, front, "Best expected score against total budget")
        if plan.has_plan and plan.objective is not None:
            x = front.total_at_one / divisor if front.total_at_one > 0 else 1.0
            axes.plot(
                [x], [plan.objective], marker="*", markersize=13, color="#d62728",
                markeredgecolor="black", linestyle="none", label="this plan",
                zorder=5,
            )  # fmt: skip
            axes.legend(loc="lower right", fontsize=8)
    caption = "Efficient frontier: the best score for each total budget"
    return Chart("frontier", caption, figure)


def _changes(row: dict[str, Any], key: str) -> str:
    items = [i.split("@")[0] for i in str(row.get(key) or "").split(";") if i]
    shown = ", ".join(items[:6])
    return shown + (f" and {len(items) - 6} more" if len(items) > 6 else "")


def _ladder(frame: Any, money: str, score: str, currency: str) -> list[dict[str, Any]]:
    return [
        {
            "step": int(row["step"]),
            "money": words.money(row[money], currency),
            "score": words.score(row[score]),
            "added": _changes(row, "added"),
            "removed": _changes(row, "removed"),
            "moved": _changes(row, "moved"),
        }
        for row in frame.head(LADDER_STEPS).to_dict("records")
    ]


def _check(plan: Plan, front: Frontier) -> None:
    if front.base.instance != plan.instance:
        raise InputError(
            [
                Problem(
                    "frontier",
                    "is the frontier of another instance; compute it with "
                    "frontier(plan.instance)",
                )
            ]
        )


def frontier_section(plan: Plan, front: Frontier) -> Section:
    """The frontier chart, value left on the table, and the ladders' first steps."""
    _check(plan, front)
    inst = plan.instance
    currency = inst.currency
    best = front.base.objective if front.base.has_plan else None
    mine = plan.objective if plan.has_plan else None
    left = None if best is None or mine is None else max(best - mine, 0.0)
    spent = sum(
        u
        for u, _ in budget_use(inst, plan.starts, plan.variants, plan.funding).values()
    )
    cheapest = None
    if mine is not None and not front.points.empty:
        reach = front.points[front.points["objective"] >= mine - 1e-9 * max(1, mine)]
        if not reach.empty:
            cheapest = float(reach["total_budget"].iloc[0])
    fund_next, cut_first = ladders(inst, computed=front)
    data = {
        "points": front.n_breakpoints,
        "floor": front.floor,
        "total": words.money(front.total_at_one, currency),
        "best": words.score(best),
        "mine": words.score(mine),
        "left": words.score(left),
        "left_share": words.percent(left / best) if left and best else "",
        "spent": words.money(spent, currency),
        "unspent": words.money(front.total_at_one - spent, currency),
        "cheapest": words.money(cheapest, currency) if cheapest is not None else "",
        "cheaper": cheapest is not None and cheapest < front.total_at_one * (1 - 1e-9),
        "fund_next": _ladder(fund_next, "extra_money", "score_gained", currency),
        "cut_first": _ladder(cut_first, "money_saved", "score_lost", currency),
        "messages": list(front.messages),
    }
    return Section(
        "frontier", "Frontier", "frontier.html.j2", data, [_chart(plan, front)]
    )
