"""Funding choice and variants against exhaustive enumeration on tiny instances.

The enumeration (``funded_instances``) tries every version and start of every
initiative and finds each assignment's funding split with its own linear
programme, so it shares no rows with the model.
"""

from __future__ import annotations

from typing import Any

import pytest
from funded_instances import brute_force_versions, funded_instances
from hypothesis import HealthCheck, given, settings
from random_instances import valid
from test_model_equivalence import check_equivalent

import pathway_opt as po


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(funded_instances())
def test_optimum_equals_enumeration_with_funding_and_variants(
    data: dict[str, Any],
) -> None:
    inst = valid(data)
    plan = po.solve(inst)
    expected = brute_force_versions(inst)
    if expected is None:
        assert plan.status == po.Status.INFEASIBLE
    else:
        assert plan.status == po.Status.OPTIMAL, plan.messages
        assert plan.verified
        assert plan.objective == pytest.approx(expected, abs=1e-6)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(funded_instances())
def test_pyomo_model_equals_the_arrays_with_funding_and_variants(
    data: dict[str, Any],
) -> None:
    check_equivalent(valid(data))
