"""`solve --method heuristic` for real: every output says where the plan and the
bound come from, and `report PLAN.json` rebuilds the report saying the same.

The heuristic is held to its own moves (no HiGHS run on the whole model, small
neighbourhoods), as on a model too large for HiGHS, so the plan is the
heuristic's and the bound the Lagrangian dual's or the LP's; the phrases are
checked against the codes the plan JSON records.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import pathway_opt.solver.methods as methods
from pathway_opt.cli.main import main
from pathway_opt.inputs.generate import generate

FOUND = {
    "lp_guided": "LP-guided fixing (pathway-opt heuristic)",
    "heuristic": "repair and fill of the priced relaxation (pathway-opt heuristic)",
}
BOUND = {
    "lagrangian": "the Lagrangian dual (a valid upper bound; no proof of optimality)",
    "lp": "the LP relaxation (a valid upper bound; no proof of optimality)",
}


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    path = tmp_path / "gen.json"
    path.write_text(json.dumps(generate(120, 3, seed=2)), encoding="utf-8")
    return path


def test_heuristic_solve_says_so_in_every_output(
    instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(methods, "HIGHS_NONZEROS", 0)
    monkeypatch.setattr(methods, "LP_GROUPS", 30)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["solve", str(instance), "--method", "heuristic", "--time-limit", "3",
         "-o", str(out / "plan.json"), "--xlsx", str(out / "plan.xlsx"),
         "--csv", str(out / "csv"), "--report", str(out / "report.html")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((out / "plan.json").read_text("utf-8"))
    assert data["status"] == "feasible" and data["method"] == "heuristic"
    assert data["settings"]["method"] == "heuristic"
    found, bound = FOUND[data["found_by"]], BOUND[data["bound_source"]]

    assert f"bound      {data['bound']:,.4f} from {bound}" in result.output
    assert f"plan       found by {found}\n" in result.output
    assert "method     heuristic\n" in result.output

    run = json.loads((out / "csv" / "run.json").read_text("utf-8"))
    ws = openpyxl.load_workbook(out / "plan.xlsx")["Summary"]
    sheet = {r[0].value: r[1].value for r in list(ws[ws.tables["Summary"].ref])[1:]}
    for fields in (run, sheet):
        assert (fields["bound_from"], fields["plan_found_by"]) == (bound, found)
        assert fields["method"] == "heuristic"
    assert run["options"]["method"] == sheet["option method"] == "heuristic"

    page = (out / "report.html").read_text("utf-8")
    again = tmp_path / "again.html"
    rebuilt = CliRunner().invoke(
        main,
        ["report", str(out / "plan.json"), "--instance", str(instance), "-o",
         str(again)],
    )  # fmt: skip
    assert rebuilt.exit_code == 0, rebuilt.output
    for html in (page, again.read_text("utf-8")):
        text = html.replace("&#39;", "'")
        assert f"<dt>plan found by</dt><dd>{found}</dd>" in text
        assert f"<dt>bound from</dt><dd>{bound}</dd>" in text
        assert "<dt>option method</dt><dd>heuristic</dd>" in text


def test_a_highs_solve_prints_no_source_lines(instance: Path) -> None:
    result = CliRunner().invoke(main, ["solve", str(instance)])
    assert result.exit_code == 0, result.output
    assert "status     optimal" in result.output
    for words in ("found by", "bound from", "method ", "heuristic", "no proof"):
        assert words not in result.output
