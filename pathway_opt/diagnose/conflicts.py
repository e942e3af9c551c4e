"""First explanations of infeasibility, in the planner's terms.

:func:`explain_infeasible` leads with the smallest repairs the elastic model
finds (:func:`pathway_opt.diagnose.repairs.find_repairs`: raise a budget by an amount,
release a must, allow one more member, shorten a lag), two alternatives at most,
each confirmed by solving the repaired instance. Then come the sentences of
:func:`structural_conflicts`, which reasons on the instance alone about what the
must-fund initiatives (with their prerequisites) force: one that can never
start (its profile runs past the horizon from every start in its window), rules
they break, starts their prerequisite chains push past the horizon, and the
least money or capacity they need in a period. When that finds nothing, the
constraint families each one-family repair relaxes are named;
:func:`relaxed_families` (one family switched off at a time) remains the
fallback when no repair is found.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from pathway_opt.model.form import StandardForm

if TYPE_CHECKING:
    from pathway_opt.diagnose.repairs import Repair, RepairKind
from pathway_opt.schema.advice import never_start_reason
from pathway_opt.schema.entities import Initiative, LimitKind
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import CountRule, RequiresRule
from pathway_opt.solver.outcome import Termination
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver

#: Constraint families that may be switched off one at a time, with their names.
FAMILIES = {
    "budget_limit": "the budget limits",
    "budget_min_use": "the budgets' min_use",
    "resource_limit": "the resource capacities",
    "requires_start": "the prerequisite (requires) rules",
    "count_limit": "the at_most / at_least / exactly rules",
    "spend_share": "the spend_share rules",
    "average": "the average rules",
    "fund_max_share": "the funding caps (max_share)",
}


#: The family each kind of repair relaxes.
_REPAIR_FAMILY: dict[RepairKind, str] = {
    "budget": "budget_limit",
    "min_use": "budget_min_use",
    "resource": "resource_limit",
    "requires": "requires_start",
    "lag": "requires_start",
    "count_more": "count_limit",
    "count_fewer": "count_limit",
    "share": "spend_share",
    "mean": "average",
    "max_share": "fund_max_share",
    "must": "must",
    "never": "must",
}


def explain_infeasible(inst: Instance, form: StandardForm) -> list[str]:
    """The smallest repairs, then sentences saying which families conflict."""
    from pathway_opt.diagnose.repairs import brief_settings, find_repairs

    repairs = find_repairs(inst, form, brief_settings(), alternatives=2)
    if not repairs:
        return list(structural_conflicts(inst)) or relaxed_families(form)
    return infeasible_messages(inst, repairs)


def infeasible_messages(inst: Instance, repairs: list[Repair]) -> list[str]:
    """The first structural reason with the repairs, then the other reasons.

    Without a structural reason, the families that a one-family repair relaxes
    are named instead.
    """
    from pathway_opt.diagnose.repairs import infeasibility_text

    found = list(structural_conflicts(inst))
    if found:
        return [infeasibility_text(repairs, found[0]), *found[1:]]
    families: list[str] = []
    for repair in repairs:
        kinds = {_REPAIR_FAMILY[p.kind] for p in repair.parts}
        if len(kinds) == 1 and (family := kinds.pop()) not in families:
            families.append(family)
    found = [
        f"No plan meets every constraint; relaxing "
        f"{FAMILIES.get(name, 'the must-fund decisions')} alone gives a plan, "
        "so they conflict with the rest of the instance."
        for name in families
    ]
    return [infeasibility_text(repairs), *found]


def _forced(inst: Instance) -> dict[str, str]:
    """Initiatives every plan must fund: musts and, transitively, their prerequisites.

    Maps each id to the must-fund initiative that forces it.
    """
    # An initiative with variants may run as any of them (other costs, windows):
    # the sentences below reason on one version, so it is left to the repairs.
    forced = {
        i.id: i.id for i in inst.initiatives if i.decision == "must" and not i.variants
    }
    plain = {i.id for i in inst.initiatives if not i.variants}
    changed = True
    while changed:
        changed = False
        for rule in inst.rules:
            if isinstance(rule, RequiresRule) and rule.initiative in forced:
                for other in rule.on:
                    if other not in forced and other in plain:
                        forced[other] = forced[rule.initiative]
                        changed = True
    return forced


def _earliest_starts(inst: Instance, forced: dict[str, str]) -> dict[str, int]:
    """Earliest start of each forced initiative once prerequisite lags are applied."""
    by_id = {i.id: i for i in inst.initiatives}
    earliest = {i: inst.start_window(by_id[i]).start for i in forced}
    for _ in range(len(forced) + 1):
        changed = False
        for rule in inst.rules:
            if isinstance(rule, RequiresRule) and rule.initiative in forced:
                need = max(
                    _earliest(inst, by_id[o], earliest) + rule.lag for o in rule.on
                )
                if need > earliest[rule.initiative]:
                    earliest[rule.initiative] = need
                    changed = True
        if not changed:
            break
    return earliest


def _earliest(inst: Instance, ini: Initiative, known: dict[str, int]) -> int:
    """A forced initiative's earliest start; else its earliest in any version."""
    if ini.id in known:
        return known[ini.id]
    return min(inst.start_window(version).start for _, version in ini.versions)


