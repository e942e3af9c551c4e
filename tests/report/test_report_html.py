"""The committee report's HTML: sections, escaping, no network, CJK text, figures.

The figures checked are worked out by hand (``report_pages.hand_instance``):
the optimum funds A in 2027 and B in 2028 for a score of 5, the budget binds in
2027 only, and C is left out by the budget.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from pathlib import Path

import pytest
from report_pages import (
    CHINESE_NAME,
    SCRIPT_NAME,
    external_urls,
    hand_instance,
    hand_plan,
)

import pathway_opt as po
from pathway_opt.report import words
from pathway_opt.report.parts import RENDERERS, ReportParts
from pathway_opt.report.schedule_chart import ROWS_PER_CHART, bars, run_length
from pathway_opt.report.usage_chart import limits

CORE = ["headline", "schedule", "money", "initiatives", "provenance"]


def _section_ids(html: str) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', html)


def test_the_core_sections_in_order_and_no_optional_ones_unasked() -> None:
    html = po.report_html(hand_plan())
    assert _section_ids(html) == CORE


def test_the_headline_states_the_hand_solved_figures() -> None:
    html = po.report_html(hand_plan())
    assert "Fund <strong>2</strong> of 3 initiatives" in html
    assert "<strong>5.00</strong>: proven optimal" in html
    # spend per budget: 14 of 20, binding in 2027
    cells = r'14 CNY</td><td class="num">20 CNY</td><td class="num">70 %'
    assert re.search(cells, html)
    assert "budget central: 2027" in html


def test_names_are_escaped_in_tables_and_charts() -> None:
    html = po.report_html(hand_plan())
    assert SCRIPT_NAME not in html
    assert "<b>bold</b>" not in html
    # once in the funded table, once in the Gantt chart's SVG text
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; course") == 2
    assert "R&amp;D &lt;b&gt;bold&lt;/b&gt;" in html
    assert html.count("<script") == 1  # the report's own error recorder only


def test_the_page_names_no_address_to_fetch() -> None:
    html = po.report_html(hand_plan())
    assert external_urls(html) == []
    assert "default-src 'none'" in html  # the browser refuses any request too


def test_the_url_finder_finds_what_a_browser_would_fetch() -> None:
    page = (
        '<img src="http://x/a.png"><link href=//cdn/f.css><style>'
        "@font-face{src:url( 'https://fonts/x.woff')} @import \"http://y\"</style>"
        '<a href="#schedule"></a><img src="data:image/png;base64,AAAA">'
        '<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#m1"/></svg>'
    )
    assert external_urls(page) == [
        "http://x/a.png",
        "//cdn/f.css",
        "https://fonts/x.woff",
        "http://y",
    ]


def test_chinese_text_stays_text_with_a_cjk_font_stack() -> None:
    html = po.report_html(hand_plan())
    assert CHINESE_NAME in html
    # in the Gantt chart as SVG text (not glyph paths), with CJK fonts named
    label = re.search(r"<text [^>]*>A  " + CHINESE_NAME, html)
    assert label is not None and "Noto Sans CJK SC" in label[0]
    stack = r'font-family: [^;]*"Noto Sans CJK SC"[^;]*"Microsoft YaHei"'
    assert re.search(stack, html)
    assert 'lang="en"' in html and '<meta charset="utf-8">' in html


def test_the_print_style_puts_each_section_on_its_own_a4_page() -> None:
    html = po.report_html(hand_plan())
    assert "@page { size: A4;" in html
    assert "section + section { break-before: page; }" in html


def test_the_gantt_bars_run_from_start_to_the_profiles_end() -> None:
    plan = hand_plan()
    found = {b.id: (b.start, b.end, b.group) for b in bars(plan)}
    assert found == {"A": (0, 0, "计算机学院"), "B": (1, 1, "Mechanics")}
    ini = po.instance_from_data(
        {
            "periods": ["1", "2", "3", "4"],
            "criteria": [{"id": "TC", "weight": 1}],
            "budgets": [{"id": "b", "limits": [9, 9, 9, 9]}],
            "resources": [{"id": "r", "capacity": [9, 9, 9, 9]}],
            "initiatives": [
                {"id": "X", "scores": {"TC": 1}, "cost": [1, 0, 2, 0]},
                {"id": "Y", "scores": {"TC": 1}, "uses": {"r": [0, 0, 0, 1]}},
                {"id": "Z", "scores": {"TC": 1}},
            ],
        }
    ).initiatives
    assert [run_length(i) for i in ini] == [3, 4, 1]


def test_a_long_schedule_is_cut_into_charts_that_each_fit_a_page() -> None:
    data = hand_instance()
    data["budgets"] = []
    data["initiatives"] = [
        {"id": f"I{k:03d}", "scores": {"TC": 1}, "department": f"D{k % 3}"}
        for k in range(2 * ROWS_PER_CHART)
    ]
    plan = po.solve(po.instance_from_data(data))
    assert len(plan.starts) == 2 * ROWS_PER_CHART
    report = po.make_report(plan)
    (schedule,) = [s for s in report.sections if s.id == "schedule"]
    assert len(schedule.charts) == 3  # 80 bars and 3 headings (+ continued ones)
    rows = [len(c.figure.axes[0].get_yticks()) for c in schedule.charts]
    assert all(r <= ROWS_PER_CHART for r in rows)


def test_the_money_chart_marks_the_binding_period() -> None:
    plan = hand_plan()
    (central,) = limits(plan)
    assert central.used == [10, 4] and central.limit == [10, 10]
    assert central.binding == [True, False]
    report = po.make_report(plan)
    (money,) = [s for s in report.sections if s.id == "money"]
    svg = money.charts[0].svg()
    assert ">100% binding</text>" in svg and ">40%</text>" in svg


def test_left_out_initiatives_carry_the_cheap_reason() -> None:
    html = po.report_html(hand_plan())
    row = re.search(r'<td class="id">C</td>.*?</tr>', html, re.S)
    assert row is not None
    # 2028 has 10 - 4 = 6 left and C needs 7 (2027 has none left)
    assert "budget &#34;central&#34; in 2028 has 6 CNY left" in row[0]
    assert "it would need 1 CNY more" in row[0]


def test_words_for_how_good_a_plan_is() -> None:
    plan = hand_plan()
    assert words.quality(plan) == "proven optimal"
    stopped = replace(plan, status=po.Status.FEASIBLE, objective=99.6, bound=100.0)
    assert words.quality(stopped) == (
        "at most 0.4 % below the best possible (a limit stopped the proof)"
    )
    assert words.percent(0.004) == "0.4 %" and words.percent(0.00004) == "0.004 %"
    assert words.money(1250000, "CNY") == "1,250,000 CNY"


def test_a_plan_without_a_solution_gets_its_headline_and_empty_sections() -> None:
    data = hand_instance()
    data["initiatives"][0]["decision"] = "must"
    data["initiatives"][2]["decision"] = "must"
    data["initiatives"][2]["latest_start"] = "2027"  # A and C both in 2027: 17 > 10
    plan = po.solve(po.instance_from_data(data))
    assert plan.status == po.Status.INFEASIBLE
    html = po.report_html(plan)
    assert _section_ids(html) == CORE
    assert "no plan meets every rule" in html
    assert "No plan: nothing is scheduled." in html


def test_explanation_and_frontier_add_their_sections() -> None:
    inst = po.instance_from_data(hand_instance())
    found = po.explain(inst)
    front = po.frontier(inst)
    html = po.report_html(found.plan, explanation=found, frontier=front)
    assert _section_ids(html) == [*CORE[:4], "explanations", "frontier", CORE[4]]
    # the exact why: without A the best is B@2027 + C@2028 = 3.5, so A costs 1.5;
    # without B it is A + C = 4.5, and C forced in drops B: both cost 0.5
    reasons = re.findall(r'<td class="reason">([^<]*)', html)
    assert reasons == [
        "taking it out costs 1.50 score (adds C; moves B)",
        "taking it out costs 0.50 score (adds C)",
        "kept out by budget &#34;central&#34; 2028 (1 CNY over); forcing it in at "
        "2028 costs 0.50 score (drops B)",
    ]
    # what binds: 2027 at 10 of 10; cutting it 5 % loses A (5 -> 3.5)
    assert "<td>10 CNY of 10 CNY</td>" in html
    assert '<td class="num">-1.50</td>' in html
    assert "this scores 5.00" not in html and "this plan scores 5.00" in html
    assert "no value is left on the table" in html


def test_every_optional_part_has_a_renderer() -> None:
    assert [f.name for f in fields(ReportParts)] == list(RENDERERS)


def test_parts_of_another_plan_are_refused() -> None:
    plan = hand_plan()
    other = po.instance_from_data({**hand_instance(), "name": "other"})
    found = po.explain(other)
    found.plan.starts = {"A": "2027"}
    with pytest.raises(po.InputError, match="explanation: explains another plan"):
        po.report_html(plan, explanation=found)
    with pytest.raises(po.InputError, match="frontier: is the frontier of another"):
        po.report_html(plan, frontier=po.frontier(other))


def test_png_files_for_slides(tmp_path: Path) -> None:
    report = po.write_report(hand_plan(), tmp_path / "r.html", png_dir=tmp_path / "png")
    names = sorted(p.name for p in (tmp_path / "png").iterdir())
    assert names == ["budget-1-central.png", "schedule.png"]
    for name in names:
        assert (tmp_path / "png" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "r.html").read_text("utf-8") == report.html
