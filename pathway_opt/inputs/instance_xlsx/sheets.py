"""Reading each data sheet of an input workbook into the instance's JSON shape.

One function per sheet; each fills :attr:`Reader.data`, notes the cell of every
value and reports what it cannot read. See
:mod:`pathway_opt.inputs.instance_xlsx.layout`
for the layout.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from pathway_opt.inputs.instance_xlsx.cells import Cell, Row, SheetCells
from pathway_opt.inputs.instance_xlsx.funding_cells import read_funded_by, read_shares
from pathway_opt.inputs.instance_xlsx.layout import (
    BUDGETS,
    COMPARISONS,
    COSTS_USES,
    CRITERIA,
    ELIGIBLE_PREFIX,
    FIXED_COLUMNS,
    INITIATIVES,
    PERIOD_FIELD,
    PROFILE_KINDS,
    PROFILE_NOTES_COLUMN,
    REQUIRED_SHEETS,
    RESOURCES,
    RULE_FIELDS,
    RULES,
    SETTINGS,
    SETTINGS_FIELDS,
    UNCERTAINTY,
    UNCERTAINTY_FIELDS,
    VARIANT_COLUMN,
    VARIANTS,
    WEIGHT_FIELD,
    YEAR_PATTERN,
    Column,
    criterion_of_header,
    limit_header,
    normalise_key,
    period_of_header,
)
from pathway_opt.inputs.instance_xlsx.reader import Reader, Source, as_number, as_text
from pathway_opt.inputs.instance_xlsx.variants_sheet import (
    read_variants,
    variant_entry,
)

_SETTINGS_PATHS = {
    "name": "name",
    "description": "description",
    "currency": "currency",
    "delay_discount": "settings.delay_discount",
    "allow_beyond_horizon": "settings.allow_beyond_horizon",
    "accept_inconsistent_judgements": "settings.accept_inconsistent_judgements",
    "notes": "notes",
}


def read_workbook(r: Reader) -> dict[str, Any]:
    """Read every data sheet; the instance dict (problems are kept in `r`)."""
    read_settings(r)
    read_entities(r, CRITERIA)
    read_comparisons(r)
    read_entities(r, BUDGETS, per_period=PerPeriod(prefix="limit", field="limits"))
    read_entities(
        r, RESOURCES, per_period=PerPeriod(prefix="capacity", field="capacity")
    )
    read_entities(r, INITIATIVES)
    read_variants(r)
    read_profiles(r)
    read_rules(r)
    read_uncertainty(r)
    return r.data


def read_settings(r: Reader) -> None:
    """The settings sheet: name, currency, settings and the `period` rows."""
    sheet = r.sheet(SETTINGS)
    if sheet is None:
        r.own.add("periods")
        return
    cols = r.columns(sheet, {"field": "id", "value": "text", "meaning": "text"})
    r.unknown_columns(sheet, set(cols.values()), "field, value, meaning")
    if "field" not in cols or "value" not in cols:
        missing = [k for k in ("field", "value") if k not in cols]
        r.problem(
            f"{SETTINGS}!A1",
            f"needs the columns field and value; missing: {', '.join(missing)}",
            "periods",
        )
        return
    periods: list[Any] = []
    seen: set[str] = set()
    for row in sheet.rows:
        name_cell, value_cell = row.cell(cols["field"]), row.cell(cols["value"])
        key = normalise_key(as_text(name_cell.value)) if not name_cell.blank else ""
        if key == PERIOD_FIELD:
            if value_cell.value is None and not value_cell.error:
                r.problem(value_cell, "period is blank; enter its label")
                continue
            path = f"periods[{len(periods)}]"
            periods.append(r.value(value_cell, "text", path, "period"))
        elif key in SETTINGS_FIELDS:
            if key in seen:
                r.problem(name_cell, f"{key} is given twice; keep one row")
                continue
            seen.add(key)
            value = r.value(
                value_cell, SETTINGS_FIELDS[key].kind, _SETTINGS_PATHS[key], key
            )
            if value is not None:
                target, _, leaf = _SETTINGS_PATHS[key].rpartition(".")
                parent = r.data.setdefault(target, {}) if target else r.data
                parent[leaf] = value
        elif not name_cell.blank:
            known = ", ".join([*SETTINGS_FIELDS, PERIOD_FIELD])
            r.problem(name_cell, f'unknown setting "{key}"; known settings: {known}')
        elif not value_cell.blank:
            r.problem(name_cell, "field is blank but the row has a value")
    if not periods:
        r.problem(
            SETTINGS,
            'has no "period" rows; add one row per planning period with field '
            '"period" and the period\'s label as value',
            "periods",
        )
    r.data["periods"] = periods
    r.note("periods", f"{SETTINGS}!A1")


class PerPeriod(NamedTuple):
    """Columns of one value per period, e.g. budgets' `limit 2027 (CNY)`."""

    prefix: str
    """The headers' first word (`limit`)."""
    field: str
    """The JSON field of the values (`limits`)."""


