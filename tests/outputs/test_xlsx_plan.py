"""The plan workbook, read back with openpyxl: every sheet, table and column, and
numbers equal to the plan's; rules' satisfied / binding worked out by hand; text
never becomes a formula; a plan without a solution writes no zero-filled tables.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import zipfile
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.outputs import plan_tables
from pathway_opt.outputs.funding_tables import has_funding
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx

PROVINCIAL = INSTANCES / "provincial_applied_university.json"
SHEETS = [
    "Summary",
    "Selected",
    "Schedule",
    "Budgets",
    "Resources",
    "Rules",
    "Not selected",
]
TABLES = {
    "Selected": ("Selected", plan_tables.SELECTED_COLUMNS),
    "Budgets": ("Budgets", plan_tables.BUDGET_COLUMNS),
    "Resources": ("Resources", plan_tables.RESOURCE_COLUMNS),
    "Rules": ("Rules", plan_tables.RULE_COLUMNS),
    "Not selected": ("NotSelected", plan_tables.NOT_SELECTED_COLUMNS),
}


@pytest.fixture(scope="module")
def provincial(tmp_path_factory: pytest.TempPathFactory) -> tuple[po.Plan, Path]:
    plan = po.solve(po.load_instance(PROVINCIAL))
    out = tmp_path_factory.mktemp("plan") / "result.xlsx"
    write_plan_xlsx(
        plan, out, source=PROVINCIAL, run_at=datetime(2027, 1, 5, tzinfo=UTC)
    )
    return plan, out


def table_rows(ws: Any, name: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Header and data rows of the Excel table `name` (total row left out)."""
    table = ws.tables[name]
    rows = list(ws[table.ref])
    header = [c.value for c in rows[0]]
    body = rows[1 : len(rows) - (table.totalsRowCount or 0)]
    return header, [dict(zip(header, (c.value for c in r), strict=True)) for r in body]


def test_every_sheet_table_and_column(provincial: tuple[po.Plan, Path]) -> None:
    plan, path = provincial
    book = openpyxl.load_workbook(path)
    funding = ["Funding"] if has_funding(plan.instance) else []
    assert book.sheetnames == [*SHEETS[:4], *funding, *SHEETS[4:]]
    for sheet, (name, columns) in TABLES.items():
        header, _ = table_rows(book[sheet], name)
        assert header == columns, sheet
        assert book[sheet].freeze_panes == "B3", sheet
        assert book[sheet].column_dimensions["A"].width > 5
    header, _ = table_rows(book["Schedule"], "Schedule")
    assert header == ["id", "name", "start", *plan.instance.periods]
    assert book["Schedule"].freeze_panes == "C3"
    assert table_rows(book["Summary"], "Summary")[0] == ["field", "value"]


def test_summary_carries_the_run(provincial: tuple[po.Plan, Path]) -> None:
    plan, path = provincial
    _, rows = table_rows(openpyxl.load_workbook(path)["Summary"], "Summary")
    summary = {r["field"]: r["value"] for r in rows}
    assert summary["instance"] == plan.instance.name
    assert summary["status"] == "optimal"
    assert summary["verified"] is True
    assert summary["objective"] == round(plan.objective, 6)  # scores: 6 dp
    assert summary["bound"] == round(plan.bound, 6)
    assert summary["gap"] == plan.gap
    assert summary["solver"].startswith("HiGHS ")
    assert summary["option mip_rel_gap"] == 0
    assert summary["option random_seed"] == 0
    assert (
        summary["input_sha256"] == hashlib.sha256(PROVINCIAL.read_bytes()).hexdigest()
    )
    assert summary["tool"] == f"pathway-opt {version('pathway-opt')}"
    assert datetime.fromisoformat(summary["run_at"]) == datetime(2027, 1, 5, tzinfo=UTC)
    assert summary["selected"] == len(plan.starts)


