"""HiGHS's child process: forked from this one, fed messages, listened to, stopped.

A limited solve runs in a child (see :mod:`pathway_opt.highs_run`): a copy of
this process made by fork, so it starts with the model already handed to HiGHS.
:class:`Child` starts one, sends it messages, collects what a run reports until a
deadline, and stops it. A what-if session keeps its child between solves; at
most :data:`KEPT_PROCESSES` are kept at once.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

#: Seconds a solve may run past its time limit before it is stopped.
GRACE = 1.0

#: Child processes kept for re-solves at once (each holds a copy of its model).
KEPT_PROCESSES = 2


@dataclass
class Report:
    """What a child reported during one run."""

    final: Any = None
    """The run's final result, when it reported one."""
    best: tuple[Any, ...] | None = None
    """The last improving plan it sent: (objective, bound, chosen columns)."""
    began: float | None = None
    """When HiGHS began in the child (``time.perf_counter()``)."""
    stopped: float = 0.0
    """When the parent stopped listening."""


class Child:
    """A forked process running ``serve`` on its end of a pipe."""

    def __init__(self, serve: Callable[[Connection], None]) -> None:
        ctx = mp.get_context("fork")
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(theirs,), daemon=True)
        self.process.start()
        theirs.close()
        self.stopped = False

    def send(self, message: tuple[Any, ...]) -> bool:
        """Send a message; False when the child is gone."""
        if self.stopped:
            return False
        try:
            self.conn.send(message)
        except OSError:
            return False
        return True

    def collect(
        self, stop_at: float, on_plan: Callable[[Any], None] | None = None
    ) -> Report:
        """Listen to one run until its final report, its end or ``stop_at``.

        ``on_plan`` is called with an improving plan's chosen columns when nothing
        newer has arrived yet, so its work overlaps the run instead of following it.
        """
        report = Report()
        try:
            while report.final is None:
                wait = stop_at - time.perf_counter()
                if wait <= 0 or not self.conn.poll(wait):
                    break
                message = self.conn.recv()
                if message[0] == "plan":
                    report.best = message[1:]
                    if on_plan is not None and not self.conn.poll(0):
                        on_plan(message[3])
                elif message[0] == "began":
                    report.began = message[1]
                else:
                    report.final = message[1]
        except EOFError:  # the child ended without a final report
            self.process.join()
        report.stopped = time.perf_counter()
        return report

    @property
    def exitcode(self) -> int | None:
        """The child's exit code once it has ended and been reaped."""
        return self.process.exitcode

    def stop(self) -> None:
        """Stop the child (if it has not ended); :meth:`reap` waits for it."""
        if self.stopped:
            return
        self.stopped = True
        self.conn.close()
        if self.process.is_alive():
            # A large model's process takes milliseconds to go: it is reaped
            # before the next run instead of waited for here.
            self.process.kill()
        else:
            self.process.join()

    def reap(self) -> None:
        """Wait for a stopped child to be gone."""
        self.process.join(GRACE)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


_KEPT: list[Child] = []


def keep(child: Child) -> None:
    """Count ``child`` among the kept ones, stopping the oldest beyond the limit."""
    _KEPT[:] = [c for c in _KEPT if not c.stopped]
    while len(_KEPT) >= KEPT_PROCESSES:
        _KEPT.pop(0).stop()
    _KEPT.append(child)
