"""`notes`: the planner's own text on the instance and on every criterion, budget,
resource, initiative and rule. A `notes` column on every input sheet (a `notes`
row on the settings sheet), JSON -> XLSX -> JSON gives back an equal instance, and
the plan workbook carries the notes wherever the entity appears. Unknown fields
stay errors.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import pathway_opt as po
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx

#: Two periods, one budget of 10 a year, one resource; A (value 3, cost 6) and
#: B (value 2, cost 6) cannot both start in 2027 but can in different years, C
#: (value 1) is `never`. Best plan: A and B, objective 5.
NOTED: dict[str, Any] = {
    "name": "noted",
    "notes": "Agreed with the dean, 2026-11-03",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0, "notes": "人才培养; weight from AHP"}],
    "budgets": [
        {"id": "central", "limits": [10, 10], "notes": "=ask finance first"}
    ],
    "resources": [
        {"id": "fte", "unit": "FTE", "capacity": [3, 3], "notes": "two\nlines"}
    ],
    "initiatives": [
        {"id": "A", "scores": {"TC": 3}, "cost": [6], "uses": {"fte": [1]},
         "notes": "partner signed MoU"},
        {"id": "B", "scores": {"TC": 2}, "cost": [6], "notes": "产业学院筹备"},
        {"id": "C", "scores": {"TC": 1}, "decision": "never", "notes": "on hold"},
    ],
    "rules": [
        {"kind": "at_most", "count": 2, "members": ["A", "B", "C"],
         "notes": "provincial cap"},
        {"kind": "requires", "initiative": "B", "on": ["A"], "notes": "lab first"},
        {"kind": "synergy", "members": ["A", "B"], "bonus": 0.5, "notes": "same"},
    ],
}  # fmt: skip


def test_notes_default_to_empty_and_are_kept() -> None:
    inst = po.instance_from_data(NOTED)
    assert inst.notes.startswith("Agreed")
    assert inst.initiatives[1].notes == "产业学院筹备"
    assert [r.notes for r in inst.rules] == ["provincial cap", "lab first", "same"]
    bare = copy.deepcopy(NOTED)
    for entity in [bare, *bare["criteria"], *bare["initiatives"], *bare["rules"]]:
        entity.pop("notes")
    plain = po.instance_from_data(bare)
    assert plain.notes == "" and plain.initiatives[0].notes == ""


@pytest.mark.parametrize(
    "where", [(), ("criteria", 0), ("initiatives", 0), ("rules", 1)]
)
def test_unknown_fields_stay_errors(where: tuple[Any, ...]) -> None:
    data = copy.deepcopy(NOTED)
    target: Any = data
    for key in where:
        target = target[key]
    target["note"] = "singular"
    with pytest.raises(po.InputError) as caught:
        po.instance_from_data(data)
    assert any(p.path.endswith("note") for p in caught.value.problems)


def test_every_sheet_has_notes_and_the_round_trip_is_equal(tmp_path: Path) -> None:
    inst = po.instance_from_data(NOTED)
    path = tmp_path / "noted.xlsx"
    po.write_instance_xlsx(inst, path)
    book = openpyxl.load_workbook(path)
    for sheet in ("criteria", "budgets", "resources", "initiatives", "rules"):
        headers = [c.value for c in book[sheet][1]]
        assert headers[-1] == "notes", sheet
    assert "notes" in [c.value for c in book["costs_uses"][1]]
    settings = {r[0]: r[1] for r in book["settings"].iter_rows(values_only=True)}
    assert settings["notes"] == inst.notes
    assert po.load_instance(path) == inst
    json_again = tmp_path / "again.json"
    po.convert(path, json_again)
    assert po.load_instance(json_again) == inst


def test_profile_notes_column_is_accepted_and_not_read(tmp_path: Path) -> None:
    inst = po.instance_from_data(NOTED)
    path = tmp_path / "noted.xlsx"
    po.write_instance_xlsx(inst, path)
    book = openpyxl.load_workbook(path)
    ws = book["costs_uses"]
    col = [c.value for c in ws[1]].index("notes") + 1
    ws.cell(2, col, "quote from 2026-10")
    book.save(path)
    assert po.load_instance(path) == inst


def test_template_has_notes_and_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    po.write_template(path)
    book = openpyxl.load_workbook(path)
    ws = book["initiatives"]
    col = [c.value for c in ws[1]].index("notes") + 1
    ws.cell(3, col, "ask the partner about lab space")
    book.save(path)
    inst = po.load_instance(path)
    assert inst.initiatives[1].notes == "ask the partner about lab space"
    assert inst.notes  # the template's example carries instance notes


def _table(ws: Any, name: str) -> list[dict[str, Any]]:
    rows = list(ws[ws.tables[name].ref])
    header = [c.value for c in rows[0]]
    body = rows[1 : len(rows) - (ws.tables[name].totalsRowCount or 0)]
    return [dict(zip(header, (c.value for c in r), strict=True)) for r in body]


def test_plan_workbook_carries_notes(tmp_path: Path) -> None:
    plan = po.solve(po.instance_from_data(NOTED))
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert set(plan.starts) == {"A", "B"}
    out = tmp_path / "result.xlsx"
    write_plan_xlsx(plan, out)
    book = openpyxl.load_workbook(out)
    selected = {r["id"]: r["notes"] for r in _table(book["Selected"], "Selected")}
    assert selected == {"A": "partner signed MoU", "B": "产业学院筹备"}
    left = _table(book["Not selected"], "NotSelected")
    assert [(r["id"], r["notes"]) for r in left] == [("C", "on hold")]
    budgets = _table(book["Budgets"], "Budgets")
    assert {r["notes"] for r in budgets} == {"=ask finance first"}  # text, no formula
    resources = _table(book["Resources"], "Resources")
    assert {r["notes"] for r in resources} == {"two\nlines"}
    rules = _table(book["Rules"], "Rules")
    assert [r["notes"] for r in rules] == ["provincial cap", "lab first", "same"]
