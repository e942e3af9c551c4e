"""`pathway-opt sweep` and `pathway-opt frontier`: outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from repo_paths import ROOT
from tiny_instances import make

from pathway_opt.cli.sweep import frontier_command, sweep_command

SMALL = str(ROOT / "instances" / "small_applied_college.json")
OVERSPEND = str(ROOT / "instances" / "infeasible_must_overspend.json")


def run(command: Any, *args: str) -> Result:
    return CliRunner().invoke(command, list(args))


def test_sweep_prints_and_writes_csv(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    result = run(
        sweep_command, SMALL, "--budget-scale", "0.5:1.5:3", "--capacity-scale",
        "1,0.9", "--output", str(out), "--progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "6 points in" in result.stdout and "points/s" in result.stdout
    assert "sweep: 6/6 points" in result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table["budget_scale"]) == [0.5, 0.5, 1.0, 1.0, 1.5, 1.5]
    assert table["status"].eq("optimal").all()
    assert {"selected", "used_central", "utilisation_central"} <= set(table)


def test_sweep_without_progress_flag_is_quiet(tmp_path: Path) -> None:
    result = run(sweep_command, SMALL, "--budget-scale", "1")
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--budget-scale", "0.5:1.5"], "is not a:b:n"),
        (["--budget-scale", "1,-2"], ">= 0"),
        (["--capacity-scale", "x"], "not a list of numbers"),
        (["--budget-scale", "1", "--budget", "nope"], 'unknown budget "nope"'),
        (["--budget-scale", "1", "--resource", "a,b"], 'unknown resource "a"'),
        (["--budget-scale", "1", "--workers", "0"], "--workers"),
        ([], "give --budget-scale and/or --capacity-scale"),
        (["--budget-scale", "1", "--output", SMALL], "instance file itself"),
    ],
)
def test_sweep_usage_errors_exit_2(args: list[str], says: str) -> None:
    result = run(sweep_command, SMALL, *args)
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output


def test_sweep_bad_instance_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(make(periods=[])))
    result = run(sweep_command, str(bad), "--budget-scale", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith("error:")


def test_frontier_writes_csv_plot_and_ladders(tmp_path: Path) -> None:
    out = tmp_path / "frontier.csv"
    folder = tmp_path / "ladders"
    result = run(
        frontier_command, SMALL, "--output", str(out), "--ladders-csv", str(folder)
    )
    assert result.exit_code == 0, result.output
    assert "43 breakpoints" in result.stdout
    assert "Fund next if the budgets rise (3 steps)" in result.stdout
    assert "Cut first if the budgets fall (40 steps)" in result.stdout
    points = pd.read_csv(out, encoding="utf-8-sig")
    assert len(points) == 43 and points["lambda"].is_monotonic_increasing
    assert points["objective"].is_monotonic_increasing
    png = out.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG")
    fund = pd.read_csv(folder / "fund_next.csv", encoding="utf-8-sig")
    cut = pd.read_csv(folder / "cut_first.csv", encoding="utf-8-sig")
    assert len(fund) == 3 and len(cut) == 40


def test_frontier_starts_where_must_fund_fits(tmp_path: Path) -> None:
    plot = tmp_path / "f.png"
    result = run(frontier_command, OVERSPEND, "--plot", str(plot))
    assert result.exit_code == 0, result.output
    assert "5 breakpoints from λ = 1.24" in result.stdout
    assert "no plan below λ = 1.24" in result.stdout
    assert "Cut first if the budgets fall (0 steps)" in result.stdout
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_frontier_without_any_plan_exits_3(tmp_path: Path) -> None:
    # Two must-fund initiatives that an at_most rule allows only one of.
    data = make(
        budgets=[{"id": "central", "limits": [10, 10]}],
        initiatives=[
            {"id": "A", "scores": {"TC": 1}, "cost": [1], "decision": "must"},
            {"id": "B", "scores": {"TC": 1}, "cost": [1], "decision": "must"},
        ],
        rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
    )
    instance = tmp_path / "x.json"
    instance.write_text(json.dumps(data), encoding="utf-8")
    result = run(frontier_command, str(instance))
    assert result.exit_code == 3, result.output
    assert "no plan at any budget: infeasible" in result.stdout


def test_frontier_refuses_to_overwrite_the_instance() -> None:
    result = run(frontier_command, SMALL, "--plot", SMALL)
    assert result.exit_code == 2
    assert "instance file itself" in result.output
