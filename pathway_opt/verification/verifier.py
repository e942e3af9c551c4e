"""Independent check of a plan against its instance: no Pyomo, no model code.

:func:`verify` recomputes, from the instance and the list of (initiative, start
period) pairs alone, every budget, capacity, window, decision and rule and the
objective, and returns the recomputed figures with every violation found. The
reports print these recomputed figures, so what a planner reads has been checked.

The instance is read into arrays once (:mod:`pathway_opt.verification.arrays`), so a
plan of thousands of initiatives is checked in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Literal

import numpy as np

from pathway_opt.schema.entities import LimitKind
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import RequiresRule
from pathway_opt.verification.arrays import (
    InitiativeTable,
    RuleTable,
    initiative_table,
    rule_table,
)
from pathway_opt.verification.funding_checks import (
    FundingByLabel,
    as_run,
    funding_usage,
)
from pathway_opt.verification.value_checks import value_rule_problems

#: Relative and absolute slack allowed on limits and on the objective, far below
#: any amount a planner would notice and above HiGHS's feasibility tolerance.
REL_TOL = 1e-9
ABS_TOL = 1e-6

AppliesTo = Literal["period", "cumulative"]
"""Which use a limit is compared with: each period's, or the running total."""


@dataclass(frozen=True)
class UsageRow:
    """Use of one budget or resource in one period, recomputed from the plan."""

    kind: LimitKind
    id: str
    period: str
    used: float
    limit: float
    cumulative_used: float
    cumulative_limit: float
    binding_on: AppliesTo
    """Which comparison the limit applies to."""
    min_use: float = 0.0
    """Least use asked by the budget's `min_use` (on `binding_on`'s figure)."""

    @property
    def slack(self) -> float:
        """Room left under the limit that applies."""
        if self.binding_on == "cumulative":
            return self.cumulative_limit - self.cumulative_used
        return self.limit - self.used


@dataclass
class Verification:
    """The verifier's verdict and the figures it recomputed."""

    problems: list[str] = field(default_factory=list)
    objective: float = 0.0
    values: dict[str, float] = field(default_factory=dict)
    """Expected value of each selected initiative (after delay discount)."""
    synergy_total: float = 0.0
    usage: list[UsageRow] = field(default_factory=list)
    beyond_horizon: dict[str, float] = field(default_factory=dict)
    """Per budget or resource id: amount committed after the last period."""

    @property
    def ok(self) -> bool:
        """True when no violation was found."""
        return not self.problems


def _within(value: np.ndarray, limit: np.ndarray) -> np.ndarray:
    return value <= limit + REL_TOL * np.abs(limit) + ABS_TOL


def verify(
    inst: Instance,
    selection: Sequence[tuple[str, str]] | Mapping[str, str],
    claimed_objective: float | None = None,
    variants: Mapping[str, str] | None = None,
    funding: FundingByLabel | None = None,
) -> Verification:
    """Check a plan: (initiative id, start period) pairs, or a plan's ``starts``.

    ``selection`` is a list of pairs, or a mapping initiative id -> start period.
    ``variants``: the variant each selected initiative runs as (absent: as
    given); ``funding``: (initiative, budget, period) -> what the budget pays of
    the cost of an initiative with ``funded_by``.
    """
    report = Verification()
    base = initiative_table(inst)
    start = _starts(inst, base, selection, report)
    variants = variants or {}
    for ini_id in variants:
        if ini_id in base.position and start[base.position[ini_id]] < 0:
            report.problems.append(f'"{ini_id}" runs as a variant but is not selected')
    running = as_run(inst, variants, report.problems)
    table = initiative_table(running) if running is not inst else base
    found: list[tuple[int, int, str]] = []  # (initiative row, order, problem)
    _check_decisions_and_windows(running, table, start, found)
    report.problems.extend(p for *_, p in sorted(found))
    funded = funding_usage(
        running, start, funding or {}, report.problems, report.beyond_horizon
    )
    _recompute_usage(running, table, start, report, funded)
    rules = rule_table(running, table)
    shares = [(k, 0, p) for k, p in value_rule_problems(running, start, funding)]
    _check_rules(rules, start, report, shares)
    # delay counts from the initiative's own earliest start, whatever version runs
    _recompute_objective(running, table, rules, start, report, base.first)
    check_claim(report, claimed_objective)
    return report


def check_claim(report: Verification, claimed_objective: float | None) -> None:
    """Add a problem when a claimed objective differs from the recomputed one."""
    if claimed_objective is None:
        return
    a, b = claimed_objective, report.objective
    if abs(a - b) > ABS_TOL + 1e-7 * max(abs(a), abs(b)):
        report.problems.append(
            f"the reported objective {a:.9g} differs from the recomputed {b:.9g}"
        )


