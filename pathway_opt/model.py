r"""The pathway model: a Pyomo MIP built from a validated :class:`Instance` only.

Every constraint family is one named Pyomo component built by one ``add_*``
function whose docstring carries the math; ``models/pathway.md`` documents the
same names. Data that what-if analysis changes (budget limits, capacities,
initiative values, synergy bonuses, must/never decisions) lives in mutable
parameters and variable bounds, so :func:`update_data` can change it on the built
model and a persistent solver re-solves without a rebuild.

Notation: :math:`I` initiatives, :math:`T` period indices, :math:`S_i` the
possible starts of :math:`i` (inside its window, profiles fitting the horizon).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from pathway_opt.schema import CountRule, Instance, RequiresRule, SynergyRule

Start = tuple[str, int]


class StructureChanged(Exception):
    """The edited instance differs in structure, so the model must be rebuilt."""


@dataclass(frozen=True)
class ModelData:
    """The instance compiled to the index sets and coefficients of the model."""

    starts: list[Start]
    """Every (initiative id, start index) pair with a start variable."""
    budget_rows: dict[tuple[str, int], list[tuple[float, Start]]]
    """Per (budget, period): coefficients of the (cumulative) spend row."""
    resource_rows: dict[tuple[str, int], list[tuple[float, Start]]]
    """Per (resource, period): coefficients of the use row."""
    requires_rows: dict[tuple[int, str, int], tuple[list[Start], list[Start]]]
    """Per (rule, prerequisite, start): starts of the dependant by then, and of
    the prerequisite early enough."""
    count_rules: dict[int, tuple[list[str], float | None, float | None]]
    """Per rule: members, lower and upper bound on their number."""
    synergies: dict[int, list[str]]
    """Per synergy rule: its members."""
    structure: tuple[object, ...] = field(repr=False)
    """What must be equal for :func:`update_data` to reuse a built model."""


def compile_data(inst: Instance) -> ModelData:
    """Index sets and coefficients of the model; pure Python, no Pyomo."""
    horizon = len(inst.periods)
    budget_ids = inst.budget_ids()
    cumulative = {b.id: b.carry_over for b in inst.budgets}
    starts: list[Start] = []
    by_initiative: dict[str, list[int]] = {}
    budget_rows: dict[tuple[str, int], list[tuple[float, Start]]] = defaultdict(list)
    resource_rows: dict[tuple[str, int], list[tuple[float, Start]]] = defaultdict(list)
    for ini in inst.initiatives:
        possible = [s for s in inst.start_window(ini) if inst.fits(ini, s)]
        by_initiative[ini.id] = possible
        costs = ini.cost_by_budget(budget_ids)
        for s in possible:
            key = (ini.id, s)
            starts.append(key)
            for bud, profile in costs.items():
                _add_profile(
                    budget_rows, bud, profile, s, horizon, key, cumulative[bud]
                )
            for res, profile in ini.uses.items():
                _add_profile(resource_rows, res, profile, s, horizon, key, False)
    requires_rows = _compile_requires(inst, by_initiative)
    count_rules: dict[int, tuple[list[str], float | None, float | None]] = {}
    synergies: dict[int, list[str]] = {}
    for k, rule in enumerate(inst.rules):
        if isinstance(rule, CountRule):
            lo = rule.count if rule.kind in ("at_least", "exactly") else None
            hi = rule.count if rule.kind in ("at_most", "exactly") else None
            count_rules[k] = (inst.rule_members(rule), lo, hi)
        elif isinstance(rule, SynergyRule):
            synergies[k] = list(rule.members)
    structure = (
        tuple(inst.periods),
        tuple(starts),
        _frozen_rows(budget_rows),
        _frozen_rows(resource_rows),
        tuple(sorted(requires_rows)),
        tuple((k, tuple(m), lo, hi) for k, (m, lo, hi) in count_rules.items()),
        tuple((k, tuple(m)) for k, m in synergies.items()),
    )
    return ModelData(
        starts,
        dict(budget_rows),
        dict(resource_rows),
        requires_rows,
        count_rules,
        synergies,
        structure,
    )


def _add_profile(
    rows: dict[tuple[str, int], list[tuple[float, Start]]],
    owner: str,
    profile: list[float],
    start: int,
    horizon: int,
    key: Start,
    cumulative: bool,
) -> None:
    """Add one profile's coefficients; entries past the horizon are unconstrained."""
    running = 0.0
    for t in range(start, horizon):
        k = t - start
        entry = profile[k] if k < len(profile) else 0.0
        running = running + entry if cumulative else entry
        if running:
            rows[owner, t].append((running, key))


