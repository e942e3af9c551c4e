r"""Rows that turn the pathway model into the search for alternative plans.

Neither row is part of the built model: the alternatives search
(:mod:`pathway_opt.whatif.alternatives`) appends them to the HiGHS model already
built and solves again. Both are documented in ``models/pathway.md``
("Alternatives").

- ``distance_row``: a plan differs from an earlier plan with funded set
  :math:`S^*` in at least :math:`D` funded initiatives (symmetric difference of
  the selections, start periods not counted):
  :math:`\sum_{i \in S^*} (1 - y_i) + \sum_{i \notin S^*} y_i \ge D`.
- ``score_cut_row``: the plan scores at least a threshold:
  :math:`\sum_{(i,s)} v_{is} x_{is} + \sum_g b_g z_g \ge T`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

import numpy as np

from pathway_opt.model.form import StandardForm


class ExtraRow(NamedTuple):
    """One row ``lower <= values @ x[cols] <= upper`` to append to a built model."""

    lower: float
    upper: float
    cols: np.ndarray
    values: np.ndarray


def distance_row(
    form: StandardForm, funded: Collection[str], min_difference: int
) -> ExtraRow:
    r"""``distance_row``: differ from a plan in at least ``min_difference`` selections.

    With :math:`S^*` the plan's funded set and :math:`y_i` the ``select`` columns,
    :math:`\sum_{i \in S^*} (1 - y_i) + \sum_{i \notin S^*} y_i \ge D`, i.e.
    :math:`\sum_{i \notin S^*} y_i - \sum_{i \in S^*} y_i \ge D - |S^*|`.
    Every initiative has a ``select`` column (fixed by its decision where it
    must or may never be funded), so the row covers them all.
    """
    cols = form.columns
    inside = np.isin(cols.id_array, np.array(list(funded), dtype=object))
    positions = np.arange(len(cols.ids), dtype=np.int64)
    return ExtraRow(
        lower=float(min_difference - int(inside.sum())),
        upper=np.inf,
        cols=np.asarray(cols.select_col(positions), dtype=np.int64),
        values=np.where(inside, -1.0, 1.0),
    )


def score_cut_row(form: StandardForm, threshold: float) -> ExtraRow | None:
    r"""``score_cut_row``: the objective ``expected_score`` at least ``threshold``.

    :math:`\sum_{(i,s) \in S} v_{is} x_{is} + \sum_{g \in G} b_g z_g \ge T`, over
    the columns with a non-zero objective coefficient. The row is scaled by one
    over the geometric mean of its smallest and largest coefficient, as the
    model's own rows are (:func:`pathway_opt.solver.solver.Solver`), so HiGHS's
    absolute tolerance means the same for scores of any size; scaling changes
    no solution. ``None`` when no column scores anything: every plan then
    scores 0, and the row would read :math:`0 \ge T`.
    """
    cost = form.cost
    cols = np.flatnonzero(cost)
    if len(cols) == 0:
        return None
    values = cost[cols]
    magnitude = np.abs(values)
    largest = float(magnitude.max())
    # coefficients below 1e-12 of the largest are noise (HiGHS drops them)
    scale = 1.0 / float(np.sqrt(largest * max(float(magnitude.min()), 1e-12 * largest)))
    return ExtraRow(
        lower=threshold * scale,
        upper=np.inf,
        cols=cols.astype(np.int64),
        values=values * scale,
    )
