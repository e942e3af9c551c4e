"""Long fuzz run: mutated instances through `validate` and `solve`, and fuzzed
option values through every command.

    python benchmarks/fuzz_long.py [--cases 10000] [--options 10000]

Every mutated instance must end with exit code 0, 1, 3 or 4, a message and no
traceback (the same mutations as tests/e2e/test_fuzz.py); every option case with
exit 0 to 4 (2 for a bad value), never 5 or a traceback (the same strategy as
tests/e2e/test_fuzz_options.py). Prints the count of each outcome.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from fuzz_cases import mutated  # noqa: E402
from fuzz_options import option_cases, run_option_case  # noqa: E402
from test_fuzz import run_case  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument(
        "--options", type=int, default=10_000, help="option-value cases (0: none)"
    )
    parser.add_argument("--keep", default="fuzz-failures", help="folder for failures")
    args = parser.parse_args()
    failed = fuzz_instances(args.cases, args.keep) if args.cases > 0 else 0
    if args.options > 0:
        failed += fuzz_options(args.options)
    sys.exit(1 if failed else 0)


def fuzz_instances(cases: int, keep: str) -> int:
    """Mutated instances through validate and solve; returns the failure count."""
    outcomes: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []
    began = time.perf_counter()

    @settings(max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(text=mutated())
    def case(text: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcomes.update(run_case(text, Path(tmp)))
            except AssertionError as exc:
                failures.append(f"{exc}\n--- input ---\n{text[:500]}")
                kept = Path(keep) / f"failure-{len(failures)}.json"
                kept.parent.mkdir(parents=True, exist_ok=True)
                kept.write_text(text, encoding="utf-8", errors="surrogatepass")

    case()
    done = sum(outcomes.values()) // 2
    seconds = time.perf_counter() - began
    print(f"{done} instance cases in {seconds:.0f} s; failures: {len(failures)}")
    for (command, code), count in sorted(outcomes.items()):
        print(f"  {command:8s} exit {code}: {count}")
    for failure in failures[:5]:
        print(failure)
    return len(failures)


def fuzz_options(cases: int) -> int:
    """Fuzzed option values through every command; returns the failure count."""
    outcomes: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []
    began = time.perf_counter()

    @settings(max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=option_cases())
    def case(case: tuple[str, list[tuple[str, str]], dict[str, str]]) -> None:
        command, options, env = case
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcomes[run_option_case(command, options, env, Path(tmp))] += 1
            except AssertionError as exc:
                failures.append(f"{exc}"[:3000])

    case()
    seconds = time.perf_counter() - began
    done = sum(outcomes.values()) + len(failures)
    print(f"{done} option cases in {seconds:.0f} s; failures: {len(failures)}")
    for (command, code), count in sorted(outcomes.items()):
        print(f"  {command:8s} exit {code}: {count}")
    for failure in failures[:5]:
        print(failure)
    return len(failures)


if __name__ == "__main__":
    main()
