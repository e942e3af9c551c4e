"""Input workbooks are read as the planner sees them in Excel, or refused.

Real files throughout: each workbook is written by pathway-opt, changed with
openpyxl the way a planner's Excel would change it (merged cells, renamed,
hidden or added sheets, hidden rows), or damaged with zipfile (a missing,
truncated or malformed part, a DTD), and then read by the command line.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import pathway_opt as po
from pathway_opt.cli.main import main

DATA: dict[str, Any] = {
    "name": "merged departments",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [{"id": "central", "limits": [100, 100]}],
    "resources": [{"id": "fte", "capacity": [5, 5]}],
    "initiatives": [
        {
            "id": "A",
            "department": "CS",
            "scores": {"TC": 5},
            "cost": [10, 10],
            "uses": {"fte": [1, 1]},
            "earliest_start": "2027",
            "latest_start": "2027",
        },
        {"id": "B", "department": "CS", "scores": {"TC": 4}},
        {"id": "C", "department": "CS", "scores": {"TC": 3}},
    ],
    "rules": [{"kind": "at_most", "count": 1, "where": {"department": "CS"}}],
}


def _written(tmp_path: Path, name: str = "base.xlsx") -> Path:
    path = tmp_path / name
    po.write_instance_xlsx(po.instance_from_data(DATA), path)
    return path


def _edited(tmp_path: Path, edit: Callable[[Any], None]) -> Path:
    """The base workbook changed with openpyxl, as Excel would save it."""
    book = openpyxl.load_workbook(_written(tmp_path))
    edit(book)
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def _sheet_part(path: Path, title: str) -> str:
    """The zip part holding sheet `title`, read from the workbook's own index."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(title)}"[^>]*r:id="(\w+)"', workbook)
    assert rid is not None
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    return "xl/" + target.group(1).removeprefix("/xl/")


