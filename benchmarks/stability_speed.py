"""Weight stability of every criterion against a single solve (provincial example).

    python benchmarks/stability_speed.py [--repeat 1] [--threads N] [--stoppable]

Reports the median wall time of one ``po.solve`` (median of three) and of one
``po.stability`` over every criterion, the number of HiGHS solves the search
made, the ratio of the two times and the ratio per solve made (the search's
solves reuse models built once, so a ratio per solve below 1 is the build and
hand-over saved, above 1 harder re-solves or overhead), then one line per
criterion: its interval, the initiatives entering and leaving beyond each end,
its solves and seconds. ``--stoppable`` runs every solve in HiGHS's own
process, as the command line does.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import statistics
import time
from pathlib import Path

import pathway_opt as po

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = ROOT / "instances" / "provincial_applied_university.json"


def _timed_solve(inst: po.Instance, settings: po.SolveSettings) -> float:
    began = time.perf_counter()
    plan = po.solve(inst, settings)
    assert plan.verified, plan.messages
    return time.perf_counter() - began


def _changes(enters: str, leaves: str) -> str:
    items = [f"+{i}" for i in enters.split(";") if i]
    return " ".join(items + [f"-{i}" for i in leaves.split(";") if i]) or "-"


def _end(value: float) -> str:
    return "none" if math.isinf(value) else f"{value:.6f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", type=Path, default=INSTANCE)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--stoppable", action="store_true")
    args = parser.parse_args()
    inst = po.load_instance(args.instance)
    settings = po.SolveSettings(threads=args.threads)
    context = po.stoppable_solves() if args.stoppable else contextlib.nullcontext()
    singles: list[float] = []
    runs: list[tuple[float, po.Stability]] = []
    with context:
        for _ in range(3):
            singles.append(_timed_solve(inst, settings))
        for _ in range(args.repeat):
            began = time.perf_counter()
            result = po.stability(inst, settings=settings)
            runs.append((time.perf_counter() - began, result))
    single = statistics.median(singles)
    seconds = statistics.median(s for s, _ in runs)
    result = runs[-1][1]
    assert (result.intervals["status"] == "optimal").all(), result.messages
    where = "HiGHS in its own process" if args.stoppable else "HiGHS in-process"
    lines = [
        f"instance       {inst.name} ({len(inst.initiatives)} initiatives, "
        f"{len(inst.periods)} periods, {len(inst.criteria)} criteria, "
        f"delay_discount {inst.settings.delay_discount}); {where}",
        f"single solve   {single:.3f} s (median of 3)",
        f"stability      {seconds:.3f} s (median of {args.repeat}): "
        f"{result.solves} HiGHS solves, tolerance {result.tolerance:g}",
        f"ratio          {seconds / single:.1f} x a single solve; "
        f"{seconds / (single * result.solves):.2f} x per solve made",
        "",
        f"{'criterion':<10}{'weight':>8}{'low':>11}{'high':>11}{'solves':>8}"
        f"{'seconds':>9}  below low / above high",
    ]
    for row in result.intervals.to_dict("records"):
        lines.append(
            f"{row['criterion']:<10}{row['weight']:>8.3f}{_end(row['low']):>11}"
            f"{_end(row['high']):>11}{row['solves']:>8}{row['seconds']:>9.2f}  "
            f"{_changes(row['low_enters'], row['low_leaves'])} / "
            f"{_changes(row['high_enters'], row['high_leaves'])}"
        )
    lines += [f"message: {m}" for m in result.messages]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
