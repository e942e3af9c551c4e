"""Alternative plans against enumeration: every plan of a tiny instance is checked.

Each plan of a tiny instance (every initiative: not funded, or started in one of
its periods) is verified by the independent verifier; the feasible ones with
their scores and funded sets are the oracle. The k-th alternative must score
what the best enumerated plan does among those within F of the optimum that
differ from the optimum and from the alternatives before it in at least D
funded initiatives; when the search stops early, no such plan may exist.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import pytest
from hypothesis import assume, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from random_instances import instances, valid
from tiny_instances import make

import pathway_opt as po


class Enumerated(NamedTuple):
    funded: frozenset[str]
    score: float


def enumerate_plans(inst: po.Instance) -> list[Enumerated]:
    """Every feasible plan: its funded set and verified score."""
    found = []
    for combo in itertools.product([None, *inst.periods], repeat=len(inst.initiatives)):
        selection = [
            (i.id, p) for i, p in zip(inst.initiatives, combo, strict=True) if p
        ]
        check = po.verify(inst, selection)
        if check.ok:
            found.append(
                Enumerated(frozenset(i for i, _ in selection), check.objective)
            )
    return found


#: Scores this close to the threshold are left out of the comparison: HiGHS
#: meets the score cut within its tolerance, so either answer would be right.
BORDER = (1e-7, 1e-5)


def _allowed(
    plans: list[Enumerated], threshold: float, earlier: list[frozenset[str]], d: int
) -> list[Enumerated]:
    return [
        p
        for p in plans
        if p.score >= threshold - BORDER[0]
        and all(len(p.funded ^ e) >= d for e in earlier)
    ]


def assert_matches_enumeration(
    inst: po.Instance, count: int, within: float, d: int
) -> po.Alternatives:
    plans = enumerate_plans(inst)
    result = po.alternatives(inst, count=count, within=within, min_difference=d)
    if not plans:
        assert result.optimum.status == po.Status.INFEASIBLE and not result.plans
        return result
    best = max(p.score for p in plans)
    assert result.optimum.status == po.Status.OPTIMAL
    assert result.optimum.objective == pytest.approx(best, abs=1e-6)
    threshold = best - within * abs(best)
    assert result.threshold == pytest.approx(threshold, abs=1e-9)
    assume(not any(threshold - BORDER[1] < p.score < threshold - BORDER[0]
                   for p in plans))  # fmt: skip
    earlier = [frozenset(result.optimum.starts)]
    for plan in result.plans:
        allowed = _allowed(plans, threshold, earlier, d)
        assert allowed, "an alternative where enumeration finds none"
        assert plan.status == po.Status.OPTIMAL and plan.verified
        assert plan.objective == pytest.approx(max(p.score for p in allowed), abs=1e-6)
        funded = frozenset(plan.starts)
        assert plan.objective >= threshold - 1e-6  # within F
        assert all(len(funded ^ e) >= d for e in earlier)  # D apart, pairwise
        earlier.append(funded)
    if len(result.plans) < count:
        assert not _allowed(plans, threshold, earlier, d), result.messages
        assert result.messages
    assert not result.failed, result.messages  # no plan broke the search's terms
    scores = [p.objective for p in result.plans]
    assert scores == sorted(scores, reverse=True)  # best first
    return result


@hyp_settings(max_examples=40)
@given(
    data=instances(),
    count=st.integers(1, 3),
    within=st.sampled_from([0.0, 0.1, 0.3, 0.6]),
    d=st.integers(1, 3),
)
def test_alternatives_match_enumeration(
    data: dict[str, Any], count: int, within: float, d: int
) -> None:
    assert_matches_enumeration(valid(data), count, within, d)


# -- hand-solved ---------------------------------------------------------------

#: Budget 10: A (3, costs 6), B (2, costs 6), C (1, costs 3). Plans: AC 4, A 3,
#: BC 3, B 2, C 1, none 0 (AB costs 12).
KNAPSACK = po.instance_from_data(
    make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            {"id": "A", "scores": {"TC": 3}, "cost": [6]},
            {"id": "B", "scores": {"TC": 2}, "cost": [6]},
            {"id": "C", "scores": {"TC": 1}, "cost": [3]},
        ],
    )
)


def test_hand_solved_knapsack_one_apart() -> None:
    # within 40%: at least 2.4; A and BC (3 each) qualify, B (2) does not
    result = po.alternatives(KNAPSACK, count=3, within=0.4, min_difference=1)
    assert result.optimum.starts == {"A": "2027", "C": "2027"}
    assert [p.objective for p in result.plans] == pytest.approx([3, 3])
    assert {frozenset(p.starts) for p in result.plans} == {
        frozenset("A"),
        frozenset("BC"),
    }
    (message,) = result.messages
    assert message.startswith("only 2 plan(s) within 40% of the optimum")
    assert "(asked for 3)" in message
    # the best plan apart from all three at any score is B: 2, loss 2 = 50 %
    assert "scores 2.0000" in message and "within 0.5 or more" in message
    table = result.table
    assert table["loss"].tolist() == pytest.approx([1, 1])
    assert table["loss_share"].tolist() == pytest.approx([0.25, 0.25])
    assert result.exit_code == 0 and len(result.plans) == 2


def test_hand_solved_knapsack_two_apart_is_the_only_plan_two_away() -> None:
    # two apart from AC: BC (3), B (2), none (0); A and C are one apart
    result = po.alternatives(KNAPSACK, count=1, within=0.3, min_difference=2)
    (plan,) = result.plans
    assert plan.starts == {"B": "2027", "C": "2027"}
    row = result.table.iloc[0]
    assert (row["adds"], row["drops"], row["differs"]) == ("B", "A", 2)
    assert row["score"] == pytest.approx(3) and row["loss"] == pytest.approx(1)


def test_within_zero_gives_ties_only() -> None:
    # AC is the only plan scoring 4: no tie exists
    result = po.alternatives(KNAPSACK, count=2, within=0.0)
    assert result.plans == []
    assert result.messages[0].startswith("no plan within 0% of the optimum")


def test_a_zero_optimum_allows_plans_scoring_zero() -> None:
    zero = po.instance_from_data(
        make(initiatives=[{"id": "A", "scores": {"TC": 0}},
                          {"id": "B", "scores": {"TC": 0}}])
    )  # fmt: skip
    result = po.alternatives(zero, count=5, within=0.5)
    assert result.optimum.objective == 0 and result.threshold == 0
    assert len(result.plans) == 3  # 4 funded sets, the optimum's among them
    assert any("scores 0" in m for m in result.messages)


def test_fixed_decisions_leave_too_few_to_change() -> None:
    fixed = po.instance_from_data(
        make(
            initiatives=[
                {"id": "A", "scores": {"TC": 1}, "decision": "must"},
                {"id": "B", "scores": {"TC": 1}, "decision": "never"},
                {"id": "C", "scores": {"TC": 1}},
            ]
        )
    )
    result = po.alternatives(fixed, count=2, within=0.9, min_difference=2)
    assert result.plans == [] and result.solves == 1
    assert "only 1 initiative(s) can be funded" in result.messages[0]
    one = po.alternatives(fixed, count=2, within=0.9, min_difference=1)
    assert [set(p.starts) for p in one.plans] == [{"A"}]


def test_a_limited_solve_is_feasible_never_optimal() -> None:
    # one branch-and-bound node on the provincial example: plans, not proven
    from repo_paths import INSTANCES

    result = po.alternatives(
        INSTANCES / "provincial_applied_university.json",
        po.SolveSettings(node_limit=1),
        count=1,
        within=0.05,
        min_difference=2,
    )
    (plan,) = result.plans
    assert plan.status == po.Status.FEASIBLE and plan.verified
    assert plan.gap is not None and plan.gap > 0
    assert any("not proven best" in m for m in result.messages)
    assert len(set(plan.starts) ^ set(result.optimum.starts)) >= 2


def test_an_infeasible_instance_has_no_alternatives() -> None:
    broken = po.instance_from_data(
        make(
            initiatives=[
                {"id": "A", "scores": {"TC": 1}, "decision": "must"},
                {"id": "B", "scores": {"TC": 1}, "decision": "must"},
            ],
            rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
        )
    )
    result = po.alternatives(broken)
    assert result.optimum.status == po.Status.INFEASIBLE
    assert result.exit_code == 3 and result.plans == []


def test_keyword_options_reach_every_plan() -> None:
    result = po.alternatives(
        KNAPSACK, count=2, within=0.4, time_limit=60.0, threads=1, mip_gap=0.25
    )
    for plan in [result.optimum, *result.plans]:
        wanted = (60.0, 1, 0.25)
        got = tuple(plan.settings[k] for k in ("time_limit", "threads", "mip_rel_gap"))
        assert got == wanted
    with pytest.raises(po.InputError) as caught:
        po.alternatives(KNAPSACK, po.SolveSettings(), time_limit=5)
    assert "settings" in str(caught.value)


def test_progress_counts_every_solve() -> None:
    seen: list[tuple[int, int]] = []
    po.alternatives(
        KNAPSACK, count=3, within=0.4, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (1, 4) and seen[-1] == (4, 4)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# -- the result object and the request -----------------------------------------


def test_repr_is_one_short_line_and_the_notebook_shows_the_table() -> None:
    result = po.alternatives(KNAPSACK, count=2, within=0.4)
    line = repr(result)
    assert "\n" not in line and len(line) < 100
    assert "2 of 2" in line and "optimum 4.0000" in line
    html = result._repr_html_()
    assert "<table" in html and "adds" in html and "loss_share" in html
    text = result.text()
    assert "threshold  2.4000" in text and "Side by side" in text


def test_side_by_side_has_start_periods_then_score_and_loss() -> None:
    result = po.alternatives(KNAPSACK, count=2, within=0.4)
    grid = result.side_by_side()
    assert list(grid.columns) == ["id", "name", "optimum", "alternative 1",
                                  "alternative 2"]  # fmt: skip
    assert list(grid["id"]) == ["A", "B", "C", "score", "loss"]
    scores = grid.set_index("id").loc["score", ["optimum", "alternative 1"]]
    assert list(scores) == pytest.approx([4, 3])
    optimum = grid.set_index("id")["optimum"]
    assert (optimum["A"], optimum["B"]) == ("2027", "")


@pytest.mark.parametrize(
    ("keyword", "value", "words"),
    [
        ("count", 0, "whole number >= 1"),
        ("count", 2.5, "whole number >= 1"),
        ("count", True, "whole number >= 1"),
        ("within", 1, "up to but not including 1"),
        ("within", -0.1, "up to but not including 1"),
        ("within", math.nan, "up to but not including 1"),
        ("within", "0.1", "up to but not including 1"),
        ("min_difference", 0, "whole number >= 1"),
        ("time_limit", -1, ">= 0"),
    ],
)
def test_misuse_names_the_argument(keyword: str, value: Any, words: str) -> None:
    with pytest.raises(po.InputError) as caught:
        po.alternatives(KNAPSACK, **{keyword: value})
    (problem,) = caught.value.problems
    assert problem.path == keyword and words in problem.message
    assert "--" not in str(caught.value)


def test_every_bad_argument_is_named_at_once() -> None:
    with pytest.raises(po.InputError) as caught:
        po.alternatives(KNAPSACK, count=0, within=2, min_difference=0)
    assert [p.path for p in caught.value.problems] == [
        "count",
        "within",
        "min_difference",
    ]
