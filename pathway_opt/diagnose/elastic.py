r"""The elastic pathway model: every rule a planner can change gets a named slack.

:class:`ElasticModel` takes a built :class:`StandardForm` and adds non-negative
slack columns where a planner could bend the instance; one slack unit weighs 1:

- ``budget`` (b, t), in ``budget_limit[b, t]`` and, for a carry-over budget,
  every later row of b: one unit raises the limit of b in period t by the money
  unit;
- ``min_use`` (b, t), coefficient +1 in ``budget_min_use[b, t]``: one unit
  lowers the least spend b's ``min_use`` asks in t by the money unit;
- ``resource`` (r, t), in ``resource_limit[r, t]``: one unit raises the
  capacity of r in t by r's unit;
- ``count_more`` k (at_most / exactly), coefficient -1 in ``count_limit[k]``:
  one more member allowed; ``count_fewer`` k (at_least / exactly), +1: one
  member fewer required;
- ``requires`` (k, j), in every ``requires_start[k, j, s]`` row: the
  prerequisite j of rule k waived;
- ``share`` (k, bound), in ``spend_share[k, bound]``: spend of the money unit
  moved across the rule's share bound (the repair states the share the plan
  reaches); ``mean`` (k, bound), in ``average[k, bound]``: the members' values
  summed past the mean, in units of the bound (the repair states the mean
  reached);
- ``max_share`` (i, v, b), in every ``fund_max_share[i, v, b, t]`` row: budget
  b may pay more of version v of i than its ``max_share`` (the repair states the
  share the plan reaches);
- ``must`` i, in a new row :math:`y_i + m_i \ge 1` (``select`` lower bound 0):
  i released from must; ``never`` i, in a new row :math:`y_i - n_i \le 0`
  (``select`` upper bound 1): i allowed although marked never.

The money unit is the average positive period limit over all budgets, so raising
a budget by one average year's money weighs as much as releasing one decision or
allowing one more member; a resource's unit is its average positive capacity.
The model minimises the sum of slack units; :meth:`ElasticModel.solve` returns the
slack a plan needs, recomputed from the plan's start columns (so a time-limited
solve in a child process still gives exact amounts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from pathway_opt.model.columns import cost_profiles
from pathway_opt.model.form import StandardForm
from pathway_opt.model.initiative_data import versions_of
from pathway_opt.model.value_families import spend_weights
from pathway_opt.schema.instance import Instance
from pathway_opt.solver.highs_run import Arrays, HighsRun
from pathway_opt.solver.settings import SolveSettings

#: Violations up to this share of a row's bound (plus the same absolute) are none.
TOL = 1e-9
#: The same with a funding split in the plan (HiGHS's values, to its tolerance).
FUNDED_TOL = 1e-6

SlackKind = Literal[
    "budget",
    "min_use",
    "resource",
    "count_more",
    "count_fewer",
    "requires",
    "must",
    "never",
    "share",
    "mean",
    "max_share",
]
"""What a slack column relaxes (see the module docstring)."""


@dataclass(frozen=True)
class Slack:
    """One elastic column: what it relaxes and the size of one unit."""

    kind: SlackKind
    key: tuple[Any, ...]
    """(owner id, period index), (rule index,), (rule index, prerequisite id) or
    (initiative id,)."""
    unit: float = field(default=1.0, compare=False)
    """Natural units (currency, resource unit, members) per slack unit."""


@dataclass
class Need:
    """What a plan of the elastic model needs: each slack's amount, and who uses it."""

    amounts: dict[Slack, float]
    """Slack -> amount in natural units (currency, resource unit, members, 1)."""
    users: dict[Slack, list[str]] = field(default_factory=dict)
    """For budget and resource slack: selected initiatives charging those rows."""
    starts: dict[str, int] = field(default_factory=dict)
    """The elastic plan: initiative id -> start index."""
    bounds: dict[Slack, float] = field(default_factory=dict)
    """For share and mean slack: the share or mean the elastic plan reaches (the
    bound the repair moves the rule to)."""
    proven: bool = True
    """Whether HiGHS proved this the smallest (False when a limit stopped it)."""

    @property
    def weight(self) -> float:
        """The weighted size of the repair (sum of slack units)."""
        return sum(a / s.unit for s, a in self.amounts.items())


def average_positive(values: list[float]) -> float:
    """Mean of the positive values (1 when there is none)."""
    positive = [v for v in values if v > 0]
    return sum(positive) / len(positive) if positive else 1.0


def money_unit(inst: Instance) -> float:
    """The money unit: average positive period limit over all budgets."""
    return average_positive([v for b in inst.budgets for v in b.limits])


