"""Every file a command writes for one plan, checked and written in one place.

``solve`` and ``explain`` both write a plan as JSON, a workbook and CSV files.
Their targets are listed here (every file each writes) for the one check of
:mod:`pathway_opt.outputs.targets`, made before any solving starts (so a clash
costs no time), and written here after it, each with the same provenance, so
the two commands cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pathway_opt.outputs.plan_csv import csv_files, write_plan_csv
from pathway_opt.outputs.plan_json import plan_json, write_plan_json
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx
from pathway_opt.outputs.provenance import make_provenance
from pathway_opt.outputs.targets import Target
from pathway_opt.plan import Plan


@dataclass(frozen=True)
class PlanTargets:
    """Where one plan goes: JSON file, workbook, CSV folder (None: not written)."""

    json: Path | None = None
    xlsx: Path | None = None
    csv: Path | None = None

    def targets(self, explanations: bool = False) -> list[Target]:
        """The outputs, for :func:`pathway_opt.outputs.targets.clashes`.

        The CSV folder lists every file it writes: the plan tables, with
        `explanations` the explanation tables, and ``run.json``.
        """
        found = []
        if self.json is not None:
            found.append(Target("--output", self.json))
        if self.xlsx is not None:
            found.append(Target("--xlsx", self.xlsx, suffixes=(".xlsx",)))
        if self.csv is not None:
            found.append(Target("--csv", self.csv, names=csv_files(explanations)))
        return found


def write_plan_outputs(
    plan: Plan, targets: PlanTargets, source: Path, run_at: datetime
) -> list[str]:
    """Write the plan to every target atomically; one line per written target.

    Every target carries the same provenance: the input file and its SHA-256,
    the tool version and the time the run started.

    Raises:
        OutputError: when a target cannot be written (nothing partial is left).
    """
    provenance = make_provenance(source, run_at)
    written: list[str] = []
    if targets.json is not None:
        write_plan_json(plan, targets.json, dataclasses.asdict(provenance))
        written.append(f"plan written to {targets.json}")
    if targets.xlsx is not None:
        write_plan_xlsx(plan, targets.xlsx, provenance=provenance)
        written.append(f"plan workbook written to {targets.xlsx}")
    if targets.csv is not None:
        write_plan_csv(plan, targets.csv, provenance=provenance)
        written.append(f"plan tables written to {targets.csv}")
    return written


def plan_stdout_json(plan: Plan, source: Path, run_at: datetime) -> str:
    """The plan JSON ``--output`` would write, for printing (``-o -``).

    The same text and provenance as the file, so ``-o -`` and ``-o plan.json``
    differ in nothing but where the plan goes.
    """
    provenance = make_provenance(source, run_at)
    return plan_json(plan, dataclasses.asdict(provenance))
