"""Writing instances as input workbooks (the layout of :mod:`.workbook_layout`).

:func:`write_instance_xlsx` writes an :class:`Instance` so that
:mod:`pathway_opt.inputs.instance_xlsx.read` reads it back into an equal instance.
Every sheet has
self-explaining headers with units, a comment on each header cell, data
validation (drop-down lists for `decision`, `kind`, and of suggestions for
`type`; numeric cells that refuse text) and a README sheet describing every column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pathway_opt.excel import (
    CellWriter,
    format_list,
    format_single,
    new_workbook,
    text_width,
)
from pathway_opt.files import write_atomic
from pathway_opt.inputs.instance_xlsx.funding_cells import format_budgets, format_shares
from pathway_opt.inputs.instance_xlsx.layout import (
    BUDGETS,
    COMPARISONS,
    COSTS_USES,
    CRITERIA,
    DATA_SHEETS,
    ELIGIBLE_PREFIX,
    FIXED_COLUMNS,
    INITIATIVES,
    LIST_HELP,
    NOTES,
    NOTES_COLUMN,
    PERIOD_FIELD,
    PERIOD_HELP,
    PROFILE_NOTES_COLUMN,
    README,
    RESOURCES,
    RULES,
    SETTINGS,
    SETTINGS_COLUMNS,
    SETTINGS_FIELDS,
    SHEET_HELP,
    UNCERTAINTY,
    VARIANT_COLUMN,
    VARIANTS,
    WEIGHT_FIELD,
    WHERE_FIELDS,
    Column,
    limit_header,
    score_header,
    year_header,
)
from pathway_opt.schema.entities import MAX_AMOUNT, MAX_COUNT, CostSpec, Where
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import (
    AverageRule,
    CountRule,
    RequiresRule,
    SpendShareRule,
    SynergyRule,
)

#: Data validation covers at least this many rows below the header.
VALIDATED_ROWS = 1000


@dataclass
class _Col:
    """A column as written: header, help, validation and whether it holds text."""

    header: str
    help: str
    validation: dict[str, Any] | None = None
    text: bool = False


@dataclass
class _Sheet:
    """A sheet as written: its columns and rows of values."""

    name: str
    columns: list[_Col]
    rows: list[list[Any]] = field(default_factory=list)
    freeze_cols: int = 1
    cell_validations: list[tuple[int, int, dict[str, Any]]] = field(
        default_factory=list
    )


def _number(low: float, high: float) -> dict[str, Any]:
    return {
        "validate": "decimal",
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "error_title": "A number is expected",
        "error_message": f"Enter a number from {low:g} to {high:g}.",
    }


def _whole(low: int, high: int) -> dict[str, Any]:
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "error_title": "A whole number is expected",
        "error_message": f"Enter a whole number from {low} to {high}.",
    }


def _choice(options: Sequence[str]) -> dict[str, Any]:
    return {
        "validate": "list",
        "source": list(options),
        "error_title": "Choose from the list",
        "error_message": "Choose one of: " + ", ".join(options),
    }


def _suggestions(options: Sequence[str]) -> dict[str, Any]:
    """A drop-down of suggestions that accepts other text after a warning."""
    return {
        "validate": "list",
        "source": list(options),
        "error_type": "warning",
        "error_title": "Not one of the usual values",
        "error_message": "Not one of the usual values in the list. Choose Yes "
        "to keep it as your own category, or No to pick from the list.",
    }


_AMOUNT = _number(0, MAX_AMOUNT)
_RANGES: dict[str, dict[str, Any]] = {
    "weight": _AMOUNT,
    "success_probability": _number(0, 1),
    "lag": _whole(0, MAX_COUNT),
    "count": _whole(0, MAX_COUNT),
    "bonus": _number(-MAX_AMOUNT, MAX_AMOUNT),
    # Saaty's scale; it also stops Excel from storing a typed 1/3 as a date
    "ratio": _number(0.111, 9),
}


#: Fixed columns written after the per-period or score columns, just before
#: `notes`: added later, they keep the older columns where planners know them.
_LATE = (
    "min_use",
    *(ELIGIBLE_PREFIX + leaf for leaf in WHERE_FIELDS),
    "decision_reason",
    "funded_by",
    "max_share",
)


def _fixed(sheet: str) -> list[_Col]:
    """The sheet's fixed columns but `notes` and the late ones (written last)."""
    return [
        _col(c) for c in FIXED_COLUMNS[sheet] if c.key != NOTES and c.key not in _LATE
    ]


