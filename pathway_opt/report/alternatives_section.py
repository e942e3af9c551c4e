"""Optional section: the alternative plans side by side.

Drawn from :func:`pathway_opt.whatif.alternatives.alternatives` computed in the
same run or read back from its JSON: every initiative some plan funds by every
plan, with its start period, what an alternative adds to or drops from the
optimum (or starts elsewhere) marked, and each plan's score and loss.
"""

from __future__ import annotations

from typing import Any

from pathway_opt.errors import InputError, Problem
from pathway_opt.outputs.alternatives_tables import loss_of, plan_label
from pathway_opt.plan import Plan
from pathway_opt.report import words
from pathway_opt.report.section import Section
from pathway_opt.whatif.alternatives import Alternatives, percent


def _check(plan: Plan, part: Alternatives) -> None:
    if not isinstance(part, Alternatives):
        raise InputError(
            [
                Problem(
                    "alternatives",
                    "must be an Alternatives (what alternatives(inst) returns), "
                    f"got {type(part).__name__}",
                )
            ]
        )
    if part.instance != plan.instance:
        raise InputError(
            [
                Problem(
                    "alternatives",
                    "are the alternatives of another instance; compute them with "
                    "alternatives(plan.instance)",
                )
            ]
        )


def _cell(optimum: Plan, other: Plan, ini: str, rank: int) -> dict[str, str]:
    start = other.starts.get(ini, "")
    if rank == 0:
        return {"text": start or "-", "change": ""}
    base = optimum.starts.get(ini, "")
    if start and not base:
        return {"text": start, "change": "adds"}
    if base and not start:
        return {"text": "-", "change": "drops"}
    if start != base:
        return {"text": start, "change": "moves"}
    return {"text": start or "-", "change": ""}


def _grid(part: Alternatives) -> list[dict[str, Any]]:
    every = [part.optimum, *part.plans]
    rows = []
    for ini in part.instance.initiatives:
        if not any(ini.id in p.starts for p in every):
            continue
        cells = [_cell(part.optimum, p, ini.id, k) for k, p in enumerate(every)]
        rows.append(
            {
                "id": ini.id,
                "name": "" if ini.name == ini.id else ini.name,
                "cells": cells,
                "differs": any(c["change"] for c in cells),
            }
        )
    return rows


def _why_fewer(part: Alternatives) -> str:
    found = len(part.plans)
    if found >= part.count:
        return ""
    return f"Fewer than asked: {found} of {part.count} found" + (
        ": " + "; ".join(part.messages) if part.messages else "."
    )


def alternatives_section(plan: Plan, part: Alternatives) -> Section:
    """Every plan side by side, the changes marked; score and loss per plan."""
    _check(plan, part)
    every = [part.optimum, *part.plans]
    columns = []
    for k, p in enumerate(every):
        loss, share = loss_of(part.optimum, p)
        columns.append(
            {
                "label": plan_label(k),
                "score": words.score(p.objective),
                "loss": "-" if k == 0 else words.score(loss),
                "share": "" if k == 0 else words.percent(share),
                "status": p.status.value,
            }
        )
    has_optimum = part.optimum.has_plan
    data = {
        "asked": part.count,
        "found": len(part.plans),
        "within": percent(part.within),
        "apart": part.min_difference,
        "threshold": words.score(part.threshold),
        "has_optimum": has_optimum,
        "columns": columns if has_optimum else [],
        "rows": _grid(part) if has_optimum else [],
        "why_fewer": _why_fewer(part),
        "messages": [] if len(part.plans) < part.count else list(part.messages),
        "other_plan": has_optimum and part.optimum.starts != plan.starts,
    }
    return Section("alternatives", "Alternative plans", "alternatives.html.j2", data)
