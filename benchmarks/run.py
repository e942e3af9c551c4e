"""Scaling benchmark: pathway-opt against a direct-HiGHS reference and linopy.

    python benchmarks/run.py                      # full run -> benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 100x5,1000x5 --quality-sizes 1000x5 \
        --quality-seeds 1,2 --time-limit 5 --output out.md

Each (size, seed, path) runs in a fresh process so that its peak memory is its
own. The paths solve the same generated instance: ``pathway-opt`` as users call
it (``pathway_opt.solve``, method auto), ``heuristic`` (method heuristic; where
auto chose the heuristic it is the same run and not repeated), the
``reference`` (numpy/scipy arrays straight into highspy) and ``linopy``. The
main table is every size at ``--seeds`` (1); the quality-over-time table is
``--quality-sizes`` at ``--quality-seeds`` (the main table's runs reused), each
path traced while it runs (pathway-opt by its progress callback, HiGHS direct
and linopy by HiGHS's callbacks, see ``highs_trace.py``), with each path's
distance from issue 19's goals. The script checks that the paths agree: equal
model sizes and coefficient sums always, equal objectives when every path
proved optimality. A run still going at 3 x limit + 60 s is killed and reported
so.

Full run, estimated on the 2-core machine: about 40 minutes when HiGHS direct
and linopy end near the limit at 50,000 x 5 (69 s each in RESULTS.md), up to
about 57 when all six of those runs are killed at the 240 s cap.
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
#: Sizes of the quality-over-time table (issue 19's), each over several seeds.
QUALITY_SIZES = "1000x5,10000x5,50000x5"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _highs_run(h: Any, limit: float, began: float) -> dict[str, Any]:
    """Run HiGHS with a live trace; the figures, the trace and the peak memory."""
    from highs_trace import Trace

    h.setOptionValue("time_limit", float(limit))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-6)
    h.setOptionValue("random_seed", 0)
    trace = Trace(h, began)
    started = time.perf_counter()
    h.run()
    ended = time.perf_counter()
    peak = _peak_mb()  # before the trace's check copies the matrix
    info = h.getInfo()
    has = info.primal_solution_status == 2
    status = h.getModelStatus().name
    objective = info.objective_function_value if has else None
    bound = info.mip_dual_bound
    finite = bound if abs(bound) < 1e20 else None
    events = trace.events(h)
    verified = [e[1] for e in events if e[1] is not None]
    return {
        "highs_s": ended - started,
        "status": "optimal"
        if status == "kOptimal"
        else ("feasible" if has else "no_solution"),
        "objective": objective,
        "bound": finite,
        "gap": (
            abs(bound - objective) / max(abs(objective), 1e-10)
            if has and finite is not None
            else None
        ),
        "peak_mb": peak,
        "events": events,
        # HiGHS's final plan is its last incumbent, kept by the trace and checked
        "final": [
            ended - began,
            objective
            if has
            and any(abs(v - objective) <= 1e-6 * max(1.0, abs(v)) for v in verified)
            else None,
            finite,
        ],
    }


def quality(
    r: dict[str, Any], checkpoints: tuple[float, ...]
) -> list[tuple[float | None, float | None]]:
    """Best verified objective and best bound known at each checkpoint.

    Strictly by time for every path: a plan or bound counts from the moment it
    was known, measured from the same point (the instance loaded, before build).
    """
    events = [*r.get("events", []), *([r["final"]] if r.get("final") else [])]
    out = []
    for at in checkpoints:
        seen = [e for e in events if e[0] <= at]
        objectives = [e[1] for e in seen if e[1] is not None]
        bounds = [e[2] for e in seen if e[2] is not None]
        out.append(
            (max(objectives) if objectives else None, min(bounds) if bounds else None)
        )
    return out


def first_plan_s(r: dict[str, Any]) -> float | None:
    """When the first verified plan was known (None: none)."""
    events = [*r.get("events", []), *([r["final"]] if r.get("final") else [])]
    return min((e[0] for e in events if e[1] is not None), default=None)


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
    solve, settings = po.solve, po.SolveSettings  # the facade's lazy imports
    # every path's clock starts here: the instance loaded, nothing built
    began = time.perf_counter()
    events: list[tuple[float, float | None, float | None]] = []

    def record(report: Any) -> None:
        event = (time.perf_counter() - began, report.objective, report.bound)
        events.append(event)
        print("TRACE " + json.dumps(event), flush=True)  # kept if killed

    if path in ("pathway-opt", "heuristic"):
        method = "auto" if path == "pathway-opt" else "heuristic"
        plan = solve(inst, settings(time_limit=limit), method=method, progress=record)
        total = time.perf_counter() - began
        peak = _peak_mb()
        form = po.compile_form(inst)  # sizes, after the timed run
        matrix, _, _ = form.stacked()
        timings = plan.timings
        return {
            "build_s": timings["build"],
            "handover_s": timings.get("handover", 0.0),  # the heuristic hands none
            "highs_s": timings.get("highs", 0.0),
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
            "method": plan.method,  # what auto chose
            "events": events,
            "final": [total, plan.objective if plan.verified else None, plan.bound],
        }
    model = builder.build(inst)
    built = time.perf_counter()
    h = builder.hand_over(model)
    handed = time.perf_counter()
    result = _highs_run(h, limit, began)
    return {
        "build_s": built - began,
        "handover_s": handed - built,
        "total_s": time.perf_counter() - began,
        "bound_source": "highs",
        "found_by": "highs",
        "method": "highs",
        **result,
        **_size(h),
    }


def kill_after(limit: float) -> float:
    """Seconds after which a run is killed (HiGHS alone ran 396 s under 60 here)."""
    return 3 * limit + 60


def _spawn(path: str, instance_file: str, limit: float) -> dict[str, Any]:
    from highs_trace import read_streamed

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
    cap = kill_after(limit)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap)
    except subprocess.TimeoutExpired as killed:
        out = killed.stdout or ""
        text = out.decode() if isinstance(out, bytes) else out
        return {
            "error": f"still running after {cap:.0f} s (limit {limit:g} s): killed",
            "killed_s": cap,
            # what it knew by then; HiGHS's plans were not checked: bounds only
            "events": [(at, None, bound) for at, _, bound in read_streamed(text)],
        }
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
    ok = {p: r for p, r in results.items() if "error" not in r and "same_as" not in r}
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


_SAME = "same run as pathway-opt (`auto` chose the heuristic here)"
#: Issue 19's goals: gap to a valid bound, and at 50,000 x 5 the first plan's
#: time and the peak memory (pathway-opt's in the RESULTS.md before the issue).
GOALS = {"1000x5": 0.0005, "10000x5": 0.0003, "50000x5": 0.001}
FIRST_PLAN_S, PEAK_MB = 15.0, 687.0


def to_markdown(
    rows: list[dict[str, Any]],
    machine: str,
    limit: float,
    trials: list[dict[str, Any]] | None = None,
) -> str:
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
            if "same_as" in r:
                lines.append(f"| {row['size']} | {path} | {_SAME} |")
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
    lines += quality_markdown(trials or [], limit)
    checks = [c for row in [*rows, *(trials or [])] for c in row["checks"]]
    checks = list(dict.fromkeys(checks))
    lines += ["", "## Agreement checks", ""]
    lines += [f"- {c}" for c in checks] or [
        "- all paths agree on model size, coefficient sum and proven optima"
    ]
    return "\n".join(lines) + "\n"


LABELS = {
    "pathway-opt": "pathway-opt (auto)",
    "heuristic": "pathway-opt --method heuristic",
    "reference": "HiGHS direct (reference.py)",
    "linopy": "linopy + HiGHS",
}


def checkpoints(limit: float) -> tuple[float, ...]:
    """The quality table's instants: 5, 15, 30, 60 s, scaled to a shorter limit."""
    if limit >= CHECKPOINTS[-1]:
        return CHECKPOINTS
    return tuple(round(c * limit / CHECKPOINTS[-1], 2) for c in CHECKPOINTS)


