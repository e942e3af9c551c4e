"""The verifier checks a plan's variants and funding split on its own."""

from __future__ import annotations

from typing import Any

import pytest

import pathway_opt as po

DATA: dict[str, Any] = {
    "name": "split",
    "periods": ["2027", "2028"],
    "criteria": [{"id": "TC", "weight": 1.0}],
    "budgets": [
        {"id": "central", "limits": [10, 10]},
        {"id": "gov", "limits": [6, 6]},
    ],
    "initiatives": [
        {
            "id": "A",
            "scores": {"TC": 10},
            "cost": [8, 2],
            "funded_by": ["central", "gov"],
            "max_share": {"gov": 0.5},
            "variants": [{"id": "lite", "cost": [4], "scores": {"TC": 6}}],
        },
        {"id": "B", "scores": {"TC": 6}, "cost": {"central": [5]}},
    ],
}

STARTS = {"A": "2027", "B": "2027"}
GOOD = {
    ("A", "gov", "2027"): 4.0,
    ("A", "central", "2027"): 4.0,
    ("A", "central", "2028"): 2.0,
}


@pytest.fixture(scope="module")
def inst() -> po.Instance:
    return po.instance_from_data(DATA)


def test_a_good_split_passes_and_is_charged(inst: po.Instance) -> None:
    check = po.verify(inst, STARTS, funding=GOOD)
    assert check.ok, check.problems
    used = {(u.id, u.period): u.used for u in check.usage if u.kind == "budget"}
    assert used[("central", "2027")] == pytest.approx(9.0)
    assert used[("gov", "2027")] == pytest.approx(4.0)
    assert used[("central", "2028")] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("funding", "words"),
    [
        ({**GOOD, ("A", "central", "2028"): 1.0}, "owes 2.00 in 2028 but its "
         "budgets pay 1.00"),
        (
            {("A", "gov", "2027"): 5.0, ("A", "central", "2027"): 3.0,
             ("A", "central", "2028"): 2.0},
            "above its max_share 0.5",
        ),
        ({**GOOD, ("B", "gov", "2027"): 1.0}, "not in its funded_by"),
        ({**GOOD, ("A", "partner", "2027"): 1.0}, "not an initiative, budget "
         "and period"),
        (
            {("A", "gov", "2027"): 4.0, ("A", "central", "2027"): 4.0},
            "owes 2.00 in 2028 but its budgets pay 0.00",
        ),
    ],
)  # fmt: skip
def test_a_wrong_split_is_named(
    inst: po.Instance, funding: dict[tuple[str, str, str], float], words: str
) -> None:
    check = po.verify(inst, STARTS, funding=funding)
    assert any(words in p for p in check.problems), check.problems


def test_an_overspent_budget_counts_the_split(inst: po.Instance) -> None:
    funding = {
        ("A", "gov", "2027"): 0.0,
        ("A", "central", "2027"): 8.0,
        ("A", "central", "2028"): 2.0,
    }
    check = po.verify(inst, STARTS, funding=funding)
    assert any('budget "central": 13.00 used in 2027' in p for p in check.problems)


def test_the_variant_run_is_the_one_checked(inst: po.Instance) -> None:
    lite = {("A", "gov", "2027"): 2.0, ("A", "central", "2027"): 2.0}
    check = po.verify(inst, STARTS, variants={"A": "lite"}, funding=lite)
    assert check.ok, check.problems
    assert check.values["A"] == pytest.approx(6.0)
    # the base version's split is wrong for the variant (it owes 4, not 8)
    assert not po.verify(inst, STARTS, variants={"A": "lite"}, funding=GOOD).ok


def test_an_unknown_or_idle_variant_is_a_problem(inst: po.Instance) -> None:
    check = po.verify(inst, STARTS, variants={"A": "heavy"}, funding=GOOD)
    assert any('"A" has no variant "heavy"' in p for p in check.problems)
    check = po.verify(inst, {"B": "2027"}, variants={"A": "lite"})
    assert any("runs as a variant but is not selected" in p for p in check.problems)
