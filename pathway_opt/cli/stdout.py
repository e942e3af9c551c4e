"""Standard output that may be closed, full or gone: never worth a plan file.

Commands write their files first and print after. Inside :func:`guarded_stdout`
a failed write to stdout (``| head -1`` closed the pipe, ``> /dev/full``) is
remembered instead of raised, and later output goes nowhere, so the command ends
as it would have. :func:`standard_fds_open` opens a closed descriptor 0, 1 or 2
(``>&-``) on the null device first, so that no file or pipe the run opens takes
its number and receives what is meant for the terminal.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

import click


def standard_fds_open() -> None:
    """Open each closed descriptor of 0, 1 and 2 on the null device."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


class _Guarded:
    """A text stream that remembers its first failed write instead of raising."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failed: OSError | None = None

    def write(self, text: str) -> int:
        if self.failed is None:
            try:
                return self._stream.write(text)
            except OSError as exc:
                self._fail(exc)
        return len(text)

    def flush(self) -> None:
        if self.failed is None:
            try:
                self._stream.flush()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        """Remember the failure; what is still buffered goes to the null device."""
        self.failed = exc
        with contextlib.suppress(OSError, ValueError):
            fd = self._stream.fileno()
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)  # the flush at exit then succeeds, quietly
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded_stdout() -> Iterator[_Guarded | None]:
    """While open, ``sys.stdout`` never raises on a write; yields the guard.

    Yields None when there is no stdout at all (Python found descriptor 1
    closed at start): click then prints nothing.
    """
    stream = sys.stdout
    if stream is None:
        yield None
        return
    guard = _Guarded(stream)
    sys.stdout = guard
    try:
        yield guard
    finally:
        guard.flush()
        sys.stdout = stream


def closed_quietly(exc: OSError) -> bool:
    """Whether a failure means the reader went away (a pipe): end without a word."""
    return exc.errno in (errno.EPIPE, errno.EBADF)


class _Silent:
    """A text stream that drops everything (--quiet)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


#: The real streams while --quiet silences sys.stdout and sys.stderr.
_real: dict[str, Any] = {}


@contextlib.contextmanager
def quieted(quiet: bool) -> Iterator[None]:
    """With `quiet`, everything but errors and asked-for data goes nowhere.

    ``sys.stdout`` and ``sys.stderr`` are silenced; :func:`data_stream` and
    :func:`error_stream` still reach the real ones.
    """
    if not quiet:
        yield
        return
    _real.update(out=sys.stdout, err=sys.stderr)
    sys.stdout = sys.stderr = _Silent()
    try:
        yield
    finally:
        sys.stdout, sys.stderr = _real.pop("out"), _real.pop("err")


def data_stream() -> TextIO:
    """Where data asked for on stdout goes (``-o -``, ``--json``), also quiet."""
    return cast(TextIO, _real.get("out", sys.stdout))


def error_stream() -> TextIO:
    """Where errors go: stderr, also with --quiet."""
    return cast(TextIO, _real.get("err", sys.stderr))


def message_stream(to_stderr: bool) -> TextIO:
    """Where the human messages go: stderr when stdout holds data."""
    return sys.stderr if to_stderr else sys.stdout


#: ``--output -``: the plan JSON on stdout, every message on stderr.
DASH = Path("-")


def print_plan(json_text: str | None, summary: str, written: list[str]) -> None:
    """The summary and written files; with `json_text`, it on stdout, they on stderr."""
    to = message_stream(json_text is not None)
    click.echo(summary, file=to)
    if written:
        click.echo("\n" + "\n".join(written), file=to)
    if json_text is not None:
        click.echo(json_text, file=data_stream(), nl=False)
