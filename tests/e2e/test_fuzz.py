"""Fuzzed instances through the command line: a clear exit code, never a traceback.

A bounded, derandomised number of cases runs here; `benchmarks/fuzz_long.py`
runs the same mutations 10,000+ times.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from fuzz_cases import mutated
from hypothesis import HealthCheck, given, settings

from pathway_opt.cli.main import main

ALLOWED = {0, 1, 3, 4}


def run_case(text: str, folder: Path) -> list[tuple[str, int]]:
    """Validate and solve one mutated file; returns (command, exit code) pairs."""
    path = folder / "fuzz.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    results = []
    for args in (["validate", str(path)], ["solve", str(path), "--time-limit", "2"]):
        result = CliRunner().invoke(main, args)
        assert "Traceback" not in result.output, result.output[-2000:]
        assert result.output.strip(), "no message"
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert result.exit_code in ALLOWED, (result.exit_code, result.output[-2000:])
        results.append((args[0], result.exit_code))
    return results


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=mutated())
def test_mutated_instances_end_cleanly(text: str, tmp_path: Path) -> None:
    run_case(text, tmp_path)
