"""The criteria weights of an instance: given, or derived from pairwise judgements.

They are resolved here, in the schema stage, and read as plain numbers through
:attr:`pathway_opt.schema.instance.Instance.weights` by the model, the verifier
and every report, so all of them use the same weights. With
`criteria_comparisons` the weights are derived (:mod:`.ahp`) and any `weight`
given is ignored (with a warning); without, each criterion's `weight` is
required. Problems of the judgements (unknown or repeated pairs, ratios off
Saaty's scale, criteria left unconnected, a consistency ratio above 0.10) are
reported by :func:`weight_problems`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pathway_opt.errors import Problem
from pathway_opt.schema.ahp import (
    CR_LIMIT,
    MAX_RATIO,
    Judgement,
    Method,
    components,
    priorities,
)
from pathway_opt.schema.entities import Comparison, Criterion

if TYPE_CHECKING:
    from pathway_opt.schema.instance import Instance

#: How far below 1/9 a ratio may be and still count as 1/9 (`0.111`).
_RATIO_SLACK = 1e-3

#: Judgements named in an inconsistency message or warning.
SHOWN_JUDGEMENTS = 3


@dataclass(frozen=True)
class JudgementFit:
    """One judgement beside the ratio the derived weights imply for its pair."""

    position: int
    """Its index in `criteria_comparisons`."""
    more: str
    less: str
    ratio: float
    """As given."""
    implied: float
    """``w_more / w_less``: the ratio that would agree with the weights."""
    error: float
    """``|log(ratio / implied)|``: its share of the inconsistency."""


@dataclass(frozen=True)
class CriteriaWeights:
    """The weights used for an instance's criteria and where they come from."""

    weights: dict[str, float]
    """Criterion id -> weight, in the order of `criteria`."""
    method: Method
    """`given`, `eigenvector` (every pair judged) or `geometric_mean` (LLSM)."""
    fits: tuple[JudgementFit, ...] = ()
    """Every judgement, in the order given."""
    pairs: int = 0
    """Pairs of criteria there are: n (n - 1) / 2."""
    lambda_max: float | None = None
    ci: float | None = None
    cr: float | None = None
    random_index: float | None = None

    @property
    def derived(self) -> bool:
        """Whether the weights come from pairwise judgements."""
        return self.method != "given"

    @property
    def consistent(self) -> bool:
        """Whether the consistency ratio is at most 0.10 (given weights: True)."""
        return self.cr is None or self.cr <= CR_LIMIT

    def most_inconsistent(self, count: int = SHOWN_JUDGEMENTS) -> list[JudgementFit]:
        """The judgements furthest from the ratios the weights imply, worst first."""
        ranked = sorted(self.fits, key=lambda f: (-f.error, f.position))
        return [f for f in ranked[:count] if f.error > 1e-9]

    def describe(self) -> str:
        """One line: `weights from 4 pairwise judgements (eigenvector), CR 0.03`."""
        if not self.derived:
            return "weights as given"
        n = len(self.fits)
        noun = "judgement" if n == 1 else "judgements"
        how = (
            "eigenvector"
            if self.method == "eigenvector"
            else f"geometric mean, {n} of {self.pairs} pairs judged"
        )
        return f"weights from {n} pairwise {noun} ({how}), CR {self.cr or 0.0:.2f}"

    def summary(self) -> str:
        """:meth:`describe` and the weights: `..., CR 0.03: TC 0.637, EE 0.363`."""
        shown = ", ".join(f"{c} {w:.3g}" for c, w in self.weights.items())
        return f"{self.describe()}: {shown}"

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON's ``weights_source``: method, judgements, lambda_max, CR."""
        return {
            "method": self.method,
            "judgements": len(self.fits),
            "pairs": self.pairs,
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "random_index": self.random_index,
            "consistent": self.consistent,
        }


def resolve_weights(
    criteria: Sequence[Criterion], comparisons: Sequence[Comparison]
) -> CriteriaWeights:
    """The weights of valid criteria and judgements (see :func:`weight_problems`)."""
    ids = [c.id for c in criteria]
    if not comparisons:
        return CriteriaWeights(
            weights={c.id: float(c.weight or 0.0) for c in criteria}, method="given"
        )
    index = {c: k for k, c in enumerate(ids)}
    judgements = [
        Judgement(index[c.more], index[c.less], float(c.ratio)) for c in comparisons
    ]
    found = priorities(len(ids), judgements)
    w = found.weights
    fits = tuple(
        JudgementFit(
            position=k,
            more=c.more,
            less=c.less,
            ratio=c.ratio,
            implied=w[j.more] / w[j.less],
            error=found.errors[k],
        )
        for k, (c, j) in enumerate(zip(comparisons, judgements, strict=True))
    )
    return CriteriaWeights(
        weights=dict(zip(ids, w, strict=True)),
        method=found.method,
        fits=fits,
        pairs=len(ids) * (len(ids) - 1) // 2,
        lambda_max=found.lambda_max,
        ci=found.ci,
        cr=found.cr,
        random_index=found.random_index,
    )


# --- problems -----------------------------------------------------------------


