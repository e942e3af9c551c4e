"""Commands that write instance files: `schema`, `generate`, `template`, `convert`."""

from __future__ import annotations

import json
from pathlib import Path

import click

import pathway_opt as po
from pathway_opt.cli.options import (
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
)
from pathway_opt.cli.periods import periods_options
from pathway_opt.cli.stdout import data_stream
from pathway_opt.cli.words import counts


@click.command(
    name="schema",
    short_help="Print the JSON Schema of the instance format.",
    epilog=exit_codes(0, 2, 5, done="schema printed"),
)
@debug_option
@error_boundary
def schema_command() -> int:
    """Print the JSON Schema of the instance format."""
    click.echo(
        json.dumps(po.Instance.model_json_schema(), indent=2, ensure_ascii=False),
        file=data_stream(),  # the data asked for: printed also with --quiet
    )
    return 0


#: Most periods of a generated instance.
MAX_GENERATED_PERIODS = 50
GENERATED_PERIODS_WHY = f"a generated instance has at most {MAX_GENERATED_PERIODS}"


def _span(periods: list[str]) -> str:
    """``periods 2027 to 2031`` for the line a command prints."""
    if len(periods) == 1:
        return f"period {periods[0]}"
    return f"periods {periods[0]} to {periods[-1]}"


@click.command(
    name="generate",
    short_help="Write a realistic generated instance.",
    epilog=exit_codes(0, 2, 5, 6, done="instance written"),
)
@click.option(
    "--initiatives",
    "-n",
    type=click.IntRange(min=1, max=1_000_000),
    required=True,
    help="Number of candidate initiatives.",
)
@periods_options("5", MAX_GENERATED_PERIODS, GENERATED_PERIODS_WHY)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--funding-choice",
    is_flag=True,
    help="Let most initiatives the government special fund co-funds split their "
    "cost between it and the university's budget (funded_by, max_share).",
)
@click.option(
    "--variants",
    "variants",
    is_flag=True,
    help="Give a tenth of the multi-year initiatives a reduced or a later version.",
)
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@force_option
@debug_option
@error_boundary
def generate_command(
    initiatives: int,
    periods: list[str],
    first_year: int | None,
    seed: int,
    funding_choice: bool,
    variants: bool,
    output: Path,
    force: bool,
) -> int:
    """Write a realistic generated instance to OUTPUT.

    It models a provincial office planning for many universities, with budgets,
    resources, prerequisite chains, count rules and synergies. An existing
    instance at OUTPUT is replaced only with --force.
    """
    check_outputs([], [po.Target("OUTPUT", output)], force)
    data = po.generate(initiatives, periods, seed, funding_choice, variants)
    load = po.instance_from_data(data)  # what we write must be valid
    po.write_atomic(output, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    sizes = counts(
        (len(load.initiatives), "initiative"), (len(load.periods), "period"),
        (len(load.rules), "rule"),
    )  # fmt: skip
    click.echo(f"{output}: {sizes} ({_span(load.periods)})")
    return 0


# --- spreadsheets: input template and conversion ------------------------------


#: Most periods a workbook can hold: 16,384 columns, three before the periods.
MAX_TEMPLATE_PERIODS = 16_381
TEMPLATE_PERIODS_WHY = (
    f"a workbook holds at most {MAX_TEMPLATE_PERIODS:,} (its sheets have 16,384 "
    "columns)"
)


@click.command(
    name="template",
    short_help="Write an input workbook to fill in.",
    epilog=exit_codes(0, 2, 5, 6, done="workbook written"),
)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@periods_options("3", MAX_TEMPLATE_PERIODS, TEMPLATE_PERIODS_WHY)
@force_option
@debug_option
@error_boundary
def template_command(
    path: Path, periods: list[str], first_year: int | None, force: bool
) -> int:
    """Write an input workbook to fill in: one sheet per part, example rows.

    An existing input workbook (a template, filled in or not) at PATH is
    replaced only with --force.
    """
    check_outputs([], [po.Target("PATH", path, suffixes=(".xlsx",))], force)
    po.write_template(path, periods)
    click.echo(
        f"template written to {path} ({_span(periods)}): fill in the sheets "
        f"(hover over a header for its meaning), then run `pathway-opt solve {path}`"
    )
    return 0


@click.command(
    name="convert",
    short_help="Convert an instance between JSON and .xlsx.",
    epilog=exit_codes(0, 1, 2, 5, 6, done="instance converted"),
)
@click.argument("source", type=click.Path(path_type=Path))  # a folder: exit 1
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@force_option
@debug_option
@error_boundary
def convert_command(source: Path, target: Path, force: bool) -> int:
    """Convert an instance between JSON and an .xlsx workbook (by extension).

    An existing instance or input workbook at TARGET is replaced only with
    --force.
    """
    suffixes = tuple(po.TARGET_SUFFIXES)
    target_ = po.Target("TARGET", target, suffixes=suffixes)
    check_outputs([("source file", source)], [target_], force)
    inst = po.convert(source, target)
    sizes = counts(
        (len(inst.initiatives), "initiative"), (len(inst.periods), "period"),
        (len(inst.rules), "rule"),
    )  # fmt: skip
    click.echo(f"{source} -> {target}: {sizes}")
    return 0
