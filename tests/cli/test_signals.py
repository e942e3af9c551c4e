"""Ctrl-C, SIGTERM, SIGHUP and SIGKILL on the real command line (issue 14, items 4, 5).

Each test starts ``pathway-opt`` as the leader of its own session on an instance
HiGHS needs minutes for, waits until it solves, sends a real signal and reads the
process table: the command ends within 2 s with 130 / 143 / 129, says what was
stopped, leaves the previous outputs as they were, and no process it started
outlives it. Ctrl-C goes to the whole process group, as a terminal sends it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from process_table import (
    left_behind,
    start_cli,
    stop_all,
    wait_for_processes,
    write_big_instance,
)

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table in /proc"
)

Start = Callable[..., subprocess.Popen[str]]

#: Seconds the command may take to end after the signal.
PROMPT = 2.0

OLD_PLAN = b'{"status": "optimal", "note": "the planner\'s previous plan"}\n'
OLD_TABLE = b"id,start\nOLD-01,2027\n"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_big_instance(tmp_path_factory.mktemp("big") / "big.json")


@pytest.fixture
def cli() -> Iterator[Start]:
    """Starts ``pathway-opt`` in its own session; whatever is left is killed after."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
        started.append(start_cli(*args, cwd=cwd))
        return started[-1]

    yield start
    for proc in started:
        stop_all(proc.pid)
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


@pytest.fixture
def previous(tmp_path: Path) -> Iterator[dict[Path, bytes]]:
    """A plan JSON and a CSV folder from an earlier run, as the planner left them."""
    files = {
        tmp_path / "plan.json": OLD_PLAN,
        tmp_path / "tables" / "selected.csv": OLD_TABLE,
    }
    for path, data in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    yield files


def _untouched(tmp_path: Path, previous: dict[Path, bytes]) -> None:
    for path, data in previous.items():
        assert path.read_bytes() == data, f"{path.name} was changed"
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["selected.csv"]
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    assert not leftovers


def _solving(
    proc: subprocess.Popen[str], processes: int, or_after: float | None = None
) -> None:
    """Wait until the command's session has ``processes`` processes (it solves).

    ``or_after``: seconds after which HiGHS runs in any case, even in this
    process (as it did without a time limit).
    """
    alive = wait_for_processes(proc.pid, processes, within=or_after or 90)
    assert proc.poll() is None, proc.communicate()
    assert or_after is not None or len(alive) >= processes, alive


def _signal(proc: subprocess.Popen[str], signum: int, group: bool) -> float:
    if group:
        os.killpg(proc.pid, signum)
    else:
        os.kill(proc.pid, signum)
    return time.monotonic()


def _ended(proc: subprocess.Popen[str], sent: float) -> tuple[int, str, str]:
    """Exit code, stdout and stderr; the command must end within PROMPT s."""
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert took <= PROMPT, f"ended {took:.1f} s after the signal"
    return proc.returncode, out, err


def _quiet(err: str) -> None:
    for noise in ("Traceback", "Exception ignored", "Aborted!", "internal error"):
        assert noise not in err, err


@pytest.mark.parametrize("group", [True, False], ids=["terminal", "kill-INT"])
def test_ctrl_c_stops_a_solve_without_time_limit(
    cli: Start, big: Path, tmp_path: Path, previous: dict[Path, bytes], group: bool
) -> None:
    """HiGHS ran on in-process (or stopped with kSolveError and a `status: error`
    plan replaced plan.json and the CSV tables)."""
    proc = cli("solve", str(big), "-o", "plan.json", "--csv", "tables", cwd=tmp_path)
    _solving(proc, 2, or_after=20)  # this process and HiGHS's
    code, out, err = _ended(proc, _signal(proc, signal.SIGINT, group))
    assert code == 130, err
    assert "stopped by Ctrl-C (SIGINT) while solving" in err
    assert "big.json" in err
    assert "no output was written" in err
    _quiet(err)
    assert out == ""
    _untouched(tmp_path, previous)
    assert left_behind(proc.pid) == []


