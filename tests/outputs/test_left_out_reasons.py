"""Not selected: each reason is a true statement about the solved plan.

Each kind on a tiny instance built so that it applies, then a property test on
random tiny instances that the stated reason holds (checked with the verifier).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from random_instances import instances, valid
from repo_paths import INSTANCES
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.outputs import plan_tables
from pathway_opt.outputs.left_out import LeftOut, left_out
from pathway_opt.schema.rules import CountRule, RequiresRule, SynergyRule
from pathway_opt.verification.verifier import ABS_TOL, REL_TOL


def ini(id_: str, value: float = 1, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": value}, **fields}


def reason(data: dict[str, Any], ini_id: str) -> LeftOut:
    plan = solve_dict(data)
    assert plan.status == po.Status.OPTIMAL
    table = plan_tables.not_selected(plan).set_index("id")
    found = left_out(plan)[ini_id]
    assert table.loc[ini_id, "reason"] == found.text
    return found


def test_never() -> None:
    data = make(initiatives=[ini("A"), ini("N", decision="never")])
    found = reason(data, "N")
    assert found.kind == "never"
    assert found.text == 'never allowed: its decision is "never"'


def test_window_cannot_fit_the_horizon() -> None:
    """Validation refuses such an initiative today; the plan copes if it gets one."""
    data = make(
        budgets=[{"id": "central", "limits": [10, 10]}],
        initiatives=[ini("A"), ini("L", 0, cost=[1], earliest_start="2028")],
    )
    plan = solve_dict(data)
    assert "L" not in plan.starts
    inst = plan.instance
    short = inst.initiatives[1]
    long = type(short).model_validate(short.model_dump() | {"cost": [1, 1, 1]})
    inst = inst.model_copy(update={"initiatives": [inst.initiatives[0], long]})
    plan = dataclasses.replace(plan, instance=inst)
    found = left_out(plan)["L"]
    assert found.kind == "horizon"
    assert found.text == (
        "its window (2028-2028) cannot fit the horizon: it runs 3 period(s) and "
        "the horizon ends in 2028"
    )


def test_prerequisite_not_funded() -> None:
    data = make(
        initiatives=[ini("P", decision="never"), ini("D")],
        rules=[{"kind": "requires", "initiative": "D", "on": ["P"]}],
    )
    found = reason(data, "D")
    assert (found.kind, found.rule) == ("prerequisite", 1)
    assert found.text == "its prerequisite P is not funded (rule 1)"


def test_prerequisite_funded_too_late() -> None:
    data = make(
        initiatives=[ini("P", earliest_start="2028"), ini("D", latest_start="2028")],
        rules=[{"kind": "requires", "initiative": "D", "on": ["P"], "lag": 1}],
    )
    found = reason(data, "D")
    assert found.kind == "prerequisite"
    assert found.text == (
        "its prerequisite P starts in 2028, too late for a lag of 1 within its "
        "window (rule 1)"
    )


def test_count_rule_full() -> None:
    data = make(
        initiatives=[ini("A", 2), ini("B", 1), ini("C", 1)],
        rules=[
            {"kind": "synergy", "members": ["A", "C"], "bonus": 1},
            {"kind": "at_most", "count": 1, "members": ["A", "B"]},
        ],
    )
    found = reason(data, "B")
    assert (found.kind, found.rule) == ("rule_full", 2)
    assert found.text == "rule 2 is full (at most 1 of its members; funded: A)"


def test_average_rule_bound() -> None:
    """Mean probability at least 0.8: A (p 1) and B (p 0.5) average 0.75."""
    data = make(
        initiatives=[ini("A", 2), ini("B", 4, success_probability=0.5)],
        rules=[{"kind": "average", "field": "success_probability", "at_least": 0.8}],
    )
    found = reason(data, "B")
    assert (found.kind, found.rule) == ("rule_bound", 1)
    assert found.text == (
        "funding it would take rule 1's average success_probability to 0.75, "
        "below its at least 0.8"
    )


def test_spend_share_rule_bound() -> None:
    """Labs at most 0.5 of spend: L (cost 6) with C (cost 4) would take 0.6."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [20]}],
        initiatives=[
            ini("C", 5, type="co_taught_course", cost=[4]),
            ini("L", 1, type="joint_lab", cost=[6]),
        ],
        rules=[{"kind": "spend_share", "where": {"type": "joint_lab"}, "at_most": 0.5}],
    )
    found = reason(data, "L")
    assert (found.kind, found.rule) == ("rule_bound", 1)
    assert found.text == (
        "funding it would take rule 1's spend share to 0.6, above its at most 0.5"
    )


