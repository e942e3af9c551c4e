"""What every command shares: the error boundary, common arguments and options."""

from __future__ import annotations

import contextlib
import math
import os
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
from pathway_opt.cli.stdout import (
    closed_quietly,
    error_stream,
    guarded_stdout,
    quieted,
    standard_fds_open,
)
from pathway_opt.cli.words import counted

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
    def wrapper(
        *args: Any, debug: bool = False, quiet: bool = False, **kwargs: Any
    ) -> None:
        standard_fds_open()
        with guarded_stdout() as stdout, quieted(quiet):
            code = _run(func, debug, *args, **kwargs)
        failed = stdout.failed if stdout is not None else None
        if failed is not None and not closed_quietly(failed) and not quiet:
            _say(f"warning: the output to stdout was cut short: {failed.strerror}")
        sys.exit(code)

    return quiet_option(wrapper)


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
            traceback.print_exc(file=error_stream())
        _say(
            f"internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for details)"
        )
        return 5


def _say(line: str) -> None:
    """One line on stderr (also with --quiet), unless stderr is gone too."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(line, file=error_stream())


def _command() -> str:
    """The command as typed, e.g. ``pathway-opt solve``."""
    ctx = click.get_current_context(silent=True)
    return ctx.command_path if ctx is not None else "pathway-opt"


QUIET_HELP = (
    "Print nothing but errors: no summary, notes, warnings or progress. Data "
    "asked for on stdout (-o -, --json, the schema) is still printed."
)
quiet_option = click.option(
    "--quiet", "-q", is_flag=True, is_eager=True, help=QUIET_HELP
)

#: What each exit code means, for the epilog of every command's help.
EXIT_CODES = {
    1: "invalid input",
    2: "usage error",
    3: "infeasible",
    4: "no plan within the limit",
    5: "solver or internal failure",
    6: "output not written",
}
_SIGNALS = "130, 143, 129  stopped by Ctrl-C, SIGTERM, SIGHUP"


def exit_codes(*codes: int, done: str = "done") -> str:
    """The help epilog listing `codes` (and the stop signals), unwrapped."""
    lines = ["\b", "Exit codes:"]
    for code in codes:
        meaning = done if code == 0 else EXIT_CODES[code]
        lines.append(f"  {code:<13}  {meaning}")
    lines.append(f"  {_SIGNALS}")
    return "\n".join(lines)


# Folders are let through so that the loader reports them as invalid input
# (exit 1), like any other file it cannot read.
instance_argument = click.argument("instance", type=click.Path(path_type=Path))
debug_option = click.option("--debug", is_flag=True, help=_DEBUG_HELP)


# --- numbers: finite and in range, or a usage error naming the option ---------


def _plain(number: float) -> str:
    """``10,000,000`` rather than ``1e+07``; ``0.5`` as it is."""
    return f"{int(number):,}" if number.is_integer() else f"{number:g}"


class Number(click.ParamType):
    """A finite number in a range; nan, inf and overflow are usage errors (exit 2).

    click's FloatRange lets ``nan`` through (every comparison with it is false)
    and ``inf`` / ``1e400`` through an open top; this type refuses both.
    """

    name = "number"

    def __init__(
        self,
        low: float,
        high: float,
        *,
        low_open: bool = False,
        high_open: bool = False,
        unit: str = "",
        high_hint: str = "",
    ) -> None:
        self.low, self.high, self.low_open = float(low), float(high), low_open
        self.high_open = high_open
        self.unit, self.high_hint = unit, high_hint

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        """The value as a float, or fail with what is wrong and the range."""
        if isinstance(value, float | int) and not isinstance(value, bool):
            number = float(value)
        else:
            text = str(value).strip()
            try:
                number = float(text)
            except (ValueError, OverflowError):
                self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"must be a finite number, got {value!r}", param, ctx)
        too_low = number < self.low or (self.low_open and number == self.low)
        too_high = number > self.high or (self.high_open and number == self.high)
        if too_low or too_high:
            hint = self.high_hint if too_high else ""
            self.fail(f"must be {self.range()}, got {value!r}{hint}", param, ctx)
        return number

    def range(self) -> str:
        """The range in words, e.g. ``at least 0 and at most 1``."""
        low = f"{'more than' if self.low_open else 'at least'} {_plain(self.low)}"
        high = f"{'less than' if self.high_open else 'at most'} {_plain(self.high)}"
        return f"{low} and {high}{self.unit}"

    def get_metavar(self, *args: Any, **kwargs: Any) -> str:
        """Shown in --help."""
        return "NUMBER"


#: Longest --time-limit (seconds, about 11.6 days). The wait for HiGHS's process
#: takes at most 2**31 - 1 ms (measured: 2,147,000 s solves, 2,147,483 s fails
#: with "timeout is too large"). Leave the option out for no limit.
MAX_TIME_LIMIT = 1_000_000.0

#: What --time-limit bounds, for every command's help (measured, not promised:
#: HiGHS is stopped at most a second after the limit).
TIME_LIMIT_SCOPE = (
    "preparing the model and HiGHS's run (HiGHS is stopped at most 1 s past the "
    "limit); reading the input, the final check of the plan, explaining a "
    "missing plan and writing files come on top"
)


def time_limit_option(
    what: str = "each solve",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--time-limit`` option: seconds for `what`, finite, 0 to 1e6."""
    seconds = Number(
        0, MAX_TIME_LIMIT, unit=" s", high_hint="; leave it out for no limit"
    )
    return click.option(
        "--time-limit",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help=f"Seconds for {what}: {TIME_LIMIT_SCOPE} (default: no limit).",
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
    type=Number(0, 1),
    default=0.0,
    metavar="GAP",
    show_default=True,
    help="Relative gap at which a plan counts as optimal (0 = proven optimal).",
)

