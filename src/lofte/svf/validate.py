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

from lofte.core import personnummer as pnr
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

#: Columns of free text, checked for length and control characters: ``enhet``, an HSA-id (at
#: most 31 characters in practice). The other columns have an exact shape that rejects both.
FREE_TEXT_COLUMNS = ("enhet",)
MAX_FIELD_LENGTH: dict[str, int] = {"enhet": 64}
#: Characters a delivered value may not contain: C0 controls (NUL, tab, line breaks, ESC …),
#: DEL and the C1 controls.
_CONTROL = r"[\x00-\x1f\x7f-\x9f]"
#: The shape of an HSA-id: SE, the organisation number (10 digits), a hyphen and an id.
_HSA_ID = re.compile(r"SE[0-9]{10}-[A-Za-z0-9]{1,20}")
#: Characters of a value shown in a report; a longer one is cut (the reason gives its length).
SHOWN_VALUE_LENGTH = 80


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
    #: Warnings found while validating (``enhet`` not shaped like an HSA-id).
    warnings: list[Issue] = field(default_factory=list)

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
        show: Callable[[str], str | None] | None = None,
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
            shown = show(value) if show is not None else _shown(value)
            self.issues.append((line, order, Issue(line, column, shown, reason, code or "")))

    def add_issue(self, order: int, issue: Issue) -> None:
        self.count += 1
        self.issues.append((issue.line or 0, order, issue))

    def result(self) -> list[Issue]:
        self.issues.sort(key=lambda item: (item[0], item[1]))
        return [issue for _, _, issue in self.issues[: self.cap]]


def _shown(value: str | None) -> str | None:
    """A delivered value as a report may show it: control characters escaped, cut short."""
    if value is None:
        return None
    cut = value[:SHOWN_VALUE_LENGTH]
    cut = re.sub(_CONTROL, lambda m: f"\\x{ord(m.group()):02x}", cut)
    return cut + "…" if len(value) > SHOWN_VALUE_LENGTH else cut


def _check_text(values: pa.Array, limit: int) -> tuple[pa.Array, pa.Array] | None:
    """Reasons and codes for values that are too long or hold control characters (per row, or
    None when every value is fine); checked on the distinct values.

    Almost every delivery is clean, so a screen over the column's bytes comes first: no byte
    below 0x20, no DEL and no UTF-8 encoded C1 control (``C2 80``–``C2 9F``), and no value
    longer than ``limit``. Only when the screen finds something are the values looked at.
    """
    if len(values) == 0:
        return None
    data = values.buffers()[2]
    if data is not None:
        raw = np.frombuffer(data, dtype=np.uint8)
        suspicious = raw.size > 0 and bool(raw.min() < 0x20 or (raw == 0x7F).any())
        if not suspicious and (raw == 0xC2).any():  # rare in Swedish text: look closer
            lead = np.flatnonzero(raw[:-1] == 0xC2) + 1
            suspicious = bool(((raw[lead] >= 0x80) & (raw[lead] <= 0x9F)).any())
        # Bytes are at least as many as characters: count characters only if needed.
        longest = pc.max(pc.binary_length(values)).as_py() or 0
        if longest > limit:
            longest = pc.max(pc.utf8_length(values)).as_py() or 0
        if not suspicious and longest <= limit:
            return None
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary
    if len(distinct) == 0:
        return None
    lengths = pc.utf8_length(distinct)
    too_long = pc.greater(lengths, limit)
    control = pc.match_substring_regex(distinct, _CONTROL)
    if not (pc.any(too_long).as_py() or pc.any(control).as_py()):
        return None
    reasons: list[str | None] = []
    codes: list[str | None] = []
    for long, ctrl, length in zip(
        too_long.to_pylist(), control.to_pylist(), lengths.to_pylist(), strict=True
    ):
        if ctrl:
            reasons.append("otillåtet styrtecken (t.ex. NUL, tabb eller radbrytning) i värdet")
            codes.append("control_character")
        elif long:
            reasons.append(f"värdet är {length} tecken långt; högst {limit} tillåts")
            codes.append("too_long")
        else:
            reasons.append(None)
            codes.append(None)
    return (
        pa.array(reasons, pa.string()).take(encoded.indices),
        pa.array(codes, pa.string()).take(encoded.indices),
    )


