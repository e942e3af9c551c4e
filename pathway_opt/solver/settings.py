"""Options of one solve, and the keyword options every analyst-facing call takes."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields, replace
from typing import Any

from pathway_opt.errors import InputError, Problem

#: Keyword options of ``solve``, ``Session``, ``explain``, ``sweep``, ``frontier``,
#: ``run_scenarios`` and ``compare``, each with the settings field it sets.
KEYWORDS: dict[str, str] = {
    "time_limit": "time_limit",
    "threads": "threads",
    "mip_gap": "mip_rel_gap",
}


def _number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _problem(name: str, value: Any) -> str:
    """What is wrong with one option's value ('' when it is fine)."""
    got = f"got {value!r}"
    if name == "time_limit":
        if value is None or (_number(value) and value >= 0):
            return ""
        return f"must be a number of seconds >= 0 (None: no limit), {got}"
    if name == "threads":
        if value is None or (_whole(value) and value >= 1):
            return ""
        return f"must be a whole number >= 1 (None: HiGHS decides), {got}"
    if name in ("mip_gap", "mip_rel_gap"):
        if _number(value) and 0 <= value <= 1:
            return ""
        return f"must be a relative gap from 0 to 1 (0: proven optimal), {got}"
    if name == "mip_abs_gap":
        if _number(value) and 0 <= value < math.inf:
            return ""
        return f"must be a number of score points >= 0, {got}"
    if name == "random_seed":
        if _whole(value) and 0 <= value <= 2_147_483_647:
            return ""
        return f"must be a whole number from 0 to 2147483647, {got}"
    if name == "presolve":
        return "" if isinstance(value, bool) else f"must be True or False, {got}"
    return ""


@dataclass(frozen=True)
class SolveSettings:
    """Options of one solve.

    The default gaps make ``optimal`` mean optimal: no plan is better by more than
    ``mip_abs_gap`` score points (relative gap 0).

    Raises:
        InputError: naming each field whose value is out of range or of the
            wrong type.
    """

    time_limit: float | None = None
    """Wall-clock limit in seconds (None: no limit)."""
    mip_rel_gap: float = 0.0
    """Stop when (bound - objective) / |objective| is at most this."""
    mip_abs_gap: float = 1e-6
    """Stop when bound - objective is at most this (score points)."""
    threads: int | None = None
    """Threads HiGHS may use (None: HiGHS's default)."""
    random_seed: int = 0
    """HiGHS's random seed; fixed so every run gives the same plan."""
    presolve: bool = True
    """Whether HiGHS presolves (switched off to confirm an infeasible verdict)."""
    node_limit: int | None = None
    """Branch-and-bound nodes HiGHS may explore (None: no limit). Unlike a time
    limit it stops every run at the same point: the same plan on every run."""

    def __post_init__(self) -> None:
        problems = [
            Problem(f.name, message)
            for f in fields(self)
            if (message := _problem(f.name, getattr(self, f.name)))
        ]
        if problems:
            raise InputError(problems)

    def to_dict(self) -> dict[str, Any]:
        """Plain dictionary for reports."""
        return {
            "time_limit": self.time_limit,
            "mip_rel_gap": self.mip_rel_gap,
            "mip_abs_gap": self.mip_abs_gap,
            "threads": self.threads,
            "random_seed": self.random_seed,
            "presolve": self.presolve,
            "node_limit": self.node_limit,
        }


def settings_from(
    settings: SolveSettings | None,
    *,
    time_limit: float | None = None,
    threads: int | None = None,
    mip_gap: float | None = None,
    default: SolveSettings | None = None,
) -> SolveSettings:
    """The settings of one call: ``settings``, or the keyword options.

    The keyword options (``None``: not given) set their fields of ``default``
    (default: ``SolveSettings()``); ``mip_gap`` is the relative gap
    (``mip_rel_gap``). A call takes either a whole ``settings`` or keyword
    options, never both, so no option is silently overridden.

    Raises:
        InputError: when ``settings`` and a keyword option are both given (the
            problem names them), when ``settings`` is not a ``SolveSettings``, or
            for an option out of range.
    """
    given = {
        name: value
        for name, value in (
            ("time_limit", time_limit),
            ("threads", threads),
            ("mip_gap", mip_gap),
        )
        if value is not None
    }
    if settings is not None:
        if not isinstance(settings, SolveSettings):
            raise InputError(
                [
                    Problem(
                        "settings",
                        "must be a SolveSettings(...), got "
                        f"{type(settings).__name__} {settings!r}; or give "
                        "time_limit=, threads= or mip_gap= instead",
                    )
                ]
            )
        if given:
            named = ", ".join(f"{name}=" for name in given)
            raise InputError(
                [
                    Problem(
                        "settings",
                        f"give either settings= or {named}, not both "
                        "(SolveSettings(time_limit=..., threads=..., "
                        "mip_rel_gap=...) holds them all)",
                    )
                ]
            )
        return settings
    problems = [
        Problem(name, message)
        for name, value in given.items()
        if (message := _problem(name, value))
    ]
    if problems:
        raise InputError(problems)
    chosen: dict[str, Any] = {KEYWORDS[name]: value for name, value in given.items()}
    return replace(default or SolveSettings(), **chosen)
