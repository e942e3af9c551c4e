"""Converting instances between JSON and input workbooks, chosen by file extension.

JSON -> XLSX -> JSON gives back an equal :class:`Instance` (property-tested in
``tests/inputs/test_convert_roundtrip.py``, and with funding choice and variants
in ``tests/inputs/test_funding_variants_workbook.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pathway_opt.errors import OutputError
from pathway_opt.files import write_atomic
from pathway_opt.inputs.instance_xlsx.write import write_instance_xlsx
from pathway_opt.inputs.load import load_instance
from pathway_opt.schema.instance import Instance

#: Target extensions :func:`convert` can write.
TARGET_SUFFIXES = (".json", ".xlsx")


def _tidy(value: Any) -> Any:
    """Whole floats as integers (`40000`, not `40000.0`) for readable JSON."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def instance_json(inst: Instance) -> str:
    """An instance as JSON text, fields left at their defaults omitted."""
    data = inst.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(_tidy(data), indent=2, ensure_ascii=False) + "\n"


def write_instance_json(inst: Instance, path: str | Path) -> None:
    """Write an instance as JSON, atomically.

    Raises:
        OutputError: if the file cannot be written.
    """
    write_atomic(path, instance_json(inst))


def convert(source: str | Path, target: str | Path) -> Instance:
    """Read an instance file (.json or .xlsx) and write it as `target`'s kind.

    Returns:
        The instance converted.

    Raises:
        InputError: if the source is invalid (nothing is written).
        OutputError: if the target has another extension, is the source itself,
            or cannot be written.
    """
    source, target = Path(source), Path(target)
    suffix = target.suffix.lower()
    if suffix not in TARGET_SUFFIXES:
        raise OutputError(f"cannot write {target}: the name must end in .json or .xlsx")
    if target.resolve() == source.resolve():
        raise OutputError(f"cannot write {target}: it is the source file itself")
    inst = load_instance(source)
    if suffix == ".xlsx":
        write_instance_xlsx(inst, target)
    else:
        write_instance_json(inst, target)
    return inst
