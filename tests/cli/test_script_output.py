"""Output for scripts (issue 15, item 8): ``-o -``, ``--quiet``, ``validate --json``.

Also the exit codes in every command's ``-h`` and the command summaries of
``pathway-opt -h`` shown whole. The solves are real HiGHS solves of
instances/small_applied_college.json.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from pathway_opt.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "instances" / "small_applied_college.json"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: stdout and stderr apart."""
    return subprocess.run(
        [sys.executable, "-c", "from pathway_opt.cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def small(tmp_path: Path, change: Any = None) -> Path:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- -o -: the plan JSON on stdout, the summary on stderr ---------------------


def test_solve_dash_prints_only_the_plan_json_on_stdout(tmp_path: Path) -> None:
    done = cli("solve", str(SMALL), "-o", "-")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)  # nothing but the JSON
    assert plan["status"] == "optimal"
    assert plan["objective"] > 0
    assert plan["provenance"]["source"].endswith("small_applied_college.json")
    assert "objective" in done.stderr  # the human summary
    assert not (tmp_path / "-").exists() and not Path("-").exists()


def test_solve_dash_equals_the_plan_file(tmp_path: Path) -> None:
    to_file = tmp_path / "plan.json"
    exited(invoke("solve", str(SMALL), "-o", str(to_file)), 0)
    result = invoke("solve", str(SMALL), "-o", "-", "--csv", str(tmp_path / "t"))
    exited(result, 0)
    printed, written = json.loads(result.stdout), json.loads(to_file.read_text())
    for key in ("status", "objective", "selected"):
        assert printed[key] == written[key]
    assert set(printed) == set(written)
    assert (tmp_path / "t" / "run.json").exists()  # other outputs still written
    assert f"plan tables written to {tmp_path / 't'}" in result.stderr
    assert "written to" not in result.stdout


def test_explain_dash_prints_the_plan_with_explanations(tmp_path: Path) -> None:
    done = cli("explain", str(SMALL), "--no-marginal", "--threads", "1", "-o", "-")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["status"] == "optimal"
    assert "explanations" in plan
    assert done.stderr.strip()  # the explanations, for people


# --- --quiet: nothing but errors ----------------------------------------------


def test_every_command_has_quiet() -> None:
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        options = {o for p in command.params for o in p.opts}
        assert {"--quiet", "-q"} <= options, name


def test_quiet_solve_prints_nothing() -> None:
    done = cli("solve", str(SMALL), "-q")
    assert done.returncode == 0
    assert (done.stdout, done.stderr) == ("", "")


def test_quiet_keeps_the_json_asked_for_on_stdout() -> None:
    done = cli("solve", str(SMALL), "--quiet", "-o", "-")
    assert done.returncode == 0
    assert json.loads(done.stdout)["status"] == "optimal"
    assert done.stderr == ""


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    bad = small(tmp_path, lambda d: d.pop("criteria"))
    done = cli("validate", str(bad), "-q")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "criteria" in done.stderr and done.stderr.startswith("error:")


def test_quiet_drops_warnings_and_notes(tmp_path: Path) -> None:
    typo = small(
        tmp_path, lambda d: d["initiatives"][0].update(type="Partner Agreement")
    )
    loud = invoke("validate", str(typo))
    assert "warning:" in loud.stdout
    quiet = invoke("validate", str(typo), "-q")
    exited(quiet, 0)
    assert (quiet.stdout, quiet.stderr) == ("", "")
    # the note that --threads is capped at the cores is left out too
    quiet = invoke("solve", str(typo), "-q", "--threads", "100000")
    exited(quiet, 0)
    assert (quiet.stdout, quiet.stderr) == ("", "")


# --- validate --json ----------------------------------------------------------


def test_validate_json_valid_is_an_empty_list() -> None:
    done = cli("validate", str(SMALL), "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout) == []
    assert done.stderr == ""


def test_validate_json_lists_problems_with_exit_1(tmp_path: Path) -> None:
    def break_it(data: dict[str, Any]) -> None:
        data.pop("criteria")
        data["periods"] = []

    result = invoke("validate", str(small(tmp_path, break_it)), "--json")
    exited(result, 1)
    records = json.loads(result.stdout)
    assert records and all(
        set(r) == {"level", "path", "message", "fix"} and r["level"] == "error"
        for r in records
    )
    by_path = {r["path"]: r for r in records}
    assert by_path["criteria"]["message"] == "is required but missing"
    assert by_path["criteria"]["fix"] == "add it"
    assert by_path["periods"]["fix"] is None  # no fix stated apart
    assert result.stderr == ""


def test_validate_json_unreadable_file(tmp_path: Path) -> None:
    result = invoke("validate", str(tmp_path / "missing.json"), "--json")
    exited(result, 1)
    [record] = json.loads(result.stdout)
    assert record["level"] == "error" and record["message"]


def test_validate_json_warnings_are_records(tmp_path: Path) -> None:
    typo = small(
        tmp_path, lambda d: d["initiatives"][0].update(type="Partner Agreement")
    )
    result = invoke("validate", str(typo), "--json")
    exited(result, 0)
    [record] = json.loads(result.stdout)
    assert record["level"] == "warning"
    assert "did you mean partner_agreement" in record["message"]


# --- -h: exit codes and whole summaries ---------------------------------------


@pytest.mark.parametrize(
    ("command", "present", "absent"),
    [
        ("solve", ["0 ", "1 ", "3 ", "4 ", "6 ", "130, 143, 129"], []),
        ("explain", ["3 ", "4 ", "6 "], []),
        ("validate", ["0 ", "1 ", "2 ", "5 ", "130, 143, 129"], ["infeasible", "6 "]),
        ("schema", ["0 ", "5 "], ["infeasible", "invalid input"]),
        ("sweep", ["0 ", "1 ", "6 "], ["infeasible"]),
    ],
)
def test_help_lists_the_exit_codes(
    command: str, present: list[str], absent: list[str]
) -> None:
    result = invoke(command, "-h")
    exited(result, 0)
    epilog = result.stdout.split("Exit codes:", 1)[1]
    lines = [line.strip() for line in epilog.splitlines() if line.strip()]
    for code in present:
        assert any(line.startswith(code) for line in lines), (command, code)
    for text in absent:
        assert not any(line.startswith(text) or text in line for line in lines)


def test_every_command_help_has_exit_codes() -> None:
    assert isinstance(main, click.Group)
    for name in main.commands:
        result = invoke(name, "-h")
        assert "Exit codes:" in result.stdout, (name, result.stderr)


def test_group_help_shows_whole_summaries() -> None:
    result = invoke("-h")
    exited(result, 0)
    commands = result.stdout.split("Commands:", 1)[1]
    assert "..." not in commands
    assert isinstance(main, click.Group)
    for name, command in main.commands.items():
        assert command.short_help and command.short_help in " ".join(
            commands.split()
        ), name


def exited(result: Result, code: int) -> None:
    if code == 0:
        assert result.exception is None, repr(result.exception)
    assert result.exit_code == code, result.output


def test_quiet_schema_still_prints_the_schema() -> None:
    result = invoke("schema", "-q")
    exited(result, 0)
    assert "properties" in json.loads(result.stdout)