def _starts(
    inst: Instance,
    table: InitiativeTable,
    selection: Sequence[tuple[str, str]] | Mapping[str, str],
    report: Verification,
) -> np.ndarray:
    """Start period index of every initiative (-1 where not selected)."""
    period = {p: t for t, p in enumerate(inst.periods)}
    start = np.full(len(table.ids), -1, dtype=np.int64)
    pairs: Iterable[tuple[str, str]]
    ids: Iterable[str]
    names: Iterable[str]
    if isinstance(selection, Mapping):
        pairs, ids, names = selection.items(), selection.keys(), selection.values()
    else:
        pairs = selection
        ids, names = map(itemgetter(0), selection), map(itemgetter(1), selection)
    n = len(selection)
    try:  # lookups without a Python frame per entry: plans run to thousands
        rows = np.fromiter(map(table.position.__getitem__, ids), np.int64, n)
        start[rows] = np.fromiter(map(period.__getitem__, names), np.int64, n)
        if np.count_nonzero(start >= 0) == n:
            return start
    except KeyError:
        pass
    start[:] = -1  # an unknown or repeated entry: go through them one by one
    for ini_id, name in pairs:
        row, t = table.position.get(ini_id, -1), period.get(name, -1)
        if row < 0:
            report.problems.append(f'"{ini_id}" is not an initiative of the instance')
        elif start[row] >= 0:
            report.problems.append(f'"{ini_id}" is selected more than once')
        elif t < 0:
            report.problems.append(f'"{ini_id}" starts in unknown period "{name}"')
        else:
            start[row] = t
    return start


def _check_decisions_and_windows(
    inst: Instance,
    table: InitiativeTable,
    start: np.ndarray,
    found: list[tuple[int, int, str]],
) -> None:
    periods, ids = inst.periods, table.ids

    def note(rows: np.ndarray, order: int, say: Callable[[int], str]) -> None:
        found.extend((k, order, say(k)) for k in np.flatnonzero(rows).tolist())

    selected = start >= 0
    note(table.must & ~selected, 0, lambda k: f'must-fund "{ids[k]}" is not selected')
    note(
        table.never & selected,
        1,
        lambda k: f'"{ids[k]}" is selected but its decision is never',
    )
    note(
        selected & ((start < table.first) | (start > table.last)),
        2,
        lambda k: (
            f'"{ids[k]}" starts in {periods[start[k]]}, outside its window '
            f"{periods[table.first[k]]}-{periods[table.last[k]]}"
        ),
    )
    if not inst.settings.allow_beyond_horizon:
        note(
            selected & (start + table.last_offset >= len(periods)),
            3,
            lambda k: (
                f'"{ids[k]}" started in {periods[start[k]]} runs past the last period'
            ),
        )


def _recompute_usage(
    inst: Instance,
    table: InitiativeTable,
    start: np.ndarray,
    report: Verification,
    funded: np.ndarray,
) -> None:
    """Use per budget and resource and period, with the problems found.

    ``funded``: what the budgets pay through funding splits (budgets x periods).
    """
    horizon = len(inst.periods)
    owners = inst.limits()
    # Per start period: the summed profiles of the initiatives starting then,
    # shifted onto the horizon; what falls after the last period is set apart.
    span = table.span
    used = np.zeros((len(owners), horizon))
    late = np.zeros(len(owners))
    rows = np.flatnonzero(start >= 0)
    starting = np.zeros((len(start), horizon))  # starting[i, s]: i starts in s
    starting[rows, start[rows]] = 1.0
    by_start = (table.profiles.T @ starting).reshape(len(owners), span, horizon)
    for s in np.unique(start[rows]).tolist():
        charged = by_start[:, :, s]
        inside = min(span, horizon - s)
        used[:, s : s + inside] += charged[:, :inside]
        late += charged[:, inside:].sum(axis=1)
    used[: len(funded)] += funded
    for k in np.flatnonzero(late).tolist():
        name = owners[k].id
        report.beyond_horizon[name] = report.beyond_horizon.get(name, 0.0) + float(
            late[k]
        )
    limit = np.array([o.amounts for o in owners], dtype=float).reshape(
        len(owners), horizon
    )
    used_total, limit_total = np.cumsum(used, axis=1), np.cumsum(limit, axis=1)
    carry = np.array([o.cumulative for o in owners], dtype=bool)[:, None]
    fine = np.where(carry, _within(used_total, limit_total), _within(used, limit))
    figures = [a.tolist() for a in (used, limit, used_total, limit_total, fine)]
    floors = {b.id: b.min_use_floors(horizon) for b in inst.budgets}
    for k, owner in enumerate(owners):
        kind, name, carries = owner.kind, owner.id, owner.cumulative
        floor = floors[name] if kind == "budget" else [0.0] * horizon
        for t, period in enumerate(inst.periods):
            u, cap, u_total, cap_total, ok = (f[k][t] for f in figures)
            report.usage.append(
                UsageRow(
                    kind=kind,
                    id=name,
                    period=period,
                    used=u,
                    limit=cap,
                    cumulative_used=u_total,
                    cumulative_limit=cap_total,
                    binding_on="cumulative" if carries else "period",
                    min_use=floor[t],
                )
            )
            spent = u_total if carries else u
            _check_min_use(name, period, spent, floor[t], carries, report)
            if ok:
                continue
            if carries:
                report.problems.append(
                    f'budget "{name}": spend up to {period} is {u_total:,.2f}, '
                    f"above the cumulative limit {cap_total:,.2f}"
                )
            else:
                report.problems.append(
                    f'{kind} "{name}": {u:,.2f} used in {period}, above the '
                    f"limit {cap:,.2f}"
                )


