"""Warnings about a valid instance: what is legal but probably not meant.

:func:`instance_warnings` gathers every warning of an instance, each one line
starting with where it is; ``validate`` prints them, the plan summary and the
plan JSON (`warnings`) carry them. They are:

- numbers whose magnitudes strain the solver (:mod:`pathway_opt.schema.numerics`);
- an initiative `type` that is a near miss of a usual type (`join_lab`: did you
  mean joint_lab?); any other text is the planner's own category and is fine;
- a `where` selector that matches no initiative.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pathway_opt.schema.entities import INITIATIVE_TYPES, CountRule
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import range_warnings

#: How close (difflib ratio) a type must be to a usual one to be called a near miss.
NEAR_MISS = 0.8

_WHERE_FIELDS = ("type", "department", "partner")


def instance_warnings(inst: Instance) -> list[str]:
    """Every warning about the instance, in a stable order."""
    return [
        *range_warnings(inst),
        *type_warnings(inst),
        *where_warnings(inst),
    ]


def suggestion(word: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The known word `word` is a near miss of, if any (case and spaces ignored)."""
    folded = {k.casefold(): k for k in known}
    key = "_".join(word.casefold().replace("-", " ").split())
    if key in folded:
        return None if folded[key] == word else folded[key]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=NEAR_MISS)
    return folded[close[0]] if close else None


def type_warnings(inst: Instance) -> Iterator[str]:
    """Types that look like a misspelt usual type."""
    for k, ini in enumerate(inst.initiatives):
        if ini.type in INITIATIVE_TYPES:
            continue
        near = suggestion(ini.type, INITIATIVE_TYPES)
        if near is not None:
            yield (
                f'initiatives[{k}].type: "{ini.type}" is not a usual type; did you '
                f"mean {near}? (any other text is kept as your own category)"
            )


def where_warnings(inst: Instance) -> Iterator[str]:
    """Count rules whose `where` selector matches no initiative."""
    members = inst.count_rule_members()
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, CountRule) or rule.where is None or members[k]:
            continue
        given = {f: value for f in _WHERE_FIELDS if (value := getattr(rule.where, f))}
        if not given:
            continue  # names no field: an error of the schema checks
        hints = []
        for field, value in given.items():
            present = sorted({v for i in inst.initiatives if (v := getattr(i, field))})
            for wanted in value if isinstance(value, list) else [value]:
                if wanted in present:
                    continue
                near = suggestion(wanted, present)
                if near is not None:
                    hints.append(f'{field} "{wanted}": did you mean {near}?')
        selector = ", ".join(f"{f}={v}" for f, v in given.items())
        yield (
            f"rules[{k}].where: {selector} matches no initiative, so the "
            f"{rule.kind} {rule.count} rule counts none"
            + (f" ({'; '.join(hints)})" if hints else "")
        )
