"""Misuse from Python gets an InputError naming the argument and its valid values.

Never pydantic's own error (with its URL), a bare KeyError or TypeError, or a
message naming a command-line flag.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import pytest
from repo_paths import ROOT

import pathway_opt as po
from pathway_opt.whatif.session import Session

DATA: dict[str, Any] = {
    "name": "misuse",
    "periods": ["2027", "2028", "2029"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [10, 10, 10]}],
    "resources": [{"id": "fte", "unit": "FTE", "capacity": [2, 2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 3}, "cost": [6], "uses": {"fte": [1]}},
        {"id": "B", "scores": {"TC": 2}, "cost": [6, 2]},
        {"id": "C", "scores": {"TC": 1}, "cost": [3]},
    ],
}
INST = po.instance_from_data(DATA)
PERIODS = '"2027", "2028", "2029"'


def _problems(call: Any) -> list[po.Problem]:
    """The problems of the InputError ``call()`` raises, checked for raw errors."""
    with pytest.raises(po.InputError) as caught:
        call()
    text = str(caught.value)
    assert "pydantic" not in text and "http" not in text and "--" not in text
    return caught.value.problems


def _one(call: Any) -> po.Problem:
    (problem,) = _problems(call)
    return problem


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.scale_budget("central", 0.9, periods=[2029]),
        lambda s: s.set_budget("central", [5.0], periods=[2029]),
        lambda s: s.scale_capacity("fte", 0.5, periods=[2029]),
        lambda s: s.set_capacity("fte", [1.0], periods=[2029]),
    ],
    ids=["scale_budget", "set_budget", "scale_capacity", "set_capacity"],
)
def test_periods_as_numbers_name_the_argument_and_the_periods(edit: Any) -> None:
    session = Session(INST)
    problem = _one(lambda: edit(session))
    assert problem.path == "periods[0]"
    assert "2029" in problem.message and f"the periods are {PERIODS}" in problem.message
    assert session.edits == [] and session.instance == INST


def test_bad_edit_helpers_list_the_valid_values() -> None:
    session = Session(INST)
    cases = [
        (lambda: session.scale_budget("centre", 0.9), "budget", '"central"'),
        (lambda: session.scale_capacity("staff", 0.9), "resource", '"fte"'),
        (lambda: session.force_in("Z"), "initiative", '"A", "B", "C"'),
        (lambda: session.set_score("A", "XX", 1.0), "criterion", '"TC"'),
        (lambda: session.set_weight("XX", 1.0), "criterion", '"TC"'),
        (lambda: session.set_window("A", "2031"), "earliest_start", PERIODS),
        (lambda: session.scale_budget("central", 0.9, ["2031"]), "periods", PERIODS),
        (lambda: session.scale_budget("central", -1), "factor", "at least 0"),
        (lambda: session.set_window("A", 2028), "earliest_start", PERIODS),
    ]
    for call, path, valid in cases:
        problem = _one(call)
        assert problem.path == path and valid in problem.message, problem
    assert session.edits == []


def test_edits_as_data_and_scenarios_name_their_fields() -> None:
    session = Session(INST)
    session.apply({"op": "force_out", "initiative": "A"})  # an edit as data works
    assert session.instance.initiatives[0].decision == "never"
    problem = _one(lambda: session.apply({"op": "scale_budgt", "budget": "x"}))
    assert problem.path == "op" and "scale_budget, set_budget" in problem.message
    misspelt = _problems(lambda: session.apply({"op": "force_in", "initiativ": "A"}))
    assert {p.path for p in misspelt} == {"initiative", "initiativ"}
    assert any("its fields are initiative" in p.message for p in misspelt)
    assert _one(lambda: session.apply(5)).path == "edit"  # type: ignore[arg-type]

    problems = _problems(
        lambda: po.Scenario(
            name="cut",
            edits=[
                {"op": "scale_budget", "budget": "central", "factor": 0.9,
                 "periods": [2029]},
                {"op": "nope"},
            ],
        )
    )  # fmt: skip
    assert [p.path for p in problems] == ["edits[0].periods[0]", "edits[1].op"]
    assert '"2029"' in problems[0].message
    assert _one(lambda: po.Scenario(name=3)).path == "name"


def test_scenario_collections_name_each_bad_entry() -> None:
    problems = _problems(
        lambda: po.run_scenarios(
            INST, [{"name": "a", "edits": [{"op": "force_in"}]}, 7]
        )
    )
    assert [p.path for p in problems] == ["scenarios[0].edits[0].initiative",
                                          "scenarios[1]"]  # fmt: skip
    problem = _one(
        lambda: po.run_scenarios(INST, {"cut": [{"op": "force_in", "initiative": "Z"}]})
    )
    assert problem.path == "scenarios[0].edits[0].initiative"
    assert '"A", "B", "C"' in problem.message
    problem = _one(lambda: po.run_scenarios(INST, [{"name": "base", "edits": []}]))
    assert 'scenario name "base"' in problem.message
    assert _one(lambda: po.run_scenarios(INST, 3)).path == "scenarios"


def test_compare_refuses_what_is_not_a_plan() -> None:
    plan = po.solve(INST)
    assert _one(lambda: po.compare({})).path == "plans"
    assert _one(lambda: po.compare([plan, "x"])).path == "plans[1]"
    scenario = po.Scenario(name="cut", edits=[])
    problem = _one(lambda: po.compare({"cut": scenario}))
    assert problem.path == 'plans["cut"]' and "compare(inst, scenarios)" in (
        problem.message
    )
    assert _one(lambda: po.compare([plan], [scenario])).path == "scenarios"
    assert _one(lambda: po.compare(INST)).path == "scenarios"
    assert _one(lambda: po.compare(plan)).path == "plans"  # type: ignore[arg-type]


def test_explanation_tables_and_only_name_the_valid_values() -> None:
    result = po.explain(INST, only="A", marginal=False)  # one id as a string
    assert [r["id"] for r in result.why] == ["A"]
    problem = _one(lambda: result.table("whyy"))
    assert problem.path == "name"
    for name in ("why", "binding", "bottlenecks", "repairs"):
        assert f'"{name}"' in problem.message
    problem = _one(lambda: po.explain(INST, only=["Z"]))
    assert problem.path == "only" and '"A", "B", "C"' in problem.message


def test_instances_and_options_name_the_argument() -> None:
    problem = _one(lambda: po.solve(DATA))  # type: ignore[arg-type]
    assert problem.path == "inst" and "po.instance_from_data" in problem.message
    assert _one(lambda: po.explain(5)).path == "source"  # type: ignore[arg-type]
    assert _one(lambda: po.solve(INST, 30)).path == "settings"  # type: ignore[arg-type]
    for keyword, value, words in [
        ("time_limit", -1, ">= 0"),
        ("threads", 0, ">= 1"),
        ("threads", 1.5, "whole number"),
        ("mip_gap", 2, "from 0 to 1"),
    ]:
        problem = _one(lambda k=keyword, v=value: po.solve(INST, **{k: v}))
        assert problem.path == keyword and words in problem.message
    both = _problems(lambda: po.SolveSettings(time_limit=-5, random_seed=-1))
    assert [p.path for p in both] == ["time_limit", "random_seed"]
    assert _one(lambda: Session(INST, threads=0)).path == "threads"


def test_sweep_takes_one_number_or_text_and_refuses_words() -> None:
    one = po.sweep(INST, budget_scale=0.5)
    assert one["budget_scale"].tolist() == [0.5]
    assert one["objective"].iloc[0] == pytest.approx(
        po.solve(po.Scenario(name="h", edits=[{"op": "scale_budget",
                                               "budget": "central",
                                               "factor": 0.5}]).apply(INST)
                 ).objective
    )  # fmt: skip
    two = po.sweep(INST, budget_scale="0.5:1:2")
    assert two["budget_scale"].tolist() == [0.5, 1.0]
    assert _one(lambda: po.sweep(INST, budget_scale=["a"])).path == "budget_scale"
    assert _one(lambda: po.sweep(INST, budget_scale="1:2")).path == "budget_scale"
    problem = _one(lambda: po.sweep(INST, budgets=["centre"]))
    assert problem.path == "budgets" and '"central"' in problem.message


# Literal text that names a command-line option, e.g. `--only` or `--time-limit`.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
#: Modules outside cli/ allowed to name flags, and why.
ALLOWED = {
    # a generated instance's description records the command that made it
    "pathway_opt/inputs/generate.py",
    # `clashes` reports output collisions by the command's option (the CLI's
    # check before writing); its wording belongs to the CLI's output checks
    "pathway_opt/outputs/plan_files.py",
    # the same checks for every command's outputs, incl. the --force policy
    "pathway_opt/outputs/targets.py",
}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_the_library_names_no_command_line_flags() -> None:
    found = []
    for path in sorted((ROOT / "pathway_opt").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name.startswith("pathway_opt/cli/") or name in ALLOWED:
            continue
        for line, text in _strings(ast.parse(path.read_text(encoding="utf-8"))):
            if FLAG.search(text):
                found.append(f"{name}:{line}: {text!r}")
    assert not found, "\n".join(found)


def test_scores_and_weights_that_make_a_value_too_large_are_input_errors() -> None:
    # Worth 1e15 or more, an initiative is beyond what HiGHS solves: the session
    # refuses the edit as loading the instance would, and stays as it was.
    session = Session(INST)
    before = session.solve()
    for call in (
        lambda: session.set_score("A", "TC", 1e15),
        lambda: session.set_weight("TC", 4e14),  # A: 3 x 4e14
    ):
        problem = _one(call)
        assert problem.path.startswith("initiatives[") and "1e15" in problem.message
    assert session.edits == [] and session.instance == INST
    again = session.solve()
    assert again.status == before.status and again.objective == before.objective
