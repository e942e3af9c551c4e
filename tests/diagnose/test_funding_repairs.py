"""Infeasibility repairs that bend funding caps, and repairs of funded plans."""

from __future__ import annotations

from typing import Any

import pytest

import pathway_opt as po
from pathway_opt.diagnose.repairs import apply_repair

DATA: dict[str, Any] = {
    "name": "capped",
    "periods": ["2027"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [
        {"id": "central", "limits": [5]},
        {"id": "gov_special", "limits": [10]},
    ],
    "initiatives": [
        {
            "id": "JL-CS-01",
            "scores": {"TC": 10},
            "cost": [10],
            "funded_by": ["central", "gov_special"],
            "max_share": {"gov_special": 0.25},
            "decision": "must",
            "decision_reason": "Ministry pilot commitment",
        }
    ],
}


def test_a_cap_that_makes_a_must_unfundable_is_named_with_its_new_share() -> None:
    # central pays at most 5 of 10: gov_special must pay at least half
    plan = po.solve(po.instance_from_data(DATA))
    assert plan.status == po.Status.INFEASIBLE
    text = "\n".join(plan.messages)
    # the sure part of a split: what gov_special (capped at 0.25) cannot take
    assert 'it alone needs 7.5 CNY of budget "central" in 2027, limit 5' in text
    assert (
        'let "gov_special" pay up to 0.5 of JL-CS-01\'s cost (max_share 0.25)' in text
    )
    assert 'raise budget "central" in 2027 by 2.5 CNY' in text


def test_the_cap_repair_applied_makes_the_instance_feasible() -> None:
    inst = po.instance_from_data(DATA)
    repairs = po.find_repairs(inst, po.compile_form(inst), po.SolveSettings())
    cap = next(r for r in repairs if r.parts[0].kind == "max_share")
    assert cap.confirmed and cap.objective == pytest.approx(10.0)
    repaired = apply_repair(inst, cap.parts)
    assert repaired.initiatives[0].max_share == {"gov_special": 0.5}
    release = next(r for r in repairs if r.parts[0].kind == "must")
    assert "(reason: Ministry pilot commitment)" in release.text
