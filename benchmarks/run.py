"""Scaling benchmark: pathway-opt against a direct-HiGHS reference and linopy.

    python benchmarks/run.py                      # full run -> benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 100x1,100x5 --time-limit 5 --output out.md

Each (size, path) runs in a fresh process so that its peak memory is its own.
The paths solve the same generated instance: ``pathway-opt`` as users call it
(``pathway_opt.solve``), the ``reference`` (numpy/scipy arrays straight into
highspy) and ``linopy``. The script checks that the paths agree: equal model
sizes and coefficient sums always, equal objectives when every path proved
optimality.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PATHS = ("pathway-opt", "heuristic", "reference", "linopy")
#: Instants (s) of the quality-over-time table.
CHECKPOINTS = (5.0, 15.0, 30.0, 60.0)
FULL_SIZES = "100x1,100x5,1000x1,1000x5,10000x1,10000x5,50000x1,50000x5"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _highs_run(h: Any, limit: float) -> tuple[float, dict[str, Any]]:
    h.setOptionValue("time_limit", float(limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-6)
    h.setOptionValue("random_seed", 0)
    began = time.perf_counter()
    h.run()
    seconds = time.perf_counter() - began
    info = h.getInfo()
    has = info.primal_solution_status == 2
    status = h.getModelStatus().name
    objective = info.objective_function_value if has else None
    bound = info.mip_dual_bound
    return seconds, {
        "status": "optimal"
        if status == "kOptimal"
        else ("feasible" if has else "no_solution"),
        "objective": objective,
        "bound": bound if abs(bound) < 1e20 else None,
        "gap": (
            abs(bound - objective) / max(abs(objective), 1e-10)
            if has and abs(bound) < 1e20
            else None
        ),
    }


def _quality(
    events: list[tuple[float, float | None, float | None]], plan: Any, total: float
) -> list[list[float | None]]:
    """Best verified objective and best bound known at each checkpoint.

    The objectives reported while solving are of plans verified as they came
    (the heuristic's are checked against every row and by the verifier); the
    final plan counts from the end of the run.
    """
    # the run ends at the limit plus verifying: its final plan counts at the last
    # checkpoint when that is the limit
    ended = min(total, CHECKPOINTS[-1]) if total <= CHECKPOINTS[-1] + 5 else total
    final = (ended, plan.objective if plan.verified else None, plan.bound)
    rows = []
    for at in CHECKPOINTS:
        seen = [e for e in [*events, final] if e[0] <= at]
        objectives = [e[1] for e in seen if e[1] is not None]
        bounds = [e[2] for e in seen if e[2] is not None]
        rows.append(
            [
                at,
                max(objectives) if objectives else None,
                min(bounds) if bounds else None,
            ]
        )
    return rows


def _size(h: Any) -> dict[str, Any]:
    lp = h.getLp()
    return {
        "rows": h.getNumRow(),
        "cols": h.getNumCol(),
        "nnz": h.getNumNz(),
        "coef_sum": float(sum(lp.a_matrix_.value_)),
    }


def run_one(path: str, instance_file: str, limit: float) -> dict[str, Any]:
    """One path on one instance, in this process; returns the measurements."""
    sys.path.insert(0, str(HERE))
    import pathway_opt as po

    inst = po.load_instance(instance_file)
    if path == "reference":
        import reference as builder
    elif path == "linopy":
        import linopy_model as builder  # type: ignore[no-redef]
    began = time.perf_counter()
    events: list[tuple[float, float | None, float | None]] = []

    def record(report: Any) -> None:
        events.append((time.perf_counter() - began, report.objective, report.bound))

    if path in ("pathway-opt", "heuristic"):
        method = "auto" if path == "pathway-opt" else "heuristic"
        plan = po.solve(
            inst, po.SolveSettings(time_limit=limit), method=method, progress=record
        )
        total = time.perf_counter() - began
        peak = _peak_mb()
        form = plan.timings
        matrix, _, _ = po.compile_form(inst).stacked()  # sizes, after the timed run
        out = {
            "build_s": form["build"],
            "handover_s": form.get("handover", 0.0),  # the heuristic hands none
            "highs_s": form.get("highs", 0.0),
            "total_s": total,
            "status": plan.status.value,
            "objective": plan.objective,
            "bound": plan.bound,
            "gap": plan.gap,
            "rows": matrix.shape[0],
            "cols": matrix.shape[1],
            "nnz": matrix.nnz,
            "coef_sum": float(matrix.sum()),
            "peak_mb": peak,
            "bound_source": plan.bound_source,
            "found_by": plan.found_by,
            "quality": _quality(events, plan, total),
        }
    else:
        model = builder.build(inst)
        built = time.perf_counter()
        h = builder.hand_over(model)
        handed = time.perf_counter()
        highs_s, result = _highs_run(h, limit)
        out = {
            "build_s": built - began,
            "handover_s": handed - built,
            "highs_s": highs_s,
            "total_s": time.perf_counter() - began,
            **result,
            **_size(h),
        }
        out["peak_mb"] = _peak_mb()
    return out


def _spawn(path: str, instance_file: str, limit: float) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--one",
        path,
        "--instance",
        instance_file,
        "--time-limit",
        str(limit),
    ]
    cap = 3 * limit + 60  # HiGHS alone ran 396 s under a 60 s limit here
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired:
        return {"error": f"still running after {cap:.0f} s (limit {limit:g} s): killed"}
    if done.returncode != 0:
        return {
            "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import highspy
    import linopy
    import pyomo

    versions = (
        f"Python {platform.python_version()}, HiGHS {highspy.HIGHS_VERSION_MAJOR}."
        f"{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH}, Pyomo "
        f"{pyomo.__version__}, linopy {linopy.__version__}"
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; {platform.system()}; {versions}"
    )


def check_agreement(results: dict[str, dict[str, Any]]) -> list[str]:
    """Problems where the paths disagree (sizes, coefficient sums, optima)."""
    problems = []
    ok = {p: r for p, r in results.items() if "error" not in r}
    ref = ok.get("reference")
    for path, r in ok.items():
        if ref is None or path == "reference":
            continue
        for key in ("rows", "cols", "nnz"):
            if r[key] != ref[key]:
                problems.append(f"{path}: {key} {r[key]} != reference {ref[key]}")
        if abs(r["coef_sum"] - ref["coef_sum"]) > 1e-6 * max(1.0, abs(ref["coef_sum"])):
            problems.append(f"{path}: coefficient sum differs from the reference")
        if r["status"] == ref["status"] == "optimal" and abs(
            r["objective"] - ref["objective"]
        ) > 1e-6 * max(1.0, abs(ref["objective"])):
            problems.append(f"{path}: optimum {r['objective']} != {ref['objective']}")
    problems += [f"{p}: {r['error']}" for p, r in results.items() if "error" in r]
    return problems


def _fmt(v: Any, digits: int = 2) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}" if abs(v) < 1e6 else f"{v:.6g}"
    return str(v)


def to_markdown(rows: list[dict[str, Any]], machine: str, limit: float) -> str:
    """The results table with ratios to the reference and to linopy."""
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine}.",
        f"Time limit {limit:g} s per solve; `to HiGHS` = build + hand-over, the time "
        "from a validated instance until HiGHS starts. Ratios are pathway-opt's over "
        "the reference's and linopy's in the same run. Generated by "
        "`python benchmarks/run.py`.",
        "",
        "| size | path | build s | hand-over s | to HiGHS s | HiGHS s | total s | "
        "peak MB | objective | bound | gap | status | rows | cols | nnz |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        for path in PATHS:
            r = row["paths"].get(path, {})
            if r and "error" in r:
                lines.append(f"| {row['size']} | {path} | error: {r['error']} |")
                continue
            if not r:
                continue
            to_highs = r["build_s"] + r["handover_s"]
            lines.append(
                f"| {row['size']} | {path} | {_fmt(r['build_s'])} | "
                f"{_fmt(r['handover_s'])} | {_fmt(to_highs)} | {_fmt(r['highs_s'])} | "
                f"{_fmt(r['total_s'])} | {_fmt(r['peak_mb'], 0)} | "
                f"{_fmt(r['objective'], 4)} | {_fmt(r['bound'], 4)} | "
                f"{_fmt(r['gap'], 6)} | {r['status']} | {r['rows']} | {r['cols']} | "
                f"{r['nnz']} |"
            )
    lines += [
        "",
        "## Ratios (pathway-opt / other)",
        "",
        "| size | to HiGHS / reference | to HiGHS / linopy | peak MB / reference "
        "| peak MB / linopy | total s - limit | gap - reference gap |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ours = row["paths"].get("pathway-opt", {})
        if "error" in ours or not ours:
            continue
        cells = [row["size"]]
        t_ours = ours["build_s"] + ours["handover_s"]
        for metric in ("to", "peak"):
            for other in ("reference", "linopy"):
                o = row["paths"].get(other, {})
                if "error" in o or not o:
                    cells.append("-")
                    continue
                if metric == "to":
                    cells.append(
                        f"{t_ours / max(o['build_s'] + o['handover_s'], 1e-9):.2f}"
                    )
                else:
                    cells.append(f"{ours['peak_mb'] / max(o['peak_mb'], 1e-9):.2f}")
        cells.append(f"{ours['total_s'] - limit:+.2f}")
        ref = row["paths"].get("reference", {})
        if ours.get("gap") is not None and ref.get("gap") is not None:
            cells.append(f"{ours['gap'] - ref['gap']:+.2e}")
        else:
            cells.append("-")
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Quality over time (best verified objective / best valid bound)",
        "",
        "| size | path | "
        + " | ".join(
            f"{c:g} s objective | {c:g} s bound | {c:g} s gap" for c in CHECKPOINTS
        )
        + " | bound from |",
        "|---|---|" + "---|" * (3 * len(CHECKPOINTS) + 1),
    ]
    for row in rows:
        for path in ("pathway-opt", "heuristic"):
            r = row["paths"].get(path, {})
            if not r or "error" in r:
                continue
            cells = []
            for _, objective, bound in r["quality"]:
                gap = (
                    (bound - objective) / abs(objective)
                    if objective is not None and bound is not None
                    else None
                )
                cells += [_fmt(objective, 2), _fmt(bound, 2),
                          "-" if gap is None else f"{gap:.3%}"]  # fmt: skip
            lines.append(
                f"| {row['size']} | {path} | "
                + " | ".join(cells)
                + f" | {r.get('bound_source') or '-'} |"
            )
    checks = [c for row in rows for c in row["checks"]]
    lines += ["", "## Agreement checks", ""]
    lines += [f"- {c}" for c in checks] or [
        "- all paths agree on model size, coefficient sum and proven optima"
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark and write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=FULL_SIZES, help="NxT list, comma separated")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seeds", default="1", help="generator seeds, comma separated")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.instance, args.time_limit)))
        return
    from pathway_opt.inputs.generate import generate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size, seed in [
            (size, seed)
            for size in args.sizes.split(",")
            for seed in (int(s) for s in str(args.seeds).split(","))
        ]:
            n, t = (int(x) for x in size.split("x"))
            file = Path(tmp) / f"gen-{n}x{t}-{seed}.json"
            file.write_text(json.dumps(generate(n, t, seed)), encoding="utf-8")
            results = {}
            for path in args.paths.split(","):
                results[path] = _spawn(path, str(file), args.time_limit)
                print(size, path, json.dumps(results[path]), flush=True)
            rows.append(
                {
                    "size": f"{n} x {t} (seed {seed})",
                    "paths": results,
                    "checks": [f"{n} x {t}: {c}" for c in check_agreement(results)],
                }
            )
    text = to_markdown(rows, _machine(), args.time_limit)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
