"""Regressions found by fuzzing (benchmarks/fuzz_long.py), each now a plain test."""

from __future__ import annotations

import json
from typing import Any

from repo_paths import INSTANCES

import pathway_opt as po

SMALL = json.loads(
    (INSTANCES / "small_applied_college.json").read_text(encoding="utf-8")
)


def _solve(data: dict[str, Any]) -> po.Plan:
    plan = po.solve(po.instance_from_data(data))
    assert plan.status == po.Status.OPTIMAL, plan.messages
    assert plan.verified
    return plan


def test_final_plan_not_reported_to_the_callback_is_still_read() -> None:
    """HiGHS found its last plan without telling the improving-solution callback;
    reading the callback's plan reported 37.7875 for a plan worth 37.2175."""
    data = json.loads(json.dumps(SMALL))
    del data["initiatives"][1]["uses"]["faculty_fte"]
    del data["initiatives"][3]["uses"]
    _solve(data)


def test_row_mixing_tiny_and_huge_amounts_keeps_its_small_entries() -> None:
    """One cost of 3.9e13 beside costs of 1e4: scaled by its largest entry, the
    row's small entries fell under HiGHS's 1e-9 drop threshold and the plan
    overspent the budget."""
    data = json.loads(json.dumps(SMALL))
    data["initiatives"][8]["cost"][1] = 39090542998048.09
    plan = _solve(data)
    assert plan.verification is not None and not plan.verification.problems


def test_denormal_amount_does_not_blow_up_the_row_scaling() -> None:
    """A use of 5e-324 (the smallest float) made the row's scale 2e161 and HiGHS
    refused the model; such entries no longer set a row's scale."""
    data = json.loads(json.dumps(SMALL))
    data["initiatives"][10]["uses"]["faculty_fte"][0] = 5e-324
    _solve(data)


def test_plan_failing_verification_is_solved_again_without_presolve() -> None:
    """Stubbed verdicts: HiGHS with presolve returns a plan below its reported
    objective (seen with HiGHS 1.16), the repeat without presolve is right."""
    from pathway_opt.pipeline import checked
    from pathway_opt.plan import make_plan
    from pathway_opt.solver.outcome import SolveOutcome, Termination
    from pathway_opt.solver.settings import SolveSettings

    inst = po.instance_from_data(SMALL)
    right = po.solve(inst)
    starts = {i: inst.periods.index(p) for i, p in right.starts.items()}
    calls = []

    def once(settings: SolveSettings) -> po.Plan:
        calls.append(settings.presolve)
        claimed = right.objective + (0.5 if settings.presolve else 0.0)
        outcome = SolveOutcome(
            Termination.OPTIMAL,
            starts,
            claimed,
            claimed,
            0.0,
            "stub",
            settings=settings,
        )
        return make_plan(inst, outcome)

    plan = checked(once, SolveSettings())
    assert calls == [True, False]
    assert plan.verified and plan.objective == right.objective
    assert "solved again with presolve off" in plan.messages[-1]
