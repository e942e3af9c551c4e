"""A what-if session: build the model once, edit its data, re-solve.

Each edit produces a new validated-by-construction :class:`Instance` (kept as
``session.instance``) and sends only data to the HiGHS model already built. A
window widened past the built starts, a budget's first ``min_use``, a rule's
first bound of a kind (at_least or at_most), a new or lifted ``max_share`` cap,
a funded_by changed by ``set_eligible`` and a variant switched off or on are the
edits that rebuild (counted in ``session.rebuilds``). Every plan is verified
against the edited instance, and ``session.plan`` is always the latest solve's,
even when that one failed, so a stale plan is never shown as current.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

from pathway_opt.errors import InputError, Problem
from pathway_opt.model.form import Part, StructureChanged, compile_form, load_data
from pathway_opt.pipeline import InstanceSource, as_instance, checked, finish_plan
from pathway_opt.plan import CheckAhead, Plan, Status, changes_between, html_summary
from pathway_opt.schema.entities import Initiative
from pathway_opt.schema.funding import share_cap
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.numerics import check_values
from pathway_opt.solver.settings import SolveSettings, settings_from
from pathway_opt.solver.solver import Solver
from pathway_opt.verification.verifier import verify
from pathway_opt.whatif.edits import (
    Edit,
    ForceIn,
    ForceOut,
    Release,
    ScaleBudget,
    ScaleCapacity,
    Scenario,
    SetBudget,
    SetCapacity,
    SetEligible,
    SetMaxShare,
    SetMinUse,
    SetRuleBound,
    SetScore,
    SetWeight,
    SetWindow,
    VariantOff,
    VariantOn,
    as_edit,
)

#: What each edit changes in the built model.
_PARTS: dict[type, frozenset[Part]] = {
    ScaleBudget: frozenset({"rows"}),
    SetBudget: frozenset({"rows"}),
    SetMinUse: frozenset({"rows"}),
    ScaleCapacity: frozenset({"rows"}),
    SetCapacity: frozenset({"rows"}),
    ForceIn: frozenset({"columns"}),
    ForceOut: frozenset({"columns"}),
    Release: frozenset({"columns"}),
    SetScore: frozenset({"costs", "coefficients"}),  # average rules on scores
    SetWeight: frozenset({"costs"}),
    SetWindow: frozenset({"costs", "columns"}),
    SetRuleBound: frozenset({"coefficients"}),  # the bound is in each coefficient
    SetMaxShare: frozenset({"coefficients"}),  # the cap is in fund_max_share's
    SetEligible: frozenset(),  # the model holds funded_by only: rebuilds or nothing
    VariantOff: frozenset(),  # a version's columns go: rebuilds
    VariantOn: frozenset(),
}


class Session:
    """Re-solve one built model under a sequence of edits.

    ``Session(inst)`` takes an instance or the path of its file, and the solve
    options as ``settings=SolveSettings(...)`` or as keywords (``time_limit=``,
    ``threads=``, ``mip_gap=``); they are the default of every :meth:`solve`.
    """

    def __init__(
        self,
        inst: InstanceSource,
        settings: SolveSettings | None = None,
        *,
        time_limit: float | None = None,
        threads: int | None = None,
        mip_gap: float | None = None,
    ) -> None:
        """Build the model once.

        Raises:
            InputError: for an instance that does not load or a bad option.
        """
        self.settings = settings_from(
            settings, time_limit=time_limit, threads=threads, mip_gap=mip_gap
        )
        """The default settings of :meth:`solve`."""
        inst = as_instance(inst)
        self.base = inst
        """The instance as given."""
        self.instance = inst
        """The instance with every edit so far applied."""
        self.edits: list[Edit] = []
        self.rebuilds = 0
        """How many edits needed a new model (see the module's docstring)."""
        self.plan: Plan | None = None
        """The latest solve's plan (None before the first solve or after an edit)."""
        self._previous: Plan | None = None  # the last verified plan, for warm starts
        self.form = compile_form(inst)
        self.solver = Solver(self.form, keep_process=True)

    # -- edits ----------------------------------------------------------------
    def apply(self, edit: Edit | Mapping[str, Any]) -> None:
        """Apply one edit (also available as the named methods below).

        ``edit`` is an edit or its data, e.g. ``{"op": "force_in", "initiative":
        "JL-CS-01"}``.

        Raises:
            InputError: naming the field and the values it may take (the
                instance's periods and ids); the session is left as it was.
        """
        chosen = as_edit(edit, self.instance)
        # A score or weight can push an initiative's value past what HiGHS solves:
        # refuse it here, as loading the instance would, not as a failed solve.
        edited = chosen.apply(self.instance, self.base)
        if isinstance(chosen, SetScore | SetWeight):
            check_values(edited)
        parts = _PARTS[type(chosen)]
        try:
            if isinstance(chosen, SetMinUse) and _new_min_use(self.form.source, edited):
                raise StructureChanged("a budget's first min_use adds its rows")
            if _new_funding(chosen, self.instance, edited):
                raise StructureChanged("other versions, fund columns or cap rows")
            # A rule-bound edit leaves the structure key of the built form stale
            # (bounds are part of the rules), so no edit compares it: each one
            # loads only what it changes, and a rule's new bound is caught when
            # its coefficients find no row.
            window = isinstance(chosen, SetWindow)
            load_data(
                self.form, edited, check="windows" if window else "none", parts=parts
            )
            self.solver.push(parts)
        except StructureChanged:
            self._rebuild(edited)
        self.instance = edited
        self.edits.append(chosen)
        self.plan = None  # a plan of the previous data is no longer current

    def apply_scenario(self, scenario: Scenario | Mapping[str, Any]) -> None:
        """Apply every edit of a scenario (or its data), in order."""
        if not isinstance(scenario, Scenario):
            if not isinstance(scenario, Mapping):
                raise InputError(
                    [
                        Problem(
                            "scenario",
                            'must be a Scenario or {"name": ..., "edits": [...]}, '
                            f"got {type(scenario).__name__}",
                        )
                    ]
                )
            scenario = Scenario(**scenario)
        for edit in scenario.edits:
            self.apply(edit)

    def use_data(self, inst: Instance) -> None:
        """Solve another instance's data on the built model from now on.

        ``inst`` has the base's structure: the same periods, initiatives, budgets,
        resources and rules, and cost profiles with non-zero entries in the same
        places. Its scores, weights, probabilities, cost amounts, limits,
        decisions and windows are sent to HiGHS as data (a window widened past
        the built starts rebuilds, as does another structure). The edits so far
        are dropped; :meth:`reset` goes back to the instance as given.
        """
        try:
            load_data(self.form, inst, check="full")
            self.solver.push()
        except StructureChanged:
            self._rebuild(inst)
        self.instance = inst
        self.edits = []
        self.plan = None

    def reset(self) -> None:
        """Back to the instance as given.

        A model rebuilt with a row the base has not (a rule's added bound) is
        built anew for the base.
        """
        try:
            load_data(self.form, self.base, check="windows")
            self.solver.push()
        except StructureChanged:
            self._rebuild(self.base)
        self.instance = self.base
        self.edits = []
        self.plan = None

    def _rebuild(self, inst: Instance) -> None:
        """Build the model anew for ``inst`` (counted in ``rebuilds``)."""
        self.form = compile_form(inst)
        self.solver = Solver(self.form, keep_process=True)
        self.rebuilds += 1

    def scale_budget(
        self, budget: str, factor: float, periods: list[str] | None = None
    ) -> None:
        """Multiply a budget's limits (in the given periods) by ``factor``."""
        self.apply(
            {"op": "scale_budget", "budget": budget, "factor": factor}
            | ({} if periods is None else {"periods": periods})
        )

    def set_budget(
        self, budget: str, limits: list[float], periods: list[str] | None = None
    ) -> None:
        """Set a budget's limits (one per period, or per listed period)."""
        self.apply(
            {"op": "set_budget", "budget": budget, "limits": limits}
            | ({} if periods is None else {"periods": periods})
        )

    def set_min_use(
        self,
        budget: str,
        min_use: float | list[float],
        periods: list[str] | None = None,
    ) -> None:
        """Set a budget's min_use: one share, or one per period (or listed period).

        A budget that had no min_use gets its rows in a rebuilt model.
        """
        self.apply(
            {"op": "set_min_use", "budget": budget, "min_use": min_use}
            | ({} if periods is None else {"periods": periods})
        )

    def set_rule_bound(
        self,
        rule: int,
        at_least: float | None = None,
        at_most: float | None = None,
    ) -> None:
        """Set a spend_share or average rule's bounds (None keeps a bound).

        ``rule`` is its number as in messages and repairs ("rule 3"): 1-based,
        in the order of the instance's rules and of the Rules sheet. A share is
        a fraction from 0 to 1. Changing a bound the rule has rewrites the
        rule's coefficients; giving it a bound it had not rebuilds the model.
        """
        self.apply(
            {"op": "set_rule_bound", "rule": rule}
            | ({} if at_least is None else {"at_least": at_least})
            | ({} if at_most is None else {"at_most": at_most})
        )

    def set_max_share(
        self,
        initiative: str,
        budget: str,
        share: float,
        variant: str | None = None,
    ) -> None:
        """Cap the share of an initiative's cost a budget of its funded_by pays.

        ``share`` from 0 (the budget pays none of it) to 1 (no cap); ``variant``
        caps that variant's version only. Changing a cap below 1 to another is
        data; a new cap or one raised to 1 rebuilds.
        """
        self.apply(
            {
                "op": "set_max_share",
                "initiative": initiative,
                "budget": budget,
                "share": share,
            }
            | ({} if variant is None else {"variant": variant})
        )

    def set_eligible(self, budget: str, eligible: Mapping[str, Any] | None) -> None:
        """Set which initiatives a budget may fund: a selector, or None for all.

        E.g. ``{"type": ["joint_lab", "industrial_college"]}``. The budget leaves
        the funded_by of every initiative it no longer matches and comes back
        (as given) to those it matches again; a changed funded_by rebuilds.
        """
        self.apply(
            {
                "op": "set_eligible",
                "budget": budget,
                "eligible": None if eligible is None else dict(eligible),
            }
        )

    def variant_off(self, initiative: str, variant: str) -> None:
        """Take a variant out: the initiative no longer runs as it (rebuilds)."""
        self.apply({"op": "variant_off", "initiative": initiative, "variant": variant})

    def variant_on(self, initiative: str, variant: str) -> None:
        """Put a variant taken out back, as given (rebuilds)."""
        self.apply({"op": "variant_on", "initiative": initiative, "variant": variant})

    def scale_capacity(
        self, resource: str, factor: float, periods: list[str] | None = None
    ) -> None:
        """Multiply a resource's capacity (in the given periods) by ``factor``."""
        self.apply(
            {"op": "scale_capacity", "resource": resource, "factor": factor}
            | ({} if periods is None else {"periods": periods})
        )

    def set_capacity(
        self, resource: str, capacity: list[float], periods: list[str] | None = None
    ) -> None:
        """Set a resource's capacity (one per period, or per listed period)."""
        self.apply(
            {"op": "set_capacity", "resource": resource, "capacity": capacity}
            | ({} if periods is None else {"periods": periods})
        )

    def force_in(self, initiative: str) -> None:
        """Fund the initiative in every plan."""
        self.apply({"op": "force_in", "initiative": initiative})

    def force_out(self, initiative: str) -> None:
        """Fund the initiative in no plan."""
        self.apply({"op": "force_out", "initiative": initiative})

    def release(self, initiative: str) -> None:
        """Give the initiative back its decision from the instance as given."""
        self.apply({"op": "release", "initiative": initiative})

    def set_score(self, initiative: str, criterion: str, value: float) -> None:
        """Set one criterion score of an initiative."""
        self.apply(
            {
                "op": "set_score",
                "initiative": initiative,
                "criterion": criterion,
                "value": value,
            }
        )

    def set_weight(self, criterion: str, weight: float) -> None:
        """Set the weight of a criterion."""
        self.apply({"op": "set_weight", "criterion": criterion, "weight": weight})

    def set_window(
        self,
        initiative: str,
        earliest_start: str | None = None,
        latest_start: str | None = None,
    ) -> None:
        """Set an initiative's start window."""
        self.apply(
            {
                "op": "set_window",
                "initiative": initiative,
                "earliest_start": earliest_start,
                "latest_start": latest_start,
            }
        )

    # -- solving --------------------------------------------------------------
    def solve(
        self,
        settings: SolveSettings | None = None,
        *,
        baseline: Plan | None = None,
        max_changes: int | None = None,
        churn_penalty: float | None = None,
        warm_start: bool = False,
        time_limit: float | None = None,
        threads: int | None = None,
        mip_gap: float | None = None,
    ) -> Plan:
        """Re-solve the built model as the edits left it.

        With a ``baseline`` plan, ``max_changes`` caps how many initiatives may
        differ from it (added, removed or started in another period) and
        ``churn_penalty`` charges that many score points per change; the plan's
        ``changes`` lists what changed. With ``warm_start``, the last plan is
        offered to HiGHS when it still satisfies the edited instance; off by
        default because HiGHS 1.16 can then report an objective its returned plan
        does not reach (the verifier catches it, and the solve is repeated cold).

        ``settings`` replaces the session's settings for this solve; or the
        keywords ``time_limit``, ``threads`` and ``mip_gap`` change those fields
        of the session's settings (giving both is an InputError).

        Raises:
            InputError: for a bad option, or ``settings`` with a keyword option.
        """
        settings = settings_from(
            settings,
            time_limit=time_limit,
            threads=threads,
            mip_gap=mip_gap,
            default=self.settings,
        )
        began = time.perf_counter()
        deadline = None if settings.time_limit is None else began + settings.time_limit
        start = self._warm_start() if warm_start else None
        plan = self._solve(
            settings, deadline, start, baseline, max_changes, churn_penalty, began
        )
        if start is not None and not plan.verified and plan.verification is not None:
            plan = self._solve(
                settings, deadline, None, baseline, max_changes, churn_penalty, began
            )
            plan.messages.append(
                "the warm start was discarded: HiGHS returned a plan that does not "
                "reach its reported objective; solved again from scratch"
            )
        else:
            plan.warm_started = start is not None
        if baseline is not None:
            plan.changes = changes_between(
                baseline.starts, plan.starts, baseline.variants, plan.variants
            )._asdict()
        self.plan = plan
        if plan.verified:
            self._previous = plan
        return plan

    def _solve(
        self,
        settings: SolveSettings,
        deadline: float | None,
        start: dict[str, int] | None,
        baseline: Plan | None,
        max_changes: int | None,
        churn_penalty: float | None,
        began: float,
    ) -> Plan:
        solver = self.solver
        context: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        if baseline is not None and (max_changes is not None or churn_penalty):
            starts = {
                i: self.instance.periods.index(p) for i, p in baseline.starts.items()
            }
            kept = baseline.variants
            if max_changes is not None:
                context = solver.changes_limited(starts, max_changes, kept)
            else:
                assert churn_penalty is not None
                context = solver.changes_penalised(starts, churn_penalty, kept)

        def once(s: SolveSettings) -> Plan:
            ahead = CheckAhead(self.instance)
            outcome = solver.solve(
                s,
                deadline,
                start,
                on_plan=ahead.offer,
                start_variants=self._previous.variants if self._previous else None,
            )
            return finish_plan(
                self.instance, self.form, outcome, s, began, solver, ahead
            )

        with context:
            plan = checked(once, settings)
        if plan.status == Status.INFEASIBLE and max_changes is not None:
            # The repairs found for the instance ignore the limit on changes.
            plan.messages = [
                f"no plan differs from the baseline in at most {max_changes} "
                "initiative(s) under the edited data; allow more changes "
                "(max_changes), or solve without a baseline to see whether the "
                "edited instance has a plan at all"
            ]
        return plan

    # -- display --------------------------------------------------------------
    def _edit_texts(self) -> list[str]:
        """Each edit so far as ``op field=value, ...``."""
        return [
            f"{e.op} "
            + ", ".join(
                f"{k}={v}"
                for k, v in e.model_dump(exclude={"op"}).items()
                if v is not None
            )
            for e in self.edits
        ]

    def __repr__(self) -> str:
        """One line: the instance, how many edits, the current plan."""
        current = "no current plan" if self.plan is None else repr(self.plan)
        return f"<Session {self.instance.name!r}, {len(self.edits)} edit(s), {current}>"

    def _repr_html_(self) -> str:
        """The notebook view: instance, edits, rebuilds and the current plan."""
        plan = self.plan
        fields: list[tuple[str, Any]] = [
            ("instance", self.instance.name),
            ("periods", ", ".join(self.instance.periods)),
            ("initiatives", len(self.instance.initiatives)),
            ("rebuilds", self.rebuilds),
        ]
        fields += [(f"edit {k}", text) for k, text in enumerate(self._edit_texts(), 1)]
        if plan is None:
            fields.append(("plan", "none current (solve() after the last edit)"))
        else:
            fields += [
                ("plan", str(plan.status)),
                (
                    "objective",
                    "-" if plan.objective is None else f"{plan.objective:,.4f}",
                ),
                ("selected", len(plan.starts) if plan.has_plan else 0),
            ]
        shown = None
        if plan is not None and plan.has_plan:
            shown = plan.selected_table()[["id", "name", "start", "expected_value"]]
        return html_summary("What-if session", fields, shown)

    def _warm_start(self) -> dict[str, int] | None:
        """The last verified plan, if it still satisfies the edited instance."""
        previous = self._previous
        if previous is None:
            return None
        selection = list(previous.starts.items())
        if not verify(
            self.instance, selection, None, previous.variants, previous.funding
        ).ok:
            return None
        return {i: self.instance.periods.index(p) for i, p in selection}


def _new_min_use(built: Instance, edited: Instance) -> bool:
    """Whether a budget has a min_use the built model has no rows for."""
    had = {b.id: b.min_use is not None for b in built.budgets}
    return any(b.min_use is not None and not had.get(b.id) for b in edited.budgets)


def _new_funding(edit: Edit, before: Instance, after: Instance) -> bool:
    """Whether a funding or variant edit needs other columns or rows.

    A variant switched off or on changes the versions; ``set_eligible`` may
    change funded_by lists (fund columns); ``set_max_share`` has a row per cap
    below 1, so a cap that appears or reaches 1 changes the rows.
    """
    # (lists of ids, not initiatives: two equal initiatives with their cached
    # versions compare recursively)
    if isinstance(edit, VariantOff | VariantOn):
        return [i.variant_ids() for i in before.initiatives] != [
            i.variant_ids() for i in after.initiatives
        ]
    if isinstance(edit, SetEligible):
        return _funded_by(before) != _funded_by(after)
    if isinstance(edit, SetMaxShare):
        old = next(i for i in before.initiatives if i.id == edit.initiative)
        new = next(i for i in after.initiatives if i.id == edit.initiative)
        return _capped(old) != _capped(new)
    return False


def _funded_by(inst: Instance) -> list[object]:
    """Every version's funded_by, initiative by initiative."""
    return [[v.funded_by for _, v in i.versions] for i in inst.initiatives]


def _capped(ini: Initiative) -> set[tuple[str | None, str]]:
    """(variant, budget) of the caps below 1: the rows of fund_max_share."""
    return {
        (variant, b)
        for variant, version in ini.versions
        for b in version.funded_by or []
        if share_cap(version, b) < 1
    }
