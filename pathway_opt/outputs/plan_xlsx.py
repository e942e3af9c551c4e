"""The plan workbook: a Summary sheet and one Excel table per plan table.

Sheets: Summary, Selected, Schedule (a Gantt-like grid of cost per period), Budgets
(with a native chart of budget use per period), Funding (the split of funded
initiatives' costs among budgets, when an initiative has ``funded_by``), Resources,
Rules and Not selected; a plan that carries explanations adds Why, Bottlenecks (a heat
map of utilisation), Binding and Repairs. Each table is an Excel table object (filters,
pivots), headers are frozen, columns sized, money / percentages formatted. Text is
always written as text, and NaN or infinities become blank cells. A plan without a
solution gets its Summary (status, messages) and empty tables that say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from pathway_opt.excel import CellWriter, new_workbook, text_width
from pathway_opt.files import write_atomic
from pathway_opt.outputs import explanation_tables as why_tables
from pathway_opt.outputs import funding_tables
from pathway_opt.outputs import plan_tables as tables
from pathway_opt.outputs.explanation_tables import NumberKind
from pathway_opt.outputs.provenance import Provenance, make_provenance
from pathway_opt.plan import Plan

#: Excel number formats by the kind of figure.
NUMBER_FORMATS: dict[NumberKind, str] = {
    "money": "#,##0",
    "quantity": "#,##0.00",
    "value": "0.000",
    "percent": "0.0%",
    "whole": "0",
    "precise": "0.000000",
    "gap": "0.00%",
}
TABLE_STYLE = "Table Style Medium 2"
HEADER_ROW = 1  # row 0 holds the sheet's title line


@dataclass
class _Table:
    sheet: str
    name: str
    title: str
    frame: pd.DataFrame
    formats: dict[str, NumberKind] = field(default_factory=dict)
    """Column -> the kind of figure it holds."""
    freeze_cols: int = 1
    total_row: bool = False


def _tables(plan: Plan) -> list[_Table]:
    inst = plan.instance
    cur = inst.currency
    frames = {
        "selected": tables.selected(plan),
        "schedule": tables.schedule(plan),
        "budgets": tables.budgets(plan),
        "resources": tables.resources(plan),
        "rules": tables.rules(plan),
        "not_selected": tables.not_selected(plan),
    }
    frames = {k: tables.tidy_table(k, f, plan) for k, f in frames.items()}
    titles = {
        "selected": f"Selected initiatives: {len(frames['selected'])} of "
        f"{len(inst.initiatives)}. variant: the version run (blank: as given); "
        "expected_value in score points (after delay discount); total_cost in "
        f"{cur}, all budgets, whole profile of the version run.",
        "schedule": f"Schedule: money ({cur}) each selected initiative spends per "
        "period; 0 = running without cost, blank = not running.",
        "budgets": f"Budgets per period ({cur}). slack and utilisation refer to the "
        "limit that applies (cumulative for carry-over budgets).",
        "resources": "Resources per period, in each resource's unit; utilisation = "
        "used / capacity.",
        "rules": "Rules: satisfied by the plan; binding = count met with equality, "
        "requires lag met exactly, or synergy earned.",
        "not_selected": "Initiatives not selected: expected_value at the earliest "
        f"start (score points); total_cost in {cur}; reason: why, from this plan "
        "(an explanation of the initiative gives the exact price).",
    }
    empty = {"budgets": "budgets", "resources": "resources", "rules": "rules"}
    for key, noun in empty.items():
        if plan.has_plan and frames[key].empty:
            titles[key] = f"This instance has no {noun}."
    if not plan.has_plan:
        titles = {
            k: f"No plan: status {plan.status.value}. See the Summary sheet for why; "
            "this table is empty."
            for k in titles
        }
    money: dict[str, NumberKind] = {p: "money" for p in inst.periods}
    return [
        _Table(
            sheet="Selected",
            name="Selected",
            title=titles["selected"],
            frame=frames["selected"],
            formats={"expected_value": "value", "total_cost": "money"},
        ),
        _Table(
            sheet="Schedule",
            name="Schedule",
            title=titles["schedule"],
            frame=frames["schedule"],
            formats=money,
            freeze_cols=2,
            total_row=plan.has_plan,
        ),
        _Table(
            sheet="Budgets",
            name="Budgets",
            title=titles["budgets"],
            frame=frames["budgets"],
            formats={
                "limit": "money",
                "used": "money",
                "slack": "money",
                "utilisation": "percent",
                "cumulative_limit": "money",
                "cumulative_used": "money",
            },
        ),
        _Table(
            sheet="Resources",
            name="Resources",
            title=titles["resources"],
            frame=frames["resources"],
            formats={
                "capacity": "quantity",
                "used": "quantity",
                "slack": "quantity",
                "utilisation": "percent",
            },
        ),
        _Table(
            sheet="Rules",
            name="Rules",
            title=titles["rules"],
            frame=frames["rules"],
            formats={
                "rule": "whole",
                "selected_members": "whole",
                "bonus_earned": "value",
            },
        ),
        _Table(
            sheet="Not selected",
            name="NotSelected",
            title=titles["not_selected"],
            frame=frames["not_selected"],
            formats={"expected_value": "value", "total_cost": "money"},
        ),
    ]


def _funding_tables(plan: Plan) -> list[_Table]:
    """The Funding sheet, when an initiative's cost may be split among budgets."""
    if not funding_tables.has_funding(plan.instance):
        return []
    frame = tables.tidy_table("funding", funding_tables.funding(plan), plan)
    title = (
        f"Funding ({plan.instance.currency}): what each budget pays of a funded "
        "initiative's cost per period, as the optimizer split it within funded_by "
        "and max_share; share = amount / the initiative's cost in that period. "
        "Budgets' use includes these amounts."
    )
    if not plan.has_plan:
        title = (
            f"No plan: status {plan.status.value}. See the Summary sheet for why; "
            "this table is empty."
        )
    return [
        _Table(
            sheet="Funding",
            name="Funding",
            title=title,
            frame=frame,
            formats={"amount": "money", "share": "percent"},
        )
    ]


