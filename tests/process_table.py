"""The real command line in its own session, and the process table read from /proc.

A test starts ``pathway-opt`` with :func:`start_cli` as the leader of a new
session; every process it starts (HiGHS's children, sweep workers and theirs,
multiprocessing's helpers) stays in that session, even once orphaned, so
:func:`session_processes` finds whatever it left behind. psutil is not needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import pathway_opt as po

ROOT = Path(__file__).resolve().parents[1]


class Proc(NamedTuple):
    pid: int
    ppid: int
    state: str
    command: str


def _stat(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    text = command.replace(b"\0", b" ").decode(errors="replace").strip()
    return Proc(pid, int(fields[1]), fields[0], text)


def _session_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rfind(")") + 2 :].split()[3])


def session_processes(sid: int) -> list[Proc]:
    """Live processes of session ``sid`` (zombies, already dead, left out)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _session_of(int(entry)) == sid:
            proc = _stat(int(entry))
            if proc is not None and proc.state not in ("Z", "X"):
                found.append(proc)
    return found


def left_behind(sid: int, within: float = 3.0) -> list[Proc]:
    """What of session ``sid`` is still alive after ``within`` seconds (or [])."""
    end = time.monotonic() + within
    while True:
        alive = session_processes(sid)
        if not alive or time.monotonic() > end:
            return alive
        time.sleep(0.05)


def wait_for_processes(sid: int, count: int, within: float) -> list[Proc]:
    """Wait until session ``sid`` has at least ``count`` processes (or time is up)."""
    end = time.monotonic() + within
    while True:
        alive = session_processes(sid)
        if len(alive) >= count or time.monotonic() > end:
            return alive
        time.sleep(0.05)


def cli_command() -> list[str]:
    """The installed ``pathway-opt`` script (it honours PYTHONPATH)."""
    script = Path(sys.executable).parent / "pathway-opt"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from pathway_opt.cli.main import main; main()"]


def cli_env() -> dict[str, str]:
    """This environment with this checkout first on PYTHONPATH."""
    env = dict(os.environ)
    paths = [str(ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def start_cli(*args: str, cwd: Path, **popen: Any) -> subprocess.Popen[str]:
    """``pathway-opt ARGS`` as the leader of a new session (and process group)."""
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(
        [*cli_command(), *args],
        cwd=cwd,
        env=cli_env(),
        text=True,
        start_new_session=True,
        **popen,
    )


def stop_all(sid: int) -> None:
    """SIGKILL whatever is left of session ``sid`` (cleanup after a failed test)."""
    for proc in session_processes(sid):
        with contextlib.suppress(OSError):
            os.kill(proc.pid, signal.SIGKILL)


def write_big_instance(path: Path) -> Path:
    """A generated instance HiGHS needs minutes to solve (3,000 initiatives x 5)."""
    path.write_text(json.dumps(po.generate(3000, 5, 1)), encoding="utf-8")
    return path
