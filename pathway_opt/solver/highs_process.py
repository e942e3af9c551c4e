"""HiGHS's child process: forked from this one, sent requests, listened to, stopped.

A limited solve runs in a child (see :mod:`pathway_opt.solver.highs_run`): a copy of
this process made by fork, so it starts with the model already handed to HiGHS.
:class:`Child` starts one, sends it requests, collects what a run reports until a
deadline (the messages are in :mod:`pathway_opt.solver.highs_messages`), and
stops it; :class:`Workers` holds a model's current child and its spare. A what-if
session keeps its child between solves; at most :data:`KEPT_PROCESSES` are kept
at once.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import os
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import assert_never

import numpy as np

from pathway_opt.solver.highs_messages import (
    Began,
    Bounded,
    Change,
    Finished,
    Improved,
    Report,
    Request,
    RunResult,
)
from pathway_opt.solver.processes import (
    serve_quietly,
    signals_held,
    started_by_main_thread,
)

#: Seconds a solve may run past its time limit before it is stopped.
GRACE = 1.0

#: Child processes kept for re-solves at once (each holds a copy of its model; a
#: session's spare counts as one).
KEPT_PROCESSES = 4


@dataclass
class Collected:
    """What a child reported during one run."""

    final: RunResult | None = None
    """The run's result, when it reported one."""
    best: Improved | None = None
    """The last improving plan it sent."""
    began: float | None = None
    """When HiGHS began in the child (``time.perf_counter()``)."""
    stopped: float = 0.0
    """When the parent stopped listening."""

    @property
    def solving(self) -> float | None:
        """Time HiGHS ran until the parent stopped listening (None: it never began)."""
        return None if self.began is None else self.stopped - self.began


class Child:
    """A forked process running ``serve`` on its end of a pipe.

    It ends with this process: on Linux through the parent-death signal (see
    :mod:`pathway_opt.solver.processes`), and anywhere when it next reads from
    the pipe, since it closes every end of a pipe this process holds, so that
    the pipe's end is seen once this process has gone.
    """

    def __init__(self, serve: Callable[[Connection], None]) -> None:
        ctx = mp.get_context("fork")
        self.conn, theirs = ctx.Pipe()
        self.stopped = False
        self.process = ctx.Process(
            target=_child_main,
            args=(serve, theirs, os.getpid(), started_by_main_thread()),
            daemon=True,
        )
        _CHILDREN.add(self)  # before the fork, so the child closes self.conn too
        with signals_held():
            self.process.start()
        theirs.close()

    def send(self, request: Request) -> bool:
        """Send a request; False when the child is gone."""
        if self.stopped:
            return False
        try:
            self.conn.send(request)
        except OSError:
            return False
        return True

    def collect(
        self,
        stop_at: float,
        on_plan: Callable[[np.ndarray, np.ndarray | None], None] | None = None,
        late: tuple[float, Callable[[], None]] | None = None,
        on_bound: Callable[[float], None] | None = None,
    ) -> Collected:
        """Listen to one run until its final report, its end or ``stop_at``.

        ``on_plan`` is called with an improving plan's chosen columns when nothing
        newer has arrived yet, so its work overlaps the run instead of following it.
        ``late`` (instant, call) is called once if the run is still going then.
        ``on_bound`` is called with each dual bound the run reports.
        """
        collected = Collected()
        try:
            while collected.final is None:
                now = time.perf_counter()
                if late is not None and now >= late[0]:
                    late[1]()
                    late = None
                    continue
                if now >= stop_at:
                    break
                until = stop_at if late is None else min(stop_at, late[0])
                wait = None if math.isinf(until) else until - now
                if not self.conn.poll(wait):
                    continue
                report: Report = self.conn.recv()
                match report:
                    case Began():
                        collected.began = report.at
                    case Improved():
                        collected.best = report
                        if on_plan is not None and not self.conn.poll(0):
                            on_plan(report.chosen, report.amounts)
                    case Bounded():
                        if on_bound is not None:
                            on_bound(report.bound)
                    case Finished():
                        collected.final = report.result
                    case _:
                        assert_never(report)
        except EOFError:  # the child ended without a result
            self.process.join()
        collected.stopped = time.perf_counter()
        return collected

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


#: Every child started here, so that a child forked later closes their pipes' ends.
_CHILDREN: weakref.WeakSet[Child] = weakref.WeakSet()


def _child_main(
    serve: Callable[[Connection], None], conn: Connection, parent: int, tied: bool
) -> None:
    """In the forked child: signals and life tied to the parent, then serve."""
    serve_quietly(parent, tied)
    for child in list(_CHILDREN):  # this process's copies of the parent's ends
        child.conn.close()
    with contextlib.suppress(EOFError, OSError):  # the parent closed its end, or ended
        serve(conn)


class Workers:
    """The child processes one HiGHS model runs in.

    The current child runs the solves; a kept one (``kept``) stays for the next
    solve. When a run is late (past its time limit), a spare is forked while it
    goes on: if the run then overruns and its child is stopped, the next solve
    starts at once in the spare instead of waiting for a new fork. Every change
    reaches the current child and the spare alike.
    """

    def __init__(
        self, serve: Callable[[Connection], None], kept: bool, owner: object
    ) -> None:
        self._serve = serve
        self.kept = kept
        self._owner = owner  # the children are stopped when it is collected
        self.current: Child | None = None
        self.spare: Child | None = None
        self._exiting: list[Child] = []  # stopped, still to be reaped

    def start(self) -> Child:
        """Make the spare (or, without one, a new child) the current child."""
        self.stop_current()
        spare, self.spare = self.spare, None
        if spare is not None and not spare.stopped and spare.process.is_alive():
            self.current = spare
        else:
            self.current = self._fork()
        return self.current

    def fork_spare(self) -> None:
        """Fork a spare, unless one is there."""
        if self.spare is None or self.spare.stopped:
            self.spare = self._fork()

    def send(self, change: Change) -> None:
        """Send a change to the current child and the spare; drop one that is gone."""
        if self.current is not None and not self.current.send(change):
            self.stop_current()
        if self.spare is not None and not self.spare.send(change):
            self._exiting.append(self.spare)
            self.spare.stop()
            self.spare = None

    def stop_current(self) -> None:
        """Stop the current child, if any (it is reaped by :meth:`reap`)."""
        child, self.current = self.current, None
        if child is not None:
            child.stop()
            self._exiting.append(child)

    def reap(self) -> None:
        """Wait for the stopped children to be gone."""
        while self._exiting:
            self._exiting.pop().reap()

    def _fork(self) -> Child:
        child = Child(self._serve)
        if self.kept:
            keep(child)
            weakref.finalize(self._owner, child.stop)
        return child


_KEPT: list[Child] = []


def keep(child: Child) -> None:
    """Count ``child`` among the kept ones, stopping the oldest beyond the limit."""
    _KEPT[:] = [c for c in _KEPT if not c.stopped]
    while len(_KEPT) >= KEPT_PROCESSES:
        _KEPT.pop(0).stop()
    _KEPT.append(child)
