"""Numerical warnings name their fields; plan files record provenance and repeat."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.schema.numerics import range_warnings

WIDE: dict[str, Any] = {
    "periods": ["2027"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [4e10]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 1}, "cost": [0.01]},
        {"id": "B", "scores": {"TC": 2}, "cost": [5e6]},
    ],
}


def test_wide_ranges_are_warned_with_field_paths(tmp_path: Path) -> None:
    inst = po.instance_from_data(WIDE)
    [warning] = range_warnings(inst)
    assert 'budget "central"' in warning
    assert "initiatives[0].cost[0]" in warning and "budgets[0].limits[0]" in warning
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(WIDE), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and "warning:" in result.output
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["solve", str(path), "--output", str(out)])
    assert result.exit_code == 0 and "warning:" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["warnings"] == [warning]


def test_ordinary_instances_have_no_warnings() -> None:
    for name in ("small_applied_college.json", "provincial_applied_university.json"):
        assert range_warnings(po.load_instance(ROOT / "instances" / name)) == []


def _plan_file(folder: Path, source: Path) -> dict[str, Any]:
    out = folder / "plan.json"
    csv = folder / "tables"
    result = CliRunner().invoke(
        main, ["solve", str(source), "--output", str(out), "--csv", str(csv)]
    )
    assert result.exit_code == 0, result.output
    return {
        "json": json.loads(out.read_text(encoding="utf-8")),
        "csv": {p.name: p.read_bytes() for p in sorted(csv.glob("*.csv"))},
    }


def test_two_runs_give_identical_files_apart_from_timings(tmp_path: Path) -> None:
    source = ROOT / "instances" / "provincial_applied_university.json"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = (
        _plan_file(tmp_path / "a", source),
        _plan_file(tmp_path / "b", source),
    )
    for run in (first, second):
        run["json"]["solver"].pop("seconds")
        run["json"]["solver"].pop("timings")
        run["json"]["provenance"].pop("run_at")
    assert first == second
    provenance = first["json"]["provenance"]
    assert provenance["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert provenance["tool_version"]
    assert first["json"]["solver"]["name"].startswith("HiGHS 1.16")
    assert first["json"]["settings"]["random_seed"] == 0
