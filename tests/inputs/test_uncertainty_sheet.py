"""The input workbook's `uncertainty` sheet: written, read back, problems at cells."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from repo_paths import INSTANCES

import pathway_opt as po

PROVINCIAL = INSTANCES / "provincial_applied_university.json"


def test_ranges_round_trip_through_a_workbook(tmp_path: Path) -> None:
    inst = po.load_instance(PROVINCIAL)
    assert any(i.uncertainty for i in inst.initiatives)
    book, back = tmp_path / "plan.xlsx", tmp_path / "back.json"
    po.convert(PROVINCIAL, book)
    po.convert(book, back)
    assert po.load_instance(book) == inst
    assert po.load_instance(back) == inst
    data = json.loads(back.read_text(encoding="utf-8"))
    assert data["criteria"][0]["weight_range"] == [0.25, 0.35]
    rows = list(openpyxl.load_workbook(book)["uncertainty"].iter_rows(values_only=True))
    assert rows[0][:4] == ("initiative_or_criterion", "field", "low", "high")
    assert ("IC-IM-01", "cost_factor", 0.9, 1.4) in [r[:4] for r in rows]
    assert ("JL-IM-01", "score IN", 7, 10) in [r[:4] for r in rows]


def test_an_instance_without_ranges_has_an_empty_sheet(tmp_path: Path) -> None:
    book = tmp_path / "small.xlsx"
    po.convert(INSTANCES / "small_applied_college.json", book)
    ws = openpyxl.load_workbook(book)["uncertainty"]
    assert ws.max_row == 1
    inst = po.load_instance(book)
    assert all(i.uncertainty is None for i in inst.initiatives)


def _with_rows(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = tmp_path / "plan.xlsx"
    po.convert(PROVINCIAL, book)
    wb = openpyxl.load_workbook(book)
    ws = wb["uncertainty"]
    ws.delete_rows(2, ws.max_row)
    for row in rows:
        ws.append(row)
    wb.save(book)
    return book


def _problems(book: Path) -> list[tuple[str, str]]:
    with pytest.raises(po.InputError) as caught:
        po.load_instance(book)
    return [(p.path, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("row", "cell", "words"),
    [
        (["JL-XX", "success_probability", 0.1, 0.9], "A2",
         '"JL-XX" is not an initiative'),
        (["XX", "weight", 0.1, 0.9], "A2", '"XX" is not a criterion'),
        (["JL-CS-01", "score ZZ", 1, 9], "B2", 'unknown criterion "ZZ"'),
        (["JL-CS-01", "success_probability", 60, 90], "C2", "did you mean 0.6"),
        (["JL-CS-01", "cost_factor", None, 1.2], "C2", "low is blank"),
        (["JL-BF-01", "cost_factor", 1.1, 1.2], "B2", "given cost factor 1"),
        (["JL-BF-01", "costfactor", 1.1, 1.2], "B2", 'field "costfactor"'),
        (["JL-BF-01", "score TC", 9, 2], "B2", "low end above its high end"),
        (["TC", "weight", 0.4, 0.5], "B2", "given weight 0.3"),
    ],
)  # fmt: skip
def test_a_bad_row_is_reported_at_its_cell(
    tmp_path: Path, row: list[Any], cell: str, words: str
) -> None:
    found = _problems(_with_rows(tmp_path, [row]))
    assert found[0][0] == f"uncertainty!{cell}", found
    assert words in found[0][1]


def test_a_range_given_twice_is_refused(tmp_path: Path) -> None:
    rows = [["TC", "weight", 0.25, 0.35], ["TC", "weight", 0.2, 0.4]]
    ((cell, message),) = _problems(_with_rows(tmp_path, rows))
    assert cell == "uncertainty!B3" and "a second weight row for TC" in message
