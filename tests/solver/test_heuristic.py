"""The heuristic and the Lagrangian bound against brute force, and the MIP start.

On random tiny instances using every rule kind the heuristic either finds no
plan (and says so) or a plan the verifier accepts whose objective is at most
the brute-force optimum; the Lagrangian bound is never below that optimum.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from funded_instances import brute_force_versions, funded_instances
from hypothesis import HealthCheck, given, settings, strategies
from random_instances import brute_force, instances, valid

import pathway_opt as po
from pathway_opt.inputs.generate import generate
from pathway_opt.model.form import compile_form
from pathway_opt.solver.heuristic import greedy_plan, polish, read_options
from pathway_opt.solver.lagrangian import Dual, relaxed
from pathway_opt.solver.methods import choice_from, rows_met
from pathway_opt.solver.structure import read_structure

TOL = 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_heuristic_plan_verified_and_bound_valid(data: dict) -> None:
    inst = valid(data)
    best = brute_force(inst)
    form = compile_form(inst)
    st = read_structure(form)
    dual = Dual.start(st)
    dual.run(time.perf_counter() + 5, 60)
    if best is not None:
        assert dual.bound >= best - TOL * max(1.0, abs(best))
    prices = dual.best_prices
    choice = relaxed(st, prices).choice if prices is not None else None
    state = greedy_plan(st, read_options(st), prices, time.perf_counter() + 5, choice)
    if state is None:
        return  # it says it found none: HiGHS solves alone
    x = state.values()
    assert rows_met(form, x)
    choice = choice_from(form, x)
    named = {i: inst.periods[t] for i, t in choice.starts.items()}
    check = po.verify(inst, named, variants=choice.variants)
    assert check.ok, check.problems
    assert best is not None, "a plan for an instance brute force calls infeasible"
    assert check.objective <= best + TOL * max(1.0, abs(best))
    assert abs(check.objective - float(form.cost @ x)) <= 1e-6 * max(1, abs(best))


def _greedy_checked(inst: po.Instance, best: float | None, polished: bool) -> None:
    """The greedy plan (and polished) verified, never above ``best``; bound valid."""
    form = compile_form(inst)
    st = read_structure(form)
    dual = Dual.start(st)
    dual.run(time.perf_counter() + 5, 60)
    if best is not None:
        assert dual.bound >= best - TOL * max(1.0, abs(best))
    prices = dual.best_prices
    choice = relaxed(st, prices).choice if prices is not None else None
    state = greedy_plan(st, read_options(st), prices, time.perf_counter() + 5, choice)
    if state is None:
        return  # it says it found none: HiGHS solves alone
    if polished:
        polish(state, prices, time.perf_counter() + 5)
    x = state.values()
    assert rows_met(form, x)
    plan = choice_from(form, x)
    named = {i: inst.periods[t] for i, t in plan.starts.items()}
    funding = {(i, b, inst.periods[t]): v for (i, b, t), v in plan.funding.items()}
    check = po.verify(inst, named, variants=plan.variants, funding=funding)
    assert check.ok, check.problems
    assert best is not None, "a plan for an instance brute force calls infeasible"
    assert check.objective <= best + TOL * max(1.0, abs(best))
    assert abs(check.objective - float(form.cost @ x)) <= 1e-6 * max(1, abs(best))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(funded_instances(), strategies.booleans())
def test_heuristic_with_funding_and_variants_against_enumeration(
    data: dict, polished: bool
) -> None:
    """Funded versions enter by split-paying moves: a verified plan or none."""
    inst = valid(data)
    _greedy_checked(inst, brute_force_versions(inst), polished)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_solve_with_heuristic_matches_brute_force(data: dict) -> None:
    """The heuristic then HiGHS from its plan: the proven optimum, as HiGHS alone."""
    inst = valid(data)
    best = brute_force(inst)
    plan = po.solve(inst, method="heuristic")
    if best is None:
        assert plan.status == po.Status.INFEASIBLE
        return
    assert plan.verified and plan.status == po.Status.OPTIMAL
    assert plan.objective == pytest.approx(best, abs=1e-6)
    assert plan.bound is not None and plan.bound >= best - 1e-6
    assert plan.bound_source == "highs"
    assert plan.found_by in ("highs", "heuristic", "lp_guided")
    assert plan.settings["method"] == "heuristic" and plan.method == "heuristic"


def test_mip_start_is_kept_or_improved() -> None:
    """HiGHS receives the heuristic's plan; its result is at least as good."""
    inst = po.instance_from_data(generate(150, 3, seed=4))
    form = compile_form(inst)
    st = read_structure(form)
    dual = Dual.start(st)
    dual.run(time.perf_counter() + 5, 200)
    state = greedy_plan(
        st,
        read_options(st),
        dual.best_prices,
        time.perf_counter() + 5,
        relaxed(st, dual.best_prices).choice,
    )
    assert state is not None
    own = state.objective()
    plan = po.solve(inst, method="heuristic", time_limit=20)
    assert plan.verified
    assert plan.objective is not None and plan.objective >= own - 1e-6
    alone = po.solve(inst, method="highs", time_limit=20)
    assert alone.found_by == "highs" and alone.settings["method"] == "highs"
    if alone.status == po.Status.OPTIMAL and plan.status == po.Status.OPTIMAL:
        assert plan.objective == pytest.approx(alone.objective, rel=1e-9)
    assert plan.bound is not None and plan.bound >= plan.objective - 1e-6
    assert plan.to_dict()["bound_source"] in ("highs", "lp", "lagrangian")


