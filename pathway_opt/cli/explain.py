"""`pathway-opt explain`: smallest repairs, why in / why out, what binds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

import pathway_opt as po
from pathway_opt.cli.options import (
    STEP,
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
    instance_argument,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli.progress import progress, progress_option
from pathway_opt.cli.signals import doing
from pathway_opt.cli.stdout import DASH, print_plan
from pathway_opt.cli.words import counted


def _ids(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    if value is None:
        return []
    ids = [v.strip() for v in value.split(",") if v.strip()]
    if not ids:
        raise click.BadParameter("give initiative ids separated by commas")
    return ids


def _solves(done: int, total: int) -> str:
    return f"{done}/{total} solves"


@click.command(
    name="explain",
    short_help="Explain a plan: repairs, why in / why out, what binds.",
    epilog=exit_codes(0, 1, 2, 3, 4, 5, 6, done="plan found and explained"),
)
@instance_argument
@click.option(
    "--plan", "plan_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Plan JSON to explain (from `solve --output`); default: solve first.",
)  # fmt: skip
@click.option(
    "--only", callback=_ids, metavar="ID[,ID]",
    help="Explain only these initiatives (why in / why out).",
)  # fmt: skip
@time_limit_option("each re-solve")
@click.option(
    "--step", type=STEP, default=0.05, metavar="SHARE",
    show_default=True,
    help="Share of a period's limit raised and cut to measure its marginal value.",
)  # fmt: skip
@click.option(
    "--alternatives", type=click.IntRange(min=1, max=10), default=3,
    show_default=True, help="Repairs to look for when the instance is infeasible.",
)  # fmt: skip
@threads_option(
    "Threads HiGHS may use per re-solve (default: HiGHS decides; 1 is often "
    "faster for many small re-solves)."
)
@click.option("--no-why", is_flag=True, help="Skip why in / why out.")
@click.option(
    "--no-marginal", is_flag=True,
    help="Skip the marginal values of limits (two re-solves per budget-period).",
)  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan JSON with its `explanations` section here; '-' prints "
    "it to stdout and the explanations to stderr.",
)  # fmt: skip
@click.option(
    "--xlsx", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the plan workbook with the Why, Bottlenecks, Binding and Repairs "
    "sheets here.",
)  # fmt: skip
@click.option(
    "--csv", "csv_folder", type=click.Path(file_okay=False, path_type=Path),
    metavar="FOLDER", help="Write the plan tables and the explanation tables "
    "(why.csv, bottlenecks.csv, binding.csv, repairs.csv) into this folder.",
)  # fmt: skip
@force_option
@progress_option
@debug_option
@error_boundary
def explain_command(
    instance: Path,
    plan_file: Path | None,
    only: list[str],
    time_limit: float | None,
    step: float,
    alternatives: int,
    threads: int | None,
    no_why: bool,
    no_marginal: bool,
    output: Path | None,
    xlsx: Path | None,
    csv_folder: Path | None,
    force: bool,
    progress_flag: bool,
) -> int:
    """Explain INSTANCE: smallest repairs, why in / why out, what binds.

    An infeasible instance gets the smallest repairs found (exit 3); a plan gets,
    for every initiative, the price of forcing it the other way, and for every
    budget and resource its utilisation and marginal value (exit 0). Every figure
    comes from re-solving the integer model.
    """
    to_stdout = output == DASH
    targets = po.PlanTargets(
        json=None if to_stdout else output, xlsx=xlsx, csv=csv_folder
    )
    inputs = [("instance file", instance)]
    inputs += [("plan file", plan_file)] if plan_file is not None else []
    check_outputs(inputs, targets.targets(explanations=True), force)
    started = datetime.now(UTC)
    doing(f"reading {instance}")
    inst = po.load_instance(instance)
    given = po.read_plan_choice(plan_file) if plan_file is not None else None
    doing(f"explaining {instance}")
    asked = "" if no_why else counted(len(only or inst.initiatives), "initiative")
    asked += ", " if asked else ""
    with progress(
        "explain",
        progress_flag,
        lambda n: f"{asked}about {counted(n, 'solve')}",
        _solves,
    ) as bar:
        result = po.explain(
            inst, given, settings=po.SolveSettings(time_limit=time_limit,
            threads=threads), only=only or None, why=not no_why,
            marginal=not no_marginal, step=step, alternatives=alternatives,
            progress=bar,
        )  # fmt: skip
    # files first: a closed or full stdout must not cost them
    doing("writing the outputs", "writing")
    written = po.write_plan_outputs(result.plan, targets, instance, started)
    doing("printing the explanations", "written")
    text = po.plan_stdout_json(result.plan, instance, started) if to_stdout else None
    print_plan(text, result.text(), written)
    return result.exit_code
