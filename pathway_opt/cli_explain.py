"""`pathway-opt explain`: smallest repairs, why in / why out, what binds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from pathway_opt.cli_common import (
    debug_option,
    error_boundary,
    instance_argument,
    threads_option,
    time_limit_option,
)
from pathway_opt.explanations import explain, read_plan
from pathway_opt.export import write_plan_json
from pathway_opt.export_csv import write_plan_csv
from pathway_opt.export_xlsx import write_plan_xlsx
from pathway_opt.io import load_instance
from pathway_opt.plan_tables import make_provenance
from pathway_opt.solver import SolveSettings


def _ids(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    if value is None:
        return []
    ids = [v.strip() for v in value.split(",") if v.strip()]
    if not ids:
        raise click.BadParameter("give initiative ids separated by commas")
    return ids


def _check_outputs(inputs: list[Path], outputs: list[Path | None]) -> None:
    """Refuse an output that would overwrite an input or another output (exit 2)."""
    given = [o for o in outputs if o is not None]
    sources = {p.resolve() for p in inputs}
    for target in given:
        if target.resolve() in sources:
            raise click.BadParameter(
                f"{target} is an input file; choose another name so it is not "
                "overwritten",
                param_hint="'--output' / '--xlsx' / '--csv'",
            )
    if len({t.resolve() for t in given}) != len(given):
        raise click.BadParameter(
            "two outputs name the same file", param_hint="'--output' / '--xlsx'"
        )


@click.command(name="explain")
@instance_argument
@click.option(
    "--plan", "plan_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Plan JSON to explain (from `solve --output`); default: solve first.",
)  # fmt: skip
@click.option(
    "--only", callback=_ids, metavar="ID[,ID]",
    help="Explain only these initiatives (why in / why out).",
)  # fmt: skip
@time_limit_option("Seconds each re-solve may take (default: no limit).")
@click.option(
    "--step", type=click.FloatRange(min=0, min_open=True, max=1), default=0.05,
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
    help="Write the plan JSON with its `explanations` section here.",
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
) -> int:
    """Explain INSTANCE: smallest repairs, why in / why out, what binds.

    An infeasible instance gets the smallest repairs found (exit 3); a plan gets,
    for every initiative, the price of forcing it the other way, and for every
    budget and resource its utilisation and marginal value (exit 0). Every figure
    comes from re-solving the integer model.
    """
    inputs = [instance] + ([plan_file] if plan_file else [])
    _check_outputs(inputs, [output, xlsx])
    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise click.BadParameter("must end in .xlsx", param_hint="'--xlsx'")
    started = datetime.now(UTC)
    inst = load_instance(instance)
    given = read_plan(plan_file) if plan_file is not None else None
    result = explain(
        inst, given, settings=SolveSettings(time_limit=time_limit, threads=threads),
        only=only or None, why=not no_why, marginal=not no_marginal, step=step,
        alternatives=alternatives,
    )  # fmt: skip
    click.echo(result.text())
    if output is not None:
        write_plan_json(result.plan, output)
        click.echo(f"\nplan with explanations written to {output}")
    provenance = make_provenance(instance, started)
    if xlsx is not None:
        write_plan_xlsx(result.plan, xlsx, provenance=provenance)
        click.echo(f"plan workbook written to {xlsx}")
    if csv_folder is not None:
        write_plan_csv(result.plan, csv_folder, provenance=provenance)
        click.echo(f"plan tables written to {csv_folder}")
    return result.exit_code
