"""Outputs that collide, outputs over a planner's files, names that cannot exist.

Issue 14, items 6, 7 and 14: two outputs of one run on one path, or an output on
an input's path, are a usage error (exit 2) found before any solving; an
instance, input workbook or scenarios file is replaced only with --force, an
earlier output of pathway-opt without it; a name too long for the file system
exits 6 (it used to exit 5).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "instances" / "small_applied_college.json"
PROVINCIAL = ROOT / "instances" / "provincial_applied_university.json"
SCENARIO = [{"name": "cut", "edits": [{"op": "scale_budget", "budget": "central",
                                       "factor": 0.9}]}]  # fmt: skip


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["solve", "{i}", "-o", "{d}/out/run.json", "--csv", "{d}/out"], "--csv"),
        (["solve", "{i}", "-o", "{d}/out/selected.csv", "--csv", "{d}/out"], "--csv"),
        (["solve", "{i}", "--xlsx", "{d}/a.xlsx", "-o", "{d}/a.xlsx"], "--xlsx"),
        (["explain", "{i}", "-o", "{d}/ex/why.csv", "--csv", "{d}/ex"], "--csv"),
        (["explain", "{i}", "-o", "{d}/ex/repairs.csv", "--csv", "{d}/ex"], "--csv"),
        (["explain", "{i}", "-o", "{d}/binding.csv", "--csv", "{d}"], "--csv"),
        (["frontier", "{i}", "-o", "{d}/f.csv", "--plot", "{d}/f.csv"], "--plot"),
        (["frontier", "{i}", "-o", "{d}/f.png"], "--plot (beside --output)"),
        (["frontier", "{i}", "-o", "{d}/l/cut_first.csv", "--ladders-csv", "{d}/l"],
         "--ladders-csv"),
        (["compare", "{i}", "{s}", "--xlsx", "{d}/c.xlsx", "--csv", "{d}/c.xlsx"],
         "--csv"),
        (["compare", "{i}", "{s}", "--csv", "{s}"], "--csv"),
        (["compare", "{i}", "{s}", "--xlsx", "{d}/c.csv"], "--xlsx"),
        (["sweep", "{i}", "--budget-scale", "1", "-o", "{i}"], "--output"),
        (["explain", "{i}", "--plan", "{d}/p.json", "-o", "{d}/p.json"], "--output"),
    ],
)  # fmt: skip
def test_colliding_outputs_are_usage_errors_before_any_solve(
    tmp_path: Path, argv: list[str], option: str
) -> None:
    instance = tmp_path / "instance.json"
    instance.write_bytes(SMALL.read_bytes())
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(json.dumps(SCENARIO), encoding="utf-8")
    plan = tmp_path / "p.json"
    plan.write_text('{"status": "optimal", "selected": []}', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = [
        a.replace("{i}", str(instance)).replace("{s}", str(scenarios))
        .replace("{d}", str(tmp_path)) for a in argv
    ]  # fmt: skip
    code, output = run(*args)
    assert code == 2, output
    assert f"'{option}'" in output
    assert "objective" not in output  # refused before solving
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# --- one overwrite policy -----------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """An instance, an input workbook, a scenarios file and earlier outputs."""
    instance = tmp_path / "mine.json"
    instance.write_bytes(SMALL.read_bytes())
    workbook = tmp_path / "filled.xlsx"
    assert run("convert", SMALL, workbook)[0] == 0
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(json.dumps(SCENARIO), encoding="utf-8")
    plan, result, csv = tmp_path / "plan.json", tmp_path / "r.xlsx", tmp_path / "r"
    assert run("solve", SMALL, "-o", plan, "--xlsx", result, "--csv", csv)[0] == 0
    return {
        "instance": instance, "workbook": workbook, "scenarios": scenarios,
        "plan": plan, "result": result, "run": csv / "run.json",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["generate", "-n", "3", "{instance}"], "instance file"),
        (["convert", str(SMALL), "{instance}"], "instance file"),
        (["convert", str(PROVINCIAL), "{workbook}"], "input workbook"),
        (["template", "{workbook}"], "input workbook"),
        (["solve", str(SMALL), "-o", "{instance}"], "instance file"),
        (["solve", str(SMALL), "--xlsx", "{workbook}"], "input workbook"),
        (["explain", str(SMALL), "-o", "{scenarios}"], "scenarios file"),
        (["sweep", str(SMALL), "--budget-scale", "1", "-o", "{instance}"],
         "instance file"),
        (["frontier", str(SMALL), "--plot", "{workbook}"], "input workbook"),
        (["compare", str(SMALL), "{scenarios}", "-o", "{instance}"],
         "instance file"),
    ],
)  # fmt: skip
def test_a_planners_file_is_replaced_only_with_force(
    files: dict[str, Path], argv: list[str], kind: str
) -> None:
    args = [a.format(**files) for a in argv]
    target = next(files[k] for k in files if "{" + k + "}" in argv)
    before = target.read_bytes()
    code, output = run(*args)
    assert code == 2, output
    assert kind in output and "--force" in output
    assert target.read_bytes() == before
    code, output = run(*args, "--force")
    assert code == 0, output
    assert target.read_bytes() != before


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", str(SMALL), "-o", "{plan}"],
        ["solve", str(SMALL), "-o", "{run}"],
        ["template", "{result}"],
        ["convert", str(SMALL), "{plan}"],
        ["generate", "-n", "3", "{run}"],
        ["sweep", str(SMALL), "--budget-scale", "1", "-o", "{plan}"],
    ],
)
def test_an_earlier_output_is_replaced_without_force(
    files: dict[str, Path], argv: list[str]
) -> None:
    code, output = run(*[a.format(**files) for a in argv])
    assert code == 0, output


def test_input_kind_tells_inputs_from_outputs(
    files: dict[str, Path], tmp_path: Path
) -> None:
    assert "instance" in (po.input_kind(files["instance"]) or "")
    assert "input workbook" in (po.input_kind(files["workbook"]) or "")
    assert "scenarios" in (po.input_kind(files["scenarios"]) or "")
    for output in ("plan", "result", "run"):
        assert po.input_kind(files[output]) is None, output
    assert po.input_kind(files["run"].parent / "selected.csv") is None
    assert po.input_kind(tmp_path / "missing.json") is None
    broken = tmp_path / "broken.json"  # an instance saved mid-edit, not valid JSON
    broken.write_text(SMALL.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    assert "instance" in (po.input_kind(broken) or "")
    single = tmp_path / "one.json"
    single.write_text(json.dumps(SCENARIO[0]), encoding="utf-8")
    assert "scenarios" in (po.input_kind(single) or "")
    big = tmp_path / "big.json"  # too long to parse for this check
    big.write_text(json.dumps(po.generate(3000, 5, 1)), encoding="utf-8")
    assert big.stat().st_size > 1_000_000
    assert "instance" in (po.input_kind(big) or "")


# --- names no file system accepts -----------------------------------------------


def test_a_300_character_output_name_exits_6_before_solving(tmp_path: Path) -> None:
    target = tmp_path / ("a" * 300 + ".json")
    code, output = run("solve", SMALL, "-o", target)
    assert code == 6, output
    assert "bytes long" in output and "objective" not in output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["--xlsx", "--csv"])
def test_other_long_names_exit_6(tmp_path: Path, option: str) -> None:
    name = "b" * 300 + (".xlsx" if option == "--xlsx" else "")
    code, output = run("solve", SMALL, option, tmp_path / name)
    assert code == 6, output
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_reports_a_long_name_as_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(po.OutputError, match="File name too long"):
        po.write_atomic(tmp_path / ("c" * 300), "x")
    assert list(tmp_path.iterdir()) == []


def test_a_name_near_the_limit_is_written(tmp_path: Path) -> None:
    """The temporary file's name is longer than the target's: it is shortened."""
    target = tmp_path / ("d" * 250 + ".json")
    po.write_atomic(target, "{}")
    assert target.read_text(encoding="utf-8") == "{}"
    assert list(tmp_path.iterdir()) == [target]
    code, output = run("solve", SMALL, "-o", target)
    assert code == 0, output
    assert json.loads(target.read_text(encoding="utf-8"))["status"] == "optimal"
