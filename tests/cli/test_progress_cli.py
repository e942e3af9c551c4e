"""Progress of long commands on stderr, and the frontier's --max-points and
--budget-range.

CliRunner's stderr is not a terminal, so progress shows only with --progress;
-q silences it; data on stdout (``-o -``) stays pure.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from tiny_instances import make

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.cli.progress import progress

# A carry-over budget of 5,000 + 5,000. A (value 5) costs 12,000, B (value 3)
# 6,000, both in 2028; C (value 1) nothing. Frontier: total budget 0 -> 1,
# 6,000 -> 4, 12,000 -> 6, 18,000 -> 9.
LATE = {"earliest_start": "2028", "latest_start": "2028"}
HAND: dict[str, Any] = make(
    budgets=[{"id": "central", "limits": [5000, 5000], "carry_over": True}],
    initiatives=[
        {"id": "A", "scores": {"TC": 5}, "cost": [12000], **LATE},
        {"id": "B", "scores": {"TC": 3}, "cost": [6000], **LATE},
        {"id": "C", "scores": {"TC": 1}, "latest_start": "2027"},
    ],
)
SCENARIOS = [
    {"name": "cut", "edits": [{"op": "scale_budget", "budget": "central",
                               "factor": 0.5}]},
    {"name": "force B", "edits": [{"op": "force_in", "initiative": "B"}]},
]  # fmt: skip


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    inst = tmp_path / "hand.json"
    inst.write_text(json.dumps(HAND), encoding="utf-8")
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(json.dumps(SCENARIOS), encoding="utf-8")
    return {"inst": str(inst), "scenarios": str(scenarios), "tmp": str(tmp_path)}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _commands(f: dict[str, str]) -> dict[str, list[str]]:
    return {
        "sweep": ["sweep", f["inst"], "--budget-scale", "0.5:1.5:3"],
        "frontier": ["frontier", f["inst"]],
        "explain": ["explain", f["inst"]],
        "compare": ["compare", f["inst"], f["scenarios"]],
        "robust": ["robust", f["inst"], "--samples", "3"],
    }


SIZES = {
    "sweep": "sweep: 3 points on 1 worker, one solve each",
    "frontier": "frontier: exact walk down to total budget 0",
    "explain": "explain: 3 initiatives, about 6 solves",
    "compare": "compare: 2 scenarios, 3 solves",
    "robust": "robust: 3 samples on 1 worker, one solve each",
}
LAST = {
    "sweep": "sweep: 3/3 points",
    "frontier": "frontier: about 100 % walked",
    "explain": "explain: 6/6 solves",
    "compare": "compare: 3/3",
    "robust": "robust: 3/3 samples",
}


@pytest.mark.parametrize("command", list(SIZES))
def test_progress_shows_the_size_then_reaches_the_end(
    files: dict[str, str], command: str
) -> None:
    args = _commands(files)[command]
    shown = run(*args, "--progress")
    assert shown.exit_code == 0, shown.output
    lines = [line for line in shown.stderr.splitlines() if line.startswith(command)]
    assert lines[0].startswith(SIZES[command]), shown.stderr
    assert lines[-1].startswith(LAST[command]), shown.stderr
    assert len(set(lines)) == len(lines)  # no line twice
    assert not any(line.startswith(f"{command}:") for line in shown.stdout.splitlines())
    plain = run(*args)  # not a terminal, no --progress: nothing
    assert plain.exit_code == 0
    assert not any(line.startswith(f"{command}:") for line in plain.stderr.splitlines())
    quiet = run(*args, "--progress", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_explain_to_stdout_keeps_the_json_pure(files: dict[str, str]) -> None:
    result = run("explain", files["inst"], "-o", "-", "--progress")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "optimal"
    assert "explain: 3 initiatives, about 6 solves" in result.stderr
    quiet = run("explain", files["inst"], "-o", "-", "--progress", "-q")
    assert json.loads(quiet.stdout)["status"] == "optimal" and quiet.stderr == ""


def test_compare_to_stdout_keeps_the_json_pure(files: dict[str, str]) -> None:
    args = ["compare", files["inst"], files["scenarios"], "-o", "-", "--progress"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)
    assert "compare: 2 scenarios, 3 solves" in result.stderr


def _csv(path: Path) -> list[tuple[float, float]]:
    table = pd.read_csv(path, encoding="utf-8-sig")
    return list(zip(table["total_budget"], table["objective"], strict=True))


def test_max_points_truncates_and_says_where(files: dict[str, str]) -> None:
    tmp = Path(files["tmp"])
    full = run("frontier", files["inst"], "-o", str(tmp / "full.csv"))
    assert full.exit_code == 0, full.output
    cut = run("frontier", files["inst"], "--max-points", "2", "-o", str(tmp / "c.csv"))
    assert cut.exit_code == 0, cut.output
    top = [(12000, 6), (18000, 9)]
    assert _csv(tmp / "c.csv") == _csv(tmp / "full.csv")[-2:] == top
    says = "truncated after 2 points: below total budget 12,000 CNY not walked"
    assert says in cut.stdout
    assert "truncated" not in full.stdout


def test_budget_range_keeps_the_full_frontiers_points_in_it(
    files: dict[str, str],
) -> None:
    tmp = Path(files["tmp"])
    run("frontier", files["inst"], "-o", str(tmp / "full.csv"))
    part = run(
        "frontier", files["inst"], "--budget-range", "5,000:13,000",
        "-o", str(tmp / "part.csv"),
    )  # fmt: skip
    assert part.exit_code == 0, part.output
    inside = [p for p in _csv(tmp / "full.csv") if 5000 <= p[0] <= 13000]
    assert _csv(tmp / "part.csv") == inside == [(6000, 4), (12000, 6)]
    assert "total budget 5,000 to 13,000 CNY only" in part.stdout
    empty = run("frontier", files["inst"], "--budget-range", "13e3:17e3")
    assert empty.exit_code == 0, empty.output
    assert "no breakpoint between total budget 13,000 and 17,000" in empty.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--max-points", "0"], "--max-points"),
        (["--max-points", "x"], "--max-points"),
        (["--budget-range", "5:1"], "--budget-range"),
        (["--budget-range", "nan:5"], "--budget-range"),
        (["--budget-range", "1:inf"], "--budget-range"),
        (["--budget-range", "1:1e400"], "--budget-range"),
        (["--budget-range", "-1:5"], "--budget-range"),
        (["--budget-range", "1:2:3"], "--budget-range"),
        (["--budget-range", "a:b"], "--budget-range"),
        (["--budget-range", "5"], "--budget-range"),
    ],
)
def test_bad_cut_or_range_is_a_usage_error(
    files: dict[str, str], args: list[str], option: str
) -> None:
    result = run("frontier", files["inst"], *args)
    assert result.exit_code == 2, result.output
    assert f"'{option}'" in result.stderr and "Traceback" not in result.output


def test_a_range_without_budgets_is_a_usage_error(tmp_path: Path) -> None:
    free = tmp_path / "free.json"
    free.write_text(json.dumps(make(initiatives=[{"id": "A", "scores": {"TC": 1}}])))
    result = run("frontier", str(free), "--budget-range", "0:10")
    assert result.exit_code == 2 and "'--budget-range'" in result.stderr
    assert "add up to 0" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_bar_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress("frontier", False, lambda total: f"{total} things") as bar:
        for done in range(0, 11):
            bar(done, 10)
    text = screen.getvalue()
    assert text.startswith("frontier: 10 things\n")
    assert "frontier" in text.splitlines()[-1] and "100%" in text


def test_the_library_never_prints_progress(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    inst = po.load_instance(files["inst"])
    po.frontier(inst, max_points=1, progress=lambda d, t: None)
    po.explain(inst, progress=lambda d, t: None)
    assert capsys.readouterr() == ("", "")
