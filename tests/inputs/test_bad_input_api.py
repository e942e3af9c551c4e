"""Bad input through the Python API: :func:`instance_from_data` raises
:class:`pathway_opt.errors.InputError` whose structured ``problems`` name the
JSON path, for the same mutations of the base instance the command line rejects.
"""

from __future__ import annotations

import copy

import pytest
from bad_input_cases import (
    BASE,
    Mutation,
    append_at,
    drop_at,
    set_at,
    whole,
)

from pathway_opt.errors import InputError
from pathway_opt.inputs.instance_json import instance_from_data

API_CASES = [
    pytest.param(
        set_at(("initiatives", 1, "budget"), 5),
        "initiatives[1].budget",
        id="unknown-key",
    ),
    pytest.param(
        set_at(("budgets", 0, "limits", 0), "5000"),
        "budgets[0].limits[0]",
        id="string-limit",
    ),
    pytest.param(
        set_at(("criteria", 0, "weight"), float("nan")),
        "criteria[0].weight",
        id="nan-weight",
    ),
    pytest.param(
        set_at(("initiatives", 0, "success_probability"), 1.5),
        "initiatives[0].success_probability",
        id="probability-1.5",
    ),
    pytest.param(
        set_at(("initiatives", 0, "cost"), {"central": [60], "partner": [20]}),
        "initiatives[0].cost.partner",
        id="unknown-budget",
    ),
    pytest.param(
        set_at(("rules", 1, "members", 1), "XX"),
        "rules[1].members[1]",
        id="unknown-member",
    ),
    pytest.param(
        append_at(("rules",), {"kind": "requires", "initiative": "JL", "on": ["IC"]}),
        "rules[0]",
        id="requires-cycle",
    ),
    pytest.param(drop_at(("periods",)), "periods", id="missing-periods"),
    pytest.param(whole([BASE]), "(top level)", id="list-not-object"),
]


@pytest.mark.parametrize(("mutation", "path"), API_CASES)
def test_api_raises_input_error_with_path(mutation: Mutation, path: str) -> None:
    data = mutation(copy.deepcopy(BASE))
    with pytest.raises(InputError) as info:
        instance_from_data(data)
    paths = [p.path for p in info.value.problems]
    assert path in paths
    assert all(p.message for p in info.value.problems)
    assert path in str(info.value)


def test_api_accepts_base_instance() -> None:
    inst = instance_from_data(copy.deepcopy(BASE))
    assert [i.id for i in inst.initiatives] == ["JL", "IC", "CT", "IB"]