def test_budget_short_names_the_shortfall() -> None:
    """Budget 10 in 2027; A (cost 10, value 2) beats B (cost 6, value 1)."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[ini("A", 2, cost=[10]), ini("B", 1, cost=[6])],
    )
    found = reason(data, "B")
    assert found.kind == "limit" and found.start == "2027"
    assert found.text == (
        'budget "central" in 2027 has 0 CNY left; started in 2027 (its only '
        "start) it would need 6 CNY more"
    )


def test_cumulative_budget_picks_the_closest_start() -> None:
    """Carry-over 10 + 10: A spends 15 in 2027-2028; B (cost 8) is 3 short if it
    starts in 2028 (20 - 15 = 5 left up to 2028) and 8 short in 2027."""
    data = make(
        budgets=[{"id": "central", "limits": [10, 10], "carry_over": True}],
        initiatives=[
            ini("A", 3, cost=[10, 5], latest_start="2027"),
            ini("B", 1, cost=[8]),
        ],
    )
    found = reason(data, "B")
    assert found.kind == "limit" and found.start == "2028"
    assert found.shortfall is not None and found.shortfall.more == pytest.approx(3)
    assert found.text == (
        'budget "central" up to 2028 has 5 CNY left; started in 2028 (its closest '
        "start) it would need 3 CNY more"
    )


def test_resource_short() -> None:
    data = make(
        periods=["2027"],
        resources=[{"id": "fte", "unit": "FTE", "capacity": [2]}],
        initiatives=[ini("A", 2, uses={"fte": [1.5]}), ini("B", 1, uses={"fte": [1]})],
    )
    found = reason(data, "B")
    assert found.text == (
        'resource "fte" in 2027 has 0.5 FTE left; started in 2027 (its only '
        "start) it would need 0.5 FTE more"
    )


def test_overlap_penalty() -> None:
    data = make(
        initiatives=[ini("A", 2), ini("B", 1)],
        rules=[{"kind": "synergy", "members": ["A", "B"], "bonus": -5}],
    )
    found = reason(data, "B")
    assert (found.kind, found.rule) == ("penalty", 1)
    assert found.text == "with A funded it would incur the overlap penalty -5 of rule 1"


def test_example_instances_get_real_reasons() -> None:
    for name in ("small_applied_college.json", "provincial_applied_university.json"):
        plan = po.solve(po.load_instance(INSTANCES / name))
        reasons = plan_tables.not_selected(plan)["reason"]
        assert len(reasons) > 0
        assert not any("best plan" in r for r in reasons), list(reasons)


def _allowed_starts(inst: po.Instance, ini_id: str, starts: dict[str, str]) -> list:
    ini_ = next(i for i in inst.initiatives if i.id == ini_id)
    out = []
    for s in inst.possible_starts(ini_):
        ok = True
        for rule in inst.rules:
            if isinstance(rule, RequiresRule) and rule.initiative == ini_id:
                ok &= all(
                    o in starts and inst.period_index(starts[o]) + rule.lag <= s
                    for o in rule.on
                )
        if ok:
            out.append(inst.periods[s])
    return out


def _over(check: po.Verification) -> bool:
    return any(
        u.slack < -(REL_TOL * abs(u.limit) + ABS_TOL) for u in check.usage
    ) or any(
        u.cumulative_limit - u.cumulative_used
        < -(REL_TOL * abs(u.cumulative_limit) + ABS_TOL)
        for u in check.usage
        if u.binding_on == "cumulative"
    )


def _holds(plan: po.Plan, ini_id: str, found: LeftOut) -> None:
    inst = plan.instance
    ini_ = next(i for i in inst.initiatives if i.id == ini_id)
    starts = dict(plan.starts)
    if found.kind == "never":
        assert ini_.decision == "never"
    elif found.kind == "horizon":
        assert not inst.possible_starts(ini_)
    elif found.kind == "prerequisite":
        assert found.rule is not None
        rule = inst.rules[found.rule - 1]
        assert isinstance(rule, RequiresRule) and rule.initiative == ini_id
        assert not _allowed_starts(inst, ini_id, starts)
    elif found.kind == "rule_full":
        assert found.rule is not None
        rule = inst.rules[found.rule - 1]
        assert isinstance(rule, CountRule) and rule.kind != "at_least"
        members = inst.count_rule_members()[found.rule - 1]
        assert ini_id in members
        assert sum(m in starts for m in members) == rule.count
    elif found.kind == "limit":
        short = found.shortfall
        assert short is not None and found.start is not None
        assert short.more > ABS_TOL
        for s in _allowed_starts(inst, ini_id, starts):  # it fits at no start
            assert _over(po.verify(inst, [*starts.items(), (ini_id, s)]))
        check = po.verify(inst, [*starts.items(), (ini_id, found.start)])
        row = next(
            u
            for u in check.usage
            if (u.kind, u.id, u.period) == (short.kind, short.id, short.period)
        )
        assert row.slack == pytest.approx(-short.more, abs=1e-6)
        assert (row.binding_on == "cumulative") == short.cumulative
    elif found.kind == "rule_bound":
        assert found.rule is not None
        assert inst.rules[found.rule - 1].kind in ("spend_share", "average")
        for s in _allowed_starts(inst, ini_id, starts):  # no start keeps every rule
            assert not po.verify(inst, [*starts.items(), (ini_id, s)]).ok
    elif found.kind == "penalty":
        assert found.rule is not None
        rule = inst.rules[found.rule - 1]
        assert isinstance(rule, SynergyRule) and rule.bonus < 0
        assert all(m in starts for m in rule.members if m != ini_id)
    elif found.kind == "value":
        assert inst.base_value(ini_) <= 0 or "lower value per money" in found.text
    else:  # an optimal plan leaves nothing out that fits and adds value
        assert plan.status != po.Status.OPTIMAL


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(instances())
def test_stated_reasons_hold_on_random_instances(data: dict[str, Any]) -> None:
    plan = po.solve(valid(data))
    if not plan.has_plan:
        return
    reasons = left_out(plan)
    assert set(reasons) == {
        i.id for i in plan.instance.initiatives if i.id not in plan.starts
    }
    for ini_id, found in reasons.items():
        _holds(plan, ini_id, found)
