"""The verifier's own arrays of an instance, kept between calls.

Verifying a plan of thousands of initiatives one Python object at a time costs
more than the edit and re-solve it checks, so the verifier reads each instance
once into arrays: one row per initiative (decision, window, scores, fields) and
one entry per non-zero profile amount; and, per rule family, who the members are.

Tables are reused while the instance's objects are the same ones (see
:mod:`pathway_opt.schema.identity`): a table is found again by object identity, never by
an id stored elsewhere, and when only initiatives' scores, probabilities,
decisions or windows changed (what a what-if edit changes), just their rows are
rewritten. Nothing here reads the optimisation model, so the verifier stays
independent of it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.identity import changed_positions, same_objects
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import CountRule, RequiresRule, Rule, SynergyRule

FIELDS = ("type", "department", "partner")
"""Initiative fields that count rules select on."""

#: Tables kept per kind: a session alternates between few instances at a time.
_KEPT = 4


class Context(NamedTuple):
    """The labels an initiative table's rows were read against, in order."""

    periods: tuple[str, ...]
    budgets: tuple[str, ...]
    """Budget ids: profile owners 0..B-1."""
    resources: tuple[str, ...]
    """Resource ids: profile owners B..B+R-1."""
    criteria: tuple[str, ...]
    """Criterion ids: the score columns."""

    @classmethod
    def of(cls, inst: Instance) -> Context:
        """The instance's periods, budget, resource and criterion ids."""
        return cls(
            periods=tuple(inst.periods),
            budgets=tuple(b.id for b in inst.budgets),
            resources=tuple(r.id for r in inst.resources),
            criteria=tuple(c.id for c in inst.criteria),
        )


@dataclass(frozen=True)
class InitiativeTable:
    """One row per initiative, in instance order."""

    objects: tuple[Initiative, ...]
    """The initiatives read (the table holds while these same objects are used)."""
    context: Context
    """The labels the rows were read against."""
    ids: list[str]
    id_array: np.ndarray
    """The ids again, as an object array (to pick many at once)."""
    position: dict[str, int]
    must: np.ndarray
    never: np.ndarray
    first: np.ndarray
    """Window start (period index)."""
    last: np.ndarray
    """Window end (period index)."""
    probability: np.ndarray
    scores: np.ndarray
    """Scores, one column per criterion (in the context's order)."""
    profiles: sp.csr_array
    """Row i, column ``owner * span + k``: what initiative i charges budget
    (0..B-1) or resource (B..B+R-1) ``owner`` k periods after its start."""
    span: int
    """Periods the longest profile covers."""
    last_offset: np.ndarray
    """Per initiative: the last period after its start it charges (-1: none)."""
    codes: dict[str, np.ndarray]
    """Per field of :data:`FIELDS`: each initiative's value as a code."""
    values: dict[str, dict[str | None, int]]
    """Per field: value -> code."""
    fields_key: object
    """Shared by tables whose ids, profiles and fields are the same."""


def initiative_table(inst: Instance) -> InitiativeTable:
    """The instance's initiative table, reusing or patching a kept one."""
    objects = tuple(inst.initiatives)
    context = Context.of(inst)
    with _LOCK:
        kept = [t for t in _INITIATIVES if t.context == context]
    for table in kept:
        if same_objects(objects, table.objects):
            _keep(_INITIATIVES, table)
            return table
    # Patch the most recent table when only some initiatives' rows changed.
    changed = changed_positions(objects, kept[0].objects) if kept else None
    if changed is not None and _patchable(kept[0], objects, changed):
        table = _patched(kept[0], objects, changed)
    else:
        table = _read_initiatives(objects, context)
    _keep(_INITIATIVES, table)
    return table


def _profiles(ini: Initiative, budgets: tuple[str, ...]) -> dict[str, list[float]]:
    """Per budget: the cost profile (a bare list is charged to the only budget).

    None for an initiative with ``funded_by``: the plan's funding split says
    which budget pays what.
    """
    if ini.funded_by is not None:
        return {}
    if isinstance(ini.cost, dict):
        return dict(ini.cost)
    if ini.cost and len(budgets) == 1:
        return {budgets[0]: list(ini.cost)}
    return {}


