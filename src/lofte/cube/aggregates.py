"""Importing aggregate indicator values (SPEC §6) and turning them into raw cube cells.

CSV with the header ``indicator,region,period,numerator,denominator,value,source,definition,note``
(``definition`` and ``note`` may be left out; files written before ``definition`` existed import
as they are). Each row gives either counts (``numerator`` and ``denominator``, percent
indicators only) or a ``value``, or both when they agree. ``source`` names where the figure
comes from and ``definition`` the version of the definition it follows when that differs from
the catalogue's (e.g. *Endast slutenvården*); empty means the catalogue's definition. The whole
file is checked first; any error rejects it with located Swedish messages and nothing is
changed. A valid file is stored in one transaction: a row whose (indicator, region, period,
source, definition) already has a current value replaces it, and the replaced value stays as
history (``current=False``).

**Series.** A value's *series* is its (source, definition). A series shows a break wherever
either changes, and nothing compares values across a break (SPEC §9): :func:`series_of` gives
the series of every aggregate cell, which the report, the site and the API read beside the cube.

:func:`aggregate_cells` gives the current values as raw cells
(:data:`lofte.cube.engine.CELL_SCHEMA`), with parent regions computed from counts where the
indicator is additive (:attr:`lofte.catalog.Indicator.additive`), every child has counts in one
series and the parent has no imported value of its own, ready for
:func:`lofte.cube.engine.compute` (``extra_cells``), which gives them targets, intervals and
suppression with the SVF cells. A non-additive indicator (open studies: one study can be open
in several regions) is never summed: its parents must be imported.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyarrow as pa
from django.db import transaction
from django.utils import translation
from django.utils.translation import pgettext_lazy

from lofte.catalog import Catalog, Indicator, load
from lofte.core import periods
from lofte.cube.models import AggregateImport, AggregateValue
from lofte.cube.register_import import RowError
from lofte.svf.reader import DeliveryFileError, read_csv_table

COLUMNS = (
    "indicator",
    "region",
    "period",
    "numerator",
    "denominator",
    "value",
    "source",
    "definition",
    "note",
)
#: The sources and definitions of the figures Löfte ships (the seeds' figures in
#: ``example_aggregates.csv`` and the demo's synthetic values): their English is in this app's
#: catalogue (context ``data source``). Any other imported text is shown as it was written.
SHIPPED_TEXTS = (
    pgettext_lazy("data source", "RCC Sydöst, Årsrapport 2024"),
    pgettext_lazy(
        "data source",
        "Sirona, Granskning av de sex cancerlöftena i Sydöstra sjukvårdsregionen, 2025",
    ),
    pgettext_lazy("data source", "Endast slutenvården"),
    pgettext_lazy("data source", "Syntetiska demodata (Löfte demo)"),
)
OPTIONAL = ("definition", "note")
REQUIRED = tuple(c for c in COLUMNS if c not in OPTIONAL)
MAX_REPORTED = 50
#: Longest source or definition text accepted (the database column holds 500 characters).
MAX_TEXT = 300


class AggregateFileError(ValueError):
    """The file was rejected (exit status 1); ``errors`` are the located row errors."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass(frozen=True)
class AggregateRow:
    """One validated row of an aggregate file."""

    line: int
    indicator: str
    region: str
    period: str
    numerator: int | None
    denominator: int | None
    value: float
    source: str
    note: str
    definition: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.indicator, self.region, self.period, self.source, self.definition)


@dataclass(frozen=True)
class Series:
    """Where a value comes from and which definition it follows: a break wherever it changes.

    ``definition`` empty: the catalogue's definition. ``synthetic``: invented demo values.
    """

    source: str
    definition: str = ""

    @property
    def synthetic(self) -> bool:
        lowered = self.source.lower()
        return "syntet" in lowered or "synthetic" in lowered

    def label(self, lang: str = "sv") -> str:
        """The series in words: the source, and the definition where it is not the catalogue's,
        in ``lang`` where the catalogue has a translation (:data:`SHIPPED_TEXTS`)."""
        source = source_text(self.source, lang)
        if not self.definition:
            return source
        return f"{source} ({source_text(self.definition, lang)})"


def source_text(text: str, lang: str) -> str:
    """A source or definition as a reader of ``lang`` reads it: the catalogue's translation
    (context ``data source``), else the text as imported (a register's or a report's name)."""
    if lang == "sv" or not text:
        return text
    with translation.override(lang):
        return translation.pgettext("data source", text)


def example_path() -> Path:
    """The shipped example file: the figures quoted in the seed documents, each with its source."""
    return Path(str(resources.files("lofte.catalog") / "data" / "example_aggregates.csv"))


