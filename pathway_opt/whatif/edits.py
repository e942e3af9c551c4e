"""What-if edits: plain data (JSON-loadable) that turn one instance into another.

Most edits change data only (limits, capacities, decisions, scores, weights,
windows, bounds and caps), which a built model takes without a rebuild; the
funding and variant edits are in :mod:`pathway_opt.whatif.funding_edits`.
``apply`` checks the edit against the instance and raises :class:`InputError`
naming the field and the values it may take; so do :func:`as_edit` and
:class:`Scenario` for bad data (never pydantic's own error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, cast

from pydantic import Field, TypeAdapter, ValidationError

from pathway_opt.errors import InputError, Problem, listing
from pathway_opt.inputs.instance_json import problems_from_validation
from pathway_opt.schema.entities import (
    MAX_AMOUNT,
    Id,
    Initiative,
    ShareSpec,
    StrictModel,
    Where,
)
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import AverageRule, SpendShareRule
from pathway_opt.whatif.edit_base import (
    PLURAL,
    EditBase,
    position,
    with_initiative,
)
from pathway_opt.whatif.funding_edits import (
    FUNDING_EDITS,
    SetEligible,
    SetMaxShare,
    VariantOff,
    VariantOn,
)

Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]


def _with_series(
    inst: Instance,
    edit: EditBase,
    at: str,
    kind: Literal["budgets", "resources"],
    owner: str,
    change: Callable[[list[float], list[int]], list[float]],
    periods: list[str] | None,
) -> Instance:
    """The instance with one budget's limits or one resource's capacity changed."""
    field = "limits" if kind == "budgets" else "capacity"
    items = list(getattr(inst, kind))
    label = kind[:-1]
    k = position([x.id for x in items], owner, edit, at, label)
    where = edit._periods(inst, periods, at)
    items[k] = items[k].model_copy(
        update={field: change(getattr(items[k], field), where)}
    )
    return inst.model_copy(update={kind: items})


def _scale(factor: float) -> Callable[[list[float], list[int]], list[float]]:
    return lambda values, where: [
        v * factor if t in where else v for t, v in enumerate(values)
    ]


def _assign(
    new: list[float], edit: EditBase, at: str, field: str
) -> Callable[[list[float], list[int]], list[float]]:
    def change(values: list[float], where: list[int]) -> list[float]:
        if len(new) != len(where):
            raise edit._fail(
                at,
                field,
                f"has {len(new)} values for {len(where)} period(s); give one each",
            )
        out = list(values)
        for t, v in zip(where, new, strict=True):
            out[t] = v
        return out

    return change


class ScaleBudget(EditBase):
    """Multiply a budget's limits (in the given periods, default all) by a factor."""

    op: Literal["scale_budget"]
    budget: Id
    factor: Amount
    periods: list[str] | None = None

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """Scaled limits."""
        change = _scale(self.factor)
        return _with_series(
            inst, self, at, "budgets", self.budget, change, self.periods
        )


class SetBudget(EditBase):
    """Set a budget's limits: one per period, or for the listed periods."""

    op: Literal["set_budget"]
    budget: Id
    limits: list[Amount]
    periods: list[str] | None = None

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """New limits."""
        change = _assign(self.limits, self, at, "limits")
        return _with_series(
            inst, self, at, "budgets", self.budget, change, self.periods
        )


class SetMinUse(EditBase):
    """Set a budget's min_use: one share for every (listed) period, or one each."""

    op: Literal["set_min_use"]
    budget: Id
    min_use: ShareSpec
    """A share in [0, 1] for every period (or every listed one), or a list with
    one share per period (or per listed period)."""
    periods: list[str] | None = None

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """New minimum-use shares."""
        items = list(inst.budgets)
        k = position([b.id for b in items], self.budget, self, at, "budget")
        where = self._periods(inst, self.periods, at)
        new = (
            self.min_use
            if isinstance(self.min_use, list)
            else [self.min_use] * len(where)
        )
        shares = _assign(new, self, at, "min_use")(
            items[k].min_use_shares(len(inst.periods)), where
        )
        items[k] = items[k].model_copy(update={"min_use": shares})
        return inst.model_copy(update={"budgets": items})


