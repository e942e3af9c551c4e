"""Smallest repairs of infeasible instances, where the answer is known exactly."""

from __future__ import annotations

from typing import Any

import pytest
from repo_paths import INSTANCES
from tiny_instances import make

import pathway_opt as po
from pathway_opt.diagnose.repairs import apply_repair


def ini(id_: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": 1}, **fields}


def repairs(data: dict[str, Any], alternatives: int = 3) -> list[po.Repair]:
    result = po.explain(po.instance_from_data(data), alternatives=alternatives)
    assert result.plan.status == po.Status.INFEASIBLE
    assert result.exit_code == 3
    assert result.repairs, "an infeasible instance gets at least one repair"
    for repair in result.repairs:  # each alone gives a plan, found by the real model
        assert repair.confirmed and repair.objective is not None
        assert repair.proven
    return result.repairs


def texts(found: list[po.Repair]) -> set[str]:
    return {r.text for r in found}


def test_budget_short_by_a_known_amount() -> None:
    data = make(
        budgets=[{"id": "central", "limits": [5_000_000, 5_000_000]}],
        initiatives=[
            ini("JL", cost=[3_200_000], decision="must", latest_start="2027"),
            ini("IC", cost=[3_000_000], decision="must", latest_start="2027"),
        ],
    )
    found = repairs(data)
    first = found[0]
    assert [p.kind for p in first.parts] == ["budget"]
    part = first.parts[0]
    assert (part.target, part.period, part.amount) == ("central", "2027", 1_200_000)
    assert first.text == (
        'raise budget "central" in 2027 by 1,200,000 CNY (needed by must-fund JL, IC)'
    )
    assert first.weight == pytest.approx(1_200_000 / 5_000_000)
    # the alternative, with the budget slack forbidden: release one must
    assert len(found) >= 2
    assert found[1].text in {'release JL from "must"', 'release IC from "must"'}
    # applying the first repair really gives a plan using the whole raised limit
    repaired = apply_repair(po.instance_from_data(data), first.parts)
    assert repaired.budgets[0].limits == [6_200_000, 5_000_000]
    assert po.solve(repaired).status == po.Status.OPTIMAL


def test_carry_over_shortfall_is_raised_once() -> None:
    """Together the musts need 16 by 2027 against 10: raise 2027 by 6."""
    data = make(
        budgets=[{"id": "central", "limits": [10, 10], "carry_over": True}],
        initiatives=[
            ini("A", cost=[8], decision="must", latest_start="2027"),
            ini("B", cost=[8, 4], decision="must", latest_start="2027"),
        ],
    )
    found = repairs(data)
    assert (
        found[0].text
        == 'raise budget "central" in 2027 by 6 CNY (needed by must-fund A, B)'
    )
    assert texts(found[1:]) <= {'release A from "must"', 'release B from "must"'}


def test_resource_shortfall() -> None:
    data = make(
        resources=[{"id": "fte", "unit": "FTE", "capacity": [2, 2]}],
        initiatives=[ini("A", uses={"fte": [3]}, decision="must")],
    )
    found = repairs(data)
    # A may start in either period: raising that period's capacity by 1 FTE
    assert found[0].text in {
        f'raise capacity "fte" in {p} by 1 FTE (needed by must-fund A)'
        for p in ("2027", "2028")
    }
    assert found[0].weight == pytest.approx(0.5)  # 1 FTE of an average 2
    assert 'release A from "must"' in texts(found)


def test_two_musts_in_an_at_most_one_group() -> None:
    data = make(
        initiatives=[ini("IC1", decision="must"), ini("IC2", decision="must")],
        rules=[{"kind": "at_most", "count": 1, "members": ["IC1", "IC2"]}],
    )
    found = repairs(data)
    assert texts(found) == {
        "allow 2 of rule 1 (at_most 1)",
        'release IC1 from "must"',
        'release IC2 from "must"',
    }
    allow = next(r for r in found if r.parts[0].kind == "count_more")
    assert allow.parts[0].amount == 1 and allow.weight == 1


def test_requires_chain_whose_lag_does_not_fit_the_horizon() -> None:
    """PA 2027 -> JL 2028 (lag 1) -> IC 2030 (lag 2): one period past 2029.

    Each smallest repair shortens a lag by exactly one period or releases IC.
    """
    data = make(
        periods=["2027", "2028", "2029"],
        initiatives=[ini("PA"), ini("JL"), ini("IC", decision="must")],
        rules=[
            {"kind": "requires", "initiative": "JL", "on": ["PA"], "lag": 1},
            {"kind": "requires", "initiative": "IC", "on": ["JL"], "lag": 2},
        ],
    )
    found = repairs(data)
    assert texts(found) == {
        'release IC from "must"',
        "shorten the lag of rule 1 (JL requires PA, lag 1) to 0",
        "shorten the lag of rule 2 (IC requires JL, lag 2) to 1",
    }
    lag = next(p for r in found for p in r.parts if p.target == "rule 2")
    assert lag.kind == "lag" and lag.amount == 1


def test_at_least_rule_and_budget_conflict_offers_both() -> None:
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[ini("A", cost=[10]), ini("B", cost=[10])],
        rules=[{"kind": "at_least", "count": 2, "members": ["A", "B"]}],
    )
    found = repairs(data)
    assert texts(found) == {
        "require only 1 of rule 1 (at_least 2)",
        'raise budget "central" in 2027 by 10 CNY (needed by A, B)',
    }


def test_solve_prints_the_brief_repair_first() -> None:
    plan = po.solve(po.load_instance(INSTANCES / "infeasible_must_overspend.json"))
    assert plan.status == po.Status.INFEASIBLE
    first = plan.messages[0]
    # the structural reason first, then the repairs, one per line
    head, *alternatives = first.splitlines()
    assert head.startswith("No plan satisfies all rules: the must-fund initiatives")
    assert "6,200,000" in head and head.endswith("Smallest repair found:")
    assert alternatives == [
        '    - raise budget "central" in 2028 by 1,200,000 CNY (needed by must-fund '
        "JL-EE-01, IC-EE-01) [best score then 10.5712], or",
        '    - release IC-EE-01 from "must" [best score then 9.9525].',
    ]


def test_disagreeing_presolve_off_solve_is_an_inconsistency(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pathway_opt.pipeline as pipeline

    monkeypatch.setattr(pipeline, "confirm_infeasible", lambda *args: False)
    data = make(
        initiatives=[ini("A", decision="must"), ini("B", decision="must")],
        rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
    )
    with pytest.raises(po.SolverError, match="inconsistency"):
        po.explain(po.instance_from_data(data))
