"""`pathway-opt compare`: scenarios from a JSON file against the base plan."""

from __future__ import annotations

from pathlib import Path

import click

import pathway_opt as po
from pathway_opt.cli.options import (
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
    instance_argument,
    time_limit_option,
)
from pathway_opt.cli.signals import doing


@click.command(
    name="compare",
    short_help="Solve an instance and its scenarios; compare the plans.",
    epilog=exit_codes(0, 1, 2, 3, 4, 5, 6, done="the base plan found"),
)
@instance_argument
@click.argument("scenarios", type=click.Path(dir_okay=False, path_type=Path))
@time_limit_option("each solve (the base and every scenario)")
@click.option(
    "--xlsx", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the comparison and each plan's selection to this workbook.",
)  # fmt: skip
@click.option(
    "--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the comparison table to this CSV file (UTF-8 with BOM).",
)  # fmt: skip
@force_option
@debug_option
@error_boundary
def compare_command(
    instance: Path,
    scenarios: Path,
    time_limit: float | None,
    xlsx: Path | None,
    csv_path: Path | None,
    force: bool,
) -> int:
    """Solve INSTANCE and every scenario of SCENARIOS (JSON) on one built model.

    A scenario is {"name": ..., "edits": [{"op": "scale_budget", "budget":
    "central", "factor": 0.9, "periods": ["2028"]}, ...]}; a file holds one
    scenario or a list. Every scenario is checked before anything is solved.
    Exit 0 when the base has a plan (scenarios may not).
    """
    targets = [po.Target("--xlsx", xlsx, suffixes=(".xlsx",))] if xlsx else []
    targets += [po.Target("--csv", csv_path)] if csv_path else []
    inputs = [("instance file", instance), ("scenarios file", scenarios)]
    check_outputs(inputs, targets, force)
    doing(f"reading {instance} and {scenarios}")
    inst = po.load_instance(instance)
    edits = po.load_scenarios(scenarios)
    doing(f"solving {instance} and the scenarios of {scenarios}")
    try:
        plans = po.run_scenarios(inst, edits, po.SolveSettings(time_limit=time_limit))
    except po.InputError as exc:  # an edit that does not fit this instance
        raise po.InputError(exc.problems, source=str(scenarios)) from None
    table = po.compare(plans)
    doing("printing and writing the comparison", "writing")
    click.echo(table.to_string(float_format=lambda v: f"{v:,.4f}"))
    if xlsx is not None:
        sheets = [("Comparison", "Scenario comparison", table.reset_index())]
        for n, (name, plan) in enumerate(plans.items(), start=1):
            sheets.append((f"Plan {n}", f"Selected in {name}", plan.selected_table()))
        po.write_tables_xlsx(sheets, xlsx)
        click.echo(f"\ncomparison written to {xlsx}")
    if csv_path is not None:
        po.write_atomic(csv_path, po.csv_text(table.reset_index()).encode("utf-8-sig"))
        click.echo(f"comparison written to {csv_path}")
    return plans["base"].exit_code
