"""The progress line of a long solve on stderr: elapsed, plan, bound, gap, finder.

The library reports through ``po.solve(..., progress=...)`` and never prints;
this prints a line for a report once the solve has run :data:`SHOW_AFTER`
seconds, at most one per :data:`LINE_EVERY` seconds unless the plan improved.
``--quiet`` silences it (stderr goes nowhere then).
"""

from __future__ import annotations

import math
import time

import click

import pathway_opt as po

#: Seconds of solving before the first line (short solves print none).
SHOW_AFTER = 2.0
#: Seconds between two lines when the plan did not improve.
LINE_EVERY = 1.0


def _figure(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:,.4f}"


def progress_text(report: po.SolveProgress) -> str:
    """``solve: 12.3 s, plan 21,103.6816 (heuristic), bound 21,142.4334, gap 0.18%``."""
    gap = report.gap
    by = f" ({report.found_by})" if report.found_by and report.objective else ""
    return (
        f"solve: {report.elapsed:.1f} s, plan {_figure(report.objective)}{by}, "
        f"bound {_figure(report.bound)}, gap {'-' if gap is None else f'{gap:.2%}'}"
    )


class SolveLines:
    """Call it with each :class:`po.SolveProgress`; prints the lines due."""

    def __init__(self) -> None:
        self._began = time.monotonic()
        self._last = -math.inf
        self._best: float | None = None
        self._bound: float | None = None

    def __call__(self, report: po.SolveProgress) -> None:
        """Print a line when due (the best plan and bound known so far)."""
        improved = report.objective is not None and (
            self._best is None or report.objective > self._best + 1e-9
        )
        if improved:
            self._best = report.objective
        elif report.objective is None or report.objective < (self._best or -math.inf):
            report = po.SolveProgress(
                report.elapsed, self._best, report.bound, report.found_by
            )
        if report.bound is not None:
            self._bound = min(self._bound or math.inf, report.bound)
        report = po.SolveProgress(
            report.elapsed, report.objective, self._bound, report.found_by
        )
        now = time.monotonic()
        if now - self._began < SHOW_AFTER:
            return
        if improved or now - self._last >= LINE_EVERY:
            self._last = now
            click.echo(progress_text(report), err=True)
