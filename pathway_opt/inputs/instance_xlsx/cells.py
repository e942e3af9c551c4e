"""Low-level workbook reading: the non-blank cells of each sheet, with openpyxl.

Formulas are replaced by the result Excel saved with them (a formula without a
saved result, or an Excel error such as ``#DIV/0!``, becomes a cell with an
``error`` the reader reports). Text is un-escaped the way Excel escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pathway_opt.excel import unescape_text


def column_letter(col: int) -> str:
    """1 -> `A`, 27 -> `AA`."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    """One cell's value (None when empty) and, if it cannot be used, why."""

    sheet: str
    row: int
    column: int
    value: Any = None
    error: str = ""

    @property
    def ref(self) -> str:
        """`sheet!B7`."""
        return f"{self.sheet}!{column_letter(self.column)}{self.row}"

    @property
    def blank(self) -> bool:
        """Empty, or only spaces (an error cell is not blank)."""
        if self.error:
            return False
        return self.value is None or (
            isinstance(self.value, str) and not self.value.strip()
        )


@dataclass
class Row:
    """A data row: its number in the sheet and its non-empty cells by column."""

    sheet: str
    number: int
    cells: dict[int, Cell] = field(default_factory=dict)

    def cell(self, col: int) -> Cell:
        """The cell in column `col` (1-based), empty if nothing is there."""
        return self.cells.get(col) or Cell(self.sheet, self.number, col)


@dataclass
class SheetCells:
    """A data sheet: header texts (row 1) and the non-blank rows below."""

    name: str
    headers: dict[int, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    @property
    def width(self) -> int:
        """The last column used anywhere."""
        used = [*self.headers, *(c for r in self.rows for c in r.cells)]
        return max(used, default=0)

    def header_cell(self, col: int) -> str:
        """`sheet!C1`."""
        return f"{self.name}!{column_letter(col)}1"

    def unnamed_columns(self, named: set[int]) -> list[int]:
        """Columns that hold values but have no header."""
        used = {c for r in self.rows for c, cell in r.cells.items() if not cell.blank}
        return sorted(used - named)


def _load(source: str | Path | IO[bytes], data_only: bool) -> Any:
    import openpyxl  # type: ignore[import-untyped, unused-ignore]

    if not isinstance(source, str | Path):
        source.seek(0)
    return openpyxl.load_workbook(source, read_only=True, data_only=data_only)


def read_cells(
    source: str | Path | IO[bytes], names: Iterable[str]
) -> dict[str, SheetCells]:
    """The sheets named `names` (matched ignoring case), by those names."""
    book = _load(source, data_only=False)
    results: Any = None
    try:
        by_title = {ws.title.strip().lower(): ws for ws in book.worksheets}
        sheets: dict[str, SheetCells] = {}
        for name in names:
            ws = by_title.get(name.lower())
            if ws is None:
                continue
            raw = _raw_cells(ws)
            if any(t == "f" for _, t in raw.values()):
                results = results or _load(source, data_only=True)
                saved = _raw_cells(results[ws.title])
            else:
                saved = {}
            sheets[name] = _sheet(name, raw, saved)
        return sheets
    finally:
        book.close()
        if results is not None:
            results.close()


def _raw_cells(ws: Any) -> dict[tuple[int, int], tuple[Any, str]]:
    ws.reset_dimensions()  # trust the cells, not a stored (maybe stale) size
    found: dict[tuple[int, int], tuple[Any, str]] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or not hasattr(cell, "row"):
                continue
            found[cell.row, cell.column] = (cell.value, cell.data_type)
    return found


def _sheet(
    name: str,
    raw: dict[tuple[int, int], tuple[Any, str]],
    saved: dict[tuple[int, int], tuple[Any, str]],
) -> SheetCells:
    sheet = SheetCells(name)
    rows: dict[int, Row] = {}
    for (r, c), (value, kind) in sorted(raw.items()):
        cell = _cell(name, r, c, value, kind, saved)
        if r == 1:
            if not cell.blank:
                sheet.headers[c] = str(cell.value).strip()
            continue
        rows.setdefault(r, Row(name, r)).cells[c] = cell
    sheet.rows = [
        row
        for _, row in sorted(rows.items())
        if any(not c.blank for c in row.cells.values())
    ]
    return sheet


def _cell(
    name: str,
    r: int,
    c: int,
    value: Any,
    kind: str,
    saved: dict[tuple[int, int], tuple[Any, str]],
) -> Cell:
    if kind == "f":
        formula = str(value)
        value, kind = saved.get((r, c), (None, "n"))
        if value is None:
            return Cell(
                name,
                r,
                c,
                error=f"holds a formula ({formula[:40]}) with no saved result; open "
                "and save the file in Excel or WPS, or type the value",
            )
    if kind == "e":
        return Cell(
            name, r, c, error=f"holds the Excel error {value}; fix it or type the value"
        )
    if isinstance(value, str):
        value = unescape_text(value)
    return Cell(name, r, c, value)
