"""HiGHS's dual bound streamed from its process while it runs (progress)."""

from __future__ import annotations

import pathway_opt as po
from pathway_opt.inputs.generate import generate


def test_a_running_highs_solve_reports_valid_falling_bounds() -> None:
    # 1,000 x 5 is not proven in 4 s: HiGHS's branch and bound runs all of it
    inst = po.instance_from_data(generate(1000, 5, 1))
    seen: list[po.SolveProgress] = []
    plan = po.solve(
        inst, po.SolveSettings(time_limit=4.0), method="highs", progress=seen.append
    )
    bounds = [r.bound for r in seen if r.bound is not None]
    assert len(bounds) >= 2, seen  # one a second at most, after the root
    assert bounds == sorted(bounds, reverse=True)  # a dual bound only falls
    assert plan.objective is not None and plan.bound is not None
    # every bound shown bounds the plan finally reported, and none is below
    # the bound HiGHS ended with
    assert min(bounds) >= plan.bound - 1e-6 * abs(plan.bound)
    assert all(b >= plan.objective for b in bounds)
    # each report with a plan and a bound has the gap between them
    both = [r for r in seen if r.objective is not None and r.bound is not None]
    assert both and all(r.gap is not None and r.gap >= 0 for r in both)
