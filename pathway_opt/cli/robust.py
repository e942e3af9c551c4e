"""`pathway-opt robust`: the core index of every initiative over sampled data.

Register with ``main.add_command(robust_command)``. The ``--samples`` and
``--seed`` options are shared with ``solve --robust``.
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
    Number,
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
    instance_argument,
    local_workers,
    mip_gap_option,
    scheduler_option,
    threads_option,
    time_limit_option,
    workers_option,
)
from pathway_opt.cli.progress import progress, progress_option
from pathway_opt.cli.signals import doing
from pathway_opt.cli.words import counted

#: Most samples one run may draw (as the library's limit).
MAX_SAMPLES = 100_000
#: Rows of the core index table printed (all are in the CSV and workbook).
SHOWN_ROWS = 60


def samples_option(default: int | None) -> Callable[[Callable[..., Any]], Any]:
    """``--samples N``: how many samples to draw."""
    return click.option(
        "--samples",
        type=click.IntRange(1, MAX_SAMPLES),
        default=default,
        show_default=default is not None,
        metavar="N",
        help="How many samples of the uncertain values to draw (Latin hypercube)"
        + ("" if default is not None else "; default 100")
        + ".",
    )


def seed_option(default: int | None) -> Callable[[Callable[..., Any]], Any]:
    """``--seed S``: the sampling seed."""
    return click.option(
        "--seed",
        type=click.IntRange(0, 2**63 - 1),
        default=default,
        show_default=default is not None,
        metavar="S",
        help="Seed of the sampling: the same seed draws the same samples"
        + ("" if default is not None else "; default 0")
        + ".",
    )


def _samples(done: int, total: int) -> str:
    return f"{done}/{total} samples"


def _number(value: Any) -> str:
    if value is None or not isinstance(value, int | float) or not math.isfinite(value):
        return "-"
    return f"{value:,.4f}"


def describe(result: po.Robustness) -> str:
    """The terminal summary: counts, the given plan's figures, the core table."""
    s = result.summary()
    plan = result.plan
    lines = [
        f"Robustness of {result.instance.name}: {s['samples']} samples (seed "
        f"{s['seed']}), {s['uncertain_values']} uncertain values",
        f"  proven optimal {s['proven']}, time-limited {s['time_limited']}, "
        f"infeasible {s['infeasible']}, no plan in time {s['no_plan_in_time']}, "
        f"errors {s['errors']}",
    ]
    lines += [f"  - {m}" for m in result.messages]
    lines.append(
        f"Plan for the given values: {plan.status.value}, objective "
        f"{_number(plan.objective)}"
        + (f", {len(plan.starts)} of {len(result.instance.initiatives)} selected"
           if plan.has_plan else "")
    )  # fmt: skip
    if not plan.has_plan:
        lines += [f"  - {m}" for m in plan.messages]
        return "\n".join(lines)
    lines += [
        f"  its score over the samples: mean {_number(s['given_score_mean'])}, "
        f"P10 {_number(s['given_score_p10'])}, P90 {_number(s['given_score_p90'])}"
        f"; within the sampled costs in {s['given_fits']} of {s['samples']}",
        f"  its regret against each proven sample's optimum (where it fits): "
        f"mean {_number(s['regret_mean'])}, worst {_number(s['regret_worst'])}",
        f"Core index (core >= {s['core_threshold']:g}, exterior <= "
        f"{s['exterior_threshold']:g}): {s['core']} core, {s['borderline']} "
        f"borderline, {s['exterior']} exterior",
    ]
    shown = result.table[["id", "core_index", "class", "in_plan", "mean_start",
                          "plan_start"]].copy()  # fmt: skip
    shown["in_plan"] = ["yes" if v else "" for v in shown["in_plan"]]
    text = shown.to_string(
        index=False,
        max_rows=SHOWN_ROWS,
        float_format=lambda v: f"{v:.3f}",
        na_rep="-",
    )
    lines += ["", text]
    return "\n".join(lines)


def _workbook_sheets(result: po.Robustness) -> list[tuple[str, str, pd.DataFrame]]:
    s = result.summary()
    summary = pd.DataFrame(
        [{"field": k, "value": v} for k, v in s.items()], columns=["field", "value"]
    )
    return [
        ("Robustness", f"Core index of every initiative over {s['samples']} samples "
         f"(seed {s['seed']}): share of the proven samples in which it is funded; "
         "mean_start 1 = the first period.", result.table),
        ("Summary", "The plan for the given values across the samples; regret "
         "against each proven sample's optimum.", summary),
        ("Samples", "Every sample: its status, optimum, the given plan's score "
         "and regret, and the sampled values.", result.samples),
        ("Uncertain values", "Each uncertain value's triangular distribution "
         "(low, mode, high).", result.parameters),
    ]  # fmt: skip


