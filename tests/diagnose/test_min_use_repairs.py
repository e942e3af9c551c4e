"""Infeasibility caused by a budget's min_use, and reasons on released musts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.cli.main import main


def _funds(share: Any, **must: Any) -> dict[str, Any]:
    """Limit 10; A costs 5, B 4.5, C 3: no subset spends more than 9.5 but 12.5.

    Subsets spend 3, 4.5, 5, 7.5, 8, 9.5 or 12.5 (over the limit): min_use 1.0
    (10) cannot be met; the most that can be spent is 9.5, so the smallest
    repair lowers min_use to 0.95.
    """
    return make(
        periods=["2027"],
        budgets=[{"id": "gov_special", "limits": [10], "min_use": share}],
        initiatives=[
            {"id": "A", "scores": {"TC": 10}, "cost": [5]},
            {"id": "B", "scores": {"TC": 3}, "cost": [4.5], **must},
            {"id": "C", "scores": {"TC": 4}, "cost": [3]},
        ],
    )


def test_min_use_nothing_can_reach_exits_3_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "funds.json"
    path.write_text(json.dumps(_funds(1.0)), encoding="utf-8")
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(main, ["solve", str(path), "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    text = result.output + out.read_text(encoding="utf-8")
    assert "lower gov_special's min_use in 2027 to 0.95" in text


def test_lowered_min_use_repair_is_confirmed() -> None:
    plan = solve_dict(_funds(1.0))
    assert plan.status == po.Status.INFEASIBLE
    inst = po.instance_from_data(_funds(1.0))
    repairs = po.find_repairs(inst, po.compile_form(inst), po.SolveSettings())
    first = repairs[0]
    assert [p.kind for p in first.parts] == ["min_use"]
    assert first.confirmed
    assert first.objective is not None and abs(first.objective - 13) < 1e-6


def test_release_must_repair_gives_the_reason() -> None:
    """B (must) costs 11 > limit 10: releasing B, the repair shows its reason."""
    data = _funds(0.0, decision="must", decision_reason="Ministry pilot commitment")
    data["initiatives"][1]["cost"] = [11]
    plan = solve_dict(data)
    assert plan.status == po.Status.INFEASIBLE
    text = " ".join(plan.messages)
    assert 'release B from "must" (reason: Ministry pilot commitment)' in text
