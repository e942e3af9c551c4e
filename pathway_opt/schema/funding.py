"""Funding-source choice: `funded_by`, `max_share` and budgets' `eligible`.

An initiative with `funded_by` has each period's cost split by the optimizer
among those budgets (each at most its `max_share` of the cost); a budget with an
`eligible` selector may fund only the initiatives it matches. The checks here
name the field to edit for every misuse.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pathway_opt.errors import Problem
from pathway_opt.schema.value_rules import matches

if TYPE_CHECKING:
    from pathway_opt.schema.entities import Budget, Initiative
    from pathway_opt.schema.instance import Instance


def charged_budgets(ini: Initiative, budget_ids: list[str]) -> list[str]:
    """Budgets that pay (or may pay) some of the initiative's cost, in order."""
    if ini.funded_by is not None:
        return list(dict.fromkeys(ini.funded_by))
    return list(ini.cost_by_budget(budget_ids))


def share_cap(ini: Initiative, budget: str) -> float:
    """Largest share of the initiative's cost `budget` may pay (1 if uncapped)."""
    return float(ini.max_share.get(budget, 1.0))


def eligible(budget: Budget, ini: Initiative) -> bool:
    """Whether the budget may fund the initiative."""
    return budget.eligible is None or matches(budget.eligible, ini)


def budget_problems(inst: Instance) -> Iterator[Problem]:
    """An `eligible` selector must name a field to match."""
    for k, bud in enumerate(inst.budgets):
        where = bud.eligible
        if where is not None and all(
            getattr(where, f) is None for f in ("type", "department", "partner")
        ):
            yield Problem(
                f"budgets[{k}].eligible",
                "names no field to match; give type, department or partner, or "
                "remove `eligible` to let the budget fund every initiative",
            )


def funding_problems(inst: Instance, ini: Initiative, at: str) -> Iterator[Problem]:
    """Misuses of `funded_by` and `max_share`, and charges to ineligible budgets."""
    budgets = {b.id: b for b in inst.budgets}
    known = inst.budget_ids()
    if ini.funded_by is None:
        if ini.max_share:
            yield Problem(
                f"{at}.max_share",
                "caps shares of `funded_by` budgets, but there is no `funded_by`; "
                "list the budgets that may pay in `funded_by`",
            )
    else:
        if isinstance(ini.cost, dict):
            yield Problem(
                f"{at}.funded_by",
                "needs `cost` as one profile (a list): the optimizer splits it "
                "among the budgets; remove `funded_by` or give the cost as a list",
            )
        for j, bud in enumerate(ini.funded_by):
            if bud not in budgets:
                yield Problem(
                    f"{at}.funded_by[{j}]",
                    f'unknown budget "{bud}"{_near(bud, known)} (known: '
                    f"{', '.join(known) or 'none'})",
                )
        seen: set[str] = set()
        for j, bud in enumerate(ini.funded_by):
            if bud in seen:
                yield Problem(f"{at}.funded_by[{j}]", f'"{bud}" is listed twice')
            seen.add(bud)
        for bud in ini.max_share:
            if bud not in seen:
                yield Problem(
                    f"{at}.max_share.{bud}",
                    f'"{bud}" is not in funded_by ({", ".join(ini.funded_by)}); '
                    "add it there or remove this cap",
                )
        if seen <= set(budgets) and any(ini.cost):
            total = sum(share_cap(ini, b) for b in seen)
            if total < 1 - 1e-9:
                yield Problem(
                    f"{at}.max_share",
                    f"the shares of its budgets add up to {total:g}, less than 1: "
                    "its cost could never be paid in full; raise a cap or add a "
                    "budget to funded_by",
                )
    if not any(ini.cost if not isinstance(ini.cost, dict) else ini.cost.values()):
        return
    for bud in charged_budgets(ini, known):
        budget = budgets.get(bud)
        if budget is not None and not eligible(budget, ini):
            field = "funded_by" if ini.funded_by is not None else "cost"
            k = known.index(bud)
            yield Problem(
                f"{at}.{field}",
                f'budget "{bud}" may not fund "{ini.id}": it is not eligible '
                f"under budgets[{k}].eligible; charge another budget or widen "
                "the selector",
            )


def _near(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f" (did you mean {close[0]}?)" if close else ""
