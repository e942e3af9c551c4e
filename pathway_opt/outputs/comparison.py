"""A comparison of plans as files: JSON, a CSV folder and a workbook.

Each writer takes the table :func:`pathway_opt.compare` makes (one row per plan,
indexed by name) and the plans it was made from, and writes the same figures,
tidied as in a plan's outputs (:mod:`.numbers`):

- JSON (:func:`comparison_json`): the instance, options and provenance, then one
  entry per plan in the table's order: its row (``added``, ``removed``,
  ``moved`` and ``variant_changes`` as lists, ``spend`` per budget as an
  object), its ``bound`` and ``verified``, its selected initiatives and its
  funding split as in the plan JSON, its messages and, when given, its edits.
- CSV folder (:func:`write_comparison_csv`): ``comparison.csv`` (the table),
  ``selected.csv``, ``budgets.csv``, ``resources.csv`` and ``funding.csv``
  (the tables of a plan's CSV folder with a ``scenario`` column first, one block
  per plan; ``funding.csv`` has no rows when no initiative has ``funded_by``,
  so the folder always holds the same files) and
  ``run.json`` (the JSON plus the list of files), written last and as a whole.
- Workbook (:func:`write_comparison_xlsx`): a Comparison sheet (the table, with
  the sheet of each plan) and one sheet per plan with its selection, named after
  the plan (see :func:`pathway_opt.excel.sheet_names`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.excel import sheet_names
from pathway_opt.files import write_atomic, write_folder
from pathway_opt.inputs.instance_xlsx.layout import INITIATIVES
from pathway_opt.outputs import plan_tables as tables
from pathway_opt.outputs.funding_tables import funding, variant_changes
from pathway_opt.outputs.numbers import tidy, tidy_frame
from pathway_opt.outputs.plan_csv import RUN_FILE, csv_files, csv_text
from pathway_opt.outputs.plan_json import tidy_plan_data
from pathway_opt.outputs.plan_xlsx import write_tables_xlsx
from pathway_opt.plan import Plan, changes_between

#: The comparison table's file in a CSV folder.
COMPARISON_FILE = "comparison.csv"
#: File name -> the plan table it holds, one block per plan.
_PLAN_TABLES = {
    "selected.csv": ("selected", tables.selected),
    "budgets.csv": ("budgets", tables.budgets),
    "resources.csv": ("resources", tables.resources),
    "funding.csv": ("funding", funding),
}
#: Every file a comparison's CSV folder holds, ``run.json`` last.
COMPARISON_CSV_FILES = (COMPARISON_FILE, *_PLAN_TABLES, RUN_FILE)
#: The workbook's first sheet; no plan's sheet may take its name, nor
#: ``initiatives`` (a workbook with that sheet is taken for an input workbook,
#: which a later run would not replace without --force) or Excel's ``History``.
COMPARISON_SHEET = "Comparison"
_RESERVED_SHEETS = (COMPARISON_SHEET, INITIATIVES, "History")

_SPEND = "spend "


#: Plans by name, or a list of plans (named 0, 1, ... as ``compare`` names them).
Plans = Mapping[Any, Plan] | Sequence[Plan]


def _named(table: pd.DataFrame, plans: Plans) -> dict[Any, Plan]:
    """The plans by name, in the table's order.

    Raises:
        InputError: naming ``plans`` when the table's rows are not the plans
            (the table must come from ``compare(plans)``).
    """
    named = dict(plans) if isinstance(plans, Mapping) else dict(enumerate(plans))
    if not named or list(table.index) != list(named):
        rows, given = list(table.index), list(named)
        raise InputError(
            [
                Problem(
                    "plans",
                    f"are {given!r} but the table's rows are {rows!r}; give the "
                    "plans the table was made of: compare(plans)",
                )
            ]
        )
    return named


def _tidy_table(table: pd.DataFrame, plans: Sequence[Plan]) -> pd.DataFrame:
    """The table with ``scenario`` as a column, its figures tidied."""
    money = [c for c in table.columns if str(c).startswith(_SPEND)]
    currency = plans[0].instance.currency
    frame = table.reset_index()
    return tidy_frame(frame, currency, money, ["gap"])


def comparison_data(
    table: pd.DataFrame,
    plans: Plans,
    *,
    provenance: Mapping[str, Any] | None = None,
    edits: Mapping[Any, Sequence[Mapping[str, Any]]] | None = None,
) -> dict[str, Any]:
    """The comparison as JSON data (see :func:`comparison_json`)."""
    named = _named(table, plans)
    found = list(named.values())
    rows = _tidy_table(table, found).to_dict("records")
    first = found[0]
    entries = []
    for row, plan in zip(rows, found, strict=True):
        spend = {
            str(k).removeprefix(_SPEND): v
            for k, v in row.items()
            if str(k).startswith(_SPEND)
        }
        has = plan.has_plan
        change = (
            changes_between(first.starts, plan.starts, first.variants, plan.variants)
            if has
            else None
        )
        entry: dict[str, Any] = {
            "name": row["scenario"],
            "status": row["status"],
            "verified": plan.verified,
            "objective": row["objective"],
            "bound": tidy(plan.bound),
            "gap": row["gap"],
            "delta": row["delta"],
            "added": change.added if change else None,
            "removed": change.removed if change else None,
            "moved": change.moved if change else None,
            "variant_changes": variant_changes(first, plan)
            if has and first.has_plan
            else None,
            "spend": spend,
            **{
                k: tidy_plan_data(plan.to_dict(), plan.instance)[k]
                for k in ("selected", "funding")
            },
            "messages": list(plan.messages),
        }
        if edits is not None:
            entry["edits"] = [dict(e) for e in edits.get(row["scenario"], [])]
        entries.append(entry)
    inst = first.instance
    data: dict[str, Any] = {
        "instance": inst.name,
        "currency": inst.currency,
        "periods": list(inst.periods),
        "options": dict(first.settings),
        "scenarios": entries,
    }
    if provenance is not None:
        data["provenance"] = dict(provenance)
    return _finite(data)


def _finite(value: Any) -> Any:
    """NaN and infinities (never valid JSON) as null; numpy scalars as Python."""
    if hasattr(value, "item") and not isinstance(value, str | list | dict):
        value = value.item()
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return tables.finite(value)


def comparison_json(
    table: pd.DataFrame,
    plans: Plans,
    *,
    provenance: Mapping[str, Any] | None = None,
    edits: Mapping[Any, Sequence[Mapping[str, Any]]] | None = None,
) -> str:
    """The comparison as JSON text.

    Args:
        table: what :func:`pathway_opt.compare` made of `plans`.
        plans: the plans by name in the table's order, or a list of them.
        provenance: where the run came from (input files, tool, time), as is.
        edits: each scenario's edits as data, by name (the base has none).

    Raises:
        InputError: if the table's rows are not the plans.
    """
    data = comparison_data(table, plans, provenance=provenance, edits=edits)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_comparison_json(
    table: pd.DataFrame,
    plans: Plans,
    path: str | Path,
    *,
    provenance: Mapping[str, Any] | None = None,
    edits: Mapping[Any, Sequence[Mapping[str, Any]]] | None = None,
) -> None:
    """Write :func:`comparison_json` atomically.

    Raises:
        OutputError: if the file cannot be written.
        InputError: if the table's rows are not the plans.
    """
    text = comparison_json(table, plans, provenance=provenance, edits=edits)
    write_atomic(path, text)


def comparison_tables(table: pd.DataFrame, plans: Plans) -> dict[str, pd.DataFrame]:
    """File name -> table of a comparison's CSV folder (``run.json`` aside).

    Raises:
        InputError: if the table's rows are not the plans.
    """
    named = _named(table, plans)
    out = {COMPARISON_FILE: _tidy_table(table, list(named.values()))}
    for name, (key, build) in _PLAN_TABLES.items():
        blocks = [
            tables.tidy_table(key, build(plan), plan).assign(scenario=scenario)
            for scenario, plan in named.items()
        ]
        full = [b for b in blocks if not b.empty] or blocks[:1]  # no empty concat
        joined = pd.concat(full, ignore_index=True)
        out[name] = joined[["scenario", *(c for c in joined if c != "scenario")]]
    return out


def write_comparison_csv(
    table: pd.DataFrame,
    plans: Plans,
    folder: str | Path,
    *,
    provenance: Mapping[str, Any] | None = None,
    edits: Mapping[Any, Sequence[Mapping[str, Any]]] | None = None,
) -> list[Path]:
    """Write the comparison's tables as CSV files and ``run.json`` into `folder`.

    UTF-8 with a byte-order mark, text safe from formulas, as a plan's CSV
    folder; the folder is written as a whole and files of an earlier run there
    (of a comparison or a plan) that this one does not write are removed.

    Returns:
        The files written, ``run.json`` last.

    Raises:
        OutputError: if the folder or a file cannot be written (the folder is
            then left as it was).
        InputError: if the table's rows are not the plans.
    """
    files: dict[str, str] = {
        name: "\ufeff" + csv_text(frame)
        for name, frame in comparison_tables(table, plans).items()
    }
    data = comparison_data(table, plans, provenance=provenance, edits=edits)
    data["files"] = list(COMPARISON_CSV_FILES)
    files[RUN_FILE] = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    replaces = (*COMPARISON_CSV_FILES, *csv_files(explanations=True))
    return write_folder(folder, files, replaces=replaces)


def scenario_sheets(names: Sequence[Any]) -> list[str]:
    """The workbook sheet of each plan: its name, made valid and distinct."""
    return sheet_names([str(n) for n in names], taken=_RESERVED_SHEETS)


def write_comparison_xlsx(table: pd.DataFrame, plans: Plans, path: str | Path) -> None:
    """Write the comparison workbook atomically.

    The Comparison sheet holds the table with a ``sheet`` column naming each
    plan's sheet (a name Excel would refuse, too long or used twice is changed
    there, see :func:`scenario_sheets`); then one sheet per plan lists its
    selected initiatives.

    Raises:
        OutputError: if the file cannot be written.
        InputError: if the table's rows are not the plans.
    """
    named = _named(table, plans)
    sheets = scenario_sheets(list(named))
    frame = _tidy_table(table, list(named.values()))
    frame.insert(1, "sheet", sheets)
    out = [(COMPARISON_SHEET, "Scenario comparison", frame)]
    for sheet, (name, plan) in zip(sheets, named.items(), strict=True):
        title = f"Selected in {name} ({plan.status.value})"
        out.append(
            (sheet, title, tables.tidy_table("selected", tables.selected(plan), plan))
        )
    write_tables_xlsx(out, path)
