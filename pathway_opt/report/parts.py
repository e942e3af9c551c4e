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
from pathway_opt.report.explanation_section import explanation_section
from pathway_opt.report.frontier_section import frontier_section
from pathway_opt.report.section import Section
from pathway_opt.whatif.frontier import Frontier


@dataclass(frozen=True)
class ReportParts:
    """Analyses a report may carry; each one given adds its section."""

    explanation: Mapping[str, Any] | None = None
    """The explanation records (``Explanation.to_dict()``, the plan JSON's
    ``explanations``): what binds, the marginal value of money, repairs."""
    frontier: Frontier | None = None
    """The efficient frontier of the plan's instance."""

    def given(self) -> list[str]:
        """Names of the parts present, in the order their sections appear."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


#: Part name -> the renderer of its section, in the order the sections appear.
RENDERERS: dict[str, Callable[[Plan, Any], Section]] = {
    "explanation": explanation_section,
    "frontier": frontier_section,
}


def optional_sections(plan: Plan, parts: ReportParts) -> list[Section]:
    """The sections of the parts given, in :data:`RENDERERS` order."""
    return [RENDERERS[name](plan, getattr(parts, name)) for name in parts.given()]
