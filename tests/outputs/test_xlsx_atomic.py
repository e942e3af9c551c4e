"""Exports are atomic: a killed or failing export never leaves a partial file.

Files are written to ``.<name>.<pid>.<random>.part`` in the target's folder and
renamed over the target. ``kill -9`` can leave such a temporary file (never a
partial target); the next write to the same target removes it. Outputs that
cannot be written exit 6; outputs that would overwrite the input exit 2.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.errors import OutputError
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx

SMALL = INSTANCES / "small_applied_college.json"

# A child process: solve a large instance (3,000 initiatives, everything fits, so
# HiGHS is quick), then write its plan workbook over and over until killed.
CHILD = """
import random, sys
import pathway_opt as po
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx

rng = random.Random(3)
data = {
    "name": "large plan", "periods": ["2027", "2028", "2029", "2030", "2031"],
    "criteria": [{"id": "talent", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [1e12] * 5}],
    "resources": [{"id": "fte", "capacity": [1e9] * 5}],
    "initiatives": [
        {"id": f"I{k:05d}", "name": f"initiative {k}", "latest_start": "2027",
         "scores": {"talent": rng.randint(1, 9)}, "uses": {"fte": [1]},
         "cost": [rng.randint(5, 60) * 1000, rng.randint(0, 20) * 1000]}
        for k in range(3000)
    ],
}
plan = po.solve(po.instance_from_data(data))
assert plan.status == po.Status.OPTIMAL
mode = sys.argv[2]
if mode == "die-before-rename":
    import os, signal
    os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
print("ready", flush=True)
while True:
    write_plan_xlsx(plan, sys.argv[1])
    print("written", flush=True)
"""
TEMP = re.compile(r"\.result\.xlsx\.(\d+)\.\w+\.part")


def small_plan() -> po.Plan:
    return po.solve(po.load_instance(SMALL))


def summary_name(path: Path) -> str:
    """The instance name in a workbook's Summary (fails on a partial file)."""
    book = openpyxl.load_workbook(path)
    return str(book["Summary"]["B3"].value)


def start_child(target: Path, mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line.strip() == "ready", line + (child.stderr.read() if child.stderr else "")
    return child


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name != "result.xlsx"]


@pytest.mark.parametrize("delay", [0.05, 0.4, 0.9])
def test_killed_mid_export_leaves_old_or_complete_file(
    tmp_path: Path, delay: float
) -> None:
    target = tmp_path / "result.xlsx"
    write_plan_xlsx(small_plan(), target)
    old = target.read_bytes()
    child = start_child(target, "loop")
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert target.exists()
    if target.read_bytes() != old:
        assert summary_name(target) == "large plan"  # complete, or openpyxl fails
    else:
        assert summary_name(target) == small_plan().instance.name
    for name in leftovers(tmp_path):
        match = TEMP.fullmatch(name)
        assert match and int(match.group(1)) == child.pid, name
    write_plan_xlsx(small_plan(), target)  # the next write removes stale temporaries
    assert leftovers(tmp_path) == []


def test_killed_between_write_and_rename(tmp_path: Path) -> None:
    """The child dies with its temporary file complete but not yet renamed."""
    target = tmp_path / "result.xlsx"
    write_plan_xlsx(small_plan(), target)
    old = target.read_bytes()
    child = start_child(target, "die-before-rename")
    assert child.wait(timeout=60) == -signal.SIGKILL
    assert target.read_bytes() == old
    stale = leftovers(tmp_path)
    assert len(stale) == 1 and TEMP.fullmatch(stale[0]), stale
    write_plan_xlsx(small_plan(), target)
    assert leftovers(tmp_path) == []


def test_failure_while_writing_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "result.xlsx"
    plan = small_plan()
    write_plan_xlsx(plan, target)
    old = target.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OutputError, match="No space left on device"):
        write_plan_xlsx(plan, target)
    assert target.read_bytes() == old
    assert leftovers(tmp_path) == []


def test_new_files_get_ordinary_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_plan_xlsx(small_plan(), tmp_path / "result.xlsx")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "result.xlsx").stat().st_mode) == 0o644


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_read_only_target_exits_6(tmp_path: Path) -> None:
    target = tmp_path / "result.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o444)
    code, output = run("solve", str(SMALL), "--xlsx", str(target))
    assert code == 6, output
    assert "read-only" in output
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize(
    "option",
    [
        ["--xlsx", "{blocker}/r.xlsx"],
        ["--csv", "{blocker}/out"],
        ["--csv", "{blocker}"],
    ],
)
def test_unwritable_outputs_exit_6(tmp_path: Path, option: list[str]) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder\n", encoding="utf-8")
    argv = [a.replace("{blocker}", str(blocker)) for a in option]
    code, output = run("solve", str(SMALL), *argv)
    assert code == 6, output
    assert "afile" in output
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_xlsx_onto_a_folder_exits_6(tmp_path: Path) -> None:
    folder = tmp_path / "out.xlsx"
    folder.mkdir()
    code, output = run("solve", str(SMALL), "--xlsx", str(folder))
    assert code == 6, output
    assert "folder" in output


def test_xlsx_needs_the_extension(tmp_path: Path) -> None:
    code, output = run("solve", str(SMALL), "--xlsx", str(tmp_path / "result"))
    assert code == 2 and "must end in .xlsx" in output
    assert list(tmp_path.iterdir()) == []


def test_outputs_never_overwrite_the_instance(tmp_path: Path) -> None:
    workbook = tmp_path / "plan.xlsx"
    assert run("convert", str(SMALL), str(workbook))[0] == 0
    before = workbook.read_bytes()
    code, output = run("solve", str(workbook), "--xlsx", str(workbook))
    assert code == 2 and "not overwritten" in output
    inside = tmp_path / "selected.csv"
    inside.write_bytes((INSTANCES / "small_applied_college.json").read_bytes())
    code, output = run("solve", str(inside), "--csv", str(tmp_path))
    assert code == 2 and "would overwrite the instance" in output
    same = str(tmp_path / "a.xlsx")
    code, output = run("solve", str(SMALL), "--xlsx", same, "-o", same)
    assert code == 2 and "--output" in output
    assert workbook.read_bytes() == before


def test_solve_a_workbook_with_every_output(tmp_path: Path) -> None:
    workbook = tmp_path / "plan.xlsx"
    assert run("convert", str(SMALL), str(workbook))[0] == 0
    code, output = run(
        "solve", str(workbook), "--xlsx", str(tmp_path / "r.xlsx"),
        "--csv", str(tmp_path / "r"), "-o", str(tmp_path / "r.json"),
    )  # fmt: skip
    assert code == 0, output
    assert "objective  37.7875" in output
    assert summary_name(tmp_path / "r.xlsx") == small_plan().instance.name
    assert (tmp_path / "r" / "run.json").exists() and (tmp_path / "r.json").exists()
