"""Validate a delivery read by ``reader.py`` against SPEC §3, vectorised.

Every check works on the distinct values of a column (a delivery has few distinct dates, KVÅ codes
and county codes, and several events per person), so the Python-level work grows with the number
of distinct values, not with the number of rows; the per-row part is pyarrow/numpy.

Errors are :class:`Issue` records ``{line, column, value, reason}``. A personnummer value is
always masked (``YYYYMMDD-****``) before it enters an issue; no raw personnummer is put into a
message, a log record or an exception.

The result of a clean delivery is a typed table of events (with the normalised 12-digit
personnummer, still to be pseudonymised by the import service) – see :class:`ValidationResult`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lofte.svf.reader import COLUMNS, LINE_COLUMN, REQUIRED_COLUMNS, DeliveryFile

#: Measurement-point suffixes of SVF KVÅ codes (SPEC §2).
VALID_SUFFIXES: frozenset[int] = frozenset(
    (5, 10, 22, 25, 35, 40, 44, 50, 52, 54, 58, 59, 60, 70, 72, 73, 74, 76, 78, 90, 91)
)
#: No SVF event is older than this (SPEC §3: pre-2015 dates are errors).
EARLIEST_DATE = dt.date(2015, 1, 1)
#: Errors kept in a report; the total is always counted.
MAX_ISSUES = 1000

_KVA_RE = re.compile(r"V[A-Z0-9]{2}[0-9]{2}")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})([0-9]{2})([0-9]{2})")
_LONG_DIGITS = re.compile(r"[0-9]{9,}")

MISSING_VALUE = "värde saknas"


@dataclass(frozen=True)
class Issue:
    """One error or warning, located in the delivered file.

    ``value`` is what the file contained, except a personnummer, which is always masked.
    ``code`` is a stable machine-readable kind (``personnummer``, ``kva_prefix``, ``duplicate_row``,
    ``orphan`` …) for grouping in reports.
    """

    line: int | None
    column: str | None
    value: str | None
    reason: str
    code: str = ""

    def message(self, file_name: str) -> str:
        """The located Swedish message, e.g.
        ``leverans.csv, rad 17, kolumn personnummer: '19121212-****' – felaktig kontrollsiffra``.
        """
        where = [file_name]
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.column:
            where.append(f"kolumn {self.column}")
        text = ", ".join(where) + ": "
        if self.value is not None:
            text += f"'{self.value}' – "
        return text + self.reason

    def as_dict(self, file_name: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "code": self.code,
        }
        if file_name is not None:
            data["message"] = self.message(file_name)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(
            line=data.get("line"),
            column=data.get("column"),
            value=data.get("value"),
            reason=data.get("reason", ""),
            code=data.get("code", ""),
        )


@dataclass
class ValidationResult:
    """Errors (at most ``max_issues`` kept, sorted by line; ``error_count`` is the total) and,
    when there are none, the events as a typed table.

    ``events`` columns: ``line`` int32, ``personnummer`` string (normalised, 12 digits – never to
    be shown or stored), ``pathway`` string, ``suffix`` int16, ``event_date`` date32,
    ``reporting_region`` string, ``residence_region`` string (null when empty), ``unit`` string
    (null when empty).
    """

    errors: list[Issue]
    error_count: int
    rows: int
    events: pa.Table | None = field(default=None, repr=False)
    min_date: dt.date | None = None
    max_date: dt.date | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Collector:
    """Gathers issues from per-row reason arrays, keeping only the first ``cap`` of each check."""

    def __init__(self, lines: np.ndarray, cap: int) -> None:
        self.lines = lines
        self.cap = cap
        self.count = 0
        self.issues: list[tuple[int, int, Issue]] = []

    def add(
        self,
        order: int,
        column: str,
        reasons: pa.Array,
        values: pa.Array,
        codes: pa.Array,
        show: Callable[[str], str] | None = None,
    ) -> None:
        """Record the rows where ``reasons`` is not null (all arrays are aligned with the rows)."""
        flagged = np.flatnonzero(reasons.is_valid().to_numpy(zero_copy_only=False))
        if flagged.size == 0:
            return
        self.count += int(flagged.size)
        head = pa.array(flagged[: self.cap])
        for line, value, reason, code in zip(
            self.lines[flagged[: self.cap]].tolist(),
            values.take(head).to_pylist(),
            reasons.take(head).to_pylist(),
            codes.take(head).to_pylist(),
            strict=True,
        ):
            shown = show(value) if show is not None else value
            self.issues.append((line, order, Issue(line, column, shown, reason, code or "")))

    def add_issue(self, order: int, issue: Issue) -> None:
        self.count += 1
        self.issues.append((issue.line or 0, order, issue))

    def result(self) -> list[Issue]:
        self.issues.sort(key=lambda item: (item[0], item[1]))
        return [issue for _, _, issue in self.issues[: self.cap]]


def _combine(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks()
    return column


def _per_distinct(
    values: pa.Array,
    check: Callable[[list[str]], Sequence[Sequence[Any]]],
    types: Sequence[pa.DataType],
) -> list[pa.Array]:
    """Apply ``check`` to the distinct values and spread its output columns back to the rows.

    ``check`` receives the distinct values and returns one list per output column, each aligned
    with the distinct values.
    """
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    outputs = check(distinct) if distinct else [[] for _ in types]
    return [
        pa.array(out, type=kind).take(encoded.indices)
        for out, kind in zip(outputs, types, strict=True)
    ]


def _safe_mask(mask: Callable[..., str], raw: str, today: dt.date) -> str:
    """Mask a personnummer; anything that could still hold the number is blanked entirely."""
    try:
        masked = str(mask(raw, today=today))
    except Exception:
        return "****"
    if _LONG_DIGITS.search(masked) or (len(raw) >= 4 and raw[-4:].isdigit() and raw in masked):
        return "****"
    return masked


def _check_personnummer(values: pa.Array, today: dt.date) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Normalised numbers (null where invalid), reasons (null where valid) and issue codes."""
    from lofte.core.personnummer import normalize_many

    def check(distinct: list[str]) -> tuple[list[Any], ...]:
        try:
            normalised, reasons = normalize_many(distinct, today)
            failed = False
        except Exception:
            failed = True
        if failed:
            # Raised outside the handler so that the original exception, which may quote a
            # number, is neither chained nor shown.
            raise ValueError("kontrollen av personnummer misslyckades")
        codes: list[str | None] = [None] * len(distinct)
        for i, value in enumerate(distinct):
            if reasons[i] is None and normalised[i]:
                continue
            if not value:
                reasons[i], codes[i] = MISSING_VALUE, "missing"
            else:
                reasons[i], codes[i] = reasons[i] or "ogiltigt personnummer", "personnummer"
            normalised[i] = None
        return normalised, reasons, codes

    normalised, reasons, codes = _per_distinct(
        values, check, (pa.string(), pa.string(), pa.string())
    )
    return normalised, reasons, codes


