"""`pathway-opt alternatives`: options, exit codes, outputs, progress."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pathway_opt.cli.main import main

#: Budget 10 in 2027: A (3, costs 6), B (2, costs 6), C (1, costs 3). Best AC
#: (4); within 40% (at least 2.4) and one apart: A and BC (3 each), no third.
KNAPSACK: dict[str, Any] = {
    "name": "cli alternatives",
    "periods": ["2027"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [10]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 3}, "cost": [6]},
        {"id": "B", "scores": {"TC": 2}, "cost": [6]},
        {"id": "C", "scores": {"TC": 1}, "cost": [3]},
    ],
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    path = tmp_path / "knapsack.json"
    path.write_text(json.dumps(KNAPSACK), encoding="utf-8")
    return path


def test_prints_the_table_and_says_why_there_are_fewer(instance: Path) -> None:
    result = run("alternatives", str(instance), "--count", "3", "--within", "0.4")
    assert result.exit_code == 0, result.output
    assert "2 of 3 alternative plan(s) within 40% of the optimum" in result.output
    assert "only 2 plan(s) within 40% of the optimum" in result.output
    assert "Side by side" in result.output and "score" in result.output


def test_writes_every_output(instance: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "alternatives", str(instance), "--within", "0.4", "-o", str(out / "a.json"),
        "--xlsx", str(out / "a.xlsx"), "--csv", str(out / "csv"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((out / "a.json").read_text(encoding="utf-8"))
    assert set(data) >= {"optimum", "alternatives"}
    assert [a["objective"] for a in data["alternatives"]] == [3, 3]
    assert (out / "a.xlsx").is_file()
    assert sorted(p.name for p in (out / "csv").iterdir()) == [
        "alternatives.csv", "changes.csv", "plans.csv", "run.json",
    ]  # fmt: skip


def test_json_on_stdout_and_the_summary_on_stderr(instance: Path) -> None:
    result = run("alternatives", str(instance), "--within", "0.4", "-o", "-")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["optimum"]["objective"] == 4 and data["found"] == 2
    assert "Side by side" in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [("--count", "0"), ("--within", "1"), ("--within", "nan"),
     ("--within", "-0.5"), ("--min-difference", "0"), ("--count", "two")],
)  # fmt: skip
def test_bad_request_is_a_usage_error_naming_the_option(
    instance: Path, option: str, value: str
) -> None:
    result = run("alternatives", str(instance), option, value)
    assert result.exit_code == 2
    assert f"'{option}'" in result.output


def test_infeasible_instance_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    broken = dict(KNAPSACK)
    broken["initiatives"] = [
        {"id": "A", "scores": {"TC": 3}, "cost": [11], "decision": "must"}
    ]
    path.write_text(json.dumps(broken), encoding="utf-8")
    result = run("alternatives", str(path))
    assert result.exit_code == 3
    assert "no alternatives: the instance itself has no plan" in result.output


def test_outputs_are_checked_before_solving(instance: Path) -> None:
    result = run("alternatives", str(instance), "-o", str(instance))
    assert result.exit_code == 2 and "'--output'" in result.output


def test_progress_lines_when_asked(instance: Path) -> None:
    result = run("alternatives", str(instance), "--within", "0.4", "--progress")
    assert result.exit_code == 0
    lines = [x for x in result.stderr.splitlines() if x.startswith("alternatives:")]
    assert lines[0] == "alternatives: up to 3 alternatives, 4 solves or fewer"
    assert lines[1] == "alternatives: 0/4 solves"
    assert lines[-1] == "alternatives: 4/4 solves"