def _gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective) / max(abs(objective), 1e-10)


def _pct(v: float | None, digits: int = 3) -> str:
    return "-" if v is None else f"{v:.{digits}%}"


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:,.2f}"


def _final(r: dict[str, Any]) -> tuple[float | None, float | None]:
    """The run's final verified objective and bound."""
    final = r.get("final")
    return (final[1], final[2]) if final else (None, None)


def quality_markdown(trials: list[dict[str, Any]], limit: float) -> list[str]:
    """The quality-over-time table and how far each path is from issue 19's goals."""
    at = checkpoints(limit)
    lines = [
        "",
        "## Quality over time",
        "",
        "Best verified objective (`plan`) and best valid bound known at each instant, "
        "timed for every path from the same point (the instance loaded, before "
        "building the model), strictly: the run's end counts at its end time, in "
        "`final`. pathway-opt's plans are reported by its progress callback (each "
        "verified); HiGHS direct's and linopy's come from HiGHS's improving-solution "
        "callback, each checked after the run against every row, column bound and "
        "integrality of the model HiGHS held, and their bounds are sampled from the "
        f"MIP callback every {_sample_s():g} s. A run killed at the cap keeps the "
        "bounds it reported (its plans were not checked: none shown). `gap` = "
        "(bound - plan) / plan, both the path's own.",
        "",
        "| size | seed | path | "
        + " | ".join(f"{c:g} s plan | {c:g} s bound | {c:g} s gap" for c in at)
        + " | final plan | final bound | final gap | end s | first plan s "
        "| bound from | found by | peak MB |",
        "|---|---|---|" + "---|" * (3 * len(at) + 8),
    ]
    for trial in trials:
        for path, r in trial["paths"].items():
            head = f"| {trial['key']} | {trial['seed']} | {LABELS.get(path, path)} |"
            if "same_as" in r:
                lines.append(f"{head} {_SAME} |")
                continue
            cells = []
            for objective, bound in quality(r, at):
                cells += [_num(objective), _num(bound), _pct(_gap(objective, bound))]
            if "error" in r:
                end = (
                    f"killed at {r['killed_s']:.0f} s"
                    if "killed_s" in r
                    else f"error: {r['error']}"
                )
                lines.append(f"{head} {' | '.join(cells)} | {end} |")
                continue
            objective, bound = _final(r)
            first = first_plan_s(r)
            cells += [
                _num(objective),
                _num(bound),
                _pct(_gap(objective, bound)),
                f"{r['final'][0]:.1f}",
                "-" if first is None else f"{first:.1f}",
                r.get("bound_source") or "-",
                r.get("found_by") or "-",
                f"{r['peak_mb']:.0f}",
            ]
            lines.append(f"{head} {' | '.join(cells)} |")
    return lines + goals_markdown(trials)


