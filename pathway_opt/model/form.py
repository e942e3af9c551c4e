r"""The pathway model as arrays: columns, objective, bounds and named row blocks.

:func:`compile_form` is the formulation: it calls one builder per constraint
family (:mod:`pathway_opt.model.families`) and :func:`load_data` for the data a
what-if may change (values, synergy bonuses, decisions, budget limits and
capacities). The Pyomo model of
:func:`pathway_opt.model.pyomo_model.build_model` is built from the same
blocks, and HiGHS receives the arrays directly, so a large instance goes to the
solver without a Python object per coefficient.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import scipy.sparse as sp

from pathway_opt.model.columns import (
    Columns,
    Profiles,
    compile_columns,
    cost_profiles,
    use_profiles,
)
from pathway_opt.model.families import (
    INF,
    RowBlock,
    add_budget_limit,
    add_budget_min_use,
    add_count_limit,
    add_requires_start,
    add_resource_limit,
    add_start_once,
    add_synergy,
)
from pathway_opt.model.fund_families import add_fund_max_share, add_fund_split
from pathway_opt.model.initiative_data import InitiativeData, read_initiatives
from pathway_opt.model.value_families import add_average, add_spend_share
from pathway_opt.schema.entities import Variant
from pathway_opt.schema.identity import same_objects
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import SynergyRule


class StructureChanged(Exception):
    """The edited instance needs other columns or rows: build the model anew."""


@dataclass
class StandardForm:
    """The model as arrays: maximise ``cost @ x`` subject to the row blocks.

    Each block holds ``lower <= matrix @ x <= upper``; columns are bounded by
    ``col_lower <= x <= col_upper``; start and select columns are binary.
    """

    columns: Columns
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integrality: np.ndarray
    """1 for binary (integer) columns, 0 for continuous ones."""
    blocks: dict[str, RowBlock]
    source: Instance
    """The instance the columns and rows were built for."""
    initiatives: InitiativeData | None = None
    """The per-initiative data last loaded (reread only where an edit changed it)."""
    costs_loaded: tuple[object, ...] = ()
    """The initiatives' `cost` objects the ``budget_limit`` coefficients were
    computed from (recomputed only when another object comes)."""

    @functools.cached_property
    def structure(self) -> str:
        """Fingerprint of what shaped the columns and rows (computed when needed)."""
        return structure_key(self.source)

    @property
    def n_rows(self) -> int:
        """Number of rows over all blocks."""
        return sum(b.n for b in self.blocks.values())

    def stacked(self) -> tuple[sp.csc_array, np.ndarray, np.ndarray]:
        """All blocks stacked in order: matrix (CSC), row lower and upper bounds."""
        blocks = list(self.blocks.values())
        if not blocks:
            return sp.csc_array((0, self.columns.n)), np.zeros(0), np.zeros(0)
        matrix = sp.vstack([b.matrix for b in blocks], format="csc")
        return (sp.csc_array(matrix), *self.row_bounds())

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of every row, blocks in order."""
        blocks = list(self.blocks.values())
        if not blocks:
            return np.zeros(0), np.zeros(0)
        lower = np.concatenate([b.lower for b in blocks])
        upper = np.concatenate([b.upper for b in blocks])
        return lower, upper

    def without(self, name: str) -> StandardForm:
        """A copy with one constraint family dropped (for diagnosis)."""
        blocks = {k: b for k, b in self.blocks.items() if k != name}
        return replace(self, blocks=blocks)


