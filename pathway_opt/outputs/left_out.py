"""Why an initiative is not in the plan: a short reason from the plan alone.

Computed from the solved plan and the instance, without another solve, so each
reason is a true statement about this plan but not a price (``explain`` gives
the exact price of forcing an initiative in). Reasons are tried in this order:

1. ``never``: its decision is "never";
2. ``horizon``: no start in its window lets its profiles fit the horizon;
3. ``prerequisite``: a prerequisite (requires rule) is not funded, or is
   funded too late for any start in its window to keep the lag;
4. ``rule_full``: an ``at_most`` / ``exactly`` rule it belongs to already
   counts as many funded members as it allows;
5. ``limit``: at every start it could take, its cost or use exceeds what the
   plan leaves of some budget or resource; the reason names the start where it
   comes closest (smallest shortfall relative to the limits' average) and the
   limit it exceeds most there, with the shortfall and the room left. The cost
   of an initiative with ``funded_by`` counts against its budgets together,
   each up to its ``max_share`` (a period's cost above what they leave cannot
   be paid by any split). When a variant of it fits where the base version
   does not, the reasons below are about that variant (and say so);
6. ``rule_bound``: at every start where it fits the limits, funding it as well
   would push a ``spend_share`` or ``average`` rule past its bound (the reason
   names the rule and the share or mean it would reach);
7. ``penalty``: it fits, but would earn an overlap penalty (negative synergy)
   with funded initiatives;
8. ``value``: it fits, but adds no value, or less value per money than every
   funded initiative;
9. ``other``: none of the above (for instance a plan stopped by a time limit).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from pathway_opt.plan import Plan
from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.funding import share_cap
from pathway_opt.schema.instance import Instance, LimitKind
from pathway_opt.schema.rules import (
    AverageRule,
    CountRule,
    RequiresRule,
    SpendShareRule,
    SynergyRule,
)
from pathway_opt.schema.value_rules import BINDING_TOL, value_rule_figures
from pathway_opt.verification.verifier import ABS_TOL, REL_TOL, UsageRow

ReasonKind = Literal[
    "never", "horizon", "prerequisite", "rule_full", "limit", "rule_bound",
    "penalty", "value", "other",
]  # fmt: skip


@dataclass(frozen=True)
class Shortfall:
    """By how much one initiative, started at `start`, exceeds a limit's room."""

    kind: LimitKind
    id: str
    period: str
    """The period where the excess is largest (the first such period)."""
    cumulative: bool
    """Whether the limit applies to use summed up to `period` (carry-over)."""
    need: float
    """The initiative's cost or use that counts against the limit there."""
    left: float
    """What the plan leaves of the limit there (its slack)."""
    pooled: tuple[str, ...] = ()
    """The budgets of ``funded_by`` when the cost counts against them together
    (``id`` then joins them with ``+``; ``left`` is what they may pay)."""

    @property
    def more(self) -> float:
        """How much more it would need than is left."""
        return self.need - self.left


@dataclass(frozen=True)
class LeftOut:
    """Why one initiative is not in the plan."""

    kind: ReasonKind
    text: str
    start: str | None = None
    """The start the reason is about (``limit``: the closest start)."""
    shortfall: Shortfall | None = None
    rule: int | None = None
    """1-based number of the rule the reason names."""


def _money(value: float, unit: str) -> str:
    if abs(value - round(value)) < 1e-6 or abs(value) >= 1000:
        return f"{value:,.0f} {unit}"
    return f"{value:,.6g} {unit}"


def _over(excess: float, limit: float) -> bool:
    """Whether `excess` breaks the limit by more than the verifier's tolerance."""
    return excess > REL_TOL * abs(limit) + ABS_TOL


