"""Sampling the uncertain values: Latin hypercube, then triangular distributions.

Every range of the instance (a criterion's ``weight_range``; an initiative's
``uncertainty``: ``scores``, ``success_probability``, ``cost_factor``) is one
dimension. :func:`draw` takes a Latin hypercube sample of the unit cube
(``scipy.stats.qmc.LatinHypercube``, seeded), one stratum per sample in every
dimension, and maps each dimension through the inverse CDF of its triangular
distribution (low, the given value as mode, high; mode 1 for ``cost_factor``).
The dimensions are independent. :func:`sampled_instance` turns one row of the
sample into the instance it describes, so that plans are verified against the
very data they were solved for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import qmc, triang

from pathway_opt.errors import InputError, Problem
from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance

#: Most samples one analysis may draw.
MAX_SAMPLES = 100_000

Kind = Literal["weight", "score", "success_probability", "cost_factor"]


@dataclass(frozen=True)
class Parameter:
    """One uncertain value: where it sits and its triangular distribution."""

    kind: Kind
    owner: int
    """Position of the criterion (``weight``) or of the initiative (the others)."""
    criterion: int
    """Position of the criterion of a ``score`` (-1 for the other kinds)."""
    low: float
    mode: float
    high: float
    label: str
    """E.g. ``weight TC``, ``JL-CS-01 score TC``, ``JL-CS-01 cost_factor``."""


def uncertain_parameters(inst: Instance) -> tuple[Parameter, ...]:
    """Every range of the instance, criteria first, then initiatives in order."""
    criteria = [c.id for c in inst.criteria]
    weights = inst.weights  # ranges come with given weights (schema.ranges)
    params = [
        Parameter("weight", k, -1, low, weights[c.id], high, f"weight {c.id}")
        for k, c in enumerate(inst.criteria)
        if c.weight_range is not None
        for low, high in [c.weight_range]
    ]
    for k, ini in enumerate(inst.initiatives):
        spread = ini.uncertainty
        if spread is None:
            continue
        for crit, (low, high) in spread.scores.items():
            given = ini.scores.get(crit, 0.0)
            params.append(
                Parameter(
                    "score",
                    k,
                    criteria.index(crit),
                    low,
                    given,
                    high,
                    f"{ini.id} score {crit}",
                )
            )
        if spread.success_probability is not None:
            low, high = spread.success_probability
            params.append(
                Parameter(
                    "success_probability",
                    k,
                    -1,
                    low,
                    ini.success_probability,
                    high,
                    f"{ini.id} success_probability",
                )
            )
        if spread.cost_factor is not None:
            low, high = spread.cost_factor
            params.append(
                Parameter("cost_factor", k, -1, low, 1.0, high, f"{ini.id} cost_factor")
            )
    return tuple(params)


def check_samples(samples: object, seed: object) -> tuple[int, int]:
    """The sample count and seed as whole numbers.

    Raises:
        InputError: naming ``samples`` or ``seed`` and what they may be.
    """
    problems = []
    if (
        not isinstance(samples, int | np.integer)
        or isinstance(samples, bool)
        or not 1 <= samples <= MAX_SAMPLES
    ):
        problems.append(
            Problem(
                "samples",
                f"must be a whole number from 1 to {MAX_SAMPLES:,}, got {samples!r}",
            )
        )
    if (
        not isinstance(seed, int | np.integer)
        or isinstance(seed, bool)
        or not 0 <= seed < 2**63
    ):
        problems.append(Problem("seed", f"must be a whole number >= 0, got {seed!r}"))
    if problems:
        raise InputError(problems)
    return int(samples), int(seed)  # type: ignore[call-overload]


def _unit_cube(dimensions: int, samples: int, seed: int) -> np.ndarray:
    """A Latin hypercube sample of ``[0, 1)^dimensions``, seeded."""
    generator = np.random.default_rng(seed)
    try:
        sampler = qmc.LatinHypercube(d=dimensions, rng=generator)
    except TypeError:  # SciPy before 1.15 names it seed (same stream for a Generator)
        sampler = qmc.LatinHypercube(d=dimensions, seed=generator)
    return np.asarray(sampler.random(samples))


def draw(params: Sequence[Parameter], samples: int, seed: int) -> np.ndarray:
    """Values of every parameter in every sample: shape (samples, parameters)."""
    if not params:
        return np.zeros((samples, 0))
    unit = _unit_cube(len(params), samples, seed)
    values = np.empty_like(unit)
    for k, p in enumerate(params):
        width = p.high - p.low
        if width <= 0:
            values[:, k] = p.mode
            continue
        shape = (p.mode - p.low) / width
        values[:, k] = triang.ppf(unit[:, k], shape, loc=p.low, scale=width)
    # inverse-CDF rounding must not leave the range (a probability above 1)
    lows = np.array([p.low for p in params])
    highs = np.array([p.high for p in params])
    return np.clip(values, lows, highs)


def _scaled(cost: list[float] | dict[str, list[float]], factor: float) -> object:
    if isinstance(cost, dict):
        return {b: [v * factor for v in profile] for b, profile in cost.items()}
    return [v * factor for v in cost]


def sampled_instance(
    inst: Instance,
    params: Sequence[Parameter],
    values: Sequence[float] | np.ndarray,
    *,
    costs: bool = True,
) -> Instance:
    """The instance with one sample's values (the costs left as given unless ``costs``).

    The result is not validated again: every value lies within its checked range.
    """
    if not params:
        return inst
    weights: dict[int, float] = {}
    changes: dict[int, dict[str, object]] = {}
    criteria = [c.id for c in inst.criteria]
    for p, value in zip(params, values, strict=True):
        value = float(value)
        if p.kind == "weight":
            weights[p.owner] = value
            continue
        update = changes.setdefault(p.owner, {})
        ini = inst.initiatives[p.owner]
        if p.kind == "score":
            scores = update.setdefault("scores", dict(ini.scores))
            assert isinstance(scores, dict)
            scores[criteria[p.criterion]] = value
        elif p.kind == "success_probability":
            update["success_probability"] = value
        elif costs:
            update["cost"] = _scaled(ini.cost, value)
    fields: dict[str, object] = {}
    if weights:
        fields["criteria"] = [
            c.model_copy(update={"weight": weights[k]}) if k in weights else c
            for k, c in enumerate(inst.criteria)
        ]
    if changes:
        items: list[Initiative] = list(inst.initiatives)
        for k, update in changes.items():
            if update:
                items[k] = items[k].model_copy(update=update)
        fields["initiatives"] = items
    return inst.model_copy(update=fields) if fields else inst
