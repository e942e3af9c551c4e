"""Sweeps: solve a grid of budget and capacity scalings, one table row per point.

A point multiplies every budget's limits (or only the listed budgets') by its
budget scale and every resource's capacity (or the listed ones') by its capacity
scale, then solves. The grid is the product of the two scale lists, budget scale
first. Points are independent, so they run on any executor of
:mod:`pathway_opt.whatif.parallel`; within a worker one :class:`Session` solves
them all (reset between points, no rebuild), and no point is warm-started from
another, so the table is the same whichever worker ran which point.
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pathway_opt.errors import InputError, Problem, listing
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.schema.entities import MAX_AMOUNT
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.whatif.parallel import Progress, run_all
from pathway_opt.whatif.rows import plan_row
from pathway_opt.whatif.session import Session

if TYPE_CHECKING:
    from distributed import Client

#: Most points one ``a:b:n`` range may ask for.
MAX_POINTS = 10_000


@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep: what to scale, and how to solve."""

    point: int
    budget_scale: float
    capacity_scale: float
    budgets: tuple[str, ...]
    resources: tuple[str, ...]
    settings: SolveSettings


def solve_point(session: Session, p: SweepPoint) -> dict[str, Any]:
    """Reset the session, scale, re-solve; the point's table row."""
    began = time.perf_counter()
    session.reset()
    if p.budget_scale != 1.0:
        for budget in p.budgets:
            session.scale_budget(budget, p.budget_scale)
    if p.capacity_scale != 1.0:
        for resource in p.resources:
            session.scale_capacity(resource, p.capacity_scale)
    plan = session.solve(p.settings)
    return {
        "point": p.point,
        "budget_scale": p.budget_scale,
        "capacity_scale": p.capacity_scale,
        **plan_row(plan),
        "seconds": time.perf_counter() - began,
    }


def parse_scales(text: str) -> list[float]:
    """Scale factors from ``a:b:n``, a comma list ``0.8,1,1.2`` or one number.

    ``a:b:n`` gives n evenly spaced values from a to b, both included.

    Raises:
        ValueError: with a message saying what is wrong and the forms accepted.
    """
    text = text.strip()
    forms = "give a:b:n (e.g. 0.5:1.5:21), a comma list (0.8,1,1.2) or one number"
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f'"{text}" is not a:b:n; {forms}')
        try:
            first, last = float(parts[0]), float(parts[1])
            count = int(parts[2])
        except ValueError:
            raise ValueError(
                f'"{text}": a and b must be numbers and n a whole number; {forms}'
            ) from None
        if not 1 <= count <= MAX_POINTS:
            raise ValueError(f'"{text}": n must be between 1 and {MAX_POINTS}')
        if count == 1 and first != last:
            raise ValueError(f'"{text}": n = 1 needs a = b; use n >= 2 for a range')
        values = np.linspace(first, last, count).tolist()
    else:
        try:
            values = [float(v) for v in text.split(",")]
        except ValueError:
            raise ValueError(f'"{text}" is not a list of numbers; {forms}') from None
    # 12 significant digits: 0.6 rather than 0.6000000000000001 from linspace.
    scales = [float(f"{v:.12g}") for v in values]
    problem = _scale_problem(scales)
    if problem:
        raise ValueError(f'"{text}": {problem}')
    return scales


def _scale_problem(scales: Sequence[float]) -> str:
    if not scales:
        return "give at least one scale"
    bad = [v for v in scales if not math.isfinite(v) or v < 0 or v > MAX_AMOUNT]
    if bad:
        return f"a scale must be a finite number >= 0, got {bad[0]:g}"
    return ""


def _ids(
    wanted: Sequence[str] | None, known: list[str], field: str, noun: str
) -> tuple[str, ...]:
    if wanted is None:
        return tuple(known)
    if isinstance(wanted, str):
        wanted = [wanted]
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    field,
                    f'unknown {noun} "{unknown[0]}"; the instance has: '
                    f"{listing(known)}",
                )
            ]
        )
    return tuple(dict.fromkeys(wanted))


def _scales(value: Any, field: str) -> list[float]:
    """A scale list from a list, one number, or text such as ``0.5:1.5:21``.

    Raises:
        InputError: naming the field and the forms it takes.
    """
    if value is None:
        return [1.0]
    if isinstance(value, str):
        try:
            return parse_scales(value)
        except ValueError as exc:
            raise InputError([Problem(field, str(exc))]) from None
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return [float(value)]
    try:
        values: list[Any] = list(value)
    except TypeError:
        values = [value]
    bad = [
        v
        for v in values
        if not isinstance(v, int | float | np.number) or isinstance(v, bool)
    ]
    if bad:
        raise InputError(
            [
                Problem(
                    field,
                    f"must be numbers (a list such as [0.8, 1.0, 1.2], one number, "
                    f'or text "a:b:n"), got {bad[0]!r}',
                )
            ]
        )
    return [float(v) for v in values]


