"""`pathway-opt alternatives`: near-optimal plans that differ from the optimum.

Register with ``main.add_command(alternatives_command)``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

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
from pathway_opt.cli.stdout import DASH, print_plan
from pathway_opt.cli.words import counted


def _solves(done: int, total: int) -> str:
    return f"{done}/{total} solves"


@click.command(
    name="alternatives",
    short_help="Near-optimal plans that differ from the optimum and each other.",
    epilog=exit_codes(
        0, 1, 2, 3, 4, 5, 6, done="optimum found (fewer alternatives is no error)"
    ),
)
@instance_argument
@click.option(
    "--count", type=click.IntRange(min=1), default=3,
    show_default=True, metavar="K",
    help="Alternative plans to look for (at least 1).",
)  # fmt: skip
@click.option(
    "--within", type=Number(0, 1, high_open=True), default=0.05,
    show_default=True, metavar="F",
    help="Share of the optimum's score an alternative may lose: 0.05 = at least "
    "95% of the optimum (0 = ties only; less than 1).",
)  # fmt: skip
@click.option(
    "--min-difference", type=click.IntRange(min=1), default=1, show_default=True,
    metavar="D",
    help="Funded initiatives by which every two plans must differ (one funds it, "
    "the other not; another start period does not count).",
)  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(path_type=Path),
    help='Write {"optimum": plan, "alternatives": [plan, ...]} as JSON here '
    "(atomically); '-' prints it to stdout and the summary to stderr.",
)  # fmt: skip
@click.option(
    "--xlsx", type=click.Path(dir_okay=False, path_type=Path),
    help="Write a workbook: Summary, Alternatives (plans side by side), Changes, "
    "Plans.",
)  # fmt: skip
@click.option(
    "--csv", "csv_folder", type=click.Path(path_type=Path), metavar="FOLDER",
    help="Write alternatives.csv, changes.csv, plans.csv and run.json into this "
    "folder (UTF-8 with BOM).",
)  # fmt: skip
@force_option
@time_limit_option("each solve (the optimum and each alternative)")
@mip_gap_option
@threads_option()
@progress_option
@debug_option
@error_boundary
def alternatives_command(
    instance: Path,
    count: int,
    within: float,
    min_difference: int,
    output: Path | None,
    xlsx: Path | None,
    csv_folder: Path | None,
    force: bool,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    progress_flag: bool,
) -> int:
    """Up to K plans within F of the optimum of INSTANCE, each D apart.

    Every alternative scores at least the optimum less F of it, and differs from
    the optimum and from every other alternative in at least D funded
    initiatives. They are found best first on the model built once (each the
    best plan still allowed) and verified like any plan. When fewer than K
    exist, the summary says how many and why. Exit 0 when the optimum is found.
    """
    to_stdout = output == DASH
    targets = []
    if output is not None and not to_stdout:
        targets.append(po.Target("--output", output))
    if xlsx is not None:
        targets.append(po.Target("--xlsx", xlsx, suffixes=(".xlsx",)))
    if csv_folder is not None:
        targets.append(po.Target("--csv", csv_folder, names=po.ALTERNATIVES_CSV_FILES))
    check_outputs([("instance file", instance)], targets, force)
    started = datetime.now(UTC)
    doing(f"reading {instance}")
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    size = f"up to {counted(count, 'alternative')}, {count + 1} solves or fewer"
    with progress("alternatives", progress_flag, lambda n: size, _solves) as bar:

        def step(done: int, total: int) -> None:
            doing(f"looking for alternatives to {instance} ({done} of {total} solves)")
            bar(done, total)

        step(0, count + 1)
        result = po.alternatives(
            inst, settings, count=count, within=within,
            min_difference=min_difference, progress=step,
        )  # fmt: skip
    doing("writing the outputs", "writing")
    provenance = po.make_provenance(instance, started)
    written = []
    if output is not None and not to_stdout:
        po.write_alternatives_json(result, output, provenance=provenance)
        written.append(f"alternatives written to {output}")
    if xlsx is not None:
        po.write_alternatives_xlsx(result, xlsx, provenance=provenance)
        written.append(f"alternatives workbook written to {xlsx}")
    if csv_folder is not None:
        po.write_alternatives_csv(result, csv_folder, provenance=provenance)
        written.append(f"alternatives tables written to {csv_folder}")
    doing("printing the alternatives", "written")
    text = po.alternatives_json(result, provenance) if to_stdout else None
    print_plan(text, result.text(), written)
    return result.exit_code