def _explanation_tables(plan: Plan) -> list[_Table]:
    """Why, Bottlenecks, Binding and Repairs, when the plan carries explanations."""
    if not why_tables.has_explanations(plan):
        return []
    specs = []
    for sheet in why_tables.SHEETS:
        frame = tables.tidy_table(
            sheet.table, why_tables.TABLES[sheet.table](plan), plan
        )
        formats = sheet.formats
        if sheet.table == "bottlenecks":
            formats = {c: "percent" for c in frame.columns if c != "period"}
        empty = " (empty: nothing to show for this plan)" if frame.empty else ""
        specs.append(
            _Table(
                sheet=sheet.sheet,
                name=sheet.sheet,
                title=sheet.title + empty,
                frame=frame,
                formats=formats,
            )
        )
    return specs


class _Book:
    """An XlsxWriter workbook with the formats every sheet shares."""

    def __init__(self) -> None:
        self.wb, self.buffer = new_workbook()
        self.title = self.wb.add_format({"bold": True, "font_size": 12})
        self.formats = {
            k: self.wb.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()
        }

    def fmt(self, kind: NumberKind | None) -> Any:
        return self.formats.get(kind) if kind else None


def _header_names(columns: list[str]) -> list[str]:
    """Excel table headers must be unique ignoring case."""
    seen: set[str] = set()
    names = []
    for column in columns:
        name, n = str(column), 2
        while name.lower() in seen:
            name, n = f"{column} ({n})", n + 1
        seen.add(name.lower())
        names.append(name)
    return names


def _write_table(book: _Book, spec: _Table) -> Any:
    ws = book.wb.add_worksheet(spec.sheet)
    cells = CellWriter(ws, exact=False)
    cells.write(0, 0, spec.title, book.title)
    frame = spec.frame
    columns = list(frame.columns)
    records = [list(row) for row in frame.itertuples(index=False)]
    last = HEADER_ROW + max(len(records), 1) + (1 if spec.total_row else 0)
    headers = _header_names(columns)
    table_columns: list[dict[str, Any]] = []
    for col, (column, header) in enumerate(zip(columns, headers, strict=True)):
        entry: dict[str, Any] = {"header": header}
        fmt = book.fmt(spec.formats.get(column))
        if fmt is not None:
            entry["format"] = fmt
        if spec.total_row:
            if col == 0:
                entry["total_string"] = "Total"
            elif spec.formats.get(column) == "money":
                entry["total_function"] = "sum"
                total = sum(tables.finite(r[col]) or 0.0 for r in records)
                entry["total_value"] = total
        table_columns.append(entry)
    ws.add_table(
        HEADER_ROW,
        0,
        last,
        len(columns) - 1,
        {
            "name": spec.name,
            "columns": table_columns,
            "style": TABLE_STYLE,
            "total_row": spec.total_row,
        },
    )
    for r, record in enumerate(records, start=HEADER_ROW + 1):
        for col, value in enumerate(record):
            cells.write(r, col, value, book.fmt(spec.formats.get(columns[col])))
    for col, header in enumerate(headers):
        width = max([text_width(header) + 3, *(text_width(r[col]) for r in records)])
        ws.set_column(col, col, min(max(width + 1, 6), 50))
    ws.freeze_panes(HEADER_ROW + 1, spec.freeze_cols)
    _print_setup(ws)
    return ws


