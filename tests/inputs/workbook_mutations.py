"""Mutations of a valid input workbook for fuzzing the command line.

Shared by the bounded test (``test_workbook_fuzz.py`` beside this file) and the
long run (``benchmarks/fuzz_long.py --kind xlsx``). A case starts from the
workbook of ``instances/small_applied_college.json`` and applies a few edits a
planner's Excel could make (cell values, merged ranges, renamed, hidden, added,
doubled or deleted sheets, hidden rows and columns), then, sometimes, damage to
the file itself (a part dropped, truncated, garbled or given a DTD; a shared
string index out of range; compressed bytes flipped; the file cut short).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

import pathway_opt as po
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes

ROOT = Path(__file__).resolve().parents[2]

CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(
        lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)  # openpyxl refuses them
    ),
    st.sampled_from(
        ["=1/0", "=SUM(A1:A3)", "about 3M", "产教融合", "", " 2027 ", "TRUE", "a; b"]
    ),
    st.sampled_from(["A\u202e", "\u200bJL", "x\u2028y", "\u3000", "CS", "CS "]),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)

SHEET_NAMES = st.sampled_from(
    ["规则", "Rules ", "RULES", "Initiatives", " settings", "Costs_Uses", "Sheet1"]
)

#: Replacements inside a part's XML: broken syntax, entities, DTDs.
XML_DAMAGE = [
    (b"</sheetData>", b"</sheetDta>"),
    (b"<row ", b"<row &bogus; "),
    (b"<v>", b"<v>&amp;"),
    (b"<?xml", b'<!DOCTYPE x [<!ENTITY e "EXPANDED">]><?xml'),
    (b"<sst ", b'<!DOCTYPE sst [<!ENTITY e "EXPANDED">]><sst '),
    (b"<worksheet ", b"<!DOCTYPE worksheet SYSTEM 'file:///etc/passwd'><worksheet "),
    (b'r="', b'r="-'),
    (b'ref="', b'ref="ZZZ'),
    (b'<dimension ref="', b'<dimension ref="junk'),
    (b'sheetId="', b'sheetId="x'),
    (b'r:id="', b'r:id="rIdNone'),
    (b'Target="', b'Target="../nowhere/'),
]


@cache
def base_workbook() -> bytes:
    """The workbook every case starts from."""
    source = ROOT / "instances" / "small_applied_college.json"
    return instance_workbook_bytes(po.load_instance(source))


def _edit_cells(draw: st.DrawFn, book: Any) -> None:
    """Edits a planner could make in Excel, via openpyxl."""
    action = draw(
        st.sampled_from(
            ["cell", "merge", "rename", "hide", "hide_rows", "add", "delete", "move"]
        )
    )
    sheet = book[draw(st.sampled_from(book.sheetnames))]
    if action == "cell":
        row = draw(st.integers(1, max(2, sheet.max_row + 1)))
        col = draw(st.integers(1, max(2, sheet.max_column + 1)))
        if not isinstance(sheet.cell(row=row, column=col), openpyxl.cell.MergedCell):
            sheet.cell(row=row, column=col).value = draw(CELL_VALUES)
    elif action == "merge":
        r1 = draw(st.integers(1, max(1, sheet.max_row + 2)))
        c1 = draw(st.integers(1, max(1, sheet.max_column + 1)))
        r2 = r1 + draw(st.integers(0, 4))
        c2 = c1 + draw(st.integers(0, 2))
        sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    elif action == "rename":
        sheet.title = draw(SHEET_NAMES)  # openpyxl adds a digit if the name is taken
    elif action == "hide":
        visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
        if len(visible) > 1:  # a workbook keeps at least one visible sheet
            sheet.sheet_state = draw(st.sampled_from(["hidden", "veryHidden"]))
    elif action == "hide_rows":
        sheet.row_dimensions[draw(st.integers(1, sheet.max_row + 1))].hidden = True
        sheet.column_dimensions[
            openpyxl.utils.get_column_letter(draw(st.integers(1, 12)))
        ].hidden = draw(st.booleans())
    elif action == "add":
        added = book.create_sheet(draw(SHEET_NAMES))
        if draw(st.booleans()):
            added.append(["kind", "count", "members"])
            added.append(["at_most", 1, "JL-CS-01; OC-ME-01"])
    elif action == "delete" and len(book.sheetnames) > 1:
        book.remove(sheet)
    elif action == "move":
        book.move_sheet(sheet, offset=draw(st.integers(-3, 3)))


def _damage_file(draw: st.DrawFn, data: bytes) -> bytes:
    """Damage to the file: parts dropped, cut, garbled; compressed bytes flipped."""
    action = draw(
        st.sampled_from(
            ["drop", "truncate", "replace", "garble", "sst", "flip", "cut", "empty"]
        )
    )
    if not data:
        return data
    if action == "flip":
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            raw[_position(draw, len(raw))] ^= draw(st.integers(1, 255))
        return bytes(raw)
    if action == "cut":
        return data[: _position(draw, len(data))]
    try:
        parts = _parts(data)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        return data  # already damaged past unzipping
    if not parts:
        return data
    victim = draw(st.sampled_from(sorted(parts)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for name, part in parts.items():
            if name == victim:
                if action == "drop":
                    continue
                part = _damage_part(draw, action, part)
            new.writestr(name, part)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _position(draw: st.DrawFn, size: int) -> int:
    """A position in `size` bytes, drawn the same way whatever the size.

    openpyxl stamps the time of saving into the file, so sizes vary from run to
    run; a draw bounded by the size would make hypothesis's cases unrepeatable.
    """
    return draw(st.integers(0, 2**24)) % max(size, 1)


def _damage_part(draw: st.DrawFn, action: str, part: bytes) -> bytes:
    if action == "truncate":
        return part[: _position(draw, len(part))]
    if action == "empty":
        return b""
    if action == "replace":
        old, new = draw(st.sampled_from(XML_DAMAGE))
        return part.replace(old, new, draw(st.integers(1, 3)))
    if action == "sst":
        return re.sub(rb'(t="s"[^>]*><v>)\d+', rb"\g<1>99999", part, count=1)
    # garble: a random byte replaced by XML syntax
    if not part:
        return part
    k = _position(draw, len(part))
    syntax = draw(st.sampled_from([b"<", b"&", b">", b'"', b"\x00"]))
    return part[:k] + syntax + part[k + 1 :]


@st.composite
def mutated_workbook(draw: st.DrawFn) -> bytes:
    """The bytes of the base workbook after a few edits and, sometimes, damage."""
    data = base_workbook()
    edits = draw(st.integers(0, 4))
    if edits:
        book = openpyxl.load_workbook(io.BytesIO(data))
        for _ in range(edits):
            _edit_cells(draw, book)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    for _ in range(draw(st.integers(0, 2))):
        data = _damage_file(draw, data)
    return data
