"""Every shipped instance solves to its recorded result and passes the verifier."""

from __future__ import annotations

import json

import pytest
from repo_paths import INSTANCES

import pathway_opt as po

EXPECTED = json.loads((INSTANCES / "expected.json").read_text(encoding="utf-8"))


def test_every_instance_has_a_recorded_result() -> None:
    assert set(EXPECTED) == {p.name for p in INSTANCES.glob("*.json")} - {
        "expected.json"
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_instance_solves_to_its_recorded_result(name: str) -> None:
    inst = po.load_instance(INSTANCES / name)
    plan = po.solve(inst)
    expected = EXPECTED[name]
    assert plan.status.value == expected["status"]
    if expected["status"] == "optimal":
        assert plan.verified
        assert plan.objective == pytest.approx(expected["objective"], rel=1e-9)
        assert plan.bound is not None
        assert plan.bound - expected["objective"] <= 1e-6  # the default gap policy
        check = po.verify(
            inst,
            list(plan.starts.items()),
            expected["objective"],
            plan.variants,
            plan.funding,
        )
        assert check.ok, check.problems
    else:
        assert expected["explanation"] in " ".join(plan.messages)
