"""Warnings about a valid instance: what is legal but probably not meant.

:func:`instance_warnings` gathers every warning of an instance, each one line
starting with where it is; ``validate`` prints them, the plan summary and the
plan JSON (`warnings`) carry them. They are:

- criteria weights given beside `criteria_comparisons` (ignored), and judgements
  whose inconsistency `settings.accept_inconsistent_judgements` lets through
  (:mod:`pathway_opt.schema.weights`);
- numbers whose magnitudes strain the solver (:mod:`pathway_opt.schema.numerics`);
- an initiative `type` that is a near miss of a usual type (`join_lab`: did you
  mean joint_lab?); any other text is the planner's own category and is fine;
- a `where` selector that matches no initiative;
- an initiative that can never start: from every start in its window, a profile
  runs past the last period. An optional one is left out of the plan; a must
  one makes the instance infeasible (see :func:`never_start_reason`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pathway_opt.schema.entities import INITIATIVE_TYPES, Initiative
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import range_warnings
from pathway_opt.schema.rules import AverageRule, CountRule, SpendShareRule
from pathway_opt.schema.value_rules import value_rule_members
from pathway_opt.schema.weights import weight_warnings

#: How close (difflib ratio) a type must be to a usual one to be called a near miss.
NEAR_MISS = 0.8

_WHERE_FIELDS = ("type", "department", "partner")


def instance_warnings(inst: Instance) -> list[str]:
    """Every warning about the instance, in a stable order."""
    return [
        *weight_warnings(inst),
        *range_warnings(inst),
        *type_warnings(inst),
        *where_warnings(inst),
        *value_rule_warnings(inst),
        *start_warnings(inst),
        *reason_warnings(inst),
    ]


def reason_warnings(inst: Instance) -> Iterator[str]:
    """A `decision_reason` on an optional initiative explains nothing forced."""
    for k, ini in enumerate(inst.initiatives):
        if ini.decision_reason and ini.decision == "optional":
            yield (
                f'initiatives[{k}].decision_reason: "{ini.id}" has a reason but its '
                'decision is optional; set decision to "must" or "never", or remove '
                "the reason"
            )


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


def value_rule_warnings(inst: Instance) -> Iterator[str]:
    """spend_share / average rules whose `where` selector matches no initiative."""
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, SpendShareRule | AverageRule) or rule.where is None:
            continue
        if not any(getattr(rule.where, f) is not None for f in _WHERE_FIELDS):
            continue  # names no field: an error of the schema checks
        if value_rule_members(inst, rule):
            continue
        then = (
            "its members' share is always 0"
            if isinstance(rule, SpendShareRule)
            else "it always holds"
        )
        yield f"rules[{k}].where matches no initiative, so {then}"


def start_warnings(inst: Instance) -> Iterator[str]:
    """Initiatives that can never start, and what becomes of them."""
    for k, ini in enumerate(inst.initiatives):
        reason = never_start_reason(inst, ini)
        if reason is None:
            continue
        if ini.decision == "must":
            then = "it is a must, so no plan exists (the instance is infeasible)"
        else:
            then = "it is left out of the plan"
        yield f"initiatives[{k}]: {reason}; {then}"


def never_start_reason(inst: Instance, ini: Initiative) -> str | None:
    """Why an initiative (not `never`) can never start, or None if it can.

    E.g. ``JL-1 can never start: its 3-year cost profile runs past 2029 from
    every start in 2029-2029``. None as well when the window itself is empty
    (an error of the schema checks).
    """
    window = inst.start_window(ini)
    if ini.decision == "never" or len(window) == 0 or inst.possible_starts(ini):
        return None
    costs = ini.cost.values() if isinstance(ini.cost, dict) else [ini.cost]
    profiles = [("cost profile", p) for p in costs]
    profiles += [(f'use profile of "{r}"', p) for r, p in ini.uses.items()]
    what, years = max(
        ((name, _length(p)) for name, p in profiles), key=lambda item: item[1]
    )
    first, last = inst.periods[window.start], inst.periods[window[-1]]
    return (
        f"{ini.id} can never start: its {years}-year {what} runs past "
        f"{inst.periods[-1]} from every start in {first}-{last}"
    )


def _length(profile: list[float]) -> int:
    """Number of periods up to the last non-zero entry."""
    return max((k + 1 for k, v in enumerate(profile) if v), default=0)
