"""``lofte import grants FILE``: funding sources, pools, grants and stated figures from a CSV.

The file (UTF-8, ``#`` comment lines allowed) has the columns ``kind,year,area,group,label,amount,
key,source``; ``kind`` is one of ``KINDS``. Amounts are whole kronor (digit groups separated by
spaces are accepted: ``6 171 570``). The import is all or nothing: every row is checked first and
any fault rejects the whole file with a located message (file, line, column). Figures that are
valid but do not reconcile – granted above budget, a stated remaining or subtotal that differs –
are imported as written and *listed* (``GrantsImportResult.problems``), never corrected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import transaction

from lofte.cube.register_import import RowError
from lofte.grants import allocation
from lofte.grants.ledger import PoolRow, row
from lofte.grants.models import FundingSource, GrantImport, LedgerEntry, Pool, SpecificationLine

COLUMNS = ("kind", "year", "area", "group", "label", "amount", "key", "source")
KINDS = {
    "funding": "medel för ett år (label = namn, amount, key = fördelningsnyckel)",
    "budget": "en potts budget (year, area, amount)",
    "grant": "beviljat belopp ur en pott",
    "payment": "utbetalt belopp ur en pott",
    "stated_remaining": "återstående belopp som källan anger det",
    "part": "ett delbelopp i en specifikation (group, label, amount)",
    "stated_total": "en specifikationsgrupps angivna totalsumma (group, amount)",
}
_AMOUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+")


class GrantsFileError(ValueError):
    """The file was rejected (exit status 1, nothing imported); ``errors`` are located."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class GrantsImportResult:
    batch: GrantImport | None
    unchanged: bool = False
    pools: list[PoolRow] = field(default_factory=list)
    funding: int = 0

    @property
    def problems(self) -> list[str]:
        return [f"{p.area} {p.year}: {text}" for p in self.pools for text in p.problems]


def example_path() -> Path:
    """The shipped seed 004 tables (sourced example data)."""
    return Path(str(resources.files("lofte.grants") / "data" / "stimulansmedel_2025.csv"))


@dataclass(frozen=True)
class _Row:
    line: int
    kind: str
    year: int
    area: str
    group: str
    label: str
    amount: int
    key: str
    source: str


def _clean(text: str) -> str:
    """Cell text without control characters (they could drive a terminal)."""
    return "".join(ch for ch in text if ch.isprintable()).strip()


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    name = path.name
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GrantsFileError(f"{name}, rad {line}: filen är inte UTF-8-kodad") from None
    lines = [(n, s) for n, s in enumerate(text.splitlines(), start=1) if not s.startswith("#")]
    lines = [(n, s) for n, s in lines if s.strip()]
    if not lines:
        raise GrantsFileError(f"{name}: filen är tom (rubrikraden saknas)")
    header_line, header_text = lines[0]
    header = [h.strip() for h in next(csv.reader([header_text]))]
    if tuple(header) != COLUMNS:
        missing = [c for c in COLUMNS if c not in header]
        extra = [h for h in header if h not in COLUMNS]
        detail = "; ".join(
            [f"saknas: {', '.join(missing)}"] * bool(missing)
            + [f"okända: {', '.join(_clean(e) for e in extra)}"] * bool(extra)
        )
        raise GrantsFileError(
            f"{name}, rad {header_line}: rubrikraden ska vara {','.join(COLUMNS)}"
            + (f" ({detail})" if detail else " (i den ordningen)")
        )
    out: list[tuple[int, dict[str, str]]] = []
    body = "\n".join(s for _, s in lines[1:])
    numbers = [n for n, _ in lines[1:]]
    for index, cells in enumerate(csv.reader(io.StringIO(body))):
        line = numbers[min(index, len(numbers) - 1)]
        if len(cells) != len(COLUMNS):
            raise GrantsFileError(
                f"{name}, rad {line}: {len(cells)} kolumner, rubrikraden har {len(COLUMNS)}"
            )
        out.append((line, dict(zip(COLUMNS, (_clean(c) for c in cells), strict=True))))
    return out


