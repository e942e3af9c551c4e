"""Analysts' notebook habits work: paths, keyword options, lists, displays, usage.

Every plan here comes from a real HiGHS solve; expected figures are recomputed
from the instance or from a second, independent route (never copied from a run).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from repo_paths import INSTANCES

import pathway_opt as po
import pathway_opt.whatif.sweep as sweep_module
from pathway_opt.explanations.explanation import Explanation
from pathway_opt.whatif.frontier import Frontier
from pathway_opt.whatif.session import Session

SMALL = INSTANCES / "small_applied_college.json"

#: Two periods, a per-period budget and a carry-over one, a resource with a unit.
DATA: dict[str, Any] = {
    "name": "analyst <b>&</b> co",
    "currency": "CNY",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [
        {"id": "central", "name": "Own budget", "limits": [10, 8]},
        {"id": "partner", "name": "Partner money", "limits": [4, 4],
         "carry_over": True},
    ],
    "resources": [{"id": "fte", "name": "Faculty time", "unit": "FTE",
                   "capacity": [2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 5}, "cost": {"central": [6, 2]},
         "uses": {"fte": [1, 1]}},
        {"id": "B", "scores": {"TC": 4}, "cost": {"central": [5], "partner": [3]},
         "uses": {"fte": [1]}},
        {"id": "C", "scores": {"TC": 3}, "cost": {"partner": [2, 2]}},
        {"id": "D", "scores": {"TC": 2}, "cost": {"central": [4]},
         "uses": {"fte": [1]}},
    ],
}  # fmt: skip
INST = po.instance_from_data(DATA)
#: A must-fund initiative costing more than its budget allows: no plan.
INFEASIBLE = po.instance_from_data(
    {**DATA, "initiatives": [{**DATA["initiatives"][0], "decision": "must",
                              "cost": {"central": [99]}}]}
)  # fmt: skip
EDITS = [{"op": "scale_budget", "budget": "central", "factor": 0.5}]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("analyst") / "inst.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    return path


# -- 11: paths, keyword options, lists of scenarios, labelled outcomes ---------


def test_solve_and_load_take_a_str_or_a_path(written: Path) -> None:
    assert po.load_instance(written) == po.load_instance(str(written)) == INST
    by_instance = po.solve(INST)
    for source in (written, str(written)):
        plan = po.solve(source)
        assert plan.verified and plan.instance == INST
        assert plan.objective == pytest.approx(by_instance.objective)
    assert Session(written).instance == INST
    assert po.solve(SMALL).objective == pytest.approx(
        po.solve(po.load_instance(SMALL)).objective
    )


def _options(plan: po.Plan) -> tuple[Any, Any, Any]:
    return (
        plan.settings["time_limit"],
        plan.settings["threads"],
        plan.settings["mip_rel_gap"],
    )


KEYWORDS: dict[str, Any] = {"time_limit": 60.0, "threads": 1, "mip_gap": 0.25}
WANTED = (60.0, 1, 0.25)


def test_keyword_options_reach_every_solve(
    written: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _options(po.solve(INST, **KEYWORDS)) == WANTED
    same = po.SolveSettings(time_limit=60.0, threads=1, mip_rel_gap=0.25)
    assert po.solve(INST, same).settings == po.solve(INST, **KEYWORDS).settings

    session = Session(INST)
    assert _options(session.solve(**KEYWORDS)) == WANTED
    assert _options(session.solve()) == (None, None, 0.0)  # the session's own
    assert _options(Session(written, **KEYWORDS).solve()) == WANTED
    # a keyword changes one field of the session's settings, keeps the others
    limited = Session(INST, time_limit=60.0)
    assert _options(limited.solve(threads=1)) == (60.0, 1, 0.0)

    result = po.explain(INST, why=False, marginal=False, **KEYWORDS)
    assert _options(result.plan) == WANTED
    assert result.settings == same

    front = po.frontier(INST, **KEYWORDS)
    assert _options(front.base) == WANTED

    plans = po.run_scenarios(INST, [{"name": "cut", "edits": EDITS}], **KEYWORDS)
    assert [_options(p) for p in plans.values()] == [WANTED, WANTED]

    seen: list[po.SolveSettings] = []
    solve_point = sweep_module.solve_point

    def spy(session: Session, point: Any) -> dict[str, Any]:
        seen.append(point.settings)
        return solve_point(session, point)

    monkeypatch.setattr(sweep_module, "solve_point", spy)
    table = po.sweep(INST, budget_scale=[0.5, 1.0], **KEYWORDS)
    assert len(table) == 2 and seen == [same, same]


@pytest.mark.parametrize(
    "call",
    [
        lambda kw: po.solve(INST, po.SolveSettings(), **kw),
        lambda kw: Session(INST, po.SolveSettings(), **kw),
        lambda kw: Session(INST).solve(po.SolveSettings(), **kw),
        lambda kw: po.explain(INST, settings=po.SolveSettings(), **kw),
        lambda kw: po.frontier(INST, po.SolveSettings(), **kw),
        lambda kw: po.sweep(INST, [1.0], settings=po.SolveSettings(), **kw),
        lambda kw: po.run_scenarios(INST, [], po.SolveSettings(), **kw),
        lambda kw: po.compare(INST, [], po.SolveSettings(), **kw),
        lambda kw: po.ladders(INST, po.SolveSettings(), **kw),
    ],
    ids=["solve", "Session", "Session.solve", "explain", "frontier", "sweep",
         "run_scenarios", "compare", "ladders"],
)  # fmt: skip
@pytest.mark.parametrize("keyword", ["time_limit", "threads", "mip_gap"])
def test_settings_with_a_keyword_is_an_input_error_naming_both(
    call: Any, keyword: str
) -> None:
    with pytest.raises(po.InputError) as caught:
        call({keyword: KEYWORDS[keyword]})
    (problem,) = caught.value.problems
    assert problem.path == "settings" and f"{keyword}=" in problem.message


def test_compare_takes_a_list_or_a_dict_of_plans_or_of_scenarios() -> None:
    session = Session(INST)
    base = session.solve()
    session.apply(EDITS[0])
    cut = session.solve()
    by_name = po.compare({"base": base, "cut": cut})
    by_position = po.compare([base, cut])
    assert list(by_position.index) == [0, 1]
    assert by_position.reset_index(drop=True).equals(by_name.reset_index(drop=True))
    fresh = po.solve(po.Scenario(name="cut", edits=EDITS).apply(INST))
    assert by_name.loc["cut", "objective"] == pytest.approx(fresh.objective)
    assert by_name.loc["cut", "delta"] == pytest.approx(
        fresh.objective - po.solve(INST).objective
    )

    listed = po.compare(INST, [po.Scenario(name="cut", edits=EDITS)])
    as_dicts = po.compare(INST, [{"name": "cut", "edits": EDITS}])
    as_dict = po.compare(INST, {"cut": EDITS})
    scenario_dict = po.compare(INST, {"cut": po.Scenario(name="x", edits=EDITS)})
    for table in (listed, as_dicts, as_dict, scenario_dict):
        assert list(table.index) == ["base", "cut"]
        assert table["objective"].tolist() == pytest.approx(
            by_name["objective"].tolist()
        )
    plans = po.run_scenarios(INST, {"cut": EDITS})
    assert list(plans) == ["base", "cut"]


def test_solver_outcomes_say_labels_and_that_they_are_unverified() -> None:
    solver = po.Solver(po.compile_form(INST))
    outcome = solver.solve()
    assert outcome.starts is not None and outcome.start_periods is not None
    assert outcome.start_periods == {
        i: INST.periods[t] for i, t in outcome.starts.items()
    }
    assert not outcome.verified
    assert "not verified" in repr(outcome) and "\n" not in repr(outcome)
    plan = po.make_plan(INST, outcome)
    assert plan.verified and plan.starts == outcome.start_periods
    assert plan.objective == pytest.approx(po.solve(INST).objective)

    # after an edit the labels still follow the instance's periods
    edited = po.Scenario(name="cut", edits=EDITS).apply(INST)
    solver.update(edited)
    again = solver.solve(po.SolveSettings())
    checked = po.make_plan(edited, again)
    assert checked.verified and checked.starts == again.start_periods
    assert checked.objective == pytest.approx(po.solve(edited).objective)


def test_write_plan_json_is_on_the_facade(tmp_path: Path) -> None:
    assert "write_plan_json" in po.__all__ and "make_plan" in po.__all__
    plan = po.solve(INST)
    po.write_plan_json(plan, tmp_path / "plan.json")
    assert po.read_plan(tmp_path / "plan.json") == plan.starts


# -- 13: notebook display ------------------------------------------------------


def test_plan_repr_is_one_short_line_and_status_prints_its_word() -> None:
    plan = po.solve(INST)
    line = repr(plan)
    assert "\n" not in line and len(line) < 100
    assert str(plan.status) == f"{plan.status}" == "optimal"
    assert f"objective {plan.objective:,.4f}" in line
    assert f"{len(plan.starts)} of {len(INST.initiatives)} selected" in line
    assert "gap 0.00%" in line
    failed = po.solve(INFEASIBLE)
    assert str(failed.status) == "infeasible"
    assert repr(failed).startswith("<Plan infeasible, objective -")


def test_notebook_views_are_compact_escaped_tables() -> None:
    plan = po.solve(INST)
    page = plan._repr_html_()
    assert page.count("<table") == 2 and "optimal" in page
    assert "analyst &lt;b&gt;&amp;&lt;/b&gt; co" in page and "<b>&</b>" not in page
    for ini in plan.starts:
        assert f"<td>{ini}</td>" in page

    session = Session(INST)
    assert "no current plan" in repr(session)
    assert "none current" in session._repr_html_()
    session.apply(EDITS[0])
    plan = session.solve()
    shown = session._repr_html_()
    assert "scale_budget budget=central, factor=0.5" in shown
    assert f">{plan.status}</td>" in shown and repr(plan) in repr(session)
    assert "\n" not in repr(session)

    result = po.explain(INST, marginal=False)
    assert isinstance(result, Explanation) and "\n" not in repr(result)
    html = result._repr_html_()
    assert "<table" in html and "Explanation" in html
    for ini in INST.initiatives:
        assert f"<td>{ini.id}</td>" in html  # the why table, one row each

    front = po.frontier(INST)
    assert isinstance(front, Frontier) and "\n" not in repr(front)
    view = front._repr_html_()
    assert f">{front.n_breakpoints}</td>" in view and "<table" in view

    table = po.sweep(INST, budget_scale=1.0)
    assert isinstance(table, pd.DataFrame) and "<table" in table._repr_html_()


# -- 14: the usage table is the workbook's Budgets and Resources ---------------


def test_usage_table_has_names_units_and_utilisation(tmp_path: Path) -> None:
    plan = po.solve(INST)
    usage = plan.usage_table()
    for column in ("name", "unit", "utilisation", "limit", "used", "slack"):
        assert column in usage.columns
    budgets = usage[usage["kind"] == "budget"]
    resources = usage[usage["kind"] == "resource"]
    assert set(budgets["unit"]) == {"CNY"} and set(resources["unit"]) == {"FTE"}
    names = {b["id"]: b["name"] for b in DATA["budgets"] + DATA["resources"]}
    assert all(usage["name"] == usage["id"].map(names))

    # money used per budget and period, recomputed from the instance
    index = {p: t for t, p in enumerate(INST.periods)}
    spent = {(b, p): 0.0 for b in ("central", "partner") for p in INST.periods}
    for ini in DATA["initiatives"]:
        if ini["id"] in plan.starts:
            for budget, profile in ini["cost"].items():
                for k, amount in enumerate(profile):
                    period = INST.periods[index[plan.starts[ini["id"]]] + k]
                    spent[budget, period] += amount
    for row in budgets.to_dict("records"):
        assert row["used"] == pytest.approx(spent[row["id"], row["period"]])
        if row["id"] == "partner":  # carry-over: cumulative use of the limit
            assert row["limit_applies_to"] == "cumulative" and row["carry_over"]
            ratio = row["cumulative_used"] / row["cumulative_limit"]
        else:
            assert row["limit_applies_to"] == "period" and not row["carry_over"]
            ratio = row["used"] / row["limit"]
        assert row["utilisation"] == pytest.approx(ratio)
    for row in resources.to_dict("records"):
        assert row["utilisation"] == pytest.approx(row["used"] / row["limit"])

    # the same rows as the plan's Budgets and Resources tables on disk
    po.write_plan_csv(plan, tmp_path / "csv")
    sheets = {
        "budget": pd.read_csv(tmp_path / "csv" / "budgets.csv", encoding="utf-8-sig"),
        "resource": pd.read_csv(
            tmp_path / "csv" / "resources.csv", encoding="utf-8-sig"
        ),
    }
    for kind, sheet in sheets.items():
        mine = usage[usage["kind"] == kind].reset_index(drop=True)
        assert sheet[kind].tolist() == mine["id"].tolist()
        assert sheet["name"].tolist() == mine["name"].tolist()
        assert sheet["period"].astype(str).tolist() == mine["period"].tolist()
        assert sheet["utilisation"].tolist() == pytest.approx(
            mine["utilisation"].tolist()
        )
    assert sheets["resource"]["unit"].tolist() == resources["unit"].tolist()

    # no plan, no rows (never rows of zeros)
    failed = po.solve(INFEASIBLE)
    assert not failed.has_plan and failed.usage_table().empty
    assert list(failed.usage_table().columns) == list(usage.columns)
