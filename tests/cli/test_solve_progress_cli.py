"""`solve --method` and the progress line of a long solve on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pathway_opt.cli.solve_progress as solve_progress
from pathway_opt.cli.main import main
from pathway_opt.inputs.generate import generate


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    path = tmp_path / "gen.json"
    path.write_text(json.dumps(generate(60, 3, seed=5)), encoding="utf-8")
    return path


def _solve(instance: Path, tmp_path: Path, *extra: str) -> tuple[str, dict]:
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        main,
        ["solve", str(instance), "--method", "heuristic", "--time-limit", "20",
         "-o", str(out), *extra],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stderr, json.loads(out.read_text(encoding="utf-8"))


def test_progress_line_shows_plan_bound_gap_and_finder(
    instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(solve_progress, "SHOW_AFTER", 0.0)
    stderr, plan = _solve(instance, tmp_path)
    lines = [line for line in stderr.splitlines() if line.startswith("solve: ")]
    assert lines, stderr
    assert "plan " in lines[0] and "bound " in lines[0] and "gap " in lines[0]
    assert any(f"({by})" in lines[0] for by in ("heuristic", "lp_guided", "highs"))
    assert plan["settings"]["method"] == "heuristic"
    assert plan["bound_source"] in ("highs", "lp", "lagrangian")
    assert plan["found_by"] in ("highs", "heuristic", "lp_guided")


def test_quiet_silences_the_progress_line(
    instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(solve_progress, "SHOW_AFTER", 0.0)
    stderr, _ = _solve(instance, tmp_path, "--quiet")
    assert "solve: " not in stderr


def test_short_solves_print_no_progress(instance: Path, tmp_path: Path) -> None:
    stderr, _ = _solve(instance, tmp_path)
    assert "solve: " not in stderr


def test_unknown_method_is_a_usage_error(instance: Path) -> None:
    result = CliRunner().invoke(main, ["solve", str(instance), "--method", "fast"])
    assert result.exit_code == 2
