"""Where a plan and its bound come from, in the words every output shows.

A plan the heuristic found carries a bound from the LP relaxation or the
Lagrangian dual: valid, but no proof of optimality. The terminal text, the
workbook, ``run.json`` and the report all say so with these phrases, so a
planner reading ``feasible, gap 0.02 %`` knows what stands behind it.
"""

from __future__ import annotations

from pathway_opt.plan import Plan, Status

#: ``found_by`` -> who found the plan, in words.
FOUND_BY = {
    "highs": "HiGHS",
    "heuristic": "repair and fill of the priced relaxation (pathway-opt heuristic)",
    "lp_guided": "LP-guided fixing (pathway-opt heuristic)",
}
#: ``bound_source`` -> where the bound comes from, in words.
BOUND_FROM = {
    "highs": "HiGHS's branch and bound",
    "lp": "the LP relaxation",
    "lagrangian": "the Lagrangian dual",
}
#: What a bound that is not HiGHS's proves, and what it does not.
NO_PROOF = "a valid upper bound; no proof of optimality"


def found_by(plan: Plan) -> str:
    """Who found the plan, e.g. ``LP-guided fixing (pathway-opt heuristic)``.

    HiGHS run after the heuristic (from its plan where it found one) says so;
    '' without a plan or for a plan not from a solve (``found_by`` unset).
    """
    if not plan.has_plan or not plan.found_by:
        return ""
    words = FOUND_BY.get(plan.found_by, plan.found_by)
    if plan.found_by == "highs" and plan.method == "heuristic":
        return f"{words}, after the pathway-opt heuristic"
    return words


def bound_from(plan: Plan) -> str:
    """Where the bound comes from and what it proves.

    ``the Lagrangian dual (a valid upper bound; no proof of optimality)``, or
    ``HiGHS's branch and bound (HiGHS proved the plan optimal)``; '' without a
    bound or its source.
    """
    if plan.bound is None or not plan.bound_source:
        return ""
    words = BOUND_FROM.get(plan.bound_source, plan.bound_source)
    if plan.bound_source != "highs":
        return f"{words} ({NO_PROOF})"
    if plan.status == Status.OPTIMAL:
        return f"{words} (HiGHS proved the plan optimal)"
    if plan.has_plan:
        return f"{words} (a valid upper bound; a limit stopped the proof)"
    return f"{words} (a valid upper bound)"


def method_text(plan: Plan) -> str:
    """The method that ran, with the one asked when they differ.

    ``heuristic (asked: auto)``; '' for a plan not from a solve.
    """
    asked = plan.settings.get("method")
    if not plan.method:
        return str(asked or "")
    if asked and asked != plan.method:
        return f"{plan.method} (asked: {asked})"
    return plan.method


def worth_showing(plan: Plan) -> bool:
    """Whether the short outputs (terminal text, report headline) should say it.

    Not for the usual case, a plan HiGHS found and proved optimal alone: there
    the status says everything and the lines would only clutter.
    """
    if not plan.found_by and not plan.bound_source:
        return False
    return (
        plan.method == "heuristic"
        or plan.found_by not in ("highs", "")
        or plan.bound_source not in ("highs", "")
        or (plan.has_plan and plan.status != Status.OPTIMAL and plan.bound is not None)
    )
