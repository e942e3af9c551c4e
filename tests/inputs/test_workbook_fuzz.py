"""Mutated and damaged workbooks through the command line: exit 0, 1, 3 or 4
with a message, never an internal error or a traceback.

A bounded, derandomised number of cases runs here; ``benchmarks/fuzz_long.py
--kind xlsx`` runs the same mutations 10,000+ times.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from workbook_mutations import mutated_workbook

from pathway_opt.cli.main import main

ALLOWED = {0, 1, 3, 4}


def run_workbook_case(data: bytes, folder: Path) -> list[tuple[str, int]]:
    """Validate (and, if valid, solve) one workbook; (command, exit code) pairs."""
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    results = []
    # The instance is small: solved without a time limit, in this process.
    for args in (["validate", str(path)], ["solve", str(path)]):
        result = CliRunner().invoke(main, args)
        assert "Traceback" not in result.output, result.output[-2000:]
        assert result.output.strip(), "no message"
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert result.exit_code in ALLOWED, (result.exit_code, result.output[-2000:])
        results.append((args[0], result.exit_code))
        if result.exit_code != 0:
            break  # solve reads the file the same way: it would stop there too
    return results


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=mutated_workbook())
def test_mutated_workbooks_end_cleanly(data: bytes, tmp_path: Path) -> None:
    run_workbook_case(data, tmp_path)
