"""Robustness of the plan: the core index of every initiative over sampled data.

The uncertain values are sampled (:mod:`pathway_opt.whatif.uncertainty`), and
every sample is solved on one built model per worker: :meth:`Session.use_data`
sends the sample's objective (scores, probabilities, weights) and its cost
amounts (``cost_factor`` scales the initiative's whole cost profile, i.e. its
coefficients in ``budget_limit``) to HiGHS without a rebuild. Each sample's plan
is verified against the sampled instance itself, costs included. The core index
of an initiative is the share of the samples solved to proven optimality in
which it is funded; samples whose solve hit the time limit (a plan without
proof) or failed are counted apart and enter no figure built on optima.

The plan for the given values is scored under every sample by the verifier
(its score distribution needs no solve). Its regret in a proven sample is that
sample's optimum minus its score there, taken only where it fits the sampled
costs: where it overspends it is not a plan one could carry out, and the
samples where it does not fit are counted instead.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from pathway_opt.errors import InputError, Problem
from pathway_opt.pipeline import InstanceSource, as_instance, solve
from pathway_opt.plan import Plan, Status, html_summary
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.verification.verifier import verify
from pathway_opt.whatif.parallel import Progress, run_all
from pathway_opt.whatif.rows import selected_string
from pathway_opt.whatif.session import Session
from pathway_opt.whatif.uncertainty import (
    Parameter,
    check_samples,
    draw,
    sampled_instance,
    uncertain_parameters,
)

if TYPE_CHECKING:
    from distributed import Client

#: Columns of :attr:`Robustness.table`, in order.
CORE_COLUMNS = [
    "id", "core_index", "class", "in_plan", "mean_start", "plan_start",
    "samples_funded", "name",
]  # fmt: skip


@dataclass(frozen=True)
class SampleTask:
    """One sample to solve: its values, how to solve, the given plan to score."""

    sample: int
    values: tuple[float, ...]
    params: tuple[Parameter, ...]
    settings: SolveSettings
    given: Mapping[str, str]
    """The plan for the given values: initiative id -> start period."""
    given_variants: Mapping[str, str] = field(default_factory=dict)
    """The versions that plan runs."""
    given_funding: Mapping[tuple[str, str, str], float] = field(default_factory=dict)
    """Its funding split for the given costs."""


def scaled_split(
    base: Instance,
    sampled: Instance,
    funding: Mapping[tuple[str, str, str], float],
    variants: Mapping[str, str],
) -> dict[tuple[str, str, str], float]:
    """The given plan's funding split, each amount scaled as its cost was.

    A sampled `cost_factor` scales an initiative's whole profile; the plan keeps
    its budgets' shares, so whether it still fits is checked on those shares.
    """
    factor = {}
    for old, new in zip(base.initiatives, sampled.initiatives, strict=True):
        if old.funded_by is None and not old.variants:
            continue
        before = sum(old.version(variants.get(old.id)).cost_profile())
        after = sum(new.version(variants.get(new.id)).cost_profile())
        factor[old.id] = after / before if before else 1.0
    return {k: v * factor.get(k[0], 1.0) for k, v in funding.items()}


def solve_sample(session: Session, task: SampleTask) -> dict[str, Any]:
    """Load the sample into the session's model, solve, verify; one plain row."""
    began = time.perf_counter()
    sampled = sampled_instance(session.base, task.params, task.values)
    session.use_data(sampled)  # replaces every datum: no earlier task shows
    plan = session.solve(task.settings)
    given = verify(
        sampled,
        dict(task.given),
        None,
        task.given_variants,
        scaled_split(session.base, sampled, task.given_funding, task.given_variants),
    )
    has_plan = plan.has_plan
    return {
        "sample": task.sample,
        "status": plan.status.value,
        "verified": plan.verified,
        "optimum": float(plan.objective)
        if has_plan and plan.objective is not None
        else math.nan,
        "gap": math.nan if plan.gap is None else float(plan.gap),
        "starts": {i: sampled.period_index(p) for i, p in plan.starts.items()}
        if has_plan
        else {},
        "given_score": given.objective,
        "given_fits": given.ok,
        "seconds": time.perf_counter() - began,
    }


