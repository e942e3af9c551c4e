"""A live trace of a HiGHS solve (HiGHS direct and linopy) for quality over time.

HiGHS reports nothing while it runs unless asked: an improving-solution callback
keeps each incumbent (its objective, the dual bound then, a copy of its values)
and the MIP interrupt callback samples the dual bound at most every
``SAMPLE_S`` seconds (it fires at every node; the rest return at once). After
the run every kept incumbent is checked against every row and column of the
model HiGHS held, so the trace's objectives are verified plans, as pathway-opt's.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp

#: Seconds between two samples of the dual bound.
SAMPLE_S = 0.5
#: Row and column slack of the check (relative to each row's activity).
TOLERANCE = 1e-6


def _finite(v: float) -> float | None:
    return float(v) if abs(v) < 1e20 else None


class Trace:
    """Incumbents and bounds of one HiGHS run, timed from ``began``."""

    def __init__(self, h: highspy.Highs, began: float, stream: bool = True) -> None:
        self.began = began
        self.stream = stream
        self.plans: list[tuple[float, float, float | None, np.ndarray]] = []
        self.bounds: list[tuple[float, float]] = []
        self._next = 0.0
        h.cbMipImprovingSolution.subscribe(self._improving)
        h.cbMipInterrupt.subscribe(self._sample)

    def _emit(self, at: float, objective: float | None, bound: float | None) -> None:
        # one line per event on stdout: a run killed at the cap keeps its trace
        if self.stream:
            print("TRACE " + json.dumps([at, objective, bound]), flush=True)

    def _improving(self, event: Any) -> None:
        out = event.data_out
        at = time.perf_counter() - self.began
        bound = _finite(out.mip_dual_bound)
        objective = float(out.objective_function_value)
        self.plans.append((at, objective, bound, np.array(out.mip_solution)))
        self._emit(at, None, bound)  # its objective counts once checked

    def _sample(self, event: Any) -> None:
        at = time.perf_counter() - self.began
        if at < self._next:
            return
        self._next = at + SAMPLE_S
        bound = _finite(event.data_out.mip_dual_bound)
        if bound is not None:
            self.bounds.append((at, bound))
            self._emit(at, None, bound)

    def events(
        self, h: highspy.Highs
    ) -> list[tuple[float, float | None, float | None]]:
        """(elapsed, verified objective or None, bound or None), in time order."""
        check = _Checker(h) if self.plans else None  # no copy of the matrix if none
        out: list[tuple[float, float | None, float | None]] = [
            (at, None, bound) for at, bound in self.bounds
        ]
        for at, objective, bound, x in self.plans:
            out.append(
                (at, objective if check and check.meets(x, objective) else None, bound)
            )
        self.plans.clear()  # the copies are no longer needed
        return sorted(out, key=lambda e: e[0])


class _Checker:
    """Every row and column bound, integrality and the objective of a plan."""

    def __init__(self, h: highspy.Highs) -> None:
        lp = h.getLp()
        a = lp.a_matrix_
        shape = (lp.num_row_, lp.num_col_)
        parts = (np.array(a.value_), np.array(a.index_), np.array(a.start_))
        self.matrix = (
            sp.csc_array(parts, shape=shape)
            if a.format_ == highspy.MatrixFormat.kColwise
            else sp.csr_array(parts, shape=shape)
        )
        self.row_lo, self.row_up = np.array(lp.row_lower_), np.array(lp.row_upper_)
        self.col_lo, self.col_up = np.array(lp.col_lower_), np.array(lp.col_upper_)
        self.cost, self.offset = np.array(lp.col_cost_), lp.offset_
        integrality = np.array([int(v) for v in lp.integrality_], dtype=np.int64)
        self.integer = (
            np.flatnonzero(integrality == 1)
            if len(integrality)
            else np.array([], dtype=np.int64)
        )

    def meets(self, x: np.ndarray, objective: float) -> bool:
        if len(x) != len(self.cost):
            return False
        if (x < self.col_lo - TOLERANCE).any() or (x > self.col_up + TOLERANCE).any():
            return False
        xi = x[self.integer]
        if (np.abs(xi - np.round(xi)) > TOLERANCE).any():
            return False
        act = self.matrix @ x
        slack = TOLERANCE * (1.0 + np.abs(act))
        if ((act < self.row_lo - slack) | (act > self.row_up + slack)).any():
            return False
        value = float(self.cost @ x) + self.offset
        return abs(value - objective) <= TOLERANCE * max(1.0, abs(objective))


def read_streamed(stdout: str) -> list[tuple[float, float | None, float | None]]:
    """The trace lines a run printed (of a run killed before its summary)."""
    events = []
    for line in stdout.splitlines():
        if line.startswith("TRACE "):
            at, objective, bound = json.loads(line[len("TRACE ") :])
            events.append((at, objective, bound))
    return events


if __name__ == "__main__":  # pragma: no cover
    sys.exit("a helper of benchmarks/run.py")
