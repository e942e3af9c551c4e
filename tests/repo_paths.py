"""Places in the repository the tests read from, wherever the test file sits."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The repository root (holds pyproject.toml, README.md, instances/, models/)."""
INSTANCES = ROOT / "instances"
"""The shipped example instances."""
