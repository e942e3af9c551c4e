"""`pathway-opt explain`: tables with exit 0, repairs with exit 3, bad input exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from repo_paths import ROOT

from pathway_opt.cli.explain import explain_command

SMALL = str(ROOT / "instances" / "small_applied_college.json")
INFEASIBLE = str(ROOT / "instances" / "infeasible_must_overspend.json")


def run(*args: str) -> Result:
    return CliRunner().invoke(explain_command, list(args))


def test_explain_prints_the_tables(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run(SMALL, "--output", str(out), "--only", "JL-IT-01,OC-ME-01")
    assert result.exit_code == 0, result.output
    text = result.stdout
    for heading in ("Why in / why out", "What binds", "Bottlenecks"):
        assert heading in text
    assert "JL-IT-01" in text and "kept out by:" in text
    why = json.loads(out.read_text("utf-8"))["explanations"]["why"]
    assert {r["id"] for r in why} == {"JL-IT-01", "OC-ME-01"}


def test_explain_a_plan_file_from_solve(tmp_path: Path) -> None:
    from pathway_opt.cli.main import main

    plan = tmp_path / "plan.json"
    solved = CliRunner().invoke(main, ["solve", SMALL, "--output", str(plan)])
    assert solved.exit_code == 0, solved.output
    xlsx, csv = str(tmp_path / "why.xlsx"), str(tmp_path / "csv")
    result = run(
        SMALL, "--plan", str(plan), "--no-marginal", "--xlsx", xlsx, "--csv", csv
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "why.xlsx").exists()
    assert (tmp_path / "csv" / "why.csv").exists()


def test_infeasible_example_exits_3_with_the_repair(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run(INFEASIBLE, "--output", str(out))
    assert result.exit_code == 3, result.output
    text = result.stdout
    assert "No plan satisfies all rules: " in text and "Smallest repair found:" in text
    assert (
        'raise budget "central" in 2028 by 1,200,000 CNY '
        "(needed by must-fund JL-EE-01, IC-EE-01)" in text
    )
    assert 'release IC-EE-01 from "must"' in text
    repairs = json.loads(out.read_text("utf-8"))["explanations"]["repairs"]
    assert repairs[0]["parts"][0]["amount"] == 1_200_000
    assert len(repairs) >= 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        ('{"status": "infeasible", "selected": []}', "holds no plan"),
        ('{"status": "optimal"}', '"selected"'),
        ('{"selected": [{"id": "JL-IT-01"}]}', "selected[0]"),
        ('{"selected": [{"id": "NOPE", "start": "2027"}]}', "does not fit"),
    ],
)
def test_bad_plan_file_exits_1(tmp_path: Path, content: str, message: str) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(content, encoding="utf-8")
    result = run(SMALL, "--plan", str(plan))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_plan_file_and_unknown_only_exit_1(tmp_path: Path) -> None:
    assert run(SMALL, "--plan", str(tmp_path / "nope.json")).exit_code == 1
    result = run(SMALL, "--only", "NOPE")
    assert result.exit_code == 1 and 'unknown initiative "NOPE"' in result.output


def test_output_over_an_input_is_a_usage_error(tmp_path: Path) -> None:
    result = run(SMALL, "--output", SMALL)
    assert result.exit_code == 2