#: ``explain --step``: share of a limit raised and cut.
STEP = Number(0, 1, low_open=True)


# --- cores, workers and other ceilings ----------------------------------------

#: Environment variable overriding the cores pathway-opt assumes it may use.
CORES_ENV = "PATHWAY_OPT_CORES"
#: Environment variable raising the most points one sweep may have.
MAX_POINTS_ENV = "PATHWAY_OPT_MAX_POINTS"
#: Most points one sweep may have unless PATHWAY_OPT_MAX_POINTS says otherwise.
MAX_POINTS = 100_000


def _limit(name: str, default: float) -> int:
    try:
        return int(po.env_limit(name, default))
    except po.UsageError as exc:
        raise click.UsageError(str(exc)) from None


def cores() -> int:
    """Cores this process may use: PATHWAY_OPT_CORES, else the CPU affinity."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, _limit(CORES_ENV, available))


def max_points() -> int:
    """Most points one sweep may have (PATHWAY_OPT_MAX_POINTS, else 100,000)."""
    return max(1, _limit(MAX_POINTS_ENV, MAX_POINTS))


def _capped(option: str, value: int, what: str) -> int:
    """`value`, or the cores when it is more, with a note on stderr.

    `what` is the singular noun of what is capped ("thread").
    """
    limit = cores()
    if value <= limit:
        return value
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("quiet"):
        return limit
    click.echo(
        f"note: {option} {value} is more than the {counted(limit, 'core')} "
        f"available; using {counted(limit, what)} (set {CORES_ENV} to allow more)",
        err=True,
    )
    return limit


def _threads(ctx: click.Context, param: click.Parameter, value: int | None) -> Any:
    return None if value is None else _capped("--threads", value, "thread")


def threads_option(
    help_text: str = "Threads HiGHS may use (default: HiGHS decides).",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--threads`` option (at least 1, at most the cores, with a note)."""
    return click.option(
        "--threads",
        type=click.IntRange(min=1),
        default=None,
        callback=_threads,
        help=f"{help_text} More than the cores is capped at the cores.",
    )


workers_option = click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True,
    help="Local processes solving in parallel; more than the cores is capped at "
    f"the cores (set {CORES_ENV} to allow more).",
)  # fmt: skip


def local_workers(workers: int, scheduler: str | None) -> int:
    """The local processes to start: capped at the cores unless on a cluster."""
    if scheduler is not None:
        return workers  # ignored: the cluster decides
    return _capped("--workers", workers, "worker process")


def _scheduler(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is not None and (problem := po.scheduler_problem(value)):
        raise click.BadParameter(problem)
    return value


scheduler_option = click.option(
    "--scheduler", metavar="ADDRESS", callback=_scheduler,
    help="Solve on this Dask scheduler (e.g. tcp://host:8786; needs "
    "pip install 'pathway-opt[distributed]'); --workers is then ignored.",
)  # fmt: skip


# --- outputs: one check for every command -------------------------------------

force_option = click.option(
    "--force",
    is_flag=True,
    help="Replace an existing instance, input workbook or scenarios file "
    "(earlier outputs of pathway-opt are replaced without it).",
)


def check_outputs(
    inputs: list[tuple[str, Path]], targets: list[po.Target], force: bool
) -> None:
    """Refuse outputs before any work (see :func:`pathway_opt.clashes`).

    A clash is a usage error (exit 2); a name no file system accepts is an
    output error (exit 6), since that file could never be written.
    """
    for clash in po.clashes(inputs, targets, force=force):
        raise click.BadParameter(clash.message, param_hint=f"'{clash.option}'")
    for problem in po.name_problems(targets):
        raise po.OutputError(problem)
