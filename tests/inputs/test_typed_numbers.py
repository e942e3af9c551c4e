"""Numbers, dates and words typed the way people type them in an input workbook.

A valid workbook is written from ``BASE``, one cell is changed with openpyxl (as
a planner would in Excel) and the workbook is read with ``po.load_instance``;
refusals also go through ``pathway-opt validate`` (exit 1, the cell named).
Cells of ``BASE``'s workbook: settings B5 delay_discount, B6
allow_beyond_horizon, B7-B8 periods; budgets C carry_over, D-E limits;
initiatives C type, F success_probability, G earliest_start, I decision, J-K
scores; costs_uses B kind, D-E years; rules A kind, D lag.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes

BASE: dict[str, Any] = {
    "name": "typed numbers",
    "periods": ["2027", "2028"],
    "criteria": [
        {"id": "talent", "weight": 0.6},
        {"id": "research", "weight": 0.4},
    ],
    "budgets": [{"id": "central", "limits": [100, 100], "carry_over": False}],
    "resources": [{"id": "fte", "unit": "FTE", "capacity": [3, 3]}],
    "initiatives": [
        {
            "id": "JL",
            "type": "other",
            "scores": {"talent": 5, "research": 5},
            "success_probability": 0.8,
            "cost": {"central": [60, 20]},
            "uses": {"fte": [1, 1]},
            "earliest_start": "2027",
        },
        {"id": "IC", "scores": {"talent": 8}, "cost": {"central": [50]}},
    ],
    "rules": [{"kind": "requires", "initiative": "IC", "on": ["JL"], "lag": 1}],
}


def edited(tmp_path: Path, ref: str, value: Any) -> Path:
    """The base workbook with one cell (`sheet!CELL`) set, saved by openpyxl."""
    base = tmp_path / "base.xlsx"
    base.write_bytes(instance_workbook_bytes(po.instance_from_data(BASE)))
    book = openpyxl.load_workbook(base)
    sheet, cell = ref.split("!")
    book[sheet][cell] = value
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def loaded(tmp_path: Path, ref: str, value: Any) -> Any:
    return po.load_instance(edited(tmp_path, ref, value))


def refused(tmp_path: Path, ref: str, value: Any) -> list[str]:
    """The problems `validate` lists (it must exit 1) for the edited workbook."""
    path = edited(tmp_path, ref, value)
    with pytest.raises(po.InputError) as caught:
        po.load_instance(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    found = [str(p) for p in caught.value.problems]
    for problem in found:
        assert f"  - {problem}" in result.stderr, result.stderr
    return found


# --- numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2,000,000",
        "2 000 000",
        "2\u00a0000\u00a0000",  # no-break space
        "2\u202f000\u202f000",  # narrow no-break space
        " 2,000,000 ",
        "200万",
        "200 万",
        "0.02亿",
        "2000000",
    ],
)
def test_budget_limits_typed_with_separators_or_units(
    tmp_path: Path, text: str
) -> None:
    inst = loaded(tmp_path, "budgets!D2", text)
    assert inst.budgets[0].limits == [2_000_000, 100]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80万", 800_000),
        ("1.2亿", 120_000_000),
        ("1,234.5", 1234.5),
        ("1,200万", 12_000_000),
    ],
)
def test_costs_typed_with_units(tmp_path: Path, text: str, expected: float) -> None:
    inst = loaded(tmp_path, "costs_uses!D2", text)
    assert inst.initiatives[0].cost == {"central": [expected, 20]}


@pytest.mark.parametrize(
    ("ref", "text", "expected"),
    [
        ("initiatives!F2", "85%", 0.85),
        ("initiatives!F2", "85 %", 0.85),
        ("initiatives!F2", "85\uff05", 0.85),  # full-width percent sign
        ("initiatives!F2", "100%", 1.0),
        ("settings!B5", "95%", 0.95),
    ],
)
def test_percentages(tmp_path: Path, ref: str, text: str, expected: float) -> None:
    inst = loaded(tmp_path, ref, text)
    got = (
        inst.initiatives[0].success_probability
        if ref.startswith("initiatives")
        else inst.settings.delay_discount
    )
    assert got == expected


@pytest.mark.parametrize("text", ["1,5", "2.000.000", "1,00,000", "1.234,5"])
def test_unclear_separators_are_refused_naming_the_cell(
    tmp_path: Path, text: str
) -> None:
    found = refused(tmp_path, "budgets!D2", text)
    assert found == [
        f'budgets!D2: limit 2027: read "{text}", whose separators are unclear (a '
        "decimal point or thousands?); type a plain number such as 2000000 or 1.5"
    ]


def test_unclear_separators_in_a_whole_number_cell(tmp_path: Path) -> None:
    found = refused(tmp_path, "rules!D2", "1,0")
    assert len(found) == 1 and found[0].startswith('rules!D2: lag: read "1,0"')


@pytest.mark.parametrize("value", [90, "90"])
def test_probability_written_as_percent_points(tmp_path: Path, value: Any) -> None:
    found = refused(tmp_path, "initiatives!F2", value)
    assert found == [
        "initiatives!F2: success_probability must be at most 1, got 90; did you "
        "mean 0.9 (90%)?"
    ]


def test_probability_above_100_is_only_out_of_range(tmp_path: Path) -> None:
    found = refused(tmp_path, "initiatives!F2", 150)
    assert len(found) == 1 and "did you mean" not in found[0], found
    assert found[0].startswith("initiatives!F2: success_probability must be at most 1")


def test_text_that_is_no_number_is_still_refused(tmp_path: Path) -> None:
    found = refused(tmp_path, "budgets!D2", "about 2M")
    assert found == ['budgets!D2: limit 2027 must be a number, got "about 2M"']


# --- dates where a period belongs --------------------------------------------------


def test_period_cell_holding_a_date(tmp_path: Path) -> None:
    found = refused(tmp_path, "settings!B7", dt.datetime(2027, 1, 1))
    assert found[0] == (
        "settings!B7: period holds a date (2027-01-01); type the year, 2027 "
        "(format the cell as text if Excel keeps turning it into a date)"
    )


def test_start_cell_holding_a_date(tmp_path: Path) -> None:
    found = refused(tmp_path, "initiatives!G2", dt.datetime(2028, 3, 1))
    assert found == [
        "initiatives!G2: earliest_start holds a date (2028-03-01); type the year, "
        "2028 (format the cell as text if Excel keeps turning it into a date)"
    ]


def test_period_header_holding_a_date(tmp_path: Path) -> None:
    found = refused(tmp_path, "budgets!D1", dt.datetime(2027, 1, 1))
    assert (
        "budgets!D1: the header holds a date (2027-01-01); type the year, 2027 "
        "(format the cell as text if Excel keeps turning it into a date)"
    ) in found
    assert not any("unknown column" in p for p in found), found


# --- words: case and synonyms --------------------------------------------------------


@pytest.mark.parametrize("text", ["Must", "MUST", " must "])
def test_decision_ignores_case(tmp_path: Path, text: str) -> None:
    assert loaded(tmp_path, "initiatives!I2", text).initiatives[0].decision == "must"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Joint_Lab", "joint_lab"),
        ("JOINT_LAB", "joint_lab"),
        ("Research_Centre", "Research_Centre"),  # the planner's own: kept as typed
        ("产业学院", "产业学院"),
    ],
)
def test_known_types_ignore_case(tmp_path: Path, text: str, expected: str) -> None:
    assert loaded(tmp_path, "initiatives!C2", text).initiatives[0].type == expected


def test_profile_and_rule_kinds_ignore_case(tmp_path: Path) -> None:
    assert loaded(tmp_path, "costs_uses!B2", "COST").initiatives[0].cost == {
        "central": [60, 20]
    }
    assert loaded(tmp_path, "rules!A2", "Requires").rules[0].kind == "requires"


@pytest.mark.parametrize("value", ["TRUE", "true", "是", "yes", "Y", "1", 1, True])
def test_true_words(tmp_path: Path, value: Any) -> None:
    assert loaded(tmp_path, "budgets!C2", value).budgets[0].carry_over is True
    inst = loaded(tmp_path, "settings!B6", value)
    assert inst.settings.allow_beyond_horizon is True


@pytest.mark.parametrize("value", ["FALSE", "false", "否", "no", "N", "0", 0, False])
def test_false_words(tmp_path: Path, value: Any) -> None:
    base = {**BASE, "budgets": [{**BASE["budgets"][0], "carry_over": True}]}
    path = tmp_path / "true.xlsx"
    path.write_bytes(instance_workbook_bytes(po.instance_from_data(base)))
    book = openpyxl.load_workbook(path)
    book["budgets"]["C2"] = value
    book.save(path)
    assert po.load_instance(path).budgets[0].carry_over is False


def test_unknown_boolean_word_is_refused(tmp_path: Path) -> None:
    found = refused(tmp_path, "budgets!C2", "maybe")
    assert len(found) == 1 and found[0].startswith("budgets!C2: carry_over"), found