def _check_min_use(
    name: str,
    period: str,
    spent: float,
    floor: float,
    cumulative: bool,
    report: Verification,
) -> None:
    """A problem when a budget's spend falls short of its `min_use` share."""
    if floor <= 0 or floor <= spent + REL_TOL * abs(spent) + ABS_TOL:
        return
    report.problems.append(
        f'budget "{name}": spend {"up to" if cumulative else "in"} {period} is '
        f"{spent:,.2f}, below the {floor:,.2f} its min_use asks"
    )


def _selected_by_row(start: np.ndarray) -> np.ndarray:
    """Whether each row is selected, plus a last entry (False) for row -1.

    Rules give an unknown id row -1; it is never selected.
    """
    return np.append(start >= 0, False)


def _check_rules(
    rules: RuleTable,
    start: np.ndarray,
    report: Verification,
    found: list[tuple[int, int, str]],
) -> None:
    """Report every broken rule, with those already in ``found``, in rule order.

    ``found`` holds (rule position, order within the rule, problem) entries.
    """
    chosen = _selected_by_row(start)
    begins = np.append(start, -1)
    ini, on = rules.requires_ini, rules.requires_on
    dependent = chosen[ini]
    missing = dependent & ~chosen[on]
    early = dependent & chosen[on] & (begins[on] + rules.requires_lag > begins[ini])
    for j in np.flatnonzero(missing | early).tolist():
        k, lag = int(rules.requires_rule[j]), int(rules.requires_lag[j])
        rule = rules.rules[k]
        assert isinstance(rule, RequiresRule)
        other = rule.on[j - int(np.searchsorted(rules.requires_rule, k))]
        if missing[j]:
            message = (
                f'"{rule.initiative}" is selected without its prerequisite "{other}"'
            )
        else:
            message = (
                f'"{rule.initiative}" starts less than {lag} period(s) after "{other}"'
            )
        found.append((k, j, f"rule {k + 1}: {message}"))
    counted = np.bincount(
        rules.count_entry_rule,
        weights=chosen[rules.count_entry_ini],
        minlength=len(rules.count_kind),
    ).astype(np.int64)
    bound = rules.count_bound
    kinds = np.array(rules.count_kind, dtype=object)
    broken = (
        ((kinds == "at_most") & (counted > bound))
        | ((kinds == "at_least") & (counted < bound))
        | ((kinds == "exactly") & (counted != bound))
    )
    for g in np.flatnonzero(broken).tolist():
        found.append(
            (
                int(rules.count_rule[g]),
                0,
                f"rule {rules.count_rule[g] + 1}: {kinds[g]} {bound[g]} of its "
                f"members, but {counted[g]} are selected",
            )
        )
    report.problems.extend(p for *_, p in sorted(found))


def _recompute_objective(
    inst: Instance,
    table: InitiativeTable,
    rules: RuleTable,
    start: np.ndarray,
    report: Verification,
    first: np.ndarray,
) -> None:
    weight = inst.weights  # given, or resolved from the judgements by the schema
    weights = np.array([weight[c] for c in table.context.criteria], dtype=float)
    rows = np.flatnonzero(start >= 0)
    delay = start[rows] - first[rows]
    values = (
        table.probability[rows]
        * (table.scores[rows] @ weights)
        * inst.settings.delay_discount ** delay.astype(float)
    )
    ids = table.id_array[rows].tolist()
    report.values = dict(zip(ids, values.tolist(), strict=True))
    chosen = _selected_by_row(start)
    members_held = np.bincount(
        rules.synergy_entry_rule,
        weights=chosen[rules.synergy_entry_ini],
        minlength=len(rules.synergy_rule),
    )
    earned = members_held == rules.synergy_size
    report.synergy_total = sum(rules.synergy_bonus[earned].tolist())
    report.objective = sum(report.values.values()) + report.synergy_total
