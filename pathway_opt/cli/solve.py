"""`solve` and `validate`: an instance in, a plan (or its problems) out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

import pathway_opt as po
from pathway_opt.cli.options import (
    check_outputs,
    debug_option,
    error_boundary,
    force_option,
    instance_argument,
    mip_gap_option,
    node_limit_option,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli.signals import doing


@click.command(name="solve")
@instance_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the plan JSON here (written atomically).",
)
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path),
    help="Write the plan workbook here: summary, tables, schedule, budget chart.",
)
@click.option(
    "--csv",
    "csv_folder",
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="Write the plan tables as CSV files (UTF-8 with BOM) and run.json into "
    "this folder.",
)
@force_option
@time_limit_option("the solve")
@node_limit_option
@mip_gap_option
@threads_option()
@debug_option
@error_boundary
def solve_command(
    instance: Path,
    output: Path | None,
    xlsx: Path | None,
    csv_folder: Path | None,
    force: bool,
    time_limit: float | None,
    node_limit: int | None,
    mip_gap: float,
    threads: int | None,
) -> int:
    """Solve INSTANCE (.json or .xlsx) and print the plan; exit 0 with a plan."""
    targets = po.PlanTargets(json=output, xlsx=xlsx, csv=csv_folder)
    check_outputs([("instance file", instance)], targets.targets(), force)
    started = datetime.now(UTC)
    doing(f"reading {instance}")
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads,
        node_limit=node_limit,
    )  # fmt: skip
    doing(f"solving {instance}")
    plan = po.solve(inst, settings)
    # files first: a closed or full stdout must not cost them
    doing("writing the outputs", "writing")
    written = po.write_plan_outputs(plan, targets, instance, started)
    doing("printing the plan", "written")
    click.echo(po.summary(plan))
    if written:
        click.echo("\n" + "\n".join(written))
    return plan.exit_code


@click.command(name="validate")
@instance_argument
@debug_option
@error_boundary
def validate_command(instance: Path) -> int:
    """Check INSTANCE without solving; exit 0 if valid, 1 with every problem."""
    inst = po.load_instance(instance)
    n_rules = len(inst.rules)
    click.echo(
        f"{instance}: valid ({len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods, {len(inst.budgets)} budgets, "
        f"{len(inst.resources)} resources, {n_rules} rules)"
    )
    for warning in po.instance_warnings(inst):
        click.echo(f"warning: {warning}")
    return 0