def read_entities(r: Reader, name: str, per_period: PerPeriod | None = None) -> None:
    """Criteria, budgets, resources or initiatives: one row each.

    `per_period` names the one column per period, e.g. the budgets'
    `limit 2027 (CNY)` columns (prefix `limit`) filling `limits`.
    """
    sheet = r.sheet(name)
    entries: list[dict[str, Any]] = []
    r.data[name] = entries
    r.note(name, name)
    if sheet is None:
        return
    fixed = {c.key: c for c in FIXED_COLUMNS[name]}
    cols = r.columns(sheet, fixed)
    periods = [p for p in r.data.get("periods", []) if isinstance(p, str)]
    extra = _extra_columns(r, sheet, name, set(cols.values()), per_period, periods)
    hint = ", ".join(c.header for c in fixed.values()) + {
        BUDGETS: ", limit <period> (<currency>)",
        RESOURCES: ", capacity <period> (<unit>)",
        INITIATIVES: ", score <criterion>",
    }.get(name, "")
    r.unknown_columns(sheet, set(cols.values()) | set(extra), hint)
    if "id" not in cols:
        r.problem(f"{name}!A1", 'needs an "id" column', name)
    for row in sheet.rows:
        k = len(entries)
        at = f"{name}[{k}]"
        entry: dict[str, Any] = {}
        r.note(at, row.cell(cols.get("id", 1)))
        for key, col in cols.items():
            if name == BUDGETS and key == "min_use" and _is_list(row.cell(col)):
                entry[key] = _shares(r, row.cell(col), f"{at}.{key}")
                continue
            if _read_funding(r, row.cell(col), key, entry, at):
                continue
            value = r.value(
                row.cell(col), fixed[key].kind, f"{at}.{key}", key, fixed[key].choices
            )
            if value is not None:
                entry[key] = value
        if per_period is not None:
            entry[per_period.field] = _period_values(
                r, row, extra, per_period, periods, at
            )
        elif name == INITIATIVES:
            scores = {}
            for col, crit in extra.items():
                path = f"{at}.scores.{crit}"
                value = r.value(row.cell(col), "number", path, f"score {crit}")
                if value is not None:
                    scores[crit] = value
            if scores:
                entry["scores"] = scores
        entries.append(entry)
    if name in REQUIRED_SHEETS and not entries:
        r.problem(name, "has no rows; add at least one below the header", name)


def _read_funding(
    r: Reader, cell: Cell, key: str, entry: dict[str, Any], at: str
) -> bool:
    """A budget's `eligible_*` or an initiative's `funded_by` / `max_share` cell.

    Returns whether `key` is one of those (then `entry` has its value, if any).
    """
    if key.startswith(ELIGIBLE_PREFIX):
        leaf = key.removeprefix(ELIGIBLE_PREFIX)
        value = r.value(cell, "where", f"{at}.eligible.{leaf}", key)
        if value is not None:
            entry.setdefault("eligible", {})[leaf] = value
            r.sources.setdefault(f"{at}.eligible", Source(cell.ref, "eligible"))
        return True
    if key == "funded_by":
        budgets = [b.get("id") for b in r.data.get(BUDGETS, [])]
        found: Any = read_funded_by(r, cell, f"{at}.{key}", budgets)
    elif key == "max_share":
        budgets = [b.get("id") for b in r.data.get(BUDGETS, [])]
        found = read_shares(r, cell, f"{at}.{key}", budgets)
    else:
        return False
    if found is not None:
        entry[key] = found
    return True