def _late(sheet: str) -> list[_Col]:
    """The sheet's late fixed columns (see `_LATE`), in layout order."""
    return [_col(c) for c in FIXED_COLUMNS[sheet] if c.key in _LATE]


def _notes(text: str) -> str | None:
    """A notes cell: blank for no notes (read back as the default "")."""
    return text or None


def _col(c: Column) -> _Col:
    help_text = c.help + (" " + LIST_HELP if c.kind in ("list", "where") else "")
    if c.choices and c.suggest_only:
        validation: dict[str, Any] | None = _suggestions(c.choices)
    elif c.choices:
        validation = _choice(c.choices)
    elif c.kind == "bool":
        validation = _choice(("TRUE", "FALSE"))
    else:
        validation = _RANGES.get(c.key)
    text = c.kind in ("text", "id", "list", "where", "shares")
    return _Col(c.header, help_text, validation, text)


def _settings_sheet(inst: Instance) -> _Sheet:
    values: dict[str, Any] = {
        "name": inst.name,
        "description": inst.description,
        "currency": inst.currency,
        "delay_discount": inst.settings.delay_discount,
        "allow_beyond_horizon": inst.settings.allow_beyond_horizon,
        "accept_inconsistent_judgements": (
            inst.settings.accept_inconsistent_judgements
        ),
        NOTES: _notes(inst.notes),
    }
    # Rows that matter only sometimes are written only then: the notes row when
    # there are notes, the judgements' setting when there are judgements (or it
    # is set); the README sheet describes every row.
    judged = bool(inst.criteria_comparisons)
    shown = {
        NOTES: bool(inst.notes),
        "accept_inconsistent_judgements": judged
        or inst.settings.accept_inconsistent_judgements,
    }
    keys = [key for key in SETTINGS_FIELDS if shown.get(key, True)]
    rows = [[key, values[key], SETTINGS_FIELDS[key].help] for key in keys]
    rows += [
        [PERIOD_FIELD, p, PERIOD_HELP if k == 0 else None]
        for k, p in enumerate(inst.periods)
    ]
    columns = [_Col(c.header, c.help, text=c.key != "value") for c in SETTINGS_COLUMNS]
    boolean = _choice(("TRUE", "FALSE"))
    validated = {
        "delay_discount": _number(0, 1),
        "allow_beyond_horizon": boolean,
        "accept_inconsistent_judgements": boolean,
    }
    checks = [(1 + keys.index(k), 1, v) for k, v in validated.items() if k in keys]
    return _Sheet(SETTINGS, columns, rows, freeze_cols=1, cell_validations=checks)


def _criteria_sheet(inst: Instance) -> _Sheet:
    rows = [[c.id, c.name, c.weight, _notes(c.notes)] for c in inst.criteria]
    return _Sheet(CRITERIA, [*_fixed(CRITERIA), _col(NOTES_COLUMN)], rows)


def _comparisons_sheet(inst: Instance) -> _Sheet:
    rows = [
        [c.more, c.less, c.ratio, _notes(c.notes)] for c in inst.criteria_comparisons
    ]
    return _Sheet(COMPARISONS, [*_fixed(COMPARISONS), _col(NOTES_COLUMN)], rows)


def _budgets_sheet(inst: Instance) -> _Sheet:
    columns = (
        _fixed(BUDGETS)
        + [
            _Col(
                limit_header("limit", p, inst.currency or "money"),
                f"Money available in {p} ({inst.currency}). With carry_over, unspent "
                "money moves on to later periods.",
                _AMOUNT,
            )
            for p in inst.periods
        ]
        + _late(BUDGETS)
        + [_col(NOTES_COLUMN)]
    )
    rows = [
        [
            b.id,
            b.name,
            b.carry_over,
            *b.limits,
            _shares(b.min_use),
            *_where_cells(b.eligible),
            _notes(b.notes),
        ]
        for b in inst.budgets
    ]
    return _Sheet(BUDGETS, columns, rows)


