"""The reported plan: status, figures and tables, assembled from a verified solve.

:func:`make_plan` is the only place a status is decided: a plan HiGHS found is
verified first, and one that fails verification is reported as ``error``.
"""

from __future__ import annotations

import enum
import html
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.outcome import Choice, SolveOutcome, Termination
from pathway_opt.verification.verifier import Verification, check_claim, verify


class Status(enum.Enum):
    """What a plan is: the contract's `status` values with their exit codes."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    ERROR = "error"

    def __str__(self) -> str:
        """The contract's word: ``optimal``, ``feasible``, ``infeasible``, ..."""
        return self.value

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this status."""
        return {"optimal": 0, "feasible": 0, "infeasible": 3, "no_solution": 4}.get(
            self.value, 5
        )

    @property
    def has_plan(self) -> bool:
        """Whether a plan of this status holds a verified solution to report."""
        return self in (Status.OPTIMAL, Status.FEASIBLE)


#: Columns of :meth:`Plan.usage_table`: one row per budget or resource and period.
USAGE_COLUMNS = [
    "kind", "id", "name", "unit", "period", "limit", "used", "slack", "utilisation",
    "carry_over", "cumulative_limit", "cumulative_used", "limit_applies_to",
]  # fmt: skip
#: Columns of :meth:`Plan.funding_table`.
FUNDING_COLUMNS = ["initiative", "budget", "period", "amount"]
#: The usage fields of the plan JSON's ``budgets`` and ``resources`` records.
_JSON_USAGE = [
    "id", "period", "used", "limit", "cumulative_used", "cumulative_limit",
    "limit_applies_to", "slack",
]  # fmt: skip


@dataclass
class Plan:
    """A solved (or failed) instance, with every figure recomputed by the verifier.

    ``repr(plan)`` is one line (status, objective, gap, how many selected); in a
    notebook the plan shows as a summary table with the selected initiatives.
    """

    instance: Instance
    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    starts: dict[str, str] = field(default_factory=dict)
    """Selected initiative id -> start period label."""
    variants: dict[str, str] = field(default_factory=dict)
    """Selected initiative id -> the variant it runs as (absent: as given)."""
    funding: dict[tuple[str, str, str], float] = field(default_factory=dict)
    """(initiative id, budget id, period label) -> what the budget pays of the
    cost of an initiative with ``funded_by`` in that period."""
    verification: Verification | None = None
    messages: list[str] = field(default_factory=list)
    """Why there is no plan, or what failed; empty for a verified plan."""
    solver: str = ""
    termination: str = ""
    seconds: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent building the model, handing it to HiGHS, in HiGHS,
    verifying and explaining, and in total."""
    changes: dict[str, list[str]] | None = None
    """Against a baseline plan: initiatives added, removed and moved (the fields
    of :func:`changes_between`)."""
    method: str = ""
    """The method that solved: ``highs``, or ``heuristic`` (the heuristic's plan,
    then HiGHS from it where the model allows); '' for a plan not from solve."""
    found_by: str = ""
    """Who found the plan reported: ``highs`` or ``heuristic`` ('' without one)."""
    bound_source: str = ""
    """Where ``bound`` comes from: ``highs`` (its branch and bound),
    ``lagrangian`` (the Lagrangian dual) or ``lp``; '' without a bound."""
    warm_started: bool = False
    """Whether the previous plan was offered to HiGHS as a first plan."""
    robust: dict[str, Any] | None = None
    """Set by ``solve_robust``: the robust measure (``cvar``, ``alpha``), the
    samples and seed, the plan's CVaR (``cvar``, ``cvar_bound``, ``cvar_gap``),
    mean sampled score (``mean``) and score with the given values
    (``objective``), and the same figures of the plan for the given values
    (``given_plan_*``), as plain values (the plan JSON's ``robust`` section)."""
    explanations: dict[str, Any] | None = None
    """Set by ``pathway_opt.explanations``: repairs, why in / why out, what binds
    and the bottleneck grid, as plain records (written as the JSON's
    ``explanations`` section and as the Why and Bottlenecks sheets)."""

    @property
    def verified(self) -> bool:
        """True when a plan exists and the verifier accepted it."""
        return self.verification is not None and self.verification.ok

    @property
    def has_plan(self) -> bool:
        """Whether there is a verified solution to report (optimal or feasible)."""
        return self.status.has_plan

    @property
    def exit_code(self) -> int:
        """The command line's exit code."""
        return self.status.exit_code

    def selected_table(self) -> pd.DataFrame:
        """Selected initiatives: id, name, type, department, partner, start, ...

        ... variant (empty: as given), expected value and total cost (of the
        version run).
        """
        values = self.verification.values if self.verification else {}
        rows = [
            {
                "id": ini.id,
                "name": ini.name,
                "type": ini.type,
                "department": ini.department or "",
                "partner": ini.partner or "",
                "start": self.starts[ini.id],
                "variant": self.variants.get(ini.id, ""),
                "expected_value": values.get(ini.id, 0.0),
                "total_cost": sum(
                    ini.version(self.variants.get(ini.id)).cost_profile()
                ),
            }
            for ini in self.instance.initiatives
            if ini.id in self.starts
        ]
        columns = ["id", "name", "type", "department", "partner", "start", "variant"]
        return pd.DataFrame(rows, columns=[*columns, "expected_value", "total_cost"])

    def funding_table(self) -> pd.DataFrame:
        """The funding split: initiative, budget, period, amount (in that order).

        One row per initiative with ``funded_by``, budget and period where the
        budget pays something; no rows without a plan.
        """
        rows = (
            [
                {"initiative": i, "budget": b, "period": p, "amount": amount}
                for (i, b, p), amount in self.funding.items()
            ]
            if self.has_plan
            else []
        )
        return pd.DataFrame(rows, columns=FUNDING_COLUMNS)

    def usage_table(self) -> pd.DataFrame:
        """Budget and resource use per period, as recomputed by the verifier.

        One row per budget or resource and period: ``kind`` (``budget`` or
        ``resource``), ``id``, ``name``, ``unit`` (the currency for a budget),
        ``period``, ``limit`` (a resource's capacity), ``used``, ``slack`` and
        ``utilisation`` (used / limit, cumulative for a carry-over budget; NaN
        for a limit of 0), ``carry_over``, ``cumulative_limit``,
        ``cumulative_used`` and ``limit_applies_to`` (``period`` or
        ``cumulative``). The plan workbook's Budgets and Resources sheets are
        this table's rows. No rows without a plan.
        """
        if not self.has_plan or self.verification is None:
            return pd.DataFrame([], columns=USAGE_COLUMNS)
        inst = self.instance
        budgets = {b.id: b for b in inst.budgets}
        resources = {r.id: r for r in inst.resources}
        rows = []
        for u in self.verification.usage:
            cumulative = u.binding_on == "cumulative"
            budget = budgets.get(u.id) if u.kind == "budget" else None
            owner = budget or resources[u.id]
            rows.append(
                {
                    "kind": u.kind,
                    "id": u.id,
                    "name": owner.name,
                    "unit": inst.currency if budget else resources[u.id].unit,
                    "period": u.period,
                    "limit": u.limit,
                    "used": u.used,
                    "slack": u.slack,
                    "utilisation": _ratio(u.cumulative_used, u.cumulative_limit)
                    if cumulative
                    else _ratio(u.used, u.limit),
                    "carry_over": bool(budget and budget.carry_over),
                    "cumulative_limit": u.cumulative_limit,
                    "cumulative_used": u.cumulative_used,
                    "limit_applies_to": u.binding_on,
                }
            )
        return pd.DataFrame(rows, columns=USAGE_COLUMNS)

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON of the contract, plus figures and provenance."""
        has_plan = self.has_plan
        usage = self.usage_table()
        usage = usage[["kind", *_JSON_USAGE]]
        by_id = {i.id: i for i in self.instance.initiatives}
        result: dict[str, Any] = {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "bound_source": self.bound_source or None,
            "found_by": self.found_by or None,
            "method": self.method or None,
            "selected": [
                {
                    "id": row["id"],
                    "start": row["start"],
                    "variant": row["variant"] or None,
                    "expected_value": row["expected_value"],
                    **_forced_entry(by_id[row["id"]]),
                }
                for row in self.selected_table().to_dict("records")
            ]
            if has_plan
            else [],
            "not_selected": [
                {"id": ini.id, **_forced_entry(ini)}
                for ini in self.instance.initiatives
                if ini.id not in self.starts
            ]
            if has_plan
            else [],
            "verified": self.verified,
            "messages": list(self.messages),
            "instance": self.instance.name,
            "budgets": _records(usage[usage["kind"] == "budget"]) if has_plan else [],
            "resources": _records(usage[usage["kind"] == "resource"])
            if has_plan
            else [],
            "funding": _records(self.funding_table()),
            "committed_beyond_horizon": (
                dict(self.verification.beyond_horizon)
                if has_plan and self.verification
                else {}
            ),
            "solver": {
                "name": self.solver,
                "termination": self.termination,
                "seconds": round(self.seconds, 3),
                "timings": {k: round(v, 3) for k, v in self.timings.items()},
            },
            "settings": dict(self.settings),
            "weights": self.instance.weights,
            "weights_source": self.instance.weights_source.to_dict(),
        }
        if self.changes is not None:
            result["changes"] = {k: list(v) for k, v in self.changes.items()}
        if self.robust is not None:
            result["robust"] = dict(self.robust)
        if self.explanations is not None:
            result["explanations"] = self.explanations
        return result

    def __repr__(self) -> str:
        """One line: status, objective, gap and how many initiatives are selected."""
        selected = len(self.starts) if self.has_plan else 0
        verified = ", verified" if self.verified else ""
        return (
            f"<Plan {self.status}, objective {_figure(self.objective)}, gap "
            f"{_gap(self.gap)}, {selected} of {len(self.instance.initiatives)} "
            f"selected{verified}>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: the figures, then the selected initiatives."""
        fields = [
            ("status", str(self.status)),
            ("verified", "yes" if self.verified else "no"),
            ("objective", _figure(self.objective)),
            ("bound", _figure(self.bound)),
            ("gap", _gap(self.gap)),
            ("selected", f"{len(self.starts) if self.has_plan else 0} of "
             f"{len(self.instance.initiatives)}"),
        ]  # fmt: skip
        fields += [("message", m) for m in self.messages]
        columns = ["id", "name", "start", "expected_value"]
        if self.variants:
            columns.insert(3, "variant")
        shown = self.selected_table()[columns]
        return html_summary(
            f"Plan: {self.instance.name}", fields, shown if self.has_plan else None
        )


