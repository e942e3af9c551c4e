"""Reading input workbooks: cells -> the JSON-shaped dict the schema validates.

The reader builds exactly the dict a JSON file would hold and validates it with
:func:`pathway_opt.inputs.instance_json.instance_from_data`, so a workbook and a JSON
file obey the
same rules. While reading it records, for every JSON path, the cell the value
came from; every problem, whether the reader or the schema finds it, is reported
as ``sheet!CELL: what is wrong``, all at once. The layout is described in
:mod:`pathway_opt.inputs.instance_xlsx.layout`.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import IO

from pathway_opt.errors import InputError, Problem
from pathway_opt.files import check_input_file
from pathway_opt.inputs.instance_json import instance_from_data
from pathway_opt.inputs.instance_xlsx.cells import BookCells, read_cells
from pathway_opt.inputs.instance_xlsx.layout import DATA_SHEETS, README
from pathway_opt.inputs.instance_xlsx.reader import Reader, sort_key
from pathway_opt.inputs.instance_xlsx.sheets import read_workbook
from pathway_opt.schema.instance import Instance, with_source_warnings

#: Workbook file name endings :func:`pathway_opt.inputs.load.load_instance` sends here.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_instance_xlsx(source: str | Path | IO[bytes] | bytes) -> Instance:
    """Read and validate an input workbook (a path, bytes or a binary stream).

    What the reader noticed but read all the same (hidden sheets, rows and
    columns, sheets it does not know) comes back as the instance's
    ``source_warnings``, which ``validate``, the summary and the plan JSON show.

    Raises:
        InputError: with every problem found, each naming `sheet!CELL`.
    """
    name = str(source) if isinstance(source, str | Path) else "the workbook"
    book = _open(source, name)
    reader = Reader(book.sheets, problems=list(book.problems))
    data = read_workbook(reader)
    problems = list(reader.problems)
    inst = None
    try:
        inst = instance_from_data(data)
    except InputError as exc:
        located = (reader.locate(p) for p in exc.problems)
        problems += [p for p in located if p is not None]
    if problems or inst is None:
        unique = list(dict.fromkeys(problems))
        raise InputError(sorted(unique, key=sort_key), source=name)
    return with_source_warnings(inst, book.warnings)


def _open(source: str | Path | IO[bytes] | bytes, name: str) -> BookCells:
    """Every data sheet's cells, by canonical sheet name, and what was noticed."""
    if isinstance(source, str | Path):
        path = Path(source)
        if path.suffix.lower() == ".xls":
            raise InputError(
                [
                    Problem(
                        name,
                        "is an old .xls workbook; save it as .xlsx (Excel Workbook)",
                    )
                ]
            )
        source = _read_bytes(path, name)
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about unknown extensions
        return read_cells(stream, name, DATA_SHEETS, ignored=(README,))


def _read_bytes(path: Path, name: str) -> bytes:
    """The file's bytes (read once: every later step reads the same content)."""
    check_input_file(path, workbook=True)  # no devices, size ceiling
    try:
        if path.is_dir():
            raise IsADirectoryError
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, not a file")]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError([Problem(name, f"cannot be read: {reason}")]) from None
