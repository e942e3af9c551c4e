"""A report rebuilt from a saved plan: only from the input it was solved from."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from report_pages import hand_instance, hand_plan

import pathway_opt as po


def _saved(tmp_path: Path) -> tuple[Path, Path]:
    instance = tmp_path / "hand.json"
    instance.write_text(json.dumps(hand_instance()), "utf-8")
    plan = po.solve(instance)
    path = tmp_path / "plan.json"
    prov = po.make_provenance(instance)
    po.write_plan_json(plan, path, dataclasses.asdict(prov))
    return path, instance


def test_a_saved_plan_comes_back_verified_with_its_figures(tmp_path: Path) -> None:
    path, instance = _saved(tmp_path)
    saved = po.load_saved_plan(path, instance)
    plan = saved.plan
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert plan.starts == {"A": "2027", "B": "2028"}
    assert plan.objective == pytest.approx(5.0)
    assert saved.provenance is not None
    assert saved.provenance.sha256 == po.make_provenance(instance).sha256
    matches = "rebuilt from plan.json; its input SHA-256 matches hand.json"
    assert saved.notes == [matches]
    html = po.report_html(plan, provenance=saved.provenance)
    assert saved.provenance.sha256 in html
    assert po.report_html(hand_plan()).count("<section") == html.count("<section")


def test_another_input_is_refused_by_its_hash(tmp_path: Path) -> None:
    path, _ = _saved(tmp_path)
    data = hand_instance()
    data["budgets"][0]["limits"] = [10, 11]  # the plan still fits: only the hash tells
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError) as caught:
        po.load_saved_plan(path, other)
    (problem,) = caught.value.problems
    assert problem.path == "provenance.sha256"
    assert "give the instance file the plan was solved from" in problem.message
    assert caught.value.source == str(path)


def test_a_plan_without_provenance_is_checked_and_says_so(tmp_path: Path) -> None:
    path, instance = _saved(tmp_path)
    data = json.loads(path.read_text("utf-8"))
    del data["provenance"]
    path.write_text(json.dumps(data), "utf-8")
    saved = po.load_saved_plan(path, instance)
    assert saved.provenance is None and saved.plan.verified
    assert "records no input SHA-256" in saved.notes[0]


def test_an_edited_plan_is_refused(tmp_path: Path) -> None:
    path, instance = _saved(tmp_path)
    data = json.loads(path.read_text("utf-8"))
    data["objective"] = 6
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError, match=r"objective: is 6\.000000, but the plan"):
        po.load_saved_plan(path, instance)
    data["objective"] = 5
    data["selected"].append({"id": "C", "start": "2028"})  # 2028: 4 + 7 > 10
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError, match="selected: does not fit the instance"):
        po.load_saved_plan(path, instance)


def test_a_saved_plan_without_a_solution_reports_its_status(tmp_path: Path) -> None:
    path, instance = _saved(tmp_path)
    data = json.loads(path.read_text("utf-8"))
    data.update(status="no_solution", selected=[], messages=["limit reached"])
    path.write_text(json.dumps(data), "utf-8")
    plan = po.load_saved_plan(path, instance).plan
    assert plan.status == po.Status.NO_SOLUTION and not plan.has_plan
    assert "limit reached" in po.report_html(plan)
    data["status"] = "great"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError, match=r"status: is 'great'; a plan JSON"):
        po.load_saved_plan(path, instance)