def _where_cells(where: Where | None) -> list[str | None]:
    """A selector as its `type`, `department` and `partner` cells.

    A list is marked as one even with a single value (`a;`), so it reads back
    as a list.
    """
    cells: list[str | None] = []
    for key in WHERE_FIELDS:
        value = None if where is None else getattr(where, key)
        if isinstance(value, list):
            cells.append(format_list(value, mark_single=True))
        else:
            cells.append(None if value is None else format_single(value))
    return cells


def _shares(min_use: float | list[float] | None) -> float | str | None:
    """A budget's min_use as its cell: one number, or the shares joined by `;`."""
    if isinstance(min_use, list):
        return "; ".join(repr(float(v)) for v in min_use)  # exact: read back equal
    return min_use


def _resources_sheet(inst: Instance) -> _Sheet:
    columns = (
        _fixed(RESOURCES)
        + [
            _Col(
                limit_header("capacity", p, "unit"),
                f"Capacity available in {p}, in the row's unit.",
                _AMOUNT,
            )
            for p in inst.periods
        ]
        + [_col(NOTES_COLUMN)]
    )
    rows = [
        [r.id, r.name, r.unit, *r.capacity, _notes(r.notes)] for r in inst.resources
    ]
    return _Sheet(RESOURCES, columns, rows)


def _initiatives_sheet(inst: Instance) -> _Sheet:
    names = {c.id: c.name for c in inst.criteria}
    criteria = list(names)
    for ini in inst.initiatives:  # scores of unknown criteria (invalid instances)
        criteria += [c for c in ini.scores if c not in criteria]
    columns = (
        _fixed(INITIATIVES)
        + [
            _Col(
                score_header(c),
                f"Score on criterion {c} ({names.get(c, '?')}): non-negative; blank "
                "means not scored (0).",
                _AMOUNT,
            )
            for c in criteria
        ]
        + _late(INITIATIVES)
        + [_col(NOTES_COLUMN)]
    )
    rows = [
        [
            ini.id,
            ini.name,
            ini.type,
            ini.department,
            ini.partner,
            ini.success_probability,
            ini.earliest_start,
            ini.latest_start,
            ini.decision,
            *(ini.scores.get(c) for c in criteria),
            ini.decision_reason or None,
            format_budgets(ini.funded_by),
            format_shares(ini.max_share),
            _notes(ini.notes),
        ]
        for ini in inst.initiatives
    ]
    return _Sheet(INITIATIVES, columns, rows)


def _criteria_of(inst: Instance) -> list[str]:
    """Criterion ids for score columns: the criteria's, then any unknown ones."""
    criteria = [c.id for c in inst.criteria]
    for ini in inst.initiatives:  # scores of unknown criteria (invalid instances)
        for scores in [ini.scores, *(v.scores or {} for v in ini.variants)]:
            criteria += [c for c in scores if c not in criteria]
    return criteria


def _variants_sheet(inst: Instance) -> _Sheet:
    names = {c.id: c.name for c in inst.criteria}
    criteria = _criteria_of(inst)
    columns = (
        [_col(c) for c in FIXED_COLUMNS[VARIANTS] if c.key != NOTES]
        + [
            _Col(
                score_header(c),
                f"Score on criterion {c} ({names.get(c, '?')}), replacing the "
                "initiative's; blank: the initiative's score.",
                _AMOUNT,
            )
            for c in criteria
        ]
        + [_col(NOTES_COLUMN)]
    )
    rows = [
        [
            ini.id,
            v.id,
            v.name or None,
            v.success_probability,
            v.earliest_start,
            v.latest_start,
            format_budgets(v.funded_by),
            format_shares(v.max_share),
            *((v.scores or {}).get(c) for c in criteria),
            _notes(v.notes),
        ]
        for ini in inst.initiatives
        for v in ini.variants
    ]
    return _Sheet(VARIANTS, columns, rows, freeze_cols=2)


def _profile_rows(
    key: list[Any],
    cost: CostSpec | None,
    uses: dict[str, list[float]] | None,
    variant: bool = False,
) -> list[list[Any]]:
    """Cost and use rows, each starting with `key` (initiative, maybe variant).

    A variant's cost of nothing (`[]`, or `{}`) is a cost row without amounts:
    it replaces the initiative's cost; the initiative's own is simply no row.
    """
    rows: list[list[Any]] = []
    if isinstance(cost, dict) and cost:
        rows += [[*key, "cost", b, *p] for b, p in cost.items()]
    elif cost or (cost is not None and variant):
        rows.append([*key, "cost", None, *cost])
    rows += [[*key, "use", r, *p] for r, p in (uses or {}).items()]
    return rows