def _is_list(cell: Cell) -> bool:
    """A text cell holding several values separated by semicolons."""
    return isinstance(cell.value, str) and ";" in cell.value


def _shares(r: Reader, cell: Cell, path: str) -> list[Any]:
    """`80%; 60%; 0` as numbers (each checked by the schema, cell named)."""
    assert isinstance(cell.value, str)
    shares: list[Any] = []
    r.note(path, cell, "min_use")
    for j, part in enumerate(cell.value.split(";")):
        r.note(f"{path}[{j}]", cell, f"min_use (value {j + 1})")
        try:
            shares.append(as_number(part.strip()))
        except ValueError as exc:
            r.problem(cell, f"min_use: {exc}", path)
            shares.append(0.0)
    return shares


def _extra_columns(
    r: Reader,
    sheet: SheetCells,
    name: str,
    fixed: set[int],
    per_period: PerPeriod | None,
    periods: list[str],
) -> dict[int, str]:
    """Column -> period (budgets, resources) or criterion id (initiatives)."""
    found: dict[int, str] = {}
    for col, header in sheet.headers.items():
        if col in fixed:
            continue
        if per_period is None:
            if name == INITIATIVES and header.strip().lower().startswith("score "):
                found[col] = criterion_of_header(header, r.data.get(CRITERIA, []))
            continue
        prefix = per_period.prefix
        period = period_of_header(header, prefix, periods)
        if period is None and not periods and header.startswith(prefix + " "):
            period = header[len(prefix) + 1 :]  # periods unknown: in column order
        if period is None:
            if header.strip().lower().startswith(prefix + " "):
                r.problem(
                    sheet.header_cell(col),
                    f'"{header}" names no period on the {SETTINGS} sheet '
                    f"(periods: {', '.join(periods) or 'none'})",
                )
                found[col] = ""
            continue
        if period in found.values():
            r.problem(sheet.header_cell(col), f"a second column for {period}")
            found[col] = ""
            continue
        found[col] = period
    if per_period is not None:
        for p in periods:
            if p not in found.values():
                r.problem(
                    sheet.header_cell(sheet.width + 1),
                    f'no column for period {p}; add one headed "'
                    + limit_header(per_period.prefix, p, "...")
                    + '"',
                )
    return found


def _period_values(
    r: Reader,
    row: Row,
    columns: dict[int, str],
    per_period: PerPeriod,
    periods: list[str],
    at: str,
) -> list[Any]:
    """One value per period, in period order; blanks are reported."""
    by_period = {p: c for c, p in columns.items() if p}
    order = periods or [p for p in columns.values() if p]
    values: list[Any] = []
    for j, period in enumerate(order):
        path = f"{at}.{per_period.field}[{j}]"
        label = f"{per_period.prefix} {period}"
        if period not in by_period:
            r.own.add(path)
            values.append(None)
            continue
        cell = row.cell(by_period[period])
        value = r.value(cell, "number", path, label)
        if value is None and path not in r.own:
            r.problem(cell, f"{label} is blank; enter a number (0 if none)", path)
        values.append(value)
    return values


