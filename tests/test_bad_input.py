"""Bad inputs, one mutation of a small valid instance per case.

Every case is run through ``pathway-opt validate`` and must give exit code 1, a
message naming the JSON path (or id) to fix, and never a traceback. A few cases
are also run through the Python API, where the same problems come back as
:class:`pathway_opt.errors.InputError` with structured ``problems``.

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
from pathway_opt.errors import InputError
from pathway_opt.inputs.instance_json import instance_from_data

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

CASES = [
    # --- unknown keys ---------------------------------------------------------
    case("unknown-key-top-level", set_at(("colour",), "blue"), "colour", KNOWN_FIELD),
    case(
        "unknown-key-initiative",
        set_at(("initiatives", 1, "budget"), 5),
        "initiatives[1].budget",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-requires-rule",
        set_at(("rules", 0, "lags"), 2),
        "rules[0].lags",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-count-rule",
        set_at(("rules", 1, "max"), 2),
        "rules[1].max",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-synergy-rule",
        set_at(("rules", 3, "bonsu"), 2),
        "rules[3].bonsu",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-where",
        set_at(("rules", 2, "where", "faculty"), "CS"),
        "rules[2].where.faculty",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-budget",
        set_at(("budgets", 0, "carryover"), True),
        "budgets[0].carryover",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-resource",
        set_at(("resources", 0, "capacities"), [1, 1, 1]),
        "resources[0].capacities",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-criterion",
        set_at(("criteria", 0, "weigth"), 1),
        "criteria[0].weigth",
        KNOWN_FIELD,
    ),
    case(
        "unknown-key-settings",
        set_at(("settings",), {"delay_discount": 0.9, "discount": 0.9}),
        "settings.discount",
        KNOWN_FIELD,
    ),
    # --- non-finite and overflowing numbers (hand-written JSON text) ----------
    case(
        "nan-weight",
        raw_at(("criteria", 0, "weight"), "NaN"),
        "criteria[0].weight",
        NOT_FINITE,
    ),
    case(
        "nan-score",
        raw_at(("initiatives", 0, "scores", "talent"), "NaN"),
        "initiatives[0].scores.talent",
        NOT_FINITE,
    ),
    case(
        "nan-probability",
        raw_at(("initiatives", 0, "success_probability"), "NaN"),
        "initiatives[0].success_probability",
        NOT_FINITE,
    ),
    case(
        "nan-lag",
        raw_at(("rules", 0, "lag"), "NaN"),
        "rules[0].lag",
    ),
    case(
        "infinity-limit",
        raw_at(("budgets", 0, "limits", 1), "Infinity"),
        "budgets[0].limits[1]",
        NOT_FINITE,
    ),
    case(
        "infinity-capacity",
        raw_at(("resources", 0, "capacity", 0), "Infinity"),
        "resources[0].capacity[0]",
        NOT_FINITE,
    ),
    case(
        "minus-infinity-bonus",
        raw_at(("rules", 3, "bonus"), "-Infinity"),
        "rules[3].bonus",
        NOT_FINITE,
    ),
    case(
        "minus-infinity-cost",
        raw_at(("initiatives", 0, "cost", 0), "-Infinity"),
        "initiatives[0].cost[0]",
        NOT_FINITE,
    ),
    case(
        "overflow-1e400-capacity",
        raw_at(("resources", 0, "capacity", 2), "1e400"),
        "resources[0].capacity[2]",
        TOO_LARGE,
    ),
    case(
        "overflow-minus-1e400-bonus",
        raw_at(("rules", 3, "bonus"), "-1e400"),
        "rules[3].bonus",
        TOO_LARGE,
    ),
    case(
        "overflow-1e400-weight",
        raw_at(("criteria", 1, "weight"), "1e400"),
        "criteria[1].weight",
        TOO_LARGE,
    ),
    case(
        "huge-int-limit",
        set_at(("budgets", 0, "limits", 0), 10**400),
        "budgets[0].limits[0]",
        TOO_LARGE,
    ),
    case(
        "huge-int-uses",
        set_at(("initiatives", 0, "uses", "fte", 1), 10**400),
        "initiatives[0].uses.fte[1]",
    ),
    case(
        "huge-int-count",
        set_at(("rules", 1, "count"), 10**400),
        "rules[1].count",
        TOO_LARGE,
    ),
    case(
        "count-beyond-max",
        set_at(("rules", 1, "count"), 10**7),
        "rules[1].count",
        "must be at most 1000000",
    ),
    case(
        "lag-beyond-max",
        set_at(("rules", 0, "lag"), 10**7),
        "rules[0].lag",
        "must be at most 1000000",
    ),
    case(
        "huge-int-5000-digits",
        raw_at(("budgets", 0, "limits", 0), "1" + "0" * 5000),
        "budgets[0].limits[0]",
        TOO_LARGE,
    ),
    # --- strings and booleans where numbers belong ----------------------------
    case(
        "string-limit",
        set_at(("budgets", 0, "limits", 0), "5000"),
        "budgets[0].limits[0]",
        NOT_NUMBER,
    ),
    case(
        "string-capacity",
        set_at(("resources", 0, "capacity", 1), "3"),
        "resources[0].capacity[1]",
        NOT_NUMBER,
    ),
    case(
        "string-weight",
        set_at(("criteria", 0, "weight"), "0.6"),
        "criteria[0].weight",
        NOT_NUMBER,
    ),
    case(
        "string-cost-entry",
        set_at(("initiatives", 0, "cost", 1), "20"),
        "initiatives[0].cost[1]",
        NOT_NUMBER,
    ),
    case(
        "string-probability",
        set_at(("initiatives", 0, "success_probability"), "0.8"),
        "initiatives[0].success_probability",
        NOT_NUMBER,
    ),
    case(
        "string-count",
        set_at(("rules", 1, "count"), "1"),
        "rules[1].count",
        "whole number",
    ),
    case(
        "string-lag",
        set_at(("rules", 0, "lag"), "1"),
        "rules[0].lag",
        "whole number",
    ),
    case(
        "string-bonus",
        set_at(("rules", 3, "bonus"), "1.5"),
        "rules[3].bonus",
        NOT_NUMBER,
    ),
    case(
        "bool-limit",
        set_at(("budgets", 0, "limits", 0), True),
        "budgets[0].limits[0]",
        NOT_NUMBER,
    ),
    case(
        "bool-capacity",
        set_at(("resources", 0, "capacity", 2), False),
        "resources[0].capacity[2]",
        NOT_NUMBER,
    ),
    case(
        "bool-weight",
        set_at(("criteria", 1, "weight"), True),
        "criteria[1].weight",
        NOT_NUMBER,
    ),
    case(
        "bool-probability",
        set_at(("initiatives", 0, "success_probability"), True),
        "initiatives[0].success_probability",
        NOT_NUMBER,
    ),
    case(
        "bool-score",
        set_at(("initiatives", 1, "scores", "talent"), True),
        "initiatives[1].scores.talent",
        NOT_NUMBER,
    ),
    case(
        "bool-count",
        set_at(("rules", 1, "count"), True),
        "rules[1].count",
        "whole number",
    ),
    case(
        "bool-lag",
        set_at(("rules", 0, "lag"), False),
        "rules[0].lag",
        "whole number",
    ),
    case(
        "fractional-count",
        set_at(("rules", 1, "count"), 1.5),
        "rules[1].count",
        "whole number",
    ),
    case(
        "string-carry-over",
        set_at(("budgets", 0, "carry_over"), "true"),
        "budgets[0].carry_over",
        "true or false",
    ),
    # --- signs and ranges -----------------------------------------------------
    case(
        "negative-cost",
        set_at(("initiatives", 0, "cost", 0), -60),
        "initiatives[0].cost[0]",
        "at least 0",
    ),
    case(
        "negative-cost-by-budget",
        set_at(("initiatives", 0, "cost"), {"central": [60, -20]}),
        "initiatives[0].cost.central[1]",
        "at least 0",
    ),
    case(
        "negative-capacity",
        set_at(("resources", 0, "capacity", 1), -3),
        "resources[0].capacity[1]",
        "at least 0",
    ),
    case(
        "negative-limit",
        set_at(("budgets", 0, "limits", 2), -100),
        "budgets[0].limits[2]",
        "at least 0",
    ),
    case(
        "negative-weight",
        set_at(("criteria", 1, "weight"), -0.4),
        "criteria[1].weight",
        "at least 0",
    ),
    case(
        "negative-score",
        set_at(("initiatives", 2, "scores", "research"), -4),
        "initiatives[2].scores.research",
        "at least 0",
    ),
    case(
        "negative-uses",
        set_at(("initiatives", 1, "uses", "fte", 0), -2),
        "initiatives[1].uses.fte[0]",
        "at least 0",
    ),
    case(
        "negative-lag",
        set_at(("rules", 0, "lag"), -1),
        "rules[0].lag",
        "at least 0",
    ),
    case(
        "negative-count",
        set_at(("rules", 1, "count"), -1),
        "rules[1].count",
        "at least 0",
    ),
    case(
        "probability-1.5",
        set_at(("initiatives", 0, "success_probability"), 1.5),
        "initiatives[0].success_probability",
        "at most 1",
    ),
    case(
        "probability-minus-0.1",
        set_at(("initiatives", 0, "success_probability"), -0.1),
        "initiatives[0].success_probability",
        "at least 0",
    ),
    case(
        "delay-discount-zero",
        set_at(("settings",), {"delay_discount": 0}),
        "settings.delay_discount",
    ),
    # --- duplicate JSON keys (hand-written text) ------------------------------
    case(
        "duplicate-key-top-level",
        edit_text('"name": "bad-input base"', '"name": "a", "name": "b"'),
        "name",
        TWICE,
    ),
    case(
        "duplicate-key-initiative",
        edit_text('"cost": [60, 20]', '"cost": [60, 20], "cost": [60, 20]'),
        "initiatives[0].cost",
        TWICE,
    ),
    case(
        "duplicate-key-rule",
        edit_text('"lag": 1', '"lag": 1, "lag": 2'),
        "rules[0].lag",
        TWICE,
    ),
    case(
        "duplicate-key-nested-object",
        edit_text('"scores": {"talent": 8}', '"scores": {"talent": 8, "talent": 9}'),
        "initiatives[1].scores.talent",
        TWICE,
    ),
    # --- duplicate ids --------------------------------------------------------
    case(
        "duplicate-initiative-id",
        append_at(("initiatives",), {"id": "CT", "scores": {"talent": 1}}),
        "initiatives[4]",
        '"CT" appears 2 times',
    ),
    case(
        "duplicate-budget-id",
        append_at(("budgets",), {"id": "central", "limits": [1, 1, 1]}),
        "budgets[1]",
        '"central" appears 2 times',
    ),
    case(
        "duplicate-resource-id",
        append_at(("resources",), {"id": "fte", "capacity": [1, 1, 1]}),
        "resources[1]",
        '"fte" appears 2 times',
    ),
    case(
        "duplicate-criterion-id",
        append_at(("criteria",), {"id": "talent", "weight": 1}),
        "criteria[2]",
        '"talent" appears 2 times',
    ),
    case(
        "duplicate-period",
        set_at(("periods",), ["2027", "2028", "2028"]),
        "periods[2]",
        '"2028" appears 2 times',
    ),
    # --- references to unknown ids --------------------------------------------
    case(
        "unknown-requires-initiative",
        set_at(("rules", 0, "initiative"), "XX"),
        "rules[0].initiative",
        UNKNOWN_INI,
    ),
    case(
        "unknown-requires-on",
        set_at(("rules", 0, "on"), ["JL", "XX"]),
        "rules[0].on[1]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-at-most-member",
        set_at(("rules", 1, "members", 1), "XX"),
        "rules[1].members[1]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-at-least-member",
        chain(drop_at(("rules", 2, "where")), set_at(("rules", 2, "members"), ["XX"])),
        "rules[2].members[0]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-exactly-member",
        append_at(("rules",), {"kind": "exactly", "count": 1, "members": ["IB", "XX"]}),
        "rules[4].members[1]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-synergy-member",
        set_at(("rules", 3, "members", 0), "XX"),
        "rules[3].members[0]",
        UNKNOWN_INI,
    ),
    case(
        "unknown-criterion-in-scores",
        set_at(("initiatives", 1, "scores", "innovation"), 3),
        "initiatives[1].scores.innovation",
        'unknown criterion "innovation"',
    ),
    case(
        "unknown-budget-in-cost-object",
        set_at(("initiatives", 0, "cost"), {"central": [60], "partner": [20]}),
        "initiatives[0].cost.partner",
        'unknown budget "partner"',
    ),
    case(
        "unknown-resource-in-uses",
        set_at(("initiatives", 1, "uses", "lab_m2"), [40]),
        "initiatives[1].uses.lab_m2",
        'unknown resource "lab_m2"',
    ),
    case(
        "unknown-earliest-start",
        set_at(("initiatives", 0, "earliest_start"), "2026"),
        "initiatives[0].earliest_start",
        '"2026" is not a period',
    ),
    case(
        "unknown-latest-start",
        set_at(("initiatives", 2, "latest_start"), "2030"),
        "initiatives[2].latest_start",
        '"2030" is not a period',
    ),
    case(
        "requires-itself",
        set_at(("rules", 0, "on"), ["IC"]),
        "rules[0].on",
        "cannot require itself",
    ),
    case(
        "member-listed-twice",
        set_at(("rules", 3, "members"), ["JL", "JL"]),
        "rules[3]",
        '"JL" is listed more than once',
    ),
    # --- profiles of the wrong type -------------------------------------------
    case(
        "cost-as-string",
        set_at(("initiatives", 0, "cost"), "60"),
        "initiatives[0].cost",
        "must be a list",
    ),
    case(
        "cost-as-number",
        set_at(("initiatives", 0, "cost"), 60),
        "initiatives[0].cost",
        "must be a list",
    ),
    case(
        "cost-list-with-string",
        set_at(("initiatives", 0, "cost"), [60, "twenty"]),
        "initiatives[0].cost[1]",
        NOT_NUMBER,
    ),
    case(
        "cost-object-with-number",
        set_at(("initiatives", 0, "cost"), {"central": 60}),
        "initiatives[0].cost.central",
        "must be a list",
    ),
    case(
        "uses-as-list",
        set_at(("initiatives", 1, "uses"), [2]),
        "initiatives[1].uses",
        "must be an object",
    ),
    case(
        "uses-profile-as-number",
        set_at(("initiatives", 1, "uses"), {"fte": 2}),
        "initiatives[1].uses.fte",
        "must be a list",
    ),
    case(
        "single-list-cost-with-two-budgets",
        append_at(("budgets",), {"id": "partner", "limits": [50, 50, 50]}),
        "initiatives[0].cost",
        "single profile but there are several budgets",
    ),
    # --- lengths, windows, horizon, cycles ------------------------------------
    case(
        "limits-too-short",
        set_at(("budgets", 0, "limits"), [100, 100]),
        "budgets[0].limits",
        "has 2 entries but there are 3 periods",
    ),
    case(
        "limits-too-long",
        set_at(("budgets", 0, "limits"), [100, 100, 100, 100]),
        "budgets[0].limits",
        "has 4 entries but there are 3 periods",
    ),
    case(
        "capacity-too-short",
        set_at(("resources", 0, "capacity"), [3]),
        "resources[0].capacity",
        "has 1 entry but there are 3 periods",
    ),
    case(
        "window-reversed",
        update_at(("initiatives", 0), earliest_start="2028", latest_start="2027"),
        "initiatives[0].latest_start",
        "before earliest_start",
    ),
    case(
        "profile-does-not-fit-horizon",
        update_at(("initiatives", 2), cost=[10, 10, 10], earliest_start="2028"),
        "initiatives[2]",
        '"CT" cannot start anywhere in its window',
    ),
    case(
        "use-profile-does-not-fit-horizon",
        update_at(("initiatives", 1), uses={"fte": [0, 0, 0, 1]}),
        "initiatives[1]",
        '"IC" cannot start anywhere in its window',
    ),
    case(
        "requires-cycle-positive-lag",
        # IC requires JL with lag 1 (base); JL requires IC with lag 0.
        append_at(("rules",), {"kind": "requires", "initiative": "JL", "on": ["IC"]}),
        "rules[0]",
        "the cycle can never be met",
    ),
    # --- rules ----------------------------------------------------------------
    case(
        "invalid-rule-kind",
        set_at(("rules", 1, "kind"), "at_mostt"),
        "rules[1]",
        "kind must be one of",
    ),
    case(
        "missing-rule-kind",
        drop_at(("rules", 3, "kind")),
        "rules[3]",
        "kind must be one of",
    ),
    case(
        "rule-not-an-object",
        append_at(("rules",), "IC needs JL"),
        "rules[4]",
    ),
    case(
        "count-rule-members-and-where",
        set_at(("rules", 2, "members"), ["JL"]),
        "rules[2]",
        "give exactly one of `members` or `where`",
    ),
    case(
        "count-rule-neither-members-nor-where",
        drop_at(("rules", 1, "members")),
        "rules[1]",
        "give exactly one of `members` or `where`",
    ),
    case(
        "where-matches-nothing",
        set_at(("rules", 2, "where"), {"type": "incubator"}),
        "rules[2].where",
        "matches no initiative",
    ),
    case(
        "where-names-no-field",
        set_at(("rules", 2, "where"), {}),
        "rules[2].where",
        "names no field",
    ),
    case(
        "synergy-one-member",
        set_at(("rules", 3, "members"), ["JL"]),
        "rules[3].members",
        "at least 2",
    ),
    case(
        "requires-empty-on",
        set_at(("rules", 0, "on"), []),
        "rules[0].on",
        "at least 1",
    ),
    # --- enumerations and ids -------------------------------------------------
    case(
        "invalid-decision",
        set_at(("initiatives", 0, "decision"), "maybe"),
        "initiatives[0].decision",
        "must be one of",
    ),
    case(
        "invalid-type",
        set_at(("initiatives", 0, "type"), "lab"),
        "initiatives[0].type",
        "must be one of",
    ),
    case(
        "empty-id",
        set_at(("initiatives", 3, "id"), ""),
        "initiatives[3].id",
        "must not be empty",
    ),
    case(
        "id-with-leading-space",
        set_at(("budgets", 0, "id"), " central"),
        "budgets[0].id",
    ),
    # --- missing required fields ----------------------------------------------
    case(
        "missing-periods",
        drop_at(("periods",)),
        "periods",
        "is required",
    ),
    case(
        "missing-criteria",
        drop_at(("criteria",)),
        "criteria",
        "is required",
    ),
    case(
        "missing-initiatives",
        drop_at(("initiatives",)),
        "initiatives",
        "is required",
    ),
    case(
        "missing-criterion-weight",
        drop_at(("criteria", 0, "weight")),
        "criteria[0].weight",
        "is required",
    ),
    case(
        "missing-initiative-id",
        drop_at(("initiatives", 0, "id")),
        "initiatives[0].id",
        "is required",
    ),
    case(
        "empty-periods",
        set_at(("periods",), []),
        "periods",
        "at least 1",
    ),
    case(
        "empty-initiatives",
        set_at(("initiatives",), []),
        "initiatives",
        "at least 1",
    ),
    # --- not an instance at all -----------------------------------------------
    case("empty-file", whole(""), "empty"),
    case("whitespace-only-file", whole("  \n\t \n"), "empty"),
    case("not-json", whole("periods: [2027, 2028]\n"), "line 1, column 1", "JSON"),
    case(
        "truncated-json",
        whole('{"periods": ["2027"],\n "criteria": ['),
        "line 2",
        "not valid JSON",
    ),
    case("json-array-top-level", whole("[1, 2, 3]"), "(top level)", "JSON object"),
    case("json-string-top-level", whole('"hello"'), "(top level)", "JSON object"),
    case("json-null-top-level", whole("null"), "(top level)", "JSON object"),
    case(
        "non-utf8-file",
        lambda data: json.dumps(
            {**data, "name": "Université"}, ensure_ascii=False
        ).encode("latin-1"),
        "not UTF-8",
    ),
]


def test_base_instance_is_valid(tmp_path: Path) -> None:
    result = validate(tmp_path, copy.deepcopy(BASE))
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    source = mutation(copy.deepcopy(BASE))
    result = validate(tmp_path, source)
    assert_rejected(result, expected)


def test_zero_lag_requires_cycle_is_accepted(tmp_path: Path) -> None:
    """A requires B and B requires A, both lag 0: start both together."""
    data = copy.deepcopy(BASE)
    data["rules"][0]["lag"] = 0
    data["rules"].append(
        {"kind": "requires", "initiative": "JL", "on": ["IC"], "lag": 0}
    )
    result = validate(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_bom_is_accepted(tmp_path: Path) -> None:
    source = b"\xef\xbb\xbf" + json.dumps(BASE).encode("utf-8")
    result = validate(tmp_path, source)
    assert result.exit_code == 0, result.output


def test_utf8_text_is_accepted(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["name"] = "产教融合 2027-2029"
    result = validate(tmp_path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert result.exit_code == 0, result.output


# --- several problems at once -------------------------------------------------


def _problem_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("  - ")]


def test_three_field_problems_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["colour"] = "blue"
    data["criteria"][1]["weight"] = -0.4
    data["initiatives"][0]["success_probability"] = 1.5
    result = validate(tmp_path, data)
    assert_rejected(
        result,
        ("3 problems", "colour", "criteria[1].weight", "success_probability"),
    )
    assert len(_problem_lines(result)) == 3


def test_three_consistency_problems_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["initiatives"][1]["scores"]["innovation"] = 3
    data["budgets"][0]["limits"] = [100, 100]
    data["rules"][3]["members"][1] = "XX"
    result = validate(tmp_path, data)
    assert_rejected(
        result,
        (
            "3 problems",
            "initiatives[1].scores.innovation",
            "budgets[0].limits",
            "rules[3].members[1]",
        ),
    )
    assert len(_problem_lines(result)) == 3


def test_field_and_consistency_problems_reported_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["criteria"][1]["weight"] = -0.4  # field level
    data["initiatives"][1]["scores"]["innovation"] = 3  # unknown criterion
    data["budgets"][0]["limits"] = [100, 100]  # wrong length
    result = validate(tmp_path, data)
    assert_rejected(
        result,
        (
            "3 problems",
            "criteria[1].weight",
            "initiatives[1].scores.innovation",
            "budgets[0].limits",
        ),
    )


def test_structural_field_error_still_reports_itself(tmp_path: Path) -> None:
    """A wrong structure stops the cross-entity pass; the field error stands alone."""
    data = copy.deepcopy(BASE)
    data["budgets"][0]["limits"] = "lots"
    data["initiatives"][1]["scores"]["innovation"] = 3
    result = validate(tmp_path, data)
    assert_rejected(result, ("1 problem", "budgets[0].limits", "must be a list"))


def test_duplicate_key_reported_with_other_problems(tmp_path: Path) -> None:
    text = json.dumps(BASE).replace('"lag": 1', '"lag": 1, "lag": 1', 1)
    text = text.replace('"success_probability": 0.8', '"success_probability": 1.5')
    result = validate(tmp_path, text)
    assert_rejected(
        result, ("2 problems", "rules[0].lag", TWICE, "success_probability")
    )


# --- Python API -----------------------------------------------------------------


API_CASES = [
    pytest.param(
        set_at(("initiatives", 1, "budget"), 5),
        "initiatives[1].budget",
        id="unknown-key",
    ),
    pytest.param(
        set_at(("budgets", 0, "limits", 0), "5000"),
        "budgets[0].limits[0]",
        id="string-limit",
    ),
    pytest.param(
        set_at(("criteria", 0, "weight"), float("nan")),
        "criteria[0].weight",
        id="nan-weight",
    ),
    pytest.param(
        set_at(("initiatives", 0, "success_probability"), 1.5),
        "initiatives[0].success_probability",
        id="probability-1.5",
    ),
    pytest.param(
        set_at(("initiatives", 0, "cost"), {"central": [60], "partner": [20]}),
        "initiatives[0].cost.partner",
        id="unknown-budget",
    ),
    pytest.param(
        set_at(("rules", 1, "members", 1), "XX"),
        "rules[1].members[1]",
        id="unknown-member",
    ),
    pytest.param(
        append_at(("rules",), {"kind": "requires", "initiative": "JL", "on": ["IC"]}),
        "rules[0]",
        id="requires-cycle",
    ),
    pytest.param(drop_at(("periods",)), "periods", id="missing-periods"),
    pytest.param(whole([BASE]), "(top level)", id="list-not-object"),
]


@pytest.mark.parametrize(("mutation", "path"), API_CASES)
def test_api_raises_input_error_with_path(mutation: Mutation, path: str) -> None:
    data = mutation(copy.deepcopy(BASE))
    with pytest.raises(InputError) as info:
        instance_from_data(data)
    paths = [p.path for p in info.value.problems]
    assert path in paths
    assert all(p.message for p in info.value.problems)
    assert path in str(info.value)


def test_api_accepts_base_instance() -> None:
    inst = instance_from_data(copy.deepcopy(BASE))
    assert [i.id for i in inst.initiatives] == ["JL", "IC", "CT", "IB"]
