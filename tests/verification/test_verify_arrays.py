"""The array verifier agrees with the plain reference on every plan and edit.

``pathway_opt.verification`` reads each instance into arrays once and keeps them while
the instance's objects are the same; a what-if edit rewrites only the rows of the
initiatives it replaced. These tests compare its every figure and message with
the plain one-object-at-a-time verifier (tests/verify_reference.py), on random
tiny instances with random (also broken) plans and along random edit sequences.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest
import verify_reference as reference
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import instances, valid

import pathway_opt as po
from pathway_opt.inputs.generate import generate
from pathway_opt.model.initiative_data import read_initiatives
from pathway_opt.verification.arrays import initiative_table, rule_table
from pathway_opt.whatif.edits import (
    Edit,
    ForceIn,
    ForceOut,
    Release,
    ScaleBudget,
    ScaleCapacity,
    SetScore,
    SetWeight,
    SetWindow,
)


def assert_same(
    inst: po.Instance, selection: list[tuple[str, str]], claimed: float | None = None
) -> po.Verification:
    new = po.verify(inst, selection, claimed)
    old = reference.verify(inst, selection, claimed)
    assert new.problems == old.problems
    assert new.objective == pytest.approx(old.objective, rel=1e-12, abs=1e-12)
    assert new.synergy_total == pytest.approx(old.synergy_total, rel=1e-12)
    assert list(new.values) == list(old.values)
    assert new.values == pytest.approx(old.values, rel=1e-12, abs=1e-12)
    # (in budget and resource order; the reference lists them as met)
    assert new.beyond_horizon == pytest.approx(old.beyond_horizon, rel=1e-12)
    assert len(new.usage) == len(old.usage)
    for a, b in zip(new.usage, old.usage, strict=True):
        assert (a.kind, a.id, a.period, a.binding_on) == (
            b.kind,
            b.id,
            b.period,
            b.binding_on,
        )
        figures = (a.used, a.limit, a.cumulative_used, a.cumulative_limit)
        assert figures == pytest.approx(
            (b.used, b.limit, b.cumulative_used, b.cumulative_limit), rel=1e-12
        )
    return new


@st.composite
def selections(draw: st.DrawFn, inst: po.Instance) -> list[tuple[str, str]]:
    """Any start (or none) per initiative, sometimes broken on purpose."""
    periods = inst.periods
    chosen = [
        (ini.id, periods[t])
        for ini in inst.initiatives
        if (t := draw(st.integers(-1, len(periods) - 1))) >= 0
    ]
    flaw = draw(st.sampled_from([None, None, "unknown", "twice", "period"]))
    if flaw == "unknown":
        chosen.append(("NOT-AN-ID", periods[0]))
    elif flaw == "twice" and chosen:
        chosen.append(chosen[0])
    elif flaw == "period" and chosen:
        chosen[-1] = (chosen[-1][0], "1999")
    return draw(st.permutations(chosen))


@settings(max_examples=200)
@given(instances(), st.data())
def test_agrees_with_the_reference_on_random_plans(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    inst = valid(data)
    selection = pick.draw(selections(inst))
    check = assert_same(inst, selection)
    # a claimed objective is compared with the recomputed one the same way
    assert_same(inst, selection, check.objective + pick.draw(st.sampled_from([0, 1])))
    # a plan's starts (a mapping, so no repeated entry) are checked alike
    starts = dict(selection)
    if len(starts) == len(selection):
        as_mapping = po.verify(inst, starts)
        assert as_mapping.problems == check.problems
        assert as_mapping.values == check.values


def _base() -> po.Instance:
    data = generate(40, 4, 3)
    ids = [i["id"] for i in data["initiatives"]]
    data["rules"] += [
        {"kind": "synergy", "members": ids[0:2], "bonus": 1.5},
        {"kind": "synergy", "members": ids[5:8], "bonus": -0.5},
    ]
    return po.instance_from_data(data)


BASE = _base()
IDS = [i.id for i in BASE.initiatives]


@st.composite
def edits(draw: st.DrawFn) -> Edit:
    """One what-if edit of the generated instance."""
    ini = draw(st.sampled_from(IDS))
    kind = draw(st.sampled_from(["budget", "capacity", "decide", "score", "weight"]))
    if kind == "budget":
        budget = draw(st.sampled_from([b.id for b in BASE.budgets]))
        factor = draw(st.sampled_from([0.3, 0.8, 1.5]))
        return ScaleBudget(op="scale_budget", budget=budget, factor=factor)
    if kind == "capacity":
        resource = draw(st.sampled_from([r.id for r in BASE.resources]))
        factor = draw(st.sampled_from([0.5, 2.0]))
        return ScaleCapacity(op="scale_capacity", resource=resource, factor=factor)
    if kind == "decide":
        return draw(
            st.sampled_from(
                [
                    ForceIn(op="force_in", initiative=ini),
                    ForceOut(op="force_out", initiative=ini),
                    Release(op="release", initiative=ini),
                ]
            )
        )
    if kind == "score":
        value = draw(st.sampled_from([0.0, 3.0, 9.5]))
        return SetScore(op="set_score", initiative=ini, criterion="TC", value=value)
    weight = draw(st.sampled_from([0.0, 2.0]))
    return SetWeight(op="set_weight", criterion="EE", weight=weight)


@settings(max_examples=40)
@given(st.lists(st.tuples(edits(), st.integers(0, 3), st.integers(0, 3)), max_size=8),
       st.data())  # fmt: skip
def test_agrees_with_the_reference_along_edit_sequences(
    steps: list[tuple[Edit, int, int]], pick: st.DataObject
) -> None:
    """Each edited instance, and the one before it, checked again after the edit."""
    seen = [BASE]
    for edit, first, span in steps:
        inst = edit.apply(seen[-1], BASE)
        if first < span:  # also move one start window (when it fits)
            window = SetWindow(
                op="set_window",
                initiative=IDS[first * 7],
                earliest_start=BASE.periods[first],
                latest_start=BASE.periods[min(3, first + span)],
            )
            with contextlib.suppress(po.InputError):
                inst = window.apply(inst, BASE)
        seen.append(inst)
        for checked in (inst, seen[-2], BASE):
            assert_same(checked, pick.draw(selections(checked)))


def test_an_edit_rewrites_rows_and_keeps_the_rest() -> None:
    """Tables are found again by identity; an initiative edit patches its row."""
    table = initiative_table(BASE)
    rules = rule_table(BASE, table)
    assert initiative_table(BASE) is table
    value = BASE.initiatives[4].scores.get("TC", 0.0) + 1.0
    edit = SetScore(op="set_score", initiative=IDS[4], criterion="TC", value=value)
    edited = edit.apply(BASE, BASE)
    patched = initiative_table(edited)
    assert patched is not table
    assert patched.fields_key is table.fields_key  # profiles and fields shared
    assert patched.profiles is table.profiles
    assert rule_table(edited, patched) is rules
    assert patched.scores[4, patched.context[3].index("TC")] == value
    changed = np.flatnonzero((patched.scores != table.scores).any(axis=1))
    assert changed.tolist() == [4]  # the table read before the edit is untouched


@pytest.mark.parametrize(
    "edit",
    [
        SetScore(op="set_score", initiative=IDS[2], criterion="TC", value=0.0),
        ForceIn(op="force_in", initiative=IDS[3]),
        ForceOut(op="force_out", initiative=IDS[3]),
        SetWindow(
            op="set_window",
            initiative=IDS[9],
            earliest_start="2028",
            latest_start="2028",
        ),
    ],
)
def test_model_data_reread_only_where_edited_equals_a_full_read(edit: Edit) -> None:
    previous = read_initiatives(BASE)
    edited = edit.apply(BASE, BASE)
    reread, full = read_initiatives(edited, previous), read_initiatives(edited)
    for name in ("scores", "probability", "first", "last", "must", "never"):
        assert np.array_equal(getattr(reread, name), getattr(full, name)), name