def test_tables_equal_the_plan(provincial: tuple[po.Plan, Path]) -> None:
    plan, path = provincial
    book = openpyxl.load_workbook(path)
    assert plan.verification is not None
    _, selected = table_rows(book["Selected"], "Selected")
    assert {r["id"]: r["start"] for r in selected} == plan.starts
    for r in selected:
        assert r["expected_value"] == round(plan.verification.values[r["id"]], 6)
    # values are written to 6 decimals: the sum is off by at most half a unit each
    assert sum(
        r["expected_value"] for r in selected
    ) + plan.verification.synergy_total == (
        pytest.approx(plan.objective, abs=5e-7 * (len(selected) + 1))
    )
    _, budgets = table_rows(book["Budgets"], "Budgets")
    usage = [u for u in plan.verification.usage if u.kind == "budget"]
    assert [(r["budget"], r["period"], r["used"], r["limit"]) for r in budgets] == [
        (u.id, u.period, u.used, u.limit) for u in usage
    ]
    assert all(0 <= r["utilisation"] <= 1 + 1e-9 for r in budgets)
    _, resources = table_rows(book["Resources"], "Resources")
    usage = [u for u in plan.verification.usage if u.kind == "resource"]
    assert [(r["resource"], r["used"], r["capacity"]) for r in resources] == [
        (u.id, pytest.approx(u.used, rel=1e-15), u.limit) for u in usage
    ]
    # The schedule's money per period adds up to the budgets' spend per period.
    _, schedule = table_rows(book["Schedule"], "Schedule")
    for period in plan.instance.periods:
        spent = sum(r[period] or 0 for r in schedule)
        booked = sum(r["used"] for r in budgets if r["period"] == period)
        assert spent == pytest.approx(booked, rel=1e-12)
    _, rules = table_rows(book["Rules"], "Rules")
    assert len(rules) == len(plan.instance.rules)
    assert all(r["satisfied"] is True for r in rules)
    earned = sum(r["bonus_earned"] or 0 for r in rules)
    assert earned == pytest.approx(plan.verification.synergy_total)
    one_bid = next(r for r in rules if r["kind"] == "at_most")
    assert one_bid["binding"] is True and one_bid["actual"] == 1  # DESIGN: it binds
    _, left_out = table_rows(book["Not selected"], "NotSelected")
    ids = {i.id for i in plan.instance.initiatives}
    assert {r["id"] for r in left_out} == ids - set(plan.starts)


def test_formats_chart_and_finite_numbers(provincial: tuple[po.Plan, Path]) -> None:
    _, path = provincial
    book = openpyxl.load_workbook(path)
    budgets = book["Budgets"]
    assert budgets["E3"].number_format == "#,##0"  # used
    assert budgets["G3"].number_format == "0.0%"  # utilisation
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    assert math.isfinite(cell.value), cell.coordinate
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 3  # one per budget
        xml = archive.read(charts[0]).decode()
    assert "Budgets!$E$3:$E$7" in xml and "Budgets!$D$3:$D$7" in xml


RULES_CASE: dict[str, Any] = {
    "name": "rules by hand",
    "periods": ["P1", "P2", "P3"],
    "criteria": [{"id": "v", "weight": 1.0}],
    "initiatives": [
        {"id": "A", "scores": {"v": 5}, "latest_start": "P1"},
        {"id": "B", "scores": {"v": 4}, "earliest_start": "P2", "latest_start": "P2"},
        {"id": "C", "scores": {"v": 3}, "decision": "never"},
        {"id": "D", "scores": {"v": 1}},
    ],
    "rules": [
        {"kind": "requires", "initiative": "B", "on": ["A"], "lag": 1},
        {"kind": "requires", "initiative": "C", "on": ["A"]},
        {"kind": "at_most", "count": 3, "members": ["A", "B", "D"]},
        {"kind": "at_least", "count": 1, "members": ["A", "D"]},
        {"kind": "synergy", "members": ["A", "B"], "bonus": 0.5},
        {"kind": "synergy", "members": ["A", "C"], "bonus": 2.0},
    ],
}


def test_rules_satisfied_and_binding_by_hand() -> None:
    """A in P1, B in P2 (both windows are one period), D anywhere; C never.

    requires B on A lag 1: B starts exactly 1 after A -> binding. requires C: C
    not selected -> satisfied, not binding. at_most 3 of A, B, D: 3 selected ->
    binding. at_least 1 of A, D: 2 selected -> satisfied, not binding. synergy
    A+B earned (binding, +0.5); synergy A+C not earned.
    """
    plan = po.solve(po.instance_from_data(RULES_CASE))
    assert plan.status == po.Status.OPTIMAL
    assert plan.starts["A"] == "P1" and plan.starts["B"] == "P2" and "D" in plan.starts
    rows = plan_tables.rules(plan).to_dict("records")
    assert [(r["satisfied"], r["binding"]) for r in rows] == [
        (True, True), (True, False), (True, True), (True, False), (True, True),
        (True, False),
    ]  # fmt: skip
    assert rows[0]["actual"] == 1 and rows[2]["actual"] == 3
    assert [r["bonus_earned"] for r in rows[4:]] == [0.5, 0.0]
    assert rows[3]["statement"] == "at least 1 of A, D"


