"""Saved analyses brought back for a report: alternatives JSON, core and stability CSVs.

The alternatives JSON (``alternatives -o``) records the SHA-256 of its input:
one from another input is refused, and every plan in it is verified again
against the instance. The CSVs of ``robust -o`` and ``stability -o`` record no
provenance: they are accepted when their ids (and, for stability, the weights
as given) are the instance's, with a note that their source cannot be shown.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pandas as pd

from pathway_opt.errors import InputError, Problem, listing
from pathway_opt.files import read_text
from pathway_opt.inputs.instance_json import parse_json_text
from pathway_opt.plan import Plan
from pathway_opt.report.saved import check_provenance, read_provenance, saved_plan
from pathway_opt.schema.instance import Instance
from pathway_opt.whatif.alternatives import Alternatives
from pathway_opt.whatif.robust import CORE_COLUMNS
from pathway_opt.whatif.stability import COLUMNS as STABILITY_COLUMNS
from pathway_opt.whatif.stability import Stability

T = TypeVar("T")

#: Relative difference allowed between a CSV's weight and the instance's
#: (the CSV holds them as printed).
_WEIGHT_TOL = 1e-6


@dataclass(frozen=True)
class SavedPart(Generic[T]):
    """An analysis read back from its file, and what a reader should know."""

    part: T
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CoreTable:
    """A core index table without the run that made it (``robust -o``'s CSV).

    It has the core index of every initiative and its class, but not the
    samples: the plan's score distribution and regret are not in it.
    """

    instance: Instance
    table: pd.DataFrame
    """The CSV's rows (:data:`~pathway_opt.whatif.robust.CORE_COLUMNS`)."""
    source: str
    """The CSV's file name."""


def _problem(path: Path, field_path: str, message: str) -> InputError:
    return InputError([Problem(field_path, message)], source=str(path))


def _csv(path: Path, needed: list[str], writer: str) -> pd.DataFrame:
    text = read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype={"id": str})
    except (ValueError, pd.errors.ParserError) as exc:
        raise _problem(path, "", f"is not a CSV file: {exc}") from None
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise _problem(
            path,
            "",
            f"has no column {listing(missing)}; give the CSV file of {writer}",
        )
    return frame


def _unsourced(path: Path, instance: Path | None) -> str:
    against = f" {instance.name}" if instance is not None else " this instance"
    return (
        f"{path.name} records no input SHA-256: its ids were checked against"
        f"{against}, but that it was computed from it cannot be shown"
    )


def load_saved_core(
    path: str | Path, inst: Instance, instance_file: str | Path | None = None
) -> SavedPart[CoreTable]:
    """The core index CSV ``robust -o`` wrote, checked to name this instance's ids.

    Raises:
        InputError: when the file cannot be read, lacks a column, or names an
            initiative the instance does not have.
    """
    path = Path(path)
    frame = _csv(
        path, ["id", "core_index", "class"], "a robust run (its core index table)"
    )
    known = {i.id for i in inst.initiatives}
    unknown = sorted(set(frame["id"].astype(str)) - known)
    if unknown:
        raise _problem(
            path,
            "id",
            f"names initiative(s) {listing(unknown)} that {inst.name!r} does not "
            "have; give the core index of this instance",
        )
    for column in CORE_COLUMNS:
        if column not in frame.columns:
            frame[column] = math.nan
    frame["core_index"] = pd.to_numeric(frame["core_index"], errors="coerce")
    frame["in_plan"] = frame["in_plan"].astype(str).str.lower().isin(["true", "1"])
    frame["plan_start"] = ["" if pd.isna(v) else str(v) for v in frame["plan_start"]]
    table = frame[CORE_COLUMNS].reset_index(drop=True)
    instance = None if instance_file is None else Path(instance_file)
    return SavedPart(CoreTable(inst, table, path.name), [_unsourced(path, instance)])


