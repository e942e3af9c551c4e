"""Saved analyses brought back for a report: the same sections as computed ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from report_pages import analyses_instance

import pathway_opt as po


def _instance(tmp_path: Path) -> Path:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(analyses_instance(), ensure_ascii=False), "utf-8")
    return path


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert found is not None
    # the chart's clip ids and the notes aside, the section is the same
    text = re.sub(r'<svg.*?</svg>|<p class="note">.*?</p>', "", found[1], flags=re.S)
    return text.strip()


def test_saved_stability_and_alternatives_draw_the_computed_sections(
    tmp_path: Path,
) -> None:
    path = _instance(tmp_path)
    plan = po.solve(path)
    stab = po.stability(plan.instance)
    csv = tmp_path / "stab.csv"
    csv.write_bytes(po.csv_text(stab.file_table()).encode("utf-8-sig"))
    saved = po.load_saved_stability(csv, plan, path)
    assert saved.notes == [
        "stab.csv records no input SHA-256: its ids were checked against a.json, "
        "but that it was computed from it cannot be shown"
    ]
    html = po.report_html(plan, stability=stab)
    again = po.report_html(plan, stability=saved.part)
    assert _section(again, "stability") == _section(html, "stability")
    assert "no upper end" in _section(again, "stability")

    alts = po.alternatives(plan.instance, count=2, within=0.1)
    file = tmp_path / "alts.json"
    po.write_alternatives_json(alts, file, source=path)
    back = po.load_saved_alternatives(file, plan.instance, path)
    assert back.notes == ["rebuilt from alts.json; its input SHA-256 matches a.json"]
    assert [p.starts for p in back.part.plans] == [p.starts for p in alts.plans]
    assert all(p.verified for p in [back.part.optimum, *back.part.plans])
    one = _section(po.report_html(plan, alternatives=alts), "alternatives")
    two = _section(po.report_html(plan, alternatives=back.part), "alternatives")
    assert one == two


def test_an_edited_alternative_is_refused_by_the_verifier(tmp_path: Path) -> None:
    path = _instance(tmp_path)
    inst = po.load_instance(path)
    alts = po.alternatives(inst, count=1, within=0.1)
    file = tmp_path / "alts.json"
    po.write_alternatives_json(alts, file, source=path)
    data = json.loads(file.read_text("utf-8"))
    data["alternatives"][0]["selected"].append({"id": "C", "start": "2028"})
    file.write_text(json.dumps(data), "utf-8")
    with pytest.raises(po.InputError) as caught:
        po.load_saved_alternatives(file, inst, path)
    assert caught.value.problems[0].path == "alternatives[0].selected"
    assert caught.value.source == str(file)
    del data["provenance"]
    data["alternatives"] = []
    file.write_text(json.dumps(data), "utf-8")
    back = po.load_saved_alternatives(file, inst, path)
    assert "records no input SHA-256" in back.notes[0]
    assert back.part.plans == [] and back.part.optimum.verified
