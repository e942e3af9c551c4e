"""`pathway-opt robust` and `solve --robust`: outputs, summaries and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from repo_paths import ROOT

from pathway_opt.cli.main import main

OVERSPEND = str(ROOT / "instances" / "infeasible_must_overspend.json")

DATA: dict[str, Any] = {
    "name": "one slot",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0, "weight_range": [0.8, 1.2]}],
    "budgets": [{"id": "central", "limits": [10, 10]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 5}, "cost": [4],
         "uncertainty": {"scores": {"TC": [1, 9]}, "cost_factor": [0.9, 1.2]}},
        {"id": "B", "scores": {"TC": 4.8}, "cost": [4]},
        {"id": "C", "scores": {"TC": 1}, "cost": [1]},
    ],
    "rules": [{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
}  # fmt: skip


@pytest.fixture
def instance(tmp_path: Path) -> str:
    path = tmp_path / "one_slot.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    return str(path)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_robust_prints_and_writes_the_core_index(instance: str, tmp_path: Path) -> None:
    out, book = tmp_path / "core.csv", tmp_path / "robust.xlsx"
    result = run(
        "robust", instance, "--samples", "30", "--seed", "4", "-o", str(out),
        "--xlsx", str(book), "--progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stdout = result.stdout
    assert "30 samples (seed 4), 3 uncertain values" in stdout
    assert "proven optimal 30, time-limited 0" in stdout
    assert "its score over the samples: mean" in stdout and "P10" in stdout
    assert "its regret against each proven sample's optimum" in stdout
    assert "robust: 30/30 samples" in result.stderr
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns)[:5] == [
        "id", "core_index", "class", "in_plan", "mean_start"
    ]  # fmt: skip
    rows = table.set_index("id")
    assert rows.loc["C", "core_index"] == 1.0 and rows.loc["C", "class"] == "core"
    assert rows.loc["A", "core_index"] + rows.loc["B", "core_index"] == 1.0
    assert bool(rows.loc["A", "in_plan"]) and not bool(rows.loc["B", "in_plan"])
    sheets = openpyxl.load_workbook(book).sheetnames
    assert sheets == ["Robustness", "Summary", "Samples", "Uncertain values"]


def test_robust_is_the_same_with_the_same_seed(instance: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        result = run("robust", instance, "--samples", "10", "-o", str(path))
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--samples", "0"], "--samples"),
        (["--seed", "-1"], "--seed"),
        (["--core", "1.5"], "--core"),
        (["--core", "0.5", "--exterior", "0.6"], "must be below --core"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_robust_usage_errors_exit_2(instance: str, args: list[str], says: str) -> None:
    result = run("robust", instance, *args)
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_robust_without_a_plan_for_the_given_values_exits_3(tmp_path: Path) -> None:
    out = tmp_path / "core.csv"
    result = run("robust", OVERSPEND, "--samples", "3", "-o", str(out))
    assert result.exit_code == 3, result.output
    assert "the samples were not solved" in result.stdout
    assert out.exists()  # the table says "unknown" for every initiative


def test_solve_robust_prints_both_plans_and_writes_the_figures(
    instance: str, tmp_path: Path
) -> None:
    plan_path = tmp_path / "plan.json"
    result = run(
        "solve", instance, "--robust", "cvar:0.2", "--samples", "40", "--seed", "1",
        "-o", str(plan_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Robust plan: CVaR at 20% over 40 samples (seed 1" in result.stdout
    assert "costs: given" in result.stdout
    assert "plan for the given values" in result.stdout
    data = json.loads(plan_path.read_text(encoding="utf-8"))
    ids = {s["id"] for s in data["selected"]}
    assert ids == {"B", "C"}  # the sure 4.8 over the risky 5
    robust = data["robust"]
    assert robust["cvar"] >= robust["given_plan_cvar"]
    assert data["objective"] == pytest.approx(5.8)
    assert robust["given_plan_objective"] == pytest.approx(6.0)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--robust", "var:0.2"], 'unknown measure "var:0.2"'),
        (["--robust", "cvar:2"], "the level is 2"),
        (["--samples", "10"], "--samples and --seed go with --robust"),
        (["--seed", "3"], "--samples and --seed go with --robust"),
    ],
)
def test_solve_robust_usage_errors_exit_2(
    instance: str, args: list[str], says: str
) -> None:
    result = run("solve", instance, *args)
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_solve_robust_without_a_plan_exits_3() -> None:
    result = run("solve", OVERSPEND, "--robust", "cvar:0.2", "--samples", "3")
    assert result.exit_code == 3, result.output
    assert "no robust plan" in result.stdout