def _read_initiatives(
    objects: tuple[Initiative, ...], context: Context
) -> InitiativeTable:
    periods, budgets, resources = context.periods, context.budgets, context.resources
    period = {p: t for t, p in enumerate(periods)}
    # Budgets and resources are looked up in separate tables: costs name budgets,
    # uses name resources, and one id naming both must never mix them up.
    budget = {b: k for k, b in enumerate(budgets)}
    resource = {r: len(budgets) + k for k, r in enumerate(resources)}
    criterion = {c: k for k, c in enumerate(context.criteria)}
    n = len(objects)
    first = np.zeros(n, dtype=np.int64)
    last = np.full(n, len(periods) - 1, dtype=np.int64)
    scores = np.zeros((n, len(context.criteria)))
    # One entry per non-zero profile amount: the initiative's row, the owner
    # (budget or resource), the periods after the start, the amount.
    entry_rows: list[int] = []
    entry_owners: list[int] = []
    entry_offsets: list[int] = []
    entry_amounts: list[float] = []
    for k, ini in enumerate(objects):
        _read_row(ini, k, period, criterion, first, last, scores)
        owned = [
            *((budget.get(b), p) for b, p in _profiles(ini, budgets).items()),
            *((resource.get(r), p) for r, p in ini.uses.items()),
        ]
        for owner, profile in owned:
            for offset, value in enumerate(profile):
                if value and owner is not None:
                    entry_rows.append(k)
                    entry_owners.append(owner)
                    entry_offsets.append(offset)
                    entry_amounts.append(value)
    values: dict[str, dict[str | None, int]] = {}
    codes: dict[str, np.ndarray] = {}
    for field in FIELDS:
        column = [getattr(ini, field) for ini in objects]
        values[field] = {v: c for c, v in enumerate(dict.fromkeys(column))}
        codes[field] = np.array([values[field][v] for v in column], dtype=np.int64)
    ids = [ini.id for ini in objects]
    rows, owners, offsets = (
        np.array(e, dtype=np.int64) for e in (entry_rows, entry_owners, entry_offsets)
    )
    span = int(offsets.max(initial=-1)) + 1
    last_offset = np.full(n, -1, dtype=np.int64)
    np.maximum.at(last_offset, rows, offsets)
    for k, ini in enumerate(objects):  # funded costs are in no profile row
        if ini.funded_by is not None and isinstance(ini.cost, list):
            due = [d for d, v in enumerate(ini.cost) if v]
            last_offset[k] = max(last_offset[k], max(due, default=-1))
    return InitiativeTable(
        objects=objects,
        context=context,
        ids=ids,
        id_array=np.array(ids, dtype=object),
        position={i: k for k, i in enumerate(ids)},
        must=np.array([ini.decision == "must" for ini in objects], dtype=bool),
        never=np.array([ini.decision == "never" for ini in objects], dtype=bool),
        first=first,
        last=last,
        probability=np.array([ini.success_probability for ini in objects]),
        scores=scores,
        profiles=sp.csr_array(
            (
                np.array(entry_amounts, dtype=float),
                (rows, owners * span + offsets),
            ),
            shape=(n, (len(budgets) + len(resources)) * span),
        ),
        span=span,
        last_offset=last_offset,
        codes=codes,
        values=values,
        fields_key=object(),
    )


def _read_row(
    ini: Initiative,
    k: int,
    period: dict[str, int],
    criterion: dict[str, int],
    first: np.ndarray,
    last: np.ndarray,
    scores: np.ndarray,
) -> None:
    """Window and scores of row ``k`` (the parts a what-if edit may change)."""
    if ini.earliest_start is not None:
        first[k] = period[ini.earliest_start]
    if ini.latest_start is not None:
        last[k] = period[ini.latest_start]
    for c, value in ini.scores.items():
        if c in criterion:  # a score of an unknown criterion has no weight
            scores[k, criterion[c]] = value


def _patchable(
    table: InitiativeTable, objects: tuple[Initiative, ...], changed: list[int]
) -> bool:
    """Whether the changed initiatives differ only in what a row rewrite covers."""
    return len(changed) <= len(objects) // 4 and all(
        new.id == old.id
        and new.cost == old.cost
        and new.uses == old.uses
        and new.funded_by == old.funded_by
        and all(getattr(new, f) == getattr(old, f) for f in FIELDS)
        for new, old in ((objects[k], table.objects[k]) for k in changed)
    )


def _patched(
    table: InitiativeTable, objects: tuple[Initiative, ...], changed: list[int]
) -> InitiativeTable:
    periods = table.context.periods
    period = {p: t for t, p in enumerate(periods)}
    criterion = {c: k for k, c in enumerate(table.context.criteria)}
    must, never = table.must.copy(), table.never.copy()
    first, last = table.first.copy(), table.last.copy()
    probability, scores = table.probability.copy(), table.scores.copy()
    for k in changed:
        ini = objects[k]
        must[k] = ini.decision == "must"
        never[k] = ini.decision == "never"
        first[k], last[k] = 0, len(periods) - 1
        scores[k] = 0.0
        probability[k] = ini.success_probability
        _read_row(ini, k, period, criterion, first, last, scores)
    return replace(
        table,
        objects=objects,
        must=must,
        never=never,
        first=first,
        last=last,
        probability=probability,
        scores=scores,
    )


