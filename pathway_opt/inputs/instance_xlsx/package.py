"""The workbook file as a zip package, checked part by part before openpyxl reads it.

An .xlsx file is a zip of XML parts. :func:`scan_package` streams every XML part
through expat before openpyxl parses any of them:

- a file that is not a zip, or a part that cannot be unpacked, is refused;
- a part that is not well-formed XML (truncated, malformed, an undefined
  entity) is refused, naming the part;
- a DTD (``<!DOCTYPE ...>``) is refused wherever it appears: workbooks never
  need one, and refusing it means no entity is ever declared, so none is
  expanded (openpyxl's XML parser would expand them);
- for each worksheet part it notes what openpyxl's read-only mode leaves out:
  merged ranges, hidden rows and hidden columns.

:func:`open_book` then opens the workbook with openpyxl one step at a time, so a
part openpyxl cannot make sense of (a shared-string table, styles, the sheet
list) is named too, and lists every sheet with its state and part: a sheet whose
part is missing from the zip is refused rather than silently left out.
Every refusal reads ``not a readable workbook: <part> ...``.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from pathway_opt.errors import InputError, Problem
from pathway_opt.schema.characters import escape_invisible

Source = str | Path | IO[bytes]

#: Parts streamed through expat. VML drawings are checked for DTDs only: Excel
#: itself writes VML that is not well-formed XML, and openpyxl does not read it.
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_LENIENT_SUFFIXES = (".vml",)
_CHUNK = 1 << 20
_SAVE_AGAIN = "save the file again from Excel or WPS as .xlsx"


def unreadable(name: str, part: str, detail: str) -> InputError:
    """The error for a workbook one of whose parts cannot be read."""
    return InputError(
        [Problem(name, f"not a readable workbook: {part} {detail}; {_SAVE_AGAIN}")]
    )


@dataclass
class SheetLayout:
    """What a worksheet part says beyond its cells.

    openpyxl's read-only mode, which the reader uses, does not report it.
    """

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges as (first column, first row, last column, last row)."""
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)
    """Hidden column spans (first, last)."""
    dimension: str | None = None
    """The stored size (`A1:J40`), which openpyxl parses when it opens the sheet."""


@dataclass
class Part:
    """One XML part as expat saw it."""

    root: str = ""
    """Local name of the root element (`worksheet`, `workbook`, ...)."""
    layout: SheetLayout = field(default_factory=SheetLayout)


class _Refused(Exception):
    """Raised from inside expat's callbacks: the part holds a DTD."""


class _Scan:
    """Expat callbacks: refuse DTDs, note the root and a worksheet's layout."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.part = Part()
        self.row = 0

    def doctype(self, *_: Any) -> None:
        raise _Refused

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if not self.part.root:
            self.part.root = local
            if local != "worksheet":
                self.parser.StartElementHandler = None  # nothing more to note
            return
        layout = self.part.layout
        if local == "row":
            self.row = _whole(attrs.get("r")) or self.row + 1
            zero_height = attrs.get("ht", "").strip() in ("0", "0.0")
            if attrs.get("hidden") in ("1", "true") or zero_height:
                layout.hidden_rows.add(self.row)
        elif local == "mergeCell":
            bounds = _bounds(attrs.get("ref", ""))
            if bounds is not None:
                layout.merged.append(bounds)
        elif local == "col":
            first, last = _whole(attrs.get("min")), _whole(attrs.get("max"))
            if first and attrs.get("hidden") in ("1", "true"):
                layout.hidden_columns.append((first, max(first, last or first)))
        elif local == "dimension":
            layout.dimension = attrs.get("ref")


def _whole(text: str | None) -> int | None:
    """A positive whole number written in an attribute (`5` or `5.0`), else None."""
    try:
        value = float(text or "")
    except ValueError:
        return None
    return int(value) if value.is_integer() and 0 < value < 2**31 else None


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    """`D2:D4` -> (4, 2, 4, 4); whole rows or columns reach to the sheet's edge."""
    from openpyxl.utils.cell import (  # type: ignore[import-untyped, unused-ignore]
        range_boundaries,
    )

    try:
        c1, r1, c2, r2 = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    c1, c2 = c1 or 1, c2 or 16384
    r1, r2 = r1 or 1, r2 or 1048576
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def open_zip(source: Source, name: str) -> zipfile.ZipFile:
    """The workbook's zip archive (file problems are input errors)."""
    if not isinstance(source, str | Path):
        source.seek(0)
    try:
        return zipfile.ZipFile(source)
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, not a file")]) from None
    except PermissionError as exc:
        raise InputError([Problem(name, f"cannot be read: {exc.strerror}")]) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise InputError(
            [
                Problem(
                    name,
                    "is not a readable .xlsx workbook (not a zip package); save it "
                    "from Excel or WPS as .xlsx without a password",
                )
            ]
        ) from None


