"""Reading input workbooks: cells -> the JSON-shaped dict the schema validates.

The reader builds exactly the dict a JSON file would hold and validates it with
:func:`pathway_opt.io.instance_from_data`, so a workbook and a JSON file obey the
same rules. While reading it records, for every JSON path, the cell the value
came from; every problem, whether the reader or the schema finds it, is reported
as ``sheet!CELL: what is wrong``, all at once. The layout is described in
:mod:`pathway_opt.workbook_layout`.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pathway_opt.errors import InputError, Problem
from pathway_opt.io import instance_from_data
from pathway_opt.schema import Instance
from pathway_opt.workbook_cells import Cell, SheetCells, read_cells
from pathway_opt.workbook_layout import (
    BUDGETS,
    COSTS_USES,
    CRITERIA,
    DATA_SHEETS,
    FIXED_COLUMNS,
    INITIATIVES,
    PERIOD_FIELD,
    PROFILE_KINDS,
    RESOURCES,
    RULE_FIELDS,
    RULES,
    SETTINGS,
    SETTINGS_FIELDS,
    YEAR_PATTERN,
    CellKind,
    Column,
    limit_header,
    normalise_key,
    period_of_header,
)
from pathway_opt.xlsx_cells import parse_list

#: Workbook file name endings read by :func:`read_instance_xlsx`.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")

_SETTINGS_PATHS = {
    "name": "name",
    "description": "description",
    "currency": "currency",
    "delay_discount": "settings.delay_discount",
    "allow_beyond_horizon": "settings.allow_beyond_horizon",
}


#: What a cell the reader could not use (an Excel error, a formula without a
#: result) stands for, so the cross-entity checks still run on the rest.
_STAND_IN: dict[CellKind, Any] = {
    "text": "",
    "id": "?",
    "number": 0.0,
    "int": 0,
    "bool": False,
    "list": ["?"],
    "where": "?",
}


@dataclass(frozen=True)
class _Source:
    cell: str
    """`sheet!A1`, or a sheet name for the sheet as a whole."""
    label: str = ""
    """Names the value in messages, e.g. `success_probability`, `score TC`."""


@dataclass
class _Reader:
    sheets: dict[str, SheetCells]
    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, _Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    own: set[str] = field(default_factory=set)
    """JSON paths the reader already reported; the schema's word on them is dropped."""

    def problem(self, at: Cell | str, message: str, path: str | None = None) -> None:
        where = at.ref if isinstance(at, Cell) else at
        self.problems.append(Problem(where, message))
        if path is not None:
            self.own.add(path)

    def note(self, path: str, at: Cell | str, label: str = "") -> None:
        self.sources[path] = _Source(at.ref if isinstance(at, Cell) else at, label)

    # --- cells to JSON values -------------------------------------------------

    def value(self, cell: Cell, kind: CellKind, path: str, label: str) -> Any:
        """The JSON value of a cell, None when blank (bad cells are reported)."""
        self.note(path, cell, label)
        if cell.error:
            self.problem(cell, f"{label} {cell.error}", path)
            return _STAND_IN[kind]
        raw = cell.value
        if raw is None:
            return None
        if kind == "text":  # kept exactly, even spaces or an empty string
            return raw if isinstance(raw, str) else _as_text(raw)
        if cell.blank:
            return None
        if kind == "id":
            return _as_text(raw).strip()
        if kind in ("number", "int"):
            number = _as_number(raw)
            if kind == "int" and isinstance(number, float) and number.is_integer():
                return int(number)
            return number
        if kind == "bool":
            return _as_bool(raw)
        try:
            items, separated = parse_list(_as_text(raw))
        except ValueError as exc:
            self.problem(cell, f"{label}: {exc}", path)
            items, separated = parse_list(_as_text(raw).replace('"', ""))
        for j, _ in enumerate(items):
            self.note(f"{path}[{j}]", cell, f"{label} (value {j + 1})")
        if kind == "where" and not separated and len(items) == 1:
            return items[0]
        return items

    # --- sheets -----------------------------------------------------------------

    def sheet(self, name: str, required: bool) -> SheetCells | None:
        found = self.sheets.get(name)
        if found is None and required:
            self.problem(
                name, f'the workbook has no sheet named "{name}"; add it', name
            )
        return found

    def read(self) -> dict[str, Any]:
        self.read_settings()
        self.read_entities(CRITERIA, required=True)
        self.read_entities(BUDGETS, dynamic=("limit", "limits"))
        self.read_entities(RESOURCES, dynamic=("limit", "capacity"))
        self.read_entities(INITIATIVES, required=True)
        self.read_profiles()
        self.read_rules()
        return self.data

    def read_settings(self) -> None:
        sheet = self.sheet(SETTINGS, required=True)
        if sheet is None:
            self.own.add("periods")
            return
        cols = self.columns(sheet, {"field": "id", "value": "text", "meaning": "text"})
        if "field" not in cols or "value" not in cols:
            missing = [k for k in ("field", "value") if k not in cols]
            self.problem(
                f"{SETTINGS}!A1",
                f"needs the columns field and value; missing: {', '.join(missing)}",
                "periods",
            )
            return
        periods: list[Any] = []
        seen: set[str] = set()
        for row in sheet.rows:
            name_cell, value_cell = row.cell(cols["field"]), row.cell(cols["value"])
            key = (
                normalise_key(_as_text(name_cell.value)) if not name_cell.blank else ""
            )
            if key == PERIOD_FIELD:
                if value_cell.blank:
                    self.problem(value_cell, "period is blank; enter its label")
                    continue
                path = f"periods[{len(periods)}]"
                periods.append(self.value(value_cell, "text", path, "period"))
            elif key in SETTINGS_FIELDS:
                if key in seen:
                    self.problem(name_cell, f"{key} is given twice; keep one row")
                    continue
                seen.add(key)
                value = self.value(
                    value_cell, SETTINGS_FIELDS[key][0], _SETTINGS_PATHS[key], key
                )
                if value is not None:
                    target, _, leaf = _SETTINGS_PATHS[key].rpartition(".")
                    parent = self.data.setdefault(target, {}) if target else self.data
                    parent[leaf] = value
            elif not name_cell.blank:
                known = ", ".join([*SETTINGS_FIELDS, PERIOD_FIELD])
                self.problem(
                    name_cell, f'unknown setting "{key}"; known settings: {known}'
                )
            elif not value_cell.blank:
                self.problem(name_cell, "field is blank but the row has a value")
        if not periods:
            self.problem(
                SETTINGS,
                'has no "period" rows; add one row per planning period with field '
                '"period" and the period\'s label as value',
                "periods",
            )
        self.data["periods"] = periods
        self.note("periods", f"{SETTINGS}!A1")

    def columns(self, sheet: SheetCells, known: dict[str, Any]) -> dict[str, int]:
        """Map the sheet's fixed columns; report headers that are not known."""
        found: dict[str, int] = {}
        for col, header in sheet.headers.items():
            key = normalise_key(header)
            if key in known:
                if key in found:
                    self.problem(
                        sheet.header_cell(col), f'column "{key}" appears twice'
                    )
                found.setdefault(key, col)
        return found

    def unknown_columns(self, sheet: SheetCells, used: set[int], hint: str) -> None:
        for col, header in sheet.headers.items():
            if col not in used:
                self.problem(
                    sheet.header_cell(col),
                    f'unknown column "{header}"; the columns of {sheet.name} are '
                    f"{hint}",
                )
        for col in sheet.unnamed_columns(set(sheet.headers)):
            self.problem(
                sheet.header_cell(col),
                "this column has values but no header; add a header or clear it",
            )

    def read_entities(
        self,
        name: str,
        required: bool = False,
        dynamic: tuple[str, str] | None = None,
    ) -> None:
        """Criteria, budgets, resources or initiatives: one row each."""
        sheet = self.sheet(name, required)
        entries: list[dict[str, Any]] = []
        self.data[name] = entries
        self.note(name, name)
        if sheet is None:
            return
        fixed = {c.key: c for c in FIXED_COLUMNS[name]}
        cols = self.columns(sheet, fixed)
        periods = [p for p in self.data.get("periods", []) if isinstance(p, str)]
        extra = self.dynamic_columns(sheet, name, set(cols.values()), dynamic, periods)
        hint = ", ".join(c.header for c in fixed.values()) + {
            BUDGETS: ", limit <period> (<currency>)",
            RESOURCES: ", capacity <period> (<unit>)",
            INITIATIVES: ", score <criterion>",
        }.get(name, "")
        self.unknown_columns(sheet, set(cols.values()) | set(extra), hint)
        if "id" not in cols:
            self.problem(f"{name}!A1", 'needs an "id" column', name)
        for row in sheet.rows:
            k = len(entries)
            at = f"{name}[{k}]"
            entry: dict[str, Any] = {}
            self.note(at, row.cell(cols.get("id", 1)))
            for key, col in cols.items():
                value = self.value(row.cell(col), fixed[key].kind, f"{at}.{key}", key)
                if value is not None:
                    entry[key] = value
            if dynamic is not None:
                values = self.period_values(row, extra, dynamic, periods, at)
                entry[dynamic[1]] = values
            elif name == INITIATIVES:
                scores = {}
                for col, crit in extra.items():
                    path = f"{at}.scores.{crit}"
                    value = self.value(row.cell(col), "number", path, f"score {crit}")
                    if value is not None:
                        scores[crit] = value
                if scores:
                    entry["scores"] = scores
            entries.append(entry)
        if required and not entries:
            self.problem(name, "has no rows; add at least one below the header", name)

    def dynamic_columns(
        self,
        sheet: SheetCells,
        name: str,
        fixed: set[int],
        dynamic: tuple[str, str] | None,
        periods: list[str],
    ) -> dict[int, str]:
        """Column -> period (budgets, resources) or criterion id (initiatives)."""
        found: dict[int, str] = {}
        for col, header in sheet.headers.items():
            if col in fixed:
                continue
            if dynamic is None:
                if name == INITIATIVES and header.strip().lower().startswith("score "):
                    found[col] = _criterion_of(header, self.data.get(CRITERIA, []))
                continue
            prefix = dynamic[0] if name == BUDGETS else "capacity"
            period = period_of_header(header, prefix, periods)
            if period is None and not periods and header.lower().startswith(prefix):
                period = header  # periods unknown: take the columns in order
            if period is None:
                if header.strip().lower().startswith(prefix + " "):
                    self.problem(
                        sheet.header_cell(col),
                        f'"{header}" names no period on the {SETTINGS} sheet '
                        f"(periods: {', '.join(periods) or 'none'})",
                    )
                    found[col] = ""
                continue
            if period in found.values():
                self.problem(sheet.header_cell(col), f"a second column for {period}")
                found[col] = ""
                continue
            found[col] = period
        if dynamic is not None:
            for p in periods:
                if p not in found.values():
                    self.problem(
                        sheet.header_cell(sheet.width + 1),
                        f'no column for period {p}; add one headed "'
                        + limit_header(prefix, p, "...")
                        + '"',
                    )
        return found

    def period_values(
        self,
        row: Any,
        columns: dict[int, str],
        dynamic: tuple[str, str],
        periods: list[str],
        at: str,
    ) -> list[Any]:
        by_period = {p: c for c, p in columns.items() if p}
        order = periods or [p for p in columns.values() if p]
        values: list[Any] = []
        for j, period in enumerate(order):
            path = f"{at}.{dynamic[1]}[{j}]"
            label = f"{dynamic[1].rstrip('s')} {period}"
            if period not in by_period:
                self.own.add(path)
                values.append(None)
                continue
            cell = row.cell(by_period[period])
            value = self.value(cell, "number", path, label)
            if value is None and path not in self.own:
                self.problem(
                    cell, f"{label} is blank; enter a number (0 if none)", path
                )
            values.append(value)
        return values

    def read_profiles(self) -> None:
        sheet = self.sheet(COSTS_USES, required=False)
        if sheet is None:
            return
        fixed = {c.key: c for c in FIXED_COLUMNS[COSTS_USES]}
        cols = self.columns(sheet, fixed)
        years: dict[int, int] = {}
        for col, header in sheet.headers.items():
            match = YEAR_PATTERN.fullmatch(header.strip())
            if match and col not in cols.values():
                if int(match.group(1)) in years.values():
                    self.problem(
                        sheet.header_cell(col), "a second column for this year"
                    )
                years[col] = int(match.group(1))
        hint = ", ".join(c.header for c in fixed.values()) + ", year +0, year +1, ..."
        self.unknown_columns(sheet, set(cols.values()) | set(years), hint)
        for k in range(max(years.values(), default=-1)):
            if k not in years.values():
                self.problem(f"{COSTS_USES}!A1", f'no column "year +{k}"; add it')
        if len(cols) < len(fixed):
            missing = ", ".join(k for k in fixed if k not in cols)
            self.problem(f"{COSTS_USES}!A1", f"missing columns: {missing}")
            return
        index: dict[Any, int] = {}
        for k, entry in enumerate(self.data.get(INITIATIVES, [])):
            index.setdefault(entry.get("id"), k)
        seen: set[tuple[str, str, str | None]] = set()
        for row in sheet.rows:
            ini_cell, kind_cell, of_cell = (row.cell(cols[k]) for k in fixed)
            ini = self.value(ini_cell, "id", "", "initiative")
            kind = self.value(kind_cell, "id", "", "kind")
            owner = self.value(of_cell, "id", "", "budget_or_resource")
            if ini is None or ini not in index:
                text = "is blank" if ini is None else f'"{ini}" is not'
                self.problem(ini_cell, f"initiative {text} on the {INITIATIVES} sheet")
                continue
            if kind not in PROFILE_KINDS:
                self.problem(kind_cell, f"kind must be cost or use, got {kind!r}")
                continue
            if kind == "use" and owner is None:
                self.problem(of_cell, "budget_or_resource: name the resource used")
                continue
            key = (ini, kind, owner)
            if key in seen:
                self.problem(row.cell(1), f"a second {kind} row for {ini} and {owner}")
                continue
            seen.add(key)
            self.add_profile(row, years, index[ini], kind, owner, (ini_cell, of_cell))

    def add_profile(
        self,
        row: Any,
        years: dict[int, int],
        k: int,
        kind: str,
        owner: str | None,
        cells: tuple[Cell, Cell],
    ) -> None:
        entry = self.data[INITIATIVES][k]
        field_name = "cost" if kind == "cost" else "uses"
        base = f"{INITIATIVES}[{k}].{field_name}"
        path = base if owner is None else f"{base}.{owner}"
        existing = entry.get(field_name)
        if kind == "cost" and (
            (owner is None and existing is not None)
            or (owner is not None and isinstance(existing, list))
        ):
            self.problem(
                cells[1],
                "budget_or_resource: an initiative's cost rows must all name a "
                "budget, or there must be a single row with it blank",
            )
            return
        self.note(base, cells[1] if owner is not None else cells[0])
        self.note(path, cells[1] if owner is not None else cells[0])
        by_year = {y: c for c, y in years.items()}
        values: list[Any] = []
        for y in sorted(by_year):
            cell = row.cell(by_year[y])
            value = self.value(cell, "number", f"{path}[{y}]", f"{kind} year +{y}")
            values.append(value)
        while values and values[-1] is None:
            values.pop()
        profile = [0.0 if v is None else v for v in values]
        if owner is None:
            entry[field_name] = profile
        else:
            entry.setdefault(field_name, {})[owner] = profile

    def read_rules(self) -> None:
        sheet = self.sheet(RULES, required=False)
        if sheet is None:
            return
        fixed = {c.key: c for c in FIXED_COLUMNS[RULES]}
        cols = self.columns(sheet, fixed)
        self.unknown_columns(
            sheet, set(cols.values()), ", ".join(c.header for c in fixed.values())
        )
        rules: list[dict[str, Any]] = []
        self.data[RULES] = rules
        for row in sheet.rows:
            at = f"{RULES}[{len(rules)}]"
            rule = self.rule(row, cols, fixed, at)
            rules.append(rule)

    def rule(
        self, row: Any, cols: dict[str, int], fixed: dict[str, Column], at: str
    ) -> dict[str, Any]:
        kind_cell = row.cell(cols.get("kind", 1))
        kind = self.value(kind_cell, "id", f"{at}.kind", "kind")
        self.note(at, kind_cell)
        rule: dict[str, Any] = {} if kind is None else {"kind": kind}
        uses = RULE_FIELDS.get(kind or "")
        where: dict[str, Any] = {}
        for key, col in cols.items():
            cell = row.cell(col)
            if key == "kind" or uses is None:
                continue
            if key not in uses:
                if not cell.blank:
                    self.problem(
                        cell, f"{key} does not apply to {kind} rules; clear this cell"
                    )
                continue
            if key.startswith("where_"):
                leaf = key.removeprefix("where_")
                path = f"{at}.where.{leaf}"
                value = self.value(cell, "where", path, key)
                if value is not None:
                    where[leaf] = value
                    self.sources.setdefault(f"{at}.where", _Source(cell.ref, "where"))
                continue
            value = self.value(cell, fixed[key].kind, f"{at}.{key}", key)
            if value is not None:
                rule[key] = value
        if where:
            rule["where"] = where
        return rule

    # --- problems ---------------------------------------------------------------

    def locate(self, problem: Problem) -> Problem | None:
        """A schema problem at a JSON path, restated at its cell (None if ours)."""
        path = problem.path
        prefixes = _prefixes(path)
        if any(prefix in self.own for prefix in prefixes):
            return None
        for prefix in prefixes:
            source = self.sources.get(prefix)
            if source is not None:
                label = source.label if prefix == path else path
                message = _rows_for_positions(problem.message, path, self.sources)
                verb = re.match(r"(must|is|has|kind must) ", message)
                joined = f"{label} {message}" if verb else f"{label}: {message}"
                return Problem(source.cell, joined if label else message)
        return problem


