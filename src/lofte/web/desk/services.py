"""What the desk shows, read from the engine's outputs – scoped to the user's regions here.

Every function takes the requesting user and the county and raises ``PermissionDenied`` (HTTP
403) unless :func:`lofte.web.roles.require_region` allows it, so that no view can forget
the check. Patients appear only as a short pseudonym (the first characters of the stored
HMAC pseudonym), with the delivery, file and line where the coordinator finds them in the file
she delivered. Nothing here writes to the engine outputs.

The lists (SPEC §1, issue 4):

- ``outside``: closed pathways whose lead time exceeds the target (``within`` is false);
- ``overdue``: ongoing pathways whose waiting time at the region's cut-off already exceeds the
  *longest* lead time that rule 10 could give them on the cut-off date (the SVF version in force
  then, extended days where the pathway has its extended marker) – whatever the treatment turns
  out to be, the pathway will miss its target (:mod:`lofte.svf.waiting`);
- ``warning`` (*snart över målet*, issue 16): ongoing pathways that pass that target within the
  next 7 or 14 days unless treatment starts, sorted by the days left; also open to process
  leaders, for their pathways;
- ``coding``: the engine's event warnings (duplicate starts, orphan events, events after the
  end, *slut före start*) on events the region delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lofte import config
from lofte.core import event_flags
from lofte.cube import desk as cube_desk
from lofte.svf import waiting
from lofte.svf.models import Delivery
from lofte.web.roles import pathways_of, require_region

#: Characters of the pseudonym shown (64 hex characters are stored).
PSEUDONYM_CHARS = 12


@dataclass(frozen=True)
class Column:
    """A column of a patient list: the row's key and the heading (Swedish, for gettext)."""

    key: str
    label: Promise


@dataclass(frozen=True)
class ListKind:
    """A patient list of the desk: its slug, title, description (for gettext) and columns."""

    slug: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    #: Process leaders may see it too (their pathways of their counties), not only the desk.
    process_leaders: bool = False
    #: The list is for a horizon in days (:data:`lofte.svf.waiting.HORIZONS`).
    horizon: bool = False


_PATIENT = (
    Column("pseudonym", pgettext_lazy("desk column", "Pseudonym")),
    Column("pathway", pgettext_lazy("desk column", "Vårdförlopp")),
)
_SOURCE = (
    Column("delivery_id", pgettext_lazy("desk column", "Leverans")),
    Column("file_name", pgettext_lazy("desk column", "Fil")),
    Column("line", pgettext_lazy("desk column", "Rad")),
)

LISTS: dict[str, ListKind] = {
    "utanfor-ledtid": ListKind(
        "utanfor-ledtid",
        _("Förlopp utanför ledtiden"),
        _("Avslutade förlopp vars ledtid från start (10) till behandling är längre än målet."),
        (
            *_PATIENT,
            Column("start_date", pgettext_lazy("desk column", "Start")),
            Column("end_date", pgettext_lazy("desk column", "Avslut")),
            Column("treatment", pgettext_lazy("desk column", "Behandling")),
            Column("lead_time_days", pgettext_lazy("desk column", "Ledtid (dagar)")),
            Column("target_days", pgettext_lazy("desk column", "Mål (dagar)")),
            *_SOURCE,
            Column("end_line", pgettext_lazy("desk column", "Rad (avslut)")),
        ),
    ),
    "pagaende-over-malet": ListKind(
        "pagaende-over-malet",
        _("Pågående förlopp över målet"),
        _(
            "Pågående förlopp vars väntetid vid leveransens slutdatum redan är längre än "
            "förloppets längsta ledtidsmål."
        ),
        (
            *_PATIENT,
            Column("start_date", pgettext_lazy("desk column", "Start")),
            Column("cutoff", pgettext_lazy("desk column", "Mätt till")),
            Column("waiting_days", pgettext_lazy("desk column", "Väntat (dagar)")),
            Column("target_days", pgettext_lazy("desk column", "Längsta mål (dagar)")),
            *_SOURCE,
        ),
    ),
    "snart-over-malet": ListKind(
        "snart-over-malet",
        _("Snart över målet"),
        _(
            "Pågående förlopp som passerar sitt ledtidsmål inom de närmaste dagarna om "
            "behandlingen inte startar. Målet är det längsta som SVF-versionen som gäller ger "
            "förloppet (med utökad utredning där förloppet har den). Dagar kvar räknas från "
            "leveransens slutdatum; 0 betyder att sista dagen inom målet är slutdatumet självt."
        ),
        (
            *_PATIENT,
            Column("start_date", pgettext_lazy("desk column", "Start")),
            Column("cutoff", pgettext_lazy("desk column", "Mätt till")),
            Column("waiting_days", pgettext_lazy("desk column", "Väntat (dagar)")),
            Column("target_days", pgettext_lazy("desk column", "Mål (dagar)")),
            Column("days_left", pgettext_lazy("desk column", "Dagar kvar")),
            Column("last_day", pgettext_lazy("desk column", "Sista dag inom målet")),
            *_SOURCE,
        ),
        process_leaders=True,
        horizon=True,
    ),
    "kodningsproblem": ListKind(
        "kodningsproblem",
        _("Kodningsproblem"),
        _(
            "Händelser som motorn flaggat: dubbla starter, händelser utan start, händelser efter "
            "avslut och slut före start."
        ),
        (
            *_PATIENT,
            Column("kva", pgettext_lazy("desk column", "KVÅ")),
            Column("event_date", pgettext_lazy("desk column", "Datum")),
            Column("problem", pgettext_lazy("desk column", "Problem")),
            *_SOURCE,
        ),
    ),
}

