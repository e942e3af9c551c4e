"""Sweep throughput (points per second) and the frontier of an instance.

    python benchmarks/sweep_throughput.py [INSTANCE] [--points 21] [--frontier]

Runs one budget sweep from 0.5 to 1.5 in this process, with 2 local worker
processes and on a Dask LocalCluster of 2 single-threaded worker processes
(when dask.distributed is installed), checks that the three tables are equal
(every column but ``seconds``) and prints points per second, wall-clock time
including the start of worker processes (the cluster's own start is reported
apart). With ``--frontier`` it also times the frontier, sequential and with 2
workers. Needs ``pip install -e ".[test]"``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import pathway_opt as po

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "instances" / "provincial_applied_university.json"


def timed_sweep(inst: po.Instance, scales: list[float], **kw: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    table = po.sweep(inst, scales, **kw)
    return table, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", default=str(DEFAULT))
    parser.add_argument("--points", type=int, default=21)
    parser.add_argument("--frontier", action="store_true")
    args = parser.parse_args()
    inst = po.load_instance(args.instance)
    scales = po.whatif.parse_scales(f"0.5:1.5:{args.points}")
    load = os.getloadavg()[0]
    print(f"{inst.name}: {args.points} points, {os.cpu_count()} cores, load {load:.2f}")
    results = {}
    results["1 worker"] = timed_sweep(inst, scales)
    results["2 workers"] = timed_sweep(inst, scales, workers=2)
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("dask.distributed is not installed: no LocalCluster run")
    else:
        began = time.perf_counter()
        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            ) as cluster,
            Client(cluster) as client,
        ):  # fmt: skip
            print(f"LocalCluster started in {time.perf_counter() - began:.2f} s")
            results["LocalCluster 2x1"] = timed_sweep(inst, scales, scheduler=client)
    reference = results["1 worker"][0].drop(columns=["seconds"])
    for name, (table, seconds) in results.items():
        same = table.drop(columns=["seconds"]).equals(reference)
        rate = len(table) / seconds
        solving = table["seconds"].sum()
        print(
            f"{name:18s} {seconds:7.2f} s  {rate:6.2f} points/s  "
            f"solve time {solving:6.2f} s  same table: {same}"
        )
    if args.frontier:
        for workers in (1, 2):
            began = time.perf_counter()
            front = po.frontier(inst, workers=workers)
            seconds = time.perf_counter() - began
            print(
                f"frontier, {workers} worker(s): {front.n_breakpoints} breakpoints, "
                f"{front.solves} solves, {seconds:.1f} s, stopped: {front.floor}"
            )


if __name__ == "__main__":
    main()