# --- reading and checking ---------------------------------------------------------------------


def _integer(text: str) -> int | None:
    """A whole number ≥ 0 written as digits, or None."""
    return int(text) if text.isascii() and text.isdigit() else None


def _number(text: str) -> float | None:
    """A finite decimal number; a decimal comma is accepted (Swedish spreadsheets)."""
    try:
        number = float(text.replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _precision(text: str) -> float:
    """Half a unit of the last decimal written: a value given with counts must agree that well."""
    digits = text.replace(",", ".").partition(".")[2]
    return 0.5 * 10.0 ** -len(digits) + 1e-9


def _fmt(x: float) -> str:
    return f"{x:g}".replace(".", ",")


class _Checker:
    """Checks one row at a time, collecting located errors."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.errors: list[RowError] = []

    def fail(self, line: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(line, column, value, reason))

    def row(self, line: int, v: dict[str, str]) -> AggregateRow | None:
        before = len(self.errors)
        indicator = self._indicator(line, v["indicator"])
        region = v["region"]
        if region not in self.catalog.regions:
            self.fail(
                line,
                "region",
                region,
                "okänd regionkod (SE, en sjukvårdsregion som sydost eller en länskod som 05)",
            )
        period = v["period"]
        try:
            periods.parse(period)
        except ValueError:
            self.fail(line, "period", period, "ogiltig period (YYYY, YYYYH1, YYYYQ1 eller YYYY-MM)")
        source = v["source"]
        if not source:
            self.fail(line, "source", source, "källa saknas (ange dokument eller register)")
        self._text(line, "source", source)
        self._text(line, "definition", v["definition"])
        counts = self._counts(line, v, indicator)
        value = self._value(line, v, indicator, counts)
        if len(self.errors) > before or indicator is None or value is None:
            return None
        numerator, denominator = counts if counts else (None, None)
        return AggregateRow(
            line,
            indicator.code,
            region,
            period,
            numerator,
            denominator,
            value,
            source,
            v["note"],
            v["definition"],
        )

    def _text(self, line: int, column: str, text: str) -> None:
        """A source or definition is shown to readers: one line of printable text."""
        if len(text) > MAX_TEXT:
            self.fail(line, column, text[:40] + "…", f"för lång text (högst {MAX_TEXT} tecken)")
        elif any(not ch.isprintable() for ch in text):
            shown = "".join(ch if ch.isprintable() else "?" for ch in text[:40])
            self.fail(line, column, shown, "innehåller radbrytningar eller styrtecken")

    def _indicator(self, line: int, code: str) -> Indicator | None:
        indicator = self.catalog.indicators.get(code)
        if indicator is None:
            self.fail(line, "indicator", code, "okänd indikator")
            return None
        if indicator.source != "aggregate":
            self.fail(
                line,
                "indicator",
                code,
                "indikatorn beräknas ur SVF-data och kan inte importeras som aggregat",
            )
            return None
        return indicator

    def _counts(
        self, line: int, v: dict[str, str], indicator: Indicator | None
    ) -> tuple[int, int] | None:
        num_text, den_text = v["numerator"], v["denominator"]
        if not num_text and not den_text:
            return None
        if not num_text or not den_text:
            missing = "numerator" if not num_text else "denominator"
            self.fail(line, missing, "", "täljare och nämnare måste anges tillsammans")
            return None
        if indicator is not None and indicator.unit != "percent":
            self.fail(
                line,
                "numerator",
                num_text,
                f"täljare och nämnare gäller bara andelar; enheten är {indicator.unit}, "
                "ange värdet i kolumnen value",
            )
            return None
        numerator, denominator = _integer(num_text), _integer(den_text)
        ok = True
        if numerator is None:
            self.fail(line, "numerator", num_text, "måste vara ett heltal ≥ 0")
            ok = False
        if denominator is None:
            self.fail(line, "denominator", den_text, "måste vara ett heltal ≥ 0")
            ok = False
        if numerator is None or denominator is None or not ok:
            return None
        if denominator == 0:
            self.fail(line, "denominator", den_text, "nämnaren måste vara minst 1")
            return None
        if numerator > denominator:
            self.fail(
                line, "numerator", num_text, f"täljaren är större än nämnaren ({denominator})"
            )
            return None
        return numerator, denominator

    def _value(
        self,
        line: int,
        v: dict[str, str],
        indicator: Indicator | None,
        counts: tuple[int, int] | None,
    ) -> float | None:
        text = v["value"]
        computed = 100 * counts[0] / counts[1] if counts else None
        if not text:
            if computed is None and not (v["numerator"] or v["denominator"]):
                self.fail(line, "value", text, "ange antingen täljare och nämnare eller ett värde")
            return computed
        value = _number(text)
        if value is None:
            self.fail(line, "value", text, "inte ett tal")
            return None
        if indicator is None:
            return None
        unit = indicator.unit
        if unit == "percent" and not 0 <= value <= 100:
            self.fail(line, "value", text, "en andel måste ligga mellan 0 och 100")
            return None
        if unit == "score":
            lo, hi = indicator.scale or (-math.inf, math.inf)
            if not lo <= value <= hi:
                self.fail(
                    line, "value", text, f"poängen måste ligga mellan {_fmt(lo)} och {_fmt(hi)}"
                )
                return None
        if unit == "count" and (value < 0 or not value.is_integer()):
            self.fail(line, "value", text, "ett antal måste vara ett heltal ≥ 0")
            return None
        if unit == "days" and value < 0:
            self.fail(line, "value", text, "antal dagar kan inte vara negativt")
            return None
        if computed is not None and counts is not None:
            if abs(computed - value) > _precision(text):
                self.fail(
                    line,
                    "value",
                    text,
                    f"stämmer inte med täljare/nämnare (100 × {counts[0]}/{counts[1]} = "
                    f"{_fmt(round(computed, 2))})",
                )
                return None
            return computed  # full precision from the counts
        return value


def parse(path: Path, catalog: Catalog | None = None) -> list[AggregateRow]:
    """The validated rows of an aggregate file; raises :class:`AggregateFileError`."""
    catalog = catalog or load()
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AggregateFileError(f"{name}: filen kan inte läsas ({exc.strerror})") from None
    try:
        header, reader = read_csv_table(data)
    except DeliveryFileError as exc:
        raise AggregateFileError(f"{name}: {exc}") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise AggregateFileError(
            f"{name}, rad 1: kolumn saknas: {', '.join(missing)} (förväntat {','.join(COLUMNS)})"
        )
    col = {c: header.index(c) for c in COLUMNS if c in header}
    check = _Checker(catalog)
    rows: list[AggregateRow] = []
    first_line: dict[tuple[str, str, str, str, str], int] = {}
    # csv tracks physical lines, so a quoted note spanning lines still gets the right number.
    for record in reader:
        line_no = reader.line_num
        if not any(f.strip() for f in record):
            continue
        if len(record) != len(header):
            check.fail(line_no, "-", "", f"{len(record)} fält, väntade {len(header)}")
            continue
        values = {c: record[i].strip() for c, i in col.items()}
        for optional in OPTIONAL:
            values.setdefault(optional, "")
        row = check.row(line_no, values)
        if row is None:
            continue
        if row.key in first_line:
            check.fail(
                line_no,
                "indicator",
                row.indicator,
                f"samma indikator, region, period, källa och definition finns redan på rad "
                f"{first_line[row.key]}",
            )
            continue
        first_line[row.key] = line_no
        rows.append(row)
    errors = check.errors
    if errors:
        shown = "\n".join(e.message(name) for e in errors[:MAX_REPORTED])
        more = (
            f"\n… och {len(errors) - MAX_REPORTED} fel till" if len(errors) > MAX_REPORTED else ""
        )
        raise AggregateFileError(
            f"{name} avvisades: {len(errors)} fel, inget importerades.\n{shown}{more}", errors
        )
    if not rows:
        raise AggregateFileError(f"{name}: filen innehåller inga värden")
    return rows


# --- storing ----------------------------------------------------------------------------------


def import_indicators(
    path: Path, user: str = "", catalog: Catalog | None = None
) -> AggregateImport:
    """Validate and store an aggregate file (all or nothing); returns the import record.

    Earlier current values with the same (indicator, region, period, source, definition) are
    kept as history and replaced by the file's; ``AggregateImport.replaced`` counts them.
    """
    path = Path(path)
    rows = parse(path, catalog)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        batch = AggregateImport.objects.create(
            file_name=path.name, sha256=digest, rows=len(rows), created_by=user
        )
        keys = {row.key for row in rows}
        earlier = [
            v
            for v in AggregateValue.objects.select_for_update().filter(
                current=True, indicator__in={k[0] for k in keys}
            )
            if (v.indicator, v.region, v.period, v.source, v.definition) in keys
        ]
        for old in earlier:
            old.current, old.replaced_by = False, batch
        # The old rows must stop being current before the new ones exist (unique constraint).
        AggregateValue.objects.bulk_update(earlier, ["current", "replaced_by"], batch_size=5_000)
        AggregateValue.objects.bulk_create(
            [
                AggregateValue(
                    indicator=row.indicator,
                    region=row.region,
                    period=row.period,
                    source=row.source,
                    definition=row.definition,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    value=row.value,
                    note=row.note,
                    line=row.line,
                    batch=batch,
                )
                for row in rows
            ],
            batch_size=5_000,
        )
        batch.replaced = len(earlier)
        batch.save(update_fields=["replaced"])
    return batch


def history(indicator: str, region: str, period: str) -> list[AggregateValue]:
    """Every value ever imported for a cell, oldest first (current and replaced)."""
    return list(
        AggregateValue.objects.filter(indicator=indicator, region=region, period=period)
        .select_related("batch")
        .order_by("id")
    )


# --- cells ------------------------------------------------------------------------------------


@dataclass
class _Cell:
    numerator: int | None
    denominator: int | None
    value: float
    series: Series


def _current_cells(catalog: Catalog) -> dict[tuple[str, str, str], _Cell]:
    """The current value of every aggregate cell, and the parents computed from counts.

    Where one cell has current values from several sources, the latest import wins. A parent
    region (county → healthcare region → SE) is computed for an additive percent indicator when
    every child has counts in one and the same series and the parent has no imported value;
    value-only rows, non-additive indicators and children of different series are never
    combined.
    """
    cells: dict[tuple[str, str, str], _Cell] = {}
    for v in AggregateValue.objects.filter(current=True).order_by("id"):
        known = catalog.indicators.get(v.indicator)
        if known is None or known.source != "aggregate" or v.region not in catalog.regions:
            continue
        cells[(v.indicator, v.region, v.period)] = _Cell(
            v.numerator, v.denominator, v.value, Series(v.source, v.definition)
        )

    # Counties first, then healthcare regions, so that a computed healthcare region can feed SE.
    by_level = {"county": 0, "healthcare_region": 1, "nation": 2}
    parents = sorted(
        (r for r in catalog.regions.values() if r.level != "county"),
        key=lambda r: by_level[r.level],
    )
    children = {r.code: catalog.children(r.code) for r in parents}
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)  # (indicator, period) → regions
    for indicator, region, period in cells:
        groups[(indicator, period)].add(region)
    for (indicator, period), present in groups.items():
        info = catalog.indicator(indicator)
        if info.unit != "percent" or not info.additive:
            continue
        for parent in parents:
            kids = children[parent.code]
            if parent.code in present or not kids or not all(k in present for k in kids):
                continue
            parts = [cells[(indicator, k, period)] for k in kids]
            if any(p.numerator is None or p.denominator is None for p in parts):
                continue
            if len({p.series for p in parts}) != 1:
                continue  # one figure never mixes sources or definitions
            numerator = sum(p.numerator or 0 for p in parts)
            denominator = sum(p.denominator or 0 for p in parts)
            cells[(indicator, parent.code, period)] = _Cell(
                numerator, denominator, 100 * numerator / denominator, parts[0].series
            )
            present.add(parent.code)
    return cells


def series_of(catalog: Catalog | None = None) -> dict[tuple[str, str, str], Series]:
    """The series of every aggregate cell, by (indicator, region, period): what the report, the
    site and the API show beside the cube's figures to mark breaks. It is read from the current
    imports, like the cube's aggregate cells at the last ``lofte compute``."""
    return {k: c.series for k, c in _current_cells(catalog or load()).items()}


def aggregate_cells(catalog: Catalog | None = None) -> pa.Table:
    """The current aggregate values as raw cells, plus parents computed from counts
    (see :func:`_current_cells`). Rows of indicators no longer in the catalogue as
    ``aggregate`` are left out."""
    catalog = catalog or load()
    cells = _current_cells(catalog)
    keys = sorted(cells)
    from lofte.cube.engine import CELL_SCHEMA  # here: the engine imports DuckDB

    return pa.table(
        {
            "indicator": [k[0] for k in keys],
            "region_basis": [None] * len(keys),
            "region": [k[1] for k in keys],
            "region_level": [catalog.region(k[1]).level for k in keys],
            "pathway": ["alla"] * len(keys),
            "treatment": ["alla"] * len(keys),
            "period": [k[2] for k in keys],
            "period_type": [periods.parse(k[2]).kind for k in keys],
            "numerator": [cells[k].numerator for k in keys],
            "denominator": [cells[k].denominator for k in keys],
            "value": [cells[k].value for k in keys],
        },
        schema=CELL_SCHEMA,
    )