#: The engine has not been run yet (no instances, event-flags or cube file).
NotComputed = cube_desk.NotComputed


def computed() -> bool:
    """Whether the engine has run (the desk's lists then read its outputs)."""
    return cube_desk.computed()


def _short(pseudonym: str | None) -> str:
    return (pseudonym or "")[:PSEUDONYM_CHARS]


def _file_names(ids: set[int]) -> dict[int, str]:
    return dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "file_name"))


def outside_lead_time(user: Any, region: str) -> list[dict[str, Any]]:
    """Closed pathways of ``region`` whose lead time exceeds the target."""
    require_region(user, region)
    return _finish(cube_desk.closed_outside_target(region), user)


def ongoing_past_target(user: Any, region: str) -> list[dict[str, Any]]:
    """Ongoing pathways of ``region`` already past their longest target, longest wait first."""
    require_region(user, region)
    from lofte.catalog import load

    catalog = load()
    rows = []
    for row in cube_desk.ongoing(region):
        start, cutoff, extended = row["start_date"], row["cutoff"], row.pop("extended_date")
        if waiting.over_target(catalog, row["pathway"], start, cutoff, extended):
            row["target_days"] = waiting.target_on(catalog, row["pathway"], cutoff, extended)
            rows.append(row)
    rows.sort(key=lambda r: (-r["waiting_days"], r["pathway"], r["patient"]))
    return _finish(rows, user)


def about_to_pass(user: Any, region: str, horizon: int = waiting.HORIZONS[-1]) -> list[dict]:
    """Ongoing pathways of ``region`` that pass their target within ``horizon`` days of the
    cut-off unless treatment starts, fewest days left first (the user's pathways only)."""
    require_region(user, region)
    if horizon not in waiting.HORIZONS:
        raise ValueError(f"horizon {horizon}")
    from lofte.catalog import load

    catalog = load()
    allowed = pathways_of(user)
    rows = []
    for row in cube_desk.ongoing(region):
        if allowed is not None and row["pathway"] not in allowed:
            continue
        found = waiting.early_warning(
            catalog,
            row["pathway"],
            row["start_date"],
            row["cutoff"],
            row.pop("extended_date"),
            horizon,
        )
        if found is not None:
            row.update(
                days_left=found.days_left, last_day=found.last_day, target_days=found.target_days
            )
            rows.append(row)
    rows.sort(key=lambda r: (r["days_left"], r["pathway"], r["patient"], r["instance_no"]))
    return _finish(rows, user)


@dataclass(frozen=True)
class WarningCount:
    """Per pathway: ongoing pathways passing the target within each horizon, and past it."""

    pathway: str
    name: str
    within: dict[int, int]
    over: int


def warning_counts(user: Any, region: str) -> list[WarningCount]:
    """For the desk's start page: per pathway of the user's scope with any such pathway, how
    many pass their target within 7 and within 14 days, and how many are past it already."""
    require_region(user, region)
    from lofte.catalog import load

    catalog = load()
    allowed = pathways_of(user)
    counts: dict[str, dict[int, int]] = {}
    over: dict[str, int] = {}
    for row in cube_desk.ongoing(region):
        pathway = row["pathway"]
        if allowed is not None and pathway not in allowed:
            continue
        args = (catalog, pathway, row["start_date"], row["cutoff"], row["extended_date"])
        if waiting.over_target(*args):
            over[pathway] = over.get(pathway, 0) + 1
            continue
        found = waiting.early_warning(*args, waiting.HORIZONS[-1])
        if found is None:
            continue
        within = counts.setdefault(pathway, dict.fromkeys(waiting.HORIZONS, 0))
        for horizon in waiting.HORIZONS:
            if found.days_left < horizon:
                within[horizon] += 1
    out = []
    for pathway in sorted({*counts, *over}, key=lambda p: catalog.pathways[p].name_sv):
        out.append(
            WarningCount(
                pathway,
                catalog.pathways[pathway].name_sv,
                counts.get(pathway, dict.fromkeys(waiting.HORIZONS, 0)),
                over.get(pathway, 0),
            )
        )
    return out


