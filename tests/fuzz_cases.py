"""Mutations of valid instances for fuzzing the command line (shared by the
bounded test and the long script ``benchmarks/fuzz_long.py``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
BASE = json.loads(
    (ROOT / "instances" / "small_applied_college.json").read_text("utf-8")
)

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e20, -1e20, 1e300, 5e-324, 0.0, -0.0, 10**400]),
    st.text(max_size=20),
    st.text(alphabet="产教融合🚀\u202e\x00 ", max_size=8),
    st.sampled_from(["x" * 100_000, "", " padded ", "=1+1", "NaN", "Infinity"]),
    st.lists(st.integers(-5, 5), max_size=4),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.recursive(st.integers(), lambda c: st.lists(c, max_size=2), max_leaves=60),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            out += _paths(v, (*prefix, k))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """JSON text of the base instance with a few random mutations."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        action = draw(st.sampled_from(["delete", "rename", "replace", "empty", "nest"]))
        if action == "delete":
            del parent[key]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(key)
        elif action == "empty":
            parent[key] = [] if isinstance(parent[key], list) else {}
        elif action == "nest":
            parent[key] = [[[[parent[key]]]]]
        else:
            parent[key] = draw(ODD_VALUES)
    if draw(st.integers(0, 20)) == 0:
        return json.dumps(data)[: draw(st.integers(0, 200))]  # truncated file
    return json.dumps(data, ensure_ascii=draw(st.booleans()))
