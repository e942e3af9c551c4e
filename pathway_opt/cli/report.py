"""The committee report: `pathway-opt report`, and `solve --report` / `--png-dir`.

`solve --report report.html` writes the report of the plan it solves (with
`--explain` and `--frontier` computed in the same run); `report PLAN.json
--instance INSTANCE` rebuilds it from a saved plan, refusing one solved from
another input (its SHA-256 differs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

import pathway_opt as po
from pathway_opt.cli.options import (
    check_outputs,
    debug_option,
    error_boundary,
    exit_codes,
    force_option,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli.signals import doing

#: Suffixes a report file may have.
HTML_SUFFIXES = (".html", ".htm")


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--report``, ``--png-dir``, ``--explain`` and ``--frontier`` of `solve`."""
    options = [
        click.option(
            "--report", type=click.Path(dir_okay=False, path_type=Path),
            help="Write the committee report here: one self-contained HTML file "
            "(no network; prints on A4).",
        ),
        click.option(
            "--png-dir", type=click.Path(file_okay=False, path_type=Path),
            metavar="FOLDER",
            help="Write the report's charts into this folder as PNG files (slides).",
        ),
        click.option(
            "--explain", "explain_plan", is_flag=True,
            help="Explain the plan in the same run (why in / why out, what binds, "
            "the marginal value of money: re-solves) for the report and every "
            "output.",
        ),
        click.option(
            "--frontier", "with_frontier", is_flag=True,
            help="Add the efficient frontier, with this plan marked, to the report "
            "(one re-solve per breakpoint).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@dataclass(frozen=True)
class ReportRequest:
    """What a command was asked to add to its plan: the report and its parts."""

    report: Path | None = None
    png_dir: Path | None = None
    explain: bool = False
    frontier: bool = False

    @property
    def drawn(self) -> bool:
        """Whether a report is drawn (for its file, its PNG files or both)."""
        return self.report is not None or self.png_dir is not None

    def targets(self, report_option: str = "--report") -> list[po.Target]:
        """The report file and the PNG folder, for the one check of outputs.

        Raises:
            click.BadParameter: when --frontier has no report to go in (the
                explanations also go into the plan's other outputs).
        """
        if self.frontier and not self.drawn:
            raise click.BadParameter(
                "the frontier goes into the report: give --report or --png-dir too",
                param_hint="'--frontier'",
            )
        found = []
        if self.report is not None:
            found.append(po.Target(report_option, self.report, suffixes=HTML_SUFFIXES))
        if self.png_dir is not None:  # PNG files only: never an input's name
            found.append(po.Target("--png-dir", self.png_dir, names=()))
        return found

    def plan(self, inst: po.Instance, settings: po.SolveSettings) -> po.Plan:
        """The plan solved, explained in the same run when asked."""
        if self.explain:
            doing("solving and explaining the plan")
            return po.explain(inst, settings=settings).plan
        return po.solve(inst, settings)

    def frontier_of(
        self, plan: po.Plan, settings: po.SolveSettings
    ) -> po.Frontier | None:
        """The frontier of the plan's instance, when asked and there is a plan."""
        if not self.frontier or not plan.has_plan:
            return None
        doing("computing the efficient frontier")
        return po.frontier(plan.instance, settings)

    def write(
        self,
        plan: po.Plan,
        front: po.Frontier | None,
        provenance: po.Provenance | None,
        notes: list[str] | None = None,
    ) -> list[str]:
        """Write the report and PNG files; one line per written target."""
        if not self.drawn:
            return []
        doing("writing the report", "writing")
        written = po.write_report(
            plan, self.report, frontier=front, provenance=provenance,
            png_dir=self.png_dir, notes=notes,
        )  # fmt: skip
        lines = []
        if self.report is not None:
            size = len(written.html.encode("utf-8"))
            names = ", ".join(s.title for s in written.sections)
            lines.append(
                f"report written to {self.report} ({size / 1024:,.0f} KB, drawn in "
                f"{written.seconds:.1f} s; sections: {names})"
            )
        if self.png_dir is not None:
            count = sum(len(s.charts) for s in written.sections)
            lines.append(f"{count} chart(s) written to {self.png_dir} as PNG files")
        return lines


@click.command(
    name="report",
    short_help="Rebuild the committee report from a saved plan.",
    epilog=exit_codes(0, 1, 2, 5, 6, done="report written"),
)
@click.argument("plan_file", type=click.Path(path_type=Path), metavar="PLAN")
@click.option(
    "--instance", type=click.Path(path_type=Path), required=True,
    help="The instance file the plan was solved from (its SHA-256 must match the "
    "one the plan records).",
)  # fmt: skip
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
    required=True, help="Write the report here (one self-contained HTML file).",
)  # fmt: skip
@click.option(
    "--png-dir", type=click.Path(file_okay=False, path_type=Path),
    metavar="FOLDER",
    help="Write the report's charts into this folder as PNG files (slides).",
)  # fmt: skip
@click.option(
    "--explain", "explain_plan", is_flag=True,
    help="Explain the plan now (why in / why out, what binds, the marginal value "
    "of money: re-solves); a plan saved by `explain` carries its explanations.",
)  # fmt: skip
@click.option(
    "--frontier", "with_frontier", is_flag=True,
    help="Add the efficient frontier with this plan marked (re-solves).",
)  # fmt: skip
@time_limit_option("each re-solve")
@threads_option()
@force_option
@debug_option
@error_boundary
def report_command(
    plan_file: Path,
    instance: Path,
    output: Path,
    png_dir: Path | None,
    explain_plan: bool,
    with_frontier: bool,
    time_limit: float | None,
    threads: int | None,
    force: bool,
) -> int:
    """Write the committee report of PLAN (a plan JSON from `solve -o`).

    The plan must come from INSTANCE: a plan that records another input's
    SHA-256 is refused (exit 1). The plan is checked again against the instance
    before anything is drawn.
    """
    request = ReportRequest(output, png_dir, explain_plan, with_frontier)
    inputs = [("plan file", plan_file), ("instance file", instance)]
    check_outputs(inputs, request.targets("--output"), force)
    doing(f"reading {plan_file} and {instance}")
    saved = po.load_saved_plan(plan_file, instance)
    settings = po.SolveSettings(time_limit=time_limit, threads=threads)
    plan = saved.plan
    if explain_plan and plan.has_plan:
        doing("explaining the plan")
        found = po.explain(plan.instance, plan, settings=settings)
        plan.explanations = found.to_dict()
    front = request.frontier_of(plan, settings)
    written = request.write(plan, front, saved.provenance, saved.notes)
    click.echo("\n".join(written))
    return 0
