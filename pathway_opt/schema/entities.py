"""The instance format's entities: strict pydantic models.

Their field docstrings become the JSON Schema (`pathway-opt schema`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
)
from pydantic_core import PydanticCustomError

from pathway_opt.schema.characters import describe_character, refused_character

#: Largest magnitude accepted for money and quantities. Anything near 1e20 is
#: infinite to HiGHS and ruins the conditioning of the model long before that.
MAX_AMOUNT = 1e15


#: Largest count or lag accepted (far beyond any real portfolio or horizon).
MAX_COUNT = 1_000_000


def _plain_id(value: Any) -> Any:
    """Refuse invisible and layout-changing characters in an id, naming the first."""
    if isinstance(value, str):
        found = refused_character(value)
        if found is not None:
            position, char = found
            raise PydanticCustomError(
                "id_character",
                "character {position} is {character}, not allowed in an id",
                {"position": position, "character": describe_character(char)},
            )
    return value


Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$"),
    BeforeValidator(_plain_id),
]


Period = Annotated[str, StringConstraints(min_length=1, max_length=40)]


Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]


Profile = list[Amount]


InitiativeType = Literal[
    "partner_agreement",
    "joint_lab",
    "industrial_college",
    "internship_base",
    "order_class",
    "apprenticeship",
    "dual_mentor",
    "co_taught_course",
    "curriculum",
    "scholarship",
    "training_platform",
    "incubator",
    "teacher_practice",
    "reform_project",
    "alliance",
    "other",
]


"""The usual initiative types: suggestions (the template's drop-down, "did you
mean" warnings), not a closed list; an initiative's `type` is the planner's own."""


INITIATIVE_TYPES: tuple[str, ...] = InitiativeType.__args__  # type: ignore[attr-defined]


#: An initiative's category as the planner names it: any non-empty text without
#: spaces at either end, e.g. `joint_lab`, `research_center` or `产业学院`.
TypeText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$"),
]


Decision = Literal["optional", "must", "never"]

LimitKind = Literal["budget", "resource"]
"""What a per-period limit belongs to: a budget (money) or a resource."""


def _cost_kind(value: Any) -> str:
    return "by_budget" if isinstance(value, dict) else "profile"


def _match_kind(value: Any) -> str:
    return "any_of" if isinstance(value, list) else "one"


#: A cost profile charged to the only budget, or one profile per budget id.
CostSpec = Annotated[
    Annotated[Profile, Tag("profile")] | Annotated[dict[Id, Profile], Tag("by_budget")],
    Discriminator(_cost_kind),
]


#: A selector value: one string, or a list of strings of which any may match.
MatchValue = Annotated[
    Annotated[str, Tag("one")] | Annotated[list[str], Tag("any_of")],
    Discriminator(_match_kind),
]


#: Discriminator tags pydantic inserts into error locations; the error formatter
#: removes them so paths read like the JSON the user wrote.
UNION_TAGS = frozenset(
    {"profile", "by_budget", "one", "any_of", "requires", "at_most", "at_least"}
    | {"exactly", "synergy", "spend_share", "average", "share", "per_period"}
)


#: A share in [0, 1], e.g. of a budget's limit.
Share = Annotated[float, Field(ge=0, le=1)]


def _share_kind(value: Any) -> str:
    return "per_period" if isinstance(value, list) else "share"


#: One share for every period, or a list of shares, one per period.
ShareSpec = Annotated[
    Annotated[Share, Tag("share")] | Annotated[list[Share], Tag("per_period")],
    Discriminator(_share_kind),
]


