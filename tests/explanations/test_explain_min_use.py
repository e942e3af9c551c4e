"""Explanations name min_use where it binds, and a must's decision_reason."""

from __future__ import annotations

from tiny_instances import make

import pathway_opt as po
from pathway_opt.explanations.terminal import render


def _inst() -> po.Instance:
    """Limit 10, min_use 0.95 (9.5): only A+B spends enough, exactly 9.5.

    A (10, costs 5), B (3, costs 4.5, must: a reason), C (4, costs 3).
    """
    return po.instance_from_data(
        make(
            periods=["2027"],
            budgets=[{"id": "gov_special", "limits": [10], "min_use": 0.95}],
            initiatives=[
                {"id": "A", "scores": {"TC": 10}, "cost": [5]},
                {
                    "id": "B",
                    "scores": {"TC": 3},
                    "cost": [4.5],
                    "decision": "must",
                    "decision_reason": "Ministry pilot commitment",
                },
                {"id": "C", "scores": {"TC": 4}, "cost": [3]},
            ],
        )
    )


def test_binding_min_use_is_named() -> None:
    result = po.explain(_inst(), marginal=False)
    (row,) = result.binding
    assert row["min_use"] == 9.5
    assert row["min_use_binding"] is True
    assert row["binding"] is False  # 0.5 left under the limit
    text = render(result)
    assert "min_use" in text
    why_b = next(r for r in result.why if r["id"] == "B")
    assert "(reason: Ministry pilot commitment)" in why_b["reason"]
