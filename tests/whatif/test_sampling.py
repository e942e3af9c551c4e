"""Latin hypercube sampling of the ranges through triangular inverse CDFs.

The quantiles are checked against the triangular CDF written out by hand, and
the stratification against its definition: in each dimension, exactly one
sample falls in each of the N equal-probability strata.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import pathway_opt as po
from pathway_opt.whatif.uncertainty import (
    draw,
    sampled_instance,
    uncertain_parameters,
)

DATA = {
    "periods": ["2027", "2028"],
    "criteria": [
        {"id": "TC", "weight": 0.6, "weight_range": [0.4, 0.9]},
        {"id": "EE", "weight": 0.4},
    ],
    "budgets": [{"id": "central", "limits": [10, 10]}, {"id": "gov", "limits": [5, 5]}],
    "initiatives": [
        {
            "id": "A",
            "scores": {"TC": 5},
            "success_probability": 0.8,
            "cost": {"central": [4, 2], "gov": [1]},
            "uncertainty": {
                "scores": {"TC": [3, 8], "EE": [0, 2]},
                "success_probability": [0.5, 1.0],
                "cost_factor": [0.9, 1.5],
            },
        },
        {"id": "B", "scores": {"EE": 2}, "cost": {"central": [3]}},
    ],
}
INST = po.instance_from_data(DATA)


def triangular_cdf(x: float, low: float, mode: float, high: float) -> float:
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    if x <= mode:
        return (x - low) ** 2 / ((high - low) * (mode - low))
    return 1 - (high - x) ** 2 / ((high - low) * (high - mode))


def test_parameters_are_every_range_with_its_mode() -> None:
    params = uncertain_parameters(INST)
    assert [(p.label, p.low, p.mode, p.high) for p in params] == [
        ("weight TC", 0.4, 0.6, 0.9),
        ("A score TC", 3, 5, 8),
        ("A score EE", 0, 0, 2),  # not scored: the given value is 0
        ("A success_probability", 0.5, 0.8, 1.0),
        ("A cost_factor", 0.9, 1.0, 1.5),
    ]


@pytest.mark.parametrize("samples", [1, 7, 50])
def test_every_dimension_has_one_sample_per_stratum(samples: int) -> None:
    params = uncertain_parameters(INST)
    values = draw(params, samples, seed=11)
    assert values.shape == (samples, len(params))
    for k, p in enumerate(params):
        probabilities = [triangular_cdf(v, p.low, p.mode, p.high) for v in values[:, k]]
        strata = sorted(min(int(u * samples), samples - 1) for u in probabilities)
        assert strata == list(range(samples)), p.label
        assert all(p.low <= v <= p.high for v in values[:, k])


def test_the_sample_mean_is_the_triangular_mean() -> None:
    params = uncertain_parameters(INST)
    values = draw(params, 2000, seed=3)
    for k, p in enumerate(params):
        expected = (p.low + p.mode + p.high) / 3
        # stratified: far tighter than the plain Monte Carlo error
        assert values[:, k].mean() == pytest.approx(expected, abs=1e-3), p.label


def test_the_same_seed_draws_the_same_samples_and_another_seed_others() -> None:
    params = uncertain_parameters(INST)
    assert np.array_equal(draw(params, 20, 5), draw(params, 20, 5))
    assert not np.array_equal(draw(params, 20, 5), draw(params, 20, 6))


def test_a_sampled_instance_carries_the_values_and_scales_the_whole_cost() -> None:
    params = uncertain_parameters(INST)
    values = [0.5, 7.0, 1.5, 0.9, 1.25]
    sampled = sampled_instance(INST, params, values)
    a = sampled.initiatives[0]
    assert sampled.criteria[0].weight == 0.5 and sampled.criteria[1].weight == 0.4
    assert a.scores == {"TC": 7.0, "EE": 1.5}
    assert a.success_probability == 0.9
    assert a.cost == {"central": [5.0, 2.5], "gov": [1.25]}
    assert sampled.initiatives[1] is INST.initiatives[1]  # no range: untouched
    as_given = sampled_instance(INST, params, values, costs=False)
    assert as_given.initiatives[0].cost == INST.initiatives[0].cost
    # the value the verifier computes follows the sampled data
    value = po.verify(sampled, {"A": "2027"}).objective
    assert value == pytest.approx(0.9 * (0.5 * 7.0 + 0.4 * 1.5))


def test_an_instance_without_ranges_has_no_parameters() -> None:
    inst = po.instance_from_data({**DATA, "criteria": [{"id": "TC", "weight": 1}],
                                  "initiatives": [{"id": "B", "scores": {"TC": 2}}],
                                  "budgets": []})  # fmt: skip
    assert uncertain_parameters(inst) == ()
    assert draw((), 4, 0).shape == (4, 0)
    assert sampled_instance(inst, (), []) is inst


def test_a_point_range_is_its_value() -> None:
    inst = po.instance_from_data(
        {
            **DATA,
            "criteria": [
                {"id": "TC", "weight": 0.6, "weight_range": [0.6, 0.6]},
                {"id": "EE", "weight": 0.4},
            ],
        }
    )
    params = uncertain_parameters(inst)
    values = draw(params, 10, 0)
    assert (values[:, 0] == 0.6).all()
    assert all(math.isfinite(v) for v in values.ravel())
