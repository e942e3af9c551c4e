"""``--periods`` and ``--first-year`` of `generate` and `template`: one parser.

``--periods`` takes any of:

- a count ``N`` (1 to 999): N yearly periods from ``--first-year`` (default:
  next calendar year), so ``5`` in 2026 is 2027 ... 2031;
- a year ``YYYY`` (four digits): that one period, as ``2027`` (another number
  above 999 is neither, an error);
- a range of years ``FIRST-LAST``: ``2027-2031`` is 2027, 2028, ..., 2031;
- labels separated by commas, any text: ``2027,2028,2029``, ``2027-28,2028-29``
  or ``Q1,Q2,Q3,Q4``; one label without a comma that is none of the above
  (``2027-28``) is that one period.

``--first-year`` applies only to a count. Every mistake is a usage error (exit
2) naming the option.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import click

#: Longest period label (the instance format's limit).
MAX_LABEL = 40
#: Largest count; four digits are a year.
_MAX_COUNT = 999
_RANGE = re.compile(r"([0-9]{4})\s*-\s*([0-9]{4})")

PERIODS_HELP = (
    "Planning periods: a count N (N years from --first-year), a year (2027), a "
    "range of years (2027-2031) or labels separated by commas (2027,2028,2029 "
    "or 2027-28,2028-29)."
)
FIRST_YEAR_HELP = (
    "First year when --periods is a count (default: next calendar year, "
    f"{date.today().year + 1})."
)


def next_year() -> int:
    """The default first year: the calendar year after today's."""
    return date.today().year + 1


def parse_periods(text: str, first_year: int | None = None) -> list[str]:
    """The period labels `text` stands for (see the module docstring).

    Args:
        text: what was given to ``--periods``.
        first_year: the first year of a count (default: :func:`next_year`).

    Raises:
        ValueError: saying what is wrong, without naming the option.
    """
    value = text.strip()
    if re.fullmatch("[0-9]+", value) and int(value) <= _MAX_COUNT:
        count = int(value)
        if count < 1:
            raise ValueError("give at least 1 period")
        start = next_year() if first_year is None else first_year
        return [str(start + k) for k in range(count)]
    if re.fullmatch("[0-9]+", value) and len(value) != 4:
        raise ValueError(
            f"{value} is neither a count (at most {_MAX_COUNT}) nor a year (four "
            "digits)"
        )
    if first_year is not None:
        raise ValueError(_FIRST_YEAR_ALONE)
    if (found := _RANGE.fullmatch(value)) is not None:
        first, last = int(found[1]), int(found[2])
        if first > last:
            raise ValueError(f"the range {value} runs backwards; write {last}-{first}")
        return [str(year) for year in range(first, last + 1)]
    labels = [label.strip() for label in value.split(",")]
    if not value or not all(labels):
        raise ValueError(
            "give a count (5), a range of years (2027-2031) or labels separated "
            "by commas (2027,2028,2029); give non-empty labels"
        )
    if len(set(labels)) != len(labels):
        twice = next(label for label in labels if labels.count(label) > 1)
        raise ValueError(f'"{twice}" is given twice; give distinct labels')
    if any(len(label) > MAX_LABEL for label in labels):
        raise ValueError(f"a period label may have at most {MAX_LABEL} characters")
    return labels


_FIRST_YEAR_ALONE = "applies only when --periods is a count (such as 5)"


def _callback(most: int, why: str) -> Callable[..., list[str]]:
    def convert(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
        try:  # --first-year is eager: already read (None when not given)
            labels = parse_periods(value, ctx.params.get("first_year"))
        except ValueError as exc:
            if str(exc) == _FIRST_YEAR_ALONE:
                raise click.BadParameter(
                    f"{exc}; --periods {value} lists its periods",
                    param_hint="'--first-year'",
                ) from None
            raise click.BadParameter(str(exc)) from None
        if len(labels) > most:
            raise click.BadParameter(f"{len(labels):,} periods; {why}")
        return labels

    return convert


def periods_options(
    default: str, most: int, why: str
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--periods`` / ``-t`` (labels, at most `most`: `why`) and ``--first-year``.

    The command receives ``periods`` as a list of labels and ``first_year``.
    """
    first_year = click.option(
        "--first-year",
        type=click.IntRange(1000, 9999),
        default=None,
        is_eager=True,  # read before --periods, whatever the order typed
        metavar="YEAR",
        help=FIRST_YEAR_HELP,
    )
    periods = click.option(
        "--periods",
        "-t",
        default=default,
        show_default=True,
        metavar="N|FIRST-LAST|LABELS",
        callback=_callback(most, why),
        help=PERIODS_HELP,
    )

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        return periods(first_year(func))

    return decorate
