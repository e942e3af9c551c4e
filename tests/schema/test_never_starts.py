"""An initiative whose profile runs past the last period from every start in its
window: an optional one is left out with a warning, a must one makes the instance
infeasible (exit 3) with that reason as the explanation. The verifier agrees.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.outputs.plan_tables import not_selected

REASON = (
    "JL-1 can never start: its 3-year cost profile runs past 2029 from every "
    "start in 2029-2029"
)


def _data(decision: str = "optional") -> dict[str, Any]:
    """JL-1 (value 5, cost 1 a year for 3 years) may only start in 2029, the last
    period: it never fits. B (value 2, cost 3) fits anywhere: the best plan
    without JL-1 is B, objective 2."""
    return {
        "name": "never starts",
        "periods": ["2027", "2028", "2029"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [{"id": "central", "limits": [10, 10, 10]}],
        "initiatives": [
            {
                "id": "JL-1",
                "type": "joint_lab",
                "scores": {"TC": 5},
                "cost": [1, 1, 1],
                "earliest_start": "2029",
                "decision": decision,
            },
            {"id": "B", "scores": {"TC": 2}, "cost": [3]},
        ],
    }


def test_optional_that_never_fits_is_left_out_with_a_warning() -> None:
    inst = po.instance_from_data(_data())
    assert po.instance_warnings(inst) == [
        f"initiatives[0]: {REASON}; it is left out of the plan"
    ]
    plan = po.solve(inst)
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert plan.starts == {"B": "2027"}
    assert plan.objective is not None and abs(plan.objective - 2) < 1e-6
    reasons = dict(zip(*(not_selected(plan)[c] for c in ("id", "reason")), strict=True))
    assert reasons["JL-1"] == REASON


def test_use_profile_is_named_when_it_is_the_longer_one() -> None:
    data = _data()
    data["resources"] = [{"id": "fte", "capacity": [5, 5, 5]}]
    data["initiatives"][0].update(cost=[1], uses={"fte": [0, 0, 0, 1]})
    data["initiatives"][0].pop("earliest_start")
    inst = po.instance_from_data(data)
    (warning,) = po.instance_warnings(inst)
    assert 'its 4-year use profile of "fte" runs past 2029' in warning
    assert "every start in 2027-2029" in warning


def test_must_that_never_fits_is_infeasible_with_the_reason() -> None:
    inst = po.instance_from_data(_data("must"))
    plan = po.solve(inst)
    assert plan.status == po.Status.INFEASIBLE and plan.exit_code == 3
    assert plan.messages[0].startswith(f"No plan satisfies all rules: {REASON}.")
    (warning,) = po.instance_warnings(inst)
    assert "it is a must, so no plan exists" in warning


def test_the_verifier_agrees() -> None:
    optional = po.instance_from_data(_data())
    past = po.verify(optional, {"JL-1": "2029", "B": "2027"})
    assert not past.ok
    assert any("runs past the last period" in p for p in past.problems)
    must = po.instance_from_data(_data("must"))
    missing = po.verify(must, {"B": "2027"})
    assert any('must-fund "JL-1" is not selected' in p for p in missing.problems)


def test_beyond_horizon_allowed_lets_it_start() -> None:
    data = _data()
    data["settings"] = {"allow_beyond_horizon": True}
    inst = po.instance_from_data(data)
    assert po.instance_warnings(inst) == []
    plan = po.solve(inst)
    assert plan.status == po.Status.OPTIMAL and plan.starts["JL-1"] == "2029"


def test_cli_validate_and_solve(tmp_path: Path) -> None:
    runner = CliRunner()
    for decision, code in (("optional", 0), ("must", 3)):
        source = tmp_path / f"{decision}.json"
        source.write_text(json.dumps(_data(decision)), encoding="utf-8")
        checked = runner.invoke(main, ["validate", str(source)])
        assert checked.exit_code == 0, checked.output
        assert REASON in checked.output
        solved = runner.invoke(main, ["solve", str(source)])
        assert solved.exit_code == code, solved.output
        assert REASON in solved.output
