"""Cells of funding-source choice: `funded_by` lists and `max_share` pairs.

`funded_by` is a list cell like the rules sheet's (`central; gov_special`); as
planners also type `central, gov_special` (or with full-width commas), a value that
is not a budget id but splits at commas into budget ids is read as those ids (a
budget id that itself holds a comma is still read whole). `max_share` holds
`budget: share` pairs separated by `;` (`gov_special: 0.5; partner: 30%`), each
share a fraction or a percent as numeric cells take them; commas between pairs
are accepted too when every part is a pair. The schema checks the values (a
share above 1, a budget not in `funded_by`) and the reader names the cell.
"""

from __future__ import annotations

import re
from typing import Any

from pathway_opt.excel import format_list, format_single, parse_list
from pathway_opt.inputs.instance_xlsx.cells import Cell
from pathway_opt.inputs.instance_xlsx.reader import Reader, as_number, as_text

#: Commas (ASCII, full-width, ideographic enumeration) and full-width semicolons.
_COMMAS = re.compile(r"\s*[,\uff0c\u3001\uff1b]\s*")
#: The separator of a `budget: share` pair (ASCII or full-width colon).
_COLON = re.compile(r"[:\uff1a]")

SHARES_EXAMPLE = "gov_special: 0.5; partner: 30%"


def read_funded_by(
    r: Reader, cell: Cell, path: str, budgets: list[str], label: str = "funded_by"
) -> list[str] | None:
    """The budget ids of a `funded_by` cell (None when blank)."""
    items = r.value(cell, "list", path, label)
    if items is None or cell.error:
        return items if items is None else list(items)
    found: list[str] = []
    for item in items:
        parts = [p for p in _COMMAS.split(item) if p]
        split = item not in budgets and len(parts) > 1
        found += parts if split and all(p in budgets for p in parts) else [item]
    for j, _ in enumerate(found):
        r.note(f"{path}[{j}]", cell, f"{label} (value {j + 1})")
    return found


def read_shares(
    r: Reader, cell: Cell, path: str, budgets: list[str], label: str = "max_share"
) -> dict[str, Any] | None:
    """The `{budget: share}` of a `max_share` cell (None when blank).

    `budgets`: the known budget ids, to tell `a: 0.5, b: 0.3` (two pairs) from
    one pair whose budget id holds a comma.
    """
    r.note(path, cell, label)
    if cell.error:
        r.problem(cell, f"{label} {cell.error}", path)
        return {}
    if cell.blank:
        return None
    text = as_text(cell.value)
    if not isinstance(cell.value, str):
        r.problem(cell, f"{label}: {_pair_advice(text)}", path)
        return {}
    try:
        items, _ = parse_list(text)
    except ValueError as exc:
        r.problem(cell, f"{label}: {exc}", path)
        return {}
    shares: dict[str, Any] = {}
    for item in items:
        pairs = _pairs(item, budgets)
        if pairs is None:
            r.problem(cell, f"{label}: {_pair_advice(item)}", path)
            return {}
        for budget, share_text in pairs:
            at = f"{path}.{budget}"
            if budget in shares:
                r.problem(cell, f"{label} names {budget} twice; keep one", at)
                continue
            r.note(at, cell, f"{label} {budget}")
            try:
                share = as_number(share_text)
            except ValueError as exc:
                r.problem(cell, f"{label} {budget}: {exc}", at)
                continue
            if isinstance(share, str):
                r.problem(
                    cell,
                    f'{label} {budget} must be a share from 0 to 1 or a percent, got "'
                    f'{share}"',
                    at,
                )
                continue
            shares[budget] = share
    return shares


def _pairs(item: str, budgets: list[str]) -> list[tuple[str, str]] | None:
    """`b: 0.5` -> [(b, 0.5)]; `a: 0.5, b: 30%` -> two pairs; None if malformed.

    The budget is what comes before the last colon, so an id holding a colon is
    read whole. Of the two readings, one pair or comma-separated pairs, the one
    naming known budgets wins, then the one whose shares are all numbers.
    """
    whole = _pair(item)
    split: list[tuple[str, str]] | None = None
    parts = [p for p in _COMMAS.split(item) if p]
    if len(parts) > 1:
        found = [_pair(p) for p in parts]
        if all(f is not None and _is_number(f[1]) for f in found):
            split = [f for f in found if f is not None]
    if whole is not None and whole[0] in budgets:
        return [whole]
    if split is not None and all(b in budgets for b, _ in split):
        return split
    if whole is not None and _is_number(whole[1]):
        return [whole]
    return split or ([whole] if whole is not None else None)


def _pair(text: str) -> tuple[str, str] | None:
    cuts = list(_COLON.finditer(text))
    if not cuts:
        return None
    budget, share = text[: cuts[-1].start()].strip(), text[cuts[-1].end() :].strip()
    return (budget, share) if budget and share else None


def _is_number(text: str) -> bool:
    try:
        return not isinstance(as_number(text), str)
    except ValueError:
        return False


def _pair_advice(text: str) -> str:
    return (
        f'"{text}" is not a `budget: share` pair; type the budget id, a colon and '
        f"its largest share, pairs separated by `;`, e.g. {SHARES_EXAMPLE}"
    )


def format_shares(shares: dict[str, float] | None) -> str | None:
    """`{"gov_special": 0.5}` -> `gov_special: 0.5` (exact: the shortest repr)."""
    if not shares:
        return None
    return "; ".join(format_single(f"{b}: {float(v)!r}") for b, v in shares.items())


def format_budgets(budgets: list[str] | None) -> str | None:
    """A `funded_by` list as its cell (`central; gov_special`)."""
    return None if budgets is None else format_list(budgets)
