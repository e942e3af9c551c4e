"""The comparison's files from Python: JSON, CSV folder and workbook agree.

A scenario without a plan has no figures and no rows, never zeros; a CSV folder
that held a plan's tables holds only the comparison's afterwards; text that a
spreadsheet would run as a formula stays text.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tiny_instances import make

import pathway_opt as po

DATA = make(
    budgets=[{"id": "central", "limits": [10, 10]}],
    initiatives=[
        {"id": "A", "scores": {"TC": 5}, "cost": [6]},
        {"id": "B", "scores": {"TC": 4}, "cost": [5]},
        {"id": "X", "scores": {"TC": 1}, "cost": [30]},  # never fits
    ],
)
#: Hand-solved: A and B fit in either year (6 + 5 > 10: one a year), value 9.
BASE_OBJECTIVE = 9.0
SCENARIOS = {
    "=X forced in": [{"op": "force_in", "initiative": "X"}],  # infeasible
    "A out": [{"op": "force_out", "initiative": "A"}],  # B alone: 4
}


@pytest.fixture(scope="module")
def plans() -> dict[str, po.Plan]:
    return po.run_scenarios(po.instance_from_data(DATA), SCENARIOS)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_json_without_a_plan_has_no_figures(plans: dict[str, po.Plan]) -> None:
    data = json.loads(po.comparison_json(po.compare(plans), plans))
    base, forced, out = data["scenarios"]
    assert base["objective"] == pytest.approx(BASE_OBJECTIVE)
    assert (forced["status"], forced["objective"], forced["delta"]) == (
        "infeasible", None, None,
    )  # fmt: skip
    assert forced["selected"] == [] and forced["added"] is None
    assert forced["spend"] == {"central": None}
    assert out["objective"] == pytest.approx(4.0)
    assert out["delta"] == pytest.approx(4.0 - BASE_OBJECTIVE)
    assert out["removed"] == ["A"] and out["added"] == []
    assert "edits" not in out and "provenance" not in data


def test_csv_folder_replaces_a_plans_tables(
    plans: dict[str, po.Plan], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    po.write_plan_csv(plans["base"], folder)
    assert (folder / "schedule.csv").exists()
    written = po.write_comparison_csv(po.compare(plans), plans, folder)
    assert [p.name for p in written] == list(po.COMPARISON_CSV_FILES)
    assert sorted(p.name for p in folder.iterdir()) == sorted(po.COMPARISON_CSV_FILES)
    table = _rows(folder / "comparison.csv")
    assert [r["scenario"] for r in table] == ["base", "'=X forced in", "A out"]
    assert table[1]["objective"] == "" and table[1]["status"] == "infeasible"
    selected = _rows(folder / "selected.csv")
    assert {r["scenario"] for r in selected} == {"base", "A out"}
    assert sorted(r["id"] for r in selected if r["scenario"] == "base") == ["A", "B"]
    budgets = _rows(folder / "budgets.csv")
    assert {r["scenario"] for r in budgets} == {"base", "A out"}
    used = sum(float(r["used"]) for r in budgets if r["scenario"] == "A out")
    assert used == 5


def test_workbook_from_a_list_of_plans(
    plans: dict[str, po.Plan], tmp_path: Path
) -> None:
    listed = list(plans.values())
    path = tmp_path / "c.xlsx"
    po.write_comparison_xlsx(po.compare(listed), listed, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Comparison", "0", "1", "2"]
    assert book["1"]["A1"].value == "Selected in 1 (infeasible)"
    assert book["1"].max_row == 2  # the title and the header: no rows
    ids = [row[0] for row in book["0"].iter_rows(min_row=3, values_only=True)]
    assert sorted(ids) == ["A", "B"]


@pytest.mark.parametrize(
    "write",
    [
        lambda t, p, d: po.comparison_json(t, p),
        lambda t, p, d: po.write_comparison_csv(t, p, d / "c"),
        lambda t, p, d: po.write_comparison_xlsx(t, p, d / "c.xlsx"),
    ],
)
def test_plans_other_than_the_tables_are_refused(
    plans: dict[str, po.Plan], tmp_path: Path, write: Any
) -> None:
    table = po.compare(plans)
    others = {"base": plans["base"], "A out": plans["A out"]}
    with pytest.raises(po.InputError, match="plans: are") as caught:
        write(table, others, tmp_path)
    assert "compare(plans)" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
