"""`pathway-opt sweep` and `pathway-opt frontier`: many re-solves of one model.

Register with ``main.add_command(sweep_command)`` and
``main.add_command(frontier_command)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

import pathway_opt as po
from pathway_opt.cli.options import (
    MAX_POINTS_ENV,
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
    instance_argument,
    local_workers,
    max_points,
    mip_gap_option,
    scheduler_option,
    threads_option,
    time_limit_option,
    workers_option,
)
from pathway_opt.cli.progress import progress, progress_option
from pathway_opt.cli.signals import doing
from pathway_opt.cli.words import counted

#: Ladder steps printed per ladder (all are in --ladders-csv).
SHOWN_STEPS = 10
#: The files --ladders-csv writes into its folder.
LADDER_FILES = ("fund_next.csv", "cut_first.csv")


def _scales(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return po.parse_scales(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _money_range(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``LOW:HIGH`` as two amounts of money: finite, at least 0, LOW <= HIGH."""
    if value is None:
        return None
    parts = value.split(":")
    if len(parts) != 2:
        raise click.BadParameter(f"give LOW:HIGH, two amounts of money; got {value!r}")
    amounts = []
    for part in parts:
        text = part.strip().replace(",", "").replace("_", "")
        try:
            amount = float(text)
        except ValueError:
            raise click.BadParameter(f"{part.strip()!r} is not an amount") from None
        if not math.isfinite(amount) or amount < 0:
            raise click.BadParameter(
                f"amounts must be finite and at least 0, got {part.strip()!r}"
            )
        amounts.append(amount)
    if amounts[0] > amounts[1]:
        raise click.BadParameter(f"LOW must not exceed HIGH, got {value!r}")
    return tuple(amounts)


def _ids(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    ids = [i.strip() for v in value for i in v.split(",") if i.strip()]
    return ids or None


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    po.write_atomic(path, po.csv_text(frame).encode("utf-8-sig"))


def _grid_size(budget_scale: list[float] | None, capacity: list[float] | None) -> int:
    """Points of the grid, refused (exit 2) above the ceiling before any work."""
    points = len(budget_scale or [1.0]) * len(capacity or [1.0])
    if points > max_points():
        raise click.BadParameter(
            f"the grid has {points:,} points, more than the {max_points():,} a "
            f"sweep may have; use fewer points, or set {MAX_POINTS_ENV} to raise "
            "the limit",
            param_hint="'--budget-scale' / '--capacity-scale'",
        )
    return points


#: Columns holding money, printed as whole amounts.
_MONEY = ("total_budget", "spent", "extra_money", "money_saved", "used_")


def _points(done: int, total: int) -> str:
    return f"{done}/{total} points"


def _fmt(frame: pd.DataFrame, max_rows: int | None = None) -> str:
    money = {
        c: (lambda v: f"{v:,.0f}") for c in frame.columns if str(c).startswith(_MONEY)
    }
    # Budget and resource ids may be Chinese: align by display width.
    with pd.option_context("display.unicode.east_asian_width", True):
        return frame.to_string(
            index=False,
            max_rows=max_rows,
            formatters=money,
            float_format=lambda v: f"{v:,.4f}",
        )


_threads_option = threads_option(
    "Threads each HiGHS solve may use (default: HiGHS decides); with "
    "--workers, 1 keeps the solves from competing for the cores."
)


@click.command(
    name="sweep",
    short_help="Solve with budgets and/or capacities scaled.",
    epilog=exit_codes(0, 1, 2, 5, 6, done="every point solved (5: a point failed)"),
)
@instance_argument
@click.option(
    "--budget-scale", callback=_scales, metavar="A:B:N|LIST",
    help="Factors on the budgets' limits: A:B:N gives N evenly spaced values from "
    "A to B (e.g. 0.5:1.5:21), or a comma list (0.8,1,1.2).",
)  # fmt: skip
@click.option(
    "--capacity-scale", callback=_scales, metavar="A:B:N|LIST",
    help="Factors on the resources' capacities, as for --budget-scale; the sweep "
    "is every combination of the two.",
)  # fmt: skip
@click.option(
    "--budget", "budgets", multiple=True, callback=_ids, metavar="ID",
    help="Scale only this budget (repeat, or separate by commas; default: all).",
)  # fmt: skip
@click.option(
    "--resource", "resources", multiple=True, callback=_ids, metavar="ID",
    help="Scale only this resource (repeat, or separate by commas; default: all).",
)  # fmt: skip
@workers_option
@scheduler_option
@time_limit_option("each point's solve")
@mip_gap_option
@_threads_option
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the sweep table to this CSV file (UTF-8 with BOM, atomically).",
)  # fmt: skip
@force_option
@progress_option
@debug_option
@error_boundary
def sweep_command(
    instance: Path,
    budget_scale: list[float] | None,
    capacity_scale: list[float] | None,
    budgets: list[str] | None,
    resources: list[str] | None,
    workers: int,
    scheduler: str | None,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    output: Path | None,
    force: bool,
    progress_flag: bool,
) -> int:
    """Solve INSTANCE with its budgets and/or capacities scaled, one row per point.

    A sweep has at most 100,000 points (set PATHWAY_OPT_MAX_POINTS to raise it).
    Exit 0 when every point was solved (a point may be infeasible: that is a
    result), 5 if a point failed.
    """
    if budget_scale is None and capacity_scale is None:
        raise click.UsageError("give --budget-scale and/or --capacity-scale")
    _grid_size(budget_scale, capacity_scale)
    targets = [po.Target("--output", output)] if output is not None else []
    check_outputs([("instance file", instance)], targets, force)
    workers = local_workers(workers, scheduler)
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    try:
        points = po.sweep_points(
            inst, budget_scale, capacity_scale, budgets=budgets, resources=resources
        )
    except po.InputError as exc:
        hint = "'--budget'" if exc.problems[0].path == "budgets" else "'--resource'"
        raise click.BadParameter(exc.problems[0].message, param_hint=hint) from None
    began = time.perf_counter()
    on = f"on {scheduler}" if scheduler else f"on {counted(workers, 'worker')}"
    with progress(
        "sweep",
        progress_flag,
        lambda n: f"{counted(n, 'point')} {on}, one solve each",
        _points,
    ) as bar:

        def count(done: int, total: int) -> None:
            doing(f"sweeping {instance} ({done} of {total} points solved)")
            bar(done, total)

        count(0, len(points))
        table = po.sweep(
            inst, budget_scale, capacity_scale, budgets=budgets,
            resources=resources, workers=workers, scheduler=scheduler,
            settings=settings, progress=count,
        )  # fmt: skip
    doing("printing and writing the sweep", "writing")
    seconds = time.perf_counter() - began
    shown = [c for c in table.columns if c not in ("selected", "bound", "verified")]
    shown = [c for c in shown if not c.startswith("used_")]
    click.echo(_fmt(table[shown], max_rows=60))
    where = f"on {scheduler}" if scheduler else f"with {counted(workers, 'worker')}"
    click.echo(
        f"\n{counted(len(table), 'point')} in {seconds:.2f} s "
        f"({len(table) / max(seconds, 1e-9):.2f} points/s) {where}"
    )
    if output is not None:
        _write_csv(table, output)
        click.echo(f"sweep written to {output}")
    return 5 if (table["status"] == "error").any() else 0


