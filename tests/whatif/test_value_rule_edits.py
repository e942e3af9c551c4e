"""What-if edits on instances with spend_share and average rules.

A score edit rewrites an ``average`` rule's coefficients in the built model (no
rebuild); every re-solve must equal a fresh solve of the edited instance.
"""

from __future__ import annotations

import numpy as np
import pytest
from tiny_instances import make

import pathway_opt as po


def _data() -> dict:
    return make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            {"id": "L1", "type": "joint_lab", "scores": {"TC": 9}, "cost": [3]},
            {"id": "L2", "type": "joint_lab", "scores": {"TC": 2}, "cost": [3]},
            {"id": "L3", "type": "joint_lab", "scores": {"TC": 3}, "cost": [3]},
            {"id": "X", "type": "co_taught_course", "scores": {"TC": 7}, "cost": [1]},
        ],
        rules=[
            {
                "kind": "average",
                "field": "score:TC",
                "where": {"type": "joint_lab"},
                "at_most": 4,
            },
            {"kind": "spend_share", "members": ["X"], "at_least": 0.1},
        ],
    )


def test_score_edit_moves_the_average_rule_without_a_rebuild() -> None:
    """L1 scores 9: any lab set with L1 averages above 4, so X + L2 + L3 (12).
    With L1 at 5, L1 + L2 + L3 average 3.33: all four fit (5 + 2 + 3 + 7 = 17),
    X's share 1/10 meets the spend share."""
    session = po.Session(po.instance_from_data(_data()))
    first = session.solve()
    assert sorted(first.starts) == ["L2", "L3", "X"]
    session.set_score("L1", "TC", 5)
    assert session.rebuilds == 0
    held = session.solver.held_matrix().toarray()
    assert np.allclose(held, session.form.stacked()[0].toarray())
    edited = session.solve()
    fresh = po.solve(session.instance)
    assert edited.verified and fresh.verified
    assert edited.objective == pytest.approx(fresh.objective)
    assert edited.objective == pytest.approx(17.0)
    session.reset()
    again = session.solve()
    assert again.objective == pytest.approx(first.objective)
