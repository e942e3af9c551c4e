"""The variants sheet: alternative versions of initiatives, one row each.

A row names the initiative and the variant id; every other cell left blank
keeps the initiative's value (the schema merges `scores` and `max_share` per
key). The version's cost and use profiles are costs_uses rows naming it in
their `variant` column (see :func:`variant_entry`).
"""

from __future__ import annotations

from typing import Any

from pathway_opt.inputs.instance_xlsx.funding_cells import read_funded_by, read_shares
from pathway_opt.inputs.instance_xlsx.layout import (
    BUDGETS,
    CRITERIA,
    FIXED_COLUMNS,
    INITIATIVES,
    VARIANTS,
    criterion_of_header,
)
from pathway_opt.inputs.instance_xlsx.reader import Reader


def read_variants(r: Reader) -> None:
    """Add each row of the variants sheet to its initiative's `variants`."""
    sheet = r.sheet(VARIANTS)
    if sheet is None:
        return
    fixed = {c.key: c for c in FIXED_COLUMNS[VARIANTS]}
    cols = r.columns(sheet, fixed)
    criteria = r.data.get(CRITERIA, [])
    scores = {
        col: criterion_of_header(header, criteria)
        for col, header in sheet.headers.items()
        if col not in cols.values() and header.strip().lower().startswith("score ")
    }
    hint = ", ".join(c.header for c in fixed.values()) + ", score <criterion>"
    r.unknown_columns(sheet, set(cols.values()) | set(scores), hint)
    missing = [k for k in ("initiative", "variant") if k not in cols]
    if missing:
        r.problem(f"{VARIANTS}!A1", f"missing columns: {', '.join(missing)}")
        return
    index: dict[Any, int] = {}
    for k, entry in enumerate(r.data.get(INITIATIVES, [])):
        index.setdefault(entry.get("id"), k)
    budgets = [b.get("id") for b in r.data.get(BUDGETS, [])]
    for row in sheet.rows:
        ini_cell, id_cell = row.cell(cols["initiative"]), row.cell(cols["variant"])
        ini = r.value(ini_cell, "id", "", "initiative")
        vid = r.value(id_cell, "id", "", "variant")
        if ini_cell.error or id_cell.error:
            continue  # reported by r.value
        if ini is None or ini not in index:
            text = "is blank" if ini is None else f'"{ini}" is not'
            r.problem(ini_cell, f"initiative {text} on the {INITIATIVES} sheet")
            if vid is not None:
                r.refused_variants.add(vid)
            continue
        if vid is None:
            r.problem(id_cell, "variant is blank; name the version, e.g. lite")
            continue
        k = index[ini]
        variants = r.data[INITIATIVES][k].setdefault("variants", [])
        if any(v.get("id") == vid for v in variants):
            r.problem(id_cell, f"a second row for variant {vid} of {ini}; keep one")
            continue
        at = f"{INITIATIVES}[{k}].variants[{len(variants)}]"
        r.note(at, id_cell, f"variant {vid} of {ini}")
        r.note(f"{at}.id", id_cell, "variant")
        item: dict[str, Any] = {"id": vid}
        for key, col in cols.items():
            cell, path = row.cell(col), f"{at}.{key}"
            if key in ("initiative", "variant"):
                continue
            if key == "funded_by":
                value: Any = read_funded_by(r, cell, path, budgets)
            elif key == "max_share":
                value = read_shares(r, cell, path, budgets)
            else:
                value = r.value(cell, fixed[key].kind, path, key)
            if value is not None:
                item[key] = value
        found = {}
        for col, crit in scores.items():
            path = f"{at}.scores.{crit}"
            value = r.value(row.cell(col), "number", path, f"score {crit}")
            if value is not None:
                found[crit] = value
        if found:
            item["scores"] = found
        variants.append(item)


def variant_entry(r: Reader, k: int, vid: str) -> tuple[dict[str, Any], str] | None:
    """Variant `vid` of initiative `k` as read so far, and its JSON path."""
    for j, item in enumerate(r.data[INITIATIVES][k].get("variants", [])):
        if item.get("id") == vid:
            return item, f"{INITIATIVES}[{k}].variants[{j}]"
    return None
