"""Seeded generator of realistic instances, from the catalogue in DOMAIN.md.

A provincial office plans for many universities at once: each university has
departments and partner firms, and its candidates come in pathways that carry
prerequisites (agreement -> joint lab -> industrial college; internship base ->
order class -> apprenticeship; dual mentors -> co-taught courses) plus
stand-alone items. Costs, shares, resource needs, scores (H/M/L = 8/5/2 of 10)
and success probabilities follow the catalogue's ranges; budgets and capacities
are set to cover about half of what all candidates would ask for, so they bind.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CRITERIA = [
    ("TC", "Talent cultivation & employment", 0.30),
    ("CU", "Curriculum & teaching co-construction", 0.20),
    ("EE", "Enterprise engagement & resource mobilisation", 0.20),
    ("DQ", "Dual-qualified faculty capacity", 0.15),
    ("IN", "Collaborative innovation & technology transfer", 0.15),
]
RESOURCES = [
    ("faculty_fte", "Faculty time assignable to IEI", "FTE"),
    ("lab_space_m2", "Lab and training space", "m2"),
    ("partner_hours", "Partner engineer hours", "h"),
    ("student_places", "Student places", "places"),
    ("technicians", "Technicians", "FTE"),
    ("supervising_teachers", "Supervising teachers", "persons"),
]
LEVEL = {"H": 8.0, "M": 5.0, "L": 2.0}


@dataclass(frozen=True)
class Kind:
    """Catalogue entry: CNY setup/annual ranges, shares, uses, scores, risk."""

    setup: tuple[float, float]
    annual: tuple[float, float]
    partner_share: tuple[float, float]
    gov_share: float
    uses: dict[str, tuple[float, float]]
    scores: str
    """Five letters for TC, CU, EE, DQ, IN (H/M/L, or - for none)."""
    success: tuple[float, float]


KINDS: dict[str, Kind] = {
    "partner_agreement": Kind(
        (0, 50e3),
        (0, 20e3),
        (0, 0),
        0,
        {"faculty_fte": (0.05, 0.05), "partner_hours": (20, 50)},
        "--L--",
        (0.9, 0.95),
    ),
    "joint_lab": Kind(
        (0.5e6, 5e6),
        (0.2e6, 1.5e6),
        (0.4, 0.8),
        0,
        {
            "faculty_fte": (1, 4),
            "lab_space_m2": (100, 500),
            "partner_hours": (200, 1500),
            "student_places": (10, 40),
        },
        "L-MMH",
        (0.6, 0.85),
    ),
    "industrial_college": Kind(
        (3e6, 30e6),
        (1e6, 5e6),
        (0.3, 0.6),
        0.15,
        {
            "faculty_fte": (10, 40),
            "lab_space_m2": (2000, 10000),
            "partner_hours": (1000, 5000),
            "student_places": (200, 1500),
        },
        "HHHHM",
        (0.5, 0.75),
    ),
    "internship_base": Kind(
        (20e3, 300e3),
        (50e3, 500e3),
        (0, 0.2),
        0,
        {
            "supervising_teachers": (1, 4),
            "student_places": (10, 100),
            "partner_hours": (100, 500),
        },
        "HLM--",
        (0.8, 0.95),
    ),
    "order_class": Kind(
        (50e3, 300e3),
        (100e3, 800e3),
        (0.3, 0.7),
        0,
        {
            "student_places": (20, 60),
            "faculty_fte": (0.5, 2),
            "partner_hours": (100, 400),
        },
        "HMH--",
        (0.7, 0.9),
    ),
    "apprenticeship": Kind(
        (100e3, 500e3),
        (0.3e6, 1.5e6),
        (0.5, 0.8),
        0,
        {
            "student_places": (15, 40),
            "faculty_fte": (1, 3),
            "partner_hours": (500, 2000),
        },
        "HMHM-",
        (0.55, 0.8),
    ),
    "dual_mentor": Kind(
        (20e3, 100e3),
        (0.1e6, 1e6),
        (0, 0.3),
        0,
        {"faculty_fte": (0.2, 0.5), "partner_hours": (500, 3000)},
        "MM-H-",
        (0.8, 0.95),
    ),
    "co_taught_course": Kind(
        (30e3, 200e3),
        (10e3, 50e3),
        (0, 0.3),
        0,
        {
            "faculty_fte": (0.1, 0.3),
            "partner_hours": (30, 120),
            "student_places": (30, 150),
        },
        "MH-L-",
        (0.85, 0.95),
    ),
    "curriculum": Kind(
        (50e3, 300e3),
        (10e3, 100e3),
        (0, 0),
        0,
        {"faculty_fte": (0.3, 1), "partner_hours": (50, 200)},
        "MH---",
        (0.85, 0.95),
    ),
    "scholarship": Kind(
        (0, 20e3), (50e3, 500e3), (0.9, 1.0), 0, {}, "L-M--", (0.9, 0.95)
    ),
    "training_platform": Kind(
        (5e6, 50e6),
        (0.5e6, 3e6),
        (0.2, 0.4),
        0.33,
        {
            "lab_space_m2": (1000, 10000),
            "technicians": (3, 10),
            "faculty_fte": (2, 8),
            "student_places": (200, 2000),
        },
        "HMMM-",
        (0.55, 0.8),
    ),
    "incubator": Kind(
        (0.5e6, 5e6),
        (0.3e6, 2e6),
        (0, 0.2),
        0.3,
        {
            "lab_space_m2": (300, 3000),
            "technicians": (1, 3),
            "student_places": (20, 100),
        },
        "M-L-M",
        (0.6, 0.85),
    ),
    "teacher_practice": Kind(
        (0, 50e3),
        (0.1e6, 0.6e6),
        (0, 0),
        0,
        {"faculty_fte": (0.5, 2.5)},
        "-L-H-",
        (0.85, 0.95),
    ),
    "reform_project": Kind(
        (10e3, 200e3),
        (0, 0),
        (0.9, 1.0),
        0,
        {"faculty_fte": (0.1, 0.3)},
        "-MMM-",
        (0.85, 0.95),
    ),
    "alliance": Kind(
        (0.2e6, 1e6),
        (0.1e6, 0.5e6),
        (0.2, 0.5),
        0.2,
        {"faculty_fte": (0.5, 1)},
        "L-H--",
        (0.7, 0.9),
    ),
}

#: Pathways of one department with one partner: (type, lag after the previous).
PATHWAYS: list[tuple[float, list[tuple[str, int]]]] = [
    (0.30, [("partner_agreement", 0), ("joint_lab", 0), ("industrial_college", 1)]),
    (0.25, [("internship_base", 0), ("order_class", 1), ("apprenticeship", 1)]),
    (0.30, [("dual_mentor", 0), ("co_taught_course", 0), ("co_taught_course", 0)]),
    (0.15, [("scholarship", 0)]),
]
STANDALONE = ["curriculum", "teacher_practice", "reform_project", "incubator"]
STANDALONE += ["training_platform", "alliance"]
DEPARTMENTS = ["Computer Science", "Mechanical Eng.", "Electrical Eng.", "Logistics"]
DEPARTMENTS += ["Business", "Materials", "Civil Eng.", "Design"]


def generate(
    initiatives: int,
    periods: int | Sequence[str],
    seed: int = 0,
    funding_choice: bool = False,
    variants: bool = False,
) -> dict[str, Any]:
    """A realistic instance as a plain dict (validate with ``instance_from_data``).

    Args:
        initiatives: how many candidate initiatives.
        periods: the period labels, or their number (years from 2027). Only
            their number changes what is drawn: the same seed and number give
            the same initiatives whatever the labels.
        seed: the random seed.
        funding_choice: most (80 %) of the initiatives the government special fund
            co-funds let the optimizer split their cost between it and the
            university's budget (`funded_by`, the fund capped by `max_share`).
        variants: a tenth of the multi-year initiatives get a reduced version
            (`lite`: 60 % of the cost, lower scores) or a later, cheaper one.
        Both are drawn after (and apart from) the rest, so the same seed gives
        the same initiatives with or without them.
    """
    rng = random.Random(seed)
    if isinstance(periods, int):
        labels = [str(2027 + t) for t in range(periods)]
    else:
        labels = [str(p) for p in periods]
    spec = _periods_text(labels)
    periods = len(labels)
    n_univ = max(1, initiatives // 400)
    items: list[dict[str, Any]] = []
    rules: list[dict[str, Any]] = []
    univ = 0
    while len(items) < initiatives:
        u = univ % n_univ
        univ += 1
        dept = rng.choice(DEPARTMENTS)
        partner = f"U{u:03d}-P{rng.randrange(30):02d}"
        if rng.random() < 0.2:
            chain = [(rng.choice(STANDALONE), 0)]
        else:
            weights = [w for w, _ in PATHWAYS]
            chain = rng.choices([p for _, p in PATHWAYS], weights)[0]
        previous = None
        for kind, lag in chain[: initiatives - len(items)]:
            item = _initiative(rng, len(items), kind, u, dept, partner, periods)
            items.append(item)
            if previous is not None:
                lag = min(lag, periods - 1)
                rules.append(_requires(item["id"], previous, lag))
            previous = item["id"]
    rules += _group_rules(rng, items)
    budgets, resources = _budgets(items, periods), _resources(items, periods)
    extra = random.Random(seed + 1_000_003)
    if funding_choice:
        _choose_funding(extra, items)
    if variants:
        _add_variants(extra, items, labels)
    return {
        "name": f"Generated province: {initiatives} candidates, {periods} "
        + ("period" if periods == 1 else "periods"),
        "description": f"pathway-opt generate --initiatives {initiatives} "
        f"--periods {spec} --seed {seed}",
        "currency": "CNY",
        "periods": labels,
        "criteria": [{"id": c, "name": n, "weight": w} for c, n, w in CRITERIA],
        "budgets": budgets,
        "resources": resources,
        "initiatives": items,
        "rules": rules,
        "settings": {"delay_discount": 0.95, "allow_beyond_horizon": False},
    }


def _choose_funding(rng: random.Random, items: list[dict[str, Any]]) -> None:
    """Let central and gov_special split a third of the co-funded costs."""
    for item in items:
        cost = item["cost"]
        if "gov_special" not in cost or "central" not in cost or rng.random() > 0.8:
            continue
        total = [
            round(a + b, -2)
            for a, b in zip(cost.pop("central"), cost.pop("gov_special"), strict=True)
        ]
        cap = round(rng.uniform(0.4, 0.8), 2)
        item["funded_by"] = ["central", "gov_special"]
        item["max_share"] = {"gov_special": cap}
        if cost:  # the partner's part stays fixed: split the rest only
            partner = cost["partner"]
            item["cost"] = [a + p for a, p in zip(total, partner, strict=True)]
            item["funded_by"].append("partner")
            share = sum(partner) / max(sum(item["cost"]), 1.0)
            item["max_share"]["partner"] = round(min(1.0, share), 3)
        else:
            item["cost"] = total


def _add_variants(
    rng: random.Random, items: list[dict[str, Any]], labels: list[str]
) -> None:
    """A reduced or a later version of a tenth of the multi-year initiatives."""
    for item in items:
        cost = item["cost"]
        length = len(cost) if isinstance(cost, list) else len(next(iter(cost.values())))
        if length < 2 or rng.random() > 0.1:
            continue

        if rng.random() < 0.5 or len(labels) < 2:
            scores = {c: round(max(0.0, v - 1.5), 2) for c, v in item["scores"].items()}
            variant = {"id": "lite", "cost": _scaled(cost, 0.6), "scores": scores}
        else:
            later = _scaled(cost, 0.85)
            variant = {"id": "later", "cost": later, "earliest_start": labels[1]}
        item["variants"] = [variant]


def _scaled(cost: Any, factor: float) -> Any:
    """A cost profile (or profiles per budget) times a factor, in hundreds."""
    if isinstance(cost, list):
        return [round(v * factor, -2) for v in cost]
    return {b: [round(v * factor, -2) for v in p] for b, p in cost.items()}


def _periods_text(labels: list[str]) -> str:
    """``2027-2031`` for consecutive years, the labels joined by commas otherwise."""
    if len(labels) > 1 and all(p.isdigit() and len(p) == 4 for p in labels):
        first = int(labels[0])
        if labels == [str(first + k) for k in range(len(labels))]:
            return f"{labels[0]}-{labels[-1]}"
    return ",".join(labels)


def _requires(dependant: str, prerequisite: str, lag: int) -> dict[str, Any]:
    return {
        "kind": "requires",
        "initiative": dependant,
        "on": [prerequisite],
        "lag": lag,
    }


def _initiative(
    rng: random.Random, k: int, kind: str, u: int, dept: str, partner: str, periods: int
) -> dict[str, Any]:
    spec = KINDS[kind]
    length = rng.randint(1, min(3, periods))
    setup = rng.uniform(*spec.setup)
    annual = rng.uniform(*spec.annual)
    profile = [round(setup + annual, -3)] + [round(annual, -3)] * (length - 1)
    partner_share = rng.uniform(*spec.partner_share)
    shares = {
        "central": 1 - partner_share - spec.gov_share,
        "partner": partner_share,
        "gov_special": spec.gov_share,
    }
    cost = {
        b: [round(v * share, -2) for v in profile]
        for b, share in shares.items()
        if share > 0
    }
    uses = {
        r: [round(rng.uniform(lo, hi), 2)] * length for r, (lo, hi) in spec.uses.items()
    }
    scores = {
        c: round(min(10.0, max(0.0, LEVEL[g] + rng.uniform(-1, 1))), 2)
        for (c, _, _), g in zip(CRITERIA, spec.scores, strict=True)
        if g != "-"
    }
    return {
        "id": f"{kind[:3].upper()}-{k:06d}",
        "name": f"{kind.replace('_', ' ')} of U{u:03d} {dept} with {partner}",
        "type": kind,
        "department": f"U{u:03d} {dept}",
        "partner": partner,
        "scores": scores,
        "success_probability": round(rng.uniform(*spec.success), 2),
        "cost": cost,
        "uses": uses,
    }


def _group_rules(
    rng: random.Random, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One provincial bid per university; a course per department; synergies."""
    rules: list[dict[str, Any]] = []
    colleges: dict[str, list[str]] = {}
    departments_with_courses: set[str] = set()
    for item in items:
        univ = item["department"][:4]
        if item["type"] == "industrial_college":
            colleges.setdefault(univ, []).append(item["id"])
        if item["type"] == "co_taught_course":
            departments_with_courses.add(item["department"])
    for members in colleges.values():
        if len(members) > 1:
            rules.append({"kind": "at_most", "count": 1, "members": members})
    for dept in sorted(departments_with_courses):
        where = {"type": "co_taught_course", "department": dept}
        rules.append({"kind": "at_least", "count": 1, "where": where})
    by_partner: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_partner.setdefault(item["partner"], []).append(item)
    for group in by_partner.values():
        kinds = {i["type"]: i["id"] for i in group}
        if "order_class" in kinds and "scholarship" in kinds:
            bonus = round(rng.uniform(0.2, 0.6), 2)
            pair = [kinds["order_class"], kinds["scholarship"]]
            rules.append({"kind": "synergy", "bonus": bonus, "members": pair})
        if "joint_lab" in kinds and "internship_base" in kinds and rng.random() < 0.3:
            penalty = -round(rng.uniform(0.1, 0.4), 2)  # same partner courted twice
            pair = [kinds["joint_lab"], kinds["internship_base"]]
            rules.append({"kind": "synergy", "bonus": penalty, "members": pair})
    return rules


