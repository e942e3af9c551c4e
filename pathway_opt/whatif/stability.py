r"""Weight stability: how far each weight may move before the plan changes.

For each criterion, with the other weights held as given (weights need not sum
to 1), :func:`stability` finds the interval of its weight over which the funded
set of the optimal plan stays optimal (start periods may move), the interval of
the exact plan, and which initiatives enter and leave in the plan that takes
over beyond each end. The ends are found by parametric re-solves of one built
model, objective-only changes (:mod:`pathway_opt.whatif.weight_walk` has the
method), and each is where two plans' score lines meet. Three models are built:
the instance's, one with every weight and bonus 0 (for the largest slope) and,
when start periods change a plan's value, one with the funded set fixed. With
several optimal plans at the weights as given, the intervals are those of the
plan HiGHS returned (the solves are deterministic). The weight varied is the
one the objective uses: the criterion's ``weight``, or the weight derived from
``criteria_comparisons``; moving it turns the others into given weights at
their derived values (as ``Session.set_weight`` does), so they stay put.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from pathway_opt.errors import InputError, Problem, SolverError, listing
from pathway_opt.pipeline import InstanceSource, as_instance
from pathway_opt.plan import Plan, Status, html_summary
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import check_values
from pathway_opt.schema.rules import SynergyRule
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.whatif.session import Session
from pathway_opt.whatif.weight_lines import Lines, Probe, Unproven, steepest
from pathway_opt.whatif.weight_walk import End, Search

#: Default relative tolerance in weight: two weights closer than this (times
#: max(1, weight)) are one point.
TOLERANCE = 1e-6
#: Absolute gap (score points) of every re-solve at most: HiGHS proves optimality
#: this closely at no measurable cost on the provincial example, and the ends
#: are then exact to ``tolerance`` in weight unless two plans' slopes differ by
#: less than about 1e-3 (a message says so).
ABS_GAP = 1e-9

#: Columns of :attr:`Stability.intervals`, in order.
COLUMNS = [
    "criterion",
    "weight",
    "low",
    "high",
    "low_enters",
    "low_leaves",
    "high_enters",
    "high_leaves",
    "schedule_low",
    "schedule_high",
    "status",
    "solves",
    "seconds",
    "tolerance",
]

Progress = Callable[[int, int], None]


@dataclass(repr=False)
class Stability:
    """Per criterion, the weights over which the optimal funded set stays optimal.

    ``repr`` is one line; in a notebook it shows as a summary with the table.
    """

    intervals: pd.DataFrame
    """One row per criterion: ``criterion``, ``weight`` (as the objective uses
    it: given, or derived from the judgements), ``low`` and
    ``high`` (the interval of that weight, others held, over which the plan's
    funded set stays optimal; ``low`` 0: still optimal at weight 0, ``high``
    ``inf``: no weight ends it), ``low_enters`` /
    ``low_leaves`` and ``high_enters`` / ``high_leaves`` (initiatives, ``;``
    separated, funded / no longer funded by the plan that is optimal just
    beyond that end), ``schedule_low`` / ``schedule_high`` (the interval of the
    exact plan, start periods included), ``status`` (``optimal`` when every
    re-solve was proven; otherwise the failed solve's status and the ends not
    found are NaN), ``solves``, ``seconds``, ``tolerance``."""
    plan: Plan
    """The plan at the weights as given."""
    tolerance: float
    """Relative tolerance in weight."""
    messages: list[str] = field(default_factory=list)
    solves: int = 0
    """Every solve: the plan's, and each criterion's."""
    seconds: float = 0.0

    def file_table(self) -> pd.DataFrame:
        """The intervals as CSV and workbook files have them: unbounded ends blank."""
        table = self.intervals.copy()
        for column in ("high", "schedule_high"):
            table[column] = table[column].where(~table[column].isin([math.inf]))
        return table

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this result.

        Without a proven optimal plan: 4 for a feasible one, else the plan's;
        otherwise 0 when every criterion's search was proven, 4 when a time
        limit stopped one, 5 on an error.
        """
        if self.plan.status != Status.OPTIMAL:
            return 4 if self.plan.status == Status.FEASIBLE else self.plan.exit_code
        statuses = set(self.intervals["status"])
        if "error" in statuses:
            return 5
        return 4 if statuses - {"optimal"} else 0

    def __repr__(self) -> str:
        """One line: criteria, the plan's status and score, solves, seconds."""
        plan = self.plan
        score = "-" if plan.objective is None else f"{plan.objective:,.4f}"
        return (
            f"<Stability of {len(self.intervals)} weight(s) around a plan "
            f"{plan.status} at {score}, {self.solves} solves in {self.seconds:.1f} s>"
        )

    def _repr_html_(self) -> str:
        """The notebook view: the figures, then the intervals."""
        fields: list[tuple[str, Any]] = [
            ("plan", repr(self.plan)),
            ("criteria", len(self.intervals)),
            ("tolerance (relative, in weight)", f"{self.tolerance:g}"),
            ("solves", self.solves),
            ("seconds", f"{self.seconds:.2f}"),
        ]
        fields += [("message", m) for m in self.messages]
        shown = None
        if not self.intervals.empty:
            shown = self.file_table()[
                ["criterion", "weight", "low", "high", "high_enters", "high_leaves",
                 "low_enters", "low_leaves", "status"]
            ]  # fmt: skip
        return html_summary("Weight stability", fields, shown)


