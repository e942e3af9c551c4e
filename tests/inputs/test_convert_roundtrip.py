"""JSON -> XLSX -> JSON gives back an equal instance, on random valid instances.

The strategy draws instances that use every part of the format, with awkward
text (formula-like strings, Chinese, quotes, `;`, line breaks, control
characters, Excel's own `_xHHHH_` escape pattern, surrounding spaces, empty
strings) and awkward numbers (17-digit floats, subnormals, 1e15). Equality is
:class:`Instance` equality (pydantic compares every field).

Known, documented exception: an empty cost object ``"cost": {}`` reads back as
no cost (``[]``), which means the same; the strategy does not draw it.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from repo_paths import INSTANCES

import pathway_opt as po
from pathway_opt.cli.main import main
from pathway_opt.inputs.convert import instance_json
from pathway_opt.inputs.instance_xlsx.read import read_instance_xlsx
from pathway_opt.inputs.instance_xlsx.write import instance_workbook_bytes
from pathway_opt.schema.characters import refused_character
from pathway_opt.schema.entities import INITIATIVE_TYPES

ROUND_TRIP_EXAMPLES = 150

ALPHABET = "abcXYZ019 _-=+@;,'\"()\n\r\t\x01中文院校"
SPECIAL_TEXT = [
    "=SUM(A1:A9)", "+1", "-2", "@x", "2027", "0.30000000000000004", "_x0041_",
    "a; b", '"quoted"', " padded ", "", "Co., Ltd.", "第一学院",
]  # fmt: skip
AWKWARD_NUMBERS = [0.1 + 0.2, 1 / 3, 5e-324, 1e15, 0.0, 1234567.891]

texts = st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(ALPHABET, max_size=10))
ids = (
    st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(ALPHABET, min_size=1, max_size=8))
    .map(str.strip)
    .filter(lambda s: re.fullmatch(r"\S(.*\S)?", s) is not None)
    .filter(lambda s: refused_character(s) is None)  # ids refuse control characters
)
amounts = st.one_of(
    st.sampled_from(AWKWARD_NUMBERS),
    st.integers(0, 10**9),
    st.floats(0, 1e15, allow_nan=False),
)


def profiles(max_len: int) -> st.SearchStrategy[list[Any]]:
    return st.lists(amounts, min_size=0, max_size=max_len)


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    periods = draw(
        st.lists(
            st.one_of(
                texts, st.sampled_from(["2027", "2028", " 2029", "a (b)"])
            ).filter(lambda s: 1 <= len(s) <= 40),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    n = len(periods)
    # Budgets, resources and criteria may not share ids: one list split three ways.
    named = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    n_criteria = draw(st.integers(1, min(3, len(named))))
    n_budgets = draw(st.integers(0, min(3, len(named) - n_criteria)))
    criteria = named[:n_criteria]
    budgets = named[n_criteria : n_criteria + n_budgets]
    resources = named[n_criteria + n_budgets :][:2]
    beyond = draw(st.booleans())
    initiatives = []
    for ini_id in draw(st.lists(ids, min_size=1, max_size=5, unique=True)):
        first = draw(st.integers(0, n - 1))
        last = draw(st.integers(first, n - 1))
        room = 4 if beyond else n - first
        item: dict[str, Any] = {
            "id": ini_id,
            "scores": {
                c: draw(amounts)
                for c in draw(st.lists(st.sampled_from(criteria), unique=True))
            },
        }
        optional = {
            "name": texts,
            "type": st.sampled_from(INITIATIVE_TYPES),
            "department": st.one_of(st.none(), texts),
            "partner": st.one_of(st.none(), texts),
            "success_probability": st.floats(0, 1),
            "earliest_start": st.just(periods[first]),
            "latest_start": st.just(periods[last]),
            "decision": st.sampled_from(["optional", "must", "never"]),
        }
        for key, strategy in optional.items():
            if draw(st.booleans()):
                item[key] = draw(strategy)
        if len(budgets) == 1 and draw(st.booleans()):
            item["cost"] = draw(profiles(room))
        elif budgets and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(budgets), min_size=1, unique=True))
            item["cost"] = {b: draw(profiles(room)) for b in chosen}
        elif not budgets and draw(st.booleans()):
            item["cost"] = [0.0] * draw(st.integers(1, room))
        if resources and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(resources), min_size=1, unique=True))
            item["uses"] = {r: draw(profiles(room)) for r in chosen}
        initiatives.append(item)
    judged = len(criteria) > 1 and draw(st.booleans())
    return {
        "name": draw(texts),
        "description": draw(texts),
        "currency": draw(texts),
        "periods": periods,
        "criteria": [
            {"id": c, "name": draw(texts)}
            | ({} if judged and draw(st.booleans()) else {"weight": draw(amounts)})
            for c in criteria
        ],
        "criteria_comparisons": draw(judgements(criteria)) if judged else [],
        "budgets": [
            {
                "id": b,
                "name": draw(texts),
                "limits": [draw(amounts) for _ in periods],
                "carry_over": draw(st.booleans()),
            }
            for b in budgets
        ],
        "resources": [
            {
                "id": r,
                "name": draw(texts),
                "unit": draw(texts),
                "capacity": [draw(amounts) for _ in periods],
            }
            for r in resources
        ],
        "initiatives": initiatives,
        "rules": draw(rules(initiatives)),
        "settings": {
            "delay_discount": draw(st.floats(0, 1, exclude_min=True)),
            "allow_beyond_horizon": beyond,
            "accept_inconsistent_judgements": judged or draw(st.booleans()),
        },
    }


@st.composite
def judgements(draw: st.DrawFn, criteria: list[str]) -> list[dict[str, Any]]:
    """A chain linking every criterion, each pair in a random direction."""
    found = []
    for a, b in itertools.pairwise(criteria):
        more, less = (a, b) if draw(st.booleans()) else (b, a)
        item = {"more": more, "less": less, "ratio": draw(st.floats(1 / 9, 9))}
        if draw(st.booleans()):
            item["notes"] = draw(texts)
        found.append(item)
    return found


@st.composite
def rules(draw: st.DrawFn, initiatives: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids_ = [i["id"] for i in initiatives]
    drawn: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(
            st.sampled_from(["requires", "at_most", "at_least", "exactly", "synergy"])
        )
        if kind == "requires" and len(ids_) >= 2:
            k = draw(
                st.integers(1, len(ids_) - 1)
            )  # prerequisites come earlier: no cycle
            on = draw(st.lists(st.sampled_from(ids_[:k]), min_size=1, unique=True))
            rule: dict[str, Any] = {"kind": kind, "initiative": ids_[k], "on": on}
            if draw(st.booleans()):
                rule["lag"] = draw(st.sampled_from([0, 1, 3, 1_000_000]))
        elif kind == "synergy" and len(ids_) >= 2:
            members = draw(st.lists(st.sampled_from(ids_), min_size=2, unique=True))
            bonus = draw(
                st.one_of(st.floats(-1e15, 1e15), st.sampled_from([-0.4, 0.1 + 0.2]))
            )
            rule = {"kind": kind, "members": members, "bonus": bonus}
        elif kind in ("at_most", "at_least", "exactly"):
            rule = {"kind": kind, "count": draw(st.integers(0, 6))}
            if draw(st.booleans()):
                rule["members"] = draw(
                    st.lists(st.sampled_from(ids_), min_size=1, unique=True)
                )
            else:
                rule["where"] = draw(selector(initiatives))
        else:
            continue
        drawn.append(rule)
    return drawn


@st.composite
def selector(draw: st.DrawFn, initiatives: list[dict[str, Any]]) -> dict[str, Any]:
    """A `where` that matches the first initiative: one value or a list per field."""
    target = initiatives[0]
    values = {
        "type": target.get("type", "other"),
        "department": target.get("department"),
        "partner": target.get("partner"),
    }
    fields = [f for f, v in values.items() if v is not None]
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, unique=True))
    where: dict[str, Any] = {}
    for f in chosen:
        if draw(st.booleans()):
            where[f] = values[f]
        else:
            extra = draw(st.lists(texts, max_size=2))
            where[f] = [values[f], *extra]
    return where


def through_workbook(inst: po.Instance) -> po.Instance:
    return read_instance_xlsx(io.BytesIO(instance_workbook_bytes(inst)))


@settings(
    max_examples=ROUND_TRIP_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(instances())
def test_json_to_xlsx_to_json_gives_an_equal_instance(data: dict[str, Any]) -> None:
    inst = po.instance_from_data(data)  # the strategy draws valid instances only
    back = through_workbook(inst)
    assert back == inst
    again = po.instance_from_data(json.loads(instance_json(back)))
    assert again == inst


EXAMPLES = sorted(p.name for p in INSTANCES.glob("*.json") if p.name != "expected.json")


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_instances_round_trip(name: str) -> None:
    inst = po.load_instance(INSTANCES / name)
    assert through_workbook(inst) == inst


def test_cli_convert_both_ways(tmp_path: Path) -> None:
    source = INSTANCES / "provincial_applied_university.json"
    xlsx, back = tmp_path / "p.xlsx", tmp_path / "p.json"
    runner = CliRunner()
    first = runner.invoke(main, ["convert", str(source), str(xlsx)])
    assert first.exit_code == 0, first.output
    assert "42 initiatives" in first.output
    second = runner.invoke(main, ["convert", str(xlsx), str(back)])
    assert second.exit_code == 0, second.output
    assert po.load_instance(back) == po.load_instance(source)
    assert po.load_instance(xlsx) == po.load_instance(source)


@pytest.mark.parametrize(
    ("target", "message"),
    [("same", "source file itself"), ("p.csv", "must end in .json or .xlsx")],
)
def test_cli_convert_refuses_bad_targets(
    tmp_path: Path, target: str, message: str
) -> None:
    source = tmp_path / "p.json"
    source.write_bytes((INSTANCES / "small_applied_college.json").read_bytes())
    before = source.read_bytes()
    out = source if target == "same" else tmp_path / target
    result = CliRunner().invoke(main, ["convert", str(source), str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


def test_cli_convert_invalid_source_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"periods": []}', encoding="utf-8")
    result = CliRunner().invoke(
        main, ["convert", str(source), str(tmp_path / "b.xlsx")]
    )
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "b.xlsx").exists()
