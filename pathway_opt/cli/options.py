"""What every command shares: the error boundary, common arguments and options."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

import pathway_opt as po

_DEBUG_HELP = "Show a traceback on internal errors."


def error_boundary(func: Callable[..., int]) -> Callable[..., None]:
    """Turn library errors into one message and their exit code, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except click.ClickException:
            raise  # usage errors: click prints them and exits 2
        except po.PathwayError as exc:
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


# Folders are let through so that the loader reports them as invalid input
# (exit 1), like any other file it cannot read.
instance_argument = click.argument("instance", type=click.Path(path_type=Path))
debug_option = click.option("--debug", is_flag=True, help=_DEBUG_HELP)


def time_limit_option(
    help_text: str = "Seconds each solve may take (default: no limit).",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--time-limit`` option (seconds, at least 0, default none)."""
    return click.option(
        "--time-limit", type=click.FloatRange(min=0), default=None, help=help_text
    )


def threads_option(
    help_text: str = "Threads HiGHS may use (default: HiGHS decides).",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--threads`` option (at least 1, default: HiGHS decides)."""
    return click.option(
        "--threads", type=click.IntRange(min=1), default=None, help=help_text
    )


mip_gap_option = click.option(
    "--mip-gap",
    type=click.FloatRange(min=0, max=1),
    default=0.0,
    show_default=True,
    help="Relative gap at which a plan counts as optimal (0 = proven optimal).",
)


def check_plan_targets(inputs: list[Path], targets: po.PlanTargets) -> None:
    """Refuse plan outputs that would overwrite an input or each other (exit 2)."""
    for clash in po.clashes(inputs, targets):
        raise click.BadParameter(clash.message, param_hint=f"'{clash.option}'")
