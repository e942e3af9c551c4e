"""Processes pathway-opt starts: they end with it, and leave signals to it.

HiGHS's child processes (:mod:`pathway_opt.solver.highs_process`) and a sweep's
worker processes (:mod:`pathway_opt.whatif.parallel`) are started inside
:func:`signals_held` and call :func:`serve_quietly` first thing. Then:

- Ctrl-C is handled by the process that started them (it stops them; a terminal
  sends SIGINT to every process in its foreground group), so they ignore SIGINT;
  SIGTERM and SIGHUP end them as usual;
- on Linux they get SIGKILL when their parent ends, however it ends (even by
  SIGKILL), through ``prctl(PR_SET_PDEATHSIG)``. Linux sends it when the
  *thread* that started the child ends, so it is set only for children started
  by the main thread; others end when they next read from or write to their
  parent (see :class:`~pathway_opt.solver.highs_process.Child`).

:func:`stoppable_solves` makes every HiGHS run of this process happen in a child
process, also without a time limit, so that a signal stops it at once: HiGHS in
this process checks for an interruption only now and then (a 3,000-initiative
model went on for 164 s after it was asked to stop). The command line runs inside
it. This module needs only the standard library.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator

#: Signals that stop a run of the command line (children leave them to it).
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP")
    if hasattr(signal, name)
)

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

_stoppable = [False]


@contextlib.contextmanager
def stoppable_solves() -> Iterator[None]:
    """While open, every HiGHS run of this process happens in a child process.

    Where processes cannot be forked (Windows, macOS spawn), the run stays in
    this process and is interrupted through HiGHS's callbacks instead.
    """
    saved = _stoppable[0]
    _stoppable[0] = True
    try:
        yield
    finally:
        _stoppable[0] = saved


def solves_stoppable() -> bool:
    """Whether :func:`stoppable_solves` is open."""
    return _stoppable[0]


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back the stop signals in this thread while a child process starts.

    A child starts with this thread's signal handlers; held back, a signal
    reaches it only once :func:`serve_quietly` has replaced them (without this a
    Ctrl-C in that moment would show a traceback from the child). In this process
    a held signal is handled when the block ends.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)


def started_by_main_thread() -> bool:
    """Whether a child started now may be tied to this process's life (see above)."""
    return threading.current_thread() is threading.main_thread()


def serve_quietly(parent: int, tied: bool) -> None:
    """First thing in a child process: its signals, and its life tied to its parent.

    ``parent`` is the process id of the process that started it, ``tied`` whether
    that was its main thread (:func:`started_by_main_thread`). Ends the child at
    once if that parent has already gone.
    """
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    for stop in STOP_SIGNALS:
        if stop != signal.SIGINT:
            signal.signal(stop, signal.SIG_DFL)
    if tied and sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(0)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
