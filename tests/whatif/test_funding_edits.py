"""Session edits of funding-source choice and variants against brute force.

One period, two budgets (central and gov): for a set of versions, a split of
their costs exists exactly when the gov part X (each funded version pays
between ``c (1 - cap_central)`` and ``c cap_gov`` from gov) can keep both
budgets within their limits; the brute force enumerates every choice of
version per initiative (none, the base, a variant) and checks that interval.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from tiny_instances import make

import pathway_opt as po
from pathway_opt.schema.instance import Instance
from pathway_opt.whatif.uncertainty import sampled_instance, uncertain_parameters

LIMITS = {"central": 6.0, "gov": 6.0}


def _data() -> dict[str, Any]:
    """L1 (lab, 5, cost 6, gov at most half; or lite: 3, cost 3), L2 (lab, 4,
    cost 5, gov at most 0.9), C (course, 2.5, cost 2 on central).

    Optimum 9.5: lite + L2 + C (cost 10; central 2 + 8 - X <= 6 needs gov
    X >= 4, and X <= 1.5 + 4.5); L1 + L2 scores 9 and cannot add C.
    """
    return make(
        periods=["2027"],
        budgets=[
            {"id": "central", "limits": [LIMITS["central"]]},
            {"id": "gov", "limits": [LIMITS["gov"]], "eligible": {"type": "joint_lab"}},
        ],
        initiatives=[
            {
                "id": "L1", "type": "joint_lab", "scores": {"TC": 5}, "cost": [6],
                "funded_by": ["central", "gov"], "max_share": {"gov": 0.5},
                "variants": [{"id": "lite", "cost": [3], "scores": {"TC": 3}}],
            },
            {
                "id": "L2", "type": "joint_lab", "scores": {"TC": 4}, "cost": [5],
                "funded_by": ["central", "gov"], "max_share": {"gov": 0.9},
            },
            {
                "id": "C", "type": "co_taught_course", "scores": {"TC": 2.5},
                "cost": {"central": [2]},
            },
        ],
    )  # fmt: skip


def _gov_range(version: Any) -> tuple[float, float, float, float]:
    """(central fixed, gov fixed, gov low, gov high) a version pays."""
    cost = version.cost
    if version.funded_by is None:
        return float(cost.get("central", [0])[0]), float(cost.get("gov", [0])[0]), 0, 0
    c = float(cost[0])
    caps = {b: version.max_share.get(b, 1.0) for b in version.funded_by}
    low = c * (1 - caps.get("central", 0.0))
    high = c * caps.get("gov", 0.0)
    return 0.0, 0.0, low, high


def _brute(inst: Instance) -> float:
    """Best total score over every choice of version per initiative."""
    options = [[None, *ini.versions] for ini in inst.initiatives]
    best = -math.inf
    for choice in itertools.product(*options):
        chosen = [v for _, v in (c for c in choice if c is not None)]
        fixed_c = fixed_g = low = high = funded = 0.0
        for version in chosen:
            fc, fg, lo, hi = _gov_range(version)
            fixed_c, fixed_g, low, high = (
                fixed_c + fc,
                fixed_g + fg,
                low + lo,
                high + hi,
            )
            if version.funded_by is not None:
                funded += float(version.cost[0])
        # central pays fixed_c + funded - X, gov pays fixed_g + X
        least = max(low, fixed_c + funded - LIMITS["central"])
        most = min(high, LIMITS["gov"] - fixed_g)
        if least > most + 1e-9:
            continue
        best = max(best, sum(v.scores["TC"] for v in chosen))
    return best


def _dump(inst: Instance) -> list[dict[str, Any]]:
    """The initiatives as data (two equal initiatives may not compare with ==)."""
    return [i.model_dump() for i in inst.initiatives]


def _agree(session: po.Session) -> po.Plan:
    plan = session.solve()
    assert plan.verified
    assert plan.objective == pytest.approx(_brute(session.instance))
    assert plan.objective == pytest.approx(po.solve(session.instance).objective)
    held = session.solver.held_matrix().toarray()
    assert np.allclose(held, session.form.stacked()[0].toarray())
    return plan


def test_the_base_case_is_hand_solved() -> None:
    plan = po.solve(po.instance_from_data(_data()))
    assert plan.objective == pytest.approx(9.5)
    assert plan.variants == {"L1": "lite"} and sorted(plan.starts) == ["C", "L1", "L2"]


def test_max_share_edits_are_data_while_the_caps_stay_below_one() -> None:
    session = po.Session(po.instance_from_data(_data()))
    assert _agree(session).objective == pytest.approx(9.5)
    session.set_max_share("L2", "gov", 0.4)  # X <= 1.5 + 2 < 4: no lite + L2 + C
    assert session.rebuilds == 0
    plan = _agree(session)
    assert plan.objective == pytest.approx(9.0)  # L1 + L2: X = 5 = 3 + 2
    session.set_max_share("L1", "gov", 0.2)  # L1 + L2 needs X >= 5 > 1.2 + 2
    assert session.rebuilds == 0
    plan = _agree(session)
    assert plan.objective < 9.0
    session.set_max_share("L1", "gov", 0.3, variant="lite")  # lite had L1's cap
    assert session.rebuilds == 0
    _agree(session)
    session.set_max_share("L1", "central", 0.9, variant="lite")  # a new cap row
    assert session.rebuilds == 1
    _agree(session)
    session.set_max_share("L1", "central", 0.8, variant="lite")  # the row exists
    assert session.rebuilds == 1
    _agree(session)
    session.set_max_share("L2", "gov", 1.0)  # no cap: its row goes
    assert session.rebuilds == 2
    _agree(session)
    assert session.instance.initiatives[1].max_share == {"gov": 1.0}
    session.reset()
    assert _agree(session).objective == pytest.approx(9.5)


def test_eligibility_narrowed_and_restored() -> None:
    session = po.Session(po.instance_from_data(_data()))
    session.set_eligible("gov", {"type": "industrial_college"})
    assert session.rebuilds == 1  # the labs lose gov: other fund columns
    labs = session.instance.initiatives[:2]
    assert [i.funded_by for i in labs] == [["central"], ["central"]]
    assert [i.max_share for i in labs] == [{}, {}]
    plan = _agree(session)
    assert plan.objective == pytest.approx(5.5)  # central 6 only: lite + C
    session.set_eligible("gov", {"type": "industrial_college"})  # nothing moves
    assert session.rebuilds == 1
    session.set_eligible("gov", None)
    assert session.rebuilds == 2
    assert _dump(session.instance) == _dump(session.base)
    assert _agree(session).objective == pytest.approx(9.5)


def test_a_budget_given_back_brings_its_unedited_cap() -> None:
    session = po.Session(po.instance_from_data(_data()))
    session.set_max_share("L2", "gov", 0.4)
    session.set_eligible("gov", {"department": "none"})
    session.set_eligible("gov", {"type": "joint_lab"})
    # gov comes back to L2 with the cap the unedited instance gives it
    assert session.instance.initiatives[1].max_share == {"gov": 0.9}
    assert _agree(session).objective == pytest.approx(9.5)


def test_a_variant_switched_off_and_on() -> None:
    session = po.Session(po.instance_from_data(_data()))
    session.variant_off("L1", "lite")
    assert session.rebuilds == 1
    plan = _agree(session)
    assert plan.objective == pytest.approx(9.0) and plan.variants == {}
    session.variant_off("L1", "lite")  # off already: no change, no rebuild
    assert session.rebuilds == 1
    session.variant_on("L1", "lite")
    assert session.rebuilds == 2
    assert _dump(session.instance) == _dump(session.base)
    assert _agree(session).objective == pytest.approx(9.5)


def test_a_score_edit_reaches_the_variants() -> None:
    """A copied initiative must not keep its old versions (cached)."""
    session = po.Session(po.instance_from_data(_data()))
    session.solve()
    session.set_score("L1", "TC", 1)  # lite keeps its own score 3; L1 now 1
    plan = _agree(session)
    assert plan.objective == pytest.approx(9.5)
    session.set_max_share("L2", "gov", 0.4)
    assert _agree(session).objective == pytest.approx(_brute(session.instance))


def test_scenario_data_takes_the_same_edits() -> None:
    base = po.instance_from_data(_data())
    scenario = po.Scenario(
        name="no gov for labs, no lite",
        edits=[
            {"op": "set_max_share", "initiative": "L2", "budget": "gov", "share": 0.5},
            {"op": "set_eligible", "budget": "gov", "eligible": {"type": "x"}},
            {"op": "variant_on", "initiative": "L1", "variant": "lite"},
            {"op": "variant_off", "initiative": "L1", "variant": "lite"},
        ],
    )
    edited = scenario.apply(base)
    session = po.Session(base)
    session.apply_scenario(scenario)
    assert _dump(session.instance) == _dump(edited)
    assert _agree(session).objective == pytest.approx(_brute(edited))
    assert _brute(edited) == pytest.approx(5.0)  # L1 on central alone


@pytest.mark.parametrize(
    ("edit", "path", "words"),
    [
        (
            {"op": "set_max_share", "initiative": "C", "budget": "central"}
            | {"share": 0.5},
            "initiative",
            "has no funded_by",
        ),
        (
            {"op": "set_max_share", "initiative": "L1", "budget": "partner"}
            | {"share": 0.5},
            "budget",
            'its budgets are "central", "gov"',
        ),
        (
            {"op": "set_max_share", "initiative": "L1", "budget": "gov"}
            | {"share": 1.5},
            "share",
            "at most 1",
        ),
        (
            {"op": "set_max_share", "initiative": "L1", "budget": "central"}
            | {"share": 0.4},
            "share",
            "add up to 0.9, less than 1",
        ),
        (
            {"op": "set_max_share", "initiative": "L1", "budget": "gov"}
            | {"share": 0.5, "variant": "max"},
            "variant",
            'the variants are "lite"',
        ),
        (
            {"op": "set_eligible", "budget": "central"}
            | {"eligible": {"type": "joint_lab"}},
            "eligible",
            'budget "central" may not fund "C"',
        ),
        (
            {"op": "set_eligible", "budget": "gov", "eligible": {"colour": "red"}},
            "eligible.colour",
            "its fields are type, department, partner",
        ),
        (
            {"op": "set_eligible", "budget": "gold", "eligible": None},
            "budget",
            'the budgets are "central", "gov"',
        ),
        (
            {"op": "variant_off", "initiative": "L2", "variant": "lite"},
            "variant",
            "the variants are none",
        ),
        (
            {"op": "variant_on", "initiative": "L9", "variant": "lite"},
            "initiative",
            '"L1", "L2", "C"',
        ),
    ],
)
def test_bad_funding_edits_name_the_field(
    edit: dict[str, Any], path: str, words: str
) -> None:
    session = po.Session(po.instance_from_data(_data()))
    with pytest.raises(po.InputError) as caught:
        session.apply(edit)
    (problem,) = caught.value.problems
    assert problem.path == path
    assert words in problem.message
    assert "pydantic" not in str(caught.value)
    assert session.edits == [] and session.rebuilds == 0


def test_eligibility_that_would_leave_no_budget_is_refused() -> None:
    data = _data()
    data["initiatives"][1]["funded_by"] = ["gov"]
    data["initiatives"][1]["max_share"] = {}
    session = po.Session(po.instance_from_data(data))
    with pytest.raises(po.InputError) as caught:
        session.set_eligible("gov", {"type": "co_taught_course"})
    (problem,) = caught.value.problems
    assert problem.path == "eligible"
    assert "L2" in problem.message or "initiatives[1]" in problem.message


def test_warm_starts_carry_the_variant_and_survive_its_removal() -> None:
    session = po.Session(po.instance_from_data(_data()))
    assert session.solve().variants == {"L1": "lite"}
    session.set_score("C", "TC", 2.0)  # lite + L2 + C (9) ties L1 + L2 (9)
    plan = session.solve(warm_start=True)
    assert plan.warm_started and plan.verified  # the last plan, lite and all
    assert plan.objective == pytest.approx(_brute(session.instance))
    session.variant_off("L1", "lite")  # the last plan runs lite: no warm start
    plan = session.solve(warm_start=True)
    assert not plan.warm_started and plan.verified
    assert plan.objective == pytest.approx(_brute(session.instance))


def test_a_sampled_instance_reaches_the_variants() -> None:
    """Robust samples copy initiatives too: a variant that keeps the base's
    success probability must run with the sampled one."""
    data = _data()
    data["initiatives"][0]["uncertainty"] = {"success_probability": [0.2, 1.0]}
    inst = po.instance_from_data(data)
    assert len(inst.initiatives[0].versions) == 2  # cached before the sample
    params = uncertain_parameters(inst)
    (k,) = [n for n, p in enumerate(params) if p.kind == "success_probability"]
    values = [0.5 if n == k else 1.0 for n in range(len(params))]
    sample = sampled_instance(inst, params, values)
    lite = sample.initiatives[0].versions[1][1]
    assert lite.success_probability == 0.5
