"""The one-way pipeline: Instance -> model -> HiGHS -> verified Plan."""

from __future__ import annotations

import time

from pathway_opt.diagnose import explain_infeasible
from pathway_opt.errors import SolverError
from pathway_opt.model import StandardForm, compile_form
from pathway_opt.plan import Plan, Status, make_plan
from pathway_opt.schema import Instance
from pathway_opt.solver import Solver, SolveSettings, confirm_infeasible


def solve(inst: Instance, settings: SolveSettings | None = None) -> Plan:
    """Build, solve and verify an instance; infeasible plans carry an explanation.

    Raises:
        SolverError: when HiGHS calls the instance infeasible but a second solve
            with presolve off finds a plan (a solver inconsistency).
    """
    settings = settings or SolveSettings()
    began = time.perf_counter()
    deadline = None if settings.time_limit is None else began + settings.time_limit
    form = compile_form(inst)
    built = time.perf_counter()
    solver = Solver(form)
    handed = time.perf_counter()
    outcome = solver.solve(settings, deadline)
    solved = time.perf_counter()
    plan = make_plan(inst, outcome)
    if plan.status == Status.INFEASIBLE:
        _confirm_and_explain(inst, form, plan, settings)
    done = time.perf_counter()
    plan.timings = {
        "build": built - began,
        "handover": handed - built,
        "highs": outcome.seconds,
        "verify": done - solved,
        "total": done - began,
    }
    return plan


def _confirm_and_explain(
    inst: Instance, form: StandardForm, plan: Plan, settings: SolveSettings
) -> None:
    if not confirm_infeasible(form, settings):
        raise SolverError(
            "solver inconsistency: HiGHS called the instance infeasible, but a "
            "second solve with presolve off found a plan"
        )
    plan.messages.extend(explain_infeasible(inst, form))