class ElasticModel:
    """A form with slack on every budget, capacity, count, requires and decision."""

    def __init__(self, form: StandardForm, inst: Instance) -> None:
        self.form = form
        self.inst = inst
        self.slacks: list[Slack] = []
        self._rows: list[np.ndarray] = []
        self._vals: list[np.ndarray] = []
        self._offset: dict[str, int] = {}
        position = 0
        for name, block in form.blocks.items():
            self._offset[name] = position
            position += block.n
        self._n_rows = position
        self._costs = cost_profiles(inst)
        self._limit_slacks()
        self._rule_slacks()
        self._extra_lower: list[float] = []
        self._extra_upper: list[float] = []
        self._decision_slacks()
        self.run = HighsRun(
            self._arrays(),
            np.arange(form.columns.n_start),
            amount_cols=form.columns.fund_cols(),
        )

    # -- building ---------------------------------------------------------------
    def _add(self, slack: Slack, rows: list[int] | np.ndarray, coef: float) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.slacks.append(slack)
        self._rows.append(rows)
        self._vals.append(np.full(len(rows), coef * slack.unit))

    def _limit_slacks(self) -> None:
        inst, horizon = self.inst, len(self.inst.periods)
        money = money_unit(inst)
        for limit in inst.limits():
            kind, owner = limit.kind, limit.id
            block = self.form.blocks.get(f"{kind}_limit")
            if block is None:
                continue
            unit = money if kind == "budget" else average_positive(limit.amounts)
            row_of = {key: k for k, key in enumerate(block.owners)}
            base = self._offset[block.name]
            for t in range(horizon):
                later = range(t, horizon) if limit.cumulative else [t]
                rows = [base + row_of[owner, u] for u in later if (owner, u) in row_of]
                if rows:
                    self._add(Slack(kind, (owner, t), unit=unit), rows, -1.0)
        block = self.form.blocks.get("budget_min_use")
        if block is not None:
            base = self._offset[block.name]
            for r, key in enumerate(block.owners):
                if block.lower[r] > 0:
                    self._add(Slack("min_use", key, unit=money), [base + r], 1.0)

    def _rule_slacks(self) -> None:
        block = self.form.blocks.get("requires_start")
        if block is not None:
            groups: dict[tuple[int, str], list[int]] = {}
            for r, (k, prereq, _) in enumerate(block.index):
                groups.setdefault((k, prereq), []).append(self._offset[block.name] + r)
            for key, rows in groups.items():
                self._add(Slack("requires", key), rows, -1.0)
        block = self.form.blocks.get("count_limit")
        if block is not None:
            for r, k in enumerate(block.index):
                row = self._offset[block.name] + r
                if np.isfinite(block.upper[r]):
                    self._add(Slack("count_more", (k,)), [row], -1.0)
                if np.isfinite(block.lower[r]) and block.lower[r] > 0:
                    self._add(Slack("count_fewer", (k,)), [row], 1.0)
        for name, kind, unit_of in (
            ("spend_share", "share", lambda _: money_unit(self.inst)),
            ("average", "mean", self._mean_unit),
        ):
            block = self.form.blocks.get(name)
            if block is None:
                continue
            for r, (k, bound) in enumerate(block.index):
                coef = 1.0 if bound == "at_least" else -1.0
                slack = Slack(kind, (k, bound), unit=unit_of(k))  # type: ignore[arg-type]
                self._add(slack, [self._offset[name] + r], coef)
        block = self.form.blocks.get("fund_max_share")
        if block is not None:
            caps: dict[tuple[str, str, str], list[int]] = {}
            for r, (ini, variant, budget, _) in enumerate(block.index):
                caps.setdefault((ini, variant, budget), []).append(
                    self._offset[block.name] + r
                )
            money = money_unit(self.inst)
            for cap, rows in caps.items():
                self._add(Slack("max_share", cap, unit=money), rows, -1.0)

    def _mean_unit(self, k: int) -> float:
        """A mean's slack unit: the size of its bound (1 for a bound of 0)."""
        rule = self.inst.rules[k]
        bound = getattr(rule, "at_least", None)
        if bound is None:
            bound = getattr(rule, "at_most", None)
        return abs(bound) if bound else 1.0

    def _decision_slacks(self) -> None:
        cols = self.form.columns
        self._select = np.asarray(cols.select_col(np.arange(len(cols.ids))))
        self.must = [
            i for i, c in enumerate(self._select) if self.form.col_lower[c] > 0.5
        ]
        self.never = [
            i for i, c in enumerate(self._select) if self.form.col_upper[c] < 0.5
        ]
        kind: SlackKind
        for kind, chosen, lower, upper in (
            ("must", self.must, 1.0, np.inf),
            ("never", self.never, -np.inf, 0.0),
        ):
            for i in chosen:
                row = self._n_rows + len(self._extra_lower)
                self._extra_lower.append(lower)
                self._extra_upper.append(upper)
                self._add(
                    Slack(kind, (cols.ids[i],)), [row], 1.0 if kind == "must" else -1.0
                )

    def _arrays(self) -> Arrays:
        form = self.form
        matrix, lower, upper = form.stacked()
        n_extra = len(self._extra_lower)
        n_rows = self._n_rows + n_extra
        n_slack = len(self.slacks)
        # decision rows: the select column of each released initiative
        extra_rows = np.arange(self._n_rows, n_rows)
        extra_cols = self._select[np.array(self.must + self.never, dtype=np.int64)]
        base = sp.vstack(
            [
                sp.csc_array(matrix),
                sp.csc_array(
                    (np.ones(n_extra), (extra_rows - self._n_rows, extra_cols)),
                    shape=(n_extra, form.columns.n),
                ),
            ],
            format="csc",
        )
        lengths = [len(r) for r in self._rows]
        slack_part = sp.csc_array(
            (
                np.concatenate(self._vals) if self._vals else np.zeros(0),
                (
                    np.concatenate(self._rows) if self._rows else np.zeros(0, int),
                    np.repeat(np.arange(n_slack), lengths),
                ),
            ),
            shape=(n_rows, n_slack),
        )
        full = sp.csc_array(sp.hstack([base, slack_part], format="csc"))
        row_lower = np.concatenate([lower, self._extra_lower])
        row_upper = np.concatenate([upper, self._extra_upper])
        largest = abs(full).max(axis=1).toarray().ravel()
        scale = 1.0 / np.where(largest > 0, largest, 1.0)
        col_lower = form.col_lower.copy()
        col_upper = form.col_upper.copy()
        col_lower[self._select] = 0.0
        col_upper[self._select] = np.where(
            form.col_upper[self._select] < 0.5, 1.0, col_upper[self._select]
        )
        self._base_upper = np.concatenate([col_upper, np.full(n_slack, np.inf)])
        self._base_lower = np.concatenate([col_lower, np.zeros(n_slack)])
        return Arrays(
            cost=np.concatenate([np.zeros(form.columns.n), -np.ones(n_slack)]),
            col_lower=self._base_lower,
            col_upper=self._base_upper.copy(),
            integrality=np.concatenate([form.integrality, np.zeros(n_slack, np.int8)]),
            matrix=sp.csc_array(sp.diags_array(scale) @ full),
            row_lower=row_lower * scale,
            row_upper=row_upper * scale,
        )

    # -- solving ----------------------------------------------------------------
    def solve(
        self,
        settings: SolveSettings,
        forbid: set[Slack] | frozenset[Slack] = frozenset(),
    ) -> Need | None:
        """The smallest weighted slack with the ``forbid`` slacks held at 0.

        Returns None when no plan exists even with the remaining slack (or none
        was found within the time limit).
        """
        upper = self._base_upper.copy()
        n = self.form.columns.n
        for k, slack in enumerate(self.slacks):
            if slack in forbid:
                upper[n + k] = 0.0
        self.run.change_column_bounds(self._base_lower, upper)
        options = {
            "random_seed": settings.random_seed,
            "mip_rel_gap": 0.0,
            "mip_abs_gap": 1e-7,
            "presolve": "on" if settings.presolve else "off",
        }
        result = self.run.run(options, settings.threads, settings.time_limit)
        if result.chosen is None:
            return None
        need = self.need(result.chosen, result.amounts)
        need.proven = result.status == "kOptimal"
        return need

    def need(self, chosen: np.ndarray, amounts: np.ndarray | None = None) -> Need:
        """The slack the plan made of these start columns needs (none forbidden).

        ``amounts``: the plan's ``fund`` column values (its funding split).
        """
        x = self._values(chosen, amounts)
        x = self._drop_free_riders(x)
        needed = self._amounts(x)
        cols = self.form.columns
        starts = {
            cols.ids[i]: int(s)
            for i, s in zip(
                cols.start_ini[x[: cols.n_start] > 0.5].tolist(),
                cols.start_period[x[: cols.n_start] > 0.5].tolist(),
                strict=True,
            )
        }
        need = Need(needed, starts=starts)
        for slack in needed:
            if slack.kind in ("budget", "resource"):
                need.users[slack] = self._users(slack, x)
            elif slack.kind in ("share", "mean"):
                need.bounds[slack] = self._reached(slack, x)
            elif slack.kind == "max_share":
                need.bounds[slack] = self._share_paid(slack, x)
        return need

    def _share_paid(self, slack: Slack, x: np.ndarray) -> float:
        """The largest share of the version's cost due the budget pays in ``x``."""
        block = self.form.blocks["fund_max_share"]
        ini, variant, budget = slack.key
        version = next(
            v
            for p, name, v in versions_of(self.inst)
            if self.form.columns.ids[p] == ini and (name or "") == variant
        )
        cap = float(version.max_share.get(budget, 1.0))
        largest = cap
        for r, key in enumerate(block.index):
            if key[:3] != slack.key:
                continue
            row = block.matrix[[r]].tocsr()
            fund = row.indices[row.data == 1.0]
            paid = float(x[fund].sum())
            due = -float(row.data[row.data != 1.0] @ x[row.indices[row.data != 1.0]])
            if cap > 0 and due > 0:
                largest = max(largest, paid / (due / cap))
        return min(largest, 1.0)

    def _reached(self, slack: Slack, x: np.ndarray) -> float:
        """The share or mean the plan ``x`` reaches on the slack's rule.

        From the rows themselves: a share row is members' spend minus f times
        the total, a mean row is the members' values minus m times their count.
        """
        k, bound = slack.key
        rule = self.inst.rules[k]
        given = float(getattr(rule, bound))
        name = "spend_share" if slack.kind == "share" else "average"
        block = self.form.blocks[name]
        r = block.index.index((k, bound))
        act = float((block.matrix[[r]] @ x)[0])
        cols = block.matrix[[r]].tocsr().indices
        if slack.kind == "share":
            spend = spend_weights(self.inst, self.form.columns, self._costs, k)
            total = float(spend @ x[: len(spend)])
            return given + act / total if total > 0 else given
        count = float(sum(x[c] for c in cols.tolist()))
        return given + act / count if count > 0 else given

    def _values(
        self, chosen: np.ndarray, amounts: np.ndarray | None = None
    ) -> np.ndarray:
        cols = self.form.columns
        x = np.zeros(cols.n)
        x[chosen] = 1.0
        x[cols.select_col(cols.start_ini[chosen])] = 1.0
        if amounts is not None and cols.n_fund:
            x[cols.fund_cols()] = np.maximum(amounts, 0.0)
        return x

    def _violations(self, name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Amount above the upper bound and below the lower bound, per row."""
        block = self.form.blocks[name]
        act = block.matrix @ x
        # a funding split is HiGHS's floating-point answer, not 0/1 starts: its
        # rows hold to HiGHS's tolerance only
        tol = TOL if self.form.columns.n_fund == 0 else FUNDED_TOL
        tol_up = tol * (1 + np.abs(np.where(np.isfinite(block.upper), block.upper, 0)))
        tol_lo = tol * (1 + np.abs(np.where(np.isfinite(block.lower), block.lower, 0)))
        above = np.where(act - block.upper > tol_up, act - block.upper, 0.0)
        below = np.where(block.lower - act > tol_lo, block.lower - act, 0.0)
        return above, below

    def _amounts(self, x: np.ndarray) -> dict[Slack, float]:
        """Smallest slack amounts that make the plan ``x`` feasible."""
        found: dict[Slack, float] = {}
        by_key = {(s.kind, s.key): s for s in self.slacks}
        horizon = len(self.inst.periods)
        carry = {b.id: b.carry_over for b in self.inst.budgets}
        for kind in ("budget", "resource"):
            name = f"{kind}_limit"
            if name not in self.form.blocks:
                continue
            above, _ = self._violations(name, x)
            per_owner: dict[str, np.ndarray] = {}
            for (owner, t), v in zip(self.form.blocks[name].owners, above, strict=True):
                per_owner.setdefault(owner, np.zeros(horizon))[t] = v
            for owner, over in per_owner.items():
                if kind == "budget" and carry[owner]:
                    # raise each period by the growth of the running maximum: the
                    # latest raises that lift every cumulative limit enough
                    running = np.maximum.accumulate(over)
                    over = np.diff(running, prepend=0.0)
                for t in np.flatnonzero(over > 0).tolist():
                    found[by_key[kind, (owner, t)]] = float(over[t])
        if "budget_min_use" in self.form.blocks:
            _, below = self._violations("budget_min_use", x)
            for key, v in zip(
                self.form.blocks["budget_min_use"].owners, below, strict=True
            ):
                if v > 0:
                    found[by_key["min_use", key]] = float(v)
        if "requires_start" in self.form.blocks:
            above, _ = self._violations("requires_start", x)
            block = self.form.blocks["requires_start"]
            for r in np.flatnonzero(above > 0.5).tolist():
                k, prereq, _ = block.index[r]
                found[by_key["requires", (k, prereq)]] = 1.0
        if "count_limit" in self.form.blocks:
            above, below = self._violations("count_limit", x)
            for r, k in enumerate(self.form.blocks["count_limit"].index):
                if above[r] > 0:
                    found[by_key["count_more", (k,)]] = float(round(above[r]))
                if below[r] > 0:
                    found[by_key["count_fewer", (k,)]] = float(round(below[r]))
        if "fund_max_share" in self.form.blocks:
            above, _ = self._violations("fund_max_share", x)
            for r, key in enumerate(self.form.blocks["fund_max_share"].index):
                if above[r] > 0:
                    slack = by_key["max_share", key[:3]]
                    found[slack] = max(found.get(slack, 0.0), float(above[r]))
        bent: tuple[tuple[str, SlackKind], ...] = (
            ("spend_share", "share"),
            ("average", "mean"),
        )
        for name, kind in bent:
            if name not in self.form.blocks:
                continue
            above, below = self._violations(name, x)
            for r, key in enumerate(self.form.blocks[name].index):
                if above[r] > 0 or below[r] > 0:
                    found[by_key[kind, key]] = float(above[r] + below[r])
        ids = self.form.columns.ids
        decision: SlackKind
        for decision, chosen, wanted in (
            ("must", self.must, 0.0),
            ("never", self.never, 1.0),
        ):
            for i in chosen:
                if abs(x[self._select[i]] - wanted) < 0.5:
                    found[by_key[decision, (ids[i],)]] = 1.0
        if self.form.columns.n_fund:
            # HiGHS may shift a split by a hair onto a slack (1e-6 of a unit):
            # such amounts are its tolerance, not a repair
            found = {s: a for s, a in found.items() if a > 1e-5 * s.unit}
        return found

    def _drop_free_riders(self, x: np.ndarray) -> np.ndarray:
        """Leave out selected optional initiatives the repair does not need.

        The elastic objective counts only slack, so HiGHS may select initiatives
        that neither help nor hurt; dropping those that charge a violated budget
        or resource row keeps "needed by" honest.
        """
        cols = self.form.columns
        must = set(self.must)
        charging = np.zeros(cols.n, dtype=bool)
        for name in ("budget_limit", "resource_limit"):
            if name in self.form.blocks:
                above, _ = self._violations(name, x)
                rows = np.flatnonzero(above > 0)
                if len(rows):
                    block = self.form.blocks[name].matrix[rows]
                    charging |= np.asarray(abs(block).sum(axis=0)).ravel() > 0
        chosen = np.flatnonzero((x[: cols.n_start] > 0.5) & charging[: cols.n_start])
        if len(chosen) == 0:
            return x
        needed = self._amounts(x)
        for col in chosen[::-1].tolist():
            i = int(cols.start_ini[col])
            if i in must:
                continue
            trial = x.copy()
            trial[col] = 0.0
            trial[self._select[i]] = 0.0
            if cols.n_fund:  # and what its budgets paid
                assert cols.fund_version is not None
                paid = cols.fund_version == cols.versions[col]
                trial[cols.fund_cols()[paid]] = 0.0
            trial_needs = self._amounts(trial)
            if all(
                a <= needed.get(s, 0.0) * (1 + TOL) + TOL
                for s, a in trial_needs.items()
            ):
                x, needed = trial, trial_needs
        return x

    def _users(self, slack: Slack, x: np.ndarray) -> list[str]:
        """Selected initiatives charging the row this slack's period limits.

        For a carry-over budget that row is cumulative, so everyone spending up to
        that period counts.
        """
        owner, t = slack.key
        block = self.form.blocks[f"{slack.kind}_limit"]
        rows = [r for r, key in enumerate(block.owners) if key == (owner, t)]
        cols = self.form.columns
        touched = np.asarray(abs(block.matrix[rows]).sum(axis=0)).ravel() > 0
        users = np.flatnonzero(touched[: cols.n_start] & (x[: cols.n_start] > 0.5))
        who = set(cols.start_ini[users].tolist())
        if cols.n_fund:  # initiatives whose funding split pays into the row
            assert cols.fund_version is not None
            funds = cols.fund_cols()
            paying = touched[funds] & (x[funds] > 0)
            who |= set(cols.version_initiative()[cols.fund_version[paying]].tolist())
        return [cols.ids[i] for i in sorted(who)]
