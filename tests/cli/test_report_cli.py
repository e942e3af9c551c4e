"""`solve --report`, `--png-dir`, `--explain`, `--frontier`; `pathway-opt report`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner, Result
from report_pages import hand_instance

from pathway_opt.cli.main import main


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _instance(tmp_path: Path) -> Path:
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(hand_instance(), ensure_ascii=False), "utf-8")
    return path


def _sections(path: Path) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', path.read_text("utf-8"))


def test_solve_writes_the_report_and_its_pngs(tmp_path: Path) -> None:
    inst = _instance(tmp_path)
    report, pngs = tmp_path / "report.html", tmp_path / "png"
    result = run("solve", inst, "-o", tmp_path / "plan.json", "--report", report,
                 "--png-dir", pngs)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"report written to {report}" in result.output
    assert "2 chart(s) written to" in result.output
    assert _sections(report) == [
        "headline", "schedule", "money", "initiatives", "provenance"
    ]  # fmt: skip
    sha = json.loads((tmp_path / "plan.json").read_text("utf-8"))["provenance"]
    assert sha["sha256"] in report.read_text("utf-8")
    assert sorted(p.name for p in pngs.iterdir()) == [
        "budget-1-central.png", "schedule.png"
    ]  # fmt: skip


def test_png_dir_alone_writes_the_charts_only(tmp_path: Path) -> None:
    inst = _instance(tmp_path)
    result = run("solve", inst, "--png-dir", tmp_path / "png")
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "png").glob("*.png"))) == 2
    assert not list(tmp_path.glob("*.html"))


def test_solve_explain_and_frontier_go_into_the_report_and_the_plan(
    tmp_path: Path,
) -> None:
    inst = _instance(tmp_path)
    plan, report = tmp_path / "plan.json", tmp_path / "r.html"
    result = run("solve", inst, "-o", plan, "--report", report, "--explain",
                 "--frontier")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "explanations" in _sections(report) and "frontier" in _sections(report)
    assert json.loads(plan.read_text("utf-8"))["explanations"]["why"]


def test_report_rebuilds_from_a_saved_plan_and_refuses_another_input(
    tmp_path: Path,
) -> None:
    inst = _instance(tmp_path)
    plan = tmp_path / "plan.json"
    assert run("solve", inst, "-o", plan).exit_code == 0
    again = tmp_path / "again.html"
    result = run("report", plan, "--instance", inst, "-o", again)
    assert result.exit_code == 0, result.output
    text = again.read_text("utf-8")
    assert "its input SHA-256 matches hand.json" in text
    data = hand_instance()
    data["name"] = "edited after solving"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(data), "utf-8")
    refused = run("report", plan, "--instance", other, "-o", tmp_path / "x.html")
    assert refused.exit_code == 1
    assert "provenance.sha256: the plan was solved from an input with SHA-256" in (
        refused.output
    )
    assert not (tmp_path / "x.html").exists()


def test_report_outputs_are_checked_before_any_work(tmp_path: Path) -> None:
    inst = _instance(tmp_path)
    plan = tmp_path / "plan.json"
    assert run("solve", inst, "-o", plan).exit_code == 0
    cases = [
        (["solve", inst, "--report", tmp_path / "r.txt"], "must end in .html"),
        (["solve", inst, "--frontier"], "give --report or --png-dir too"),
        (["solve", inst, "--png-dir", inst], "is a file"),
        (["report", plan, "--instance", inst, "-o", inst], "must end in .html"),
        (["report", plan, "--instance", inst, "-o", plan], "must end in .html"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
    assert json.loads(inst.read_text("utf-8")) == hand_instance()
