"""The report's robustness, alternatives and stability sections (issue 17, part 5).

Every figure checked is worked out by hand in ``report_pages.analyses_instance``:
the optimum A@2027 + C@2028 = 6, the only other plan within 10 % A+B = 5.5, the
TC weight's interval [0, 2] and EM's [0.25, no upper end], and over 8 samples
the core index A 8/8, C 7/8, B 1/8.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from report_pages import (
    CHINESE_NAME,
    SCRIPT_NAME,
    analyses_instance,
    external_urls,
    hand_instance,
)

import pathway_opt as po


@cache
def _inst() -> po.Instance:
    return po.instance_from_data(analyses_instance())


@cache
def _analyses() -> tuple[po.Plan, po.Robustness, po.Alternatives, po.Stability]:
    inst = _inst()
    return (
        po.solve(inst),
        po.robust(inst, samples=8, seed=3),
        po.alternatives(inst, count=2, within=0.1),
        po.stability(inst),
    )


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert found is not None, name
    return found[1]


def _cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
    ]


def _row(section: str, first: str) -> list[str]:
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        cells = _cells(row)
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


def test_the_three_sections_come_after_the_frontier_and_before_provenance() -> None:
    plan, rob, alts, stab = _analyses()
    html = po.report_html(plan, robust=rob, alternatives=alts, stability=stab)
    ids = re.findall(r'<section id="([^"]+)"', html)
    assert ids == [
        "headline", "schedule", "money", "initiatives", "robustness",
        "alternatives", "stability", "provenance",
    ]  # fmt: skip
    assert external_urls(html) == []
    assert html.count("<script") == 1  # names stay text
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; course" in html
    assert CHINESE_NAME in html


def test_robustness_shows_the_hand_counted_core_index_and_figures() -> None:
    plan, rob, _, _ = _analyses()
    assert plan.starts == {"A": "2027", "C": "2028"}
    html = _section(po.report_html(plan, robust=rob), "robustness")
    # A in every sample, C in 7 of 8, B in the one with EM below 0.25
    assert _row(html, "A")[2:5] == ["100 %", "core", "2027"]
    assert _row(html, "C")[2:5] == ["87.5 %", "borderline", "2028"]
    assert _row(html, "B")[2:5] == ["12.5 %", "borderline", ""]
    assert [r[0] for r in re.findall(r'<td class="id">(\w)</td>', html)] == list("ACB")
    assert "8 proven optimal, 0 time-limited" in html
    assert "0 core" not in html and "1 core, 2 borderline, 0 exterior" in html
    # the plan scores 4.5 + 3e: P10 / P90 and the mean lie in [4.5, 7.5]; its
    # regret is 0.5 - 2e in the one sample where A+B wins, else 0
    s = rob.summary()
    assert 4.5 <= s["given_score_p10"] <= s["given_score_mean"] <= 7.5
    assert 0 < s["regret_worst"] <= 0.5
    assert s["regret_mean"] == pytest.approx(s["regret_worst"] / 8)
    assert f"mean {s['regret_mean']:,.2f}, worst {s['regret_worst']:,.2f}" in html
    assert f"P10 {s['given_score_p10']:,.2f}, P90 {s['given_score_p90']:,.2f}" in html
    # the chart: bars coloured by class, both thresholds, the plan's diamonds
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None
    assert "core 0.9</text>" in svg[0] and "exterior 0.1</text>" in svg[0]
    assert ">in this plan</text>" in svg[0]
    assert "#1a7f37" in svg[0] and "#d4a017" in svg[0]


def test_alternatives_side_by_side_mark_adds_and_drops() -> None:
    plan, _, alts, _ = _analyses()
    html = _section(po.report_html(plan, alternatives=alts), "alternatives")
    assert "Asked for 2 alternative plan(s) within 10% of the optimum" in html
    assert "(scoring at least 5.40)" in html and "1 found" in html
    assert "Fewer than asked: 1 of 2 found" in html  # B+C scores 4.5 < 5.4
    assert _row(html, "A")[2:] == ["2027", "2027"]
    assert _row(html, "B")[2:] == ["-", "2028"]
    assert _row(html, "C")[2:] == ["2028", "-"]
    assert '<td class="num adds" title="adds">2028</td>' in html
    assert '<td class="num drops" title="drops">-</td>' in html
    assert _row(html, "score")[2:] == ["6.00", "5.50"]
    assert _row(html, "loss")[2:] == ["-", "0.50 (8.3 %)"]


def test_stability_bars_and_who_enters_and_leaves() -> None:
    plan, _, _, stab = _analyses()
    html = _section(po.report_html(plan, stability=stab), "stability")
    assert _row(html, "TC") == [
        "TC", "1", "0", "2", "still optimal at weight 0", "B", "C", "optimal"
    ]  # fmt: skip
    assert _row(html, "EM") == [
        "EM", "0.5", "0.25", "no upper end", "B", "C", "no weight ends it", "optimal"
    ]  # fmt: skip
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg is not None
    assert svg[0].count(">no upper end</text>") == 1  # EM's bar only
    assert ">weight as given</text>" in svg[0]


def test_parts_of_another_instance_are_refused() -> None:
    plan, rob, alts, stab = _analyses()
    other = po.instance_from_data({**hand_instance(), "name": "other"})
    other_plan = po.solve(other)
    with pytest.raises(po.InputError, match="robust: is the robustness of another"):
        po.report_html(other_plan, robust=rob)
    with pytest.raises(po.InputError, match="alternatives: are the alternatives of"):
        po.report_html(other_plan, alternatives=alts)
    with pytest.raises(po.InputError, match="stability: is the weight stability of"):
        po.report_html(other_plan, stability=stab)
    with pytest.raises(po.InputError, match="stability: must be a Stability"):
        po.report_html(plan, stability=rob)  # type: ignore[arg-type]


def test_an_unbounded_interval_has_no_upper_end_in_every_criterion() -> None:
    # one criterion: scaling its weight never changes the best plan
    plan = po.solve(po.instance_from_data(hand_instance()))
    stab = po.stability(plan.instance)
    html = _section(po.report_html(plan, stability=stab), "stability")
    assert _row(html, "TC")[2:4] == ["0", "no upper end"]