def structural_conflicts(inst: Instance) -> Iterator[str]:
    """Conflicts provable from the instance alone, each as one sentence."""
    forced = _forced(inst)
    by_id = {i.id: i for i in inst.initiatives}
    for ini_id, by in forced.items():
        if by_id[ini_id].decision == "never":
            yield f'must-fund "{by}" requires "{ini_id}", which is marked never.'
    earliest = _earliest_starts(inst, forced)
    starts: dict[str, list[int]] = {}
    for ini_id in forced:
        ini = by_id[ini_id]
        starts[ini_id] = [s for s in inst.possible_starts(ini) if s >= earliest[ini_id]]
        never = never_start_reason(inst, ini)
        if never is not None:
            by = forced[ini_id]
            yield never + ("." if by == ini_id else f' (needed by must-fund "{by}").')
        elif not starts[ini_id] and ini.decision != "never":
            yield (
                f"{_who(ini_id, forced)} cannot start: "
                "its prerequisites' lags push its earliest start to "
                f"{_period(inst, earliest[ini_id])}, after its latest possible start."
            )
    yield from _count_conflicts(inst, forced)
    if all(starts.values()):
        alone = list(_single_conflicts(inst, forced, starts))
        yield from alone
        if not alone:
            yield from _capacity_conflicts(inst, forced, starts)


def _who(ini_id: str, forced: dict[str, str]) -> str:
    if forced[ini_id] == ini_id:
        return f'must-fund "{ini_id}"'
    return f'"{ini_id}" (needed by must-fund "{forced[ini_id]}")'


def _period(inst: Instance, index: int) -> str:
    if index < len(inst.periods):
        return inst.periods[index]
    after = index - len(inst.periods) + 1
    return f"{_counted(after, 'period')} after {inst.periods[-1]}"