def hsa_warnings(values: pa.Array, lines: np.ndarray) -> list[Issue]:
    """One warning per distinct ``enhet`` value that is not shaped like an HSA-id, at its first
    line (a warning: the unit is not used in any indicator)."""
    encoded = pc.dictionary_encode(values)
    distinct = encoded.dictionary.to_pylist()
    odd = [bool(v) and _HSA_ID.fullmatch(v) is None for v in distinct]
    if not any(odd):
        return []
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    counts = np.bincount(indices, minlength=len(distinct))
    first_row = np.full(len(distinct), indices.size, dtype=np.int64)
    np.minimum.at(first_row, indices, np.arange(indices.size))
    warnings = []
    for position in np.flatnonzero(odd)[:MAX_ISSUES].tolist():
        rows = int(counts[position])
        warnings.append(
            Issue(
                int(lines[first_row[position]]),
                "enhet",
                _shown(distinct[position]),
                "har inte formen av ett HSA-id (SE, tio siffror, bindestreck, id)"
                + (f"; {rows} rader" if rows > 1 else ""),
                "hsa_id",
            )
        )
    return warnings


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
    encoded = pc.dictionary_encode(values)
    outputs = _check_distinct_personnummer(encoded.dictionary, today)
    normalised, reasons, codes = (out.take(encoded.indices) for out in outputs)
    return normalised, reasons, codes


# Reasons of the vectorised check by code (0: valid); the wording is the core module's.
_PNR_VALID, _PNR_DATE, _PNR_CHECKSUM, _PNR_FUTURE = 0, 1, 2, 3
_PNR_REASONS = pa.array(
    [None, pnr.REASON_DATE, pnr.REASON_CHECKSUM, pnr.REASON_FUTURE], type=pa.string()
)
_LUHN_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int32)
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def _byte_matrix(strings: pa.Array, width: int) -> np.ndarray:
    """The UTF-8 bytes of ``strings``, all ``width`` bytes long, as an (n, width) matrix."""
    n = len(strings)
    offsets = np.frombuffer(
        strings.buffers()[1], dtype=np.int32, count=n + 1, offset=strings.offset * 4
    )
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[0] + n * width].reshape(n, width)