def test_ctrl_c_with_time_limit_exits_130(
    cli: Start, big: Path, tmp_path: Path, previous: dict[Path, bytes]
) -> None:
    """It exited 1 with click's "Aborted!", the code of invalid input."""
    proc = cli("solve", str(big), "-o", "plan.json", "--time-limit", "60",
                     cwd=tmp_path)  # fmt: skip
    _solving(proc, 2)
    code, _, err = _ended(proc, _signal(proc, signal.SIGINT, True))
    assert code == 130, err
    _quiet(err)
    _untouched(tmp_path, previous)
    assert left_behind(proc.pid) == []


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["SIGTERM", "SIGHUP"],
)  # fmt: skip
def test_sigterm_and_sighup_stop_a_limited_solve_and_its_child(
    cli: Start,
    big: Path,
    tmp_path: Path,
    previous: dict[Path, bytes],
    signum: int,
    code: int,
) -> None:
    """`solve --time-limit 10` killed at 4 s left HiGHS's child running until
    HiGHS's own limit."""
    proc = cli("solve", str(big), "-o", "plan.json", "--time-limit", "10",
                     cwd=tmp_path)  # fmt: skip
    _solving(proc, 2)
    got, _, err = _ended(proc, _signal(proc, signum, False))
    assert got == code, err
    assert f"stopped by {signal.Signals(signum).name} while solving" in err
    _quiet(err)
    _untouched(tmp_path, previous)
    assert left_behind(proc.pid) == []


def test_sigterm_stops_compare_and_its_kept_child(
    cli: Start, big: Path, tmp_path: Path
) -> None:
    """compare left its kept child asleep for good (and went on solving after
    Ctrl-C)."""
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(
        '[{"name": "cut", "edits": [{"op": "scale_budget", "budget": "central", '
        '"factor": 0.9}]}]'
    )
    proc = cli("compare", str(big), str(scenarios), "--csv", "compared",
                     "--time-limit", "60", cwd=tmp_path)  # fmt: skip
    _solving(proc, 2)
    code, _, err = _ended(proc, _signal(proc, signal.SIGTERM, False))
    assert code == 143, err
    assert "stopped by SIGTERM while solving" in err
    _quiet(err)
    assert not (tmp_path / "compared").exists()
    assert left_behind(proc.pid) == []


@pytest.mark.parametrize(
    ("signum", "code", "group"),
    [(signal.SIGINT, 130, True), (signal.SIGTERM, 143, False),
     (signal.SIGHUP, 129, False)],
    ids=["ctrl-c", "SIGTERM", "SIGHUP"],
)  # fmt: skip
def test_a_stopped_sweep_leaves_no_worker(
    cli: Start, big: Path, tmp_path: Path, signum: int, code: int, group: bool
) -> None:
    """`sweep --workers 2` left 7 processes (~590 MB) behind."""
    proc = cli("sweep", str(big), "--budget-scale", "0.9,1", "--workers", "2",
                     "--time-limit", "60", "--output", "sweep.csv",
                     cwd=tmp_path)  # fmt: skip
    # this process, 2 workers and multiprocessing's resource tracker; then the
    # workers build their models and fork HiGHS's processes
    _solving(proc, 6)
    got, _, err = _ended(proc, _signal(proc, signum, group))
    assert got == code, err
    assert "while sweeping" in err
    _quiet(err)
    assert not (tmp_path / "sweep.csv").exists()
    assert left_behind(proc.pid) == []


@pytest.mark.parametrize(
    "args",
    [
        ("solve", "--time-limit", "30"),
        ("sweep", "--budget-scale", "0.9,1", "--workers", "2", "--time-limit", "60"),
    ],
    ids=["solve", "sweep"],
)
def test_sigkill_leaves_no_orphan(
    cli: Start, big: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Even a process killed outright takes its children along (Linux's
    parent-death signal), and they theirs."""
    proc = cli(args[0], str(big), *args[1:], cwd=tmp_path)
    _solving(proc, 2 if args[0] == "solve" else 6)
    _signal(proc, signal.SIGKILL, False)
    proc.wait(timeout=30)  # its children may hold its stdout open: not read here
    assert left_behind(proc.pid) == []