class _Room:
    """What the plan leaves of every budget and resource, per period."""

    def __init__(self, inst: Instance, usage: list[UsageRow]) -> None:
        self.inst = inst
        self.rows = {(u.kind, u.id, u.period): u for u in usage}
        self.scale = {
            (lim.kind, lim.id): max(sum(lim.amounts) / len(lim.amounts), 1e-9)
            for lim in inst.limits()
        }

    def profiles(self, ini: Initiative) -> dict[tuple[LimitKind, str], list[float]]:
        """(kind, id) -> profile of what the initiative charges to that limit."""
        found: dict[tuple[LimitKind, str], list[float]] = {
            ("budget", b): p
            # a split cost: the part each budget must pay (see _pooled for all)
            for b, p in ini.least_cost_by_budget(self.inst.budget_ids()).items()
        }
        found.update({("resource", r): p for r, p in ini.uses.items()})
        return found

    def shortfalls(self, ini: Initiative, start: int) -> list[Shortfall]:
        """Every limit the initiative started at `start` does not fit in."""
        periods = self.inst.periods
        out = []
        for (kind, owner), profile in self.profiles(ini).items():
            added = [0.0] * len(periods)
            for k, amount in enumerate(profile):
                if start + k < len(periods):
                    added[start + k] += amount
            worst: Shortfall | None = None
            running = 0.0
            for t, period in enumerate(periods):
                row = self.rows[(kind, owner, period)]
                running += added[t]
                cumulative = row.binding_on == "cumulative"
                need = running if cumulative else added[t]
                limit = row.cumulative_limit if cumulative else row.limit
                if not need or not _over(need - row.slack, limit):
                    continue
                if worst is None or need - row.slack > worst.more:
                    worst = Shortfall(
                        kind, owner, period, cumulative, need, max(row.slack, 0.0)
                    )
            if worst is not None:
                out.append(worst)
        pooled = self._pooled(ini, start)
        out += [pooled] if pooled is not None else []
        return sorted(out, key=lambda s: -s.more / self._scale(s))

    def _room(self, budget: str, t: int) -> float:
        """What `budget` can still pay in period `t`.

        For a carry-over budget, what every later period's cumulative room allows.
        """
        periods = self.inst.periods
        rows = [self.rows[("budget", budget, p)] for p in periods[t:]]
        if rows[0].binding_on != "cumulative":
            return max(rows[0].slack, 0.0)
        return max(min(r.slack for r in rows), 0.0)

    def _pooled(self, ini: Initiative, start: int) -> Shortfall | None:
        """The period where a split cost exceeds most what its budgets may pay.

        Each budget pays at most its room and its ``max_share`` of the period's
        cost; the initiative's own payments in earlier periods are not taken
        off a carry-over budget's room, so a shortfall found is certain.
        """
        if ini.funded_by is None or not isinstance(ini.cost, list):
            return None
        budgets = tuple(dict.fromkeys(ini.funded_by))
        periods = self.inst.periods
        worst: Shortfall | None = None
        for k, due in enumerate(ini.cost):
            t = start + k
            if t >= len(periods) or due <= 0:
                continue
            left = sum(min(self._room(b, t), share_cap(ini, b) * due) for b in budgets)
            limit = sum(self.rows[("budget", b, periods[t])].limit for b in budgets)
            if _over(due - left, limit) and (worst is None or due - left > worst.more):
                worst = Shortfall(
                    "budget", "+".join(budgets), periods[t], False, due, left, budgets
                )
        return worst

    def _scale(self, s: Shortfall) -> float:
        if s.pooled:
            return sum(self.scale[("budget", b)] for b in s.pooled)
        return self.scale[(s.kind, s.id)]

    def size(self, found: list[Shortfall]) -> float:
        return sum(s.more / self._scale(s) for s in found)


def _unit(inst: Instance, s: Shortfall) -> str:
    if s.kind == "budget":
        return inst.currency
    return next(r.unit for r in inst.resources if r.id == s.id) or "units"


def _limit_text(inst: Instance, s: Shortfall, start: str, starts: int) -> str:
    unit = _unit(inst, s)
    where = f"up to {s.period}" if s.cumulative else f"in {s.period}"
    which = "its only start" if starts == 1 else "its closest start"
    if s.pooled:
        names = " and ".join(f'"{b}"' for b in s.pooled)
        return (
            f"budgets {names} (its funded_by) can pay {_money(s.left, unit)} of its "
            f"{_money(s.need, unit)} {where} (what they have left, each within "
            f"its max_share); started in {start} ({which}) it would need "
            f"{_money(s.more, unit)} more"
        )
    return (
        f'{s.kind} "{s.id}" {where} has {_money(s.left, unit)} left; started in '
        f"{start} ({which}) it would need {_money(s.more, unit)} more"
    )


