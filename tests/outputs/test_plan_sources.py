"""Where the plan and its bound come from, in the text, the workbook and run.json.

A plan the heuristic found, with a bound from the LP relaxation or the
Lagrangian dual, says so in plain words in every output; a plan HiGHS found and
proved optimal keeps its terminal text as before. The heuristic's claims are
put on a plan HiGHS solved (its selection verified), so each source is covered
deterministically; tests/cli/test_solve_method_outputs_cli.py goes through a
real heuristic solve.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import pathway_opt as po
from pathway_opt.inputs.generate import generate

LAGRANGIAN = "from the Lagrangian dual (a valid upper bound; no proof of optimality)"
LP = "from the LP relaxation (a valid upper bound; no proof of optimality)"
LP_GUIDED = "LP-guided fixing (pathway-opt heuristic)"
REPAIR = "repair and fill of the priced relaxation (pathway-opt heuristic)"
HIGHS_AFTER = "HiGHS, after the pathway-opt heuristic"
#: found_by, bound_source -> the words the outputs must show for them.
CASES = [
    ("lp_guided", "lagrangian", LP_GUIDED, LAGRANGIAN),
    ("heuristic", "lp", REPAIR, LP),
    ("highs", "lagrangian", HIGHS_AFTER, LAGRANGIAN),
]
#: Words only a plan without HiGHS's proof may carry.
HEURISTIC_WORDS = ["no proof of optimality", "Lagrangian", "LP-guided", "heuristic"]


@pytest.fixture(scope="module")
def optimal() -> po.Plan:
    plan = po.solve(po.instance_from_data(generate(40, 3, seed=3)))
    assert plan.status == po.Status.OPTIMAL and plan.found_by == "highs"
    return plan


def claimed(plan: po.Plan, found_by: str, bound_source: str) -> po.Plan:
    """The plan as the heuristic reports one: feasible, its bound above it."""
    assert plan.objective is not None
    bound = plan.objective * 1.0002 + 0.01
    return dataclasses.replace(
        plan,
        status=po.Status.FEASIBLE,
        bound=bound,
        gap=(bound - plan.objective) / plan.objective,
        found_by=found_by,
        bound_source=bound_source,
        method="heuristic",
        settings={**plan.settings, "method": "auto"},
    )


def summary_sheet(path: Path) -> dict[str, Any]:
    ws = openpyxl.load_workbook(path)["Summary"]
    rows = list(ws[ws.tables["Summary"].ref])[1:]
    return {r[0].value: r[1].value for r in rows}


@pytest.mark.parametrize(("found_by", "source", "found", "bound"), CASES)
def test_text_says_who_found_the_plan_and_what_bounds_it(
    optimal: po.Plan, found_by: str, source: str, found: str, bound: str
) -> None:
    plan = claimed(optimal, found_by, source)
    lines = po.summary(plan).splitlines()
    assert lines[1] == "status     feasible  (verified)"
    assert lines[3] == f"bound      {plan.bound:,.4f} {bound}"
    assert lines[5] == f"plan       found by {found}"
    assert lines[6] == "method     heuristic (asked: auto)"
    assert lines[7].startswith("solver     ")


@pytest.mark.parametrize(("found_by", "source", "found", "bound"), CASES)
def test_workbook_and_run_json_carry_the_sources(
    optimal: po.Plan,
    tmp_path: Path,
    found_by: str,
    source: str,
    found: str,
    bound: str,
) -> None:
    plan = claimed(optimal, found_by, source)
    po.write_plan_xlsx(plan, tmp_path / "plan.xlsx")
    po.write_plan_csv(plan, tmp_path / "csv")
    run = json.loads((tmp_path / "csv" / "run.json").read_text("utf-8"))
    sheet = summary_sheet(tmp_path / "plan.xlsx")
    for fields, option in ((run, run["options"]["method"]), (sheet, None)):
        assert fields["bound_from"] == bound.removeprefix("from ")
        assert fields["plan_found_by"] == found
        assert fields["method"] == "heuristic"
        assert fields["found_by"] == found_by
        assert fields["bound_source"] == source
        assert (option or fields["option method"]) == "auto"  # the method asked


def test_a_proved_optimal_plan_keeps_its_text_plain(
    optimal: po.Plan, tmp_path: Path
) -> None:
    text = po.summary(optimal)
    head = text.split("\n\n")[0]
    assert head.splitlines()[3] == f"bound      {optimal.bound:,.4f}"
    for words in ["found by", "method", *HEURISTIC_WORDS]:
        assert words not in text
    po.write_plan_xlsx(optimal, tmp_path / "plan.xlsx")
    sheet = summary_sheet(tmp_path / "plan.xlsx")
    assert sheet["bound_from"] == (
        "HiGHS's branch and bound (HiGHS proved the plan optimal)"
    )
    assert sheet["plan_found_by"] == "HiGHS"
    assert (sheet["method"], sheet["option method"]) == ("highs", "auto")
    for words in HEURISTIC_WORDS:
        assert not any(words in str(v) for v in sheet.values()), words


def test_a_limit_stopped_highs_says_the_bound_is_its_own(optimal: po.Plan) -> None:
    plan = dataclasses.replace(claimed(optimal, "highs", "highs"), method="highs")
    text = po.summary(plan)
    assert (
        f"bound      {plan.bound:,.4f} from HiGHS's branch and bound (a valid upper "
        "bound; a limit stopped the proof)"
    ) in text
    assert "plan       found by HiGHS\n" in text
    assert "method     highs (asked: auto)" in text
    for words in HEURISTIC_WORDS:
        assert words not in text
