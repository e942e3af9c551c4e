"""pathway-opt: choose which industry-education integration initiatives to fund.

Typical use::

    import pathway_opt as po
    plan = po.solve("instances/provincial_applied_university.json", time_limit=30)
    print(plan.status, plan.objective)   # "optimal" and the expected score
    plan.usage_table()                   # budgets and resources per period

This module is the one public facade. Every name is loaded on first use
(PEP 562), so ``import pathway_opt`` (and the command line) starts without
loading Pyomo, HiGHS or pandas until a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathway_opt.diagnose.repairs import Repair, find_repairs
    from pathway_opt.errors import (
        InputError,
        OutputError,
        PathwayError,
        Problem,
        SolverError,
        UsageError,
    )
    from pathway_opt.explanations.explanation import Explanation, explain
    from pathway_opt.explanations.weights import criteria_judgements, criteria_weights
    from pathway_opt.files import (
        check_input_file,
        env_limit,
        max_input_bytes,
        read_text,
        write_atomic,
        write_folder,
    )
    from pathway_opt.inputs.convert import TARGET_SUFFIXES, convert, write_instance_json
    from pathway_opt.inputs.generate import generate
    from pathway_opt.inputs.instance_json import instance_from_data
    from pathway_opt.inputs.instance_xlsx.read import read_instance_xlsx
    from pathway_opt.inputs.instance_xlsx.template import (
        DEFAULT_PERIODS,
        write_template,
    )
    from pathway_opt.inputs.instance_xlsx.write import write_instance_xlsx
    from pathway_opt.inputs.load import load_instance
    from pathway_opt.model.form import StandardForm, StructureChanged, compile_form
    from pathway_opt.model.pyomo_model import build_model
    from pathway_opt.outputs.comparison import (
        COMPARISON_CSV_FILES,
        comparison_json,
        scenario_sheets,
        write_comparison_csv,
        write_comparison_json,
        write_comparison_xlsx,
    )
    from pathway_opt.outputs.plan_csv import (
        CSV_TABLES,
        RUN_FILE,
        csv_files,
        csv_text,
        write_plan_csv,
    )
    from pathway_opt.outputs.plan_files import (
        PlanTargets,
        plan_stdout_json,
        write_plan_outputs,
    )
    from pathway_opt.outputs.plan_json import (
        PlanChoice,
        plan_json,
        read_plan,
        read_plan_choice,
        write_plan_json,
    )
    from pathway_opt.outputs.plan_text import summary
    from pathway_opt.outputs.plan_xlsx import write_plan_xlsx, write_tables_xlsx
    from pathway_opt.outputs.provenance import Provenance, make_provenance
    from pathway_opt.outputs.targets import (
        Clash,
        Target,
        clashes,
        input_kind,
        name_problems,
    )
    from pathway_opt.pipeline import solve
    from pathway_opt.plan import Plan, Status, make_plan
    from pathway_opt.report.build import (
        Report,
        make_report,
        report_html,
        write_report,
    )
    from pathway_opt.report.parts import ReportParts
    from pathway_opt.report.saved import SavedPlan, load_saved_plan
    from pathway_opt.report.saved_parts import (
        CoreTable,
        SavedPart,
        load_saved_alternatives,
        load_saved_core,
        load_saved_stability,
    )
    from pathway_opt.schema.advice import instance_warnings
    from pathway_opt.schema.instance import Instance
    from pathway_opt.schema.numerics import (
        check_values,
        range_warnings,
        value_problems,
    )
    from pathway_opt.solver.from_pyomo import solve_pyomo
    from pathway_opt.solver.methods import SolveProgress
    from pathway_opt.solver.outcome import SolveOutcome, Termination
    from pathway_opt.solver.processes import STOP_SIGNALS, stoppable_solves
    from pathway_opt.solver.settings import SolveSettings
    from pathway_opt.solver.solver import Solver
    from pathway_opt.verification.verifier import Verification, verify
    from pathway_opt.whatif.alternatives import Alternatives, alternatives
    from pathway_opt.whatif.alternatives_files import (
        ALTERNATIVES_CSV_FILES,
        alternatives_json,
        write_alternatives_csv,
        write_alternatives_json,
        write_alternatives_xlsx,
    )
    from pathway_opt.whatif.compare import compare, load_scenarios, run_scenarios
    from pathway_opt.whatif.cvar import parse_measure, solve_robust
    from pathway_opt.whatif.edits import Edit, Scenario
    from pathway_opt.whatif.frontier import Frontier, frontier
    from pathway_opt.whatif.ladders import ladders
    from pathway_opt.whatif.parallel import scheduler_problem
    from pathway_opt.whatif.plot import frontier_png, write_frontier_png
    from pathway_opt.whatif.robust import Robustness, robust
    from pathway_opt.whatif.session import Session
    from pathway_opt.whatif.stability import Stability, stability
    from pathway_opt.whatif.sweep import parse_scales, sweep, sweep_points

#: Public name -> the module (under ``pathway_opt.``) that defines it.
_HOMES: dict[str, str] = {
    "InputError": "errors",
    "OutputError": "errors",
    "PathwayError": "errors",
    "Problem": "errors",
    "SolverError": "errors",
    "UsageError": "errors",
    "check_input_file": "files",
    "env_limit": "files",
    "max_input_bytes": "files",
    "read_text": "files",
    "write_atomic": "files",
    "write_folder": "files",
    "Instance": "schema.instance",
    "check_values": "schema.numerics",
    "range_warnings": "schema.numerics",
    "value_problems": "schema.numerics",
    "instance_warnings": "schema.advice",
    "load_instance": "inputs.load",
    "instance_from_data": "inputs.instance_json",
    "TARGET_SUFFIXES": "inputs.convert",
    "convert": "inputs.convert",
    "write_instance_json": "inputs.convert",
    "generate": "inputs.generate",
    "read_instance_xlsx": "inputs.instance_xlsx.read",
    "write_instance_xlsx": "inputs.instance_xlsx.write",
    "DEFAULT_PERIODS": "inputs.instance_xlsx.template",
    "write_template": "inputs.instance_xlsx.template",
    "StandardForm": "model.form",
    "StructureChanged": "model.form",
    "compile_form": "model.form",
    "build_model": "model.pyomo_model",
    "SolveSettings": "solver.settings",
    "SolveOutcome": "solver.outcome",
    "SolveProgress": "solver.methods",
    "Termination": "solver.outcome",
    "Solver": "solver.solver",
    "solve_pyomo": "solver.from_pyomo",
    "STOP_SIGNALS": "solver.processes",
    "stoppable_solves": "solver.processes",
    "Verification": "verification.verifier",
    "verify": "verification.verifier",
    "Plan": "plan",
    "Status": "plan",
    "make_plan": "plan",
    "plan_json": "outputs.plan_json",
    "read_plan": "outputs.plan_json",
    "read_plan_choice": "outputs.plan_json",
    "PlanChoice": "outputs.plan_json",
    "write_plan_json": "outputs.plan_json",
    "CSV_TABLES": "outputs.plan_csv",
    "RUN_FILE": "outputs.plan_csv",
    "csv_files": "outputs.plan_csv",
    "csv_text": "outputs.plan_csv",
    "write_plan_csv": "outputs.plan_csv",
    "write_plan_xlsx": "outputs.plan_xlsx",
    "write_tables_xlsx": "outputs.plan_xlsx",
    "summary": "outputs.plan_text",
    "COMPARISON_CSV_FILES": "outputs.comparison",
    "comparison_json": "outputs.comparison",
    "scenario_sheets": "outputs.comparison",
    "write_comparison_csv": "outputs.comparison",
    "write_comparison_json": "outputs.comparison",
    "write_comparison_xlsx": "outputs.comparison",
    "Provenance": "outputs.provenance",
    "make_provenance": "outputs.provenance",
    "Clash": "outputs.targets",
    "Target": "outputs.targets",
    "clashes": "outputs.targets",
    "input_kind": "outputs.targets",
    "name_problems": "outputs.targets",
    "PlanTargets": "outputs.plan_files",
    "write_plan_outputs": "outputs.plan_files",
    "plan_stdout_json": "outputs.plan_files",
    "Repair": "diagnose.repairs",
    "find_repairs": "diagnose.repairs",
    "solve": "pipeline",
    "Edit": "whatif.edits",
    "Scenario": "whatif.edits",
    "scheduler_problem": "whatif.parallel",
    "Session": "whatif.session",
    "Stability": "whatif.stability",
    "stability": "whatif.stability",
    "compare": "whatif.compare",
    "load_scenarios": "whatif.compare",
    "run_scenarios": "whatif.compare",
    "Frontier": "whatif.frontier",
    "frontier": "whatif.frontier",
    "ladders": "whatif.ladders",
    "frontier_png": "whatif.plot",
    "write_frontier_png": "whatif.plot",
    "Robustness": "whatif.robust",
    "robust": "whatif.robust",
    "solve_robust": "whatif.cvar",
    "parse_measure": "whatif.cvar",
    "parse_scales": "whatif.sweep",
    "sweep": "whatif.sweep",
    "sweep_points": "whatif.sweep",
    "Alternatives": "whatif.alternatives",
    "alternatives": "whatif.alternatives",
    "ALTERNATIVES_CSV_FILES": "whatif.alternatives_files",
    "alternatives_json": "whatif.alternatives_files",
    "write_alternatives_csv": "whatif.alternatives_files",
    "write_alternatives_json": "whatif.alternatives_files",
    "write_alternatives_xlsx": "whatif.alternatives_files",
    "Explanation": "explanations.explanation",
    "explain": "explanations.explanation",
    "criteria_weights": "explanations.weights",
    "criteria_judgements": "explanations.weights",
    "Report": "report.build",
    "make_report": "report.build",
    "report_html": "report.build",
    "write_report": "report.build",
    "ReportParts": "report.parts",
    "SavedPlan": "report.saved",
    "load_saved_plan": "report.saved",
    "CoreTable": "report.saved_parts",
    "SavedPart": "report.saved_parts",
    "load_saved_alternatives": "report.saved_parts",
    "load_saved_core": "report.saved_parts",
    "load_saved_stability": "report.saved_parts",
}

__all__ = [
    "ALTERNATIVES_CSV_FILES",
    "COMPARISON_CSV_FILES",
    "CSV_TABLES",
    "DEFAULT_PERIODS",
    "RUN_FILE",
    "STOP_SIGNALS",
    "TARGET_SUFFIXES",
    "Alternatives",
    "Clash",
    "CoreTable",
    "Edit",
    "Explanation",
    "Frontier",
    "InputError",
    "Instance",
    "OutputError",
    "PathwayError",
    "Plan",
    "PlanChoice",
    "PlanTargets",
    "Problem",
    "Provenance",
    "Repair",
    "Report",
    "ReportParts",
    "Robustness",
    "SavedPart",
    "SavedPlan",
    "Scenario",
    "Session",
    "SolveOutcome",
    "SolveProgress",
    "SolveSettings",
    "Solver",
    "SolverError",
    "Stability",
    "StandardForm",
    "Status",
    "StructureChanged",
    "Target",
    "Termination",
    "UsageError",
    "Verification",
    "alternatives",
    "alternatives_json",
    "build_model",
    "check_input_file",
    "check_values",
    "clashes",
    "compare",
    "comparison_json",
    "compile_form",
    "convert",
    "criteria_judgements",
    "criteria_weights",
    "csv_files",
    "csv_text",
    "env_limit",
    "explain",
    "find_repairs",
    "frontier",
    "frontier_png",
    "generate",
    "input_kind",
    "instance_from_data",
    "instance_warnings",
    "ladders",
    "load_instance",
    "load_saved_alternatives",
    "load_saved_core",
    "load_saved_plan",
    "load_saved_stability",
    "load_scenarios",
    "make_plan",
    "make_provenance",
    "make_report",
    "max_input_bytes",
    "name_problems",
    "parse_measure",
    "parse_scales",
    "plan_json",
    "plan_stdout_json",
    "range_warnings",
    "read_instance_xlsx",
    "read_plan",
    "read_plan_choice",
    "read_text",
    "report_html",
    "robust",
    "run_scenarios",
    "scenario_sheets",
    "scheduler_problem",
    "solve",
    "solve_pyomo",
    "solve_robust",
    "stability",
    "stoppable_solves",
    "summary",
    "sweep",
    "sweep_points",
    "value_problems",
    "verify",
    "write_alternatives_csv",
    "write_alternatives_json",
    "write_alternatives_xlsx",
    "write_atomic",
    "write_comparison_csv",
    "write_comparison_json",
    "write_comparison_xlsx",
    "write_folder",
    "write_frontier_png",
    "write_instance_json",
    "write_instance_xlsx",
    "write_plan_csv",
    "write_plan_json",
    "write_plan_outputs",
    "write_plan_xlsx",
    "write_report",
    "write_tables_xlsx",
    "write_template",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use and keep it here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pathway_opt' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"pathway_opt.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
