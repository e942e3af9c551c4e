"""Output files: a full disk or an unwritable place gives exit 6 and nothing partial."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from repo_paths import ROOT

from pathway_opt.cli.main import main

SMALL = ROOT / "instances" / "small_applied_college.json"


def _full_disk(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("option", ["--output", "--xlsx"])
def test_full_disk_exits_6_and_keeps_the_old_file(
    option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / ("plan.json" if option == "--output" else "plan.xlsx")
    target.write_bytes(b"old content")
    monkeypatch.setattr(os, "fsync", _full_disk)  # the disk fills up mid-write
    result = CliRunner().invoke(main, ["solve", str(SMALL), option, str(target)])
    assert result.exit_code == 6, result.output
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert target.read_bytes() == b"old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_output_in_a_missing_folder_is_created(tmp_path: Path) -> None:
    target = tmp_path / "new" / "deeper" / "plan.json"
    result = CliRunner().invoke(main, ["solve", str(SMALL), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "optimal"


def test_read_only_target_exits_6(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o444)
    result = CliRunner().invoke(main, ["solve", str(SMALL), "--output", str(target)])
    assert result.exit_code == 6, result.output
    assert "read-only" in result.output
    assert target.read_text(encoding="utf-8") == "{}"
