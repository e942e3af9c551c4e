"""The tables of a plan export, shared by the workbook and the CSV files.

Every figure comes from the verifier's recomputation (``plan.verification``) or
from the instance and the plan's start periods; nothing here touches Pyomo. A
plan without a solution (``infeasible``, ``no_solution``, ``error``) gives tables
with their columns and no rows, never rows of zeros.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from pathway_opt.outputs import sources
from pathway_opt.outputs.funding_tables import running
from pathway_opt.outputs.left_out import left_out
from pathway_opt.outputs.numbers import (
    DECIMALS,
    money_decimals,
    tidy,
    tidy_frame,
    tidy_gap,
)
from pathway_opt.outputs.provenance import Provenance
from pathway_opt.plan import Plan
from pathway_opt.schema.advice import never_start_reason
from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.rules import (
    AverageRule,
    CountRule,
    RequiresRule,
    SpendShareRule,
    SynergyRule,
)
from pathway_opt.schema.value_rules import (
    BINDING_TOL,
    binding_bound,
    selector_text,
    value_rule_figures,
)

SELECTED_COLUMNS = [
    "id", "name", "type", "department", "partner", "start", "variant",
    "expected_value", "total_cost", "decision", "decision_reason", "notes",
]  # fmt: skip
BUDGET_COLUMNS = [
    "budget", "name", "period", "limit", "used", "slack", "utilisation",
    "carry_over", "cumulative_limit", "cumulative_used", "limit_applies_to", "notes",
]  # fmt: skip
RESOURCE_COLUMNS = [
    "resource", "name", "unit", "period", "capacity", "used", "slack", "utilisation",
    "notes",
]  # fmt: skip
RULE_COLUMNS = [
    "rule", "kind", "statement", "members", "selected_members", "bound", "actual",
    "satisfied", "binding", "bonus_earned", "notes",
]  # fmt: skip
NOT_SELECTED_COLUMNS = [
    "id", "name", "type", "department", "partner", "decision", "decision_reason",
    "expected_value", "total_cost", "reason", "notes",
]  # fmt: skip
#: Table -> its money columns (rounded to the currency's unit; the Schedule grid's
#: period columns are money too); other numbers get DECIMALS decimals.
MONEY_COLUMNS = {
    "selected": ["total_cost"],
    "schedule_long": ["cost"],
    "budgets": ["limit", "used", "slack", "cumulative_limit", "cumulative_used"],
    "not_selected": ["total_cost"],
    "funding": ["amount"],
    "binding": ["limit", "used", "slack", "step"],
    "repairs": ["amount"],
}
GAP_COLUMNS = {"why": ["gap_forced"], "binding": ["gap"]}
SCHEDULE_FIXED = ["id", "name", "start"]
SCHEDULE_LONG_COLUMNS = ["id", "name", "start", "period", "cost"]


def finite(value: Any) -> Any:
    """None for NaN and infinities, the value otherwise."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def tidy_table(name: str, frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """A table as exported: money to the currency's unit, scores to DECIMALS."""
    inst = plan.instance
    money = list(inst.periods) if name == "schedule" else MONEY_COLUMNS.get(name, [])
    return tidy_frame(frame, inst.currency, money, GAP_COLUMNS.get(name, []))


def _beyond(inst: Any, amounts: dict[str, float]) -> dict[str, Any]:
    """Committed beyond the horizon: money for budgets, quantities for resources."""
    cents = money_decimals(inst.currency)
    budgets = set(inst.budget_ids())
    return {k: tidy(v, cents if k in budgets else DECIMALS) for k, v in amounts.items()}


