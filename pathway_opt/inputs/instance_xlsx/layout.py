"""The input workbook's layout: its sheets, their columns, headers and help texts.

Shared by the reader (:mod:`pathway_opt.inputs.instance_xlsx.read`) and the writer
(:mod:`pathway_opt.inputs.instance_xlsx.template`), so the two cannot drift apart. Help
texts come from
the docstrings of :mod:`pathway_opt.schema`, the same ones the JSON Schema shows.

Each data sheet has one header row (row 1) and one row per entity below it:

========== ==================================================================
settings   field | value | meaning: name, description, currency,
           delay_discount, allow_beyond_horizon, accept_inconsistent_judgements,
           and one `period` row per planning period, in order
criteria   id | name | weight | notes
comparisons more | less | ratio | notes: pairwise judgements between
           criteria (AHP); when there are any, they derive the weights
budgets    id | name | carry_over | one `limit <period> (<currency>)` column
           per period | min_use | eligible_type | eligible_department |
           eligible_partner | notes
resources  id | name | unit | one `capacity <period> (<unit>)` column per
           period | notes
initiatives id | name | type | department | partner | success_probability |
           earliest_start | latest_start | decision | one `score <criterion>`
           column per criterion | decision_reason | funded_by | max_share |
           notes
variants   initiative | variant | name | success_probability |
           earliest_start | latest_start | funded_by | max_share | one
           `score <criterion>` column per criterion | notes: alternative
           versions; a blank cell keeps the initiative's value
costs_uses initiative | variant (optional: the row is that version's) | kind
           (cost/use) | budget_or_resource | year +0 | year +1 | ...: profiles
           by year since start | notes (the planner's, not read)
rules      kind | initiative | on | lag | count | members | where_type |
           where_department | where_partner | bonus | field | at_least |
           at_most | budget | periods | notes
uncertainty initiative_or_criterion | field (weight, success_probability,
           cost_factor or `score <criterion>`) | low | high | notes (the
           planner's, not read): the ranges of `weight_range` and `uncertainty`
========== ==================================================================

The `notes` column (a `notes` row on the settings sheet) holds the planner's own
notes on each entry; the writer puts it last on every sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from pathway_opt.schema.entities import (
    INITIATIVE_TYPES,
    Budget,
    Comparison,
    Criterion,
    Initiative,
    Resource,
    Settings,
    Variant,
    Where,
)
from pathway_opt.schema.instance import Instance
from pathway_opt.schema.rules import (
    AverageRule,
    CountRule,
    RequiresRule,
    SpendShareRule,
    SynergyRule,
)

SETTINGS = "settings"
CRITERIA = "criteria"
COMPARISONS = "comparisons"
BUDGETS = "budgets"
RESOURCES = "resources"
INITIATIVES = "initiatives"
VARIANTS = "variants"
COSTS_USES = "costs_uses"
RULES = "rules"
UNCERTAINTY = "uncertainty"
README = "README"

#: Data sheets in workbook order; the reader ignores every other sheet (with a
#: warning, except the README sheet the template adds).
DATA_SHEETS: tuple[str, ...] = (
    SETTINGS,
    CRITERIA,
    COMPARISONS,
    BUDGETS,
    RESOURCES,
    INITIATIVES,
    VARIANTS,
    COSTS_USES,
    RULES,
    UNCERTAINTY,
)

#: Data sheets a workbook must have (the instance's required parts: periods on
#: the settings sheet, criteria, initiatives); a missing other sheet means none.
REQUIRED_SHEETS: tuple[str, ...] = (SETTINGS, CRITERIA, INITIATIVES)

#: How the reader turns a cell into a JSON value.
#: text: kept exactly; id: text, surrounding spaces removed; number/int/bool: typed;
#: list: ids separated by `;`; where: one value, or several separated by `;`;
#: ratio: a number, or a fraction typed as text (`1/3`); shares: `budget: share`
#: pairs separated by `;` (read by :mod:`.funding_cells`).
CellKind = Literal[
    "text", "id", "number", "int", "bool", "list", "where", "ratio", "shares"
]


@dataclass(frozen=True)
class Column:
    """One fixed column of a data sheet."""

    key: str
    """Field name in the instance JSON (the header's first word)."""
    kind: CellKind
    unit: str = ""
    """Shown in brackets after the key in the header, e.g. `(0-1)`."""
    help: str = ""
    """Shown as the header's comment and on the README sheet."""
    choices: tuple[str, ...] = ()
    """Values of the drop-down list, if any."""
    suggest_only: bool = False
    """Whether the drop-down only suggests: other text is accepted (with a
    warning in Excel that may be dismissed)."""

    @property
    def header(self) -> str:
        """The header text written to row 1."""
        return f"{self.key} ({self.unit})" if self.unit else self.key


def _doc(model: type[BaseModel], field: str) -> str:
    description = model.model_fields[field].description
    return " ".join((description or "").split())


DECISIONS = ("optional", "must", "never")
RULE_KINDS = (
    "requires",
    "at_most",
    "at_least",
    "exactly",
    "synergy",
    "spend_share",
    "average",
)
PROFILE_KINDS = ("cost", "use")
LIST_HELP = (
    "Several values are separated by `;` (or line breaks); put a value that "
    'itself contains `;` in double quotes ("...").'
)


NOTES = "notes"
NOTES_HELP = (
    "Your own notes on this entry (free text): kept with it and shown in the "
    "plan workbook, not used by the model."
)
#: The `notes` column of the criteria, budgets, resources, initiatives and rules
#: sheets (written last, after any per-period or score columns).
NOTES_COLUMN = Column(NOTES, "text", help=NOTES_HELP)
#: The `notes` column of the costs_uses sheet: the planner's own, not read.
PROFILE_NOTES_COLUMN = Column(
    NOTES, "text", help="Your own notes on this row (free text); not read."
)


class SettingField(NamedTuple):
    """A row of the settings sheet: how its value is read, and what it means."""

    kind: CellKind
    help: str


#: settings sheet: field name -> its row. `period` rows may repeat.
SETTINGS_FIELDS: dict[str, SettingField] = {
    "name": SettingField(kind="text", help=_doc(Instance, "name")),
    "description": SettingField(kind="text", help=_doc(Instance, "description")),
    "currency": SettingField(kind="text", help=_doc(Instance, "currency")),
    "delay_discount": SettingField(
        kind="number", help=_doc(Settings, "delay_discount") + " (0-1]"
    ),
    "allow_beyond_horizon": SettingField(
        kind="bool",
        help=_doc(Settings, "allow_beyond_horizon") + " TRUE or FALSE.",
    ),
    "accept_inconsistent_judgements": SettingField(
        kind="bool",
        help=_doc(Settings, "accept_inconsistent_judgements") + " TRUE or FALSE.",
    ),
    NOTES: SettingField(kind="text", help=_doc(Instance, "notes")),
}
PERIOD_FIELD = "period"
PERIOD_HELP = (
    "One row per planning period, in order, e.g. 2027, 2028, 2029. The "
    "`limit` and `capacity` columns of the budgets and resources sheets name "
    "these periods."
)
SETTINGS_COLUMNS = (
    Column("field", "id", help="Setting name; `period` rows list the periods."),
    Column("value", "text", help="The setting's value."),
    Column("meaning", "text", help="What the setting means (ignored when read)."),
)

_ID_HELP = "Unique identifier, no spaces at either end."

#: The selector fields of a `Where` (rules' `where_*`, budgets' `eligible_*`).
WHERE_FIELDS = ("type", "department", "partner")
#: The budgets sheet's selector columns are `eligible_type`, ... (one per field).
ELIGIBLE_PREFIX = "eligible_"
#: The optional `variant` column of the costs_uses sheet.
VARIANT_COLUMN = "variant"
FUNDED_BY_HELP = (
    " Budget ids from the budgets sheet, separated by `;` (commas are read too "
    "when every part is a budget id), e.g. `central; gov_special`. Blank: the "
    "cost rows name the budgets."
)
MAX_SHARE_HELP = (
    " Type `budget: share` pairs separated by `;`, a share as a fraction or a "
    "percent, e.g. `gov_special: 0.5; partner: 30%`. Blank: no caps."
)
INHERIT_HELP = " Blank: the initiative's."

FIXED_COLUMNS: dict[str, tuple[Column, ...]] = {
    CRITERIA: (
        Column("id", "id", help=_doc(Criterion, "id") + " " + _ID_HELP),
        Column("name", "text", help=_doc(Criterion, "name")),
        Column(
            "weight",
            "number",
            "≥ 0",
            _doc(Criterion, "weight")
            + " In a workbook the judgements are the rows of the comparisons sheet;"
            " leave the weights blank when it has any.",
        ),
        NOTES_COLUMN,
    ),
    COMPARISONS: (
        Column(
            "more",
            "id",
            help=_doc(Comparison, "more") + " An id from the criteria sheet.",
        ),
        Column(
            "less",
            "id",
            help=_doc(Comparison, "less") + " An id from the criteria sheet.",
        ),
        Column(
            "ratio",
            "ratio",
            "1/9-9",
            _doc(Comparison, "ratio")
            + " Type a fraction as a formula or a decimal (=1/3 or 0.333); text "
            "such as 1/3 is read too.",
        ),
        NOTES_COLUMN,
    ),
    BUDGETS: (
        Column("id", "id", help=_doc(Budget, "id")),
        Column("name", "text", help=_doc(Budget, "name")),
        Column(
            "carry_over",
            "bool",
            "TRUE/FALSE",
            _doc(Budget, "carry_over"),
            ("TRUE", "FALSE"),
        ),
        Column(
            "min_use",
            "number",
            "0-1 or %",
            _doc(Budget, "min_use")
            + " A fraction (0.8) or a percent (80%); for one share per period "
            "type them separated by semicolons (80%; 60%; 0). Blank means none.",
        ),
        *(
            Column(
                ELIGIBLE_PREFIX + leaf,
                "where",
                help=f"{_doc(Budget, 'eligible')} This column: "
                f"{_doc(Where, leaf)} Blank in all three eligible_ columns: "
                "every initiative.",
            )
            for leaf in WHERE_FIELDS
        ),
        NOTES_COLUMN,
    ),
    RESOURCES: (
        Column("id", "id", help=_doc(Resource, "id")),
        Column("name", "text", help=_doc(Resource, "name")),
        Column("unit", "text", help=_doc(Resource, "unit")),
        NOTES_COLUMN,
    ),
    INITIATIVES: (
        Column("id", "id", help=_doc(Initiative, "id")),
        Column("name", "text", help=_doc(Initiative, "name")),
        Column(
            "type",
            "id",
            help=_doc(Initiative, "type"),
            choices=INITIATIVE_TYPES,
            suggest_only=True,
        ),
        Column("department", "text", help=_doc(Initiative, "department")),
        Column("partner", "text", help=_doc(Initiative, "partner")),
        Column(
            "success_probability",
            "number",
            "0-1",
            _doc(Initiative, "success_probability") + " Blank means 1.",
        ),
        Column(
            "earliest_start",
            "text",
            "period",
            _doc(Initiative, "earliest_start"),
        ),
        Column("latest_start", "text", "period", _doc(Initiative, "latest_start")),
        Column(
            "decision",
            "id",
            help=_doc(Initiative, "decision") + " Blank means optional.",
            choices=DECISIONS,
        ),
        Column("decision_reason", "text", help=_doc(Initiative, "decision_reason")),
        Column(
            "funded_by",
            "list",
            help=_doc(Initiative, "funded_by") + FUNDED_BY_HELP,
        ),
        Column(
            "max_share",
            "shares",
            "budget: 0-1 or %",
            _doc(Initiative, "max_share") + MAX_SHARE_HELP,
        ),
        NOTES_COLUMN,
    ),
    VARIANTS: (
        Column(
            "initiative",
            "id",
            help="Id of the initiative (from the initiatives sheet) this is a "
            "version of.",
        ),
        Column("variant", "id", help=_doc(Variant, "id") + " " + _ID_HELP),
        Column("name", "text", help=_doc(Variant, "name")),
        Column(
            "success_probability",
            "number",
            "0-1",
            _doc(Variant, "success_probability") + INHERIT_HELP,
        ),
        Column(
            "earliest_start",
            "text",
            "period",
            _doc(Variant, "earliest_start") + INHERIT_HELP,
        ),
        Column(
            "latest_start",
            "text",
            "period",
            _doc(Variant, "latest_start") + INHERIT_HELP,
        ),
        Column(
            "funded_by",
            "list",
            help=_doc(Variant, "funded_by") + FUNDED_BY_HELP + INHERIT_HELP,
        ),
        Column(
            "max_share",
            "shares",
            "budget: 0-1 or %",
            _doc(Variant, "max_share") + MAX_SHARE_HELP + INHERIT_HELP,
        ),
        NOTES_COLUMN,
    ),
    COSTS_USES: (
        Column(
            "initiative",
            "id",
            help="Id of the initiative (from the initiatives sheet) this profile "
            "belongs to.",
        ),
        Column(
            VARIANT_COLUMN,
            "id",
            help="Optional: a variant id of the initiative (from the variants "
            "sheet); the row is then that version's profile. A version's cost rows "
            "replace the initiative's whole cost; its use rows replace the "
            "initiative's use of the resources they name. Blank: the initiative's "
            "own profile.",
        ),
        Column(
            "kind",
            "id",
            "cost/use",
            "`cost`: money paid from a budget; `use`: a resource used.",
            PROFILE_KINDS,
        ),
        Column(
            "budget_or_resource",
            "id",
            help="The budget id (cost rows) or resource id (use rows). A cost row "
            "may leave it blank when there is only one budget.",
        ),
    ),
    RULES: (
        Column(
            "kind",
            "id",
            help="requires, at_most, at_least, exactly, synergy, spend_share or "
            "average.",
            choices=RULE_KINDS,
        ),
        Column(
            "initiative",
            "id",
            help="requires: " + _doc(RequiresRule, "initiative"),
        ),
        Column("on", "list", help="requires: " + _doc(RequiresRule, "on")),
        Column("lag", "int", "periods", "requires: " + _doc(RequiresRule, "lag")),
        Column(
            "count",
            "int",
            "initiatives",
            "at_most / at_least / exactly: " + _doc(CountRule, "count"),
        ),
        Column(
            "members",
            "list",
            help="at_most / at_least / exactly (or give where_*), synergy: the "
            "member initiatives' ids.",
        ),
        Column(
            "where_type",
            "where",
            help="Count rules: select members by " + _doc(Where, "type"),
        ),
        Column(
            "where_department",
            "where",
            help="Count rules: select members by " + _doc(Where, "department"),
        ),
        Column(
            "where_partner",
            "where",
            help="Count rules: select members by " + _doc(Where, "partner"),
        ),
        Column(
            "bonus",
            "number",
            "score points",
            "synergy: " + _doc(SynergyRule, "bonus"),
        ),
        Column("field", "id", help="average: " + _doc(AverageRule, "field")),
        Column(
            "at_least",
            "number",
            help="spend_share: smallest share of spend (0 to 1); average: "
            "smallest mean.",
        ),
        Column(
            "at_most",
            "number",
            help="spend_share: largest share of spend (0 to 1); average: largest mean.",
        ),
        Column("budget", "id", help="spend_share: " + _doc(SpendShareRule, "budget")),
        Column(
            "periods", "list", help="spend_share: " + _doc(SpendShareRule, "periods")
        ),
        NOTES_COLUMN,
    ),
}

#: The `field` of an uncertainty row naming a criterion (its weight) or an
#: initiative's value (besides `score <criterion>`).
WEIGHT_FIELD = "weight"
UNCERTAINTY_FIELDS = (WEIGHT_FIELD, "success_probability", "cost_factor")
FIXED_COLUMNS[UNCERTAINTY] = (
    Column(
        "initiative_or_criterion",
        "id",
        help="The criterion (field weight) or the initiative (the other fields) "
        "whose value is uncertain.",
    ),
    Column(
        "field",
        "id",
        help="weight (of a criterion), success_probability, cost_factor (a factor "
        "on the initiative's whole cost profile, 1 = as given) or "
        "`score <criterion>`, e.g. `score TC`.",
        choices=UNCERTAINTY_FIELDS,
        suggest_only=True,
    ),
    Column(
        "low",
        "number",
        help="Lowest value of the range. The given value (1 for cost_factor) "
        "must lie between low and high: it is the most likely one.",
    ),
    Column("high", "number", help="Highest value of the range."),
)

#: Rule columns that each rule kind uses (besides `kind`).
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "requires": ("initiative", "on", "lag", NOTES),
    "at_most": (
        "count",
        "members",
        "where_type",
        "where_department",
        "where_partner",
        NOTES,
    ),
    "synergy": ("members", "bonus", NOTES),
    "spend_share": (
        "members",
        "where_type",
        "where_department",
        "where_partner",
        "at_least",
        "at_most",
        "budget",
        "periods",
        NOTES,
    ),
    "average": (
        "field",
        "members",
        "where_type",
        "where_department",
        "where_partner",
        "at_least",
        "at_most",
        NOTES,
    ),
}
RULE_FIELDS["at_least"] = RULE_FIELDS["exactly"] = RULE_FIELDS["at_most"]

