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
from pathway_opt.explanations import (
    Explanation,
    Repair,
    explain,
    find_repairs,
    read_plan,
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
from pathway_opt.whatif import (
    Frontier,
    Scenario,
    Session,
    compare,
    frontier,
    ladders,
    load_scenarios,
    run_scenarios,
    sweep,
    write_frontier_png,
)
from pathway_opt.workbook import read_instance_xlsx

__all__ = [
    "Explanation",
    "Frontier",
    "InputError",
    "Instance",
    "OutputError",
    "PathwayError",
    "Plan",
    "Problem",
    "Repair",
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
    "explain",
    "find_repairs",
    "frontier",
    "instance_from_data",
    "ladders",
    "load_instance",
    "load_scenarios",
    "read_instance_xlsx",
    "read_plan",
    "run_scenarios",
    "solve",
    "solve_pyomo",
    "sweep",
    "verify",
    "write_frontier_png",
    "write_instance_json",
    "write_instance_xlsx",
    "write_plan_csv",
    "write_plan_xlsx",
    "write_template",
]
