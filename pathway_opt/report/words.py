"""Figures in words for a committee: money, scores, shares, and how good a plan is."""

from __future__ import annotations

import math
from typing import Any

from pathway_opt.outputs import sources
from pathway_opt.plan import Plan, Status

#: A relative shortfall below this counts as none (the verifier's tolerance scale).
_ZERO = 1e-6


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def money(value: Any, currency: str = "") -> str:
    """``1,250,000 CNY``; cents only below 1,000 when it has them; ``-`` for none."""
    number = _finite(value)
    if number is None:
        return "-"
    whole = abs(number - round(number)) < 0.005 or abs(number) >= 1000
    text = f"{number:,.0f}" if whole else f"{number:,.2f}"
    return f"{text} {currency}".strip()


def amount(value: Any, unit: str = "") -> str:
    """A quantity of a resource: whole numbers plain, else up to 2 decimals."""
    number = _finite(value)
    if number is None:
        return "-"
    text = f"{number:,.0f}" if abs(number - round(number)) < 0.005 else f"{number:,.2f}"
    return f"{text} {unit}".strip()


def score(value: Any) -> str:
    """An expected score with 2 decimals (``70.50``); ``-`` for none."""
    number = _finite(value)
    return "-" if number is None else f"{number:,.2f}"


def signed(value: Any) -> str:
    """A change of score with its sign (``+1.25``, ``-0.40``; ``0.00`` for none)."""
    number = _finite(value)
    if number is None:
        return "-"
    return "0.00" if abs(number) < 0.005 else f"{number:+,.2f}"


def percent(value: Any) -> str:
    """A share as a percentage: ``94 %``, ``99.6 %``, ``0.04 %``."""
    number = _finite(value)
    if number is None:
        return "-"
    shown = number * 100
    if shown == 0 or abs(shown) >= 10:
        return (
            f"{shown:.0f} %" if abs(shown - round(shown)) < 0.05 else f"{shown:.1f} %"
        )
    if abs(shown) >= 0.1:
        return f"{shown:.1f} %"
    return f"{shown:.2g} %"


def shortfall(plan: Plan) -> float | None:
    """How far the plan may be below the best possible, as a share of the bound.

    None when there is no plan or no finite bound.
    """
    objective, bound = _finite(plan.objective), _finite(plan.bound)
    if not plan.has_plan or objective is None or bound is None:
        return None
    if bound - objective <= _ZERO * max(1.0, abs(bound)):
        return 0.0
    return (bound - objective) / abs(bound) if bound else None


def quality(plan: Plan) -> str:
    """How good the plan is, in words.

    ``proven optimal``, ``at most 0.4 % below the best possible``, or why there
    is no plan.
    """
    if plan.status == Status.INFEASIBLE:
        return "no plan meets every rule (infeasible)"
    if plan.status == Status.NO_SOLUTION:
        return "no plan was found within the time or node limit"
    if plan.status == Status.ERROR:
        return "no plan to report: the solver failed or its plan failed the check"
    below = shortfall(plan)
    if plan.status == Status.OPTIMAL and below == 0.0:
        return "proven optimal"
    if below is None:
        return "a plan that meets every rule; how far from the best is not known"
    if below == 0.0:
        return "as good as the best possible (proven by the bound)"
    words = f"at most {percent(below)} below the best possible"
    if plan.status == Status.OPTIMAL:
        return f"{words} (within the gap the run allowed)"
    if plan.bound_source in ("lp", "lagrangian"):
        # the heuristic's bound: valid, but no search that could prove optimality
        source = sources.BOUND_FROM[plan.bound_source]
        return f"{words} (bound from {source}; no proof of optimality)"
    return f"{words} (a limit stopped the proof)"