SHEET_HELP: dict[str, str] = {
    SETTINGS: "The instance's name, currency and settings, and its planning "
    "periods (one `period` row each, in order).",
    CRITERIA: "The criteria of the integration score and their weights.",
    COMPARISONS: "Optional pairwise judgements between criteria (AHP, Saaty's "
    "1-9 scale), one row each: `more` is `ratio` times as important as `less`. "
    "When this sheet has rows, the weights are derived from them (principal "
    "eigenvector; geometric mean when some pairs are not judged) and the "
    "criteria sheet's weights are ignored. Judgements must link every criterion "
    "and be consistent (consistency ratio at most 0.10) unless the setting "
    "accept_inconsistent_judgements is TRUE.",
    BUDGETS: "Money available per period. With carry_over TRUE, money unspent in "
    "a period may be spent later. The eligible_ columns restrict which "
    "initiatives a budget may fund (e.g. a government special fund for joint "
    "labs and industrial colleges only).",
    RESOURCES: "Scarce capacities per period (faculty time, lab space, partner hours).",
    INITIATIVES: "The candidate initiatives, one row each, with their score on "
    "every criterion (blank: not scored). funded_by lets the optimizer split "
    "each period's cost among several budgets, max_share caps a budget's share.",
    VARIANTS: "Optional alternative versions of initiatives (a reduced joint lab, "
    "a later co-funded version), one row each: at most one version of an "
    "initiative is funded, the initiative itself or one of these, and rules on "
    "the initiative apply to whichever runs. A blank cell keeps the "
    "initiative's value; a score column replaces that criterion's score only. "
    "A version's cost and use profiles are costs_uses rows naming it in the "
    "variant column.",
    COSTS_USES: "Cost and resource-use profiles by year since start: `year +0` is "
    "the start period, `year +1` the next, and so on. One row per initiative and "
    "budget (cost) or resource (use); an initiative without rows costs and uses "
    "nothing. Rows naming a variant are that version's profiles.",
    RULES: "Prerequisite (requires), count (at_most / at_least / exactly), "
    "synergy, spend-share (spend_share) and average rules, one row each. Fill "
    "only the columns the rule's kind uses.",
    UNCERTAINTY: "Ranges of uncertain values, one row each, for the robustness "
    "analysis and the robust plan (the plan itself uses the given values): a "
    "criterion's weight, or an initiative's score on a criterion, success "
    "probability or cost factor. Each is drawn from a triangular distribution "
    "from low to high, most likely at the given value.",
}