def _check_kva(values: pa.Array, catalog: Any) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """Pathway ids, suffixes, reasons and issue codes for the KVÅ column."""
    pathways: dict[str, str | None] = {}

    def pathway_of(prefix: str) -> str | None:
        if prefix not in pathways:
            pathway = catalog.pathway_by_prefix(prefix)
            known = pathway is not None and getattr(pathway, "kva_prefix", None)
            pathways[prefix] = pathway.id if known else None
        return pathways[prefix]

    def check(distinct: list[str]) -> tuple[list[Any], ...]:
        ids: list[str | None] = []
        suffixes: list[int | None] = []
        reasons: list[str | None] = []
        codes: list[str | None] = []
        for raw in distinct:
            code = raw.upper()
            pathway: str | None = None
            suffix: int | None = None
            reason: str | None = None
            kind: str | None = None
            if not code:
                reason, kind = MISSING_VALUE, "missing"
            elif not _KVA_RE.fullmatch(code):
                reason = "ogiltig KVÅ-kod (väntat V, två tecken och två siffror, t.ex. VG910)"
                kind = "kva"
            else:
                pathway = pathway_of(code[:3])
                suffix = int(code[3:])
                if pathway is None:
                    reason = f"okänt KVÅ-prefix {code[:3]} (inget vårdförlopp i katalogen)"
                    kind = "kva_prefix"
                elif suffix not in VALID_SUFFIXES:
                    reason = f"okänd mätpunkt {code[3:]} (inte en SVF-mätpunkt)"
                    kind = "kva_suffix"
            if reason is not None:
                pathway, suffix = None, None
            ids.append(pathway)
            suffixes.append(suffix)
            reasons.append(reason)
            codes.append(kind)
        return ids, suffixes, reasons, codes

    ids, suffixes, reasons, codes = _per_distinct(
        values, check, (pa.string(), pa.int16(), pa.string(), pa.string())
    )
    return ids, suffixes, reasons, codes


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``YYYYMMDD`` as a date; None when it is neither or impossible."""
    match = _DATE_RE.fullmatch(text)
    if not match:
        return None
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def _check_dates(
    values: pa.Array,
    today: dt.date,
    window_from: dt.date | None,
    window_to: dt.date | None,
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Dates (null where invalid), reasons and issue codes for the date column."""
    lower = window_from.isoformat() if window_from else "…"
    upper = window_to.isoformat() if window_to else "…"

    def check(distinct: list[str]) -> tuple[list[Any], ...]:
        dates: list[dt.date | None] = []
        reasons: list[str | None] = []
        codes: list[str | None] = []
        for raw in distinct:
            day = parse_date(raw) if raw else None
            reason: str | None = None
            kind: str | None = None
            if not raw:
                reason, kind = MISSING_VALUE, "missing"
            elif day is None:
                reason = "datumet kan inte tolkas (ange ÅÅÅÅ-MM-DD eller ÅÅÅÅMMDD)"
                kind = "date"
            elif day < EARLIEST_DATE:
                reason, kind = f"datum före {EARLIEST_DATE.isoformat()}", "date_early"
            elif day > today:
                reason, kind = f"datum efter dagens datum ({today.isoformat()})", "date_future"
            elif (window_from and day < window_from) or (window_to and day > window_to):
                reason = f"datum utanför leveransens period {lower}–{upper}"
                kind = "date_window"
            dates.append(day if reason is None else None)
            reasons.append(reason)
            codes.append(kind)
        return dates, reasons, codes

    dates, reasons, codes = _per_distinct(values, check, (pa.date32(), pa.string(), pa.string()))
    return dates, reasons, codes


