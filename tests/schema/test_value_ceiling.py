"""Values HiGHS cannot solve are input errors, found by `validate` as by `solve`.

Issue 14, item 13: a weight x score near 1e28 passed `validate` with a warning,
then failed the solve with exit 5; a compare scenario setting such values did
the same. An initiative's value (success_probability x sum of weight x score,
its objective coefficient) of 1e15 or more is now an input error naming it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import pathway_opt as po
from pathway_opt.cli.main import main

DATA: dict[str, Any] = {
    "periods": ["2027", "2028"],
    "criteria": [{"id": "talent", "weight": 1e13}, {"id": "other", "weight": 1}],
    "budgets": [{"id": "central", "limits": [10, 10]}],
    "initiatives": [
        {"id": "A", "scores": {"talent": 1e15, "other": 1}, "cost": [6]},
        {"id": "B", "scores": {"other": 2}, "cost": [6]},
    ],
}


def with_value(value: float) -> dict[str, Any]:
    """DATA with initiative A worth `value` (weight value / 1e10 x score 1e10)."""
    data = copy.deepcopy(DATA)
    data["criteria"][0]["weight"] = value / 1e10
    data["initiatives"][0]["scores"] = {"talent": 1e10}
    return data


def write(tmp_path: Path, data: Any, name: str = "i.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("command", ["validate", "solve", "explain", "frontier"])
def test_a_value_near_1e28_is_an_input_error_naming_the_fields(
    tmp_path: Path, command: str
) -> None:
    result = run(command, write(tmp_path, DATA))
    assert result.exit_code == 1, result.output
    assert "initiatives[0].scores" in result.output
    assert "criteria[0].weight" in result.output and 'initiative "A"' in result.output
    assert "1e+28" in result.output


def test_a_workbook_with_such_values_is_refused_too(tmp_path: Path) -> None:
    workbook = tmp_path / "i.xlsx"
    po.write_instance_xlsx(po.instance_from_data(DATA), workbook)
    result = run("validate", workbook)
    assert result.exit_code == 1, result.output
    assert 'initiative "A"' in result.output


def test_values_below_the_ceiling_solve(tmp_path: Path) -> None:
    result = run("solve", write(tmp_path, with_value(0.99e15)))
    assert result.exit_code == 0, result.output
    assert run("validate", write(tmp_path, with_value(1e15))).exit_code == 1


def test_probability_is_part_of_the_value(tmp_path: Path) -> None:
    data = with_value(1.5e15)
    data["initiatives"][0]["success_probability"] = 0.5
    assert run("validate", write(tmp_path, data)).exit_code == 0


def test_the_library_refuses_it_too() -> None:
    inst = po.instance_from_data(DATA)  # the schema alone accepts each number
    with pytest.raises(po.InputError, match=r"initiatives\[0\]\.scores"):
        po.solve(inst)
    assert po.value_problems(po.instance_from_data(with_value(1e14))) == []


def test_why_the_ceiling_exists_highs_fails_far_above_it() -> None:
    """Measured with HiGHS 1.16: coefficients above 1e20 make it stop at once."""
    session = po.Session(po.instance_from_data(with_value(2e20)))
    assert session.solve().status == po.Status.ERROR


@pytest.mark.parametrize(
    "edit",
    [
        {"op": "set_weight", "criterion": "talent", "weight": 1e15},
        {"op": "set_score", "initiative": "A", "criterion": "talent", "value": 1e13},
    ],
)
def test_a_compare_scenario_that_sets_such_values_is_refused_before_solving(
    tmp_path: Path, edit: dict[str, Any]
) -> None:
    instance = write(tmp_path, with_value(10.0))
    scenarios = [
        {"name": "fine", "edits": []},
        {"name": "huge", "edits": [{"op": "set_weight", "criterion": "talent",
                                    "weight": 1e3}, edit]},
    ]  # fmt: skip
    result = run("compare", instance, write(tmp_path, scenarios, "s.json"))
    assert result.exit_code == 1, result.output
    assert "scenarios[1] (huge)" in result.output
    assert "initiatives[0].scores" in result.output
    assert "objective" not in result.output  # nothing was solved
