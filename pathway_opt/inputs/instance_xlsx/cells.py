"""Low-level workbook reading: the non-blank cells of each sheet, with openpyxl.

Formulas are replaced by the result Excel saved with them (a formula without a
saved result, or an Excel error such as ``#DIV/0!``, becomes a cell with an
``error`` the reader reports). Text is un-escaped the way Excel escapes it.
Cells are read as the planner sees them in Excel: a merged range holds its
top-left value in every cell, and sheet names are matched ignoring case and
surrounding spaces. The file itself is checked part by part first
(:mod:`pathway_opt.inputs.instance_xlsx.package`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any

from pathway_opt.errors import Problem
from pathway_opt.excel import unescape_text
from pathway_opt.inputs.instance_xlsx.package import (
    Book,
    SheetEntry,
    SheetLayout,
    cannot_read,
    open_book,
    open_zip,
    scan_package,
)
from pathway_opt.schema.characters import escape_invisible


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
    dates: dict[int, dt.date] = field(default_factory=dict)
    """Header cells that hold a date (Excel turned what was typed into one)."""

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


@dataclass
class BookCells:
    """What a workbook holds for the reader: its data sheets and what it noticed."""

    sheets: dict[str, SheetCells] = field(default_factory=dict)
    """Data sheets by canonical name."""
    warnings: list[str] = field(default_factory=list)
    """Hidden sheets, rows and columns (read all the same) and ignored sheets."""
    problems: list[Problem] = field(default_factory=list)
    """Two sheets read as one, a chart sheet in a data sheet's place, cells in
    two merged ranges."""


def fold_name(title: str) -> str:
    """The name a sheet title is matched by: `INITIATIVES ` -> `initiatives`."""
    return title.strip().casefold()


def read_cells(
    source: IO[bytes], name: str, names: Sequence[str], ignored: Sequence[str] = ()
) -> BookCells:
    """The sheets named `names` (matched by :func:`fold_name`), by those names.

    Sheets named `ignored` are skipped quietly, any other sheet with a warning.
    Merged ranges are read as Excel shows them (every cell of the range holds
    the top-left value); hidden sheets, rows and columns are read, with a
    warning naming them.

    Raises:
        InputError: when the file is not a readable workbook (naming the part).
    """
    with open_zip(source, name) as archive:
        parts = scan_package(archive, name)
    book = open_book(source, name, parts)
    results: Book | None = None
    found = BookCells()
    try:
        chosen = _match_sheets(book.sheets, names, ignored, found)
        for canonical, entry in chosen.items():
            raw = _raw_cells(name, entry, book)
            saved: dict[tuple[int, int], tuple[Any, str]] = {}
            if any(t == "f" for _, t in raw.values()):
                results = results or open_book(source, name, parts, data_only=True)
                saved = _raw_cells(name, entry, results)
            layout = parts[entry.part].layout
            sheet = _sheet(canonical, raw, saved, layout, found.problems)
            found.sheets[canonical] = sheet
            found.warnings += _hidden_warnings(sheet, layout)
        return found
    finally:
        book.close()
        if results is not None:
            results.close()


def _match_sheets(
    sheets: list[SheetEntry],
    names: Sequence[str],
    ignored: Sequence[str],
    found: BookCells,
) -> dict[str, SheetEntry]:
    """Data sheet name -> its sheet; warnings for hidden and unknown sheets."""
    wanted = {fold_name(n): n for n in names}
    quiet = {fold_name(n) for n in ignored}
    chosen: dict[str, SheetEntry] = {}
    for entry in sheets:
        title = escape_invisible(entry.title)
        hidden = entry.state in ("hidden", "veryHidden")
        canonical = wanted.get(fold_name(entry.title))
        if canonical is None:
            if fold_name(entry.title) not in quiet:
                found.warnings.append(
                    f'sheet "{title}"{" (hidden)" if hidden else ""} is not one '
                    f"pathway-opt reads, so it was ignored (the sheets read are "
                    f"{', '.join(names)}); rename it if it holds data"
                )
            continue
        if canonical in chosen:
            first = escape_invisible(chosen[canonical].title)
            found.problems.append(
                Problem(
                    canonical,
                    f'the sheets "{first}" and "{title}" both read as "{canonical}" '
                    "(names are matched ignoring case and surrounding spaces); keep "
                    "one of them: delete or rename the other",
                )
            )
            continue
        if entry.chart:
            found.problems.append(
                Problem(
                    canonical,
                    f'sheet "{title}" is a chart sheet; the {canonical} must be '
                    "a worksheet (a table of cells)",
                )
            )
            continue
        chosen[canonical] = entry
        if hidden:
            found.warnings.append(
                f'sheet "{title}" is hidden; it was read all the same (unhide it '
                "in Excel to check it)"
            )
    return {n: chosen[n] for n in names if n in chosen}


def _raw_cells(
    name: str, entry: SheetEntry, book: Book
) -> dict[tuple[int, int], tuple[Any, str]]:
    """Every non-empty cell: (row, column) -> (value, openpyxl data type)."""
    found: dict[tuple[int, int], tuple[Any, str]] = {}
    part = entry.part
    try:
        ws = book.workbook[entry.title]
        ws.reset_dimensions()  # trust the cells, not a stored (maybe stale) size
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "row"):
                    continue
                found[cell.row, cell.column] = (cell.value, cell.data_type)
    except Exception as exc:  # openpyxl parsing a malformed part; see package._step
        raise cannot_read(name, part, exc) from None
    return found


def _sheet(
    name: str,
    raw: dict[tuple[int, int], tuple[Any, str]],
    saved: dict[tuple[int, int], tuple[Any, str]],
    layout: SheetLayout,
    problems: list[Problem],
) -> SheetCells:
    sheet = SheetCells(name)
    cells = {
        (r, c): _cell(name, r, c, value, kind, saved)
        for (r, c), (value, kind) in raw.items()
    }
    cells = _fill_merged(name, cells, layout.merged, problems)
    rows: dict[int, Row] = {}
    for (r, c), cell in sorted(cells.items()):
        if r == 1:
            if not cell.blank:
                sheet.headers[c] = str(cell.value).strip()
            if isinstance(cell.value, dt.date):
                sheet.dates[c] = cell.value
            continue
        rows.setdefault(r, Row(name, r)).cells[c] = cell
    sheet.rows = [
        row
        for _, row in sorted(rows.items())
        if any(not c.blank for c in row.cells.values())
    ]
    return sheet


def _fill_merged(
    name: str,
    cells: dict[tuple[int, int], Cell],
    merged: list[tuple[int, int, int, int]],
    problems: list[Problem],
) -> dict[tuple[int, int], Cell]:
    """Give every cell of a merged range the top-left cell's value, as Excel shows.

    Only rows with content of their own are filled (a range reaching below the
    data adds no rows), and only up to the last column used. Values hidden under
    a merged range (not its top-left cell) are dropped: Excel does not show them.
    """
    if not merged:
        return cells
    width = max((c for _, c in cells), default=0)
    rows = sorted({r for r, _ in cells})
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # cell -> its range's corner
    for c1, r1, c2, r2 in merged:
        inside = rows[bisect.bisect_left(rows, r1) : bisect.bisect_right(rows, r2)]
        span = range(c1, min(c2, width) + 1)
        overlap = _claim(owner, (r1, c1), [(r, c) for r in inside for c in span])
        if overlap is not None:  # Excel refuses such a file; one problem per range
            (r, c), (r0, c0) = overlap, owner[overlap]
            problems.append(
                Problem(
                    f"{name}!{column_letter(c)}{r}",
                    "this cell is in two merged ranges (starting at "
                    f"{column_letter(c0)}{r0} and {column_letter(c1)}{r1}); "
                    "unmerge them",
                )
            )
    own = {
        r
        for (r, c), cell in cells.items()
        if not cell.blank and owner.get((r, c), (r, c)) == (r, c)
    }
    filled = {k: v for k, v in cells.items() if k not in owner or owner[k] == k}
    for (r, c), (r1, c1) in owner.items():
        top = cells.get((r1, c1))
        if (r, c) != (r1, c1) and r in own and top is not None:
            filled[r, c] = replace(top, row=r, column=c)
    return filled


def _claim(
    owner: dict[tuple[int, int], tuple[int, int]],
    corner: tuple[int, int],
    cells: list[tuple[int, int]],
) -> tuple[int, int] | None:
    """Mark `cells` as covered by the range at `corner`.

    Returns the first cell another range already covers, if any (the rest of
    the range is then left as it is).
    """
    for cell in cells:
        if owner.setdefault(cell, corner) != corner:
            return cell
    return None


def _hidden_warnings(sheet: SheetCells, layout: SheetLayout) -> list[str]:
    """Warnings for hidden rows and columns that hold values (they are read)."""
    warnings = []
    used_rows = [r.number for r in sheet.rows]
    if sheet.headers:
        used_rows.insert(0, 1)
    hidden = [r for r in used_rows if r in layout.hidden_rows]
    if hidden:
        warnings.append(_hidden(sheet.name, "row", [str(r) for r in hidden]))
    used_columns = sorted(
        {*sheet.headers}
        | {c for r in sheet.rows for c, x in r.cells.items() if not x.blank}
    )
    hidden_columns = [
        column_letter(c)
        for c in used_columns
        if any(first <= c <= last for first, last in layout.hidden_columns)
    ]
    if hidden_columns:
        warnings.append(_hidden(sheet.name, "column", hidden_columns))
    return warnings


def _hidden(sheet: str, noun: str, labels: list[str]) -> str:
    shown = ", ".join(labels[:10])
    if len(labels) > 10:
        shown += f" and {len(labels) - 10} more"
    if len(labels) == 1:
        return (
            f"{sheet}: {noun} {shown} is hidden; it was read all the same (unhide "
            "it in Excel to check it)"
        )
    return (
        f"{sheet}: {noun}s {shown} are hidden; they were read all the same (unhide "
        "them in Excel to check them)"
    )


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
