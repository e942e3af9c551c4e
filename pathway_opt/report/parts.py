"""The optional parts of a report, each drawn by one section renderer.

A report always has the headline, schedule, money and capacity, funded and not
funded, and provenance sections. Analyses computed in the same run, or passed
in, add one section each: a new one is a field of :class:`ReportParts`, a
renderer ``(plan, part) -> Section`` in :data:`RENDERERS` and its template in
``templates/sections/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from pathway_opt.plan import Plan
from pathway_opt.report.alternatives_section import alternatives_section
from pathway_opt.report.explanation_section import explanation_section
from pathway_opt.report.frontier_section import frontier_section
from pathway_opt.report.robust_section import robust_section
from pathway_opt.report.saved_parts import CoreTable
from pathway_opt.report.section import Section
from pathway_opt.report.stability_section import stability_section
from pathway_opt.whatif.alternatives import Alternatives
from pathway_opt.whatif.frontier import Frontier
from pathway_opt.whatif.robust import Robustness
from pathway_opt.whatif.stability import Stability


@dataclass(frozen=True)
class ReportParts:
    """Analyses a report may carry; each one given adds its section."""

    explanation: Mapping[str, Any] | None = None
    """The explanation records (``Explanation.to_dict()``, the plan JSON's
    ``explanations``): what binds, the marginal value of money, repairs."""
    frontier: Frontier | None = None
    """The efficient frontier of the plan's instance."""
    robust: Robustness | CoreTable | None = None
    """The core index of every initiative over sampled data (a run of
    ``robust``, or the table its CSV holds)."""
    alternatives: Alternatives | None = None
    """Near-optimal plans that differ from the optimum, side by side."""
    stability: Stability | None = None
    """Per criterion, the weights over which the funded set stays optimal."""

    def given(self) -> list[str]:
        """Names of the parts present, in the order their sections appear."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


#: Part name -> the renderer of its section, in the order the sections appear.
RENDERERS: dict[str, Callable[[Plan, Any], Section]] = {
    "explanation": explanation_section,
    "frontier": frontier_section,
    "robust": robust_section,
    "alternatives": alternatives_section,
    "stability": stability_section,
}


def optional_sections(plan: Plan, parts: ReportParts) -> list[Section]:
    """The sections of the parts given, in :data:`RENDERERS` order."""
    return [RENDERERS[name](plan, getattr(parts, name)) for name in parts.given()]
