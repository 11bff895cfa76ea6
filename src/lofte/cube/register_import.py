"""Importing the cancer register's new cases (*nya cancerfall*, SPEC §6).

CSV with the header ``region,period,pathway,new_cases`` — or ``icd10`` instead of ``pathway``,
mapped to the pathway by the catalogue — and monthly (``2024-03``) or yearly (``2024``) periods.
The whole file is checked first; any error rejects it with a located Swedish message and nothing
is changed. A valid file replaces the counts of the (region, period, pathway) cells it contains.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lofte.catalog import Catalog, load
from lofte.core import periods
from lofte.cube.models import RegisterCount, RegisterImport
from lofte.svf.reader import DeliveryFileError, read_csv_table

REQUIRED = ("region", "period", "new_cases")
MAX_REPORTED = 50


@dataclass
class RowError:
    line: int
    column: str
    value: str
    reason: str

    def message(self, file_name: str) -> str:
        return f"{file_name}, rad {self.line}, kolumn {self.column}: '{self.value}' – {self.reason}"


class RegisterFileError(ValueError):
    """The file was rejected; ``errors`` are the located row errors (may be empty)."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


def parse(path: Path, catalog: Catalog | None = None) -> list[tuple[str, str, str, int]]:
    """Validated (county, period, pathway, new_cases) rows; raises RegisterFileError."""
    catalog = catalog or load()
    try:
        header, reader = read_csv_table(path.read_bytes())
    except DeliveryFileError as exc:
        raise RegisterFileError(f"{path.name}: {exc}") from None
    missing = [c for c in REQUIRED if c not in header]
    if "pathway" not in header and "icd10" not in header:
        missing.append("pathway (eller icd10)")
    if missing:
        raise RegisterFileError(
            f"{path.name}, rad 1: kolumn saknas: {', '.join(missing)} "
            "(förväntat region,period,pathway,new_cases)"
        )
    col = {name: header.index(name) for name in header}
    counties = {r.code for r in catalog.counties()}
    rows: dict[tuple[str, str, str], int] = defaultdict(int)
    errors: list[RowError] = []
    for record in reader:
        line_no = reader.line_num
        if not any(v.strip() for v in record):
            continue
        if len(record) != len(header):
            errors.append(RowError(line_no, "-", "", f"{len(record)} fält, väntade {len(header)}"))
            continue
        value = {name: record[i].strip() for name, i in col.items()}
        region, period, count = value["region"], value["period"], value["new_cases"]
        if region not in counties:
            errors.append(RowError(line_no, "region", region, "okänd länskod"))
        try:
            kind = periods.parse(period).kind
            if kind not in ("month", "year"):
                errors.append(RowError(line_no, "period", period, "ange månad eller år"))
        except ValueError:
            errors.append(
                RowError(line_no, "period", period, "ogiltig period (YYYY-MM eller YYYY)")
            )
        if value.get("pathway"):
            pathway = value["pathway"]
            if pathway not in catalog.pathways:
                errors.append(RowError(line_no, "pathway", pathway, "okänt vårdförlopp"))
        else:
            found = catalog.pathway_by_icd10(value.get("icd10", ""))
            pathway = found.id if found else ""
            if found is None:
                errors.append(
                    RowError(line_no, "icd10", value.get("icd10", ""), "ingen SVF täcker koden")
                )
        if not count.isdigit():
            errors.append(RowError(line_no, "new_cases", count, "måste vara ett heltal ≥ 0"))
        if not errors or errors[-1].line != line_no:
            rows[(region, period, pathway)] += int(count)
    if errors:
        shown = "\n".join(e.message(path.name) for e in errors[:MAX_REPORTED])
        more = (
            f"\n… och {len(errors) - MAX_REPORTED} fel till" if len(errors) > MAX_REPORTED else ""
        )
        raise RegisterFileError(
            f"{path.name} avvisades: {len(errors)} fel, inget importerades.\n{shown}{more}", errors
        )
    return [(r, p, pw, n) for (r, p, pw), n in sorted(rows.items())]


def import_register(path: Path, user: str = "") -> RegisterImport:
    """Validate and store a register file; a valid file replaces the cells it contains."""
    rows = parse(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        batch = RegisterImport.objects.create(
            file_name=path.name, sha256=digest, rows=len(rows), created_by=user
        )
        existing = {
            (c.region, c.period, c.pathway): c
            for c in RegisterCount.objects.filter(region__in={r[0] for r in rows})
        }
        new, changed = [], []
        for region, period, pathway, n in rows:
            cell = existing.get((region, period, pathway))
            if cell is None:
                new.append(
                    RegisterCount(
                        region=region, period=period, pathway=pathway, new_cases=n, source=batch
                    )
                )
            else:
                cell.new_cases, cell.source = n, batch
                changed.append(cell)
        RegisterCount.objects.bulk_create(new, batch_size=5_000)
        RegisterCount.objects.bulk_update(changed, ["new_cases", "source"], batch_size=5_000)
    return batch
