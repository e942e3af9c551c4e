"""Instances from JSON text or data: parsing, validation and readable problems."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

from pydantic import ValidationError

from pathway_opt.errors import InputError, Problem
from pathway_opt.schema.characters import escape_invisible
from pathway_opt.schema.entities import MAX_AMOUNT, UNION_TAGS
from pathway_opt.schema.instance import Instance


class _NonFinite:
    """Stands in for NaN, Infinity or an overflowing literal so it fails validation."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _PairsDict(dict[str, Any]):
    """A JSON object that remembers keys it saw more than once."""

    duplicates: list[str]


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _PairsDict:
    obj = _PairsDict()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


class _TooLarge(_NonFinite):
    """Stands in for a number far beyond any amount the model accepts."""


def _parse_float(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _TooLarge(text)


def _parse_int(text: str) -> int | _NonFinite:
    # Long digit strings would overflow floats (and Python refuses > 4300 digits).
    if len(text.lstrip("-")) > 30:
        return _TooLarge(f"{text[:12]}... ({len(text.lstrip('-'))} digits)")
    return int(text)


def format_path(loc: tuple[int | str, ...]) -> str:
    """`('initiatives', 3, 'cost', 1)` -> `initiatives[3].cost[1]`.

    Pydantic's `[key]` marker (the problem is the key itself, not its value) is
    left out, and characters an id may not hold are written as escapes.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "[key]":
            part = escape_invisible(part)
            out += f".{part}" if out else part
    return out


def _strip_tags(
    loc: tuple[int | str, ...], list_tags: frozenset[str] = frozenset()
) -> tuple[int | str, ...]:
    """Drop the discriminator tags pydantic adds inside unions.

    ``list_tags`` are further tags that follow a list index (e.g. edit names).
    """
    kept: list[int | str] = []
    tagged = False  # a tag was just dropped: what follows is a field (`at_least`)
    for part in loc:
        if isinstance(part, str) and kept and not tagged:
            prev = kept[-1]
            after_index = isinstance(prev, int)
            in_rules = after_index and len(kept) >= 2 and kept[-2] == "rules"
            if part in UNION_TAGS and (
                in_rules or prev in ("cost", "type", "department", "partner", "min_use")
            ):
                tagged = True
                continue
            if after_index and part in list_tags:
                continue
        tagged = False
        kept.append(part)
    return tuple(kept)


def _describe(value: Any) -> str:
    if isinstance(value, _NonFinite):
        return value.text
    text = escape_invisible(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 40 else text[:37] + "..."


def _plain_message(err: Any) -> str:
    """One error from pydantic, said in words a planner can act on."""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    got = _describe(value)
    kind_got = _describe(value.get("kind")) if isinstance(value, dict) else got
    if isinstance(value, _TooLarge) or (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > 1e300
    ):
        return f"is far too large (got {got}); amounts may be at most {MAX_AMOUNT:g}"
    if isinstance(value, _NonFinite):
        return f"must be a finite number, got {got}"
    simple = {
        "missing": "is required but missing; add it",
        "extra_forbidden": "is not a known field; remove it or fix its spelling "
        "(`pathway-opt schema` lists the fields)",
        "float_type": f"must be a number, got {got}",
        "int_type": f"must be a whole number, got {got}",
        "string_type": f"must be text (in quotes), got {got}",
        "bool_type": f"must be true or false, got {got}",
        "list_type": f"must be a list [...], got {got}",
        "dict_type": f"must be an object {{...}}, got {got}",
        "model_type": f"must be an object {{...}}, got {got}",
        "finite_number": f"must be a finite number, got {got}",
        "literal_error": f"must be one of {ctx.get('expected', '')}, got {got}",
        "rule_kind": "kind must be one of requires, at_most, at_least, exactly, "
        f"synergy, spend_share, average, got {kind_got}",
        "greater_than_equal": f"must be at least {ctx.get('ge')}, got {got}",
        "greater_than": f"must be greater than {ctx.get('gt')}, got {got}",
        "less_than_equal": f"must be at most {ctx.get('le')}, got {got}",
        "too_short": f"must have at least {ctx.get('min_length')} "
        f"{'entry' if ctx.get('min_length') == 1 else 'entries'}",
        "string_too_short": "must not be empty",
        "string_too_long": f"is too long (at most {ctx.get('max_length')} characters)",
        "string_pattern_mismatch": "must be non-empty without leading or trailing "
        f"spaces, got {got}",
    }
    if kind == "id_character":  # names the character; the id is in the path
        return str(err["msg"])
    return simple.get(kind, f"{err['msg']} (got {got})")


def problems_from_validation(
    exc: ValidationError, list_tags: frozenset[str] = frozenset()
) -> list[Problem]:
    """Translate a pydantic ValidationError into path-named problems."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        if err["type"] == "instance_consistency":
            problems.extend(Problem(*p) for p in err["ctx"]["problems"])
            continue
        loc = _strip_tags(err["loc"], list_tags)
        problems.append(Problem(format_path(loc) or "(top level)", _plain_message(err)))
    return problems


def _collect_duplicates(node: Any, loc: tuple[int | str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(node, _PairsDict):
        for key in node.duplicates:
            problems.append(
                Problem(
                    format_path((*loc, key)),
                    f'the key "{key}" appears more than once in this object; keep one',
                )
            )
        for key, value in node.items():
            problems.extend(_collect_duplicates(value, (*loc, key)))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            problems.extend(_collect_duplicates(value, (*loc, k)))
    return problems


def parse_json_text(text: str) -> Any:
    """Parse JSON text strictly; raises InputError with line and column on failure."""
    if not text.strip():
        raise InputError([Problem("", "the file is empty; expected a JSON object")])
    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs_hook,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=_NonFinite,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    f"line {exc.lineno}, column {exc.colno}",
                    f"not valid JSON: {exc.msg}",
                )
            ]
        ) from None
    except RecursionError:
        raise InputError([Problem("", "the JSON is nested too deeply")]) from None