def stability(
    inst: InstanceSource,
    criteria: str | Sequence[str] | None = None,
    *,
    tolerance: float = TOLERANCE,
    settings: SolveSettings | None = None,
    progress: Progress | None = None,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
) -> Stability:
    """Per criterion, the weights over which the plan's funded set stays optimal.

    One weight moves, the others are held; the ends are found by parametric
    re-solves of one built model (see the module's docstring).

    Args:
        inst: the instance, or the path of its file.
        criteria: criterion id(s) to analyse (default: every criterion).
        tolerance: relative tolerance in weight (default 1e-6).
        settings: settings of every solve (a time limit is per solve); or give
            ``time_limit``, ``threads``, ``mip_gap`` as keywords.
        progress: called as ``progress(done, total)``: with 0 once the plan is
            solved, then after each criterion.
        time_limit: seconds each solve may take.
        threads: threads HiGHS may use.
        mip_gap: relative gap at which a plan counts as optimal (default 0;
            the ends are then exact only to that gap).

    Raises:
        InputError: for an unknown criterion, a bad tolerance, a bad solve
            option (or ``settings`` with a keyword option), or an instance that
            does not load or holds a value of 1e15 or more.
    """
    settings = settings_from(
        settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
    )
    settings = replace(settings, mip_abs_gap=min(settings.mip_abs_gap, ABS_GAP))
    inst = check_values(as_instance(inst))
    chosen = _chosen(inst, criteria)
    tolerance = _checked_tolerance(tolerance)
    began = time.perf_counter()
    session = Session(inst, settings)
    plan = session.solve()
    result = Stability(
        intervals=pd.DataFrame([], columns=COLUMNS),
        plan=plan,
        tolerance=tolerance,
        solves=1,
    )
    if plan.status != Status.OPTIMAL:
        result.messages.append(
            f"no weight stability without a proven optimal plan: the plan is "
            f"{plan.status}"
        )
        result.messages += plan.messages
        result.seconds = time.perf_counter() - began
        return result
    context = _Context(inst, session, plan, settings, tolerance)
    rows = []
    if progress is not None:
        progress(0, len(chosen))
    for k, criterion in enumerate(chosen):
        rows.append(context.criterion_row(criterion))
        if progress is not None:
            progress(k + 1, len(chosen))
    result.intervals = pd.DataFrame(rows, columns=COLUMNS)
    result.messages += context.messages
    result.solves += int(result.intervals["solves"].sum())
    result.seconds = time.perf_counter() - began
    return result


def _chosen(inst: Instance, criteria: str | Sequence[str] | None) -> list[str]:
    ids = [c.id for c in inst.criteria]
    if criteria is None:
        return ids
    given = [criteria] if isinstance(criteria, str) else criteria
    if not isinstance(given, Sequence) or not all(isinstance(c, str) for c in given):
        raise InputError(
            [Problem("criteria", f"must be criterion ids; they are {listing(ids)}")]
        )
    unknown = [c for c in given if c not in ids]
    if unknown or not given:
        what = f"unknown criterion {listing(unknown)}" if unknown else "is empty"
        raise InputError(
            [Problem("criteria", f"{what}; the criteria are {listing(ids)}")]
        )
    return list(dict.fromkeys(given))


def _checked_tolerance(value: Any) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not 0 < value <= 0.1:
        raise InputError(
            [
                Problem(
                    "tolerance",
                    f"must be a number above 0 and at most 0.1, got {value!r}",
                )
            ]
        )
    return float(value)


