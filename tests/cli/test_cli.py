"""The `pathway-opt` command line: every command and every documented exit code.

Exit codes (README): 0 plan found; 1 invalid input; 2 usage error;
3 infeasible; 4 no plan within the limit; 5 solver or internal failure;
6 an output could not be written. Real HiGHS is used unless a test says otherwise.
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import pathway_opt.cli.main
from pathway_opt.cli.main import main
from pathway_opt.solver.outcome import SolveOutcome, Termination
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver

# Two periods, one budget (10 then 5, no carry-over), four initiatives, each
# startable in either period. Values 5, 4, 3, 2 (weight 1, probability 1);
# first-year costs 8, 6, 4, 3. Best plan by hand: B and C in P1 (6 + 4 = 10)
# and D in P2 (3 <= 5), or B and D in P1 and C in P2: value 4 + 3 + 2 = 9.
# Anything with A (cost 8) leaves room for at most C or D: value <= 8.
FEASIBLE: dict[str, Any] = {
    "name": "cli knapsack",
    "periods": ["P1", "P2"],
    "criteria": [{"id": "talent", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [10, 5], "carry_over": False}],
    "initiatives": [
        {"id": "A", "scores": {"talent": 5}, "cost": [8]},
        {"id": "B", "scores": {"talent": 4}, "cost": [6]},
        {"id": "C", "scores": {"talent": 3}, "cost": [4]},
        {"id": "D", "scores": {"talent": 2}, "cost": [3]},
    ],
}
OPTIMUM = 9.0

# Two must-fund initiatives that must start in 2027 and each cost 60 there,
# against a 2027 limit of 100 with no carry-over.
INFEASIBLE: dict[str, Any] = {
    "name": "cli infeasible",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "talent", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [100, 100], "carry_over": False}],
    "initiatives": [
        {
            "id": f"M{k}",
            "scores": {"talent": 1},
            "cost": [60, 10],
            "decision": "must",
            "earliest_start": "2027",
            "latest_start": "2027",
        }
        for k in (1, 2)
    ],
}


def generated(n: int, seed: int = 7) -> dict[str, Any]:
    """A random, feasible instance with `n` initiatives over three periods."""
    rng = random.Random(seed)
    return {
        "name": f"generated {n}",
        "periods": ["2027", "2028", "2029"],
        "criteria": [
            {"id": "talent", "weight": 0.6},
            {"id": "research", "weight": 0.4},
        ],
        "budgets": [{"id": "central", "limits": [10.0 * n] * 3, "carry_over": True}],
        "resources": [{"id": "fte", "capacity": [2.0 * n] * 3}],
        "initiatives": [
            {
                "id": f"I{k:03d}",
                "scores": {"talent": rng.randint(1, 9), "research": rng.randint(0, 9)},
                "success_probability": rng.choice([0.5, 0.7, 0.9, 1.0]),
                "cost": [rng.randint(5, 60), rng.randint(0, 20)],
                "uses": {"fte": [rng.randint(1, 8)]},
            }
            for k in range(n)
        ],
    }


def write(tmp_path: Path, data: dict[str, Any], name: str = "instance.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def exited(result: Result, code: int) -> None:
    """The command itself chose `code` (not an exception CliRunner caught)."""
    if code == 0:
        assert result.exception is None, repr(result.exception)
    else:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == code, result.output


# --- exit 0 -------------------------------------------------------------------


def test_solve_feasible_prints_and_writes_plan(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    out = tmp_path / "plan.json"
    result = run("solve", str(instance), "--output", str(out))
    exited(result, 0)
    assert "status     optimal" in result.stdout
    assert "objective  9.0000" in result.stdout
    assert "Traceback" not in result.output

    plan = json.loads(out.read_text(encoding="utf-8"))
    assert {"status", "objective", "bound", "gap", "selected"} <= set(plan)
    assert plan["status"] == "optimal"
    assert plan["objective"] == pytest.approx(OPTIMUM, abs=1e-6)
    assert plan["bound"] == pytest.approx(OPTIMUM, abs=1e-5)
    assert plan["gap"] == pytest.approx(0.0, abs=1e-6)
    assert {s["id"] for s in plan["selected"]} == {"B", "C", "D"}
    assert all(s["start"] in ("P1", "P2") for s in plan["selected"])
    assert not list(tmp_path.glob(".plan.json.*")), "temporary file left behind"


def test_solve_without_output_writes_nothing(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    result = run("solve", str(instance))
    exited(result, 0)
    assert "objective  9.0000" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instance.json"]


def test_solve_accepts_solver_options(tmp_path: Path) -> None:
    """Run in a fresh process, as a planner would."""
    instance = write(tmp_path, FEASIBLE)
    out = tmp_path / "plan.json"
    command = "from pathway_opt.cli.main import main; main()"
    options = ["--time-limit", "5", "--mip-gap", "0.0", "--threads", "1"]
    argv = [sys.executable, "-c", command, "solve", str(instance), *options]
    done = subprocess.run(
        [*argv, "--output", str(out)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Running HiGHS" not in done.stdout  # HiGHS's banner is kept off stdout
    assert done.stdout.startswith("tiny") or "status     optimal" in done.stdout
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["status"] == "optimal"
    assert plan["objective"] == pytest.approx(OPTIMUM, abs=1e-6)
    assert plan["settings"]["time_limit"] == 5
    assert plan["settings"]["threads"] == 1


def test_threads_option_can_change_within_one_process(tmp_path: Path) -> None:
    """Two thread counts in one process: at least one differs from the pool size."""
    instance = write(tmp_path, FEASIBLE)
    for threads in ("1", "2", "1"):
        result = run("solve", str(instance), "--threads", threads)
        exited(result, 0)
        assert "objective  9.0000" in result.stdout


def test_output_onto_the_instance_is_refused(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    before = instance.read_bytes()
    result = run("solve", str(instance), "--output", str(instance))
    exited(result, 2)
    assert "not overwritten" in result.output
    assert instance.read_bytes() == before


def test_solve_leaves_input_file_unchanged(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    before = instance.read_bytes()
    result = run("solve", str(instance), "--output", str(tmp_path / "plan.json"))
    exited(result, 0)
    assert instance.read_bytes() == before


def test_validate_valid_file(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    result = run("validate", str(instance))
    exited(result, 0)
    assert "valid" in result.stdout
    assert "4 initiatives" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0, result.output
    assert version("pathway-opt") in result.output


def test_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("solve", "validate", "schema"):
        assert command in result.output


def test_schema_is_json_with_descriptions() -> None:
    result = run("schema")
    exited(result, 0)
    schema = json.loads(result.stdout)
    assert "initiatives" in schema["properties"]
    assert {"periods", "criteria", "initiatives"} <= set(schema["required"])
    initiative = schema["$defs"]["Initiative"]
    assert initiative["properties"]["success_probability"]["description"]
    assert initiative.get("description")
    assert initiative.get("additionalProperties") is False


# --- exit 1 -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["solve", "validate"])
def test_invalid_file_exits_1(tmp_path: Path, command: str) -> None:
    data = json.loads(json.dumps(FEASIBLE))
    data["initiatives"][2]["cost"] = [-4]
    instance = write(tmp_path, data)
    result = run(command, str(instance))
    exited(result, 1)
    assert "initiatives[2].cost[0]" in result.stderr
    assert "Traceback" not in result.output
    assert "status" not in result.stdout


@pytest.mark.parametrize("command", ["solve", "validate"])
def test_missing_file_exits_1(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nope.json"
    result = run(command, str(missing))
    exited(result, 1)
    assert "nope.json" in result.stderr
    assert "no such file" in result.stderr
    assert "Traceback" not in result.output


# --- exit 2 -------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["solve", "{instance}", "--frobnicate"], id="unknown-option"),
        pytest.param(["solve", "{instance}", "--mip-gap", "3"], id="mip-gap-3"),
        pytest.param(
            ["solve", "{instance}", "--time-limit", "-1"], id="time-limit-neg"
        ),
        pytest.param(["solve", "{instance}", "--threads", "0"], id="threads-0"),
        pytest.param(
            ["solve", "{instance}", "--time-limit", "soon"], id="time-limit-text"
        ),
        pytest.param(["solve"], id="missing-argument"),
        pytest.param(["validate"], id="validate-missing-argument"),
        pytest.param(["optimise", "{instance}"], id="unknown-command"),
        pytest.param(["solve", "{instance}", "{instance}"], id="extra-argument"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    instance = write(tmp_path, FEASIBLE)
    argv = [a.replace("{instance}", str(instance)) for a in args]
    result = run(*argv)
    exited(result, 2)
    assert "Usage" in result.output
    assert "Traceback" not in result.output


# --- exit 3 -------------------------------------------------------------------


def test_infeasible_exits_3_with_explanation(tmp_path: Path) -> None:
    instance = write(tmp_path, INFEASIBLE)
    out = tmp_path / "plan.json"
    result = run("solve", str(instance), "--output", str(out))
    exited(result, 3)
    assert "infeasible" in result.stdout
    explanation = [
        line for line in result.stdout.splitlines() if line.startswith("  - ")
    ]
    assert explanation, result.stdout
    text = "\n".join(explanation)
    assert '"central"' in text
    assert "2027" in text
    assert "M1" in text and "M2" in text

    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["status"] == "infeasible"
    assert plan["selected"] == []
    assert plan["messages"], "the plan JSON carries the explanation too"


# --- exit 4 -------------------------------------------------------------------


def test_time_limit_zero_exits_4(tmp_path: Path) -> None:
    """Real HiGHS with --time-limit 0 stops before it has any plan.

    Checked with HiGHS 1.16.0: every instance tried, from 2 to 1000
    initiatives, ends with the time limit and no incumbent, so no stub is needed.
    """
    instance = write(tmp_path, generated(60))
    out = tmp_path / "plan.json"
    result = run("solve", str(instance), "--time-limit", "0", "--output", str(out))
    exited(result, 4)
    assert "no_solution" in result.stdout
    assert "time limit" in result.stdout
    assert "Traceback" not in result.output
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["status"] == "no_solution"
    assert plan["selected"] == []
    assert plan["objective"] is None


# --- exit 5 -------------------------------------------------------------------


@pytest.mark.parametrize("limit", [[], ["--time-limit", "30"]], ids=["", "limited"])
def test_plan_failing_verification_exits_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: list[str]
) -> None:
    """HiGHS's plan is tampered with: A (cost 8) is added in P1, over budget.

    With a time limit, HiGHS runs in its own process and the plans it streams are
    verified while it runs; the tampered plan is not one of them.
    """
    real_solve = Solver.solve
    offered: list[dict[str, int]] = []

    def tampered(
        self: Any, settings: SolveSettings, deadline: Any = None, start: Any = None,
        on_plan: Any = None, start_variants: Any = None, on_bound: Any = None,
    ) -> SolveOutcome:  # fmt: skip
        def seen(starts: dict[str, int]) -> None:
            offered.append(starts)
            on_plan(starts)

        outcome = real_solve(
            self, settings, deadline, start, on_plan and seen, start_variants,
            on_bound,
        )  # fmt: skip
        assert outcome.starts is not None and "A" not in outcome.starts
        return dataclasses.replace(outcome, starts={**outcome.starts, "A": 0})

    monkeypatch.setattr(Solver, "solve", tampered)
    instance = write(tmp_path, FEASIBLE)
    out = tmp_path / "plan.json"
    result = run("solve", str(instance), "--output", str(out), *limit)
    if not limit:
        assert not offered  # a solve in this process streams nothing
    exited(result, 5)
    assert "status     error" in result.stdout
    assert "verification failed" in result.stdout
    assert "central" in result.stdout
    assert "optimal" not in result.stdout
    assert "Traceback" not in result.output

    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["status"] == "error"
    assert plan["verified"] is False
    assert plan["selected"] == []
    assert any("verification failed" in m for m in plan["messages"])


def test_internal_error_exits_5_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pathway_opt, "solve", boom)
    instance = write(tmp_path, FEASIBLE)
    result = run("solve", str(instance))
    exited(result, 5)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "RuntimeError" in lines[0] and "boom" in lines[0]
    assert "--debug" in lines[0]


def test_internal_error_with_debug_shows_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pathway_opt, "solve", boom)
    instance = write(tmp_path, FEASIBLE)
    result = run("solve", "--debug", str(instance))
    exited(result, 5)
    assert "Traceback" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_solver_error_verdict_exits_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only HiGHS's verdict is stubbed: it reports a failure of its own."""

    def failed(
        self: Any, settings: SolveSettings, *args: Any, **kw: Any
    ) -> SolveOutcome:
        return SolveOutcome(
            Termination.ERROR, None, None, None, 0.0, "HiGHS (stub)",
            detail="simulated crash", settings=settings,
        )  # fmt: skip

    monkeypatch.setattr(Solver, "solve", failed)
    instance = write(tmp_path, FEASIBLE)
    result = run("solve", str(instance))
    exited(result, 5)
    assert "simulated crash" in result.stdout
    assert "optimal" not in result.stdout


# --- exit 6 -------------------------------------------------------------------


def test_output_under_a_regular_file_exits_6(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("solve", str(instance), "--output", str(blocker / "plan.json"))
    exited(result, 6)
    assert "afile" in result.stderr
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_output_is_an_existing_directory_exits_6(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    folder = tmp_path / "plans"
    folder.mkdir()
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run("solve", str(instance), "--output", str(folder))
    exited(result, 6)
    assert "plans" in result.stderr
    assert "folder" in result.stderr
    assert "Traceback" not in result.output
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_output_into_new_folder_is_created(tmp_path: Path) -> None:
    instance = write(tmp_path, FEASIBLE)
    out = tmp_path / "new" / "sub" / "plan.json"
    result = run("solve", str(instance), "--output", str(out))
    exited(result, 0)
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "optimal"
