"""Weight stability: hand-solved intervals, and agreement with brute force.

The brute force shares no code with the search: it enumerates every plan of a
tiny instance, reads each plan's score line in one weight from the independent
verifier (its objective with the weight at 0 and at 1), and walks the line
arrangement from the weight as given: between two consecutive crossing points
the optimal lines do not change, so testing one point inside each stretch
decides where a funded set (or the exact plan) stops being optimal.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from random_instances import instances, valid
from tiny_instances import make

import pathway_opt as po

#: The brute force's score tolerance (tiny instances have small exact values).
EPS = 1e-7


def _one_slot(**overrides: Any) -> dict[str, Any]:
    """Two initiatives, one slot: A (TC 4, CU 1) or B (TC 1, CU 3)."""
    data = make(
        periods=["2027"],
        criteria=[{"id": "TC", "weight": 1.0}, {"id": "CU", "weight": 1.0}],
        initiatives=[
            {"id": "A", "scores": {"TC": 4, "CU": 1}},
            {"id": "B", "scores": {"TC": 1, "CU": 3}},
        ],
        rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
    )
    data.update(overrides)
    return data


def _row(result: po.Stability, criterion: str) -> dict[str, Any]:
    rows = result.intervals.set_index("criterion")
    return dict(rows.loc[criterion])


def test_two_initiatives_one_slot_break_where_their_values_are_equal() -> None:
    # A = 4 TC + CU, B = TC + 3 CU. At TC = CU = 1, A (5) beats B (4).
    # TC moves (CU = 1): 4w + 1 = w + 3 at w = 2/3; above, A for ever.
    # CU moves (TC = 1): 4 + w = 1 + 3w at w = 3/2; below, A down to 0.
    result = po.stability(po.instance_from_data(_one_slot()))
    assert result.plan.starts == {"A": "2027"}
    tc, cu = _row(result, "TC"), _row(result, "CU")
    assert tc["low"] == pytest.approx(2 / 3, abs=1e-9) and math.isinf(tc["high"])
    assert (tc["low_enters"], tc["low_leaves"]) == ("B", "A")
    assert tc["high_enters"] == tc["high_leaves"] == ""
    assert cu["low"] == 0.0 and cu["high"] == pytest.approx(1.5, abs=1e-9)
    assert (cu["high_enters"], cu["high_leaves"]) == ("B", "A")
    assert cu["low_enters"] == cu["low_leaves"] == ""
    assert (result.intervals["status"] == "optimal").all()
    # with one period the exact plan's interval is the funded set's
    assert tc["schedule_low"] == tc["low"] and cu["schedule_high"] == cu["high"]
    table = result.file_table()
    assert math.isnan(table.set_index("criterion").loc["TC", "high"])


def test_probabilities_and_other_weights_move_the_breakpoint() -> None:
    # p_A = 0.5, CU weight 2: A = 0.5 (4w + 2) = 2w + 1, B = w + 6; equal at w = 5.
    data = _one_slot(
        criteria=[{"id": "TC", "weight": 6.0}, {"id": "CU", "weight": 2.0}],
    )
    data["initiatives"][0]["success_probability"] = 0.5
    result = po.stability(po.instance_from_data(data), criteria="TC")
    assert list(result.intervals["criterion"]) == ["TC"]
    tc = _row(result, "TC")
    assert tc["weight"] == 6.0 and tc["low"] == pytest.approx(5.0, abs=1e-9)
    assert math.isinf(tc["high"]) and tc["low_enters"] == "B"


def test_an_end_beyond_the_weights_solved_is_left_blank_with_a_message() -> None:
    # B's slope exceeds A's by 1e-6 and A leads by 1e7: B would overtake at
    # w = 1e13, where values pass the 1e12 HiGHS is asked about.
    data = _one_slot()
    data["initiatives"][0]["scores"] = {"TC": 1, "CU": 1e7}
    data["initiatives"][1]["scores"] = {"TC": 1.000001}
    result = po.stability(po.instance_from_data(data), criteria="TC")
    tc = _row(result, "TC")
    assert tc["status"] == "optimal" and math.isinf(tc["high"]) and tc["low"] == 0
    assert any("HiGHS is not asked beyond it" in m for m in result.messages)


def test_judged_weights_move_one_at_a_time() -> None:
    # TC judged 3 times as important as CU: weights 3/4 and 1/4. A = 4 TC + CU,
    # B = TC + 3 CU. TC moves (CU = 1/4): 4w + 1/4 = w + 3/4 at w = 1/6. CU moves
    # (TC = 3/4): 3 + w = 3/4 + 3w at w = 9/8.
    data = _one_slot(
        criteria=[{"id": "TC"}, {"id": "CU"}],
        criteria_comparisons=[{"more": "TC", "less": "CU", "ratio": 3}],
    )
    result = po.stability(po.instance_from_data(data))
    tc, cu = _row(result, "TC"), _row(result, "CU")
    assert tc["weight"] == pytest.approx(0.75) and cu["weight"] == pytest.approx(0.25)
    assert tc["low"] == pytest.approx(1 / 6, abs=1e-9) and math.isinf(tc["high"])
    assert cu["low"] == 0.0 and cu["high"] == pytest.approx(9 / 8, abs=1e-9)


# Two periods, delay_discount 0.5, one slot per period: I (TC 1) and J (CU 1)
# start in different periods; K (TC 0.75, CU x) excludes both. With TC = w and
# CU = 1: {I, J} scores w + 0.5 (I first) or 0.5 w + 1 (J first), K 0.75 w + x.
def _staggered(k_cu: float, weight: float) -> po.Instance:
    slot = {"slot": [1]}
    return po.instance_from_data(
        make(
            criteria=[{"id": "TC", "weight": weight}, {"id": "CU", "weight": 1.0}],
            resources=[{"id": "slot", "capacity": [1, 1]}],
            initiatives=[
                {"id": "I", "scores": {"TC": 1}, "uses": slot},
                {"id": "J", "scores": {"CU": 1}, "uses": slot},
                {"id": "K", "scores": {"TC": 0.75, "CU": k_cu}, "uses": slot},
            ],
            rules=[
                {"kind": "at_most", "count": 1, "members": ["I", "K"]},
                {"kind": "at_most", "count": 1, "members": ["J", "K"]},
            ],
            settings={"delay_discount": 0.5},
        )
    )


def test_start_periods_may_move_inside_the_funded_sets_interval() -> None:
    # K = 0.75 w + 0.6 is never best. At w = 3, I starts first (3.5); below w =
    # 1, J first is better: the exact plan's interval ends at 1, the set's not.
    result = po.stability(_staggered(0.6, 3.0), criteria="TC")
    assert result.plan.starts == {"I": "2027", "J": "2028"}
    tc = _row(result, "TC")
    assert tc["schedule_low"] == pytest.approx(1.0, abs=1e-9)
    assert tc["low"] == 0.0 and tc["low_enters"] == tc["low_leaves"] == ""
    assert math.isinf(tc["high"]) and math.isinf(tc["schedule_high"])


def test_the_interval_is_the_one_around_the_weight_as_given() -> None:
    # K = 0.75 w + 0.85 wins on (0.6, 1.4) only; {I, J} is optimal on [0, 0.6]
    # and on [1.4, inf): the interval is the stretch that holds the weight.
    high_side = _row(po.stability(_staggered(0.85, 3.0), criteria="TC"), "TC")
    assert high_side["low"] == pytest.approx(1.4, abs=1e-9)
    assert math.isinf(high_side["high"])
    assert (high_side["low_enters"], high_side["low_leaves"]) == ("K", "I;J")
    low_side = _row(po.stability(_staggered(0.85, 0.3), criteria="TC"), "TC")
    assert low_side["low"] == 0.0
    assert low_side["high"] == pytest.approx(0.6, abs=1e-9)
    assert (low_side["high_enters"], low_side["high_leaves"]) == ("K", "I;J")


def test_a_tie_with_a_twin_initiative_does_not_end_the_funded_set() -> None:
    # J2 is J's twin (one of them at most). Below w = 1 the plan starting the CU
    # initiative first takes over; HiGHS picks the one with J2, whose line is
    # that of {I, J} with J first: the set {I, J} is still optimal, down to 0.
    data = _staggered(0.6, 3.0).model_dump()
    twin = dict(data["initiatives"][1], id="J2")
    data["initiatives"].insert(1, twin)
    data["rules"] += [
        {"kind": "at_most", "count": 1, "members": ["J", "J2"]},
        {"kind": "at_most", "count": 1, "members": ["J2", "K"]},
    ]
    result = po.stability(po.instance_from_data(data), criteria="TC")
    tc = _row(result, "TC")
    assert tc["schedule_low"] == pytest.approx(1.0, abs=1e-9)
    assert tc["low"] == 0.0 and tc["low_enters"] == tc["low_leaves"] == ""


# -- brute force --------------------------------------------------------------


def _with_weight(inst: po.Instance, criterion: str, weight: float) -> po.Instance:
    criteria = [
        c.model_copy(update={"weight": weight}) if c.id == criterion else c
        for c in inst.criteria
    ]
    return inst.model_copy(update={"criteria": criteria})


def _lines(
    inst: po.Instance, criterion: str
) -> list[tuple[float, float, dict[str, str]]]:
    """Every feasible plan as (intercept, slope, starts), from the verifier."""
    at0, at1 = _with_weight(inst, criterion, 0.0), _with_weight(inst, criterion, 1.0)
    found = []
    for combo in itertools.product(*[[None, *inst.periods] for _ in inst.initiatives]):
        selection = [
            (i.id, p) for i, p in zip(inst.initiatives, combo, strict=True) if p
        ]
        zero = po.verify(at0, selection)
        if zero.ok:
            one = po.verify(at1, selection).objective
            found.append((zero.objective, one - zero.objective, dict(selection)))
    return found


def _points(lines: list[tuple[float, float, dict[str, str]]], w0: float) -> list[float]:
    """0, the weight as given and every crossing of two lines above 0, sorted."""
    shapes = sorted({(round(a, 9), round(b, 9)) for a, b, _ in lines})
    points = {0.0, w0}
    for (a1, b1), (a2, b2) in itertools.combinations(shapes, 2):
        if b1 != b2 and (w := (a1 - a2) / (b2 - b1)) > 0:
            points.add(w)
    return sorted(points)


def _interval(
    lines: list[tuple[float, float, dict[str, str]]],
    points: list[float],
    w0: float,
    chosen: Any,
) -> tuple[float, float]:
    """The stretch around w0 on which a plan ``chosen`` accepts is optimal."""

    def holds(w: float) -> bool:
        best = max(a + b * w for a, b, _ in lines)
        mine = max((a + b * w for a, b, s in lines if chosen(s)), default=-math.inf)
        return mine >= best - EPS

    k = points.index(w0)
    high = math.inf if holds(points[-1] + 1) else points[-1]
    for j in range(k, len(points) - 1):
        if not holds((points[j] + points[j + 1]) / 2):
            high = points[j]
            break
    low = 0.0
    for j in range(k, 0, -1):
        if not holds((points[j - 1] + points[j]) / 2):
            low = points[j]
            break
    return low, high


def _close(got: float, want: float) -> bool:
    if math.isinf(want):
        return math.isinf(got)
    return abs(got - want) <= 1e-6 * max(1.0, abs(want))


def _sets_just_beyond(
    lines: list[tuple[float, float, dict[str, str]]],
    points: list[float],
    end: float,
    d: int,
) -> set[frozenset[str]]:
    """Funded sets optimal inside the stretch just beyond ``end`` on side ``d``."""
    beyond = [p for p in points if d * (p - end) > 1e-9]
    nearest = (beyond[0] if d > 0 else beyond[-1]) if beyond else end + 2
    w = (end + nearest) / 2
    best = max(a + b * w for a, b, _ in lines)
    return {frozenset(s) for a, b, s in lines if a + b * w >= best - EPS}


def _assert_matches(inst: po.Instance) -> None:
    result = po.stability(inst)
    if result.plan.status != po.Status.OPTIMAL:
        assert result.intervals.empty
        assert not _lines(inst, inst.criteria[0].id)
        return
    assert (result.intervals["status"] == "optimal").all(), result.messages
    funded = frozenset(result.plan.starts)
    exact = result.plan.starts
    for row in result.intervals.to_dict("records"):
        criterion, w0 = row["criterion"], row["weight"]
        lines = _lines(inst, criterion)
        points = _points(lines, w0)
        low, high = _interval(lines, points, w0, lambda s: frozenset(s) == funded)
        assert _close(row["low"], low) and _close(row["high"], high), (row, low, high)
        s_low, s_high = _interval(lines, points, w0, lambda s: s == exact)
        assert _close(row["schedule_low"], s_low), (row, s_low)
        assert _close(row["schedule_high"], s_high), (row, s_high)
        # the plan reported beyond each end is one that is optimal there
        for side, d in (("low", -1), ("high", 1)):
            end = row[side]
            enters = set(filter(None, row[f"{side}_enters"].split(";")))
            leaves = set(filter(None, row[f"{side}_leaves"].split(";")))
            if math.isinf(end) or (d < 0 and end == 0):
                assert not enters and not leaves
                continue
            taker = frozenset((funded | enters) - leaves)
            optimal = _sets_just_beyond(lines, points, end, d)
            assert taker in optimal and taker != funded, (row, optimal)


@st.composite
def trade_offs(draw: st.DrawFn, staggered: bool = False) -> po.Instance:
    """Tiny instances where the criteria pull apart and a budget and slots bind.

    TC and CU scores add up to about 9, so raising one weight favours other
    initiatives; with two periods, one slot and a discount, start periods
    matter too (always with ``staggered``: two periods, one slot, a discount);
    a twin initiative makes two funded sets tie.
    """
    n_periods = 2 if staggered else draw(st.integers(1, 2))
    periods = ["2027", "2028"][:n_periods]
    n = draw(st.integers(2, 5))
    initiatives = []
    for k in range(n):
        tc = draw(st.integers(0, 9))
        initiatives.append(
            {
                "id": f"I{k}",
                "scores": {"TC": tc, "CU": max(0, 9 - tc - draw(st.integers(0, 3)))},
                "success_probability": draw(st.sampled_from([0.5, 0.8, 1.0])),
                "cost": draw(
                    st.lists(st.integers(1, 10), min_size=1, max_size=n_periods)
                ),
                "uses": {"slot": [1]},
                "decision": draw(st.sampled_from(["optional"] * 6 + ["must", "never"])),
            }
        )
    if draw(st.booleans()):  # a twin: ties between funded sets
        initiatives[1] = dict(initiatives[0], id="I1")
    rules: list[dict[str, Any]] = []
    if draw(st.booleans()):
        bonus = draw(st.sampled_from([-3, 2]))
        rules.append({"kind": "synergy", "members": ["I0", "I1"], "bonus": bonus})
    if n >= 3 and draw(st.booleans()):
        lag = draw(st.integers(0, 1))
        rules.append({"kind": "requires", "initiative": "I2", "on": ["I0"], "lag": lag})
    limit = draw(st.integers(4, 12))
    slots = 1 if staggered else draw(st.integers(1, 2))
    discounts = [0.9, 0.5] if staggered else [1.0, 0.9, 0.5]
    data = make(
        periods=periods,
        criteria=[
            {"id": "TC", "weight": draw(st.sampled_from([0.5, 1.0, 2.0]))},
            {"id": "CU", "weight": draw(st.sampled_from([0.25, 1.0]))},
        ],
        budgets=[
            {
                "id": "central",
                "limits": [limit] * n_periods,
                "carry_over": draw(st.booleans()),
            }
        ],
        resources=[{"id": "slot", "capacity": [slots] * n_periods}],
        initiatives=initiatives,
        rules=rules,
        settings={"delay_discount": draw(st.sampled_from(discounts))},
    )
    try:
        return po.instance_from_data(data)
    except po.InputError:  # e.g. a profile longer than the horizon allows
        return po.instance_from_data(make(initiatives=[{"id": "X"}]))


@hyp_settings(max_examples=40, deadline=None)
@given(trade_offs())
def test_intervals_equal_brute_force_where_criteria_pull_apart(
    inst: po.Instance,
) -> None:
    _assert_matches(inst)


@hyp_settings(max_examples=40, deadline=None)
@given(trade_offs(staggered=True))
def test_intervals_equal_brute_force_where_start_periods_matter(
    inst: po.Instance,
) -> None:
    _assert_matches(inst)


@hyp_settings(max_examples=20, deadline=None)
@given(instances())
def test_intervals_equal_brute_force_with_every_rule_kind(data: dict[str, Any]) -> None:
    _assert_matches(valid(data))


# -- the result and misuse ------------------------------------------------------


def test_the_result_shows_in_one_line_and_as_a_notebook_table() -> None:
    result = po.stability(po.instance_from_data(_one_slot()))
    line = repr(result)
    assert "\n" not in line and len(line) < 100
    assert "2 weight(s) around a plan optimal at 5.0000" in line and "solves" in line
    page = result._repr_html_()
    assert "Weight stability" in page and "<td>TC</td>" in page
    assert result.solves == 1 + int(result.intervals["solves"].sum())
    assert list(result.intervals.columns)[:4] == ["criterion", "weight", "low", "high"]
    assert result.exit_code == 0


def test_progress_is_reported_per_criterion() -> None:
    seen: list[tuple[int, int]] = []
    po.stability(
        po.instance_from_data(_one_slot()), progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_no_proven_plan_gives_no_intervals() -> None:
    data = _one_slot()
    for ini in data["initiatives"]:
        ini["decision"] = "must"
    result = po.stability(po.instance_from_data(data))
    assert result.plan.status == po.Status.INFEASIBLE and result.intervals.empty
    assert result.exit_code == 3 and "proven optimal plan" in result.messages[0]


def _problem(call: Any) -> po.Problem:
    with pytest.raises(po.InputError) as caught:
        call()
    text = str(caught.value)
    assert "pydantic" not in text and "--" not in text
    (problem,) = caught.value.problems
    return problem


def test_misuse_names_the_argument_and_the_valid_values() -> None:
    inst = po.instance_from_data(_one_slot())
    problem = _problem(lambda: po.stability(inst, criteria=["XX"]))
    assert problem.path == "criteria" and '"TC", "CU"' in problem.message
    assert _problem(lambda: po.stability(inst, criteria=[])).path == "criteria"
    assert _problem(lambda: po.stability(inst, criteria=[3])).path == "criteria"
    for bad in (0, -1, 0.5, "x", True):
        assert _problem(lambda b=bad: po.stability(inst, tolerance=b)).path == (
            "tolerance"
        )
    assert _problem(lambda: po.stability(inst, threads=0)).path == "threads"


def test_an_unproven_re_solve_leaves_that_criterions_ends_blank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pathway_opt.whatif import weight_lines

    real = weight_lines.Probe.at
    calls = [0]

    def limited(self: weight_lines.Probe, weight: float) -> weight_lines.Line:
        calls[0] += 1
        if calls[0] == 2:  # as if the time limit stopped this re-solve
            plan = dataclasses.replace(
                self.session.solve(), status=po.Status.FEASIBLE, messages=["limit"]
            )
            raise weight_lines.Unproven(plan, weight)
        return real(self, weight)

    monkeypatch.setattr(weight_lines.Probe, "at", limited)
    result = po.stability(po.instance_from_data(_one_slot()))
    tc, cu = _row(result, "TC"), _row(result, "CU")
    assert tc["status"] == "feasible" and math.isnan(tc["low"])
    assert cu["status"] == "optimal" and cu["high"] == pytest.approx(1.5)
    assert result.exit_code == 4 and 'criterion "TC"' in result.messages[0]
    # the next criterion started from the weights as given
    assert cu["weight"] == 1.0 and result.plan.starts == {"A": "2027"}
