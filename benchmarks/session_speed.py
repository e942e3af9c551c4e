"""What-if re-solve speed: a Session edit + re-solve against a fresh build.

    python benchmarks/session_speed.py [--initiatives 10000] [--periods 5]

Reports, for the generated instance: the fresh build + hand-over time; per edit,
the time a Session spends outside HiGHS's own run (applying the edit and handing
the changed data over, starting and stopping HiGHS's process, verifying and
assembling the plan) and its ratio to the fresh build, with the time spent
verifying improving plans while HiGHS ran (overlapped with its run, so not
counted outside it); and, on the provincial example, whole re-solve times with
and without offering the previous plan to HiGHS as a starting solution.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pathway_opt as po
from pathway_opt.inputs.generate import generate
from pathway_opt.whatif.session import Session

ROOT = Path(__file__).resolve().parents[1]


def fresh_build(inst: po.Instance) -> float:
    began = time.perf_counter()
    po.Solver(po.compile_form(inst))
    return time.perf_counter() - began


def outside_highs(
    session: Session, edit: Callable[[Session], None], limit: float
) -> tuple[dict[str, float], po.Plan]:
    """Seconds spent per part of one edit + re-solve, HiGHS's own run left out."""
    kept, spare = session.solver.process_id, session.solver.spare_process_id
    began = time.perf_counter()
    edit(session)
    edited = time.perf_counter()
    plan = session.solve(time_limit=limit)
    total = time.perf_counter() - began
    t = plan.timings
    return {
        # the process it ran in: 0 kept, 1 the spare, 2 forked for it
        "process_kind": 0.0
        if kept
        else 1.0
        if session.solver.process_id == spare
        else 2.0,
        "edit": edited - began,
        "process": t["highs"] - t["highs_run"],
        "verify": t["verify"],
        "ahead": t.get("verify_ahead", 0.0),
        "outside": total - t["highs_run"],
    }, plan


EDITS: dict[str, Callable[[Session], None]] = {
    "scale_budget central x0.9 in one period": lambda s: s.scale_budget(
        "central", 0.9, periods=[s.instance.periods[1]]
    ),
    "scale_capacity faculty_fte x1.1": lambda s: s.scale_capacity("faculty_fte", 1.1),
    "force_in one initiative": lambda s: s.force_in(s.instance.initiatives[7].id),
    "set_score one initiative": lambda s: s.set_score(
        s.instance.initiatives[3].id, "TC", 9.0
    ),
    "set_weight TC": lambda s: s.set_weight("TC", 0.4),
}


KINDS = ["kept", "spare (the last run overran)", "forked (the last run overran)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--periods", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=2, help="times each edit runs")
    args = parser.parse_args()
    inst = po.instance_from_data(generate(args.initiatives, args.periods, 1))
    fresh = statistics.median(fresh_build(inst) for _ in range(3))
    print(f"generated {args.initiatives} x {args.periods}: fresh build + hand-over "
          f"{fresh:.3f} s (median of 3)")  # fmt: skip
    session = Session(inst)
    session.solve(time_limit=args.time_limit)
    print(
        "| edit | edit + hand-over ms | HiGHS process start/stop ms | verify + plan "
        "ms | all outside HiGHS's run ms | ratio to fresh build | verified while "
        "HiGHS ran ms | plan | process |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    for name, edit in [e for _ in range(args.rounds) for e in EDITS.items()]:
        session.reset()
        parts, plan = outside_highs(session, edit, args.time_limit)
        worst = max(worst, parts["outside"])
        ms = {k: f"{1000 * v:.1f}" for k, v in parts.items()}
        held = f"{plan.status.value}, {len(plan.starts)} selected"
        print(
            f"| {name} | {ms['edit']} | {ms['process']} | {ms['verify']} | "
            f"{ms['outside']} | 1/{fresh / parts['outside']:.0f} | {ms['ahead']} | "
            f"{held} | "
            f"{KINDS[int(parts['process_kind'])]} |"
        )
    print(
        f"\nworst re-solve outside HiGHS's run: {1000 * worst:.1f} ms, "
        f"1/{fresh / worst:.1f} of the fresh build (target: 1/20 or less)"
    )
    provincial(args)


def provincial(args: argparse.Namespace) -> None:
    inst = po.load_instance(ROOT / "instances" / "provincial_applied_university.json")
    print(
        "\nprovincial example, whole re-solve (s), budget rises keep the plan feasible:"
    )
    print("| edit | cold start | warm start (previous plan offered) |\n|---|---|---|")
    for factor in (1.05, 1.1, 1.2):
        times = []
        for warm in (False, True):
            session = Session(inst)
            session.solve()
            session.scale_budget("central", factor)
            began = time.perf_counter()
            plan = session.solve(warm_start=warm)
            times.append(time.perf_counter() - began)
            assert plan.verified
            note = "" if plan.warm_started == warm else " (warm start discarded)"
        print(f"| central budget x{factor} | {times[0]:.3f} | {times[1]:.3f}{note} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
