"""Solving a Pyomo model of the pathway problem with the same hand-over to HiGHS."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from pathway_opt.solver.highs_run import Arrays, HighsRun
from pathway_opt.solver.outcome import SolveOutcome, Termination
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import _outcome, _run, solver_version

if TYPE_CHECKING:
    import pyomo.environ as pyo


def solve_pyomo(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveOutcome:
    """Solve a pathway Pyomo model (possibly extended) with the same hand-over.

    Pyomo's standard-form compiler turns the model into arrays; the plan is read
    from the model's ``start`` variables.
    """
    import pyomo.environ as pyo
    from pyomo.common.errors import InfeasibleConstraintException
    from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

    try:
        info = LinearStandardFormCompiler().write(
            model, mixed_form=True, set_sense=None
        )
    except InfeasibleConstraintException as exc:
        # a row with no variables and a bound 0 misses (e.g. a min_use nothing
        # can spend on): HiGHS would say infeasible too
        return SolveOutcome(
            termination=Termination.INFEASIBLE,
            starts=None,
            objective=None,
            bound=None,
            seconds=0.0,
            solver=solver_version(),
            detail=str(exc),
            settings=settings,
        )
    kinds = np.array([row.bound_type for row in info.rows], dtype=np.int8)
    rhs = np.asarray(info.rhs, dtype=float)
    lower = np.where(kinds <= 0, rhs, -np.inf)
    upper = np.where(kinds >= 0, rhs, np.inf)
    sign = 1.0 if info.objectives[0].sense == pyo.maximize else -1.0
    columns = list(info.columns)
    arrays = Arrays(
        cost=sign * np.asarray(info.c.toarray()[0], dtype=float),
        col_lower=np.array([-np.inf if v.lb is None else v.lb for v in columns]),
        col_upper=np.array([np.inf if v.ub is None else v.ub for v in columns]),
        integrality=np.array([int(v.is_integer() or v.is_binary()) for v in columns]),
        matrix=sp.csc_array(info.A),
        row_lower=lower,
        row_upper=upper,
    )
    start_cols = [
        (n, v.index())
        for n, v in enumerate(columns)
        if v.parent_component() is model.start
    ]
    run = HighsRun(arrays, np.array([n for n, _ in start_cols], dtype=np.int64))
    result = _run(run, settings, None)
    starts = (
        None
        if result.chosen is None
        else {start_cols[k][1][0]: start_cols[k][1][1] for k in result.chosen.tolist()}
    )
    outcome = _outcome(result, settings, starts)
    if sign < 0 and outcome.objective is not None:
        bound = None if outcome.bound is None else -outcome.bound
        return replace(outcome, objective=-outcome.objective, bound=bound)
    return outcome
