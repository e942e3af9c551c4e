"""Which method solves: HiGHS alone, or the heuristic first (then HiGHS from it).

``method="highs"`` hands the model to HiGHS as before. ``"heuristic"`` first
prices the rows (:mod:`pathway_opt.solver.lagrangian`, which also gives a valid
bound), builds a plan from the priced relaxation
(:mod:`pathway_opt.solver.heuristic`) and checks it against every row; then,
where HiGHS can take the model in the time left, HiGHS runs with that plan as
its start and improves and bounds from it. On a model too large for HiGHS's root
LP in the time, the Lagrangian dual runs on instead and bounds the plan.
``"auto"`` keeps HiGHS alone for models it solves quickly.

Every plan found is an ordinary :class:`SolveOutcome` (starts as period
indices), verified by the caller like HiGHS's.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from pathway_opt.model.form import StandardForm
from pathway_opt.solver.heuristic import greedy_plan, read_options
from pathway_opt.solver.lagrangian import Dual, relaxed
from pathway_opt.solver.outcome import SolveOutcome, Termination
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver, solver_version
from pathway_opt.solver.structure import read_structure

Method = Literal["auto", "highs", "heuristic"]
METHODS: tuple[str, ...] = ("auto", "highs", "heuristic")

#: ``auto`` runs HiGHS alone up to this many columns (it proves 10,000 x 1,
#: 20,342 columns, optimal in about 6 s; 10,000 x 5 has 50,466).
AUTO_COLUMNS = 25_000
#: Above this many nonzeros HiGHS's root LP takes longer than a minute here
#: (50,000 x 5: 2.87 M, 92 s by interior point): the dual bounds instead.
HIGHS_NONZEROS = 1_500_000
#: Share of the time limit the dual may take before the first plan.
DUAL_SHARE = 0.15
#: Dual steps before the first plan (about 0.5 s per 1 M nonzeros... per 100).
FIRST_STEPS = 300


@dataclass(frozen=True)
class SolveProgress:
    """One report of a running solve (what the command line prints)."""

    elapsed: float
    """Seconds since the solve began."""
    objective: float | None
    """The best plan's objective so far (None: no plan yet)."""
    bound: float | None
    """The best valid upper bound so far (None: none yet)."""
    found_by: str
    """Which method found the best plan (``heuristic`` or ``highs``; '' none)."""

    @property
    def gap(self) -> float | None:
        """Relative gap between the plan and the bound."""
        if self.objective is None or self.bound is None or math.isinf(self.bound):
            return None
        return max(0.0, self.bound - self.objective) / max(abs(self.objective), 1e-10)


@dataclass
class Found:
    """What a method run produced: the outcome and where its figures come from."""

    outcome: SolveOutcome
    method: str
    """The method that ran (``highs`` or ``heuristic``; never ``auto``)."""
    found_by: str
    """``highs`` or ``heuristic``: who found the plan ('' without one)."""
    bound_source: str
    """``highs`` or ``lagrangian``: where the bound comes from ('' without one)."""
    heuristic: SolveOutcome | None = None
    """The heuristic's own plan, when it found one (HiGHS's may be worse than
    its start only if HiGHS's plan failed; the caller keeps the better)."""


def chosen_method(form: StandardForm, method: Method) -> str:
    """The method to run: ``auto`` decided by the model's size."""
    if method != "auto":
        return method
    return "highs" if form.columns.n <= AUTO_COLUMNS else "heuristic"


def starts_of(form: StandardForm, x: np.ndarray) -> dict[str, int]:
    """A plan (initiative id -> start index) from every column's value."""
    cols = form.columns
    chosen = np.flatnonzero(x[: cols.n_start] > 0.5)
    ids = cols.id_array[cols.start_ini[chosen]].tolist()
    return dict(zip(ids, cols.start_period[chosen].tolist(), strict=True))


def rows_met(form: StandardForm, x: np.ndarray) -> bool:
    """Whether a plan meets every row and column bound (unscaled, with slack)."""
    if (x < form.col_lower - 1e-9).any() or (x > form.col_upper + 1e-9).any():
        return False
    matrix, lower, upper = form.stacked()
    act = matrix @ x
    slack = 1e-9 * (1.0 + np.abs(act))
    return bool(((act >= lower - slack) & (act <= upper + slack)).all())


