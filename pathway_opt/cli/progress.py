"""Progress of a long command on stderr: its size up front, then a bar.

One helper for every command that re-solves many times (sweep, frontier,
explain, compare, alternatives). On a terminal it prints one size line
("explain: 18 initiatives, about 31 solves") and a click progress bar;
elsewhere (a log, a pipe, CliRunner) it prints nothing unless the command's
``--progress`` is given, and then the size line and a line per update, at
most one a second. ``--quiet``
silences both. The library reports through ``progress(done, total)`` callbacks
and never prints.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import click

#: Seconds between two progress lines when stderr is not a terminal.
LINE_EVERY = 1.0

progress_option = click.option(
    "--progress",
    "progress_flag",
    is_flag=True,
    help="Report the size of the run and its progress on stderr even when it is "
    "not a terminal (on a terminal they are shown anyway; --quiet hides them).",
)


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.params.get("quiet"))


class Progress:
    """The size line and the bar (or lines) of one command on stderr.

    Call it as ``progress(done, total)``, as the library's callbacks are; the
    first call prints the size line. ``total`` may change between calls (an
    estimate revised), ``done`` only grows.
    """

    def __init__(
        self,
        label: str,
        shown: bool,
        size: Callable[[int], str],
        describe: Callable[[int, int], str] | None = None,
    ) -> None:
        self.label, self.shown = label, shown
        self.terminal = shown and sys.stderr.isatty()
        self._size: Callable[[int], str] | None = size
        self._describe = describe or (lambda done, total: f"{done}/{total}")
        self._bar: Any = None
        self._done = 0
        self._last_line = -float("inf")
        self._last_shown = (-1, -1)

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (the size line first, once)."""
        if not self.shown:
            return
        if self._size is not None:
            click.echo(f"{self.label}: {self._size(total)}", err=True)
            self._size = None
        if self.terminal:
            self._update_bar(done, total)
            return
        now = time.monotonic()
        if (done, total) == self._last_shown:
            return
        if done in (0, total) or now - self._last_line >= LINE_EVERY:
            self._last_line, self._last_shown = now, (done, total)
            line = f"{self.label}: {self._describe(done, total)}"
            click.echo(line, err=True)

    def _update_bar(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(
                length=max(total, 1), label=self.label, file=sys.stderr
            )
            self._bar.__enter__()
        self._bar.length = max(total, done, 1)
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        """End the bar's line (the run ended, or failed)."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextlib.contextmanager
def progress(
    label: str,
    forced: bool,
    size: Callable[[int], str],
    describe: Callable[[int, int], str] | None = None,
) -> Iterator[Progress]:
    """A :class:`Progress` shown on a terminal, or anywhere with ``forced``.

    Args:
        label: the command, the start of every line (``sweep``).
        forced: the command's ``--progress``.
        size: the size line from the first call's ``total`` (``21 points on
            2 worker(s)``); say "about" where the total is an estimate.
        describe: the line for ``(done, total)`` when stderr is not a terminal
            (default ``done/total``).
    """
    shown = not _quiet() and (forced or sys.stderr.isatty())
    bar = Progress(label, shown, size, describe)
    try:
        yield bar
    finally:
        bar.close()