@click.command(
    name="frontier",
    short_help="The efficient frontier: best score against budget.",
    epilog=exit_codes(0, 1, 2, 3, 4, 5, 6, done="frontier found"),
)
@instance_argument
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the frontier's points to this CSV file (UTF-8 with BOM); the plot "
    "goes beside it as .png unless --plot names another file.",
)  # fmt: skip
@click.option(
    "--plot", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the frontier as a PNG step plot here.",
)  # fmt: skip
@click.option(
    "--ladders-csv", type=click.Path(file_okay=False, path_type=Path),
    metavar="FOLDER",
    help="Write fund_next.csv and cut_first.csv (every step) into this folder.",
)  # fmt: skip
@click.option(
    "--max-points", type=click.IntRange(min=1), metavar="N",
    help="Stop after N points, walking down from the top (the unbound optimum, "
    "or the top of --budget-range); the output says where it was cut.",
)  # fmt: skip
@click.option(
    "--budget-range", callback=_money_range, metavar="LOW:HIGH",
    help="Walk only total budgets (every limit of every budget added up, as "
    "the total_budget column) from LOW to HIGH, e.g. 50e6:80e6 or "
    "50,000,000:80,000,000.",
)  # fmt: skip
@workers_option
@scheduler_option
@time_limit_option("each re-solve")
@mip_gap_option
@_threads_option
@force_option
@progress_option
@debug_option
@error_boundary
def frontier_command(
    instance: Path,
    output: Path | None,
    plot: Path | None,
    ladders_csv: Path | None,
    max_points: int | None,
    budget_range: tuple[float, float] | None,
    workers: int,
    scheduler: str | None,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    force: bool,
    progress_flag: bool,
) -> int:
    """The efficient frontier of INSTANCE: best score against total budget.

    Every budget limit is scaled by one factor λ; each breakpoint (where the
    funded set changes) is found by re-solving. Also prints the contingency
    ladders: what to fund next if the budgets rise, what to cut first if they
    fall. With --workers or --scheduler, stretches of λ are walked in
    parallel. How many breakpoints there are is found only by walking (the
    provincial example has over 1,000): --max-points and --budget-range bound
    the walk. Exit 0 with a frontier, 3 if no budget gives a plan.
    """
    plot_option = "--plot"
    if output is not None and plot is None:
        plot, plot_option = output.with_suffix(".png"), "--plot (beside --output)"
    targets = [po.Target("--output", output)] if output is not None else []
    targets += [po.Target(plot_option, plot)] if plot is not None else []
    if ladders_csv is not None:
        targets.append(po.Target("--ladders-csv", ladders_csv, names=LADDER_FILES))
    check_outputs([("instance file", instance)], targets, force)
    workers = local_workers(workers, scheduler)
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    doing(f"walking the frontier of {instance}")
    size = _walk_size(inst.currency, max_points, budget_range, workers, scheduler)
    with progress("frontier", progress_flag, size, _walked) as bar:
        try:
            front = po.frontier(
                inst, settings, workers=workers, scheduler=scheduler,
                max_points=max_points, budget_range=budget_range, progress=bar,
            )  # fmt: skip
        except po.InputError as exc:  # a range with no budget money to scale
            if exc.problems[0].path != "budget_range":
                raise
            hint = "'--budget-range'"
            raise click.BadParameter(exc.problems[0].message, param_hint=hint) from None
    doing("printing and writing the frontier", "writing")
    click.echo(_describe(front))
    if front.points.empty and front.floor != "range":
        return {"infeasible": 3, "no_solution": 4}.get(front.floor, 5)
    fund_next, cut_first = po.ladders(inst, computed=front)
    part = " (in the part walked)" if front.note else ""
    for name, ladder in (("Fund next if the budgets rise", fund_next),
                         ("Cut first if the budgets fall", cut_first)):  # fmt: skip
        click.echo(f"\n{name}{part} ({counted(len(ladder), 'step')}):")
        shown = ladder.drop(columns=["lambda", "spent"]).head(SHOWN_STEPS)
        click.echo(_fmt(shown) if not ladder.empty else "  (none)")
        if len(ladder) > SHOWN_STEPS:
            click.echo(f"  ... {len(ladder) - SHOWN_STEPS} more (--ladders-csv)")
    if output is not None:
        _write_csv(front.points, output)
        click.echo(f"\nfrontier written to {output}")
        if front.note:
            click.echo(f"  (its points: {front.note})")
    if plot is not None:
        po.write_frontier_png(front, plot, title=f"{inst.name}: efficient frontier")
        click.echo(f"plot written to {plot}")
    if ladders_csv is not None:
        ladders = {
            name: po.csv_text(frame).encode("utf-8-sig")
            for name, frame in zip(LADDER_FILES, (fund_next, cut_first), strict=True)
        }
        po.write_folder(ladders_csv, ladders)
        click.echo(f"ladders written to {ladders_csv}")
    return 0


