"""`compare`: -o JSON (or stdout), --csv as a folder, --mip-gap / --threads.

Issue 15, item 10: ``compare --csv out.csv`` wrote one file where ``solve --csv``
writes a folder, compare had no ``-o``, ``--mip-gap`` or ``--threads``, and its
workbook named the scenario sheets "Plan 1", "Plan 2", ...

Every objective is checked against brute-force enumeration of the edited
instance, and every spend against the instance's costs of the selection.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from random_instances import brute_force

import pathway_opt as po
from pathway_opt.cli.main import main

#: Two years, one budget of 10 a year: not everything fits.
DATA: dict[str, Any] = {
    "name": "compare test",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [10, 10]}],
    "resources": [{"id": "lab", "capacity": [2, 2]}],
    "initiatives": [
        {"id": "A", "scores": {"TC": 5}, "cost": [6], "uses": {"lab": [1]}},
        {"id": "B", "scores": {"TC": 4}, "cost": [5], "uses": {"lab": [1]}},
        {"id": "C", "scores": {"TC": 3}, "cost": [4, 2], "uses": {"lab": [1, 1]}},
        {"id": "D", "scores": {"TC": 2}, "cost": [3], "success_probability": 0.5},
        {"id": "E", "scores": {"TC": 6}, "cost": [9, 9], "latest_start": "2027"},
    ],
    "settings": {"delay_discount": 0.9},
}
SCENARIOS = [
    {"name": "central halved",
     "edits": [{"op": "scale_budget", "budget": "central", "factor": 0.5}]},
    {"name": "E forced in", "edits": [{"op": "force_in", "initiative": "E"}]},
    {"name": "D out", "edits": [{"op": "force_out", "initiative": "D"}]},
]  # fmt: skip


def run(*args: Any, input_: str | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], input=input_)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(DATA), encoding="utf-8")
    scenarios = tmp_path / "scenarios.json"
    scenarios.write_text(json.dumps(SCENARIOS), encoding="utf-8")
    return instance, scenarios


def _edited(name: str) -> po.Instance:
    base = po.instance_from_data(DATA)
    if name == "base":
        return base
    return po.Scenario(**next(s for s in SCENARIOS if s["name"] == name)).apply(base)


def _spend(inst: po.Instance, selected: list[dict[str, Any]]) -> float:
    """Money the selection spends inside the horizon, from the instance's costs."""
    costs = {i.id: i.cost for i in inst.initiatives}
    total = 0.0
    for item in selected:
        start = inst.periods.index(item["start"])
        profile = costs[item["id"]]
        assert isinstance(profile, list)
        total += sum(profile[: len(inst.periods) - start])
    return total


