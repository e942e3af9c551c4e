"""Every file a command writes for one plan, checked and written in one place.

``solve`` and ``explain`` both write a plan as JSON, a workbook and CSV files.
Their targets are checked here before any solving starts (so a clash costs no
time) and written here after it, each with the same provenance, so the two
commands cannot drift apart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pathway_opt.outputs.plan_csv import CSV_TABLES, RUN_FILE, write_plan_csv
from pathway_opt.outputs.plan_json import write_plan_json
from pathway_opt.outputs.plan_xlsx import write_plan_xlsx
from pathway_opt.outputs.provenance import make_provenance
from pathway_opt.plan import Plan


@dataclass(frozen=True)
class PlanTargets:
    """Where one plan goes: JSON file, workbook, CSV folder (None: not written)."""

    json: Path | None = None
    xlsx: Path | None = None
    csv: Path | None = None


@dataclass(frozen=True)
class Clash:
    """A target that must not be written: the option naming it, and why."""

    option: str
    message: str


def _files(targets: PlanTargets) -> list[tuple[str, Path]]:
    """(option, file) of every single file the targets would write."""
    files = [("--output", targets.json), ("--xlsx", targets.xlsx)]
    found = [(option, path) for option, path in files if path is not None]
    if targets.csv is not None:
        found += [("--csv", targets.csv / name) for name in (*CSV_TABLES, RUN_FILE)]
    return found


def clashes(inputs: list[Path], targets: PlanTargets) -> list[Clash]:
    """Targets that would overwrite an input or each other, or are misnamed."""
    found: list[Clash] = []
    if targets.xlsx is not None and targets.xlsx.suffix.lower() != ".xlsx":
        found.append(Clash("--xlsx", "must end in .xlsx"))
    sources = {path.resolve(): path for path in inputs}
    seen: dict[Path, str] = {}
    for option, path in _files(targets):
        resolved = path.resolve()
        if resolved in sources:
            given = sources[resolved]
            what = "the instance file" if given == inputs[0] else "the input file"
            found.append(
                Clash(
                    option,
                    f"would overwrite {what} {given.name}; choose another "
                    "folder so it is not overwritten",
                )
                if option == "--csv"
                else Clash(
                    option,
                    f"is {what} itself; choose another name so it is not overwritten",
                )
            )
        elif resolved in seen and seen[resolved] != option:
            found.append(Clash(option, f"is also the {seen[resolved]} file"))
        seen.setdefault(resolved, option)
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
