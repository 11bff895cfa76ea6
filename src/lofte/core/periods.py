"""Reporting periods, SPEC §4 rule 12.

Labels: ``2024`` (year), ``2024H1``/``2024H2`` (half), ``2024Q1``…``2024Q4`` (quarter) and
``2024-03`` (month). A period is a closed range of calendar dates; an instance belongs to the
periods that contain its end date. Labels are strict (upper-case ``H``/``Q``, two-digit month,
four-digit year 0001–9999) so that one period has exactly one label.

Internally each period is an ordinal ``year * per_year + (number - 1)`` of its kind, which makes
shifting and ranges plain integer arithmetic.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["year", "half", "quarter", "month"]

KINDS: tuple[Kind, ...] = ("year", "half", "quarter", "month")

_PER_YEAR: dict[str, int] = {"year": 1, "half": 2, "quarter": 4, "month": 12}
_CHILD: dict[str, Kind] = {"year": "half", "half": "quarter", "quarter": "month"}
_PARENT: dict[str, Kind] = {"half": "year", "quarter": "half", "month": "quarter"}

_EXPECTED = "expected YYYY, YYYYH1–H2, YYYYQ1–Q4 or YYYY-MM (e.g. 2024, 2024H1, 2024Q3, 2024-03)"


@dataclass(frozen=True)
class Period:
    """One reporting period: its label, kind and first and last day (both inclusive)."""

    label: str
    kind: Kind
    start: datetime.date
    end: datetime.date


def _bad(label: object) -> ValueError:
    return ValueError(f"invalid period {label!r}: {_EXPECTED}")


def _split(label: str) -> tuple[Kind, int, int]:
    """(kind, year, number within the year: 1-based; 1 for a year)."""
    if not isinstance(label, str) or not 4 <= len(label) <= 7:
        raise _bad(label)
    head, rest = label[:4], label[4:]
    if not (head.isascii() and head.isdigit()) or head == "0000":
        raise _bad(label)
    year = int(head)
    if rest == "":
        return "year", year, 1
    if len(rest) == 2 and rest[0] == "H" and rest[1] in "12":
        return "half", year, int(rest[1])
    if len(rest) == 2 and rest[0] == "Q" and rest[1] in "1234":
        return "quarter", year, int(rest[1])
    if len(rest) == 3 and rest[0] == "-" and rest[1:].isascii() and rest[1:].isdigit():
        month = int(rest[1:])
        if 1 <= month <= 12:
            return "month", year, month
    raise _bad(label)


def _label(kind: Kind, year: int, number: int) -> str:
    if kind == "year":
        return f"{year:04d}"
    if kind == "half":
        return f"{year:04d}H{number}"
    if kind == "quarter":
        return f"{year:04d}Q{number}"
    return f"{year:04d}-{number:02d}"


def _ordinal(kind: Kind, year: int, number: int) -> int:
    return year * _PER_YEAR[kind] + number - 1


def _from_ordinal(kind: Kind, ordinal: int) -> str:
    year, index = divmod(ordinal, _PER_YEAR[kind])
    if not 1 <= year <= 9999:
        raise ValueError(f"period out of range: year {year} is outside 0001–9999")
    return _label(kind, year, index + 1)


@lru_cache(maxsize=8192)
def parse(label: str) -> Period:
    """Parse a period label; raise ValueError with the accepted formats if it is not one."""
    kind, year, number = _split(label)
    months = 12 // _PER_YEAR[kind]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return Period(
        label=label,
        kind=kind,
        start=datetime.date(year, first_month, 1),
        end=datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def labels_for(d: datetime.date) -> tuple[str, str, str, str]:
    """The (year, half, quarter, month) labels of the periods containing ``d``."""
    year, month = d.year, d.month
    return (
        f"{year:04d}",
        f"{year:04d}H{1 if month <= 6 else 2}",
        f"{year:04d}Q{(month - 1) // 3 + 1}",
        f"{year:04d}-{month:02d}",
    )


def children(label: str) -> list[str]:
    """The periods one level down that partition ``label`` (a month has none)."""
    kind, year, number = _split(label)
    child = _CHILD.get(kind)
    if child is None:
        return []
    per_parent = _PER_YEAR[child] // _PER_YEAR[kind]
    first = (number - 1) * per_parent + 1
    return [_label(child, year, first + i) for i in range(per_parent)]


def parent(label: str) -> str | None:
    """The period one level up that contains ``label`` (``None`` for a year)."""
    kind, year, number = _split(label)
    up = _PARENT.get(kind)
    if up is None:
        return None
    per_parent = _PER_YEAR[kind] // _PER_YEAR[up]
    return _label(up, year, (number - 1) // per_parent + 1)


def shift(label: str, n: int) -> str:
    """The period ``n`` periods of the same kind later (earlier for negative ``n``)."""
    kind, year, number = _split(label)
    return _from_ordinal(kind, _ordinal(kind, year, number) + n)


def same_period_previous_year(label: str) -> str:
    """The same half, quarter or month a year earlier (the previous year for a year)."""
    kind, year, number = _split(label)
    if year == 1:
        raise ValueError(f"period out of range: no year before {label!r}")
    return _label(kind, year - 1, number)


def last_complete_half(today: datetime.date) -> str:
    """The latest half-year whose last day is before ``today`` (the day itself is not over)."""
    if today.month >= 7:
        return f"{today.year:04d}H1"
    return f"{today.year - 1:04d}H2"


def range_of(first: str, last: str) -> list[str]:
    """All periods from ``first`` to ``last`` inclusive; both must be of the same kind."""
    kind, year, number = _split(first)
    last_kind, last_year, last_number = _split(last)
    if kind != last_kind:
        raise ValueError(f"period range {first!r}–{last!r} mixes a {kind} and a {last_kind}")
    start = _ordinal(kind, year, number)
    stop = _ordinal(kind, last_year, last_number)
    if stop < start:
        # a reversed range is a caller's mistake, not an empty selection
        raise ValueError(f"period range {first!r}–{last!r} ends before it starts")
    return [_from_ordinal(kind, o) for o in range(start, stop + 1)]


def contains(label: str, d: datetime.date) -> bool:
    """Whether the date ``d`` lies in the period ``label``."""
    period = parse(label)
    return period.start <= d <= period.end
