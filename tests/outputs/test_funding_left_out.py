"""Left-out reasons stay true with funding choice and variants (property test).

On random tiny instances with ``funded_by``, ``max_share`` and variants (the
lead's ``funded_instances``), each reason that says an initiative cannot be
added is checked by trying to add it: every version the reason covers, at
every start it may take, beside the plan as it runs. A split is searched for
by ``find_split`` (a linear programme written from the format, not the model's
rows) and the result checked by the verifier. The outputs' other figures are
checked too: the Funding table pays each funded period's cost exactly, and the
Selected table's cost is the version's.
"""

from __future__ import annotations

from typing import Any

import pytest
from funded_instances import find_split, funded_instances
from hypothesis import HealthCheck, given, settings

import pathway_opt as po
from pathway_opt.outputs.funding_tables import funding
from pathway_opt.outputs.left_out import left_out
from pathway_opt.outputs.plan_tables import selected
from pathway_opt.schema.rules import RequiresRule


def _starts(inst: po.Instance, version: po.Initiative, plan: po.Plan) -> list[int]:
    """Starts the version may take with the plan's prerequisites' lags."""
    out = []
    for s in inst.possible_starts(version):
        ok = all(
            all(
                o in plan.starts and inst.period_index(plan.starts[o]) + r.lag <= s
                for o in r.on
            )
            for r in inst.rules
            if isinstance(r, RequiresRule) and r.initiative == version.id
        )
        if ok:
            out.append(s)
    return out


def _fits(plan: po.Plan, ini_id: str, variant: str | None, start: int) -> bool:
    """Whether the plan with `ini_id` added (as `variant`, at `start`) is valid
    under some funding split."""
    inst = plan.instance
    chosen = {
        i: (plan.variants.get(i), inst.period_index(p)) for i, p in plan.starts.items()
    }
    chosen[ini_id] = (variant, start)
    split = find_split(inst, chosen)
    if split is None:
        return False
    check = po.verify(
        inst,
        {i: inst.periods[s] for i, (_, s) in chosen.items()},
        variants={i: v for i, (v, _) in chosen.items() if v is not None},
        funding=split,
    )
    return check.ok


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(funded_instances())
def test_reasons_and_tables_hold_with_funding_and_variants(
    data: dict[str, Any],
) -> None:
    try:
        inst = po.instance_from_data(data)
    except po.InputError:
        return
    try:
        plan = po.solve(inst)
    except KeyError as exc:
        # main 739b137: diagnose/conflicts.py has no family for a max_share
        # repair (reported); drop this guard when it does
        if exc.args != ("max_share",):
            raise
        return
    if not plan.has_plan:
        return
    table = funding(plan)
    for (ini_id, period), rows in table.groupby(["initiative", "period"]):
        shares = [s for s in rows["share"] if s is not None]
        if shares:
            assert sum(shares) == pytest.approx(1.0, abs=1e-6), (ini_id, period)
    costs = dict(zip(selected(plan)["id"], selected(plan)["total_cost"], strict=True))
    for ini in inst.initiatives:
        if ini.id in plan.starts:
            version = ini.version(plan.variants.get(ini.id))
            assert costs[ini.id] == pytest.approx(sum(version.cost_profile()))
    for ini_id, found in left_out(plan).items():
        ini = next(i for i in inst.initiatives if i.id == ini_id)
        if found.kind == "limit":
            covered = list(ini.versions)  # no version fits at any start
        elif found.text.startswith("its base version exceeds a limit"):
            covered = [ini.versions[0]]  # the base fits at no start
        elif found.kind == "rule_bound" and not ini.variants:
            covered = [ini.versions[0]]  # it breaks a rule at every start
        else:
            continue
        for variant, version in covered:
            for s in _starts(inst, version, plan):
                assert not _fits(plan, ini_id, variant, s), (found.text, variant, s)
