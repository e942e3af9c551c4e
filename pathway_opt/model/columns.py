"""Columns of the model and the instance data compiled to arrays, with numpy.

Column order: every start variable ``start[i, s]`` of an initiative's base
version (initiatives in instance order, starts ascending), then every
``start_variant[i, v, s]`` of its variants (versions in order), then
``select[i]`` for every initiative, then ``synergy_active[g]`` for every synergy
rule, then the continuous ``fund[i, v, b, t]``: the part of version v's cost in
period t that budget b pays, for versions with ``funded_by``.

A *version* is an initiative as one of its variants runs (or as given, the
base): base versions first, in instance order, then the variants' versions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from pathway_opt.model.initiative_data import (
    InitiativeData,
    read_initiatives,
    versions_of,
)
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import SynergyRule


@dataclass(frozen=True)
class Profiles:
    """Cost or use profiles as a dense array ``amount[version, owner, k]``."""

    owners: list[str]
    amount: np.ndarray
    """Shape (versions, owners, horizon): entry k falls k periods after start.
    For a version with ``funded_by``, zero: its cost is in ``funded``."""
    funded: np.ndarray | None = None
    """Costs only: shape (versions, horizon), the cost profile of each version
    with ``funded_by`` (split among its budgets by the ``fund`` columns), zero
    for the others."""

    def total(self) -> np.ndarray:
        """Shape (versions, horizon): the whole cost, charged or funded."""
        summed = self.amount.sum(axis=1)
        return summed if self.funded is None else summed + self.funded


@dataclass(frozen=True)
class Columns:
    """Which variable each column is, and the start pairs they stand for."""

    ids: list[str]
    """Initiative ids in instance order."""
    start_ini: np.ndarray
    """Initiative position of each start column."""
    start_period: np.ndarray
    """Start period index of each start column."""
    synergies: list[int]
    """Rule position of each synergy column."""
    start_version: np.ndarray | None = None
    """Version position of each start column (None: no variants, the same as
    ``start_ini``)."""
    variants: tuple[str | None, ...] = ()
    """Variant id of each version past the base ones (version n_ini + k)."""
    variant_of: tuple[int, ...] = ()
    """Initiative position of each version past the base ones."""
    fund_version: np.ndarray | None = None
    """Version position of each ``fund`` column."""
    fund_budget: np.ndarray | None = None
    """Budget position (in ``budgets``) of each ``fund`` column."""
    fund_period: np.ndarray | None = None
    """Period index of each ``fund`` column."""
    budgets: tuple[str, ...] = ()
    """Budget ids in instance order."""

    @cached_property
    def id_array(self) -> np.ndarray:
        """The ids as an object array (to pick many at once)."""
        return np.array(self.ids, dtype=object)

    @property
    def versions(self) -> np.ndarray:
        """Version position of each start column."""
        return self.start_ini if self.start_version is None else self.start_version

    @property
    def n_versions(self) -> int:
        """Number of versions: one per initiative plus one per variant."""
        return len(self.ids) + len(self.variants)

    def version_initiative(self) -> np.ndarray:
        """Initiative position of each version."""
        return np.concatenate(
            [np.arange(len(self.ids)), np.asarray(self.variant_of, dtype=np.int64)]
        )

    def variant(self, version: int) -> str | None:
        """Variant id of a version (None for a base version)."""
        n = len(self.ids)
        return None if version < n else self.variants[version - n]

    @property
    def n_start(self) -> int:
        """Number of start columns."""
        return len(self.start_ini)

    @property
    def n_base_start(self) -> int:
        """Number of start columns of base versions (the first ones)."""
        return int(np.count_nonzero(self.versions < len(self.ids)))

    @property
    def n_fund(self) -> int:
        """Number of ``fund`` columns."""
        return 0 if self.fund_version is None else len(self.fund_version)

    @property
    def n(self) -> int:
        """Number of columns."""
        return self.n_start + len(self.ids) + len(self.synergies) + self.n_fund

    def select_col(self, position: int | np.ndarray) -> int | np.ndarray:
        """Column of ``select`` for an initiative position (or an array of them)."""
        return self.n_start + position

    def synergy_col(self, k: int) -> int:
        """Column of ``synergy_active`` for the k-th synergy rule."""
        return self.n_start + len(self.ids) + k

    @property
    def first_fund_col(self) -> int:
        """Column of the first ``fund`` column."""
        return self.n_start + len(self.ids) + len(self.synergies)

    def fund_cols(self) -> np.ndarray:
        """Columns of every ``fund`` column, in order."""
        return self.first_fund_col + np.arange(self.n_fund)

    def start_keys(self) -> list[tuple[str, int]]:
        """(initiative id, start index) of every base version's start column."""
        ids, n = self.ids, self.n_base_start
        return [
            (ids[i], int(s))
            for i, s in zip(
                self.start_ini[:n].tolist(), self.start_period[:n].tolist(), strict=True
            )
        ]

    def variant_start_keys(self) -> list[tuple[str, str, int]]:
        """(initiative id, variant id, start index) of every variant start column."""
        n = self.n_base_start
        return [
            (self.ids[i], str(self.variant(v)), int(s))
            for i, v, s in zip(
                self.start_ini[n:].tolist(),
                self.versions[n:].tolist(),
                self.start_period[n:].tolist(),
                strict=True,
            )
        ]

    def fund_keys(self) -> list[tuple[str, str, str, int]]:
        """(initiative id, variant id or "", budget id, period) of each fund column."""
        if self.fund_version is None:
            return []
        owner = self.version_initiative()
        assert self.fund_budget is not None and self.fund_period is not None
        return [
            (self.ids[owner[v]], self.variant(v) or "", self.budgets[b], int(t))
            for v, b, t in zip(
                self.fund_version.tolist(),
                self.fund_budget.tolist(),
                self.fund_period.tolist(),
                strict=True,
            )
        ]

    def starts_of(self) -> list[np.ndarray]:
        """Per initiative position: its start columns (every version's)."""
        order = np.argsort(self.start_ini, kind="stable")
        bounds = np.searchsorted(self.start_ini[order], np.arange(len(self.ids) + 1))
        return [order[bounds[k] : bounds[k + 1]] for k in range(len(self.ids))]


