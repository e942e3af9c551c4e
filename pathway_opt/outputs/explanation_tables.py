"""The explanation tables of a plan (``plan.explanations``), for the exports.

``pathway_opt.explanations`` writes plain records into ``plan.explanations``; this
module defines their columns (the layout both sides share) and turns them into
the tables of the Why, Bottlenecks, Binding and Repairs sheets and CSV files.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import pandas as pd

from pathway_opt.plan import Plan

NumberKind = Literal["money", "quantity", "value", "percent", "whole", "precise", "gap"]
"""The kind of figure a workbook column holds, which sets its number format."""

WHY_COLUMNS = [
    "id", "name", "decision", "in_plan", "start", "expected_value", "forced",
    "start_forced", "price", "break_even", "objective_forced", "status_forced",
    "gap_forced", "changes", "keeps_out", "reason",
]  # fmt: skip
"""``price``: score lost when the initiative is forced the other way (optimum
minus the forced optimum); ``break_even``: change of its expected value at which
it enters (+) or leaves (-) the optimal plan; ``start_forced``: its start when
forced in; ``keeps_out``: what adding it to the plan at that start breaks."""

BINDING_COLUMNS = [
    "kind", "id", "period", "applies_to", "limit", "used", "slack", "utilisation",
    "binding", "min_use", "min_use_binding", "step", "gain_up", "loss_down", "per",
    "value_up_per", "value_down_per", "gap",
]  # fmt: skip
"""``limit``, ``used`` and ``slack`` of the limit that applies (cumulative for
carry-over budgets); ``step``: change of the period's own limit in the
re-solves; ``gain_up`` / ``loss_down``: score bought by the raise / lost by the
cut; ``value_up_per`` / ``value_down_per``: the same per ``per`` units;
``min_use``: least spend the budget's ``min_use`` asks (of the same, possibly
cumulative, figure; 0 when none); ``min_use_binding``: the plan spends no more
than that (the minimum use holds the plan, not the limit)."""

REPAIR_COLUMNS = [
    "repair", "part", "kind", "target", "period", "amount", "text", "needed_by",
    "weight", "proven_smallest", "confirmed", "objective_after",
]  # fmt: skip
"""One row per part of each repair; ``weight`` is the repair's size in elastic
units (1 per decision, member or waived prerequisite; money in average yearly
limits; a resource in its average capacity)."""

#: CSV file name -> explanation table, written when a plan carries explanations.
CSV_EXPLANATIONS = {
    "why.csv": "why",
    "bottlenecks.csv": "bottlenecks",
    "binding.csv": "binding",
    "repairs.csv": "repairs",
}


def has_explanations(plan: Plan) -> bool:
    """Whether the plan carries explanations (set by ``explain``)."""
    return plan.explanations is not None


def _section(plan: Plan, key: str) -> list[dict[str, Any]]:
    section: list[dict[str, Any]] = (plan.explanations or {}).get(key) or []
    return section


def why(plan: Plan) -> pd.DataFrame:
    """Why in / why out: one row per initiative explained."""
    return pd.DataFrame(_section(plan, "why"), columns=WHY_COLUMNS)


def binding(plan: Plan) -> pd.DataFrame:
    """Per budget / resource and period: utilisation, binding, marginal values."""
    return pd.DataFrame(_section(plan, "binding"), columns=BINDING_COLUMNS)


def bottlenecks(plan: Plan) -> pd.DataFrame:
    """Periods x budgets / resources: utilisation of the limit that applies."""
    rows = _section(plan, "bottlenecks")
    if not rows:
        return pd.DataFrame(columns=["period"])
    return pd.DataFrame(rows, columns=list(rows[0]))


def repairs(plan: Plan) -> pd.DataFrame:
    """The smallest repairs of an infeasible instance, one row per part."""
    rows = [
        {
            "repair": n + 1,
            "part": k + 1,
            **{key: part[key] for key in ("kind", "target", "period", "amount")},
            "text": part["text"],
            "needed_by": ", ".join(part["needed_by"]),
            "weight": repair["weight"],
            "proven_smallest": repair["proven_smallest"],
            "confirmed": repair["confirmed"],
            "objective_after": repair["objective_after"],
        }
        for n, repair in enumerate(_section(plan, "repairs"))
        for k, part in enumerate(repair["parts"])
    ]
    return pd.DataFrame(rows, columns=REPAIR_COLUMNS)


class Sheet(NamedTuple):
    """A workbook sheet of one explanation table."""

    sheet: str
    table: str
    """The table's name (a key of :data:`TABLES`)."""
    title: str
    formats: dict[str, NumberKind]
    """Column -> the kind of figure it holds."""


#: The explanation sheets of the plan workbook, in order.
SHEETS = [
    Sheet(
        sheet="Why",
        table="why",
        title="Why in / why out: price = score lost when forced the other way "
        "(re-solved); break_even = change of its expected value at which it enters "
        "(+) or leaves (-) the optimal plan.",
        formats={
            "expected_value": "value",
            "price": "value",
            "break_even": "value",
            "objective_forced": "value",
            "gap_forced": "gap",
        },
    ),
    Sheet(
        sheet="Bottlenecks",
        table="bottlenecks",
        title="Bottlenecks: utilisation of each budget / resource per period (of "
        "the limit that applies); darker = tighter.",
        formats={},
    ),
    Sheet(
        sheet="Binding",
        table="binding",
        title="What binds: limit that applies, used, slack; gain_up / loss_down = "
        "score bought / lost with the period's limit raised / cut by step "
        "(re-solved); value_*_per per `per` units.",
        formats={
            "utilisation": "percent",
            "gain_up": "value",
            "loss_down": "value",
            "value_up_per": "value",
            "value_down_per": "value",
            "gap": "gap",
        },
    ),
    Sheet(
        sheet="Repairs",
        table="repairs",
        title="Smallest repairs of an infeasible instance, one row per part; each "
        "repair alone gives a plan.",
        formats={"weight": "value", "objective_after": "value"},
    ),
]

#: Table name -> builder.
TABLES = {
    "why": why,
    "bottlenecks": bottlenecks,
    "binding": binding,
    "repairs": repairs,
}
