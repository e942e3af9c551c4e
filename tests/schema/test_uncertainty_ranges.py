"""`weight_range` and `uncertainty`: one problem per bad range, at its field path."""

from __future__ import annotations

from typing import Any

import pytest

import pathway_opt as po


def instance(criterion: dict[str, Any] | None = None, **uncertainty: Any) -> Any:
    return {
        "periods": ["2027"],
        "criteria": [criterion or {"id": "TC", "weight": 0.5}],
        "budgets": [{"id": "central", "limits": [10]}],
        "initiatives": [
            {
                "id": "A",
                "scores": {"TC": 5},
                "success_probability": 0.8,
                "cost": [4],
                "uncertainty": uncertainty,
            }
        ],
    }


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(po.InputError) as caught:
        po.instance_from_data(data)
    return [(p.path, p.message) for p in caught.value.problems]


def test_valid_ranges_load() -> None:
    inst = po.instance_from_data(
        instance(
            {"id": "TC", "weight": 0.5, "weight_range": [0.3, 0.5]},
            scores={"TC": [5, 9]},
            success_probability=[0.8, 0.8],
            cost_factor=[0.5, 1],
        )
    )
    assert inst.criteria[0].weight_range == [0.3, 0.5]
    spread = inst.initiatives[0].uncertainty
    assert spread is not None and spread.cost_factor == [0.5, 1]


@pytest.mark.parametrize(
    ("criterion", "uncertainty", "path", "words"),
    [
        ({"id": "TC", "weight": 0.5, "weight_range": [0.6, 0.9]}, {},
         "criteria[0].weight_range", "does not contain the given weight 0.5"),
        (None, {"scores": {"TC": [6, 9]}},
         "initiatives[0].uncertainty.scores.TC", "the given score 5"),
        (None, {"scores": {"XX": [0, 1]}},
         "initiatives[0].uncertainty.scores.XX", 'unknown criterion "XX"'),
        (None, {"scores": {"TC": [9, 2]}},
         "initiatives[0].uncertainty.scores.TC", "low end above its high end"),
        (None, {"success_probability": [0.5, 1.2]},
         "initiatives[0].uncertainty.success_probability[1]", "at most 1"),
        (None, {"success_probability": [0.9, 1]},
         "initiatives[0].uncertainty.success_probability", "given success_prob"),
        (None, {"cost_factor": [0, 2]},
         "initiatives[0].uncertainty.cost_factor[0]", "more than 0"),
        (None, {"cost_factor": [1.1, 2]},
         "initiatives[0].uncertainty.cost_factor", "given cost factor 1"),
        (None, {"cost_factor": [1]},
         "initiatives[0].uncertainty.cost_factor", "at least 2"),
        (None, {"cost_factor": [-1, 2]},
         "initiatives[0].uncertainty.cost_factor[0]", "at least 0"),
        (None, {"costfactor": [1, 2]},
         "initiatives[0].uncertainty.costfactor", "not a known field"),
    ],
)  # fmt: skip
def test_each_bad_range_is_one_problem_at_its_path(
    criterion: dict[str, Any] | None,
    uncertainty: dict[str, Any],
    path: str,
    words: str,
) -> None:
    ((where, message),) = problems(instance(criterion, **uncertainty))
    assert where == path
    assert words in message


def test_every_bad_range_is_reported_at_once() -> None:
    found = problems(
        instance(
            {"id": "TC", "weight": 0.5, "weight_range": [0.6, 0.9]},
            scores={"XX": [0, 1]},
            cost_factor=[2, 3],
        )
    )
    assert [p for p, _ in found] == [
        "criteria[0].weight_range",
        "initiatives[0].uncertainty.scores.XX",
        "initiatives[0].uncertainty.cost_factor",
    ]


def test_a_range_reaching_values_highs_cannot_solve_is_refused() -> None:
    data = instance(
        {"id": "TC", "weight": 0.5, "weight_range": [0.1, 1e8]},
        scores={"TC": [1, 1e9]},
    )
    inst = po.instance_from_data(data)  # each value is within the ceiling
    with pytest.raises(po.InputError) as caught:
        po.check_values(inst)
    (problem,) = caught.value.problems
    assert problem.path == "initiatives[0].uncertainty"
    assert "worth 8e+16 at the high ends" in problem.message
    with pytest.raises(po.InputError):
        po.robust(inst, 2, 0)


def test_a_weight_range_does_not_go_with_derived_weights() -> None:
    data = instance({"id": "TC", "weight_range": [0.3, 0.6]})
    data["criteria"].append({"id": "EE"})
    data["criteria_comparisons"] = [{"more": "TC", "less": "EE", "ratio": 3}]
    ((path, message),) = problems(data)
    assert path == "criteria[0].weight_range"
    assert "derived from criteria_comparisons" in message
