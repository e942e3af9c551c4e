"""Why in, why out: the price of forcing each initiative the other way.

Every figure comes from re-solving the Session's built model (valid for the
integer model, unlike LP duals):

- selected: force it out; the price is the score lost, and the re-solved plan
  shows what replaces it;
- not selected: force it in; the price is the score lost, and it is also the
  break-even: adding that much to its expected value brings it into the optimal
  plan (exact with ``delay_discount`` 1; otherwise measured at its start in the
  forced plan, where it is enough). What keeps it out is what adding it to the
  plan at that start breaks. When forcing it in admits no plan, the elastic model
  names the smallest change that would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from pathway_opt.diagnose.elastic import Slack, SlackKind
from pathway_opt.diagnose.repairs import find_repairs
from pathway_opt.errors import InputError, Problem, listing
from pathway_opt.explanations.resolve import objective_of, resolve, restored
from pathway_opt.outputs.explanation_tables import WHY_COLUMNS
from pathway_opt.plan import Plan, Status, changes_between
from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.settings import SolveSettings
from pathway_opt.verification.verifier import verify
from pathway_opt.whatif.session import Session


def check_only(inst: Instance, only: Sequence[str] | None) -> list[Initiative]:
    """The initiatives asked about (all when ``only`` is None).

    Raises:
        InputError: naming each unknown id.
    """
    if only is None:
        return list(inst.initiatives)
    known = {i.id: i for i in inst.initiatives}
    unknown = [i for i in only if i not in known]
    if unknown:
        have = listing(known)
        raise InputError(
            [
                Problem("only", f'unknown initiative "{i}"; the initiatives are {have}')
                for i in unknown
            ]
        )
    wanted = set(only)
    return [i for i in inst.initiatives if i.id in wanted]


def _changes(base: Plan, forced: Plan, skip: str) -> str:
    """What else forcing ``skip`` the other way changes, in words."""
    diff = changes_between(base.starts, forced.starts, base.variants, forced.variants)
    parts = [
        f"{verb} {', '.join(others)}"
        for verb, ids in (
            ("adds", diff.added),
            ("drops", diff.removed),
            ("moves", diff.moved),
        )
        if (others := [i for i in ids if i != skip])
    ]
    return "; ".join(parts) if parts else "no other change"


def _discount(inst: Instance, ini: Initiative, period: str) -> float:
    first = inst.start_window(ini).start
    return float(inst.settings.delay_discount ** (inst.period_index(period) - first))


def keeps_out(inst: Instance, base: Plan, ini: Initiative, period: str) -> str:
    """What adding the initiative, started in ``period``, to the plan breaks."""
    # the plan as it runs and is paid; the added initiative as given (a funded
    # one is then charged to no budget: its split is not known here)
    check = verify(
        inst, [*base.starts.items(), (ini.id, period)], None, base.variants,
        base.funding,
    )  # fmt: skip
    found: list[str] = []
    seen: set[tuple[str, str]] = set()
    for u in check.usage:
        if u.slack >= -1e-6 * max(1.0, abs(u.limit)) or (u.kind, u.id) in seen:
            continue
        seen.add((u.kind, u.id))
        scope = f"up to {u.period}" if u.binding_on == "cumulative" else u.period
        unit = (
            inst.currency
            if u.kind == "budget"
            else (next(r.unit for r in inst.resources if r.id == u.id) or "units")
        )
        over = -u.slack
        amount = f"{over:,.0f}" if over >= 1000 else f"{over:,.6g}"
        found.append(f'{u.kind} "{u.id}" {scope} ({amount} {unit} over)')
    found += [p for p in check.problems if p.startswith("rule ")]
    return "; ".join(found) if found else "nothing: its value does not pay"


def _impossible(
    session: Session, ini: Initiative, settings: SolveSettings, out: bool
) -> str:
    """Why forcing the initiative the other way admits no plan (elastic model)."""
    kind: SlackKind = "never" if out else "must"
    repairs = find_repairs(
        session.instance,
        session.form,
        settings,
        alternatives=1,
        forbid={Slack(kind, (ini.id,))},
        confirm=False,
    )
    verb = "cannot be left out" if out else "impossible"
    if not repairs:
        return f"{verb}: no change of limits, rules or decisions admits it"
    return f"{verb}; the smallest change that would allow it: {repairs[0].text}"


def why_solves(inst: Instance, ini: Initiative) -> int:
    """Re-solves :func:`why_row` plans for it: 0 when it can never be in, else 1.

    (Forcing it the other way may add elastic solves when that admits no plan.)
    """
    return 0 if ini.decision == "never" or not inst.possible_starts(ini) else 1


def why_row(
    session: Session,
    base: Plan,
    optimum: float,
    ini: Initiative,
    settings: SolveSettings,
) -> dict[str, Any]:
    """The why-in / why-out record of one initiative (the session is restored)."""
    inst = session.instance
    selected = ini.id in base.starts
    values = base.verification.values if base.verification else {}
    row: dict[str, Any] = dict.fromkeys(WHY_COLUMNS)
    row.update(
        id=ini.id,
        name=ini.name,
        decision=ini.decision,
        in_plan=selected,
        start=base.starts.get(ini.id, ""),
        expected_value=values.get(ini.id, inst.base_value(ini)),
        forced="out" if selected else "in",
    )
    if not selected and ini.decision == "never":
        row.update(forced="", reason='impossible: decision is "never"' + _why(ini))
        return row
    if not selected and not inst.possible_starts(ini):
        reason = "impossible: no start in its window fits the horizon"
        row.update(forced="", reason=reason)
        return row
    with restored(session):
        (session.force_out if selected else session.force_in)(ini.id)
        forced = resolve(session, settings)
        row.update(status_forced=forced.status.value, gap_forced=forced.gap)
        if not forced.has_plan:
            if forced.status == Status.INFEASIBLE:
                row["reason"] = _impossible(session, ini, settings, selected)
                if ini.decision == "must" and ini.decision_reason:
                    row["reason"] = f"must-fund{_why(ini)}; {row['reason']}"
            else:
                row["reason"] = f"no plan within the time limit ({forced.status.value})"
            return row
    price = optimum - objective_of(forced)
    row.update(
        price=price,
        objective_forced=forced.objective,
        changes=_changes(base, forced, ini.id),
    )
    if selected:
        if ini.decision == "must":
            row["reason"] = (
                f"must-fund{_why(ini)}; the plan would keep it anyway"
                if price >= -1e-9
                else f"must-fund{_why(ini)}; the must decision costs {-price:,.3f} "
                "(leaving it out scores more)"
            )
        else:
            row["break_even"] = -price / _discount(inst, ini, base.starts[ini.id])
    else:
        start = forced.starts[ini.id]
        row["break_even"] = max(price, 0.0) / _discount(inst, ini, start)
        row["keeps_out"] = keeps_out(inst, base, ini, start)
        row["start_forced"] = start
    variant = base.variants.get(ini.id)
    if selected and variant is not None:
        said = f"{row['reason']}; " if row["reason"] else ""
        row["reason"] = f"{said}runs as its variant {variant}"
    return row


def _why(ini: Initiative) -> str:
    """`` (reason: ...)`` for an initiative whose forced decision has a reason."""
    return f" (reason: {ini.decision_reason})" if ini.decision_reason else ""


def why_rows(
    session: Session,
    base: Plan,
    optimum: float,
    settings: SolveSettings,
    only: Sequence[str] | None = None,
    solved: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """Records for each initiative (or those in ``only``) and the seconds spent.

    ``solved(n)`` is called after each initiative with its planned re-solves
    (:func:`why_solves`).
    """
    began = time.perf_counter()
    inst = session.instance
    rows = []
    for ini in check_only(inst, only):
        rows.append(why_row(session, base, optimum, ini, settings))
        if solved is not None:
            solved(why_solves(inst, ini))
    return rows, time.perf_counter() - began
