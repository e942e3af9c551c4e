"""The one-way pipeline: Instance -> model -> HiGHS -> verified Plan."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pathway_opt.diagnose.conflicts import explain_infeasible
from pathway_opt.errors import InputError, Problem, SolverError
from pathway_opt.inputs.load import load_instance
from pathway_opt.model.form import StandardForm, compile_form
from pathway_opt.plan import CheckAhead, Plan, Status, make_plan
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import check_values
from pathway_opt.solver.methods import (
    METHODS,
    Method,
    SolveProgress,
    chosen_method,
    run_heuristic,
)
from pathway_opt.solver.outcome import Choice, SolveOutcome
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.solver.solver import Solver, confirm_infeasible

#: What the analyst-facing calls take as an instance: one, or its file's path.
InstanceSource = Instance | str | os.PathLike[str]


def as_instance(source: Any, argument: str = "inst") -> Instance:
    """The instance itself, or the instance loaded from a path (str or Path).

    Raises:
        InputError: naming ``argument`` when ``source`` is neither, or with the
            file's problems when it does not load.
    """
    if isinstance(source, Instance):
        return source
    if isinstance(source, str | os.PathLike):
        return load_instance(Path(source))
    hint = (
        "; validate a dict first with po.instance_from_data(data)"
        if isinstance(source, dict)
        else ""
    )
    raise InputError(
        [
            Problem(
                argument,
                "must be an Instance or the path of an instance file (.json or "
                f".xlsx), got {type(source).__name__}{hint}",
            )
        ]
    )


def solve(
    inst: InstanceSource,
    settings: SolveSettings | None = None,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    method: Method = "auto",
    progress: Callable[[SolveProgress], None] | None = None,
) -> Plan:
    """Build, solve and verify an instance; infeasible plans carry an explanation.

    The time limit covers building the model and HiGHS's run (HiGHS is stopped
    at most a second after it), not verifying the plan or explaining an
    infeasible verdict.

    Args:
        inst: the instance, or the path of its file (JSON or workbook).
        settings: every solve option; or give some of them as keywords:
        time_limit: seconds the solve may take (None: no limit).
        threads: threads HiGHS may use (None: HiGHS decides).
        mip_gap: relative gap at which a plan counts as optimal (default 0).
        method: ``"highs"`` (HiGHS alone), ``"heuristic"`` (a plan from the
            Lagrangian-priced heuristic first, with a Lagrangian bound, then
            HiGHS from that plan where the model allows) or ``"auto"`` (HiGHS
            alone for models it solves quickly, else the heuristic first). The
            plan records it (``settings["method"]``), who found the plan
            (``found_by``) and where the bound comes from (``bound_source``).
        progress: called with a :class:`SolveProgress` (elapsed seconds, best
            objective, bound, who found the plan) as the solve goes on.

    Raises:
        InputError: for an instance that does not load, an option out of range,
            ``settings`` given together with a keyword option, an unknown
            ``method``, or an initiative whose value is 1e15 or more (HiGHS
            cannot solve it; see :func:`pathway_opt.schema.numerics.value_problems`).
        SolverError: when HiGHS calls the instance infeasible but a second solve
            with presolve off finds a plan (a solver inconsistency).
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    if method not in METHODS:
        raise InputError(
            [
                Problem(
                    "method",
                    f"must be one of {', '.join(map(repr, METHODS))}, got {method!r}",
                )
            ]
        )
    inst = as_instance(inst)
    check_values(inst)
    began = time.perf_counter()
    deadline = None if settings.time_limit is None else began + settings.time_limit
    form = compile_form(inst)
    built = time.perf_counter()
    chosen = chosen_method(form, method)
    if chosen == "heuristic":
        plan = _solve_heuristic(inst, form, settings, deadline, began, progress)
        plan.timings = {"build": built - began, **plan.timings}
    else:
        solver = Solver(form)
        handed = time.perf_counter()

        def once(s: SolveSettings) -> Plan:
            ahead = CheckAhead(inst)
            report = _Reporting(ahead, progress)
            outcome = solver.solve(
                s, deadline, on_plan=report.plan, on_bound=report.bound
            )
            return finish_plan(inst, form, outcome, s, handed, ahead=ahead)

        plan = checked(once, settings)
        plan.timings = {
            "build": built - began,
            "handover": handed - built,
            **plan.timings,
        }
    plan.method = chosen
    plan.settings["method"] = method
    plan.timings["total"] = time.perf_counter() - began
    return plan


class _Reporting:
    """Verify HiGHS's improving plans ahead; report each verified one and each bound."""

    def __init__(
        self, ahead: CheckAhead, progress: Callable[[SolveProgress], None] | None
    ) -> None:
        self.ahead, self.progress = ahead, progress
        self.began = time.perf_counter()
        self.objective: float | None = None
        self.best_bound: float | None = None

    def plan(self, choice: Choice) -> None:
        """An improving plan: checked ahead, reported once verified."""
        self.ahead.offer(choice)
        checked = self.ahead.take(choice.starts)
        if checked is not None and checked.verification.ok:
            self.objective = checked.verification.objective
            self._say()

    def bound(self, bound: float) -> None:
        """HiGHS's dual bound moved."""
        self.best_bound = bound
        self._say()

    def _say(self) -> None:
        if self.progress is not None:
            elapsed = time.perf_counter() - self.began
            found_by = "highs" if self.objective is not None else ""
            self.progress(
                SolveProgress(elapsed, self.objective, self.best_bound, found_by)
            )


