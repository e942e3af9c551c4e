"""A session keeps HiGHS's child process between time-limited re-solves.

The kept process receives every edit the session makes, so it never has to be
forked again; one that overruns is stopped and replaced, and only a few are kept
at once. (That its plans equal fresh solves along random edit sequences is
tested by the session state machine in tests/whatif/test_session.py.)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.plan import CheckAhead
from pathway_opt.solver import highs_process as highs_child
from pathway_opt.solver.highs_messages import Began, Improved
from pathway_opt.solver.highs_run import HighsRun
from pathway_opt.whatif.session import Session

PROVINCIAL = po.load_instance(INSTANCES / "provincial_applied_university.json")
SMALL = po.load_instance(INSTANCES / "small_applied_college.json")


def kept_pid(session: Session) -> int | None:
    return session.solver.process_id


def test_re_solves_reuse_one_process_that_every_edit_reaches() -> None:
    session = Session(PROVINCIAL, po.SolveSettings(time_limit=60.0))
    first = session.solve()
    pid = kept_pid(session)
    assert pid is not None
    for factor in (0.8, 1.1):
        session.scale_budget("central", factor)
        session.force_out(sorted(first.starts)[0])
        plan = session.solve()
        assert kept_pid(session) == pid  # not forked again
        fresh = po.solve(session.instance)
        assert plan.status == fresh.status == po.Status.OPTIMAL
        assert plan.objective == pytest.approx(fresh.objective, abs=1e-6)


def test_an_overrunning_process_is_stopped_and_replaced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    session = Session(SMALL, po.SolveSettings(time_limit=1.0))
    session.solve()
    first = kept_pid(session)
    assert session.solver.spare_process_id is None  # no run was late
    hung = tmp_path / "hung"
    real_child = HighsRun._child

    def hang_once(self: HighsRun, conn: Any) -> None:
        """The first process to run hangs; any other runs HiGHS."""
        if hung.exists():
            real_child(self, conn)
            return
        hung.touch()
        time.sleep(600)

    session.solver._run._workers.stop_current()  # the next one is forked with the stub
    monkeypatch.setattr(HighsRun, "_child", hang_once)
    stuck = session.solve()
    assert stuck.status == po.Status.NO_SOLUTION
    assert kept_pid(session) is None  # stopped, not kept
    spare = session.solver.spare_process_id  # forked once the run was late
    assert spare is not None and spare != first
    monkeypatch.undo()
    session.set_weight("TC", 2.0)  # reaches the spare too
    plan = session.solve()
    assert kept_pid(session) == spare  # the spare took over: no fork
    assert session.solver.spare_process_id is None
    fresh = po.solve(session.instance)
    assert plan.status == fresh.status == po.Status.OPTIMAL
    assert plan.objective == pytest.approx(fresh.objective, abs=1e-6)
    assert plan.starts == fresh.starts


def test_only_a_few_processes_are_kept() -> None:
    count = highs_child.KEPT_PROCESSES + 2
    sessions = [Session(SMALL, po.SolveSettings(time_limit=30.0)) for _ in range(count)]
    for session in sessions:
        assert session.solve().status == po.Status.OPTIMAL
    alive = [s for s in sessions if kept_pid(s) is not None]
    assert len(alive) == highs_child.KEPT_PROCESSES
    assert alive == sessions[-highs_child.KEPT_PROCESSES :]  # the most recent ones
    # a session whose process was stopped forks a new one when it solves again
    assert sessions[0].solve().status == po.Status.OPTIMAL
    assert kept_pid(sessions[0]) is not None


def test_a_solve_interrupted_mid_run_does_not_keep_its_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while HiGHS runs: the kept process would answer the next run with
    the interrupted run's reports, so it is stopped."""
    session = Session(SMALL, po.SolveSettings(time_limit=30.0))
    session.solve()

    def streams_then_hangs(self: HighsRun, conn: Any) -> None:
        conn.send(Began(time.perf_counter()))
        conn.send(Improved(objective=1.0, bound=None, chosen=np.array([0])))
        time.sleep(600)

    def interrupted(self: CheckAhead, starts: dict[str, int]) -> None:
        raise KeyboardInterrupt

    session.solver._run._workers.stop_current()  # the next one runs the stub
    monkeypatch.setattr(HighsRun, "_child", streams_then_hangs)
    monkeypatch.setattr(CheckAhead, "offer", interrupted)
    with pytest.raises(KeyboardInterrupt):
        session.solve()
    assert kept_pid(session) is None
    monkeypatch.undo()
    session.set_weight("TC", 2.0)
    plan = session.solve()
    fresh = po.solve(session.instance)
    assert plan.status == fresh.status == po.Status.OPTIMAL
    assert plan.objective == pytest.approx(fresh.objective, abs=1e-6)
