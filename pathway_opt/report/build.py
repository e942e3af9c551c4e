"""The committee report: one self-contained HTML file, and its charts as PNG files.

The HTML file needs nothing but a browser: styles are inline, charts are inline
SVG whose text is text (so the reader's fonts draw Chinese), and a
Content-Security-Policy forbids the page every request (no fonts, scripts or
images are fetched, even by mistake). It prints on A4, one section a page.
Templates are Jinja2 with autoescaping: every name the planner typed is escaped.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from pathway_opt.errors import InputError, Problem
from pathway_opt.explanations.explanation import Explanation
from pathway_opt.files import write_atomic, write_folder
from pathway_opt.outputs.provenance import Provenance, tool_version
from pathway_opt.plan import Plan
from pathway_opt.report.headline import headline_section
from pathway_opt.report.initiatives import initiatives_section
from pathway_opt.report.parts import ReportParts, optional_sections
from pathway_opt.report.plan_sections import money_section, schedule_section
from pathway_opt.report.provenance_section import provenance_section
from pathway_opt.report.saved_parts import CoreTable
from pathway_opt.report.section import Section
from pathway_opt.whatif.alternatives import Alternatives
from pathway_opt.whatif.frontier import Frontier
from pathway_opt.whatif.robust import Robustness
from pathway_opt.whatif.stability import Stability

if TYPE_CHECKING:
    import jinja2


class Analyses(TypedDict, total=False):
    """The analyses of issue 16 a report may carry (see :class:`ReportParts`)."""

    robust: Robustness | CoreTable | None
    alternatives: Alternatives | None
    stability: Stability | None


@dataclass(frozen=True)
class Report:
    """A report drawn: its HTML text, its sections and the seconds it took."""

    html: str
    sections: list[Section]
    seconds: float

    def pngs(self) -> dict[str, bytes]:
        """File name -> PNG bytes of every chart, in the order they appear."""
        return {
            f"{chart.name}.png": chart.png()
            for section in self.sections
            for chart in section.charts
        }


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pathway_opt.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _records(plan: Plan, explanation: Explanation | Mapping[str, Any] | None) -> Any:
    """The explanation records to show, checked to explain this very plan."""
    if explanation is None:
        return plan.explanations
    if isinstance(explanation, Explanation):
        if explanation.plan.starts != plan.starts:
            raise InputError(
                [
                    Problem(
                        "explanation",
                        "explains another plan; explain this one with "
                        "explain(plan.instance, plan)",
                    )
                ]
            )
        return explanation.to_dict()
    if isinstance(explanation, Mapping):
        return explanation
    raise InputError(
        [
            Problem(
                "explanation",
                "must be an Explanation (what explain returns) or its to_dict(), "
                f"got {type(explanation).__name__}",
            )
        ]
    )


def _parts(
    plan: Plan,
    explanation: Explanation | Mapping[str, Any] | None,
    frontier: Frontier | None,
    analyses: Analyses,
) -> ReportParts:
    if frontier is not None and not isinstance(frontier, Frontier):
        raise InputError(
            [
                Problem(
                    "frontier",
                    "must be a Frontier (what frontier(inst) returns), got "
                    f"{type(frontier).__name__}",
                )
            ]
        )
    if not isinstance(plan, Plan):
        raise InputError(
            [
                Problem(
                    "plan",
                    f"must be a Plan (what solve returns), got {type(plan).__name__}",
                )
            ]
        )
    return ReportParts(
        explanation=_records(plan, explanation), frontier=frontier, **analyses
    )


def make_report(
    plan: Plan,
    *,
    explanation: Explanation | Mapping[str, Any] | None = None,
    frontier: Frontier | None = None,
    robust: Robustness | CoreTable | None = None,
    alternatives: Alternatives | None = None,
    stability: Stability | None = None,
    provenance: Provenance | None = None,
    notes: list[str] | None = None,
) -> Report:
    """Draw the report of a plan: the HTML text, sections and charts.

    Args:
        plan: the plan to report (any status: a plan without a solution gets
            its headline, messages and provenance).
        explanation: what :func:`~pathway_opt.explain` found for this plan
            (default: the plan's own ``explanations``, when it carries them);
            adds the section on what binds and the marginal value of money.
        frontier: the efficient frontier of the plan's instance; adds the
            frontier section with this plan marked.
        robust: what :func:`~pathway_opt.robust` found for the plan's instance
            (or a core index table read back with
            :func:`~pathway_opt.load_saved_core`); adds the robustness section.
        alternatives: what :func:`~pathway_opt.alternatives` found for the
            plan's instance; adds the plans side by side.
        stability: what :func:`~pathway_opt.stability` found for the plan's
            instance; adds the weight stability bars.
        provenance: where the plan came from (input file and SHA-256, tool
            version, time of the run).
        notes: lines the headline shows among the warnings.

    Raises:
        InputError: when an explanation explains another plan, or a frontier,
            robustness, alternatives or stability belongs to another instance.
    """
    began = time.perf_counter()
    analyses: Analyses = {
        "robust": robust, "alternatives": alternatives, "stability": stability
    }  # fmt: skip
    parts = _parts(plan, explanation, frontier, analyses)
    made_at = datetime.now(UTC).astimezone()
    records = parts.explanation or {}
    sections = [
        headline_section(plan, notes or []),
        schedule_section(plan),
        money_section(plan),
        initiatives_section(plan, records.get("why") or []),
        *optional_sections(plan, parts),
        provenance_section(plan, provenance, made_at),
    ]
    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=f"{plan.instance.name}: funding plan",
            instance=plan.instance.name,
            status=plan.status.value,
            made_at=made_at.strftime("%Y-%m-%d %H:%M"),
            version=tool_version(),
            sections=sections,
        )
    )
    return Report(html, sections, time.perf_counter() - began)


def report_html(
    plan: Plan,
    *,
    explanation: Explanation | Mapping[str, Any] | None = None,
    frontier: Frontier | None = None,
    robust: Robustness | CoreTable | None = None,
    alternatives: Alternatives | None = None,
    stability: Stability | None = None,
    provenance: Provenance | None = None,
) -> str:
    """The report of a plan as one self-contained HTML text.

    The arguments are those of :func:`write_report`.
    """
    return make_report(
        plan, explanation=explanation, frontier=frontier, robust=robust,
        alternatives=alternatives, stability=stability, provenance=provenance,
    ).html  # fmt: skip


def write_report(
    plan: Plan,
    path: str | Path | None,
    *,
    explanation: Explanation | Mapping[str, Any] | None = None,
    frontier: Frontier | None = None,
    robust: Robustness | CoreTable | None = None,
    alternatives: Alternatives | None = None,
    stability: Stability | None = None,
    provenance: Provenance | None = None,
    png_dir: str | Path | None = None,
    notes: list[str] | None = None,
) -> Report:
    """Write the committee report of a plan as one HTML file, atomically.

    Args:
        plan: the plan to report.
        path: the HTML file to write (None: only the PNG files of ``png_dir``).
        explanation: what :func:`~pathway_opt.explain` found for this plan
            (default: the plan's own ``explanations``, if any).
        frontier: the efficient frontier of the plan's instance.
        robust: the core index over sampled data (:func:`~pathway_opt.robust`,
            or :func:`~pathway_opt.load_saved_core`'s table).
        alternatives: near-optimal plans (:func:`~pathway_opt.alternatives`).
        stability: the weights' intervals (:func:`~pathway_opt.stability`).
        provenance: where the plan came from (see
            :func:`~pathway_opt.make_provenance`).
        png_dir: a folder to write every chart into as a PNG file as well
            (for slides), written as a whole.
        notes: lines the headline shows among the warnings.

    Returns:
        The report drawn (its HTML, sections and the seconds it took).

    Raises:
        InputError: when an explanation explains another plan, or a frontier,
            robustness, alternatives or stability belongs to another instance.
        OutputError: when a file cannot be written (nothing partial is left).
    """
    report = make_report(
        plan,
        explanation=explanation,
        frontier=frontier,
        robust=robust,
        alternatives=alternatives,
        stability=stability,
        provenance=provenance,
        notes=notes,
    )
    if path is not None:
        write_atomic(path, report.html)
    if png_dir is not None:
        write_folder(png_dir, report.pngs())
    return report
