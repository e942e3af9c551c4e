"""Numbers the solver cannot take (errors) or that strain it (warnings), by field.

Amounts of 1e15 and more are refused by the schema (HiGHS treats 1e20 as
infinite long before). Weights and scores are each below 1e15 too, but their
product is what HiGHS sees: the value of an initiative, success_probability x
sum of weight x score, is an objective coefficient. Measured with HiGHS 1.16 on
the provincial example scaled up: values up to 3e18 solve to the same plan in
seconds; from 1e19 HiGHS stalls without closing the gap (30 s gave plans 4-6 %
below the optimum), and from 1.2e20 (``infinite_cost`` is 1e20) it stops at
once with status kUnknown. :func:`value_problems` therefore refuses values of
1e15 and more, the same ceiling as every amount, which leaves three orders of
magnitude of margin; ``load_instance`` (so every command, ``validate``
included), :func:`pathway_opt.solve` and ``compare``'s scenarios apply it.

What remains legal but risky is a wide range of
magnitudes within one constraint row: the rows are scaled by their largest
coefficient before HiGHS sees them, so a row whose smallest non-zero entry is
more than 1e9 times smaller than its largest, or whose limit is that far from
its entries, is solved at the edge of HiGHS's tolerances.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from pathway_opt.errors import InputError, Problem
from pathway_opt.schema.checks import period_order_warnings
from pathway_opt.schema.entities import LimitKind
from pathway_opt.schema.instance import Instance

#: Ratio of largest to smallest magnitude above which a warning is given.
RANGE_LIMIT = 1e9
#: Largest value (objective coefficient) an initiative may have, exclusive.
MAX_VALUE = 1e15


def value_problems(inst: Instance) -> list[Problem]:
    """One problem per initiative whose value is 1e15 or more (HiGHS cannot solve it).

    The value is success_probability x sum of weight x score; the problem names
    the initiative's scores, its largest term's weight and score, and the fix.
    """
    used = inst.weights
    weights = {c.id: (k, used[c.id]) for k, c in enumerate(inst.criteria)}
    derived = inst.weights_source.derived
    problems = []
    for k, ini in enumerate(inst.initiatives):
        terms = {c: weights[c][1] * v for c, v in ini.scores.items() if c in weights}
        value = ini.success_probability * sum(terms.values())
        if not terms or (math.isfinite(value) and value < MAX_VALUE):
            continue
        top = max(terms, key=lambda c: terms[c])
        where = weights[top][0]
        weight = (
            f'the weight of "{top}" (from criteria_comparisons)'
            if derived
            else f"criteria[{where}].weight"
        )
        problems.append(
            Problem(
                f"initiatives[{k}].scores",
                f'initiative "{ini.id}" is worth {value:.3g} (success_probability '
                f"{ini.success_probability:g} x sum of weight x score; largest: "
                f"{weight} {weights[top][1]:.3g} x "
                f"initiatives[{k}].scores.{top} {ini.scores[top]:.3g}); values of "
                "1e15 and more are beyond what HiGHS solves reliably: express the "
                "weights or scores in smaller units",
            )
        )
    return problems + _range_value_problems(inst, {p.path for p in problems})


def _range_value_problems(inst: Instance, reported: set[str]) -> list[Problem]:
    """Initiatives worth 1e15 or more at the high ends of their uncertainty ranges.

    A sampled value is an objective coefficient too (robustness analysis).
    """
    given = inst.weights
    highs = {
        c.id: given[c.id] if c.weight_range is None else c.weight_range[1]
        for c in inst.criteria
    }
    if all(c.weight_range is None for c in inst.criteria) and not any(
        i.uncertainty for i in inst.initiatives
    ):
        return []
    problems = []
    for k, ini in enumerate(inst.initiatives):
        if f"initiatives[{k}].scores" in reported:
            continue
        spread = ini.uncertainty
        scores = dict(ini.scores)
        probability = ini.success_probability
        if spread is not None:
            scores.update({c: r[1] for c, r in spread.scores.items() if c in highs})
            if spread.success_probability is not None:
                probability = spread.success_probability[1]
        top = probability * sum(highs[c] * v for c, v in scores.items() if c in highs)
        if math.isfinite(top) and top < MAX_VALUE:
            continue
        problems.append(
            Problem(
                f"initiatives[{k}].uncertainty"
                if spread is not None
                else f"initiatives[{k}].scores",
                f'initiative "{ini.id}" is worth {top:.3g} at the high ends of the '
                "uncertainty ranges (its own and the weight_range of the criteria); "
                "values of 1e15 and more are beyond what HiGHS solves reliably: "
                "narrow the ranges or express weights or scores in smaller units",
            )
        )
    return problems


def check_values(inst: Instance, source: str = "") -> Instance:
    """The instance, if every initiative's value is below 1e15.

    Raises:
        InputError: naming every initiative worth 1e15 or more.
    """
    problems = value_problems(inst)
    if problems:
        raise InputError(problems, source=source)
    return inst


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
    weights = inst.weights
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