def _totals(items: list[dict[str, Any]], field: str) -> dict[str, float]:
    totals: dict[str, float] = {}
    for item in items:
        for owner, profile in item[field].items():
            totals[owner] = totals.get(owner, 0.0) + sum(profile)
    return totals


def _budgets(items: list[dict[str, Any]], periods: int) -> list[dict[str, Any]]:
    """Each budget covers about half of what every candidate would cost."""
    totals = _totals(items, "cost")
    spec = [
        ("central", "University own IEI funds", True, 0.45),
        ("partner", "Partner co-funding", False, 0.6),
        ("gov_special", "Government special fund", False, 0.5),
    ]
    return [
        {
            "id": b,
            "name": name,
            "carry_over": carry,
            "limits": [round(share * totals.get(b, 0.0) / periods, -3)] * periods,
        }
        for b, name, carry, share in spec
    ]


def _resources(items: list[dict[str, Any]], periods: int) -> list[dict[str, Any]]:
    """Each capacity covers about 60 % of what every candidate would use."""
    totals = _totals(items, "uses")
    return [
        {
            "id": r,
            "name": name,
            "unit": unit,
            "capacity": [round(0.6 * totals.get(r, 0.0) / periods, 1)] * periods,
        }
        for r, name, unit in RESOURCES
    ]