def _solve_heuristic(
    inst: Instance,
    form: StandardForm,
    settings: SolveSettings,
    deadline: float | None,
    began: float,
    progress: Callable[[SolveProgress], None] | None,
) -> Plan:
    """The heuristic's plan, then HiGHS's from it; verified, the better kept.

    Raises:
        SolverError: as :func:`finish_plan`.
    """
    ahead = CheckAhead(inst)
    found = run_heuristic(form, settings, deadline, began, progress, ahead.offer)
    plan = finish_plan(inst, form, found.outcome, settings, began, ahead=ahead)
    own = found.heuristic
    if own is not None and (
        not plan.verified
        or (
            plan.objective is not None
            and own.objective is not None
            and own.objective > plan.objective + 1e-9
        )
    ):
        # HiGHS's plan failed verification or fell short: the heuristic's stands
        kept = finish_plan(inst, form, replace(own, bound=found.outcome.bound),
                           settings, began)  # fmt: skip
        if kept.verified:
            kept.messages.extend(plan.messages)
            plan, found.found_by = kept, "heuristic"
    if plan.has_plan:
        plan.found_by = found.found_by
    plan.bound_source = found.bound_source if plan.bound is not None else ""
    return plan


# -- HiGHS's presolve, second-guessed ------------------------------------------
# Every solve that reports a plan (solve, Session.solve, the explanations'
# re-solves) goes through `checked` and `confirmed`.


def checked(
    solve_once: Callable[[SolveSettings], Plan], settings: SolveSettings
) -> Plan:
    """Solve; if HiGHS's plan fails verification, solve again without presolve.

    HiGHS 1.16 with presolve sometimes returns a plan that does not reach the
    objective it reports (the provincial example with every budget at 0.3313205 of
    its limits); the same model without presolve gives the proven optimum. The
    repeat is deterministic and the plan's messages say when it happened; when
    the repeat gives no verified plan either, the first plan is kept.
    """
    plan = solve_once(settings)
    if (
        plan.status != Status.ERROR
        or plan.verification is None
        or not settings.presolve
    ):
        return plan
    again = solve_once(replace(settings, presolve=False))
    if not again.verified:
        return plan
    again.messages.append(
        f"HiGHS's plan with presolve failed verification ({'; '.join(plan.messages)}); "
        "solved again with presolve off"
    )
    return again


def confirmed(
    plan: Plan,
    form: StandardForm,
    settings: SolveSettings,
    solver: Solver | None = None,
) -> Plan:
    """The plan, once an infeasible verdict is confirmed with presolve off.

    ``solver``, when given, confirms on its own model (see
    :func:`confirm_infeasible`).

    Raises:
        SolverError: when the solve with presolve off finds a plan (a solver
            inconsistency).
    """
    if plan.status == Status.INFEASIBLE and not confirm_infeasible(
        form, settings, solver
    ):
        raise SolverError(
            "solver inconsistency: HiGHS called the instance infeasible, but a "
            "second solve with presolve off found a plan"
        )
    return plan


def finish_plan(
    inst: Instance,
    form: StandardForm,
    outcome: SolveOutcome,
    settings: SolveSettings,
    began: float,
    solver: Solver | None = None,
    ahead: CheckAhead | None = None,
    explain: bool = True,
) -> Plan:
    """Verify the outcome into a plan; confirm and explain an infeasible verdict.

    ``began`` is when the solve call started (for the timings); ``solver``, when
    given, confirms an infeasible verdict on its own model (see
    :func:`confirmed`); ``ahead`` holds the plans verified while HiGHS ran.
    Without ``explain`` an infeasible verdict is confirmed but not explained
    (for a model with rows the instance does not have, whose repairs would
    answer another question).

    Raises:
        SolverError: when the infeasible verdict is not confirmed.
    """
    solved = time.perf_counter()
    plan = confirmed(make_plan(inst, outcome, ahead), form, settings, solver)
    if plan.status == Status.INFEASIBLE and explain:
        plan.messages.extend(explain_infeasible(inst, form))
    done = time.perf_counter()
    # "highs" includes starting and stopping HiGHS's process; "highs_run" is
    # the time HiGHS itself ran (when known).
    plan.timings = {"highs": outcome.seconds}
    if outcome.solving is not None:
        plan.timings["highs_run"] = outcome.solving
    if ahead is not None:
        # verifying improving plans while HiGHS ran (inside "highs")
        plan.timings["verify_ahead"] = ahead.seconds
    plan.timings.update({"verify": done - solved, "total": done - began})
    return plan
