"""The instance format's rules: requires, count, synergy, spend-share and average.

Their field docstrings become the JSON Schema (`pathway-opt schema`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag

from pathway_opt.schema.entities import (
    MAX_AMOUNT,
    MAX_COUNT,
    Id,
    Period,
    Share,
    StrictModel,
    Where,
)


class RequiresRule(StrictModel):
    """Prerequisites: `initiative` needs every initiative in `on`, started earlier.

    It may be selected only if each of them is selected and started at least `lag`
    periods before it.
    """

    kind: Literal["requires"]
    """Rule kind."""
    initiative: Id
    """The dependent initiative."""
    on: Annotated[list[Id], Field(min_length=1)]
    """Its prerequisites."""
    lag: Annotated[int, Field(ge=0, le=MAX_COUNT)] = 0
    """Minimum number of periods between a prerequisite's start and its start."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


class CountRule(StrictModel):
    """Bounds the number of selected members: `at_most`, `at_least` or `exactly`."""

    kind: Literal["at_most", "at_least", "exactly"]
    """Rule kind."""
    count: Annotated[int, Field(ge=0, le=MAX_COUNT)]
    """The bound on the number of selected members."""
    members: Annotated[list[Id], Field(min_length=1)] | None = None
    """The members, listed by id (give this or `where`)."""
    where: Where | None = None
    """The members, chosen by initiative fields (give this or `members`)."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


class SynergyRule(StrictModel):
    """Adds `bonus` to the objective when every member is selected."""

    kind: Literal["synergy"]
    """Rule kind."""
    members: Annotated[list[Id], Field(min_length=2)]
    """The initiatives that must all be selected."""
    bonus: Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
    """Score added when all are selected; negative for an overlap penalty."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


class SpendShareRule(StrictModel):
    """Bounds the share of total spend that goes to the matching initiatives.

    Spend is the cost charged to `budget` (default: every budget) in `periods`
    (default: every period) by the selected initiatives; the members' part of it
    must be at least `at_least` and/or at most `at_most` of the whole.
    """

    kind: Literal["spend_share"]
    """Rule kind."""
    members: Annotated[list[Id], Field(min_length=1)] | None = None
    """The members, listed by id (give this or `where`)."""
    where: Where | None = None
    """The members, chosen by initiative fields (give this or `members`)."""
    at_least: Share | None = None
    """Smallest share of spend the members take, from 0 to 1 (e.g. 0.1)."""
    at_most: Share | None = None
    """Largest share of spend the members take, from 0 to 1."""
    budget: Id | None = None
    """Count only the spend of this budget (default: every budget)."""
    periods: Annotated[list[Period], Field(min_length=1)] | None = None
    """Count only the spend in these periods (default: every period)."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


#: The fields an `average` rule may take the mean of, besides `score:<criterion>`.
AVERAGE_FIELDS = ("success_probability", "cost")


class AverageRule(StrictModel):
    """Bounds the mean of a numeric field over the selected matching initiatives.

    `field` is `success_probability`, `cost` (the whole cost profile summed over
    budgets) or `score:<criterion>`. A selection with no matching initiative
    satisfies the rule.
    """

    kind: Literal["average"]
    """Rule kind."""
    field: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    """`success_probability`, `cost` or `score:<criterion id>`."""
    at_least: Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)] | None = None
    """Smallest mean allowed."""
    at_most: Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)] | None = None
    """Largest mean allowed."""
    members: Annotated[list[Id], Field(min_length=1)] | None = None
    """The initiatives averaged over, by id (default: every initiative)."""
    where: Where | None = None
    """The initiatives averaged over, by fields (default: every initiative)."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


def _rule_kind(value: Any) -> str | None:
    kind = (
        value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    )
    if kind in ("at_most", "at_least", "exactly"):
        return kind
    return kind if kind in ("requires", "synergy", "spend_share", "average") else None


Rule = Annotated[
    Annotated[RequiresRule, Tag("requires")]
    | Annotated[CountRule, Tag("at_most")]
    | Annotated[CountRule, Tag("at_least")]
    | Annotated[CountRule, Tag("exactly")]
    | Annotated[SynergyRule, Tag("synergy")]
    | Annotated[SpendShareRule, Tag("spend_share")]
    | Annotated[AverageRule, Tag("average")],
    Discriminator(
        _rule_kind,
        custom_error_type="rule_kind",
        custom_error_message="kind must be one of requires, at_most, at_least, "
        "exactly, synergy, spend_share, average",
    ),
]
