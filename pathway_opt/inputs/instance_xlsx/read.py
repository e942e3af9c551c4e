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
import zipfile
from pathlib import Path
from typing import IO

from pathway_opt.errors import InputError, Problem
from pathway_opt.files import check_input_file
from pathway_opt.inputs.instance_json import instance_from_data
from pathway_opt.inputs.instance_xlsx.cells import SheetCells, read_cells
from pathway_opt.inputs.instance_xlsx.layout import DATA_SHEETS
from pathway_opt.inputs.instance_xlsx.reader import Reader, sort_key
from pathway_opt.inputs.instance_xlsx.sheets import read_workbook
from pathway_opt.schema.instance import Instance

#: Workbook file name endings :func:`pathway_opt.inputs.load.load_instance` sends here.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_instance_xlsx(source: str | Path | IO[bytes] | bytes) -> Instance:
    """Read and validate an input workbook (a path, bytes or a binary stream).

    Raises:
        InputError: with every problem found, each naming `sheet!CELL`.
    """
    name = str(source) if isinstance(source, str | Path) else "the workbook"
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    reader = Reader(_open(source, name))
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
    return inst


def _open(source: str | Path | IO[bytes], name: str) -> dict[str, SheetCells]:
    """Every data sheet's cells, by canonical sheet name."""
    if isinstance(source, str | Path) and Path(source).suffix.lower() == ".xls":
        raise InputError(
            [
                Problem(
                    name, "is an old .xls workbook; save it as .xlsx (Excel Workbook)"
                )
            ]
        )
    if isinstance(source, str | Path):
        check_input_file(Path(source), workbook=True)  # no devices, size ceiling
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unknown extensions
            return read_cells(source, DATA_SHEETS)
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, not a file")]) from None
    except PermissionError as exc:
        raise InputError([Problem(name, f"cannot be read: {exc.strerror}")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InputError(
            [
                Problem(
                    name,
                    "is not a readable .xlsx workbook "
                    f"({type(exc).__name__}); save it from Excel or WPS as .xlsx "
                    "without a password",
                )
            ]
        ) from None
