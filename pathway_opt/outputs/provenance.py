"""Where a plan came from: input file and its SHA-256, tool version, time of run."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@dataclass(frozen=True)
class Provenance:
    """Where a plan came from: input file and its hash, tool version, run time."""

    source: str | None
    sha256: str | None
    tool_version: str
    run_at: str
    """ISO 8601 time of the run, with its UTC offset."""


def tool_version() -> str:
    """This package's installed version, "unknown" when run from a bare source tree."""
    try:
        return version("pathway-opt")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def make_provenance(
    source: str | Path | None = None, run_at: datetime | None = None
) -> Provenance:
    """Provenance of a run on `source` (hashed now) started at `run_at` (or now)."""
    digest = None
    if source is not None:
        try:
            digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()
        except OSError:
            digest = None
    when = (run_at or datetime.now(UTC)).astimezone()
    return Provenance(
        source=None if source is None else str(source),
        sha256=digest,
        tool_version=tool_version(),
        run_at=when.isoformat(timespec="seconds"),
    )
