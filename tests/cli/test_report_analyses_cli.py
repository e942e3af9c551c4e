"""`solve --robust-samples/--alternatives/--stability` and `report --alternatives/
--stability/--core`: the issue-16 analyses in the committee report.

The instance is ``report_pages.analyses_instance`` (hand-solved there): the
optimum A + C, the alternative A + B, the TC weight's interval [0, 2].
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner, Result
from report_pages import analyses_instance

from pathway_opt.cli.main import main

ANALYSES = ["robustness", "alternatives", "stability"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def _instance(tmp_path: Path, data: dict | None = None) -> Path:
    path = tmp_path / "a.json"
    text = json.dumps(data or analyses_instance(), ensure_ascii=False)
    path.write_text(text, "utf-8")
    return path


def _sections(path: Path) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', path.read_text("utf-8"))


def test_solve_computes_the_three_analyses_into_the_report(tmp_path: Path) -> None:
    inst, report = _instance(tmp_path), tmp_path / "r.html"
    result = run("solve", inst, "--report", report, "--robust-samples", 8,
                 "--seed", 3, "--alternatives", 2, "--stability")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _sections(report)[4:7] == ANALYSES
    text = report.read_text("utf-8")
    assert "Over 8 samples of the uncertain values (seed 3" in text
    assert "Asked for 2 alternative plan(s) within 5% of the optimum" in text
    # A+B scores 5.5, below 6 less 5 %: none is found, and the section says why
    assert "Fewer than asked: 0 of 2 found" in text
    assert '<td class="num">2</td>' in text  # TC's high end


def test_report_takes_the_saved_files_and_notes_the_csvs_lack_provenance(
    tmp_path: Path,
) -> None:
    inst = _instance(tmp_path)
    plan, alts = tmp_path / "plan.json", tmp_path / "alts.json"
    stab, core = tmp_path / "stab.csv", tmp_path / "core.csv"
    assert run("solve", inst, "-o", plan).exit_code == 0
    runs = [
        run("alternatives", inst, "--count", 2, "--within", 0.1, "-o", alts),
        run("stability", inst, "-o", stab),
        run("robust", inst, "--samples", 8, "--seed", 3, "-o", core),
    ]
    assert [r.exit_code for r in runs] == [0, 0, 0], [r.output for r in runs]
    out = tmp_path / "r.html"
    result = run("report", plan, "--instance", inst, "-o", out, "--alternatives",
                 alts, "--stability", stab, "--core", core)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _sections(out)[4:7] == ANALYSES
    text = out.read_text("utf-8")
    assert "rebuilt from alts.json; its input SHA-256 matches a.json" in text
    assert "stab.csv records no input SHA-256" in text
    assert "core.csv records no input SHA-256" in text
    assert "The core index of every initiative, as saved in core.csv" in text
    assert '<td class="num">87.5 %</td>' in text  # C in 7 of 8 samples
    assert "(scoring at least 5.40)" in text and "1 found" in text


def test_report_refuses_saved_files_of_another_instance(tmp_path: Path) -> None:
    inst = _instance(tmp_path)
    plan, alts = tmp_path / "plan.json", tmp_path / "alts.json"
    assert run("solve", inst, "-o", plan).exit_code == 0
    data = analyses_instance()
    data["criteria"][1]["weight"] = 0.7
    data["name"] = "other"
    other = tmp_path / "other"
    other.mkdir()
    other_inst = _instance(other, data)
    stab, core = tmp_path / "stab.csv", tmp_path / "core.csv"
    assert run("alternatives", other_inst, "-o", alts).exit_code == 0
    assert run("stability", other_inst, "-o", stab).exit_code == 0
    core.write_text("id,core_index,class\nZ,1.0,core\n", "utf-8")
    out = tmp_path / "r.html"
    cases = [
        ("--alternatives", alts, "the alternatives were computed from an input "
         "with SHA-256"),
        ("--stability", stab, "is 0.7 for 'EM', but the instance weighs it 0.5"),
        ("--core", core, 'names initiative(s) "Z"'),
        ("--core", stab, "give the CSV file of a robust run"),
    ]  # fmt: skip
    for option, path, message in cases:
        result = run("report", plan, "--instance", inst, "-o", out, option, path)
        assert result.exit_code == 1, (option, result.output)
        assert message in result.output, (option, result.output)
        assert "Traceback" not in result.output
        assert not out.exists()


def test_the_analyses_need_a_report_and_seed_goes_with_robust_samples(
    tmp_path: Path,
) -> None:
    inst = _instance(tmp_path)
    cases = [
        (["--robust-samples", 4], "'--robust-samples': the core index goes into "
         "the report: give --report or --png-dir too"),
        (["--alternatives", 2], "'--alternatives': the alternatives goes into"),
        (["--stability"], "'--stability': the weight stability goes into"),
        (["--seed", 1, "--report", tmp_path / "r.html"], "--seed also with "
         "--robust-samples"),
        (["--robust-samples", 0, "--report", tmp_path / "r.html"], "0 is not in "
         "the range"),
    ]  # fmt: skip
    for args, message in cases:
        result = run("solve", inst, *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.output.split()), (args, result.output)
    assert not list(tmp_path.glob("*.html"))
    # with a PNG folder the core index and stability charts are drawn
    pngs = tmp_path / "png"
    result = run("solve", inst, "--png-dir", pngs, "--robust-samples", 4,
                 "--stability")  # fmt: skip
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in pngs.iterdir())
    assert "core-index.png" in names and "weight-stability.png" in names
