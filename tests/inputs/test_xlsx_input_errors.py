"""Bad input workbooks: every problem names its sheet, row and column, all at once.

A valid workbook is written from ``BASE``, one or more cells are changed with
openpyxl (as a planner would in Excel), and the reader must report
``sheet!CELL: what is wrong`` for each, exit 1 from the command line, and never
a traceback. The layout of ``BASE``'s workbook (rows are Excel rows):

- settings: 2 name, 3 description, 4 currency, 5 delay_discount,
  6 allow_beyond_horizon, 7-8 periods 2027, 2028 (column B holds values);
- criteria: A id, B name, C weight; talent (2), research (3);
- budgets: A id, B name, C carry_over, D limit 2027, E limit 2028; central (2);
- resources: A id, B name, C unit, D-E capacity; fte (2);
- initiatives: A id, B name, C type, D department, E partner,
  F success_probability, G earliest_start, H latest_start, I decision,
  J score talent, K score research; JL (2), IC (3), CT (4);
- costs_uses: A initiative, B kind, C budget_or_resource, D year +0, E year +1;
  JL cost (2), JL use (3), IC cost (4), IC use (5), CT cost (6);
- rules: A kind, B initiative, C on, D lag, E count, F members, G where_type,
  H where_department, I where_partner, J bonus; requires (2), at_most (3),
  at_least (4), synergy (5).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes

BASE: dict[str, Any] = {
    "name": "xlsx errors base",
    "periods": ["2027", "2028"],
    "criteria": [
        {"id": "talent", "name": "Talent cultivation", "weight": 0.6},
        {"id": "research", "name": "Applied research", "weight": 0.4},
    ],
    "budgets": [{"id": "central", "limits": [100, 100], "carry_over": True}],
    "resources": [{"id": "fte", "unit": "FTE", "capacity": [3, 3]}],
    "initiatives": [
        {
            "id": "JL",
            "type": "joint_lab",
            "department": "CS",
            "scores": {"talent": 5, "research": 5},
            "success_probability": 0.8,
            "cost": {"central": [60, 20]},
            "uses": {"fte": [1, 1]},
            "earliest_start": "2027",
            "latest_start": "2028",
        },
        {
            "id": "IC",
            "type": "industrial_college",
            "scores": {"talent": 8},
            "cost": {"central": [50]},
            "uses": {"fte": [2]},
        },
        {
            "id": "CT",
            "type": "co_taught_course",
            "scores": {"research": 4},
            "cost": {"central": [10]},
        },
    ],
    "rules": [
        {"kind": "requires", "initiative": "IC", "on": ["JL"], "lag": 1},
        {"kind": "at_most", "count": 1, "members": ["JL", "IC"]},
        {"kind": "at_least", "count": 1, "where": {"type": "co_taught_course"}},
        {"kind": "synergy", "members": ["JL", "CT"], "bonus": 0.5},
    ],
}


def base_file(tmp_path: Path) -> Path:
    path = tmp_path / "base.xlsx"
    path.write_bytes(instance_workbook_bytes(po.instance_from_data(BASE)))
    return path


def edited(tmp_path: Path, edits: dict[str, Any], drop: tuple[str, ...] = ()) -> Path:
    """The base workbook with `sheet!CELL` -> value edits, saved by openpyxl."""
    book = openpyxl.load_workbook(base_file(tmp_path))
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        book[sheet][cell] = value
    for sheet in drop:
        del book[sheet]
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(po.InputError) as caught:
        po.load_instance(path)
    return [str(p) for p in caught.value.problems]


def test_base_workbook_is_valid(tmp_path: Path) -> None:
    assert po.load_instance(base_file(tmp_path)) == po.instance_from_data(BASE)


CASES = [
    pytest.param(
        {"costs_uses!D2": "about 3M"},
        'costs_uses!D2: cost year +0 must be a number, got "about 3M"',
        id="text-in-cost",
    ),
    pytest.param(
        {"initiatives!F2": "about 0.8"},
        'initiatives!F2: success_probability must be a number, got "about 0.8"',
        id="text-in-probability",
    ),
    pytest.param(
        {"initiatives!F3": 1.5},
        "initiatives!F3: success_probability must be at most 1",
        id="probability-above-1",
    ),
    pytest.param(
        {"budgets!E2": -5},
        "budgets!E2: limit 2028 must be at least 0",
        id="negative-limit",
    ),
    pytest.param(
        {"budgets!D2": None},
        "budgets!D2: limit 2027 is blank; enter a number (0 if none)",
        id="blank-limit",
    ),
    pytest.param(
        {"criteria!C3": None},
        "criteria!C3: weight is required but missing",
        id="missing-weight",
    ),
    pytest.param(
        {"initiatives!I4": "maybe"},
        "initiatives!I4: decision must be one of",
        id="unknown-decision",
    ),
    pytest.param(
        {"budgets!C2": "sometimes"},
        'budgets!C2: carry_over must be true or false, got "sometimes"',
        id="bad-boolean",
    ),
    pytest.param(
        {"rules!E3": 1.5},
        "rules!E3: count must be a whole number, got 1.5",
        id="fractional-count",
    ),
    pytest.param(
        {"rules!A4": "at_lest"},
        "rules!A4: kind must be one of requires, at_most, at_least, exactly, synergy, "
        'spend_share, average, got "at_lest"',
        id="unknown-rule-kind",
    ),
    pytest.param(
        {"rules!D3": 2},
        "rules!D3: lag does not apply to at_most rules; clear this cell",
        id="field-of-another-kind",
    ),
    pytest.param(
        {"rules!C2": "JL; NOPE"},
        'rules!C2: on (value 2): unknown initiative "NOPE"',
        id="unknown-prerequisite",
    ),
    pytest.param(
        {"rules!F5": '"JL; CT'},
        "rules!F5: members: a double quote is opened but not closed",
        id="unclosed-quote",
    ),
    pytest.param(
        {"costs_uses!C2": "centrl"},
        'costs_uses!C2: unknown budget "centrl" (known: central)',
        id="unknown-budget",
    ),
    pytest.param(
        {"costs_uses!A6": "XX"},
        'costs_uses!A6: initiative "XX" is not on the initiatives sheet',
        id="profile-of-unknown-initiative",
    ),
    pytest.param(
        {"costs_uses!B6": "spend"},
        'costs_uses!B6: kind must be cost or use, got "spend"',
        id="unknown-profile-kind",
    ),
    pytest.param(
        {"initiatives!A3": "JL"},
        'initiatives!A3: "JL" appears 2 times (rows 2, 3); each must be unique',
        id="duplicate-id",
    ),
    pytest.param(
        {"initiatives!H2": "2030"},
        'initiatives!H2: latest_start: "2030" is not a period (periods: 2027, 2028)',
        id="unknown-period",
    ),
    pytest.param(
        {"initiatives!L1": "score impact", "initiatives!L2": 3},
        'initiatives!L2: score impact: unknown criterion "impact"',
        id="score-of-unknown-criterion",
    ),
    pytest.param(
        {"criteria!D1": "wieght"},
        'criteria!D1: unknown column "wieght"',
        id="unknown-column",
    ),
    pytest.param(
        {"criteria!E2": 7},
        "criteria!E1: this column has values but no header",
        id="values-without-header",
    ),
    pytest.param(
        {"budgets!C2": "=1/0"},
        "budgets!C2: carry_over holds a formula (=1/0) with no saved result",
        id="formula-without-result",
    ),
    pytest.param(
        {"settings!A9": "period", "settings!B9": "2029"},
        'budgets!K1: no column for period 2029; add one headed "limit 2029 (...)"',
        id="period-without-column",
    ),
    pytest.param(
        {"budgets!E1": "limit 2035 (CNY)"},
        'budgets!E1: "limit 2035 (CNY)" names no period on the settings sheet',
        id="column-for-unknown-period",
    ),
    pytest.param(
        {"settings!A5": "discount"},
        'settings!A5: unknown setting "discount"',
        id="unknown-setting",
    ),
    pytest.param(
        {"settings!B5": "0.9x"},
        'settings!B5: delay_discount must be a number, got "0.9x"',
        id="text-setting",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_each_bad_cell_is_named(
    tmp_path: Path, edits: dict[str, Any], expected: str
) -> None:
    found = problems(edited(tmp_path, edits))
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        {
            "criteria!C2": "heavy",
            "costs_uses!D2": "about 3M",
            "initiatives!I4": "maybe",
            "rules!A4": "at_lest",
            "budgets!E2": -1,
        },
    )
    found = problems(path)
    cells = [p.split(":")[0] for p in found]
    assert cells == [
        "criteria!C2",
        "budgets!E2",
        "initiatives!I4",
        "costs_uses!D2",
        "rules!A4",
    ], found


def test_cross_entity_problems_come_with_cell_problems(tmp_path: Path) -> None:
    """A number error does not hide an unknown reference elsewhere."""
    found = problems(edited(tmp_path, {"budgets!D2": "lots", "rules!B2": "ZZ"}))
    assert any(p.startswith("budgets!D2: limit 2027 must be a number") for p in found)
    assert any(
        p.startswith('rules!B2: initiative: unknown initiative "ZZ"') for p in found
    )


def test_missing_sheet(tmp_path: Path) -> None:
    found = problems(edited(tmp_path, {}, drop=("initiatives",)))
    assert found[0].startswith(
        'initiatives: the workbook has no sheet named "initiatives"'
    )


def test_optional_sheets_may_be_absent(tmp_path: Path) -> None:
    path = edited(tmp_path, {}, drop=("rules", "costs_uses", "budgets", "resources"))
    inst = po.load_instance(path)
    assert inst.rules == [] and inst.budgets == []
    assert all(i.cost == [] for i in inst.initiatives)


def minimal_workbook(path: Path, weight: tuple[str, Any]) -> None:
    """A hand-made workbook (as another tool might write), with a formula weight."""
    book = xlsxwriter.Workbook(path)
    settings = book.add_worksheet("Settings")  # sheet names ignore case
    for r, row in enumerate(
        [("field", "value"), ("name", "hand made"), ("period", 2027)]
    ):
        settings.write_row(r, 0, row)
    criteria = book.add_worksheet("criteria")
    criteria.write_row(0, 0, ("id", "weight"))
    criteria.write_string(1, 0, "talent")
    criteria.write_formula(1, 1, weight[0], None, weight[1])
    initiatives = book.add_worksheet("initiatives")
    initiatives.write_row(0, 0, ("id", "score talent"))
    initiatives.write_row(1, 0, ("A", 3))
    book.add_worksheet("notes").write(0, 0, "ignored")
    book.close()


def test_formula_with_saved_result_is_read(tmp_path: Path) -> None:
    path = tmp_path / "hand.xlsx"
    minimal_workbook(path, ("=0.25*2", 0.5))
    inst = po.load_instance(path)
    assert inst.periods == ["2027"]  # a number typed as a period becomes its label
    assert inst.criteria[0].weight == 0.5
    assert inst.initiatives[0].scores == {"talent": 3.0}


def test_excel_error_cell(tmp_path: Path) -> None:
    path = tmp_path / "hand.xlsx"
    minimal_workbook(path, ("=1/0", "#DIV/0!"))
    assert problems(path) == [
        "criteria!B2: weight holds the Excel error #DIV/0!; fix it or type the value"
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0 not really", "is an old .xls workbook"),
        ("junk.xlsx", b"this is not a zip file", "is not a readable .xlsx workbook"),
        ("missing.xlsx", None, "no such file"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    found = problems(path)
    assert len(found) == 1 and message in found[0], found


def test_cli_validate_lists_cells_and_exits_1(tmp_path: Path) -> None:
    path = edited(tmp_path, {"costs_uses!D2": "about 3M", "initiatives!F3": 2})
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "2 problems in" in result.stderr
    assert (
        '  - costs_uses!D2: cost year +0 must be a number, got "about 3M"'
        in result.stderr
    )
    assert "  - initiatives!F3: success_probability must be at most 1" in result.stderr
    assert "Traceback" not in result.output


def test_reader_accepts_bytes_and_streams(tmp_path: Path) -> None:
    from pathway_opt.inputs.instance_xlsx.read import read_instance_xlsx

    data = base_file(tmp_path).read_bytes()
    assert read_instance_xlsx(data) == read_instance_xlsx(io.BytesIO(data))
