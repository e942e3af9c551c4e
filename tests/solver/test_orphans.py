"""HiGHS's child processes end with the process that started them (issue 14, item 5).

A kept child waits for requests on a pipe; it used to hold a copy of the
parent's end of that pipe (and of every other child's), so it never saw the end
of it and slept on for good once its parent was killed. Real processes and the
process table, no mocks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest
from process_table import ROOT, cli_env, left_behind, stop_all, write_big_instance

import pathway_opt as po

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table in /proc"
)

SMALL = ROOT / "instances" / "small_applied_college.json"


#: A shell starts a program with Ctrl-C at its default, but a test run started as
#: a background job of a non-interactive shell (``pytest &`` in a script) has
#: SIGINT ignored, and so would these children: they say so on stderr and start
#: as from an interactive shell.
AS_FROM_A_SHELL = """
import signal as _signal, sys as _sys
_got = (
    _signal.getsignal(_signal.SIGINT),
    _signal.pthread_sigmask(_signal.SIG_BLOCK, []),
)
if _got[0] is not _signal.default_int_handler or _signal.SIGINT in _got[1]:
    print("inherited SIGINT", _got, file=_sys.stderr, flush=True)
_signal.signal(_signal.SIGINT, _signal.default_int_handler)
_signal.pthread_sigmask(_signal.SIG_UNBLOCK, {_signal.SIGINT})
"""


def _script(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", AS_FROM_A_SHELL + textwrap.dedent(code), *args],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _note_inherited(err: str) -> None:
    """Say (in pytest's warnings summary) when the child got Ctrl-C ignored or held."""
    for line in err.splitlines():
        if line.startswith("inherited SIGINT"):
            warnings.warn(f"this test process handed its child {line}", stacklevel=2)


def test_kept_children_see_their_parent_end() -> None:
    """Two sessions keep a child each, forked from a thread that has ended (so
    Linux's parent-death signal, tied to that thread, is not set): killed
    outright, the parent leaves no child behind."""
    proc = _script(
        """
        import sys, threading, time
        import pathway_opt as po
        inst = po.load_instance(sys.argv[1])
        sessions = []
        def work():
            for _ in range(2):
                session = po.Session(inst)
                session.solve(time_limit=60)  # forks the kept child
                sessions.append(session)
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        print(*[s.solver.process_id for s in sessions], flush=True)
        time.sleep(600)
        """,
        str(SMALL),
    )
    try:
        assert proc.stdout is not None
        children = [int(pid) for pid in proc.stdout.readline().split()]
        assert len(children) == 2, proc.communicate()
        assert all(Path(f"/proc/{pid}").exists() for pid in children)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)  # the children hold its stdout: not read here
        assert left_behind(proc.pid) == []
    finally:
        stop_all(proc.pid)
        proc.communicate(timeout=30)


def test_highs_child_leaves_ctrl_c_to_its_parent() -> None:
    """A terminal sends Ctrl-C to the whole group; the parent stops the child."""
    inst = po.load_instance(SMALL)
    session = po.Session(inst)
    plan = session.solve(time_limit=60)
    pid = session.solver.process_id
    assert pid is not None and plan.status == po.Status.OPTIMAL
    status = Path(f"/proc/{pid}/status").read_text()
    ignored = int(next(s for s in status.splitlines() if s.startswith("SigIgn:"))
                  .split()[1], 16)  # fmt: skip
    assert ignored & (1 << (signal.SIGINT - 1))
    blocked = int(next(s for s in status.splitlines() if s.startswith("SigBlk:"))
                  .split()[1], 16)  # fmt: skip
    assert not blocked & (1 << (signal.SIGTERM - 1))


def test_stoppable_solves_run_in_a_child_without_a_limit() -> None:
    inst = po.load_instance(SMALL)
    session = po.Session(inst)
    here = session.solve()
    assert session.solver.process_id is None  # no limit: HiGHS in this process
    with po.stoppable_solves():
        there = session.solve()
    assert session.solver.process_id is not None
    assert there.starts == here.starts
    assert there.objective == here.objective
    assert there.status == po.Status.OPTIMAL


def test_ctrl_c_stops_highs_in_this_process_when_fork_is_missing(
    tmp_path: Path,
) -> None:
    """Without fork (Windows, macOS spawn) a stoppable solve runs HiGHS in a thread
    here: Ctrl-C asks it to stop and is raised within 2 s, even when HiGHS is
    slow to notice (highspy's joinSolve printed and went on waiting)."""
    big = write_big_instance(tmp_path / "big.json")
    proc = _script(
        """
        import faulthandler, os, signal, sys, time
        import pathway_opt as po
        import pathway_opt.solver.highs_run as highs_run
        faulthandler.register(signal.SIGUSR1, all_threads=True)  # where, if stuck
        highs_run._FORK = False
        inst = po.load_instance(sys.argv[1])
        print("loaded", flush=True)
        try:
            with po.stoppable_solves():
                po.solve(inst)
        except KeyboardInterrupt:
            print("interrupted", time.time(), flush=True)
            # HiGHS's own thread may still be winding down: a normal interpreter
            # exit would then abort (std::terminate); see the README
            os._exit(130)
        """,
        str(big),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "loaded", proc.communicate()
        time.sleep(4)  # building the model, then HiGHS
        sent = time.time()
        os.kill(proc.pid, signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGUSR1)  # the stacks of its threads
            time.sleep(1)
            stop_all(proc.pid)
            out, err = proc.communicate()
            pytest.fail(f"no exit 60 s after Ctrl-C; its threads were at:\n{err}")
        _note_inherited(err)
        assert proc.returncode == 130, err
        word, at = out.split()
        assert word == "interrupted"
        assert float(at) - sent <= 2.0
        assert "Ctrl-C pressed" not in out + err
    finally:
        stop_all(proc.pid)


def test_ctrl_c_handed_to_a_highs_thread_still_stops_the_run(tmp_path: Path) -> None:
    """The kernel may deliver Ctrl-C to any thread; delivered to HiGHS's own
    thread, it must still stop a no-fork run (an endless wait in the main thread
    slept through it: seen as a one-in-three hang of the test above)."""
    big = write_big_instance(tmp_path / "big.json")
    proc = _script(
        """
        import os, signal, sys, threading, time
        import pathway_opt as po
        import pathway_opt.solver.highs_run as highs_run
        highs_run._FORK = False
        inst = po.load_instance(sys.argv[1])

        def hand_to_highs():
            while True:  # HiGHS's solving thread, once it runs
                time.sleep(0.2)
                others = [t for t in threading.enumerate()
                          if "solve" in repr(getattr(t, "_target", ""))]
                if others:
                    time.sleep(1)
                    print("sent", time.time(), flush=True)
                    signal.pthread_kill(others[0].ident, signal.SIGINT)
                    return

        threading.Thread(target=hand_to_highs, daemon=True).start()
        try:
            with po.stoppable_solves():
                po.solve(inst)
        except KeyboardInterrupt:
            print("interrupted", time.time(), flush=True)
            os._exit(130)
        """,
        str(big),
    )
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        stop_all(proc.pid)
        out, err = proc.communicate()
        pytest.fail(f"still running 60 s later: {out} {err}")
    finally:
        stop_all(proc.pid)
    _note_inherited(err)
    assert proc.returncode == 130, out + err
    lines = dict(line.split() for line in out.splitlines())
    assert float(lines["interrupted"]) - float(lines["sent"]) <= 2.0