def _walk_size(
    currency: str | None,
    max_points: int | None,
    budget_range: tuple[float, float] | None,
    workers: int,
    scheduler: str | None,
) -> Callable[[int], str]:
    """The frontier's size line: what is walked and how many solves it takes."""
    unit = f" {currency}" if currency else ""
    where = (
        "down to total budget 0"
        if budget_range is None
        else f"of total budgets {budget_range[1]:,.0f} down to {budget_range[0]:,.0f}"
    )
    parallel = scheduler is not None or workers > 1
    if max_points is None:
        count = (
            "a solve or more per breakpoint; how many there are is found only by "
            "walking (--max-points caps them)"
        )
    elif parallel:
        count = (
            f"at most {counted(max_points, 'point')}, in stretches that each stop there"
        )
    else:
        solves = max_points + 2 + (budget_range is not None)
        count = (
            f"at most {counted(max_points, 'point')}, {solves} solves or more (more "
            "where a cheaper plan scores the same)"
        )
    on = f" on {scheduler}" if scheduler else ""
    on = on or (f" on {counted(workers, 'worker')}" if parallel else "")
    return lambda total: f"exact walk {where}{unit}{on}, {count}"


def _walked(done: int, total: int) -> str:
    return f"about {100 * done / total:.0f} % walked (of the score, from the top)"


def _describe(front: po.Frontier) -> str:
    """Summary lines and the points table."""
    lines = []
    points = front.points
    if not points.empty:
        low, high = points.iloc[0], points.iloc[-1]
        lines.append(
            f"{counted(front.n_breakpoints, 'breakpoint')} "
            f"from λ = {low['lambda']:.6g} "
            f"({low['total_budget']:,.0f}) to λ = {high['lambda']:.6g} "
            f"({high['total_budget']:,.0f}); budgets as given: "
            f"{front.total_at_one:,.0f} {front.currency}".rstrip()
        )
    lines.append(
        f"{counted(front.solves, 'solve')} in {front.seconds:.2f} s; "
        f"stopped: {front.floor}"
    )
    if front.note:
        lines.append(f"note: {front.note}")
    lines += [f"  - {m}" for m in front.messages]
    if not points.empty:
        shown = points.drop(columns=["selected", "solved_at", "seconds", "verified"])
        shown = shown.drop(columns=[c for c in shown if str(c).startswith("used_")])
        lines += ["", _fmt(shown, max_rows=20)]
    return "\n".join(lines)