def _sample_s() -> float:
    from highs_trace import SAMPLE_S

    return SAMPLE_S


def goals_markdown(trials: list[dict[str, Any]]) -> list[str]:
    """Each path's distance from issue 19's goals, from this run's figures."""
    by_path: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for trial in trials:
        if trial["key"] not in GOALS:
            continue
        for path, r in trial["paths"].items():
            if "same_as" in r:
                r = trial["paths"][r["same_as"]]
            by_path.setdefault((trial["key"], path), []).append((trial["seed"], r))
    if not by_path:
        return []
    lines = [
        "",
        "## Against the goals of issue 19",
        "",
        "Computed from the runs above. Goals: 1,000 x 5 within "
        f"{GOALS['1000x5']:.2%} of a valid bound, 10,000 x 5 within "
        f"{GOALS['10000x5']:.2%}, 50,000 x 5 within {GOALS['50000x5']:.1%} with the "
        f"first verified plan within {FIRST_PLAN_S:g} s and peak memory at most "
        f"{PEAK_MB:g} MB. `x goal` is the worst seed's gap over the goal (at most 1 "
        "meets it); a seed without a plan misses every goal.",
        "",
        "| size | path | seeds | final gap by seed | worst x goal | first plan s "
        "| peak MB | goals met (seeds) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (key, path), runs in by_path.items():
        goal = GOALS[key]
        gaps, firsts, peaks, met = [], [], [], 0
        for _, r in runs:
            gap = None if "error" in r else _gap(*_final(r))
            first = None if "error" in r else first_plan_s(r)
            peak = r.get("peak_mb")
            ok = gap is not None and gap <= goal
            if key == "50000x5":
                ok = ok and first is not None and first <= FIRST_PLAN_S
                ok = ok and peak is not None and peak <= PEAK_MB
            met += ok
            gaps.append(
                ("killed" if "killed_s" in r else "error")
                if "error" in r
                else ("no plan" if gap is None else _pct(gap))
            )
            firsts.append("-" if first is None else f"{first:.1f}")
            peaks.append("-" if peak is None else f"{peak:.0f}")
        known = [g for _, r in runs if "error" not in r for g in [_gap(*_final(r))]]
        worst = (
            f"{max(known) / goal:.2f}"
            if known and None not in known and len(known) == len(runs)
            else "no plan in a seed"
        )
        lines.append(
            f"| {key} | {LABELS.get(path, path)} | "
            f"{', '.join(str(s) for s, _ in runs)} | {', '.join(gaps)} | {worst} | "
            f"{', '.join(firsts)} | {', '.join(peaks)} | {met} of {len(runs)} |"
        )
    return lines


def _run_instance(
    n: int,
    t: int,
    seed: int,
    paths: list[str],
    limit: float,
    tmp: str,
    cache: Path | None = None,
) -> dict[str, dict[str, Any]]:
    """Every path on one generated instance, each in a fresh process.

    With a ``cache`` (JSON lines), runs recorded there with the same size, seed
    and limit are taken from it, and each new run is added as it ends: a long
    benchmark cut short goes on where it stopped.
    """
    from pathway_opt.inputs.generate import generate

    known = _cached(cache, n, t, seed, limit)
    if all(path in known for path in paths):
        return {p: known[p] for p in paths}
    file = Path(tmp) / f"gen-{n}x{t}-{seed}.json"
    file.write_text(json.dumps(generate(n, t, seed)), encoding="utf-8")
    results: dict[str, dict[str, Any]] = {}
    # pathway-opt first: where auto chose the heuristic, forcing it is the same run
    for path in sorted(paths, key=lambda p: p != "pathway-opt"):
        if path in known:
            results[path] = known[path]
        elif path == "heuristic" and results.get("pathway-opt", {}).get("method") == (
            "heuristic"
        ):
            results[path] = {"same_as": "pathway-opt"}
        else:
            results[path] = _spawn(path, str(file), limit)
            if cache is not None:
                record = {"size": [n, t], "seed": seed, "limit": limit}
                record.update(path=path, result=results[path])
                with cache.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(record) + "\n")
        shown = {k: v for k, v in results[path].items() if k != "events"}
        print(f"{n}x{t} seed {seed}", path, json.dumps(shown), flush=True)
    file.unlink()
    return {p: results[p] for p in paths}


