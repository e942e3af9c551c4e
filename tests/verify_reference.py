"""The verifier as first written: plain Python, one schema object at a time.

``pathway_opt.verification`` now works on arrays read once per instance and kept
between calls; this slow, obvious version is the oracle it is compared with
(tests/verification/test_verify_arrays.py). Its figures and messages are the
contract.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import CountRule, RequiresRule, SynergyRule
from pathway_opt.verification.value_checks import value_rule_problems
from pathway_opt.verification.verifier import (
    ABS_TOL,
    REL_TOL,
    UsageRow,
    Verification,
    check_claim,
)


def _within(value: float, limit: float) -> bool:
    return value <= limit + REL_TOL * abs(limit) + ABS_TOL


def _profiles(inst: Instance, ini: Initiative) -> dict[str, list[float]]:
    """Per budget: the cost profile (a bare list is charged to the only budget)."""
    if isinstance(ini.cost, dict):
        return dict(ini.cost)
    if ini.cost and len(inst.budgets) == 1:
        return {inst.budgets[0].id: list(ini.cost)}
    return {}


def verify(
    inst: Instance,
    selection: Sequence[tuple[str, str]],
    claimed_objective: float | None = None,
) -> Verification:
    """Check a plan: `selection` lists (initiative id, start period) pairs."""
    report = Verification()
    by_id = {i.id: i for i in inst.initiatives}
    index = {p: k for k, p in enumerate(inst.periods)}
    starts: dict[str, int] = {}
    for ini_id, period in selection:
        if ini_id not in by_id:
            report.problems.append(f'"{ini_id}" is not an initiative of the instance')
        elif ini_id in starts:
            report.problems.append(f'"{ini_id}" is selected more than once')
        elif period not in index:
            report.problems.append(f'"{ini_id}" starts in unknown period "{period}"')
        else:
            starts[ini_id] = index[period]
    _check_decisions_and_windows(inst, starts, report)
    _recompute_usage(inst, starts, report)
    _check_rules(inst, starts, report)
    _recompute_objective(inst, starts, report)
    check_claim(report, claimed_objective)
    return report


def _check_decisions_and_windows(
    inst: Instance, starts: dict[str, int], report: Verification
) -> None:
    horizon = len(inst.periods)
    for ini in inst.initiatives:
        if ini.decision == "must" and ini.id not in starts:
            report.problems.append(f'must-fund "{ini.id}" is not selected')
        if ini.id not in starts:
            continue
        s = starts[ini.id]
        if ini.decision == "never":
            report.problems.append(f'"{ini.id}" is selected but its decision is never')
        first = inst.periods.index(ini.earliest_start or inst.periods[0])
        last = inst.periods.index(ini.latest_start or inst.periods[-1])
        if not first <= s <= last:
            report.problems.append(
                f'"{ini.id}" starts in {inst.periods[s]}, outside its window '
                f"{inst.periods[first]}-{inst.periods[last]}"
            )
        if not inst.settings.allow_beyond_horizon:
            profiles = list(_profiles(inst, ini).values()) + list(ini.uses.values())
            if any(v for p in profiles for v in p[max(0, horizon - s) :]):
                report.problems.append(
                    f'"{ini.id}" started in {inst.periods[s]} runs past the last period'
                )


def _recompute_usage(
    inst: Instance, starts: dict[str, int], report: Verification
) -> None:
    horizon = len(inst.periods)
    amounts: dict[tuple[str, str], list[float]] = {}
    for b in inst.budgets:
        amounts["budget", b.id] = [0.0] * horizon
    for r in inst.resources:
        amounts["resource", r.id] = [0.0] * horizon
    beyond: dict[str, float] = {}
    by_id = {i.id: i for i in inst.initiatives}
    for ini_id, s in starts.items():
        ini = by_id[ini_id]
        owned = [("budget", b, p) for b, p in _profiles(inst, ini).items()]
        owned += [("resource", r, p) for r, p in ini.uses.items()]
        for kind, owner, profile in owned:
            for k, v in enumerate(profile):
                if s + k < horizon:
                    amounts[kind, owner][s + k] += v
                elif v:
                    beyond[owner] = beyond.get(owner, 0.0) + v
    report.beyond_horizon = beyond
    limits = [("budget", b.id, b.limits, b.carry_over) for b in inst.budgets]
    limits += [("resource", r.id, r.capacity, False) for r in inst.resources]
    shares = {
        b.id: (b.min_use if isinstance(b.min_use, list) else [b.min_use or 0.0] * n)
        for b in inst.budgets
        for n in [len(inst.periods)]
    }
    for kind, owner, limit, carry in limits:
        used_total = limit_total = 0.0
        for t, period in enumerate(inst.periods):
            used = amounts[kind, owner][t]
            used_total += used
            limit_total += limit[t]
            row = UsageRow(
                kind,
                owner,
                period,
                used,
                limit[t],
                used_total,
                limit_total,
                "cumulative" if carry else "period",
            )
            report.usage.append(row)
            if kind == "budget":  # min_use: at least a share of the limit
                floor = shares[owner][t] * (limit_total if carry else limit[t])
                spent = used_total if carry else used
                if floor > 0 and not _within(floor, spent):
                    report.problems.append(
                        f'budget "{owner}": spend {"up to" if carry else "in"} '
                        f"{period} is {spent:,.2f}, below the {floor:,.2f} its "
                        "min_use asks"
                    )
            if carry and not _within(used_total, limit_total):
                report.problems.append(
                    f'budget "{owner}": spend up to {period} is {used_total:,.2f}, '
                    f"above the cumulative limit {limit_total:,.2f}"
                )
            elif not carry and not _within(used, limit[t]):
                report.problems.append(
                    f'{kind} "{owner}": {used:,.2f} used in {period}, above the '
                    f"limit {limit[t]:,.2f}"
                )


_FIELDS = ("type", "department", "partner")


def _selected_by_value(
    inst: Instance, starts: dict[str, int]
) -> dict[tuple[str, str | None], list[Initiative]]:
    """Selected initiatives grouped by each field's value."""
    groups: dict[tuple[str, str | None], list[Initiative]] = {}
    for ini in inst.initiatives:
        if ini.id in starts:
            for field in _FIELDS:
                groups.setdefault((field, getattr(ini, field)), []).append(ini)
    return groups


