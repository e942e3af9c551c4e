"""The report's initiative tables show must / never with the planner's reason."""

from __future__ import annotations

import re

from report_pages import hand_instance

import pathway_opt as po

MUST_REASON = "Ministry pilot <b>commitment</b> & 省级试点"
NEVER_REASON = "Partner withdrew"


def _row(html: str, ini_id: str) -> str:
    row = re.search(rf'<td class="id">{ini_id}</td>.*?</tr>', html, re.S)
    assert row is not None, ini_id
    return row[0]


def test_forced_decisions_and_reasons_appear_in_both_tables() -> None:
    """The hand instance's optimum is A@2027 + B@2028 (5); forcing C out and A
    in keeps that plan, so the reasons appear beside the same rows."""
    data = hand_instance()
    a, _, c = data["initiatives"]
    a.update(decision="must", decision_reason=MUST_REASON)
    c.update(decision="never", decision_reason=NEVER_REASON)
    plan = po.solve(po.instance_from_data(data))
    assert sorted(plan.starts) == ["A", "B"]
    html = po.report_html(plan)
    escaped = "Ministry pilot &lt;b&gt;commitment&lt;/b&gt; &amp; 省级试点"
    assert f'<td class="decision">must: {escaped}</td>' in _row(html, "A")
    assert '<td class="decision"></td>' in _row(html, "B")
    assert f'<td class="decision">never: {NEVER_REASON}</td>' in _row(html, "C")
    assert "<b>commitment</b>" not in html
    assert html.count("<th>decision</th>") == 2


def test_no_decision_column_without_forced_initiatives() -> None:
    html = po.report_html(po.solve(po.instance_from_data(hand_instance())))
    assert "<th>decision</th>" not in html
    assert 'class="decision"' not in html


def test_a_forced_initiative_without_a_reason_shows_its_decision() -> None:
    data = hand_instance()
    data["initiatives"][2]["decision"] = "never"
    html = po.report_html(po.solve(po.instance_from_data(data)))
    assert '<td class="decision">never</td>' in _row(html, "C")
    assert html.count("<th>decision</th>") == 1  # none funded is forced
