"""Explanations planners can act on: smallest repairs, why in / why out, what binds.

All figures come from re-solving the integer model (never LP duals): an elastic
model with named slack for repairs (:mod:`pathway_opt.explanations.elastic`), a
what-if Session for the prices of forcing initiatives and for marginal values.
"""

from pathway_opt.explanations.core import (
    Explanation,
    explain,
    plan_selection,
    read_plan,
)
from pathway_opt.explanations.elastic import ElasticModel, Need, Slack
from pathway_opt.explanations.repairs import (
    Repair,
    RepairPart,
    apply_repair,
    find_repairs,
)

__all__ = [
    "ElasticModel",
    "Explanation",
    "Need",
    "Repair",
    "RepairPart",
    "Slack",
    "apply_repair",
    "explain",
    "find_repairs",
    "plan_selection",
    "read_plan",
]
