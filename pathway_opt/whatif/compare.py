"""Scenario comparison: run named scenarios on one session, tabulate the plans.

Scenarios come as a JSON file (:func:`load_scenarios`), or from Python as a list
(of :class:`Scenario` objects or ``{"name", "edits"}`` dicts), a dict of name ->
edits, or one Scenario (:func:`scenario_list`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.files import read_text
from pathway_opt.inputs.instance_json import parse_json_text
from pathway_opt.outputs.funding_tables import variant_changes
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.plan import Plan, changes_between
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import value_problems
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.whatif.edits import Scenario
from pathway_opt.whatif.parallel import Progress
from pathway_opt.whatif.session import Session


def _under(where: str, problem: Problem) -> Problem:
    """The problem with its path under ``where`` (e.g. ``[0]`` or ``scenarios``)."""
    if not where:
        return problem
    path = problem.path
    joined = f"{where}{path}" if path.startswith("[") else f"{where}.{path}"
    return problem._replace(path=joined)


def _scenario(item: Any, where: str, name: str | None = None) -> Scenario:
    """One scenario from a Scenario or its data; ``name`` (a dict key) wins.

    Raises:
        InputError: with the problems' paths under ``where``.
    """
    if isinstance(item, Scenario):
        return item if name is None else item.model_copy(update={"name": name})
    if name is not None and isinstance(item, list | tuple):  # name -> its edits
        item = {"edits": list(item)}
    if not isinstance(item, Mapping) or not all(isinstance(k, str) for k in item):
        kind = type(item).__name__
        raise InputError(
            [
                Problem(
                    where or "(top level)",
                    'must be a scenario, an object {"name": ..., "edits": [...]}'
                    + (" or a list of edits" if name is not None else "")
                    + f", got {kind}",
                )
            ]
        )
    data = dict(item) if name is None else {**item, "name": name}
    try:
        return Scenario(**data)
    except InputError as exc:
        raise InputError([_under(where, p) for p in exc.problems]) from None


def _check_names(scenarios: list[Scenario], where: str) -> None:
    names = [s.name for s in scenarios]
    duplicates = sorted(
        {n for n in names if names.count(n) > 1} | {"base"} & set(names)
    )
    if duplicates:
        raise InputError(
            [
                Problem(
                    f"{where}.name" if where else "name",
                    f'scenario name "{n}" is used twice (or is "base", the name of '
                    "the plan without edits)",
                )
                for n in duplicates
            ]
        )


def scenario_list(scenarios: Any, argument: str = "scenarios") -> list[Scenario]:
    """Scenarios from a list, a dict, or one Scenario.

    A list holds :class:`Scenario` objects or ``{"name", "edits"}`` dicts; a dict
    maps each name to its list of edits (or to a Scenario, or a dict with
    ``edits``). Edits are Scenario edits or their data (``{"op": ...}``).

    Raises:
        InputError: naming every bad entry by its place under ``argument``, and
            names used twice or named "base".
    """
    problems: list[Problem] = []
    found: list[Scenario] = []
    if isinstance(scenarios, Scenario):
        items: list[tuple[str, Any, str | None]] = [(argument, scenarios, None)]
    elif isinstance(scenarios, Mapping):
        items = [
            (f'{argument}["{name}"]', item, str(name))
            for name, item in scenarios.items()
        ]
    elif isinstance(scenarios, list | tuple):
        items = [(f"{argument}[{k}]", item, None) for k, item in enumerate(scenarios)]
    else:
        raise InputError(
            [
                Problem(
                    argument,
                    "must be a list of scenarios (Scenario objects or "
                    '{"name": ..., "edits": [...]} dicts), a dict name -> list of '
                    f"edits, or one Scenario; got {type(scenarios).__name__}",
                )
            ]
        )
    for where, item, name in items:
        try:
            found.append(_scenario(item, where, name))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    _check_names(found, argument)
    return found


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
        if isinstance(data, list):  # paths [k].edits[0]...
            scenarios, problems = [], []
            for k, item in enumerate(data):
                try:
                    scenarios.append(_scenario(item, f"[{k}]"))
                except InputError as exc:
                    problems += exc.problems
            if problems:
                raise InputError(problems)
        else:  # one scenario: paths start at its own fields
            scenarios = [_scenario(data, "")]
        _check_names(scenarios, "")
    except InputError as exc:
        raise InputError(exc.problems, source=str(path)) from None
    return scenarios


def run_scenarios(
    inst: InstanceSource,
    scenarios: Any,
    settings: SolveSettings | None = None,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    progress: Progress | None = None,
) -> dict[str, Plan]:
    """The base plan and one plan per scenario, all from one built model.

    Args:
        inst: the instance, or the path of its file.
        scenarios: a list of scenarios, a dict name -> edits, or one Scenario
            (see :func:`scenario_list`).
        settings: every solve option; or give some of them as keywords:
        time_limit: seconds each solve may take.
        threads: threads HiGHS may use.
        mip_gap: relative gap at which a plan counts as optimal.
        progress: called as ``progress(done, total)`` with the solves done of
            the ``1 + len(scenarios)`` there are: first with 0 once the
            scenarios are checked, then after each solve.

    Returns:
        Plans by name: ``base`` first, then each scenario's.

    Raises:
        InputError: if an edit does not fit the instance (path names the edit),
            or makes an initiative worth 1e15 or more (HiGHS cannot solve it);
            every scenario is checked before anything is solved; or for a bad
            option.
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    inst = as_instance(inst)
    scenarios = scenario_list(scenarios)
    problems = value_problems(inst)
    for k, scenario in enumerate(scenarios):
        edited = scenario.apply(inst, f"scenarios[{k}].")
        problems += [
            p._replace(path=f"scenarios[{k}] ({scenario.name}): {p.path}")
            for p in value_problems(edited)
        ]
    if problems:
        raise InputError(problems)
    report = progress or (lambda done, total: None)
    total = 1 + len(scenarios)
    report(0, total)
    session = Session(inst, settings)
    plans = {"base": session.solve()}
    report(1, total)
    for done, scenario in enumerate(scenarios, start=2):
        session.reset()
        session.apply_scenario(scenario)
        plans[scenario.name] = session.solve()
        report(done, total)
    return plans