def test_large_model_bound_is_lagrangian(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past what HiGHS can take in time: the heuristic's plan, the dual's bound."""
    import pathway_opt.solver.methods as methods

    monkeypatch.setattr(methods, "HIGHS_NONZEROS", 0)
    monkeypatch.setattr(methods, "LP_GROUPS", 30)  # neighbourhoods, never the LP
    inst = po.instance_from_data(generate(120, 3, seed=2))
    plan = po.solve(inst, method="heuristic", time_limit=3)
    exact = po.solve(inst, method="highs")
    assert plan.status == po.Status.FEASIBLE  # never optimal without HiGHS's proof
    assert plan.verified and plan.found_by in ("heuristic", "lp_guided")
    assert plan.bound_source == "lagrangian"
    assert exact.status == po.Status.OPTIMAL
    assert plan.objective <= exact.objective + 1e-6 <= plan.bound + 2e-6


def test_unknown_method_is_one_clear_problem() -> None:
    with pytest.raises(po.InputError) as caught:
        po.solve(po.instance_from_data(generate(5, 2, seed=1)), method="fast")  # type: ignore[arg-type]
    assert caught.value.problems[0].path == "method"


def test_auto_keeps_highs_alone_for_small_models(tmp_path: Path) -> None:
    inst = po.instance_from_data(generate(40, 3, seed=3))
    plan = po.solve(inst, method="auto")
    assert plan.method == "highs" and plan.settings["method"] == "auto"
    assert plan.status == po.Status.OPTIMAL and plan.bound_source == "highs"
    data = plan.to_dict()
    assert data["found_by"] == "highs"
    json.dumps(data)
    assert np.isfinite(data["bound"])


def test_residual_rounds_keep_a_verified_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mid-size path without HiGHS's whole-model run: residual MIP rounds only."""
    import pathway_opt.solver.methods as methods

    monkeypatch.setattr(methods, "HIGHS_FINAL_NONZEROS", 0)
    inst = po.instance_from_data(generate(120, 3, seed=6))
    plan = po.solve(inst, method="heuristic", time_limit=4)
    exact = po.solve(inst, method="highs")
    assert plan.status == po.Status.FEASIBLE and plan.verified
    assert plan.found_by in ("heuristic", "lp_guided")
    assert plan.bound_source in ("lp", "lagrangian")
    assert plan.objective <= exact.objective + 1e-6 <= plan.bound + 2e-6


def _needs_split() -> po.Instance:
    """F (worth most) costs 10; neither budget alone can pay it, both together can.

    central has 6 and pays at most half of F; gov has 6. N and M are cheap
    unfunded starts on central; the optimum takes F split about 5 + 5 with N.
    """
    return po.instance_from_data(
        {
            "name": "needs a split",
            "periods": ["2027", "2028"],
            "criteria": [{"id": "TC", "weight": 1.0}],
            "budgets": [
                {"id": "central", "limits": [6, 6]},
                {"id": "gov", "limits": [6, 0]},
            ],
            "initiatives": [
                {
                    "id": "F",
                    "type": "training",
                    "scores": {"TC": 10},
                    "cost": [10],
                    "funded_by": ["central", "gov"],
                    "max_share": {"central": 0.5},
                },
                {"id": "N", "type": "training", "scores": {"TC": 2},
                 "cost": {"central": [1]}},
                {"id": "M", "type": "training", "scores": {"TC": 1},
                 "cost": {"central": [6]}},
            ],
        }
    )  # fmt: skip


@pytest.mark.parametrize("priced", [False, True])
def test_first_plan_takes_the_funded_initiative_by_a_split(priced: bool) -> None:
    """The heuristic's own first plan (before any HiGHS run) pays F by a split."""
    inst = _needs_split()
    form = compile_form(inst)
    st = read_structure(form)
    prices, choice = None, None
    if priced:
        dual = Dual.start(st)
        dual.run(time.perf_counter() + 5, 100)
        prices = dual.best_prices
        choice = relaxed(st, prices).choice if prices is not None else None
    state = greedy_plan(st, read_options(st), prices, time.perf_counter() + 5, choice)
    assert state is not None
    x = state.values()
    assert rows_met(form, x)
    plan = choice_from(form, x)
    assert "F" in plan.starts and plan.starts["F"] == 0
    paid = {b: v for (i, b, t), v in plan.funding.items() if i == "F" and t == 0}
    assert sum(paid.values()) == pytest.approx(10.0)
    assert 0 < paid["gov"] <= 6 + 1e-9 and 0 < paid["central"] <= 5 + 1e-9
    named = {i: inst.periods[t] for i, t in plan.starts.items()}
    funding = {(i, b, inst.periods[t]): v for (i, b, t), v in plan.funding.items()}
    check = po.verify(inst, named, variants=plan.variants, funding=funding)
    assert check.ok, check.problems
    assert check.objective == pytest.approx(brute_force_versions(inst))
