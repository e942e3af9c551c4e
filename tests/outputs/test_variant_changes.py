"""A change of variant between two plans counts as a change in comparisons.

Hand-solved (see ``hand_funded``): with central 5.8 in 2027, B runs as
``lite``; with 8.8, A's least central share (4.8) and B's base version (4) fit
together, so B runs as given and the score rises from 17 to 19. Both plans fund
A, B and C from 2027: nothing is added or removed, only B's version
changes (``moved`` lists B). The comparison's table, JSON and CSV folder and
the alternatives' tables spell it out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hand_funded import OBJECTIVE, funded
from tiny_instances import solve_dict

import pathway_opt as po
from pathway_opt.outputs.alternatives_tables import (
    changes_table,
    plans_long,
    side_by_side,
)
from pathway_opt.outputs.comparison import comparison_data
from pathway_opt.outputs.funding_tables import variant_changes

CHANGE = "B: variant lite -> base"


@pytest.fixture(scope="module")
def plans() -> dict[str, po.Plan]:
    more = funded()
    more["budgets"][0]["limits"] = [8.8, 4]
    found = {"base": solve_dict(funded()), "more central": solve_dict(more)}
    assert found["base"].objective == pytest.approx(OBJECTIVE)
    assert found["more central"].objective == pytest.approx(19.0)
    assert found["base"].variants == {"B": "lite"}
    assert found["more central"].variants == {}
    return found


def test_the_change_reads_both_ways(plans: dict[str, po.Plan]) -> None:
    base, more = plans["base"], plans["more central"]
    assert variant_changes(base, more) == [CHANGE]
    assert variant_changes(more, base) == ["B: variant base -> lite"]
    assert variant_changes(base, base) == []


def test_compare_table_and_json(plans: dict[str, po.Plan]) -> None:
    table = po.compare(plans)
    assert list(table["variant_changes"]) == ["", CHANGE]
    assert list(table["added"]) == list(table["removed"]) == ["", ""]
    assert list(table["moved"]) == ["", "B"]  # a version change counts as moved
    entries = comparison_data(table, plans)["scenarios"]
    assert [e["variant_changes"] for e in entries] == [[], [CHANGE]]
    selected = {s["id"]: s["variant"] for s in entries[0]["selected"]}
    assert selected == {"A": None, "B": "lite", "C": None}
    assert {(f["initiative"], f["budget"]) for f in entries[1]["funding"]} == {
        ("A", "central"),
        ("A", "gov"),
        ("C", "central"),
        ("C", "gov"),
    }


def test_compare_csv_folder(plans: dict[str, po.Plan], tmp_path: Path) -> None:
    table = po.compare(plans)
    folder = tmp_path / "cmp"
    po.write_comparison_csv(table, plans, folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(po.COMPARISON_CSV_FILES)
    rows = pd.read_csv(
        folder / "comparison.csv", encoding="utf-8-sig", keep_default_na=False
    )
    assert list(rows["variant_changes"]) == ["", CHANGE]
    split = pd.read_csv(folder / "funding.csv", encoding="utf-8-sig")
    assert list(split.columns)[:2] == ["scenario", "initiative"]
    # A's central share is 60% in both plans: the cap on gov binds either way
    a_central = split[(split["initiative"] == "A") & (split["budget"] == "central")]
    assert list(a_central["amount"]) == pytest.approx([4.8, 4.8])
    run = json.loads((folder / "run.json").read_text("utf-8"))
    assert run["scenarios"][1]["variant_changes"] == [CHANGE]


def test_alternatives_changes_table(plans: dict[str, po.Plan]) -> None:
    frame = changes_table(plans["base"], [plans["more central"]])
    assert list(frame["variant_changes"]) == [CHANGE]
    assert list(frame["differs"]) == [0]


def test_alternatives_side_by_side_and_plans_name_the_version(
    plans: dict[str, po.Plan],
) -> None:
    base, more = plans["base"], plans["more central"]
    grid = side_by_side(base, [more], differing_only=True).set_index("id")
    # A and C are funded alike; B is funded in both, as another version
    assert list(grid.index) == ["B", "score", "loss"]
    assert list(grid.loc["B", ["optimum", "alternative 1"]]) == ["2027 (lite)", "2027"]
    long = plans_long(base, [more])
    variants = {(r["plan"], r["id"]): r["variant"] for r in long.to_dict("records")}
    assert variants[("optimum", "B")] == "lite"
    assert variants[("alternative 1", "B")] == ""
    cost = {(r["plan"], r["id"]): r["total_cost"] for r in long.to_dict("records")}
    assert (cost[("optimum", "B")], cost[("alternative 1", "B")]) == (1, 4)