def _named_plans(plans: Any) -> dict[Any, Plan]:
    """Plans by name from a dict, or by position (0, 1, ...) from a list.

    Raises:
        InputError: for anything but Plans, or none at all.
    """
    if isinstance(plans, Mapping):
        named = dict(plans.items())
        label = [f'plans["{name}"]' for name in named]
    elif isinstance(plans, list | tuple):
        named = dict(enumerate(plans))
        label = [f"plans[{k}]" for k in named]
    else:
        raise InputError(
            [
                Problem(
                    "plans",
                    "must be a dict name -> Plan, a list of Plans, or an instance "
                    f"with its scenarios; got {type(plans).__name__}",
                )
            ]
        )
    if not named:
        raise InputError([Problem("plans", "give at least one plan to compare")])
    hint = "; to run scenarios, give the instance first: compare(inst, scenarios)"
    problems = [
        Problem(where, f"must be a Plan, got {type(plan).__name__}{hint}")
        for where, plan in zip(label, named.values(), strict=True)
        if not isinstance(plan, Plan)
    ]
    if problems:
        raise InputError(problems)
    return named


def compare(
    plans: Mapping[Any, Plan] | Sequence[Plan] | Instance | str | os.PathLike[str],
    scenarios: Any = None,
    settings: SolveSettings | None = None,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """One row per plan: status, objective, delta to the first, what changed.

    Either compare plans already solved, given as a dict name -> Plan or a list
    of Plans (named 0, 1, ...), or give an instance (or its path) and its
    ``scenarios`` (a list, or a dict name -> edits, see :func:`scenario_list`):
    these run first with :func:`run_scenarios` (``settings`` or the keyword
    options apply to each solve, ``progress(done, total)`` hears of each),
    ``base`` first.

    ``added``, ``removed`` and ``moved`` (started in another period, or run as
    another variant) are relative to the first plan, and so is
    ``variant_changes`` (the variants' part of ``moved`` in words, e.g.
    ``JL-CS-01: variant lite -> base``); budget columns give each budget's total
    spend over the horizon (funded amounts included).

    Raises:
        InputError: for anything but Plans (or an instance with scenarios), for
            scenarios or solve options given with plans already solved, and for
            scenarios that do not fit the instance.
    """
    if isinstance(plans, Instance | str | os.PathLike):
        if scenarios is None:
            raise InputError(
                [
                    Problem(
                        "scenarios",
                        "give the scenarios to run on the instance: compare(inst, "
                        "[scenario, ...]) or compare(inst, {name: [edit, ...]})",
                    )
                ]
            )
        plans = run_scenarios(
            plans,
            scenarios,
            settings,
            time_limit=time_limit,
            threads=threads,
            mip_gap=mip_gap,
            progress=progress,
        )
    else:
        given = {
            "scenarios": scenarios,
            "settings": settings,
            "time_limit": time_limit,
            "threads": threads,
            "mip_gap": mip_gap,
            "progress": progress,
        }
        extra = [name for name, value in given.items() if value is not None]
        if extra:
            raise InputError(
                [
                    Problem(
                        name,
                        "applies only when compare runs scenarios: give the "
                        "instance first, compare(inst, scenarios, ...); these "
                        "plans are solved already",
                    )
                    for name in extra
                ]
            )
    named = _named_plans(plans)
    first = next(iter(named.values()))
    rows = []
    for name, plan in named.items():
        has = plan.has_plan
        change = (
            changes_between(first.starts, plan.starts, first.variants, plan.variants)
            if has
            else None
        )
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
            "variant_changes": ";".join(variant_changes(first, plan))
            if has and first.has_plan
            else "",
        }
        usage = plan.usage_table()
        for budget in plan.instance.budget_ids():
            spent = usage[(usage["kind"] == "budget") & (usage["id"] == budget)]["used"]
            row[f"spend {budget}"] = float(spent.sum()) if has else None
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")
