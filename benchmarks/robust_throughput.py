"""Robustness analysis throughput: samples per second, against fresh solves.

    python benchmarks/robust_throughput.py [INSTANCE] [--samples 200] [--fresh 20]
        [--no-dask] [--cvar]

Runs ``po.robust`` on the instance (default: the provincial example, which has
uncertainty ranges) in this process, with 2 local worker processes
(``threads=1``) and on a Dask LocalCluster of 2 single-threaded worker
processes, checks that the core index tables and the per-sample figures are
equal (every column but ``seconds``), and prints wall-clock time and samples per
second. Each run includes the solve for the given values and starting the
worker processes (the cluster's own start is reported apart).

For comparison it first solves the first ``--fresh`` sampled instances from
scratch (``po.solve``: build, hand to HiGHS, solve, verify), each as a new
instance, checks their optima against the robust run's, and extrapolates to all
samples: what a script looping over sampled instance files would pay. With
``--cvar`` it also times ``po.solve_robust`` with the same samples. Needs
``pip install -e ".[test]"`` for the cluster.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import pathway_opt as po
from pathway_opt.whatif.uncertainty import draw, sampled_instance, uncertain_parameters

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "instances" / "provincial_applied_university.json"


def timed_robust(inst: po.Instance, samples: int, **kw: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = po.robust(inst, samples, 0, **kw)
    return result, time.perf_counter() - began


def differences(a: Any, b: Any) -> list[str]:
    """Where two results differ: per-sample columns (NaN = NaN) and the table."""
    found = []
    for column in a.samples.columns:
        if column == "seconds":
            continue
        x, y = a.samples[column], b.samples[column]
        differ = ~((x == y) | (x.isna() & y.isna()))
        if differ.any():
            samples = a.samples["sample"][differ].tolist()
            pairs = list(zip(x[differ], y[differ], strict=True))[:2]
            found.append(f"{column} in samples {samples[:8]}: {pairs}")
    if not a.table.equals(b.table):
        found.append("the core index table")
    return found


def fresh_solves(inst: po.Instance, n: int, k: int) -> tuple[list[float], float]:
    """Optima of the first k sampled instances, each built and solved anew."""
    params = uncertain_parameters(inst)
    values = draw(params, n, 0)
    began = time.perf_counter()
    optima = [
        po.solve(sampled_instance(inst, params, values[s])).objective or 0.0
        for s in range(k)
    ]
    return optima, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", default=str(DEFAULT))
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--fresh", type=int, default=20)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--cvar", action="store_true")
    args = parser.parse_args()
    inst = po.load_instance(args.instance)
    n = args.samples
    print(
        f"{inst.name}: {n} samples, {len(uncertain_parameters(inst))} uncertain "
        f"values, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )
    k = min(args.fresh, n)
    optima, fresh = fresh_solves(inst, n, k) if k else ([], 0.0)
    if k:
        print(f"fresh solves done, load {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[str, tuple[Any, float]] = {}
    results["1 worker"] = timed_robust(inst, n)
    print(f"1 worker done, load {os.getloadavg()[0]:.2f}", flush=True)
    results["2 workers x 1 thread"] = timed_robust(inst, n, workers=2, threads=1)
    print(f"2 workers done, load {os.getloadavg()[0]:.2f}", flush=True)
    if not args.no_dask:
        from distributed import Client, LocalCluster

        began = time.perf_counter()
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):  # fmt: skip
            print(f"LocalCluster started in {time.perf_counter() - began:.2f} s")
            results["LocalCluster 2x1"] = timed_robust(
                inst, n, scheduler=client, threads=1
            )
        print(f"LocalCluster done, load {os.getloadavg()[0]:.2f}", flush=True)
    reference, _ = results["1 worker"]
    for name, (result, seconds) in results.items():
        differ = differences(reference, result)
        solving = result.samples["seconds"].sum()
        print(
            f"{name:22s} {seconds:8.2f} s  {n / seconds:6.2f} samples/s  "
            f"per-sample solve time {solving / n:6.3f} s  same result: {not differ}"
        )
        for line in differ:
            print(f"    differs: {line}")
    summary = reference.summary()
    print(
        f"proven {summary['proven']}, time-limited {summary['time_limited']}; "
        f"{summary['core']} core, {summary['borderline']} borderline, "
        f"{summary['exterior']} exterior; regret mean {summary['regret_mean']:.4f}"
    )
    if k:
        agree = all(
            abs(o - r) <= 1e-6 * max(1.0, abs(r))
            for o, r in zip(optima, reference.samples["optimum"][:k], strict=True)
        )
        estimate = fresh / k * n
        print(
            f"fresh solves: {k} in {fresh:.2f} s ({fresh / k:.3f} s each; x {n} = "
            f"{estimate:.1f} s), optima agree with the robust run: {agree}"
        )
        for name, (_, seconds) in results.items():
            print(f"  {name:22s} {seconds / estimate:5.2f} x the fresh solves")
    if args.cvar:
        began = time.perf_counter()
        plan = po.solve_robust(inst, "cvar:0.2", n, 0)
        robust = plan.robust or {}
        print(
            f"solve_robust cvar:0.2, {n} samples: {time.perf_counter() - began:.2f} s,"
            f" {plan.status}, CVaR {robust.get('cvar', float('nan')):.4f} (given "
            f"plan {robust.get('given_plan_cvar', float('nan')):.4f})"
        )


if __name__ == "__main__":
    main()