def _dates_exist(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    known = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    last = _DAYS_IN_MONTH[np.clip(month, 0, 12)] + ((month == 2) & leap)
    return known & (day <= last)


def _luhn_fails(ten: np.ndarray) -> np.ndarray:
    """Whether the Luhn sum of each row of ten digits is off (check digit last)."""
    return (_LUHN_DOUBLED[ten[:, 0::2]].sum(axis=1) + ten[:, 1::2].sum(axis=1)) % 10 != 0


def _personnummer_codes(distinct: pa.Array, today: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """The vectorised check of :func:`lofte.core.personnummer.normalize_many`'s rules.

    It decides the plainly shaped values, 10 or 12 ASCII digits with or without a ``-`` or ``+``
    before the last four and nothing around them, which is what deliveries contain: returns a
    reason code per value (``-1`` where the value is left to the core module's checker) and the
    normalised twelve digits of each value. The Hypothesis tests hold it to the core checker and
    to python-stdnum.
    """
    n = len(distinct)
    code = np.full(n, -1, dtype=np.int8)
    normal = np.zeros((n, 12), dtype=np.int32)
    today_key = today.year * 10000 + today.month * 100 + today.day
    lengths = pc.binary_length(distinct).to_numpy(zero_copy_only=False)
    for width in (10, 11, 12, 13):
        rows = np.flatnonzero(lengths == width)
        if not rows.size:
            continue
        chars = _byte_matrix(distinct.take(pa.array(rows)), width)
        if width in (11, 13):
            separator = chars[:, width - 5]
            shaped = (separator == ord("-")) | (separator == ord("+"))
            plus = separator == ord("+")
            chars = np.concatenate((chars[:, : width - 5], chars[:, width - 4 :]), axis=1)
        else:
            shaped = np.ones(rows.size, dtype=bool)
            plus = np.zeros(rows.size, dtype=bool)
        digits = chars.astype(np.int32) - ord("0")
        shaped &= ((digits >= 0) & (digits <= 9)).all(axis=1)
        rows, digits, plus = rows[shaped], digits[shaped], plus[shaped]
        if not rows.size:
            continue
        if digits.shape[1] == 12:
            year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
            month = digits[:, 4] * 10 + digits[:, 5]
            day = digits[:, 6] * 10 + digits[:, 7]
            day = np.where(day > 60, day - 60, day)  # samordningsnummer
            future = year * 10000 + month * 100 + day > today_key
            verdict = np.where(
                ~_dates_exist(year, month, day),
                _PNR_DATE,
                np.where(
                    _luhn_fails(digits[:, 2:]),
                    _PNR_CHECKSUM,
                    np.where(future, _PNR_FUTURE, _PNR_VALID),
                ),
            )
            normal[rows] = digits
        else:
            yy = digits[:, 0] * 10 + digits[:, 1]
            month = digits[:, 2] * 10 + digits[:, 3]
            day = digits[:, 4] * 10 + digits[:, 5]
            day = np.where(day > 60, day - 60, day)
            # the latest year ending in yy whose birthday has come by today, a century earlier
            # with "+" (see lofte.core.personnummer)
            year = today.year - (today.year - yy) % 100
            year = np.where(year * 10000 + month * 100 + day > today_key, year - 100, year)
            year = np.where(plus, year - 100, year)
            verdict = np.where(
                ~_dates_exist(year, month, day),
                _PNR_DATE,
                np.where(_luhn_fails(digits), _PNR_CHECKSUM, _PNR_VALID),
            )
            century = np.maximum(year, 0) // 100
            normal[rows, 0] = century // 10
            normal[rows, 1] = century % 10
            normal[rows, 2:] = digits
        code[rows] = verdict
    return code, normal


def _check_distinct_personnummer(
    distinct: pa.Array, today: dt.date
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Normalised number, reason and issue code of each distinct value (see above)."""
    from lofte.core.personnummer import normalize_many

    code, normal = _personnummer_codes(distinct, today)
    valid = np.flatnonzero(code == _PNR_VALID)
    invalid = np.flatnonzero(code > _PNR_VALID)
    slow = np.flatnonzero(code < 0)

    slow_values = distinct.take(pa.array(slow)).to_pylist()
    try:
        slow_normalised, slow_reasons = normalize_many(slow_values, today)
        failed = False
    except Exception:
        failed = True
    if failed:
        # Raised outside the handler so that the original exception, which may quote a number,
        # is neither chained nor shown.
        raise ValueError("kontrollen av personnummer misslyckades")
    slow_codes: list[str | None] = [None] * len(slow_values)
    for i, value in enumerate(slow_values):
        if slow_reasons[i] is None and slow_normalised[i]:
            continue
        if not value:
            slow_reasons[i], slow_codes[i] = MISSING_VALUE, "missing"
        else:
            slow_reasons[i] = slow_reasons[i] or "ogiltigt personnummer"
            slow_codes[i] = "personnummer"
        slow_normalised[i] = None

    count = len(valid)
    valid_strings = pa.StringArray.from_buffers(
        count,
        pa.py_buffer(np.arange(0, 12 * count + 1, 12, dtype=np.int32)),
        pa.py_buffer((normal[valid] + ord("0")).astype(np.uint8).tobytes()),
    )
    normalised = pa.concat_arrays(
        [
            valid_strings,
            pa.nulls(len(invalid), pa.string()),
            pa.array(slow_normalised, pa.string()),
        ]
    )
    reasons = pa.concat_arrays(
        [
            pa.nulls(count, pa.string()),
            _PNR_REASONS.take(pa.array(code[invalid])),
            pa.array(slow_reasons, pa.string()),
        ]
    )
    codes = pa.concat_arrays(
        [
            pa.nulls(count, pa.string()),
            pa.array(np.full(len(invalid), "personnummer", dtype=object), pa.string()),
            pa.array(slow_codes, pa.string()),
        ]
    )
    # Back into the order of the distinct values.
    position = np.empty(len(distinct), dtype=np.int64)
    position[np.concatenate((valid, invalid, slow))] = np.arange(len(distinct))
    back = pa.array(position)
    return normalised.take(back), reasons.take(back), codes.take(back)


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

    # Free text: the other columns have an exact shape, so a control character or an absurd
    # length there is already an error of that shape (and shown escaped and cut).
    for name in FREE_TEXT_COLUMNS:
        if name not in present:
            continue
        bad = _check_text(column(name), MAX_FIELD_LENGTH[name])
        if bad is not None:
            collect.add(order[name], name, bad[0], column(name), bad[1])

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
        warnings=hsa_warnings(column("enhet"), lines) if "enhet" in present else [],
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
