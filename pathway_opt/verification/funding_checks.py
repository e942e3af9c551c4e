"""Variants and funding splits checked from the instance and the plan alone.

A plan names the variant each selected initiative runs as (none: as given) and,
for initiatives with ``funded_by``, what each budget pays of the cost due in
each period. The instance *as run* replaces every such initiative by its
version; the split must pay exactly the cost due, only from listed budgets,
each within its ``max_share``. Written apart from the model's builders.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance

#: Slack on a split's sum and caps, relative to the amount due, plus absolute:
#: far below a planner's notice, above HiGHS's feasibility tolerance and the
#: rounding of a split written with 6 decimals (a plan JSON read back).
REL = 1e-7
ABS = 1e-5

FundingByLabel = Mapping[tuple[str, str, str], float]
"""(initiative id, budget id, period label) -> amount paid."""


def as_run(
    inst: Instance, variants: Mapping[str, str], problems: list[str]
) -> Instance:
    """The instance with each initiative of ``variants`` replaced by that version.

    Unknown initiatives or variant ids are added to ``problems`` and ignored.
    """
    if not variants:
        return inst
    by_id = {ini.id: ini for ini in inst.initiatives}
    for ini_id, variant in variants.items():
        ini = by_id.get(ini_id)
        if ini is None:
            problems.append(f'variant "{variant}" of "{ini_id}", not an initiative')
        elif variant not in ini.variant_ids():
            problems.append(
                f'"{ini_id}" has no variant "{variant}" (its variants: '
                f"{', '.join(ini.variant_ids()) or 'none'})"
            )
    initiatives = [
        ini.version(variants[ini.id])
        if variants.get(ini.id) in ini.variant_ids()
        else ini
        for ini in inst.initiatives
    ]
    return inst.model_copy(update={"initiatives": initiatives})


def funding_usage(
    inst: Instance,
    start: np.ndarray,
    funding: FundingByLabel,
    problems: list[str],
    beyond: dict[str, float],
) -> np.ndarray:
    """Spend per budget and period the split charges; its problems noted.

    ``inst`` is the instance as run; ``start`` the start index per initiative
    (-1 if not selected). What a funded initiative owes after the last period
    (``allow_beyond_horizon``) is counted in ``beyond`` under its first budget.
    """
    horizon = len(inst.periods)
    budgets = inst.budget_ids()
    row = {b: k for k, b in enumerate(budgets)}
    period = {p: t for t, p in enumerate(inst.periods)}
    used = np.zeros((len(budgets), horizon))
    by_id = {ini.id: (k, ini) for k, ini in enumerate(inst.initiatives)}
    paid: dict[tuple[str, int], dict[str, float]] = {}
    for (ini_id, budget, label), amount in funding.items():
        found = by_id.get(ini_id)
        t = period.get(label, -1)
        what = f'funding of "{ini_id}" by "{budget}" in {label}'
        if found is None or t < 0 or budget not in row:
            problems.append(f"{what}: not an initiative, budget and period")
            continue
        k, ini = found
        if start[k] < 0:
            problems.append(f"{what}: the initiative is not selected")
        elif ini.funded_by is None or budget not in ini.funded_by:
            problems.append(f"{what}: the budget is not in its funded_by")
        elif not np.isfinite(amount) or amount < -ABS:
            problems.append(f"{what}: {amount:,.2f} is not a payment")
        else:
            paid.setdefault((ini_id, t), {})[budget] = amount
            used[row[budget], t] += amount
    for k, ini in enumerate(inst.initiatives):
        if start[k] < 0 or ini.funded_by is None or not isinstance(ini.cost, list):
            continue
        s = int(start[k])
        for offset, due in enumerate(ini.cost):
            t = s + offset
            if t >= horizon:
                if due:
                    first = ini.funded_by[0]
                    beyond[first] = beyond.get(first, 0.0) + due
                continue
            _check_split(ini, inst.periods[t], due, paid.get((ini.id, t), {}), problems)
    return used


def _check_split(
    ini: Initiative, label: str, due: float, paid: dict[str, float], problems: list[str]
) -> None:
    slack = REL * abs(due) + ABS
    total = sum(paid.values())
    if abs(total - due) > slack:
        problems.append(
            f'"{ini.id}" owes {due:,.2f} in {label} but its budgets pay {total:,.2f}'
        )
    for budget, amount in paid.items():
        cap = ini.max_share.get(budget, 1.0)
        if amount > cap * due + slack:
            problems.append(
                f'"{budget}" pays {amount:,.2f} of "{ini.id}"\'s {due:,.2f} in '
                f"{label}, above its max_share {cap:g}"
            )