class ScaleCapacity(EditBase):
    """Multiply a resource's capacity (in the given periods) by a factor."""

    op: Literal["scale_capacity"]
    resource: Id
    factor: Amount
    periods: list[str] | None = None

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """Scaled capacity."""
        change = _scale(self.factor)
        return _with_series(
            inst, self, at, "resources", self.resource, change, self.periods
        )


class SetCapacity(EditBase):
    """Set a resource's capacity: one per period, or for the listed periods."""

    op: Literal["set_capacity"]
    resource: Id
    capacity: list[Amount]
    periods: list[str] | None = None

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """New capacity."""
        change = _assign(self.capacity, self, at, "capacity")
        return _with_series(
            inst, self, at, "resources", self.resource, change, self.periods
        )


class _Decision(EditBase):
    initiative: Id
    decision: Literal["must", "never", "optional"] = "optional"

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The initiative with its new decision."""
        k = self._initiative(inst, self.initiative, at)
        return with_initiative(inst, k, decision=self._new(base.initiatives[k]))

    def _new(self, original: Initiative) -> str:
        return self.decision


class ForceIn(_Decision):
    """Fund the initiative in every plan (decision `must`)."""

    op: Literal["force_in"]
    decision: Literal["must"] = "must"


class ForceOut(_Decision):
    """Fund it in no plan (decision `never`)."""

    op: Literal["force_out"]
    decision: Literal["never"] = "never"


class Release(_Decision):
    """Give the initiative back its decision from the unedited instance."""

    op: Literal["release"]

    def _new(self, original: Initiative) -> str:
        return original.decision


class SetScore(EditBase):
    """Set one criterion score of an initiative."""

    op: Literal["set_score"]
    initiative: Id
    criterion: Id
    value: Amount

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """New score."""
        if self.criterion not in {c.id for c in inst.criteria}:
            raise self._fail(
                at,
                "criterion",
                f'unknown criterion "{self.criterion}"; the criteria are '
                f"{listing(c.id for c in inst.criteria)}",
            )
        k = self._initiative(inst, self.initiative, at)
        scores = {**inst.initiatives[k].scores, self.criterion: self.value}
        return with_initiative(inst, k, scores=scores)


class SetWeight(EditBase):
    """Set the weight of a criterion.

    On an instance whose weights come from `criteria_comparisons`, the weights
    become plain given weights: every other criterion keeps the weight derived
    from the judgements, and the judgements are dropped.
    """

    op: Literal["set_weight"]
    criterion: Id
    weight: Amount

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """New weight."""
        used = inst.weights
        criteria = [c.model_copy(update={"weight": used[c.id]}) for c in inst.criteria]
        k = position([c.id for c in criteria], self.criterion, self, at, "criterion")
        criteria[k] = criteria[k].model_copy(update={"weight": self.weight})
        return inst.model_copy(
            update={"criteria": criteria, "criteria_comparisons": []}
        )


class SetWindow(EditBase):
    """Set an initiative's start window (None keeps that end as it is)."""

    op: Literal["set_window"]
    initiative: Id
    earliest_start: str | None = None
    latest_start: str | None = None

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """New window, checked against the horizon."""
        k = self._initiative(inst, self.initiative, at)
        ini = inst.initiatives[k]
        first = self.earliest_start or ini.earliest_start or inst.periods[0]
        last = self.latest_start or ini.latest_start or inst.periods[-1]
        for field, value in (("earliest_start", first), ("latest_start", last)):
            if value not in inst.periods:
                raise self._fail(
                    at,
                    field,
                    f'"{value}" is not a period; the periods are '
                    f"{listing(inst.periods)}",
                )
        if inst.periods.index(first) > inst.periods.index(last):
            raise self._fail(at, "latest_start", f'"{last}" is before "{first}"')
        edited = with_initiative(inst, k, earliest_start=first, latest_start=last)
        if (
            not edited.possible_starts(edited.initiatives[k])
            and ini.decision != "never"
        ):
            raise self._fail(
                at, "latest_start", "no start in this window fits the horizon"
            )
        return edited


Bound = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]


