"""Weights from pairwise judgements, end to end: the solve, the verifier, the plan
JSON, the plan workbook's Summary, the terminal, the notebook tables and what-if
edits all use the same derived weights.

The instance: Saaty's published 3x3 judgements (talent 0.637, industry 0.258,
research 0.105) and three initiatives of which a rule lets one be funded: A
scores talent 1 (worth 0.637), B industry 2 (0.517), C research 5 (0.524). With
the judgements A is best and the optimum is w_talent = 0.637; with equal weights
C would be (5 / 3).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main

SAATY = {"talent": 0.637, "industry": 0.258, "research": 0.105}

DATA: dict[str, Any] = {
    "name": "judged weights",
    "periods": ["2027"],
    "criteria": [{"id": "talent"}, {"id": "industry"}, {"id": "research"}],
    "criteria_comparisons": [
        {"more": "talent", "less": "industry", "ratio": 3},
        {"more": "talent", "less": "research", "ratio": 5},
        {"more": "industry", "less": "research", "ratio": 3},
    ],
    "initiatives": [
        {"id": "A", "scores": {"talent": 1}},
        {"id": "B", "scores": {"industry": 2}},
        {"id": "C", "scores": {"research": 5}},
    ],
    "rules": [{"kind": "at_most", "count": 1, "members": ["A", "B", "C"]}],
}
INST = po.instance_from_data(DATA)


def brute_force(inst: po.Instance) -> float:
    """Best single initiative by its value: the weights from `inst.weights`."""
    w = inst.weights
    return max(
        ini.success_probability * sum(w[c] * s for c, s in ini.scores.items())
        for ini in inst.initiatives
    )


def test_solve_uses_the_derived_weights() -> None:
    plan = po.solve(INST)
    assert plan.status.value == "optimal" and plan.verified
    assert plan.starts == {"A": "2027"}
    assert plan.objective == pytest.approx(SAATY["talent"], abs=5e-4)
    assert plan.objective == pytest.approx(brute_force(INST), rel=1e-9)
    # the verifier recomputes the objective from inst.weights, not the model
    assert plan.verification is not None
    assert plan.verification.values["A"] == pytest.approx(INST.weights["talent"])


def test_same_plan_as_the_weights_given_outright() -> None:
    given = {
        **DATA,
        "criteria_comparisons": [],
        "criteria": [{"id": c, "weight": w} for c, w in INST.weights.items()],
    }
    assert po.solve(po.instance_from_data(given)).objective == pytest.approx(
        po.solve(INST).objective, rel=1e-12
    )


def test_plan_json_records_weights_and_their_source() -> None:
    data = json.loads(po.plan_json(po.solve(INST)))
    for key in ("status", "objective", "bound", "gap", "selected", "settings"):
        assert key in data
    assert {k: round(v, 3) for k, v in data["weights"].items()} == SAATY
    source = data["weights_source"]
    assert source["method"] == "eigenvector"
    assert source["judgements"] == 3
    assert round(source["lambda_max"], 3) == 3.039
    assert round(source["cr"], 3) == 0.033
    assert source["consistent"] is True
    plain = po.instance_from_data(
        {
            **DATA,
            "criteria_comparisons": [],
            "criteria": [
                {"id": "talent", "weight": 2},
                {"id": "industry", "weight": 1},
                {"id": "research", "weight": 1},
            ],
        }
    )
    data = json.loads(po.plan_json(po.solve(plain)))
    assert data["weights"] == {"talent": 2, "industry": 1, "research": 1}
    assert data["weights_source"]["method"] == "given"
    assert data["weights_source"]["cr"] is None


def test_plan_workbook_summary_shows_the_weights(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    po.write_plan_xlsx(po.solve(INST), path)
    rows = dict(
        r[:2]
        for r in openpyxl.load_workbook(path)["Summary"].iter_rows(
            min_row=3, values_only=True
        )
        if r[0]
    )
    assert round(rows["weights talent"], 3) == 0.637
    assert rows["weights_from"] == (
        "weights from 3 pairwise judgements (eigenvector), CR 0.03"
    )
    assert round(rows["weights_cr"], 3) == 0.033


def test_terminal_summary_and_validate_line(tmp_path: Path) -> None:
    assert (
        "weights    from 3 pairwise judgements (eigenvector), CR 0.03: talent "
        "0.637, industry 0.258, research 0.105"
    ) in po.summary(po.solve(INST))
    source = tmp_path / "judged.json"
    source.write_text(json.dumps(DATA), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(source)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "weights from 3 pairwise judgements (eigenvector), CR 0.03: talent 0.637, "
        "industry 0.258, research 0.105"
    )
    result = CliRunner().invoke(main, ["solve", str(source), "-o", "-"])
    assert result.exit_code == 0, result.output
    assert "weights" in json.loads(result.stdout)
    assert "weights    from 3 pairwise judgements" in result.stderr


def test_inconsistent_judgements_exit_1(tmp_path: Path) -> None:
    bad = {
        **DATA,
        "criteria_comparisons": [
            {"more": "talent", "less": "industry", "ratio": 3},
            {"more": "industry", "less": "research", "ratio": 3},
            {"more": "research", "less": "talent", "ratio": 3},
        ],
    }
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(bad), encoding="utf-8")
    for command in ("validate", "solve"):
        result = CliRunner().invoke(main, [command, str(source)])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        assert "criteria_comparisons: the judgements are inconsistent" in (
            result.stderr
        )


def test_notebook_tables() -> None:
    weights = po.criteria_weights(INST)
    assert list(weights.columns) == ["criterion", "name", "weight", "given_weight"]
    assert dict(zip(weights["criterion"], weights["weight"].round(3), strict=True)) == (
        SAATY
    )
    assert weights["given_weight"].isna().all()
    assert weights.attrs["weights_source"]["method"] == "eigenvector"
    assert "<table" in weights._repr_html_()
    judgements = po.criteria_judgements(INST)
    assert list(judgements.columns) == [
        "position",
        "more",
        "less",
        "ratio",
        "consistent_ratio",
        "inconsistency",
    ]
    assert judgements["inconsistency"].is_monotonic_decreasing
    row = judgements.set_index("position").loc[0]
    assert row["consistent_ratio"] == pytest.approx(
        INST.weights["talent"] / INST.weights["industry"]
    )
    with pytest.raises(po.InputError, match="must be an Instance or the path"):
        po.criteria_weights({"criteria": []})


def test_set_weight_turns_judged_weights_into_given_ones() -> None:
    """Research raised to 0.2: C is worth 5 x 0.2 = 1.0 > A's 0.637, so the
    re-solved optimum is 1.0; the other two weights stay as judged."""
    session = po.Session(INST)
    assert session.solve().objective == pytest.approx(INST.weights["talent"])
    session.set_weight("research", 0.2)
    edited = session.instance
    assert edited.criteria_comparisons == []
    assert edited.weights_source.method == "given"
    assert edited.weights == pytest.approx(
        {
            "talent": INST.weights["talent"],
            "industry": INST.weights["industry"],
            "research": 0.2,
        }
    )
    plan = session.solve()
    assert plan.verified and plan.starts == {"C": "2027"}
    assert plan.objective == pytest.approx(1.0)
    assert plan.objective == pytest.approx(brute_force(edited))


def test_weights_follow_a_copy_with_other_judgements() -> None:
    """The weights are resolved per criteria and judgements, not kept stale."""
    assert INST.weights["talent"] > INST.weights["industry"]
    flipped = INST.model_copy(
        update={
            "criteria_comparisons": [
                c.model_copy(update={"more": c.less, "less": c.more})
                for c in INST.criteria_comparisons
            ]
        }
    )
    assert flipped.weights["talent"] == pytest.approx(INST.weights["research"])
