"""A saved plan brought back for a report: the plan JSON and its instance file.

A plan JSON written by ``solve`` records the SHA-256 of the input it was solved
from (its ``provenance``). A report rebuilt from it must describe that very
input, so the instance file given is hashed and a different hash is refused;
the plan is then checked again by the verifier against the instance, and its
objective must be the one the file states.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pathway_opt.errors import InputError, Problem
from pathway_opt.files import read_text
from pathway_opt.inputs.instance_json import parse_json_text
from pathway_opt.inputs.load import load_instance
from pathway_opt.outputs.plan_json import plan_funding, plan_selection, plan_variants
from pathway_opt.outputs.provenance import Provenance
from pathway_opt.plan import Plan, Status
from pathway_opt.schema.instance import Instance
from pathway_opt.verification.verifier import verify

#: Relative difference allowed between the stated and the recomputed objective
#: (the plan JSON rounds it to 6 decimals).
_OBJECTIVE_TOL = 1e-6


@dataclass(frozen=True)
class SavedPlan:
    """A plan read back from its JSON file, checked against its instance."""

    plan: Plan
    provenance: Provenance | None
    """The provenance the file records (input, its SHA-256, tool, time)."""
    notes: list[str] = field(default_factory=list)
    """What a reader should know about how the plan was brought back."""


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError(
            [Problem("instance", f"cannot be read: {exc.strerror}")], source=str(path)
        ) from None


def read_provenance(data: dict[str, Any]) -> Provenance | None:
    """The provenance a saved file records, if any."""
    prov = data.get("provenance")
    if not isinstance(prov, dict):
        return None
    text = {k: prov.get(k) for k in ("source", "sha256", "tool_version", "run_at")}
    return Provenance(
        source=str(text["source"]) if text["source"] is not None else None,
        sha256=str(text["sha256"]) if text["sha256"] is not None else None,
        tool_version=str(text["tool_version"] or "unknown"),
        run_at=str(text["run_at"] or "unknown"),
    )


def _status(data: dict[str, Any]) -> Status:
    value = data.get("status")
    try:
        return Status(value)
    except ValueError:
        known = ", ".join(f'"{s.value}"' for s in Status)
        raise InputError(
            [Problem("status", f"is {value!r}; a plan JSON's status is one of {known}")]
        ) from None


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _text(data: dict[str, Any], key: str) -> str:
    """A code the plan JSON may hold (``found_by``, ...); '' when absent or null."""
    value = data.get(key)
    return value if isinstance(value, str) else ""


def saved_plan(inst: Instance, data: dict[str, Any]) -> Plan:
    """A plan record (the plan JSON contract) checked again against the instance."""
    status = _status(data)
    found = data.get("solver")
    solver: dict[str, Any] = found if isinstance(found, dict) else {}
    plan = Plan(
        instance=inst,
        status=status,
        bound=_number(data, "bound"),
        gap=_number(data, "gap"),
        messages=[str(m) for m in data.get("messages") or []],
        solver=str(solver.get("name") or ""),
        termination=str(solver.get("termination") or ""),
        seconds=float(solver.get("seconds") or 0.0),
        settings=dict(data.get("settings") or {}),
        method=_text(data, "method"),
        found_by=_text(data, "found_by") if status.has_plan else "",
        bound_source=_text(data, "bound_source"),
        explanations=data.get("explanations")
        if isinstance(data.get("explanations"), dict)
        else None,
    )
    if not status.has_plan:
        return plan
    starts = plan_selection(data)
    variants, funding = plan_variants(data), plan_funding(data)
    check = verify(inst, starts, None, variants, funding)
    if not check.ok:
        raise InputError(
            [
                Problem("selected", f"does not fit the instance: {p}")
                for p in check.problems
            ]
        )
    stated = _number(data, "objective")
    if stated is not None and abs(stated - check.objective) > _OBJECTIVE_TOL * max(
        1.0, abs(check.objective)
    ):
        raise InputError(
            [
                Problem(
                    "objective",
                    f"is {stated:,.6f}, but the plan scores {check.objective:,.6f} "
                    "on this instance; the file was changed after it was written",
                )
            ]
        )
    plan.starts = dict(starts)
    plan.variants, plan.funding = variants, funding
    plan.verification = check
    plan.objective = check.objective
    return plan


def check_provenance(
    prov: Provenance | None, path: Path, instance: Path, what: str, again: str
) -> list[str]:
    """Notes on a saved file's input; refuses one made from another input.

    ``what`` says how it was made (``the plan was solved``), ``again`` how to
    make it anew (``solve this one again``).

    Raises:
        InputError: when the file records an input SHA-256 other than the
            instance file's.
    """
    digest = _sha256(instance)
    if prov is None or prov.sha256 is None:
        return [
            f"{path.name} records no input SHA-256: it was checked to fit "
            f"{instance.name}, but that it came from it cannot be shown"
        ]
    if prov.sha256.lower() != digest:
        raise InputError(
            [
                Problem(
                    "provenance.sha256",
                    f"{what} from an input with SHA-256 {prov.sha256[:16]}..., "
                    f"but {instance} has {digest[:16]}...; give the instance file "
                    f"{what} from (or {again})",
                )
            ]
        )
    return [f"rebuilt from {path.name}; its input SHA-256 matches {instance.name}"]


def load_saved_plan(path: str | Path, instance: str | Path) -> SavedPlan:
    """A plan JSON file (as ``solve`` writes it) with the instance it was solved from.

    Args:
        path: the plan JSON file.
        instance: the instance file (JSON or workbook) it was solved from.

    Raises:
        InputError: when either file is invalid, the instance's SHA-256 is not
            the one the plan records, or the plan does not fit the instance.
    """
    path, instance = Path(path), Path(instance)
    inst = load_instance(instance)
    try:
        data = parse_json_text(read_text(path))
        if not isinstance(data, dict) or "status" not in data:
            raise InputError(
                [
                    Problem(
                        "",
                        'expected a plan JSON (with "status" and "selected", as '
                        "solve writes it)",
                    )
                ]
            )
        prov = read_provenance(data)
        notes = check_provenance(
            prov, path, instance, "the plan was solved", "solve this one again"
        )
        plan = saved_plan(inst, data)
    except InputError as exc:
        raise InputError(exc.problems, source=exc.source or str(path)) from None
    return SavedPlan(plan, prov, notes)
