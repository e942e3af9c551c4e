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
from pathway_opt.solver.heuristic import (
    Options,
    State,
    drop_until_met,
    fill,
    greedy_plan,
    polish,
    priced_values,
    read_options,
)
from pathway_opt.solver.lagrangian import Dual, best_per_group, relaxed
from pathway_opt.solver.outcome import Choice, SolveOutcome, Termination
from pathway_opt.solver.residual import lp_rounding, neighbourhood, residual_plan
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver, choice_of, solver_version
from pathway_opt.solver.structure import Structure, read_structure

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
#: Dual steps before the first plan (50,000 x 5: about 18 ms each).
FIRST_STEPS = 150
#: Dual steps (and most seconds) after the first plan, before the neighbourhoods.
MORE_STEPS, MORE_DUAL_SECONDS = 250, 5.0


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


def choice_from(form: StandardForm, x: np.ndarray) -> Choice:
    """A plan (starts, variants, funding) from every column's value."""
    cols = form.columns
    chosen = np.flatnonzero(x[: cols.n_start] > 0.5)
    return choice_of(cols, chosen, x[cols.fund_cols()] if cols.n_fund else None)


def rows_met(form: StandardForm, x: np.ndarray) -> bool:
    """Whether a plan meets every row and column bound (unscaled, with slack)."""
    if (x < form.col_lower - 1e-9).any() or (x > form.col_upper + 1e-9).any():
        return False
    # a funding split is HiGHS's floating-point answer: its rows hold to 1e-6
    # (the verifier checks the plan after, with its own slack)
    floor = 1e-6 if form.columns.n_fund else 0.0
    for block in form.blocks.values():  # block by block: no stacked copy
        act = block.matrix @ x
        slack = 1e-9 * (1.0 + np.abs(act)) + floor
        if not ((act >= block.lower - slack) & (act <= block.upper + slack)).all():
            return False
    return True


@dataclass
class _Best:
    """The best plan and the tightest bound so far, and who gave each."""

    form: StandardForm
    x: np.ndarray | None = None
    choice: Choice | None = None
    """The plan of ``x`` (made once: a plan verified ahead is known by it)."""
    objective: float | None = None
    found_by: str = ""
    bound: float | None = None
    bound_source: str = ""

    def offer(self, x: np.ndarray, by: str) -> bool:
        """Keep a plan that meets every row and scores higher; True if kept."""
        objective = float(self.form.cost @ x)
        if self.objective is not None and objective <= self.objective + 1e-9:
            return False
        if not rows_met(self.form, x):
            return False  # never report what the rows refuse
        self.x, self.objective, self.found_by = x.copy(), objective, by
        self.choice = choice_from(self.form, x)
        return True

    def bound_by(self, bound: float | None, source: str) -> None:
        """Keep a valid bound that is tighter."""
        if (
            bound is not None
            and math.isfinite(bound)
            and (self.bound is None or bound < self.bound)
        ):
            self.bound, self.bound_source = bound, source


def run_heuristic(
    form: StandardForm,
    settings: SolveSettings,
    deadline: float | None,
    began: float,
    report: Callable[[SolveProgress], None] | None = None,
    on_plan: Callable[[Choice], None] | None = None,
) -> Found:
    """Dual prices and a heuristic plan, then better plans and bounds.

    Where the model is small enough: LP-guided fixing, then HiGHS from the best
    plan; where it is not: residual MIPs around the best plan, the dual between.
    """
    limit = settings.time_limit
    now = time.perf_counter()
    first_by = now + max(1.0, DUAL_SHARE * limit) if limit is not None else math.inf
    end = deadline if deadline is not None else math.inf
    first_by = min(first_by, end)
    st = read_structure(form)
    options = read_options(st)
    dual = Dual.start(st)
    dual.run(first_by, FIRST_STEPS)
    prices = dual.best_prices
    choice = relaxed(st, prices).choice if prices is not None else None
    best = _Best(form)
    best.bound_by(dual.bound, "lagrangian")
    state = greedy_plan(st, options, prices, end, choice)

    def say() -> None:
        if report is not None:
            elapsed = time.perf_counter() - began
            report(SolveProgress(elapsed, best.objective, best.bound, best.found_by))

    def tell() -> None:  # a new best plan: verified ahead, and reported
        if on_plan is not None and best.choice is not None:
            on_plan(best.choice)
        say()

    if state is not None and best.offer(state.values(), "heuristic"):
        tell()  # the first plan, as soon as there is one
        polish(state, prices, end)
        if best.offer(state.values(), "heuristic"):
            tell()
    else:
        say()
    # better prices before they choose the neighbourhoods (and a tighter bound)
    dual.run(min(end, time.perf_counter() + MORE_DUAL_SECONDS), MORE_STEPS)
    best.bound_by(dual.bound, "lagrangian")
    if dual.best_prices is not None:
        prices = dual.best_prices
        choice = relaxed(st, prices).choice
    small = sum(b.matrix.nnz for b in form.blocks.values()) <= HIGHS_NONZEROS
    if best.x is None:  # rules the moves cannot meet: HiGHS alone, honestly
        return _highs_from(form, settings, deadline, best, say, on_plan)
    priced = priced_values(options, prices)
    doubt = np.argsort(np.abs(best_per_group(st, priced)[0]), kind="stable")
    if small:
        every = np.arange(st.n_groups)
        split = _lp_guided(st, options, best, every, doubt, priced, settings, end, tell)
        nonzeros = sum(b.matrix.nnz for b in form.blocks.values())
        if (
            end - time.perf_counter() >= HIGHS_AT_LEAST
            and nonzeros <= HIGHS_FINAL_NONZEROS
        ) or best.x is None:
            return _highs_from(form, settings, deadline, best, say, on_plan)
        _mip_rounds(st, options, best, split, doubt, settings, end, tell)
        return _found(form, settings, best, began)
    _residual_rounds(
        st, options, best, dual, doubt, priced, choice, settings, end, tell, say
    )
    return _found(form, settings, best, began)


