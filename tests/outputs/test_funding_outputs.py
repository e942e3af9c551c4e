"""The funding split and variants in the plan workbook and CSV folder.

Checked against the hand-solved instance of ``hand_funded``: the Funding
sheet / ``funding.csv`` hold the split worked out by hand, the Selected sheet
names the variant run and its cost, the Schedule and Budgets carry the
version's cost and the funded amounts. An instance without ``funded_by`` gets
no Funding sheet nor file, and a plan without a solution an empty one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hand_funded import OBJECTIVE, SPLIT, funded
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.outputs.funding_tables import FUNDING_COLUMNS
from pathway_opt.outputs.plan_csv import FUNDING_FILE, write_plan_csv
from pathway_opt.outputs.plan_tables import SELECTED_COLUMNS, not_selected
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx


@pytest.fixture(scope="module")
def plan() -> po.Plan:
    found = solve_dict(funded())
    assert found.status == po.Status.OPTIMAL and found.verified
    assert found.objective == pytest.approx(OBJECTIVE)
    return found


def _table(ws: Any, name: str) -> list[dict[str, Any]]:
    rows = list(ws[ws.tables[name].ref])
    header = [c.value for c in rows[0]]
    return [dict(zip(header, (c.value for c in r), strict=True)) for r in rows[1:]]


def _split(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], tuple[Any, Any]]:
    return {
        (r["initiative"], r["budget"], str(r["period"])): (r["amount"], r["share"])
        for r in rows
    }


def _assert_split(found: dict[tuple[str, str, str], tuple[Any, Any]]) -> None:
    assert set(found) == set(SPLIT)
    for key, (amount, share) in SPLIT.items():
        assert found[key][0] == pytest.approx(amount, abs=0.005), key
        assert found[key][1] == pytest.approx(share, abs=1e-6), key


def test_workbook_funding_sheet_and_variant(plan: po.Plan, tmp_path: Path) -> None:
    write_plan_xlsx(plan, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    names = book.sheetnames
    assert names.index("Funding") == names.index("Budgets") + 1
    ws = book["Funding"]
    assert [c.value for c in next(iter(ws[ws.tables["Funding"].ref]))] == (
        FUNDING_COLUMNS
    )
    rows = _table(ws, "Funding")
    _assert_split(_split(rows))
    assert {r["initiative"]: r["name"] for r in rows} == {
        "A": "Lab A",
        "C": "College C",
    }
    selected = {r["id"]: r for r in _table(book["Selected"], "Selected")}
    assert list(next(iter(selected.values()))) == SELECTED_COLUMNS
    assert {k: r["variant"] or "" for k, r in selected.items()} == {
        "A": "",
        "B": "lite",
        "C": "",
    }
    # the version's cost: lite costs 1, the base 4
    assert selected["B"]["total_cost"] == 1
    schedule = {r["id"]: r for r in _table(book["Schedule"], "Schedule")}
    assert schedule["B"]["2027"] == 1
    used = {
        (r["budget"], str(r["period"])): r["used"]
        for r in _table(book["Budgets"], "Budgets")
    }
    # central pays 4.8 of A and B lite's 1; gov 3.2 of A; then C's 4 and 2
    assert used == pytest.approx(
        {
            ("central", "2027"): 5.8,
            ("central", "2028"): 4,
            ("gov", "2027"): 3.2,
            ("gov", "2028"): 2,
        }
    )


def test_csv_funding_file_and_variant(plan: po.Plan, tmp_path: Path) -> None:
    written = write_plan_csv(plan, tmp_path / "csv")
    assert [p.name for p in written][-2:] == [FUNDING_FILE, "run.json"]
    frame = pd.read_csv(
        tmp_path / "csv" / FUNDING_FILE, encoding="utf-8-sig", dtype={"period": str}
    )
    assert list(frame.columns) == FUNDING_COLUMNS
    _assert_split(_split(frame.to_dict("records")))
    selected = pd.read_csv(
        tmp_path / "csv" / "selected.csv", encoding="utf-8-sig", keep_default_na=False
    )
    assert list(selected.columns) == SELECTED_COLUMNS
    assert dict(zip(selected["id"], selected["variant"], strict=True)) == {
        "A": "",
        "B": "lite",
        "C": "",
    }
    assert dict(zip(selected["id"], selected["total_cost"], strict=True))["B"] == 1


def test_no_funded_by_no_funding_sheet_nor_file(tmp_path: Path) -> None:
    data = make(
        budgets=[{"id": "central", "limits": [5, 5]}],
        initiatives=[{"id": "X", "cost": [3], "scores": {"TC": 1}}],
    )
    plan = solve_dict(data)
    write_plan_xlsx(plan, tmp_path / "plan.xlsx")
    assert "Funding" not in openpyxl.load_workbook(tmp_path / "plan.xlsx").sheetnames
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / FUNDING_FILE).write_text("from an earlier run\n", encoding="utf-8")
    write_plan_csv(plan, folder)
    # the earlier run's split would mix two runs: it is removed
    assert not (folder / FUNDING_FILE).exists()


def test_no_plan_gives_an_empty_funding_table(tmp_path: Path) -> None:
    data = funded()
    data["initiatives"][0]["decision"] = "must"
    data["initiatives"][0]["cost"] = [100]
    plan = solve_dict(data)
    assert plan.status == po.Status.INFEASIBLE
    write_plan_xlsx(plan, tmp_path / "plan.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx")["Funding"]
    assert str(ws["A1"].value).startswith("No plan: status infeasible")
    assert all(v is None for r in _table(ws, "Funding") for v in r.values())
    write_plan_csv(plan, tmp_path / "csv")
    text = (tmp_path / "csv" / FUNDING_FILE).read_text(encoding="utf-8-sig")
    assert text.strip() == ",".join(FUNDING_COLUMNS)


def test_terminal_summary_names_the_variant_and_the_split(plan: po.Plan) -> None:
    text = po.summary(plan)
    rows = {line.split()[0]: line for line in text.splitlines() if "2027" in line}
    assert "B (variant lite)" in rows["B"] and "(variant" not in rows["A"]
    split = text.split("Funding split", 1)[1].splitlines()[1:3]
    assert [line.split() for line in split] == [
        ["A", "central", "60%,", "gov", "40%"],
        ["C", "central", "66.7%,", "gov", "33.3%"],
    ]


def test_terminal_summary_without_funded_by_has_no_split() -> None:
    data = funded()
    for ini in data["initiatives"]:
        ini.pop("funded_by", None)
        ini.pop("max_share", None)
    data["budgets"] = [{"id": "central", "limits": [20, 20]}]
    text = po.summary(solve_dict(data))
    assert "Funding split" not in text


def _left_out_reason(data: dict[str, Any], ini_id: str) -> str:
    plan = solve_dict(data)
    assert plan.status == po.Status.OPTIMAL and ini_id not in plan.starts
    table = not_selected(plan).set_index("id")
    return str(table.loc[ini_id, "reason"])


def test_a_split_cost_is_left_out_by_its_budgets_together() -> None:
    """X (central 1) and Y (gov 2) leave central 4 and gov 3. A's 8 must take at
    least 4 from central (gov pays at most half), which fits; but the most any
    split pays is 4 + 3 = 7: 1 short. (X + Y score 15; A beside X alone, 11.)"""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [5]}, {"id": "gov", "limits": [5]}],
        initiatives=[
            {"id": "X", "cost": {"central": [1]}, "scores": {"TC": 10}},
            {"id": "Y", "cost": {"gov": [2]}, "scores": {"TC": 5}},
            {
                "id": "A",
                "cost": [8],
                "funded_by": ["central", "gov"],
                "max_share": {"gov": 0.5},
                "scores": {"TC": 1},
            },
        ],
    )
    assert _left_out_reason(data, "A") == (
        'budgets "central" and "gov" (its funded_by) can pay 7 CNY of its 8 CNY '
        "in 2027 (what they have left, each within its max_share); started in 2027 "
        "(its only start) it would need 1 CNY more"
    )


def test_a_variant_that_fits_gives_the_reason() -> None:
    """B's base (central 4) does not fit beside X (3 of 5); its variant lite (1)
    does, but with X it earns the overlap penalty -5 (10 + 0.5 - 5 < 10)."""
    data = make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [5]}],
        initiatives=[
            {"id": "X", "cost": [3], "scores": {"TC": 10}},
            {
                "id": "B",
                "cost": [4],
                "scores": {"TC": 1},
                "variants": [{"id": "lite", "cost": [1], "scores": {"TC": 0.5}}],
            },
        ],
        rules=[{"kind": "synergy", "members": ["X", "B"], "bonus": -5}],
    )
    assert _left_out_reason(data, "B") == (
        "its base version exceeds a limit; as its variant lite, with X funded it "
        "would incur the overlap penalty -5 of rule 1"
    )


def test_rules_sheet_figures_count_the_split_and_the_version(tmp_path: Path) -> None:
    """gov pays A's 3.2 and C's 2, so A takes 3.2 / 5.2 of gov spend; B runs as
    lite, scoring 3 (its base scores 5). Neither rule binds the optimum."""
    rules = [
        {"kind": "spend_share", "members": ["A"], "budget": "gov", "at_most": 1},
        {"kind": "average", "field": "score:TC", "members": ["B"], "at_least": 0},
    ]
    plan = solve_dict(funded(rules=rules))
    assert plan.objective == pytest.approx(OBJECTIVE)
    write_plan_xlsx(plan, tmp_path / "plan.xlsx")
    found = _table(openpyxl.load_workbook(tmp_path / "plan.xlsx")["Rules"], "Rules")
    assert [r["actual"] for r in found] == pytest.approx([3.2 / 5.2, 3], abs=1e-6)
