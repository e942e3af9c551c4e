r"""Weight stability's walks: where a plan, then its funded set, stops being optimal.

See :mod:`pathway_opt.whatif.stability` for what is reported. For one criterion
:math:`c`, with every other weight held, each plan's score is a line in
:math:`w_c` (:mod:`pathway_opt.whatif.weight_lines`), so the optimum
:math:`V(w_c)` is the upper envelope of the plans' lines: convex and piecewise
linear. Its pieces are found by re-solving the built model (Eisner-Severance),
never by sampling:

1. A plan :math:`f` optimal at :math:`a` stays optimal towards larger weights
   until a line of larger slope overtakes it. The solve with only :math:`c`'s
   score in the objective gives the largest slope; if :math:`f` has it,
   :math:`f` is optimal at every larger weight (no end). Otherwise the first
   candidate end is where :math:`f` meets that plan's line: solve there; if the
   optimum is no better than :math:`f` (within the solve's tolerance), that is
   the end, else the new optimum's line meets :math:`f` nearer to :math:`a`,
   and so on (each step finds a better plan at the candidate, so it ends).
   Towards smaller weights the first candidate is weight 0 (weights cannot be
   negative: the end is 0 when :math:`f` is still optimal there). The plan
   that beat :math:`f` at the last candidate is optimal from the end to that
   candidate (:math:`V` is convex and meets its line at both).
   Plans found earlier (for this or another criterion) are real plans, so the
   nearest weight where one of them overtakes :math:`f` is a valid first
   candidate, often the end itself. When :math:`f` is still optimal there,
   the plan optimal just beyond is that known plan if a solve further on
   confirms it, else the steeper plan a walk along the known plan's own line
   finds. A first candidate beyond the cap (see :data:`VALUE_CAP`) is
   replaced by the cap: if :math:`f` is optimal there, the end is not sought.
2. The funded set goes on past that end when some plan funding the same set is
   optimal just beyond it. If the plan that takes over funds the same set (only
   start periods move), the walk goes on from it. Otherwise, when start periods
   change a plan's value (``delay_discount`` below 1), the best plan funding
   exactly that set (select variables fixed: a bound change) is solved halfway
   into the stretch where the new plan is optimal: only a plan with the new
   plan's very line can be optimal there and just beyond the end, so the set
   goes on (from that plan) if and only if it is as good as the new plan there.
   With ``delay_discount`` 1 a funded set has one value and one line, so the set
   ends where its plan does.

Each end is where two plans' lines meet, computed exactly; a plan counts as
better only when it scores more than the solve's tolerance higher (its gap plus
float noise), so an end is exact to that score tolerance over the two plans'
difference in slope (a message says where that exceeds the weight tolerance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pathway_opt.errors import SolverError
from pathway_opt.schema.entities import MAX_AMOUNT
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.whatif.weight_lines import Line, Probe, cross, value_tolerance

#: Largest initiative value a re-solve is asked to handle: beyond the weight
#: giving it, an end is not sought (HiGHS's precision fades long before the
#: schema's 1e15) and the end is reported as none, with a message.
VALUE_CAP = 1e12
#: Re-solves one walk may take before it is called stuck (an internal error).
MAX_STEPS = 200


@dataclass
class End:
    """One end of a criterion's interval."""

    weight: float
    """The end (``inf``: none above; 0: the smallest weight)."""
    rival: Line | None
    """The plan optimal just beyond it (None when there is no beyond)."""
    schedule: float
    """Where the exact plan stops being optimal on this side."""


