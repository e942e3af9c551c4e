"""Re-solving a Session's built model for explanations, verified and restorable."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from pathway_opt.model.form import load_data
from pathway_opt.pipeline import checked, confirmed
from pathway_opt.plan import Plan, make_plan
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.whatif.session import Session


def resolve(session: Session, settings: SolveSettings) -> Plan:
    """Solve the session's model as its edits left it; verify the plan.

    Unlike :meth:`Session.solve` this does not explain an infeasible verdict (the
    explanations do that themselves). As every solve, it confirms an infeasible
    verdict with presolve off and solves again without presolve when HiGHS's
    plan fails verification (:func:`~pathway_opt.pipeline.checked`,
    :func:`~pathway_opt.pipeline.confirmed`).

    Raises:
        SolverError: when the presolve-off solve disagrees with an infeasible
            verdict (a solver inconsistency).
    """

    def once(s: SolveSettings) -> Plan:
        plan = make_plan(session.instance, session.solver.solve(s))
        return confirmed(plan, session.form, s)

    return checked(once, settings)


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
