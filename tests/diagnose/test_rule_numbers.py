"""One rule numbering where people read: "rule 3" is the Rules sheet's row 3.

Only input problems (JSON paths into the instance) say ``rules[2]``.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from tiny_instances import make

import pathway_opt as po


def ini(id_: str, **fields: Any) -> dict[str, Any]:
    return {"id": id_, "scores": {"TC": 1}, **fields}


def three_rules(count: int) -> dict[str, Any]:
    """Rule 3 (0-based position 2) asks for `count` of A, B; the budget fits one."""
    return make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[ini("A", cost=[10]), ini("B", cost=[10]), ini("P"), ini("Q")],
        rules=[
            {"kind": "requires", "initiative": "Q", "on": ["P"]},
            {"kind": "synergy", "members": ["P", "Q"], "bonus": 0.5},
            {"kind": "at_least", "count": count, "members": ["A", "B"]},
        ],
    )


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_repairs_name_the_rules_sheet_row(tmp_path: Path) -> None:
    result = po.explain(po.instance_from_data(three_rules(2)))
    assert result.plan.status == po.Status.INFEASIBLE
    texts = [r.text for r in result.repairs]
    assert "require only 1 of rule 3 (at_least 2)" in texts
    part = next(p for r in result.repairs for p in r.parts if p.kind == "count_fewer")
    assert part.target == "rule 3"
    shown = result.text()
    assert "rule 3 (at_least 2)" in shown and "rules[" not in shown
    po.write_plan_csv(result.plan, tmp_path)
    targets = {r["target"] for r in rows(tmp_path / "repairs.csv")}
    assert "rule 3" in targets and not any("rules[" in t for t in targets)
    assert "rules[" not in (tmp_path / "repairs.csv").read_text(encoding="utf-8-sig")


def test_rules_table_and_messages_use_the_same_number(tmp_path: Path) -> None:
    inst = po.instance_from_data(three_rules(1))
    plan = po.solve(inst)
    po.write_plan_csv(plan, tmp_path)
    table = rows(tmp_path / "rules.csv")
    assert [r["rule"] for r in table] == ["1", "2", "3"]
    assert table[2]["kind"] == "at_least"
    check = po.verify(inst, [("Q", "2027")])  # breaks rule 1 and rule 3
    assert any(p.startswith("rule 1: ") and '"P"' in p for p in check.problems)
    assert any(p.startswith("rule 3: at_least 1") for p in check.problems)
    assert not any("rules[" in p for p in check.problems)


def test_input_problems_keep_the_json_path() -> None:
    data = three_rules(2)
    data["rules"][2]["members"] = ["A", "NOPE"]
    with pytest.raises(po.InputError) as info:
        po.instance_from_data(data)
    assert "rules[2].members[1]" in str(info.value)
