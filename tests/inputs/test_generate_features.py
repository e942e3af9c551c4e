"""The generator's funding-choice and variant options: same draws, features added."""

from __future__ import annotations

import pathway_opt as po


def test_features_keep_the_draws_and_add_splits_and_versions() -> None:
    plain = po.generate(400, 5, 3)
    rich = po.generate(400, 5, 3, funding_choice=True, variants=True)
    assert [i["id"] for i in plain["initiatives"]] == [
        i["id"] for i in rich["initiatives"]
    ]
    assert plain["budgets"] == rich["budgets"]
    inst = po.instance_from_data(rich)
    funded = [i for i in inst.initiatives if i.funded_by]
    versions = [i for i in inst.initiatives if i.variants]
    assert funded and versions
    for ini in funded:  # the split covers what the fixed split charged
        before = next(p for p in plain["initiatives"] if p["id"] == ini.id)
        total = [sum(v) for v in zip(*before["cost"].values(), strict=True)]
        assert sum(ini.cost_profile()) == sum(total)
