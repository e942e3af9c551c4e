"""Alternative plans: near-optimal plans that differ from the optimum and each other.

:func:`alternatives` solves the instance once, then, on the same HiGHS model,
appends a score cut (at least the optimum less ``within`` of it) and one distance
row per plan found (:mod:`pathway_opt.model.distance`) and solves again, up to
``count`` times. Each solve maximises the score among the plans still allowed,
so the alternatives come best first, and each is verified like any plan. The
search stops early when no allowed plan is left (then says how many there are
and why), when the time limit stops a solve before it finds a plan, or when a
solve fails.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.model.distance import distance_row, score_cut_row
from pathway_opt.model.form import StandardForm, compile_form
from pathway_opt.outputs.alternatives_tables import (
    changes_table,
    loss_of,
    plan_label,
    selection_difference,
    side_by_side,
)
from pathway_opt.outputs.plan_text import clip
from pathway_opt.pipeline import InstanceSource, as_instance, checked, finish_plan
from pathway_opt.plan import CheckAhead, Plan, Status, html_summary
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import check_values
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.solver.solver import Solver

#: ``progress(done, total)``: called after each solve (the optimum and each
#: alternative); ``total`` is ``count + 1``.
Progress = Callable[[int, int], None]

#: Default request: three plans within 5 % of the optimum, one initiative apart.
DEFAULT_COUNT = 3
DEFAULT_WITHIN = 0.05
DEFAULT_MIN_DIFFERENCE = 1


def percent(share: float) -> str:
    """A share as a short percentage: 0.05 -> ``5%``, 0.125 -> ``12.5%``."""
    return f"{share * 100:.4g}%"


@dataclass
class Alternatives:
    """The optimum and up to ``count`` alternative plans, best first.

    ``table`` is one row per alternative (what it adds to and drops from the
    optimum, its score and loss); :meth:`side_by_side` puts every plan's start
    periods next to each other. ``repr`` is one line; a notebook shows the
    request, the messages and the table.
    """

    optimum: Plan
    """The plan of the instance as given (verified; may have no plan)."""
    plans: list[Plan] = field(default_factory=list)
    """The alternatives found, best first (each verified)."""
    count: int = DEFAULT_COUNT
    within: float = DEFAULT_WITHIN
    min_difference: int = DEFAULT_MIN_DIFFERENCE
    threshold: float | None = None
    """The lowest score an alternative may have: the optimum less ``within`` of
    its size (None without an optimum)."""
    messages: list[str] = field(default_factory=list)
    """Why fewer than ``count`` were found, and notes on unproven plans."""
    settings: SolveSettings = field(default_factory=SolveSettings)
    solves: int = 0
    """HiGHS solves made, the optimum's and the one explaining a stop included."""
    seconds: float = 0.0
    failed: bool = False
    """Whether a solve failed (HiGHS failed, or its plan failed verification)."""

    @property
    def instance(self) -> Instance:
        """The instance solved."""
        return self.optimum.instance

    @property
    def exit_code(self) -> int:
        """The command line's: the optimum's without a plan, 5 after a failure."""
        if not self.optimum.has_plan:
            return self.optimum.exit_code
        return 5 if self.failed else 0

    @property
    def table(self) -> pd.DataFrame:
        """Per alternative: adds, drops, moved, score, loss, loss_share, ...

        See :func:`pathway_opt.outputs.alternatives_tables.changes_table`.
        """
        return changes_table(self.optimum, self.plans)

    def side_by_side(self, differing_only: bool = False) -> pd.DataFrame:
        """Initiatives by plans: start periods, then the score and loss rows."""
        return side_by_side(self.optimum, self.plans, differing_only)

    def headline(self) -> str:
        """One sentence: how many alternatives of how many, on what terms."""
        found = len(self.plans)
        return (
            f"{found} of {self.count} alternative plan(s) within "
            f"{percent(self.within)} of the optimum, each differing from it and "
            f"from each other in at least {self.min_difference} funded "
            "initiative(s)"
        )

    def text(self) -> str:
        """The terminal summary: the optimum, the table, the plans side by side."""
        opt = self.optimum
        lines = [self.instance.name, self.headline()]
        verified = " (verified)" if opt.verified else ""
        score = "-" if opt.objective is None else f"{opt.objective:,.4f}"
        lines.append(
            f"optimum    {opt.status.value}{verified}, score {score}, "
            f"{len(opt.starts) if opt.has_plan else 0} of "
            f"{len(self.instance.initiatives)} funded"
        )
        if self.threshold is not None:
            lines.append(
                f"threshold  {self.threshold:,.4f} (the optimum less "
                f"{percent(self.within)} of it)"
            )
        lines += [f"  - {m}" for m in [*opt.messages, *self.messages]]
        if not self.plans:
            return "\n".join(lines)
        shown = self.table[
            ["alternative", "status", "score", "loss", "loss_share", "differs"]
        ].copy()
        shown["score"] = [f"{v:,.4f}" for v in shown["score"]]
        shown["loss"] = [f"{v:,.4f}" for v in shown["loss"]]
        shown["loss_share"] = [
            "-" if math.isnan(v) else percent(v) for v in shown["loss_share"]
        ]
        shown = shown.rename(columns={"alternative": "#", "loss_share": "loss %"})
        table = self.table
        shown["adds"] = [clip(v, 40) or "-" for v in table["adds"]]
        shown["drops"] = [clip(v, 40) or "-" for v in table["drops"]]
        lines += ["", "Alternatives (against the optimum):", _indent(shown)]
        grid = self.side_by_side(differing_only=True)
        grid["name"] = [clip(str(n), 30) for n in grid["name"]]
        grid.columns = [str(c).replace("alternative ", "alt ") for c in grid.columns]
        for column in grid.columns[2:]:
            grid[column] = [_cell(v) for v in grid[column]]
        lines += [
            "",
            "Side by side (initiatives not funded alike in every plan; start "
            "period, - = not funded):",
            _indent(grid),
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        """One line: how many of how many, the optimum and the best alternative."""
        opt = self.optimum
        head = (
            f"<Alternatives {len(self.plans)} of {self.count} (within "
            f"{percent(self.within)}, {self.min_difference}+ apart)"
        )
        if opt.objective is None:
            return f"{head}, optimum {opt.status.value}>"
        tail = f", optimum {opt.objective:,.4f}"
        if self.plans and self.plans[0].objective is not None:
            tail += f", best alternative {self.plans[0].objective:,.4f}"
        return f"{head}{tail}>"

    def _repr_html_(self) -> str:
        """The notebook view: request, optimum, messages, then the table."""
        opt = self.optimum
        fields: list[tuple[str, Any]] = [
            ("instance", self.instance.name),
            ("asked", f"{self.count} within {percent(self.within)}, "
                      f"{self.min_difference}+ initiative(s) apart"),
            ("found", len(self.plans)),
            ("optimum", f"{opt.status.value}, "
                        + ("-" if opt.objective is None else f"{opt.objective:,.4f}")),
            ("threshold", "-" if self.threshold is None else f"{self.threshold:,.4f}"),
        ]  # fmt: skip
        fields += [("message", m) for m in [*opt.messages, *self.messages]]
        shown = self.table[
            ["alternative", "status", "score", "loss", "loss_share", "differs",
             "adds", "drops"]
        ] if self.plans else None  # fmt: skip
        return html_summary(f"Alternatives: {self.instance.name}", fields, shown)


def _cell(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:,.4f}"
    return value or "-"


def _indent(frame: pd.DataFrame) -> str:
    with pd.option_context("display.unicode.east_asian_width", True):
        text = frame.to_string(index=False)
    return "\n".join("  " + line for line in text.splitlines())


# -- the request ---------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def request_problems(count: Any, within: Any, min_difference: Any) -> list[Problem]:
    """Every problem with the request, each naming its argument."""
    problems = []
    if not _whole(count) or count < 1:
        problems.append(
            Problem("count", f"must be a whole number >= 1 (plans), got {count!r}")
        )
    real = isinstance(within, numbers.Real) and not isinstance(within, bool)
    if not real or not math.isfinite(within) or not 0 <= within < 1:
        problems.append(
            Problem(
                "within",
                "must be a number from 0 up to but not including 1 (a share of "
                f"the optimum's score: 0.05 is 5%), got {within!r}",
            )
        )
    if not _whole(min_difference) or min_difference < 1:
        problems.append(
            Problem(
                "min_difference",
                "must be a whole number >= 1 (funded initiatives), got "
                f"{min_difference!r}",
            )
        )
    return problems


# -- the search ----------------------------------------------------------------


def alternatives(
    inst: InstanceSource,
    settings: SolveSettings | None = None,
    *,
    count: int = DEFAULT_COUNT,
    within: float = DEFAULT_WITHIN,
    min_difference: int = DEFAULT_MIN_DIFFERENCE,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    progress: Progress | None = None,
) -> Alternatives:
    """Up to ``count`` plans within ``within`` of the optimum, ``min_difference`` apart.

    Each alternative scores at least the optimum less ``within`` of its size
    (``optimum - within * |optimum|``) and differs from the optimum and from
    every earlier alternative in at least ``min_difference`` funded initiatives
    (an initiative funded in one plan and not in the other; another start
    period does not count). Each is the best such plan, found by HiGHS on the
    model built once; one stopped by the time limit is ``feasible`` with its
    gap, not proven best.

    Args:
        inst: the instance, or the path of its file (JSON or workbook).
        settings: every solve option; or give some of them as keywords.
        count: how many alternatives to look for (at least 1).
        within: the share of the optimum's score an alternative may lose,
            from 0 (ties only) up to but not including 1.
        min_difference: funded initiatives by which every two plans differ
            (at least 1).
        time_limit: seconds for each solve, the optimum's and each
            alternative's (None: no limit).
        threads: threads HiGHS may use (None: HiGHS decides).
        mip_gap: relative gap at which a plan counts as optimal (default 0).
        progress: called as ``progress(done, total)`` after each solve.

    Raises:
        InputError: naming ``count``, ``within`` or ``min_difference`` when out
            of range, for an instance that does not load, or a bad option.
        SolverError: when HiGHS calls a model infeasible but a second solve with
            presolve off finds a plan (a solver inconsistency).
    """
    problems = request_problems(count, within, min_difference)
    if problems:
        raise InputError(problems)
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    inst = as_instance(inst)
    check_values(inst)
    began = time.perf_counter()
    report = progress or (lambda done, total: None)
    search = _Search(inst, settings, int(min_difference))
    result = Alternatives(
        optimum=search.solve(explain=True),
        count=int(count),
        within=float(within),
        min_difference=int(min_difference),
        settings=settings,
    )
    total = result.count + 1
    shown = [1]

    def step(done: int) -> None:
        shown[0] = done
        report(done, total)

    step(1)
    if result.optimum.has_plan:
        search.run(result, step)
    else:
        result.failed = result.optimum.status == Status.ERROR
        result.messages.append(
            f"no alternatives: the instance itself has no plan "
            f"({result.optimum.status.value})"
        )
    if shown[0] < total:  # stopped early: the work is done all the same
        step(total)
    result.solves = search.solves
    result.seconds = time.perf_counter() - began
    return result


class _Search:
    """One built model, its HiGHS solver and the rows added to it so far."""

    def __init__(self, inst: Instance, settings: SolveSettings, distance: int) -> None:
        self.inst = inst
        self.settings = settings
        self.distance = distance
        self.form: StandardForm = compile_form(inst)
        self.solver = Solver(self.form, keep_process=True)
        self.solves = 0
        self.cut_added = False

    def solve(self, explain: bool = False) -> Plan:
        """Solve the model as it stands, verified (an infeasible verdict confirmed).

        ``explain`` explains an infeasible verdict, which only makes sense before
        any row is added (the repairs are the instance's).
        """
        inst, form, solver = self.inst, self.form, self.solver
        began = time.perf_counter()
        limit = self.settings.time_limit
        deadline = None if limit is None else began + limit

        def once(s: SolveSettings) -> Plan:
            ahead = CheckAhead(inst)
            outcome = solver.solve(s, deadline, on_plan=ahead.offer)
            return finish_plan(inst, form, outcome, s, began, solver, ahead, explain)

        self.solves += 1
        return checked(once, self.settings)

    def set_cut(self, threshold: float | None) -> None:
        """Keep the score cut as the last row (``None``: no cut)."""
        if self.cut_added:
            self.solver.drop_last_row()
            self.cut_added = False
        row = None if threshold is None else score_cut_row(self.form, threshold)
        if row is not None:
            self.solver.add_row(row)
            self.cut_added = True

    def run(self, result: Alternatives, report: Callable[[int], None]) -> None:
        """Find the alternatives into ``result``, best first, until one is missing."""
        optimum = result.optimum
        assert optimum.objective is not None
        best = optimum.objective
        result.threshold = best - result.within * abs(best)
        if optimum.status != Status.OPTIMAL:
            result.messages.append(
                "the optimum is not proven (gap "
                f"{'-' if optimum.gap is None else percent(optimum.gap)}): 'within' "
                "is measured from the best plan found"
            )
        if best == 0:
            result.messages.append(
                "the optimum scores 0, so within any share of it means scoring at "
                "least 0"
            )
        movable = movable_initiatives(self.form)
        if movable < self.distance:
            result.messages.append(
                f"no alternative plan: only {movable} initiative(s) can be funded "
                "in one plan and left out of another (the others are must-fund, "
                "never-fund or can never start), fewer than the "
                f"{self.distance} every two plans must differ in"
            )
            return
        found = [optimum]
        for rank in range(1, result.count + 1):
            self.set_cut(None)
            self.solver.add_row(
                distance_row(self.form, found[-1].starts, self.distance)
            )
            self.set_cut(result.threshold)
            plan = self.solve()
            report(rank + 1)
            _check_terms(plan, found, result.threshold, self.distance)
            if not plan.has_plan:
                result.failed = plan.status == Status.ERROR
                result.messages.append(self._stopped(result, plan, rank))
                return
            if plan.status != Status.OPTIMAL:
                result.messages.append(
                    f"{plan_label(rank)} is the best plan found before the time "
                    f"or node limit stopped its solve, not proven best (gap "
                    f"{'-' if plan.gap is None else percent(plan.gap)}); a later "
                    "alternative may score higher"
                )
            found.append(plan)
            result.plans.append(plan)

    def _stopped(self, result: Alternatives, plan: Plan, rank: int) -> str:
        """Why there is no ``rank``-th alternative, in one message."""
        have, d = rank - 1, self.distance
        within = f"within {percent(result.within)} of the optimum"
        asked = f"(asked for {result.count})"
        if plan.status == Status.NO_SOLUTION:
            return (
                f"found {have} of {result.count} alternatives: the time or node "
                f"limit stopped the search for {plan_label(rank)} before it found a "
                "plan; allow more time"
            )
        if plan.status == Status.ERROR:
            return (
                f"found {have} of {result.count} alternatives: the solve for "
                f"{plan_label(rank)} failed: " + "; ".join(plan.messages)
            )
        assert result.threshold is not None
        if have:
            earlier = "the optimum and " + (
                "alternative 1" if have == 1 else f"alternatives 1-{have}"
            )
            head = (
                f"only {have} plan(s) {within} that differ by at least {d} funded "
                f"initiative(s) from it and from each other {asked}: no further "
                f"plan scoring at least {result.threshold:,.4f} differs from "
                f"{earlier} in at least {d}"
            )
        else:
            earlier = "the optimum"
            head = (
                f"no plan {within} differs from it by at least {d} funded "
                f"initiative(s) {asked}: none scoring at least "
                f"{result.threshold:,.4f} does"
            )
        proof = "proven by HiGHS, confirmed with presolve off"
        return f"{head} ({proof}); {self._best_without_cut(result, earlier)}"

    def _best_without_cut(self, result: Alternatives, earlier: str) -> str:
        """The best plan the distance rows allow at any score, as a sentence."""
        self.set_cut(None)
        plan = self.solve()
        if plan.status == Status.INFEASIBLE:
            return (
                f"no plan at all, whatever its score, differs from {earlier} in at "
                f"least {self.distance} funded initiative(s)"
            )
        if not plan.has_plan or plan.objective is None:
            return "the best plan at any score was not found within the time limit"
        loss, share = loss_of(result.optimum, plan)
        proven = "" if plan.status == Status.OPTIMAL else " (best found, not proven)"
        need = (
            "" if math.isnan(share) else f" (within {share:.6g} or more would admit it)"
        )
        return (
            f"the best plan that does scores {plan.objective:,.4f}{proven}, "
            f"{loss:,.4f} below the optimum{need}"
        )


def _check_terms(
    plan: Plan, found: list[Plan], threshold: float | None, distance: int
) -> None:
    """Refuse a verified plan that breaks the search's own terms (a tolerance slip).

    HiGHS meets a row within its feasibility tolerance; the verifier's figures
    decide. A plan below the threshold by more than 1e-6 of the optimum's size,
    or closer than ``distance`` to a plan found earlier, becomes an ``error``.
    """
    if not plan.has_plan or plan.objective is None or threshold is None:
        return
    best = found[0].objective or 0.0
    problems = []
    if plan.objective < threshold - 1e-6 * max(1.0, abs(best)):
        problems.append(
            f"it scores {plan.objective:,.6f}, below the threshold {threshold:,.6f}"
        )
    for rank, earlier in enumerate(found):
        apart = selection_difference(plan, earlier)
        if apart < distance:
            problems.append(
                f"it differs from {plan_label(rank)} in {apart} funded "
                f"initiative(s), fewer than {distance}"
            )
    if problems:
        plan.status = Status.ERROR
        plan.messages += [
            f"HiGHS's plan breaks the search's terms: {p}" for p in problems
        ]


def movable_initiatives(form: StandardForm) -> int:
    """Initiatives that may be funded or not: optional, with a start in their window."""
    cols = form.columns
    select = np.asarray(cols.select_col(np.arange(len(cols.ids))))
    free = (form.col_lower[select] < 0.5) & (form.col_upper[select] > 0.5)
    startable = np.zeros(len(cols.ids), dtype=bool)
    startable[cols.start_ini[form.col_upper[: cols.n_start] > 0.5]] = True
    return int((free & startable).sum())
