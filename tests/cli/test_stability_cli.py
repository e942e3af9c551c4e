"""`pathway-opt stability`: table, CSV and workbook, usage errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from repo_paths import INSTANCES
from tiny_instances import make

from pathway_opt.cli.main import main

# A = 4 TC + CU, B = TC + 3 CU, one of them: at TC = CU = 1, A. TC may fall to
# 2/3 (then B) and rise for ever; CU may rise to 3/2 (then B) and fall to 0.
ONE_SLOT: dict[str, Any] = make(
    periods=["2027"],
    criteria=[{"id": "TC", "weight": 1.0}, {"id": "CU", "weight": 1.0}],
    initiatives=[
        {"id": "A", "scores": {"TC": 4, "CU": 1}},
        {"id": "B", "scores": {"TC": 1, "CU": 3}},
    ],
    rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["stability", *args])


@pytest.fixture
def one_slot(tmp_path: Path) -> Path:
    path = tmp_path / "one_slot.json"
    path.write_text(json.dumps(ONE_SLOT), encoding="utf-8")
    return path


def test_prints_the_table_and_writes_csv_and_workbook(
    one_slot: Path, tmp_path: Path
) -> None:
    csv, xlsx = tmp_path / "stability.csv", tmp_path / "stability.xlsx"
    result = run(str(one_slot), "-o", str(csv), "--xlsx", str(xlsx), "--progress")
    assert result.exit_code == 0, result.output
    assert "stability: 2 criteria, about 10 solves" in result.stderr
    assert "stability: 2/2 criteria" in result.stderr
    out = result.stdout
    assert "relative tolerance 1e-06" in out and "solves in" in out
    assert "+B -A" in out and "0.666667" in out and "1.5" in out
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(csv, encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns)[:4] == ["criterion", "weight", "low", "high"]
    rows = table.set_index("criterion")
    assert rows.loc["TC", "high"] == ""  # unbounded: blank
    assert float(rows.loc["TC", "low"]) == pytest.approx(2 / 3, abs=1e-9)
    assert (rows.loc["TC", "low_enters"], rows.loc["TC", "low_leaves"]) == ("B", "A")
    assert float(rows.loc["CU", "high"]) == 1.5
    assert float(rows.loc["CU", "low"]) == 0.0
    assert (rows.loc["CU", "high_enters"], rows.loc["CU", "high_leaves"]) == ("B", "A")
    assert float(rows.loc["CU", "tolerance"]) == 1e-6
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Stability", "Plan"]
    header = [c.value for c in book["Stability"][2]]
    assert header[:4] == ["criterion", "weight", "low", "high"]


def test_one_criterion_and_a_tolerance(one_slot: Path) -> None:
    result = run(str(one_slot), "--criterion", "CU", "--tolerance", "1e-4")
    assert result.exit_code == 0, result.output
    assert "relative tolerance 0.0001" in result.stdout
    assert "\n       CU" in result.stdout and "\n       TC" not in result.stdout
    assert result.stderr == ""  # no progress unless asked (not a terminal)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--criterion", "XX"], 'unknown criterion "XX"; the criteria are "TC", "CU"'),
        (["--tolerance", "0"], "--tolerance"),
        (["--tolerance", "0.5"], "at most 0.1"),
    ],
)
def test_usage_errors_exit_2(one_slot: Path, args: list[str], says: str) -> None:
    result = run(str(one_slot), *args)
    assert result.exit_code == 2 and says in result.output, result.output


def test_an_output_on_the_instance_is_refused(one_slot: Path) -> None:
    result = run(str(one_slot), "-o", str(one_slot))
    assert result.exit_code == 2 and "instance file" in result.output
    assert json.loads(one_slot.read_text(encoding="utf-8")) == ONE_SLOT


def test_an_infeasible_instance_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    result = run(str(INSTANCES / "infeasible_must_overspend.json"), "-o", str(out))
    assert result.exit_code == 3, result.output
    assert "proven optimal plan" in result.stdout and not out.exists()
