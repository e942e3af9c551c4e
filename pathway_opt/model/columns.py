"""Columns of the model and the instance data compiled to arrays, with numpy.

Column order: every start variable ``start[i, s]`` (initiatives in instance order,
starts ascending), then ``select[i]`` for every initiative, then
``synergy_active[g]`` for every synergy rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from pathway_opt.model.initiative_data import InitiativeData, read_initiatives
from pathway_opt.schema.entities import SynergyRule
from pathway_opt.schema.instance import Instance


@dataclass(frozen=True)
class Profiles:
    """Cost or use profiles as a dense array ``amount[initiative, owner, k]``."""

    owners: list[str]
    amount: np.ndarray
    """Shape (initiatives, owners, horizon): entry k falls k periods after start."""


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

    @cached_property
    def id_array(self) -> np.ndarray:
        """The ids as an object array (to pick many at once)."""
        return np.array(self.ids, dtype=object)

    @property
    def n_start(self) -> int:
        """Number of start columns."""
        return len(self.start_ini)

    @property
    def n(self) -> int:
        """Number of columns."""
        return self.n_start + len(self.ids) + len(self.synergies)

    def select_col(self, position: int | np.ndarray) -> int | np.ndarray:
        """Column of ``select`` for an initiative position (or an array of them)."""
        return self.n_start + position

    def synergy_col(self, k: int) -> int:
        """Column of ``synergy_active`` for the k-th synergy rule."""
        return self.n_start + len(self.ids) + k

    def start_keys(self) -> list[tuple[str, int]]:
        """(initiative id, start index) of every start column."""
        ids = self.ids
        return [
            (ids[i], int(s))
            for i, s in zip(
                self.start_ini.tolist(), self.start_period.tolist(), strict=True
            )
        ]

    def starts_of(self) -> list[np.ndarray]:
        """Per initiative position: its start columns, in ascending start order."""
        bounds = np.searchsorted(self.start_ini, np.arange(len(self.ids) + 1))
        return [np.arange(bounds[k], bounds[k + 1]) for k in range(len(self.ids))]


def cost_profiles(inst: Instance) -> Profiles:
    """Cost per budget as a dense array (a bare list is the only budget's)."""
    owners = inst.budget_ids()
    position = {b: k for k, b in enumerate(owners)}
    amount = np.zeros((len(inst.initiatives), len(owners), len(inst.periods)))
    horizon = len(inst.periods)
    for i, ini in enumerate(inst.initiatives):
        for bud, profile in ini.cost_by_budget(owners).items():
            entries = profile[:horizon]
            amount[i, position[bud], : len(entries)] = entries
    return Profiles(owners=owners, amount=amount)


def use_profiles(inst: Instance) -> Profiles:
    """Use per resource as a dense array."""
    owners = [r.id for r in inst.resources]
    position = {r: k for k, r in enumerate(owners)}
    amount = np.zeros((len(inst.initiatives), len(owners), len(inst.periods)))
    horizon = len(inst.periods)
    for i, ini in enumerate(inst.initiatives):
        for res, profile in ini.uses.items():
            entries = profile[:horizon]
            amount[i, position[res], : len(entries)] = entries
    return Profiles(owners=owners, amount=amount)


def compile_columns(inst: Instance, data: InitiativeData | None = None) -> Columns:
    """Columns, with start columns only where a start is possible.

    A start is possible inside the window and, unless ``allow_beyond_horizon``,
    when every non-zero profile entry falls inside the horizon. Decisions are not
    structure: they become bounds of ``select``. ``data``: the instance's
    initiative data, if already read.
    """
    horizon = len(inst.periods)
    data = data or read_initiatives(inst)
    s = np.arange(horizon)[None, :]
    possible = (s >= data.first[:, None]) & (s <= data.last[:, None])
    if not inst.settings.allow_beyond_horizon:
        last_entry = np.array([i.last_entry for i in inst.initiatives])
        possible &= s + last_entry[:, None] < horizon
    start_ini, start_period = np.nonzero(possible)
    synergies = [k for k, r in enumerate(inst.rules) if isinstance(r, SynergyRule)]
    return Columns(
        ids=[i.id for i in inst.initiatives],
        start_ini=start_ini,
        start_period=start_period,
        synergies=synergies,
    )