def sweep_points(
    inst: Instance,
    budget_scale: Sequence[float] | float | str | None = None,
    capacity_scale: Sequence[float] | float | str | None = None,
    *,
    budgets: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    settings: SolveSettings | None = None,
) -> list[SweepPoint]:
    """The grid of points, checked against the instance.

    Raises:
        InputError: for a negative or non-finite scale, an empty list, or an
            unknown budget or resource.
    """
    lists = {
        "budget_scale": _scales(budget_scale, "budget_scale"),
        "capacity_scale": _scales(capacity_scale, "capacity_scale"),
    }
    for field, values in lists.items():
        problem = _scale_problem(values)
        if problem:
            raise InputError([Problem(field, problem)])
    chosen_budgets = _ids(budgets, inst.budget_ids(), "budgets", "budget")
    chosen_resources = _ids(
        resources, [r.id for r in inst.resources], "resources", "resource"
    )
    grid = itertools.product(lists["budget_scale"], lists["capacity_scale"])
    return [
        SweepPoint(
            point=k,
            budget_scale=float(b),
            capacity_scale=float(c),
            budgets=chosen_budgets,
            resources=chosen_resources,
            settings=settings or SolveSettings(),
        )
        for k, (b, c) in enumerate(grid)
    ]


def print_progress(done: int, total: int) -> None:
    """Progress as one line per point on stderr (``progress=True``)."""
    print(f"sweep: {done}/{total} points", file=sys.stderr, flush=True)


def sweep(
    inst: InstanceSource,
    budget_scale: Sequence[float] | float | str | None = None,
    capacity_scale: Sequence[float] | float | str | None = None,
    *,
    budgets: Sequence[str] | None = None,
    resources: Sequence[str] | None = None,
    workers: int = 1,
    scheduler: str | Client | None = None,
    settings: SolveSettings | None = None,
    progress: bool | Progress = False,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
) -> pd.DataFrame:
    """Solve every point of the grid ``budget_scale x capacity_scale``.

    Args:
        inst: the instance at scale 1, or the path of its file.
        budget_scale: factors on the budgets' limits: a list, one number, or
            text ``a:b:n`` (n values from a to b; default: 1 only).
        capacity_scale: factors on the resources' capacities, in the same
            forms (default: 1 only).
        budgets: scale only these budgets (default: all).
        resources: scale only these resources (default: all).
        workers: local processes (1: solve in this process).
        scheduler: a Dask scheduler address (``tcp://host:8786``) or a
            ``dask.distributed.Client``; runs the points on that cluster.
        settings: solve settings of every point (a time limit is per point);
            or give ``time_limit``, ``threads``, ``mip_gap`` as keywords.
        progress: True for a progress bar on stderr, or a callback
            ``progress(done, total)``.
        time_limit: seconds each point's solve may take.
        threads: threads HiGHS may use (with several workers, 1 avoids their
            competing for the cores).
        mip_gap: relative gap at which a plan counts as optimal.

    Returns:
        One row per point, in point order: ``point``, ``budget_scale``,
        ``capacity_scale``, ``status``, ``verified``, ``objective``, ``bound``,
        ``gap``, ``n_selected``, ``selected`` (sorted ``id@start`` items joined
        by ``;``), ``used_<budget>`` and ``utilisation_<budget>`` per budget,
        and ``seconds``. Every column but ``seconds`` is the same on any
        executor.

    Raises:
        InputError: for a bad scale, an unknown budget or resource, a bad
            ``workers`` or ``scheduler``, a bad solve option (or ``settings``
            with a keyword option), or Dask missing.
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    inst = as_instance(inst)
    points = sweep_points(
        inst,
        budget_scale,
        capacity_scale,
        budgets=budgets,
        resources=resources,
        settings=settings,
    )
    report: Progress | None = print_progress if progress is True else progress or None
    rows = run_all(
        inst,
        solve_point,
        points,
        workers=workers,
        scheduler=scheduler,
        progress=report,
    )
    return sweep_frame(inst, rows)


def sweep_frame(inst: Instance, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The sweep table with its columns in a fixed order, sorted by point."""
    budget_cols = [f"used_{b}" for b in inst.budget_ids()]
    budget_cols += [f"utilisation_{b}" for b in inst.budget_ids()]
    columns = [
        "point",
        "budget_scale",
        "capacity_scale",
        "status",
        "verified",
        "objective",
        "bound",
        "gap",
        "n_selected",
        "selected",
        *budget_cols,
        "seconds",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values("point", kind="stable").reset_index(drop=True)
