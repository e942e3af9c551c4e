"""Why in / why out and what binds, checked against fresh solves of edited instances."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from repo_paths import INSTANCES
from tiny_instances import make

import pathway_opt as po
from pathway_opt.whatif.edits import ForceIn, ForceOut, SetBudget, SetScore

SMALL = INSTANCES / "small_applied_college.json"


@pytest.fixture(scope="module")
def small() -> tuple[po.Instance, po.Explanation]:
    inst = po.load_instance(SMALL)
    return inst, po.explain(inst)


def ini(id_: str, value: float, cost: float, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": value}, "cost": [cost], **fields}


def knapsack() -> po.Instance:
    """One period, budget 10: A (5, cost 6) + C (2, cost 4) = 7 beats B + C = 6."""
    return po.instance_from_data(
        make(
            periods=["2027"],
            budgets=[{"id": "central", "limits": [10]}],
            initiatives=[ini("A", 5, 6), ini("B", 4, 6), ini("C", 2, 4)],
        )
    )


def row(result: po.Explanation, ini_id: str) -> dict[str, Any]:
    return next(r for r in result.why if r["id"] == ini_id)


def test_forcing_prices_equal_fresh_solves(small: Any) -> None:
    inst, result = small
    optimum = po.solve(inst).objective
    assert result.optimum == pytest.approx(optimum)
    assert len(result.why) == len(inst.initiatives)
    for r in result.why:
        if not r["forced"]:
            continue
        edit = (ForceOut if r["in_plan"] else ForceIn)(
            op=f"force_{r['forced']}", initiative=r["id"]
        )
        fresh = po.solve(edit.apply(inst, inst))
        if fresh.status == po.Status.INFEASIBLE:
            assert r["status_forced"] == "infeasible" and r["reason"]
            continue
        assert r["price"] == pytest.approx(optimum - fresh.objective, abs=1e-6)
        assert r["gap_forced"] == pytest.approx(0.0, abs=1e-9)


def test_break_even_brings_it_in_and_just_below_does_not() -> None:
    inst = knapsack()
    result = po.explain(inst)
    b = row(result, "B")
    assert not b["in_plan"]
    assert b["price"] == pytest.approx(1.0) and b["break_even"] == pytest.approx(1.0)
    assert b["keeps_out"] == 'budget "central" 2027 (6 CNY over)'  # 10 + 6 vs 10
    assert b["changes"] == "drops A"
    for delta, enters in (
        (b["break_even"] + 1e-3, True),
        (b["break_even"] - 1e-3, False),
    ):
        edit = SetScore(op="set_score", initiative="B", criterion="TC", value=4 + delta)
        plan = po.solve(edit.apply(inst, inst))
        assert ("B" in plan.starts) is enters


def test_break_even_on_a_realistic_instance(small: Any) -> None:
    """Each left-out initiative enters with break-even + 1e-3 and not with - 1e-3."""
    inst, result = small
    weights = {c.id: c.weight for c in inst.criteria}
    out = [r for r in result.why if not r["in_plan"] and r["break_even"] is not None]
    assert out
    for r in out:
        ini = next(i for i in inst.initiatives if i.id == r["id"])
        criterion = max(ini.scores, key=lambda c: weights[c])
        per_point = ini.success_probability * weights[criterion]
        for delta, enters in ((1e-3, True), (-1e-3, False)):
            value = ini.scores[criterion] + (r["break_even"] + delta) / per_point
            edit = SetScore(
                op="set_score", initiative=ini.id, criterion=criterion, value=value
            )
            assert (ini.id in po.solve(edit.apply(inst, inst)).starts) is enters


def test_selected_initiative_shows_what_replaces_it() -> None:
    result = po.explain(knapsack())
    a = row(result, "A")
    assert a["in_plan"] and a["start"] == "2027"
    assert a["price"] == pytest.approx(1.0) and a["break_even"] == pytest.approx(-1.0)
    assert a["changes"] == "adds B"


def test_impossible_cases_name_the_rule_or_decision() -> None:
    data = make(
        initiatives=[
            {"id": "M", "scores": {"TC": 1}, "decision": "must"},
            {"id": "X", "scores": {"TC": 5}},
            {"id": "N", "scores": {"TC": 5}, "decision": "never"},
            {"id": "P", "scores": {"TC": 1}},
        ],
        budgets=[{"id": "central", "limits": [10, 10]}],
        rules=[
            {"kind": "at_most", "count": 1, "members": ["M", "X"]},
            {"kind": "requires", "initiative": "M", "on": ["P"]},
        ],
    )
    result = po.explain(po.instance_from_data(data))
    assert row(result, "N")["reason"] == 'impossible: decision is "never"'
    x = row(result, "X")["reason"]
    assert x.startswith("impossible; the smallest change that would allow it: ")
    assert "allow 2 of rule 1 (at_most 1)" in x or 'release M from "must"' in x
    p = row(result, "P")["reason"]
    assert p.startswith("cannot be left out")
    assert "rule 2" in p or 'release M from "must"' in p


def test_marginal_values_equal_fresh_solves(small: Any) -> None:
    inst, result = small
    optimum = result.optimum
    for r in result.binding:
        if r["kind"] != "budget" or r["gain_up"] is None:
            continue
        budget = next(b for b in inst.budgets if b.id == r["id"])
        t = inst.periods.index(r["period"])
        raised = budget.limits[t] + r["step"]
        edit = SetBudget(
            op="set_budget", budget=r["id"], limits=[raised], periods=[r["period"]]
        )
        fresh = po.solve(edit.apply(inst, inst)).objective
        assert r["gain_up"] == pytest.approx(fresh - optimum, abs=1e-6)
        assert r["value_up_per"] == pytest.approx(r["gain_up"] / r["step"] * 1e6)
    assert {r["per"] for r in result.binding if r["kind"] == "budget"} == {
        "1,000,000 CNY"
    }


def test_bottlenecks_are_the_usage_utilisation(small: Any) -> None:
    inst, result = small
    grid = result.table("bottlenecks")
    assert list(grid["period"]) == inst.periods
    usage = result.plan.usage_table()
    central = usage[usage["id"] == "central"]
    expected = central["cumulative_used"] / central["cumulative_limit"]
    assert list(grid["central"]) == pytest.approx(list(expected))
    binding = result.table("binding")
    assert binding["binding"].dtype == bool
    assert (binding["binding"] == (binding["slack"] <= 1e-6 * binding["limit"])).all()


def test_session_is_left_as_it_was() -> None:
    inst = po.load_instance(SMALL)
    session = po.Session(inst)
    session.scale_budget("central", 0.8)
    edited, edits = session.instance, list(session.edits)
    before = session.solve().objective
    result = po.explain(session, only=["JL-IT-01", "OC-ME-01"], marginal=False)
    assert {r["id"] for r in result.why} == {"JL-IT-01", "OC-ME-01"}
    assert result.optimum == pytest.approx(before)
    assert session.instance is edited and session.edits == edits
    assert session.solve().objective == pytest.approx(before)


def test_unknown_only_and_bad_plan_are_input_errors() -> None:
    inst = knapsack()
    with pytest.raises(po.InputError, match='unknown initiative "Z"'):
        po.explain(inst, only=["Z"])
    with pytest.raises(po.InputError, match="does not fit the instance"):
        po.explain(inst, {"A": "2027", "B": "2027"})


def test_given_plan_below_the_optimum_is_noted() -> None:
    result = po.explain(knapsack(), {"B": "2027", "C": "2027"})
    assert result.plan.starts == {"B": "2027", "C": "2027"}
    assert result.plan.status == po.Status.FEASIBLE and result.plan.verified
    assert any("below the optimum 7.0000" in n for n in result.notes)
    a, b = row(result, "A"), row(result, "B")
    assert not a["in_plan"] and b["in_plan"]
    # measured from the optimum, which holds A and not B: forcing either costs 0
    assert a["price"] == pytest.approx(0.0) and b["price"] == pytest.approx(0.0)


def test_explanations_travel_to_json_workbook_and_csv(
    small: Any, tmp_path: Path
) -> None:
    inst, result = small
    plan = result.plan
    data = json.loads(po.plan_json(plan))
    section = data["explanations"]
    assert {"why", "binding", "bottlenecks", "repairs", "optimum"} <= set(section)
    assert len(section["why"]) == len(inst.initiatives)
    po.write_plan_xlsx(plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx", read_only=True)
    assert {"Why", "Bottlenecks", "Binding", "Repairs"} <= set(book.sheetnames)
    why = next(book["Why"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert why[:3] == ("id", "name", "decision")
    files = po.write_plan_csv(plan, tmp_path / "csv")
    names = {f.name for f in files}
    assert {"why.csv", "bottlenecks.csv", "binding.csv", "repairs.csv"} <= names
    run = json.loads((tmp_path / "csv" / "run.json").read_text("utf-8"))
    assert "why.csv" in run["files"]
    text = (tmp_path / "csv" / "bottlenecks.csv").read_text("utf-8-sig")
    assert text.splitlines()[0].startswith("period,central")
    # a plan without explanations keeps its usual sheets only
    plain = po.solve(inst)
    po.write_plan_xlsx(plain, tmp_path / "plain.xlsx")
    sheets = openpyxl.load_workbook(tmp_path / "plain.xlsx", read_only=True).sheetnames
    assert "Why" not in sheets
    assert math.isfinite(section["optimum"])


def test_binding_spend_share_and_average_rules_are_named() -> None:
    """Budget 10 fits two of A (2.5), B (1, the member) and J (4.5), cost 5 each.
    B must take half the spend, so B is in; B + J (5.5) beats A + B: share 0.5
    and mean probability (1 + 0.5) / 2 = 0.75, both on their bounds."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            {"id": "A", "scores": {"TC": 5}, "success_probability": 0.5, "cost": [5]},
            {"id": "B", "scores": {"TC": 1}, "cost": [5], "type": "co_taught_course"},
            {"id": "J", "scores": {"TC": 9}, "success_probability": 0.5, "cost": [5]},
        ],
        rules=[
            {"kind": "spend_share", "members": ["B"], "at_least": 0.5},
            {"kind": "average", "field": "success_probability", "at_least": 0.75},
        ],
    )
    result = po.explain(po.instance_from_data(data), marginal=False)
    rules = [r for r in result.binding if r["kind"] in ("spend_share", "average")]
    assert [(r["kind"], r["id"], r["applies_to"]) for r in rules] == [
        ("spend_share", "rule 1", "at_least"),
        ("average", "rule 2", "at_least"),
    ]
    assert [r["used"] for r in rules] == pytest.approx([0.5, 0.75])
    assert row(result, "A")["in_plan"] is False


def test_why_in_names_the_variant_run() -> None:
    """The reduced lab runs as `lite` (see tests/model/test_funding_families.py)."""
    data = {
        "name": "variants",
        "periods": ["2027"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [{"id": "central", "limits": [10]}],
        "initiatives": [
            {
                "id": "LAB",
                "scores": {"TC": 10},
                "cost": [10],
                "variants": [{"id": "lite", "cost": [4], "scores": {"TC": 6}}],
            },
            {"id": "C", "scores": {"TC": 5}, "cost": [6]},
        ],
    }
    result = po.explain(po.instance_from_data(data), marginal=False)
    row = next(r for r in result.why if r["id"] == "LAB")
    assert row["in_plan"] and "runs as its variant lite" in row["reason"]