def scan_package(archive: zipfile.ZipFile, name: str) -> dict[str, Part]:
    """Check every XML part of the archive; what each one holds, by part name.

    Raises:
        InputError: naming the first part that cannot be unpacked, is not
            well-formed XML, or holds a DTD.
    """
    parts: dict[str, Part] = {}
    for info in archive.infolist():
        if info.is_dir() or not info.filename.lower().endswith(_XML_SUFFIXES):
            continue
        parts[info.filename] = scan_part(archive, info.filename, name)
    return parts


def scan_part(archive: zipfile.ZipFile, part: str, name: str) -> Part:
    """Stream one part through expat (see :func:`scan_package`)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    scan = _Scan(parser)
    parser.StartDoctypeDeclHandler = scan.doctype
    parser.EntityDeclHandler = scan.doctype
    parser.StartElementHandler = scan.start
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused:
        raise unreadable(
            name,
            part,
            "holds a DTD (<!DOCTYPE ...>), which workbooks never need; it is "
            "refused so that no XML entity is expanded",
        ) from None
    except expat.ExpatError as exc:
        if not part.lower().endswith(_LENIENT_SUFFIXES):
            raise unreadable(name, part, f"is not well-formed XML ({exc})") from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        OSError,
    ) as exc:
        detail = str(exc) or type(exc).__name__
        raise unreadable(name, part, f"cannot be unpacked ({detail})") from None
    return scan.part


@dataclass(frozen=True)
class SheetEntry:
    """One sheet of the workbook, in workbook order."""

    title: str
    state: str
    """`visible`, `hidden` or `veryHidden`."""
    part: str
    """Its part in the zip, e.g. `xl/worksheets/sheet3.xml`."""
    chart: bool = False
    """A chart sheet (no cells)."""


@dataclass
class Book:
    """An open workbook: openpyxl's read-only workbook and its sheets' parts."""

    workbook: Any
    sheets: list[SheetEntry]

    def close(self) -> None:
        """Close the zip archive openpyxl keeps open in read-only mode."""
        self.workbook.close()


def open_book(
    source: Source, name: str, parts: dict[str, Part], data_only: bool = False
) -> Book:
    """Open the workbook read-only with openpyxl, naming any part it cannot read.

    `parts` is what :func:`scan_package` found; a sheet whose part it did not
    scan (an unusual name) is scanned here, before openpyxl reads it.

    Raises:
        InputError: naming the part that is missing or cannot be read.
    """
    from openpyxl.packaging.relationship import (  # type: ignore[import-untyped, unused-ignore]
        get_rels_path,
    )
    from openpyxl.reader.excel import (  # type: ignore[import-untyped, unused-ignore]
        ExcelReader,
    )
    from openpyxl.styles.stylesheet import (  # type: ignore[import-untyped, unused-ignore]
        apply_stylesheet,
    )
    from openpyxl.xml.constants import (  # type: ignore[import-untyped, unused-ignore]
        SHARED_STRINGS,
    )

    if not isinstance(source, str | Path):
        source.seek(0)
    reader = ExcelReader(source, read_only=True, data_only=data_only, keep_links=False)
    workbook_part = next(
        (p for p, info in parts.items() if info.root == "workbook"), "xl/workbook.xml"
    )

    def strings_part() -> str:
        found = reader.package.find(SHARED_STRINGS)
        return found.PartName[1:] if found is not None else "the shared strings"

    def styles() -> None:
        apply_stylesheet(reader.archive, reader.wb)

    def relations() -> dict[str, Any]:
        return dict(reader.parser.rels)

    try:
        # openpyxl's load_workbook, one step at a time (properties and theme,
        # which hold no data, are left out), each naming the part it reads.
        _step(name, lambda: "[Content_Types].xml", reader.read_manifest)
        _step(name, strings_part, reader.read_strings)
        _step(name, lambda: workbook_part, reader.read_workbook)
        _step(name, lambda: "xl/styles.xml", styles)
        rels = _step(name, lambda: get_rels_path(workbook_part), relations)
        sheets = _sheets(reader, rels, name, workbook_part)
        for sheet in sheets:
            if sheet.part not in parts:  # not named like XML: check it now
                parts[sheet.part] = scan_part(reader.archive, sheet.part, name)
        _step(name, lambda: _bad_dimension(sheets, parts), reader.read_worksheets)
    except BaseException:
        reader.archive.close()
        raise
    return Book(reader.wb, sheets)


def _step(name: str, part: Callable[[], str], action: Callable[[], Any]) -> Any:
    """Run one of openpyxl's reading steps; a failure names `part()`.

    openpyxl raises whatever its parsing meets in a malformed part (ValueError,
    TypeError, KeyError, IndexError, ...); any of them means the part is not
    readable, so every exception is turned into that message here, around
    openpyxl's code only.
    """
    try:
        return action()
    except InputError:
        raise
    except Exception as exc:  # openpyxl parsing an unreadable part
        raise cannot_read(name, part(), exc) from None


def cannot_read(name: str, part: str, exc: BaseException) -> InputError:
    """The error for a part openpyxl failed on: `... cannot be read (ValueError: ...)`.

    The first line of the error openpyxl raised (or wrapped) is kept, shortened.
    """
    cause = exc.__cause__ or exc
    text = str(cause).splitlines()[0] if str(cause) else ""
    text = escape_invisible(text if len(text) <= 120 else text[:117] + "...")
    reason = f"{type(cause).__name__}: {text}" if text else type(cause).__name__
    return unreadable(name, part, f"cannot be read ({reason})")


def _sheets(
    reader: Any, rels: dict[str, Any], name: str, workbook_part: str
) -> list[SheetEntry]:
    """Every sheet the workbook lists; one without its part is an error."""
    sheets = []
    for sheet in reader.parser.sheets:
        rel = rels.get(sheet.id) if sheet.id else None
        if rel is None:
            raise unreadable(
                name,
                workbook_part,
                f'lists a sheet "{sheet.name}" that points to no part',
            )
        if rel.target not in reader.valid_files:
            raise unreadable(
                name,
                rel.target,
                f'is missing: the part of sheet "{sheet.name}" is not in the file',
            )
        state = sheet.state or "visible"
        chart = "chartsheet" in (rel.Type or "")
        sheets.append(SheetEntry(sheet.name, state, rel.target, chart))
    return sheets


def _bad_dimension(sheets: list[SheetEntry], parts: dict[str, Part]) -> str:
    """The part whose stored size openpyxl could not read (when opening sheets)."""
    for sheet in sheets:
        ref = parts[sheet.part].layout.dimension
        if ref is not None and _bounds(ref) is None:
            return f'{sheet.part} (its size "{ref[:40]}")'
    return "the sheet parts (" + ", ".join(s.part for s in sheets[:8]) + ")"
