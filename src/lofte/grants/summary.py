"""The year's summary for Socialstyrelsen (SPEC §11): per area the pool, granted amounts per
region, the applications per status and every grant, as an XLSX workbook.

Text cells are always written as text: a title such as ``=HYPERLINK(…)`` from an application stays
a string and never becomes a spreadsheet formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from lofte.core.spreadsheet import neutralise
from lofte.grants import ledger
from lofte.grants.models import Application, LedgerEntry

SHEETS = {
    "Potter": ["Område", "År", "Budget", "Beviljat", "Utbetalt", "Återstår", "Avvikelser"],
    "Beviljat per region": ["Område", "Region", "Beviljat", "Antal beslut"],
    "Ansökningar": ["Område", "Status", "Antal", "Sökt", "Beviljat"],
    "Beviljade poster": ["Område", "Benämning", "Region", "Belopp", "Dispens (skäl)"],
    # Issue 16: the what-if results the granted projects cite (public figures, as cited).
    "Underlag vad händer om": [
        "Område",
        "Projekt",
        "Sjukvårdsregion",
        "Vårdförlopp",
        "Halvår",
        "Steg",
        "Dagar fortare",
        "Förlopp",
        "Inom ledtiden, utfall",
        "Inom ledtiden, scenario",
        "Beräknat",
    ],
}


def rows(year: int) -> dict[str, list[list[Any]]]:
    """The tables of the summary, header first."""
    pools = [
        [r.area, r.year, r.budget, r.granted, r.paid, r.remaining, "\n".join(r.problems)]
        for r in ledger.ledger(year)
    ]
    per_region = [
        [e["pool__area"], e["region"] or "ej angiven", e["total"], e["n"]]
        for e in LedgerEntry.objects.filter(pool__year=year, kind=LedgerEntry.Kind.GRANT)
        .values("pool__area", "region")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("pool__area", "region")
    ]
    labels = dict(Application.Status.choices)
    applications = [
        [a["area"], str(labels.get(a["status"], a["status"])), a["n"], a["req"], a["dec"] or 0]
        for a in Application.objects.filter(call__year=year)
        .values("area", "status")
        .annotate(n=Count("id"), req=Sum("requested"), dec=Sum("decided_amount"))
        .order_by("area", "status")
    ]
    entries = [
        [e.pool.area, e.label, e.region, e.amount, e.override_reason]
        for e in LedgerEntry.objects.filter(pool__year=year, kind=LedgerEntry.Kind.GRANT)
        .select_related("pool")
        .order_by("pool__area", "id")
    ]
    tables = (pools, per_region, applications, entries, _whatif_rows(year))
    return {
        name: [header, *table] for (name, header), table in zip(SHEETS.items(), tables, strict=True)
    }


def _whatif_rows(year: int) -> list[list[Any]]:
    from lofte.cube.whatif import STEPS
    from lofte.grants.followup import FUNDED
    from lofte.grants.models import WhatIfCitation

    return [
        [
            c.application.area,
            c.application.title,
            c.region,
            c.pathway,
            c.period,
            STEPS[c.interval].name_in("sv") if c.interval < len(STEPS) else "",
            c.days,
            c.n,
            c.within_before,
            c.within_after,
            timezone.localdate(c.computed_at).isoformat() if c.computed_at else "",
        ]
        for c in WhatIfCitation.objects.filter(
            application__call__year=year, application__status__in=FUNDED
        )
        .select_related("application")
        .order_by("application__area", "application_id", "id")
    ]


def write_xlsx(year: int, path: Path) -> dict[str, int]:
    """Write the workbook; returns the number of data rows per sheet."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    counts = {}
    for name, table in rows(year).items():
        sheet = wb.create_sheet(name)
        for values in table:
            cells = []
            for value in values:
                # formula-like text gets its apostrophe (the one rule of every CSV/XLSX writer)
                cell = WriteOnlyCell(sheet, value=neutralise(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # stored as text, so nothing is ever evaluated
                cells.append(cell)
            sheet.append(cells)
        counts[name] = len(table) - 1
    wb.save(path)
    return counts