def limit_header(prefix: str, period: str, unit: str) -> str:
    """Header of a per-period column: `limit 2027 (CNY)`."""
    return f"{prefix} {period} ({unit})"


def score_header(criterion: str) -> str:
    """Header of an initiative score column: `score TC`."""
    return f"score {criterion}"


def year_header(k: int) -> str:
    """Header of a profile column: `year +0` is the start period."""
    return f"year +{k}"


YEAR_PATTERN = re.compile(r"year\s*\+?\s*(\d{1,4})(\s*\(.*\))?", re.IGNORECASE)


def normalise_key(header: str) -> str:
    """`Success probability (0-1)` -> `success_probability`."""
    text = re.sub(r"\s*\(.*\)\s*$", "", header.strip())
    return re.sub(r"[\s\-]+", "_", text).lower()


def period_of_header(header: str, prefix: str, periods: list[str]) -> str | None:
    """The period a `<prefix> <period> (<unit>)` header names, if any.

    The unit part is optional and may itself contain brackets. A label followed
    by a unit wins over a label alone (the writer always adds the unit), and the
    longest label wins among those.
    """
    for text in dict.fromkeys((header, header.strip())):
        if not text.lower().startswith(prefix + " "):
            continue
        rest = text[len(prefix) + 1 :]
        with_unit = [
            p
            for p in periods
            if rest.startswith(p)
            and rest[len(p) :].startswith(" (")
            and rest.endswith(")")
        ]
        if with_unit:
            return max(with_unit, key=len)
        if rest in periods:
            return rest
    return None


def criterion_of_header(header: str, criteria: list[dict[str, Any]]) -> str:
    """`score TC` (or `score TC (0-10)`) -> `TC`."""
    rest = header.strip()[len("score ") :].strip()
    ids = {c.get("id") for c in criteria}
    if rest not in ids:
        bare = re.sub(r"\s*\(.*\)$", "", rest)
        if bare in ids:
            return bare
    return rest
