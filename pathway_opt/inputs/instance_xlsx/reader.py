"""The workbook reader's bookkeeping: cells to JSON values, JSON paths to cells.

:class:`Reader` turns a cell into the JSON value the schema expects (numbers from
text as people type them, `2,000,000`, `85%`, `80万`; whole numbers; TRUE/FALSE
and their synonyms; known words in any case; `;`-separated lists) and records, for
every JSON path it fills, the cell the value came from. :meth:`Reader.locate`
then restates any problem the schema finds at a JSON path (``initiatives[3].cost
.central[1]``) at its cell (``costs_uses!E5``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pathway_opt.errors import Problem
from pathway_opt.excel import parse_list, typed_number
from pathway_opt.inputs.instance_xlsx.cells import Cell, SheetCells
from pathway_opt.inputs.instance_xlsx.layout import (
    DATA_SHEETS,
    REQUIRED_SHEETS,
    CellKind,
    normalise_key,
)

#: What a cell the reader could not use (an Excel error, a formula without a
#: result) stands for, so the cross-entity checks still run on the rest.
_STAND_IN: dict[CellKind, Any] = {
    "text": "",
    "id": "?",
    "number": 0.0,
    "int": 0,
    "bool": False,
    "list": ["?"],
    "where": "?",
    "ratio": 1.0,
}


@dataclass(frozen=True)
class Source:
    """Where a JSON value came from."""

    cell: str
    """`sheet!A1`, or a sheet name for the sheet as a whole."""
    label: str = ""
    """Names the value in messages, e.g. `success_probability`, `score TC`."""


@dataclass
class Reader:
    """Reads one workbook: its sheets, and what it has found so far."""

    sheets: dict[str, SheetCells]
    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    own: set[str] = field(default_factory=set)
    """JSON paths the reader already reported; the schema's word on them is dropped."""
    refused_variants: set[str] = field(default_factory=set)
    """Ids of variants rows refused for their initiative: their profile rows on
    costs_uses are skipped without a second problem."""

    def problem(self, at: Cell | str, message: str, path: str | None = None) -> None:
        """Report a problem at a cell; `path`: the JSON path it stands for."""
        where = at.ref if isinstance(at, Cell) else at
        self.problems.append(Problem(where, message))
        if path is not None:
            self.own.add(path)

    def note(self, path: str, at: Cell | str, label: str = "") -> None:
        """Record that the value at JSON `path` comes from cell `at`."""
        if not path:
            return
        self.sources[path] = Source(at.ref if isinstance(at, Cell) else at, label)

    # --- cells to JSON values -------------------------------------------------

    def value(
        self,
        cell: Cell,
        kind: CellKind,
        path: str,
        label: str,
        choices: tuple[str, ...] = (),
    ) -> Any:
        """The JSON value of a cell, None when blank (bad cells are reported).

        `choices`: known words an `id` cell is matched to ignoring case (`Must`
        reads as `must`); other text is kept as typed.
        """
        self.note(path, cell, label)
        if cell.error:
            self.problem(cell, f"{label} {cell.error}", path)
            return _STAND_IN[kind]
        raw = cell.value
        if raw is None:
            return None
        if label in PERIOD_LABELS and is_date(raw):
            self.problem(cell, f"{label} {date_advice(raw)}", path)
            return _STAND_IN[kind]
        if kind == "ratio" and is_date(raw):
            self.problem(cell, f"{label} {RATIO_DATE_ADVICE}", path)
            return _STAND_IN[kind]
        if kind == "text":  # kept exactly, even spaces or an empty string
            return raw if isinstance(raw, str) else as_text(raw)
        if cell.blank:
            return None
        if kind == "id":
            text = as_text(raw).strip()
            folded = {c.casefold(): c for c in choices}
            return folded.get(text.casefold(), text)
        if kind in ("number", "int", "ratio"):
            try:
                number = as_ratio(raw) if kind == "ratio" else as_number(raw)
            except ValueError as exc:
                self.problem(cell, f"{label}: {exc}", path)
                return _STAND_IN[kind]
            if label == PROBABILITY and _looks_like_percent(number):
                self.problem(
                    cell,
                    f"{label} must be at most 1, got {number:g}; did you mean "
                    f"{number / 100:g} ({number:g}%)?",
                    path,
                )
                return 1.0
            if kind == "int" and isinstance(number, float) and number.is_integer():
                return int(number)
            return number
        if kind == "bool":
            return as_bool(raw)
        try:
            items, separated = parse_list(as_text(raw))
        except ValueError as exc:
            self.problem(cell, f"{label}: {exc}", path)
            items, separated = parse_list(as_text(raw).replace('"', ""))
        for j, _ in enumerate(items):
            self.note(f"{path}[{j}]", cell, f"{label} (value {j + 1})")
        if kind == "where" and not separated and len(items) == 1:
            return items[0]
        return items

    # --- sheets -----------------------------------------------------------------

    def sheet(self, name: str) -> SheetCells | None:
        """A data sheet, or None (reported if the layout requires it)."""
        found = self.sheets.get(name)
        if found is None and name in REQUIRED_SHEETS:
            self.problem(
                name, f'the workbook has no sheet named "{name}"; add it', name
            )
        return found

    def columns(self, sheet: SheetCells, known: dict[str, Any]) -> dict[str, int]:
        """Map the sheet's fixed columns; report headers that are not known."""
        found: dict[str, int] = {}
        for col, header in sheet.headers.items():
            key = normalise_key(header)
            if key in known:
                if key in found:
                    self.problem(
                        sheet.header_cell(col), f'column "{key}" appears twice'
                    )
                found.setdefault(key, col)
        return found

    def unknown_columns(self, sheet: SheetCells, used: set[int], hint: str) -> None:
        """Report headers that are not `used`, and values under no header."""
        for col, header in sheet.headers.items():
            if col in sheet.dates:
                self.problem(
                    sheet.header_cell(col),
                    f"the header {date_advice(sheet.dates[col])}",
                )
            elif col not in used:
                self.problem(
                    sheet.header_cell(col),
                    f'unknown column "{header}"; the columns of {sheet.name} are '
                    f"{hint}",
                )
        for col in sheet.unnamed_columns(set(sheet.headers)):
            self.problem(
                sheet.header_cell(col),
                "this column has values but no header; add a header or clear it",
            )

    def locate(self, problem: Problem) -> Problem | None:
        """A schema problem at a JSON path, restated at its cell (None if ours)."""
        path = problem.path
        prefixes = _prefixes(path)
        if any(prefix in self.own for prefix in prefixes):
            return None
        for prefix in prefixes:
            source = self.sources.get(prefix)
            if source is not None:
                label = source.label if prefix == path else path
                message = _rows_for_positions(problem.message, path, self.sources)
                message = _cells_for_paths(message, self.sources)
                verb = re.match(r"(must|is|has|kind must) ", message)
                joined = f"{label} {message}" if verb else f"{label}: {message}"
                return Problem(source.cell, joined if label else message)
        return problem


