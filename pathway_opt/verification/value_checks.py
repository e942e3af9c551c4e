"""Spend-share and average rules checked from the instance and the plan alone.

Written apart from the model's builders (no shared look-ups beyond the
instance's fields): members are matched, spend summed and means taken here
again, so a mistake in the model's rows shows up as a violation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import AverageRule, SpendShareRule

#: Slack on shares and means: far below what a planner would notice, above the
#: solver's feasibility tolerance on the linear form.
TOL = 1e-6


def _members(inst: Instance, rule: SpendShareRule | AverageRule) -> set[str]:
    if rule.members is not None:
        return set(rule.members)
    if rule.where is None:
        return {i.id for i in inst.initiatives}
    chosen = set()
    for ini in inst.initiatives:
        fits = True
        for name in ("type", "department", "partner"):
            wanted = getattr(rule.where, name)
            if wanted is not None and getattr(ini, name) not in (
                wanted if isinstance(wanted, list) else [wanted]
            ):
                fits = False
        if fits:
            chosen.add(ini.id)
    return chosen


def _spend(
    inst: Instance,
    ini: Initiative,
    start: int,
    rule: SpendShareRule,
    funding: Mapping[tuple[str, str, str], float],
) -> float:
    """What the initiative started in `start` spends in the rule's budget/periods.

    Of an initiative with ``funded_by``, a rule on one budget counts what the
    plan's funding split has that budget pay.
    """
    periods = set(rule.periods or inst.periods)
    if ini.funded_by is not None and rule.budget is not None:
        return sum(
            amount
            for (i, b, p), amount in funding.items()
            if i == ini.id and b == rule.budget and p in periods
        )
    if ini.funded_by is not None:
        profiles = {"": list(ini.cost) if isinstance(ini.cost, list) else []}
    elif isinstance(ini.cost, dict):
        profiles = dict(ini.cost)
    else:
        profiles = {inst.budgets[0].id: list(ini.cost)} if inst.budgets else {}
    total = 0.0
    for budget, profile in profiles.items():
        if rule.budget is not None and budget != rule.budget:
            continue
        for k, amount in enumerate(profile):
            t = start + k
            if t < len(inst.periods) and inst.periods[t] in periods:
                total += amount
    return total


def _value(ini: Initiative, field: str) -> float:
    if field == "success_probability":
        return ini.success_probability
    if field == "cost":
        profiles = ini.cost.values() if isinstance(ini.cost, dict) else [ini.cost]
        return float(sum(sum(p) for p in profiles))
    return float(ini.scores.get(field[len("score:") :], 0.0))


def value_rule_problems(
    inst: Instance,
    start: np.ndarray,
    funding: Mapping[tuple[str, str, str], float] | None = None,
) -> Iterator[tuple[int, str]]:
    """(rule position, problem) for every spend-share or average rule broken.

    ``start``: start period index per initiative in instance order, -1 if out;
    ``funding``: the plan's split of funded initiatives' costs.
    """
    funding = funding or {}
    chosen = {
        ini.id: int(s)
        for ini, s in zip(inst.initiatives, start.tolist(), strict=True)
        if s >= 0
    }
    by_id = {i.id: i for i in inst.initiatives}
    for k, rule in enumerate(inst.rules):
        if isinstance(rule, SpendShareRule):
            members = _members(inst, rule)
            spend = {
                i: _spend(inst, by_id[i], s, rule, funding) for i, s in chosen.items()
            }
            total = sum(spend.values())
            theirs = sum(v for i, v in spend.items() if i in members)
            share = theirs / total if total > 0 else 0.0
            slack = TOL * max(1.0, total)
            found = f"its members take {share:.4g} ({theirs:,.2f} of {total:,.2f})"
            low, high = rule.at_least, rule.at_most
            if low is not None and theirs < low * total - slack:
                yield k, f"rule {k + 1}: spend share at least {low:g}, but {found}"
            if high is not None and theirs > high * total + slack:
                yield k, f"rule {k + 1}: spend share at most {high:g}, but {found}"
        elif isinstance(rule, AverageRule):
            members = _members(inst, rule)
            values = [_value(by_id[i], rule.field) for i in chosen if i in members]
            if not values:
                continue  # an empty selection meets any average
            mean = sum(values) / len(values)
            slack = TOL * max(1.0, abs(mean))
            found = f"the {len(values)} selected members average {mean:.4g}"
            what = f"rule {k + 1}: average {rule.field}"
            low, high = rule.at_least, rule.at_most
            if low is not None and mean < low - slack:
                yield k, f"{what} at least {low:g}, but {found}"
            if high is not None and mean > high + slack:
                yield k, f"{what} at most {high:g}, but {found}"