def _prerequisite(
    inst: Instance, ini: Initiative, plan_starts: dict[str, int], starts: list[int]
) -> tuple[LeftOut | None, list[int]]:
    """A reason when a prerequisite blocks it, else the starts the lags allow."""
    allowed = list(starts)
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, RequiresRule) or rule.initiative != ini.id:
            continue
        for other in rule.on:
            if other not in plan_starts:
                text = f"its prerequisite {other} is not funded (rule {k + 1})"
                return LeftOut("prerequisite", text, rule=k + 1), []
            allowed = [s for s in allowed if s >= plan_starts[other] + rule.lag]
            if not allowed:
                text = (
                    f"its prerequisite {other} starts in "
                    f"{inst.periods[plan_starts[other]]}, too late for a lag of "
                    f"{rule.lag} within its window (rule {k + 1})"
                )
                return LeftOut("prerequisite", text, rule=k + 1), []
    return None, allowed


def _rule_full(
    inst: Instance, ini: Initiative, chosen: set[str], members: dict[int, list[str]]
) -> LeftOut | None:
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, CountRule) or rule.kind == "at_least":
            continue
        if ini.id not in members[k]:
            continue
        funded = [m for m in members[k] if m in chosen]
        if len(funded) >= rule.count:
            shown = ", ".join(funded[:3]) + (" ..." if len(funded) > 3 else "")
            word = "at most" if rule.kind == "at_most" else "exactly"
            text = (
                f"rule {k + 1} is full ({word} {rule.count} of its members; "
                f"funded: {shown or 'none'})"
            )
            return LeftOut("rule_full", text, rule=k + 1)
    return None


def _penalty(inst: Instance, ini: Initiative, chosen: set[str]) -> LeftOut | None:
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, SynergyRule) or rule.bonus >= 0:
            continue
        others = [m for m in rule.members if m != ini.id]
        if ini.id in rule.members and all(m in chosen for m in others):
            text = (
                f"with {', '.join(others)} funded it would incur the overlap penalty "
                f"{rule.bonus:g} of rule {k + 1}"
            )
            return LeftOut("penalty", text, rule=k + 1)
    return None


def _total_cost(inst: Instance, ini: Initiative) -> float:
    return sum(ini.cost_profile())


def _value(plan: Plan, ini: Initiative) -> LeftOut:
    inst = plan.instance
    value = inst.base_value(ini)
    if value <= 0:
        return LeftOut("value", f"it adds no value (expected value {value:g})")
    cost = _total_cost(inst, ini)
    values = plan.verification.values if plan.verification else {}
    ratios = [
        (values.get(o.id, 0.0) / c, o.id)
        for o in inst.initiatives
        if o.id in plan.starts
        and (c := _total_cost(inst, o.version(plan.variants.get(o.id)))) > 0
    ]
    if cost > 0 and ratios:
        lowest, who = min(ratios)
        if value / cost < lowest:
            per = 1_000_000 if cost >= 100_000 else 1000
            label = f"{per:,} {inst.currency}"
            return LeftOut(
                "value",
                f"lower value per money ({value / cost * per:.4g} per {label}) than "
                f"every funded initiative (lowest: {who}, {lowest * per:.4g})",
            )
    return LeftOut("other", "not in the best plan found for these limits and rules")


def left_out(plan: Plan) -> dict[str, LeftOut]:
    """Initiative id -> why it is not in the plan, for every one left out.

    Empty for a plan without a solution.
    """
    if not plan.has_plan or plan.verification is None:
        return {}
    inst = plan.instance
    start_of = {i: inst.period_index(p) for i, p in plan.starts.items()}
    chosen = set(plan.starts)
    members = inst.count_rule_members()
    room = _Room(inst, plan.verification.usage)
    found: dict[str, LeftOut] = {}
    for ini in inst.initiatives:
        if ini.id in chosen:
            continue
        found[ini.id] = _reason(plan, ini, start_of, chosen, members, room)
    return found


