"""The report of a plan with a variant and a funding split.

Figures from the hand-solved instance of ``hand_funded``: B runs as its
variant ``lite`` (cost 1), A's 8 is split central 60% / gov 40% and C's 6
central 4 / gov 2. A plan JSON read back keeps the variant and the split (and
one whose variant was taken out no longer fits the instance). The page opens
in headless Chromium without an error and shows both.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path

import pytest
from hand_funded import OBJECTIVE, funded
from report_pages import browser, external_urls
from tiny_instances import make, solve_dict

import pathway_opt as po

CHROMIUM = browser()


@pytest.fixture(scope="module")
def plan() -> po.Plan:
    found = solve_dict(funded())
    assert found.verified and found.objective == pytest.approx(OBJECTIVE)
    return found


def _rows(html: str, heading: str) -> list[list[str]]:
    """The cells (tags stripped) of the first table after `heading`."""
    table = html.split(heading, 1)[1].split("</table>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r)
        ]
        for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        if "<td" in r
    ]


def test_the_funding_split_table_has_the_hand_figures(plan: po.Plan) -> None:
    html = po.report_html(plan)
    assert _rows(html, "<h3>Funding split</h3>") == [
        ["A Lab A", "central", "4.80 CNY", "60 %", "2027"],
        ["", "gov", "3.20 CNY", "40 %", "2027"],
        ["C College C", "central", "4 CNY", "66.7 %", "2028"],
        ["", "gov", "2 CNY", "33.3 %", "2028"],
    ]
    assert external_urls(html) == []


def test_the_funded_table_names_the_version_and_its_cost(plan: po.Plan) -> None:
    html = po.report_html(plan)
    rows = {r[0]: r for r in _rows(html, "<h3>Funded (3)</h3>")}
    # id, name, type, department, start, version, end, value, cost
    assert rows["B"][5] == "variant lite" and rows["B"][8] == "1 CNY"
    assert rows["A"][5] == "base" and rows["C"][6] == "2028"
    assert "B (lite)  Course B" in html  # the Gantt bar's label


def test_no_funded_by_and_no_variants_no_split_nor_version_column() -> None:
    data = make(
        budgets=[{"id": "central", "limits": [5, 5]}],
        initiatives=[{"id": "X", "cost": [3], "scores": {"TC": 1}}],
    )
    html = po.report_html(solve_dict(data))
    assert "Funding split" not in html
    assert "<th>version</th>" not in html


def _saved(plan: po.Plan, tmp_path: Path) -> tuple[Path, Path]:
    instance = tmp_path / "funded.json"
    instance.write_text(json.dumps(funded()), "utf-8")
    path = tmp_path / "plan.json"
    prov = po.make_provenance(instance)
    po.write_plan_json(po.solve(instance), path, dataclasses.asdict(prov))
    return path, instance


def test_a_saved_plan_keeps_its_variant_and_split(
    plan: po.Plan, tmp_path: Path
) -> None:
    path, instance = _saved(plan, tmp_path)
    saved = po.load_saved_plan(path, instance).plan
    assert saved.verified and saved.objective == pytest.approx(OBJECTIVE)
    assert saved.variants == {"B": "lite"}
    assert saved.funding == pytest.approx(plan.funding)
    assert _rows(po.report_html(saved), "<h3>Funding split</h3>") == _rows(
        po.report_html(plan), "<h3>Funding split</h3>"
    )


def test_a_saved_plan_without_its_variant_does_not_fit(
    plan: po.Plan, tmp_path: Path
) -> None:
    path, instance = _saved(plan, tmp_path)
    data = json.loads(path.read_text("utf-8"))
    for entry in data["selected"]:
        entry["variant"] = None  # B's base costs central 4, not 1: over its limit
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError) as caught:
        po.load_saved_plan(path, instance)
    assert all(p.path == "selected" for p in caught.value.problems)
    assert any("central" in p.message for p in caught.value.problems)


def test_a_malformed_split_is_named(plan: po.Plan, tmp_path: Path) -> None:
    path, instance = _saved(plan, tmp_path)
    data = json.loads(path.read_text("utf-8"))
    data["funding"][1]["amount"] = "3.2"
    data["selected"][1]["variant"] = 7
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError) as caught:
        po.load_saved_plan(path, instance)
    assert [p.path for p in caught.value.problems] == ["selected[1].variant"]
    data["selected"][1]["variant"] = "lite"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError) as caught:
        po.load_saved_plan(path, instance)
    assert [p.path for p in caught.value.problems] == ["funding[1]"]


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed, so the report was NOT opened in a browser "
    "(install the Debian package `chromium`)",
)
def test_the_page_opens_in_chromium_with_the_split(
    plan: po.Plan, tmp_path: Path
) -> None:
    page = tmp_path / "funded.html"
    po.write_report(plan, page)
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--enable-logging=stderr", "--v=0",
        f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
        page.resolve().as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    head = dom[: dom.find(">", dom.find("<html"))]
    assert 'data-report-loaded="yes"' in head  # its script ran
    assert "data-report-errors" not in head and "data-report-blocked" not in head
    assert "Funding split" in dom and "variant lite" in dom