#: Seconds that must be left for HiGHS's own run from the best plan to pay,
#: and the most nonzeros for which it does (10,000 x 5, 575,000: HiGHS's root
#: alone takes the rest of the minute; residual MIPs do better there).
HIGHS_AT_LEAST, HIGHS_FINAL_NONZEROS = 10.0, 300_000
#: Share of the time left a residual MIP may take, and its most seconds.
RESIDUAL_SHARE, RESIDUAL_SECONDS = 0.3, 8.0
#: Share of the time left the LP relaxation may take.
LP_SHARE = 0.5
#: Least-sure groups freed in the residual MIP after an LP's rounding.
RESIDUAL_MIP = 1000
#: Groups freed in a neighbourhood's LP (large models).
LP_GROUPS = 15000


def _lp_guided(
    st: Structure,
    options: Options,
    best: _Best,
    groups: np.ndarray,
    doubt: np.ndarray,
    priced: np.ndarray,
    settings: SolveSettings,
    end: float,
    tell: Callable[[], None],
    lp_share: float = LP_SHARE,
) -> np.ndarray:
    """LP-guided fixing: the LP with ``groups`` free, rounded, then a residual MIP.

    Returns the groups the LP split.

    The LP frees ``groups`` (the rest as in the best plan); its rounding is
    fixed but for the groups it split, the groups of rows the rounding breaks
    and the least sure ones, which HiGHS then solves as a MIP.
    """
    assert best.x is not None
    plan = State(st, options)
    plan.load(best.x)
    left = end - time.perf_counter()
    rounded = lp_rounding(
        st, plan, groups, lp_share * left if math.isfinite(left) else None,
        settings.threads,
    )  # fmt: skip
    if rounded is None:
        return np.zeros(0, dtype=np.int64)
    if rounded.bound is not None:
        best.bound_by(rounded.bound * (1 + 1e-9) + 1e-9, "lp")
    state = State(st, options)
    state.load(rounded.x)
    if len(state.violated()):
        # the rounding overshoots a few rows: drop the worst-priced there, refill
        drop_until_met(state, priced, end)
        worth = np.flatnonzero(options.open & (options.value > 0))
        fill(state, worth[np.argsort(-priced[worth], kind="stable")], end, passes=1)
    if len(state.violated()) == 0 and best.offer(state.values(), "lp_guided"):
        tell()
    if len(state.violated()):
        state.load(best.x)
    free = np.unique(np.concatenate([rounded.split, doubt[:RESIDUAL_MIP]]))
    left = end - time.perf_counter()
    limit = (
        min(RESIDUAL_SECONDS, RESIDUAL_SHARE * left)
        if math.isfinite(left)
        else RESIDUAL_SECONDS  # without a limit too: a neighbourhood, not the model
    )
    found = residual_plan(st, state, free, limit, settings.threads, 0)
    if found is not None and best.offer(found[0], "lp_guided"):
        tell()
    return rounded.split