def _rezipped(
    source: Path, target: Path, change: Callable[[str, bytes], bytes | None]
) -> Path:
    """Copy a workbook part by part; `change` returns new bytes or None to drop."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info, data)
    return target


def _selected(path: Path) -> list[str]:
    plan = po.solve(po.load_instance(path))
    assert plan.status.value == "optimal"
    return sorted(plan.starts)


# --- merged cells ---------------------------------------------------------


def test_merged_department_counts_for_every_row_of_the_range(tmp_path: Path) -> None:
    def merge(book: Any) -> None:
        sheet = book["initiatives"]
        assert sheet["D1"].value == "department"
        sheet.merge_cells("D2:D4")  # openpyxl keeps only D2's value, as Excel does

    path = _edited(tmp_path, merge)
    inst = po.load_instance(path)
    assert [i.department for i in inst.initiatives] == ["CS", "CS", "CS"]
    assert len(_selected(path)) == 1
    result = _run("solve", str(path))
    assert result.exit_code == 0, result.output
    assert "Selected initiatives (1 of 3)" in result.output


def test_merged_initiative_column_of_costs_uses(tmp_path: Path) -> None:
    def merge(book: Any) -> None:
        sheet = book["costs_uses"]
        assert [sheet["A2"].value, sheet["A3"].value] == ["A", "A"]
        sheet.merge_cells("A2:A3")

    inst = po.load_instance(_edited(tmp_path, merge))
    assert inst.initiatives[0].cost == [10, 10]
    assert inst.initiatives[0].uses == {"fte": [1, 1]}


def test_merged_range_reaching_below_the_data_adds_no_rows(tmp_path: Path) -> None:
    inst = po.load_instance(
        _edited(tmp_path, lambda book: book["initiatives"].merge_cells("D2:D40"))
    )
    assert [i.id for i in inst.initiatives] == ["A", "B", "C"]
    assert [i.department for i in inst.initiatives] == ["CS", "CS", "CS"]


def test_merged_value_over_two_columns_is_read_in_both(tmp_path: Path) -> None:
    def merge(book: Any) -> None:
        sheet = book["initiatives"]
        sheet["D3"] = "EE"
        sheet.merge_cells("D3:E3")  # department and partner show "EE"

    inst = po.load_instance(_edited(tmp_path, merge))
    assert (inst.initiatives[1].department, inst.initiatives[1].partner) == (
        "EE",
        "EE",
    )


# --- sheets renamed, missing, doubled, unknown, hidden ------------------------


def _rename(book: Any, old: str, new: str) -> None:
    book[old].title = "temporary name"  # openpyxl refuses a case-only rename
    book["temporary name"].title = new


def test_sheet_names_match_ignoring_case_and_surrounding_spaces(
    tmp_path: Path,
) -> None:
    def rename(book: Any) -> None:
        _rename(book, "costs_uses", "Costs_Uses")
        _rename(book, "initiatives", "INITIATIVES ")

    path = _edited(tmp_path, rename)
    inst = po.load_instance(path)
    assert inst == po.instance_from_data(DATA)
    assert inst.source_warnings == ()


def test_unknown_sheet_is_listed_in_a_warning(tmp_path: Path) -> None:
    def add(book: Any) -> None:
        sheet = book.create_sheet("规则")
        sheet.append(["kind", "count", "members"])
        sheet.append(["at_most", 1, "A; B"])

    path = _edited(tmp_path, add)
    inst = po.load_instance(path)
    [warning] = inst.source_warnings
    assert warning.startswith('sheet "规则" is not one pathway-opt reads')
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert 'warning: sheet "规则" is not one pathway-opt reads' in result.output
    solved = _run("solve", str(path), "--output", str(tmp_path / "plan.json"))
    assert solved.exit_code == 0, solved.output
    assert 'warning: sheet "规则"' in solved.output
    assert "规则" in (tmp_path / "plan.json").read_text("utf-8")


def test_two_sheets_folding_to_one_name_are_an_error(tmp_path: Path) -> None:
    def add(book: Any) -> None:
        book.create_sheet("Rules ")  # empty: would replace the real rules

    result = _run("validate", str(_edited(tmp_path, add)))
    assert result.exit_code == 1, result.output
    assert 'the sheets "rules" and "Rules " both read as "rules"' in result.output


def test_missing_required_sheet_is_an_error(tmp_path: Path) -> None:
    result = _run(
        "validate", str(_edited(tmp_path, lambda book: book.remove(book["criteria"])))
    )
    assert result.exit_code == 1, result.output
    assert 'criteria: the workbook has no sheet named "criteria"' in result.output


def test_missing_optional_sheets_mean_empty(tmp_path: Path) -> None:
    def remove(book: Any) -> None:
        for name in ("rules", "costs_uses", "budgets", "resources"):
            book.remove(book[name])

    inst = po.load_instance(_edited(tmp_path, remove))
    assert inst.rules == [] and inst.budgets == [] and inst.resources == []
    assert inst.source_warnings == ()


def test_hidden_sheet_and_hidden_rows_are_read_with_warnings(tmp_path: Path) -> None:
    def hide(book: Any) -> None:
        book["rules"].sheet_state = "hidden"
        book["initiatives"].row_dimensions[3].hidden = True
        book["initiatives"].row_dimensions[4].hidden = True
        book["initiatives"].row_dimensions[9].hidden = True  # empty: no warning
        book["initiatives"].column_dimensions["D"].hidden = True

    path = _edited(tmp_path, hide)
    inst = po.load_instance(path)
    assert inst == po.instance_from_data(DATA)
    assert list(inst.source_warnings) == [
        'sheet "rules" is hidden; it was read all the same (unhide it in Excel to '
        "check it)",
        "initiatives: rows 3, 4 are hidden; they were read all the same (unhide "
        "them in Excel to check them)",
        "initiatives: column D is hidden; it was read all the same (unhide it in "
        "Excel to check it)",
    ]
    result = _run("validate", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: ") == 3


def test_sheet_part_missing_from_the_zip_is_an_error(tmp_path: Path) -> None:
    source = _written(tmp_path)
    part = _sheet_part(source, "rules")
    broken = _rezipped(
        source, tmp_path / "broken.xlsx", lambda n, d: None if n == part else d
    )
    result = _run("validate", str(broken))
    assert result.exit_code == 1, result.output
    assert f"not a readable workbook: {part} is missing" in result.output
    assert 'sheet "rules"' in result.output


# --- broken files -------------------------------------------------------------


def _damaged(tmp_path: Path, title: str, damage: Callable[[bytes], bytes]) -> Path:
    source = _written(tmp_path)
    part = _sheet_part(source, title) if "/" not in title else title
    return _rezipped(
        source,
        tmp_path / "damaged.xlsx",
        lambda n, d: damage(d) if n == part else d,
    )


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda d: d[: len(d) // 2], "is not well-formed XML"),
        (lambda d: d.replace(b"</sheetData>", b"</sheetDta>"), "is not well-formed"),
        (lambda d: d.replace(b"<row ", b"<row &nbsp; ", 1), "is not well-formed"),
        (lambda d: b"", "is not well-formed XML"),
    ],
    ids=["truncated", "mismatched-tag", "undefined-entity", "empty"],
)
def test_broken_sheet_xml_is_invalid_input_naming_the_part(
    tmp_path: Path, damage: Callable[[bytes], bytes], said: str
) -> None:
    path = _damaged(tmp_path, "initiatives", damage)
    part = _sheet_part(_written(tmp_path, "again.xlsx"), "initiatives")
    for command in ("validate", "solve"):
        result = _run(command, str(path))
        assert result.exit_code == 1, result.output
        assert f"not a readable workbook: {part} {said}" in result.output
        assert "internal error" not in result.output


def test_shared_string_index_out_of_range_names_the_sheet(tmp_path: Path) -> None:
    def damage(data: bytes) -> bytes:
        changed, n = re.subn(
            rb'(<c r="A2"[^>]*t="s"[^>]*><v>)\d+(</v>)', rb"\g<1>99999\2", data
        )
        assert n == 1
        return changed

    path = _damaged(tmp_path, "initiatives", damage)
    part = _sheet_part(path, "initiatives")
    result = _run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert f"not a readable workbook: {part} cannot be read (IndexError" in (
        result.output
    )


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE sst [<!ENTITY e "EXPANDED">]>',
        b'<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/hostname">]>',
        b'<!DOCTYPE sst [<!ENTITY a "EXPANDED"><!ENTITY e "&a;&a;&a;&a;&a;&a;">]>',
    ],
    ids=["internal", "external", "nested"],
)
def test_dtd_and_entities_are_refused_never_expanded(
    tmp_path: Path, doctype: bytes
) -> None:
    def damage(data: bytes) -> bytes:
        data = data.replace(b"<sst ", doctype + b"<sst ", 1)
        return data.replace(b"<t>A</t>", b"<t>&e;</t>", 1)

    path = _damaged(tmp_path, "xl/sharedStrings.xml", damage)
    result = _run("convert", str(path), str(tmp_path / "out.json"))
    assert result.exit_code == 1, result.output
    assert "not a readable workbook: xl/sharedStrings.xml holds a DTD" in result.output
    assert "EXPANDED" not in result.output
    assert not (tmp_path / "out.json").exists()


def test_dtd_in_a_sheet_is_refused(tmp_path: Path) -> None:
    def damage(data: bytes) -> bytes:
        return data.replace(b"<worksheet ", b"<!DOCTYPE worksheet><worksheet ", 1)

    path = _damaged(tmp_path, "settings", damage)
    result = _run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "holds a DTD" in result.output


def test_broken_workbook_index_names_its_part(tmp_path: Path) -> None:
    path = _damaged(
        tmp_path, "xl/workbook.xml", lambda d: d.replace(b"</sheets>", b"</shets>")
    )
    result = _run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "not a readable workbook: xl/workbook.xml is not well-formed" in (
        result.output
    )


def test_corrupt_compressed_part_is_invalid_input(tmp_path: Path) -> None:
    source = _written(tmp_path)
    part = _sheet_part(source, "criteria")
    raw = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(part)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 2, start + min(info.compress_size, 40)):
        raw[k] ^= 0x5A
    path = tmp_path / "crc.xlsx"
    path.write_bytes(bytes(raw))
    result = _run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert f"not a readable workbook: {part}" in result.output


@pytest.mark.parametrize("name", ["folder", "folder.xlsx", "folder.json"])
def test_a_folder_as_input_is_invalid_input(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    for args in (["validate", str(folder)], ["solve", str(folder)]):
        result = _run(*args)
        assert result.exit_code == 1, result.output
        assert "is a folder" in result.output
    converted = _run("convert", str(folder), str(tmp_path / "out.json"))
    assert converted.exit_code == 1, converted.output


def test_workbook_bytes_and_streams_are_read_alike(tmp_path: Path) -> None:
    from pathway_opt.inputs.instance_xlsx.read import read_instance_xlsx

    data = _edited(
        tmp_path, lambda book: book["initiatives"].merge_cells("D2:D4")
    ).read_bytes()
    assert read_instance_xlsx(data) == po.instance_from_data(DATA)


def test_dtd_in_a_sheet_part_not_named_xml_is_refused(tmp_path: Path) -> None:
    source = _written(tmp_path)
    part = _sheet_part(source, "criteria")
    hidden_name = part.replace(".xml", ".dat")
    relative = part.removeprefix("xl/")

    def move(name: str, data: bytes) -> bytes | None:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(
                relative.encode(), relative.replace(".xml", ".dat").encode()
            )
        if name == part:
            return None
        return data

    moved = _rezipped(source, tmp_path / "moved.xlsx", move)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(moved, "a") as new:
        sheet = old.read(part).replace(
            b"<worksheet ", b'<!DOCTYPE w [<!ENTITY e "EXPANDED">]><worksheet ', 1
        )
        new.writestr(hidden_name, sheet)
    result = _run("validate", str(moved))
    assert result.exit_code == 1, result.output
    assert f"not a readable workbook: {hidden_name} holds a DTD" in result.output


def test_overlapping_merged_ranges_are_a_problem(tmp_path: Path) -> None:
    def merge(book: Any) -> None:
        book["initiatives"].merge_cells("D2:D4")
        book["initiatives"].merge_cells("C3:E3")

    result = _run("validate", str(_edited(tmp_path, merge)))
    assert result.exit_code == 1, result.output
    assert "initiatives!D3: this cell is in two merged ranges" in result.output


def test_row_of_zero_height_counts_as_hidden(tmp_path: Path) -> None:
    def squash(data: bytes) -> bytes:
        return data.replace(b'<row r="2"', b'<row r="2" ht="0" customHeight="1"', 1)

    inst = po.load_instance(_damaged(tmp_path, "initiatives", squash))
    assert list(inst.source_warnings) == [
        "initiatives: row 2 is hidden; it was read all the same (unhide it in "
        "Excel to check it)"
    ]


def test_workbook_problem_names_both_cells_of_a_shared_id(tmp_path: Path) -> None:
    def share(book: Any) -> None:
        book["resources"]["A2"] = "central"

    result = _run("validate", str(_edited(tmp_path, share)))
    assert result.exit_code == 1, result.output
    assert (
        'resources!A2: id: "central" is also budgets!A2; ids of budgets, resources '
        "and criteria must differ"
    ) in result.output
