"""Fuzzed workbooks (random cell contents) through the command line: a clear exit
code and message, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.cli.main import main

CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e20, -5.0, 0.0, 1e-300]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=15),
    st.sampled_from(
        ["=1/0", "=SUM(A1:A3)", "about 3M", "产教融合", "", " 2027 ", "TRUE"]
    ),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "small.xlsx"
    po.write_instance_xlsx(
        po.load_instance(ROOT / "instances" / "small_applied_college.json"), path
    )
    return path


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_cells_end_cleanly(
    workbook: Path, tmp_path: Path, data: st.DataObject
) -> None:
    book = openpyxl.load_workbook(workbook)
    for _ in range(data.draw(st.integers(1, 4))):
        sheet = book[data.draw(st.sampled_from(book.sheetnames))]
        row = data.draw(st.integers(1, max(2, sheet.max_row + 1)))
        col = data.draw(st.integers(1, max(2, sheet.max_column + 1)))
        sheet.cell(row=row, column=col).value = data.draw(CELL_VALUES)
    path = tmp_path / "fuzzed.xlsx"
    book.save(path)
    for args in (["validate", str(path)], ["solve", str(path), "--time-limit", "2"]):
        result = CliRunner().invoke(main, args)
        assert "Traceback" not in result.output, result.output[-2000:]
        assert result.output.strip()
        assert result.exit_code in {0, 1, 3, 4}, (
            result.exit_code,
            result.output[-2000:],
        )
