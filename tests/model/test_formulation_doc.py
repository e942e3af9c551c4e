"""models/pathway.md names exactly the components the built model has, and every
constraint family the model builds has a row naming an existing test where it binds.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyomo.environ as pyo
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.model import families as model_module
from pathway_opt.model import form as form_module
from pathway_opt.model import value_families

DOC = ROOT / "models" / "pathway.md"

FULL = {
    "name": "every family",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [5, 5], "min_use": 0.1}],
    "resources": [{"id": "fte", "capacity": [2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 1}, "cost": [1], "uses": {"fte": [1]}},
        {"id": "B", "scores": {"TC": 1}, "cost": [1]},
    ],
    "rules": [
        {"kind": "requires", "initiative": "B", "on": ["A"], "lag": 1},
        {"kind": "at_most", "count": 1, "members": ["A", "B"]},
        {"kind": "synergy", "members": ["A", "B"], "bonus": 1},
        {"kind": "spend_share", "members": ["A"], "at_most": 0.9},
        {"kind": "average", "field": "success_probability", "at_least": 0.5},
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


def _family_table() -> list[dict[str, str]]:
    """The rows of the table under "## Constraint families", as header -> cell."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Constraint families")
    table = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif table:
            break
    header, rule, *rows = table
    assert set("".join(rule)) <= {"-", " ", ":"}
    for row in rows:
        assert len(row) == len(header), f"cells do not match the header: {row}"
    return [dict(zip(header, row, strict=True)) for row in rows]


def _built_families() -> set[str]:
    """Every constraint family the model builds: the row blocks of the arrays and
    the constraint components of the Pyomo model."""
    inst = po.instance_from_data(FULL)
    blocks = set(po.compile_form(inst).blocks)
    model = po.build_model(inst)
    constraints = {c.local_name for c in model.component_objects(pyo.Constraint)}
    return blocks | constraints


def _component(row: dict[str, str]) -> str:
    (name,) = re.findall(r"`([a-z_]+)`", row["Pyomo component"])
    return name


def _node_ids(row: dict[str, str]) -> list[str]:
    return re.findall(r"`([^`]+::[^`]+)`", row.get("test", ""))


def _tests_in(path: Path) -> set[str]:
    """Node ids (without parameters) of the tests a module defines, read with ast."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names |= {
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef) and item.name.startswith("test")
            }
    return names


def test_every_built_family_has_a_row() -> None:
    rows = _family_table()
    assert rows
    assert "test" in rows[0], "the table of constraint families has no test column"
    assert {_component(row) for row in rows} == _built_families()
    builders = {
        name
        for module in (model_module, value_families)
        for name, func in vars(module).items()
        if name.startswith("add_")
        and getattr(func, "__module__", None) == module.__name__
    }
    documented = {
        name for row in rows for name in re.findall(r"`(add_[a-z_]+)`", row["builder"])
    }
    assert builders <= documented, "a family builder has no row"


def test_every_family_row_names_a_test() -> None:
    for row in _family_table():
        assert _node_ids(row), f"{row['family']}: the test column is empty"
        assert row["test"].replace("<br>", " ").split() == [
            f"`{node}`" for node in _node_ids(row)
        ], f"{row['family']}: write each test as `path::name`"


def test_every_named_test_exists() -> None:
    for row in _family_table():
        for node in _node_ids(row):
            path, _, name = node.partition("::")
            module = ROOT / path
            assert module.is_file(), f"{row['family']}: no file {path}"
            assert re.sub(r"\[.*\]$", "", name) in _tests_in(module), (
                f"{row['family']}: no test {node}"
            )


def test_the_test_reader_finds_functions_and_methods_only(tmp_path: Path) -> None:
    """The ast reader finds functions and class methods and nothing else."""
    module = tmp_path / "test_example.py"
    module.write_text(
        "def test_a():\n    pass\n\n"
        "def helper():\n    pass\n\n"
        "class TestB:\n    def test_c(self):\n        pass\n",
        encoding="utf-8",
    )
    assert _tests_in(module) == {"test_a", "TestB::test_c"}
