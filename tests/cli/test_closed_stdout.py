"""A closed, missing or full stdout costs no plan file (issue 14, item 9).

`solve -o p.json | head -1` gave "internal error: BrokenPipeError", exit 5, and
p.json was not always written; `>&-` and `> /dev/full` the same. Files are
written first now and a failing stdout changes nothing: a closed pipe ends
quietly with the usual code, another failure says so in one line on stderr.
Each case runs the real command line.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from process_table import ROOT, cli_command, cli_env, start_cli

SMALL = ROOT / "instances" / "small_applied_college.json"
NOISE = ("Traceback", "Exception ignored", "internal error", "Error")


def _plan(path: Path) -> dict[str, object]:
    plan = json.loads(path.read_text(encoding="utf-8"))
    assert plan["status"] == "optimal"
    return plan


def _quiet(err: str) -> None:
    for noise in NOISE:
        assert noise not in err, err


@pytest.mark.parametrize(
    "command",
    [
        ("solve", "-o", "out.json", "--csv", "tables"),
        ("explain", "-o", "out.json", "--no-why", "--no-marginal"),
    ],
    ids=["solve", "explain"],
)
def test_stdout_closed_by_its_reader(tmp_path: Path, command: tuple[str, ...]) -> None:
    """The reader is gone before anything is printed, as after `| head -1`."""
    proc = start_cli(command[0], str(SMALL), *command[1:], cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, err
    _quiet(err)
    assert err == ""
    _plan(tmp_path / "out.json")
    if command[0] == "solve":
        assert (tmp_path / "tables" / "run.json").exists()


def test_head_reads_one_line(tmp_path: Path) -> None:
    """The shell pipeline itself: exit 0 and the plan written."""
    script = 'set -o pipefail; "$@" | head -1'
    done = subprocess.run(
        ["bash", "-c", script, "sh", *cli_command(), "solve", str(SMALL),
         "-o", "p.json"],
        cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    _quiet(done.stderr)
    _plan(tmp_path / "p.json")


def test_stdout_closed_from_the_start(tmp_path: Path) -> None:
    """`>&-`: Python starts without sys.stdout and descriptor 1 is free for the
    next file the run opens; it gave "AttributeError: 'NoneType' object has no
    attribute 'flush'" and no plan."""
    done = subprocess.run(
        ["bash", "-c", '"$@" >&-', "sh", *cli_command(), "solve", str(SMALL),
         "-o", "p.json", "--csv", "tables"],
        cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _quiet(done.stderr)
    plan = _plan(tmp_path / "p.json")
    assert plan["selected"]
    assert (tmp_path / "tables" / "selected.csv").read_text(encoding="utf-8-sig")


def test_full_stdout(tmp_path: Path) -> None:
    """`> /dev/full`: the plan is written, the lost summary is reported once."""
    with open("/dev/full", "w") as full:
        proc = start_cli("solve", str(SMALL), "-o", "p.json", cwd=tmp_path,
                         stdout=full)  # fmt: skip
        _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    _quiet(err)
    assert err.strip() == (
        "warning: the output to stdout was cut short: No space left on device"
    )
    _plan(tmp_path / "p.json")