class Changes(NamedTuple):
    """Initiatives added, removed and moved, by id.

    Moved: started in another period, or run as another variant.
    """

    added: list[str]
    removed: list[str]
    moved: list[str]


def _forced_entry(ini: Initiative) -> dict[str, str]:
    """``decision`` and ``decision_reason`` of a forced initiative, else {}."""
    if ini.decision == "optional":
        return {}
    entry: dict[str, str] = {"decision": ini.decision}
    if ini.decision_reason:
        entry["decision_reason"] = ini.decision_reason
    return entry


def changes_between(
    before: Mapping[str, str],
    after: Mapping[str, str],
    variants_before: Mapping[str, str] | None = None,
    variants_after: Mapping[str, str] | None = None,
) -> Changes:
    """What changed from one plan's starts (initiative id -> start) to another's.

    An initiative kept but started in another period, or run as another
    variant (``variants_*``: the plans' ``variants``), counts as moved. Each
    list is sorted by id.
    """
    old, new = variants_before or {}, variants_after or {}
    return Changes(
        added=sorted(set(after) - set(before)),
        removed=sorted(set(before) - set(after)),
        moved=sorted(
            i
            for i in set(before) & set(after)
            if before[i] != after[i] or old.get(i) != new.get(i)
        ),
    )


def _ratio(used: float, limit: float) -> float | None:
    return used / limit if limit > 0 else None


