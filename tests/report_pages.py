"""Report test helpers: a hand-solved instance, external addresses, a browser.

``hand_instance`` has an optimum worked out by hand (see its docstring), names
holding markup and Chinese text. ``external_urls`` finds every address an HTML
page could fetch. ``browser`` finds headless Chromium.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import pathway_opt as po

#: A name that must reach the page as text, never as markup.
SCRIPT_NAME = "<script>alert(1)</script> course"
CHINESE_NAME = "人工智能产教融合联合实验室"


def hand_instance() -> dict[str, Any]:
    """Two years, one budget of 10 a year (no carry-over), three initiatives.

    A (value 3, cost 10, may start only in 2027) fills 2027 exactly; B (value 2,
    cost 4) and C (value 1.5, cost 7) do not fit together in one year. The
    optimum is A@2027 + B@2028 = 5 (without A, at most B + C = 3.5): the budget
    binds in 2027 only (10 of 10), 2028 uses 4 of 10, and C is left out.
    """
    return {
        "name": "hand-solved report case",
        "currency": "CNY",
        "periods": ["2027", "2028"],
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": [{"id": "central", "limits": [10, 10]}],
        "initiatives": [
            {
                "id": "A", "name": CHINESE_NAME, "type": "joint_lab",
                "department": "计算机学院", "scores": {"TC": 3}, "cost": [10],
                "latest_start": "2027",
            },
            {
                "id": "B", "name": SCRIPT_NAME, "type": "co_taught_course",
                "department": "Mechanics", "scores": {"TC": 2}, "cost": [4],
            },
            {
                "id": "C", "name": "Scholarship", "type": "scholarship",
                "department": "R&D <b>bold</b>", "scores": {"TC": 1.5},
                "cost": [7],
            },
        ],
    }  # fmt: skip


def hand_plan() -> po.Plan:
    """The hand instance solved (A@2027, B@2028, objective 5)."""
    return po.solve(po.instance_from_data(hand_instance()))


#: An address a page would fetch: src=, href=, url(...), @import, srcset=, with
#: a scheme (http:, https:, ftp:, ...) or protocol-relative (//host).
_FETCH = re.compile(
    r"""(?:\b(?:src|href|srcset|action|data|poster|xlink:href)\s*=\s*["']?|"""
    r"""url\(\s*["']?|@import\s+["']?)"""
    r"""\s*((?:[a-z][a-z0-9+.-]*:|//)[^"')\s>]*)""",
    re.I,
)


def external_urls(html: str) -> list[str]:
    """Every address the page names where a browser would fetch it.

    ``data:`` addresses are part of the page; everything else with a scheme or
    starting with ``//`` would be a request.
    """
    return [u for u in _FETCH.findall(html) if not u.lower().startswith("data:")]


def browser() -> str | None:
    """The headless Chromium to drive, if one is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
