"""The verifier rejects every kind of broken plan and never imports Pyomo."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any

import pytest

import pathway_opt as po
from pathway_opt import plan as plan_module
from pathway_opt.plan import CheckAhead, make_plan
from pathway_opt.solver.outcome import Choice, SolveOutcome, Termination

DATA: dict[str, Any] = {
    "name": "verifier",
    "periods": ["2027", "2028", "2029"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [100, 100, 100], "carry_over": False}],
    "resources": [{"id": "fte", "capacity": [2, 2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 5}, "cost": [60, 20], "uses": {"fte": [1, 1]}},
        {"id": "B", "scores": {"TC": 3.5}, "cost": [50], "latest_start": "2028"},
        {"id": "C", "scores": {"TC": 4}, "cost": [90]},
        {"id": "M", "scores": {"TC": 1}, "cost": [10], "decision": "must"},
        {"id": "N", "scores": {"TC": 9}, "decision": "never"},
    ],
    "rules": [
        {"kind": "requires", "initiative": "B", "on": ["A"], "lag": 1},
        {"kind": "at_most", "count": 1, "members": ["B", "C"]},
        {"kind": "synergy", "members": ["A", "B"], "bonus": 1},
    ],
}


@pytest.fixture(scope="module")
def solved() -> tuple[po.Instance, po.Plan]:
    inst = po.instance_from_data(DATA)
    plan = po.solve(inst)
    assert plan.status == po.Status.OPTIMAL
    return inst, plan


def test_optimal_plan_passes(solved: tuple[po.Instance, po.Plan]) -> None:
    inst, plan = solved
    check = po.verify(inst, list(plan.starts.items()), plan.objective)
    assert check.ok, check.problems


def _mutations(starts: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    base = list(starts.items())
    moved = [(i, "2029" if p != "2029" else "2027") for i, p in base]
    out = {
        "one start moved": [moved[0], *base[1:]],
        "initiative added (budget)": [*base, ("C", "2027")],
        "never selected": [*base, ("N", "2027")],
        "must dropped": [(i, p) for i, p in base if i != "M"],
        "unknown id": [*base, ("ZZ", "2027")],
        "unknown period": [*base[:-1], (base[-1][0], "2031")],
        "duplicate": [*base, base[0]],
        "prerequisite missing": [(i, p) for i, p in base if i != "A"],
        "window broken": [*[(i, p) for i, p in base if i != "B"], ("B", "2029")],
    }
    return out


@pytest.mark.parametrize(
    "name",
    [
        "one start moved",
        "initiative added (budget)",
        "never selected",
        "must dropped",
        "unknown id",
        "unknown period",
        "duplicate",
        "prerequisite missing",
        "window broken",
    ],
)
def test_mutated_plans_are_rejected(
    solved: tuple[po.Instance, po.Plan], name: str
) -> None:
    inst, plan = solved
    selection = _mutations(plan.starts)[name]
    check = po.verify(inst, selection)
    assert not check.ok, f"{name}: {selection}"


@pytest.mark.parametrize("delta", [1e-3, -1e-3, 0.5])
def test_objective_off_by_a_little_is_rejected(
    solved: tuple[po.Instance, po.Plan], delta: float
) -> None:
    inst, plan = solved
    assert plan.objective is not None
    check = po.verify(inst, list(plan.starts.items()), plan.objective + delta)
    assert not check.ok
    assert "objective" in check.problems[0]


def test_resource_and_cumulative_budget_violations_are_found() -> None:
    data = {
        **DATA,
        "budgets": [{"id": "central", "limits": [50, 50, 50], "carry_over": True}],
        "resources": [{"id": "fte", "capacity": [0, 2, 2]}],
    }
    inst = po.instance_from_data(data)
    check = po.verify(inst, [("A", "2027"), ("M", "2027")])
    text = " ".join(check.problems)
    assert 'resource "fte"' in text
    assert "cumulative limit" in text


def test_a_plan_failing_verification_is_reported_as_error_not_optimal() -> None:
    inst = po.instance_from_data(DATA)
    outcome = SolveOutcome(
        Termination.OPTIMAL,
        {"A": 0, "C": 0, "M": 0},
        objective=10.0,
        bound=10.0,
        seconds=0.0,
        solver="stub",
    )
    plan = make_plan(inst, outcome)
    assert plan.status == po.Status.ERROR
    assert plan.exit_code == 5
    assert any("verification failed" in m for m in plan.messages)


def test_a_plan_verified_while_highs_ran_is_taken_only_by_identity(
    solved: tuple[po.Instance, po.Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan HiGHS ends with is the dict last offered, or it is verified anew."""
    inst, reference = solved
    calls: list[object] = []
    real_verify = plan_module.verify

    def counted(*args: Any, **kwargs: Any) -> po.Verification:
        calls.append(args[1])
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(plan_module, "verify", counted)
    good = {i: inst.periods.index(p) for i, p in reference.starts.items()}
    objective = reference.objective

    def outcome(starts: dict[str, int], claimed: float | None) -> SolveOutcome:
        return SolveOutcome(
            Termination.LIMIT, starts, claimed, None, seconds=0.0, solver="stub"
        )

    ahead = CheckAhead(inst)
    ahead.offer(Choice(good, {}, {}))
    assert len(calls) == 1 and ahead.seconds > 0
    taken = make_plan(inst, outcome(good, objective), ahead)
    assert len(calls) == 1  # not verified again
    assert taken.status == po.Status.FEASIBLE
    assert taken.starts == reference.starts and taken.objective == objective

    # a wrong claim is caught on the checked plan, and the kept check is unharmed
    wrong = make_plan(inst, outcome(good, objective + 1.0), ahead)
    assert wrong.status == po.Status.ERROR
    assert any("differs from the recomputed" in m for m in wrong.messages)
    again = make_plan(inst, outcome(good, objective), ahead)
    assert again.status == po.Status.FEASIBLE and len(calls) == 1

    # an equal but different dict, a changed one, or a newer offer: verified anew
    assert make_plan(inst, outcome(dict(good), objective), ahead).verified
    assert len(calls) == 2
    tampered = make_plan(inst, outcome({**good, "C": 0}, objective), ahead)
    assert tampered.status == po.Status.ERROR and len(calls) == 3
    ahead.offer(Choice({**good, "N": 0}, {}, {}))
    assert make_plan(inst, outcome(good, objective), ahead).verified
    assert len(calls) == 5


