"""Ids and period labels that would make the input silently wrong are refused.

- One id naming a budget and a resource (or a criterion) is refused, naming
  both places (the verifier used to key both by id in one table).
- Ids holding control, format (bidirectional, zero-width), separator or
  non-plain space characters are refused, naming the character and its
  position, never printing it raw.
- Period labels that differ only invisibly are duplicates; labels that look
  like years out of order are kept in the order given, with a warning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main


def _base(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "ids",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [{"id": "x", "limits": [100, 100]}],
        "initiatives": [
            {"id": "A", "scores": {"TC": 5}, "cost": [60, 0]},
            {"id": "B", "scores": {"TC": 4}, "cost": [60, 0]},
        ],
    }
    data.update(overrides)
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(po.InputError) as caught:
        po.instance_from_data(data)
    return [str(p) for p in caught.value.problems]


def _run(tmp_path: Path, data: dict[str, Any], command: str = "validate") -> Any:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return CliRunner().invoke(main, [command, str(path)])


def test_budget_and_resource_sharing_an_id_is_refused(tmp_path: Path) -> None:
    data = _base(resources=[{"id": "x", "capacity": [1, 1]}])
    data["initiatives"][0]["uses"] = {"x": [1]}
    assert _problems(data) == [
        'resources[0].id: "x" is also budgets[0].id; ids of budgets, resources '
        "and criteria must differ"
    ]
    result = _run(tmp_path, data, "solve")
    assert result.exit_code == 1, result.output
    assert "is also budgets[0].id" in result.output
    assert "Traceback" not in result.output


def test_criterion_sharing_an_id_with_a_budget_is_refused() -> None:
    data = _base(criteria=[{"id": "TC", "weight": 1.0}, {"id": "x", "weight": 1.0}])
    assert _problems(data) == [
        'budgets[0].id: "x" is also criteria[1].id; ids of budgets, resources '
        "and criteria must differ"
    ]


def test_shared_id_is_one_problem_even_when_repeated_within_a_list() -> None:
    data = _base(
        budgets=[{"id": "x", "limits": [1, 1]}, {"id": "x", "limits": [1, 1]}],
        resources=[{"id": "x", "capacity": [1, 1]}],
    )
    data["initiatives"] = [{"id": "A", "scores": {"TC": 1}}]
    problems = _problems(data)
    assert sum("appears 2 times" in p for p in problems) == 1
    assert sum("is also budgets[0].id" in p for p in problems) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\u202eA", "character 1 is U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("A\u2028B", "character 2 is U+2028 (LINE SEPARATOR)"),
        ("A\u2029", "character 2 is U+2029 (PARAGRAPH SEPARATOR)"),
        ("JL\u200b01", "character 3 is U+200B (ZERO WIDTH SPACE)"),
        ("A\x00", "character 2 is U+0000 (NULL)"),
        ("A\tB", "character 2 is U+0009 (CHARACTER TABULATION)"),
        ("A\u00a0B", "character 2 is U+00A0 (NO-BREAK SPACE)"),
        ("联合\u3000实验室", "character 3 is U+3000 (IDEOGRAPHIC SPACE)"),
        ("\ufeffA", "character 1 is U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ],
)
def test_invisible_characters_in_ids_are_refused(text: str, message: str) -> None:
    data = _base()
    data["initiatives"].append({"id": text, "scores": {"TC": 1}})
    assert _problems(data) == [f"initiatives[2].id: {message}, not allowed in an id"]


def test_plain_inner_space_and_visible_unicode_are_kept() -> None:
    data = _base()
    data["initiatives"].append({"id": "联合 实验室 🚀", "scores": {"TC": 1}})
    assert po.instance_from_data(data).initiatives[2].id == "联合 实验室 🚀"


def test_refused_character_in_a_reference_key_is_escaped_in_the_path() -> None:
    data = _base()
    data["initiatives"][0]["scores"] = {"T\u202eC": 1}
    [problem] = _problems(data)
    assert problem == (
        "initiatives[0].scores.T\\u202eC: character 2 is U+202E "
        "(RIGHT-TO-LEFT OVERRIDE), not allowed in an id"
    )
    assert "\u202e" not in problem


def test_cli_reports_bidi_id_without_printing_it(tmp_path: Path) -> None:
    data = _base()
    data["initiatives"][1]["id"] = "B\u202e"
    result = _run(tmp_path, data)
    assert result.exit_code == 1, result.output
    assert "initiatives[1].id: character 2 is U+202E" in result.output
    assert "\u202e" not in result.output


@pytest.mark.parametrize(
    "periods",
    [
        ["2027", "2027"],
        ["2027", "2027 "],
        ["2027", "2027\u200b"],
        ["2027", "\uff12\uff10\uff12\uff17"],
    ],
)
def test_duplicate_periods_are_refused(periods: list[str]) -> None:
    data = _base(periods=periods)
    problems = _problems(data)
    assert len(problems) == 1 and problems[0].startswith("periods[1]: ")
    assert "\u200b" not in problems[0]


def test_periods_out_of_year_order_are_kept_in_order_with_a_warning(
    tmp_path: Path,
) -> None:
    data = _base(periods=["2028", "2027"])
    inst = po.instance_from_data(data)
    assert inst.periods == ["2028", "2027"]
    [warning] = po.range_warnings(inst)
    assert warning.startswith('periods: "2027" comes after "2028"')
    result = _run(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert 'warning: periods: "2027" comes after "2028"' in result.output
    solved = _run(tmp_path, data, "solve")
    assert solved.exit_code == 0, solved.output
    assert "warning: periods:" in solved.output


def test_ascending_or_non_year_periods_give_no_warning() -> None:
    for periods in (["2027", "2028"], ["2027 H1", "2027 H2"], ["Y2", "Y1"]):
        assert po.range_warnings(po.instance_from_data(_base(periods=periods))) == []