def _cells_for_paths(message: str, sources: dict[str, Source]) -> str:
    """JSON paths quoted in a message (`budgets[0].id`) -> their cells."""

    def cell(match: re.Match[str]) -> str:
        source = sources.get(match.group(0))
        return source.cell if source is not None else match.group(0)

    return re.sub(r"(?<![\w.!\]])[a-z_]+\[\d+\](?:\.[a-z_]+)*", cell, message)


def _prefixes(path: str) -> list[str]:
    """`a[1].b.c[2]` -> [`a[1].b.c[2]`, `a[1].b.c`, `a[1].b`, `a[1]`, `a`]."""
    cuts = [m.start() for m in re.finditer(r"[.\[]", path)]
    return [path] + [path[:c] for c in reversed(cuts) if c > 0]


def _rows_for_positions(message: str, path: str, sources: dict[str, Source]) -> str:
    """`(positions 0, 3)` of a duplicate -> `(rows 2, 5)` of the workbook."""
    match = re.search(r"\(positions ([\d, ]+)\)", message)
    base = re.match(r"^(\w+)\[\d+\]$", path)
    if not match or not base:
        return message
    rows = []
    for position in match.group(1).split(","):
        source = sources.get(f"{base.group(1)}[{position.strip()}]")
        if source is None:
            return message
        rows.append(re.sub(r"^.*![A-Z]+", "", source.cell))
    return message.replace(match.group(0), f"(rows {', '.join(rows)})")