def run_heuristic(
    form: StandardForm,
    settings: SolveSettings,
    deadline: float | None,
    began: float,
    report: Callable[[SolveProgress], None] | None = None,
    on_plan: Callable[[dict[str, int]], None] | None = None,
) -> Found:
    """Dual prices, a heuristic plan, then HiGHS from it (or the dual on)."""
    limit = settings.time_limit
    first_by = (
        time.perf_counter() + max(1.0, DUAL_SHARE * limit)
        if limit is not None
        else math.inf
    )
    if deadline is not None:
        first_by = min(first_by, deadline)
    st = read_structure(form)
    options = read_options(st)
    dual = Dual.start(st)
    dual.run(first_by, FIRST_STEPS)
    prices = dual.best_prices
    choice = relaxed(st, prices).choice if prices is not None else None
    plan_by = deadline if deadline is not None else math.inf
    state = greedy_plan(st, options, prices, plan_by, choice)
    x = state.values() if state is not None else None
    if x is not None and not rows_met(form, x):
        x = None  # never report what the rows refuse
    bound = dual.bound if math.isfinite(dual.bound) else None
    objective = float(form.cost @ x) if x is not None else None
    heuristic = _outcome(form, settings, x, objective, bound, began)

    def say(objective: float | None, bound: float | None, by: str) -> None:
        if report is not None:
            report(SolveProgress(time.perf_counter() - began, objective, bound, by))

    say(objective, bound, "heuristic" if x is not None else "")
    if x is not None and on_plan is not None and heuristic.starts is not None:
        on_plan(heuristic.starts)
    if x is None or form.stacked()[0].nnz <= HIGHS_NONZEROS:
        # HiGHS from the plan (or, without one, HiGHS alone, honestly)
        return _highs_from(form, settings, deadline, heuristic, say, on_plan)
    # too large for HiGHS in the time: the dual bounds the plan
    end = deadline if deadline is not None else time.perf_counter() + 60.0
    last = time.perf_counter()
    while time.perf_counter() < end - 0.05:
        dual.step()
        if time.perf_counter() - last >= 1.0:
            last = time.perf_counter()
            say(objective, dual.bound, "heuristic" if x is not None else "")
    bound = dual.bound if math.isfinite(dual.bound) else None
    heuristic = replace(heuristic, bound=bound, seconds=time.perf_counter() - began)
    return Found(
        outcome=heuristic,
        method="heuristic",
        found_by="heuristic" if x is not None else "",
        bound_source="lagrangian" if bound is not None else "",
        heuristic=heuristic if x is not None else None,
    )


def _outcome(
    form: StandardForm,
    settings: SolveSettings,
    x: np.ndarray | None,
    objective: float | None,
    bound: float | None,
    began: float,
) -> SolveOutcome:
    """The heuristic's plan as an outcome (limit: no proof of optimality)."""
    return SolveOutcome(
        termination=Termination.LIMIT,
        starts=None if x is None else starts_of(form, x),
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - began,
        solver=f"pathway-opt heuristic + {solver_version()}",
        detail="heuristic plan (no proof of optimality)",
        settings=settings,
        periods=tuple(form.source.periods),
    )


def _highs_from(
    form: StandardForm,
    settings: SolveSettings,
    deadline: float | None,
    heuristic: SolveOutcome,
    say: Callable[[float | None, float | None, str], None],
    on_plan: Callable[[dict[str, int]], None] | None,
) -> Found:
    """HiGHS from the heuristic's plan; the better plan and the tighter bound."""
    found_by = "heuristic" if heuristic.starts is not None else ""

    solver = Solver(form)

    def improving(starts: dict[str, int]) -> None:
        if on_plan is not None:
            on_plan(starts)
        objective = float(form.cost @ solver._column_values(starts))
        say(objective, heuristic.bound, "highs")

    outcome = solver.solve(settings, deadline, heuristic.starts, improving)
    if outcome.termination == Termination.ERROR and heuristic.starts is not None:
        return Found(
            outcome=heuristic,
            method="heuristic",
            found_by="heuristic",
            bound_source="lagrangian" if heuristic.bound is not None else "",
            heuristic=heuristic,
        )
    lagrangian = heuristic.bound
    highs_bound = outcome.bound
    source = "highs"
    bound = highs_bound
    if lagrangian is not None and (bound is None or lagrangian < bound):
        bound, source = lagrangian, "lagrangian"
    if outcome.termination == Termination.OPTIMAL:
        bound, source = outcome.bound, "highs"  # HiGHS proved it: its own figures
    if outcome.starts is not None and (
        heuristic.objective is None
        or (outcome.objective or -math.inf) > heuristic.objective + 1e-9
    ):
        found_by = "highs"
    elif heuristic.starts is not None and outcome.termination not in (
        Termination.OPTIMAL,
        Termination.ERROR,
    ):
        # HiGHS ended without improving: its plan is the start offered
        outcome = replace(
            outcome, starts=heuristic.starts, objective=heuristic.objective
        )
    if outcome.termination == Termination.ERROR or outcome.starts is None:
        return Found(
            outcome=replace(outcome, bound=bound) if outcome.starts else outcome,
            method="heuristic",
            found_by="" if outcome.starts is None else found_by,
            bound_source=source if bound is not None else "",
            heuristic=heuristic if heuristic.starts is not None else None,
        )
    return Found(
        outcome=replace(outcome, bound=bound),
        method="heuristic",
        found_by=found_by,
        bound_source=source if bound is not None else "",
        heuristic=heuristic if heuristic.starts is not None else None,
    )
