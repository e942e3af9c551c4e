"""``explain(progress=...)``: the solves planned, revised once, then counted."""

from __future__ import annotations

from typing import Any

import pytest
from tiny_instances import make

import pathway_opt as po
from pathway_opt.explanations import binding, explanation, why


def ini(id_: str, value: float, cost: float, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": value}, "cost": [cost], **fields}


# Budget 10 binds (A + C spend 10); the resource (capacity 5, 1 used) has
# slack, so its cut is absorbed and not solved. D can never be in.
INSTANCE = make(
    periods=["2027"],
    budgets=[{"id": "central", "limits": [10]}],
    resources=[{"id": "staff", "capacity": [5]}],
    initiatives=[
        ini("A", 5, 6, uses={"staff": [1]}),
        ini("B", 4, 6),
        ini("C", 2, 4),
        ini("D", 9, 1, decision="never"),
    ],
)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every re-solve of the explanation (the optimum's included)."""
    calls = [0]
    for module in (explanation, why, binding):
        real = module.resolve

        def counting(*args: Any, _real: Any = real) -> Any:
            calls[0] += 1
            return _real(*args)

        monkeypatch.setattr(module, "resolve", counting)
    return calls


def test_planned_then_revised_total_is_the_solves_made(counted: list[int]) -> None:
    calls: list[tuple[int, int]] = []
    po.explain(
        po.instance_from_data(INSTANCE),
        progress=lambda done, total: calls.append((done, total)),
    )
    # before solving: the optimum, A B C forced (D never can be), one raise
    # per limit (budget, resource); then the budget's cut (the resource's is
    # absorbed by its slack)
    assert calls[0] == (0, 1 + 3 + 2)
    assert calls[-1] == (7, 7) == (counted[0], counted[0])
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[1] == (1, 6)  # the optimum solved, then the plan revised
    assert {t for _, t in calls[2:]} == {7}


def test_only_and_no_marginal_shrink_the_plan(counted: list[int]) -> None:
    calls: list[tuple[int, int]] = []
    po.explain(
        po.instance_from_data(INSTANCE),
        only=["B"],
        marginal=False,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, 2) and calls[-1] == (2, 2) and counted[0] == 2


def test_an_infeasible_instance_replans_for_its_repairs() -> None:
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [5]}],
        initiatives=[ini("A", 5, 6, decision="must")],
    )
    calls: list[tuple[int, int]] = []
    result = po.explain(
        po.instance_from_data(data),
        alternatives=2,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result.repairs
    assert (1, 1 + 2 * 2) in calls and calls[-1] == (5, 5)
    done = [d for d, _ in calls]
    assert done == sorted(done)