@click.command(
    name="robust",
    short_help="Core index: how often each initiative is funded over sampled data.",
    epilog=exit_codes(
        0, 1, 2, 3, 4, 5, 6, done="every sample solved (5: a sample failed)"
    ),
)
@instance_argument
@samples_option(100)
@seed_option(0)
@click.option(
    "--core", type=Number(0, 1), default=0.9, show_default=True, metavar="SHARE",
    help="Core index at or above which an initiative is core.",
)  # fmt: skip
@click.option(
    "--exterior", type=Number(0, 1), default=0.1, show_default=True,
    metavar="SHARE", help="Core index at or below which an initiative is exterior.",
)  # fmt: skip
@workers_option
@scheduler_option
@time_limit_option("each sample's solve (and the solve for the given values)")
@mip_gap_option
@threads_option(
    "Threads each HiGHS solve may use (default: HiGHS decides); with "
    "--workers, 1 keeps the solves from competing for the cores."
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the core index table to this CSV file (UTF-8 with BOM, "
    "atomically): id, core_index, class, in_plan, mean_start, plan_start, "
    "samples_funded, name.",
)  # fmt: skip
@click.option(
    "--xlsx", type=click.Path(dir_okay=False, path_type=Path),
    help="Write a workbook: Robustness (the core index), Summary, Samples and "
    "Uncertain values sheets.",
)  # fmt: skip
@force_option
@progress_option
@debug_option
@error_boundary
def robust_command(
    instance: Path,
    samples: int,
    seed: int,
    core: float,
    exterior: float,
    workers: int,
    scheduler: str | None,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    output: Path | None,
    xlsx: Path | None,
    force: bool,
    progress_flag: bool,
) -> int:
    """Solve INSTANCE for sampled values of its uncertain data; the core index.

    The ranges are the criteria's weight_range and the initiatives'
    uncertainty (scores, success_probability, cost_factor), each drawn from a
    triangular distribution around the given value. Every sample is solved on
    one built model per worker and verified against its own data. An
    initiative's core index is the share of the proven samples funding it.
    Exit 0 when every sample was solved (time-limited samples are counted
    apart), 3 or 4 without a plan for the given values, 5 if a sample failed.
    """
    if exterior >= core:
        raise click.BadParameter(
            f"must be below --core ({core:g}), got {exterior:g}",
            param_hint="'--exterior'",
        )
    targets = [po.Target("--output", output)] if output is not None else []
    targets += [po.Target("--xlsx", xlsx, suffixes=(".xlsx",))] if xlsx else []
    check_outputs([("instance file", instance)], targets, force)
    workers = local_workers(workers, scheduler)
    doing(f"reading {instance}")
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    began = time.perf_counter()
    doing(f"solving {instance} for the given values")
    on = f"on {scheduler}" if scheduler else f"on {counted(workers, 'worker')}"
    with progress(
        "robust",
        progress_flag,
        lambda n: (
            f"{counted(n, 'sample')} {on}, one solve each (and one for the "
            "given values first)"
        ),
        _samples,
    ) as bar:

        def count(done: int, total: int) -> None:
            doing(f"sampling {instance} ({done} of {total} samples solved)")
            bar(done, total)

        bar(0, samples)  # the size line before the solve for the given values
        result = po.robust(
            inst, samples, seed, workers=workers, scheduler=scheduler,
            settings=settings, core=core, exterior=exterior, progress=count,
        )  # fmt: skip
    seconds = time.perf_counter() - began
    doing("writing and printing the core index", "writing")
    if output is not None:
        po.write_atomic(output, po.csv_text(result.table).encode("utf-8-sig"))
    if xlsx is not None:
        po.write_tables_xlsx(_workbook_sheets(result), xlsx)
    doing("printing the core index", "written")
    click.echo(describe(result))
    where = f"on {scheduler}" if scheduler else f"with {counted(workers, 'worker')}"
    solved = len(result.samples)
    click.echo(
        f"\n{counted(solved, 'sample')} in {seconds:.2f} s "
        f"({solved / max(seconds, 1e-9):.2f} samples/s) {where}"
    )
    if output is not None:
        click.echo(f"core index written to {output}")
    if xlsx is not None:
        click.echo(f"workbook written to {xlsx}")
    if not result.plan.has_plan:
        return result.plan.exit_code
    return 5 if result.summary()["errors"] else 0
