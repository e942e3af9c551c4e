"""Spend-share and average rules: their checks and the look-ups they share.

A ``spend_share`` rule bounds the members' share of spend; an ``average`` rule
bounds the mean of a numeric field over the selected members. Both select their
members like count rules (``members`` or ``where``; an ``average`` rule with
neither averages over every initiative).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from pathway_opt.errors import Problem
from pathway_opt.schema.entities import Where
from pathway_opt.schema.rules import AVERAGE_FIELDS, AverageRule, SpendShareRule

if TYPE_CHECKING:
    from pathway_opt.schema.entities import Initiative
    from pathway_opt.schema.instance import Instance

ValueRule = SpendShareRule | AverageRule

_WHERE_FIELDS = ("type", "department", "partner")


def matches(where: Where, ini: Initiative) -> bool:
    """Whether an initiative matches every field a selector names."""
    for name in _WHERE_FIELDS:
        wanted = getattr(where, name)
        if wanted is None:
            continue
        options = wanted if isinstance(wanted, list) else [wanted]
        if getattr(ini, name) not in options:
            return False
    return True


def value_rule_members(inst: Instance, rule: ValueRule) -> list[str]:
    """Ids of the rule's members in instance order (all for a bare average)."""
    if rule.members is not None:
        listed = set(rule.members)
        return [i.id for i in inst.initiatives if i.id in listed]
    if rule.where is not None:
        return [i.id for i in inst.initiatives if matches(rule.where, i)]
    return [i.id for i in inst.initiatives]


def field_value(inst: Instance, ini: Initiative, field: str) -> float:
    """An initiative's value of an ``average`` rule's field.

    ``cost`` is the whole cost profile summed over budgets (as given, also what
    falls past the horizon); ``score:<c>`` is its score on criterion c (0 if not
    scored).
    """
    if field == "success_probability":
        return ini.success_probability
    if field == "cost":
        costs = ini.cost.values() if isinstance(ini.cost, dict) else [ini.cost]
        return float(sum(sum(p) for p in costs))
    return float(ini.scores.get(field.removeprefix("score:"), 0.0))


def value_rule_problems(inst: Instance) -> Iterator[Problem]:
    """Misuses of spend-share and average rules, one problem each."""
    ids = {i.id for i in inst.initiatives}
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, SpendShareRule | AverageRule):
            continue
        at = f"rules[{k}]"
        if rule.at_least is None and rule.at_most is None:
            yield Problem(at, f"{rule.kind} rule needs `at_least`, `at_most` or both")
        elif (
            rule.at_least is not None
            and rule.at_most is not None
            and rule.at_least > rule.at_most
        ):
            yield Problem(
                f"{at}.at_most",
                f"is {rule.at_most:g}, below at_least {rule.at_least:g}; no plan can "
                "meet both",
            )
        if isinstance(rule, SpendShareRule):
            if (rule.members is None) == (rule.where is None):
                yield Problem(at, "give exactly one of `members` or `where`")
            yield from _spend_scope(inst, rule, at)
        else:
            if rule.members is not None and rule.where is not None:
                yield Problem(at, "give at most one of `members` or `where`")
            yield from _field_problems(inst, rule, at)
        if rule.where is not None and not any(
            getattr(rule.where, f) is not None for f in _WHERE_FIELDS
        ):
            yield Problem(f"{at}.where", "names no field to match")
        for j, member in enumerate(rule.members or []):
            if member not in ids:
                yield Problem(f"{at}.members[{j}]", f'unknown initiative "{member}"')
        listed = rule.members or []
        for dup in sorted({m for m in listed if listed.count(m) > 1}):
            yield Problem(at, f'"{dup}" is listed more than once')


def _spend_scope(inst: Instance, rule: SpendShareRule, at: str) -> Iterator[Problem]:
    budgets = inst.budget_ids()
    if rule.budget is not None and rule.budget not in budgets:
        yield Problem(
            f"{at}.budget",
            f'unknown budget "{rule.budget}"{_near(rule.budget, budgets)} '
            f"(known: {', '.join(budgets) or 'none defined'})",
        )
    for j, period in enumerate(rule.periods or []):
        if period not in inst.periods:
            yield Problem(
                f"{at}.periods[{j}]",
                f'"{period}" is not a period{_near(period, inst.periods)} '
                f"(periods: {', '.join(inst.periods)})",
            )


