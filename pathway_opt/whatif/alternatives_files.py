"""An alternatives search as files: JSON, a workbook and a CSV folder.

- JSON: ``{"optimum": plan, "alternatives": [plan, ...]}``, each plan in the
  plan JSON contract (as ``solve --output`` writes it), an alternative with an
  ``alternative`` section (rank, loss, what it adds, drops and moves), plus the
  request, the threshold, the messages, the instance's warnings and provenance.
- Workbook: Summary, Alternatives (initiatives by plans: start periods, then
  the score and loss rows), Changes (per alternative: adds, drops, score,
  loss) and Plans (every plan's funded initiatives).
- CSV folder: ``alternatives.csv``, ``changes.csv``, ``plans.csv`` and
  ``run.json`` (written last), as a whole (see :func:`pathway_opt.files.write_folder`).

Every file is written atomically; numbers are rounded as in every output.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pathway_opt.files import write_atomic, write_folder
from pathway_opt.outputs.alternatives_tables import (
    changes_table,
    loss_of,
    plans_long,
    selection_difference,
    side_by_side,
)
from pathway_opt.outputs.funding_tables import variant_changes
from pathway_opt.outputs.numbers import tidy, tidy_frame, tidy_gap
from pathway_opt.outputs.plan_csv import csv_text
from pathway_opt.outputs.plan_json import json_safe, tidy_plan_data
from pathway_opt.outputs.plan_tables import summary_rows
from pathway_opt.outputs.plan_xlsx import Sheet, write_sheets_xlsx
from pathway_opt.outputs.provenance import Provenance, make_provenance
from pathway_opt.plan import Plan, changes_between
from pathway_opt.schema.advice import instance_warnings
from pathway_opt.whatif.alternatives import Alternatives, percent

#: The files an alternatives CSV folder holds (``run.json`` last).
ALTERNATIVES_CSV_FILES = ("alternatives.csv", "changes.csv", "plans.csv", "run.json")


def _provenance(
    source: str | Path | None, run_at: datetime | None, provenance: Provenance | None
) -> Provenance:
    return provenance or make_provenance(source, run_at)


def _terms(result: Alternatives, rank: int) -> str:
    """What an alternative is the best of, in one sentence."""
    earlier = (
        "the optimum" if rank == 1 else f"the optimum and alternatives 1-{rank - 1}"
    )
    return (
        f"the best plan scoring at least {result.threshold:,.6f} (the optimum less "
        f"{percent(result.within)} of it) that differs from {earlier} in at least "
        f"{result.min_difference} funded initiative(s)"
    )


def _alternative(result: Alternatives, rank: int, plan: Plan) -> dict[str, Any]:
    change = changes_between(
        result.optimum.starts, plan.starts, result.optimum.variants, plan.variants
    )
    loss, share = loss_of(result.optimum, plan)
    return {
        "rank": rank,
        "loss": tidy(loss),
        "loss_share": tidy_gap(share),
        "differs": selection_difference(result.optimum, plan),
        "adds": change.added,
        "drops": change.removed,
        "moved": change.moved,
        "variant_changes": variant_changes(result.optimum, plan),
        "best_of": _terms(result, rank),
    }


def _plan_data(plan: Plan) -> dict[str, Any]:
    return tidy_plan_data(plan.to_dict(), plan.instance)


def alternatives_data(
    result: Alternatives, provenance: Provenance | None = None
) -> dict[str, Any]:
    """The JSON document as data: the optimum, the alternatives, the request."""
    data: dict[str, Any] = {
        "optimum": _plan_data(result.optimum),
        "alternatives": [
            _plan_data(plan) | {"alternative": _alternative(result, rank, plan)}
            for rank, plan in enumerate(result.plans, start=1)
        ],
        "request": {
            "count": result.count,
            "within": result.within,
            "min_difference": result.min_difference,
        },
        "threshold": tidy(result.threshold),
        "found": len(result.plans),
        "messages": list(result.messages),
        "solves": result.solves,
        "seconds": round(result.seconds, 3),
        "warnings": instance_warnings(result.instance),
    }
    if provenance is not None:
        data["provenance"] = dataclasses.asdict(provenance)
    return data


def alternatives_json(
    result: Alternatives, provenance: Provenance | None = None
) -> str:
    """The JSON text ``write_alternatives_json`` writes."""
    data = json_safe(alternatives_data(result, provenance))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_alternatives_json(
    result: Alternatives,
    path: str | Path,
    *,
    source: str | Path | None = None,
    run_at: datetime | None = None,
    provenance: Provenance | None = None,
) -> None:
    """Write ``{"optimum": plan, "alternatives": [plan, ...], ...}`` atomically.

    ``source`` (the instance file, hashed) and ``run_at`` make the provenance,
    or give it whole as ``provenance``.

    Raises:
        OutputError: if the file cannot be written.
    """
    prov = _provenance(source, run_at, provenance)
    write_atomic(path, alternatives_json(result, prov).encode("utf-8"))


# -- tables --------------------------------------------------------------------


def _tables(result: Alternatives) -> dict[str, pd.DataFrame]:
    """The three tables, numbers tidied as every output writes them."""
    currency = result.instance.currency
    return {
        "alternatives": tidy_frame(
            side_by_side(result.optimum, result.plans), currency
        ),
        "changes": tidy_frame(
            changes_table(result.optimum, result.plans), currency, gaps=["gap"]
        ),
        "plans": tidy_frame(
            plans_long(result.optimum, result.plans), currency, money=["total_cost"]
        ),
    }


def summary(result: Alternatives, provenance: Provenance) -> dict[str, Any]:
    """The run's summary: what ``run.json`` holds and the Summary sheet shows."""
    opt = result.optimum
    return {
        "instance": result.instance.name,
        "count": result.count,
        "within": result.within,
        "min_difference": result.min_difference,
        "threshold": tidy(result.threshold),
        "optimum_status": opt.status.value,
        "optimum_verified": opt.verified,
        "optimum_objective": tidy(opt.objective),
        "found": len(result.plans),
        "messages": [*opt.messages, *result.messages],
        "solves": result.solves,
        "seconds": round(result.seconds, 3),
        "solver": opt.solver,
        "options": dict(opt.settings),
        "input_file": provenance.source,
        "input_sha256": provenance.sha256,
        "tool": f"pathway-opt {provenance.tool_version}",
        "run_at": provenance.run_at,
    }