def _rows(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_csv_is_a_folder_matching_the_json(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    instance, scenarios = files
    folder, output = tmp_path / "result", tmp_path / "compare.json"
    result = run("compare", instance, scenarios, "--csv", folder, "-o", output)
    assert result.exit_code == 0, result.output
    assert f"comparison tables written to {folder}" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == sorted(po.COMPARISON_CSV_FILES)
    data = json.loads(output.read_text(encoding="utf-8"))
    run_json = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run_json.pop("files") == list(po.COMPARISON_CSV_FILES)
    assert run_json == data  # one run: the same figures and provenance

    entries = {s["name"]: s for s in data["scenarios"]}
    assert list(entries) == ["base", *(s["name"] for s in SCENARIOS)]
    base = entries["base"]
    for name, entry in entries.items():
        inst = _edited(name)
        assert entry["status"] == "optimal" and entry["verified"] is True
        assert entry["objective"] == pytest.approx(brute_force(inst), abs=1e-6)
        assert entry["delta"] == pytest.approx(entry["objective"] - base["objective"])
        assert entry["spend"]["central"] == pytest.approx(
            _spend(inst, entry["selected"])
        )
        before = {s["id"]: s["start"] for s in base["selected"]}
        after = {s["id"]: s["start"] for s in entry["selected"]}
        assert entry["added"] == sorted(set(after) - set(before))
        assert entry["removed"] == sorted(set(before) - set(after))
        assert entry["moved"] == sorted(
            i for i in set(before) & set(after) if before[i] != after[i]
        )
    assert entries["central halved"]["objective"] < base["objective"]
    assert any(s["id"] == "E" for s in entries["E forced in"]["selected"])

    table = _rows(folder / "comparison.csv")
    assert [r["scenario"] for r in table] == list(entries)
    for row in table:
        entry = entries[row["scenario"]]
        assert row["status"] == entry["status"]
        assert _number(row["objective"]) == pytest.approx(entry["objective"])
        assert _number(row["delta"]) == pytest.approx(entry["delta"])
        assert int(row["selected"]) == len(entry["selected"])
        for change in ("added", "removed", "moved"):
            assert row[change] == ";".join(entry[change])
        assert _number(row["spend central"]) == pytest.approx(entry["spend"]["central"])

    chosen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in _rows(folder / "selected.csv"):
        chosen[row["scenario"]].add((row["id"], row["start"]))
    for name, entry in entries.items():
        assert chosen[name] == {(s["id"], s["start"]) for s in entry["selected"]}

    used: dict[str, float] = defaultdict(float)
    for row in _rows(folder / "budgets.csv"):
        assert row["budget"] == "central"
        used[row["scenario"]] += float(row["used"])
    assert used == pytest.approx({n: e["spend"]["central"] for n, e in entries.items()})
    lab = [r for r in _rows(folder / "resources.csv") if r["scenario"] == "base"]
    assert [r["period"] for r in lab] == ["2027", "2028"]


def test_json_holds_the_edits_and_where_they_came_from(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    instance, scenarios = files
    output = tmp_path / "out" / "compare.json"
    output.parent.mkdir()
    result = run("compare", instance, scenarios, "-o", output, "--threads", "1")
    assert result.exit_code == 0, result.output
    assert [p.name for p in output.parent.iterdir()] == ["compare.json"]  # atomic
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["scenarios"][0]["edits"] == []  # the base
    for entry, given in zip(data["scenarios"][1:], SCENARIOS, strict=True):
        assert len(entry["edits"]) == len(given["edits"])
        for written, edit in zip(entry["edits"], given["edits"], strict=True):
            assert edit.items() <= written.items()  # as given, defaults filled in
    prov = data["provenance"]
    assert prov["sha256"] == hashlib.sha256(instance.read_bytes()).hexdigest()
    assert (
        prov["scenarios_sha256"] == hashlib.sha256(scenarios.read_bytes()).hexdigest()
    )
    assert data["options"]["threads"] == 1
    assert data["periods"] == DATA["periods"]


@pytest.mark.parametrize("quiet", [False, True])
def test_dash_prints_only_the_json_on_stdout(
    files: tuple[Path, Path], tmp_path: Path, quiet: bool
) -> None:
    instance, scenarios = files
    folder = tmp_path / "tables"
    args = ["compare", instance, scenarios, "-o", "-", "--csv", folder]
    result = run(*args, *(["-q"] if quiet else []))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # nothing else on stdout
    assert [s["name"] for s in data["scenarios"]][1:] == [s["name"] for s in SCENARIOS]
    run_json = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run_json.pop("files") == list(po.COMPARISON_CSV_FILES)
    assert data == run_json
    if quiet:
        assert result.stderr == ""
    else:
        assert "central halved" in result.stderr and "objective" in result.stderr
        assert f"comparison tables written to {folder}" in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [("--mip-gap", "nan"), ("--mip-gap", "2"), ("--threads", "0"),
     ("--threads", "x"), ("--time-limit", "inf")],
)  # fmt: skip
def test_bad_solve_options_are_usage_errors(
    files: tuple[Path, Path], tmp_path: Path, option: str, value: str
) -> None:
    instance, scenarios = files
    output = tmp_path / "c.json"
    result = run("compare", instance, scenarios, "-o", output, option, value)
    assert result.exit_code == 2, result.output
    assert f"'{option}'" in result.output
    assert not output.exists()


def test_mip_gap_reaches_every_solve(files: tuple[Path, Path]) -> None:
    instance, scenarios = files
    result = run("compare", instance, scenarios, "-o", "-", "--mip-gap", "0.25")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["options"]["mip_rel_gap"] == 0.25
    for entry in data["scenarios"]:  # within the gap of the true optimum
        best = brute_force(_edited(entry["name"]))
        assert best is not None
        assert best * 0.75 - 1e-6 <= entry["objective"] <= best + 1e-6


@pytest.mark.parametrize(
    ("where", "code", "words"),
    [("instance", 2, "'--csv'"), ("xlsx", 2, "'--csv'"),
     ("file", 6, "cannot write --csv files into")],
)  # fmt: skip
def test_a_csv_folder_on_a_file_is_refused_before_solving(
    files: tuple[Path, Path], tmp_path: Path, where: str, code: int, words: str
) -> None:
    """On an input or another output: a usage error; on any other file (the
    compare.csv --csv wrote before it was a folder): never writable, exit 6."""
    instance, scenarios = files
    old = tmp_path / "compare.csv"
    old.write_text("scenario,status\n", encoding="utf-8")
    folder = {"instance": instance, "file": old, "xlsx": tmp_path / "c.xlsx"}[where]
    result = run(
        "compare", instance, scenarios, "--csv", folder, "--xlsx", tmp_path / "c.xlsx"
    )
    assert result.exit_code == code, result.output
    assert words in result.output and "objective" not in result.output
    assert not (tmp_path / "c.xlsx").exists()
    assert old.read_text(encoding="utf-8") == "scenario,status\n"


#: Scenario names Excel would refuse or mix up as sheet names -> the sheet.
SHEETS = {
    "a" * 40 + " one": "a" * 31,
    "a" * 40 + " two": "a" * 27 + " (2)",  # the same once cut to 31
    "what/if: [draft]?": "what_if_ _draft__",
    "Base": "Base (2)",  # "base" (the plan without edits) differs only in case
    "预算削减一成": "预算削减一成",
    "Comparison": "Comparison (2)",  # the comparison's own sheet
    "initiatives": "initiatives (2)",  # would make it look like an input workbook
    "'quoted'": "quoted",
}


def test_workbook_sheets_are_named_after_the_scenarios(tmp_path: Path) -> None:
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(DATA), encoding="utf-8")
    scenarios = tmp_path / "scenarios.json"
    listed = [{"name": name, "edits": []} for name in SHEETS]
    scenarios.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    book_path = tmp_path / "compare.xlsx"
    result = run("compare", instance, scenarios, "--xlsx", book_path)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["Comparison", "base", *SHEETS.values()]
    sheet = book["Comparison"]
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["scenario", "sheet"]
    mapping = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert mapping == {"base": "base", **SHEETS}
    for name, title in mapping.items():
        assert book[title]["A1"].value == f"Selected in {name} (optimal)"
    assert po.input_kind(book_path) is None  # an output: replaced without --force
    again = run("compare", instance, scenarios, "--xlsx", book_path)
    assert again.exit_code == 0, again.output
