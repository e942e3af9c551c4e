"""Running HiGHS on arrays, with a time limit that holds even when HiGHS's does not.

HiGHS checks its own time limit only at some points: on a 50,000-initiative model
it spent 11 s in set-up before the first LP iteration with a 5 s limit. So a
limited solve runs in a forked child process that streams every improving plan
to the parent; at the deadline (limit + :data:`GRACE`) the parent stops the
child and keeps the best plan received. Inside
:func:`~pathway_opt.solver.processes.stoppable_solves` (the command line) every
solve runs in a child, so that Ctrl-C or a stop signal ends it at once. Without
``fork`` (Windows, macOS spawn) the solve runs in this process and is
interrupted through HiGHS's callbacks.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any, assert_never, cast

import highspy
import numpy as np
import scipy.sparse as sp

from pathway_opt.errors import SolverError
from pathway_opt.solver.highs_messages import (
    BOUND_EVERY,
    AddRow,
    Began,
    Bounded,
    Change,
    DropLastRow,
    Finished,
    Improved,
    ModelStatus,
    Request,
    Run,
    RunResult,
    SetCoefficients,
    SetColumnBounds,
    SetCosts,
    SetRowBounds,
)
from pathway_opt.solver.highs_process import GRACE, Workers
from pathway_opt.solver.processes import solves_stoppable

_FORK = "fork" in mp.get_all_start_methods()


@dataclass(frozen=True)
class Arrays:
    """A MIP in HiGHS's terms: maximise ``cost @ x``."""

    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    matrix: sp.csc_array
    row_lower: np.ndarray
    row_upper: np.ndarray


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Silence file descriptor 1 for a moment.

    HiGHS prints a banner there when created, before any option can turn it off.
    A stdout that cannot be flushed (closed, full) is left to its owner.
    """
    if sys.stdout is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
    try:
        saved: int | None = os.dup(1)
    except OSError:  # descriptor 1 is closed: keep it closed
        saved = None
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        if saved is None:
            os.close(1)
        else:
            os.dup2(saved, 1)
            os.close(saved)


#: Seconds between the checks for a stop signal while HiGHS runs in a thread.
_WAKE = 0.1

_threads_in_use: list[int | None] = [None]


def _use_threads(threads: int | None) -> None:
    """Reset HiGHS's process-wide thread pool when the thread count changes.

    HiGHS sizes one global scheduler at its first solve; a later solve asking for
    a different count stops with status "unknown" unless the pool is reset first.
    """
    if threads != _threads_in_use[0]:
        highspy.Highs.resetGlobalScheduler(True)
        _threads_in_use[0] = threads


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) and abs(value) < 1e20 else None


class HighsRun:
    """One HiGHS instance holding one model.

    ``plan_cols`` are the 0/1 columns whose values make the plan (the starts);
    ``amount_cols`` the continuous ones whose values it reports too (the
    funding split).
    With ``keep_process``, the process a limited solve runs in is kept for the
    next solve (a what-if session): every change is sent to it as well, and
    forking this process anew, which costs milliseconds for a large model, is
    saved. It is stopped when a solve overruns; a spare forked while that run was
    late takes over. Only a few are kept at once
    (:mod:`pathway_opt.solver.highs_process`).
    """

    def __init__(
        self,
        arrays: Arrays,
        plan_cols: np.ndarray,
        keep_process: bool = False,
        amount_cols: np.ndarray | None = None,
    ) -> None:
        with _stdout_silenced():
            self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.plan_cols = plan_cols
        self.amount_cols = (
            np.zeros(0, dtype=np.int64) if amount_cols is None else amount_cols
        )
        self.report_values = False
        """Whether a run's result carries every column's value (for an LP)."""
        # HiGHS 1.16 returns, after setSolution, the offered start from
        # getSolution() with the objective of a better plan; the last improving
        # solution it reported is then the plan. Its final plan, however, is not
        # always reported to the callback. So the plan is the one of the two whose
        # value matches the reported objective (the verifier caught both cases).
        # What HiGHS holds, so that a what-if sends only the entries it changed.
        self._cost = arrays.cost.copy()
        self._col_bounds = (arrays.col_lower.copy(), arrays.col_upper.copy())
        self._row_bounds = (arrays.row_lower.copy(), arrays.row_upper.copy())
        self._incumbent: np.ndarray | None = None
        self._conn: Connection | None = None
        self._keep_process = keep_process
        self._workers = Workers(self._serve, keep_process, self)
        self._bound_sent: tuple[float, float | None] = (0.0, None)
        """When the child last sent the bound, and which."""
        self.highs.cbMipImprovingSolution.subscribe(self._improving)
        self.highs.cbMipInterrupt.subscribe(self._bounding)
        m = arrays.matrix
        status = self.highs.passModel(
            m.shape[1], m.shape[0], m.nnz, 1, -1, 0.0,  # column-wise, maximise
            arrays.cost, arrays.col_lower, arrays.col_upper, arrays.row_lower,
            arrays.row_upper, m.indptr.astype(np.int32), m.indices.astype(np.int32),
            m.data.astype(np.float64), arrays.integrality.astype(np.int32),
        )  # fmt: skip
        # kWarning: HiGHS dropped coefficients below its small_matrix_value (1e-9);
        # the verifier still checks the plan against the exact data.
        if status == highspy.HighsStatus.kError:
            raise SolverError(f"HiGHS refused the model ({status.name})")

    @property
    def process_id(self) -> int | None:
        """Process id of the kept child process, if one is kept now."""
        worker = self._workers.current
        return None if worker is None or worker.stopped else worker.process.pid

    @property
    def spare_process_id(self) -> int | None:
        """Process id of the spare child process, if there is one."""
        spare = self._workers.spare
        return None if spare is None or spare.stopped else spare.process.pid

    def run(
        self,
        options: dict[str, Any],
        threads: int | None,
        limit: float | None,
        start: np.ndarray | None = None,
        on_plan: Callable[[np.ndarray, np.ndarray | None], None] | None = None,
        on_bound: Callable[[float], None] | None = None,
    ) -> RunResult:
        """Solve from scratch with the given options and wall-clock limit.

        ``start`` (a value for every column) is offered to HiGHS as a first plan.
        ``on_plan`` is called, while HiGHS runs in its own process with a limit,
        with the chosen positions of an improving plan (see
        :meth:`Child.collect`): a run that may be stopped at the deadline ends
        with the last of them, verified by then. A run without a limit always
        reports its result, and a solve in this process calls nothing.
        ``on_bound`` is called, likewise, with HiGHS's dual bound as it moves (at
        most every ``BOUND_EVERY`` seconds).
        """
        job = Run(options=options, threads=threads, limit=limit, start=start)
        stoppable = solves_stoppable()
        # A daemonic process (e.g. a Dask worker) may not start children: there
        # the solve is interrupted in this process, as where fork is missing.
        may_fork = _FORK and not mp.current_process().daemon
        if may_fork and limit is not None:
            return self._run_in_child(job, limit, on_plan, on_bound)
        if may_fork and stoppable:
            return self._run_in_child(job, None, None)
        self._prepare(job)
        began = time.perf_counter()
        if limit is None and not stoppable:
            self.highs.run()
        else:
            self._run_interruptible(limit)
        return self._result(began)

    def _prepare(self, job: Run) -> None:
        h = self.highs
        _use_threads(job.threads)
        for key, value in job.options.items():
            h.setOptionValue(key, value)
        h.setOptionValue("threads", job.threads or 0)
        h.setOptionValue("time_limit", math.inf if job.limit is None else job.limit)
        h.clearSolver()  # every solve starts afresh: the same plan on every run
        self._incumbent = None
        if job.start is not None:
            solution = highspy.HighsSolution()
            solution.col_value = job.start.tolist()
            solution.value_valid = True
            h.setSolution(solution)

    def _improving(self, event: Any) -> None:
        out = event.data_out
        self._incumbent = np.asarray(out.mip_solution, dtype=float)
        if self._conn is not None:  # in a forked child: tell the parent
            plan = Improved(
                objective=float(out.objective_function_value),
                bound=_finite(out.mip_dual_bound),
                chosen=np.flatnonzero(self._incumbent[self.plan_cols] > 0.5),
                amounts=self._incumbent[self.amount_cols],
            )
            try:
                self._conn.send(plan)
            except OSError:  # the parent stopped listening or ended: so does this
                os._exit(0)

    def _bounding(self, event: Any) -> None:
        """In a forked child: send HiGHS's dual bound when it moved, now and then."""
        if self._conn is None:
            return
        now = time.perf_counter()
        last_at, last = self._bound_sent
        if now - last_at < BOUND_EVERY:
            return
        bound = _finite(event.data_out.mip_dual_bound)
        if bound is None or bound == last:
            return
        self._bound_sent = (now, bound)
        try:
            self._conn.send(Bounded(bound))
        except OSError:  # the parent stopped listening or ended: so does this
            os._exit(0)

    def _plan_values(self, objective: float) -> np.ndarray:
        values = np.asarray(self.highs.getSolution().col_value, dtype=float)
        tolerance = 1e-6 * max(1.0, abs(objective))
        inc = self._incumbent
        if (
            abs(self._cost @ values - objective) > tolerance
            and inc is not None
            and len(inc) == len(values)
            and abs(self._cost @ inc - objective) <= tolerance
        ):
            values = inc
        return values

    def _result(self, began: float) -> RunResult:
        h = self.highs
        info = h.getInfo()
        has_plan = info.primal_solution_status == 2  # kSolutionStatusFeasible
        objective = float(info.objective_function_value)
        values = self._plan_values(objective) if has_plan else None
        return RunResult(
            # highspy's status names are ModelStatus's (test_highs_messages.py)
            status=cast(ModelStatus, h.getModelStatus().name),
            objective=objective if has_plan else None,
            bound=_finite(info.mip_dual_bound),
            chosen=None
            if values is None
            else np.flatnonzero(values[self.plan_cols] > 0.5),
            amounts=None if values is None else values[self.amount_cols],
            values=values if self.report_values else None,
            seconds=(spent := time.perf_counter() - began),
            solving=spent,
        )

    def _run_interruptible(self, limit: float | None) -> None:
        """Run HiGHS in a thread of this process, interrupted at limit + GRACE.

        Ctrl-C (or a stop signal turned into an exception) asks HiGHS to stop and
        is raised again after at most :data:`GRACE` seconds, even if HiGHS is
        still on its way out (it checks only now and then).
        """
        h = self.highs
        h.HandleUserInterrupt = True
        done = threading.Event()

        def watchdog() -> None:
            if limit is not None and not done.wait(limit + GRACE):
                h.cancelSolve()

        threading.Thread(target=watchdog, daemon=True).start()
        try:
            try:
                # startSolve itself waits (interruptibly) for HiGHS's thread to
                # begin: a Ctrl-C in that wait must cancel the solve too.
                h.startSolve()
                # Wait in short steps: the kernel may hand Ctrl-C to one of
                # HiGHS's threads, and then only a main thread that wakes up
                # runs Python's handler (an endless wait slept through it).
                while not h.wait(_WAKE)[0]:
                    pass
            except BaseException:
                h.cancelSolve()
                h.wait(GRACE)
                raise
        finally:
            done.set()
            h.HandleUserInterrupt = False

    def _child(self, conn: Connection) -> None:
        """In the forked child: solve, stream improving plans, report the end."""
        self._conn = conn
        began = time.perf_counter()
        self._bound_sent = (began, None)
        conn.send(Began(began))
        self.highs.run()
        conn.send(Finished(self._result(began)))

    def _serve(self, conn: Connection) -> None:
        """The forked child's loop: make changes, run when told, until stopped."""
        highspy.Highs.resetGlobalScheduler(True)  # the parent's threads are gone
        _threads_in_use[0] = None
        while True:
            request: Request = conn.recv()
            match request:
                case Run():
                    self._prepare(request)
                    self._child(conn)
                    if not self._keep_process:
                        return
                case _:
                    self._make(request)

    def _run_in_child(
        self,
        job: Run,
        limit: float | None,
        on_plan: Callable[[np.ndarray, np.ndarray | None], None] | None,
        on_bound: Callable[[float], None] | None = None,
    ) -> RunResult:
        began = time.perf_counter()
        workers = self._workers
        worker = workers.current
        if worker is None or not worker.send(job):
            worker = workers.start()  # none yet, or the kept one is gone
            worker.send(job)
        # A stopped process takes milliseconds to go: wait for it while HiGHS runs.
        workers.reap()
        late = None
        if self._keep_process and limit is not None:
            late = (began + limit, workers.fork_spare)
        stop_at = math.inf if limit is None else began + limit + GRACE
        try:
            collected = worker.collect(stop_at, on_plan, late, on_bound)
        except BaseException:
            # Interrupted (Ctrl-C, or on_plan failed) mid-run: a kept child would
            # answer the next run with this one's reports.
            workers.stop_current()
            raise
        if collected.final is None or not self._keep_process:
            workers.stop_current()
        seconds = time.perf_counter() - began
        if collected.final is not None:
            return replace(collected.final, seconds=seconds)
        if limit is None or worker.exitcode not in (None, 0, -9):
            return RunResult.crashed(worker.exitcode, seconds=seconds)
        return RunResult.stopped(
            collected.best, seconds=seconds, solving=collected.solving
        )

    def _apply(self, change: Change) -> None:
        """Make a change here and in the kept child process and spare, if any."""
        self._make(change)
        self._workers.send(change)

    def add_row(
        self, lower: float, upper: float, cols: np.ndarray, values: np.ndarray
    ) -> None:
        """Append one row (removed again with :meth:`drop_last_row`)."""
        self._apply(
            AddRow(
                lower=lower,
                upper=upper,
                cols=cols.astype(np.int32),
                values=values.astype(np.float64),
            )
        )

    def drop_last_row(self) -> None:
        """Remove the row added last."""
        self._apply(DropLastRow())

    def change_costs(self, cost: np.ndarray) -> None:
        """Set every objective coefficient (only the changed ones are sent)."""
        cols = _changed(cost, self._cost)
        if len(cols):
            self._apply(SetCosts(cols=cols, cost=cost[cols]))

    def change_column_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Set every column's bounds (only the changed ones are sent)."""
        cols = _changed(lower, self._col_bounds[0], upper, self._col_bounds[1])
        if len(cols):
            self._apply(
                SetColumnBounds(cols=cols, lower=lower[cols], upper=upper[cols])
            )

    def change_row_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Set the model's rows' bounds (only the changed ones are sent)."""
        rows = _changed(lower, self._row_bounds[0], upper, self._row_bounds[1])
        if len(rows):
            self._apply(SetRowBounds(rows=rows, lower=lower[rows], upper=upper[rows]))

    def change_coefficients(
        self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray
    ) -> None:
        """Set the matrix entries at ``(rows[k], cols[k])`` (existing ones)."""
        if len(rows):
            self._apply(
                SetCoefficients(
                    rows=rows.astype(np.int32),
                    cols=cols.astype(np.int32),
                    values=values.astype(np.float64),
                )
            )

    def _make(self, change: Change) -> None:
        """Make a change to the model held here (alike in a kept child process)."""
        h = self.highs
        match change:
            case AddRow():
                cols, values = change.cols, change.values
                h.addRow(change.lower, change.upper, len(cols), cols, values)
            case DropLastRow():
                h.deleteRows(1, np.array([h.getNumRow() - 1], dtype=np.int32))
            case SetCosts():
                h.changeColsCost(len(change.cols), change.cols, change.cost)
                self._cost[change.cols] = change.cost
            case SetColumnBounds():
                cols, lower, upper = change.cols, change.lower, change.upper
                h.changeColsBounds(len(cols), cols, lower, upper)
                self._col_bounds[0][cols], self._col_bounds[1][cols] = lower, upper
            case SetRowBounds():
                rows, lower, upper = change.rows, change.lower, change.upper
                h.changeRowsBounds(len(rows), rows, lower, upper)  # type: ignore[attr-defined]
                self._row_bounds[0][rows], self._row_bounds[1][rows] = lower, upper
            case SetCoefficients():
                for row, col, value in zip(
                    change.rows.tolist(),
                    change.cols.tolist(),
                    change.values.tolist(),
                    strict=True,
                ):
                    h.changeCoeff(row, col, value)
            case _:
                assert_never(change)


def _changed(*pairs: np.ndarray) -> np.ndarray:
    """Positions where any (new, held) pair of arrays differs, as HiGHS indices."""
    differs = np.zeros(len(pairs[0]), dtype=bool)
    for new, held in zip(pairs[::2], pairs[1::2], strict=True):
        differs |= new != held
    return np.flatnonzero(differs).astype(np.int32)