def _reason(
    plan: Plan,
    ini: Initiative,
    start_of: dict[str, int],
    chosen: set[str],
    members: dict[int, list[str]],
    room: _Room,
) -> LeftOut:
    inst = plan.instance
    if ini.decision == "never":
        return LeftOut("never", 'never allowed: its decision is "never"')
    starts = inst.possible_starts(ini)
    if not starts:
        window = inst.start_window(ini)
        return LeftOut(
            "horizon",
            f"its window ({inst.periods[window[0]]}-{inst.periods[window[-1]]}) "
            f"cannot fit the horizon: it runs {ini.last_entry + 1} period(s) and the "
            f"horizon ends in {inst.periods[-1]}",
        )
    blocked, starts = _prerequisite(inst, ini, start_of, starts)
    if blocked is not None:
        return blocked
    full = _rule_full(inst, ini, chosen, members)
    if full is not None:
        return full
    by_start = [(room.shortfalls(ini, s), s) for s in starts]
    fitting = [s for found, s in by_start if not found]
    variant = None if fitting else _fitting_variant(inst, ini, start_of, room)
    if not fitting and variant is None:
        found, s = min(by_start, key=lambda fs: (room.size(fs[0]), fs[1]))
        worst = found[0]
        text = _limit_text(inst, worst, inst.periods[s], len(starts))
        if len(found) > 1:
            text += f" (and exceeds {len(found) - 1} other limit(s))"
        return LeftOut("limit", text, start=inst.periods[s], shortfall=worst)
    version, name = ini, None
    if variant is not None:
        name, version, fitting = variant
    reason = (
        _rule_bound(plan, version, name, start_of, fitting)
        or _penalty(inst, version, chosen)
        or _value(plan, version)
    )
    if variant is None:
        return reason
    text = f"its base version exceeds a limit; as its variant {name}, {reason.text}"
    return dataclasses.replace(reason, text=text)


def _fitting_variant(
    inst: Instance, ini: Initiative, start_of: dict[str, int], room: _Room
) -> tuple[str, Initiative, list[int]] | None:
    """The first variant that fits the plan's room at some start it may take."""
    for name, version in ini.versions[1:]:
        blocked, starts = _prerequisite(
            inst, version, start_of, inst.possible_starts(version)
        )
        fitting = [s for s in starts if not room.shortfalls(version, s)]
        if blocked is None and fitting:
            return str(name), version, fitting
    return None


def _rule_bound(
    plan: Plan,
    ini: Initiative,
    variant: str | None,
    start_of: dict[str, int],
    starts: list[int],
) -> LeftOut | None:
    """The share or mean rule funding `ini` would break, if it would at every start.

    The plan's initiatives count as they run (variants, funding split), `ini`
    as version `variant` (None: the base).
    """
    variants = {**plan.variants, **({ini.id: variant} if variant else {})}
    first: LeftOut | None = None
    for s in starts:
        broken = _breaks(plan, ini, {**start_of, ini.id: s}, variants)
        if broken is None:
            return None
        first = first or broken
    return first


def _breaks(
    plan: Plan, ini: Initiative, start: dict[str, int], variants: dict[str, str]
) -> LeftOut | None:
    """The first share or mean rule broken with `ini` started as in `start`.

    The plan's initiatives count as they run (``variants``, its split); `ini`,
    which has no split yet, counts its whole cost.
    """
    inst = plan.instance
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, SpendShareRule | AverageRule):
            continue
        if (
            isinstance(rule, SpendShareRule)
            and rule.budget is not None
            and ini.funded_by is not None
        ):
            continue  # what that budget would pay of it is the optimizer's choice
        actual, _ = value_rule_figures(inst, rule, start, variants, plan.funding)
        if actual is None:
            continue
        what = (
            "spend share"
            if isinstance(rule, SpendShareRule)
            else (f"average {rule.field}")
        )
        for bound, word, off in (
            (rule.at_least, "below its at least", lambda a, b: a < b),
            (rule.at_most, "above its at most", lambda a, b: a > b),
        ):
            tol = BINDING_TOL * max(1.0, abs(bound or 0.0))
            if bound is not None and off(actual, bound) and abs(actual - bound) > tol:
                text = (
                    f"funding it would take rule {k + 1}'s {what} to {actual:.4g}, "
                    f"{word} {bound:g}"
                )
                return LeftOut("rule_bound", text, rule=k + 1)
    return None
