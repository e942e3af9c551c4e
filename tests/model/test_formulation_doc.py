"""models/pathway.md names exactly the components the built model has."""

from __future__ import annotations

import re

import pyomo.environ as pyo
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.model import families as model_module
from pathway_opt.model import form as form_module

DOC = ROOT / "models" / "pathway.md"

FULL = {
    "name": "every family",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [5, 5]}],
    "resources": [{"id": "fte", "capacity": [2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 1}, "cost": [1], "uses": {"fte": [1]}},
        {"id": "B", "scores": {"TC": 1}, "cost": [1]},
    ],
    "rules": [
        {"kind": "requires", "initiative": "B", "on": ["A"], "lag": 1},
        {"kind": "at_most", "count": 1, "members": ["A", "B"]},
        {"kind": "synergy", "members": ["A", "B"], "bonus": 1},
    ],
}


def _documented() -> set[str]:
    """Names in the "Pyomo component" column of every table of the document."""
    names: set[str] = set()
    column = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if column is None:
            column = (
                cells.index("Pyomo component") if "Pyomo component" in cells else -1
            )
        elif column >= 0 and len(cells) > column:
            names |= set(re.findall(r"`([a-z_]+)`", cells[column]))
    return names


def _builders() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"\| `((?:add|load)_[a-z_]+)` \|", text))


def test_documented_components_are_the_built_ones() -> None:
    m = po.build_model(po.instance_from_data(FULL))
    built = {
        c.local_name
        for c in m.component_objects(
            (pyo.Var, pyo.Constraint, pyo.Objective, pyo.Param)
        )
    }
    assert _documented() == built


def test_documented_builders_exist_and_carry_their_component_in_the_docstring() -> None:
    builders = _builders()
    assert builders
    for name in builders:
        func = getattr(model_module, name, None) or getattr(form_module, name)
        assert func.__doc__
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"\| `([a-z_]+)` \| `((?:add|load)_[a-z_]+)` \|", text)
    for component, builder in rows:
        func = getattr(model_module, builder, None) or getattr(form_module, builder)
        assert f"``{component}" in func.__doc__