class SetRuleBound(EditBase):
    """Set the bounds of a spend_share or average rule (None keeps a bound).

    A bound the rule already has changes the rule's coefficients only; one it did
    not have adds a row (a rebuild). Lifting a bound: at_least 0 or at_most 1 for
    a share. The rule keeps every other field.
    """

    op: Literal["set_rule_bound"]
    rule: Annotated[int, Field(ge=1)]
    """The rule's number, 1-based in the order of the instance's rules and of
    the Rules sheet (``rule 3`` in messages and repairs)."""
    at_least: Bound | None = None
    """The new smallest share (0 to 1) or mean; None keeps it."""
    at_most: Bound | None = None
    """The new largest share (0 to 1) or mean; None keeps it."""

    def apply(self, inst: Instance, base: Instance, at: str = "") -> Instance:
        """The rule with its new bounds, checked against each other."""
        if self.rule > len(inst.rules):
            raise self._fail(
                at, "rule", f"there is no rule {self.rule}; {_rules(inst)}"
            )
        k = self.rule - 1
        rule = inst.rules[k]
        if not isinstance(rule, SpendShareRule | AverageRule):
            raise self._fail(
                at,
                "rule",
                f"rule {self.rule} is a {rule.kind} rule, which has no share or "
                f"mean to bound; {_rules(inst)}",
            )
        if self.at_least is None and self.at_most is None:
            raise self._fail(at, "at_least", "give at_least, at_most or both")
        given = {
            b: v for b in ("at_least", "at_most") if (v := getattr(self, b)) is not None
        }
        if isinstance(rule, SpendShareRule):
            for bound, value in given.items():
                if not 0 <= value <= 1:
                    raise self._fail(
                        at,
                        bound,
                        f"is {value:g}, but rule {self.rule} bounds a share of "
                        "spend: give a fraction from 0 to 1 (e.g. 0.1)",
                    )
        low = given.get("at_least", rule.at_least)
        high = given.get("at_most", rule.at_most)
        if low is not None and high is not None and low > high:
            field = "at_least" if "at_least" in given else "at_most"
            raise self._fail(
                at,
                field,
                f"leaves rule {self.rule} with at_least {low:g} above at_most "
                f"{high:g}, which no plan meets; give a bound on the other side "
                "too, or one that keeps at_least <= at_most",
            )
        rules = list(inst.rules)
        rules[k] = rule.model_copy(update=given)
        return inst.model_copy(update={"rules": rules})


def _bounded_rules(inst: Instance) -> list[int]:
    """1-based numbers of the rules whose bounds set_rule_bound may set."""
    return [
        k + 1
        for k, r in enumerate(inst.rules)
        if isinstance(r, SpendShareRule | AverageRule)
    ]


def _rules(inst: Instance) -> str:
    numbers = _bounded_rules(inst)
    if not numbers:
        return "the instance has no spend_share or average rule"
    return f"the spend_share and average rules are {', '.join(map(str, numbers))}"


Edit = Annotated[
    ScaleBudget
    | SetBudget
    | SetMinUse
    | ScaleCapacity
    | SetCapacity
    | ForceIn
    | ForceOut
    | Release
    | SetScore
    | SetWeight
    | SetWindow
    | SetRuleBound
    | SetMaxShare
    | SetEligible
    | VariantOff
    | VariantOn,
    Field(discriminator="op"),
]


#: The ``op`` names, which pydantic puts into error locations as union tags.
EDIT_OPS = frozenset(
    {"scale_budget", "set_budget", "scale_capacity", "set_capacity", "force_in"}
    | {"force_out", "release", "set_score", "set_weight", "set_window"}
    | {"set_min_use", "set_rule_bound"}
    | set(FUNDING_EDITS)
)


#: Each edit's class, by its ``op``.
EDIT_CLASSES: dict[str, type[EditBase]] = {
    "scale_budget": ScaleBudget,
    "set_budget": SetBudget,
    "set_min_use": SetMinUse,
    "scale_capacity": ScaleCapacity,
    "set_capacity": SetCapacity,
    "force_in": ForceIn,
    "force_out": ForceOut,
    "release": Release,
    "set_score": SetScore,
    "set_weight": SetWeight,
    "set_window": SetWindow,
    "set_rule_bound": SetRuleBound,
    **FUNDING_EDITS,
}


