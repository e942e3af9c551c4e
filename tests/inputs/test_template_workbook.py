"""The input template: its sheets, headers, validation and examples, and a template
filled in programmatically (openpyxl, as an ETL script or a planner would) that
solves to the same objective as its JSON twin.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.instance_xlsx.template import write_template

DATA_SHEETS = [
    "settings", "criteria", "comparisons", "budgets", "resources", "initiatives",
    "variants", "costs_uses", "rules", "uncertainty",
]  # fmt: skip
#: Sheets the template leaves without example rows: an example judgement would
#: override the weights a planner types on the criteria sheet.
EMPTY_SHEETS = {"comparisons"}


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "plan-2027.xlsx"
    result = CliRunner().invoke(main, ["template", str(path)])
    assert result.exit_code == 0, result.output
    return path


def validations(ws: Any) -> dict[str, Any]:
    """First cell of each validated range -> its DataValidation."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for ref in str(dv.sqref).split():
            found[ref.split(":")[0]] = dv
    return found


def test_template_sheets_headers_and_examples(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["README", *DATA_SHEETS]
    for name in DATA_SHEETS:
        ws = book[name]
        headers = [c.value for c in ws[1] if c.value is not None]
        assert headers, name
        assert all(ws.cell(1, k + 1).comment for k in range(len(headers))), name
        # the variants sheet keeps the initiative and the variant id in view
        assert ws.freeze_panes in ("A2", "B2", "C2" if name == "variants" else "B2")
        if name in EMPTY_SHEETS:
            assert ws.max_row == 1, name
            continue
        assert any(
            v is not None
            for v in next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
        )
    initiatives = [c.value for c in book["initiatives"][1]]
    assert initiatives[:9] == [
        "id", "name", "type", "department", "partner", "success_probability (0-1)",
        "earliest_start (period)", "latest_start (period)", "decision",
    ]  # fmt: skip
    assert [c.value for c in book["budgets"][1]][3:] == [
        "limit 2027 (CNY)", "limit 2028 (CNY)", "limit 2029 (CNY)",
        "min_use (0-1 or %)", "eligible_type", "eligible_department",
        "eligible_partner", "notes",
    ]  # fmt: skip
    assert [c.value for c in book["initiatives"][1]][-3:] == [
        "funded_by", "max_share (budget: 0-1 or %)", "notes",
    ]  # fmt: skip
    assert [c.value for c in book["variants"][1]][:8] == [
        "initiative", "variant", "name", "success_probability (0-1)",
        "earliest_start (period)", "latest_start (period)", "funded_by",
        "max_share (budget: 0-1 or %)",
    ]  # fmt: skip
    assert [c.value for c in book["costs_uses"][1]][:4] == [
        "initiative", "variant", "kind (cost/use)", "budget_or_resource",
    ]  # fmt: skip
    readme = " ".join(
        str(c.value) for row in book["README"].iter_rows() for c in row if c.value
    )
    assert all(name in readme for name in DATA_SHEETS)


def test_template_validation_lists_and_numbers(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    ini = validations(book["initiatives"])
    assert ini["C2"].type == "list" and "joint_lab" in ini["C2"].formula1
    assert ini["I2"].type == "list" and ini["I2"].formula1 == '"optional,must,never"'
    assert ini["F2"].type == "decimal" and (ini["F2"].formula1, ini["F2"].formula2) == (
        "0",
        "1",
    )
    assert ini["J2"].type == "decimal"  # a score: numbers only
    rules = validations(book["rules"])
    assert "requires" in rules["A2"].formula1 and "synergy" in rules["A2"].formula1
    assert rules["D2"].type == "whole" and rules["E2"].type == "whole"
    assert validations(book["costs_uses"])["C2"].formula1 == '"cost,use"'
    assert validations(book["budgets"])["C2"].formula1 == '"TRUE,FALSE"'
    assert validations(book["budgets"])["D2"].type == "decimal"
    settings = validations(book["settings"])
    assert settings["B5"].type == "decimal" and settings["B6"].type == "list"
    for dv in ini.values():
        assert dv.showErrorMessage, "a typed value outside the rule is refused"


def test_template_example_is_valid_and_solves(template: Path) -> None:
    plan = po.solve(po.load_instance(template))
    assert plan.status == po.Status.OPTIMAL and plan.verified


def _headers(ws: Any) -> dict[str, int]:
    return {
        re.sub(r"\s*\(.*\)$", "", str(c.value)): c.column
        for c in ws[1]
        if c.value is not None
    }


def _rewrite(
    ws: Any, rows: list[dict[str, Any]], extra_headers: list[str] = ()
) -> None:
    """Replace the example rows by `rows` (header -> value), adding columns."""
    ws.delete_rows(2, ws.max_row)
    for header in extra_headers:
        ws.cell(1, ws.max_column + 1, header)
    columns = _headers(ws)
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            ws.cell(r, columns[header], value)


def _typed_list(value: Any) -> Any:
    """A list as a planner types it (`a; b`); anything else as it is."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) + (";" if len(value) == 1 else "")
    return value


def _funding_cells(entry: dict[str, Any]) -> dict[str, Any]:
    """`funded_by` and `max_share` typed the way a planner would."""
    cells: dict[str, Any] = {}
    if "funded_by" in entry:
        cells["funded_by"] = ", ".join(entry["funded_by"])
    if entry.get("max_share"):
        cells["max_share"] = "; ".join(
            f"{b}: {v:.0%}" for b, v in entry["max_share"].items()
        )
    return cells


def fill_template(path: Path, data: dict[str, Any]) -> None:
    """Type an instance dict into the template with openpyxl, by header names."""
    book = openpyxl.load_workbook(path)
    settings = book["settings"]
    for r in range(2, settings.max_row + 1):
        key = settings.cell(r, 1).value
        if key in ("name", "description", "currency"):
            settings.cell(r, 2, data.get(key, ""))
        elif key == "delay_discount":
            settings.cell(r, 2, data.get("settings", {}).get("delay_discount", 1.0))
        elif key == "allow_beyond_horizon":
            settings.cell(
                r, 2, data.get("settings", {}).get("allow_beyond_horizon", False)
            )
    settings.delete_rows(7, settings.max_row)
    for k, period in enumerate(data["periods"]):
        settings.cell(7 + k, 1, "period")
        settings.cell(7 + k, 2, int(period))  # typed as numbers, as in Excel
    _rewrite(
        book["criteria"],
        [{k: v for k, v in c.items() if k != "weight_range"} for c in data["criteria"]],
    )
    _rewrite(
        book["budgets"],
        [
            {
                "id": b["id"],
                "name": b.get("name"),
                "carry_over": b.get("carry_over", False),
                "min_use": _typed_list(b.get("min_use")),
            }
            | {
                f"limit {p}": v
                for p, v in zip(data["periods"], b["limits"], strict=True)
            }
            | {
                f"eligible_{k}": _typed_list(v)
                for k, v in b.get("eligible", {}).items()
            }
            for b in data["budgets"]
        ],
    )
    _rewrite(
        book["resources"],
        [
            {"id": r["id"], "name": r.get("name"), "unit": r.get("unit")}
            | {
                f"capacity {p}": v
                for p, v in zip(data["periods"], r["capacity"], strict=True)
            }
            for r in data["resources"]
        ],
    )
    fields = ["id", "name", "type", "department", "partner", "success_probability",
              "earliest_start", "latest_start", "decision",
              "decision_reason"]  # fmt: skip
    known = set(_headers(book["initiatives"]))
    criteria = [c["id"] for c in data["criteria"]]
    _rewrite(
        book["initiatives"],
        [
            {f: i[f] for f in fields if f in i}
            | _funding_cells(i)
            | {f"score {c}": v for c, v in i.get("scores", {}).items()}
            for i in data["initiatives"]
        ],
        [f"score {c}" for c in criteria if f"score {c}" not in known],
    )
    variant_fields = ["name", "success_probability", "earliest_start", "latest_start"]
    known = set(_headers(book["variants"]))
    _rewrite(
        book["variants"],
        [
            {"initiative": i["id"], "variant": v["id"]}
            | {f: v[f] for f in variant_fields if f in v}
            | _funding_cells(v)
            | {f"score {c}": s for c, s in v.get("scores", {}).items()}
            for i in data["initiatives"]
            for v in i.get("variants", [])
        ],
        [f"score {c}" for c in criteria if f"score {c}" not in known],
    )
    profiles = []
    for i in data["initiatives"]:
        for version, of in [(None, i)] + [(v["id"], v) for v in i.get("variants", [])]:
            cost = of.get("cost", [])
            owned = (
                cost.items()
                if isinstance(cost, dict)
                else [(None, cost)]
                if cost
                else []
            )
            for budget, values in owned:
                profiles.append(("cost", i["id"], version, budget, values))
            for resource, values in of.get("uses", {}).items():
                profiles.append(("use", i["id"], version, resource, values))
    _rewrite(
        book["costs_uses"],
        [
            {
                "initiative": ini,
                "variant": version,
                "kind": kind,
                "budget_or_resource": owner,
            }
            | {f"year +{k}": v for k, v in enumerate(values)}
            for kind, ini, version, owner, values in profiles
        ],
    )
    rules = []
    for rule in data.get("rules", []):
        row = {k: v for k, v in rule.items() if k != "where"}
        for key in ("on", "members"):
            if key in row:
                row[key] = "; ".join(row[key])
        for key, value in rule.get("where", {}).items():
            row[f"where_{key}"] = "; ".join(value) if isinstance(value, list) else value
        rules.append(row)
    _rewrite(book["rules"], rules)
    ranges = [
        (c["id"], "weight", c["weight_range"])
        for c in data["criteria"]
        if "weight_range" in c
    ]
    for i in data["initiatives"]:
        spread = i.get("uncertainty", {})
        ranges += [
            (i["id"], f"score {c}", r) for c, r in spread.get("scores", {}).items()
        ]
        ranges += [
            (i["id"], key, spread[key])
            for key in ("success_probability", "cost_factor")
            if key in spread
        ]
    _rewrite(
        book["uncertainty"],
        [
            {"initiative_or_criterion": of, "field": field, "low": low, "high": high}
            for of, field, (low, high) in ranges
        ],
    )
    book.save(path)


@pytest.mark.parametrize(
    "name", ["small_applied_college.json", "provincial_applied_university.json"]
)
def test_filled_template_solves_like_its_json_twin(template: Path, name: str) -> None:
    data = json.loads((INSTANCES / name).read_text(encoding="utf-8"))
    periods = ",".join(data["periods"])
    result = CliRunner().invoke(
        main, ["template", str(template), "--periods", periods, "--force"]
    )
    assert result.exit_code == 0, result.output
    fill_template(template, data)
    twin_instance = po.load_instance(INSTANCES / name)
    twin = po.solve(twin_instance)
    filled_instance = po.load_instance(template)
    assert [c.weight_range for c in filled_instance.criteria] == [
        c.weight_range for c in twin_instance.criteria
    ]
    assert [i.uncertainty for i in filled_instance.initiatives] == [
        i.uncertainty for i in twin_instance.initiatives
    ]
    filled = po.solve(filled_instance)
    assert filled.status == twin.status == po.Status.OPTIMAL
    assert filled.objective == pytest.approx(twin.objective, rel=1e-12)
    runner = CliRunner().invoke(main, ["solve", str(template)])
    assert runner.exit_code == 0, runner.output
    assert f"objective  {twin.objective:,.4f}" in runner.stdout


def test_template_refuses_to_overwrite_without_force(template: Path) -> None:
    before = template.read_bytes()
    result = CliRunner().invoke(main, ["template", str(template)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert template.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["template", "{dir}/t.json"], "must end in .xlsx"),
        (["template", "{dir}/t.xlsx", "--periods", "2027,,2029"], "non-empty"),
        (["template", "{dir}/t.xlsx", "--periods", "2027,2027"], "distinct"),
    ],
)
def test_template_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    argv = [a.replace("{dir}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert list(tmp_path.iterdir()) == []


def test_template_with_own_periods(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(path, ["2030", "2031"])
    inst = po.load_instance(path)
    assert inst.periods == ["2030", "2031"]
    assert [b.limits for b in inst.budgets] == [
        [5_000_000.0, 5_000_000.0],
        [200_000.0, 200_000.0],
    ]
    assert inst.budgets[1].min_use == [0.5, 0.0]


def test_template_under_a_regular_file_exits_6(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["template", str(blocker / "t.xlsx")])
    assert result.exit_code == 6, result.output
    assert "afile" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "x"
