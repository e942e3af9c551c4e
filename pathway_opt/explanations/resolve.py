"""Re-solving a Session's built model for explanations, verified and restorable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace

from pathway_opt.errors import SolverError
from pathway_opt.model.form import load_data
from pathway_opt.plan import Plan, Status, make_plan
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import confirm_infeasible
from pathway_opt.whatif.session import Session


def resolve(session: Session, settings: SolveSettings) -> Plan:
    """Solve the session's model as its edits left it; verify the plan.

    Unlike :meth:`Session.solve` this does not explain an infeasible verdict (the
    explanations do that themselves), but it confirms it with presolve off. A plan
    that HiGHS 1.16 returns with presolve but that misses its reported objective
    is solved again without presolve.

    Raises:
        SolverError: when the presolve-off solve disagrees with an infeasible
            verdict (a solver inconsistency).
    """
    outcome = session.solver.solve(settings)
    plan = make_plan(session.instance, outcome)
    if plan.status == Status.ERROR and outcome.starts is not None and settings.presolve:
        again = make_plan(
            session.instance, session.solver.solve(replace(settings, presolve=False))
        )
        if again.status != Status.ERROR:
            again.messages.append("solved again without presolve (HiGHS 1.16 quirk)")
            plan = again
    if plan.status == Status.INFEASIBLE and not confirm_infeasible(
        session.form, settings
    ):
        raise SolverError(
            "solver inconsistency: HiGHS called the instance infeasible, but a "
            "second solve with presolve off found a plan"
        )
    return plan


@contextlib.contextmanager
def restored(session: Session) -> Iterator[Session]:
    """While open, edit the session freely; on exit its data is as it was."""
    instance, edits, plan = session.instance, list(session.edits), session.plan
    try:
        yield session
    finally:
        if session.instance is not instance:
            load_data(session.form, instance, check="none")
            session.solver.push()
            session.instance = instance
            session.edits = edits
        session.plan = plan


def objective_of(plan: Plan) -> float:
    """A plan's verified objective (0 when it has none, never used as such)."""
    return plan.objective if plan.objective is not None else 0.0