def _count_selected(
    rule: CountRule,
    starts: dict[str, int],
    groups: dict[tuple[str, str | None], list[Initiative]],
) -> int:
    """How many selected initiatives are members of a count rule."""
    if rule.members is not None:
        return sum(1 for m in rule.members if m in starts)
    assert rule.where is not None
    wanted = {
        f: (w if isinstance(w, list) else [w])
        for f in _FIELDS
        if (w := getattr(rule.where, f)) is not None
    }
    # Start from the field with the fewest selected matches (usually department).
    pools = [
        [i for o in options for i in groups.get((field, o), [])]
        for field, options in wanted.items()
    ]
    candidates = {i.id: i for i in min(pools, key=len)}
    return sum(
        1
        for ini in candidates.values()
        if all(getattr(ini, f) in opts for f, opts in wanted.items())
    )


def _check_rules(inst: Instance, starts: dict[str, int], report: Verification) -> None:
    groups = _selected_by_value(inst, starts)
    # spend_share and average rules: the verifier already checks them one object
    # at a time (random_instances.value_rules_hold checks them independently)
    start = np.array([starts.get(i.id, -1) for i in inst.initiatives], dtype=np.int64)
    shares: dict[int, list[str]] = {}
    for k, problem in value_rule_problems(inst, start):
        shares.setdefault(k, []).append(problem)
    for k, rule in enumerate(inst.rules):
        report.problems += shares.get(k, [])
        if isinstance(rule, RequiresRule):
            if rule.initiative not in starts:
                continue
            for other in rule.on:
                if other not in starts:
                    report.problems.append(
                        f'rule {k + 1}: "{rule.initiative}" is selected without its '
                        f'prerequisite "{other}"'
                    )
                elif starts[other] + rule.lag > starts[rule.initiative]:
                    report.problems.append(
                        f'rule {k + 1}: "{rule.initiative}" starts less than '
                        f'{rule.lag} period(s) after "{other}"'
                    )
        elif isinstance(rule, CountRule):
            n = _count_selected(rule, starts, groups)
            broken = (
                (rule.kind == "at_most" and n > rule.count)
                or (rule.kind == "at_least" and n < rule.count)
                or (rule.kind == "exactly" and n != rule.count)
            )
            if broken:
                report.problems.append(
                    f"rule {k + 1}: {rule.kind} {rule.count} of its members, "
                    f"but {n} are selected"
                )


def _recompute_objective(
    inst: Instance, starts: dict[str, int], report: Verification
) -> None:
    weights = inst.weights  # given, or derived from criteria_comparisons
    for ini in inst.initiatives:
        if ini.id not in starts:
            continue
        first = inst.periods.index(ini.earliest_start or inst.periods[0])
        score = sum(weights[c] * v for c, v in ini.scores.items())
        delay = starts[ini.id] - first
        report.values[ini.id] = (
            ini.success_probability * score * inst.settings.delay_discount**delay
        )
    report.synergy_total = sum(
        rule.bonus
        for rule in inst.rules
        if isinstance(rule, SynergyRule) and all(m in starts for m in rule.members)
    )
    report.objective = sum(report.values.values()) + report.synergy_total