def read_profiles(r: Reader) -> None:
    """The costs_uses sheet: cost and use profiles, added to their initiatives."""
    sheet = r.sheet(COSTS_USES)
    if sheet is None:
        return
    fixed = {c.key: c for c in FIXED_COLUMNS[COSTS_USES]}
    cols = r.columns(sheet, fixed)
    years: dict[int, int] = {}
    for col, header in sheet.headers.items():
        match = YEAR_PATTERN.fullmatch(header.strip())
        if match and col not in cols.values():
            if int(match.group(1)) in years.values():
                r.problem(sheet.header_cell(col), "a second column for this year")
            years[col] = int(match.group(1))
    hint = ", ".join(c.header for c in fixed.values()) + ", year +0, year +1, ..."
    required = [k for k in fixed if k != VARIANT_COLUMN]
    notes = r.columns(sheet, {PROFILE_NOTES_COLUMN.key: PROFILE_NOTES_COLUMN})
    hint += f", {PROFILE_NOTES_COLUMN.key} (yours, not read)"
    used = set(cols.values()) | set(years) | set(notes.values())
    r.unknown_columns(sheet, used, hint)
    for k in range(max(years.values(), default=-1)):
        if k not in years.values():
            r.problem(f"{COSTS_USES}!A1", f'no column "year +{k}"; add it')
    if any(k not in cols for k in required):
        missing = ", ".join(k for k in required if k not in cols)
        r.problem(f"{COSTS_USES}!A1", f"missing columns: {missing}")
        return
    index: dict[Any, int] = {}
    for k, entry in enumerate(r.data.get(INITIATIVES, [])):
        index.setdefault(entry.get("id"), k)
    seen: set[tuple[str, str | None, str, str | None]] = set()
    for row in sheet.rows:
        ini_cell, kind_cell, of_cell = (row.cell(cols[k]) for k in required)
        var_cell = row.cell(cols[VARIANT_COLUMN]) if VARIANT_COLUMN in cols else None
        ini = r.value(ini_cell, "id", "", "initiative")
        kind = r.value(kind_cell, "id", "", "kind", PROFILE_KINDS)
        owner = r.value(of_cell, "id", "", "budget_or_resource")
        vid = None if var_cell is None else r.value(var_cell, "id", "", "variant")
        if ini_cell.error or kind_cell.error or of_cell.error:
            continue  # reported by r.value
        if var_cell is not None and var_cell.error:
            continue
        if ini is None or ini not in index:
            text = "is blank" if ini is None else f'"{ini}" is not'
            r.problem(ini_cell, f"initiative {text} on the {INITIATIVES} sheet")
            continue
        target = None
        if vid is not None:
            target = variant_entry(r, index[ini], vid)
            if target is None and vid in r.refused_variants:
                continue  # its variants row is reported already
            if target is None:
                assert var_cell is not None
                r.problem(
                    var_cell,
                    f'variant "{vid}" of {ini} is not on the {VARIANTS} sheet; add a '
                    "row for it there, or clear this cell for the initiative's own "
                    "profile",
                )
                continue
        if kind not in PROFILE_KINDS:
            got = "is blank" if kind is None else f'must be cost or use, got "{kind}"'
            r.problem(kind_cell, f"kind {got}")
            continue
        if kind == "use" and owner is None:
            r.problem(of_cell, "budget_or_resource: name the resource used")
            continue
        key = (ini, vid, kind, owner)
        if key in seen:
            of = ini if vid is None else f"variant {vid} of {ini}"
            r.problem(row.cell(1), f"a second {kind} row for {of} and {owner}")
            continue
        seen.add(key)
        if target is None:
            target = r.data[INITIATIVES][index[ini]], f"{INITIATIVES}[{index[ini]}]"
        _add_profile(r, row, years, target, kind, owner, ini_cell, of_cell)


