"""An initiative's `type` is the planner's own text: any non-empty text is kept,
the usual types are suggestions (a near miss is warned about), and a `where`
selector matching no initiative is a warning, not an error. The warnings reach
`validate`, the plan summary and the plan JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.instance_xlsx.template import write_template


def _three_types(**extra: Any) -> dict[str, Any]:
    """One budget of 10 in one period; three initiatives of cost 6, planners' types.

    Values 5 (course), 4 (research_center), 3 (产业学院); only one fits
    (6 + 6 > 10), so without rules the best plan is A alone.
    """
    return make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            {"id": "A", "type": "course", "scores": {"TC": 5}, "cost": [6]},
            {"id": "B", "type": "research_center", "scores": {"TC": 4}, "cost": [6]},
            {"id": "C", "type": "产业学院", "scores": {"TC": 3}, "cost": [6]},
        ],
        **extra,
    )


def test_any_type_text_is_kept_and_solved() -> None:
    plan = solve_dict(_three_types())
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert set(plan.starts) == {"A"}  # the highest value that fits
    assert [i.type for i in plan.instance.initiatives] == [
        "course",
        "research_center",
        "产业学院",
    ]
    assert po.instance_warnings(plan.instance) == []


def test_where_selects_the_planners_own_type() -> None:
    # at_least 1 of type 产业学院 forces C in: only C fits then (value 3).
    rule = {"kind": "at_least", "count": 1, "where": {"type": "产业学院"}}
    plan = solve_dict(_three_types(rules=[rule]))
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert set(plan.starts) == {"C"}
    assert plan.objective is not None and abs(plan.objective - 3) < 1e-6


def test_near_miss_of_a_usual_type_is_warned() -> None:
    data = make(
        initiatives=[
            {"id": "JL-1", "type": "join_lab", "scores": {"TC": 1}},
            {"id": "IC-1", "type": "Industrial College", "scores": {"TC": 1}},
            {"id": "X-1", "type": "research_center", "scores": {"TC": 1}},
        ]
    )
    warnings = po.instance_warnings(po.instance_from_data(data))
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("initiatives[0].type:")
    assert "did you mean joint_lab?" in warnings[0]
    assert "did you mean industrial_college?" in warnings[1]
    plan = solve_dict(data)  # a warning, not an error
    assert plan.status == po.Status.OPTIMAL and len(plan.starts) == 3


def test_where_matching_nothing_is_a_warning() -> None:
    # at_most 0 of a type nobody has: counts none, so every initiative fits.
    rule = {"kind": "at_most", "count": 0, "where": {"type": "course_x"}}
    data = _three_types(rules=[rule])
    inst = po.instance_from_data(data)
    (warning,) = po.instance_warnings(inst)
    assert warning.startswith("rules[0].where: type=course_x matches no initiative")
    assert "did you mean course?" in warning
    plan = po.solve(inst)
    assert plan.status == po.Status.OPTIMAL and set(plan.starts) == {"A"}


def test_at_least_over_nothing_is_infeasible() -> None:
    rule = {"kind": "at_least", "count": 1, "where": {"department": "Nowhere"}}
    plan = solve_dict(_three_types(rules=[rule]))
    assert plan.status == po.Status.INFEASIBLE
    assert plan.exit_code == 3
    assert any("rule 1 " in m for m in plan.messages), plan.messages


def test_warnings_reach_validate_summary_and_plan_json(tmp_path: Path) -> None:
    data = _three_types()
    data["initiatives"][1]["type"] = "join_lab"
    source = tmp_path / "inst.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", str(source)])
    assert checked.exit_code == 0, checked.output
    assert "warning: initiatives[1].type" in checked.output
    assert "did you mean joint_lab?" in checked.output
    out = tmp_path / "plan.json"
    solved = runner.invoke(main, ["solve", str(source), "--output", str(out)])
    assert solved.exit_code == 0, solved.output
    assert "did you mean joint_lab?" in solved.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert any("did you mean joint_lab?" in w for w in written["warnings"])


def test_template_type_dropdown_suggests_but_accepts(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    ws = openpyxl.load_workbook(path)["initiatives"]
    (dv,) = [d for d in ws.data_validations.dataValidation if "C2" in str(d.sqref)]
    assert dv.type == "list" and "joint_lab" in (dv.formula1 or "")
    assert dv.errorStyle == "warning"  # Excel lets the planner keep other text
    # other text in the type column reads and solves
    book = openpyxl.load_workbook(path)
    book["initiatives"]["C3"] = "校企合作实验室"
    # the special fund that pays part of this lab funds only the types it lists
    book["budgets"]["H3"] = "joint_lab; 校企合作实验室"
    book.save(path)
    inst = po.load_instance(path)
    assert inst.initiatives[1].type == "校企合作实验室"
    assert po.solve(inst).status == po.Status.OPTIMAL
