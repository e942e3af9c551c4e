"""The pathway model as a Pyomo ``ConcreteModel``, built from the same row blocks.

Every family of :mod:`pathway_opt.model.families` becomes one Pyomo component of
the same name, so the formulation reads (and can be extended) in Pyomo, while
:func:`pathway_opt.solver.from_pyomo.solve_pyomo` compiles it back to arrays for HiGHS.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from pathway_opt.model.families import RowBlock
from pathway_opt.model.form import StandardForm, compile_form
from pathway_opt.schema.instance import Instance


def build_model(inst: Instance) -> pyo.ConcreteModel:
    """The Pyomo model of an instance (variables, one component per family)."""
    return pyomo_model(compile_form(inst), name=inst.name)


def pyomo_model(form: StandardForm, name: str = "pathway") -> pyo.ConcreteModel:
    """A Pyomo model equal to the standard form (same columns, rows, bounds)."""
    cols = form.columns
    m = pyo.ConcreteModel(name=name)
    m.start = pyo.Var(cols.start_keys(), domain=pyo.Binary)
    m.start_variant = pyo.Var(cols.variant_start_keys(), domain=pyo.Binary)
    m.select = pyo.Var(list(cols.ids), domain=pyo.Binary)
    m.synergy_active = pyo.Var(list(cols.synergies), bounds=(0, 1))
    m.fund = pyo.Var(cols.fund_keys(), domain=pyo.NonNegativeReals)
    variables = [
        *m.start.values(),
        *m.start_variant.values(),
        *m.select.values(),
        *m.synergy_active.values(),
        *m.fund.values(),
    ]
    for var, lo, up in zip(
        variables, form.col_lower.tolist(), form.col_upper.tolist(), strict=True
    ):
        var.setlb(lo)
        var.setub(up)
    for block in form.blocks.values():
        m.add_component(block.name, _constraint(block, variables))
    nonzero = np.flatnonzero(form.cost)
    m.expected_score = pyo.Objective(
        expr=_row(nonzero, form.cost[nonzero], variables), sense=pyo.maximize
    )
    return m


def _row(cols: np.ndarray, coefs: np.ndarray, variables: list[Any]) -> LinearExpression:
    return LinearExpression(
        constant=0,
        linear_coefs=coefs.tolist(),
        linear_vars=[variables[c] for c in cols.tolist()],
    )


def _constraint(block: RowBlock, variables: list[Any]) -> pyo.Constraint:
    matrix = block.matrix
    bounds = {
        key: (
            None if np.isinf(lo) else float(lo),
            None if np.isinf(up) else float(up),
        )
        for key, lo, up in zip(block.index, block.lower, block.upper, strict=True)
    }
    position = {key: n for n, key in enumerate(block.index)}

    def rule(m: pyo.ConcreteModel, *key: Any) -> Any:
        row = position[key[0] if len(key) == 1 else key]
        lo, up = bounds[block.index[row]]
        span = slice(matrix.indptr[row], matrix.indptr[row + 1])
        body = _row(matrix.indices[span], matrix.data[span], variables)
        return (lo, body, up)

    return pyo.Constraint(block.index, rule=rule)
