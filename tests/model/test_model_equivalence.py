"""The Pyomo model and the arrays HiGHS receives are the same model.

Pyomo's own standard-form compiler turns ``build_model``'s ConcreteModel back into
a matrix; it must equal the stacked row blocks of ``compile_form`` row by row,
and both must solve to the same optimum.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo
import pytest
from hypothesis import given, settings
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler
from random_instances import instances, valid
from repo_paths import INSTANCES

import pathway_opt as po


def _rows_by_constraint(
    model: pyo.ConcreteModel,
) -> dict[str, tuple[dict[str, float], float, float]]:
    """Every constraint as {variable name: coefficient}, lower, upper."""
    info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
    names = [v.name for v in info.columns]
    matrix = info.A.tocsr()
    out: dict[str, tuple[dict[str, float], float, float]] = {}
    for n, row in enumerate(info.rows):
        span = slice(matrix.indptr[n], matrix.indptr[n + 1])
        coefs = dict(
            zip(
                [names[c] for c in matrix.indices[span]], matrix.data[span], strict=True
            )
        )
        lo, up = -np.inf, np.inf
        if row.bound_type <= 0:
            lo = info.rhs[n]
        if row.bound_type >= 0:
            up = info.rhs[n]
        name = row.constraint.name
        if name in out:  # a ranged row comes twice; merge its bounds
            prev = out[name]
            lo, up = max(lo, prev[1]), min(up, prev[2])
        out[name] = (coefs, lo, up)
    return out


def _rows_of_form(
    form: po.StandardForm, model: pyo.ConcreteModel
) -> dict[str, tuple[dict[str, float], float, float]]:
    variables = [
        *model.start.values(),
        *model.start_variant.values(),
        *model.select.values(),
        *model.synergy_active.values(),
        *model.fund.values(),
    ]
    out = {}
    for block in form.blocks.values():
        component = getattr(model, block.name)
        for n, key in enumerate(block.index):
            span = slice(block.matrix.indptr[n], block.matrix.indptr[n + 1])
            coefs = {
                variables[c].name: v
                for c, v in zip(
                    block.matrix.indices[span], block.matrix.data[span], strict=True
                )
                if v != 0
            }
            if not coefs and block.lower[n] <= 0 <= block.upper[n]:
                continue  # Pyomo drops a row without variables that 0 satisfies
            out[component[key].name] = (coefs, block.lower[n], block.upper[n])
    return out


def _normalise(
    rows: dict[str, tuple[dict[str, float], float, float]],
) -> dict[str, Any]:
    """Sign-normalise: Pyomo may flip an equality row."""
    out = {}
    for name, (coefs, lo, up) in rows.items():
        if not coefs and lo <= 0 <= up:
            continue  # a row whose coefficients are all zero (data): always met
        first = coefs[min(coefs)] if coefs else 1.0
        if first < 0 and lo == up:
            coefs = {k: -v for k, v in coefs.items()}
            lo, up = -up, -lo
        out[name] = ({k: round(v, 9) for k, v in coefs.items()}, lo, up)
    return out


def _has_empty_infeasible_row(form: po.StandardForm) -> bool:
    """A row without coefficients whose bounds exclude 0 (a min_use nothing pays)."""
    return any(
        block.matrix.indptr[n] == block.matrix.indptr[n + 1]
        and not block.lower[n] <= 0 <= block.upper[n]
        for block in form.blocks.values()
        for n in range(block.n)
    )


def check_equivalent(inst: po.Instance) -> None:
    form = po.compile_form(inst)
    model = po.build_model(inst)
    if _has_empty_infeasible_row(form):
        # Pyomo's compiler refuses such a row; both forms must say infeasible
        infeasible = po.Termination.INFEASIBLE
        assert po.Solver(form).solve(po.SolveSettings()).termination == infeasible
        assert po.solve_pyomo(model, po.SolveSettings()).termination == infeasible
        return
    assert _normalise(_rows_of_form(form, model)) == _normalise(
        _rows_by_constraint(model)
    )
    by_arrays = po.Solver(form).solve(po.SolveSettings())
    by_pyomo = po.solve_pyomo(model, po.SolveSettings())
    assert by_arrays.termination == by_pyomo.termination
    if by_arrays.objective is not None:
        assert by_pyomo.objective == pytest.approx(by_arrays.objective, abs=1e-6)


@settings(max_examples=40)
@given(instances())
def test_pyomo_model_equals_the_arrays(data: dict[str, Any]) -> None:
    check_equivalent(valid(data))


def test_shipped_provincial_instance_is_equivalent() -> None:
    check_equivalent(po.load_instance(INSTANCES / "provincial_applied_university.json"))
