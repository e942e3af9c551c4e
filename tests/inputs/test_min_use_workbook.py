"""`min_use` on the budgets sheet and `decision_reason` on the initiatives sheet."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import pathway_opt as po
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes

DATA: dict[str, Any] = {
    "name": "lapsing funds",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1}],
    "budgets": [
        {"id": "central", "limits": [10, 10]},
        {"id": "gov_special", "limits": [5, 5], "min_use": [0.8, 0.4]},
    ],
    "initiatives": [
        {
            "id": "A",
            "scores": {"TC": 1},
            "cost": {"gov_special": [4, 2]},
            "decision": "must",
            "decision_reason": "Ministry pilot commitment",
        },
    ],
}


def _book(edits: dict[str, Any], tmp_path: Path) -> Path:
    book = openpyxl.load_workbook(
        io.BytesIO(instance_workbook_bytes(po.instance_from_data(DATA)))
    )
    sheet = book["budgets"]
    headers = [str(c.value) for c in sheet[1]]
    column = next(k for k, h in enumerate(headers, 1) if h.startswith("min_use"))
    for row, value in edits.items():
        sheet.cell(row=row, column=column).value = value
    path = tmp_path / "funds.xlsx"
    book.save(path)
    return path


def test_min_use_and_decision_reason_round_trip(tmp_path: Path) -> None:
    back = po.load_instance(_book({}, tmp_path))
    assert back.budgets[0].min_use is None
    assert back.budgets[1].min_use == [0.8, 0.4]
    assert back.initiatives[0].decision_reason == "Ministry pilot commitment"


@pytest.mark.parametrize(
    ("typed", "read"),
    [(0.6, 0.6), ("60%", 0.6), ("80%; 40%", [0.8, 0.4]), ("0.5;0", [0.5, 0.0])],
)
def test_min_use_as_fraction_percent_or_list(
    tmp_path: Path, typed: Any, read: Any
) -> None:
    back = po.load_instance(_book({3: typed}, tmp_path))
    assert back.budgets[1].min_use == pytest.approx(read)


@pytest.mark.parametrize(
    ("typed", "words"),
    [(1.5, "min_use"), (-0.1, "min_use"), ("80%; 40%; 10%", "one share per period")],
)
def test_bad_min_use_is_named_at_its_cell(
    tmp_path: Path, typed: Any, words: str
) -> None:
    with pytest.raises(po.InputError) as caught:
        po.load_instance(_book({3: typed}, tmp_path))
    text = str(caught.value)
    assert words in text
    assert "budgets!F3" in text, text