def _slope_instance(inst: Instance) -> Instance:
    """The instance with every weight and synergy bonus 0 (a plan's score: 0).

    Judgements are dropped, so the weights are the given zeros.
    """
    criteria = [c.model_copy(update={"weight": 0.0}) for c in inst.criteria]
    rules = [
        r.model_copy(update={"bonus": 0.0}) if isinstance(r, SynergyRule) else r
        for r in inst.rules
    ]
    return inst.model_copy(
        update={"criteria": criteria, "rules": rules, "criteria_comparisons": []}
    )


def _fixed_instance(inst: Instance, funded: frozenset[str]) -> Instance:
    """The instance with exactly ``funded`` funded (start periods left free)."""
    initiatives = [
        i.model_copy(update={"decision": "must" if i.id in funded else "never"})
        for i in inst.initiatives
    ]
    return inst.model_copy(update={"initiatives": initiatives})


class _Context:
    """What every criterion's search shares: the sessions and the plan."""

    def __init__(
        self,
        inst: Instance,
        session: Session,
        plan: Plan,
        settings: SolveSettings,
        tolerance: float,
    ) -> None:
        self.inst = inst
        self.session = session
        self.plan = plan
        self.settings = settings
        self.tolerance = tolerance
        self.funded = frozenset(plan.starts)
        self.messages: list[str] = []
        self.known: list[dict[str, str]] = []
        """Every plan found so far: later walks start from where one overtakes."""
        self._slopes: Session | None = None
        self._fixed: Session | None = None

    def slopes(self) -> Session:
        """The model with every weight and bonus 0 (built when first needed)."""
        if self._slopes is None:
            self._slopes = Session(_slope_instance(self.inst), self.settings)
        return self._slopes

    def fixed(self) -> Session | None:
        """The model with the plan's funded set fixed (built when first needed).

        None when start periods do not change a plan's value (no discount).
        """
        if self.inst.settings.delay_discount == 1.0:
            return None
        if self._fixed is None:
            self._fixed = Session(
                _fixed_instance(self.inst, self.funded), self.settings
            )
        return self._fixed

    def criterion_row(self, criterion: str) -> dict[str, Any]:
        """Search both ends of one criterion's interval."""
        began = time.perf_counter()
        lines = Lines(self.inst, criterion)
        free = Probe(self.session, lines, self.settings, self.known)
        fixed_session = self.fixed()
        fixed = (
            None
            if fixed_session is None
            else Probe(fixed_session, lines, self.settings, self.known)
        )
        base = lines.line(self.plan.starts)
        row: dict[str, Any] = {c: math.nan for c in COLUMNS}
        row |= {
            "criterion": criterion,
            "weight": lines.base_weight,
            "status": "optimal",
        }
        row |= {
            k: "" for k in ("low_enters", "low_leaves", "high_enters", "high_leaves")
        }
        searched = 0
        try:
            top = steepest(self.slopes(), lines, self.settings)
            searched = 1
            if top.starts not in self.known:
                self.known.append(top.starts)
            search = Search(free, fixed, base, top, self.tolerance, self.known)
            try:
                for side, d in (("high", 1), ("low", -1)):
                    self._record(row, side, search.side(d))
            finally:
                self.messages += search.messages
        except Unproven as exc:
            row["status"] = exc.plan.status.value
            where = "" if math.isinf(exc.weight) else f" at weight {exc.weight:.6g}"
            detail = "; ".join(exc.plan.messages)
            self.messages.append(
                f'criterion "{criterion}": a re-solve{where} ended {exc.plan.status}'
                f"{': ' + detail if detail else ''}; the ends it would decide are "
                "left blank"
            )
        except SolverError as exc:
            row["status"] = "error"
            self.messages.append(f'criterion "{criterion}": {exc}')
        finally:
            free.restore()
            if fixed is not None:
                fixed.restore()
        row["solves"] = searched + free.solves + (fixed.solves if fixed else 0)
        row["seconds"] = time.perf_counter() - began
        row["tolerance"] = self.tolerance
        return row

    def _record(self, row: dict[str, Any], side: str, end: End) -> None:
        row[side] = _rounded(end.weight)
        row[f"schedule_{side}"] = _rounded(end.schedule)
        if end.rival is not None:
            row[f"{side}_enters"] = ";".join(sorted(end.rival.funded - self.funded))
            row[f"{side}_leaves"] = ";".join(sorted(self.funded - end.rival.funded))


def _rounded(weight: float) -> float:
    """An end to 12 significant digits: 0.87 rather than 0.8699999999999903."""
    return weight if not math.isfinite(weight) else float(f"{weight:.12g}")
