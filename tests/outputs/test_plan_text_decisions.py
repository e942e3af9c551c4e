"""The terminal summary lists must and never initiatives with their reasons."""

from __future__ import annotations

from tiny_instances import make, solve_dict

from pathway_opt.outputs.plan_text import summary

REASON = "Ministry pilot commitment 省级试点"


def _data() -> dict:
    """Budget 10: M (must, cost 6) is funded although A (cost 8) scores more;
    N (never) is left out although it is cheap and scores most."""
    return make(
        periods=["2027"],
        budgets=[{"id": "central", "limits": [10]}],
        initiatives=[
            {"id": "M", "scores": {"TC": 1}, "cost": [6], "decision": "must"}
            | {"decision_reason": REASON},
            {"id": "A", "scores": {"TC": 5}, "cost": [8]},
            {"id": "NEVER-1", "scores": {"TC": 9}, "cost": [1], "decision": "never"},
            {"id": "B", "scores": {"TC": 2}, "cost": [3]},
        ],
    )


def test_forced_initiatives_are_listed_with_their_reasons() -> None:
    plan = solve_dict(_data())
    assert sorted(plan.starts) == ["B", "M"]  # M + B = 9 <= 10; A does not fit
    text = summary(plan)
    block = text.split("Decided by the planner (must / never):\n")[1]
    lines = block.split("\n\n")[0].splitlines()
    assert lines == [
        f"  must   M        {REASON}",
        "  never  NEVER-1  (no reason given)",
    ]
    # after the selected initiatives, before the use per period
    assert text.index("Selected initiatives") < text.index("Decided by the planner")
    assert text.index("Decided by the planner") < text.index("Use per period")


def test_no_section_when_every_initiative_is_optional() -> None:
    data = _data()
    for ini in data["initiatives"]:
        ini["decision"] = "optional"
        ini.pop("decision_reason", None)
    text = summary(solve_dict(data))
    assert "Decided by the planner" not in text