class StrictModel(BaseModel):
    """Base of every instance model: unknown keys, coercion and NaN are refused."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
    )


#: ``[low, high]``: a range of a value that is uncertain.
ValueRange = Annotated[
    list[Annotated[float, Field(ge=0, le=MAX_AMOUNT)]],
    Field(min_length=2, max_length=2),
]


class Criterion(StrictModel):
    """An evaluation criterion of the integration score (e.g. talent cultivation)."""

    id: Id
    """Short identifier used in initiatives' `scores`, e.g. `TC`."""
    name: str = ""
    """Readable name, e.g. `Talent cultivation & employment`."""
    weight: Annotated[float, Field(ge=0, le=MAX_AMOUNT)] | None = None
    """Non-negative weight of the criterion in the score (weights need not sum to
    1). Required unless `criteria_comparisons` derive the weights; then ignored."""
    weight_range: ValueRange | None = None
    """`[low, high]` around `weight` (low <= weight <= high): for robustness
    analysis the weight is drawn from a triangular distribution (low, weight,
    high). Absent: the weight is certain. Not with `criteria_comparisons`."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


class Comparison(StrictModel):
    """A pairwise judgement between two criteria (AHP, Saaty's 1-9 scale).

    Criterion `more` is `ratio` times as important as criterion `less`; the
    reverse pair is implied (`less` is 1/ratio times as important as `more`).
    """

    more: Id
    """Id of the criterion judged more important, e.g. `TC`."""
    less: Id
    """Id of the criterion it is compared with, e.g. `EE`."""
    ratio: float
    """How many times as important `more` is as `less`, from 1/9 to 9: 1 equal,
    3 moderately, 5 strongly, 7 very strongly, 9 extremely more important."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


class Where(StrictModel):
    """Selects initiatives by their fields; every given field must match."""

    type: MatchValue | None = None
    """Initiative type, or a list of types any of which matches."""
    department: MatchValue | None = None
    """Department, or a list of departments any of which matches."""
    partner: MatchValue | None = None
    """Partner, or a list of partners any of which matches."""


class Budget(StrictModel):
    """A source of money with a limit per period (university, partner, government)."""

    id: Id
    """Identifier used in initiatives' `cost` objects, e.g. `central`."""
    name: str = ""
    """Readable name, e.g. `University own IEI budget`."""
    limits: list[Amount]
    """Money available in each period (currency units), one entry per period."""
    carry_over: bool = False
    """If true, money unspent in a period may be spent later: cumulative spend up
    to each period must stay within the cumulative limit. If false, each period's
    spend must stay within that period's limit."""
    eligible: Where | None = None
    """Which initiatives this budget may fund at all, e.g. `{"type":
    ["joint_lab", "industrial_college"]}` for a government special fund (default:
    every initiative). An initiative charged to it, or listing it in
    `funded_by`, must match."""
    min_use: ShareSpec | None = None
    """Share of the limit that must be spent ("use it or lose it" funds): a
    fraction in [0, 1] for every period, or a list with one per period. Each
    period's spend must be at least that share of its limit; with carry-over, the
    spend up to each period at least that share of the cumulative limit."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""

    def min_use_shares(self, n_periods: int) -> list[float]:
        """The minimum-use share of each period (0 where none is set)."""
        if self.min_use is None:
            return [0.0] * n_periods
        if isinstance(self.min_use, list):
            return [float(v) for v in self.min_use]
        return [float(self.min_use)] * n_periods

    def min_use_floors(self, n_periods: int) -> list[float]:
        """Least spend per period (cumulative with carry-over) that min_use asks."""
        shares = self.min_use_shares(n_periods)
        limits, total = [], 0.0
        for limit in self.limits[:n_periods]:
            total += limit
            limits.append(total if self.carry_over else limit)
        return [s * v for s, v in zip(shares, limits, strict=False)]


class Resource(StrictModel):
    """A scarce capacity used per period (faculty time, lab space, partner hours)."""

    id: Id
    """Identifier used in initiatives' `uses`, e.g. `faculty_fte`."""
    name: str = ""
    """Readable name, e.g. `Faculty time assignable to IEI`."""
    unit: str = ""
    """Unit of capacity and use, e.g. `FTE`, `m2`, `h`."""
    capacity: list[Amount]
    """Capacity available in each period, one entry per period."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


class Uncertainty(StrictModel):
    """Ranges of an initiative's uncertain values, for robustness analysis.

    Each value is drawn from a triangular distribution with the range's ends as
    its ends and the given value as its mode (for `cost_factor`, the mode is 1).
    """

    scores: dict[Id, ValueRange] = {}
    """`[low, high]` per criterion id around the initiative's score on it."""
    success_probability: ValueRange | None = None
    """`[low, high]` around `success_probability`, within [0, 1]."""
    cost_factor: ValueRange | None = None
    """`[low, high]` of a factor on the whole cost profile (mode 1, low > 0)."""


class Variant(StrictModel):
    """An alternative version of an initiative, e.g. a reduced joint lab.

    Every field given replaces the initiative's (`scores`, `uses` and `max_share`
    per key: the keys left out keep the initiative's values); fields left out are
    the initiative's. At most one version of an initiative is funded, and rules on
    the initiative apply to whichever version runs.
    """

    id: Id
    """Identifier of the version within its initiative, e.g. `lite`."""
    name: str = ""
    """Readable name, e.g. `Reduced lab without the clean room`."""
    cost: CostSpec | None = None
    """The version's cost profile (or profiles per budget), replacing the
    initiative's."""
    uses: dict[Id, Profile] | None = None
    """Resource use profiles per resource id, replacing the initiative's for the
    resources listed."""
    scores: dict[Id, Annotated[float, Field(ge=0, le=MAX_AMOUNT)]] | None = None
    """Scores per criterion id, replacing the initiative's for the criteria
    listed."""
    success_probability: Annotated[float, Field(ge=0, le=1)] | None = None
    """The version's probability of delivering its scores."""
    earliest_start: Period | None = None
    """First period in which this version may start."""
    latest_start: Period | None = None
    """Last period in which this version may start."""
    funded_by: Annotated[list[Id], Field(min_length=1)] | None = None
    """Budgets that may pay this version's cost, replacing the initiative's."""
    max_share: dict[Id, Share] | None = None
    """Largest share of this version's cost per budget, replacing the
    initiative's for the budgets listed."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""


#: Fields of an initiative a variant may replace (the rest stay the initiative's).
VARIANT_FIELDS = (
    "cost", "uses", "scores", "success_probability", "earliest_start",
    "latest_start", "funded_by", "max_share",
)  # fmt: skip
#: Of those, the ones replaced key by key (a dict merged over the initiative's).
_MERGED_FIELDS = ("uses", "scores", "max_share")
#: What an initiative caches from its fields (dropped from an updated copy).
_CACHED = ("last_entry", "variant_versions")


class Initiative(StrictModel):
    """A candidate initiative: what it scores, costs and uses, and when it may start."""

    id: Id
    """Unique identifier, e.g. `JL-CS-01`."""
    name: str = ""
    """Readable name, e.g. `Cybersecurity joint lab`."""
    type: TypeText = "other"
    """The planner's own category, any non-empty text; usual ones are joint_lab,
    industrial_college, co_taught_course, internship_base, order_class, ..."""
    department: str | None = None
    """Department that leads it; usable in rule selectors."""
    partner: str | None = None
    """Partner enterprise; usable in rule selectors."""
    scores: dict[Id, Annotated[float, Field(ge=0, le=MAX_AMOUNT)]] = {}
    """Non-negative score per criterion id; criteria left out score 0."""
    success_probability: Annotated[float, Field(ge=0, le=1)] = 1.0
    """Probability in [0, 1] that the initiative delivers its scores."""
    cost: CostSpec = []
    """Cost profile by year since start (entry k is paid k periods after the start
    period), charged to the only budget; or an object `{budget_id: profile}` when
    the cost is split across budgets. Absent means it costs nothing."""
    funded_by: Annotated[list[Id], Field(min_length=1)] | None = None
    """Budgets that may pay the cost: the optimizer splits each period's cost
    among them (needs `cost` as one profile, a list). Absent: the cost is charged
    as `cost` says."""
    max_share: dict[Id, Share] = {}
    """Largest share of the cost a budget of `funded_by` may pay, e.g.
    `{"gov_special": 0.5}` (default 1 for each)."""
    uses: dict[Id, Profile] = {}
    """Resource use profile by year since start, per resource id."""
    earliest_start: Period | None = None
    """First period in which it may start (default: the first period)."""
    latest_start: Period | None = None
    """Last period in which it may start (default: the last period)."""
    decision: Decision = "optional"
    """`optional` (the model decides), `must` (always funded) or `never`."""
    decision_reason: str = ""
    """Why the decision is forced, e.g. `Ministry pilot commitment`; shown with
    the decision in plans, explanations and infeasibility repairs."""
    variants: list[Variant] = []
    """Alternative versions (e.g. a reduced lab, a later co-funded version); at
    most one version is funded, the base or one of these."""
    uncertainty: Uncertainty | None = None
    """Ranges of its scores, success probability and cost, used by the
    robustness analysis and the robust plan; the plan itself uses the given
    values."""
    notes: str = ""
    """The planner's own notes (free text; not used by the model)."""

    @functools.cached_property
    def last_entry(self) -> int:
        """Index of the last non-zero entry over all profiles (-1 if none)."""
        costs = self.cost.values() if isinstance(self.cost, dict) else [self.cost]
        return max(
            (k for p in [*costs, *self.uses.values()] for k, v in enumerate(p) if v),
            default=-1,
        )

    def least_cost_by_budget(self, budget_ids: list[str]) -> dict[str, list[float]]:
        """The least cost each budget must pay, per period after the start.

        Without `funded_by`, the cost profiles per budget. With it, what is left
        for a budget when every other listed budget pays its `max_share`.
        """
        if self.funded_by is None:
            return self.cost_by_budget(budget_ids)
        listed = list(dict.fromkeys(self.funded_by))
        caps = {b: self.max_share.get(b, 1.0) for b in listed}
        least = {
            b: max(0.0, 1.0 - sum(caps[o] for o in listed if o != b)) for b in listed
        }
        return {
            b: [least[b] * v for v in self.cost_profile()]
            for b in listed
            if least[b] > 0
        }

    def cost_profile(self) -> list[float]:
        """The whole cost per period after the start, summed over budgets."""
        if not isinstance(self.cost, dict):
            return list(self.cost)
        width = max((len(p) for p in self.cost.values()), default=0)
        return [
            sum(p[k] for p in self.cost.values() if k < len(p)) for k in range(width)
        ]

    @property
    def versions(self) -> tuple[tuple[str | None, Initiative], ...]:
        """(variant id, the initiative as that version runs): the base first.

        The base version is the initiative itself; each variant's is a copy with
        the variant's fields applied and no variants of its own.
        """
        return ((None, self), *self.variant_versions)

    @functools.cached_property
    def variant_versions(self) -> tuple[tuple[str, Initiative], ...]:
        """(variant id, version) of each variant, made once per initiative."""
        return tuple((v.id, self.version(v.id)) for v in self.variants)

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Initiative:
        """A copy (with fields updated); what was cached from the fields is not."""
        copy = super().model_copy(update=update, deep=deep)
        if update:
            for cached in _CACHED:
                copy.__dict__.pop(cached, None)
        return copy

    def version(self, variant_id: str | None) -> Initiative:
        """The initiative as version `variant_id` runs (None: the base)."""
        if variant_id is None:
            return self
        variant = next(v for v in self.variants if v.id == variant_id)
        update: dict[str, Any] = {"variants": []}
        for name in VARIANT_FIELDS:
            value = getattr(variant, name)
            if value is not None:  # each field was validated in the variant
                merged = name in _MERGED_FIELDS
                update[name] = {**getattr(self, name), **value} if merged else value
        if variant.funded_by is not None and variant.max_share is None:
            # caps of budgets the version no longer lists do not apply to it
            listed = set(variant.funded_by)
            update["max_share"] = {
                b: v for b, v in self.max_share.items() if b in listed
            }
        elif variant.funded_by is not None:
            listed = set(variant.funded_by)
            update["max_share"] = {
                b: v for b, v in update["max_share"].items() if b in listed
            } | dict(variant.max_share or {})
        return self.model_copy(update=update)

    def variant_ids(self) -> list[str]:
        """Ids of its variants, in order."""
        return [v.id for v in self.variants]

    def cost_by_budget(self, budget_ids: list[str]) -> dict[str, list[float]]:
        """Cost profiles per budget id (a bare list belongs to the only budget).

        With `funded_by`, the most each listed budget may pay: its `max_share` of
        the cost (the whole cost without a cap); the optimizer splits the cost.
        """
        if self.funded_by is not None:
            return {
                b: [self.max_share.get(b, 1.0) * v for v in self.cost_profile()]
                for b in dict.fromkeys(self.funded_by)
            }
        if isinstance(self.cost, dict):
            return dict(self.cost)
        if not self.cost or not budget_ids:
            return {}
        return {budget_ids[0]: list(self.cost)}


class Settings(StrictModel):
    """Model-wide settings."""

    delay_discount: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Value multiplier per period of delay after an initiative's earliest start."""
    allow_beyond_horizon: bool = False
    """If true, profiles may run past the last period; what falls after it is not
    constrained but reported as committed beyond the horizon."""
    accept_inconsistent_judgements: bool = False
    """If true, `criteria_comparisons` whose consistency ratio is above 0.10 are
    used with a warning instead of being refused."""
