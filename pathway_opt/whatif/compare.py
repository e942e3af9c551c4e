"""Scenario comparison: run named scenarios on one session, tabulate the plans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from pathway_opt.errors import InputError, Problem
from pathway_opt.files import read_text
from pathway_opt.inputs.instance_json import parse_json_text, problems_from_validation
from pathway_opt.plan import Plan, changes_between
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import value_problems
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.whatif.edits import EDIT_OPS, Scenario
from pathway_opt.whatif.session import Session

_SCENARIOS = TypeAdapter(list[Scenario])


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Scenarios from JSON: one ``{"name", "edits"}`` object, or a list of them.

    Raises:
        InputError: with every problem, each naming its JSON path.
    """
    path = Path(path)
    try:
        data: Any = parse_json_text(read_text(path))
        if isinstance(data, dict) and "scenarios" in data and len(data) == 1:
            data = data["scenarios"]
        many = isinstance(data, list)
        scenarios = _SCENARIOS.validate_python(data if many else [data])
    except ValidationError as exc:
        problems = problems_from_validation(exc, EDIT_OPS)
        if not many:  # paths of a single scenario start at its own fields
            problems = [p._replace(path=p.path.split(".", 1)[-1]) for p in problems]
        raise InputError(problems, source=str(path)) from None
    except InputError as exc:
        raise InputError(exc.problems, source=str(path)) from None
    names = [s.name for s in scenarios]
    duplicates = sorted(
        {n for n in names if names.count(n) > 1} | {"base"} & set(names)
    )
    if duplicates:
        raise InputError(
            [
                Problem("name", f'scenario name "{n}" is used twice (or is "base")')
                for n in duplicates
            ],
            source=str(path),
        )
    return scenarios


def run_scenarios(
    inst: Instance, scenarios: list[Scenario], settings: SolveSettings | None = None
) -> dict[str, Plan]:
    """The base plan and one plan per scenario, all from one built model.

    Raises:
        InputError: if an edit does not fit the instance (path names the edit),
            or makes an initiative worth 1e15 or more (HiGHS cannot solve it);
            every scenario is checked before anything is solved.
    """
    problems = value_problems(inst)
    for k, scenario in enumerate(scenarios):
        edited = scenario.apply(inst, f"scenarios[{k}].")
        problems += [
            p._replace(path=f"scenarios[{k}] ({scenario.name}): {p.path}")
            for p in value_problems(edited)
        ]
    if problems:
        raise InputError(problems)
    session = Session(inst, settings)
    plans = {"base": session.solve()}
    for scenario in scenarios:
        session.reset()
        session.apply_scenario(scenario)
        plans[scenario.name] = session.solve()
    return plans


def compare(plans: dict[str, Plan]) -> pd.DataFrame:
    """One row per plan: status, objective, delta to the first, what changed.

    ``added``, ``removed`` and ``moved`` are relative to the first plan; budget
    columns give each budget's total spend over the horizon.
    """
    first = next(iter(plans.values()))
    rows = []
    for name, plan in plans.items():
        has = plan.has_plan
        change = changes_between(first.starts, plan.starts) if has else None
        row: dict[str, Any] = {
            "scenario": name,
            "status": plan.status.value,
            "objective": plan.objective,
            "delta": None
            if plan.objective is None or first.objective is None
            else plan.objective - first.objective,
            "gap": plan.gap,
            "selected": len(plan.starts) if has else None,
            "added": ";".join(change.added) if change else "",
            "removed": ";".join(change.removed) if change else "",
            "moved": ";".join(change.moved) if change else "",
        }
        usage = plan.usage_table()
        for budget in plan.instance.budget_ids():
            spent = usage[(usage["kind"] == "budget") & (usage["id"] == budget)]["used"]
            row[f"spend {budget}"] = float(spent.sum()) if has else None
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")
