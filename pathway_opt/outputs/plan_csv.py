"""The plan as tidy CSV files plus ``run.json``, for scripts and spreadsheets.

One file per table (``selected.csv``, ``schedule.csv`` in long form, one row per
initiative and running period, ``budgets.csv``, ``resources.csv``, ``rules.csv``,
``not_selected.csv``; ``funding.csv``, the split of funded initiatives' costs among
budgets, when an initiative has ``funded_by``; with explanations also ``why.csv``,
``bottlenecks.csv``, ``binding.csv`` and ``repairs.csv``), UTF-8 with a byte-order mark
so Excel shows Chinese names correctly, and ``run.json`` with the run's summary, written
last. The folder is written as a whole (:func:`pathway_opt.files.write_folder`): every
file is complete before any is moved in, and a failure leaves the folder as it was;
files of an earlier run that this one does not write (``why.csv`` after a plain solve)
are removed, so the folder never mixes two runs. Text that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so a spreadsheet shows
it as text instead of running it as a formula; numbers are written as numbers.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pathway_opt.errors import OutputError
from pathway_opt.files import write_folder
from pathway_opt.outputs import explanation_tables as why_tables
from pathway_opt.outputs import funding_tables
from pathway_opt.outputs import plan_tables as tables
from pathway_opt.outputs.provenance import Provenance, make_provenance
from pathway_opt.plan import Plan

#: File name -> the function that builds its table.
CSV_TABLES = {
    "selected.csv": tables.selected,
    "schedule.csv": tables.schedule_long,
    "budgets.csv": tables.budgets,
    "resources.csv": tables.resources,
    "rules.csv": tables.rules,
    "not_selected.csv": tables.not_selected,
}
RUN_FILE = "run.json"
#: The funding split's file, written when an initiative has ``funded_by``.
FUNDING_FILE = "funding.csv"


def csv_files(explanations: bool = False, funding: bool = True) -> tuple[str, ...]:
    """Names of the files a plan's CSV folder may hold (`run.json` last).

    ``funding``: with ``funding.csv`` (written when an initiative has
    ``funded_by``); ``explanations``: with the explanation files.
    """
    extra = tuple(why_tables.CSV_EXPLANATIONS) if explanations else ()
    split = (FUNDING_FILE,) if funding else ()
    return (*CSV_TABLES, *split, *extra, RUN_FILE)


def _funding_files(plan: Plan) -> list[str]:
    """``funding.csv``, when an initiative's cost may be split among budgets."""
    return [FUNDING_FILE] if funding_tables.has_funding(plan.instance) else []


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, shown as text instead."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV text (no BOM): safe text, blanks for missing numbers."""
    safe = frame.astype(object)
    for column in safe.columns:  # object dtype keeps whole numbers whole
        values = [_safe(v) for v in safe[column]]
        safe[column] = pd.Series(values, index=safe.index, dtype=object)
    text: str = safe.to_csv(index=False, na_rep="", lineterminator="\r\n")
    return text


def _explanation_files(plan: Plan) -> list[str]:
    """The explanation CSV files, when the plan carries explanations."""
    if not why_tables.has_explanations(plan):
        return []
    return list(why_tables.CSV_EXPLANATIONS)


def run_json(plan: Plan, provenance: Provenance) -> str:
    """The `run.json` text: the run's summary plus the names of the CSV files."""
    files = [*CSV_TABLES, *_funding_files(plan), *_explanation_files(plan), RUN_FILE]
    data = tables.summary(plan, provenance) | {"files": files}
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_plan_csv(
    plan: Plan,
    folder: str | Path,
    *,
    source: str | Path | None = None,
    run_at: datetime | None = None,
    provenance: Provenance | None = None,
) -> list[Path]:
    """Write the plan's tables as CSV files and `run.json` into `folder`.

    Args:
        plan: the plan to write.
        folder: the folder to write into (created if missing).
        source: the instance file, named and hashed in `run.json`.
        run_at: when the run started (default: now).
        provenance: all of the above at once (overrides `source`, `run_at`).

    Returns:
        The files written, `run.json` last.

    Raises:
        OutputError: if the folder or a file cannot be written (the folder is
            then left as it was).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"cannot write CSV files into {folder}: it is a file; give a folder"
        )
    prov = provenance or make_provenance(source, run_at)
    files: dict[str, str] = {}
    for name, build in CSV_TABLES.items():
        key = "schedule_long" if name == "schedule.csv" else name.removesuffix(".csv")
        frame = tables.tidy_table(key, build(plan), plan)
        files[name] = "\ufeff" + csv_text(frame)
    for name in _funding_files(plan):
        frame = tables.tidy_table("funding", funding_tables.funding(plan), plan)
        files[name] = "\ufeff" + csv_text(frame)
    for name in _explanation_files(plan):
        table = why_tables.CSV_EXPLANATIONS[name]
        frame = tables.tidy_table(table, why_tables.TABLES[table](plan), plan)
        files[name] = "\ufeff" + csv_text(frame)
    files[RUN_FILE] = run_json(plan, prov)
    return write_folder(folder, files, replaces=csv_files(explanations=True))