def _compile_requires(
    inst: Instance, by_initiative: dict[str, list[int]]
) -> dict[tuple[int, str, int], tuple[list[Start], list[Start]]]:
    rows: dict[tuple[int, str, int], tuple[list[Start], list[Start]]] = {}
    for k, rule in enumerate(inst.rules):
        if not isinstance(rule, RequiresRule):
            continue
        dependant = by_initiative[rule.initiative]
        for prereq in rule.on:
            for s in dependant:
                started = [(rule.initiative, u) for u in dependant if u <= s]
                early = [
                    (prereq, u) for u in by_initiative[prereq] if u <= s - rule.lag
                ]
                rows[k, prereq, s] = (started, early)
    return rows


def _frozen_rows(
    rows: dict[tuple[str, int], list[tuple[float, Start]]],
) -> tuple[object, ...]:
    return tuple(sorted((key, tuple(v)) for key, v in rows.items()))


def _linear(terms: list[tuple[float, pyo.Var]]) -> LinearExpression:
    return LinearExpression(
        constant=0,
        linear_coefs=[c for c, _ in terms],
        linear_vars=[v for _, v in terms],
    )


def build_model(inst: Instance) -> pyo.ConcreteModel:
    """Build the pathway MIP for a validated instance."""
    data = compile_data(inst)
    m = pyo.ConcreteModel(name=inst.name)
    m.pathway_data = data  # the plan extractor reads index sets from here
    add_variables(m, inst, data)
    add_start_once(m, data)
    add_budget_limit(m, inst, data)
    add_resource_limit(m, inst, data)
    add_requires_start(m, data)
    add_count_limit(m, data)
    add_synergy(m, data)
    add_objective(m)
    _load_values(m, inst)
    return m


def add_variables(m: pyo.ConcreteModel, inst: Instance, data: ModelData) -> None:
    r"""Variables and the mutable data they are weighed with.

    ``start[i, s]`` :math:`x_{is} \in \{0,1\}` for :math:`(i,s) \in S` (only where a
    start is possible); ``select[i]`` :math:`y_i \in \{0,1\}` with bounds set by the
    decision (must: :math:`y_i = 1`, never: :math:`y_i = 0`);
    ``synergy_active[g]`` :math:`z_g \in [0,1]`.
    """
    m.start = pyo.Var(data.starts, domain=pyo.Binary)
    m.select = pyo.Var([i.id for i in inst.initiatives], domain=pyo.Binary)
    m.synergy_active = pyo.Var(list(data.synergies), bounds=(0, 1))
    m.value = pyo.Param(data.starts, mutable=True, initialize=0.0)
    m.bonus = pyo.Param(list(data.synergies), mutable=True, initialize=0.0)
    m.budget_rhs = pyo.Param(list(data.budget_rows), mutable=True, initialize=0.0)
    m.capacity = pyo.Param(list(data.resource_rows), mutable=True, initialize=0.0)