class Search:
    """The walks of one criterion from the plan at the weights as given."""

    def __init__(
        self,
        free: Probe,
        fixed: Probe | None,
        base: Line,
        top: Line,
        tolerance: float,
        known: list[dict[str, str]] | None = None,
    ) -> None:
        """Walk with these re-solves.

        ``free`` re-solves the model, ``fixed`` the model with ``base``'s funded
        set fixed (None when a funded set has one value); ``top`` is a plan of
        the largest slope; ``tolerance`` is relative, in weight. ``known`` holds
        plans found so far (the probes add theirs): where one overtakes a plan
        nearer than the walk's first candidate, the walk starts there.
        """
        lines = free.lines
        self.criterion = lines.criterion
        self.w0 = lines.base_weight
        self.free = free
        self.fixed = fixed
        self.base = base
        self.funded = base.funded
        self.top = top
        self.settings: SolveSettings = free.settings
        self.tolerance = tolerance
        self.known = known if known is not None else []
        self.messages: list[str] = []
        """What the caller should know: capped or imprecise ends."""
        # the weights a re-solve is asked about stay below this (see VALUE_CAP)
        self.cap = min(max(lines.weight_cap(VALUE_CAP), 2 * self.w0), MAX_AMOUNT)

    def _near(self, a: float, b: float) -> bool:
        return abs(a - b) <= self.tolerance * max(1.0, abs(a))

    def side(self, d: int) -> End:
        """The end of the funded set's interval above (d = 1) or below (d = -1).

        Raises:
            Unproven: when a re-solve does not prove an optimum.
            SolverError: when the walk does not settle (an internal error).
        """
        f, a = self.base, self.w0
        schedule: float | None = None
        for _ in range(MAX_STEPS):
            end, rival, found_at = self._end_of(f, a, d)
            if schedule is None:
                schedule = end
            if rival is None:
                return End(end, None, schedule)
            if rival.funded == self.funded:
                f, a = rival, end  # only start periods moved: the set goes on
                continue
            if self.fixed is None:
                self._check_precision(f, rival, end, d)
                return End(end, rival, schedule)
            # Does a plan funding the same set tie the rival just beyond the end?
            # The rival is optimal from ``end`` to ``found_at``; test inside.
            beyond = found_at if math.isfinite(found_at) else 2 * end + 1
            t = (end + min(beyond, self.cap)) / 2
            best = self.fixed.at(t)
            if best.at(t) >= rival.at(t) - value_tolerance(self.settings, rival.at(t)):
                f, a = best, t
                continue
            self._check_precision(f, rival, end, d)
            return End(end, rival, schedule)
        raise SolverError(f"the search did not settle within {MAX_STEPS} steps")

    def _end_of(self, f: Line, a: float, d: int) -> tuple[float, Line | None, float]:
        """Where ``f`` (optimal at ``a``) stops being optimal on side ``d``.

        Returns the end, the plan optimal just beyond it and a weight up to
        which that plan is optimal; (inf or 0, None, same) when ``f`` stays
        optimal to the end of the weights.
        """
        if d > 0 and self._steepest(f):
            return math.inf, None, math.inf
        if d < 0 and a <= 0:
            return 0.0, None, 0.0
        seed = self._seed(f, a, d)
        if seed is None:  # below: no known plan overtakes f there; from weight 0
            return self._walk(f, a, d, 0.0, None, 0.0)
        w, g = seed
        capped = d > 0 and w > self.cap
        at = self.cap if capped else w
        if capped or not self._near(a, w):
            x = self.free.at(at)
            if self._better(x, f, at):
                if d * (x.slope - f.slope) <= 0:
                    return a, x, at
                return self._walk(f, a, d, None, x, at)
            if capped:  # f is optimal up to the cap; beyond it nothing is sought
                self._capped(w)
                return math.inf, None, math.inf
        return self._beyond(g, w, d)

    def _steepest(self, f: Line) -> bool:
        """Whether no plan has a larger slope than ``f`` (within the tolerance)."""
        return f.slope >= self.top.slope - value_tolerance(
            self.settings, self.top.slope
        )

    def _better(self, x: Line, f: Line, w: float) -> bool:
        """Whether plan ``x`` scores more than ``f`` at ``w`` beyond the tolerance."""
        return x.at(w) > f.at(w) + value_tolerance(self.settings, x.at(w))

    def _seed(
        self, f: Line, a: float, d: int, strict: bool = False
    ) -> tuple[float, Line] | None:
        """The nearest weight beyond ``a`` where a known plan overtakes ``f``.

        Known plans are real plans, so ``f`` is not optimal past that weight:
        it is a valid first candidate of the walk, nearer than the largest
        slope's crossing or weight 0, the walk's own first candidates. Of plans
        meeting ``f`` at one weight, the steepest (it overtakes the others).
        ``strict`` leaves out weights within the tolerance of ``a``.
        """
        met: list[tuple[float, Line]] = []
        lines = self.free.lines
        for g in [lines.line(p) for p in self.known] + [self.top]:
            if d * (g.slope - f.slope) <= 1e-12 * max(1.0, abs(f.slope)):
                continue
            w = cross(f, g)
            if self._near(a, w) or d * (w - a) < 0:
                if strict or not self._near(a, w):
                    continue  # met before a: only within the tolerance
                w = a
            if d < 0 and (w <= 0 or self._near(0.0, w)):
                continue
            met.append((w, g))
        if not met:
            return None
        nearest = min(d * w for w, _ in met) * d
        here = [(w, g) for w, g in met if self._near(nearest, w)]
        return max(here, key=lambda item: d * item[1].slope)

    def _beyond(self, g: Line, w: float, d: int) -> tuple[float, Line | None, float]:
        """The end ``w`` with the plan optimal just beyond it.

        ``g`` is optimal at ``w`` and overtakes the walk's plan there; a plan of
        still larger slope through the same point may be optimal beyond it
        instead. Solve further on: if ``g`` is optimal there, it is optimal
        from ``w`` to there; else walk ``g``'s own end from ``w``.
        """
        if d > 0 and self._steepest(g):
            return w, g, math.inf
        nxt = self._seed(g, w, d, strict=True)
        far = nxt[0] if nxt is not None else (2 * w + 1 if d > 0 else 0.0)
        t = (w + min(far, self.cap)) / 2
        x = self.free.at(t)
        if not self._better(x, g, t):
            return w, g, t
        if d * (x.slope - g.slope) <= 0:
            return w, x, t
        end, rival, found_at = self._walk(g, w, d, None, x, t)
        assert rival is not None  # a walk given a rival ends with one
        if d * (end - w) <= 0 or self._near(w, end):
            return w, rival, found_at
        return w, g, end

    def _walk(
        self,
        f: Line,
        a: float,
        d: int,
        trial: float | None,
        rival: Line | None,
        found_at: float,
    ) -> tuple[float, Line | None, float]:
        """Eisner-Severance from ``a``: solve where ``f`` meets the latest rival.

        Every candidate lies between ``a`` and the first (the cap or below).
        """
        w = 0.0 if trial is None else trial
        for _ in range(MAX_STEPS):
            if rival is not None:
                w = cross(f, rival)
                if d * (w - a) <= 0 or self._near(a, w):
                    return a, rival, found_at
            x = self.free.at(w)
            if not self._better(x, f, w):
                return (w, rival, found_at) if rival is not None else (w, None, w)
            if d * (x.slope - f.slope) <= 0:
                # better at w without a steeper slope: better at a too, within the
                # tolerance f was optimal there, so f ends at a
                return a, x, w
            rival, found_at = x, w
        raise SolverError(f"the search did not settle within {MAX_STEPS} steps")

    def _capped(self, w: float) -> None:
        self.messages.append(
            f'criterion "{self.criterion}": the funded set is optimal up to weight '
            f"{self.cap:.6g} at least, where an initiative's value reaches "
            f"{VALUE_CAP:g} (HiGHS is not asked beyond it; a known plan overtakes "
            f"at {w:.6g}): high is left blank"
        )

    def _check_precision(self, f: Line, rival: Line, end: float, d: int) -> None:
        """A message when the score tolerance allows more than ``tolerance``."""
        slack = value_tolerance(self.settings, f.at(end)) / abs(rival.slope - f.slope)
        if slack > self.tolerance * max(1.0, abs(end)):
            side = "high" if d > 0 else "low"
            self.messages.append(
                f'criterion "{self.criterion}": {side} = {end:.9g} is exact to '
                f"±{slack:.2g} only (the solve's score tolerance over the plans' "
                f"slope difference {abs(rival.slope - f.slope):.3g})"
            )
