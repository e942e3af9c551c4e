"""Typed failures shared by every layer, each mapped to one documented exit code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with the input: where (JSON path or id) and what to do."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def listing(values: Iterable[object], limit: int = 12) -> str:
    """Valid values for a message: ``"a", "b", "c"``, the first ``limit`` of many.

    ``none`` when there are none; ``... (40 in all)`` after the first ``limit``.
    """
    items = [f'"{v}"' for v in values]
    if not items:
        return "none"
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", ... ({len(items)} in all)"


class PathwayError(Exception):
    """Base of the errors the command line turns into an exit code."""

    exit_code = 5


class InputError(PathwayError):
    """The instance (or a file about it) is invalid; carries every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        where = f" in {source}" if source else ""
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{count} {noun}{where}:\n{lines}")


class UsageError(PathwayError):
    """A command-line value or setting is out of range (exit 2), found before work."""

    exit_code = 2


class OutputError(PathwayError):
    """An output file could not be written; nothing partial was left behind."""

    exit_code = 6


class SolverError(PathwayError):
    """HiGHS or our own checks failed in a way no input change explains."""

    exit_code = 5
