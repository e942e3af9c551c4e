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


def analyses_instance() -> dict[str, Any]:
    """The hand instance with a second criterion EM (weight 0.5, range 0 to 1).

    Scores (TC, EM): A (3, 1), B (2, 0), C (1.5, 2). A fills 2027, and B and C
    do not fit together in 2028, so the plans are A+B (TC 5, EM 1), A+C (4.5, 3)
    and B+C (3.5, 2). At EM 0.5 the optimum is A@2027 + C@2028 = 6 (A+B 5.5,
    B+C 4.5). Holding EM, A+B overtakes when 5w + 0.5 > 4.5w + 1.5: TC above 2
    (B enters, C leaves; B+C never wins). Holding TC, A+B wins when
    5 + e > 4.5 + 3e: EM below 0.25 (B enters, C leaves), and no EM ends it
    from above. EM sampled from triangular(0, 0.5, 1) is below 0.25 with
    probability 1/8: of 8 Latin hypercube samples exactly one (its first
    stratum), so A is funded in 8, C in 7 and B in 1.
    """
    data = hand_instance()
    data["criteria"] = [
        {"id": "TC", "weight": 1.0},
        {"id": "EM", "weight": 0.5, "weight_range": [0.0, 1.0]},
    ]
    for ini, em in zip(data["initiatives"], [1, 0, 2], strict=True):
        ini["scores"]["EM"] = em
    return data