def _imports(module: str) -> set[str]:
    """Modules imported by a module of the package (its own source only)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_verifier_never_imports_pyomo_or_the_model() -> None:
    """Follow the verifier's imports through the package: no Pyomo, no model."""
    seen: set[str] = set()
    todo = ["pathway_opt.verification.verifier"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo += [m for m in _imports(module) if m.startswith("pathway_opt.")]
    everything = set().union(*(_imports(m) for m in seen))
    assert not {m for m in everything if m.split(".")[0] == "pyomo"}
    forbidden = ("pathway_opt.model", "pathway_opt.solver", "pathway_opt.plan")
    assert not [m for m in seen if m.startswith(forbidden)]
    assert "pathway_opt.schema.instance" in seen  # the walk followed the imports


@pytest.mark.parametrize(
    ("termination", "starts", "status", "code"),
    [
        (Termination.LIMIT, {"A": 0, "M": 0}, po.Status.FEASIBLE, 0),
        (Termination.LIMIT, None, po.Status.NO_SOLUTION, 4),
        (Termination.INFEASIBLE, None, po.Status.INFEASIBLE, 3),
        (Termination.ERROR, None, po.Status.ERROR, 5),
    ],
)
def test_status_follows_the_solver_verdict_and_the_plan_held(
    termination: Termination,
    starts: dict[str, int] | None,
    status: po.Status,
    code: int,
) -> None:
    """Only the solver's verdict is stubbed: a time-limited run with a plan cannot be
    produced reliably by a real instance in a unit test."""
    inst = po.instance_from_data(DATA)
    objective = None
    if starts is not None:
        objective = po.verify(inst, [(i, inst.periods[s]) for i, s in starts.items()])
        objective = objective.objective
    outcome = SolveOutcome(
        termination, starts, objective, bound=20.0, seconds=0.0, solver="stub"
    )
    plan = make_plan(inst, outcome)
    assert plan.status == status
    assert plan.exit_code == code
    if status == po.Status.FEASIBLE:
        assert plan.verified
        assert plan.gap is not None and plan.gap > 0
    else:
        assert plan.to_dict()["selected"] == []
        assert plan.to_dict()["budgets"] == []