def summary(plan: Plan, prov: Provenance) -> dict[str, Any]:
    """The run's summary: what `run.json` holds and the Summary sheet shows.

    ``bound_from`` and ``plan_found_by`` say in words where the bound and the
    plan come from; ``method`` (the one that ran), ``found_by`` and
    ``bound_source`` are the plan JSON's codes; ``options`` holds the method
    asked (``method``).
    """
    inst = plan.instance
    beyond = plan.verification.beyond_horizon if plan.verification else {}
    source = inst.weights_source
    return {
        "instance": inst.name,
        "description": inst.description,
        "status": plan.status.value,
        "verified": plan.verified,
        "objective": tidy(plan.objective),
        "bound": tidy(plan.bound),
        "gap": tidy_gap(plan.gap),
        "bound_from": sources.bound_from(plan) or None,
        "plan_found_by": sources.found_by(plan) or None,
        "messages": list(plan.messages),
        "selected": len(plan.starts) if plan.has_plan else 0,
        "candidates": len(inst.initiatives),
        "currency": inst.currency,
        "periods": list(inst.periods),
        "committed_beyond_horizon": (_beyond(inst, beyond) if plan.has_plan else {}),
        "solver": plan.solver,
        "termination": plan.termination,
        "method": plan.method or None,
        "found_by": plan.found_by or None,
        "bound_source": plan.bound_source or None,
        "solve_seconds": round(plan.seconds, 3),
        "options": {k: finite(v) for k, v in plan.settings.items()},
        "weights": {k: tidy(v) for k, v in inst.weights.items()},
        "weights_from": inst.weights_source.describe(),
        "weights_lambda_max": tidy(source.lambda_max),
        "weights_cr": tidy(source.cr),
        "input_file": prov.source,
        "input_sha256": prov.sha256,
        "tool": f"pathway-opt {prov.tool_version}",
        "run_at": prov.run_at,
        **({"robust": _tidy_robust(plan.robust)} if plan.robust is not None else {}),
    }


def _tidy_robust(figures: dict[str, Any]) -> dict[str, Any]:
    """The robust plan's figures, numbers tidied as the plan JSON's."""
    return {
        k: (tidy_gap(v) if k.endswith("gap") else tidy(v))
        if isinstance(v, float)
        else v
        for k, v in figures.items()
    }


