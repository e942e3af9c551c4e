"""A node limit: runs that stop early and still give the same plan (issue 14, item 16).

The README promised the same plan for the same options, but `--time-limit 3
--threads 1` gave three objectives in three runs: where a time limit stops HiGHS
depends on the machine's speed and load. `--node-limit N` (HiGHS's
``mip_max_nodes``) stops it after the same work on every run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from process_table import cli_command, cli_env

import pathway_opt as po

#: 200 initiatives over 3 periods: HiGHS proves the optimum only after many
#: nodes (about 2 s), so a limit of 2 nodes stops it with a gap.
GENERATED = (200, 3, 7)


@pytest.fixture(scope="module")
def inst() -> po.Instance:
    return po.instance_from_data(po.generate(*GENERATED))


def test_same_node_limit_same_plan(inst: po.Instance) -> None:
    first = po.solve(inst, po.SolveSettings(node_limit=2))
    second = po.solve(inst, po.SolveSettings(node_limit=2))
    for plan in (first, second):
        assert plan.status == po.Status.FEASIBLE
        assert plan.verified
        assert plan.gap is not None and plan.gap > 0
        assert plan.settings["node_limit"] == 2
    assert first.starts == second.starts
    assert first.objective == second.objective
    assert first.bound == second.bound


def test_a_session_forgets_the_last_node_limit(inst: po.Instance) -> None:
    """HiGHS keeps options between runs; a later run without a limit has none."""
    session = po.Session(inst)
    limited = session.solve(
        po.SolveSettings(node_limit=2, time_limit=120)
    )  # in the kept child
    assert limited.status == po.Status.FEASIBLE
    for time_limit in (120.0, None):  # the kept child, then this process
        full = session.solve(time_limit=time_limit)
        assert full.status == po.Status.OPTIMAL
        assert full.settings["node_limit"] is None


def test_no_plan_within_the_node_limit(inst: po.Instance) -> None:
    plan = po.solve(inst, po.SolveSettings(node_limit=0))
    assert plan.status == po.Status.NO_SOLUTION
    assert plan.exit_code == 4
    assert any("node limit" in m for m in plan.messages)


def test_cli_node_limit_runs_agree(tmp_path: Path) -> None:
    """Two runs of the real command line give the same plan JSON but for timings."""
    instance = tmp_path / "generated.json"
    instance.write_text(json.dumps(po.generate(*GENERATED)), encoding="utf-8")
    plans = []
    for run in ("a", "b"):
        done = subprocess.run(
            [*cli_command(), "solve", str(instance), "--node-limit", "2",
             "--threads", "1", "-o", f"{run}.json"],
            cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "status     feasible" in done.stdout
        plans.append(json.loads((tmp_path / f"{run}.json").read_text("utf-8")))
    first, second = plans
    assert first["status"] == second["status"] == "feasible"
    assert first["gap"] > 0
    assert first["settings"]["node_limit"] == 2
    for key in ("selected", "objective", "bound", "gap"):
        assert first[key] == second[key], key


def test_cli_refuses_a_negative_node_limit(tmp_path: Path) -> None:
    done = subprocess.run(
        [*cli_command(), "solve", "missing.json", "--node-limit", "-1"],
        cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--node-limit" in done.stderr
