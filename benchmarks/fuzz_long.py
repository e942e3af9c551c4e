"""Long fuzz run: mutated instances through `validate` and `solve`.

    python benchmarks/fuzz_long.py [--cases 10000]

Every case must end with exit code 0, 1, 3 or 4, a message and no traceback;
prints the count of each outcome (the same mutations as tests/e2e/test_fuzz.py).
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

from fuzz_cases import mutated  # noqa: E402
from test_fuzz import run_case  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--keep", default="fuzz-failures", help="folder for failures")
    args = parser.parse_args()
    outcomes: Counter[tuple[str, int]] = Counter()
    failures: list[str] = []
    began = time.perf_counter()

    @settings(max_examples=args.cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(text=mutated())
    def case(text: str) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                outcomes.update(run_case(text, Path(tmp)))
            except AssertionError as exc:
                failures.append(f"{exc}\n--- input ---\n{text[:500]}")
                keep = Path(args.keep) / f"failure-{len(failures)}.json"
                keep.parent.mkdir(parents=True, exist_ok=True)
                keep.write_text(text, encoding="utf-8", errors="surrogatepass")

    case()
    cases = sum(outcomes.values()) // 2
    seconds = time.perf_counter() - began
    print(f"{cases} cases in {seconds:.0f} s; failures: {len(failures)}")
    for (command, code), count in sorted(outcomes.items()):
        print(f"  {command:8s} exit {code}: {count}")
    for failure in failures[:5]:
        print(failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