def _add_profile(
    r: Reader,
    row: Row,
    years: dict[int, int],
    target: tuple[dict[str, Any], str],
    kind: str,
    owner: str | None,
    ini_cell: Cell,
    of_cell: Cell,
) -> None:
    """Add one profile row to the `cost` or `uses` of `target` (entry, JSON path).

    The target is an initiative or one of its variants; ``ini_cell`` names the
    initiative, ``of_cell`` the budget or resource.
    """
    entry, at = target
    field_name = "cost" if kind == "cost" else "uses"
    base = f"{at}.{field_name}"
    path = base if owner is None else f"{base}.{owner}"
    existing = entry.get(field_name)
    if kind == "cost" and (
        (owner is None and existing is not None)
        or (owner is not None and isinstance(existing, list))
    ):
        r.problem(
            of_cell,
            "budget_or_resource: an initiative's cost rows must all name a "
            "budget, or there must be a single row with it blank",
        )
        return
    r.note(base, of_cell if owner is not None else ini_cell)
    r.note(path, of_cell if owner is not None else ini_cell)
    by_year = {y: c for c, y in years.items()}
    values: list[Any] = []
    for y in sorted(by_year):
        cell = row.cell(by_year[y])
        value = r.value(cell, "number", f"{path}[{y}]", f"{kind} year +{y}")
        values.append(value)
    while values and values[-1] is None:
        values.pop()
    profile = [0.0 if v is None else v for v in values]
    if owner is None:
        entry[field_name] = profile
    else:
        entry.setdefault(field_name, {})[owner] = profile


def read_comparisons(r: Reader) -> None:
    """The comparisons sheet: one pairwise judgement per row (more, less, ratio)."""
    sheet = r.sheet(COMPARISONS)
    if sheet is None:
        return
    fixed = {c.key: c for c in FIXED_COLUMNS[COMPARISONS]}
    cols = r.columns(sheet, fixed)
    r.unknown_columns(
        sheet, set(cols.values()), ", ".join(c.header for c in fixed.values())
    )
    missing = [k for k in ("more", "less", "ratio") if k not in cols]
    if missing:
        r.problem(f"{COMPARISONS}!A1", f"missing columns: {', '.join(missing)}")
        return
    judgements: list[dict[str, Any]] = []
    r.data["criteria_comparisons"] = judgements
    r.note("criteria_comparisons", COMPARISONS)
    for row in sheet.rows:
        at = f"criteria_comparisons[{len(judgements)}]"
        r.note(at, row.cell(cols["more"]))
        entry: dict[str, Any] = {}
        for key, col in cols.items():
            value = r.value(row.cell(col), fixed[key].kind, f"{at}.{key}", key)
            if value is not None:
                entry[key] = value
        judgements.append(entry)


def read_rules(r: Reader) -> None:
    """The rules sheet: one rule per row, using the columns its kind uses."""
    sheet = r.sheet(RULES)
    if sheet is None:
        return
    fixed = {c.key: c for c in FIXED_COLUMNS[RULES]}
    cols = r.columns(sheet, fixed)
    r.unknown_columns(
        sheet, set(cols.values()), ", ".join(c.header for c in fixed.values())
    )
    rules: list[dict[str, Any]] = []
    r.data[RULES] = rules
    for row in sheet.rows:
        at = f"{RULES}[{len(rules)}]"
        rules.append(_rule(r, row, cols, fixed, at))


def _rule(
    r: Reader, row: Row, cols: dict[str, int], fixed: dict[str, Column], at: str
) -> dict[str, Any]:
    """One rule from its row; cells its kind does not use must be blank."""
    kind_cell = row.cell(cols.get("kind", 1))
    kind = r.value(kind_cell, "id", f"{at}.kind", "kind", fixed["kind"].choices)
    r.note(at, kind_cell)
    rule: dict[str, Any] = {} if kind is None else {"kind": kind}
    uses = RULE_FIELDS.get(kind or "")
    where: dict[str, Any] = {}
    for key, col in cols.items():
        cell = row.cell(col)
        if key == "kind" or uses is None:
            continue
        if key not in uses:
            if not cell.blank:
                r.problem(
                    cell, f"{key} does not apply to {kind} rules; clear this cell"
                )
            continue
        if key.startswith("where_"):
            leaf = key.removeprefix("where_")
            path = f"{at}.where.{leaf}"
            value = r.value(cell, "where", path, key)
            if value is not None:
                where[leaf] = value
                r.sources.setdefault(f"{at}.where", Source(cell.ref, "where"))
            continue
        value = r.value(cell, fixed[key].kind, f"{at}.{key}", key)
        if value is not None:
            rule[key] = value
    if where:
        rule["where"] = where
    return rule