def summary_rows(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The summary as (field, value) rows: lists and objects spread over rows."""
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key == "periods":
            rows.append((key, ", ".join(value)))
        elif isinstance(value, dict):
            label = "option" if key == "options" else key
            rows += [(f"{label} {k}", finite(v)) for k, v in value.items()]
        elif isinstance(value, list):
            rows += [(f"message {k + 1}", v) for k, v in enumerate(value)]
        else:
            rows.append((key, finite(value)))
    return rows


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def selected(plan: Plan) -> pd.DataFrame:
    """Selected initiatives with start, variant, expected value and total cost.

    ``variant`` is empty for the base version; the cost is the version's.
    """
    if not plan.has_plan:
        return _frame([], SELECTED_COLUMNS)
    table = plan.selected_table()
    by_id = {i.id: i for i in plan.instance.initiatives}
    table["decision"] = [by_id[i].decision for i in table["id"]]
    table["decision_reason"] = [by_id[i].decision_reason for i in table["id"]]
    table["notes"] = [by_id[i].notes for i in table["id"]]
    return table[SELECTED_COLUMNS].reset_index(drop=True)


def _cost_by_period(
    ini: Initiative, budget_ids: list[str], start: int
) -> dict[int, float]:
    """Period index -> money (all budgets) of an initiative started at `start`."""
    spend: dict[int, float] = {}
    profile = ini.cost_profile()  # all budgets, a split cost whole
    for k, amount in enumerate(profile):
        spend[start + k] = spend.get(start + k, 0.0) + amount
    length = max(len(p) for p in [profile, *ini.uses.values(), [0.0]])
    for k in range(length):  # running periods without cost show as 0
        spend.setdefault(start + k, 0.0)
    return spend


def schedule(plan: Plan) -> pd.DataFrame:
    """Gantt grid: one row per selected initiative, one cost column per period.

    A cell holds the money spent in that period (0 while the initiative runs
    without cost) and is blank when the initiative is not running.
    """
    inst = plan.instance
    columns = [*SCHEDULE_FIXED, *inst.periods]
    if not plan.has_plan:
        return _frame([], columns)
    rows = []
    budget_ids = inst.budget_ids()
    index = {p: t for t, p in enumerate(inst.periods)}
    for ini in inst.initiatives:
        if ini.id not in plan.starts:
            continue
        start = index[plan.starts[ini.id]]
        spend = _cost_by_period(running(plan, ini), budget_ids, start)
        row: dict[str, Any] = {
            "id": ini.id,
            "name": ini.name,
            "start": inst.periods[start],
        }
        row.update({p: spend.get(t) for t, p in enumerate(inst.periods)})
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def schedule_long(plan: Plan) -> pd.DataFrame:
    """The schedule in tidy form: one row per initiative and running period."""
    grid = schedule(plan)
    periods = list(plan.instance.periods)
    rows = [
        {
            "id": r["id"],
            "name": r["name"],
            "start": r["start"],
            "period": p,
            "cost": r[p],
        }
        for r in grid.to_dict("records")
        for p in periods
        if finite(r[p]) is not None
    ]
    return _frame(rows, SCHEDULE_LONG_COLUMNS)


def budgets(plan: Plan) -> pd.DataFrame:
    """Budget use per period: limit, used, slack and utilisation of what applies.

    The budget rows of :meth:`Plan.usage_table`, with the Budgets sheet's columns.
    """
    usage = plan.usage_table()
    rows = usage[usage["kind"] == "budget"].rename(columns={"id": "budget"})
    notes = {b.id: b.notes for b in plan.instance.budgets}
    rows = rows.assign(notes=[notes[b] for b in rows["budget"]])
    return rows[BUDGET_COLUMNS].reset_index(drop=True)


def resources(plan: Plan) -> pd.DataFrame:
    """Resource use per period: capacity, used, slack and utilisation.

    The resource rows of :meth:`Plan.usage_table`, with the Resources sheet's
    columns.
    """
    usage = plan.usage_table()
    rows = usage[usage["kind"] == "resource"].rename(
        columns={"id": "resource", "limit": "capacity"}
    )
    notes = {r.id: r.notes for r in plan.instance.resources}
    rows = rows.assign(notes=[notes[r] for r in rows["resource"]])
    return rows[RESOURCE_COLUMNS].reset_index(drop=True)


def rules(plan: Plan) -> pd.DataFrame:
    """Each rule with whether the plan satisfies it and whether it binds.

    Binding means: a count rule's bound is met with equality; a requires rule's
    dependent is selected and starts exactly `lag` periods after one of its
    prerequisites; a synergy rule has every member selected (its bonus is earned).
    """
    if not plan.has_plan:
        return _frame([], RULE_COLUMNS)
    inst = plan.instance
    start = {i: inst.period_index(p) for i, p in plan.starts.items()}
    members = inst.count_rule_members()
    rows = []
    for k, rule in enumerate(inst.rules):
        row: dict[str, Any] = {
            "rule": k + 1,
            "kind": rule.kind,
            "bonus_earned": None,
            "notes": rule.notes,
        }
        if isinstance(rule, RequiresRule):
            row.update(_requires(rule, start))
        elif isinstance(rule, CountRule):
            row.update(_count(rule, members[k], start))
        elif isinstance(rule, SpendShareRule | AverageRule):
            row.update(_value_rule(plan, rule, start))
        else:
            row.update(_synergy(rule, start))
        rows.append(row)
    # object dtype keeps whole counts and lags whole next to fractional bonuses
    return pd.DataFrame(rows, columns=RULE_COLUMNS, dtype=object)


def _requires(rule: RequiresRule, start: dict[str, int]) -> dict[str, Any]:
    chosen = [o for o in rule.on if o in start]
    leads = (
        [start[rule.initiative] - start[o] for o in chosen]
        if rule.initiative in start
        else []
    )
    active = rule.initiative in start
    return {
        "statement": f"{rule.initiative} requires {', '.join(rule.on)} started at "
        f"least {rule.lag} period(s) earlier",
        "members": "; ".join(rule.on),
        "selected_members": len(chosen),
        "bound": rule.lag,
        "actual": min(leads) if active and len(chosen) == len(rule.on) else None,
        "satisfied": not active
        or (len(chosen) == len(rule.on) and all(d >= rule.lag for d in leads)),
        "binding": active and any(d == rule.lag for d in leads),
    }


def _count(
    rule: CountRule, members: list[str], start: dict[str, int]
) -> dict[str, Any]:
    n = sum(1 for m in members if m in start)
    word = {"at_most": "at most", "at_least": "at least", "exactly": "exactly"}
    if rule.where is not None:
        chosen = {
            key: value
            for key in ("type", "department", "partner")
            if (value := getattr(rule.where, key)) is not None
        }
        scope = " and ".join(
            f"{key} {' or '.join(v) if isinstance(v, list) else v}"
            for key, v in chosen.items()
        )
        scope = f"initiatives with {scope}"
    else:
        scope = ", ".join(members)
    satisfied = {
        "at_most": n <= rule.count,
        "at_least": n >= rule.count,
        "exactly": n == rule.count,
    }[rule.kind]
    return {
        "statement": f"{word[rule.kind]} {rule.count} of {scope}",
        "members": "; ".join(members),
        "selected_members": n,
        "bound": rule.count,
        "actual": n,
        "satisfied": satisfied,
        "binding": n == rule.count,
    }


def _value_rule(
    plan: Plan, rule: SpendShareRule | AverageRule, start: dict[str, int]
) -> dict[str, Any]:
    """A spend share or an average: the plan's share or mean against its bounds.

    Counted as the plan runs: variants' versions, funded initiatives' split.
    """
    actual, members = value_rule_figures(
        plan.instance, rule, start, plan.variants, plan.funding
    )
    bounds = [
        f"{word} {value:g}"
        for word, value in (("at least", rule.at_least), ("at most", rule.at_most))
        if value is not None
    ]
    scope = selector_text(rule, members)
    if isinstance(rule, SpendShareRule):
        spend = "spend" if rule.budget is None else f'"{rule.budget}" spend'
        if rule.periods is not None:
            spend += f" in {', '.join(rule.periods)}"
        statement = f"{scope} take {' and '.join(bounds)} of {spend}"
    else:
        scope = "initiatives" if scope == "all initiatives" else scope
        statement = (
            f"average {rule.field} of the selected {scope} {' and '.join(bounds)}"
        )
    low = -np.inf if rule.at_least is None else rule.at_least
    high = np.inf if rule.at_most is None else rule.at_most
    tol = BINDING_TOL * max(1.0, abs(low) if rule.at_least is not None else 1.0)
    return {
        "statement": statement,
        "members": "; ".join(members),
        "selected_members": sum(1 for m in members if m in start),
        "bound": rule.at_least if rule.at_least is not None else rule.at_most,
        "actual": None if actual is None else round(actual, 6),
        "satisfied": actual is None or low - tol <= actual <= high + tol,
        "binding": binding_bound(rule, actual) is not None,
    }


def _synergy(rule: SynergyRule, start: dict[str, int]) -> dict[str, Any]:
    n = sum(1 for m in rule.members if m in start)
    earned = n == len(rule.members)
    kind = "bonus" if rule.bonus >= 0 else "penalty"
    return {
        "statement": f"{kind} {rule.bonus:+g} when {', '.join(rule.members)} are "
        "all selected",
        "members": "; ".join(rule.members),
        "selected_members": n,
        "bound": rule.bonus,
        "actual": None,
        "satisfied": True,
        "binding": earned,
        "bonus_earned": rule.bonus if earned else 0.0,
    }


def not_selected(plan: Plan) -> pd.DataFrame:
    """Initiatives left out: value at the earliest start, cost and why left out.

    The reason is computed from the plan without another solve (see
    :mod:`pathway_opt.outputs.left_out`); ``explain`` gives the exact price.
    """
    if not plan.has_plan:
        return _frame([], NOT_SELECTED_COLUMNS)
    inst = plan.instance
    reasons = left_out(plan)
    rows = []
    for ini in inst.initiatives:
        if ini.id in plan.starts:
            continue
        # an initiative that can never start says why in the words of the warning
        never = None if ini.decision == "never" else never_start_reason(inst, ini)
        reason = never or reasons[ini.id].text
        rows.append(
            {
                "id": ini.id,
                "name": ini.name,
                "type": ini.type,
                "department": ini.department or "",
                "partner": ini.partner or "",
                "decision": ini.decision,
                "decision_reason": ini.decision_reason,
                "expected_value": inst.base_value(ini),
                "total_cost": sum(ini.cost_profile()),
                "reason": reason,
                "notes": ini.notes,
            }
        )
    return _frame(rows, NOT_SELECTED_COLUMNS)
