"""The verifier keeps budgets and resources apart even when an id names both.

The schema refuses such instances; the verifier must not rely on that (it is
the independent check), so it is given one built without validation.
"""

from __future__ import annotations

import pathway_opt as po
from pathway_opt.schema.entities import Budget, Criterion, Initiative, Resource
from pathway_opt.schema.instance import Instance


def test_cost_is_charged_to_the_budget_not_the_resource_of_the_same_name() -> None:
    inst = Instance.model_construct(
        name="shared id",
        periods=["2027", "2028"],
        criteria=[Criterion(id="TC", weight=1.0)],
        budgets=[Budget(id="x", limits=[100, 100])],
        resources=[Resource(id="x", capacity=[1, 1])],
        initiatives=[
            Initiative(id="A", scores={"TC": 5}, cost=[60, 0], uses={"x": [1]}),
        ],
        rules=[],
    )
    report = po.verify(inst, {"A": "2027"})
    assert report.problems == []
    used = {(row.kind, row.id, row.period): row.used for row in report.usage}
    assert used[("budget", "x", "2027")] == 60
    assert used[("resource", "x", "2027")] == 1
