"""Cross-entity checks of an instance, every problem collected before reporting.

Each ``_check_*`` function looks at one kind of rule and yields :class:`Problem`
entries whose path names the JSON location the user has to edit.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pathway_opt.errors import Problem
from pathway_opt.schema.characters import escape_invisible
from pathway_opt.schema.entities import VARIANT_FIELDS
from pathway_opt.schema.funding import budget_problems, funding_problems
from pathway_opt.schema.ranges import range_problems
from pathway_opt.schema.value_rules import value_rule_problems
from pathway_opt.schema.weights import weight_problems

if TYPE_CHECKING:
    from pathway_opt.schema.entities import Initiative
    from pathway_opt.schema.instance import Instance


def find_problems(inst: Instance) -> list[Problem]:
    """All cross-entity problems of an instance whose fields are individually valid."""
    checks = (
        _check_duplicates,
        _check_shared_ids,
        _check_period_lookalikes,
        _check_lengths,
        _check_initiatives,
        _check_rules,
        _check_requires_cycles,
        value_rule_problems,
        weight_problems,
        range_problems,
    )
    return [p for check in checks for p in check(inst)]


def _duplicates(values: list[str]) -> list[str]:
    return [v for v, n in Counter(values).items() if n > 1]


def _check_duplicates(inst: Instance) -> Iterator[Problem]:
    groups = {
        "periods": list(inst.periods),
        "criteria": [c.id for c in inst.criteria],
        "budgets": [b.id for b in inst.budgets],
        "resources": [r.id for r in inst.resources],
        "initiatives": [i.id for i in inst.initiatives],
    }
    for field, ids in groups.items():
        for dup in _duplicates(ids):
            positions = [str(k) for k, v in enumerate(ids) if v == dup]
            yield Problem(
                f"{field}[{positions[1]}]",
                f'"{dup}" appears {len(positions)} times (positions '
                f"{', '.join(positions)}); each must be unique",
            )


def _check_shared_ids(inst: Instance) -> Iterator[Problem]:
    """One id may not name two kinds of thing (a budget and a resource, ...).

    Costs are charged by budget id, uses by resource id and scores by criterion
    id; a shared id makes every table keyed by id ambiguous.
    """
    first: dict[str, str] = {}
    groups = {
        "criteria": [c.id for c in inst.criteria],
        "budgets": [b.id for b in inst.budgets],
        "resources": [r.id for r in inst.resources],
    }
    for field, ids in groups.items():
        seen_here: set[str] = set()
        for k, value in enumerate(ids):
            if value in seen_here:
                continue  # a duplicate within one list is reported on its own
            seen_here.add(value)
            if value in first:
                yield Problem(
                    f"{field}[{k}].id",
                    f'"{value}" is also {first[value]}; ids of budgets, resources '
                    "and criteria must differ",
                )
            else:
                first[value] = f"{field}[{k}].id"


def visible_label(label: str) -> str:
    """A label as it looks: invisible characters dropped, spaces collapsed, NFKC."""
    kept = []
    for char in label:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            kept.append(" " if category != "Cf" else "")
        else:
            kept.append(" " if category == "Zs" else char)
    return " ".join(unicodedata.normalize("NFKC", "".join(kept)).split())


def _check_period_lookalikes(inst: Instance) -> Iterator[Problem]:
    """Two period labels that differ only in what cannot be seen are duplicates."""
    first: dict[str, int] = {}
    for k, label in enumerate(inst.periods):
        key = visible_label(label)
        j = first.setdefault(key, k)
        if j != k and inst.periods[j] != label:
            yield Problem(
                f"periods[{k}]",
                f"{_shown(label)} looks the same as periods[{j}] "
                f"{_shown(inst.periods[j])} (they differ only in spaces, invisible "
                "characters or character width); give each period a distinct label",
            )


def _shown(text: str) -> str:
    return '"' + escape_invisible(text) + '"'


_YEAR = re.compile(r"(?:FY|AY)?\s*((?:19|20|21)\d\d)(?!\d)", re.IGNORECASE)


def period_order_warnings(inst: Instance) -> list[str]:
    """A warning when period labels that look like years do not ascend.

    Periods are used in the order given (the first is the first year of every
    profile), so `["2028", "2027"]` is legal, but rarely meant.
    """
    years = []
    for label in inst.periods:
        match = _YEAR.match(label.strip())
        if match:
            years.append((label, int(match.group(1))))
    for (before, a), (after, b) in itertools.pairwise(years):
        if b < a:
            return [
                f'periods: "{after}" comes after "{before}" but is an earlier year; '
                "periods are used in the order given (the first is where every "
                "profile starts): sort them if that is not what you meant"
            ]
    return []


def _check_lengths(inst: Instance) -> Iterator[Problem]:
    n = len(inst.periods)
    for k, b in enumerate(inst.budgets):
        if len(b.limits) != n:
            yield Problem(
                f"budgets[{k}].limits",
                f"has {_entries(len(b.limits))} but {_there_are(n)}; "
                "give one limit per period",
            )
        if isinstance(b.min_use, list) and len(b.min_use) != n:
            yield Problem(
                f"budgets[{k}].min_use",
                f"has {_entries(len(b.min_use))} but {_there_are(n)}; give one "
                "share per period, or one number for every period",
            )
    for k, r in enumerate(inst.resources):
        if len(r.capacity) != n:
            yield Problem(
                f"resources[{k}].capacity",
                f"has {_entries(len(r.capacity))} but {_there_are(n)}; "
                "give one capacity per period",
            )


def _check_initiatives(inst: Instance) -> Iterator[Problem]:
    yield from budget_problems(inst)
    for k, ini in enumerate(inst.initiatives):
        at = f"initiatives[{k}]"
        yield from _check_version(inst, ini, at)
        yield from _check_variants(inst, ini, at)


def _check_version(inst: Instance, ini: Initiative, at: str) -> Iterator[Problem]:
    criteria = {c.id for c in inst.criteria}
    budgets = inst.budget_ids()
    resources = {r.id for r in inst.resources}
    periods = set(inst.periods)
    for crit in ini.scores:
        if crit not in criteria:
            yield Problem(
                f"{at}.scores.{crit}",
                f'unknown criterion "{crit}" (known: {_listing(criteria)})',
            )
    if isinstance(ini.cost, dict):
        for bud in ini.cost:
            if bud not in budgets:
                yield Problem(
                    f"{at}.cost.{bud}",
                    f'unknown budget "{bud}" (known: {_listing(budgets)})',
                )
    elif any(ini.cost) and not budgets:
        yield Problem(
            f"{at}.cost",
            "there is no budget to charge this cost to; add a budget to "
            "`budgets` or remove the cost",
        )
    elif ini.cost and len(budgets) > 1 and ini.funded_by is None:
        yield Problem(
            f"{at}.cost",
            "is a single profile but there are several budgets; give an "
            'object such as {"' + budgets[0] + '": [...]} naming the budget, or '
            "list the budgets that may pay in `funded_by`",
        )
    for res in ini.uses:
        if res not in resources:
            yield Problem(
                f"{at}.uses.{res}",
                f'unknown resource "{res}" (known: {_listing(resources)})',
            )
    yield from funding_problems(inst, ini, at)
    yield from _check_window(inst, ini, at, periods)


#: Fields of a version whose problems a variant's change of another field causes.
_CAUSES = {
    "max_share": ("funded_by", "cost"),
    "funded_by": ("cost",),
    "cost": ("funded_by",),
}


def _check_variants(inst: Instance, ini: Initiative, at: str) -> Iterator[Problem]:
    """Each variant's version checked like an initiative, problems at its fields.

    A problem of a field the variant does not give is the initiative's own and
    already reported at the initiative.
    """
    ids = ini.variant_ids()
    base = set(_check_version(inst, ini, at)) if ini.variants else set()
    for j, variant in enumerate(ini.variants):
        here = f"{at}.variants[{j}]"
        if variant.id in ids[:j]:
            yield Problem(f"{here}.id", f'"{variant.id}" is already a variant id')
        given = [f for f in VARIANT_FIELDS if getattr(variant, f) is not None]
        if not given:
            yield Problem(
                here,
                "changes nothing; give at least one of " + ", ".join(VARIANT_FIELDS),
            )
            continue
        for problem in _check_version(inst, ini.version(variant.id), at):
            rest = problem.path.removeprefix(at + ".")
            field = rest.split(".")[0].split("[")[0]
            if field in given:
                yield Problem(f"{here}.{rest}", problem.message)
                continue
            # a problem of the initiative's own field that the variant's change
            # causes (a cap over the variant's budgets): at the variant's field
            cause = [f for f in _CAUSES.get(field, ()) if f in given]
            if cause and problem not in base:
                yield Problem(f"{here}.{cause[0]}", problem.message)


def _check_window(
    inst: Instance, ini: Initiative, at: str, periods: set[str]
) -> Iterator[Problem]:
    bad = False
    for field in ("earliest_start", "latest_start"):
        value = getattr(ini, field)
        if value is not None and value not in periods:
            bad = True
            yield Problem(
                f"{at}.{field}",
                f'"{value}" is not a period (periods: {", ".join(inst.periods)})',
            )
    if bad or not _references_ok(inst, ini):
        return
    window = inst.start_window(ini)
    if len(window) == 0:
        yield Problem(
            f"{at}.latest_start",
            f'"{ini.latest_start}" is before earliest_start "{ini.earliest_start}"',
        )
    # A window no start of which fits the horizon is not a problem here: the
    # initiative is left out (optional) or makes the instance infeasible (must),
    # with a warning (schema.advice.start_warnings).


def _references_ok(inst: Instance, ini: Initiative) -> bool:
    budgets = set(inst.budget_ids())
    if isinstance(ini.cost, dict) and not set(ini.cost) <= budgets:
        return False
    return set(ini.uses) <= {r.id for r in inst.resources}


def _check_rules(inst: Instance) -> Iterator[Problem]:
    ids = {i.id for i in inst.initiatives}
    for k, rule in enumerate(inst.rules):
        at = f"rules[{k}]"
        if rule.kind == "requires":
            refs = [("initiative", rule.initiative)]
            refs += [(f"on[{j}]", other) for j, other in enumerate(rule.on)]
            if rule.initiative in rule.on:
                yield Problem(f"{at}.on", f'"{rule.initiative}" cannot require itself')
        elif rule.kind in ("spend_share", "average"):
            continue  # schema.value_rules
        elif rule.kind == "synergy":
            refs = [(f"members[{j}]", m) for j, m in enumerate(rule.members)]
        else:
            if (rule.members is None) == (rule.where is None):
                yield Problem(at, "give exactly one of `members` or `where`")
                continue
            if rule.where is not None:
                if not any(
                    getattr(rule.where, f) is not None
                    for f in ("type", "department", "partner")
                ):
                    yield Problem(f"{at}.where", "names no field to match")
                # matching no initiative is a warning (schema.advice.where_warnings)
                continue
            assert rule.members is not None
            refs = [(f"members[{j}]", m) for j, m in enumerate(rule.members)]
        for field, ref in refs:
            if ref not in ids:
                yield Problem(f"{at}.{field}", f'unknown initiative "{ref}"')
        listed = [ref for field, ref in refs if field != "initiative"]
        for dup in _duplicates(listed):
            yield Problem(at, f'"{dup}" is listed more than once')


def _check_requires_cycles(inst: Instance) -> Iterator[Problem]:
    """A cycle of prerequisites with a positive total lag can never be met.

    With non-negative lags, such a cycle exists exactly when some edge with a
    positive lag joins two initiatives of the same strongly connected component.
    """
    ids = {i.id for i in inst.initiatives}
    edges: list[tuple[str, str, int, int]] = []
    for k, rule in enumerate(inst.rules):
        if rule.kind == "requires" and rule.initiative in ids:
            edges += [(rule.initiative, o, rule.lag, k) for o in rule.on if o in ids]
    component = _strong_components({(a, b) for a, b, _, _ in edges})
    for a, b, lag, k in edges:
        if lag > 0 and a != b and a in component and component.get(b) == component[a]:
            yield Problem(
                f"rules[{k}]",
                f'"{a}" requires "{b}" with lag {lag}, but "{b}" also depends on '
                f'"{a}" through other requires rules: the cycle can never be met; '
                "remove one of these rules",
            )


def _strong_components(edges: set[tuple[str, str]]) -> dict[str, int]:
    """Tarjan's algorithm (iterative): node -> component number."""
    graph: dict[str, list[str]] = {}
    for a, b in edges:
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            succ = graph[node]
            if child < len(succ):
                work.append((node, child + 1))
                nxt = succ[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp[member] = index[node]
                    if member == node:
                        break
            if work:
                parent, _ = work[-1]
                low[parent] = min(low[parent], low[node])
    return comp


def _entries(n: int) -> str:
    return f"{n} entry" if n == 1 else f"{n} entries"


def _there_are(n: int) -> str:
    return "there is 1 period" if n == 1 else f"there are {n} periods"


def _listing(values: set[str] | list[str]) -> str:
    items = sorted(values) if isinstance(values, set) else list(values)
    return ", ".join(items) if items else "none defined"
