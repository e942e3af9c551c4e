"""Numbers without float noise in every export, and a terminal that aligns CJK."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from repo_paths import INSTANCES
from tiny_instances import make, solve_dict

import pathway_opt as po
from pathway_opt.outputs.numbers import tidy, tidy_gap
from pathway_opt.outputs.plan_json import plan_json
from pathway_opt.outputs.plan_text import clip, display_width, summary

NOISE = re.compile(r"\d\.\d{7,}|e[+-]\d|\d\.0(?!\d)")


def numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for k, v in value.items() if k != "settings" for n in numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers(v)]
    return [value] if isinstance(value, float) else []


def test_tidy_rounds_and_keeps_whole_numbers_whole() -> None:
    assert tidy(2000000.0, 2) == 2000000 and isinstance(tidy(2000000.0, 2), int)
    assert tidy(70.49784062500001) == 70.497841
    assert tidy(29.438499999999998) == 29.4385
    assert tidy(93103.44827586207, 2) == 93103.45
    assert tidy(float("nan")) is None and tidy(True) is True
    assert tidy_gap(2.6e-8) == 2.6e-8


def test_plan_json_has_no_float_noise() -> None:
    plan = po.solve(po.load_instance(INSTANCES / "provincial_applied_university.json"))
    assert plan.verification is not None
    data = json.loads(plan_json(plan))
    assert data["objective"] == round(plan.verification.objective, 6)
    assert data["bound"] == round(plan.bound or 0, 6)
    for n in numbers({k: v for k, v in data.items() if k != "solver"}):
        assert n == round(n, 6), n
    assert all(isinstance(b["limit"], int) for b in data["budgets"])


def test_csv_files_have_no_float_noise(tmp_path: Path) -> None:
    plan = po.solve(po.load_instance(INSTANCES / "provincial_applied_university.json"))
    po.write_plan_csv(plan, tmp_path)
    for name in ("selected", "budgets", "resources", "schedule", "not_selected"):
        text = (tmp_path / f"{name}.csv").read_text(encoding="utf-8-sig")
        numeric = [
            cell for line in text.splitlines() for cell in line.split(",")
            if re.fullmatch(r"-?[\d.e+-]+", cell)
        ]  # fmt: skip
        assert not [c for c in numeric if NOISE.search(c)], name
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert run["objective"] == round(plan.objective or 0, 6)


def test_clip_cuts_at_words_and_counts_cjk_twice() -> None:
    assert display_width("产教融合") == 8
    assert clip("Framework agreement renewal with Tianrui CNC", 40) == (
        "Framework agreement renewal with…"
    )
    assert display_width(clip("智能制造产教融合实训基地建设项目二期工程", 20)) <= 20


def test_terminal_aligns_cjk_names() -> None:
    names = ["智能制造产教融合实训基地", "Cloud course", "数控订单班"]
    data = make(
        initiatives=[
            {"id": f"I{k}", "name": n, "scores": {"TC": 1}} for k, n in enumerate(names)
        ]
    )
    text = summary(solve_dict(data))
    rows = text.split("Selected initiatives")[1].splitlines()[1:5]
    widths = {display_width(r.rstrip()) for r in rows}
    assert len(widths) == 1, rows
