"""Funding-source choice and variants in input workbooks.

The budgets sheet's `eligible_type` / `eligible_department` / `eligible_partner`
columns, the initiatives sheet's `funded_by` and `max_share`, the variants sheet
and the costs_uses sheet's `variant` column: JSON -> XLSX -> JSON gives back an
equal instance (hand-written and random instances), cells are read as planners
type them, every misuse is one problem at its cell, and a workbook's variant is
what the solver funds when the full version does not fit (hand-solved).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pathway_opt as po
from pathway_opt.inputs.convert import instance_json
from pathway_opt.inputs.instance_xlsx.read import read_instance_xlsx
from pathway_opt.inputs.instance_xlsx.template import write_template
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes
from pathway_opt.schema.entities import Initiative, Variant

#: Every new field at once: a selector on two budgets (a list and a single
#: value), caps with a 17-digit share, three variants (a cheaper one funded by
#: all three budgets, a later one with its own cap and use, one that costs
#: nothing), and a per-period min_use that needs 17 digits.
FUNDED: dict[str, Any] = {
    "name": "funding choice",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1}, {"id": "EE", "weight": 0.5}],
    "budgets": [
        {"id": "central", "limits": [10, 10]},
        {
            "id": "gov_special",
            "limits": [5, 5],
            "min_use": 0.3,
            "eligible": {
                "type": ["joint_lab", "industrial_college"],
                "department": "CS",
            },
        },
        {
            "id": "partner",
            "limits": [5, 5],
            "eligible": {"partner": ["X"]},
            "min_use": [0.1, 0.30000000000000004],
        },
    ],
    "resources": [{"id": "fte", "capacity": [3, 3]}],
    "initiatives": [
        {
            "id": "A",
            "type": "joint_lab",
            "department": "CS",
            "partner": "X",
            "scores": {"TC": 1},
            "cost": [4, 2],
            "uses": {"fte": [1]},
            "funded_by": ["central", "gov_special", "partner"],
            "max_share": {"gov_special": 0.5, "partner": 0.30000000000000004},
            "variants": [
                {
                    "id": "lite",
                    "name": "Lite",
                    "cost": [2, 1],
                    "scores": {"TC": 0.5, "EE": 1},
                    "funded_by": ["central", "gov_special", "partner"],
                    "notes": "n",
                },
                {
                    "id": "late",
                    "earliest_start": "2028",
                    "success_probability": 0.7,
                    "max_share": {"partner": 0.2},
                    "uses": {"fte": [2]},
                },
                {"id": "free", "cost": []},
            ],
        },
        {"id": "B", "scores": {"EE": 2}, "cost": {"central": [1]}},
    ],
}


def _book(data: dict[str, Any]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(instance_workbook_bytes(po.instance_from_data(data)))
    )


def _column(ws: Any, header: str) -> str:
    """The letter of the column whose header starts with `header`."""
    for cell in ws[1]:
        if str(cell.value).split(" (")[0] == header:
            return str(cell.column_letter)
    raise AssertionError(f"no column {header} on {ws.title}")


def _read(book: openpyxl.Workbook) -> po.Instance:
    buffer = io.BytesIO()
    book.save(buffer)
    return read_instance_xlsx(buffer.getvalue())


def _edited(edits: list[tuple[str, str, int, Any]]) -> openpyxl.Workbook:
    book = _book(FUNDED)
    for sheet, header, row, value in edits:
        ws = book[sheet]
        ws[f"{_column(ws, header)}{row}"] = value
    return book


def _problems(edits: list[tuple[str, str, int, Any]]) -> list[str]:
    with pytest.raises(po.InputError) as caught:
        _read(_edited(edits))
    return [str(p) for p in caught.value.problems]


def test_every_funding_and_variant_field_round_trips() -> None:
    inst = po.instance_from_data(FUNDED)
    back = _read(_book(FUNDED))
    assert back == inst
    assert back.initiatives[0].variants[2].cost == []  # costs nothing: not inherited
    assert back.initiatives[0].variants[1].cost is None  # inherited


def test_the_sheets_show_the_fields_where_planners_look() -> None:
    book = _book(FUNDED)
    ws = book["budgets"]
    assert (
        ws[f"{_column(ws, 'eligible_type')}3"].value == "joint_lab; industrial_college"
    )
    assert ws[f"{_column(ws, 'eligible_department')}3"].value == "CS"
    assert ws[f"{_column(ws, 'eligible_partner')}4"].value == "X;"  # a list of one
    ws = book["initiatives"]
    assert ws[f"{_column(ws, 'funded_by')}2"].value == "central; gov_special; partner"
    assert (
        ws[f"{_column(ws, 'max_share')}2"].value
        == "gov_special: 0.5; partner: 0.30000000000000004"
    )
    rows = list(book["variants"].iter_rows(min_row=2, values_only=True))
    assert [r[:2] for r in rows] == [("A", "lite"), ("A", "late"), ("A", "free")]
    profiles = list(book["costs_uses"].iter_rows(min_row=2, values_only=True))
    assert profiles[2][:6] == ("A", "lite", "cost", None, 2, 1)
    assert profiles[4][:5] == ("A", "free", "cost", None, None)


def test_help_texts_come_from_the_schema_docstrings() -> None:
    book = _book(FUNDED)
    ws = book["initiatives"]
    comment = ws[f"{_column(ws, 'max_share')}1"].comment.text
    doc = " ".join((Initiative.model_fields["max_share"].description or "").split())
    assert doc in " ".join(comment.split())
    ws = book["variants"]
    comment = ws[f"{_column(ws, 'variant')}1"].comment.text
    assert " ".join((Variant.model_fields["id"].description or "").split()) in comment
    readme = " ".join(
        str(c.value) for row in book["README"].iter_rows() for c in row if c.value
    )
    for word in ("eligible_type", "funded_by", "max_share", "variants", "variant"):
        assert word in readme


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("central, gov_special\uff0cpartner", ["central", "gov_special", "partner"]),
        ("central\uff1bgov_special\npartner", ["central", "gov_special", "partner"]),
        ("central\u3001gov_special; partner", ["central", "gov_special", "partner"]),
    ],
)
def test_funded_by_accepts_commas_between_budget_ids(typed: str, read: Any) -> None:
    inst = _read(_edited([("initiatives", "funded_by", 2, typed)]))
    assert inst.initiatives[0].funded_by == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("gov_special: 50%; partner: 0.3", {"gov_special": 0.5, "partner": 0.3}),
        ("gov_special: 0.5, partner: 30%", {"gov_special": 0.5, "partner": 0.3}),
        ("gov_special\uff1a50 %", {"gov_special": 0.5}),
        ("  partner : 1 ;", {"partner": 1.0}),
    ],
)
def test_max_share_pairs_as_planners_type_them(typed: str, read: Any) -> None:
    inst = _read(_edited([("initiatives", "max_share", 2, typed)]))
    assert inst.initiatives[0].max_share == pytest.approx(read)


def test_blank_variant_cells_inherit_the_initiatives_values() -> None:
    edits = [("variants", h, 3, None) for h in ("earliest_start", "max_share")]
    inst = _read(_edited(edits))
    late = inst.initiatives[0].version("late")
    assert late.earliest_start is None and late.max_share == {
        "gov_special": 0.5,
        "partner": 0.30000000000000004,
    }
    assert late.success_probability == 0.7 and late.uses == {"fte": [2.0]}


#: (edits, the one problem expected, at its cell).
MISUSES = [
    (
        [("initiatives", "max_share", 2, "gov_special: 1.5")],
        "initiatives!N2: max_share gov_special must be at most 1",
    ),
    (
        [("initiatives", "max_share", 2, "gov_special: 150%")],
        "initiatives!N2: max_share gov_special must be at most 1",
    ),
    (
        [("initiatives", "max_share", 2, "gov_special 0.5")],
        'initiatives!N2: max_share: "gov_special 0.5" is not a `budget: share` pair',
    ),
    (
        [("initiatives", "max_share", 2, 0.5)],
        'initiatives!N2: max_share: "0.5" is not a `budget: share` pair',
    ),
    (
        [("initiatives", "max_share", 2, "gov_special: 0.5; gov_special: 0.2")],
        "initiatives!N2: max_share names gov_special twice; keep one",
    ),
    (
        [("initiatives", "max_share", 2, "gov_special: half")],
        "initiatives!N2: max_share gov_special must be a share from 0 to 1 or a "
        'percent, got "half"',
    ),
    (
        [("initiatives", "max_share", 2, 'gov_special: 0.5; "partner: 0.3')],
        "initiatives!N2: max_share: a double quote is opened but not closed",
    ),
    (
        [("variants", "funded_by", 2, "central; nobudget")],
        'variants!G2: funded_by (value 2): unknown budget "nobudget"',
    ),
    (
        [("variants", "initiative", 4, "Z")],
        'variants!A4: initiative "Z" is not on the initiatives sheet',
    ),
    (
        [("variants", "initiative", 5, "A"), ("variants", "variant", 5, "lite")],
        "variants!B5: a second row for variant lite of A; keep one",
    ),
    (
        [("variants", "score TC", 2, -1)],
        "variants!I2: score TC must be at least 0",
    ),
    (
        [("variants", "earliest_start", 3, "2030")],
        'variants!E3: earliest_start: "2030" is not a period',
    ),
    (
        [("variants", "success_probability", 3, 70)],
        "variants!D3: success_probability must be at most 1, got 70; did you mean 0.7",
    ),
    (
        [("costs_uses", "variant", 4, "huge")],
        'costs_uses!B4: variant "huge" of A is not on the variants sheet',
    ),
    (
        [("initiatives", "funded_by", 3, "central")],
        "initiatives!M3: funded_by: needs `cost` as one profile",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), MISUSES)
def test_each_misuse_is_one_problem_at_its_cell(
    edits: list[tuple[str, str, int, Any]], expected: str
) -> None:
    found = _problems(edits)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_an_ineligible_budget_is_named_at_each_funded_by_that_lists_it() -> None:
    found = _problems([("budgets", "eligible_type", 3, "industrial_college")])
    message = (
        'funded_by: budget "gov_special" may not fund "A": it is not eligible '
        "under budgets!G3; charge another budget or widen the selector"
    )
    # the initiative and its variant `lite` both list gov_special
    assert found == [f"initiatives!M2: {message}", f"variants!G2: {message}"]


def test_a_variant_without_its_row_names_the_profile_rows_too() -> None:
    found = _problems([("variants", "variant", 4, None)])
    assert found == [
        "variants!B4: variant is blank; name the version, e.g. lite",
        'costs_uses!B6: variant "free" of A is not on the variants sheet; add a row '
        "for it there, or clear this cell for the initiative's own profile",
    ]


def test_an_old_workbook_without_the_new_columns_still_reads() -> None:
    data = {k: v for k, v in FUNDED.items() if k != "initiatives"}
    data["budgets"] = [{"id": "central", "limits": [10, 10]}]
    data["initiatives"] = [{"id": "B", "scores": {"EE": 2}, "cost": [1]}]
    book = _book(data)
    for sheet, headers in (
        ("budgets", ("eligible_type", "eligible_department", "eligible_partner")),
        ("initiatives", ("funded_by", "max_share")),
    ):
        ws = book[sheet]
        for header in headers:
            ws.delete_cols(openpyxl.utils.column_index_from_string(_column(ws, header)))
    del book["variants"]
    assert [c.value for c in book["costs_uses"][1]][:2] == [
        "initiative",
        "kind (cost/use)",
    ]
    assert _read(book) == po.instance_from_data(data)


def test_template_shows_each_and_a_squeezed_lab_runs_as_its_lite_variant(
    tmp_path: Path,
) -> None:
    """Hand-solved: central 1,000,000 a year cannot pay the full lab's 2027 share.

    gov_special must spend 100,000 in 2027 (min_use 0.5 of 200,000) and only the
    joint lab is eligible, so some version of it starts in 2027. The full lab
    costs 1,300,000 then, of which gov_special pays at most 200,000: central
    would need 1,100,000 > 1,000,000. The lite lab (600,000: 200,000 from
    gov_special, 400,000 from central) fits. Value: PA 0.95 x (0.6 x 1 + 0.4 x
    3) = 1.71; lite 0.85 x (0.6 x 6 + 0.4 x 6) = 5.1; synergy 0.2; total 7.01.
    """
    path = tmp_path / "t.xlsx"
    write_template(path)
    inst = po.load_instance(path)
    budget = inst.budgets[1]
    assert budget.eligible is not None and budget.min_use is not None
    assert budget.eligible.type == ["joint_lab", "industrial_college"]
    lab = inst.initiatives[1]
    assert lab.funded_by == ["central", "gov_special"]
    assert lab.max_share == {"gov_special": 0.5}
    assert lab.variant_ids() == ["lite"]
    full = po.solve(inst)
    assert full.status == po.Status.OPTIMAL and full.verified
    book = openpyxl.load_workbook(path)
    ws = book["budgets"]
    for col in ("D", "E", "F"):
        ws[f"{col}2"] = 1_000_000
    book.save(path)
    plan = po.solve(po.load_instance(path))
    assert plan.status == po.Status.OPTIMAL and plan.verified
    assert plan.objective == pytest.approx(7.01, abs=1e-6)
    assert set(plan.starts) == {"PA-CS-01", "JL-CS-01"}
    assert plan.variants == {"JL-CS-01": "lite"}
    paid = {
        b: v for (i, b, p), v in plan.funding.items() if (i, p) == ("JL-CS-01", "2027")
    }
    assert sum(paid.values()) == pytest.approx(600_000)
    assert 100_000 - 1e-6 <= paid.get("gov_special", 0) <= 200_000 + 1e-6


# --- random instances ---------------------------------------------------------

TYPES = ["joint_lab", "industrial_college", "co_taught_course", "实验室, 二期"]
DEPARTMENTS = [None, "CS", "EE; power", "机电学院"]
BUDGET_IDS = ["central", "gov_special", "Co., Ltd.", "a:b", "fund\uff1b2"]
shares = st.one_of(
    st.sampled_from([0.5, 0.30000000000000004 + 0.5, 1.0, 0.75]),
    st.floats(0.5, 1),
)


def _matches(where: dict[str, Any], ini: dict[str, Any]) -> bool:
    values = {"type": ini.get("type", "other"), "department": ini.get("department")}
    for key, wanted in where.items():
        options = wanted if isinstance(wanted, list) else [wanted]
        if values[key] not in options:
            return False
    return True


@st.composite
def funded_instances(draw: st.DrawFn) -> dict[str, Any]:
    """Valid instances with selectors, funding choice, caps and variants.

    Caps are at least 0.5 and only where two or more budgets may pay, so the
    caps of a version's budgets always add up to at least 1; a variant that
    lists its own budgets keeps every budget the initiative caps.
    """
    periods = ["2027", "2028", "2029"]
    budget_ids = draw(st.lists(st.sampled_from(BUDGET_IDS), min_size=2, unique=True))
    budgets = []
    for b in budget_ids:
        item: dict[str, Any] = {"id": b, "limits": [10.0, 10.0, 10.0]}
        if b != budget_ids[0] and draw(st.booleans()):
            where: dict[str, Any] = {}
            for key, pool in (("type", TYPES), ("department", DEPARTMENTS[1:])):
                if draw(st.booleans()) or not where:
                    picked = draw(
                        st.lists(st.sampled_from(pool), min_size=1, unique=True)
                    )
                    one = len(picked) == 1 and draw(st.booleans())
                    where[key] = picked[0] if one else picked
            item["eligible"] = where
        budgets.append(item)
    initiatives = []
    for k in range(draw(st.integers(1, 3))):
        ini: dict[str, Any] = {
            "id": f"I{k}",
            "type": draw(st.sampled_from(TYPES)),
            "scores": {"TC": draw(st.floats(0, 10))},
        }
        department = draw(st.sampled_from(DEPARTMENTS))
        if department is not None:
            ini["department"] = department
        allowed = [b["id"] for b in budgets if _matches(b.get("eligible", {}), ini)]
        ini["cost"] = draw(st.lists(st.floats(0, 5), min_size=1, max_size=3))
        ini["funded_by"] = draw(
            st.lists(st.sampled_from(allowed), min_size=1, unique=True)
        )
        if len(ini["funded_by"]) > 1:
            capped = draw(st.lists(st.sampled_from(ini["funded_by"]), unique=True))
            if capped:
                ini["max_share"] = {b: draw(shares) for b in capped}
        variants = []
        for j in range(draw(st.integers(0, 2))):
            variant: dict[str, Any] = {
                "id": draw(st.sampled_from(["lite", "late", "co 2", '"x"']))
            }
            if any(v["id"] == variant["id"] for v in variants):
                continue
            if draw(st.booleans()):
                variant["name"] = draw(
                    st.sampled_from(["Reduced", "", "=A1", "二期; 减配"])
                )
            if draw(st.booleans()):
                variant["cost"] = draw(st.lists(st.floats(0, 5), max_size=3))
            if draw(st.booleans()):
                variant["scores"] = {"TC": draw(st.floats(0, 10))}
            if draw(st.booleans()):
                variant["success_probability"] = draw(st.floats(0, 1))
            if draw(st.booleans()):
                first = draw(st.integers(0, 2))
                variant["earliest_start"] = periods[first]
                variant["latest_start"] = periods[draw(st.integers(first, 2))]
            kept = list(ini.get("max_share", {}))
            if draw(st.booleans()):
                extra = draw(
                    st.lists(st.sampled_from(allowed), min_size=1, unique=True)
                )
                variant["funded_by"] = list(dict.fromkeys([*kept, *extra]))
            funders = variant.get("funded_by", ini["funded_by"])
            if len(funders) > 1 and draw(st.booleans()):
                capped = draw(
                    st.lists(st.sampled_from(funders), min_size=1, unique=True)
                )
                variant["max_share"] = {b: draw(shares) for b in capped}
            if draw(st.booleans()):
                variant["notes"] = "v" * j
            if len(variant) == 1 or set(variant) <= {"id", "name", "notes"}:
                variant["success_probability"] = 0.5  # a variant must change something
            variants.append(variant)
        if variants:
            ini["variants"] = variants
        initiatives.append(ini)
    return {
        "name": "random funding",
        "periods": periods,
        "criteria": [{"id": "TC", "weight": 1.0}],
        "budgets": budgets,
        "initiatives": initiatives,
        "settings": {"allow_beyond_horizon": True},
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(funded_instances())
def test_random_funding_instances_round_trip(data: dict[str, Any]) -> None:
    try:  # the strategy draws nearly only valid instances; skip the rest
        inst = po.instance_from_data(data)
    except po.InputError:
        assume(False)
        raise
    back = read_instance_xlsx(io.BytesIO(instance_workbook_bytes(inst)))
    assert back == inst
    assert po.instance_from_data(json.loads(instance_json(back))) == inst