def _costs_uses_sheet(inst: Instance) -> _Sheet:
    # The variant column is written only when there are variants: workbooks
    # without them keep the columns planners know.
    varied = any(ini.variants for ini in inst.initiatives)
    rows: list[list[Any]] = []
    for ini in inst.initiatives:
        key = [ini.id, None] if varied else [ini.id]
        rows += _profile_rows(key, ini.cost, ini.uses)
        for v in ini.variants:
            rows += _profile_rows([ini.id, v.id], v.cost, v.uses, variant=True)
    fixed = [c for c in FIXED_COLUMNS[COSTS_USES] if varied or c.key != VARIANT_COLUMN]
    years = max([len(inst.periods), *(len(r) - len(fixed) for r in rows)])
    columns = (
        [_col(c) for c in fixed]
        + [
            _Col(
                year_header(k),
                (
                    "Amount in the start period"
                    if k == 0
                    else f"Amount {k} period(s) later"
                )
                + f": money ({inst.currency}) for a cost row, the resource's unit "
                "for a use row. Blank after the last amount: the profile has ended.",
                _AMOUNT,
            )
            for k in range(years)
        ]
        + [_col(PROFILE_NOTES_COLUMN)]
    )
    return _Sheet(COSTS_USES, columns, rows)


def _rules_sheet(inst: Instance) -> _Sheet:
    rows: list[list[Any]] = []
    for rule in inst.rules:
        row: dict[str, Any] = {"kind": rule.kind, NOTES: _notes(rule.notes)}
        if isinstance(rule, RequiresRule):
            row.update(
                initiative=rule.initiative, on=format_list(rule.on), lag=rule.lag
            )
        elif isinstance(rule, SynergyRule):
            row.update(members=format_list(rule.members), bonus=rule.bonus)
        else:
            if isinstance(rule, CountRule):
                row["count"] = rule.count
            if rule.members is not None:
                row["members"] = format_list(rule.members)
            if rule.where is not None:
                for key, cell in zip(
                    WHERE_FIELDS, _where_cells(rule.where), strict=True
                ):
                    row[f"where_{key}"] = cell
        if isinstance(rule, SpendShareRule | AverageRule):
            row.update(at_least=rule.at_least, at_most=rule.at_most)
        if isinstance(rule, AverageRule):
            row["field"] = rule.field
        if isinstance(rule, SpendShareRule):
            if rule.budget is not None:
                row["budget"] = rule.budget
            if rule.periods is not None:
                row["periods"] = format_list(rule.periods)
        rows.append([row.get(c.key) for c in FIXED_COLUMNS[RULES] if c.key != NOTES])
        rows[-1].append(row[NOTES])
    columns = [*_fixed(RULES), _col(NOTES_COLUMN)]
    return _Sheet(RULES, columns, rows, freeze_cols=1)


def _uncertainty_sheet(inst: Instance) -> _Sheet:
    rows: list[list[Any]] = [
        [c.id, WEIGHT_FIELD, *c.weight_range, None]
        for c in inst.criteria
        if c.weight_range is not None
    ]
    for ini in inst.initiatives:
        spread = ini.uncertainty
        if spread is None:
            continue
        rows += [
            [ini.id, score_header(c), *bounds, None]
            for c, bounds in spread.scores.items()
        ]
        for key in ("success_probability", "cost_factor"):
            bounds = getattr(spread, key)
            if bounds is not None:
                rows.append([ini.id, key, *bounds, None])
    columns = [*_fixed(UNCERTAINTY), _col(PROFILE_NOTES_COLUMN)]
    for col in columns[2:4]:
        col.validation = _AMOUNT
    return _Sheet(UNCERTAINTY, columns, rows)


