"""`pathway-opt validate` on bad input: the valid base passes, and several problems
in one file are all listed at once, one line each, with their count.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from bad_input_cases import BASE, TWICE, assert_rejected, validate
from click.testing import Result


def test_base_instance_is_valid(tmp_path: Path) -> None:
    result = validate(tmp_path, copy.deepcopy(BASE))
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def _problem_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("  - ")]


def test_three_field_problems_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["colour"] = "blue"
    data["criteria"][1]["weight"] = -0.4
    data["initiatives"][0]["success_probability"] = 1.5
    result = validate(tmp_path, data)
    assert_rejected(
        result,
        ("3 problems", "colour", "criteria[1].weight", "success_probability"),
    )
    assert len(_problem_lines(result)) == 3


def test_three_consistency_problems_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["initiatives"][1]["scores"]["innovation"] = 3
    data["budgets"][0]["limits"] = [100, 100]
    data["rules"][3]["members"][1] = "XX"
    result = validate(tmp_path, data)
    assert_rejected(
        result,
        (
            "3 problems",
            "initiatives[1].scores.innovation",
            "budgets[0].limits",
            "rules[3].members[1]",
        ),
    )
    assert len(_problem_lines(result)) == 3


def test_field_and_consistency_problems_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["criteria"][1]["weight"] = -0.4  # field level
    data["initiatives"][1]["scores"]["innovation"] = 3  # unknown criterion
    data["budgets"][0]["limits"] = [100, 100]  # wrong length
    result = validate(tmp_path, data)
    assert_rejected(
        result,
        (
            "3 problems",
            "criteria[1].weight",
            "initiatives[1].scores.innovation",
            "budgets[0].limits",
        ),
    )


def test_structural_field_error_still_reports_itself(tmp_path: Path) -> None:
    """A wrong structure stops the cross-entity pass; the field error stands alone."""
    data = copy.deepcopy(BASE)
    data["budgets"][0]["limits"] = "lots"
    data["initiatives"][1]["scores"]["innovation"] = 3
    result = validate(tmp_path, data)
    assert_rejected(result, ("1 problem", "budgets[0].limits", "must be a list"))


def test_duplicate_key_reported_with_other_problems(tmp_path: Path) -> None:
    text = json.dumps(BASE).replace('"lag": 1', '"lag": 1, "lag": 1', 1)
    text = text.replace('"success_probability": 0.8', '"success_probability": 1.5')
    result = validate(tmp_path, text)
    assert_rejected(
        result, ("2 problems", "rules[0].lag", TWICE, "success_probability")
    )
