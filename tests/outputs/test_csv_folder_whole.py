"""A CSV folder is written as a whole: a failure leaves it as it was, never mixed.

Issue 14, item 8: a failed ``--csv`` used to leave new tables beside the
previous run's files. Failures are injected while the files are written and
while they are moved in.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "instances" / "small_applied_college.json"


@pytest.fixture(scope="module")
def plans() -> tuple[po.Plan, po.Plan]:
    """Two different plans: the instance as given and with half its budget."""
    inst = po.load_instance(SMALL)
    data = inst.model_dump()
    data["budgets"][0]["limits"] = [v / 2 for v in data["budgets"][0]["limits"]]
    return po.solve(inst), po.solve(po.instance_from_data(data))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def fail_on_call(n: int, real: Any) -> Any:
    """A stand-in for `real` that raises ENOSPC on its n-th call."""
    calls = [0]

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == n:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    return stand_in


@pytest.mark.parametrize("failing_file", [1, 3, 7])
def test_failure_while_writing_leaves_the_old_folder(
    plans: tuple[po.Plan, po.Plan],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing_file: int,
) -> None:
    first, second = plans
    folder = tmp_path / "out"
    po.write_plan_csv(first, folder)
    before = snapshot(folder)
    monkeypatch.setattr(os, "fsync", fail_on_call(failing_file, os.fsync))
    with pytest.raises(po.OutputError, match="No space left on device"):
        po.write_plan_csv(second, folder)
    assert snapshot(folder) == before


@pytest.mark.parametrize("failing_move", [1, 5, 9, 13])
def test_failure_while_moving_in_puts_the_old_files_back(
    plans: tuple[po.Plan, po.Plan],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failing_move: int,
) -> None:
    """Moves 1-7 set the old files aside, 8-14 bring the new ones in."""
    first, second = plans
    folder = tmp_path / "out"
    po.write_plan_csv(first, folder)
    (folder / "notes.txt").write_text("the planner's own file\n", encoding="utf-8")
    before = snapshot(folder)
    monkeypatch.setattr(os, "replace", fail_on_call(failing_move, os.replace))
    with pytest.raises(po.OutputError):
        po.write_plan_csv(second, folder)
    assert snapshot(folder) == before


def test_a_new_folder_that_fails_is_not_left_behind(
    plans: tuple[po.Plan, po.Plan], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", fail_on_call(4, os.fsync))
    with pytest.raises(po.OutputError):
        po.write_plan_csv(plans[0], tmp_path / "new")
    assert list(tmp_path.iterdir()) == []


def test_success_replaces_every_file_and_keeps_other_files(
    plans: tuple[po.Plan, po.Plan], tmp_path: Path
) -> None:
    first, second = plans
    folder = tmp_path / "out"
    po.write_plan_csv(first, folder)
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    po.write_plan_csv(second, folder)
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["objective"] == pytest.approx(second.objective)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*run["files"], "notes.txt"]
    )
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_explanation_files_of_an_earlier_run_do_not_stay_beside_a_new_plan(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "out"
    runner = CliRunner()
    explained = runner.invoke(
        main, ["explain", str(SMALL), "--no-marginal", "--only", "JL-IT-01",
               "--csv", str(folder)],
    )  # fmt: skip
    assert explained.exit_code == 0, explained.output
    assert (folder / "why.csv").exists()
    solved = runner.invoke(main, ["solve", str(SMALL), "--csv", str(folder)])
    assert solved.exit_code == 0, solved.output
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(run["files"])
    assert not (folder / "why.csv").exists()


def test_cli_full_disk_during_csv_exits_6_and_keeps_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["solve", str(SMALL), "--csv", str(folder)]).exit_code == 0
    )
    (folder / "selected.csv").write_bytes(b"earlier run\r\n")
    before = snapshot(folder)
    monkeypatch.setattr(os, "fsync", fail_on_call(5, os.fsync))
    result = runner.invoke(main, ["solve", str(SMALL), "--csv", str(folder)])
    assert result.exit_code == 6, result.output
    assert "No space left on device" in result.output
    assert snapshot(folder) == before


def test_a_staging_folder_of_a_killed_run_is_removed(
    plans: tuple[po.Plan, po.Plan], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    po.write_plan_csv(plans[0], folder)
    dead = folder / ".pathway-opt.999999999.abcd1234.part"
    (dead / "new").mkdir(parents=True)
    (dead / "new" / "selected.csv").write_bytes(b"half")
    po.write_plan_csv(plans[1], folder)
    assert not dead.exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_a_folder_named_like_an_earlier_output_is_left_alone(
    plans: tuple[po.Plan, po.Plan], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    (folder / "why.csv").mkdir(parents=True)
    (folder / "why.csv" / "keep.txt").write_text("mine\n", encoding="utf-8")
    po.write_plan_csv(plans[0], folder)
    assert (folder / "why.csv" / "keep.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_read_only_table_refuses_the_whole_folder(
    plans: tuple[po.Plan, po.Plan], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    po.write_plan_csv(plans[0], folder)
    (folder / "rules.csv").chmod(0o444)
    before = snapshot(folder)
    with pytest.raises(po.OutputError, match="read-only"):
        po.write_plan_csv(plans[1], folder)
    assert snapshot(folder) == before
