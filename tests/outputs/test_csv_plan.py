"""The plan as tidy CSV files (UTF-8 with BOM) plus run.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.outputs.plan_csv import CSV_TABLES, write_plan_csv

SMALL = INSTANCES / "small_applied_college.json"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[po.Plan, Path]:
    folder = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(
        main,
        [
            "solve",
            str(SMALL),
            "--csv",
            str(folder / "csv"),
            "--xlsx",
            str(folder / "r.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    return po.solve(po.load_instance(SMALL)), folder


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / "csv" / name, encoding="utf-8-sig", keep_default_na=False
    )


def test_one_file_per_table_with_bom(exported: tuple[po.Plan, Path]) -> None:
    _, folder = exported
    names = sorted(p.name for p in (folder / "csv").iterdir())
    assert names == sorted([*CSV_TABLES, "run.json"])
    for name in CSV_TABLES:
        assert (folder / "csv" / name).read_bytes().startswith(b"\xef\xbb\xbf"), name


def test_csv_numbers_equal_the_plan(exported: tuple[po.Plan, Path]) -> None:
    plan, folder = exported
    assert plan.verification is not None
    selected = read(folder, "selected.csv")
    assert (
        dict(zip(selected["id"], selected["start"].astype(str), strict=True))
        == plan.starts
    )
    for ini_id, value in zip(selected["id"], selected["expected_value"], strict=True):
        assert value == round(plan.verification.values[ini_id], 6)  # scores: 6 dp
    budgets = read(folder, "budgets.csv")
    usage = [u for u in plan.verification.usage if u.kind == "budget"]
    assert list(budgets["used"]) == [u.used for u in usage]
    schedule = read(folder, "schedule.csv")
    assert list(schedule.columns) == ["id", "name", "start", "period", "cost"]
    per_period = schedule.groupby(schedule["period"].astype(str))["cost"].sum()
    for u in usage:
        assert per_period.get(u.period, 0.0) == pytest.approx(u.used)
    rules = read(folder, "rules.csv")
    assert len(rules) == len(plan.instance.rules)
    assert set(rules["satisfied"]) == {True}


def test_run_json_matches_the_summary_sheet(exported: tuple[po.Plan, Path]) -> None:
    plan, folder = exported
    run = json.loads((folder / "csv" / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "optimal" and run["verified"] is True
    assert run["objective"] == round(plan.objective, 6)
    assert run["input_file"] == str(SMALL)
    assert len(run["input_sha256"]) == 64
    assert run["options"]["mip_abs_gap"] == 1e-6
    sheet = openpyxl.load_workbook(folder / "r.xlsx")["Summary"]
    fields = {
        row[0]: row[1]
        for row in sheet.iter_rows(min_row=3, values_only=True)
        if row[0] is not None
    }
    for key in ("instance", "status", "input_sha256", "tool", "run_at"):
        assert fields[key] == run[key], key
    # The workbook stores 16 significant digits (Excel shows 15); run.json all 17.
    assert fields["objective"] == pytest.approx(run["objective"], rel=1e-15)


def test_chinese_text_and_formula_like_text(tmp_path: Path) -> None:
    data: dict[str, Any] = {
        "name": "滨海理工大学",
        "periods": ["2027"],
        "criteria": [{"id": "v", "weight": 1.0}],
        "initiatives": [
            {
                "id": "JL-01",
                "name": "网络安全联合实验室",
                "department": "=1+1",
                "scores": {"v": 2},
            },
            {"id": "-X", "name": "@risk", "partner": "+86 partner", "scores": {"v": 1}},
        ],
    }
    plan = po.solve(po.instance_from_data(data))
    write_plan_csv(plan, tmp_path)
    text = (tmp_path / "selected.csv").read_bytes().decode("utf-8-sig")
    assert "网络安全联合实验室" in text
    for cell in ("'=1+1", "'-X", "'@risk", "'+86 partner"):
        assert cell in text, cell
    assert "\n=1+1" not in text and ",=1+1" not in text
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["instance"] == "滨海理工大学"


def test_no_plan_gives_headers_only(tmp_path: Path) -> None:
    source = INSTANCES / "infeasible_must_overspend.json"
    result = CliRunner().invoke(main, ["solve", str(source), "--csv", str(tmp_path)])
    assert result.exit_code == 3, result.output
    for name in CSV_TABLES:
        lines = (tmp_path / name).read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 1 and lines[0], name  # the header, no rows
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "infeasible" and run["messages"]
