"""What the desk shows, read from the engine's outputs – scoped to the user's regions here.

Every function takes the requesting user and the county and raises ``PermissionDenied`` (HTTP
403) unless :func:`lofte.web.accounts.roles.require_region` allows it, so that no view can forget
the check. Patients appear only as a short pseudonym (the first characters of the stored
HMAC pseudonym), with the delivery, file and line where the coordinator finds them in the file
she delivered. Nothing here writes to the engine outputs.

The lists (SPEC §1, issue 4):

- ``outside``: closed pathways whose lead time exceeds the target (``within`` is false);
- ``overdue``: ongoing pathways whose waiting time at the region's cut-off already exceeds the
  *longest* basic lead time of the pathway's SVF version in force on the cut-off date – whatever
  the treatment turns out to be, the pathway will miss its target;
- ``coding``: the engine's event warnings (duplicate starts, orphan events, events after the
  end, *slut före start*) on events the region delivered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from lofte import config
from lofte.cube import service as cube_service
from lofte.svf.models import Delivery
from lofte.web.accounts.roles import pathways_of, require_region

#: Characters of the pseudonym shown (64 hex characters are stored).
PSEUDONYM_CHARS = 12


@dataclass(frozen=True)
class Column:
    key: str
    label_sv: str
    label_en: str


@dataclass(frozen=True)
class ListKind:
    slug: str
    title_sv: str
    title_en: str
    description_sv: str
    columns: tuple[Column, ...]


_PATIENT = (
    Column("pseudonym", "Pseudonym", "Pseudonym"),
    Column("pathway", "Vårdförlopp", "Pathway"),
)
_SOURCE = (
    Column("delivery_id", "Leverans", "Delivery"),
    Column("file_name", "Fil", "File"),
    Column("line", "Rad", "Line"),
)

LISTS: dict[str, ListKind] = {
    "utanfor-ledtid": ListKind(
        "utanfor-ledtid",
        "Förlopp utanför ledtiden",
        "Pathways outside the lead time",
        "Avslutade förlopp vars ledtid från start (10) till behandling är längre än målet.",
        (
            *_PATIENT,
            Column("start_date", "Start", "Start"),
            Column("end_date", "Avslut", "End"),
            Column("treatment", "Behandling", "Treatment"),
            Column("lead_time_days", "Ledtid (dagar)", "Lead time (days)"),
            Column("target_days", "Mål (dagar)", "Target (days)"),
            *_SOURCE,
            Column("end_line", "Rad (avslut)", "Line (end)"),
        ),
    ),
    "pagaende-over-malet": ListKind(
        "pagaende-over-malet",
        "Pågående förlopp över målet",
        "Ongoing pathways past their target",
        "Pågående förlopp vars väntetid vid leveransens slutdatum redan är längre än förloppets "
        "längsta ledtidsmål.",
        (
            *_PATIENT,
            Column("start_date", "Start", "Start"),
            Column("cutoff", "Mätt till", "Measured to"),
            Column("waiting_days", "Väntat (dagar)", "Waited (days)"),
            Column("target_days", "Längsta mål (dagar)", "Longest target (days)"),
            *_SOURCE,
        ),
    ),
    "kodningsproblem": ListKind(
        "kodningsproblem",
        "Kodningsproblem",
        "Coding problems",
        "Händelser som motorn flaggat: dubbla starter, händelser utan start, händelser efter "
        "avslut och slut före start.",
        (
            *_PATIENT,
            Column("kva", "KVÅ", "KVÅ"),
            Column("event_date", "Datum", "Date"),
            Column("problem", "Problem", "Problem"),
            *_SOURCE,
        ),
    ),
}

FLAG_LABELS = {
    "duplicate_start": "dubbel start (10) i pågående förlopp",
    "orphan": "händelse utan start (10)",
    "after_end": "händelse efter avslutat förlopp",
    "end_before_start": "slut före start",
}


class NotComputed(Exception):
    """The engine has not been run yet (no instances file)."""


def _short(pseudonym: str | None) -> str:
    return (pseudonym or "")[:PSEUDONYM_CHARS]


def _file_names(ids: set[int]) -> dict[int, str]:
    return dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "file_name"))


def _longest_targets(catalog: Any) -> pa.Table:
    rows = catalog.lead_time_rows()
    return pa.table(
        {
            "pathway": pa.array([r[0] for r in rows], pa.string()),
            "valid_from": pa.array([r[1] for r in rows], pa.date32()),
            "valid_to": pa.array([r[2] for r in rows], pa.date32()),
            "basic_days": pa.array([r[4] for r in rows], pa.int32()),
        }
    )


def _query(sql: str, params: list[Any], **tables: pa.Table) -> list[dict[str, Any]]:
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.sql(sql, params=params).to_arrow_table().to_pylist()
    finally:
        con.close()


def _instances_file() -> str:
    path = cube_service.instances_path()
    if not path.exists():
        raise NotComputed()
    return str(path)


def outside_lead_time(user: Any, region: str) -> list[dict[str, Any]]:
    require_region(user, region)
    rows = _query(
        "SELECT patient, pathway, start_date, end_date, treatment, lead_time_days, target_days, "
        "start_delivery_id AS delivery_id, start_line AS line, end_delivery_id, end_line "
        "FROM read_parquet(?) WHERE start_region = ? AND status = 'closed' AND NOT within "
        "ORDER BY end_date DESC, pathway, patient",
        [_instances_file(), region],
    )
    return _finish(rows, user)


def ongoing_past_target(user: Any, region: str) -> list[dict[str, Any]]:
    require_region(user, region)
    from lofte.catalog import load

    rows = _query(
        "WITH targets AS (SELECT i.patient, i.pathway, i.instance_no, MAX(t.basic_days) AS days "
        "  FROM read_parquet(?) AS i JOIN lead AS t ON t.pathway = i.pathway "
        "   AND t.valid_from <= i.cutoff AND (t.valid_to IS NULL OR i.cutoff < t.valid_to) "
        "  WHERE i.start_region = ? AND i.status = 'ongoing' AND t.basic_days IS NOT NULL "
        "  GROUP BY ALL) "
        "SELECT i.patient, i.pathway, i.start_date, i.cutoff, i.waiting_days, "
        "  t.days AS target_days, i.start_delivery_id AS delivery_id, i.start_line AS line "
        "FROM read_parquet(?) AS i JOIN targets AS t USING (patient, pathway, instance_no) "
        "WHERE i.start_region = ? AND i.status = 'ongoing' AND i.waiting_days > t.days "
        "ORDER BY i.waiting_days DESC, i.pathway, i.patient",
        [_instances_file(), region, _instances_file(), region],
        lead=_longest_targets(load()),
    )
    return _finish(rows, user)


def coding_problems(user: Any, region: str) -> list[dict[str, Any]]:
    require_region(user, region)
    flags = cube_service.event_flags_path()
    if not flags.exists():
        raise NotComputed()
    deliveries = list(
        Delivery.objects.filter(region=region, status=Delivery.Status.ACTIVE)
        .exclude(events_path="")
        .values_list("pk", "events_path")
    )
    if not deliveries:
        return []
    files = [str(config.home() / path) for _, path in deliveries]
    rows = _query(
        "SELECT e.patient, f.pathway, f.suffix, f.event_date, f.flag, f.delivery_id, f.line "
        "FROM read_parquet(?) AS f "
        "JOIN read_parquet(?) AS e USING (delivery_id, line) "
        "ORDER BY f.delivery_id, f.line, f.flag",
        [str(flags), files],
    )
    from lofte.catalog import load

    catalog = load()
    for row in rows:
        prefix = catalog.pathway(row["pathway"]).kva_prefix or ""
        row["kva"] = f"{prefix}{row.pop('suffix'):02d}"
        row["problem"] = FLAG_LABELS.get(row.pop("flag"), "okänt")
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
    return rows


READERS = {
    "utanfor-ledtid": outside_lead_time,
    "pagaende-over-malet": ongoing_past_target,
    "kodningsproblem": coding_problems,
}


def patient_list(user: Any, region: str, slug: str) -> list[dict[str, Any]]:
    """One of :data:`LISTS` for ``region`` (KeyError for an unknown list)."""
    return READERS[slug](user, region)


def cell(value: Any) -> str:
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
    path = cube_service.cube_path()
    if not path.exists():
        raise NotComputed()
    table = pq.read_table(
        path,
        filters=[
            ("region", "=", region),
            ("pathway", "=", pathway),
            ("treatment", "=", "alla"),
            ("period_type", "=", period_type),
        ],
        columns=[
            "indicator",
            "region_basis",
            "period",
            "numerator",
            "denominator",
            "value",
            "suppressed",
            "target",
            "target_high",
            "meets_target",
        ],
    )
    cells = [c for c in table.to_pylist() if c["region_basis"] in (basis, None)]
    latest = sorted({c["period"] for c in cells})[-periods:]
    from lofte.catalog import load

    catalog = load()
    by_indicator: dict[str, dict[str, Any]] = {}
    for c in cells:
        if c["period"] not in latest:
            continue
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
    rows = sorted(by_indicator.values(), key=lambda r: r["indicator"])
    for row in rows:
        row["ordered"] = [row["cells"].get(p) for p in latest]
    return {"periods": latest, "rows": rows}