@dataclass(repr=False)
class Robustness:
    """How robust the plan for the given values is to the uncertain values.

    ``repr`` is one line; in a notebook it shows as a summary with the table.
    """

    instance: Instance
    plan: Plan
    """The plan for the given values."""
    table: pd.DataFrame
    """One row per initiative (:data:`CORE_COLUMNS`), by core index: ``id``,
    ``core_index`` (share of the proven samples funding it), ``class`` (``core``,
    ``borderline``, ``exterior``; ``unknown`` without proven samples),
    ``in_plan`` (in the plan for the given values), ``mean_start`` (mean start
    position over the samples funding it, 1 = the first period), ``plan_start``
    (its start in that plan, or empty), ``samples_funded``, ``name``."""
    samples: pd.DataFrame
    """One row per sample: ``sample``, ``status``, ``verified``, ``optimum``,
    ``gap``, ``n_selected``, ``selected`` (``id@start`` items), ``given_score``
    (the plan for the given values scored with the sample's values),
    ``given_fits`` (that plan within the sampled costs), ``regret`` (optimum
    minus given_score, in proven samples where the plan fits; else NaN),
    ``seconds``, then one column per uncertain value."""
    parameters: pd.DataFrame
    """One row per uncertain value: ``value``, ``kind``, ``low``, ``mode``,
    ``high``."""
    samples_asked: int
    seed: int
    core: float
    exterior: float
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)

    @property
    def proven(self) -> int:
        """Samples solved to proven optimality (and verified)."""
        return int(self._proven_mask().sum())

    @property
    def limited(self) -> int:
        """Samples whose solve hit its limit with a plan but no proof."""
        return int((self.samples["status"] == Status.FEASIBLE.value).sum())

    @property
    def failed(self) -> int:
        """Samples without a verified plan (infeasible, no plan in time, error).

        An infeasible sample is a result (its sampled costs fit no plan that
        the rules allow), not a failure of the solver.
        """
        return len(self.samples) - self.proven - self.limited

    def _count(self, status: Status) -> int:
        return int((self.samples["status"] == status.value).sum())

    def _proven_mask(self) -> pd.Series:
        frame = self.samples
        if frame.empty:
            return pd.Series([], dtype=bool)
        return (frame["status"] == Status.OPTIMAL.value) & frame["verified"]

    def summary(self) -> dict[str, Any]:
        """The figures as plain values (the terminal summary and the workbook's)."""
        frame = self.samples
        scores = frame["given_score"].to_numpy(dtype=float)
        proven = frame[self._proven_mask()]
        regret = proven["regret"].dropna().to_numpy(dtype=float)
        p10, p90 = (
            np.percentile(scores, [10, 90]) if len(scores) else (math.nan, math.nan)
        )
        return {
            "samples": self.samples_asked,
            "seed": self.seed,
            "uncertain_values": len(self.parameters),
            "proven": self.proven,
            "time_limited": self.limited,
            "infeasible": self._count(Status.INFEASIBLE),
            "no_plan_in_time": self._count(Status.NO_SOLUTION),
            "errors": self.failed
            - self._count(Status.INFEASIBLE)
            - self._count(Status.NO_SOLUTION),
            "given_objective": self.plan.objective,
            "given_score_mean": float(scores.mean()) if len(scores) else math.nan,
            "given_score_p10": float(p10),
            "given_score_p90": float(p90),
            "given_fits": int(frame["given_fits"].sum()) if len(frame) else 0,
            "optimum_mean": float(proven["optimum"].mean())
            if len(proven)
            else math.nan,
            "regret_mean": float(regret.mean()) if len(regret) else math.nan,
            "regret_worst": float(regret.max()) if len(regret) else math.nan,
            "core": int((self.table["class"] == "core").sum()),
            "borderline": int((self.table["class"] == "borderline").sum()),
            "exterior": int((self.table["class"] == "exterior").sum()),
            "core_threshold": self.core,
            "exterior_threshold": self.exterior,
            "seconds": self.seconds,
        }

    def __repr__(self) -> str:
        """One line: samples, how many proven, the classes, the mean regret."""
        s = self.summary()
        return (
            f"<Robustness {s['samples']} samples (seed {s['seed']}), {s['proven']} "
            f"proven, {s['time_limited']} time-limited, {self.failed} without a "
            "verified plan; "
            f"{s['core']} core, {s['borderline']} borderline, {s['exterior']} "
            f"exterior; mean regret {_figure(s['regret_mean'])}>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: the figures, then the initiatives by core index."""
        s = self.summary()
        fields = [
            ("instance", self.instance.name),
            ("samples (seed)", f"{s['samples']} ({s['seed']})"),
            ("uncertain values", s["uncertain_values"]),
            ("proven / time-limited / infeasible / no plan in time / errors",
             f"{s['proven']} / {s['time_limited']} / {s['infeasible']} / "
             f"{s['no_plan_in_time']} / {s['errors']}"),
            ("plan for the given values", repr(self.plan)),
            ("its score: mean (P10-P90)",
             f"{_figure(s['given_score_mean'])} ({_figure(s['given_score_p10'])}"
             f" - {_figure(s['given_score_p90'])})"),
            ("its regret: mean / worst",
             f"{_figure(s['regret_mean'])} / {_figure(s['regret_worst'])}"),
            ("core / borderline / exterior",
             f"{s['core']} / {s['borderline']} / {s['exterior']}"),
        ]  # fmt: skip
        fields += [("message", m) for m in self.messages]
        shown = self.table[["id", "core_index", "class", "in_plan", "mean_start"]]
        return html_summary("Robustness (core index)", fields, shown)


def _figure(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.4f}"


def _threshold(value: object, name: str) -> float:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not 0 <= value <= 1
    ):
        raise InputError(
            [Problem(name, f"must be a number from 0 to 1, got {value!r}")]
        )
    return float(value)


