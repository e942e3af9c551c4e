"""The pathway model: arrays for HiGHS and the same model in Pyomo.

See ``models/pathway.md`` for the formulation, one row per constraint family.
Pyomo is imported only when a Pyomo model is asked for, so the command line
starts quickly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathway_opt.model.form import (
    StandardForm,
    StructureChanged,
    compile_form,
    load_data,
    structure_key,
)
from pathway_opt.schema import Instance

if TYPE_CHECKING:
    import pyomo.environ as pyo


def build_model(inst: Instance) -> pyo.ConcreteModel:
    """The Pyomo model of an instance (variables, one component per family)."""
    from pathway_opt.model.pyomo_model import build_model as build

    return build(inst)


def pyomo_model(form: StandardForm, name: str = "pathway") -> pyo.ConcreteModel:
    """A Pyomo model equal to a standard form (same columns, rows, bounds)."""
    from pathway_opt.model.pyomo_model import pyomo_model as build

    return build(form, name)


__all__ = [
    "StandardForm",
    "StructureChanged",
    "build_model",
    "compile_form",
    "load_data",
    "pyomo_model",
    "structure_key",
]
