"""Cell-level rules shared by every workbook pathway-opt writes or reads.

- Text is always written as text: the workbooks are created with
  ``strings_to_formulas`` (and number / URL guessing) off and every string goes
  through ``write_string``, so `=SUM(A1)` or `-2` typed as a name stays text.
- Excel escapes characters XML cannot hold as ``_xHHHH_``; :func:`escape_text` and
  :func:`unescape_text` apply the same rule, so text survives a round trip.
- XlsxWriter stores 16 significant digits. :func:`exact_number` keeps a number
  that needs 17 (e.g. ``0.30000000000000004``) exact by writing it as text; the
  reader turns numeric text back into the number.
- NaN and infinities never reach a cell: they are written as blanks.
- List cells hold values separated by `;` or line breaks; a value containing `;`,
  a line break, a leading quote or surrounding spaces is put in double quotes.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import Any

from pathway_opt.errors import OutputError

#: Options of every XlsxWriter workbook we create.
WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": False,
    "in_memory": True,
}

#: The most characters an Excel cell holds.
MAX_TEXT = 32767

_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"_x(00[01][0-9A-Fa-f])_")


def escape_text(text: str) -> str:
    """Protect a literal `_xHHHH_` so Excel does not read it as an escape."""
    return _ESCAPED.sub(lambda m: "_x005F" + m.group(0), text)


def unescape_text(text: str) -> str:
    """Decode the `_x0000_`-`_x001F_` escapes of control characters.

    openpyxl already turns Excel's escaped underscore `_x005F_` back into `_` but
    leaves control characters escaped; so a text holding the literal characters
    `_x0001_` (and the like) reads back as the control character.
    """
    return _CONTROL.sub(lambda m: chr(int(m.group(1), 16)), text)


def exact_number(value: float) -> float | str:
    """`value`, or its exact decimal text if 16 significant digits lose it."""
    if float(f"{value:.16G}") == value:
        return value
    return repr(float(value))


def _needs_quotes(item: str) -> bool:
    return (
        item == ""
        or item != item.strip()
        or item.startswith('"')
        or any(c in item for c in ";\n\r")
    )


def _quoted(item: str) -> str:
    return '"' + item.replace('"', '""') + '"' if _needs_quotes(item) else item


def format_list(items: list[str], *, mark_single: bool = False) -> str:
    """`["a", "b"]` -> `a; b`. With `mark_single`, `["a"]` -> `a;` (a list)."""
    text = "; ".join(_quoted(i) for i in items)
    return text + ";" if mark_single and len(items) == 1 else text


def format_single(value: str) -> str:
    """One value of a list column, quoted if it would otherwise split."""
    return _quoted(value)


def parse_list(text: str) -> tuple[list[str], bool]:
    """Split a list cell; also tell whether it contained a separator.

    Raises:
        ValueError: on a quote that is not closed or text after a closing quote.
    """
    items: list[str] = []
    separated = False
    pos, end = 0, len(text)
    while True:
        start = pos
        while start < end and text[start] not in ";\n" and text[start].isspace():
            start += 1
        if start < end and text[start] == '"':
            value, pos = _read_quoted(text, start + 1)
            items.append(value)
        else:
            pos = start
            while pos < end and text[pos] not in ";\n":
                pos += 1
            if text[start:pos].strip():
                items.append(text[start:pos].strip())
        if pos >= end:
            return items, separated
        separated = True
        pos += 1


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """Read a quoted value from just after its opening quote to the separator."""
    chars: list[str] = []
    while True:
        if pos >= len(text):
            raise ValueError("a double quote is opened but not closed")
        if text[pos] == '"':
            if text[pos + 1 : pos + 2] == '"':
                chars.append('"')
                pos += 2
                continue
            pos += 1
            break
        chars.append(text[pos])
        pos += 1
    while pos < len(text) and text[pos] not in ";\n" and text[pos].isspace():
        pos += 1
    if pos < len(text) and text[pos] not in ";\n":
        raise ValueError("there is text after a closing double quote; add a `;`")
    return "".join(chars), pos


class CellWriter:
    """Writes Python values to an XlsxWriter worksheet by their type, safely.

    Args:
        worksheet: the XlsxWriter worksheet.
        exact: keep numbers exact (see :func:`exact_number`) and refuse text that
            does not fit a cell; otherwise such text is shortened with an ellipsis.
    """

    def __init__(self, worksheet: Any, *, exact: bool) -> None:
        self.ws = worksheet
        self.exact = exact

    def write(self, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """Write text, a number, a boolean or a blank (None, NaN and infinities)."""
        if hasattr(value, "item") and not isinstance(value, str):
            value = value.item()  # numpy scalars: np.int64 is no int, np.bool_ no bool
        if isinstance(value, bool):
            code = self.ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, int | float):
            if not math.isfinite(value):
                code = self.ws.write_blank(row, col, None, fmt)
            elif self.exact and isinstance(value, float):
                number = exact_number(value)
                if isinstance(number, str):
                    code = self.ws.write_string(row, col, number, fmt)
                else:
                    code = self.ws.write_number(row, col, number, fmt)
            else:
                code = self.ws.write_number(row, col, value, fmt)
        elif value is None:
            code = self.ws.write_blank(row, col, None, fmt)
        else:
            code = self.ws.write_string(row, col, self._fit(str(value), row, col), fmt)
        if code not in (0, None):
            raise OutputError(
                f"cannot write cell {self.ws.name}!{_cell(row, col)} (code {code})"
            )

    def _fit(self, text: str, row: int, col: int) -> str:
        text = escape_text(text)
        if len(text) <= MAX_TEXT:
            return text
        if self.exact:
            raise OutputError(
                f"cannot write {self.ws.name}!{_cell(row, col)}: the text has "
                f"{len(text):,} characters, more than the {MAX_TEXT:,} an Excel cell "
                "holds; shorten it or keep this instance in JSON"
            )
        return text[: MAX_TEXT - 1] + "…"


def _cell(row: int, col: int) -> str:
    from xlsxwriter.utility import (  # type: ignore[import-untyped, unused-ignore]
        xl_rowcol_to_cell,
    )

    return str(xl_rowcol_to_cell(row, col))


def new_workbook() -> tuple[Any, io.BytesIO]:
    """An in-memory XlsxWriter workbook with the safe options, and its buffer."""
    import xlsxwriter  # type: ignore[import-untyped, unused-ignore]

    buffer = io.BytesIO()
    return xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS), buffer


def text_width(value: Any) -> float:
    """Approximate display width of a value, East Asian characters counting 2."""
    if value is None:
        return 0
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in longest)


# --- sheet names ----------------------------------------------------------------

#: The longest sheet name Excel accepts, in UTF-16 code units (as Excel counts).
MAX_SHEET_NAME = 31
#: Characters Excel refuses in a sheet name, and those XML cannot hold.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _utf16_units(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def _cut(text: str, units: int) -> str:
    """The longest start of `text` within `units` UTF-16 units (no half pairs)."""
    out, used = [], 0
    for c in text:
        used += _utf16_units(c)
        if used > units:
            break
        out.append(c)
    return "".join(out)


def sheet_names(names: Sequence[str], taken: Sequence[str] = ()) -> list[str]:
    r"""A valid, distinct sheet name for each of `names`, in order.

    Excel refuses a sheet name that is empty, longer than 31 characters, holds
    one of ``[ ] : * ? / \`` or starts or ends with an apostrophe, and two
    names that differ only in case. Such characters (and control characters
    and others XML cannot hold) become ``_``, long names are cut, and a name
    already used (or in `taken`, compared without case) gets a suffix `` (2)``,
    `` (3)``, ...; a name that is already valid and free is kept as it is (CJK
    text included).
    """
    used = {key for t in taken for key in _keys(t)}
    found = []
    for name in names:
        clean = _SHEET_FORBIDDEN.sub("_", str(name)).strip().strip("'").strip()
        clean = _cut(clean, MAX_SHEET_NAME).rstrip("'").rstrip() or "Sheet"
        candidate, k = clean, 1
        while _keys(candidate) & used:
            k += 1
            suffix = f" ({k})"
            head = _cut(clean, MAX_SHEET_NAME - len(suffix)).rstrip("'").rstrip()
            candidate = head + suffix
        used |= _keys(candidate)
        found.append(candidate)
    return found


def _keys(name: str) -> set[str]:
    """A sheet name as compared for clashes, case ignored as Excel does.

    XlsxWriter compares lower case; casefold also catches ß and SS.
    """
    return {name.lower(), name.casefold()}


# --- numbers as people type them ------------------------------------------------

#: Spaces people put between thousands: plain, no-break, narrow no-break, thin.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_UNITS = {"%": 100, "\uff05": 100, "万": 10**4, "亿": 10**8}
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_COMMAS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_SPACED = re.compile(rf"[+-]?\d{{1,3}}([{_GROUP_SPACES}]\d{{3}})+(\.\d+)?")
_NUMBER_LIKE = re.compile(rf"[+-]?[\d.,{_GROUP_SPACES}]*\d[\d.,{_GROUP_SPACES}]*")


def typed_number(text: str) -> float | None:
    """A number typed as text the way people write it, or None if it is no number.

    Accepts plain numbers (`2000000`, `1.5e6`), thousands separated by commas or
    spaces (`2,000,000`, `2 000 000`, also no-break and narrow no-break spaces),
    a percentage (`85%` is 0.85) and the Chinese units 万 (10^4) and 亿 (10^8)
    (`80万` is 800,000, `1.2亿` is 120,000,000).

    Raises:
        ValueError: for digits and separators whose meaning is unclear, such as
            `1,5`, `2.000.000` or `1,00,000` (the message says what was read).
    """
    body = text.strip()
    scale = 1
    if body and body[-1] in _UNITS:
        scale = _UNITS[body[-1]]
        body = body[:-1].rstrip(_GROUP_SPACES)
    if _PLAIN.fullmatch(body):
        digits = body
    elif _COMMAS.fullmatch(body):
        digits = body.replace(",", "")
    elif _SPACED.fullmatch(body):
        digits = "".join(c for c in body if c not in _GROUP_SPACES)
    elif _NUMBER_LIKE.fullmatch(body):
        raise ValueError(
            f'read "{text.strip()}", whose separators are unclear (a decimal '
            "point or thousands?); type a plain number such as 2000000 or 1.5"
        )
    else:
        return None
    if scale == 1:
        return float(digits)
    from decimal import Decimal

    number = Decimal(digits)
    return float(number / scale if scale == 100 else number * scale)
