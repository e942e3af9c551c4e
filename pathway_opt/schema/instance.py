"""The instance: the whole planning problem, checked as a whole when built.

Cross-entity rules (unknown references, duplicate ids, list lengths, start
windows, prerequisite cycles) live in :mod:`pathway_opt.schema.checks`; the
look-ups here are shared by the model builder, the verifier and the reports.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Annotated, NamedTuple

from pydantic import (
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pathway_opt.schema.entities import (
    Budget,
    Comparison,
    Criterion,
    Initiative,
    LimitKind,
    Period,
    Resource,
    Settings,
    StrictModel,
)
from pathway_opt.schema.rules import CountRule, Rule
from pathway_opt.schema.weights import CriteriaWeights, resolve_weights


class Limit(NamedTuple):
    """A budget's limits or a resource's capacity."""

    kind: LimitKind
    id: str
    amounts: list[float]
    """One per period."""
    cumulative: bool
    """Whether the limit applies to the use summed up to each period (a
    carry-over budget) rather than to each period's use."""


class Instance(StrictModel):
    """A portfolio planning problem: candidates, money, capacities and rules."""

    name: str = "unnamed instance"
    """Name shown in reports."""
    description: str = ""
    """Free text describing the instance."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""
    currency: str = "CNY"
    """Currency of all money amounts."""
    periods: Annotated[list[Period], Field(min_length=1)]
    """Planning periods in order, e.g. `["2027", "2028", "2029"]`."""
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    """Criteria of the integration score."""
    criteria_comparisons: list[Comparison] = Field(default=[])
    """Pairwise judgements between criteria (AHP, Saaty's 1-9 scale). When given,
    the weights are derived from them and the criteria's `weight`s are ignored."""
    budgets: list[Budget] = Field(default=[])
    """Budgets (may be empty)."""
    resources: list[Resource] = Field(default=[])
    """Resources (may be empty)."""
    initiatives: Annotated[list[Initiative], Field(min_length=1)]
    """Candidate initiatives."""
    rules: list[Rule] = Field(default=[])
    """Prerequisite, count and synergy rules."""
    settings: Settings = Settings()
    """Model-wide settings."""

    @model_validator(mode="after")
    def _check_consistency(self) -> Instance:
        from pathway_opt.schema.checks import find_problems

        problems = find_problems(self)
        if problems:
            raise PydanticCustomError(
                "instance_consistency",
                "{count} consistency problems",
                {"count": len(problems), "problems": problems},
            )
        return self

    @functools.cached_property
    def source_warnings(self) -> tuple[str, ...]:
        """Warnings about the file the instance was read from.

        E.g. a workbook's hidden or unknown sheets: empty unless the reader set
        them (see :func:`with_source_warnings`); not part of equality.
        """
        return ()

    @property
    def weights_source(self) -> CriteriaWeights:
        """The criteria weights used and where they come from (given or judged).

        Resolved once per criteria and judgements: an edit that replaces either
        list (``model_copy(update=...)``) gets its weights resolved anew.
        """
        memo = self.__dict__.get("_weights_memo")
        if (
            memo is not None
            and memo[0] is self.criteria
            and memo[1] is self.criteria_comparisons
        ):
            found: CriteriaWeights = memo[2]
            return found
        found = resolve_weights(self.criteria, self.criteria_comparisons)
        self.__dict__["_weights_memo"] = (
            self.criteria,
            self.criteria_comparisons,
            found,
        )
        return found

    @property
    def weights(self) -> dict[str, float]:
        """Criterion id -> the weight the objective uses (given or derived)."""
        return dict(self.weights_source.weights)

    # Convenience look-ups shared by the model builder and the reports.
    def period_index(self, period: str) -> int:
        """Position of a period label in `periods`."""
        return self.periods.index(period)

    def budget_ids(self) -> list[str]:
        """Budget ids in order."""
        return [b.id for b in self.budgets]

    def limits(self) -> list[Limit]:
        """Every budget's limits, then every resource's capacity."""
        budgets = [
            Limit(kind="budget", id=b.id, amounts=b.limits, cumulative=b.carry_over)
            for b in self.budgets
        ]
        resources = [
            Limit(kind="resource", id=r.id, amounts=r.capacity, cumulative=False)
            for r in self.resources
        ]
        return budgets + resources

    def count_rule_members(self) -> dict[int, list[str]]:
        """Members of every count rule by rule position, in linear time.

        `where` selectors are answered from one index of field values, so that
        thousands of department-level rules do not each scan every initiative.
        """
        fields = ("type", "department", "partner")
        by_value: dict[tuple[str, str | None], list[tuple[int, Initiative]]] = {}
        for k, ini in enumerate(self.initiatives):
            for field in fields:
                by_value.setdefault((field, getattr(ini, field)), []).append((k, ini))
        members: dict[int, list[str]] = {}
        for k, rule in enumerate(self.rules):
            if not isinstance(rule, CountRule):
                continue
            if rule.members is not None or rule.where is None:
                members[k] = list(rule.members or [])
                continue
            wanted = {
                f: (w if isinstance(w, list) else [w])
                for f in fields
                if (w := getattr(rule.where, f)) is not None
            }
            # Filter the smallest matching group (usually the department's) by the
            # other fields, so a rule costs its group's size, not the instance's.
            sizes = {
                f: sum(len(by_value.get((f, o), [])) for o in options)
                for f, options in wanted.items()
            }
            if not wanted:  # a selector naming no field (reported as a problem)
                members[k] = []
                continue
            first = min(sizes, key=sizes.__getitem__)
            smallest = [i for o in wanted[first] for i in by_value.get((first, o), [])]
            chosen = {
                pos: ini
                for pos, ini in smallest
                if all(getattr(ini, f) in options for f, options in wanted.items())
            }
            members[k] = [chosen[pos].id for pos in sorted(chosen)]
        return members

    def start_window(self, initiative: Initiative) -> range:
        """Period indices of the initiative's start window (fit not checked)."""
        first = self.period_index(initiative.earliest_start or self.periods[0])
        last = self.period_index(initiative.latest_start or self.periods[-1])
        return range(first, last + 1)

    def fits(self, initiative: Initiative, start: int) -> bool:
        """Whether every non-zero profile entry from `start` is inside the horizon."""
        if self.settings.allow_beyond_horizon:
            return True
        return start + initiative.last_entry < len(self.periods)

    def possible_starts(self, initiative: Initiative) -> list[int]:
        """Start indices inside the window where the profiles fit the horizon."""
        if initiative.decision == "never":
            return []
        return [s for s in self.start_window(initiative) if self.fits(initiative, s)]

    def base_value(self, initiative: Initiative) -> float:
        """Expected score without delay: probability x weighted criteria scores."""
        weights = self.weights_source.weights
        weighted = sum(weights[c] * s for c, s in initiative.scores.items())
        return initiative.success_probability * weighted


def with_source_warnings(inst: Instance, warnings: Iterable[str]) -> Instance:
    """Attach a reader's warnings to `inst` (returned) as its `source_warnings`.

    They live beside the fields, like any cached property: equality, dumps and
    the JSON Schema ignore them, and copies made by edits keep them.
    """
    inst.__dict__["source_warnings"] = tuple(warnings)
    return inst
