"""What-if analysis: sessions that re-solve one built model, scenarios as data."""

from pathway_opt.whatif.compare import compare, load_scenarios, run_scenarios
from pathway_opt.whatif.edits import Edit, Scenario
from pathway_opt.whatif.session import Session, changes_between

__all__ = [
    "Edit",
    "Scenario",
    "Session",
    "changes_between",
    "compare",
    "load_scenarios",
    "run_scenarios",
]
