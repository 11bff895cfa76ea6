"""Waiting against the target: SPEC §4 rule 10 applied to pathways that are still open.

An ongoing pathway has no end suffix yet, so its target is the longest that rule 10 could give
it were it closed on a given day (:meth:`lofte.catalog.Catalog.ongoing_target_days`): the
version in force on that day, extended days where the pathway had its extended marker by then.
Past that target it misses the lead time whatever the treatment turns out to be. The desk's
lists, the early warning and the reference engine's *väntande över ledtid* all use these
functions; the cube engine states the same condition in ``cube/sql/waiting.sql``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lofte.catalog import Catalog

#: The early warning's horizons in days (the desk offers 7 and 14).
HORIZONS = (7, 14)


def target_on(
    catalog: Catalog, pathway: str, day: dt.date, extended_date: dt.date | None
) -> int | None:
    """The target (days) of an open pathway on ``day``, or None when it has none."""
    extended = extended_date is not None and extended_date <= day
    return catalog.ongoing_target_days(pathway, day, extended)


def over_target(
    catalog: Catalog,
    pathway: str,
    start: dt.date,
    day: dt.date,
    extended_date: dt.date | None,
) -> bool:
    """Whether a pathway started on ``start`` and still open at the end of ``day`` has waited
    longer than its target on that day (a lead time equal to the target is within it)."""
    target = target_on(catalog, pathway, day, extended_date)
    return target is not None and (day - start).days > target


def shortest_target(catalog: Catalog, pathway: str) -> int | None:
    """The shortest target an open pathway of ``pathway`` can have on any day (any version,
    with or without the extended marker); None when it never has one."""
    days = [
        catalog.ongoing_target_days(pathway, version.valid_from, extended)
        for version in catalog.pathway(pathway).lead_times
        for extended in (False, True)
    ]
    known = [d for d in days if d is not None]
    return min(known) if known else None


@dataclass(frozen=True)
class Warning:
    """An ongoing pathway that passes its target soon: treatment must start by ``last_day``
    (``days_left`` days after the cut-off; 0: on the cut-off day itself) to be within it;
    ``target_days`` is the target it passes the day after."""

    days_left: int
    last_day: dt.date
    target_days: int


def early_warning(
    catalog: Catalog,
    pathway: str,
    start: dt.date,
    cutoff: dt.date,
    extended_date: dt.date | None,
    horizon: int,
) -> Warning | None:
    """The warning for a pathway open at ``cutoff`` that will pass its target within the next
    ``horizon`` days unless treatment starts; None if it is past it already, has no target or
    stays within it longer. Day by day, so that a version change inside the horizon counts
    exactly as rule 10 would count a treatment started that day."""
    shortest = shortest_target(catalog, pathway)
    if shortest is None or (cutoff - start).days + horizon <= shortest:
        return None  # not even the shortest target of any version can be passed in time
    if over_target(catalog, pathway, start, cutoff, extended_date):
        return None
    for ahead in range(1, horizon + 1):
        day = cutoff + dt.timedelta(days=ahead)
        if over_target(catalog, pathway, start, day, extended_date):
            target = target_on(catalog, pathway, day, extended_date)
            assert target is not None  # over_target found one
            return Warning(ahead - 1, day - dt.timedelta(days=1), target)
    return None
