"""spend_share and average rules in input workbooks: written, read back, misused.

The rules sheet's columns for them are `field`, `at_least`, `at_most`, `budget`
and `periods` (after `bonus`); a cell a rule's kind does not use is refused with
its cell reference.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

import pathway_opt as po

DATA: dict[str, Any] = {
    "name": "value rules",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "talent", "weight": 1.0}],
    "budgets": [
        {"id": "central", "limits": [10, 10]},
        {"id": "gov", "limits": [5, 5]},
    ],
    "initiatives": [
        {"id": "JL", "type": "joint_lab", "scores": {"talent": 4},
         "cost": {"central": [4, 1]}},
        {"id": "CT", "type": "co_taught_course", "scores": {"talent": 2},
         "cost": {"gov": [2]}, "success_probability": 0.7},
    ],
    "rules": [
        {"kind": "spend_share", "where": {"type": ["co_taught_course"]},
         "at_least": 0.1, "at_most": 0.9, "budget": "gov", "periods": ["2028"],
         "notes": "courses"},
        {"kind": "average", "field": "score:talent", "at_most": 3.5,
         "members": ["JL", "CT"]},
        {"kind": "average", "field": "success_probability", "at_least": 0.5},
    ],
}  # fmt: skip


def _written(tmp_path: Path) -> Path:
    path = tmp_path / "rules.xlsx"
    po.write_instance_xlsx(po.instance_from_data(DATA), path)
    return path


def _header(sheet: Any) -> dict[str, str]:
    """Column key (the header without its unit) -> column letter."""
    return {
        str(cell.value).split(" (")[0]: cell.column_letter
        for cell in sheet[1]
        if cell.value
    }


def test_rules_round_trip_through_a_workbook(tmp_path: Path) -> None:
    path = _written(tmp_path)
    assert po.load_instance(path) == po.instance_from_data(DATA)
    sheet = openpyxl.load_workbook(path)["rules"]
    header = _header(sheet)
    assert {"field", "at_least", "at_most", "budget", "periods"} <= set(header)
    assert sheet[f"{header['field']}3"].value == "score:talent"
    assert sheet[f"{header['budget']}2"].value == "gov"


@pytest.mark.parametrize(
    ("column", "row", "value", "message"),
    [
        ("budget", 3, "gov", "budget does not apply to average rules; clear this cell"),
        (
            "field",
            2,
            "cost",
            "field does not apply to spend_share rules; clear this cell",
        ),
        ("count", 2, 1, "count does not apply to spend_share rules; clear this cell"),
    ],
)
def test_a_cell_the_kind_does_not_use_is_refused(
    tmp_path: Path, column: str, row: int, value: Any, message: str
) -> None:
    path = _written(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["rules"]
    ref = f"{_header(sheet)[column]}{row}"
    sheet[ref] = value
    book.save(path)
    with pytest.raises(po.InputError) as caught:
        po.load_instance(path)
    assert [str(p) for p in caught.value.problems] == [f"rules!{ref}: {message}"]


def test_a_share_above_one_names_its_cell(tmp_path: Path) -> None:
    path = _written(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["rules"]
    ref = f"{_header(sheet)['at_least']}2"
    sheet[ref] = 1.2
    book.save(path)
    with pytest.raises(po.InputError) as caught:
        po.load_instance(path)
    (problem,) = [str(p) for p in caught.value.problems]  # not "below at_least 1"
    assert problem.startswith(f"rules!{ref}") and "at most 1" in problem
