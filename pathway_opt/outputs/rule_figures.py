"""A spend-share or average rule's figure for a plan as it runs.

:func:`pathway_opt.schema.value_rules.value_rule_figures` reads the instance as
given. A plan may run an initiative as one of its variants (another cost, other
scores) and split a ``funded_by`` initiative's cost among budgets, so the
outputs take the figure here: on the instance with each variant's version in
place, and with a funded initiative's spend read off the plan's split (what a
rule on one budget counts is what that budget pays).
"""

from __future__ import annotations

from collections.abc import Mapping

from pathway_opt.schema.entities import AverageRule, SpendShareRule
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.value_rules import (
    counted_spend,
    value_rule_figures,
    value_rule_members,
)
from pathway_opt.verification.funding_checks import as_run

Split = Mapping[tuple[str, str, str], float]
"""(initiative id, budget id, period label) -> amount paid."""


def running_instance(inst: Instance, variants: Mapping[str, str]) -> Instance:
    """The instance with each initiative of ``variants`` as that version."""
    return as_run(inst, variants, [])


def plan_rule_figures(
    inst: Instance,
    rule: SpendShareRule | AverageRule,
    start: Mapping[str, int],
    funding: Split,
) -> tuple[float | None, list[str]]:
    """The share or mean (None: nothing counted) and the rule's members.

    ``inst`` is the instance as run (:func:`running_instance`), ``start`` the
    selected initiatives' start indices and ``funding`` the plan's split.
    Initiatives with a split in ``funding`` count what it pays; the others
    (and any left out of it) count their cost as the instance gives it.
    """
    if not isinstance(rule, SpendShareRule) or not funding:
        return value_rule_figures(inst, rule, dict(start))
    members = value_rule_members(inst, rule)
    by_id = {i.id: i for i in inst.initiatives}
    split_of = {i for i, _, _ in funding}
    periods = set(inst.periods if rule.periods is None else rule.periods)
    spend: dict[str, float] = {}
    for ini_id, s in start.items():
        if ini_id in split_of:
            spend[ini_id] = sum(
                amount
                for (i, b, p), amount in funding.items()
                if i == ini_id
                and p in periods
                and (rule.budget is None or b == rule.budget)
            )
        else:
            spend[ini_id] = counted_spend(inst, rule, by_id[ini_id], s)
    total = sum(spend.values())
    inside = set(members)
    theirs = sum(v for i, v in spend.items() if i in inside)
    return (theirs / total if total > 0 else None), members