def _valid(field: str, inst: Instance) -> str:
    """The values a field of an edit may take in this instance ('' if not ids)."""
    if field in ("periods", "earliest_start", "latest_start"):
        return f"the periods are {listing(inst.periods)}"
    if field == "rule":
        return _rules(inst)
    ids = {
        "budget": [b.id for b in inst.budgets],
        "resource": [r.id for r in inst.resources],
        "initiative": [i.id for i in inst.initiatives],
        "criterion": [c.id for c in inst.criteria],
    }.get(field)
    if ids is None:
        return ""
    return f"the {PLURAL.get(field, field + 's')} are {listing(ids)}"


_NOT_AN_OBJECT = frozenset({"model_attributes_type", "model_type", "dict_type"})


def edit_problems(exc: ValidationError, inst: Instance | None = None) -> list[Problem]:
    """Problems of edit data, each naming its field and what it may be.

    A field not known to the edit lists the edit's fields; with ``inst``, a bad
    period or id lists the instance's; a period given as a number asks for text.
    """
    problems = problems_from_validation(exc, EDIT_OPS)
    errors = exc.errors(include_url=False)
    if len(errors) != len(problems):
        return problems
    out = []
    for err, problem in zip(errors, problems, strict=True):
        loc = list(err["loc"])
        op = next((part for part in loc if part in EDIT_OPS), None)
        after = loc[loc.index(op) + 1 :] if op is not None else loc
        field = next((str(part) for part in after if isinstance(part, str)), "")
        path, message = problem.path, problem.message
        if op is not None and path.startswith(f"{op}."):
            path = path[len(op) + 1 :]  # one edit: its fields are the path
        if err["type"] == "extra_forbidden" and op is not None and len(after) == 1:
            fields = [f for f in EDIT_CLASSES[str(op)].model_fields if f != "op"]
            message = f"is not a field of {op}; its fields are {', '.join(fields)}"
        elif err["type"] == "extra_forbidden" and after[:1] == ["eligible"]:
            fields = list(Where.model_fields)
            message = (
                f"is not a field of a selector; its fields are {', '.join(fields)}"
            )
        elif (
            err["type"] in _NOT_AN_OBJECT
            and op is None
            and (not loc or isinstance(loc[-1], int))  # an edit itself
        ):
            message = (
                'must be an edit, an object such as {"op": "force_in", '
                f'"initiative": "..."}}, got {err.get("input")!r}'
            )
            path = "edit" if path == "(top level)" else path
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            tag = (err.get("ctx") or {}).get("tag", "")
            got = f', got "{tag}"' if tag else ", and it is missing"
            message = f"must be one of {', '.join(EDIT_CLASSES)}{got}"
            path = f"{path}.op" if path != "(top level)" else "op"
        else:
            hint = _valid(field, inst) if inst is not None else ""
            value = err.get("input")
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not hint and number and field.endswith(("periods", "_start")):
                hint = f'give the period as text, "{value:g}"'
            if hint:
                message = f"{message}; {hint}"
        out.append(Problem(path, message))
    return out


_EDIT: TypeAdapter[Any] = TypeAdapter(Edit)


def as_edit(data: Any, inst: Instance | None = None) -> Edit:
    """An edit, given as one or as its data (``{"op": "scale_budget", ...}``).

    Raises:
        InputError: naming each bad field and what it may be (the instance's
            periods and ids, when ``inst`` is given).
    """
    if isinstance(data, EditBase):
        return cast(Edit, data)
    try:
        return cast(Edit, _EDIT.validate_python(data))
    except ValidationError as exc:
        raise InputError(edit_problems(exc, inst)) from None


class Scenario(StrictModel):
    """A named list of edits applied to the base instance.

    Built from bad data, it raises an InputError naming the field (e.g.
    ``edits[0].periods[0]``), never pydantic's own error. (Its ``__init__`` is
    pydantic's custom-init hook, so any validation of a Scenario runs it:
    validate one at a time and prefix the paths, as :func:`scenario_list` does.)
    """

    name: str
    """Name shown in comparisons."""
    edits: list[Edit] = Field(default_factory=list)
    """The edits, applied in order."""

    def __init__(self, **data: Any) -> None:
        """Build the scenario; bad data is an InputError naming the field."""
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise InputError(edit_problems(exc)) from None

    def apply(self, base: Instance, at: str = "") -> Instance:
        """The base instance with every edit applied."""
        inst = base
        for k, edit in enumerate(self.edits):
            inst = edit.apply(inst, base, f"{at}edits[{k}]")
        return inst
