"""Warnings about numbers that strain the solver, each naming the fields involved.

Amounts of 1e15 and more are refused by the schema (HiGHS treats 1e20 as
infinite long before). What remains legal but risky is a wide range of
magnitudes within one constraint row: the rows are scaled by their largest
coefficient before HiGHS sees them, so a row whose smallest non-zero entry is
more than 1e9 times smaller than its largest, or whose limit is that far from
its entries, is solved at the edge of HiGHS's tolerances.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from pathway_opt.schema.checks import period_order_warnings
from pathway_opt.schema.entities import LimitKind
from pathway_opt.schema.instance import Instance

#: Ratio of largest to smallest magnitude above which a warning is given.
RANGE_LIMIT = 1e9


class _Amount(NamedTuple):
    path: str
    """Where the amount is, as a JSON path."""
    value: float


def _entries(inst: Instance, kind: LimitKind, owner: str) -> Iterator[_Amount]:
    """Every non-zero amount in one budget's or resource's row."""
    budgets = inst.budget_ids()
    for k, ini in enumerate(inst.initiatives):
        if kind == "budget":
            profile = ini.cost_by_budget(budgets).get(owner, [])
            at = f"initiatives[{k}].cost" + (
                f".{owner}" if isinstance(ini.cost, dict) else ""
            )
        else:
            profile = ini.uses.get(owner, [])
            at = f"initiatives[{k}].uses.{owner}"
        for t, v in enumerate(profile):
            if v:
                yield _Amount(path=f"{at}[{t}]", value=v)


def range_warnings(inst: Instance) -> list[str]:
    """Every warning about the instance, as `validate`, the summary and the plan show.

    First those about the file it was read from (a workbook's hidden or unknown
    sheets, hidden rows), then period labels that look like years out of order,
    then one per budget, resource or objective whose magnitudes span > 1e9.
    """
    warnings = [*inst.source_warnings, *period_order_warnings(inst)]
    rows: list[tuple[LimitKind, str, str, int, list[float]]]
    rows = [("budget", b.id, "limits", k, b.limits) for k, b in enumerate(inst.budgets)]
    rows += [
        ("resource", r.id, "capacity", k, r.capacity)
        for k, r in enumerate(inst.resources)
    ]
    for kind, owner, field, k, limits in rows:
        values = list(_entries(inst, kind, owner))
        values += [
            _Amount(path=f"{kind}s[{k}].{field}[{t}]", value=v)
            for t, v in enumerate(limits)
            if v
        ]
        warnings += _check(values, f'{kind} "{owner}"')
    weights = {c.id: c.weight for c in inst.criteria}
    scores = [
        _Amount(
            path=f"initiatives[{k}].scores.{c}",
            value=weights[c] * v * ini.success_probability,
        )
        for k, ini in enumerate(inst.initiatives)
        for c, v in ini.scores.items()
    ]
    warnings += _check([s for s in scores if s.value], "the objective")
    return warnings


def _check(values: list[_Amount], what: str) -> list[str]:
    if len(values) < 2:
        return []
    small = min(values, key=lambda a: abs(a.value))
    large = max(values, key=lambda a: abs(a.value))
    ratio = abs(large.value) / abs(small.value)
    if ratio <= RANGE_LIMIT:
        return []
    return [
        f"{what}: magnitudes range from {small.value:.3g} ({small.path}) to "
        f"{large.value:.3g} ({large.path}), a ratio of {ratio:.1e} (over 1e9); results "
        "may be inexact: check the units (e.g. money in CNY, not a mix of CNY and "
        "millions)"
    ]
