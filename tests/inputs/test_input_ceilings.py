"""Inputs are read only from regular files of bounded size.

Issue 14, item 11: ``validate /dev/zero`` and an .xlsx symlink to /dev/urandom
read until MemoryError. Devices, pipes and sockets are refused with exit 1; files
(and a workbook's unpacked contents) above 200 MB too, unless
PATHWAY_OPT_MAX_INPUT_MB raises the ceiling.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import pathway_opt as po
from pathway_opt.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "instances" / "small_applied_college.json"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert "Traceback" not in result.output
    return result


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "/dev/zero"],
        ["solve", "/dev/zero"],
        ["compare", str(SMALL), "/dev/zero"],
        ["explain", str(SMALL), "--plan", "/dev/zero"],
    ],
)
def test_a_device_is_refused(argv: list[str]) -> None:
    result = run(*argv)
    assert result.exit_code == 1, result.output
    assert "not a regular file" in result.output


@pytest.mark.skipif(not Path("/dev/urandom").exists(), reason="needs /dev/urandom")
def test_a_workbook_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "plan.xlsx"
    link.symlink_to("/dev/urandom")
    result = run("validate", link)
    assert result.exit_code == 1, result.output
    assert "not a regular file" in result.output
    with pytest.raises(po.InputError, match="not a regular file"):
        po.load_instance(link)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("name", ["pipe.json", "pipe.xlsx"])
def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-c", "from pathway_opt.cli.main import main; main()",
         "validate", str(fifo)],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "not a regular file" in done.stderr


def test_a_file_above_the_ceiling_is_refused_and_the_ceiling_can_be_raised(
    tmp_path: Path,
) -> None:
    size_mb = SMALL.stat().st_size / 1e6
    low = {"PATHWAY_OPT_MAX_INPUT_MB": f"{size_mb / 2}"}
    result = run("validate", SMALL, env=low)
    assert result.exit_code == 1, result.output
    assert "PATHWAY_OPT_MAX_INPUT_MB" in result.output
    assert run("validate", SMALL, env={"PATHWAY_OPT_MAX_INPUT_MB": "1"}).exit_code == 0


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf", "lots"])
def test_a_bad_ceiling_is_a_usage_error(value: str) -> None:
    result = run("validate", SMALL, env={"PATHWAY_OPT_MAX_INPUT_MB": value})
    assert result.exit_code == 2, result.output
    assert "PATHWAY_OPT_MAX_INPUT_MB" in result.output


def test_a_workbook_that_unpacks_above_the_ceiling_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
    assert bomb.stat().st_size < 100_000
    result = run("validate", bomb, env={"PATHWAY_OPT_MAX_INPUT_MB": "1"})
    assert result.exit_code == 1, result.output
    assert "unpacks to 3.0 MB" in result.output


def test_the_default_ceiling_is_200_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATHWAY_OPT_MAX_INPUT_MB", raising=False)
    assert po.max_input_bytes() == 200_000_000
