r"""The robust plan: the best mean of the worst share of sampled scores (CVaR).

For N sampled scenarios of the objective data (scores, success probabilities
and weights; :mod:`pathway_opt.whatif.uncertainty`) with objective vectors
:math:`v^s`, the plan maximises the conditional value at risk at level
:math:`\alpha` of its score, in the linear form of Rockafellar and Uryasev:

.. math::

   \max\ \eta - \frac{1}{\alpha N} \sum_s u_s \quad\text{s.t.}\quad
   u_s \ge \eta - v^s \cdot x,\ u_s \ge 0,\ \eta \text{ free},

on the same constraints as the plan for the given values. At an optimum
:math:`\eta` is the :math:`\alpha`-quantile of the scores and the objective the
mean of the worst :math:`\alpha N` of them. Sampled ``cost_factor`` values are
not used: costs are uncertain in the constraints, where a CVaR of the score says
nothing about overspending, so feasibility is judged with the given costs (the
plan is verified against the instance as given).

The plan reported is verified against the given instance, and its CVaR is
recomputed independently: every scenario's score by the verifier on the
sampled instance, then the mean of the worst share of them.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from pathway_opt.errors import InputError, Problem
from pathway_opt.model.form import StandardForm, compile_form, load_data
from pathway_opt.pipeline import InstanceSource, as_instance, solve
from pathway_opt.plan import Plan, Status, make_plan
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import check_values
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.solver.solver import Extension, Solver
from pathway_opt.verification.verifier import ABS_TOL, verify
from pathway_opt.whatif.uncertainty import (
    check_samples,
    draw,
    sampled_instance,
    uncertain_parameters,
)

#: Robust measures :func:`solve_robust` knows, as ``name:level``.
MEASURES = ("cvar",)


def parse_measure(text: object) -> float:
    """The level alpha of ``cvar:alpha`` (0 < alpha <= 1).

    Raises:
        InputError: naming ``robust`` and the form it takes.
    """
    form = 'give "cvar:ALPHA" with 0 < ALPHA <= 1, e.g. "cvar:0.2"'
    if not isinstance(text, str):
        raise InputError([Problem("robust", f"must be text; {form}")])
    name, sep, level = text.strip().partition(":")
    if name.strip().lower() not in MEASURES or not sep:
        raise InputError([Problem("robust", f'unknown measure "{text}"; {form}')])
    try:
        alpha = float(level)
    except ValueError:
        raise InputError(
            [Problem("robust", f'"{level}" is not a number; {form}')]
        ) from None
    if not (math.isfinite(alpha) and 0 < alpha <= 1):
        raise InputError([Problem("robust", f"the level is {alpha:g}; {form}")])
    return alpha


def cvar(scores: np.ndarray, alpha: float) -> float:
    """Mean of the worst ``alpha`` share of equally likely scores.

    With ``alpha * N`` not whole, the next score counts with the fraction left:
    the value of the Rockafellar-Uryasev program at its optimum.
    """
    ordered = np.sort(np.asarray(scores, dtype=float))
    share = round(alpha * len(ordered), 9)
    whole = min(math.floor(share), len(ordered))
    total = float(ordered[:whole].sum())
    if share > whole:
        total += (share - whole) * float(ordered[whole])
    return total / share


def scenario_costs(form: StandardForm, scenarios: list[Instance]) -> np.ndarray:
    """Each scenario's objective over the form's columns: shape (N, columns).

    The form's objective is left as it was.
    """
    saved = form.cost.copy()
    rows = np.empty((len(scenarios), len(saved)))
    for s, scenario in enumerate(scenarios):
        load_data(form, scenario, check="none", parts=frozenset({"costs"}))
        rows[s] = form.cost
    form.cost[:] = saved
    return rows


def cvar_extension(costs: np.ndarray, alpha: float) -> Extension:
    r"""Columns :math:`\eta, u_1..u_N` and rows :math:`v^s x - \eta + u_s \ge 0`."""
    n_scen, n_cols = costs.shape
    matrix = sp.hstack(
        [
            sp.csr_array(costs),
            sp.csr_array(-np.ones((n_scen, 1))),
            sp.eye_array(n_scen, format="csr"),
        ],
        format="csr",
    )
    objective = np.concatenate(
        [np.zeros(n_cols), [1.0], np.full(n_scen, -1.0 / (alpha * n_scen))]
    )
    return Extension(
        cost=objective,
        col_lower=np.concatenate([[-np.inf], np.zeros(n_scen)]),
        col_upper=np.full(n_scen + 1, np.inf),
        matrix=sp.csr_array(matrix),
        row_lower=np.zeros(n_scen),
        row_upper=np.full(n_scen, np.inf),
    )


def scenario_scores(
    scenarios: list[Instance],
    starts: dict[str, str],
    variants: dict[str, str] | None = None,
) -> np.ndarray:
    """A plan's score in every scenario, recomputed by the verifier.

    ``variants``: the versions the plan runs (the score is theirs).
    """
    return np.array([verify(s, starts, None, variants).objective for s in scenarios])


def solve_robust(
    inst: InstanceSource,
    robust: str = "cvar:0.2",
    samples: int = 100,
    seed: int = 0,
    *,
    settings: SolveSettings | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
) -> Plan:
    """The plan with the best CVaR of its score over sampled objective data.

    Args:
        inst: the instance (with `weight_range` / `uncertainty` ranges), or the
            path of its file.
        robust: the measure, ``"cvar:ALPHA"``: the mean of the worst ALPHA
            share of the sampled scores (0 < ALPHA <= 1; 1 is the mean).
        samples: how many scenarios to draw (Latin hypercube).
        seed: the sampling seed.
        settings: solve settings (a time limit applies to each of the two
            solves: the plan for the given values and the robust plan); or give
            ``time_limit``, ``threads``, ``mip_gap`` as keywords.
        time_limit: seconds each solve may take.
        threads: threads HiGHS may use.
        mip_gap: relative gap at which a plan counts as optimal.

    Returns:
        A plan of the given instance (verified against it; ``objective`` is its
        score with the given values) whose ``robust`` holds the CVaR, its bound
        and gap, the mean sampled score, and the same figures of the plan for
        the given values. Its status is that of the robust problem: ``optimal``
        when HiGHS proved the best CVaR. Without a plan for the given values,
        that plan is returned (with its status and explanation).

    Raises:
        InputError: for an instance that does not load, a bad measure, sample
            count, seed or solve option.
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    alpha = parse_measure(robust)
    count, seed = check_samples(samples, seed)
    inst = as_instance(inst)
    check_values(inst)
    given = solve(inst, settings)
    if not given.has_plan:
        given.messages.append("no plan for the given values, so no robust plan")
        return given
    params = uncertain_parameters(inst)
    values = draw(params, count, seed)
    scenarios = [
        sampled_instance(inst, params, values[s], costs=False) for s in range(count)
    ]
    began = time.perf_counter()
    form = compile_form(inst)
    extension = cvar_extension(scenario_costs(form, scenarios), alpha)
    solver = Solver(form, extension=extension)
    deadline = None if settings.time_limit is None else began + settings.time_limit
    first = _solve_cvar(inst, solver, scenarios, alpha, settings, deadline)
    plan, scores, bound = first
    if plan.status == Status.ERROR and plan.starts and settings.presolve:
        # as for any plan (pipeline.checked): once more without presolve
        again = _solve_cvar(
            inst, solver, scenarios, alpha, replace(settings, presolve=False), deadline
        )
        if again[0].has_plan:
            plan, scores, bound = again
            plan.messages.append(
                "HiGHS's robust plan with presolve failed verification; solved "
                "again with presolve off"
            )
    given_scores = scenario_scores(scenarios, given.starts, given.variants)
    value = cvar(scores, alpha) if scores is not None else math.nan
    plan.robust = {
        "measure": "cvar",
        "alpha": alpha,
        "samples": count,
        "seed": seed,
        "uncertain_values": len(params),
        "costs": "given (the robust plan does not use sampled cost factors)",
        "cvar": value,
        "cvar_bound": math.nan if bound is None else bound,
        "cvar_gap": math.nan
        if bound is None or scores is None
        else max(0.0, bound - value) / max(abs(value), 1e-10),
        "mean": math.nan if scores is None else float(scores.mean()),
        "objective": plan.objective if plan.has_plan else math.nan,
        "given_plan_objective": given.objective,
        "given_plan_cvar": cvar(given_scores, alpha),
        "given_plan_mean": float(given_scores.mean()),
        "given_plan_selected": len(given.starts),
    }
    plan.timings["total"] = time.perf_counter() - began
    return plan