def parse(path: Path) -> list[_Row]:
    """Check every row; raise ``GrantsFileError`` listing the located faults."""
    errors: list[RowError] = []
    rows: list[_Row] = []

    def fail(line: int, column: str, value: str, reason: str) -> None:
        errors.append(RowError(line, column, value, reason))

    for line, v in _read(path):
        before = len(errors)
        kind = v["kind"]
        if kind not in KINDS:
            fail(line, "kind", kind, "okänd radtyp (" + ", ".join(KINDS) + ")")
        year = int(v["year"]) if re.fullmatch(r"\d{4}", v["year"]) else 0
        if not 2000 <= year <= 2100:
            fail(line, "year", v["year"], "ogiltigt år (fyra siffror, t.ex. 2025)")
        if kind != "funding" and kind in KINDS and not v["area"]:
            fail(line, "area", "", "område saknas (t.ex. Radiologi)")
        if kind in ("part", "stated_total") and not v["group"]:
            fail(line, "group", "", "grupp saknas (t.ex. regionen som specifikationen gäller)")
        if kind in ("funding", "grant", "part") and not v["label"]:
            fail(line, "label", "", "benämning saknas")
        amount_text = v["amount"]
        amount = int(re.sub(r"\D", "", amount_text)) if _AMOUNT.fullmatch(amount_text) else -1
        if amount < 0:
            fail(line, "amount", amount_text, "beloppet ska vara hela kronor ≥ 0, t.ex. 6171570")
        if v["key"]:
            if kind != "funding":
                fail(line, "key", v["key"], "fördelningsnyckel hör bara till radtypen funding")
            else:
                try:
                    allocation.parse_key(v["key"])
                except allocation.AllocationError as exc:
                    fail(line, "key", v["key"], str(exc))
        if len(errors) == before:
            rows.append(
                _Row(
                    line,
                    kind,
                    year,
                    v["area"],
                    v["group"],
                    v["label"],
                    amount,
                    v["key"],
                    v["source"],
                )
            )
    _check_pools(rows, fail)
    if errors:
        shown = [e.message(path.name) for e in errors[:20]]
        more = f"\n… och {len(errors) - 20} fel till" if len(errors) > 20 else ""
        raise GrantsFileError(
            f"{path.name} avvisades ({len(errors)} fel), inget importerades:\n"
            + "\n".join(shown)
            + more,
            errors,
        )
    return rows


def _check_pools(rows: list[_Row], fail: Callable[[int, str, str, str], None]) -> None:
    """One budget per pool, not already in the database; every other pool row has a budget."""
    budgets: dict[tuple[int, str], int] = {}
    existing = {(p.year, p.area) for p in Pool.objects.all()}
    for r in rows:
        if r.kind != "budget":
            continue
        key = (r.year, r.area)
        if key in budgets:
            fail(
                r.line,
                "area",
                r.area,
                f"budget för {r.area} {r.year} finns redan på rad {budgets[key]}",
            )
        elif key in existing:
            fail(r.line, "area", r.area, f"potten {r.area} {r.year} är redan importerad")
        budgets[key] = r.line
    remaining: dict[tuple[int, str], int] = {}
    totals: dict[tuple[int, str, str], int] = {}
    for r in rows:
        if r.kind in ("funding", "budget"):
            continue
        key = (r.year, r.area)
        if key not in budgets:
            fail(r.line, "area", r.area, f"ingen budgetrad för {r.area} {r.year} i filen")
        if r.kind == "stated_remaining":
            if key in remaining:
                fail(r.line, "kind", r.kind, f"återstående anges redan på rad {remaining[key]}")
            remaining[key] = r.line
        if r.kind == "stated_total":
            gkey = (r.year, r.area, r.group)
            if gkey in totals:
                fail(
                    r.line,
                    "group",
                    r.group,
                    f"totalsumma för gruppen anges redan på rad {totals[gkey]}",
                )
            totals[gkey] = r.line


def import_grants(path: Path, user: str = "") -> GrantsImportResult:
    """Validate and store a grants file (all or nothing) and reconcile the pools it touches."""
    from lofte.web.audit.service import record

    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    earlier = GrantImport.objects.filter(sha256=digest).first()
    if earlier is not None:
        known = Pool.objects.filter(batch=earlier).order_by("year", "id")
        return GrantsImportResult(earlier, unchanged=True, pools=[row(p) for p in known])
    rows = parse(path)
    with transaction.atomic():
        batch = GrantImport.objects.create(
            file_name=path.name[:255], sha256=digest, rows=len(rows), created_by=user
        )
        pools: dict[tuple[int, str], Pool] = {}
        funding = 0
        for r in rows:
            common = {"source": r.source, "batch": batch, "line": r.line}
            if r.kind == "funding":
                FundingSource.objects.create(
                    year=r.year, name=r.label, amount=r.amount, key=r.key, **common
                )
                funding += 1
            elif r.kind == "budget":
                pools[(r.year, r.area)] = Pool.objects.create(
                    year=r.year, area=r.area, budget=r.amount, **common
                )
        for r in rows:
            common = {"source": r.source, "batch": batch, "line": r.line}
            target = pools.get((r.year, r.area))
            if target is None:
                continue
            if r.kind in ("grant", "payment"):
                LedgerEntry.objects.create(
                    pool=target,
                    kind=r.kind,
                    region=r.group,
                    label=r.label or r.kind,
                    amount=r.amount,
                    created_by=user,
                    **common,
                )
            elif r.kind == "stated_remaining":
                target.stated_remaining = r.amount
                target.save(update_fields=["stated_remaining"])
            elif r.kind in ("part", "stated_total"):
                SpecificationLine.objects.create(
                    pool=target,
                    group=r.group,
                    label=r.label,
                    amount=r.amount,
                    is_total=r.kind == "stated_total",
                    **common,
                )
        result = GrantsImportResult(batch, pools=[row(p) for p in pools.values()], funding=funding)
        record(
            "grants_imported",
            username=user,
            object_type="GrantImport",
            object_id=batch.pk,
            details={
                "file": path.name,
                "sha256": digest,
                "rows": len(rows),
                "pools": len(pools),
                "problems": result.problems,
            },
        )
    return result