def coding_problems(user: Any, region: str) -> list[dict[str, Any]]:
    """The engine's event warnings on the events ``region`` delivered."""
    require_region(user, region)
    paths = (
        Delivery.objects.filter(region=region, status=Delivery.Status.ACTIVE)
        .exclude(events_path="")
        .values_list("events_path", flat=True)
    )
    rows = cube_desk.flagged_events([config.home() / path for path in paths])
    if not rows:
        return []
    from lofte.catalog import load

    catalog = load()
    language = translation.get_language() or "sv"
    for row in rows:
        prefix = catalog.pathway(row["pathway"]).kva_prefix or ""
        row["kva"] = f"{prefix}{row.pop('suffix'):02d}"
        row["problem"] = event_flags.label(row.pop("flag"), language)
    return _finish(rows, user)


TREATMENT_LABELS = {
    "kirurgi": "kirurgi",
    "lakemedel": "läkemedel",
    "stralning": "strålning",
    "palliativ": "palliativ",
    "annan": "annan behandling",
    "expektans": "exspektans",
    "ingen_atgard": "ingen ytterligare åtgärd",
    "avslutande_samtal": "avslutande samtal",
    "avslut": "avslut",
}


def _finish(rows: list[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """Keep the rows of the user's pathways; short pseudonyms, names and file names."""
    from lofte.catalog import load

    catalog = load()
    allowed = pathways_of(user)
    if allowed is not None:
        rows = [r for r in rows if r["pathway"] in allowed]
    names = _file_names({r["delivery_id"] for r in rows if r.get("delivery_id") is not None})
    for row in rows:
        row["pseudonym"] = _short(row.pop("patient"))
        if row.get("pathway") in catalog.pathways:
            row["pathway"] = catalog.pathways[row["pathway"]].name_sv
        if row.get("treatment") is not None:
            row["treatment"] = TREATMENT_LABELS.get(row["treatment"], row["treatment"])
        row["file_name"] = names.get(row["delivery_id"], "")
        row.pop("end_delivery_id", None)
        row.pop("instance_no", None)
    return rows


READERS: dict[str, Any] = {
    "utanfor-ledtid": outside_lead_time,
    "pagaende-over-malet": ongoing_past_target,
    "snart-over-malet": about_to_pass,
    "kodningsproblem": coding_problems,
}


def patient_list(
    user: Any, region: str, slug: str, horizon: int | None = None
) -> list[dict[str, Any]]:
    """One of :data:`LISTS` for ``region`` (KeyError for an unknown list); ``horizon`` (days)
    for a list that has one."""
    if LISTS[slug].horizon:
        return READERS[slug](user, region, horizon or waiting.HORIZONS[-1])
    return READERS[slug](user, region)


def cell(value: Any) -> str:
    """A list value as text for a table or CSV cell (dates ISO, None empty)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- internal figures ---------------------------------------------------------------------

#: Period types of the cube, with their Swedish labels.
PERIOD_TYPES = {"half": _("halvår"), "year": _("år"), "quarter": _("kvartal"), "month": _("månad")}
#: Region bases: the region that closed the pathway, or the patient's home region.
BASES = {"avslutande": _("avslutande region"), "bostad": _("hemregion (länstillhörighet)")}


def internal_figures(
    user: Any,
    region: str,
    *,
    pathway: str = "alla",
    period_type: str = "half",
    basis: str = "avslutande",
    periods: int = 4,
) -> dict[str, Any]:
    """The region's unsuppressed cube cells (all treatments), the latest ``periods`` periods.

    Returns ``{"periods": [...], "rows": [{"indicator", "name", "cells": {period: cell}}]}``;
    each cell has numerator, denominator, value, target, meets_target and ``suppressed`` (what
    a public output would blank). Raises :class:`NotComputed` before the first compute.
    """
    require_region(user, region)
    allowed = pathways_of(user)
    if allowed is not None and pathway not in allowed:
        raise PermissionDenied(f"ingen behörighet för vårdförloppet {pathway}")
    cells = [
        c
        for c in cube_desk.region_cells(region, pathway, period_type)
        if c["region_basis"] in (basis, None)
    ]
    latest = sorted({c["period"] for c in cells})[-periods:]
    rows = _figure_rows([c for c in cells if c["period"] in latest])
    for row in rows:
        row["ordered"] = [row["cells"].get(p) for p in latest]
    return {"periods": latest, "rows": rows}


def _figure_rows(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per indicator (by code) with its name, unit and cells by period."""
    from lofte.catalog import load

    catalog = load()
    by_indicator: dict[str, dict[str, Any]] = {}
    for c in cells:
        code = c["indicator"]
        try:
            indicator = catalog.indicator(code)
            name, unit = indicator.name_sv, indicator.unit
        except KeyError:
            name, unit = code, ""
        row = by_indicator.setdefault(
            code, {"indicator": code, "name": name, "unit": unit, "cells": {}}
        )
        row["cells"][c["period"]] = c
    return sorted(by_indicator.values(), key=lambda r: r["indicator"])