def structure_key(inst: Instance) -> str:
    """Hash of the instance fields that shape columns and rows.

    Everything else (scores, weights, probabilities, discount, decisions, start
    windows, budget limits, capacities, synergy bonuses, and the amounts of the
    cost profiles) is data that :func:`load_data` updates; a window may narrow
    but not reach a start the model has no column for. Of a cost profile only
    which entries are non-zero shapes the model: those are its coefficients.
    """
    shape = (
        inst.periods,
        inst.settings.allow_beyond_horizon,
        [(b.id, b.carry_over, b.min_use is not None) for b in inst.budgets],
        [r.id for r in inst.resources],
        [
            (
                i.id,
                i.type,
                i.department,
                i.partner,
                _nonzero(i.cost),
                i.uses,
                i.funded_by,
                sorted(i.max_share),
                [_variant_shape(v) for v in i.variants],
            )
            for i in inst.initiatives
        ],
        [
            r.model_copy(update={"bonus": 0.0}) if isinstance(r, SynergyRule) else r
            for r in inst.rules
        ],
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()


def _variant_shape(variant: Variant) -> object:
    """What of a variant shapes the model: its profiles' pattern and funding."""
    return (
        variant.id,
        None if variant.cost is None else _nonzero(variant.cost),
        variant.uses,
        variant.funded_by,
        None if variant.max_share is None else sorted(variant.max_share),
    )


def _nonzero(cost: list[float] | dict[str, list[float]]) -> object:
    """Which entries of a cost profile (or of each budget's) are non-zero."""
    if isinstance(cost, dict):
        return [(b, [v != 0 for v in p]) for b, p in cost.items()]
    return [v != 0 for v in cost]


def compile_form(inst: Instance) -> StandardForm:
    """Build the pathway model as arrays for a validated instance."""
    data = read_initiatives(inst)
    costs = cost_profiles(inst)
    cols = compile_columns(inst, data, costs)
    links, penalties = add_synergy(inst, cols)
    blocks = [
        add_start_once(cols),
        add_budget_limit(inst, cols, costs),
        add_budget_min_use(inst, cols, costs),
        add_resource_limit(inst, cols, use_profiles(inst)),
        add_requires_start(inst, cols),
        add_count_limit(inst, cols),
        links,
        penalties,
        add_spend_share(inst, cols, costs),
        add_average(inst, cols),
        add_fund_split(inst, cols, costs),
        add_fund_max_share(inst, cols, costs),
    ]
    integrality = np.zeros(cols.n, dtype=np.int8)
    integrality[: cols.n_start + len(cols.ids)] = 1
    col_upper = np.ones(cols.n)
    col_upper[cols.fund_cols()] = INF  # a split is bounded by fund_split
    form = StandardForm(
        columns=cols,
        cost=np.zeros(cols.n),
        col_lower=np.zeros(cols.n),
        col_upper=col_upper,
        integrality=integrality,
        blocks={b.name: b for b in blocks},
        source=inst,
        initiatives=data,
        costs_loaded=_cost_objects(inst),
    )
    _load(form, inst)
    return form


#: The parts of the data :func:`load_data` sets: objective costs, column bounds
#: (decisions, windows), row bounds (budget limits, capacities) and the
#: coefficients of ``budget_limit`` (the amounts of the cost profiles).
Part = Literal["costs", "columns", "rows", "coefficients"]
ALL_PARTS: frozenset[Part] = frozenset({"costs", "columns", "rows", "coefficients"})


def load_data(
    form: StandardForm,
    inst: Instance,
    check: Literal["full", "windows", "none"] = "full",
    parts: frozenset[Part] | None = None,
) -> None:
    r"""Set the data a what-if may change, in place.

    Objective ``expected_score``: maximise :math:`\sum_{(i,s)} v_{is} x_{is} +
    \sum_g b_g z_g` with :math:`v_{is} = p_i \sum_c w_c a_{ic} \delta^{s - e_i}`.
    Bounds of ``select``: must :math:`y_i = 1`, never :math:`y_i = 0`; bounds of
    ``start``: 0 outside the current start window. Right-hand sides of
    ``budget_limit`` (cumulative with carry-over) and ``resource_limit``; lower
    bounds of ``budget_min_use`` (the share times the, possibly cumulative, limit).

    Coefficients of ``budget_limit``: the cost amounts
    :math:`c_{ibk}` (or their running sums with carry-over), when the instance's
    cost profiles are other objects than those loaded last; a profile may change
    its amounts but not which entries are non-zero.

    ``check`` says what to verify first: ``"full"`` the structure fingerprint and
    the start windows, ``"windows"`` only the windows (for an edit known to touch
    data alone), ``"none"`` nothing (for an edit that leaves the windows too).
    ``parts`` limits the update to ``costs``, ``columns``, ``rows`` or
    ``coefficients`` (default all); ``coefficients`` also rewrites those of
    ``spend_share`` (cost amounts) and ``average`` (field values).

    Raises:
        StructureChanged: if the instance needs other columns or rows.
    """
    if inst is not form.source and check != "none":
        if check == "full" and structure_key(inst) != form.structure:
            raise StructureChanged(
                "the periods, profiles or rules changed; build the model anew"
            )
        data = read_initiatives(inst, form.initiatives)
        _check_columns_cover(form.columns, compile_columns(inst, data))
        form.initiatives = data
    _load(form, inst, parts or ALL_PARTS)


def _check_columns_cover(built: Columns, needed: Columns) -> None:
    horizon = (
        int(max(built.start_period.max(initial=0), needed.start_period.max(initial=0)))
        + 1
    )
    have = built.versions * horizon + built.start_period
    want = needed.versions * horizon + needed.start_period
    if not np.isin(want, have).all():
        raise StructureChanged(
            "a start window now reaches a period the model has no start for; "
            "build the model anew"
        )


def _load(
    form: StandardForm, inst: Instance, parts: frozenset[Part] = ALL_PARTS
) -> None:
    """Set the named parts of the data.

    ``costs``: objective coefficients; ``columns``: bounds carrying decisions and
    windows; ``rows``: budget limits and capacities.
    """
    cols = form.columns
    if "rows" in parts:
        _load_limits(form, inst)
    if "coefficients" in parts:
        _load_cost_amounts(form, inst)
        _load_rule_coefficients(form, inst)
    if not parts & {"costs", "columns"}:
        return
    data = form.initiatives = read_initiatives(inst, form.initiatives)
    if "costs" in parts:
        weight = inst.weights  # given, or resolved from the judgements by the schema
        weights = np.array([weight[c] for c in data.labels.criteria])
        base = data.probability * (data.scores @ weights)
        # delay counts from the initiative's earliest start (its base version's
        # row), so a later-starting variant is discounted for starting later
        delay = cols.start_period - data.first[cols.start_ini]
        form.cost[: cols.n_start] = base[cols.versions] * (
            inst.settings.delay_discount ** delay.astype(float)
        )
        for g, k in enumerate(cols.synergies):
            rule = inst.rules[k]
            assert isinstance(rule, SynergyRule)
            form.cost[cols.synergy_col(g)] = rule.bonus
    if "columns" in parts:
        period, version = cols.start_period, cols.versions
        form.col_upper[: cols.n_start] = (period >= data.first[version]) & (
            period <= data.last[version]
        )
        n = len(cols.ids)  # the base versions' rows: one per initiative
        select = cols.select_col(np.arange(n))
        form.col_lower[select] = data.must[:n].astype(float)
        form.col_upper[select] = (~data.never[:n]).astype(float)


def _load_limits(form: StandardForm, inst: Instance) -> None:
    limits = {b.id: np.asarray(b.limits, dtype=float) for b in inst.budgets}
    limits = {
        b.id: np.cumsum(limits[b.id]) if b.carry_over else limits[b.id]
        for b in inst.budgets
    }
    capacity = {r.id: np.asarray(r.capacity, dtype=float) for r in inst.resources}
    for name, amounts in (("budget_limit", limits), ("resource_limit", capacity)):
        block = form.blocks[name]
        block.upper = np.array([amounts[o][t] for o, t in block.owners], dtype=float)
    floor = form.blocks.get("budget_min_use")  # absent from diagnosis's forms
    if floor is not None:
        n = len(inst.periods)
        floors = {b.id: b.min_use_floors(n) for b in inst.budgets}
        floor.lower = np.array([floors[o][t] for o, t in floor.owners], dtype=float)


def _load_cost_amounts(form: StandardForm, inst: Instance) -> None:
    """Recompute the ``budget_limit`` coefficients when the cost profiles changed.

    Raises:
        StructureChanged: if the new profiles put coefficients elsewhere.
    """
    costs = _cost_objects(inst)
    held = form.blocks.get("budget_limit")  # absent from diagnosis's forms
    if held is None or same_objects(costs, form.costs_loaded):
        return
    costs_now = cost_profiles(inst)
    block = add_budget_limit(inst, form.columns, costs_now)
    if (
        block.owners != held.owners
        or not np.array_equal(block.matrix.indptr, held.matrix.indptr)
        or not np.array_equal(block.matrix.indices, held.matrix.indices)
    ):
        raise StructureChanged(
            "a cost profile changed which entries are non-zero; build the model anew"
        )
    held.matrix = block.matrix
    floor = form.blocks.get("budget_min_use")
    if floor is not None:
        floor.matrix = add_budget_min_use(inst, form.columns, costs_now).matrix
    _load_fund_coefficients(form, inst, costs_now)
    form.costs_loaded = costs


def _cost_objects(inst: Instance) -> tuple[object, ...]:
    """What the cost coefficients come from, object by object.

    An initiative's cost profile; for one with funding choice or variants the
    initiative itself (its shares and variants' profiles count as well).
    """
    return tuple(
        i if i.funded_by is not None or i.variants else i.cost for i in inst.initiatives
    )


def _load_fund_coefficients(
    form: StandardForm, inst: Instance, costs: Profiles
) -> None:
    """Rewrite the ``fund_split`` and ``fund_max_share`` coefficients.

    Raises:
        StructureChanged: if the new coefficients fall elsewhere.
    """
    for name, build in (
        ("fund_split", add_fund_split),
        ("fund_max_share", add_fund_max_share),
    ):
        held = form.blocks.get(name)
        if held is None or held.n == 0:
            continue
        block = build(inst, form.columns, costs)
        if block.index != held.index or not (
            np.array_equal(block.matrix.indptr, held.matrix.indptr)
            and np.array_equal(block.matrix.indices, held.matrix.indices)
        ):
            raise StructureChanged(
                "a funded cost profile changed which entries are non-zero; "
                "build the model anew"
            )
        held.matrix = block.matrix


#: Families whose coefficients are data (cost amounts, scores, probabilities).
DATA_COEFFICIENTS = (
    "budget_limit", "budget_min_use", "spend_share", "average", "fund_split",
    "fund_max_share",
)  # fmt: skip


def _load_rule_coefficients(form: StandardForm, inst: Instance) -> None:
    """Rewrite the ``spend_share`` and ``average`` coefficients from the data.

    Raises:
        StructureChanged: if the new coefficients fall elsewhere.
    """
    for name in ("spend_share", "average"):
        held = form.blocks.get(name)  # absent from diagnosis's forms
        if held is None or held.n == 0:
            continue
        if name == "spend_share":
            block = add_spend_share(inst, form.columns, cost_profiles(inst))
        else:
            block = add_average(inst, form.columns)
        if block.index != held.index or not (
            np.array_equal(block.matrix.indptr, held.matrix.indptr)
            and np.array_equal(block.matrix.indices, held.matrix.indices)
        ):
            raise StructureChanged(
                f"the {name} rules now count other initiatives; build the model anew"
            )
        held.matrix = block.matrix
