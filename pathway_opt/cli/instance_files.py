"""Commands that write instance files: `schema`, `generate`, `template`, `convert`."""

from __future__ import annotations

import json
from pathlib import Path

import click

import pathway_opt as po
from pathway_opt.cli.options import (
    debug_option,
    error_boundary,
)


@click.command(name="schema")
@debug_option
@error_boundary
def schema_command() -> int:
    """Print the JSON Schema of the instance format."""
    click.echo(
        json.dumps(po.Instance.model_json_schema(), indent=2, ensure_ascii=False)
    )
    return 0


@click.command(name="generate")
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
    data = po.generate(initiatives, periods, seed)
    load = po.instance_from_data(data)  # what we write must be valid
    po.write_atomic(output, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
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


@click.command(name="template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--periods",
    default=",".join(po.DEFAULT_PERIODS),
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
    po.write_template(path, periods)
    click.echo(
        f"template written to {path}: fill in the sheets (hover over a header for "
        f"its meaning), then run `pathway-opt solve {path}`"
    )
    return 0


@click.command(name="convert")
@click.argument("source", type=click.Path(path_type=Path))  # a folder: exit 1
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@debug_option
@error_boundary
def convert_command(source: Path, target: Path) -> int:
    """Convert an instance between JSON and an .xlsx workbook (by extension)."""
    if target.suffix.lower() not in po.TARGET_SUFFIXES:
        raise click.BadParameter("must end in .json or .xlsx", param_hint="'TARGET'")
    if target.resolve() == source.resolve():
        raise click.BadParameter(
            "is the source file itself; choose another name so it is not overwritten",
            param_hint="'TARGET'",
        )
    inst = po.convert(source, target)
    click.echo(
        f"{source} -> {target}: {len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods, {len(inst.rules)} rules"
    )
    return 0
