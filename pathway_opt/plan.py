"""The reported plan: status, figures and tables, assembled from a verified solve.

:func:`make_plan` is the only place a status is decided: a plan HiGHS found is
verified first, and one that fails verification is reported as ``error``.
"""

from __future__ import annotations

import enum
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from pathway_opt.schema.instance import Instance
from pathway_opt.solver.outcome import SolveOutcome, Termination
from pathway_opt.verification.verifier import Verification, check_claim, verify


class Status(enum.Enum):
    """What a plan is: the contract's `status` values with their exit codes."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    ERROR = "error"

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this status."""
        return {"optimal": 0, "feasible": 0, "infeasible": 3, "no_solution": 4}.get(
            self.value, 5
        )


@dataclass
class Plan:
    """A solved (or failed) instance, with every figure recomputed by the verifier."""

    instance: Instance
    status: Status
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    starts: dict[str, str] = field(default_factory=dict)
    """Selected initiative id -> start period label."""
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
    """Against a baseline plan: initiatives added, removed and moved."""
    warm_started: bool = False
    """Whether the previous plan was offered to HiGHS as a first plan."""
    explanations: dict[str, Any] | None = None
    """Set by ``pathway_opt.explanations``: repairs, why in / why out, what binds
    and the bottleneck grid, as plain records (written as the JSON's
    ``explanations`` section and as the Why and Bottlenecks sheets)."""

    @property
    def verified(self) -> bool:
        """True when a plan exists and the verifier accepted it."""
        return self.verification is not None and self.verification.ok

    @property
    def exit_code(self) -> int:
        """The command line's exit code."""
        return self.status.exit_code

    def selected_table(self) -> pd.DataFrame:
        """Selected initiatives: id, name, type, department, partner, start, value."""
        values = self.verification.values if self.verification else {}
        budgets = self.instance.budget_ids()
        rows = [
            {
                "id": ini.id,
                "name": ini.name,
                "type": ini.type,
                "department": ini.department or "",
                "partner": ini.partner or "",
                "start": self.starts[ini.id],
                "expected_value": values.get(ini.id, 0.0),
                "total_cost": sum(sum(p) for p in ini.cost_by_budget(budgets).values()),
            }
            for ini in self.instance.initiatives
            if ini.id in self.starts
        ]
        columns = ["id", "name", "type", "department", "partner", "start"]
        return pd.DataFrame(rows, columns=[*columns, "expected_value", "total_cost"])

    def usage_table(self) -> pd.DataFrame:
        """Budget and resource use per period, as recomputed by the verifier."""
        rows = [
            {
                "kind": u.kind,
                "id": u.id,
                "period": u.period,
                "used": u.used,
                "limit": u.limit,
                "cumulative_used": u.cumulative_used,
                "cumulative_limit": u.cumulative_limit,
                "limit_applies_to": u.binding_on,
                "slack": u.slack,
            }
            for u in (self.verification.usage if self.verification else [])
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "kind",
                "id",
                "period",
                "used",
                "limit",
                "cumulative_used",
                "cumulative_limit",
                "limit_applies_to",
                "slack",
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        """The plan JSON of the contract, plus figures and provenance."""
        has_plan = self.status in (Status.OPTIMAL, Status.FEASIBLE)
        usage = self.usage_table()
        result: dict[str, Any] = {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "selected": [
                {
                    "id": row["id"],
                    "start": row["start"],
                    "expected_value": row["expected_value"],
                }
                for row in self.selected_table().to_dict("records")
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
        }
        if self.changes is not None:
            result["changes"] = {k: list(v) for k, v in self.changes.items()}
        if self.explanations is not None:
            result["explanations"] = self.explanations
        return result


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): v for k, v in row.items() if k != "kind"}
        for row in frame.to_dict("records")
    ]


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
        self._checked: tuple[dict[str, int], dict[str, str], Verification] | None
        self._checked = None

    def offer(self, starts: dict[str, int]) -> None:
        """Verify an improving plan (initiative id -> start period index)."""
        began = time.perf_counter()
        self._checked = None
        try:
            named = _named(self.inst, starts)
            self._checked = (starts, named, verify(self.inst, named))
        except Exception:  # make_plan verifies the final plan again and reports it
            pass
        self.seconds += time.perf_counter() - began

    def take(
        self, starts: dict[str, int]
    ) -> tuple[dict[str, str], Verification] | None:
        """The named plan and its verification, if ``starts`` is the one checked."""
        if self._checked is None or self._checked[0] is not starts:
            return None
        _, named, check = self._checked
        return named, replace(check, problems=list(check.problems))


def _named(inst: Instance, starts: dict[str, int]) -> dict[str, str]:
    """Initiative id -> start period label."""
    index = np.fromiter(starts.values(), np.int64, len(starts))
    periods = np.array(inst.periods, dtype=object)[index].tolist()
    return dict(zip(starts, periods, strict=True))


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
                "the time limit was reached before any plan was found; "
                "allow more time (--time-limit)"
                if outcome.settings.node_limit is None
                else "the time or node limit was reached before any plan was "
                "found; allow more (--time-limit, --node-limit)"
            )
        return plan
    checked = None if ahead is None else ahead.take(outcome.starts)
    if checked is None:
        plan.starts = _named(inst, outcome.starts)
        check = verify(inst, plan.starts, outcome.objective)
    else:
        plan.starts, check = checked
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
    return plan
