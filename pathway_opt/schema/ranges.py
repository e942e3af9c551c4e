"""Checks of the uncertainty ranges: `weight_range` and `uncertainty`.

A range ``[low, high]`` is the support of a triangular distribution whose mode
is the given value (1 for ``cost_factor``), so the given value must lie inside
it. Every problem names the JSON path to edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pathway_opt.errors import Problem

if TYPE_CHECKING:
    from pathway_opt.schema.instance import Instance


def range_problems(inst: Instance) -> Iterator[Problem]:
    """Every problem of the instance's uncertainty ranges."""
    for k, crit in enumerate(inst.criteria):
        if crit.weight_range is None:
            continue
        path = f"criteria[{k}].weight_range"
        if inst.criteria_comparisons:
            yield Problem(
                path,
                "the weights are derived from criteria_comparisons, so a range on "
                "the weight given here has nothing to vary; remove weight_range "
                "(or the comparisons, to give the weights yourself)",
            )
        elif crit.weight is not None:  # a missing weight is reported apart
            yield from _around(crit.weight_range, crit.weight, path, "weight")
    criteria = [c.id for c in inst.criteria]
    for k, ini in enumerate(inst.initiatives):
        spread = ini.uncertainty
        if spread is None:
            continue
        at = f"initiatives[{k}].uncertainty"
        for crit_id, bounds in spread.scores.items():
            if crit_id not in criteria:
                yield Problem(
                    f"{at}.scores.{crit_id}",
                    f'unknown criterion "{crit_id}" (known: {", ".join(criteria)}); '
                    "use a criterion id from `criteria`",
                )
                continue
            given = ini.scores.get(crit_id, 0.0)
            yield from _around(bounds, given, f"{at}.scores.{crit_id}", "score")
        if spread.success_probability is not None:
            bounds = spread.success_probability
            path = f"{at}.success_probability"
            if bounds[1] > 1:
                yield Problem(
                    f"{path}[1]",
                    f"is {bounds[1]:g}, but a probability is at most 1; give a "
                    "range within [0, 1]",
                )
            else:
                yield from _around(
                    bounds, ini.success_probability, path, "success_probability"
                )
        if spread.cost_factor is not None:
            bounds = spread.cost_factor
            path = f"{at}.cost_factor"
            if bounds[0] <= 0:
                yield Problem(
                    f"{path}[0]",
                    f"is {bounds[0]:g}, but a cost factor must be more than 0 "
                    "(0 would make the initiative free); give a low end above 0",
                )
            else:
                yield from _around(bounds, 1.0, path, "cost factor")


def _around(
    bounds: list[float], given: float, path: str, what: str
) -> Iterator[Problem]:
    """A problem when ``bounds`` is not ``[low, high]`` with low <= given <= high."""
    low, high = bounds
    if low > high:
        yield Problem(
            path,
            f"[{low:g}, {high:g}] has its low end above its high end; give [low, high]",
        )
    elif not low <= given <= high:
        yield Problem(
            path,
            f"[{low:g}, {high:g}] does not contain the given {what} {given:g}; "
            f"give a range with low <= {given:g} <= high (the given value is the "
            "most likely one)",
        )