def print_progress(done: int, total: int) -> None:
    """Progress as one line per sample on stderr (``progress=True``)."""
    print(f"robust: {done}/{total} samples", file=sys.stderr, flush=True)


def robust(
    inst: InstanceSource,
    samples: int = 100,
    seed: int = 0,
    *,
    workers: int = 1,
    scheduler: str | Client | None = None,
    settings: SolveSettings | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    core: float = 0.9,
    exterior: float = 0.1,
    progress: bool | Progress = False,
) -> Robustness:
    """The core index of every initiative over ``samples`` draws of the ranges.

    Args:
        inst: the instance (with `weight_range` / `uncertainty` ranges), or the
            path of its file.
        samples: how many samples to draw (Latin hypercube).
        seed: the sampling seed (the same seed gives the same samples).
        workers: local processes (1: solve in this process). With the same
            ``threads``, every executor gives the same result; with another
            thread count HiGHS may pick another of several optimal plans.
        scheduler: a Dask scheduler address or ``dask.distributed.Client``.
        settings: solve settings of every sample (a time limit is per sample);
            or give ``time_limit``, ``threads``, ``mip_gap`` as keywords.
        time_limit: seconds each sample's solve may take.
        threads: threads HiGHS may use (with several workers, 1 avoids their
            competing for the cores).
        mip_gap: relative gap at which a plan counts as optimal.
        core: core index at or above which an initiative is ``core``.
        exterior: core index at or below which it is ``exterior``.
        progress: True for a line per sample on stderr, or a callback
            ``progress(done, total)``.

    Raises:
        InputError: for an instance that does not load, a bad sample count,
            seed, threshold, solve option, ``workers`` or ``scheduler``.
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    count, seed = check_samples(samples, seed)
    core, exterior = _threshold(core, "core"), _threshold(exterior, "exterior")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError([Problem("workers", f"must be at least 1, got {workers!r}")])
    if exterior >= core:
        raise InputError(
            [
                Problem(
                    "exterior",
                    f"must be below core ({core:g}), got {exterior:g}",
                )
            ]
        )
    inst = as_instance(inst)
    began = time.perf_counter()
    params = uncertain_parameters(inst)
    values = draw(params, count, seed)
    plan = solve(inst, settings)
    messages = []
    if not params:
        messages.append(
            "the instance has no weight_range or uncertainty ranges: every sample "
            "is the given data"
        )
    rows: list[dict[str, Any]] = []
    if plan.has_plan:
        tasks = [
            SampleTask(
                sample=k,
                values=tuple(float(v) for v in values[k]),
                params=params,
                settings=settings,
                given=dict(plan.starts),
                given_variants=dict(plan.variants),
                given_funding=dict(plan.funding),
            )
            for k in range(count)
        ]
        report: Callable[[int, int], None] | None = (
            print_progress if progress is True else progress or None
        )
        rows = run_all(
            inst,
            solve_sample,
            tasks,
            workers=workers,
            scheduler=scheduler,
            progress=report,
        )
    else:
        messages.append(
            f"no plan for the given values ({plan.status.value}): the samples were "
            "not solved"
        )
    samples_frame = _samples_frame(inst, params, values, rows)
    result = Robustness(
        instance=inst,
        plan=plan,
        table=pd.DataFrame(columns=CORE_COLUMNS),
        samples=samples_frame,
        parameters=_parameters_frame(params),
        samples_asked=count,
        seed=seed,
        core=core,
        exterior=exterior,
        messages=messages,
    )
    result.table = _core_table(inst, plan, rows, core, exterior)
    if result.limited or result.failed:
        result.messages.append(
            f"{result.limited} sample(s) hit the time limit and {result.failed} "
            "had no verified plan: they are left out of the core index and the "
            "regret"
        )
    result.seconds = time.perf_counter() - began
    return result


def _parameters_frame(params: tuple[Parameter, ...]) -> pd.DataFrame:
    records = [
        {"value": p.label, "kind": p.kind, "low": p.low, "mode": p.mode, "high": p.high}
        for p in params
    ]
    return pd.DataFrame(records, columns=["value", "kind", "low", "mode", "high"])


def _samples_frame(
    inst: Instance,
    params: tuple[Parameter, ...],
    values: np.ndarray,
    rows: list[dict[str, Any]],
) -> pd.DataFrame:
    columns = [
        "sample", "status", "verified", "optimum", "gap", "n_selected", "selected",
        "given_score", "given_fits", "regret", "seconds",
    ]  # fmt: skip
    records = []
    for row in rows:
        starts = {i: inst.periods[t] for i, t in row["starts"].items()}
        proven = row["status"] == Status.OPTIMAL.value and row["verified"]
        record = {k: row[k] for k in columns if k in row}
        record["n_selected"] = len(starts)
        record["selected"] = selected_string(starts)
        fits = proven and row["given_fits"]
        record["regret"] = row["optimum"] - row["given_score"] if fits else math.nan
        for p, value in zip(params, values[row["sample"]], strict=True):
            record[p.label] = float(value)
        records.append(record)
    frame = pd.DataFrame(records, columns=[*columns, *(p.label for p in params)])
    return frame.sort_values("sample", kind="stable").reset_index(drop=True)


def _core_table(
    inst: Instance,
    plan: Plan,
    rows: list[dict[str, Any]],
    core: float,
    exterior: float,
) -> pd.DataFrame:
    counted = [r for r in rows if r["status"] == "optimal" and r["verified"]]
    n = len(counted)
    records = []
    for ini in inst.initiatives:
        starts = [r["starts"][ini.id] for r in counted if ini.id in r["starts"]]
        share = len(starts) / n if n else math.nan
        if not n:
            kind = "unknown"
        elif share >= core:
            kind = "core"
        elif share <= exterior:
            kind = "exterior"
        else:
            kind = "borderline"
        records.append(
            {
                "id": ini.id,
                "core_index": share,
                "class": kind,
                "in_plan": plan.has_plan and ini.id in plan.starts,
                "mean_start": float(np.mean(starts)) + 1 if starts else math.nan,
                "plan_start": plan.starts.get(ini.id, "") if plan.has_plan else "",
                "samples_funded": len(starts),
                "name": ini.name,
            }
        )
    frame = pd.DataFrame(records, columns=CORE_COLUMNS)
    # by core index, highest first; ties in instance order
    order = np.lexsort((np.arange(len(frame)), -frame["core_index"].fillna(-1.0)))
    return frame.iloc[order].reset_index(drop=True)
