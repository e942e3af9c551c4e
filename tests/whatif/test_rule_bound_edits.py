"""The Session's `set_rule_bound` edit on spend_share and average rules.

Every re-solve is checked against brute-force enumeration of the edited rules;
a bound the rule already has is data (no rebuild), a new one adds a row.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from tiny_instances import make

import pathway_opt as po

#: id -> (type, score TC, cost); one period, budget 10, every start in 2027.
ITEMS = {
    "L1": ("joint_lab", 9, 4),
    "L2": ("joint_lab", 5, 3),
    "L3": ("joint_lab", 2, 2),
    "C1": ("co_taught_course", 4, 2),
    "C2": ("co_taught_course", 3, 3),
    "C3": ("co_taught_course", 1, 1),
}
LIMIT = 10


def _data() -> dict[str, Any]:
    return make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [LIMIT]}],
        initiatives=[
            {"id": i, "type": t, "scores": {"TC": s}, "cost": [c]}
            for i, (t, s, c) in ITEMS.items()
        ],
        rules=[
            {"kind": "at_most", "count": 3, "where": {"type": "joint_lab"}},
            {
                "kind": "spend_share",
                "where": {"type": "co_taught_course"},
                "at_least": 0,
            },
            {"kind": "average", "field": "score:TC", "where": {"type": "joint_lab"}}
            | {"at_most": 9},
        ],
    )


def _brute(bounds: dict[int, tuple[float | None, float | None]]) -> float:
    """Best total score over all subsets under the budget and the rules' bounds.

    ``bounds``: rule number (2 spend share of courses, 3 mean lab score) ->
    (at_least, at_most).
    """
    best = -math.inf
    for size in range(len(ITEMS) + 1):
        for chosen in itertools.combinations(ITEMS, size):
            spend = sum(ITEMS[i][2] for i in chosen)
            if spend > LIMIT:
                continue
            courses = sum(ITEMS[i][2] for i in chosen if i.startswith("C"))
            labs = [ITEMS[i][1] for i in chosen if i.startswith("L")]
            share = courses / spend if spend else None
            mean = sum(labs) / len(labs) if labs else None
            if not all(
                _within(value, *bounds[k]) for k, value in ((2, share), (3, mean))
            ):
                continue
            best = max(best, sum(ITEMS[i][1] for i in chosen))
    return best


def _within(value: float | None, low: float | None, high: float | None) -> bool:
    if value is None:  # nothing counted: the rule holds
        return True
    eps = 1e-9
    return (low is None or value >= low - eps) and (high is None or value <= high + eps)


def _held_equals_form(session: po.Session) -> None:
    held = session.solver.held_matrix().toarray()
    assert np.allclose(held, session.form.stacked()[0].toarray())


def test_bound_edits_match_brute_force_without_a_rebuild() -> None:
    session = po.Session(po.instance_from_data(_data()))
    bounds: dict[int, tuple[float | None, float | None]] = {2: (0, None), 3: (None, 9)}
    first = session.solve()
    assert first.verified and first.objective == pytest.approx(_brute(bounds))
    assert first.objective == pytest.approx(19)  # L1 L2 C1 C3: courses 3/10
    steps = [(2, 0.5, None), (2, 0.7, None), (3, None, 4), (2, 0.0, None)]
    steps += [(3, None, 9), (3, None, 5.5)]
    objectives = []
    for rule, low, high in steps:
        session.set_rule_bound(rule, at_least=low, at_most=high)
        old = bounds[rule]
        bounds[rule] = (
            old[0] if low is None else low,
            old[1] if high is None else high,
        )
        assert session.rebuilds == 0
        _held_equals_form(session)
        plan = session.solve()
        assert plan.verified
        assert plan.objective == pytest.approx(_brute(bounds)), (rule, low, high)
        objectives.append(plan.objective)
    # At least half the spend on courses binds: L1 C1 C2 C3 (17), not 19.
    assert objectives[0] == pytest.approx(17)
    assert session.instance.rules[1].at_least == 0.0
    assert session.instance.rules[2].at_most == 5.5
    assert session.base.rules[2].at_most == 9  # the base is not edited


def test_a_new_bound_rebuilds_once_and_reset_restores_the_base() -> None:
    session = po.Session(po.instance_from_data(_data()))
    first = session.solve()
    session.set_rule_bound(2, at_most=0.3)  # the spend share had no at_most row
    assert session.rebuilds == 1
    bounds: dict[int, tuple[float | None, float | None]] = {
        2: (0, 0.3),
        3: (None, 9),
    }
    plan = session.solve()
    assert plan.verified and plan.objective == pytest.approx(_brute(bounds))
    session.set_rule_bound(2, at_most=0.1)  # the row exists now: data only
    assert session.rebuilds == 1
    bounds[2] = (0, 0.1)
    assert session.solve().objective == pytest.approx(_brute(bounds))
    session.set_min_use("central", 0.5)  # a first min_use still rebuilds
    assert session.rebuilds == 2
    session.set_min_use("central", 0.6)  # after a rule edit: no rebuild
    assert session.rebuilds == 2
    session.reset()  # the rebuilt form has a row the base has not
    assert session.rebuilds == 3
    again = session.solve()
    assert again.verified and again.objective == pytest.approx(first.objective)


def test_min_use_after_a_rule_edit_needs_no_rebuild() -> None:
    data = _data()
    data["budgets"][0]["min_use"] = 0.0
    session = po.Session(po.instance_from_data(data))
    session.set_rule_bound(2, at_least=0.5)
    session.set_min_use("central", 1.0)  # spend exactly 10, courses >= 5
    assert session.rebuilds == 0
    plan = session.solve()
    assert plan.verified and plan.objective == pytest.approx(17)  # L1 C1 C2 C3
    assert plan.objective == pytest.approx(po.solve(session.instance).objective)


def test_scenario_data_takes_the_same_edit() -> None:
    base = po.instance_from_data(_data())
    scenario = po.Scenario(
        name="courses half",
        edits=[{"op": "set_rule_bound", "rule": 2, "at_least": 0.5}],
    )
    edited = scenario.apply(base)
    assert edited.rules[1].at_least == 0.5
    session = po.Session(base)
    session.apply_scenario({"name": "courses half", "edits": scenario.edits})
    assert session.instance == edited
    plan = po.solve(edited)
    assert plan.verified and plan.objective == pytest.approx(17)


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        ({"rule": 1, "at_least": 0.5}, "rule", "at_most rule, which has no share"),
        ({"rule": 9, "at_least": 0.5}, "rule", "there is no rule 9"),
        (
            {"rule": 0, "at_least": 0.5},
            "rule",
            "spend_share and average rules are 2, 3",
        ),
        ({"rule": "2", "at_least": 0.5}, "rule", "spend_share and average rules are 2"),
        ({"rule": 2, "at_least": 1.5}, "at_least", "fraction from 0 to 1"),
        ({"rule": 2, "at_most": -0.1}, "at_most", "fraction from 0 to 1"),
        ({"rule": 2, "at_least": float("nan")}, "at_least", "finite"),
        ({"rule": 2}, "at_least", "give at_least, at_most or both"),
        ({"rule": 3, "at_least": 9.5}, "at_least", "above at_most 9"),
        ({"rule": 3, "at_least": 2, "at_most": 1}, "at_least", "above at_most 1"),
        ({"rule": 3, "at_lest": 2}, "at_lest", "fields are rule, at_least, at_most"),
    ],
)
def test_bad_bounds_name_the_field(edit: dict[str, Any], path: str, words: str) -> None:
    session = po.Session(po.instance_from_data(_data()))
    with pytest.raises(po.InputError) as caught:
        session.apply({"op": "set_rule_bound"} | edit)
    (problem,) = caught.value.problems
    assert problem.path == path
    assert words in problem.message
    assert "pydantic" not in str(caught.value)
    assert session.edits == [] and session.rebuilds == 0


def test_the_named_method_refuses_a_share_above_one() -> None:
    session = po.Session(po.instance_from_data(_data()))
    with pytest.raises(po.InputError, match="at_most"):
        session.set_rule_bound(2, at_most=1.2)
    assert session.instance == session.base