def weight_problems(inst: Instance) -> Iterator[Problem]:
    """Missing weights, or what is wrong with the pairwise judgements."""
    if not inst.criteria_comparisons:
        for k, c in enumerate(inst.criteria):
            if c.weight is None:
                yield Problem(
                    f"criteria[{k}].weight",
                    "is required but missing; add it (or derive every weight from "
                    "pairwise judgements: `criteria_comparisons`, in a workbook the "
                    "comparisons sheet)",
                )
        return
    own = list(_judgement_problems(inst))
    yield from own
    ids = [c.id for c in inst.criteria]
    if own or len(set(ids)) != len(ids):
        return  # connectivity and consistency need sound judgements and ids
    groups = _unconnected(inst)
    if groups:
        yield groups
        return
    found = inst.weights_source
    if not found.consistent and not inst.settings.accept_inconsistent_judgements:
        yield Problem(
            "criteria_comparisons",
            f"the judgements are inconsistent: consistency ratio {found.cr:.3f} is "
            f"above {CR_LIMIT:.2f}. {inconsistency_text(found)}; revise those "
            "judgements (the first one first), or set "
            "settings.accept_inconsistent_judgements to true to use these weights",
        )


def _judgement_problems(inst: Instance) -> Iterator[Problem]:
    """Per judgement: unknown or equal criteria, a ratio off the scale, repeats."""
    ids = [c.id for c in inst.criteria]
    known = set(ids)
    seen: dict[frozenset[str], int] = {}
    for k, comp in enumerate(inst.criteria_comparisons):
        at = f"criteria_comparisons[{k}]"
        for side in ("more", "less"):
            value = getattr(comp, side)
            if value not in known:
                yield Problem(f"{at}.{side}", _unknown(value, ids))
        if comp.more == comp.less:
            yield Problem(
                f"{at}.less",
                f'compares "{comp.more}" with itself; name two different criteria',
            )
        if not 1 / MAX_RATIO - _RATIO_SLACK <= comp.ratio <= MAX_RATIO:
            yield Problem(
                f"{at}.ratio",
                f"must be between 1/9 and 9 (Saaty's scale), got {comp.ratio:g}; use "
                "9 for extremely more important (or swap more and less for a "
                "ratio below 1)",
            )
        pair = frozenset((comp.more, comp.less))
        if len(pair) == 2 and pair <= known:
            first = seen.setdefault(pair, k)
            if first != k:
                yield Problem(
                    at,
                    f'compares "{comp.more}" and "{comp.less}" again '
                    f"(criteria_comparisons[{first}] already does); keep one",
                )


def _unknown(value: str, ids: list[str]) -> str:
    """`unknown criterion "talen"; did you mean "talent"? (known: ...)`."""
    folded = {i.casefold(): i for i in ids}
    near = folded.get(value.casefold()) or next(
        iter(difflib.get_close_matches(value, ids, n=1, cutoff=0.6)), None
    )
    hint = f'; did you mean "{near}"?' if near else ""
    return f'unknown criterion "{value}"{hint} (known: {", ".join(ids)})'


def _unconnected(inst: Instance) -> Problem | None:
    """The groups of criteria no judgement links, if there is more than one."""
    ids = [c.id for c in inst.criteria]
    index = {c: k for k, c in enumerate(ids)}
    judgements = [
        Judgement(index[c.more], index[c.less], c.ratio)
        for c in inst.criteria_comparisons
    ]
    groups = components(len(ids), judgements)
    if len(groups) == 1:
        return None
    named = "; ".join("{" + ", ".join(ids[i] for i in g) + "}" for g in groups)
    a, b = ids[groups[0][0]], ids[groups[1][0]]
    return Problem(
        "criteria_comparisons",
        f"the judgements do not connect every criterion, so their weights "
        f"cannot be compared: no chain of judgements links these groups: {named}; "
        f'add judgements between the groups, e.g. one comparing "{a}" and "{b}"',
    )


# --- words --------------------------------------------------------------------


def _ratio(value: float) -> str:
    """`3`, `2.5`, `1/3`: a ratio as people write it on Saaty's scale."""
    return f"{value:.3g}" if value >= 1 else f"1/{1 / value:.3g}"


def inconsistency_text(found: CriteriaWeights) -> str:
    """`Most at odds: criteria_comparisons[2] (research over talent 2, ...)`.

    Each judgement named is followed by the ratio that would agree with the
    weights, ``w_more / w_less``.
    """
    parts = []
    for fit in found.most_inconsistent():
        consistent = _ratio(fit.implied)
        if fit.implied < 1:
            consistent += f", i.e. {fit.less} over {fit.more} {1 / fit.implied:.3g}"
        parts.append(
            f"criteria_comparisons[{fit.position}] ({fit.more} over {fit.less} "
            f"{_ratio(fit.ratio)}; a consistent ratio would be {consistent})"
        )
    return "Most at odds with the others: " + "; ".join(parts)


def weight_warnings(inst: Instance) -> Iterator[str]:
    """Given weights that judgements override; inconsistency accepted by setting."""
    if not inst.criteria_comparisons:
        return
    given = [c.id for c in inst.criteria if c.weight is not None]
    found = inst.weights_source
    if given:
        method = found.method.replace("_", " ")
        yield (
            f"criteria: the weights given for {', '.join(given)} are ignored: "
            f"criteria_comparisons derive every weight ({method}); remove the "
            "weights to silence this warning"
        )
    if not found.consistent:
        yield (
            f"criteria_comparisons: consistency ratio {found.cr:.3f} is above "
            f"{CR_LIMIT:.2f}, used anyway because "
            f"settings.accept_inconsistent_judgements is true. "
            f"{inconsistency_text(found)}"
        )