def _field_problems(inst: Instance, rule: AverageRule, at: str) -> Iterator[Problem]:
    criteria = [c.id for c in inst.criteria]
    if rule.field.startswith("score:"):
        criterion = rule.field.removeprefix("score:")
        if criterion not in criteria:
            yield Problem(
                f"{at}.field",
                f'unknown criterion "{criterion}"{_near(criterion, criteria)} in '
                f'"{rule.field}" (known: {", ".join(criteria)})',
            )
        return
    if rule.field in AVERAGE_FIELDS:
        return
    known = [*AVERAGE_FIELDS, *(f"score:{c}" for c in criteria)]
    yield Problem(
        f"{at}.field",
        f'"{rule.field}" is not a field an average can take{_near(rule.field, known)} '
        f"(known: {', '.join(known)})",
    )


def _near(value: str, known: list[str]) -> str:
    folded = {k.casefold(): k for k in known}
    near = folded.get(value.casefold()) or next(
        iter(difflib.get_close_matches(value, known, n=1, cutoff=0.6)), None
    )
    return f'; did you mean "{near}"?' if near else ""


def counted_spend(
    inst: Instance,
    rule: SpendShareRule,
    ini: Initiative,
    start: int,
    funding: Mapping[tuple[str, str, str], float] | None = None,
) -> float:
    """What `ini` started in period index `start` spends that the rule counts.

    Of a cost split among budgets (`funded_by`), a rule on one budget counts
    what the plan's ``funding`` has that budget pay; a rule on all, the cost.
    """
    periods = set(inst.periods if rule.periods is None else rule.periods)
    if ini.funded_by is not None and rule.budget is not None:
        return sum(
            v
            for (i, b, p), v in (funding or {}).items()
            if i == ini.id and b == rule.budget and p in periods
        )
    profiles = (
        {"": ini.cost_profile()}
        if ini.funded_by is not None
        else ini.cost_by_budget(inst.budget_ids())
    )
    total = 0.0
    for budget, profile in profiles.items():
        if rule.budget is not None and budget != rule.budget:
            continue
        for k, amount in enumerate(profile):
            t = start + k
            if t < len(inst.periods) and inst.periods[t] in periods:
                total += amount
    return total


def selector_text(rule: ValueRule, members: list[str]) -> str:
    """`initiatives with type joint_lab`, or the listed ids, or `all initiatives`."""
    if rule.where is not None:
        chosen = {
            key: value
            for key in _WHERE_FIELDS
            if (value := getattr(rule.where, key)) is not None
        }
        scope = " and ".join(
            f"{key} {' or '.join(v) if isinstance(v, list) else v}"
            for key, v in chosen.items()
        )
        return f"initiatives with {scope}"
    if rule.members is not None:
        return ", ".join(members)
    return "all initiatives"


#: How close a share or mean must come to its bound to count as binding.
BINDING_TOL = 1e-6


def value_rule_figures(
    inst: Instance,
    rule: ValueRule,
    start: dict[str, int],
    variants: Mapping[str, str] | None = None,
    funding: Mapping[tuple[str, str, str], float] | None = None,
) -> tuple[float | None, list[str]]:
    """The plan's share or mean for the rule (None: nothing counted), members.

    ``start``: initiative id -> start period index of the selected ones;
    ``variants`` and ``funding``: the plan's (see :class:`pathway_opt.plan.Plan`).
    """
    members = value_rule_members(inst, rule)
    variants = variants or {}
    by_id = {i.id: i.version(variants.get(i.id)) for i in inst.initiatives}
    if isinstance(rule, SpendShareRule):
        inside = set(members)
        spend = {
            i: counted_spend(inst, rule, by_id[i], s, funding) for i, s in start.items()
        }
        total = sum(spend.values())
        theirs = sum(v for i, v in spend.items() if i in inside)
        return (theirs / total if total > 0 else None), members
    values = [field_value(inst, by_id[m], rule.field) for m in members if m in start]
    return (sum(values) / len(values) if values else None), members


def binding_bound(rule: ValueRule, actual: float | None) -> str | None:
    """`at_least` / `at_most` when the plan's share or mean sits on that bound."""
    if actual is None:
        return None
    for bound in ("at_least", "at_most"):
        value = getattr(rule, bound)
        if value is not None and abs(actual - value) <= BINDING_TOL * max(
            1.0, abs(value)
        ):
            return bound
    return None