def _mip_rounds(
    st: Structure,
    options: Options,
    best: _Best,
    split: np.ndarray,
    doubt: np.ndarray,
    settings: SolveSettings,
    end: float,
    tell: Callable[[], None],
) -> None:
    """Residual MIPs around the best plan until the time is up.

    Each frees the groups the LP split and another slice of the least sure.
    """
    rounds = 1
    while time.perf_counter() < end - 2.0 and (math.isfinite(end) or rounds < 4):
        assert best.x is not None
        state = State(st, options)
        state.load(best.x)
        at = (rounds * RESIDUAL_MIP) % max(1, len(doubt))
        free = np.unique(np.concatenate([split, doubt[at : at + RESIDUAL_MIP]]))
        left = end - time.perf_counter()
        limit = min(RESIDUAL_SECONDS, left - 1.0) if math.isfinite(left) else 8.0
        found = residual_plan(st, state, free, limit, settings.threads, rounds)
        if found is not None and best.offer(found[0], "lp_guided"):
            tell()
        rounds += 1


def _residual_rounds(
    st: Structure,
    options: Options,
    best: _Best,
    dual: Dual,
    doubt: np.ndarray,
    priced: np.ndarray,
    choice: np.ndarray | None,
    settings: SolveSettings,
    end: float,
    tell: Callable[[], None],
    say: Callable[[], None],
) -> None:
    """LP-guided fixing on neighbourhoods of the best plan, the dual in between.

    A neighbourhood: the groups the priced relaxation takes otherwise than the
    plan, then the least sure (another slice each round).
    """
    rounds = 0
    while time.perf_counter() < end - 2.0 and (math.isfinite(end) or rounds < 3):
        assert best.x is not None
        state = State(st, options)
        state.load(best.x)
        relaxed_choice = choice if choice is not None else state.choice
        groups = neighbourhood(
            st, state, doubt, relaxed_choice, LP_GROUPS,
            skip=(rounds * LP_GROUPS) // 2 % max(1, st.n_groups),
        )  # fmt: skip
        _lp_guided(st, options, best, groups, doubt, priced, settings, end, tell, 0.6)
        rounds += 1
        dual.run(min(end - 0.5, time.perf_counter() + 1.0), 10**6)
        best.bound_by(dual.bound, "lagrangian")
        say()


def _found(
    form: StandardForm, settings: SolveSettings, best: _Best, began: float
) -> Found:
    outcome = _outcome(form, settings, best.choice, best.objective, best.bound, began)
    return Found(
        outcome=outcome,
        method="heuristic",
        found_by=best.found_by,
        bound_source=best.bound_source if best.bound is not None else "",
        heuristic=outcome if best.x is not None else None,
    )


def _outcome(
    form: StandardForm,
    settings: SolveSettings,
    choice: Choice | None,
    objective: float | None,
    bound: float | None,
    began: float,
) -> SolveOutcome:
    """The heuristic's plan as an outcome (limit: no proof of optimality)."""
    return SolveOutcome(
        termination=Termination.LIMIT,
        starts=None if choice is None else choice.starts,
        variants={} if choice is None else choice.variants,
        funding={} if choice is None else choice.funding,
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
    best: _Best,
    say: Callable[[], None],
    on_plan: Callable[[Choice], None] | None,
) -> Found:
    """HiGHS from the best plan (if any): the better plan and the tighter bound."""
    began = time.perf_counter()
    solver = Solver(form)
    start = best.choice
    ours = best.objective

    def improving(choice: Choice) -> None:
        if on_plan is not None:
            on_plan(choice)
        values = solver._column_values(choice.starts, choice.variants)
        objective = float(form.cost @ values)  # fund columns cost nothing
        if ours is None or objective > ours + 1e-9:
            best.objective, best.found_by = objective, "highs"
        say()

    def bounding(bound: float) -> None:
        best.bound_by(bound, "highs")
        say()

    outcome = solver.solve(
        settings,
        deadline,
        None if start is None else start.starts,
        improving,
        None if start is None else start.variants,
        bounding,
    )
    found = _found(form, settings, best, began)
    if outcome.termination == Termination.ERROR and best.x is not None:
        return found  # HiGHS failed: the plan found before stands
    if outcome.termination == Termination.OPTIMAL:
        # HiGHS proved it: its own figures
        return Found(outcome, "heuristic", "highs" if ours is None or
                     (outcome.objective or -math.inf) > ours + 1e-9 else
                     found.found_by, "highs", found.heuristic)  # fmt: skip
    if outcome.bound is not None:
        best.bound_by(outcome.bound, "highs")
    source = best.bound_source if best.bound is not None else ""
    if outcome.starts is not None and (
        ours is None or (outcome.objective or -math.inf) > ours + 1e-9
    ):
        return Found(replace(outcome, bound=best.bound), "heuristic", "highs",
                     source, found.heuristic)  # fmt: skip
    if found.heuristic is not None:
        # HiGHS ended without improving: the plan found before, HiGHS's bound too
        return Found(replace(found.outcome, bound=best.bound), "heuristic",
                     found.found_by, source, found.heuristic)  # fmt: skip
    return Found(outcome, "heuristic", "", source, None)
