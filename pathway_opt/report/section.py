"""One section of the report: its anchor, title, template, figures and charts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pathway_opt.report.figures import Chart


@dataclass
class Section:
    """What one template (``templates/sections/<template>``) draws.

    ``data`` holds plain values only (text, numbers, lists, dicts); the template
    escapes every text, and charts are inlined as SVG.
    """

    id: str
    """The HTML anchor (``<section id=...>``), also what tests look for."""
    title: str
    template: str
    data: dict[str, Any] = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
