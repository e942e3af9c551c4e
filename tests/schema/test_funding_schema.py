"""Every misuse of funded_by, max_share, eligible and variants: one problem each,
at the field to edit."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import pathway_opt as po

BASE: dict[str, Any] = {
    "name": "funding",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [
        {"id": "central", "limits": [10, 10]},
        {"id": "gov", "limits": [6, 6], "eligible": {"type": "joint_lab"}},
    ],
    "initiatives": [
        {
            "id": "A",
            "type": "joint_lab",
            "scores": {"TC": 10},
            "cost": [8],
            "funded_by": ["central", "gov"],
            "max_share": {"gov": 0.5},
            "variants": [{"id": "lite", "cost": [4]}],
        },
        {"id": "B", "type": "course", "scores": {"TC": 6}, "cost": {"central": [5]}},
    ],
}


def _problems(change: Any) -> list[str]:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(po.InputError) as err:
        po.instance_from_data(data)
    return [str(p) for p in err.value.problems]


def test_the_base_instance_is_valid() -> None:
    inst = po.instance_from_data(BASE)
    assert inst.initiatives[0].version("lite").cost == [4]
    assert inst.initiatives[0].version("lite").funded_by == ["central", "gov"]


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda d: d["initiatives"][0].update(cost={"central": [8]}),
            "initiatives[0].funded_by",
            "needs `cost` as one profile",
        ),
        (
            lambda d: d["initiatives"][0].update(
                funded_by=["central", "gv"], max_share={}
            ),
            "initiatives[0].funded_by[1]",
            'unknown budget "gv" (did you mean gov?)',
        ),
        (
            lambda d: d["initiatives"][0].update(funded_by=["central", "gov", "gov"]),
            "initiatives[0].funded_by[2]",
            "listed twice",
        ),
        (
            lambda d: d["initiatives"][0].update(max_share={"partner": 0.5}),
            "initiatives[0].max_share.partner",
            "not in funded_by",
        ),
        (
            lambda d: d["initiatives"][0].update(
                funded_by=["gov"], max_share={"gov": 0.5}
            ),
            "initiatives[0].max_share",
            "add up to 0.5, less than 1",
        ),
        (
            lambda d: d["initiatives"][1].update(max_share={"central": 0.5}),
            "initiatives[1].max_share",
            "there is no `funded_by`",
        ),
        (
            lambda d: d["initiatives"][0].update(type="course"),
            "initiatives[0].funded_by",
            'budget "gov" may not fund "A"',
        ),
        (
            lambda d: d["initiatives"][1].update(cost={"gov": [5]}),
            "initiatives[1].cost",
            'budget "gov" may not fund "B"',
        ),
        (
            lambda d: d["budgets"][1].update(eligible={}),
            "budgets[1].eligible",
            "names no field to match",
        ),
        (
            lambda d: d["initiatives"][0]["variants"].append(
                {"id": "lite", "cost": [1]}
            ),
            "initiatives[0].variants[1].id",
            "already a variant id",
        ),
        (
            lambda d: d["initiatives"][0]["variants"].append({"id": "same"}),
            "initiatives[0].variants[1]",
            "changes nothing",
        ),
        (
            lambda d: d["initiatives"][0]["variants"].append(
                {"id": "x", "scores": {"XX": 1}}
            ),
            "initiatives[0].variants[1].scores.XX",
            'unknown criterion "XX"',
        ),
        (
            lambda d: d["initiatives"][0]["variants"].append(
                {"id": "x", "earliest_start": "2030"}
            ),
            "initiatives[0].variants[1].earliest_start",
            "is not a period",
        ),
        (
            lambda d: d["initiatives"][0]["variants"].append(
                {"id": "x", "funded_by": ["gov"]}
            ),
            "initiatives[0].variants[1].funded_by",
            "less than 1",
        ),
    ],
)
def test_each_misuse_is_one_problem_at_its_field(
    change: Any, path: str, words: str
) -> None:
    problems = _problems(change)
    assert len(problems) == 1, problems
    assert problems[0].startswith(path + ":"), problems
    assert words in problems[0]


def test_a_share_above_one_is_refused_at_its_key() -> None:
    problems = _problems(lambda d: d["initiatives"][0].update(max_share={"gov": 1.5}))
    assert any(p.startswith("initiatives[0].max_share.gov") for p in problems)


def test_a_variant_field_that_is_not_overridable_is_refused() -> None:
    problems = _problems(
        lambda d: d["initiatives"][0]["variants"].append({"id": "x", "type": "lab"})
    )
    assert any("initiatives[0].variants[1].type" in p for p in problems), problems
