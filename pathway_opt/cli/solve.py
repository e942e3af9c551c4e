"""`solve` and `validate`: an instance in, a plan (or its problems) out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
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
    instance_argument,
    mip_gap_option,
    node_limit_option,
    threads_option,
    time_limit_option,
)
from pathway_opt.cli.report import ReportRequest, report_options
from pathway_opt.cli.robust import samples_option, seed_option
from pathway_opt.cli.signals import doing
from pathway_opt.cli.solve_progress import SolveLines
from pathway_opt.cli.stdout import DASH, data_stream, print_plan
from pathway_opt.cli.words import counts


def _measure(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        po.parse_measure(value)
    except po.InputError as exc:
        raise click.BadParameter(exc.problems[0].message) from None
    return value


@click.command(
    name="solve",
    short_help="Solve an instance and print (or write) the plan.",
    epilog=exit_codes(0, 1, 2, 3, 4, 5, 6, done="plan found"),
)
@instance_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    help="Write the plan JSON here (written atomically); '-' prints it to stdout "
    "and the summary to stderr.",
)
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path),
    help="Write the plan workbook here: summary, tables, schedule, budget chart.",
)
@click.option(
    "--csv",
    "csv_folder",
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="Write the plan tables as CSV files (UTF-8 with BOM) and run.json into "
    "this folder.",
)
@report_options
@click.option(
    "--robust", metavar="cvar:ALPHA", callback=_measure,
    help="Find the plan with the best mean of its worst ALPHA share of sampled "
    "scores (CVaR, e.g. cvar:0.2) over the instance's weight_range and "
    "uncertainty ranges; costs stay as given. Printed next to the plan for the "
    "given values.",
)  # fmt: skip
@samples_option(None)
@seed_option(None)
@click.option(
    "--method", type=click.Choice(["auto", "highs", "heuristic"]), default="auto",
    show_default=True,
    help="highs: HiGHS alone. heuristic: a plan from the Lagrangian-priced "
    "heuristic first (with a Lagrangian bound), then HiGHS from it where the "
    "model allows. auto: HiGHS alone for models it solves quickly (up to 25,000 "
    "columns), else heuristic. The plan records the method, who found the plan "
    "(found_by) and where the bound comes from (bound_source). --explain and "
    "--robust solve with HiGHS.",
)  # fmt: skip
@force_option
@time_limit_option("the solve (with --robust: each of its two solves)")
@node_limit_option
@mip_gap_option
@threads_option()
@debug_option
@error_boundary
def solve_command(
    instance: Path,
    output: Path | None,
    xlsx: Path | None,
    csv_folder: Path | None,
    report: Path | None,
    png_dir: Path | None,
    explain_plan: bool,
    with_frontier: bool,
    robust_samples: int | None,
    alternatives_count: int | None,
    with_stability: bool,
    robust: str | None,
    samples: int | None,
    seed: int | None,
    method: Literal["auto", "highs", "heuristic"],
    force: bool,
    time_limit: float | None,
    node_limit: int | None,
    mip_gap: float,
    threads: int | None,
) -> int:
    """Solve INSTANCE (.json or .xlsx) and print the plan; exit 0 with a plan."""
    if robust is None and (
        samples is not None or (seed is not None and robust_samples is None)
    ):
        raise click.UsageError(
            "--samples and --seed go with --robust (--seed also with --robust-samples)"
        )
    if robust is not None and explain_plan:
        raise click.UsageError(
            "--explain explains the plan for the given values; solve without "
            "--robust to explain it"
        )
    to_stdout = output == DASH
    targets = po.PlanTargets(
        json=None if to_stdout else output, xlsx=xlsx, csv=csv_folder
    )
    extra = ReportRequest(
        report, png_dir, explain_plan, with_frontier, robust_samples,
        alternatives_count, with_stability,
    )  # fmt: skip
    outputs = targets.targets(explanations=explain_plan) + extra.targets()
    check_outputs([("instance file", instance)], outputs, force)
    started = datetime.now(UTC)
    doing(f"reading {instance}")
    inst = po.load_instance(instance)
    settings = po.SolveSettings(
        time_limit=time_limit, mip_rel_gap=mip_gap, threads=threads,
        node_limit=node_limit,
    )  # fmt: skip
    doing(f"solving {instance}")
    if robust is None:
        plan = extra.plan(inst, settings, method, SolveLines())
    else:
        plan = po.solve_robust(
            inst, robust, samples or 100, seed or 0, settings=settings
        )
    front = extra.frontier_of(plan, settings)
    analyses = extra.analyses_of(plan, settings, seed or 0)
    # files first: a closed or full stdout must not cost them
    doing("writing the outputs", "writing")
    written = po.write_plan_outputs(plan, targets, instance, started)
    provenance = po.make_provenance(instance, started)
    written += extra.write(plan, front, provenance, analyses=analyses)
    doing("printing the plan", "written")
    text = po.plan_stdout_json(plan, instance, started) if to_stdout else None
    print_plan(text, po.summary(plan), written)
    return plan.exit_code


@click.command(
    name="validate",
    short_help="Check an instance without solving it.",
    epilog=exit_codes(0, 1, 2, 5, done="valid"),
)
@instance_argument
@click.option(
    "--json", "as_json", is_flag=True,
    help='Print the problems and warnings as JSON records [{"level", "path", '
    '"message", "fix"}] on stdout ([] when valid without warnings); "fix" is '
    "null when the message does not state one apart.",
)  # fmt: skip
@debug_option
@error_boundary
def validate_command(instance: Path, as_json: bool) -> int:
    """Check INSTANCE without solving; exit 0 if valid, 1 with every problem."""
    if as_json:
        return _validate_json(instance)
    inst = po.load_instance(instance)
    sizes = counts(
        (len(inst.initiatives), "initiative"), (len(inst.periods), "period"),
        (len(inst.budgets), "budget"), (len(inst.resources), "resource"),
        (len(inst.rules), "rule"),
    )  # fmt: skip
    click.echo(f"{instance}: valid ({sizes})")
    if inst.weights_source.derived:
        click.echo(inst.weights_source.summary())
    for warning in po.instance_warnings(inst):
        click.echo(f"warning: {warning}")
    return 0


def _validate_json(instance: Path) -> int:
    """`validate --json`: every problem and warning as a record on stdout."""
    try:
        inst = po.load_instance(instance)
    except po.InputError as exc:
        records = [_record("error", p.path, p.message) for p in exc.problems]
        code = 1
    else:
        records = [_record("warning", "", w) for w in po.instance_warnings(inst)]
        code = 0
    text = json.dumps(records, indent=2, ensure_ascii=False)
    click.echo(text, file=data_stream())
    return code


#: Words a fix starts with after "; " in a message (``...; add it to ...``).
_FIX_VERBS = (
    "add", "use", "set", "give", "choose", "remove", "raise", "lower", "rename",
    "list", "drop", "pass", "write", "make", "put", "fill", "check", "delete",
    "move", "split", "keep", "leave", "fix", "change", "correct", "define",
    "save", "enter", "open", "clear",
)  # fmt: skip


def _record(level: str, path: str, message: str) -> dict[str, str | None]:
    """One JSON record; the fix split off where the message states it after "; "."""
    head, sep, tail = message.rpartition("; ")
    first = tail.split(" ", 1)[0].lower()
    if sep and head and first in _FIX_VERBS:
        message, fix = head, tail
    else:
        fix = None
    return {"level": level, "path": path or None, "message": message, "fix": fix}
