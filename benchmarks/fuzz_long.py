"""Long fuzz run: mutated instances and workbooks through `validate` and `solve`,
and fuzzed option values through every command.

    python benchmarks/fuzz_long.py [--cases 10000] [--kind json|xlsx|both]
                                   [--options 10000]

Every case must end with exit code 0, 1, 3 or 4, a message and no traceback;
prints the count of each outcome. JSON cases are the mutations of
tests/e2e/test_fuzz.py; workbook cases those of tests/inputs/workbook_mutations.py
(cell values, merged ranges, renamed / hidden / doubled / unknown sheets,
hidden rows, and damaged files: parts missing, truncated, garbled or holding a
DTD, compressed bytes flipped). A workbook that `validate` refuses is not
solved (solve reads it the same way). Option cases (the strategy of
tests/e2e/test_fuzz_options.py) must end with exit 0 to 4 (2 for a bad value),
never 5 or a traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]


def _import_from_tests(module: str) -> Any:
    """A helper module of the test suite, wherever under tests/ it lives."""
    found = sorted((ROOT / "tests").rglob(f"{module}.py"))
    if not found:
        raise SystemExit(f"cannot find tests/**/{module}.py")
    folder = str(found[0].parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return __import__(module)


def _cases(kind: str) -> tuple[st.SearchStrategy[Any], Callable[..., Any], str]:
    """The case strategy, the function running one case, the file suffix."""
    if kind == "json":
        mutated = _import_from_tests("fuzz_cases").mutated
        return mutated(), _import_from_tests("test_fuzz").run_case, ".json"
    workbooks = _import_from_tests("workbook_mutations").mutated_workbook
    run = _import_from_tests("test_workbook_fuzz").run_workbook_case
    return workbooks(), run, ".xlsx"


def _run(
    kind: str, cases: int, keep: Path
) -> tuple[Counter[tuple[str, int]], list[str]]:
    strategy, run_case, suffix = _cases(kind)
    outcomes: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []

    @settings(max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=strategy)
    def one(case: Any) -> None:
        outcomes[("cases", -1)] += 1
        if outcomes[("cases", -1)] % 1000 == 0:  # progress, in case the run stops
            print(f"  {kind}: {dict(outcomes)}, failures {len(failures)}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcomes.update(run_case(case, Path(tmp)))
            except AssertionError as exc:
                failures.append(f"{exc}"[:2000])
                saved = keep / f"{kind}-failure-{len(failures)}{suffix}"
                saved.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(case, bytes):
                    saved.write_bytes(case)
                else:
                    saved.write_text(case, encoding="utf-8", errors="surrogatepass")

    one()
    return outcomes, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--kind", choices=["json", "xlsx", "both"], default="both")
    parser.add_argument(
        "--options", type=int, default=10_000, help="option-value cases (0: none)"
    )
    parser.add_argument("--keep", default="fuzz-failures", help="folder for failures")
    args = parser.parse_args()
    kinds = ["json", "xlsx"] if args.kind == "both" else [args.kind]
    failed = 0
    for kind in kinds if args.cases > 0 else []:
        began = time.perf_counter()
        outcomes, failures = _run(kind, args.cases, Path(args.keep))
        cases = outcomes.pop(("cases", -1), 0)
        seconds = time.perf_counter() - began
        print(f"{kind}: {cases} cases in {seconds:.0f} s; failures: {len(failures)}")
        for (command, code), count in sorted(outcomes.items()):
            print(f"  {command:8s} exit {code}: {count}")
        for failure in failures[:5]:
            print(failure)
        failed += len(failures)
    if args.options > 0:
        failed += fuzz_options(args.options)
    sys.exit(1 if failed else 0)


def fuzz_options(cases: int) -> int:
    """Fuzzed option values through every command; returns the failure count."""
    outcomes: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []
    began = time.perf_counter()
    run_option = _import_from_tests("fuzz_options").run_option_case

    @settings(max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=_import_from_tests("fuzz_options").option_cases())
    def case(case: tuple[str, list[tuple[str, str]], dict[str, str]]) -> None:
        command, options, env = case
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcomes[run_option(command, options, env, Path(tmp))] += 1
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
