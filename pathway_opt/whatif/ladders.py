"""Contingency ladders: what to fund next if the budget rises, what to cut first.

Both are read off the frontier (:mod:`pathway_opt.whatif.frontier`), so every
step was found by re-solving and respects every rule, window and period: "fund
next" lists the frontier's breakpoints above the budgets as given (λ = 1) in
ascending order, "cut first" those below it in descending order. Each step says
how much money it adds or saves, the score it gains or loses, and which
initiatives it adds, removes (cuts) or moves to another start, relative to the
step before (the first step: relative to the plan at λ = 1).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.whatif.frontier import Frontier, frontier
from pathway_opt.whatif.rows import changes_row

_CHANGES = ["added", "removed", "moved"]

FUND_NEXT_COLUMNS = [
    "step",
    "lambda",
    "total_budget",
    "extra_money",
    "extra_money_total",
    "objective",
    "score_gained",
    "score_gained_total",
    "spent",
    "n_selected",
    *_CHANGES,
]
CUT_FIRST_COLUMNS = [
    "step",
    "lambda",
    "total_budget",
    "money_saved",
    "money_saved_total",
    "objective",
    "score_lost",
    "score_lost_total",
    "spent",
    "n_selected",
    *_CHANGES,
]


def ladders(
    inst: InstanceSource,
    settings: SolveSettings | None = None,
    *,
    computed: Frontier | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The "fund next" and "cut first" ladders around the budgets as given.

    Args:
        inst: the instance (its budgets are λ = 1), or the path of its file.
        settings: solve settings, used when the frontier must be computed; or
            give ``time_limit``, ``threads``, ``mip_gap`` as keywords.
        computed: a frontier of ``inst`` already computed (saves the solves).
        time_limit: seconds each solve may take.
        threads: threads HiGHS may use.
        mip_gap: relative gap at which a plan counts as optimal.

    Returns:
        ``(fund_next, cut_first)``. ``fund_next``: one row per breakpoint above
        λ = 1, ascending: ``step``, ``lambda``, ``total_budget``, ``extra_money``
        (budget money this step needs beyond the previous one),
        ``extra_money_total`` (beyond λ = 1), ``objective``, ``score_gained``,
        ``score_gained_total``, ``spent``, ``n_selected`` and ``added``,
        ``removed``, ``moved`` (``;`` lists of ``id@start``; moved as
        ``id@old->new``). ``cut_first``: one row per breakpoint below λ = 1,
        descending, with ``money_saved``, ``money_saved_total``, ``score_lost``
        and ``score_lost_total`` instead; its ``removed`` is what is cut. A
        first cut step that loses no score is money the budgets hold beyond
        what the best plan needs.
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    if computed is not None and not isinstance(computed, Frontier):
        raise InputError(
            [
                Problem(
                    "computed",
                    "must be a Frontier (what frontier(inst) returns), got "
                    f"{type(computed).__name__}",
                )
            ]
        )
    front = computed if computed is not None else frontier(as_instance(inst), settings)
    points = front.points
    base = front.base
    has_base = base.has_plan
    reference = {
        "lambda": 1.0,
        "total_budget": front.total_at_one,
        "objective": base.objective if has_base else math.nan,
        "plan": dict(base.starts) if has_base else {},
    }
    above = [k for k in range(len(points)) if points["lambda"].iloc[k] > 1.0]
    below = [k for k in range(len(points)) if points["lambda"].iloc[k] < 1.0]
    fund = _steps(front, above, reference, sign=1.0)
    cut = _steps(front, list(reversed(below)), reference, sign=-1.0)
    fund_frame = pd.DataFrame(fund, columns=FUND_NEXT_COLUMNS)
    cut_frame = pd.DataFrame([_as_cut(row) for row in cut], columns=CUT_FIRST_COLUMNS)
    return fund_frame, cut_frame


def _steps(
    front: Frontier, order: list[int], reference: dict[str, Any], sign: float
) -> list[dict[str, Any]]:
    """Rows from the reference along the given points; money and score signed.

    ``sign`` is 1 going up (money and score gained), -1 going down (saved, lost).
    """
    rows = []
    previous = reference
    for step, k in enumerate(order, 1):
        point = front.points.iloc[k]
        plan = front.plans[k]
        objective = float(point["objective"])
        rows.append(
            {
                "step": step,
                "lambda": float(point["lambda"]),
                "total_budget": float(point["total_budget"]),
                "extra_money": sign
                * (float(point["total_budget"]) - previous["total_budget"]),
                "extra_money_total": sign
                * (float(point["total_budget"]) - reference["total_budget"]),
                "objective": objective,
                "score_gained": _clean(sign * (objective - previous["objective"])),
                "score_gained_total": _clean(
                    sign * (objective - reference["objective"])
                ),
                "spent": float(point["spent"]),
                "n_selected": int(point["n_selected"]),
                **changes_row(previous["plan"], plan),
            }
        )
        previous = {
            "total_budget": float(point["total_budget"]),
            "objective": objective,
            "plan": plan,
        }
    return rows


def _clean(value: float) -> float:
    """Round float noise (a score change of -1e-15) to 0."""
    return 0.0 if abs(value) < 1e-9 else value


def _as_cut(row: dict[str, Any]) -> dict[str, Any]:
    renamed = {
        "extra_money": "money_saved",
        "extra_money_total": "money_saved_total",
        "score_gained": "score_lost",
        "score_gained_total": "score_lost_total",
    }
    return {renamed.get(k, k): v for k, v in row.items()}
