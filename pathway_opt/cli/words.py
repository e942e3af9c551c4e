"""Counts in printed text: ``1 budget``, ``2 budgets``, never ``1 budgets``."""

from __future__ import annotations

#: Nouns whose plural is not the noun plus "s".
_PLURALS = {"criterion": "criteria", "worker process": "worker processes"}


def counted(n: int, noun: str) -> str:
    """``n`` and the noun, singular for exactly 1: ``counted(1, "rule")``."""
    word = noun if n == 1 else _PLURALS.get(noun, noun + "s")
    return f"{n:,} {word}"


def counts(*pairs: tuple[int, str]) -> str:
    """Several counts joined by commas: ``3 initiatives, 1 period, 0 rules``."""
    return ", ".join(counted(n, noun) for n, noun in pairs)