def add_start_once(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""``start_once[i]``: one start if selected.

    :math:`\sum_{s \in S_i} x_{is} = y_i`.
    """
    starts_of: dict[str, list[pyo.Var]] = defaultdict(list)
    for key in data.starts:
        starts_of[key[0]].append(m.start[key])
    ids = list(m.select.index_set())

    def rule(m: pyo.ConcreteModel, i: str) -> object:
        terms = [(1.0, v) for v in starts_of.get(i, [])] + [(-1.0, m.select[i])]
        return _linear(terms) == 0

    m.start_once = pyo.Constraint(ids, rule=rule)


def add_budget_limit(m: pyo.ConcreteModel, inst: Instance, data: ModelData) -> None:
    r"""``budget_limit[b, t]``: spend within the limit.

    Without carry-over: :math:`\sum_{(i,s) \in S} c_{ib,t-s} x_{is} \le L_{bt}`.
    With carry-over: :math:`\sum_{(i,s)} \sum_{t' \le t} c_{ib,t'-s} x_{is} \le
    \sum_{t' \le t} L_{bt'}` (``budget_rhs`` holds the right-hand side).
    """

    def rule(m: pyo.ConcreteModel, b: str, t: int) -> object:
        terms = [(c, m.start[key]) for c, key in data.budget_rows[b, t]]
        return _linear(terms) <= m.budget_rhs[b, t]

    m.budget_limit = pyo.Constraint(list(data.budget_rows), rule=rule)


def add_resource_limit(m: pyo.ConcreteModel, inst: Instance, data: ModelData) -> None:
    r"""``resource_limit[r, t]``: use within capacity.

    :math:`\sum_{(i,s) \in S} u_{ir,t-s} x_{is} \le C_{rt}`.
    """

    def rule(m: pyo.ConcreteModel, r: str, t: int) -> object:
        terms = [(c, m.start[key]) for c, key in data.resource_rows[r, t]]
        return _linear(terms) <= m.capacity[r, t]

    m.resource_limit = pyo.Constraint(list(data.resource_rows), rule=rule)


def add_requires_start(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""``requires_start[k, j, s]``: prerequisite started early enough.

    Started by :math:`s` only if the prerequisite started by :math:`s - \ell_k`:

    :math:`\sum_{u \in S_i, u \le s} x_{iu} \le \sum_{u \in S_j, u \le s - \ell_k}
    x_{ju}` for each rule :math:`k` (:math:`i` requires :math:`j` with lag
    :math:`\ell_k`) and :math:`s \in S_i`. The cumulative form is the tightest
    linear description of the precedence; at the last start it also gives
    :math:`y_i \le y_j`.
    """

    def rule(m: pyo.ConcreteModel, k: int, j: str, s: int) -> object:
        started, early = data.requires_rows[k, j, s]
        terms = [(1.0, m.start[u]) for u in started] + [
            (-1.0, m.start[u]) for u in early
        ]
        return _linear(terms) <= 0

    m.requires_start = pyo.Constraint(list(data.requires_rows), rule=rule)


def add_count_limit(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""``count_limit[k]``: number of selected members within bounds.

    :math:`n^{lo}_k \le \sum_{i \in M_k} y_i \le n^{hi}_k` for ``at_least``
    (lower), ``at_most`` (upper) and ``exactly`` (both).
    """

    def rule(m: pyo.ConcreteModel, k: int) -> object:
        members, lo, hi = data.count_rules[k]
        return (lo, _linear([(1.0, m.select[i]) for i in members]), hi)

    m.count_limit = pyo.Constraint(list(data.count_rules), rule=rule)


def add_synergy(m: pyo.ConcreteModel, data: ModelData) -> None:
    r"""``synergy_link[g, i]`` and ``synergy_penalty[g]``: the synergy indicator.

    ``synergy_link``: :math:`z_g \le y_i` for every member :math:`i` of :math:`g`;
    ``synergy_penalty``: :math:`z_g \ge \sum_{i \in g} y_i - (|g| - 1)`.

    Maximising :math:`b_g z_g` makes :math:`z_g` the indicator that all members are
    selected: the upper links bind for a bonus (:math:`b_g > 0`), the lower one for
    a penalty (:math:`b_g < 0`). Both are always present so that the sign of a
    bonus may change without a rebuild.
    """
    links = [(g, i) for g, members in data.synergies.items() for i in members]
    m.synergy_link = pyo.Constraint(
        links, rule=lambda m, g, i: m.synergy_active[g] - m.select[i] <= 0
    )

    def penalty(m: pyo.ConcreteModel, g: int) -> object:
        members = data.synergies[g]
        terms = [(1.0, m.select[i]) for i in members] + [(-1.0, m.synergy_active[g])]
        return _linear(terms) <= len(members) - 1

    m.synergy_penalty = pyo.Constraint(list(data.synergies), rule=penalty)


def add_objective(m: pyo.ConcreteModel) -> None:
    r"""``expected_score``: expected integration score, maximised.

    :math:`\sum_{(i,s)} v_{is} x_{is} + \sum_g b_g z_g` with
    :math:`v_{is} = p_i \sum_c w_c a_{ic} \delta^{s - e_i}`.
    """
    expr = pyo.quicksum(m.value[k] * m.start[k] for k in m.start) + pyo.quicksum(
        m.bonus[g] * m.synergy_active[g] for g in m.synergy_active
    )
    m.expected_score = pyo.Objective(expr=expr, sense=pyo.maximize)


def update_data(m: pyo.ConcreteModel, inst: Instance) -> None:
    """Load the instance's data into the mutable parts of a built model.

    Raises:
        StructureChanged: if the instance needs different variables or rows.
    """
    data: ModelData = m.pathway_data
    if compile_data(inst).structure != data.structure:
        raise StructureChanged(
            "the instance's periods, windows, profiles or rules changed"
        )
    _load_values(m, inst)


def _load_values(m: pyo.ConcreteModel, inst: Instance) -> None:
    """Set values, bonuses, right-hand sides and decision bounds from the instance."""
    discount = inst.settings.delay_discount
    for ini in inst.initiatives:
        base = inst.base_value(ini)
        first = inst.start_window(ini).start
        lower, upper = {"must": (1, 1), "never": (0, 0)}.get(ini.decision, (0, 1))
        m.select[ini.id].setlb(lower)
        m.select[ini.id].setub(upper)
        for s in inst.start_window(ini):
            if (ini.id, s) in m.value:
                m.value[ini.id, s] = base * discount ** (s - first)
    synergy_bonus = {
        k: r.bonus for k, r in enumerate(inst.rules) if isinstance(r, SynergyRule)
    }
    for g in m.bonus:
        m.bonus[g] = synergy_bonus[g]
    for b in inst.budgets:
        running = 0.0
        for t, limit in enumerate(b.limits):
            running = running + limit if b.carry_over else limit
            if (b.id, t) in m.budget_rhs:
                m.budget_rhs[b.id, t] = running
    for r in inst.resources:
        for t, cap in enumerate(r.capacity):
            if (r.id, t) in m.capacity:
                m.capacity[r.id, t] = cap