def _print_setup(ws: Any) -> None:
    """Printed: landscape, one page wide, title and header repeated on each page."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, HEADER_ROW)


def _decorate(book: _Book, spec: _Table, ws: Any) -> None:
    """Gantt colours on the schedule, data bars on utilisation, the budget chart."""
    n = len(spec.frame)
    if n == 0:
        return
    first, last = HEADER_ROW + 1, HEADER_ROW + n
    if spec.sheet == "Schedule" and len(spec.frame.columns) > 3:
        right = len(spec.frame.columns) - 1
        for criteria, colour in ((">", "#5B9BD5"), ("==", "#DDEBF7")):
            shade = {
                "type": "cell",
                "criteria": criteria,
                "value": 0,
                "format": book.wb.add_format({"bg_color": colour}),
            }
            ws.conditional_format(first, 3, last, right, shade)
    if spec.sheet == "Bottlenecks" and len(spec.frame.columns) > 1:
        heat = {
            "type": "3_color_scale",
            "min_type": "num",
            "min_value": 0,
            "mid_type": "num",
            "mid_value": 0.75,
            "max_type": "num",
            "max_value": 1,
            "min_color": "#FFFFFF",
            "mid_color": "#FFD966",
            "max_color": "#C00000",
        }
        ws.conditional_format(first, 1, last, len(spec.frame.columns) - 1, heat)
    if "utilisation" in spec.frame.columns:
        col = list(spec.frame.columns).index("utilisation")
        bars = {
            "type": "data_bar",
            "bar_color": "#F4B183",
            "min_type": "num",
            "min_value": 0,
            "max_type": "num",
            "max_value": 1,
        }
        ws.conditional_format(first, col, last, col, bars)
    if spec.sheet == "Budgets":
        _budget_charts(book, spec, ws)


def _budget_charts(book: _Book, spec: _Table, ws: Any) -> None:
    """One chart per budget: money used per period (columns) against the limit."""
    frame = spec.frame
    col = {c: k for k, c in enumerate(frame.columns)}
    anchor = len(frame.columns) + 1
    for k, (budget, group) in enumerate(frame.groupby("budget", sort=False)):
        top = HEADER_ROW + 1 + int(group.index[0])
        bottom = HEADER_ROW + 1 + int(group.index[-1])
        cats = [spec.sheet, top, col["period"], bottom, col["period"]]
        chart = book.wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "used",
                "categories": cats,
                "values": [spec.sheet, top, col["used"], bottom, col["used"]],
                "fill": {"color": "#5B9BD5"},
            },
        )
        lines = book.wb.add_chart({"type": "line"})
        names = ["limit"]
        if bool(group["carry_over"].iloc[0]):
            names += ["cumulative_used", "cumulative_limit"]
        for name in names:
            lines.add_series(
                {
                    "name": name.replace("_", " "),
                    "categories": cats,
                    "values": [spec.sheet, top, col[name], bottom, col[name]],
                    "marker": {"type": "circle"},
                    "line": {"dash_type": "dash" if "cumulative" in name else "solid"},
                },
            )
        chart.combine(lines)
        carry = " (carry-over: the cumulative limit applies)" if len(names) > 1 else ""
        chart.set_title(
            {
                "name": f"Budget {budget}: use per period{carry}",
                "name_font": {"size": 11},
            }
        )
        chart.set_y_axis({"num_format": NUMBER_FORMATS["money"]})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": 300})
        ws.insert_chart(HEADER_ROW, anchor, chart, {"y_offset": 310 * k})


def _write_summary(book: _Book, plan: Plan, prov: Provenance) -> None:
    kinds: dict[str, NumberKind] = {
        "objective": "precise",
        "bound": "precise",
        "gap": "gap",
    }
    rows = tables.summary_rows(tables.summary(plan, prov))
    _write_fields(book, f"pathway-opt plan: {plan.instance.name}", rows, kinds)


def _write_fields(
    book: _Book,
    title: str,
    rows: Sequence[tuple[str, Any]],
    kinds: Mapping[str, NumberKind],
) -> None:
    """The Summary sheet: a title line, then a two-column table of fields."""
    ws = book.wb.add_worksheet("Summary")
    cells = CellWriter(ws, exact=False)
    cells.write(0, 0, title, book.title)
    ws.add_table(
        HEADER_ROW,
        0,
        HEADER_ROW + len(rows),
        1,
        {
            "name": "Summary",
            "columns": [{"header": "field"}, {"header": "value"}],
            "style": TABLE_STYLE,
        },
    )
    for r, (key, value) in enumerate(rows, start=HEADER_ROW + 1):
        cells.write(r, 0, key)
        cells.write(r, 1, value, book.fmt(kinds.get(key)))
    ws.set_column(0, 0, max(text_width(k) for k, _ in rows) + 2)
    ws.set_column(1, 1, min(max(text_width(v) for _, v in rows) + 2, 90))
    ws.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(ws)


def plan_workbook_bytes(plan: Plan, provenance: Provenance | None = None) -> bytes:
    """The plan workbook as the bytes of an .xlsx file."""
    book = _Book()
    _write_summary(book, plan, provenance or make_provenance())
    specs = _tables(plan)
    after = next(k for k, t in enumerate(specs) if t.sheet == "Budgets") + 1
    specs[after:after] = _funding_tables(plan)
    for spec in [*specs, *_explanation_tables(plan)]:
        _decorate(book, spec, _write_table(book, spec))
    book.wb.close()
    return book.buffer.getvalue()


def write_plan_xlsx(
    plan: Plan,
    path: str | Path,
    *,
    source: str | Path | None = None,
    run_at: datetime | None = None,
    provenance: Provenance | None = None,
) -> None:
    """Write the plan workbook atomically.

    Args:
        plan: the plan to write.
        path: the .xlsx file to write.
        source: the instance file, named and hashed in the Summary.
        run_at: when the run started (default: now).
        provenance: all of the above at once (overrides `source`, `run_at`).

    Raises:
        OutputError: if the file cannot be written.
    """
    prov = provenance or make_provenance(source, run_at)
    write_atomic(path, plan_workbook_bytes(plan, prov))


@dataclass(frozen=True)
class Sheet:
    """One sheet of a tables workbook: a title line above an Excel table."""

    sheet: str
    title: str
    frame: pd.DataFrame
    formats: Mapping[str, NumberKind] = field(default_factory=dict)
    """Column -> the kind of figure it holds (its number format)."""
    freeze_cols: int = 1


def write_sheets_xlsx(
    sheets: Sequence[Sheet],
    path: str | Path,
    *,
    title: str = "",
    summary: Sequence[tuple[str, Any]] = (),
) -> None:
    """Write a Summary sheet (``title``, ``summary`` fields) and tables, atomically.

    Formatted as the plan workbook is: number formats by kind, frozen headers,
    sized columns, printed one page wide. No Summary sheet without fields.

    Raises:
        OutputError: if the file cannot be written.
    """
    book = _Book()
    if summary:
        _write_fields(book, title, summary, {})
    for k, spec in enumerate(sheets):
        table = _Table(
            sheet=spec.sheet,
            name=f"Table{k + 1}",
            title=spec.title,
            frame=spec.frame,
            formats=dict(spec.formats),
            freeze_cols=spec.freeze_cols,
        )
        _write_table(book, table)
    book.wb.close()
    write_atomic(path, book.buffer.getvalue())


def write_tables_xlsx(
    tables_: list[tuple[str, str, pd.DataFrame]], path: str | Path
) -> None:
    """Write plain tables (sheet name, title, frame) as Excel tables, atomically.

    Raises:
        OutputError: if the file cannot be written.
    """
    book = _Book()
    for k, (sheet, title, frame) in enumerate(tables_):
        _write_table(
            book, _Table(sheet=sheet, name=f"Table{k + 1}", title=title, frame=frame)
        )
    book.wb.close()
    write_atomic(path, book.buffer.getvalue())
