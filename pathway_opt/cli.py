"""The `pathway-opt` command: parse arguments, call the library, print, exit.

Exit codes: 0 plan found; 1 invalid input; 2 usage error; 3 infeasible;
4 no plan within the limit; 5 solver or internal failure; 6 output not written.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import click

from pathway_opt.cli_common import (
    debug_option,
    error_boundary,
    instance_argument,
    mip_gap_option,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli_explain import explain_command
from pathway_opt.cli_sweep import frontier_command, sweep_command
from pathway_opt.cli_whatif import compare_command
from pathway_opt.convert import TARGET_SUFFIXES, convert
from pathway_opt.export import write_atomic, write_plan_json
from pathway_opt.export_csv import CSV_TABLES, RUN_FILE, write_plan_csv
from pathway_opt.export_xlsx import write_plan_xlsx
from pathway_opt.generate import generate
from pathway_opt.io import instance_from_data, load_instance
from pathway_opt.numerics import range_warnings
from pathway_opt.pipeline import solve
from pathway_opt.plan_tables import make_provenance
from pathway_opt.report import summary
from pathway_opt.schema import Instance
from pathway_opt.solver import SolveSettings
from pathway_opt.template import DEFAULT_PERIODS, write_template


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pathway-opt")
def main() -> None:
    """Choose which industry-education integration initiatives to fund, and when."""


@main.command(name="solve")
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
@time_limit_option("Seconds the whole solve may take (default: no limit).")
@mip_gap_option
@threads_option()
@debug_option
@error_boundary
def solve_command(
    instance: Path,
    output: Path | None,
    xlsx: Path | None,
    csv_folder: Path | None,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
) -> int:
    """Solve INSTANCE (.json or .xlsx) and print the plan; exit 0 with a plan."""
    if output is not None and output.resolve() == instance.resolve():
        raise click.BadParameter(
            "is the instance file itself; choose another file so the instance is "
            "not overwritten",
            param_hint="'--output'",
        )
    _check_spreadsheet_outputs(instance, output, xlsx, csv_folder)
    started = datetime.now(UTC)
    inst = load_instance(instance)
    settings = SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    plan = solve(inst, settings)
    click.echo(summary(plan))
    provenance = make_provenance(instance, started)
    if output is not None:
        write_plan_json(plan, output, dataclasses.asdict(provenance))
        click.echo(f"\nplan written to {output}")
    if xlsx is not None:
        write_plan_xlsx(plan, xlsx, provenance=provenance)
        click.echo(f"plan workbook written to {xlsx}")
    if csv_folder is not None:
        write_plan_csv(plan, csv_folder, provenance=provenance)
        click.echo(f"plan tables written to {csv_folder}")
    return plan.exit_code


def _check_spreadsheet_outputs(
    instance: Path, output: Path | None, xlsx: Path | None, csv_folder: Path | None
) -> None:
    """Refuse outputs that would overwrite the instance or each other (exit 2)."""
    source = instance.resolve()
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise click.BadParameter("must end in .xlsx", param_hint="'--xlsx'")
    if xlsx is not None and xlsx.resolve() == source:
        raise click.BadParameter(
            "is the instance file itself; choose another file so the instance is "
            "not overwritten",
            param_hint="'--xlsx'",
        )
    if xlsx is not None and output is not None and xlsx.resolve() == output.resolve():
        raise click.BadParameter("is also the --output file", param_hint="'--xlsx'")
    if csv_folder is not None:
        names = [*CSV_TABLES, RUN_FILE]
        if any((csv_folder / n).resolve() == source for n in names):
            raise click.BadParameter(
                f"would overwrite the instance file {instance.name}; choose another "
                "folder",
                param_hint="'--csv'",
            )


@main.command(name="validate")
@instance_argument
@debug_option
@error_boundary
def validate_command(instance: Path) -> int:
    """Check INSTANCE without solving; exit 0 if valid, 1 with every problem."""
    inst = load_instance(instance)
    n_rules = len(inst.rules)
    click.echo(
        f"{instance}: valid ({len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods, {len(inst.budgets)} budgets, "
        f"{len(inst.resources)} resources, {n_rules} rules)"
    )
    for warning in range_warnings(inst):
        click.echo(f"warning: {warning}")
    return 0


@main.command(name="schema")
@debug_option
@error_boundary
def schema_command() -> int:
    """Print the JSON Schema of the instance format."""
    click.echo(json.dumps(Instance.model_json_schema(), indent=2, ensure_ascii=False))
    return 0


@main.command(name="generate")
@click.option(
    "--initiatives",
    "-n",
    type=click.IntRange(min=1, max=1_000_000),
    required=True,
    help="Number of candidate initiatives.",
)
@click.option(
    "--periods",
    "-t",
    type=click.IntRange(min=1, max=50),
    default=5,
    show_default=True,
    help="Number of planning periods (years from 2027).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@debug_option
@error_boundary
def generate_command(initiatives: int, periods: int, seed: int, output: Path) -> int:
    """Write a realistic generated instance to OUTPUT.

    It models a provincial office planning for many universities, with budgets,
    resources, prerequisite chains, count rules and synergies.
    """
    data = generate(initiatives, periods, seed)
    load = instance_from_data(data)  # what we write must be valid
    write_atomic(output, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    click.echo(
        f"{output}: {len(load.initiatives)} initiatives, {periods} periods, "
        f"{len(load.rules)} rules"
    )
    return 0


# --- spreadsheets: input template and conversion ------------------------------


def _period_labels(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    labels = [p.strip() for p in value.split(",")]
    if not all(labels) or len(set(labels)) != len(labels):
        raise click.BadParameter("give distinct, non-empty labels separated by commas")
    if any(len(p) > 40 for p in labels):
        raise click.BadParameter("a period label may have at most 40 characters")
    return labels


@main.command(name="template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--periods",
    default=",".join(DEFAULT_PERIODS),
    show_default=True,
    callback=_period_labels,
    help="Planning periods, separated by commas; one budget / capacity column each.",
)
@click.option("--force", is_flag=True, help="Overwrite PATH if it already exists.")
@debug_option
@error_boundary
def template_command(path: Path, periods: list[str], force: bool) -> int:
    """Write an input workbook to fill in: one sheet per part, example rows."""
    if path.suffix.lower() != ".xlsx":
        raise click.BadParameter("must end in .xlsx", param_hint="'PATH'")
    if path.exists() and not force:
        raise click.BadParameter(
            "already exists; choose another name, or pass --force to overwrite it",
            param_hint="'PATH'",
        )
    write_template(path, periods)
    click.echo(
        f"template written to {path}: fill in the sheets (hover over a header for "
        f"its meaning), then run `pathway-opt solve {path}`"
    )
    return 0


@main.command(name="convert")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@debug_option
@error_boundary
def convert_command(source: Path, target: Path) -> int:
    """Convert an instance between JSON and an .xlsx workbook (by extension)."""
    if target.suffix.lower() not in TARGET_SUFFIXES:
        raise click.BadParameter("must end in .json or .xlsx", param_hint="'TARGET'")
    if target.resolve() == source.resolve():
        raise click.BadParameter(
            "is the source file itself; choose another name so it is not overwritten",
            param_hint="'TARGET'",
        )
    inst = convert(source, target)
    click.echo(
        f"{source} -> {target}: {len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods, {len(inst.rules)} rules"
    )
    return 0


main.add_command(compare_command)
main.add_command(explain_command)
main.add_command(sweep_command)
main.add_command(frontier_command)