@dataclass(frozen=True)
class RuleTable:
    """Every rule as arrays of initiative rows (-1 for an unknown id)."""

    rules: tuple[Rule, ...]
    fields_key: object
    requires_rule: np.ndarray
    """Per (rule, prerequisite) pair: the rule's position,"""
    requires_ini: np.ndarray
    """the dependent initiative,"""
    requires_on: np.ndarray
    """the prerequisite,"""
    requires_lag: np.ndarray
    """and the lag."""
    count_rule: np.ndarray
    """Per count rule: its position, kind, bound; members as (rule, row) pairs."""
    count_kind: list[str]
    count_bound: np.ndarray
    count_entry_rule: np.ndarray
    count_entry_ini: np.ndarray
    synergy_rule: np.ndarray
    """Per synergy rule: its position, bonus, size; members as (rule, row) pairs."""
    synergy_bonus: np.ndarray
    synergy_size: np.ndarray
    synergy_entry_rule: np.ndarray
    synergy_entry_ini: np.ndarray


def rule_table(inst: Instance, initiatives: InitiativeTable) -> RuleTable:
    """The instance's rule table, reusing a kept one."""
    rules = tuple(inst.rules)
    with _LOCK:
        kept = list(_RULES)
    for table in kept:
        if table.fields_key is initiatives.fields_key and same_objects(
            rules, table.rules
        ):
            _keep(_RULES, table)
            return table
    table = _read_rules(rules, initiatives)
    _keep(_RULES, table)
    return table


class _Requires(NamedTuple):
    rule: int
    ini: int
    on: int
    lag: int


class _Count(NamedTuple):
    rule: int
    kind: str
    bound: int


class _Synergy(NamedTuple):
    rule: int
    bonus: float
    size: int


def _read_rules(rules: tuple[Rule, ...], table: InitiativeTable) -> RuleTable:
    position = table.position
    requires: list[_Requires] = []
    count: list[_Count] = []
    synergy: list[_Synergy] = []
    # Members as (group, row) pairs: the count or synergy rule's place in its
    # list, the member's initiative row.
    count_group: list[int] = []
    count_row: list[int] = []
    synergy_group: list[int] = []
    synergy_row: list[int] = []
    for k, rule in enumerate(rules):
        if isinstance(rule, RequiresRule):
            ini = position.get(rule.initiative, -1)
            requires += [
                _Requires(rule=k, ini=ini, on=position.get(o, -1), lag=rule.lag)
                for o in rule.on
            ]
        elif isinstance(rule, CountRule):
            rows = _count_members(rule, table)
            count_group += [len(count)] * len(rows)
            count_row += rows
            count.append(_Count(rule=k, kind=rule.kind, bound=rule.count))
        elif isinstance(rule, SynergyRule):
            rows = [position.get(m, -1) for m in rule.members]
            synergy_group += [len(synergy)] * len(rows)
            synergy_row += rows
            synergy.append(_Synergy(rule=k, bonus=rule.bonus, size=len(rows)))

    def ints(values: list[int]) -> np.ndarray:
        return np.array(values, dtype=np.int64)

    return RuleTable(
        rules=rules,
        fields_key=table.fields_key,
        requires_rule=ints([r.rule for r in requires]),
        requires_ini=ints([r.ini for r in requires]),
        requires_on=ints([r.on for r in requires]),
        requires_lag=ints([r.lag for r in requires]),
        count_rule=ints([c.rule for c in count]),
        count_kind=[c.kind for c in count],
        count_bound=ints([c.bound for c in count]),
        count_entry_rule=ints(count_group),
        count_entry_ini=ints(count_row),
        synergy_rule=ints([g.rule for g in synergy]),
        synergy_bonus=np.array([g.bonus for g in synergy], dtype=float),
        synergy_size=ints([g.size for g in synergy]),
        synergy_entry_rule=ints(synergy_group),
        synergy_entry_ini=ints(synergy_row),
    )


def _count_members(rule: CountRule, table: InitiativeTable) -> list[int]:
    """Rows of a count rule's members (unknown listed ids are left out)."""
    if rule.members is not None:
        return [table.position[m] for m in rule.members if m in table.position]
    if rule.where is None:
        return []
    match: np.ndarray | None = None
    for field in FIELDS:
        wanted = getattr(rule.where, field)
        if wanted is None:
            continue
        options = wanted if isinstance(wanted, list) else [wanted]
        codes = [table.values[field][o] for o in options if o in table.values[field]]
        hit = np.isin(table.codes[field], np.array(codes, dtype=np.int64))
        match = hit if match is None else match & hit
    return [] if match is None else np.flatnonzero(match).tolist()


_LOCK = threading.Lock()
_INITIATIVES: list[InitiativeTable] = []
_RULES: list[RuleTable] = []


def _keep(
    kept: list[InitiativeTable] | list[RuleTable],
    table: InitiativeTable | RuleTable,
) -> None:
    """Put ``table`` first among the kept ones, dropping the least recent."""
    with _LOCK:
        for k, other in enumerate(kept):
            if other is table:
                del kept[k]
                break
        kept.insert(0, table)  # type: ignore[arg-type]
        del kept[_KEPT:]
