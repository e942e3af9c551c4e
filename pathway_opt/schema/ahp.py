"""Weights from pairwise judgements (AHP): the arithmetic, with no instance in sight.

A judgement ``(i, j, a)`` says criterion ``i`` is ``a`` times as important as
criterion ``j`` (Saaty's 1-9 scale); the reciprocal ``1/a`` of the reverse pair
is implied. With every pair judged, the weights are the principal (Perron)
eigenvector of the comparison matrix, normalised to sum 1 (Saaty 1980). With
pairs missing, they are the logarithmic least squares weights (LLSM, the
geometric-mean method): ``log w`` minimises the squared errors
``(log a_ij - log w_i + log w_j)^2`` over the given judgements; it has one
solution exactly when the judgements connect every criterion (Bozóki, Fülöp and
Rónyai, Mathematical and Computer Modelling 52 (2010) 318-333), and on a complete
matrix it is the row geometric mean. Missing entries are then completed with
``w_i / w_j``, the consistent choice, before the consistency is measured.

Consistency: ``lambda_max`` is the matrix's principal eigenvalue,
``CI = (lambda_max - n) / (n - 1)`` and ``CR = CI / RI(n)`` with Saaty's random
index ``RI``; ``CR <= 0.10`` is acceptable. A judgement's share of the
inconsistency is ``|log(a_ij w_j / w_i)|``, how far it is from the ratio
``w_i / w_j`` the weights imply.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

#: Saaty's random consistency index RI(n) for n = 1..15: the mean CI of random
#: reciprocal matrices on the 1-9 scale (T. L. Saaty, The Analytic Hierarchy
#: Process, McGraw-Hill 1980; the table most AHP texts repeat).
RANDOM_INDEX: tuple[float, ...] = (
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
    1.51, 1.48, 1.56, 1.57, 1.59,
)  # fmt: skip

#: Largest consistency ratio accepted (Saaty's 10 % rule).
CR_LIMIT = 0.10

#: Saaty's scale: a judgement's ratio lies in [1/9, 9].
MAX_RATIO = 9.0

#: How the weights were obtained: from the given weights, the principal
#: eigenvector (every pair judged) or the geometric-mean (LLSM) method.
Method = Literal["given", "eigenvector", "geometric_mean"]


def random_index(n: int) -> float:
    """Saaty's RI for `n` criteria; beyond 15 the n = 15 value (RI levels off)."""
    return RANDOM_INDEX[min(max(n, 1), len(RANDOM_INDEX)) - 1]


@dataclass(frozen=True)
class Judgement:
    """Criterion `more` is `ratio` times as important as criterion `less`."""

    more: int
    less: int
    ratio: float


@dataclass(frozen=True)
class Priorities:
    """Weights from judgements and how consistent the judgements are."""

    weights: tuple[float, ...]
    """One per criterion, summing to 1."""
    method: Method
    lambda_max: float
    ci: float
    cr: float
    random_index: float
    errors: tuple[float, ...]
    """Per judgement (in the order given): ``|log(a_ij w_j / w_i)|``."""


def components(n: int, judgements: list[Judgement]) -> list[list[int]]:
    """Groups of criteria the judgements connect (each sorted, first-member order)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j in judgements:
        a, b = root(j.more), root(j.less)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def comparison_matrix(n: int, judgements: list[Judgement]) -> np.ndarray:
    """The reciprocal matrix of the judgements: 1 on the diagonal, NaN if missing."""
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    for j in judgements:
        a[j.more, j.less] = j.ratio
        a[j.less, j.more] = 1.0 / j.ratio
    return a


def principal_eigen(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """The Perron eigenvector (sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)  # one sign for a positive matrix
    return vector / vector.sum(), float(values[k].real)


def log_least_squares(n: int, judgements: list[Judgement]) -> np.ndarray:
    """LLSM weights (sum 1) of connected judgements, complete or not."""
    rows = np.zeros((len(judgements) + 1, n))
    rhs = np.zeros(len(judgements) + 1)
    for r, j in enumerate(judgements):
        rows[r, j.more], rows[r, j.less] = 1.0, -1.0
        rhs[r] = math.log(j.ratio)
    rows[-1, :] = 1.0  # fixes the scale: the log weights sum to 0
    logs = np.linalg.lstsq(rows, rhs, rcond=None)[0]
    weights = np.exp(logs - logs.max())
    return weights / weights.sum()


def priorities(n: int, judgements: list[Judgement]) -> Priorities:
    """Weights and consistency of judgements that connect all `n` criteria.

    Every pair judged: the principal eigenvector; some missing: the geometric
    mean (LLSM), the matrix completed with ``w_i / w_j`` for the consistency.
    For ``n <= 2`` the judgements are always consistent and CR is 0.
    """
    matrix = comparison_matrix(n, judgements)
    if np.isnan(matrix).any():
        weights = log_least_squares(n, judgements)
        method: Method = "geometric_mean"
        missing = np.isnan(matrix)
        implied = np.outer(weights, 1.0 / weights)
        matrix[missing] = implied[missing]
        lambda_max = principal_eigen(matrix)[1]
    else:
        weights, lambda_max = principal_eigen(matrix)
        method = "eigenvector"
    lambda_max = max(lambda_max, float(n))  # rounding never makes it smaller
    ri = random_index(n)
    ci = (lambda_max - n) / (n - 1) if n > 1 else 0.0
    cr = ci / ri if n > 2 else 0.0
    errors = tuple(
        abs(math.log(j.ratio * weights[j.less] / weights[j.more])) for j in judgements
    )
    return Priorities(
        weights=tuple(float(w) for w in weights),
        method=method,
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        random_index=ri,
        errors=errors,
    )
