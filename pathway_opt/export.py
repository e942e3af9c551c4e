"""Writing results: every file goes to a temporary sibling first, then is renamed."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pathway_opt.errors import OutputError
from pathway_opt.plan import Plan


def write_atomic(path: str | Path, text: str) -> None:
    """Write text so that `path` holds either its old content or all of the new.

    Raises:
        OutputError: if the folder cannot be created or the file cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        reason = exc.strerror or str(exc)
        raise OutputError(f"cannot write {path}: {reason}") from None


def plan_json(plan: Plan) -> str:
    """The plan JSON text; equal plans give equal bytes apart from timings."""
    return json.dumps(_finite(plan.to_dict()), indent=2, ensure_ascii=False) + "\n"


def _finite(value: Any) -> Any:
    """Replace NaN and infinities (never valid JSON) by null."""
    if isinstance(value, float) and (
        value != value or value in (float("inf"), float("-inf"))
    ):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def write_plan_json(plan: Plan, path: str | Path) -> None:
    """Write the plan JSON of the contract atomically."""
    write_atomic(path, plan_json(plan))
