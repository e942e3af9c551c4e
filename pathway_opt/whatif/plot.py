"""The frontier as a PNG step plot (matplotlib's Agg renderer: no display needed)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from pathway_opt.files import write_atomic
from pathway_opt.whatif.frontier import Frontier

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def frontier_png(front: Frontier, title: str = "") -> bytes:
    """The frontier as PNG bytes: best expected score against total budget.

    The score is a step function: each breakpoint's score holds from its budget
    up to the next breakpoint. A dashed line marks the budgets as given (λ = 1).
    Without budgets, the x axis is λ itself. A frontier walked only in part
    (a budget range, or truncated) shows that range and says so underneath.
    """
    # A bare Figure renders with Agg and leaves pyplot's backend alone.
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), dpi=110)
    axes = figure.add_subplot()
    draw_frontier(axes, front, title)
    if front.note:
        figure.subplots_adjust(bottom=0.16)
        figure.text(0.01, 0.01, f"Note: {front.note}", fontsize=8, color="dimgray")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def draw_frontier(axes: Axes, front: Frontier, title: str = "") -> float:
    """Draw the frontier's steps on `axes`; the divisor of its x axis's money.

    The x axis is total budget money over the divisor (1e6 for millions, 1e3
    for thousands, 1), or the budget scale λ without budgets (divisor 1).
    """
    from matplotlib.ticker import FuncFormatter

    points = front.points
    money = front.total_at_one > 0
    per_unit = front.total_at_one if money else 1.0
    xs = [float(v) * per_unit for v in points["lambda"]]
    ys = [float(v) for v in points["objective"]]
    right = max([*xs, per_unit]) * 1.1
    if front.budget_range is not None:  # the last level holds up to the range's top
        right = front.budget_range[1]
    divisor, unit = _money_unit(right if money else 0.0)
    xs = [x / divisor for x in xs]
    right, current = right / divisor, per_unit / divisor
    if xs:
        axes.step([*xs, right], [*ys, ys[-1]], where="post", color="tab:blue")
        axes.plot(xs, ys, "o", markersize=3, color="tab:blue", label="breakpoint")
        left = 0.0 if front.budget_range is None else front.budget_range[0] / divisor
        axes.set_xlim(left=min(left, xs[0]), right=right)
    axes.axvline(current, linestyle="--", color="tab:red", label="budgets as given")
    currency = f"{unit} {front.currency}".strip()
    unit_text = f" ({currency})" if currency else ""
    axes.set_xlabel(f"total budget{unit_text}" if money else "budget scale λ")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}"))
    axes.set_ylabel("best expected score")
    axes.set_title(title or "Efficient frontier: expected score against budget")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="lower right")
    return divisor


def _money_unit(largest: float) -> tuple[float, str]:
    """Divisor and its name, so that axis labels stay short."""
    if largest >= 1e7:
        return 1e6, "million"
    if largest >= 1e4:
        return 1e3, "thousand"
    return 1.0, ""


def write_frontier_png(front: Frontier, path: str | Path, title: str = "") -> None:
    """Write the frontier plot to ``path`` atomically.

    Raises:
        OutputError: if the file cannot be written.
    """
    write_atomic(path, frontier_png(front, title))
