"""The pathway model: arrays for HiGHS and the same model in Pyomo.

See ``models/pathway.md`` for the formulation, one row per constraint family.
"""

from pathway_opt.model.form import (
    StandardForm,
    StructureChanged,
    compile_form,
    load_data,
    structure_key,
)
from pathway_opt.model.pyomo_model import build_model, pyomo_model

__all__ = [
    "StandardForm",
    "StructureChanged",
    "build_model",
    "compile_form",
    "load_data",
    "pyomo_model",
    "structure_key",
]