def as_text(value: Any) -> str:
    """A cell's value as text: `2027.0` -> `2027`, dates in ISO form."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text: str = value.isoformat()
        return text.removesuffix("T00:00:00")
    return str(value)


#: Labels of cells that name a period.
PERIOD_LABELS = frozenset({"period", "earliest_start", "latest_start"})
#: The label of a probability cell.
PROBABILITY = "success_probability"


def is_date(value: Any) -> bool:
    """Whether a cell holds a date (openpyxl gives a datetime or a date)."""
    return isinstance(value, dt.date)


def date_advice(value: dt.date) -> str:
    """`holds a date (2027-01-01); type the year, 2027`."""
    return (
        f"holds a date ({value.isoformat()[:10]}); type the year, {value.year} "
        "(format the cell as text if Excel keeps turning it into a date)"
    )


def _looks_like_percent(number: Any) -> bool:
    """A probability typed as a percentage without the `%` sign, e.g. 90."""
    return (
        isinstance(number, int | float)
        and not isinstance(number, bool)
        and 1 < number <= 100
    )


def as_number(value: Any) -> Any:
    """Numeric text as a number; anything else unchanged (the schema rejects it).

    Text is read as people type it (:func:`pathway_opt.excel.typed_number`):
    `2,000,000`, `85%`, `80万`.

    Raises:
        ValueError: for text whose separators are unclear, e.g. `1,5`.
    """
    if isinstance(value, str):
        number = typed_number(value)
        if number is None:
            return value
        return number if number == number and abs(number) != float("inf") else value
    return value


#: A fraction typed as text: `1/3`, `1 / 5`, `2.5/1`.
_FRACTION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*")

#: What to say of a ratio cell Excel turned into a date (`1/3` typed as is).
RATIO_DATE_ADVICE = (
    "holds a date: Excel read a fraction such as 1/3 as a date; type 0.333, or "
    "format the cell as text and type 1/3 again"
)


def as_ratio(value: Any) -> Any:
    """A ratio: a number, numeric text, or a fraction typed as text (`1/3`).

    Raises:
        ValueError: for a fraction over zero, or text whose separators are unclear.
    """
    if isinstance(value, str):
        match = _FRACTION.fullmatch(value)
        if match:
            top, bottom = float(match.group(1)), float(match.group(2))
            if bottom == 0:
                raise ValueError(f'"{value.strip()}" divides by zero')
            return top / bottom
    return as_number(value)


def as_bool(value: Any) -> Any:
    """TRUE/FALSE, yes/no, Y/N, 1/0, 是/否 (any case) as a boolean; else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold()
    return _BOOLEANS.get(text, value)


_BOOLEANS = {
    **dict.fromkeys(("true", "yes", "y", "1", "是"), True),
    **dict.fromkeys(("false", "no", "n", "0", "否"), False),
}


def sort_key(problem: Problem) -> tuple[int, int, int, str]:
    """Problems in workbook order: sheet, then row, then column."""
    sheet, _, cell = problem.path.partition("!")
    order = DATA_SHEETS.index(sheet) if sheet in DATA_SHEETS else len(DATA_SHEETS)
    match = re.fullmatch(r"([A-Z]*)(\d*)", cell)
    if not match:
        return (order, 0, 0, problem.path)
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return (order, int(digits or 0), column, problem.path)