def instance_from_data(data: Any) -> Instance:
    """Validate parsed JSON data (or a plain dict) into an Instance."""
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    "(top level)",
                    f"must be a JSON object {{...}}, got {_describe(data)}",
                )
            ]
        )
    duplicates = _collect_duplicates(data, ())
    try:
        instance = Instance.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc)
        raise InputError(duplicates + problems + _later_problems(data, exc)) from None
    if duplicates:
        raise InputError(duplicates)
    return instance


#: Field errors whose value can be stood in for by a neutral number, so that the
#: cross-entity checks (which pydantic runs only on valid fields) still run.
_NUMERIC_ERRORS = frozenset(
    {"float_type", "int_type", "finite_number", "greater_than_equal"}
    | {"greater_than", "less_than_equal", "less_than"}
)


def _later_problems(data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """Cross-entity problems of a file that also has field errors.

    Bad numbers are replaced by 1 (valid for every numeric field) and unknown keys
    dropped in a copy; if that copy validates as far as the cross-entity checks,
    their problems are reported too, so the user sees everything at once. Other
    field errors (wrong structure, bad text) stop this second pass.
    """
    patched = copy.deepcopy(data)
    stood_in: list[tuple[str, str]] = []  # (parent path, field) given a stand-in
    for err in exc.errors(include_url=False):
        loc = _strip_tags(err["loc"])
        if not loc or err["type"] not in _NUMERIC_ERRORS | {"extra_forbidden"}:
            return []
        try:
            parent: Any = patched
            for part in loc[:-1]:
                parent = parent[part]
            if err["type"] == "extra_forbidden":
                parent.pop(loc[-1], None)
            else:
                parent[loc[-1]] = 1
                if isinstance(loc[-1], str):
                    stood_in.append((format_path(loc[:-1]), loc[-1]))
        except (KeyError, IndexError, TypeError):
            return []
    try:
        Instance.model_validate(patched)
    except ValidationError as second:
        found = [
            Problem(*p)
            for e in second.errors(include_url=False)
            if e["type"] == "instance_consistency"
            for p in e["ctx"]["problems"]
        ]
        # A comparison with a stood-in value (`at_most is 0.9, below at_least 1`)
        # would speak of a number the user did not write: leave it out.
        return [
            p
            for p in found
            if not any(
                (p.path == parent or p.path.startswith((parent + ".", parent + "[")))
                and field in p.message
                for parent, field in stood_in
            )
        ]
    return []