def _prefixes(path: str) -> list[str]:
    """`a[1].b.c[2]` -> [`a[1].b.c[2]`, `a[1].b.c`, `a[1].b`, `a[1]`, `a`]."""
    cuts = [m.start() for m in re.finditer(r"[.\[]", path)]
    return [path] + [path[:c] for c in reversed(cuts) if c > 0]


def _rows_for_positions(message: str, path: str, sources: dict[str, _Source]) -> str:
    """`(positions 0, 3)` of a duplicate -> `(rows 2, 5)` of the workbook."""
    match = re.search(r"\(positions ([\d, ]+)\)", message)
    base = re.match(r"^(\w+)\[\d+\]$", path)
    if not match or not base:
        return message
    rows = []
    for position in match.group(1).split(","):
        source = sources.get(f"{base.group(1)}[{position.strip()}]")
        if source is None:
            return message
        rows.append(re.sub(r"^.*![A-Z]+", "", source.cell))
    return message.replace(match.group(0), f"(rows {', '.join(rows)})")


def _criterion_of(header: str, criteria: list[dict[str, Any]]) -> str:
    rest = header.strip()[len("score ") :].strip()
    ids = {c.get("id") for c in criteria}
    if rest not in ids:
        bare = re.sub(r"\s*\(.*\)$", "", rest)
        if bare in ids:
            return bare
    return rest


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text: str = value.isoformat()
        return text.removesuffix("T00:00:00")
    return str(value)


