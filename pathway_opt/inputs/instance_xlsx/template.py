"""The input template: an input workbook around a small example instance.

:func:`write_template` writes the layout of
:mod:`pathway_opt.inputs.instance_xlsx.layout`
with example rows (two initiatives, one of them with a reduced variant and its
cost split between two budgets, one rule of five kinds) for planners to
replace with their own; ``pathway-opt template plan.xlsx`` calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pathway_opt.inputs.instance_json import instance_from_data
from pathway_opt.inputs.instance_xlsx.write import write_instance_xlsx
from pathway_opt.schema.instance import Instance

DEFAULT_PERIODS = ("2027", "2028", "2029")


def example_instance(periods: Sequence[str] = DEFAULT_PERIODS) -> Instance:
    """A small valid instance showing every sheet, used to fill the template."""
    n = len(periods)
    first, last = periods[0], periods[-1]
    data: dict[str, Any] = {
        "name": "Example university IEI plan",
        "description": "Replace the example rows with your own initiatives.",
        "notes": "Your own notes on the plan; every sheet has a notes column too.",
        "currency": "CNY",
        "periods": list(periods),
        "criteria": [
            {
                "id": "TC",
                "name": "Talent cultivation & employment",
                "weight": 0.6,
                "weight_range": [0.5, 0.7],
            },
            {"id": "EE", "name": "Enterprise engagement", "weight": 0.4},
        ],
        "budgets": [
            {
                "id": "central",
                "name": "University own IEI budget",
                "limits": [5_000_000.0] * n,
                "carry_over": True,
            },
            {
                "id": "gov_special",
                "name": "Provincial special fund (lapses if unspent)",
                "limits": [200_000.0] * n,
                "min_use": [0.5] + [0.0] * (n - 1),
                "eligible": {"type": ["joint_lab", "industrial_college"]},
                "notes": "Only joint labs and industrial colleges may use it.",
            },
        ],
        "resources": [
            {
                "id": "faculty_fte",
                "name": "Faculty time assignable to IEI",
                "unit": "FTE",
                "capacity": [12.0] * n,
            }
        ],
        "initiatives": [
            {
                "id": "PA-CS-01",
                "name": "Framework agreement with Example Networks",
                "type": "partner_agreement",
                "department": "Computer Science",
                "partner": "Example Networks Ltd",
                "scores": {"TC": 1.0, "EE": 3.0},
                "success_probability": 0.95,
                "cost": {"central": [40_000.0, 20_000.0][:n]},
                "uses": {"faculty_fte": [0.1]},
                "latest_start": first,
                "decision": "must",
                "decision_reason": "Framework agreement already signed",
            },
            {
                "id": "JL-CS-01",
                "name": "Cybersecurity joint lab",
                "type": "joint_lab",
                "department": "Computer Science",
                "partner": "Example Networks Ltd",
                "scores": {"TC": 8.0, "EE": 6.0},
                "success_probability": 0.85,
                "uncertainty": {
                    "scores": {"TC": [6.0, 9.0]},
                    "success_probability": [0.7, 0.95],
                    "cost_factor": [0.9, 1.3],
                },
                "cost": [1_300_000.0, 400_000.0, 400_000.0][:n],
                "funded_by": ["central", "gov_special"],
                "max_share": {"gov_special": 0.5},
                "uses": {"faculty_fte": [2.0, 1.0, 1.0][:n]},
                "earliest_start": first,
                "latest_start": last,
                "variants": [
                    {
                        "id": "lite",
                        "name": "Reduced lab without the clean room",
                        "cost": [600_000.0, 200_000.0][:n],
                        "uses": {"faculty_fte": [1.0, 0.5][:n]},
                        "scores": {"TC": 6.0},
                        "notes": "Funded instead of the full lab if money is short.",
                    }
                ],
            },
        ],
        "rules": [
            {
                "kind": "requires",
                "initiative": "JL-CS-01",
                "on": ["PA-CS-01"],
                "lag": 0,
            },
            {"kind": "at_most", "count": 1, "where": {"type": "joint_lab"}},
            {"kind": "synergy", "members": ["PA-CS-01", "JL-CS-01"], "bonus": 0.2},
            {
                "kind": "spend_share",
                "where": {"type": "partner_agreement"},
                "at_least": 0.02,
                "notes": "agreements take at least 2% of all spend",
            },
            {
                "kind": "average",
                "field": "success_probability",
                "at_least": 0.6,
                "notes": "funded initiatives succeed with 0.6 on average",
            },
        ],
        "settings": {"delay_discount": 1.0, "allow_beyond_horizon": False},
    }
    return instance_from_data(data)


def write_template(path: str | Path, periods: Sequence[str] = DEFAULT_PERIODS) -> None:
    """Write an input workbook with example rows for planners to fill in.

    Raises:
        InputError: if the periods are not valid period labels.
        OutputError: if the file cannot be written.
    """
    write_instance_xlsx(example_instance(periods), path)