def _cached(
    cache: Path | None, n: int, t: int, seed: int, limit: float
) -> dict[str, dict[str, Any]]:
    """The runs a cache holds for this size, seed and limit, by path."""
    if cache is None or not cache.exists():
        return {}
    found = {}
    for line in cache.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if (record["size"], record["seed"], record["limit"]) == ([n, t], seed, limit):
            found[record["path"]] = record["result"]
    return found


def main() -> None:
    """Run the benchmark and write the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=FULL_SIZES, help="NxT list, comma separated")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument(
        "--seeds", default="1", help="generator seeds of the main table"
    )
    parser.add_argument(
        "--quality-sizes",
        default=QUALITY_SIZES,
        help="NxT list of the quality-over-time table ('' for none)",
    )
    parser.add_argument(
        "--quality-seeds", default="1,2,3", help="generator seeds of that table"
    )
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument(
        "--quality-paths",
        default=None,
        help="paths of the quality table's runs not in the main table "
        "(default: --paths)",
    )
    parser.add_argument(
        "--cache", type=Path, help="JSON lines of finished runs: reused, added to"
    )
    parser.add_argument("--output", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.instance, args.time_limit)))
        return
    paths = args.paths.split(",")
    done: dict[tuple[int, int, int], dict[str, dict[str, Any]]] = {}

    quality_paths = (args.quality_paths or args.paths).split(",")

    def results(
        n: int, t: int, seed: int, which: list[str]
    ) -> dict[str, dict[str, Any]]:
        if (n, t, seed) not in done:  # the quality table reuses the main runs
            done[n, t, seed] = _run_instance(
                n, t, seed, which, args.time_limit, tmp, args.cache
            )
        return done[n, t, seed]

    def sizes(text: str) -> list[tuple[int, int]]:
        return [
            (int(a), int(b)) for a, b in (x.split("x") for x in text.split(",") if x)
        ]

    def seeds(text: str) -> list[int]:
        return [int(s) for s in str(text).split(",") if s]

    rows, trials = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n, t in sizes(args.sizes):
            for seed in seeds(args.seeds):
                res = results(n, t, seed, paths)
                checks = [f"{n} x {t} (seed {seed}): {c}" for c in check_agreement(res)]
                rows.append(
                    {"size": f"{n} x {t} (seed {seed})", "paths": res, "checks": checks}
                )
        for n, t in sizes(args.quality_sizes):
            for seed in seeds(args.quality_seeds):
                res = results(n, t, seed, quality_paths)
                checks = [f"{n} x {t} (seed {seed}): {c}" for c in check_agreement(res)]
                trials.append(
                    {"key": f"{n}x{t}", "seed": seed, "paths": res, "checks": checks}
                )
    text = to_markdown(rows, _machine(), args.time_limit, trials)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
