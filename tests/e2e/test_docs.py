"""The format page's example is a valid instance, and the planner's path in the
README runs as written: template, validate, solve, explain."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from repo_paths import ROOT

import pathway_opt as po

FORMAT = ROOT / "docs" / "format.md"
MAIN = "from pathway_opt.cli.main import main; main()"


def test_the_format_example_is_a_valid_instance_and_solves() -> None:
    block = re.search(r"```json\n(.*?)```", FORMAT.read_text("utf-8"), re.S)
    assert block is not None
    inst = po.instance_from_data(json.loads(block[1]))
    plan = po.solve(inst)
    assert plan.status == po.Status.OPTIMAL and plan.verified
    # at most one industrial college, and the college needs the lab a year earlier
    colleges = [i for i in plan.starts if i.startswith("IC-")]
    assert len(colleges) <= 1
    for college in colleges:
        assert "JL-CS-01" in plan.starts
        assert plan.starts["JL-CS-01"] < plan.starts[college]


def _planner_commands() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## For planners", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line.split("#", 1)[0].strip() for line in block[1].splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_the_planners_path_runs_as_written(tmp_path: Path) -> None:
    commands = _planner_commands()
    assert [c[1] for c in commands] == ["template", "validate", "solve", "explain"]
    for command in commands:
        assert command[0] == "pathway-opt"
        done = subprocess.run(
            [sys.executable, "-c", MAIN, *command[1:]],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "result.xlsx").exists()
    assert (tmp_path / "explained.xlsx").exists()