def load_saved_stability(
    path: str | Path, plan: Plan, instance_file: str | Path | None = None
) -> SavedPart[Stability]:
    """The intervals CSV ``stability -o`` wrote, for the plan of this instance.

    Its criteria must be the instance's and its weights the ones the objective
    uses (a file for other weights describes another instance).

    Raises:
        InputError: when the file cannot be read, lacks a column, names an
            unknown criterion or holds another weight.
    """
    path = Path(path)
    frame = _csv(
        path, ["criterion", "weight", "low", "high"], "a stability run (its intervals)"
    )
    weights = plan.instance.weights
    problems = []
    for k, row in frame.iterrows():
        name = str(row["criterion"])
        given = pd.to_numeric(row["weight"], errors="coerce")
        if name not in weights:
            problems.append(
                Problem(
                    f"row {int(str(k)) + 2}, criterion",
                    f"{name!r} is not a criterion of {plan.instance.name!r} (they "
                    f"are {listing(list(weights))}); give the intervals of this "
                    "instance",
                )
            )
        elif not math.isclose(
            float(given), weights[name], rel_tol=_WEIGHT_TOL, abs_tol=1e-12
        ):
            problems.append(
                Problem(
                    f"row {int(str(k)) + 2}, weight",
                    f"is {given:g} for {name!r}, but the instance weighs it "
                    f"{weights[name]:g}; give the intervals of this instance",
                )
            )
    if problems:
        raise InputError(problems, source=str(path))
    for column in STABILITY_COLUMNS:
        if column not in frame.columns:
            frame[column] = math.nan
    for column in ("weight", "low", "high", "schedule_low", "schedule_high"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column in ("high", "schedule_high"):  # blank: no upper end
        frame[column] = frame[column].fillna(math.inf)
    for column in ("low_enters", "low_leaves", "high_enters", "high_leaves"):
        frame[column] = frame[column].fillna("").astype(str)
    frame["status"] = frame["status"].fillna("optimal").astype(str)
    unproven = frame["status"] != "optimal"
    frame.loc[unproven, ["low", "high"]] = math.nan
    tolerances = pd.to_numeric(frame["tolerance"], errors="coerce").dropna()
    tolerance = float(tolerances.iloc[0]) if len(tolerances) else math.nan
    instance = None if instance_file is None else Path(instance_file)
    note = _unsourced(path, instance)
    result = Stability(
        intervals=frame[STABILITY_COLUMNS].reset_index(drop=True),
        plan=plan,
        tolerance=tolerance,
        messages=[note],
    )
    return SavedPart(result, [note])


def _plans(inst: Instance, data: dict[str, Any]) -> tuple[Plan, list[Plan]]:
    optimum = data.get("optimum")
    others = data.get("alternatives")
    if not isinstance(optimum, dict) or not isinstance(others, list):
        raise InputError(
            [
                Problem(
                    "",
                    'expected an alternatives JSON (with "optimum" and '
                    '"alternatives", as an alternatives run writes it)',
                )
            ]
        )
    found = []
    for k, item in enumerate(others):
        if not isinstance(item, dict):
            raise InputError([Problem(f"alternatives[{k}]", "must be a plan")])
        try:
            found.append(saved_plan(inst, item))
        except InputError as exc:
            raise InputError(
                [
                    Problem(f"alternatives[{k}].{p.path}".rstrip("."), p.message)
                    for p in exc.problems
                ]
            ) from None
    try:
        best = saved_plan(inst, optimum)
    except InputError as exc:
        raise InputError(
            [Problem(f"optimum.{p.path}".rstrip("."), p.message) for p in exc.problems]
        ) from None
    return best, found


def load_saved_alternatives(
    path: str | Path, inst: Instance, instance_file: str | Path
) -> SavedPart[Alternatives]:
    """The alternatives JSON ``alternatives -o`` wrote, from this very input.

    Raises:
        InputError: when the file is invalid, records another input's SHA-256,
            or a plan in it does not fit the instance.
    """
    path, instance_file = Path(path), Path(instance_file)
    try:
        data = parse_json_text(read_text(path))
        if not isinstance(data, dict):
            raise InputError([Problem("", "expected an alternatives JSON object")])
        notes = check_provenance(
            read_provenance(data), path, instance_file,
            "the alternatives were computed", "run alternatives on this one again",
        )  # fmt: skip
        optimum, plans = _plans(inst, data)
        found = data.get("request")
        request: dict[str, Any] = found if isinstance(found, dict) else {}
        threshold = data.get("threshold")
        result = Alternatives(
            optimum=optimum,
            plans=plans,
            count=int(request.get("count") or len(plans)),
            within=float(request.get("within") or 0.0),
            min_difference=int(request.get("min_difference") or 1),
            threshold=float(threshold)
            if isinstance(threshold, int | float) and not isinstance(threshold, bool)
            else None,
            messages=[str(m) for m in data.get("messages") or []],
        )
    except InputError as exc:
        raise InputError(exc.problems, source=exc.source or str(path)) from None
    return SavedPart(result, notes)
