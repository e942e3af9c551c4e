"""`validate` on misused `min_use` and `decision_reason`: one message each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main


def _data(min_use: Any = None, reason_on: str = "must") -> dict[str, Any]:
    budget: dict[str, Any] = {"id": "gov_special", "limits": [5, 5]}
    if min_use is not None:
        budget["min_use"] = min_use
    return {
        "name": "funds",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1}],
        "budgets": [budget],
        "initiatives": [
            {
                "id": "IC-EE-01",
                "scores": {"TC": 1},
                "cost": [1],
                "decision": reason_on,
                "decision_reason": "Ministry pilot commitment",
            }
        ],
    }


def _validate(tmp_path: Path, data: dict[str, Any]) -> tuple[int, str]:
    path = tmp_path / "funds.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("min_use", "path", "words"),
    [
        (1.2, "budgets[0].min_use", "at most 1"),
        (-0.1, "budgets[0].min_use", "at least 0"),
        ([0.5, 1.5], "budgets[0].min_use[1]", "at most 1"),
        ([0.5], "budgets[0].min_use", "give one share per period"),
        ([0.5, 0.5, 0.5], "budgets[0].min_use", "has 3 entries but there are 2"),
    ],
)
def test_bad_min_use_is_one_clear_message(
    tmp_path: Path, min_use: Any, path: str, words: str
) -> None:
    code, output = _validate(tmp_path, _data(min_use))
    assert code == 1
    problems = [line for line in output.splitlines() if line.strip().startswith("-")]
    assert len(problems) == 1, output
    assert f"{path}:" in problems[0] and words in problems[0]


def test_good_min_use_validates(tmp_path: Path) -> None:
    code, output = _validate(tmp_path, _data([0.8, 0]))
    assert code == 0, output


def test_reason_without_forced_decision_is_warned(tmp_path: Path) -> None:
    code, output = _validate(tmp_path, _data(reason_on="optional"))
    assert code == 0, output
    assert "initiatives[0].decision_reason" in output
    for decision in ("must", "never"):
        inst = po.instance_from_data(_data(reason_on=decision))
        assert not [w for w in po.instance_warnings(inst) if "decision_reason" in w]