def write_alternatives_xlsx(
    result: Alternatives,
    path: str | Path,
    *,
    source: str | Path | None = None,
    run_at: datetime | None = None,
    provenance: Provenance | None = None,
) -> None:
    """Write the workbook: Summary, Alternatives, Changes, Plans (atomically).

    Raises:
        OutputError: if the file cannot be written.
    """
    prov = _provenance(source, run_at, provenance)
    frames = _tables(result)
    cur = result.instance.currency
    sheets = [
        Sheet(
            "Alternatives",
            "Plans side by side: the start period of every initiative a plan "
            "funds (blank = not funded); the last rows give each plan's score and "
            "its loss against the optimum (score points).",
            frames["alternatives"],
            freeze_cols=2,
        ),
        Sheet(
            "Changes",
            f"{result.headline()}. Per alternative: what it adds to and drops "
            "from the optimum, what it starts in another period (moved), its "
            "score and loss (score points, and as a share of the optimum).",
            frames["changes"],
            {
                "alternative": "whole",
                "score": "value",
                "loss": "value",
                "loss_share": "percent",
                "differs": "whole",
                "gap": "gap",
            },
        ),
        Sheet(
            "Plans",
            "Every plan's funded initiatives: rank 0 is the optimum; "
            f"expected_value in score points, total_cost in {cur}.",
            frames["plans"],
            {"rank": "whole", "expected_value": "value", "total_cost": "money"},
        ),
    ]
    write_sheets_xlsx(
        sheets,
        path,
        title=f"pathway-opt alternatives: {result.instance.name}",
        summary=summary_rows(summary(result, prov)),
    )


def write_alternatives_csv(
    result: Alternatives,
    folder: str | Path,
    *,
    source: str | Path | None = None,
    run_at: datetime | None = None,
    provenance: Provenance | None = None,
) -> list[Path]:
    """Write alternatives.csv, changes.csv, plans.csv and run.json into ``folder``.

    UTF-8 with a BOM (Excel shows Chinese names correctly); the folder is
    written as a whole and left as it was if anything fails.

    Returns:
        The files written, ``run.json`` last.

    Raises:
        OutputError: if the folder or a file cannot be written.
    """
    prov = _provenance(source, run_at, provenance)
    files: dict[str, str] = {
        f"{name}.csv": "\ufeff" + csv_text(frame)
        for name, frame in _tables(result).items()
    }
    data = summary(result, prov) | {"files": list(ALTERNATIVES_CSV_FILES)}
    files["run.json"] = json.dumps(json_safe(data), indent=2, ensure_ascii=False) + "\n"
    return write_folder(folder, files, replaces=ALTERNATIVES_CSV_FILES)
