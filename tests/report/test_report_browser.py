"""The report opened in a real browser (headless Chromium): it loads without a
script error or a blocked request, is not blank, and shows every section.

Chromium is the Debian package ``chromium`` (``.ci/run`` installs it when it is
missing and it runs as root). Where no browser is installed the tests are
skipped, saying so; a control page with a deliberate error, a blocked request
and nothing to see shows that each check can fail.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image
from repo_paths import INSTANCES
from report_pages import CHINESE_NAME, analyses_instance, browser, hand_instance

import pathway_opt as po

CHROMIUM = browser()
NEEDS_BROWSER = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed, so the report was NOT opened in a browser "
    "(install the Debian package `chromium`; .ci/run does so as root)",
)
#: Lines of Chromium's log that report a page problem (console errors, policy).
_PAGE_PROBLEMS = ("CONSOLE", "Uncaught", "Refused to", "Content Security Policy")
ALL_SECTIONS = [
    "headline", "schedule", "money", "initiatives", "explanations", "frontier",
    "robustness", "alternatives", "stability", "provenance",
]  # fmt: skip
#: The sections of the hand page: explanations and frontier, not the analyses.
HAND_SECTIONS = [s for s in ALL_SECTIONS if s not in (
    "robustness", "alternatives", "stability"
)]  # fmt: skip


def _chromium(page: Path, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--no-first-run", "--enable-logging=stderr", "--v=0",
        f"--user-data-dir={work / 'profile'}", *args, page.resolve().as_uri(),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=180)


def _open(page: Path, work: Path) -> tuple[str, np.ndarray, list[str]]:
    """The page's DOM after loading, its screenshot, and its logged problems."""
    shot = work / "shot.png"
    taken = _chromium(page, work, f"--screenshot={shot}", "--window-size=1280,2000")
    assert shot.exists(), taken.stderr[-2000:]
    dumped = _chromium(page, work, "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    logs = (taken.stderr + dumped.stderr).splitlines()
    problems = [line for line in logs if any(p in line for p in _PAGE_PROBLEMS)]
    return dumped.stdout, image.imread(str(shot)), problems


def _blank(pixels: np.ndarray) -> bool:
    """Whether a screenshot is near-uniform (nothing drawn)."""
    grey = pixels[..., :3].mean(axis=2)
    return float(grey.std()) < 0.02 or float((grey < 0.9).mean()) < 0.002


def _attribute(dom: str, name: str) -> str | None:
    head = dom[: dom.find(">", dom.find("<html"))]
    marker = f'{name}="'
    if marker not in head:
        return None
    return head.split(marker, 1)[1].split('"', 1)[0]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    inst = po.instance_from_data(hand_instance())
    found = po.explain(inst)
    hand = folder / "hand.html"
    po.write_report(found.plan, hand, explanation=found, frontier=po.frontier(inst))
    source = INSTANCES / "provincial_applied_university.json"
    provincial = folder / "provincial.html"
    po.write_report(po.solve(source), provincial, provenance=po.make_provenance(source))
    # every part at once: few samples of a tiny instance
    rich = po.instance_from_data(analyses_instance())
    explained = po.explain(rich)
    every = folder / "all.html"
    po.write_report(
        explained.plan, every, explanation=explained, frontier=po.frontier(rich),
        robust=po.robust(rich, 4), alternatives=po.alternatives(rich, within=0.1),
        stability=po.stability(rich),
    )  # fmt: skip
    return {"hand": hand, "provincial": provincial, "all": every}


@NEEDS_BROWSER
@pytest.mark.parametrize("name", ["hand", "provincial", "all"])
def test_the_report_opens_cleanly_in_chromium(
    name: str, pages: dict[str, Path], tmp_path: Path
) -> None:
    dom, pixels, problems = _open(pages[name], tmp_path)
    assert problems == []
    assert _attribute(dom, "data-report-loaded") == "yes"  # its script ran
    assert _attribute(dom, "data-report-errors") is None
    assert _attribute(dom, "data-report-blocked") is None
    assert not _blank(pixels)
    expected = {
        "hand": HAND_SECTIONS,
        "all": ALL_SECTIONS,
        "provincial": [
            s for s in HAND_SECTIONS if s not in ("explanations", "frontier")
        ],
    }[name]
    assert re.findall(r'<section id="([^"]+)"', dom) == expected
    if name != "provincial":
        assert CHINESE_NAME in dom
    if name == "hand":
        assert dom.count("<svg") == 3  # schedule, budget, frontier
    if name == "all":  # and the core index and stability charts
        assert dom.count("<svg") == 5


@NEEDS_BROWSER
def test_the_checks_catch_an_error_a_blocked_request_and_a_blank_page(
    pages: dict[str, Path], tmp_path: Path
) -> None:
    report = pages["hand"].read_text("utf-8")
    head = report[: report.index("</head>")]
    control = tmp_path / "control.html"
    control.write_text(
        head + "</head><body><script>notDefined();</script>"
        '<img src="https://example.invalid/x.png" alt=""></body></html>',
        "utf-8",
    )
    dom, pixels, problems = _open(control, tmp_path)
    assert "notDefined" in (_attribute(dom, "data-report-errors") or "")
    assert "example.invalid" in (_attribute(dom, "data-report-blocked") or "")
    assert problems != []
    assert _blank(pixels)
