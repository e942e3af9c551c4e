"""Bad inputs: a small valid instance, its mutations and the checks on rejection.

Shared by the bad-input tests (``tests/schema/test_bad_*.py``,
``tests/inputs/test_bad_json.py``, ``tests/inputs/test_bad_input_api.py`` and
``tests/cli/test_bad_input_cli.py``). Every case there is one mutation of
:data:`BASE`, run through ``pathway-opt validate`` (:func:`validate`), which must
give exit code 1, a message naming the JSON path (or id) to fix, and never a
traceback (:func:`assert_rejected`).

Non-finite numbers, duplicate keys and other things ``json.dumps`` cannot write
are spliced into the JSON text by hand with :func:`raw_at` and :func:`edit_text`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pathway_opt.cli.main import main

# A small valid instance: 3 periods, 2 criteria, one carry-over budget, one
# resource, 4 initiatives and one rule of each kind.
BASE: dict[str, Any] = {
    "name": "bad-input base",
    "periods": ["2027", "2028", "2029"],
    "criteria": [
        {"id": "talent", "name": "Talent cultivation", "weight": 0.6},
        {"id": "research", "name": "Applied research", "weight": 0.4},
    ],
    "budgets": [{"id": "central", "limits": [100, 100, 100], "carry_over": True}],
    "resources": [{"id": "fte", "unit": "FTE", "capacity": [3, 3, 3]}],
    "initiatives": [
        {
            "id": "JL",
            "type": "joint_lab",
            "department": "CS",
            "scores": {"talent": 5, "research": 5},
            "success_probability": 0.8,
            "cost": [60, 20],
            "uses": {"fte": [1, 1]},
            "earliest_start": "2027",
            "latest_start": "2028",
        },
        {
            "id": "IC",
            "type": "industrial_college",
            "scores": {"talent": 8},
            "cost": [50],
            "uses": {"fte": [2]},
        },
        {
            "id": "CT",
            "type": "co_taught_course",
            "scores": {"research": 4},
            "cost": [10, 10],
        },
        {"id": "IB", "type": "internship_base", "scores": {"talent": 2}},
    ],
    "rules": [
        {"kind": "requires", "initiative": "IC", "on": ["JL"], "lag": 1},
        {"kind": "at_most", "count": 1, "members": ["IC", "CT"]},
        {"kind": "at_least", "count": 1, "where": {"type": "joint_lab"}},
        {"kind": "synergy", "members": ["JL", "CT"], "bonus": 1.5},
    ],
}

Source = dict[str, Any] | str | bytes
Mutation = Callable[[dict[str, Any]], Source]
Path_ = tuple[str | int, ...]

PLACEHOLDER = "@@RAW@@"


# --- mutation helpers ---------------------------------------------------------


def _parent(data: Any, path: Path_) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


def set_at(path: Path_, value: Any) -> Mutation:
    """Set the value at `path` (creating the last key if needed)."""

    def mutate(data: dict[str, Any]) -> Source:
        _parent(data, path)[path[-1]] = value
        return data

    return mutate


def drop_at(path: Path_) -> Mutation:
    """Remove the key (or list entry) at `path`."""

    def mutate(data: dict[str, Any]) -> Source:
        del _parent(data, path)[path[-1]]
        return data

    return mutate


def append_at(path: Path_, value: Any) -> Mutation:
    """Append `value` to the list at `path`."""

    def mutate(data: dict[str, Any]) -> Source:
        node = data
        for part in path:
            node = node[part]
        node.append(value)
        return data

    return mutate


def update_at(path: Path_, **fields: Any) -> Mutation:
    """Update the object at `path` with `fields`."""

    def mutate(data: dict[str, Any]) -> Source:
        node = data
        for part in path:
            node = node[part]
        node.update(fields)
        return data

    return mutate


def chain(*mutations: Mutation) -> Mutation:
    """Apply several dict mutations in turn."""

    def mutate(data: dict[str, Any]) -> Source:
        for m in mutations:
            data = m(data)  # type: ignore[assignment]
        return data

    return mutate


def raw_at(path: Path_, token: str) -> Mutation:
    """Put a raw JSON token (NaN, 1e400, ...) at `path` in the written text."""

    def mutate(data: dict[str, Any]) -> Source:
        _parent(data, path)[path[-1]] = PLACEHOLDER
        text = json.dumps(data)
        assert text.count(f'"{PLACEHOLDER}"') == 1
        return text.replace(f'"{PLACEHOLDER}"', token)

    return mutate


def edit_text(old: str, new: str) -> Mutation:
    """Replace a fragment of the JSON text of the base instance (exactly once)."""

    def mutate(data: dict[str, Any]) -> Source:
        text = json.dumps(data)
        assert text.count(old) == 1, f"{old!r} must occur exactly once"
        return text.replace(old, new)

    return mutate


def whole(source: Source) -> Mutation:
    """Ignore the base instance and write `source` as the file."""
    return lambda data: source


def write_source(tmp_path: Path, source: Source) -> Path:
    path = tmp_path / "instance.json"
    if isinstance(source, bytes):
        path.write_bytes(source)
    elif isinstance(source, str):
        path.write_text(source, encoding="utf-8")
    else:
        path.write_text(json.dumps(source, indent=2), encoding="utf-8")
    return path


def validate(tmp_path: Path, source: Source) -> Result:
    path = write_source(tmp_path, source)
    return CliRunner().invoke(main, ["validate", str(path)])


def assert_rejected(result: Result, expected: tuple[str, ...]) -> None:
    # CliRunner turns an uncaught exception into exit code 1 as well: make sure
    # the code really came from the command's own sys.exit.
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.stderr, (fragment, result.stderr)


def case(id: str, mutation: Mutation, *expected: str, xfail: str | None = None) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(mutation, expected, id=id, marks=marks)


NOT_FINITE = "must be a finite number"
TOO_LARGE = "far too large"
NOT_NUMBER = "must be a number"
KNOWN_FIELD = "is not a known field"
UNKNOWN_INI = 'unknown initiative "XX"'
TWICE = "appears more than once"


def rejected_by_validate(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    """Mutate a copy of :data:`BASE`, validate it and check the rejection."""
    source = mutation(copy.deepcopy(BASE))
    assert_rejected(validate(tmp_path, source), expected)
