"""`pathway-opt stability`: how far each criterion's weight may move.

Register with ``main.add_command(stability_command)``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click
import pandas as pd

import pathway_opt as po
from pathway_opt.cli.options import (
    Number,
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
    instance_argument,
    mip_gap_option,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli.progress import progress, progress_option
from pathway_opt.cli.signals import doing
from pathway_opt.cli.words import counted


def _criteria_done(done: int, total: int) -> str:
    return f"{done}/{counted(total, 'criterion')}"


def _ids(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
    ids = [i.strip() for v in value for i in v.split(",") if i.strip()]
    return ids or None


def _changes(enters: str, leaves: str) -> str:
    """``+A +B -C``: initiatives funded / no longer funded beyond an end."""
    plus = [f"+{i}" for i in enters.split(";") if i]
    minus = [f"-{i}" for i in leaves.split(";") if i]
    return " ".join(plus + minus) or "-"


def _weight(value: float, unbounded: str) -> str:
    if math.isinf(value):
        return unbounded
    return "?" if math.isnan(value) else f"{value:.6g}"


def _describe(result: po.Stability) -> str:
    """The plan, the intervals table and the totals."""
    lines = [f"plan at the weights as given: {result.plan!r}"]
    table = result.intervals
    if table.empty:
        return "\n".join(lines + [f"  - {m}" for m in result.messages])
    shown = pd.DataFrame(
        {
            "criterion": table["criterion"],
            "weight": [f"{w:.6g}" for w in table["weight"]],
            "low": [_weight(w, "none") for w in table["low"]],
            "high": [_weight(w, "none") for w in table["high"]],
            "below low": [
                "-" if low == 0 else _changes(e, lv)
                for low, e, lv in zip(
                    table["low"], table["low_enters"], table["low_leaves"], strict=True
                )
            ],
            "above high": [
                _changes(e, lv)
                for e, lv in zip(
                    table["high_enters"], table["high_leaves"], strict=True
                )
            ],
            "status": table["status"],
        }
    )
    if result.plan.instance.criteria_comparisons:
        lines.append(
            "weights derived from the judgements (criteria_comparisons); moving "
            "one holds the others at these values"
        )
    lines += [
        "",
        "Each weight alone, the others held: the funded set stays optimal from low "
        "to high",
        f"(relative tolerance {result.tolerance:g}; high none: no weight ends it; "
        "+ enters, - leaves the plan beyond):",
        "",
        shown.to_string(index=False),
        "",
        f"{result.solves} solves in {result.seconds:.2f} s",
    ]
    lines += [f"  - {m}" for m in result.messages]
    return "\n".join(lines)


@click.command(
    name="stability",
    short_help="How far each criterion's weight may move before the plan changes.",
    epilog=exit_codes(
        0, 1, 2, 3, 4, 5, 6, done="every criterion's interval found and proven"
    ),
)
@instance_argument
@click.option(
    "--criterion", "criteria", multiple=True, callback=_ids, metavar="ID",
    help="Analyse only this criterion (repeat, or separate by commas; default: "
    "all).",
)  # fmt: skip
@click.option(
    "--tolerance", type=Number(0, 0.1, low_open=True), default=1e-6,
    show_default=True, metavar="TOL",
    help="Relative tolerance in weight of each end (more than 0, at most 0.1).",
)  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the intervals to this CSV file (UTF-8 with BOM, atomically): "
    "criterion, weight, low, high (blank: unbounded), who enters and leaves.",
)  # fmt: skip
@click.option(
    "--xlsx", type=click.Path(dir_okay=False, path_type=Path),
    help="Write a workbook with a Stability sheet (the intervals) and a Plan "
    "sheet (the plan at the weights as given).",
)  # fmt: skip
@time_limit_option("each solve")
@mip_gap_option
@threads_option()
@force_option
@progress_option
@debug_option
@error_boundary
def stability_command(
    instance: Path,
    criteria: list[str] | None,
    tolerance: float,
    output: Path | None,
    xlsx: Path | None,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    force: bool,
    progress_flag: bool,
) -> int:
    """Per criterion of INSTANCE, the weights over which the funded set stays optimal.

    One weight moves, the others are held as given (weights need not sum to 1);
    start periods may move inside the interval. Each end is found by re-solving
    the built model where two plans' scores meet (never by sampling), with the
    initiatives that enter and leave the plan beyond it. Exit 0 when every
    interval is proven, 4 when a time limit stopped a search.
    """
    targets = [po.Target("--output", output)] if output is not None else []
    targets += [po.Target("--xlsx", xlsx, suffixes=(".xlsx",))] if xlsx else []
    check_outputs([("instance file", instance)], targets, force)
    doing(f"reading {instance}")
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    total = len(criteria) if criteria else len(inst.criteria)
    # about two solves per end, and one for the largest slope
    size = f"{counted(total, 'criterion')}, about {5 * total} solves"
    with progress("stability", progress_flag, lambda n: size, _criteria_done) as bar:

        def step(done: int, total: int) -> None:
            doing(f"finding the weights' intervals of {instance} ({done} of {total})")
            bar(done, total)

        step(0, total)
        try:
            result = po.stability(
                inst, criteria, tolerance=tolerance, settings=settings, progress=step
            )
        except po.InputError as exc:
            if exc.problems[0].path != "criteria":
                raise
            message = exc.problems[0].message
            raise click.BadParameter(message, param_hint="'--criterion'") from None
    doing("printing and writing the intervals", "writing")
    click.echo(_describe(result))
    if not result.intervals.empty:
        table = result.file_table()
        if output is not None:
            text = po.csv_text(table).encode("utf-8-sig")
            po.write_atomic(output, text)
            click.echo(f"\nintervals written to {output}")
        if xlsx is not None:
            sheets = [
                ("Stability", "Weight stability (blank high: unbounded)", table),
                ("Plan", "Plan at the weights as given", result.plan.selected_table()),
            ]
            po.write_tables_xlsx(sheets, xlsx)
            click.echo(f"workbook written to {xlsx}")
    return result.exit_code
