"""Long what-if session: 500 consecutive edits and re-solves, resident memory.

    python benchmarks/session_memory.py [--resolves 500]

Edits the provincial example at random (budgets, capacities, decisions, scores,
weights), re-solves after each edit, compares every 25th plan with a fresh build
of the edited instance, and prints resident memory (VmRSS) along the way.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import pathway_opt as po
from pathway_opt.whatif.session import Session

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def random_edit(session: Session, rng: random.Random) -> None:
    inst = session.instance
    ini = rng.choice(inst.initiatives).id
    choice = rng.randrange(6)
    if choice == 0:
        session.scale_budget(rng.choice(inst.budget_ids()), rng.uniform(0.8, 1.2))
    elif choice == 1:
        session.scale_capacity(rng.choice(inst.resources).id, rng.uniform(0.8, 1.2))
    elif choice == 2:
        getattr(session, rng.choice(["force_in", "force_out", "release"]))(ini)
    elif choice == 3:
        session.set_score(ini, rng.choice(inst.criteria).id, rng.uniform(0, 10))
    elif choice == 4:
        session.set_weight(rng.choice(inst.criteria).id, rng.uniform(0.05, 0.5))
    else:
        session.reset()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resolves", type=int, default=500)
    args = parser.parse_args()
    inst = po.load_instance(ROOT / "instances" / "provincial_applied_university.json")
    session = Session(inst)
    session.solve()  # warm up every code path once before the baseline reading
    rng = random.Random(7)
    start_mb = rss_mb()
    began = time.perf_counter()
    checked = mismatches = 0
    statuses: dict[str, int] = {}
    for k in range(1, args.resolves + 1):
        random_edit(session, rng)
        plan = session.solve()  # in this process, so HiGHS memory counts too
        statuses[plan.status.value] = statuses.get(plan.status.value, 0) + 1
        if k % 25 == 0:
            fresh = po.solve(session.instance)
            checked += 1
            if fresh.status != plan.status or (
                fresh.objective is not None
                and abs(fresh.objective - (plan.objective or 0.0)) > 1e-6
            ):
                mismatches += 1
            print(f"re-solve {k}: RSS {rss_mb():.1f} MB (+{rss_mb() - start_mb:.1f})")
    end_mb = rss_mb()
    print(
        f"{args.resolves} re-solves in {time.perf_counter() - began:.1f} s, statuses "
        f"{statuses}; RSS {start_mb:.1f} -> {end_mb:.1f} MB "
        f"(growth {end_mb - start_mb:+.1f} MB); {checked} compared with fresh "
        f"solves, {mismatches} mismatches"
    )


if __name__ == "__main__":
    main()