def _solve_cvar(
    inst: Instance,
    solver: Solver,
    scenarios: list[Instance],
    alpha: float,
    settings: SolveSettings,
    deadline: float | None,
) -> tuple[Plan, np.ndarray | None, float | None]:
    """Solve the CVaR model: the plan, its scenario scores and HiGHS's bound.

    The plan is verified against the given instance; HiGHS's objective is its
    CVaR, not its score, and is checked apart: the scenario scores are
    recomputed by the verifier, and a CVaR claimed above theirs is an error.
    HiGHS's eta may fall short of the best for its plan (a claim below the
    true CVaR): the recomputed CVaR is the one reported.
    """
    outcome = solver.solve(settings, deadline)
    plan = make_plan(inst, replace(outcome, objective=None, bound=None))
    if not plan.has_plan:
        return plan, None, outcome.bound
    scores = scenario_scores(scenarios, plan.starts, plan.variants)
    value = cvar(scores, alpha)
    claimed = outcome.objective
    if claimed is not None and claimed > value + ABS_TOL + 1e-7 * abs(value):
        plan.status = Status.ERROR
        plan.messages.append(
            f"verification failed: HiGHS reported a CVaR of {claimed:.9g}, the "
            f"plan's recomputed CVaR is {value:.9g}"
        )
    return plan, scores, outcome.bound
