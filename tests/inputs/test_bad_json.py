"""Bad input files: not JSON, not an object, empty, not UTF-8, or with a key twice.

Each case is one mutation of the small valid instance of ``bad_input_cases`` (or a
whole file), run through ``pathway-opt validate``: exit code 1, the place named,
no traceback. A byte-order mark and UTF-8 text are accepted.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from bad_input_cases import (
    BASE,
    TWICE,
    Mutation,
    case,
    edit_text,
    rejected_by_validate,
    validate,
    whole,
)

CASES = [
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


@pytest.mark.parametrize(("mutation", "expected"), CASES)
def test_bad_input_is_rejected(
    tmp_path: Path, mutation: Mutation, expected: tuple[str, ...]
) -> None:
    rejected_by_validate(tmp_path, mutation, expected)


def test_bom_is_accepted(tmp_path: Path) -> None:
    source = b"\xef\xbb\xbf" + json.dumps(BASE).encode("utf-8")
    result = validate(tmp_path, source)
    assert result.exit_code == 0, result.output


def test_utf8_text_is_accepted(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["name"] = "产教融合 2027-2029"
    result = validate(tmp_path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert result.exit_code == 0, result.output
