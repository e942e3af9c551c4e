"""Fuzzed option values through the command line: exit 0-4, never 5 or a traceback.

A bounded, derandomised number of cases runs here; ``benchmarks/fuzz_long.py
--options 10000`` runs the same strategy 10,000+ times.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fuzz_options import option_cases, run_option_case
from hypothesis import HealthCheck, given, settings


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(case=option_cases())
def test_fuzzed_option_values_end_cleanly(
    case: tuple[str, list[tuple[str, str]], dict[str, str]],
) -> None:
    command, options, env = case
    with tempfile.TemporaryDirectory() as folder:
        run_option_case(command, options, env, Path(folder))
