"""The plan JSON: writing a plan and reading a saved one back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from pathway_opt.errors import InputError, Problem
from pathway_opt.files import read_text, write_atomic
from pathway_opt.inputs.instance_json import parse_json_text
from pathway_opt.outputs.numbers import DECIMALS, money_decimals, tidy, tidy_gap
from pathway_opt.plan import Plan, Status
from pathway_opt.schema.advice import instance_warnings
from pathway_opt.schema.instance import Instance

#: Decimals of the funding split's amounts, as of every figure: far finer than
#: the currency's unit, and within the verifier's slack on a split read back.
FUNDING_DECIMALS = 6


def plan_json(plan: Plan, provenance: dict[str, Any] | None = None) -> str:
    """The plan JSON text; equal plans give equal bytes apart from timings.

    Adds the ``warnings`` of the instance and, when given, the run's
    ``provenance`` (input file and SHA-256, tool version, time of run).
    """
    data = tidy_plan_data(plan.to_dict(), plan.instance)
    data["warnings"] = instance_warnings(plan.instance)
    if provenance is not None:
        data["provenance"] = dict(provenance)
    return json.dumps(json_safe(data), indent=2, ensure_ascii=False) + "\n"


def tidy_plan_data(data: dict[str, Any], inst: Instance) -> dict[str, Any]:
    """The plan data with every figure tidied (see :mod:`.numbers`).

    Money to the currency's unit, scores and quantities to DECIMALS decimals,
    gaps to GAP_DIGITS significant digits; ``settings``, ``solver``,
    ``warnings`` and ``provenance`` are left as they are.
    """
    out = dict(data)
    cents = money_decimals(inst.currency)
    out["objective"] = tidy(data.get("objective"))
    out["bound"] = tidy(data.get("bound"))
    out["gap"] = tidy_gap(data.get("gap"))
    out["selected"] = [_tidy_all(s) for s in data.get("selected", [])]
    if "weights" in data:
        out["weights"] = _tidy_all(data["weights"])
        out["weights_source"] = _tidy_all(data.get("weights_source"))
    out["budgets"] = [_tidy_all(r, cents) for r in data.get("budgets", [])]
    out["resources"] = [_tidy_all(r) for r in data.get("resources", [])]
    if "funding" in data:
        out["funding"] = [_tidy_all(r, FUNDING_DECIMALS) for r in data["funding"]]
    budgets = set(inst.budget_ids())
    out["committed_beyond_horizon"] = {
        k: tidy(v, cents if k in budgets else DECIMALS)
        for k, v in data.get("committed_beyond_horizon", {}).items()
    }
    if data.get("explanations") is not None:
        out["explanations"] = _tidy_explanations(data["explanations"], cents)
    if data.get("robust") is not None:
        out["robust"] = {
            k: tidy_gap(v) if k.endswith("gap") else _tidy_all(v)
            for k, v in data["robust"].items()
        }
    return out


def _tidy_all(value: Any, decimals: int = DECIMALS) -> Any:
    """Every number inside, to `decimals`; keys named like a gap as gaps."""
    if isinstance(value, dict):
        return {
            k: tidy_gap(v) if k.startswith("gap") else _tidy_all(v, decimals)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_tidy_all(v, decimals) for v in value]
    return tidy(value, decimals)


def _tidy_explanations(data: Any, cents: int) -> Any:
    """Explanations: budget rows' money to the currency's unit, the rest tidied."""
    if not isinstance(data, dict):
        return _tidy_all(data)
    out = {}
    for key, value in data.items():
        if key in ("binding", "repairs") and isinstance(value, list):
            out[key] = [_tidy_row(row, cents) for row in value]
        else:
            out[key] = _tidy_all(value)
    return out


def _tidy_row(row: Any, cents: int) -> Any:
    if not isinstance(row, dict):
        return _tidy_all(row)
    if "parts" in row:  # a repair
        return {
            k: [_tidy_row(p, cents) for p in v] if k == "parts" else _tidy_all(v)
            for k, v in row.items()
        }
    money = {"limit", "used", "slack", "step", "amount"}
    budget = row.get("kind") == "budget"
    return {
        k: tidy(v, cents) if budget and k in money else _tidy_all({k: v})[k]
        for k, v in row.items()
    }


def json_safe(value: Any) -> Any:
    """Replace NaN and infinities (never valid JSON) by null."""
    if isinstance(value, float) and (
        value != value or value in (float("inf"), float("-inf"))
    ):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def write_plan_json(
    plan: Plan, path: str | Path, provenance: dict[str, Any] | None = None
) -> None:
    """Write the plan JSON of the contract atomically."""
    write_atomic(path, plan_json(plan, provenance))


def read_plan(path: str | Path) -> dict[str, str]:
    """The selection of a plan JSON file (as ``solve --output`` writes it).

    Raises:
        InputError: when the file is missing, not JSON, or holds no plan.
    """
    path = Path(path)
    try:
        data = parse_json_text(read_text(path))
        return plan_selection(data)
    except InputError as exc:
        raise InputError(exc.problems, source=str(path)) from None


class PlanChoice(NamedTuple):
    """A plan as a plan JSON file states it: starts, variants, funding split."""

    starts: dict[str, str]
    """Initiative id -> start period label."""
    variants: dict[str, str]
    """Initiative id -> the variant it runs as (absent: as given)."""
    funding: dict[tuple[str, str, str], float]
    """(initiative, budget, period label) -> amount paid."""


def read_plan_choice(path: str | Path) -> PlanChoice:
    """The starts, variants and funding split of a plan JSON file.

    Raises:
        InputError: when the file is missing, not JSON, holds no plan, or a
            variant or funding record is malformed.
    """
    path = Path(path)
    try:
        data = parse_json_text(read_text(path))
        starts = plan_selection(data)
        return PlanChoice(starts, plan_variants(data), plan_funding(data))
    except InputError as exc:
        raise InputError(exc.problems, source=str(path)) from None


def plan_selection(data: Any) -> dict[str, str]:
    """Initiative id -> start period from plan JSON data.

    Raises:
        InputError: naming what is missing or malformed.
    """
    if not isinstance(data, dict) or not isinstance(data.get("selected"), list):
        message = (
            'missing: expected a plan JSON with a list "selected" of {"id", "start"} '
            "(as write_plan_json writes it)"
        )
        raise InputError([Problem("selected", message)])
    status = data.get("status", "optimal")
    if status not in {s.value for s in Status if s.has_plan}:
        raise InputError(
            [Problem("status", f'is "{status}": this file holds no plan to explain')]
        )
    starts: dict[str, str] = {}
    problems = []
    for k, item in enumerate(data["selected"]):
        ok = isinstance(item, dict) and all(
            isinstance(item.get(f), str) for f in ("id", "start")
        )
        if not ok:
            problems.append(
                Problem(f"selected[{k}]", 'expected {"id": ..., "start": ...}')
            )
        else:
            starts[item["id"]] = item["start"]
    if problems:
        raise InputError(problems)
    return starts


def plan_variants(data: dict[str, Any]) -> dict[str, str]:
    """Initiative id -> the variant it runs as, from plan JSON data.

    A ``selected`` entry without ``variant`` (or with null) runs as given, so a
    plan JSON written before variants existed reads back unchanged; call after
    :func:`plan_selection` (which checks ``selected`` itself).

    Raises:
        InputError: naming each ``variant`` that is not text.
    """
    variants: dict[str, str] = {}
    problems = []
    for k, item in enumerate(data["selected"]):
        variant = item.get("variant")
        if variant is None:
            continue
        if not isinstance(variant, str):
            message = "expected the variant's id (text), or null for the base version"
            problems.append(Problem(f"selected[{k}].variant", message))
        else:
            variants[item["id"]] = variant
    if problems:
        raise InputError(problems)
    return variants


def plan_funding(data: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    """(initiative, budget, period) -> amount: the funding split of plan JSON data.

    Absent ``funding`` is no split (a plan JSON from before funding choice).

    Raises:
        InputError: naming each malformed ``funding`` record.
    """
    records = data.get("funding", [])
    if not isinstance(records, list):
        message = 'expected a list of {"initiative", "budget", "period", "amount"}'
        raise InputError([Problem("funding", message)])
    split: dict[tuple[str, str, str], float] = {}
    problems = []
    for k, row in enumerate(records):
        ok = (
            isinstance(row, dict)
            and all(isinstance(row.get(f), str) for f in ("initiative", "budget"))
            and isinstance(row.get("period"), str)
            and isinstance(row.get("amount"), int | float)
            and not isinstance(row.get("amount"), bool)
        )
        if not ok:
            problems.append(
                Problem(
                    f"funding[{k}]",
                    'expected {"initiative": ..., "budget": ..., "period": ..., '
                    '"amount": a number}',
                )
            )
            continue
        key = (row["initiative"], row["budget"], row["period"])
        split[key] = float(row["amount"])
    if problems:
        raise InputError(problems)
    return split
