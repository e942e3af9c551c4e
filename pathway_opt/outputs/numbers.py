"""Numbers as the outputs write them: no float noise, whole numbers as integers.

Money is rounded to the currency's smallest unit (2 decimals; 0 for currencies
without minor units such as JPY and KRW), scores, quantities and ratios to
:data:`DECIMALS` decimals, relative gaps to :data:`GAP_DIGITS` significant
digits. A rounded value that is whole is written as an integer (``2000000``,
not ``2000000.0``); NaN and infinities become ``None`` (a blank cell, JSON null).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

DECIMALS = 6
"""Decimals of scores (objective, bound, expected values, prices), quantities of
resources and ratios (utilisation)."""
GAP_DIGITS = 6
"""Significant digits of relative gaps."""
#: ISO 4217 currencies whose smallest unit is the whole currency unit.
NO_MINOR_UNIT = {"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"}


def money_decimals(currency: str) -> int:
    """Decimals of the currency's smallest unit (cents, fen: 2)."""
    return 0 if currency.upper() in NO_MINOR_UNIT else 2


def tidy(value: Any, decimals: int = DECIMALS) -> Any:
    """A float rounded to `decimals`, as an int when whole; other values as given."""
    if isinstance(value, bool) or not isinstance(value, float | int):
        return value
    if not math.isfinite(value):
        return None
    rounded = round(float(value), decimals)
    if rounded.is_integer() and abs(rounded) < 2**53:
        return int(rounded)
    return rounded


def tidy_gap(value: Any) -> Any:
    """A relative gap to :data:`GAP_DIGITS` significant digits."""
    if isinstance(value, bool) or not isinstance(value, float | int):
        return value
    if not math.isfinite(value):
        return None
    return tidy(float(f"{value:.{GAP_DIGITS}g}"), 12)


def tidy_frame(
    frame: pd.DataFrame,
    currency: str,
    money: Iterable[str] = (),
    gaps: Iterable[str] = (),
) -> pd.DataFrame:
    """The table with every number tidied: `money` columns to the currency's unit.

    In a table with a ``kind`` column, money columns hold money only on rows of
    kind ``budget`` (a resource row holds quantities).
    """
    if frame.empty:
        return frame
    out = frame.astype(object)
    money, gaps = set(money), set(gaps)
    cents = money_decimals(currency)
    kinds = list(out["kind"]) if "kind" in out.columns else None
    for column in out.columns:
        values = list(out[column])
        if column in gaps:
            tidied = [tidy_gap(v) for v in values]
        elif column in money:
            tidied = [
                tidy(v, cents if kinds is None or kinds[r] == "budget" else DECIMALS)
                for r, v in enumerate(values)
            ]
        else:
            tidied = [tidy(v) for v in values]
        # object dtype keeps whole numbers whole next to fractions
        out[column] = pd.Series(tidied, index=out.index, dtype=object)
    return out
