"""Sheet names Excel accepts, made from any scenario name.

Excel refuses a sheet name longer than 31 characters (UTF-16 units), holding one
of ``[ ] : * ? / \\``, starting or ending with an apostrophe, empty, or equal to
another sheet's name apart from case. Each name is checked by XlsxWriter itself
and by reading the saved workbook back with openpyxl.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_opt as po
from pathway_opt.excel import sheet_names


def _utf16(name: str) -> int:
    return len(name.encode("utf-16-le")) // 2


def _written(names: list[str]) -> list[str]:
    """The sheet names after XlsxWriter wrote them and openpyxl read them back."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in names:
        book.add_worksheet(name)  # raises on a name Excel would refuse
    book.close()
    buffer.seek(0)
    return list(openpyxl.load_workbook(buffer).sheetnames)


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        ("base", "base"),
        ("central -10% in 2029", "central -10% in 2029"),
        ("预算削减一成", "预算削减一成"),
        ("a/b\\c:d*e?f[g]h", "a_b_c_d_e_f_g_h"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("   ", "Sheet"),
        ("", "Sheet"),
        ("tab\there", "tab_here"),
        ("no\ufffecharacter", "no_character"),  # XML cannot hold these
        ("half\ud800pair", "half_pair"),
        ("😀" * 20, "😀" * 15),  # 2 UTF-16 units each: 30 of 31
        ("a" * 30 + "'" + "b", "a" * 30),  # cut at 31, the apostrophe dropped
    ],
)
def test_one_name(name: str, sheet: str) -> None:
    assert sheet_names([name]) == [sheet]
    assert _written([sheet]) == [sheet]


def test_names_that_collide_get_a_suffix() -> None:
    names = ["Plan", "plan", "PLAN", "x" * 40 + "1", "x" * 40 + "2", "STRASSE"]
    sheets = sheet_names([*names, "straße"], taken=["Comparison"])
    assert sheets == [
        "Plan", "plan (2)", "PLAN (3)", "x" * 31, "x" * 27 + " (2)", "STRASSE",
        "straße (2)",
    ]  # fmt: skip
    assert _written(["Comparison", *sheets]) == ["Comparison", *sheets]


def test_a_taken_name_is_never_used() -> None:
    taken = ["Comparison", "initiatives", "History"]
    assert po.scenario_sheets(["comparison", "Initiatives", "history", "base"]) == [
        "comparison (2)", "Initiatives (2)", "history (2)", "base",
    ]  # fmt: skip
    assert sheet_names(["Comparison (2)", "comparison"], taken=taken) == [
        "Comparison (2)", "comparison (3)",
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=45), max_size=8))
def test_any_names_give_sheets_excel_accepts(names: list[str]) -> None:
    taken = ["Comparison"]
    sheets = sheet_names(names, taken=taken)
    assert len(sheets) == len(names)
    assert all(1 <= _utf16(s) <= 31 for s in sheets)
    folded = [s.casefold() for s in [*taken, *sheets]]
    assert len(set(folded)) == len(folded)
    assert _written([*taken, *sheets]) == [*taken, *sheets]
