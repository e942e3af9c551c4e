"""An alternatives search as JSON, a workbook and a CSV folder.

The instance is hand-solved (see the figures below); every file is read back
and compared with those figures and with the verified plans.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from tiny_instances import make

import pathway_opt as po

#: Budget 10 in 2027: A (3, costs 6), B (2, costs 6), C (1, costs 3). Best AC
#: (4); within 40% (at least 2.4) and one apart: A and BC (3 each).
INST = po.instance_from_data(
    make(
        periods=["2027"],
        currency="CNY",
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            {"id": "A", "name": "Joint lab", "scores": {"TC": 3}, "cost": [6]},
            {"id": "B", "name": "产业学院", "scores": {"TC": 2}, "cost": [6]},
            {"id": "C", "name": "=formula?", "scores": {"TC": 1}, "cost": [3]},
        ],
    )
)


@pytest.fixture(scope="module")
def result() -> po.Alternatives:
    return po.alternatives(INST, count=3, within=0.4, min_difference=1)


def test_json_holds_the_optimum_and_each_alternative_as_a_plan(
    result: po.Alternatives, tmp_path: Path
) -> None:
    path = tmp_path / "alts.json"
    po.write_alternatives_json(result, path, source=None)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["optimum"]["status"] == "optimal"
    assert data["optimum"]["objective"] == 4
    assert {s["id"] for s in data["optimum"]["selected"]} == {"A", "C"}
    assert len(data["alternatives"]) == data["found"] == 2
    for plan, alt in zip(data["alternatives"], result.plans, strict=True):
        for key in ("status", "objective", "bound", "gap", "selected", "verified"):
            assert key in plan  # the plan JSON contract
        assert plan["verified"] is True and plan["objective"] == 3
        assert {s["id"] for s in plan["selected"]} == set(alt.starts)
        section = plan["alternative"]
        assert section["loss"] == 1 and section["loss_share"] == 0.25
        assert section["differs"] == len(set(alt.starts) ^ {"A", "C"})
    assert data["request"] == {"count": 3, "within": 0.4, "min_difference": 1}
    assert data["threshold"] == 2.4
    assert data["messages"] and data["messages"][0].startswith("only 2 plan(s)")
    assert "provenance" in data


def test_workbook_puts_the_plans_side_by_side(
    result: po.Alternatives, tmp_path: Path
) -> None:
    path = tmp_path / "alts.xlsx"
    po.write_alternatives_xlsx(result, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Alternatives", "Changes", "Plans"]
    rows = [
        list(r) for r in book["Alternatives"].iter_rows(min_row=2, values_only=True)
    ]
    assert rows[0] == ["id", "name", "optimum", "alternative 1", "alternative 2"]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["A"][2] == "2027" and by_id["C"][2] == "2027"
    assert by_id["C"][1] == "=formula?"  # text, never a formula
    assert by_id["score"][2:] == [4, 3, 3]
    assert by_id["loss"][2:] == [0, 1, 1]
    changes = [list(r) for r in book["Changes"].iter_rows(min_row=2, values_only=True)]
    assert changes[0][:4] == ["alternative", "status", "score", "loss"]
    assert [r[2] for r in changes[1:]] == [3, 3]
    summary = {
        r[0]: r[1] for r in book["Summary"].iter_rows(min_row=3, values_only=True)
    }
    assert summary["found"] == 2 and summary["threshold"] == 2.4


def test_csv_folder_has_the_tables_and_run_json(
    result: po.Alternatives, tmp_path: Path
) -> None:
    folder = tmp_path / "alts"
    written = po.write_alternatives_csv(result, folder)
    assert [p.name for p in written] == list(po.ALTERNATIVES_CSV_FILES)
    raw = (folder / "alternatives.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (folder / "alternatives.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "name", "optimum", "alternative 1", "alternative 2"]
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["B"] == "产业学院" and names["C"] == "'=formula?"
    assert rows[-2][0] == "score" and rows[-2][2:] == ["4", "3", "3"]
    with (folder / "plans.csv").open(encoding="utf-8-sig") as handle:
        plans = list(csv.DictReader(handle))
    assert {(p["rank"], p["id"]) for p in plans if p["rank"] == "0"} == {
        ("0", "A"),
        ("0", "C"),
    }
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["found"] == 2 and run["files"] == list(po.ALTERNATIVES_CSV_FILES)