def cost_profiles(inst: Instance) -> Profiles:
    """Cost per budget and version as dense arrays.

    A bare list is the only budget's; a version with ``funded_by`` has its
    profile in ``funded``.
    """
    owners = inst.budget_ids()
    position = {b: k for k, b in enumerate(owners)}
    versions = versions_of(inst)
    horizon = len(inst.periods)
    amount = np.zeros((len(versions), len(owners), horizon))
    funded = np.zeros((len(versions), horizon))
    for v, (_, _, ini) in enumerate(versions):
        if ini.funded_by is not None:
            assert isinstance(ini.cost, list)  # checked by the schema
            funded[v, : min(len(ini.cost), horizon)] = ini.cost[:horizon]
            continue
        for bud, profile in ini.cost_by_budget(owners).items():
            amount[v, position[bud], : min(len(profile), horizon)] = profile[:horizon]
    return Profiles(owners=owners, amount=amount, funded=funded)


def use_profiles(inst: Instance) -> Profiles:
    """Use per resource and version as a dense array."""
    owners = [r.id for r in inst.resources]
    position = {r: k for k, r in enumerate(owners)}
    versions = versions_of(inst)
    horizon = len(inst.periods)
    amount = np.zeros((len(versions), len(owners), horizon))
    for v, (_, _, ini) in enumerate(versions):
        for res, profile in ini.uses.items():
            entries = profile[:horizon]
            amount[v, position[res], : len(entries)] = entries
    return Profiles(owners=owners, amount=amount)


def compile_columns(
    inst: Instance, data: InitiativeData | None = None, costs: Profiles | None = None
) -> Columns:
    """Columns, with start columns only where a start is possible.

    A start is possible inside the version's window and, unless
    ``allow_beyond_horizon``, when every non-zero profile entry falls inside the
    horizon. Decisions are not structure: they become bounds of ``select``.
    ``data`` and ``costs``: the instance's version data and cost profiles, if
    already read. A ``fund`` column
    exists for each budget of a funded version and each period some start of it
    has cost in.
    """
    horizon = len(inst.periods)
    data = data or read_initiatives(inst)
    versions = versions_of(inst)
    s = np.arange(horizon)[None, :]
    possible = (s >= data.first[:, None]) & (s <= data.last[:, None])
    if not inst.settings.allow_beyond_horizon:
        last_entry = np.array([ini.last_entry for _, _, ini in versions])
        possible &= s + last_entry[:, None] < horizon
    start_version, start_period = np.nonzero(possible)
    owner = np.array([pos for pos, _, _ in versions], dtype=np.int64)
    n_ini = len(inst.initiatives)
    extra = versions[n_ini:]
    cols = Columns(
        ids=[i.id for i in inst.initiatives],
        start_ini=owner[start_version] if len(owner) else start_version,
        start_period=start_period,
        synergies=[k for k, r in enumerate(inst.rules) if isinstance(r, SynergyRule)],
        start_version=start_version if extra else None,
        variants=tuple(v for _, v, _ in extra),
        variant_of=tuple(p for p, _, _ in extra),
        budgets=tuple(inst.budget_ids()),
    )
    if not any(ini.funded_by is not None for _, _, ini in versions):
        return cols
    return _with_funds(inst, cols, costs or cost_profiles(inst))


def _with_funds(inst: Instance, cols: Columns, costs: Profiles) -> Columns:
    """The columns with a ``fund`` column per budget, funded version and period."""
    assert costs.funded is not None
    horizon = len(inst.periods)
    budget = {b: k for k, b in enumerate(cols.budgets)}
    charged = np.zeros((cols.n_versions, horizon), dtype=bool)
    for d in range(horizon):
        t = cols.start_period + d
        inside = t < horizon
        v = cols.versions[inside]
        has = costs.funded[v, d] != 0
        charged[v[has], t[inside][has]] = True
    versions = versions_of(inst)
    f_version, f_budget, f_period = [], [], []
    for v, t in zip(*np.nonzero(charged), strict=True):
        ini = versions[int(v)][2]
        assert ini.funded_by is not None
        for bud in dict.fromkeys(ini.funded_by):
            f_version.append(int(v))
            f_budget.append(budget[bud])
            f_period.append(int(t))
    return replace(
        cols,
        fund_version=np.array(f_version, dtype=np.int64),
        fund_budget=np.array(f_budget, dtype=np.int64),
        fund_period=np.array(f_period, dtype=np.int64),
    )
