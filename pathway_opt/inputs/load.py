"""Loading an instance from a file: the one dispatch on the file suffix."""

from __future__ import annotations

from pathlib import Path

from pathway_opt.errors import InputError
from pathway_opt.files import read_text
from pathway_opt.inputs.instance_json import instance_from_data, parse_json_text
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import check_values


def load_instance(path: str | Path) -> Instance:
    """Load and validate an instance file: JSON, or an .xlsx input workbook.

    Besides the schema, every initiative's value must be below 1e15 (see
    :func:`pathway_opt.schema.numerics.value_problems`), so an instance that
    loads is one HiGHS can solve.

    Raises:
        InputError: with every problem found, each naming its JSON path (or, for
            a workbook, its `sheet!CELL`).
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from pathway_opt.inputs.instance_xlsx.read import (
            read_instance_xlsx,  # imports this module
        )

        return check_values(read_instance_xlsx(path), source=str(path))
    try:
        inst = instance_from_data(parse_json_text(read_text(path)))
    except InputError as exc:
        raise InputError(exc.problems, source=str(path)) from None
    return check_values(inst, source=str(path))
