"""Smallest repairs of an infeasible instance, in the planner's terms.

:func:`find_repairs` solves the elastic model (:mod:`pathway_opt.diagnose.elastic`)
for the smallest weighted change, then again with that change's slack forbidden
for an alternative, and so on. Each repair is confirmed by solving the repaired
instance with the ordinary model; a waived prerequisite is first tried as a
shorter lag, the smaller change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

from pathway_opt.diagnose.elastic import ElasticModel, Need, Slack, SlackKind
from pathway_opt.inputs.instance_json import instance_from_data
from pathway_opt.model.form import StandardForm, compile_form
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import (
    AverageRule,
    CountRule,
    RequiresRule,
    SpendShareRule,
)
from pathway_opt.schema.value_rules import selector_text
from pathway_opt.solver.outcome import Termination
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.solver.solver import Solver

#: Released decisions named in a repair's text (the JSON lists them all).
LISTED = 8

#: Seconds a confirming solve of a repaired instance may take at most: a plan
#: proves the repair; its score is then a lower bound with its gap.
CONFIRM_LIMIT = 10.0

RepairKind = SlackKind | Literal["lag"]
"""What a repair part changes: a slack's kind, or ``lag`` (a prerequisite's lag
shortened instead of waived)."""

#: Repair parts in the order they are listed.
_ORDER: list[RepairKind] = [
    "budget",
    "min_use",
    "resource",
    "must",
    "never",
    "count_more",
    "count_fewer",
    "share",
    "mean",
    "max_share",
    "requires",
]


@dataclass
class RepairPart:
    """One change to the instance: raise a limit, release a decision, bend a rule."""

    kind: RepairKind
    target: str
    """Budget or resource id, initiative id, or ``rule N`` (1-based, the order of
    the instance's rules and of the Rules sheet)."""
    period: str | None
    amount: float
    """Currency, resource units, members; 1 for a decision or a waiver; for
    ``lag`` the new lag; for ``share`` and ``mean`` the rule's new bound."""
    text: str
    weight: float
    """Size in elastic units (see :mod:`pathway_opt.diagnose.elastic`)."""
    needed_by: list[str] = field(default_factory=list)
    slack: Slack | None = None


@dataclass
class Repair:
    """A set of changes that together make the instance feasible."""

    parts: list[RepairPart]
    proven: bool
    """Whether HiGHS proved it the smallest given the earlier repairs forbidden."""
    objective: float | None = None
    """Best score of the repaired instance (None when not confirmed)."""
    confirmed: bool = False
    """Whether the repaired instance, solved with the ordinary model, has a plan."""
    checked: bool = False
    """Whether that solve was tried."""
    gap: float | None = None

    @property
    def weight(self) -> float:
        """Weighted size: 1 per decision, member or waiver, money in money units."""
        return sum(p.weight for p in self.parts)

    @property
    def text(self) -> str:
        """The changes joined with "and"; released decisions listed together."""
        phrases = [p.text for p in self.parts if p.kind not in ("must", "never")]
        for kind, verb in (("must", 'from "must"'), ("never", '(now "never")')):
            ids = [p.target for p in self.parts if p.kind == kind]
            if len(ids) == 1:
                phrases.append(next(p.text for p in self.parts if p.kind == kind))
            elif ids:
                shown = ", ".join(ids[:LISTED])
                more = f" and {len(ids) - LISTED} more" if len(ids) > LISTED else ""
                word = "release" if kind == "must" else "allow"
                phrases.append(f"{word} {len(ids)} initiatives {verb}: {shown}{more}")
        return " and ".join(phrases)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the plan JSON."""
        return {
            "text": self.text,
            "weight": self.weight,
            "proven_smallest": self.proven,
            "confirmed": self.confirmed,
            "objective_after": self.objective,
            "gap_after": self.gap,
            "parts": [
                {
                    "kind": p.kind,
                    "target": p.target,
                    "period": p.period,
                    "amount": p.amount,
                    "text": p.text,
                    "needed_by": list(p.needed_by),
                }
                for p in self.parts
            ],
        }


def requires_rule(inst: Instance, k: int) -> RequiresRule:
    """The requires rule at position k."""
    rule = inst.rules[k]
    assert isinstance(rule, RequiresRule)
    return rule


def rule_target(k: int) -> str:
    """How people name the rule at 0-based position k: ``rule k+1``."""
    return f"rule {k + 1}"


def rule_index(target: str) -> int:
    """The 0-based position of the rule named ``rule N`` by :func:`rule_target`."""
    return int(target.removeprefix("rule ")) - 1


def _number(value: float) -> str:
    if abs(value - round(value)) < 1e-9 * max(1.0, abs(value)):
        return f"{round(value):,}"
    return f"{value:,.6g}" if abs(value) < 1000 else f"{value:,.0f}"


def _rule_label(inst: Instance, k: int) -> str:
    rule = inst.rules[k]
    if isinstance(rule, CountRule):
        return f"rule {k + 1} ({rule.kind} {rule.count})"
    if isinstance(rule, SpendShareRule | AverageRule):
        return f"rule {k + 1} ({rule.kind})"
    req = requires_rule(inst, k)
    on = ", ".join(req.on)
    return f"rule {k + 1} ({req.initiative} requires {on}, lag {req.lag})"


def _who(inst: Instance, ids: list[str]) -> str:
    by_id = {i.id: i for i in inst.initiatives}
    musts = [i for i in ids if by_id[i].decision == "must"]
    others = [i for i in ids if by_id[i].decision != "must"]
    text = f"must-fund {', '.join(musts)}" if musts else ""
    if others:
        text += ("; also " if text else "") + ", ".join(others)
    return f" (needed by {text})" if text else ""


def describe(
    inst: Instance,
    slack: Slack,
    amount: float,
    users: list[str],
    reached: float | None = None,
) -> RepairPart:
    """A slack amount as a planner's change.

    ``reached``: for share and mean slack, the share or mean the repairing plan
    reaches (the rule's new bound).
    """
    kind, key = slack.kind, slack.key
    weight = amount / slack.unit
    if kind in ("budget", "resource"):
        owner, t = key
        period = inst.periods[t]
        if kind == "budget":
            size = f"{_number(amount)} {inst.currency}"
            text = f'raise budget "{owner}" in {period} by {size}'
        else:
            unit = next(r.unit for r in inst.resources if r.id == owner) or "units"
            text = f'raise capacity "{owner}" in {period} by {_number(amount)} {unit}'
        return RepairPart(
            kind=kind,
            target=owner,
            period=period,
            amount=amount,
            text=text + _who(inst, users),
            weight=weight,
            needed_by=list(users),
            slack=slack,
        )
    if kind in ("share", "mean"):
        return _bound_part(inst, slack, weight, reached)
    if kind == "max_share":
        return _cap_part(inst, slack, weight, reached, users)
    if kind == "min_use":
        owner, t = key
        period = inst.periods[t]
        share = lowered_share(inst, owner, t, amount)
        return RepairPart(
            kind=kind,
            target=owner,
            period=period,
            amount=amount,
            text=f"lower {owner}'s min_use in {period} to {share:g}"
            + _who(inst, users),
            weight=weight,
            needed_by=list(users),
            slack=slack,
        )
    if kind in ("must", "never"):
        (ini,) = key
        text = (
            f'release {ini} from "must"'
            if kind == "must"
            else (f'allow {ini} (now "never")')
        )
        reason = next(i.decision_reason for i in inst.initiatives if i.id == ini)
        if reason:
            text += f" (reason: {reason})"
        return RepairPart(
            kind=kind,
            target=ini,
            period=None,
            amount=1.0,
            text=text,
            weight=weight,
            slack=slack,
        )
    if kind in ("count_more", "count_fewer"):
        (k,) = key
        rule = inst.rules[k]
        assert isinstance(rule, CountRule)
        n = round(amount)
        if kind == "count_more":
            text = f"allow {rule.count + n} of {_rule_label(inst, k)}"
        else:
            text = f"require only {rule.count - n} of {_rule_label(inst, k)}"
        return RepairPart(
            kind=kind,
            target=rule_target(k),
            period=None,
            amount=float(n),
            text=text,
            weight=weight,
            slack=slack,
        )
    k, prereq = key
    rule = requires_rule(inst, k)
    text = f"waive that {rule.initiative} requires {prereq} ({_rule_label(inst, k)})"
    return RepairPart(
        kind="requires",
        target=rule_target(k),
        period=None,
        amount=1.0,
        text=text,
        weight=weight,
        slack=slack,
    )


def _bound_part(
    inst: Instance, slack: Slack, weight: float, reached: float | None
) -> RepairPart:
    """``lower rule 3's spend share (co_taught_course) to at least 0.52``."""
    k, bound = slack.key
    rule = inst.rules[k]
    assert isinstance(rule, SpendShareRule | AverageRule)
    given = float(getattr(rule, bound))
    new = given if reached is None else _relaxed(reached, bound == "at_least")
    if isinstance(rule, SpendShareRule):
        new = min(max(new, 0.0), 1.0)
        what = f"spend share of {selector_text(rule, rule.members or [])}"
    else:
        what = f"average {rule.field}"
    verb = "lower" if bound == "at_least" else "raise"
    word = "at least" if bound == "at_least" else "at most"
    text = f"{verb} rule {k + 1}'s {what} from {word} {given:g} to {word} {new:g}"
    return RepairPart(
        kind=slack.kind,
        target=rule_target(k),
        period=bound,
        amount=new,
        text=text,
        weight=weight,
        slack=slack,
    )


def _cap_part(
    inst: Instance,
    slack: Slack,
    weight: float,
    reached: float | None,
    users: list[str],
) -> RepairPart:
    """``let gov_special pay up to 0.62 of JL-CS-01's cost (max_share 0.5)``."""
    ini_id, variant, budget = slack.key
    ini = next(i for i in inst.initiatives if i.id == ini_id)
    version = ini.version(variant or None)
    given = float(version.max_share.get(budget, 1.0))
    new = min(1.0, given if reached is None else _relaxed(reached, False))
    whose = f"{ini_id}'s" if not variant else f"{ini_id} ({variant})'s"
    return RepairPart(
        kind="max_share",
        target=ini_id,
        period=f"{variant}:{budget}",
        amount=new,
        text=f'let "{budget}" pay up to {new:g} of {whose} cost (max_share {given:g})',
        weight=weight,
        needed_by=list(users),
        slack=slack,
    )


def _relaxed(value: float, down: bool) -> float:
    """``value`` to 4 significant digits, rounded the way that relaxes the rule."""
    if value == 0:
        return 0.0
    exponent = math.floor(math.log10(abs(value))) - 3
    scaled = value / 10.0**exponent
    nearest = round(scaled)
    if abs(scaled - nearest) < 1e-6:
        digits = nearest
    else:
        digits = math.floor(scaled) if down else math.ceil(scaled)
    return float(f"{digits}e{exponent}")


def lowered_share(inst: Instance, owner: str, t: int, amount: float) -> float:
    """The min_use share of budget ``owner`` in period ``t`` lowered by ``amount``.

    Rounded down to 3 decimals, so the lowered share asks no more than the plan
    that needed the repair spends.
    """
    budget = next(b for b in inst.budgets if b.id == owner)
    n = len(inst.periods)
    limit = sum(budget.limits[: t + 1]) if budget.carry_over else budget.limits[t]
    floor = budget.min_use_floors(n)[t] - amount
    share = max(floor, 0.0) / limit if limit > 0 else 0.0
    return math.floor(share * 1000 + 1e-9) / 1000


def _parts(inst: Instance, need: Need) -> list[RepairPart]:
    parts = [
        describe(
            inst,
            slack,
            amount,
            need.users.get(slack, []),
            need.bounds.get(slack),
        )
        for slack, amount in need.amounts.items()
    ]
    order = {k: n for n, k in enumerate(_ORDER)}
    return sorted(parts, key=lambda p: (order[p.kind], p.target, p.period or ""))


def _forbidden_by(need: Need, inst: Instance) -> set[Slack]:
    """The slack an alternative may not use.

    That is this repair's, and for a carry-over budget also the earlier periods
    (raising earlier is the same repair).
    """
    carry = {b.id: b.carry_over for b in inst.budgets}
    found = set(need.amounts)
    for slack in need.amounts:
        if slack.kind != "budget":
            continue
        owner, t = slack.key
        if carry[owner]:
            found |= {Slack("budget", (owner, u), unit=slack.unit) for u in range(t)}
    return found


def find_repairs(
    inst: Instance,
    form: StandardForm,
    settings: SolveSettings,
    alternatives: int = 3,
    forbid: set[Slack] | None = None,
    confirm: bool = True,
) -> list[Repair]:
    """Up to ``alternatives`` repairs, smallest first.

    Each alternative is solved with the slack of the earlier ones forbidden.
    ``forbid`` holds slack no repair may use (e.g. releasing the initiative a
    why-in question forces). With ``confirm`` each repair is checked by solving
    the repaired instance (a waived prerequisite is first tried as a shorter lag).
    """
    model = ElasticModel(form, inst)
    forbidden = set(forbid or set())
    repairs: list[Repair] = []
    for _ in range(alternatives):
        need = model.solve(settings, forbidden)
        if need is None or not need.amounts:
            break
        repair = Repair(parts=_parts(inst, need), proven=need.proven)
        if confirm:
            confirm_repair(inst, repair, settings)
        repairs.append(repair)
        forbidden |= _forbidden_by(need, inst)
    return repairs


def apply_repair(inst: Instance, parts: list[RepairPart]) -> Instance:
    """The instance with every part of a repair applied (validated again)."""
    data = inst.model_dump(mode="json", exclude_defaults=False)
    periods = inst.periods
    waived: dict[int, set[str]] = {}
    for p in parts:
        if p.kind in ("budget", "resource"):
            entries = data["budgets" if p.kind == "budget" else "resources"]
            entry = next(e for e in entries if e["id"] == p.target)
            name = "limits" if p.kind == "budget" else "capacity"
            entry[name][periods.index(p.period or "")] += p.amount
        elif p.kind == "min_use":
            t = periods.index(p.period or "")
            budget = next(b for b in inst.budgets if b.id == p.target)
            entry = next(e for e in data["budgets"] if e["id"] == p.target)
            shares = entry["min_use"]  # a list once an earlier part lowered it
            if not isinstance(shares, list):
                shares = budget.min_use_shares(len(periods))
            shares[t] = lowered_share(inst, p.target, t, p.amount)
            entry["min_use"] = shares
        elif p.kind in ("must", "never"):
            entry = next(e for e in data["initiatives"] if e["id"] == p.target)
            entry["decision"] = "optional"
        elif p.kind == "max_share":
            entry = next(e for e in data["initiatives"] if e["id"] == p.target)
            variant, _, paying = (p.period or "").partition(":")
            if variant:
                entry = next(v for v in entry["variants"] if v["id"] == variant)
                entry["max_share"] = dict(entry["max_share"] or {})
            entry["max_share"][paying] = p.amount
        else:
            k = rule_index(p.target)
            rule = data["rules"][k]
            if p.kind == "count_more":
                rule["count"] += int(p.amount)
            elif p.kind == "count_fewer":
                rule["count"] -= int(p.amount)
            elif p.kind == "lag":
                rule["lag"] = int(p.amount)
            elif p.kind in ("share", "mean"):
                rule[p.period or ""] = p.amount
            else:
                assert p.slack is not None
                _, prereq = p.slack.key
                waived.setdefault(k, set()).add(prereq)
    for k, prereqs in waived.items():
        rule = data["rules"][k]
        rule["on"] = [o for o in rule["on"] if o not in prereqs]
    data["rules"] = [r for r in data["rules"] if r.get("on", True)]
    return instance_from_data(data)


class _Repaired(NamedTuple):
    """What solving a repaired instance gave."""

    has_plan: bool
    objective: float | None
    gap: float | None


def _solve_repaired(
    inst: Instance, parts: list[RepairPart], settings: SolveSettings
) -> _Repaired:
    limit = min(settings.time_limit or CONFIRM_LIMIT, CONFIRM_LIMIT)
    form = compile_form(apply_repair(inst, parts))
    outcome = Solver(form).solve(replace(settings, time_limit=limit))
    found = outcome.starts is not None and outcome.termination != Termination.ERROR
    return _Repaired(has_plan=found, objective=outcome.objective, gap=outcome.gap)


def confirm_repair(inst: Instance, repair: Repair, settings: SolveSettings) -> None:
    """Solve the repaired instance; try shorter lags before waiving a prerequisite.

    Sets ``confirmed``, ``objective`` and ``gap``, and turns a waiver into a lag
    change when a shorter lag (of the whole rule) is enough.
    """
    waivers = [p for p in repair.parts if p.kind == "requires"]
    for part in waivers:
        k = rule_index(part.target)
        rule = requires_rule(inst, k)
        others = [p for p in repair.parts if p is not part]
        for lag in range(rule.lag - 1, -1, -1):
            trial = RepairPart(
                kind="lag",
                target=part.target,
                period=None,
                amount=float(lag),
                text=f"shorten the lag of {_rule_label(inst, k)} to {lag}",
                weight=part.weight,
            )
            if _solve_repaired(inst, [*others, trial], settings).has_plan:
                index = repair.parts.index(part)
                repair.parts[index] = trial
                break
    repaired = _solve_repaired(inst, repair.parts, settings)
    repair.confirmed = repaired.has_plan
    repair.objective, repair.gap = repaired.objective, repaired.gap
    repair.checked = True


def infeasibility_text(repairs: list[Repair], reason: str | None = None) -> str:
    """The repairs as the planner reads them, one alternative per line.

    ``reason`` (a sentence) follows "No plan satisfies all rules:".
    """
    head = (
        f"No plan satisfies all rules: {reason}"
        if reason
        else ("No plan satisfies all rules.")
    )
    if not repairs:
        return f"{head} No repair was found."
    lines = [f"{head} Smallest repair found:"]
    for n, repair in enumerate(repairs):
        tail = ", or" if n < len(repairs) - 1 else "."
        note = "" if repair.proven else " (not proven smallest: time limit)"
        if repair.confirmed and repair.objective is not None:
            proven = repair.gap is not None and repair.gap <= 1e-9
            score = f"{repair.objective:,.4f}"
            note += (
                f" [best score then {score}]"
                if proven
                else f" [then a plan scoring {score} exists]"
            )
        elif repair.checked:
            note += " [not confirmed: the repaired instance gave no plan in time]"
        lines.append(f"    - {repair.text}{note}{tail}")
    return "\n".join(lines)


def brief_settings(settings: SolveSettings | None = None) -> SolveSettings:
    """Settings for the repair search behind a failed ``solve``: 30 s per solve."""
    base = settings or SolveSettings()
    limit = base.time_limit if base.time_limit is not None else 30.0
    return replace(base, time_limit=min(limit, 30.0))
