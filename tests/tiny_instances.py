"""Tiny instances written as plain dicts and solved with real HiGHS."""

from __future__ import annotations

from typing import Any

import pathway_opt as po


def make(**overrides: Any) -> dict[str, Any]:
    """A one-criterion, two-period instance dict; keyword arguments replace keys."""
    data: dict[str, Any] = {
        "name": "tiny",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "initiatives": [],
    }
    data.update(overrides)
    return data


def solve_dict(data: dict[str, Any]) -> po.Plan:
    """Validate and solve an instance dict with default (proving) settings."""
    return po.solve(po.instance_from_data(data))
