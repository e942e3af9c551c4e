"""The report says where the plan and its bound come from, also when rebuilt
from a saved plan JSON, and shows it in a real browser (headless Chromium).

The heuristic's claims are put on a plan HiGHS solved (its selection verified),
so each source is covered deterministically.
"""

from __future__ import annotations

import dataclasses
import html
import json
import subprocess
from pathlib import Path

import pytest
from report_pages import browser

import pathway_opt as po
from pathway_opt.inputs.generate import generate

LAGRANGIAN = "the Lagrangian dual (a valid upper bound; no proof of optimality)"
LP_GUIDED = "LP-guided fixing (pathway-opt heuristic)"
HEURISTIC_WORDS = ["no proof of optimality", "Lagrangian", "LP-guided", "heuristic"]
CHROMIUM = browser()


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[po.Plan, Path]:
    folder = tmp_path_factory.mktemp("sources")
    instance = folder / "gen.json"
    instance.write_text(json.dumps(generate(40, 3, seed=3)), "utf-8")
    plan = po.solve(instance)
    assert plan.status == po.Status.OPTIMAL and plan.found_by == "highs"
    return plan, instance


def heuristic(plan: po.Plan) -> po.Plan:
    """The plan as the heuristic reports one: LP-guided, the dual's bound."""
    assert plan.objective is not None
    bound = plan.objective * 1.0002 + 0.01
    return dataclasses.replace(
        plan,
        status=po.Status.FEASIBLE,
        bound=bound,
        gap=(bound - plan.objective) / plan.objective,
        found_by="lp_guided",
        bound_source="lagrangian",
        method="heuristic",
        settings={**plan.settings, "method": "auto"},
    )


def _facts(page: str, section: str) -> dict[str, str]:
    """The <dt>/<dd> pairs of a section of the page, unescaped."""
    part = page.split(f'<section id="{section}"', 1)[1].split("</section>", 1)[0]
    pairs = {}
    for chunk in part.split("<dt>")[1:]:
        key, rest = chunk.split("</dt>", 1)
        value = rest.split("<dd>", 1)[1].split("</dd>", 1)[0]
        pairs[html.unescape(key.strip())] = html.unescape(value.strip())
    return pairs


def _check_heuristic_page(page: str) -> None:
    head = _facts(page, "headline")
    assert head["plan found by"] == LP_GUIDED
    assert head["bound from"] == LAGRANGIAN
    assert head["method"] == "heuristic (asked: auto)"
    assert head["how good"].endswith(
        "below the best possible (bound from the Lagrangian dual; no proof of "
        "optimality)"
    )
    prov = _facts(page, "provenance")
    assert prov["method"] == "heuristic"
    assert prov["option method"] == "auto"  # the method asked
    assert prov["plan found by"] == LP_GUIDED
    assert prov["bound from"] == LAGRANGIAN


def test_the_report_of_a_heuristic_plan_says_so(
    solved: tuple[po.Plan, Path],
) -> None:
    _check_heuristic_page(po.report_html(heuristic(solved[0])))


def test_a_proved_optimal_plan_keeps_the_headline_plain(
    solved: tuple[po.Plan, Path],
) -> None:
    page = po.report_html(solved[0])
    head = _facts(page, "headline")
    assert "plan found by" not in head and "bound from" not in head
    assert head["how good"] == "proven optimal"
    headline = page.split('<section id="headline"', 1)[1].split("</section>", 1)[0]
    for words in HEURISTIC_WORDS:
        assert words not in headline
    prov = _facts(page, "provenance")
    assert prov["plan found by"] == "HiGHS"
    assert prov["bound from"] == (
        "HiGHS's branch and bound (HiGHS proved the plan optimal)"
    )
    assert (prov["method"], prov["option method"]) == ("highs", "auto")


def test_a_saved_heuristic_plan_reads_back_with_its_sources(
    solved: tuple[po.Plan, Path], tmp_path: Path
) -> None:
    plan, instance = solved
    path = tmp_path / "plan.json"
    prov = dataclasses.asdict(po.make_provenance(instance))
    po.write_plan_json(heuristic(plan), path, prov)
    data = json.loads(path.read_text("utf-8"))
    assert (data["method"], data["found_by"], data["bound_source"]) == (
        "heuristic", "lp_guided", "lagrangian",
    )  # fmt: skip
    saved = po.load_saved_plan(path, instance).plan
    assert saved.status == po.Status.FEASIBLE and saved.verified
    assert (saved.method, saved.found_by, saved.bound_source) == (
        "heuristic", "lp_guided", "lagrangian",
    )  # fmt: skip
    assert saved.settings["method"] == "auto"
    _check_heuristic_page(po.report_html(saved))
    # a plan JSON written before these fields existed reads back without them
    for key in ("method", "found_by", "bound_source"):
        del data[key]
    path.write_text(json.dumps(data), "utf-8")
    old = po.load_saved_plan(path, instance).plan
    assert (old.method, old.found_by, old.bound_source) == ("", "", "")
    assert "bound from" not in _facts(po.report_html(old), "headline")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed, so the report was NOT opened in a browser "
    "(install the Debian package `chromium`)",
)
def test_chromium_shows_the_sources_in_the_headline(
    solved: tuple[po.Plan, Path], tmp_path: Path
) -> None:
    """The headline's rendered text (innerText: only what is laid out to show)."""
    assert CHROMIUM is not None
    seen = {}
    for name, plan in (("heuristic", heuristic(solved[0])), ("optimal", solved[0])):
        page = po.report_html(plan)
        probe = (
            "<script>document.documentElement.setAttribute('data-seen', "
            "document.getElementById('headline').innerText);</script></body>"
        )
        path = tmp_path / f"{name}.html"
        path.write_text(page.replace("</body>", probe), "utf-8")
        command = [
            CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom", path.resolve().as_uri(),
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-2000:]
        attr = done.stdout.split('data-seen="', 1)[1].split('"', 1)[0]
        seen[name] = " ".join(html.unescape(attr).split())
    assert f"plan found by {LP_GUIDED}" in seen["heuristic"]
    assert f"bound from {LAGRANGIAN}" in seen["heuristic"]
    assert "Fund " in seen["optimal"] and "proven optimal" in seen["optimal"]
    for words in HEURISTIC_WORDS:
        assert words not in seen["optimal"]
