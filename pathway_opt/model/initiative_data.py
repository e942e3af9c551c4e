"""Per-version data of the objective and the column bounds, as arrays.

Rows are versions (:func:`versions_of`): every initiative as given, in instance
order, then every variant's version; an instance without variants has one row
per initiative.


Reading ten thousand initiatives' scores, windows and decisions in Python costs
more than the rest of a what-if re-solve, so :func:`read_initiatives` rereads only
the initiatives an edit replaced (see :mod:`pathway_opt.schema.identity`) and keeps the
arrays of the others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.identity import changed_positions
from pathway_opt.schema.instance import Instance


class Labels(NamedTuple):
    """The labels initiative rows are read against, in order."""

    periods: tuple[str, ...]
    criteria: tuple[str, ...]
    """Criterion ids: the score columns."""


@dataclass(frozen=True)
class InitiativeData:
    """One row per version (the first ones: the initiatives, in instance order)."""

    objects: tuple[Initiative, ...]
    """The versions read; the rows hold while these same objects are used."""
    labels: Labels
    """The labels the rows were read against."""
    scores: np.ndarray
    """Scores, one column per criterion (in the instance's criteria order)."""
    probability: np.ndarray
    first: np.ndarray
    """First period index of the start window."""
    last: np.ndarray
    """Last period index of the start window."""
    must: np.ndarray
    never: np.ndarray


Version = tuple[int, str | None, Initiative]
"""(initiative position, variant id or None, the initiative as that version runs)."""


def versions_of(inst: Instance) -> list[Version]:
    """Every version: the base ones in instance order, then the variants'.

    Kept on the instance while its initiatives are the same list (an edit that
    replaces the list gets its versions anew).
    """
    memo = inst.__dict__.get("_versions_memo")
    if memo is not None and memo[0] is inst.initiatives:
        found: list[Version] = memo[1]
        return found
    found = [(k, None, ini) for k, ini in enumerate(inst.initiatives)]
    found += [
        (k, variant, version)
        for k, ini in enumerate(inst.initiatives)
        for variant, version in ini.versions[1:]
    ]
    inst.__dict__["_versions_memo"] = (inst.initiatives, found)
    return found


def read_initiatives(
    inst: Instance, previous: InitiativeData | None = None
) -> InitiativeData:
    """The instance's version data, rereading only rows ``previous`` lacks."""
    objects = tuple(ini for _, _, ini in versions_of(inst))
    labels = Labels(
        periods=tuple(inst.periods), criteria=tuple(c.id for c in inst.criteria)
    )
    if previous is not None and previous.labels == labels:
        changed = changed_positions(objects, previous.objects)
        if changed == []:
            return previous
        if changed is not None and len(changed) <= len(objects) // 4:
            return _reread(previous, objects, changed)
    n = len(objects)
    data = InitiativeData(
        objects=objects,
        labels=labels,
        scores=np.zeros((n, len(labels.criteria))),
        probability=np.zeros(n),
        first=np.zeros(n, dtype=np.int64),
        last=np.zeros(n, dtype=np.int64),
        must=np.zeros(n, dtype=bool),
        never=np.zeros(n, dtype=bool),
    )
    _read_rows(data, range(n))
    return data


def _reread(
    previous: InitiativeData, objects: tuple[Initiative, ...], changed: list[int]
) -> InitiativeData:
    data = replace(
        previous,
        objects=objects,
        scores=previous.scores.copy(),
        probability=previous.probability.copy(),
        first=previous.first.copy(),
        last=previous.last.copy(),
        must=previous.must.copy(),
        never=previous.never.copy(),
    )
    _read_rows(data, changed)
    return data


def _read_rows(data: InitiativeData, rows: range | list[int]) -> None:
    periods = data.labels.periods
    period = {p: t for t, p in enumerate(periods)}
    criterion = {c: k for k, c in enumerate(data.labels.criteria)}
    for k in rows:
        ini = data.objects[k]
        data.scores[k] = 0.0
        for c, value in ini.scores.items():
            data.scores[k, criterion[c]] = value
        data.probability[k] = ini.success_probability
        data.first[k] = period[ini.earliest_start] if ini.earliest_start else 0
        data.last[k] = (
            period[ini.latest_start] if ini.latest_start else len(periods) - 1
        )
        data.must[k] = ini.decision == "must"
        data.never[k] = ini.decision == "never"