def _counted(n: int, noun: str) -> str:
    """``1 period``, ``2 periods``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _count_conflicts(inst: Instance, forced: dict[str, str]) -> Iterator[str]:
    by_id = {i.id: i for i in inst.initiatives}
    selected = inst.count_rule_members()
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, CountRule):
            continue
        members = selected[k]
        must_in = [m for m in members if m in forced]
        possible = [m for m in members if inst.possible_starts(by_id[m])]
        if rule.kind in ("at_most", "exactly") and len(must_in) > rule.count:
            yield (
                f"rule {k + 1} ({rule.kind} {rule.count}) is broken by must-fund "
                f"{'initiative' if len(must_in) == 1 else 'initiatives'} "
                f"{', '.join(must_in)}: release one from must or "
                "raise the count."
            )
        if rule.kind in ("at_least", "exactly") and len(possible) < rule.count:
            yield (
                f"rule {k + 1} ({rule.kind} {rule.count}) cannot be met: only "
                f"{len(possible)} of its {_counted(len(members), 'member')} can be "
                "selected."
            )


def _first_excess(
    inst: Instance, profile: list[float], start: int, kind: LimitKind, owner: str
) -> str | None:
    """Where one initiative started at `start` exceeds a limit on its own."""
    for limit in inst.limits():
        if (limit.kind, limit.id) != (kind, owner):
            continue
        limits, cumulative = limit.amounts, limit.cumulative
        for t in range(start, len(inst.periods)):
            need = _amount(profile, start, t, cumulative)
            allowed = sum(limits[: t + 1]) if cumulative else limits[t]
            if need > allowed * (1 + 1e-9) + 1e-6:
                scope = (
                    f"up to {inst.periods[t]}"
                    if cumulative
                    else f"in {inst.periods[t]}"
                )
                unit = inst.currency if kind == "budget" else _unit(inst, owner)
                return (
                    f'needs {need:,.6g} {unit} of {kind} "{owner}" {scope}, '
                    f"{'limit' if kind == 'budget' else 'capacity'} {allowed:,.6g}"
                )
    return None


def _single_conflicts(
    inst: Instance, forced: dict[str, str], starts: dict[str, list[int]]
) -> Iterator[str]:
    """Forced initiatives that exceed a budget or capacity by themselves."""
    by_id = {i.id: i for i in inst.initiatives}
    budget_ids = inst.budget_ids()
    for ini_id in forced:
        for limit in inst.limits():
            kind, owner = limit.kind, limit.id
            profile = _profile(by_id[ini_id], kind, owner, budget_ids)
            excess = [
                _first_excess(inst, profile, s, kind, owner) for s in starts[ini_id]
            ]
            if profile and all(excess):
                yield (
                    f"{_who(ini_id, forced)} cannot fit from any start it may take: "
                    f"started in {inst.periods[starts[ini_id][0]]} it alone "
                    f"{excess[0]}."
                )
                break


def _capacity_conflicts(
    inst: Instance, forced: dict[str, str], starts: dict[str, list[int]]
) -> Iterator[str]:
    """Least spend or use the forced initiatives need, against each limit."""
    by_id = {i.id: i for i in inst.initiatives}
    budget_ids = inst.budget_ids()
    for limit in inst.limits():
        kind, owner = limit.kind, limit.id
        limits, cumulative = limit.amounts, limit.cumulative
        for t, period in enumerate(inst.periods):
            need = 0.0
            for ini_id in forced:
                ini = by_id[ini_id]
                profile = _profile(ini, kind, owner, budget_ids)
                need += min(_amount(profile, s, t, cumulative) for s in starts[ini_id])
            allowed = sum(limits[: t + 1]) if cumulative else limits[t]
            if need > allowed * (1 + 1e-9) + 1e-6:
                scope = f"up to {period}" if cumulative else f"in {period}"
                unit = inst.currency if kind == "budget" else _unit(inst, owner)
                yield (
                    f"the must-fund initiatives and their prerequisites "
                    f"({', '.join(sorted(forced))}) need at least {need:,.0f} {unit} "
                    f'of {kind} "{owner}" {scope}, but it allows {allowed:,.0f}.'
                )
                break


def _profile(
    ini: Initiative, kind: LimitKind, owner: str, budget_ids: list[str]
) -> list[float]:
    if kind == "budget":
        # a split cost: only what the other budgets cannot take is sure
        return ini.least_cost_by_budget(budget_ids).get(owner, [])
    return ini.uses.get(owner, [])


def _amount(profile: list[float], start: int, t: int, cumulative: bool) -> float:
    if cumulative:
        return sum(profile[: max(0, t - start + 1)])
    k = t - start
    return profile[k] if 0 <= k < len(profile) else 0.0


def _unit(inst: Instance, resource_id: str) -> str:
    unit = next(r.unit for r in inst.resources if r.id == resource_id)
    return unit or "units"


def relaxed_families(form: StandardForm) -> list[str]:
    """Re-solve with each family switched off; name those whose removal helps."""
    settings = SolveSettings(time_limit=30.0, mip_rel_gap=1.0)
    candidates = {name: form.without(name) for name in FAMILIES if name in form.blocks}
    select = form.columns.select_col(np.arange(len(form.columns.ids)))
    if form.col_lower[select].any():
        lower = form.col_lower.copy()
        lower[select] = 0.0
        candidates["must"] = replace(form, col_lower=lower)
    helping = []
    for name, relaxed in candidates.items():
        outcome = Solver(relaxed).solve(settings)
        if outcome.starts is not None and outcome.termination != Termination.INFEASIBLE:
            helping.append(FAMILIES.get(name, "the must-fund decisions"))
    if not helping:
        return [
            "HiGHS proved that no plan meets every constraint, and switching off any "
            "single family (budgets, capacities, requires, count rules, must "
            "decisions) does not help: several families conflict together."
        ]
    return [
        f"No plan meets every constraint; switching off {label} alone gives a plan, "
        "so they conflict with the rest of the instance."
        for label in helping
    ]