def _figure(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.4f}"


def _gap(value: float | None) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:.2%}"


#: Most rows of a table a notebook summary shows (head and tail beyond that).
HTML_ROWS = 12


def html_summary(
    title: str,
    fields: Sequence[tuple[str, Any]],
    table: pd.DataFrame | None = None,
    caption: str = "",
) -> str:
    """A compact notebook view: a title, a two-column table of fields, a table.

    Every text is escaped; ``table`` shows at most :data:`HTML_ROWS` rows.
    """
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
        f"<td style='text-align:left'>{html.escape(str(v))}</td></tr>"
        for k, v in fields
    )
    parts = [f"<div><strong>{html.escape(title)}</strong>", f"<table>{cells}</table>"]
    if caption:
        parts.append(f"<p>{html.escape(caption)}</p>")
    if table is not None:
        parts.append(
            table.to_html(
                index=False,
                max_rows=HTML_ROWS,
                float_format=lambda v: f"{v:,.4f}",
                na_rep="-",
                border=0,
            )
        )
    parts.append("</div>")
    return "".join(parts)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): v for k, v in row.items() if k != "kind"}
        for row in frame.to_dict("records")
    ]


class Checked(NamedTuple):
    """An improving plan verified while HiGHS ran."""

    starts: dict[str, int]
    """As HiGHS sent it: initiative id -> start period index."""
    named: dict[str, str]
    """Initiative id -> start period label."""
    verification: Verification
    funding: dict[tuple[str, str, str], float]
    """The funding split with period labels."""