def _as_number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return value
        return number if number == number and abs(number) != float("inf") else value
    return value


def _as_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    return {"true": True, "yes": True, "false": False, "no": False}.get(text, value)


def _sort_key(problem: Problem) -> tuple[int, int, int, str]:
    sheet, _, cell = problem.path.partition("!")
    order = DATA_SHEETS.index(sheet) if sheet in DATA_SHEETS else len(DATA_SHEETS)
    match = re.fullmatch(r"([A-Z]*)(\d*)", cell)
    if not match:
        return (order, 0, 0, problem.path)
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return (order, int(digits or 0), column, problem.path)


def read_instance_xlsx(source: str | Path | IO[bytes] | bytes) -> Instance:
    """Read and validate an input workbook.

    Raises:
        InputError: with every problem found, each naming `sheet!CELL`.
    """
    name = str(source) if isinstance(source, str | Path) else "the workbook"
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    reader = _Reader(_open(source, name))
    data = reader.read()
    problems = list(reader.problems)
    try:
        inst = instance_from_data(data)
    except InputError as exc:
        located = (reader.locate(p) for p in exc.problems)
        problems += [p for p in located if p is not None]
        inst = None
    if problems or inst is None:
        unique = list(dict.fromkeys(problems))
        raise InputError(sorted(unique, key=_sort_key), source=name)
    return inst


def _open(source: str | Path | IO[bytes], name: str) -> dict[str, SheetCells]:
    """Every data sheet's cells, by canonical sheet name."""
    if isinstance(source, str | Path) and Path(source).suffix.lower() == ".xls":
        raise InputError(
            [
                Problem(
                    name, "is an old .xls workbook; save it as .xlsx (Excel Workbook)"
                )
            ]
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read_cells(source, DATA_SHEETS)
    except FileNotFoundError:
        raise InputError([Problem(name, "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, "is a folder, not a file")]) from None
    except PermissionError as exc:
        raise InputError([Problem(name, f"cannot be read: {exc.strerror}")]) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise InputError(
            [
                Problem(
                    name,
                    "is not a readable .xlsx workbook "
                    f"({type(exc).__name__}); save it from Excel or WPS as .xlsx "
                    "without a password",
                )
            ]
        ) from None
