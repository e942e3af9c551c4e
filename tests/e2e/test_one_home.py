"""Each repeated idea has one home, and the places that need it use that home.

- a plan to report: ``Plan.has_plan`` (from ``Status.has_plan``), read by the
  plan JSON, the export tables, the text summary, sweep rows and the scenario
  comparison;
- HiGHS's presolve second-guessed (``pipeline.checked``, ``pipeline.confirmed``),
  behind ``solve``, ``Session.solve`` and the explanations' re-solves;
- what changed between two plans (``plan.changes_between``), behind a baseline
  solve's ``changes``, the scenario comparison and the ladders' rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pathway_opt as po
import pathway_opt.pipeline as pipeline
from pathway_opt.explanations.resolve import resolve
from pathway_opt.outputs import plan_tables
from pathway_opt.outputs.plan_json import plan_selection
from pathway_opt.outputs.plan_text import summary
from pathway_opt.plan import changes_between
from pathway_opt.solver.outcome import SolveOutcome
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver
from pathway_opt.whatif.compare import compare
from pathway_opt.whatif.rows import changes_row, plan_row
from pathway_opt.whatif.session import Session


def _data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "homes",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [{"id": "central", "limits": [10, 10]}],
        "initiatives": [
            {"id": "A", "scores": {"TC": 3}, "cost": [6]},
            {"id": "B", "scores": {"TC": 2}, "cost": [6]},
            {"id": "C", "scores": {"TC": 1}, "cost": [3]},
        ],
    }
    data.update(overrides)
    return data


FEASIBLE = po.instance_from_data(_data())
#: Two must-fund initiatives, at most one of them: no plan.
INFEASIBLE = po.instance_from_data(
    _data(
        initiatives=[
            {"id": "A", "scores": {"TC": 1}, "decision": "must"},
            {"id": "B", "scores": {"TC": 1}, "decision": "must"},
        ],
        rules=[{"kind": "at_most", "count": 1, "members": ["A", "B"]}],
    )
)

#: The three ways a plan is solved, each from a fresh model.
SOLVES: dict[str, Callable[[po.Instance], po.Plan]] = {
    "solve": lambda inst: po.solve(inst),
    "session": lambda inst: Session(inst).solve(),
    "resolve": lambda inst: resolve(Session(inst), SolveSettings()),
}


# -- a plan to report ----------------------------------------------------------
@pytest.mark.parametrize("status", list(po.Status))
def test_a_status_has_a_plan_exactly_when_the_command_line_succeeds(
    status: po.Status,
) -> None:
    assert status.has_plan == (status.exit_code == 0)


@pytest.mark.parametrize("status", list(po.Status))
def test_every_output_shows_a_plan_exactly_when_plan_has_plan(
    status: po.Status,
) -> None:
    """The same solved plan (starts, verification) relabelled with each status:
    what the outputs show follows ``Plan.has_plan`` alone."""
    solved = po.solve(FEASIBLE)
    assert solved.has_plan and solved.starts
    plan = replace(solved, status=status)
    has = plan.has_plan
    assert has == status.has_plan
    assert bool(plan.to_dict()["selected"]) == has
    assert bool(plan.to_dict()["budgets"]) == has
    assert (not plan_tables.selected(plan).empty) == has
    assert (not plan_tables.budgets(plan).empty) == has
    assert (not plan_tables.schedule(plan).empty) == has
    assert (plan_tables.summary(plan, po.make_provenance())["selected"] > 0) == has
    assert ("Selected initiatives" in summary(plan)) == has
    row = plan_row(plan)
    assert (row["n_selected"] > 0) == has
    assert (row["selected"] != "") == has
    table = compare({"solved": solved, "shown": plan})
    assert pd.notna(table.loc["shown", "selected"]) == has
    if has:
        assert plan_selection(plan.to_dict()) == solved.starts
    else:
        with pytest.raises(po.InputError, match="no plan to explain"):
            plan_selection(plan.to_dict())


# -- HiGHS's presolve, second-guessed ------------------------------------------
@pytest.mark.parametrize("way", list(SOLVES))
def test_every_solve_repeats_a_plan_failing_verification_without_presolve(
    way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stub HiGHS-with-presolve claiming more than its plan reaches (the 1.16
    quirk): each way of solving repeats the solve with presolve off."""
    real = Solver.solve
    presolve: list[bool] = []

    def claims_more(
        self: Solver, settings: SolveSettings, *args: Any, **kw: Any
    ) -> SolveOutcome:
        outcome = real(self, settings, *args, **kw)
        presolve.append(settings.presolve)
        if settings.presolve and outcome.objective is not None:
            return replace(outcome, objective=outcome.objective + 0.5)
        return outcome

    monkeypatch.setattr(Solver, "solve", claims_more)
    plan = SOLVES[way](FEASIBLE)
    assert presolve == [True, False]
    assert plan.verified and plan.has_plan
    assert plan.objective == pytest.approx(po.solve(FEASIBLE).objective)
    assert "solved again with presolve off" in plan.messages[-1]
    assert "differs from the recomputed" in plan.messages[-1]


@pytest.mark.parametrize("way", list(SOLVES))
def test_every_solve_confirms_an_infeasible_verdict_once(
    way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.confirm_infeasible
    calls: list[bool] = []

    def spy(*args: Any) -> bool:
        calls.append(real(*args))
        return calls[-1]

    monkeypatch.setattr(pipeline, "confirm_infeasible", spy)
    plan = SOLVES[way](INFEASIBLE)
    assert plan.status == po.Status.INFEASIBLE and not plan.has_plan
    assert calls == [True]


@pytest.mark.parametrize("way", list(SOLVES))
def test_every_solve_reports_a_disagreeing_presolve_off_solve(
    way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "confirm_infeasible", lambda *args: False)
    with pytest.raises(po.SolverError, match="inconsistency") as raised:
        SOLVES[way](INFEASIBLE)
    assert "second solve with presolve off found a plan" in str(raised.value)


# -- what changed between two plans --------------------------------------------
starts = st.dictionaries(
    st.sampled_from("ABCDEF"), st.sampled_from(["2027", "2028", "2029"])
)


@given(before=starts, after=starts)
def test_changes_between_turns_one_selection_into_the_other(
    before: dict[str, str], after: dict[str, str]
) -> None:
    diff = changes_between(before, after)
    assert all(list(ids) == sorted(ids) for ids in diff)
    assert (set(before) - set(diff.removed)) | set(diff.added) == set(after)
    assert not set(diff.added) & set(before)
    assert set(diff.removed) <= set(before) - set(after)
    kept = set(before) & set(after)
    assert {i for i in kept if before[i] == after[i]} == kept - set(diff.moved)
    row = changes_row(before, after)
    for name, ids in diff._asdict().items():
        listed = [item.split("@")[0] for item in row[name].split(";") if item]
        assert listed == ids


def test_a_baseline_solve_and_the_comparison_report_the_same_changes() -> None:
    session = Session(FEASIBLE)
    base = session.solve()
    dropped = sorted(base.starts)[0]
    session.force_out(dropped)
    edited = session.solve(baseline=base)
    diff = changes_between(base.starts, edited.starts)
    assert dropped in diff.removed
    assert edited.changes == diff._asdict()
    table = compare({"base": base, "edited": edited})
    for name, ids in diff._asdict().items():
        assert table.loc["edited", name] == ";".join(ids)
