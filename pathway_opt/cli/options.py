"""What every command shares: the error boundary, common arguments and options."""

from __future__ import annotations

import contextlib
import signal
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

import pathway_opt as po
from pathway_opt.cli.signals import (
    Stopped,
    started,
    stop_on_signals,
    stopped_message,
)
from pathway_opt.cli.stdout import closed_quietly, guarded_stdout, standard_fds_open

_DEBUG_HELP = "Show a traceback on internal errors."


def error_boundary(func: Callable[..., int]) -> Callable[..., None]:
    """Turn library errors into one message and their exit code, never a traceback.

    The command runs with every HiGHS solve in a child process and the stop
    signals raising :class:`~pathway_opt.cli.signals.Stopped`, so Ctrl-C,
    SIGTERM and SIGHUP end it at once with 130, 143 and 129, its processes with
    it. Its stdout may fail (a closed pipe, a full disk) without changing how it
    ends: a closed pipe is not mentioned, another failure in one line on stderr.
    """

    @wraps(func)
    def wrapper(*args: Any, debug: bool = False, **kwargs: Any) -> None:
        standard_fds_open()
        with guarded_stdout() as stdout:
            code = _run(func, debug, *args, **kwargs)
        failed = stdout.failed if stdout is not None else None
        if failed is not None and not closed_quietly(failed):
            _say(f"warning: the output to stdout was cut short: {failed.strerror}")
        sys.exit(code)

    return wrapper


def _run(func: Callable[..., int], debug: bool, *args: Any, **kwargs: Any) -> int:
    """Run a command; its exit code, also when it fails or is stopped."""
    started()
    try:
        with stop_on_signals(), po.stoppable_solves():
            return func(*args, **kwargs)
    except click.ClickException:
        raise  # usage errors: click prints them and exits 2
    except Stopped as stop:
        _say(stopped_message(stop, _command()))
        return stop.exit_code
    except KeyboardInterrupt:  # Ctrl-C where no handler was set (another thread)
        _say(stopped_message(Stopped(signal.SIGINT), _command()))
        return 128 + signal.SIGINT
    except po.PathwayError as exc:
        _say(f"error: {exc}")
        return exc.exit_code
    except Exception as exc:  # the last line of defence: one line, exit 5
        if debug:
            traceback.print_exc()
        _say(
            f"internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for details)"
        )
        return 5


def _say(line: str) -> None:
    """One line on stderr, unless stderr is gone too."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(line, err=True)


def _command() -> str:
    """The command as typed, e.g. ``pathway-opt solve``."""
    ctx = click.get_current_context(silent=True)
    return ctx.command_path if ctx is not None else "pathway-opt"


instance_argument = click.argument(
    "instance", type=click.Path(dir_okay=False, path_type=Path)
)
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


node_limit_option = click.option(
    "--node-limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Branch-and-bound nodes HiGHS may explore (default: no limit). Unlike "
    "--time-limit it stops at the same point on every run: the same plan.",
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
