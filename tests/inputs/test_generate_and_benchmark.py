"""The instance generator and a smoke run of the scaling benchmark."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.generate import generate


@pytest.mark.parametrize(("n", "periods"), [(1, 1), (100, 1), (250, 5)])
def test_generated_instances_are_valid_and_use_every_feature(
    n: int, periods: int
) -> None:
    data = generate(n, periods, seed=7)
    inst = po.instance_from_data(data)
    assert len(inst.initiatives) == n
    assert len(inst.periods) == periods
    assert len(inst.budgets) == 3 and len(inst.resources) >= 6
    if n >= 100:
        kinds = {r.kind for r in inst.rules}
        assert {"requires", "at_least", "synergy"} <= kinds
        assert any(r.kind == "at_least" and r.where is not None for r in inst.rules)
        assert any(
            isinstance(i.cost, dict) and len(i.cost) > 1 for i in inst.initiatives
        )


def test_generator_is_seeded() -> None:
    assert generate(120, 3, seed=4) == generate(120, 3, seed=4)
    assert generate(120, 3, seed=4) != generate(120, 3, seed=5)


def test_generated_instance_binds_and_solves() -> None:
    plan = po.solve(po.instance_from_data(generate(100, 3, seed=2)))
    assert plan.status == po.Status.OPTIMAL and plan.verified
    selected = len(plan.starts)
    assert 0 < selected < 100  # budgets and capacities bind


def test_generate_command_writes_a_valid_file(tmp_path: Path) -> None:
    out = tmp_path / "gen.json"
    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--initiatives",
            "50",
            "--periods",
            "2",
            "--first-year",
            "2027",
            "--seed",
            "3",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "50 initiatives" in result.output
    assert po.load_instance(out).periods == ["2027", "2028"]
    assert json.loads(out.read_text(encoding="utf-8")) == generate(50, 2, 3)


def test_benchmark_smoke_run_agrees_across_paths(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "60x1,60x3",
         "--quality-sizes", "60x3", "--quality-seeds", "1,2",
         "--time-limit", "20", "--output", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    main, _, rest = text.partition("## Ratios")
    for path in ("pathway-opt", "heuristic", "reference", "linopy"):
        assert main.count(f"| {path} |") == 2
    assert "all paths agree on model size, coefficient sum and proven optima" in text
    assert main.count("| optimal |") == 8
    quality = rest.partition("## Quality over time")[2].partition("## Agreement")[0]
    rows = [line for line in quality.splitlines() if line.startswith("| 60x3 |")]
    labels = ("pathway-opt (auto)", "pathway-opt --method heuristic",
              "HiGHS direct (reference.py)", "linopy + HiGHS")  # fmt: skip
    for seed in (1, 2):
        mine = [r for r in rows if r.startswith(f"| 60x3 | {seed} |")]
        assert sorted(r.split(" | ")[2] for r in mine) == sorted(labels)
        # every path traced: a verified plan before its end, HiGHS's included
        finals = {r.split(" | ")[2]: r.split(" | ")[-8] for r in mine}
        firsts = {r.split(" | ")[2]: r.split(" | ")[-4] for r in mine}
        assert all(v != "-" for v in finals.values()), mine
        assert all(v != "-" for v in firsts.values()), mine


def test_session_speed_benchmark_smoke_run() -> None:
    """The what-if speed benchmark runs end to end and reports every edit."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "session_speed.py"),
         "--initiatives", "200", "--periods", "3", "--time-limit", "5",
         "--rounds", "1"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if "selected |" in line]
    assert len(rows) == 5
    assert all("| optimal, " in row for row in rows), done.stdout
    assert "worst re-solve outside HiGHS's run" in done.stdout
    assert done.stdout.count("| central budget x") == 3
