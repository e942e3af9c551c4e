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
from pathway_opt.errors import InputError, Problem, listing
from pathway_opt.explanations.binding import (
    binding_rows,
    bottleneck_rows,
    marginal_solves,
)
from pathway_opt.explanations.resolve import resolve, restored
from pathway_opt.explanations.why import check_only, why_rows, why_solves
from pathway_opt.outputs import explanation_tables as tables
from pathway_opt.outputs.plan_json import PlanChoice
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.plan import Plan, Status, html_summary
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.verification.verifier import verify
from pathway_opt.whatif.parallel import Progress
from pathway_opt.whatif.session import Session


@dataclass(repr=False)
class Explanation:
    """What :func:`explain` found, as tables and as the planner reads it.

    ``repr`` is one line; in a notebook it shows as a summary with the repairs
    (no plan) or the why table.
    """

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
        """One table: ``why``, ``binding``, ``bottlenecks`` or ``repairs``.

        Raises:
            InputError: naming the tables there are, for any other ``name``.
        """
        make = tables.TABLES.get(name) if isinstance(name, str) else None
        if make is None:
            raise InputError(
                [
                    Problem(
                        "name",
                        f"unknown table {name!r}; the tables are "
                        f"{listing(tables.TABLES)}",
                    )
                ]
            )
        return make(self.plan)

    def __repr__(self) -> str:
        """One line: the plan explained and what was found."""
        found = (
            f"{len(self.repairs)} repair(s)"
            if self.plan.status == Status.INFEASIBLE
            else f"{len(self.why)} why row(s), {len(self.binding)} binding row(s)"
        )
        return f"<Explanation of {self.plan!r}: {found}>"

    def _repr_html_(self) -> str:
        """The notebook view: the plan's figures, notes, then repairs or why."""
        plan = self.plan
        fields: list[tuple[str, Any]] = [
            ("instance", plan.instance.name),
            ("status", str(plan.status)),
            ("objective", "-" if plan.objective is None else f"{plan.objective:,.4f}"),
            ("optimum", "-" if self.optimum is None else f"{self.optimum:,.4f}"),
            ("selected", len(plan.starts) if plan.has_plan else 0),
        ]
        fields += [("note", n) for n in self.notes]
        if plan.status == Status.INFEASIBLE:
            fields += [("message", m) for m in plan.messages]
            shown = self.table("repairs")
        else:
            shown = self.table("why")
        tail = "tables: " + ", ".join(tables.TABLES) + " (result.table(name))"
        return html_summary("Explanation", fields, shown, caption=tail)

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
    inst: Instance, given: Plan | PlanChoice | Mapping[str, str], optimum: Plan
) -> tuple[Plan, list[str]]:
    if isinstance(given, Plan | PlanChoice):
        starts = dict(given.starts)
        variants, funding = dict(given.variants), dict(given.funding)
    else:
        starts, variants, funding = dict(given), {}, {}
    check = verify(inst, list(starts.items()), None, variants, funding)
    if not check.ok:
        raise InputError(
            [Problem("plan", f"does not fit the instance: {p}") for p in check.problems]
        )
    plan = replace(
        optimum,
        starts=starts,
        variants=variants,
        funding=funding,
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


class _Solves:
    """Counts re-solves done against those planned, for ``progress``."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.report = progress or (lambda done, total: None)
        self.done, self.total = 0, total
        self.report(0, total)

    def add(self, n: int) -> None:
        self.done += n
        self.report(self.done, self.total)

    def replan(self, remaining: int) -> None:
        """What is left, now that the first solve is known."""
        self.total = self.done + remaining
        self.report(self.done, self.total)

    def finish(self) -> None:
        """All done (some planned solves may have been skipped)."""
        self.total = self.done = max(self.total, self.done)
        self.report(self.total, self.total)


def _why_solves(inst: Instance, only: Sequence[str] | None, why: bool) -> int:
    """Re-solves of why in / why out (InputError for an unknown ``only`` id)."""
    asked = check_only(inst, only)
    return sum(why_solves(inst, ini) for ini in asked) if why else 0


def explain(
    source: Session | InstanceSource,
    plan: Plan | PlanChoice | Mapping[str, str] | None = None,
    *,
    settings: SolveSettings | None = None,
    only: Sequence[str] | str | None = None,
    why: bool = True,
    marginal: bool = True,
    step: float = 0.05,
    alternatives: int = 3,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    progress: Progress | None = None,
) -> Explanation:
    """Explain an instance, or a plan of it, by re-solving one built model.

    Args:
        source: a what-if session (its current edits are explained and left as
            they are), an instance (a session is built) or an instance file's
            path.
        plan: the plan to explain (a Plan, a PlanChoice read from a plan JSON
            by read_plan_choice, or initiative id -> start period);
            default: the optimum.
        settings: settings of every solve; ``time_limit`` applies to each
            re-solve. Default: a session's own settings, else SolveSettings().
        only: initiative ids to explain, or one id (default: all).
        why: whether to price forcing each initiative the other way.
        marginal: whether to measure marginal values of limits (2 re-solves each).
        step: share of a period's limit raised and lowered for marginal values.
        alternatives: how many repairs to look for when the instance is infeasible.
        time_limit: seconds each re-solve may take (instead of ``settings``).
        threads: threads HiGHS may use (instead of ``settings``).
        mip_gap: relative gap at which a plan counts as optimal (instead of
            ``settings``).
        progress: called as ``progress(done, total)`` in solves: first with 0
            and the solves planned before anything is solved (one for the
            optimum, one per initiative asked about that could be in a plan,
            one per limit that can move), then as solves are done, last with
            ``done == total``. ``total`` is revised once the optimum is known:
            a cut of each limit its slack does not absorb is added, or, when
            the instance is infeasible, its repairs replace the rest. Forcing
            an initiative that admits no plan takes uncounted elastic solves.

    Raises:
        InputError: when ``plan`` does not fit the instance, ``only`` names an
            unknown initiative, a solve option is bad, or ``settings`` is given
            with a keyword option.
        SolverError: when HiGHS's infeasible verdict is not confirmed with
            presolve off.
    """
    settings = settings_from(
        settings,
        time_limit=time_limit,
        threads=threads,
        mip_gap=mip_gap,
        default=source.settings if isinstance(source, Session) else None,
    )
    if isinstance(only, str):
        only = [only]
    began = time.perf_counter()
    if not isinstance(source, Session):
        source = as_instance(source, "source")
    inst = source.instance if isinstance(source, Session) else source
    why_count = _why_solves(inst, only, why)
    raises = marginal_solves(inst, step) if marginal else 0
    solves = _Solves(progress, 1 + why_count + raises)
    session = source if isinstance(source, Session) else Session(source, settings)
    with restored(session):
        optimum = resolve(session, settings)
    solves.add(1)
    result = Explanation(plan=optimum, optimum=optimum.objective, settings=settings)
    result.timings["solve"] = time.perf_counter() - began
    if optimum.status == Status.INFEASIBLE:
        # each repair: an elastic solve and a solve confirming it
        solves.replan(2 * alternatives)
        result.repairs = find_repairs(inst, session.form, settings, alternatives)
        optimum.messages = infeasible_messages(inst, result.repairs)
    elif optimum.has_plan:
        cuts = marginal_solves(inst, step, optimum) if marginal else 0
        solves.replan(why_count + cuts)
        base, result.notes = (
            (optimum, []) if plan is None else _given_plan(inst, plan, optimum)
        )
        result.plan = base
        best = optimum.objective or 0.0
        if why:
            result.why, result.timings["why"] = why_rows(
                session, base, best, settings, only, solves.add
            )
        result.binding, result.timings["binding"] = binding_rows(
            session, base, optimum, settings, step, marginal, solves.add
        )
        result.bottlenecks = bottleneck_rows(base)
    else:
        result.notes.append(
            f"no plan to explain: status {optimum.status.value}; "
            + "; ".join(optimum.messages)
        )
    solves.finish()
    result.timings["total"] = time.perf_counter() - began
    result.plan.explanations = result.to_dict()
    return result
