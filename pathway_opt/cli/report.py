"""The committee report: `pathway-opt report`, and `solve --report` / `--png-dir`.

`solve --report report.html` writes the report of the plan it solves (with
`--explain`, `--frontier`, `--robust-samples`, `--alternatives` and
`--stability` computed in the same run); `report PLAN.json --instance INSTANCE`
rebuilds it from a saved plan, refusing one solved from another input (its
SHA-256 differs), with saved analyses passed in (`--alternatives`, `--core`,
`--stability`: the files those commands wrote).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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
    """``--report``, ``--png-dir`` and the parts computed with them, of `solve`."""
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
        click.option(
            "--robust-samples", type=click.IntRange(1, 100_000), metavar="N",
            help="Add the core index over N samples of the weight_range and "
            "uncertainty ranges to the report (N solves; seed from --seed, "
            "default 0).",
        ),
        click.option(
            "--alternatives", "alternatives_count", type=click.IntRange(min=1),
            metavar="K",
            help="Add up to K alternative plans side by side to the report (within "
            "5% of the optimum, 1 initiative apart; up to K + 1 solves).",
        ),
        click.option(
            "--stability", "with_stability", is_flag=True,
            help="Add each criterion's weight stability interval to the report "
            "(a few re-solves per criterion).",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@dataclass
class Analyses:
    """The issue-16 analyses a report carries, computed now or read from files."""

    robust: po.Robustness | po.CoreTable | None = None
    alternatives: po.Alternatives | None = None
    stability: po.Stability | None = None
    notes: list[str] = field(default_factory=list)
    """What the reader should know about the files they were read from."""


@dataclass(frozen=True)
class ReportRequest:
    """What a command was asked to add to its plan: the report and its parts."""

    report: Path | None = None
    png_dir: Path | None = None
    explain: bool = False
    frontier: bool = False
    robust_samples: int | None = None
    alternatives: int | None = None
    stability: bool = False

    @property
    def drawn(self) -> bool:
        """Whether a report is drawn (for its file, its PNG files or both)."""
        return self.report is not None or self.png_dir is not None

    def targets(self, report_option: str = "--report") -> list[po.Target]:
        """The report file and the PNG folder, for the one check of outputs.

        Raises:
            click.BadParameter: when --frontier, --robust-samples,
                --alternatives or --stability has no report to go in (the
                explanations also go into the plan's other outputs).
        """
        asked = [
            ("--frontier", "the frontier", self.frontier),
            ("--robust-samples", "the core index", self.robust_samples is not None),
            ("--alternatives", "the alternatives", self.alternatives is not None),
            ("--stability", "the weight stability", self.stability),
        ]
        for option, what, given in asked:
            if given and not self.drawn:
                raise click.BadParameter(
                    f"{what} goes into the report: give --report or --png-dir too",
                    param_hint=f"'{option}'",
                )
        found = []
        if self.report is not None:
            found.append(po.Target(report_option, self.report, suffixes=HTML_SUFFIXES))
        if self.png_dir is not None:  # PNG files only: never an input's name
            found.append(po.Target("--png-dir", self.png_dir, names=()))
        return found

    def plan(
        self,
        inst: po.Instance,
        settings: po.SolveSettings,
        method: Literal["auto", "highs", "heuristic"] = "auto",
        progress: Callable[[po.SolveProgress], None] | None = None,
    ) -> po.Plan:
        """The plan solved, explained in the same run when asked (by HiGHS)."""
        if self.explain:
            doing("solving and explaining the plan")
            return po.explain(inst, settings=settings).plan
        return po.solve(inst, settings, method=method, progress=progress)

    def frontier_of(
        self, plan: po.Plan, settings: po.SolveSettings
    ) -> po.Frontier | None:
        """The frontier of the plan's instance, when asked and there is a plan."""
        if not self.frontier or not plan.has_plan:
            return None
        doing("computing the efficient frontier")
        return po.frontier(plan.instance, settings)

    def analyses_of(
        self, plan: po.Plan, settings: po.SolveSettings, seed: int = 0
    ) -> Analyses:
        """The core index, alternatives and stability asked, when there is a plan."""
        found = Analyses()
        if not self.drawn or not plan.has_plan:
            return found
        inst = plan.instance
        if self.robust_samples is not None:
            doing(f"solving {self.robust_samples} samples for the core index")
            found.robust = po.robust(inst, self.robust_samples, seed, settings=settings)
        if self.alternatives is not None:
            doing(f"looking for {self.alternatives} alternative plan(s)")
            found.alternatives = po.alternatives(
                inst, settings, count=self.alternatives
            )
        if self.stability:
            doing("finding the weights' stability intervals")
            found.stability = po.stability(inst, settings=settings)
        return found

    def write(
        self,
        plan: po.Plan,
        front: po.Frontier | None,
        provenance: po.Provenance | None,
        notes: list[str] | None = None,
        analyses: Analyses | None = None,
    ) -> list[str]:
        """Write the report and PNG files; one line per written target."""
        if not self.drawn:
            return []
        found = analyses or Analyses()
        doing("writing the report", "writing")
        written = po.write_report(
            plan, self.report, frontier=front, robust=found.robust,
            alternatives=found.alternatives, stability=found.stability,
            provenance=provenance, png_dir=self.png_dir,
            notes=[*(notes or []), *found.notes],
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
@click.option(
    "--alternatives", "alternatives_file", type=click.Path(path_type=Path),
    metavar="ALTS.json",
    help="Add the alternative plans side by side from this file (`alternatives "
    "-o`); it must come from INSTANCE (its SHA-256).",
)  # fmt: skip
@click.option(
    "--stability", "stability_file", type=click.Path(path_type=Path),
    metavar="STABILITY.csv",
    help="Add the weight stability bars from this file (`stability -o`); its "
    "criteria and weights must be INSTANCE's.",
)  # fmt: skip
@click.option(
    "--core", "core_file", type=click.Path(path_type=Path), metavar="CORE.csv",
    help="Add the core index chart from this file (`robust -o`); its initiatives "
    "must be INSTANCE's.",
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
    alternatives_file: Path | None,
    stability_file: Path | None,
    core_file: Path | None,
    time_limit: float | None,
    threads: int | None,
    force: bool,
) -> int:
    """Write the committee report of PLAN (a plan JSON from `solve -o`).

    The plan must come from INSTANCE: a plan that records another input's
    SHA-256 is refused (exit 1). The plan is checked again against the instance
    before anything is drawn, and so are the saved analyses: alternatives from
    another input, or CSV files naming other initiatives, criteria or weights,
    are refused (exit 1). The CSV files record no input SHA-256: the report
    says so.
    """
    request = ReportRequest(output, png_dir, explain_plan, with_frontier)
    inputs = [("plan file", plan_file), ("instance file", instance)]
    saved_files = [
        ("alternatives file", alternatives_file), ("stability file", stability_file),
        ("core index file", core_file),
    ]  # fmt: skip
    inputs += [(what, path) for what, path in saved_files if path is not None]
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
    analyses = _saved_analyses(
        plan, instance, alternatives_file, stability_file, core_file
    )
    written = request.write(plan, front, saved.provenance, saved.notes, analyses)
    click.echo("\n".join(written))
    return 0


def _saved_analyses(
    plan: po.Plan,
    instance: Path,
    alternatives_file: Path | None,
    stability_file: Path | None,
    core_file: Path | None,
) -> Analyses:
    """The analyses passed in as files, each checked against the instance."""
    found = Analyses()
    inst = plan.instance
    if alternatives_file is not None:
        doing(f"reading {alternatives_file}")
        alts = po.load_saved_alternatives(alternatives_file, inst, instance)
        found.alternatives = alts.part
        found.notes += alts.notes
    if stability_file is not None:
        doing(f"reading {stability_file}")
        stab = po.load_saved_stability(stability_file, plan, instance)
        found.stability = stab.part
        found.notes += stab.notes
    if core_file is not None:
        doing(f"reading {core_file}")
        core = po.load_saved_core(core_file, inst, instance)
        found.robust = core.part
        found.notes += core.notes
    return found
