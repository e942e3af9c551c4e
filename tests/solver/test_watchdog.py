"""The solve can be abandoned: a hung or crashed HiGHS never hangs the tool.

The HiGHS child process is replaced by one that hangs or dies (no real instance
reliably makes HiGHS 1.16 hang inside a test's time budget; the real-HiGHS limit
is tested in tests/solver/test_time_limit.py). Everything else, the fork, the
watchdog and the status logic, is the production code.
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.plan import make_plan
from pathway_opt.solver.highs_messages import Improved, RunResult
from pathway_opt.solver.highs_run import GRACE, HighsRun
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver, _outcome

SMALL = po.load_instance(INSTANCES / "small_applied_college.json")


def test_hung_solver_is_stopped_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(self: HighsRun, conn: Any) -> None:
        time.sleep(600)

    monkeypatch.setattr(HighsRun, "_child", hang)
    began = time.perf_counter()
    plan = po.solve(SMALL, time_limit=1.0)
    wall = time.perf_counter() - began
    assert wall < 1.0 + GRACE + 2.0
    assert plan.status == po.Status.NO_SOLUTION and plan.exit_code == 4
    assert plan.to_dict()["selected"] == []


def test_hung_solver_keeps_the_best_plan_it_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The child reports one improving plan, then hangs: the plan is kept, feasible."""
    reference = po.solve(SMALL)

    def one_plan_then_hang(self: HighsRun, conn: Any) -> None:
        chosen = Solver(po.compile_form(SMALL))._start_columns(
            {i: SMALL.periods.index(p) for i, p in reference.starts.items()}
        )
        bound = reference.objective * 1.1
        conn.send(Improved(objective=reference.objective, bound=bound, chosen=chosen))
        time.sleep(600)

    monkeypatch.setattr(HighsRun, "_child", one_plan_then_hang)
    plan = po.solve(SMALL, time_limit=1.0)
    assert plan.status == po.Status.FEASIBLE and plan.verified
    assert plan.objective == pytest.approx(reference.objective)
    assert plan.gap is not None and plan.gap > 0


def test_crashed_solver_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: HighsRun, conn: Any) -> None:
        os._exit(3)

    monkeypatch.setattr(HighsRun, "_child", crash)
    plan = po.solve(SMALL, time_limit=30.0)
    assert plan.status == po.Status.ERROR and plan.exit_code == 5
    assert any("ended with code 3" in m for m in plan.messages)


def test_unbounded_verdict_for_a_bounded_model_is_an_inconsistency() -> None:
    """Stubbed verdict: every column is bounded, so HiGHS saying unbounded is wrong."""
    result = RunResult(status="kUnbounded", seconds=0.1)
    outcome = _outcome(result, SolveSettings(), None)
    plan = make_plan(SMALL, outcome)
    assert plan.status == po.Status.ERROR and plan.exit_code == 5
    assert "inconsistency" in plan.messages[0]
