"""pathway-opt: choose which industry-education integration initiatives to fund.

Typical use::

    import pathway_opt as po
    inst = po.load_instance("instances/provincial_applied_university.json")
    plan = po.solve(inst, po.SolveSettings(time_limit=30))
    print(plan.status, plan.objective)
"""

from pathway_opt.convert import convert, write_instance_json
from pathway_opt.errors import (
    InputError,
    OutputError,
    PathwayError,
    Problem,
    SolverError,
)
from pathway_opt.export_csv import write_plan_csv
from pathway_opt.export_xlsx import write_plan_xlsx
from pathway_opt.instance_xlsx import write_instance_xlsx
from pathway_opt.io import instance_from_data, load_instance
from pathway_opt.model import StandardForm, StructureChanged, build_model, compile_form
from pathway_opt.pipeline import solve
from pathway_opt.plan import Plan, Status
from pathway_opt.schema import Instance
from pathway_opt.solver import Solver, SolveSettings, solve_pyomo
from pathway_opt.template import write_template
from pathway_opt.verify import Verification, verify
from pathway_opt.whatif import Scenario, Session, compare, load_scenarios, run_scenarios
from pathway_opt.workbook import read_instance_xlsx

__all__ = [
    "InputError",
    "Instance",
    "OutputError",
    "PathwayError",
    "Plan",
    "Problem",
    "Scenario",
    "Session",
    "SolveSettings",
    "Solver",
    "SolverError",
    "StandardForm",
    "Status",
    "StructureChanged",
    "Verification",
    "build_model",
    "compare",
    "compile_form",
    "convert",
    "instance_from_data",
    "load_instance",
    "load_scenarios",
    "read_instance_xlsx",
    "run_scenarios",
    "solve",
    "solve_pyomo",
    "verify",
    "write_instance_json",
    "write_instance_xlsx",
    "write_plan_csv",
    "write_plan_xlsx",
    "write_template",
]