INJECTION = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1,2)"]


def test_text_is_never_a_formula(tmp_path: Path) -> None:
    data = {
        "name": INJECTION[0],
        "periods": ["=1", "+2"],
        "criteria": [{"id": "v", "name": INJECTION[1], "weight": 1.0}],
        "budgets": [{"id": "-b", "name": INJECTION[2], "limits": [10, 10]}],
        "initiatives": [
            {
                "id": f"X{k}",
                "name": text,
                "department": text,
                "partner": text,
                "scores": {"v": 1 + k},
                "cost": {"-b": [1]},
            }
            for k, text in enumerate(INJECTION)
        ],
    }
    plan = po.solve(po.instance_from_data(data))
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(plan, path)
    book = openpyxl.load_workbook(path)
    texts = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # only our own total row formulas
                    assert str(cell.value).startswith("=SUBTOTAL("), cell.coordinate
                elif isinstance(cell.value, str):
                    texts.add(cell.value)
    assert set(INJECTION) <= texts
    assert {"=1", "+2", "-b"} <= texts
    # The input workbook of the same instance keeps them as text too.
    converted = tmp_path / "instance.xlsx"
    result = CliRunner().invoke(
        main, ["convert", _json(tmp_path, data), str(converted)]
    )
    assert result.exit_code == 0, result.output
    assert po.load_instance(converted) == po.instance_from_data(data)


def _json(tmp_path: Path, data: dict[str, Any]) -> str:
    import json

    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_plan_without_solution_writes_no_zero_tables(tmp_path: Path) -> None:
    source = INSTANCES / "infeasible_must_overspend.json"
    out = tmp_path / "result.xlsx"
    result = CliRunner().invoke(main, ["solve", str(source), "--xlsx", str(out)])
    assert result.exit_code == 3, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == SHEETS
    _, rows = table_rows(book["Summary"], "Summary")
    summary = {r["field"]: r["value"] for r in rows}
    assert summary["status"] == "infeasible" and summary["verified"] is False
    assert "6,200,000" in summary["message 1"]
    assert summary["objective"] is None
    for sheet, (name, columns) in TABLES.items():
        header, body = table_rows(book[sheet], name)
        assert header == columns
        assert all(v is None for r in body for v in r.values()), sheet
        assert book[sheet]["A1"].value.startswith("No plan: status infeasible")
    with zipfile.ZipFile(out) as archive:
        assert not [n for n in archive.namelist() if n.startswith("xl/charts/")]


def test_zero_limit_gives_blank_utilisation_not_nan(tmp_path: Path) -> None:
    data = {
        "periods": ["2027", "2028"],
        "criteria": [{"id": "v", "weight": 1.0}],
        "budgets": [{"id": "b", "limits": [0, 5]}],
        "initiatives": [{"id": "A", "scores": {"v": 1}, "cost": [0, 5]}],
    }
    plan = po.solve(po.instance_from_data(data))
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(plan, path)
    _, rows = table_rows(openpyxl.load_workbook(path)["Budgets"], "Budgets")
    assert [r["utilisation"] for r in rows] == [None, 1]


@pytest.mark.parametrize("status", [po.Status.ERROR, po.Status.NO_SOLUTION])
def test_failed_plan_figures_are_not_exported(
    tmp_path: Path, status: po.Status
) -> None:
    """A plan that failed verification (`error`) still holds starts and usage
    figures; none of them may reach a table as if they were a plan."""
    plan = po.solve(po.load_instance(INSTANCES / "small_applied_college.json"))
    failed = dataclasses.replace(plan, status=status, messages=["what failed"])
    path = tmp_path / "plan.xlsx"
    write_plan_xlsx(failed, path)
    book = openpyxl.load_workbook(path)
    for sheet, (name, _) in TABLES.items():
        _, body = table_rows(book[sheet], name)
        assert all(v is None for r in body for v in r.values()), sheet
    _, rows = table_rows(book["Summary"], "Summary")
    summary = {r["field"]: r["value"] for r in rows}
    assert summary["status"] == status.value and summary["message 1"] == "what failed"
    assert summary["selected"] == 0
