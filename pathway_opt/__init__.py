"""pathway-opt: choose which industry-education integration initiatives to fund.

Typical use::

    import pathway_opt as po
    inst = po.load_instance("instances/provincial_applied_university.json")
    plan = po.solve(inst, po.SolveSettings(time_limit=30))
    print(plan.status, plan.objective)
"""

from pathway_opt.errors import (
    InputError,
    OutputError,
    PathwayError,
    Problem,
    SolverError,
)
from pathway_opt.io import instance_from_data, load_instance
from pathway_opt.model import build_model, update_data
from pathway_opt.pipeline import solve
from pathway_opt.plan import Plan, Status
from pathway_opt.schema import Instance
from pathway_opt.solve import Solver, SolveSettings
from pathway_opt.verify import Verification, verify

__all__ = [
    "InputError",
    "Instance",
    "OutputError",
    "PathwayError",
    "Plan",
    "Problem",
    "SolveSettings",
    "Solver",
    "SolverError",
    "Status",
    "Verification",
    "build_model",
    "instance_from_data",
    "load_instance",
    "solve",
    "update_data",
    "verify",
]
