"""`pathway-opt compare`: scenarios from a JSON file against the base plan."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
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
    mip_gap_option,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli.progress import progress, progress_option
from pathway_opt.cli.signals import doing
from pathway_opt.cli.stdout import DASH, data_stream, message_stream
from pathway_opt.cli.words import counts


@click.command(
    name="compare",
    short_help="Solve an instance and its scenarios; compare the plans.",
    epilog=exit_codes(0, 1, 2, 3, 4, 5, 6, done="the base plan found"),
)
@instance_argument
@click.argument("scenarios", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output", "-o", type=click.Path(path_type=Path),
    help="Write the comparison JSON here (written atomically): each scenario's "
    "row, selection and edits; '-' prints it to stdout and the table to stderr.",
)  # fmt: skip
@click.option(
    "--xlsx", type=click.Path(path_type=Path),
    help="Write the comparison workbook here: the comparison, then one sheet per "
    "scenario (named after it) with its selection.",
)  # fmt: skip
@click.option(
    "--csv", "csv_folder", type=click.Path(path_type=Path), metavar="FOLDER",
    help="Write comparison.csv, selected.csv, budgets.csv, resources.csv (UTF-8 "
    "with BOM) and run.json into this folder.",
)  # fmt: skip
@force_option
@time_limit_option("each solve (the base and every scenario)")
@mip_gap_option
@threads_option()
@progress_option
@debug_option
@error_boundary
def compare_command(
    instance: Path,
    scenarios: Path,
    output: Path | None,
    xlsx: Path | None,
    csv_folder: Path | None,
    force: bool,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
    progress_flag: bool,
) -> int:
    """Solve INSTANCE and every scenario of SCENARIOS (JSON) on one built model.

    A scenario is {"name": ..., "edits": [{"op": "scale_budget", "budget":
    "central", "factor": 0.9, "periods": ["2028"]}, ...]}; a file holds one
    scenario or a list. Every scenario is checked before anything is solved.
    Exit 0 when the base has a plan (scenarios may not).
    """
    to_stdout = output == DASH
    targets = [po.Target("--output", output)] if output and not to_stdout else []
    targets += [po.Target("--xlsx", xlsx, suffixes=(".xlsx",))] if xlsx else []
    if csv_folder is not None:
        names = po.COMPARISON_CSV_FILES
        targets.append(po.Target("--csv", csv_folder, names=names))
    inputs = [("instance file", instance), ("scenarios file", scenarios)]
    check_outputs(inputs, targets, force)
    started = datetime.now(UTC)
    doing(f"reading {instance} and {scenarios}")
    inst = po.load_instance(instance)
    edits = po.load_scenarios(scenarios)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    doing(f"solving {instance} and the scenarios of {scenarios}")
    try:
        size = counts((len(edits), "scenario"), (len(edits) + 1, "solve"))
        with progress("compare", progress_flag, lambda n: size) as bar:
            plans = po.run_scenarios(inst, edits, settings, progress=bar)
    except po.InputError as exc:  # an edit that does not fit this instance
        raise po.InputError(exc.problems, source=str(scenarios)) from None
    table = po.compare(plans)
    prov = _provenance(instance, scenarios, started)
    data = {"base": [], **{s.name: s.model_dump(mode="json")["edits"] for s in edits}}
    # files first: a closed or full stdout must not cost them
    doing("writing the comparison", "writing")
    written = []
    if output is not None and not to_stdout:
        po.write_comparison_json(table, plans, output, provenance=prov, edits=data)
        written.append(f"comparison written to {output}")
    if xlsx is not None:
        po.write_comparison_xlsx(table, plans, xlsx)
        written.append(f"comparison workbook written to {xlsx}")
    if csv_folder is not None:
        po.write_comparison_csv(table, plans, csv_folder, provenance=prov, edits=data)
        written.append(f"comparison tables written to {csv_folder}")
    doing("printing the comparison", "written")
    to = message_stream(to_stdout)
    click.echo(table.to_string(float_format=lambda v: f"{v:,.4f}"), file=to)
    if written:
        click.echo("\n" + "\n".join(written), file=to)
    if to_stdout:
        text = po.comparison_json(table, plans, provenance=prov, edits=data)
        click.echo(text, file=data_stream(), nl=False)
    return plans["base"].exit_code


def _provenance(instance: Path, scenarios: Path, started: datetime) -> dict[str, str]:
    """The instance's provenance, plus the scenarios file and its SHA-256."""
    data = dataclasses.asdict(po.make_provenance(instance, started))
    of_scenarios = po.make_provenance(scenarios, started)
    data["scenarios_source"] = of_scenarios.source
    data["scenarios_sha256"] = of_scenarios.sha256
    return data
