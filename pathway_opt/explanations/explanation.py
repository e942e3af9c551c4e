"""``explain``: why there is no plan, why each initiative is in or out, what binds.

:func:`explain` works on a :class:`Session` (or builds one): it solves the model,
then either finds the smallest repairs of an infeasible instance or, for a plan,
prices forcing each initiative the other way and measures every budget and
capacity. The result is an :class:`Explanation`, whose tables also travel with
the plan (``plan.explanations``) into its JSON, workbook and CSV files.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from pathway_opt.diagnose.conflicts import infeasible_messages
from pathway_opt.diagnose.repairs import Repair, find_repairs
from pathway_opt.errors import InputError, Problem
from pathway_opt.explanations.binding import binding_rows, bottleneck_rows
from pathway_opt.explanations.resolve import resolve, restored
from pathway_opt.explanations.why import why_rows
from pathway_opt.outputs import explanation_tables as tables
from pathway_opt.plan import Plan, Status
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.verification.verifier import verify
from pathway_opt.whatif.session import Session


@dataclass
class Explanation:
    """What :func:`explain` found, as tables and as the planner reads it."""

    plan: Plan
    """The plan explained (the given one, or the optimum); ``plan.explanations``
    holds :meth:`to_dict`. For an infeasible instance, the infeasible plan."""
    optimum: float | None = None
    """The re-solved optimum every price is measured from."""
    repairs: list[Repair] = field(default_factory=list)
    why: list[dict[str, Any]] = field(default_factory=list)
    binding: list[dict[str, Any]] = field(default_factory=list)
    bottlenecks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    settings: SolveSettings = field(default_factory=SolveSettings)

    @property
    def exit_code(self) -> int:
        """The command line's exit code: the plan's (3 when infeasible)."""
        return self.plan.exit_code

    def table(self, name: str) -> pd.DataFrame:
        """One table: ``why``, ``binding``, ``bottlenecks`` or ``repairs``."""
        return tables.TABLES[name](self.plan)

    def to_dict(self) -> dict[str, Any]:
        """The ``explanations`` section of the plan JSON."""
        return {
            "optimum": self.optimum,
            "notes": list(self.notes),
            "repairs": [r.to_dict() for r in self.repairs],
            "why": [dict(r) for r in self.why],
            "binding": [dict(r) for r in self.binding],
            "bottlenecks": [dict(r) for r in self.bottlenecks],
            "settings": self.settings.to_dict(),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    def text(self) -> str:
        """The terminal report."""
        from pathway_opt.explanations.terminal import render

        return render(self)


def _given_plan(
    inst: Instance, given: Plan | Mapping[str, str], optimum: Plan
) -> tuple[Plan, list[str]]:
    starts = dict(given.starts if isinstance(given, Plan) else given)
    check = verify(inst, list(starts.items()))
    if not check.ok:
        raise InputError(
            [Problem("plan", f"does not fit the instance: {p}") for p in check.problems]
        )
    plan = replace(
        optimum,
        starts=starts,
        verification=check,
        objective=check.objective,
        status=Status.FEASIBLE,
        gap=None,
        messages=[],
        changes=None,
    )
    best = optimum.objective or 0.0
    notes = []
    if check.objective < best - 1e-6 * max(1.0, abs(best)):
        notes.append(
            f"the given plan scores {check.objective:,.4f}, below the optimum "
            f"{best:,.4f}; prices are measured from the optimum"
        )
    else:
        plan.status = optimum.status
    return plan, notes


def explain(
    source: Session | Instance,
    plan: Plan | Mapping[str, str] | None = None,
    *,
    settings: SolveSettings | None = None,
    only: Sequence[str] | None = None,
    why: bool = True,
    marginal: bool = True,
    step: float = 0.05,
    alternatives: int = 3,
    **options: Any,
) -> Explanation:
    """Explain an instance, or a plan of it, by re-solving one built model.

    Args:
        source: a what-if session (its current edits are explained and left as
            they are) or an instance (a session is built).
        plan: the plan to explain (a Plan or initiative id -> start period);
            default: the optimum.
        settings: settings of every solve; ``time_limit`` applies to each
            re-solve. Keyword ``options`` override its fields.
        only: initiative ids to explain (default: all).
        why: whether to price forcing each initiative the other way.
        marginal: whether to measure marginal values of limits (2 re-solves each).
        step: share of a period's limit raised and lowered for marginal values.
        alternatives: how many repairs to look for when the instance is infeasible.
        **options: fields of ``settings`` to override, e.g. ``time_limit=10``.

    Raises:
        InputError: when ``plan`` does not fit the instance, or ``only`` names an
            unknown initiative.
        SolverError: when HiGHS's infeasible verdict is not confirmed with
            presolve off.
    """
    settings = replace(settings or SolveSettings(), **options)
    began = time.perf_counter()
    session = source if isinstance(source, Session) else Session(source, settings)
    inst = session.instance
    with restored(session):
        optimum = resolve(session, settings)
    result = Explanation(plan=optimum, optimum=optimum.objective, settings=settings)
    result.timings["solve"] = time.perf_counter() - began
    if optimum.status == Status.INFEASIBLE:
        result.repairs = find_repairs(inst, session.form, settings, alternatives)
        optimum.messages = infeasible_messages(inst, result.repairs)
    elif optimum.has_plan:
        base, result.notes = (
            (optimum, []) if plan is None else _given_plan(inst, plan, optimum)
        )
        result.plan = base
        best = optimum.objective or 0.0
        if why:
            result.why, result.timings["why"] = why_rows(
                session, base, best, settings, only
            )
        result.binding, result.timings["binding"] = binding_rows(
            session, base, optimum, settings, step, marginal
        )
        result.bottlenecks = bottleneck_rows(base)
    else:
        result.notes.append(
            f"no plan to explain: status {optimum.status.value}; "
            + "; ".join(optimum.messages)
        )
    result.timings["total"] = time.perf_counter() - began
    result.plan.explanations = result.to_dict()
    return result
