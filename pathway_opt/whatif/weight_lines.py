r"""A plan's score as a line in one criterion's weight, and re-solves that give one.

With every other weight held, the objective of a fixed plan :math:`x` is linear
in the weight :math:`w_c` of criterion :math:`c`:

.. math::

    V_x(w_c) = \underbrace{\sum_{i \in x} p_i \delta^{s_i - e_i}
    \sum_{c' \ne c} w_{c'} a_{ic'} + \sum_{g \subseteq x} b_g}_{\text{intercept}}
    + w_c \underbrace{\sum_{i \in x} p_i \delta^{s_i - e_i} a_{ic}}_{\text{slope}}

(:mod:`pathway_opt.whatif.stability` searches with these lines). A
:class:`Probe` sets the weight on a :class:`Session`, re-solves (an objective-only
change of the built model) and returns the optimal plan's line, checked against
the verified objective; a solve that does not prove optimality raises
:class:`Unproven`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from pathway_opt.errors import SolverError
from pathway_opt.plan import Plan, Status
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import SynergyRule
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.whatif.session import Session

#: Relative float noise allowed between a line's value and the verified objective.
_AGREE = 1e-9


@dataclass(frozen=True)
class Line:
    """A plan's objective as ``intercept + slope * weight``."""

    intercept: float
    slope: float
    starts: dict[str, str] = field(compare=False)
    """The plan: initiative id -> start period."""

    def at(self, weight: float) -> float:
        """The plan's objective at this weight."""
        return self.intercept + self.slope * weight

    @property
    def funded(self) -> frozenset[str]:
        """The funded set (start periods aside)."""
        return frozenset(self.starts)


def cross(a: Line, b: Line) -> float:
    """The weight at which two lines of different slope meet."""
    return (a.intercept - b.intercept) / (b.slope - a.slope)


class Lines:
    """Lines of plans of one instance in one criterion's weight (others as given)."""

    def __init__(self, inst: Instance, criterion: str) -> None:
        """Read, per initiative, the parts of its value with and without ``w_c``."""
        weights = inst.weights  # given, or derived from criteria_comparisons
        self.criterion = criterion
        self.base_weight = weights[criterion]
        self._discount = inst.settings.delay_discount
        self._period = {p: t for t, p in enumerate(inst.periods)}
        self._slope: dict[str, float] = {}
        self._rest: dict[str, float] = {}
        self._first: dict[str, int] = {}
        for ini in inst.initiatives:
            p = ini.success_probability
            self._slope[ini.id] = p * ini.scores.get(criterion, 0.0)
            self._rest[ini.id] = p * sum(
                weights[c] * v for c, v in ini.scores.items() if c != criterion
            )
            self._first[ini.id] = self._period[ini.earliest_start or inst.periods[0]]
        self._synergies = [
            (frozenset(r.members), r.bonus)
            for r in inst.rules
            if isinstance(r, SynergyRule)
        ]

    def line(self, starts: Mapping[str, str]) -> Line:
        """The line of a plan (initiative id -> start period)."""
        slope = intercept = 0.0
        for ini, period in starts.items():
            delay = self._discount ** (self._period[period] - self._first[ini])
            slope += self._slope[ini] * delay
            intercept += self._rest[ini] * delay
        chosen = set(starts)
        intercept += sum(b for members, b in self._synergies if members <= chosen)
        return Line(intercept=intercept, slope=slope, starts=dict(starts))

    def weight_cap(self, value_cap: float) -> float:
        """The weight at which an initiative's value alone reaches ``value_cap``."""
        largest = max(self._slope.values(), default=0.0)
        return math.inf if largest <= 0 else value_cap / largest


class Unproven(Exception):
    """A re-solve ended without a proven optimum (time limit, no plan, error)."""

    def __init__(self, plan: Plan, weight: float) -> None:
        super().__init__(f"{plan.status} at weight {weight:.9g}")
        self.plan = plan
        self.weight = weight


def value_tolerance(settings: SolveSettings, value: float) -> float:
    """Score difference within which two plans count as equally good.

    The solve's own gap (an optimum is proven to that much) plus float noise.
    """
    scale = max(1.0, abs(value))
    return max(settings.mip_abs_gap, settings.mip_rel_gap * abs(value)) + 1e-9 * scale


class Probe:
    """Re-solve one session with the criterion's weight set, as a :class:`Line`."""

    def __init__(
        self,
        session: Session,
        lines: Lines,
        settings: SolveSettings,
        seen: list[dict[str, str]] | None = None,
    ) -> None:
        """Re-solve ``session`` with ``settings``.

        ``session`` holds the instance the lines were read from, or a copy with
        other decisions; each optimal plan found is added to ``seen``.
        """
        self.session = session
        self.lines = lines
        self.settings = settings
        self.seen = seen if seen is not None else []
        self.solves = 0

    def at(self, weight: float) -> Line:
        """The optimal plan's line with the criterion's weight at ``weight``.

        Raises:
            Unproven: when the solve does not prove an optimum.
            SolverError: when the line and the verified objective disagree.
        """
        self.session.set_weight(self.lines.criterion, weight)
        plan = self.session.solve(self.settings)
        self.solves += 1
        if plan.status != Status.OPTIMAL or plan.objective is None:
            raise Unproven(plan, weight)
        line = self.lines.line(plan.starts)
        _agree(line.at(weight), plan.objective, f"at weight {weight:.9g}")
        if plan.starts not in self.seen:
            self.seen.append(dict(plan.starts))
        return line

    def restore(self) -> None:
        """Put the criterion's weight back to its value in the instance."""
        self.session.set_weight(self.lines.criterion, self.lines.base_weight)


def steepest(session: Session, lines: Lines, settings: SolveSettings) -> Line:
    """A plan of the largest slope: the optimum with only the criterion's score.

    ``session`` holds the instance with every weight and synergy bonus 0; the
    criterion's weight is set to 1 for this solve and back to 0 after it.

    Raises:
        Unproven: when the solve does not prove an optimum.
        SolverError: when the slope and the verified objective disagree.
    """
    session.set_weight(lines.criterion, 1.0)
    try:
        plan = session.solve(settings)
    finally:
        session.set_weight(lines.criterion, 0.0)
    if plan.status != Status.OPTIMAL or plan.objective is None:
        raise Unproven(plan, math.inf)
    line = lines.line(plan.starts)
    _agree(line.slope, plan.objective, "of the largest slope")
    return line


def _agree(line_value: float, objective: float, where: str) -> None:
    if abs(line_value - objective) > 1e-6 + _AGREE * abs(objective):
        raise SolverError(
            f"the plan's value {line_value:.12g} {where} differs from its verified "
            f"objective {objective:.12g} (an internal inconsistency)"
        )
