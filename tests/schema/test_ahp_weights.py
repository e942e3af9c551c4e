"""Weights from pairwise judgements (AHP): published and hand-solved examples,
properties on random weights, and one clear message per bad judgement."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pathway_opt as po
from pathway_opt.schema.ahp import (
    RANDOM_INDEX,
    Judgement,
    comparison_matrix,
    priorities,
    random_index,
)


def instance(
    criteria: list[str],
    comparisons: list[dict[str, Any]],
    weights: dict[str, float] | None = None,
    **settings_: Any,
) -> dict[str, Any]:
    """A one-period instance whose only point is its criteria and judgements."""
    return {
        "periods": ["2027"],
        "criteria": [
            {"id": c, **({"weight": weights[c]} if weights and c in weights else {})}
            for c in criteria
        ],
        "criteria_comparisons": comparisons,
        "initiatives": [{"id": "A", "scores": {criteria[0]: 1.0}}],
        "settings": settings_,
    }


def judge(more: str, less: str, ratio: float) -> dict[str, Any]:
    return {"more": more, "less": less, "ratio": ratio}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(po.InputError) as caught:
        po.instance_from_data(data)
    return [str(p) for p in caught.value.problems]


# --- published and hand-solved examples ---------------------------------------


def test_saaty_three_by_three() -> None:
    """Saaty's classic matrix (1 3 5 / 1/3 1 3 / 1/5 1/3 1): weights 0.637, 0.258,
    0.105, lambda_max 3.039, CR 0.033 (Saaty 1980; repeated in most AHP texts)."""
    data = instance(
        ["talent", "industry", "research"],
        [
            judge("talent", "industry", 3),
            judge("talent", "research", 5),
            judge("industry", "research", 3),
        ],
    )
    inst = po.instance_from_data(data)
    w = inst.weights
    assert [round(w[c], 3) for c in ("talent", "industry", "research")] == [
        0.637,
        0.258,
        0.105,
    ]
    source = inst.weights_source
    assert source.method == "eigenvector"
    assert round(source.lambda_max or 0, 3) == 3.039
    assert round(source.cr or 0, 3) == 0.033
    assert source.describe() == (
        "weights from 3 pairwise judgements (eigenvector), CR 0.03"
    )
    assert po.instance_warnings(inst) == []


def test_chain_of_judgements_uses_geometric_mean() -> None:
    """Two judgements on three criteria (a tree): LLSM reproduces them exactly,
    w = (6, 3, 1) / 10, and the completed matrix is consistent (CR 0)."""
    inst = po.instance_from_data(
        instance(["a", "b", "c"], [judge("a", "b", 2), judge("b", "c", 3)])
    )
    assert inst.weights == pytest.approx({"a": 0.6, "b": 0.3, "c": 0.1})
    source = inst.weights_source
    assert source.method == "geometric_mean"
    assert source.cr == pytest.approx(0, abs=1e-9)
    assert "geometric mean, 2 of 3 pairs judged" in source.describe()


def test_cycle_spreads_its_error_evenly() -> None:
    """a/b = b/c = c/d = 2 but a/d = 4 (not 8): on a cycle the least squares
    error log 2 is shared equally, so each link becomes 2^(3/4) and a/d 2^(9/4)."""
    inst = po.instance_from_data(
        instance(
            ["a", "b", "c", "d"],
            [
                judge("a", "b", 2),
                judge("b", "c", 2),
                judge("c", "d", 2),
                judge("a", "d", 4),
            ],
        )
    )
    w = inst.weights
    for x, y in itertools.pairwise("abcd"):
        assert w[x] / w[y] == pytest.approx(2 ** (3 / 4))
    assert sum(w.values()) == pytest.approx(1)
    errors = [f.error for f in inst.weights_source.fits]
    assert errors == pytest.approx([math.log(2) / 4] * 4)


def test_two_criteria_are_always_consistent() -> None:
    inst = po.instance_from_data(instance(["a", "b"], [judge("b", "a", 4)]))
    assert inst.weights == pytest.approx({"a": 0.2, "b": 0.8})
    assert inst.weights_source.cr == 0
    assert inst.weights_source.method == "eigenvector"


def test_random_index_is_saatys_table() -> None:
    assert len(RANDOM_INDEX) == 15
    assert [random_index(n) for n in (1, 2, 3, 4, 5, 9, 10, 15)] == [
        0.0,
        0.0,
        0.58,
        0.90,
        1.12,
        1.45,
        1.49,
        1.59,
    ]
    assert random_index(40) == 1.59  # levels off


# --- properties ----------------------------------------------------------------


@st.composite
def weight_vectors(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(2, 9))
    raw = draw(
        st.lists(st.floats(1.0, 9.0 ** (1 / 2)), min_size=n, max_size=n)
    )  # pairwise ratios stay inside Saaty's scale
    w = np.array(raw)
    return w / w.sum()


@settings(max_examples=60, deadline=None)
@given(weight_vectors())
def test_consistent_judgements_give_their_weights_back(w: np.ndarray) -> None:
    n = len(w)
    judgements = [
        Judgement(i, j, float(w[i] / w[j]))
        for i, j in itertools.combinations(range(n), 2)
    ]
    found = priorities(n, judgements)
    assert found.method == "eigenvector"
    assert np.allclose(found.weights, w, rtol=1e-9, atol=1e-12)
    assert found.cr == pytest.approx(0, abs=1e-9)
    assert max(found.errors) == pytest.approx(0, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(weight_vectors(), st.randoms(use_true_random=False))
def test_connected_subset_of_consistent_judgements_gives_weights_back(
    w: np.ndarray, rnd: Any
) -> None:
    """A random spanning tree plus some extra pairs: LLSM recovers the weights."""
    n = len(w)
    order = list(range(n))
    rnd.shuffle(order)
    pairs = {tuple(sorted((order[k], rnd.choice(order[:k])))) for k in range(1, n)}
    extra = [p for p in itertools.combinations(range(n), 2) if p not in pairs]
    pairs |= set(rnd.sample(extra, rnd.randint(0, len(extra))))
    judgements = [Judgement(i, j, float(w[i] / w[j])) for i, j in sorted(pairs)]
    found = priorities(n, judgements)
    assert np.allclose(found.weights, w, rtol=1e-9, atol=1e-12)
    assert found.cr == pytest.approx(0, abs=1e-9)


def power_iteration(a: np.ndarray) -> tuple[np.ndarray, float]:
    """The Perron vector by repeated multiplication (a different algorithm)."""
    v = np.ones(len(a)) / len(a)
    for _ in range(2000):
        nxt = a @ v
        nxt /= nxt.sum()
        if np.allclose(nxt, v, rtol=0, atol=1e-15):
            break
        v = nxt
    return v, float((a @ v).sum() / v.sum())


SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.sampled_from(SCALE),
                min_size=n * (n - 1) // 2,
                max_size=n * (n - 1) // 2,
            ),
        )
    )
)
def test_eigenvector_agrees_with_power_iteration(
    case: tuple[int, list[float]],
) -> None:
    n, ratios = case
    judgements = [
        Judgement(i, j, r)
        for (i, j), r in zip(itertools.combinations(range(n), 2), ratios, strict=True)
    ]
    found = priorities(n, judgements)
    vector, value = power_iteration(comparison_matrix(n, judgements))
    assert np.allclose(found.weights, vector, atol=1e-8)
    assert found.lambda_max == pytest.approx(value, rel=1e-8)
    assert found.lambda_max >= n
    assert found.cr == pytest.approx((value - n) / (n - 1) / random_index(n))


def test_the_most_inconsistent_judgement_is_named_first() -> None:
    """Consistent 4-criterion judgements from w = (8, 4, 2, 1) with one pair
    turned round (d over a 3 instead of a over d 8): that pair is named first
    with the ratio the weights imply, a over d, and the instance is refused."""
    ids = ["a", "b", "c", "d"]
    w = dict(zip(ids, [8, 4, 2, 1], strict=True))
    comps = [judge(x, y, w[x] / w[y]) for x, y in itertools.combinations(ids, 2)]
    comps[2] = judge("d", "a", 3)
    found = problems(instance(ids, comps))
    assert len(found) == 1
    text = found[0]
    assert text.startswith(
        "criteria_comparisons: the judgements are inconsistent: consistency ratio"
    )
    first = text.index("Most at odds with the others: ")
    assert text[first:].startswith(
        "Most at odds with the others: criteria_comparisons[2] (d over a 3; a "
        "consistent ratio would be 1/"
    )
    assert "settings.accept_inconsistent_judgements to true" in text


# --- messages ---------------------------------------------------------------------


def test_inconsistent_judgements_accepted_by_setting_warn() -> None:
    comps = [judge("a", "b", 3), judge("b", "c", 3), judge("c", "a", 2)]
    assert len(problems(instance(["a", "b", "c"], comps))) == 1
    inst = po.instance_from_data(
        instance(["a", "b", "c"], comps, accept_inconsistent_judgements=True)
    )
    assert inst.weights_source.cr is not None and inst.weights_source.cr > 0.1
    (warning,) = po.instance_warnings(inst)
    assert warning.startswith("criteria_comparisons: consistency ratio 0.")
    assert "used anyway because settings.accept_inconsistent_judgements" in warning


def test_given_weights_are_ignored_with_a_warning() -> None:
    inst = po.instance_from_data(
        instance(["a", "b"], [judge("a", "b", 3)], weights={"a": 0.1, "b": 0.9})
    )
    assert inst.weights == pytest.approx({"a": 0.75, "b": 0.25})
    assert po.instance_warnings(inst) == [
        "criteria: the weights given for a, b are ignored: criteria_comparisons "
        "derive every weight (eigenvector); remove the weights to silence this "
        "warning"
    ]


def test_without_judgements_every_weight_is_required() -> None:
    assert problems(instance(["a", "b"], [], weights={"a": 1.0})) == [
        "criteria[1].weight: is required but missing; add it (or derive every "
        "weight from pairwise judgements: `criteria_comparisons`, in a workbook the "
        "comparisons sheet)"
    ]


def test_bad_judgements_one_message_each() -> None:
    comps = [
        judge("talen", "industry", 3),
        judge("industry", "talent", 12),
        judge("research", "research", 2),
        judge("talent", "industry", 0.5),
        judge("research", "talent", 0.1),
        judge("talent", "research", 1 / 9 - 5e-4),  # 0.111: 1/9 as typed
    ]
    assert problems(instance(["talent", "industry", "research"], comps)) == [
        'criteria_comparisons[0].more: unknown criterion "talen"; did you mean '
        '"talent"? (known: talent, industry, research)',
        "criteria_comparisons[1].ratio: must be between 1/9 and 9 (Saaty's "
        "scale), got 12; use 9 for extremely more important (or swap more and "
        "less for a ratio below 1)",
        'criteria_comparisons[2].less: compares "research" with itself; name two '
        "different criteria",
        'criteria_comparisons[3]: compares "talent" and "industry" again '
        "(criteria_comparisons[1] already does); keep one",
        "criteria_comparisons[4].ratio: must be between 1/9 and 9 (Saaty's "
        "scale), got 0.1; use 9 for extremely more important (or swap more and "
        "less for a ratio below 1)",
        'criteria_comparisons[5]: compares "talent" and "research" again '
        "(criteria_comparisons[4] already does); keep one",
    ]


@pytest.mark.parametrize(
    ("ratio", "message"),
    [
        ("3", 'criteria_comparisons[0].ratio: must be a number, got "3"'),
        (0, "criteria_comparisons[0].ratio: must be between 1/9 and 9"),
        (-2, "criteria_comparisons[0].ratio: must be between 1/9 and 9"),
        (True, "criteria_comparisons[0].ratio: must be a number, got true"),
    ],
)
def test_ratio_must_be_a_number_on_the_scale(ratio: Any, message: str) -> None:
    (found,) = problems(instance(["a", "b"], [judge("a", "b", ratio)]))
    assert found.startswith(message)


def test_unconnected_criteria_are_named() -> None:
    comps = [judge("a", "b", 2), judge("c", "d", 3)]
    assert problems(instance(["a", "b", "c", "d", "e"], comps)) == [
        "criteria_comparisons: the judgements do not connect every criterion, so "
        "their weights cannot be compared: no chain of judgements links these "
        "groups: {a, b}; {c, d}; {e}; add judgements between the groups, e.g. one "
        'comparing "a" and "c"'
    ]


def test_unknown_field_in_a_judgement() -> None:
    comps = [{"more": "a", "less": "b", "ratio": 2, "weight": 1}]
    assert problems(instance(["a", "b"], comps)) == [
        "criteria_comparisons[0].weight: is not a known field; remove it or fix "
        "its spelling (`pathway-opt schema` lists the fields)"
    ]
