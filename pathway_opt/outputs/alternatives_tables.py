"""The tables of an alternatives search, from its plans alone.

Shared by the result's notebook view, the terminal summary, the workbook and the
CSV files (:mod:`pathway_opt.whatif.alternatives`,
:mod:`pathway_opt.whatif.alternatives_files`). Every figure is a verified plan's:
scores from the verifier, selections from the plans' start periods.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd

from pathway_opt.outputs.funding_tables import variant_changes
from pathway_opt.plan import Plan, changes_between

#: Columns of :func:`changes_table`: one row per alternative.
CHANGES_COLUMNS = [
    "alternative", "status", "score", "loss", "loss_share", "differs", "adds",
    "drops", "moved", "variant_changes", "gap", "verified",
]  # fmt: skip
#: The rows below the initiatives in :func:`side_by_side`.
SCORE_ROWS = ("score", "loss")
#: The Alternatives sheet's start-period cell of an initiative a plan does not fund.
NOT_FUNDED = ""


def plan_label(rank: int) -> str:
    """``optimum`` for rank 0, ``alternative k`` otherwise."""
    return "optimum" if rank == 0 else f"alternative {rank}"


def selection_difference(one: Plan, other: Plan) -> int:
    """How many initiatives one plan funds and the other does not (either way)."""
    return len(set(one.starts) ^ set(other.starts))


def loss_of(optimum: Plan, plan: Plan) -> tuple[float, float]:
    """Score lost against the optimum, and as a share of the optimum's size.

    The share is NaN when the optimum scores 0 (no fraction of it is defined).
    """
    best = optimum.objective or 0.0
    loss = best - (plan.objective or 0.0)
    return loss, loss / abs(best) if best != 0 else math.nan


def changes_table(optimum: Plan, plans: Sequence[Plan]) -> pd.DataFrame:
    """Per alternative: status, score, loss, what it adds, drops and moves.

    ``adds`` / ``drops`` / ``moved`` list initiative ids (``; ``-separated, by
    id) funded only in the alternative / only in the optimum / in both but
    started in another period or run as another variant; ``variant_changes``
    spells out the latter (``B: variant lite -> base``); ``differs`` counts
    adds and drops (the distance the search bounds; moves do not count).
    ``loss_share`` is the loss as a share of the optimum's score (NaN when the
    optimum scores 0).
    """
    rows = []
    for rank, plan in enumerate(plans, start=1):
        change = changes_between(
            optimum.starts, plan.starts, optimum.variants, plan.variants
        )
        loss, share = loss_of(optimum, plan)
        rows.append(
            {
                "alternative": rank,
                "status": plan.status.value,
                "score": plan.objective,
                "loss": loss,
                "loss_share": share,
                "differs": selection_difference(optimum, plan),
                "adds": "; ".join(change.added),
                "drops": "; ".join(change.removed),
                "moved": "; ".join(change.moved),
                "variant_changes": "; ".join(variant_changes(optimum, plan)),
                "gap": plan.gap,
                "verified": plan.verified,
            }
        )
    return pd.DataFrame(rows, columns=CHANGES_COLUMNS)


def side_by_side(
    optimum: Plan, plans: Sequence[Plan], differing_only: bool = False
) -> pd.DataFrame:
    """Initiative rows by plan columns: the start period where a plan funds it.

    Columns ``id``, ``name``, then ``optimum``, ``alternative 1``, ...; rows the
    initiatives some plan funds (instance order; with ``differing_only`` only
    those not funded alike, same start and version, by every plan), each cell
    the start period (``2027 (lite)`` for a variant) or empty, then a ``score``
    row and a ``loss`` row (against the optimum).
    """
    every = [optimum, *plans]
    labels = [plan_label(k) for k in range(len(every))]
    rows: list[dict[str, Any]] = []
    for ini in optimum.instance.initiatives:
        starts = [_cell(p, ini.id) for p in every]
        if not any(starts) or (differing_only and len(set(starts)) == 1):
            continue
        rows.append(
            {"id": ini.id, "name": ini.name, **dict(zip(labels, starts, strict=True))}
        )
    scores: list[float | None] = [p.objective for p in every]
    losses: list[float | None] = [loss_of(optimum, p)[0] for p in every]
    for name, figures in zip(SCORE_ROWS, (scores, losses), strict=True):
        rows.append({"id": name, "name": "", **dict(zip(labels, figures, strict=True))})
    return pd.DataFrame(rows, columns=["id", "name", *labels]).astype(object)


def _cell(plan: Plan, ini_id: str) -> str:
    """The start period where the plan funds it, with its variant, else empty."""
    start = plan.starts.get(ini_id, NOT_FUNDED)
    variant = plan.variants.get(ini_id)
    return f"{start} ({variant})" if start and variant else start


def plans_long(optimum: Plan, plans: Sequence[Plan]) -> pd.DataFrame:
    """Every plan's funded initiatives, one row each: plan, id, name, start, ...

    ... variant (empty: the base version), value and cost (of the version run).
    """
    fields = ["id", "name", "start", "variant", "expected_value", "total_cost"]
    frames = []
    for rank, plan in enumerate([optimum, *plans]):
        table = plan.selected_table()[fields]
        frames.append(table.assign(plan=plan_label(rank), rank=rank))
    columns = ["rank", "plan", *fields]
    if not frames:
        return pd.DataFrame([], columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]