def _check_county(
    values: pa.Array,
    counties: frozenset[str],
    *,
    required: bool,
    delivery_region: str | None,
) -> tuple[pa.Array, pa.Array]:
    """Reasons and issue codes for a county-code column."""

    def check(distinct: list[str]) -> tuple[list[Any], ...]:
        reasons: list[str | None] = []
        codes: list[str | None] = []
        for code in distinct:
            reason: str | None = None
            kind: str | None = None
            if not code:
                if required:
                    reason, kind = MISSING_VALUE, "missing"
            elif code not in counties:
                reason, kind = "okänd länskod", "county"
                if code.isdigit() and len(code) == 1:
                    reason += " (länskoder har två siffror, t.ex. 05)"
            elif delivery_region is not None and code != delivery_region:
                reason = f"annan region än leveransens ({delivery_region})"
                kind = "reporting_region"
            reasons.append(reason)
            codes.append(kind)
        return reasons, codes

    reasons, codes = _per_distinct(values, check, (pa.string(), pa.string()))
    return reasons, codes


def validate(
    delivery: DeliveryFile,
    region: str,
    *,
    catalog: Any,
    today: dt.date,
    window_from: dt.date | None = None,
    window_to: dt.date | None = None,
    max_issues: int = MAX_ISSUES,
) -> ValidationResult:
    """Check every row of ``delivery`` as delivered by county ``region`` (SPEC §3).

    ``catalog`` is a :func:`lofte.catalog.load` result (``pathway_by_prefix``, ``counties``).
    ``window_from``/``window_to``, when given, are the delivery's coverage window: events outside
    it are errors.
    """
    table = delivery.table
    lines = table.column(LINE_COLUMN).to_numpy()
    collect = _Collector(lines, max_issues)
    order = {name: i for i, name in enumerate(COLUMNS)}

    for name in delivery.missing_columns:
        collect.add_issue(
            -1,
            Issue(delivery.header_line, name, None, "obligatorisk kolumn saknas", "column"),
        )
    for line, fields, expected in delivery.bad_rows:
        collect.add_issue(
            -2,
            Issue(
                line,
                None,
                None,
                f"raden har {fields} fält men rubrikraden har {expected}",
                "fields",
            ),
        )

    counties = frozenset(str(r.code) for r in catalog.counties())
    present = set(table.column_names)

    combined = {name: _combine(table.column(name)) for name in present if name != LINE_COLUMN}

    def column(name: str) -> pa.Array:
        return combined[name]

    personnummer = pathway = suffix = dates = None
    if "personnummer" in present:
        from lofte.core.personnummer import mask

        personnummer, reasons, codes = _check_personnummer(column("personnummer"), today)
        collect.add(
            order["personnummer"],
            "personnummer",
            reasons,
            column("personnummer"),
            codes,
            show=lambda raw: _safe_mask(mask, raw, today) if raw else raw,
        )
    if "kva" in present:
        pathway, suffix, reasons, codes = _check_kva(column("kva"), catalog)
        collect.add(order["kva"], "kva", reasons, column("kva"), codes)
    if "datum" in present:
        dates, reasons, codes = _check_dates(column("datum"), today, window_from, window_to)
        collect.add(order["datum"], "datum", reasons, column("datum"), codes)
    for name, required, own in (("rapporterande_region", True, region), ("lan", False, None)):
        if name in present:
            reasons, codes = _check_county(
                column(name), counties, required=required, delivery_region=own
            )
            collect.add(order[name], name, reasons, column(name), codes)

    min_date = max_date = None
    if dates is not None and len(dates):
        bounds = pc.min_max(dates).as_py()
        min_date, max_date = bounds["min"], bounds["max"]

    if collect.count:
        return ValidationResult(
            errors=collect.result(),
            error_count=collect.count,
            rows=delivery.num_rows,
            min_date=min_date,
            max_date=max_date,
        )

    def optional(name: str) -> pa.Array:
        if name not in present:
            return pa.nulls(table.num_rows, pa.string())
        values = column(name)
        return pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)

    events = pa.table(
        {
            "line": table.column(LINE_COLUMN),
            "personnummer": personnummer,
            "pathway": pathway,
            "suffix": suffix,
            "event_date": dates,
            "reporting_region": column("rapporterande_region"),
            "residence_region": optional("lan"),
            "unit": optional("enhet"),
        }
    )
    return ValidationResult(
        errors=[],
        error_count=0,
        rows=delivery.num_rows,
        events=events,
        min_date=min_date,
        max_date=max_date,
    )


def format_issues(issues: Iterable[Issue], file_name: str) -> list[str]:
    """The Swedish one-line messages for a list of issues."""
    return [issue.message(file_name) for issue in issues]


__all__ = [
    "EARLIEST_DATE",
    "MAX_ISSUES",
    "REQUIRED_COLUMNS",
    "VALID_SUFFIXES",
    "Issue",
    "ValidationResult",
    "format_issues",
    "parse_date",
    "validate",
]