def read_uncertainty(r: Reader) -> None:
    """The uncertainty sheet: ranges added to their criteria and initiatives."""
    sheet = r.sheet(UNCERTAINTY)
    if sheet is None:
        return
    fixed = {c.key: c for c in FIXED_COLUMNS[UNCERTAINTY]}
    cols = r.columns(sheet, fixed)
    notes = r.columns(sheet, {PROFILE_NOTES_COLUMN.key: PROFILE_NOTES_COLUMN})
    hint = ", ".join(c.header for c in fixed.values())
    hint += f", {PROFILE_NOTES_COLUMN.key} (yours, not read)"
    r.unknown_columns(sheet, set(cols.values()) | set(notes.values()), hint)
    if len(cols) < len(fixed):
        missing = ", ".join(k for k in fixed if k not in cols)
        r.problem(f"{UNCERTAINTY}!A1", f"missing columns: {missing}")
        return
    criteria = {e.get("id"): k for k, e in enumerate(r.data.get(CRITERIA, []))}
    initiatives = {e.get("id"): k for k, e in enumerate(r.data.get(INITIATIVES, []))}
    seen: set[tuple[str, str]] = set()
    for row in sheet.rows:
        of_cell, field_cell, low_cell, high_cell = (row.cell(cols[k]) for k in fixed)
        owner = r.value(of_cell, "id", "", "initiative_or_criterion")
        field = r.value(field_cell, "id", "", "field", UNCERTAINTY_FIELDS)
        if of_cell.error or field_cell.error:
            continue  # reported by r.value
        if field is None:
            r.problem(field_cell, "field is blank; " + _FIELD_HINT)
            continue
        score = re.fullmatch(r"score\s+(.+)", field, re.IGNORECASE)
        if field not in UNCERTAINTY_FIELDS and score is None:
            r.problem(field_cell, f'field "{field}" is not known; {_FIELD_HINT}')
            continue
        if field == WEIGHT_FIELD:
            if owner not in criteria:
                r.problem(of_cell, _not_on(owner, "criterion", CRITERIA))
                continue
            base = f"{CRITERIA}[{criteria[owner]}].weight_range"
            entry = r.data[CRITERIA][criteria[owner]]
            key, label = "weight_range", "weight range"
        else:
            if owner not in initiatives:
                r.problem(of_cell, _not_on(owner, "initiative", INITIATIVES))
                continue
            k = initiatives[owner]
            entry = r.data[INITIATIVES][k].setdefault("uncertainty", {})
            r.note(f"{INITIATIVES}[{k}].uncertainty", field_cell, "uncertainty")
            if score is not None:
                crit = score.group(1).strip()
                entry = entry.setdefault("scores", {})
                base = f"{INITIATIVES}[{k}].uncertainty.scores.{crit}"
                key, label = crit, f"score {crit} range"
            else:
                base = f"{INITIATIVES}[{k}].uncertainty.{field}"
                key, label = field, f"{field} range"
        if (str(owner), base) in seen:
            r.problem(field_cell, f"a second {field} row for {owner}; keep one")
            continue
        seen.add((str(owner), base))
        r.note(base, field_cell, label)
        bounds = []
        for j, (cell, end) in enumerate(((low_cell, "low"), (high_cell, "high"))):
            number_label = field if field == "success_probability" else end
            value = r.value(cell, "number", f"{base}[{j}]", number_label)
            if value is None and f"{base}[{j}]" not in r.own:
                r.problem(cell, f"{end} is blank; enter a number", f"{base}[{j}]")
            bounds.append(value)
        if any(f"{base}[{j}]" in r.own for j in range(2)):
            r.own.add(base)  # a bad end cell: no second word on the range
        entry[key] = bounds


_FIELD_HINT = (
    "give weight (the row names a criterion), success_probability, cost_factor "
    "or score <criterion> (the row names an initiative)"
)


def _not_on(owner: Any, noun: str, sheet: str) -> str:
    if owner is None:
        return f"initiative_or_criterion is blank; name the {noun}"
    article = "an" if noun[0] in "aeiou" else "a"
    return f'"{owner}" is not {article} {noun} on the {sheet} sheet'
