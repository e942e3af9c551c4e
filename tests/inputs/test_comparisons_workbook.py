"""The input workbook's `comparisons` sheet: pairwise judgements that derive the
criteria weights, round-tripped with JSON, read from typed fractions, and every
problem named at its cell.

Layout of the workbook written from ``JUDGED`` (rows are Excel rows):
settings 2-6 name .. allow_beyond_horizon, 7 accept_inconsistent_judgements,
8-9 periods; criteria A id, B name, C weight (blank); comparisons A more,
B less, C ratio, D notes: rows 2-4.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes

JUDGED: dict[str, Any] = {
    "name": "judged weights",
    "periods": ["2027", "2028"],
    "criteria": [
        {"id": "talent", "name": "Talent cultivation"},
        {"id": "industry", "name": "Enterprise engagement"},
        {"id": "research", "name": "Applied research"},
    ],
    "criteria_comparisons": [
        {"more": "talent", "less": "industry", "ratio": 3, "notes": "dean's view"},
        {"more": "talent", "less": "research", "ratio": 5},
        {"more": "industry", "less": "research", "ratio": 3},
    ],
    "initiatives": [
        {"id": "JL", "scores": {"talent": 5, "research": 5}},
        {"id": "IC", "scores": {"industry": 8}},
    ],
}


def workbook(tmp_path: Path, edits: dict[str, Any], data: dict[str, Any]) -> Path:
    """``data`` written as a workbook, then cells edited: {"sheet!A1": value}."""
    book = openpyxl.load_workbook(
        io.BytesIO(instance_workbook_bytes(po.instance_from_data(data)))
    )
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        book[sheet][cell].value = value
    path = tmp_path / "judged.xlsx"
    book.save(path)
    return path


def refused(path: Path) -> list[str]:
    with pytest.raises(po.InputError) as caught:
        po.load_instance(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [str(p) for p in caught.value.problems]


def test_json_workbook_json_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "judged.json"
    source.write_text(json.dumps(JUDGED), encoding="utf-8")
    runner = CliRunner()
    xlsx, back = tmp_path / "judged.xlsx", tmp_path / "back.json"
    assert runner.invoke(main, ["convert", str(source), str(xlsx)]).exit_code == 0
    assert runner.invoke(main, ["convert", str(xlsx), str(back)]).exit_code == 0
    assert po.load_instance(back) == po.instance_from_data(JUDGED)
    assert json.loads(back.read_text(encoding="utf-8"))["criteria_comparisons"][0] == {
        "more": "talent",
        "less": "industry",
        "ratio": 3,
        "notes": "dean's view",
    }
    book = openpyxl.load_workbook(xlsx)
    ws = book["comparisons"]
    headers = [c.value for c in ws[1]]
    assert headers == ["more", "less", "ratio (1/9-9)", "notes"]
    assert all(ws.cell(1, k + 1).comment for k in range(len(headers)))
    settings = {r[0]: r[1] for r in book["settings"].iter_rows(values_only=True)}
    assert settings["accept_inconsistent_judgements"] is False
    assert [c.value for c in book["criteria"]["C"][1:]] == [None] * 3


def test_fractions_typed_as_text_are_read(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        {
            "comparisons!C2": "1/3",
            "comparisons!A2": "industry",
            "comparisons!B2": "talent",
            "comparisons!C3": " 5 / 1 ",
        },
        JUDGED,
    )
    inst = po.load_instance(path)
    assert inst.criteria_comparisons[0].ratio == pytest.approx(1 / 3)
    assert inst.criteria_comparisons[1].ratio == 5
    assert round(inst.weights["talent"], 3) == 0.637


def test_settings_row_accepts_inconsistent_judgements(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"comparisons!C4": 1 / 9}, JUDGED)
    (problem,) = refused(path)
    assert problem.startswith(
        "comparisons: the judgements are inconsistent: consistency ratio"
    )
    named = re.findall(
        r"(comparisons!A\d) \((\w+) over (\w+) ([\d/.]+); a "
        r"consistent ratio would be ([\d/.]+)",
        problem,
    )
    assert [n[:4] for n in named] == [
        ("comparisons!A3", "talent", "research", "5"),
        ("comparisons!A2", "talent", "industry", "3"),
        ("comparisons!A4", "industry", "research", "1/9"),
    ]
    w = po.instance_from_data(
        {
            **JUDGED,
            "criteria_comparisons": [
                {**c, "ratio": 1 / 9} if k == 2 else c
                for k, c in enumerate(JUDGED["criteria_comparisons"])
            ],
            "settings": {"accept_inconsistent_judgements": True},
        }
    ).weights
    assert float(named[0][4]) == pytest.approx(w["talent"] / w["research"], rel=5e-3)
    accepted = workbook(
        tmp_path, {"comparisons!C4": 1 / 9, "settings!B7": "TRUE"}, JUDGED
    )
    inst = po.load_instance(accepted)
    assert inst.settings.accept_inconsistent_judgements is True
    assert any("used anyway" in w for w in po.instance_warnings(inst))


def test_bad_judgements_are_named_at_their_cells(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        {
            "comparisons!A2": "talen",
            "comparisons!C3": 12,
            "comparisons!B4": "industry",
            "comparisons!A5": "research",
            "comparisons!B5": "talent",
            "comparisons!C5": dt.datetime(2027, 1, 3),
        },
        JUDGED,
    )
    assert refused(path) == [
        'comparisons!A2: more: unknown criterion "talen"; did you mean "talent"? '
        "(known: talent, industry, research)",
        "comparisons!C3: ratio must be between 1/9 and 9 (Saaty's scale), got "
        "12; use 9 for extremely more important (or swap more and less for a "
        "ratio below 1)",
        'comparisons!B4: less: compares "industry" with itself; name two '
        "different criteria",
        'comparisons!A5: compares "research" and "talent" again (comparisons!A3 '
        "already does); keep one",
        "comparisons!C5: ratio holds a date: Excel read a fraction such as 1/3 as "
        "a date; type 0.333, or format the cell as text and type 1/3 again",
    ]


def test_blank_ratio_and_missing_weights(tmp_path: Path) -> None:
    path = workbook(tmp_path, {"comparisons!C2": None}, JUDGED)
    assert refused(path) == ["comparisons!C2: ratio is required but missing; add it"]
    plain = dict(
        JUDGED,
        criteria_comparisons=[],
        criteria=[
            {"id": "talent", "weight": 1},
            {"id": "industry", "weight": 1},
            {"id": "research", "weight": 1},
        ],
    )
    path = workbook(tmp_path, {"criteria!C3": None}, plain)
    assert refused(path) == [
        "criteria!C3: weight is required but missing; add it (or derive every "
        "weight from pairwise judgements: `criteria_comparisons`, in a workbook the "
        "comparisons sheet)"
    ]
