"""Periods in words, for people: "andra halvåret 2022", "2026 (jan–jun)".

:func:`period_name` is the one place that turns a period label (``2022H2``, see
:mod:`lofte.core.periods`) into Swedish or English words; the results site uses it for every
column, option, axis and caption, and a report can use it too. A period that the data do not
cover to its end (the year 2026 when only its first half has been delivered) is named with the
months it covers, so it never looks like a whole period: :func:`data_end` finds that last day
from the periods present. The words are Swedish message ids of core's gettext catalogue, the
English in ``core/locale/en/LC_MESSAGES/lofte_core.po`` (:mod:`lofte.core.i18n`, ADR 0741).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from lofte.core import periods
from lofte.core.i18n import language, pgettext

#: Month names as Swedish message ids of core's catalogue (:mod:`lofte.core.i18n`): the short
#: form for chart axes and spans (context ``month abbreviated``), the long one for text.
_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_MONTHS_LONG = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
#: The halves' and quarters' ordinals (context ``ordinal``).
_ORDINALS = ("första", "andra", "tredje", "fjärde")
#: The sentence patterns (context ``period``), filled in with :meth:`str.format`.
_HALF = "{ordinal} halvåret {year}"
_QUARTER = "{ordinal} kvartalet {year}"
_NO_DATA = "{period} (inga uppgifter)"


def _month(number: int, lang: str, *, short: bool) -> str:
    if short:
        return pgettext("month abbreviated", _MONTHS[number - 1], lang)
    return pgettext("month", _MONTHS_LONG[number - 1], lang)


def _months(first: int, last: int, lang: str) -> str:
    if first == last:
        return _month(first, lang, short=True)
    return f"{_month(first, lang, short=True)}–{_month(last, lang, short=True)}"


def is_complete(label: str, data_end: datetime.date | None) -> bool:
    """Whether the data reach the last day of the period (unknown ``data_end``: assume so)."""
    return data_end is None or periods.parse(label).end <= data_end


def period_name(
    label: str, lang: str = "sv", *, data_end: datetime.date | None = None, short: bool = False
) -> str:
    """The period in words, marked with the months covered when the data end inside it.

    ``short`` gives the compact form for chart axes (``jul–dec 2022``); the long form is for
    text and tables (``andra halvåret 2022``, ``second half of 2022``). A label that is not a
    period is returned unchanged.
    """
    lang = language(lang)
    try:
        period = periods.parse(label)
    except ValueError:
        return label
    year = period.start.year
    first, last = period.start.month, period.end.month
    if period.kind == "year":
        text = str(year)
    elif period.kind == "month":
        text = f"{_month(first, lang, short=short)} {year}"
    elif short:
        text = f"{_months(first, last, lang)} {year}"
    else:
        number = (first - 1) // (last - first + 1)
        ordinal = pgettext("ordinal", _ORDINALS[number], lang)
        pattern = _HALF if period.kind == "half" else _QUARTER
        text = pgettext("period", pattern, lang).format(ordinal=ordinal, year=year)
    if is_complete(label, data_end) or period.kind == "month":
        return text
    assert data_end is not None
    if data_end < period.start:
        return pgettext("period", _NO_DATA, lang).format(period=text)
    return f"{text} ({_months(first, data_end.month, lang)})"


def data_end(labels_by_kind: Mapping[str, Iterable[str]]) -> datetime.date | None:
    """The last day the data cover: the end of the newest period of the finest kind present.

    The newest year may be only partly delivered; its newest month (or quarter, or half) ends
    where the data end. ``None`` when there are no periods.
    """
    for kind in reversed(periods.KINDS):  # month, quarter, half, year
        newest = max(labels_by_kind.get(kind, ()), default=None)
        if newest is not None:
            try:
                return periods.parse(newest).end
            except ValueError:
                return None
    return None
