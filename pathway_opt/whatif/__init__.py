"""What-if analysis: sessions, scenarios, sweeps, the frontier and ladders.

Sessions re-solve one built model; scenarios are edits as data; sweeps run many
points (in parallel or on Dask); the efficient frontier and contingency ladders
are found by re-solving.
"""

from pathway_opt.whatif.compare import compare, load_scenarios, run_scenarios
from pathway_opt.whatif.edits import Edit, Scenario
from pathway_opt.whatif.frontier import Frontier, frontier
from pathway_opt.whatif.ladders import ladders
from pathway_opt.whatif.plot import frontier_png, write_frontier_png
from pathway_opt.whatif.session import Session, changes_between
from pathway_opt.whatif.sweep import parse_scales, sweep

__all__ = [
    "Edit",
    "Frontier",
    "Scenario",
    "Session",
    "changes_between",
    "compare",
    "frontier",
    "frontier_png",
    "ladders",
    "load_scenarios",
    "parse_scales",
    "run_scenarios",
    "sweep",
    "write_frontier_png",
]
