"""The `pathway-opt` command: parse arguments, call the library, print, exit.

Exit codes: 0 plan found; 1 invalid input; 2 usage error; 3 infeasible;
4 no plan within the limit; 5 solver or internal failure; 6 output not written.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from pathway_opt.errors import PathwayError
from pathway_opt.export import write_plan_json
from pathway_opt.io import load_instance
from pathway_opt.pipeline import solve
from pathway_opt.report import summary
from pathway_opt.schema import Instance
from pathway_opt.solver import SolveSettings

_DEBUG_HELP = "Show a traceback on internal errors."


def _error_boundary(func: Callable[..., int]) -> Callable[..., None]:
    """Turn library errors into one message and their exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except click.ClickException:
            raise  # usage errors: click prints them and exits 2
        except PathwayError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:  # the last line of defence: one line, exit 5
            if debug:
                traceback.print_exc()
            click.echo(
                f"internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for details)",
                err=True,
            )
            sys.exit(5)
        sys.exit(code)

    return wrapper


instance_argument = click.argument(
    "instance", type=click.Path(dir_okay=False, path_type=Path)
)
debug_option = click.option("--debug", is_flag=True, help=_DEBUG_HELP)


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
    "--time-limit",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds HiGHS may run (default: no limit).",
)
@click.option(
    "--mip-gap",
    type=click.FloatRange(min=0, max=1),
    default=0.0,
    show_default=True,
    help="Relative gap at which a plan counts as optimal (0 = proven optimal).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Threads HiGHS may use (default: HiGHS decides).",
)
@debug_option
@_error_boundary
def solve_command(
    instance: Path,
    output: Path | None,
    time_limit: float | None,
    mip_gap: float,
    threads: int | None,
) -> int:
    """Solve INSTANCE and print the plan; exit 0 with a plan, 3 if infeasible."""
    if output is not None and output.resolve() == instance.resolve():
        raise click.BadParameter(
            "is the instance file itself; choose another file so the instance is "
            "not overwritten",
            param_hint="'--output'",
        )
    inst = load_instance(instance)
    settings = SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads
    )
    plan = solve(inst, settings)
    click.echo(summary(plan))
    if output is not None:
        write_plan_json(plan, output)
        click.echo(f"\nplan written to {output}")
    return plan.exit_code


@main.command(name="validate")
@instance_argument
@debug_option
@_error_boundary
def validate_command(instance: Path) -> int:
    """Check INSTANCE without solving; exit 0 if valid, 1 with every problem."""
    inst = load_instance(instance)
    n_rules = len(inst.rules)
    click.echo(
        f"{instance}: valid ({len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods, {len(inst.budgets)} budgets, "
        f"{len(inst.resources)} resources, {n_rules} rules)"
    )
    return 0


@main.command(name="schema")
@debug_option
@_error_boundary
def schema_command() -> int:
    """Print the JSON Schema of the instance format."""
    click.echo(json.dumps(Instance.model_json_schema(), indent=2, ensure_ascii=False))
    return 0
