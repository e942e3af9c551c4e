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
from typing import Any, TextIO


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
