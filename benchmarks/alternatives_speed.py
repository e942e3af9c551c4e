"""Alternatives against a single solve, on the provincial example.

    python benchmarks/alternatives_speed.py [--count 5] [--within 0.05]
        [--min-difference 2] [--repeat 3] [--threads N] [--stoppable]

Reports the median wall time of one ``po.solve`` and of one
``po.alternatives(count=K)`` on the same instance, their ratio, the ratio per
HiGHS solve made (the alternatives' solves reuse the model built once, so
anything above 1 is harder restricted problems or overhead), and the time the
search spends outside HiGHS's own runs (verifying, assembling plans, adding
rows). ``--stoppable`` runs every solve in HiGHS's own process, as the command
line does.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from pathlib import Path

import pathway_opt as po

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = ROOT / "instances" / "provincial_applied_university.json"


def _timed_solve(inst: po.Instance, settings: po.SolveSettings) -> tuple[float, float]:
    began = time.perf_counter()
    plan = po.solve(inst, settings)
    assert plan.verified, plan.messages
    return time.perf_counter() - began, plan.timings.get("highs", 0.0)


def _timed_alternatives(
    inst: po.Instance, settings: po.SolveSettings, args: argparse.Namespace
) -> tuple[float, po.Alternatives]:
    began = time.perf_counter()
    result = po.alternatives(
        inst, settings, count=args.count, within=args.within,
        min_difference=args.min_difference,
    )  # fmt: skip
    assert not result.failed, result.messages
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=INSTANCE)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--within", type=float, default=0.05)
    parser.add_argument("--min-difference", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--stoppable", action="store_true")
    args = parser.parse_args()
    inst = po.load_instance(args.instance)
    settings = po.SolveSettings(threads=args.threads)
    context = po.stoppable_solves() if args.stoppable else contextlib.nullcontext()
    singles, searches = [], []
    result = None
    with context:
        for _ in range(args.repeat):
            singles.append(_timed_solve(inst, settings))
            seconds, result = _timed_alternatives(inst, settings, args)
            searches.append((seconds, result))
    assert result is not None
    single = statistics.median(s for s, _ in singles)
    search = statistics.median(s for s, _ in searches)
    # time outside HiGHS, over the runs without an extra solve explaining a stop
    clean = [(s, r) for s, r in searches if r.solves == 1 + len(r.plans)]
    outside = (
        statistics.median(
            s - sum(p.timings.get("highs", 0.0) for p in [r.optimum, *r.plans])
            for s, r in clean
        )
        if clean
        else float("nan")
    )
    where = "HiGHS in its own process" if args.stoppable else "HiGHS in-process"
    lines = [
        f"instance       {inst.name} ({len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods)",
        f"request        count {args.count}, within {args.within}, "
        f"min_difference {args.min_difference}; {where}",
        f"single solve   {single:.3f} s (median of {args.repeat})",
        f"alternatives   {search:.3f} s: {len(result.plans)} found, "
        f"{result.solves} HiGHS solves",
        f"ratio          {search / single:.2f} x a single solve; "
        f"{search / (single * result.solves):.2f} x per solve made",
        f"outside HiGHS  {outside:.3f} s in all "
        f"({outside / max(result.solves, 1) * 1000:.1f} ms per solve)",
    ]
    print("\n".join(lines))
    scores = ", ".join(f"{p.objective:.4f}" for p in result.plans)
    print(f"scores         optimum {result.optimum.objective:.4f}; {scores}")


if __name__ == "__main__":
    main()
