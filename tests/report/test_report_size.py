"""At 1,000 initiatives the report stays one file under 5 MB, fetching nothing."""

from __future__ import annotations

import time
from pathlib import Path

from report_pages import external_urls

import pathway_opt as po

#: The most a report may weigh at 1,000 initiatives (it travels by e-mail).
MAX_BYTES = 5 * 1024 * 1024


def test_a_thousand_initiatives_give_a_report_under_5_mb(tmp_path: Path) -> None:
    inst = po.instance_from_data(po.generate(1000, 5, 0))
    plan = po.solve(inst, mip_gap=0.02, time_limit=120)
    assert plan.has_plan and len(plan.starts) > 500  # a long schedule to draw
    began = time.perf_counter()
    report = po.write_report(plan, tmp_path / "report.html")
    seconds = time.perf_counter() - began
    size = (tmp_path / "report.html").stat().st_size
    print(f"1,000 initiatives: {size / 1e6:.2f} MB, drawn in {seconds:.1f} s")
    assert size < MAX_BYTES
    assert external_urls(report.html) == []
    assert report.html.count("<tr>") > 1000  # every initiative is listed