def _readme_rows() -> list[tuple[str, str]]:
    rows = [
        ("pathway-opt input workbook", ""),
        (
            "How to fill it in",
            "One sheet per part of the instance. Row 1 of each sheet is the header "
            "(hover over a header for its meaning); every row below it is one "
            "entry. Replace the example rows with your own; leave a cell blank to "
            "use the default. Sheets and columns other than those below are "
            "ignored, except that an unknown column on a data sheet is an error. "
            "Check the file with `pathway-opt validate FILE.xlsx` and solve it "
            "with `pathway-opt solve FILE.xlsx`.",
        ),
        ("Lists", LIST_HELP),
        ("", ""),
    ]
    for sheet in DATA_SHEETS:
        rows.append((sheet, SHEET_HELP[sheet]))
        if sheet == SETTINGS:
            rows += [(f"  {k}", f.help) for k, f in SETTINGS_FIELDS.items()]
            rows.append((f"  {PERIOD_FIELD}", PERIOD_HELP))
        fixed = FIXED_COLUMNS.get(sheet, ())
        rows += [(f"  {c.header}", c.help) for c in fixed if c.key != NOTES]
        extra = {
            BUDGETS: ("  limit <period> (<currency>)", "Money available per period."),
            RESOURCES: ("  capacity <period> (unit)", "Capacity per period."),
            INITIATIVES: ("  score <criterion>", "Score on each criterion (≥ 0)."),
            VARIANTS: (
                "  score <criterion>",
                "The version's score on a criterion (≥ 0); blank: the initiative's.",
            ),
            COSTS_USES: ("  year +0, year +1, ...", "The profile by year since start."),
        }.get(sheet)
        if extra:
            rows.append(extra)
        if sheet in (COSTS_USES, UNCERTAINTY):
            rows.append((f"  {NOTES}", PROFILE_NOTES_COLUMN.help))
        elif any(c.key == NOTES for c in fixed):
            rows.append((f"  {NOTES}", NOTES_COLUMN.help))
        rows.append(("", ""))
    return rows


def _write_readme(wb: Any) -> None:
    ws = wb.add_worksheet(README)
    title = wb.add_format({"bold": True, "font_size": 14})
    bold = wb.add_format({"bold": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    cells = CellWriter(ws, exact=True)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 100)
    for r, (key, text) in enumerate(_readme_rows()):
        cells.write(r, 0, key, title if r == 0 else bold)
        cells.write(r, 1, text, wrap)
        lines = -(-text_width(text) // 95)  # wrapped lines in a 100-wide column
        if lines > 1:
            ws.set_row(r, 15 * lines)


def _write_sheet(wb: Any, sheet: _Sheet) -> None:
    ws = wb.add_worksheet(sheet.name)
    cells = CellWriter(ws, exact=True)
    header = wb.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"}
    )
    text = wb.add_format({"num_format": "@"})
    last = max(len(sheet.rows) + 200, VALIDATED_ROWS)
    for col, spec in enumerate(sheet.columns):
        cells.write(0, col, spec.header, header)
        if spec.help:
            ws.write_comment(0, col, spec.help, {"x_scale": 2.5, "y_scale": 2})
        values = [r[col] for r in sheet.rows if col < len(r)]
        width = max([min(text_width(spec.header), 22), *map(text_width, values)])
        ws.set_column(col, col, min(max(width + 2, 8), 60), text if spec.text else None)
        if spec.validation:
            ws.data_validation(1, col, last, col, spec.validation)
    for row_at, col_at, check in sheet.cell_validations:
        ws.data_validation(row_at, col_at, row_at, col_at, check)
    for r, row in enumerate(sheet.rows, start=1):
        for col, value in enumerate(row):
            cells.write(r, col, value)
    ws.set_row(0, 32)
    ws.freeze_panes(1, sheet.freeze_cols)
    ws.ignore_errors({"number_stored_as_text": f"A1:XFD{last + 1}"})


def instance_workbook_bytes(inst: Instance) -> bytes:
    """The input workbook of an instance, as the bytes of an .xlsx file.

    Raises:
        OutputError: if a text is too long for an Excel cell.
    """
    wb, buffer = new_workbook()
    _write_readme(wb)
    builders = (
        _settings_sheet,
        _criteria_sheet,
        _comparisons_sheet,
        _budgets_sheet,
        _resources_sheet,
        _initiatives_sheet,
        _variants_sheet,
        _costs_uses_sheet,
        _rules_sheet,
        _uncertainty_sheet,
    )
    for build in builders:
        _write_sheet(wb, build(inst))
    wb.close()
    return buffer.getvalue()


def write_instance_xlsx(inst: Instance, path: str | Path) -> None:
    """Write an instance as an input workbook, atomically.

    Raises:
        OutputError: if the file cannot be written.
    """
    write_atomic(path, instance_workbook_bytes(inst))
