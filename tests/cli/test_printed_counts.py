"""Printed counts are singular for exactly one: "1 budget", never "1 budgets".

Issue 15, item 10: ``validate`` printed "1 budgets"; so did other lines.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from tiny_instances import make

from pathway_opt.cli.main import main
from pathway_opt.cli.words import counted


def run(*args: object, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert "Traceback" not in result.output
    return result


def _instance(n: int) -> dict[str, Any]:
    """`n` of everything: periods, initiatives, budgets, resources, rules."""
    periods = [str(2027 + k) for k in range(n)]
    ids = [f"I{k}" for k in range(n)]
    return make(
        periods=periods,
        budgets=[{"id": f"b{k}", "limits": [10] * n} for k in range(n)],
        resources=[{"id": f"r{k}", "capacity": [1] * n} for k in range(n)],
        initiatives=[
            {"id": i, "scores": {"TC": 1}, "cost": {"b0": [1]}, "uses": {"r0": [1]}}
            for i in ids
        ],
        rules=[{"kind": "at_most", "count": 1, "members": ids}] * n,
    )


@pytest.mark.parametrize(
    ("n", "words"),
    [(1, "1 initiative, 1 period, 1 budget, 1 resource, 1 rule"),
     (2, "2 initiatives, 2 periods, 2 budgets, 2 resources, 2 rules")],
)  # fmt: skip
def test_validate(tmp_path: Path, n: int, words: str) -> None:
    path = tmp_path / "i.json"
    path.write_text(json.dumps(_instance(n)), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert f"valid ({words})" in result.output


def test_convert_and_generate(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text(json.dumps(_instance(1)), encoding="utf-8")
    result = run("convert", path, tmp_path / "i.xlsx")
    assert result.exit_code == 0, result.output
    assert "1 initiative, 1 period, 1 rule" in result.output
    result = run("generate", "-n", "1", "-t", "1", tmp_path / "g.json")
    assert result.exit_code == 0, result.output
    assert "1 initiative, 1 period, 0 rules (period" in result.output
    assert "1 period" in json.loads((tmp_path / "g.json").read_text())["name"]


def test_one_period_in_a_profile_message(tmp_path: Path) -> None:
    data = make(
        periods=["2027"],
        budgets=[{"id": "b", "limits": [1, 2]}],
        initiatives=[{"id": "A", "scores": {"TC": 1}}],
    )
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 1
    assert "has 2 entries but there is 1 period" in result.output


def test_sweep_and_the_cores_note(tmp_path: Path) -> None:
    path = tmp_path / "i.json"
    path.write_text(json.dumps(_instance(1)), encoding="utf-8")
    env = {"PATHWAY_OPT_CORES": "1"}
    result = run("sweep", path, "--budget-scale", "1", "--workers", "3", env=env)
    assert result.exit_code == 0, result.output
    assert "1 point in" in result.stdout and "with 1 worker" in result.stdout
    assert "more than the 1 core available; using 1 worker process (" in (result.stderr)
    result = run("solve", path, "--threads", "2", env=env)
    assert "using 1 thread (" in result.stderr


@pytest.mark.parametrize(
    ("n", "noun", "text"),
    [(0, "rule", "0 rules"), (1, "rule", "1 rule"), (2, "criterion", "2 criteria"),
     (1, "criterion", "1 criterion"), (1_000, "point", "1,000 points"),
     (2, "worker process", "2 worker processes")],
)  # fmt: skip
def test_counted(n: int, noun: str, text: str) -> None:
    assert counted(n, noun) == text


def test_why_there_is_no_plan(tmp_path: Path) -> None:
    data = make(
        initiatives=[{"id": "A", "scores": {"TC": 1}, "decision": "must"}],
        rules=[
            {"kind": "at_most", "count": 0, "members": ["A"]},
            {"kind": "at_least", "count": 2, "members": ["A"]},
        ],
    )
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("solve", path)
    assert result.exit_code == 3, result.output
    assert "is broken by must-fund initiative A:" in result.output
    assert "only 1 of its 1 member can be selected" in result.output
