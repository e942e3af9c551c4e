"""The instance format: strict pydantic models whose docstrings become the JSON Schema.

Field-level rules (types, signs, ranges, unknown keys) are declared on the models.
Rules that span several entities (unknown references, duplicate ids, list lengths,
start windows, prerequisite cycles) live in :mod:`pathway_opt.consistency` and run
in :meth:`Instance._check_consistency`, which reports every problem at once.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

#: Largest magnitude accepted for money and quantities. Anything near 1e20 is
#: infinite to HiGHS and ruins the conditioning of the model long before that.
MAX_AMOUNT = 1e15

#: Largest count or lag accepted (far beyond any real portfolio or horizon).
MAX_COUNT = 1_000_000

Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$"),
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
INITIATIVE_TYPES: tuple[str, ...] = InitiativeType.__args__  # type: ignore[attr-defined]

Decision = Literal["optional", "must", "never"]


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
    | {"exactly", "synergy"}
)


class StrictModel(BaseModel):
    """Base of every instance model: unknown keys, coercion and NaN are refused."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        allow_inf_nan=False,
        use_attribute_docstrings=True,
    )


class Criterion(StrictModel):
    """An evaluation criterion of the integration score (e.g. talent cultivation)."""

    id: Id
    """Short identifier used in initiatives' `scores`, e.g. `TC`."""
    name: str = ""
    """Readable name, e.g. `Talent cultivation & employment`."""
    weight: Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
    """Non-negative weight of the criterion in the score (weights need not sum to 1)."""


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


class Initiative(StrictModel):
    """A candidate initiative: what it scores, costs and uses, and when it may start."""

    id: Id
    """Unique identifier, e.g. `JL-CS-01`."""
    name: str = ""
    """Readable name, e.g. `Cybersecurity joint lab`."""
    type: InitiativeType = "other"
    """Kind of initiative (joint_lab, industrial_college, co_taught_course, ...)."""
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
    uses: dict[Id, Profile] = {}
    """Resource use profile by year since start, per resource id."""
    earliest_start: Period | None = None
    """First period in which it may start (default: the first period)."""
    latest_start: Period | None = None
    """Last period in which it may start (default: the last period)."""
    decision: Decision = "optional"
    """`optional` (the model decides), `must` (always funded) or `never`."""

    @functools.cached_property
    def last_entry(self) -> int:
        """Index of the last non-zero entry over all profiles (-1 if none)."""
        costs = self.cost.values() if isinstance(self.cost, dict) else [self.cost]
        return max(
            (k for p in [*costs, *self.uses.values()] for k, v in enumerate(p) if v),
            default=-1,
        )

    def cost_by_budget(self, budget_ids: list[str]) -> dict[str, list[float]]:
        """Cost profiles per budget id (a bare list belongs to the only budget)."""
        if isinstance(self.cost, dict):
            return dict(self.cost)
        if not self.cost or not budget_ids:
            return {}
        return {budget_ids[0]: list(self.cost)}


class Where(StrictModel):
    """Selects initiatives by their fields; every given field must match."""

    type: MatchValue | None = None
    """Initiative type, or a list of types any of which matches."""
    department: MatchValue | None = None
    """Department, or a list of departments any of which matches."""
    partner: MatchValue | None = None
    """Partner, or a list of partners any of which matches."""


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


class SynergyRule(StrictModel):
    """Adds `bonus` to the objective when every member is selected."""

    kind: Literal["synergy"]
    """Rule kind."""
    members: Annotated[list[Id], Field(min_length=2)]
    """The initiatives that must all be selected."""
    bonus: Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]
    """Score added when all are selected; negative for an overlap penalty."""


def _rule_kind(value: Any) -> str | None:
    kind = (
        value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    )
    if kind in ("at_most", "at_least", "exactly"):
        return kind
    return kind if kind in ("requires", "synergy") else None


Rule = Annotated[
    Annotated[RequiresRule, Tag("requires")]
    | Annotated[CountRule, Tag("at_most")]
    | Annotated[CountRule, Tag("at_least")]
    | Annotated[CountRule, Tag("exactly")]
    | Annotated[SynergyRule, Tag("synergy")],
    Discriminator(
        _rule_kind,
        custom_error_type="rule_kind",
        custom_error_message="kind must be one of requires, at_most, at_least, "
        "exactly, synergy",
    ),
]


class Settings(StrictModel):
    """Model-wide settings."""

    delay_discount: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Value multiplier per period of delay after an initiative's earliest start."""
    allow_beyond_horizon: bool = False
    """If true, profiles may run past the last period; what falls after it is not
    constrained but reported as committed beyond the horizon."""


class Instance(StrictModel):
    """A portfolio planning problem: candidates, money, capacities and rules."""

    name: str = "unnamed instance"
    """Name shown in reports."""
    description: str = ""
    """Free text describing the instance."""
    currency: str = "CNY"
    """Currency of all money amounts."""
    periods: Annotated[list[Period], Field(min_length=1)]
    """Planning periods in order, e.g. `["2027", "2028", "2029"]`."""
    criteria: Annotated[list[Criterion], Field(min_length=1)]
    """Criteria of the integration score."""
    budgets: list[Budget] = []
    """Budgets (may be empty)."""
    resources: list[Resource] = []
    """Resources (may be empty)."""
    initiatives: Annotated[list[Initiative], Field(min_length=1)]
    """Candidate initiatives."""
    rules: list[Rule] = []
    """Prerequisite, count and synergy rules."""
    settings: Settings = Settings()
    """Model-wide settings."""

    @model_validator(mode="after")
    def _check_consistency(self) -> Instance:
        from pathway_opt.consistency import find_problems

        problems = find_problems(self)
        if problems:
            raise PydanticCustomError(
                "instance_consistency",
                "{count} consistency problems",
                {"count": len(problems), "problems": problems},
            )
        return self

    # Convenience look-ups shared by the model builder and the reports.
    def period_index(self, period: str) -> int:
        """Position of a period label in `periods`."""
        return self.periods.index(period)

    def budget_ids(self) -> list[str]:
        """Budget ids in order."""
        return [b.id for b in self.budgets]

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
        weights = {c.id: c.weight for c in self.criteria}
        weighted = sum(weights[c] * s for c, s in initiative.scores.items())
        return initiative.success_probability * weighted
