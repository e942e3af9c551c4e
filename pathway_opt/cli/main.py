"""The `pathway-opt` command: parse arguments, call the library, print, exit.

Exit codes: 0 plan found; 1 invalid input; 2 usage error; 3 infeasible;
4 no plan within the limit; 5 solver or internal failure; 6 output not written;
130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP (nothing written).
Each command lives in its own module; this one only gathers them.
"""

from __future__ import annotations

import click

from pathway_opt.cli.alternatives import alternatives_command
from pathway_opt.cli.compare import compare_command
from pathway_opt.cli.explain import explain_command
from pathway_opt.cli.instance_files import (
    convert_command,
    generate_command,
    schema_command,
    template_command,
)
from pathway_opt.cli.report import report_command
from pathway_opt.cli.robust import robust_command
from pathway_opt.cli.solve import solve_command, validate_command
from pathway_opt.cli.stability import stability_command
from pathway_opt.cli.sweep import frontier_command, sweep_command

HELP = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=HELP)
@click.version_option(package_name="pathway-opt")
def main() -> None:
    """Choose which industry-education integration initiatives to fund, and when."""


for command in (
    solve_command,
    validate_command,
    schema_command,
    generate_command,
    template_command,
    convert_command,
    compare_command,
    explain_command,
    sweep_command,
    frontier_command,
    alternatives_command,
    report_command,
    stability_command,
    robust_command,
):
    # -h also when a command runs on its own (click keeps its first help option)
    command.context_settings.setdefault("help_option_names", HELP["help_option_names"])
    main.add_command(command)
