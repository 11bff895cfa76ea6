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
    """What an import did: its batch (the earlier one, with ``unchanged``, when the same file had
    been imported before), the ledger lines of its pools and the number of funding sources."""

    batch: GrantImport | None
    unchanged: bool = False
    pools: list[PoolRow] = field(default_factory=list)
    funding: int = 0

    @property
    def problems(self) -> list[str]:
        """The pools' disagreements (granted above budget, stated figures that differ), each
        prefixed with the pool; listed, never corrected."""
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
    """The file's data rows as (line number, cells by column), after checking that it is
    UTF-8 with the expected header and that every row has as many cells as the header."""
    name = path.name
    lines = _lines(name, path.read_bytes())
    header_line, header_text = lines[0]
    _check_header(name, header_line, header_text)
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


def _lines(name: str, raw: bytes) -> list[tuple[int, str]]:
    """The file's non-blank lines that are not ``#`` comments, with their line numbers; a file
    that is not UTF-8 or has no header line is rejected."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise GrantsFileError(f"{name}, rad {line}: filen är inte UTF-8-kodad") from None
    lines = [(n, s) for n, s in enumerate(text.splitlines(), start=1) if not s.startswith("#")]
    lines = [(n, s) for n, s in lines if s.strip()]
    if not lines:
        raise GrantsFileError(f"{name}: filen är tom (rubrikraden saknas)")
    return lines


def _check_header(name: str, header_line: int, header_text: str) -> None:
    """Reject a header that is not exactly ``COLUMNS``, naming what is missing or unknown."""
    header = [h.strip() for h in next(csv.reader([header_text]))]
    if tuple(header) == COLUMNS:
        return
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


def parse(path: Path) -> list[_Row]:
    """Check every row; raise ``GrantsFileError`` listing the located faults."""
    errors: list[RowError] = []
    rows: list[_Row] = []

    def fail(line: int, column: str, value: str, reason: str) -> None:
        errors.append(RowError(line, column, value, reason))

    for line, v in _read(path):
        faults = _place_faults(v) + _value_faults(v)
        for column, value, reason in faults:
            fail(line, column, value, reason)
        if not faults:
            rows.append(_Row(line, v["kind"], int(v["year"]), **_text_cells(v), amount=_amount(v)))
    _check_pools(rows, fail)
    if errors:
        raise _rejected(path.name, errors)
    return rows


def _text_cells(v: dict[str, str]) -> dict[str, str]:
    """A checked row's text cells, as :class:`_Row` names them."""
    return {k: v[k] for k in ("area", "group", "label", "key", "source")}


def _amount(v: dict[str, str]) -> int:
    """The row's amount in whole kronor (digit groups may be spaced), or -1 if it is not
    one."""
    text = v["amount"]
    return int(re.sub(r"\D", "", text)) if _AMOUNT.fullmatch(text) else -1


def _place_faults(v: dict[str, str]) -> list[tuple[str, str, str]]:
    """Faults of a row's kind, year and what it belongs to (area, group, label), as
    (column, value, reason) in column order."""
    faults = []
    kind = v["kind"]
    if kind not in KINDS:
        faults.append(("kind", kind, "okänd radtyp (" + ", ".join(KINDS) + ")"))
    year = int(v["year"]) if re.fullmatch(r"\d{4}", v["year"]) else 0
    if not 2000 <= year <= 2100:
        faults.append(("year", v["year"], "ogiltigt år (fyra siffror, t.ex. 2025)"))
    if kind != "funding" and kind in KINDS and not v["area"]:
        faults.append(("area", "", "område saknas (t.ex. Radiologi)"))
    if kind in ("part", "stated_total") and not v["group"]:
        faults.append(("group", "", "grupp saknas (t.ex. regionen som specifikationen gäller)"))
    if kind in ("funding", "grant", "part") and not v["label"]:
        faults.append(("label", "", "benämning saknas"))
    return faults


def _value_faults(v: dict[str, str]) -> list[tuple[str, str, str]]:
    """Faults of a row's amount and allocation key (only a funding row has a key)."""
    faults = []
    if _amount(v) < 0:
        faults.append(("amount", v["amount"], "beloppet ska vara hela kronor ≥ 0, t.ex. 6171570"))
    if not v["key"]:
        return faults
    if v["kind"] != "funding":
        faults.append(("key", v["key"], "fördelningsnyckel hör bara till radtypen funding"))
        return faults
    try:
        allocation.parse_key(v["key"])
    except allocation.AllocationError as exc:
        faults.append(("key", v["key"], str(exc)))
    return faults


def _rejected(name: str, errors: list[RowError]) -> GrantsFileError:
    """The error that rejects the file: how many faults, the first 20 of them located."""
    shown = [e.message(name) for e in errors[:20]]
    more = f"\n… och {len(errors) - 20} fel till" if len(errors) > 20 else ""
    return GrantsFileError(
        f"{name} avvisades ({len(errors)} fel), inget importerades:\n" + "\n".join(shown) + more,
        errors,
    )


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
        pools, funding = _store_pools(rows, batch)
        _store_entries(rows, batch, pools, user)
        result = GrantsImportResult(batch, pools=[row(p) for p in pools.values()], funding=funding)
        _record(path.name, digest, batch, result, user)
    return result


def _store_pools(rows: list[_Row], batch: GrantImport) -> tuple[dict[tuple[int, str], Pool], int]:
    """Store the funding sources and the pools (budget rows): the pools by (year, area) and
    the number of funding sources."""
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
    return pools, funding


def _store_entries(
    rows: list[_Row], batch: GrantImport, pools: dict[tuple[int, str], Pool], user: str
) -> None:
    """Store the rows that belong to a pool of the file: grants and payments in its ledger,
    the stated remaining amount, the specification lines and their stated totals."""
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


def _record(
    name: str, digest: str, batch: GrantImport, result: GrantsImportResult, user: str
) -> None:
    """Audit the import with what it stored and the problems it listed."""
    from lofte.web.audit.service import record

    record(
        "grants_imported",
        username=user,
        object_type="GrantImport",
        object_id=batch.pk,
        details={
            "file": name,
            "sha256": digest,
            "rows": batch.rows,
            "pools": len(result.pools),
            "problems": result.problems,
        },
    )