class CheckAhead:
    """Verifies the improving plans HiGHS sends while it is still running.

    A solve in HiGHS's own process streams each improving plan, and this process
    would otherwise wait idle until the run ends. The run usually ends with the
    last plan sent, so :func:`make_plan` finds that plan already verified (against
    the same instance) and only compares HiGHS's claimed objective.
    """

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.seconds = 0.0
        """Time spent verifying plans while HiGHS ran."""
        self._checked: Checked | None = None

    def offer(self, choice: Choice) -> None:
        """Verify an improving plan (starts as period indices)."""
        began = time.perf_counter()
        self._checked = None
        try:
            named = _named(self.inst, choice.starts)
            funding = _funding_named(self.inst, choice.funding)
            check = verify(self.inst, named, None, choice.variants, funding)
            self._checked = Checked(
                starts=choice.starts, named=named, verification=check, funding=funding
            )
        except Exception:  # make_plan verifies the final plan again and reports it
            pass
        self.seconds += time.perf_counter() - began

    def take(self, starts: dict[str, int]) -> Checked | None:
        """The plan checked, if ``starts`` is the very object checked.

        Its verification is a copy, free to change.
        """
        checked = self._checked
        if checked is None or checked.starts is not starts:
            return None
        check = checked.verification
        return checked._replace(
            verification=replace(check, problems=list(check.problems))
        )


def _named(inst: Instance, starts: dict[str, int]) -> dict[str, str]:
    """Initiative id -> start period label."""
    index = np.fromiter(starts.values(), np.int64, len(starts))
    periods = np.array(inst.periods, dtype=object)[index].tolist()
    return dict(zip(starts, periods, strict=True))


def _funding_named(
    inst: Instance, funding: Mapping[tuple[str, str, int], float]
) -> dict[tuple[str, str, str], float]:
    """The funding split with period labels."""
    return {(i, b, inst.periods[t]): v for (i, b, t), v in funding.items()}


def make_plan(
    inst: Instance, outcome: SolveOutcome, ahead: CheckAhead | None = None
) -> Plan:
    """Verify what HiGHS returned and decide the status.

    ``ahead`` holds the verification of the plan, when it was verified while
    HiGHS ran.
    """
    plan = Plan(
        instance=inst,
        status=Status.ERROR,
        solver=outcome.solver,
        termination=outcome.termination.value,
        seconds=outcome.seconds,
        settings=outcome.settings.to_dict(),
        bound=outcome.bound,
        bound_source="" if outcome.bound is None else "highs",
    )
    if outcome.termination == Termination.ERROR:
        plan.messages.append(f"HiGHS failed: {outcome.detail}")
        return plan
    if outcome.starts is None:
        plan.status = (
            Status.INFEASIBLE
            if outcome.termination == Termination.INFEASIBLE
            else Status.NO_SOLUTION
        )
        if plan.status == Status.NO_SOLUTION:
            plan.messages.append(
                "the time limit was reached before any plan was found; allow more time"
                if outcome.settings.node_limit is None
                else "the time or node limit was reached before any plan was "
                "found; allow more time or more nodes"
            )
        return plan
    checked = None if ahead is None else ahead.take(outcome.starts)
    plan.variants = dict(outcome.variants)
    if checked is None:
        plan.starts = _named(inst, outcome.starts)
        plan.funding = _funding_named(inst, outcome.funding)
        check = verify(
            inst, plan.starts, outcome.objective, plan.variants, plan.funding
        )
    else:
        plan.starts, check = checked.named, checked.verification
        plan.funding = checked.funding
        check_claim(check, outcome.objective)
    plan.verification = check
    plan.objective = check.objective
    plan.gap = outcome.gap
    if not check.ok:
        plan.messages.extend(f"verification failed: {p}" for p in check.problems)
        return plan
    plan.status = (
        Status.OPTIMAL
        if outcome.termination == Termination.OPTIMAL
        else Status.FEASIBLE
    )
    plan.found_by = "highs"
    return plan
