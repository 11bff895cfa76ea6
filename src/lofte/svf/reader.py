"""Read an SVF delivery file (SPEC §3) into a table of strings, one reader per format.

The readers only read: every value comes back as a trimmed string (``""`` where empty), so that
leading zeros (county ``05``, dates ``20240301``) survive and validation (``validate.py``) sees
exactly what the region delivered. Every row keeps the physical line number it had in the file
(header = line 1 when the file starts with it), which is what the validation report and the event
store point back to.

- CSV: UTF-8 with or without BOM, otherwise Windows-1252 (decided by a strict UTF-8 decode);
  delimiter ``;``, ``,`` or tab, decided from the header line; parsed with ``pyarrow.csv``. Blank
  lines and quoted values that span lines are accounted for in the line numbers.
- XLSX: the first sheet, read with the standard library's XML parser exactly as openpyxl's
  read-only mode reads it (openpyxl itself for anything unusual); the line is the sheet row number.
- Parquet: the line is the row index + 2, as if the file had a header line.

Column names are case-insensitive and trimmed; the Swedish names are canonical and the English
ones (and a few spellings users write) are aliases. Unknown columns are reported and ignored.

Bounded input (issue 12): :func:`limits` (from the environment, defaults that fit the national
volume) caps the file size, the rows, the uncompressed size and compression ratio of every XLSX
part (checked from the archive's directory before anything is decompressed, and again while
reading), the rows of a sheet (Excel's 1 048 576) and the length of one XML text or tag (a cell
cannot expand to gigabytes in memory), and the header line. A file mixing UTF-8 and Windows-1252
is refused with the line of its first bad byte. Each refusal is a :class:`DeliveryFileError`.

Nothing here ever puts a cell value into an exception message: parser errors from the libraries
(which quote the offending row, personnummer included) are replaced by a Swedish message without
the value.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

#: Canonical column names in the order the specification lists them.
COLUMNS: tuple[str, ...] = (
    "personnummer",
    "kva",
    "datum",
    "rapporterande_region",
    "lan",
    "enhet",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("personnummer", "kva", "datum", "rapporterande_region")

# Header spelling (lower-cased, trimmed, spaces and hyphens as underscores) -> canonical name.
_ALIASES: dict[str, str] = {
    "personnummer": "personnummer",
    "pnr": "personnummer",
    "kva": "kva",
    "kvå": "kva",
    "kva_code": "kva",
    "kva_kod": "kva",
    "kvå_kod": "kva",
    "datum": "datum",
    "date": "datum",
    "rapporterande_region": "rapporterande_region",
    "reporting_region": "rapporterande_region",
    "lan": "lan",
    "län": "lan",
    "residence_region": "lan",
    "enhet": "enhet",
    "unit": "enhet",
}

LINE_COLUMN = "line"

_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"
_UTF8_BOM = codecs.BOM_UTF8


class DeliveryFileError(Exception):
    """The file cannot be read as a delivery at all (format, encoding, header).

    The message is Swedish and never contains a cell value.
    """


#: Excel's row limit of one sheet.
XLSX_MAX_SHEET_ROWS = 1_048_576


@dataclass(frozen=True)
class Limits:
    """What a delivery file may be at most (see :func:`limits`)."""

    #: Bytes of the file as delivered (``LOFTE_MAX_DELIVERY_BYTES``).
    max_bytes: int = 1 << 30
    #: Data rows (``LOFTE_MAX_DELIVERY_ROWS``); the national set has 5.2 million in all regions.
    max_rows: int = 10_000_000
    #: Uncompressed bytes of one XLSX part (``LOFTE_MAX_XLSX_PART_BYTES``).
    max_part_bytes: int = 1 << 30
    #: Uncompressed / compressed size of one XLSX part (``LOFTE_MAX_XLSX_RATIO``); sheets of
    #: real deliveries compress 5-30 times.
    max_ratio: int = 200
    #: Characters of the header line, and bytes of one XML text or tag in an XLSX part.
    max_header_chars: int = 65_536
    max_xml_run: int = 1 << 20  # at least 64 KiB (_PART_CHUNK)


_LIMIT_VARIABLES = {
    "max_bytes": "LOFTE_MAX_DELIVERY_BYTES",
    "max_rows": "LOFTE_MAX_DELIVERY_ROWS",
    "max_part_bytes": "LOFTE_MAX_XLSX_PART_BYTES",
    "max_ratio": "LOFTE_MAX_XLSX_RATIO",
}


def limits() -> Limits:
    """The limits in force: :class:`Limits` defaults, overridden from the environment."""
    import os

    values: dict[str, int] = {}
    for name, variable in _LIMIT_VARIABLES.items():
        raw = os.environ.get(variable)
        if raw:
            try:
                values[name] = int(raw.replace("_", ""))
            except ValueError:
                raise DeliveryFileError(f"{variable}={raw!r} är inget heltal") from None
    return Limits(**values)


def _size_text(size: int) -> str:
    if size >= 1 << 30:
        return f"{size / (1 << 30):.1f} GiB"
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MiB"
    return f"{size} byte"


def _count(number: int) -> str:
    """``1048576`` as ``1 048 576`` (Swedish digit grouping)."""
    return f"{number:,}".replace(",", "\u00a0")


def _too_many_rows(limit: int) -> DeliveryFileError:
    return DeliveryFileError(
        f"filen har fler än {_count(limit)} datarader (gränsen LOFTE_MAX_DELIVERY_ROWS); "
        "dela upp leveransen"
    )


@dataclass
class DeliveryFile:
    """What was read from one delivery file.

    ``table`` has one string column (non-null, trimmed) per canonical column present in the file,
    plus ``line`` (int32): the row's line number in the file. ``bad_rows`` lists CSV records whose
    number of fields differs from the header: ``(line, fields, expected)``; they are not in
    ``table``.
    """

    name: str
    format: str
    sha256: str
    size: int
    header_line: int
    columns: dict[str, str]
    ignored_columns: list[str]
    table: pa.Table = field(repr=False)
    encoding: str | None = None
    delimiter: str | None = None
    bad_rows: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        """Data rows read, including rows with a wrong number of fields."""
        return self.table.num_rows + len(self.bad_rows)

    @property
    def missing_columns(self) -> list[str]:
        return [c for c in REQUIRED_COLUMNS if c not in self.columns]

    def metadata(self) -> dict[str, Any]:
        """JSON-ready description of the file for the validation report."""
        return {
            "name": self.name,
            "format": self.format,
            "sha256": self.sha256,
            "size": self.size,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header_line": self.header_line,
            "columns": dict(self.columns),
            "ignored_columns": list(self.ignored_columns),
            "rows": self.num_rows,
        }


def sha256_of(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes (read in chunks, as the event store hashes)."""
    from lofte.svf.store import file_digest

    return file_digest(path)[0]


def read_delivery(path: str | Path) -> DeliveryFile:
    """Read a delivery file of any supported format (decided by its content, not its name)."""
    path = Path(path)
    bounds = limits()
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            size = path.stat().st_size
    except OSError as exc:
        raise DeliveryFileError(f"filen kan inte läsas ({exc.strerror or 'okänt fel'})") from None
    if size > bounds.max_bytes:
        raise DeliveryFileError(
            f"filen är {_size_text(size)}, större än gränsen {_size_text(bounds.max_bytes)} "
            "(LOFTE_MAX_DELIVERY_BYTES); dela upp leveransen"
        )
    if head.startswith(_PARQUET_MAGIC):
        return read_parquet(path)
    if head.startswith(_ZIP_MAGIC):
        return read_xlsx(path)
    if head.startswith(_XLS_MAGIC):
        raise DeliveryFileError(
            "filen är i det gamla Excel-formatet (.xls), som inte stöds; spara den som .xlsx"
        )
    return read_csv(path)


# --------------------------------------------------------------------------------------------
# Header handling, shared by the formats


def canonical_name(header: str) -> str | None:
    """The canonical column name for a header cell, or None when it is not a delivery column."""
    key = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return _ALIASES.get(key)


def _map_header(names: Sequence[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Positions of the canonical columns, their original spelling, and the ignored headers."""
    positions: dict[str, int] = {}
    original: dict[str, str] = {}
    ignored: list[str] = []
    for pos, raw in enumerate(names):
        name = (raw or "").strip()
        if not name:
            continue  # e.g. a trailing delimiter on every line
        canonical = canonical_name(name)
        if canonical is None:
            ignored.append(name)
            continue
        if canonical in positions:
            raise DeliveryFileError(
                f"kolumnen {canonical} förekommer två gånger i rubrikraden "
                f"({original[canonical]!r} och {name!r})"
            )
        positions[canonical] = pos
        original[canonical] = name
    return positions, original, ignored


def _finish(
    columns: dict[str, pa.Array | pa.ChunkedArray],
    lines: pa.Array | np.ndarray,
) -> pa.Table:
    """Assemble the canonical table: trimmed non-null strings in canonical order plus ``line``."""
    arrays: list[pa.Array | pa.ChunkedArray] = []
    names: list[str] = []
    for name in COLUMNS:
        if name in columns:
            col = columns[name]
            col = pc.fill_null(col.cast(pa.string()), "")
            arrays.append(pc.utf8_trim_whitespace(col))
            names.append(name)
    arrays.append(pa.array(lines, type=pa.int32()))
    names.append(LINE_COLUMN)
    return pa.Table.from_arrays(arrays, names=names)


# --------------------------------------------------------------------------------------------
# CSV


#: A valid UTF-8 sequence of two to four bytes (never found in Swedish Windows-1252 text, where
#: å, ä, ö are single bytes followed by ASCII).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of byte ``offset`` (line breaks LF, CRLF or a lone CR)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _decode(data: bytes) -> tuple[bytes, str, str]:
    """UTF-8 bytes without BOM, the encoding name for the report, and the decoded text head."""
    if data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM) :]
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DeliveryFileError(
                "filen börjar med en UTF-8-markering (BOM) men är inte giltig UTF-8: första "
                f"felaktiga byte på rad {_line_of(body, exc.start)}; spara hela filen som UTF-8"
            ) from None
        return body, "utf-8-sig", text
    try:
        text = data.decode("utf-8")
        return data, "utf-8", text
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _UTF8_MULTIBYTE.search(data):
        # Part UTF-8, part something else: read as Windows-1252, the UTF-8 part would become
        # "Ã–" – silently wrong text. Refuse instead.
        raise DeliveryFileError(
            "filen blandar teckenkodningar: den innehåller UTF-8-tecken men rad "
            f"{_line_of(data, bad)} har en byte som inte är UTF-8 (troligen Windows-1252); "
            "spara hela filen i en kodning, helst UTF-8"
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DeliveryFileError(
            f"filen är varken UTF-8 eller Windows-1252 (rad {_line_of(data, exc.start)})"
        ) from None
    return text.encode("utf-8"), "windows-1252", text


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding, by the delivery rules (BOM, UTF-8, Windows-1252).

    Raises :class:`DeliveryFileError`.
    """
    _, encoding, text = _decode(data)
    return text, encoding


def read_csv_table(data: bytes) -> tuple[list[str], Any]:
    """(lower-cased header, csv reader positioned after it) for the small CSV imports.

    Shared by the register and aggregate imports so that every CSV file Löfte reads is decoded
    and split the same way as a delivery. ``reader.line_num`` is the physical line of the last
    record read (quoted line breaks included). Raises :class:`DeliveryFileError`.
    """
    text, _ = decode_text(data)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DeliveryFileError("filen är tom (ingen rubrikrad)")
    reader = csv.reader(io.StringIO(text), delimiter=detect_delimiter(lines[0]))
    header: list[str] = []
    while not header:
        header = [h.strip().lower() for h in next(reader)]
    return header, reader


def detect_delimiter(header_line: str) -> str:
    """The delimiter used in the header line: the most frequent of ``;``, tab and ``,``."""
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts.values())
    if best == 0:
        return ";"
    # On a tie the order above decides (';' is what Swedish Excel writes).
    return next(d for d in (";", "\t", ",") if counts[d] == best)


def _record_lines(data: bytes) -> np.ndarray:
    """Line numbers (1-based) of the non-empty CSV records in ``data``, header included.

    A record starts on a physical line whose preceding line break lies outside quotes (an even
    number of ``"`` before it, since an escaped quote ``""`` does not change the parity). Line
    breaks are LF, CRLF and a lone CR, as pyarrow reads them. Empty records are skipped, as
    pyarrow skips empty lines.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    size = buf.size
    lf = np.flatnonzero(buf == 10)
    cr = np.flatnonzero(buf == 13)
    if cr.size:
        following = cr + 1
        lone = cr[(following >= size) | (buf[np.minimum(following, size - 1)] != 10)]
        breaks = np.union1d(lf, lone) if lone.size else lf
    else:
        breaks = lf
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [size]))
    if starts[-1] >= size:  # the file ends with a line break: no final line
        starts, ends = starts[:-1], ends[:-1]
    # Content end excludes the CR of a CRLF.
    crlf = (ends > starts) & (ends < size)
    crlf[crlf] = buf[ends[crlf] - 1] == 13
    content_len = ends - starts - crlf
    is_record_start = np.ones(starts.size, dtype=bool)
    quotes = np.flatnonzero(buf == 34)
    if quotes.size:
        # A line starts a record if the quotes before it (all lines up to its start) are balanced.
        quotes_before = np.searchsorted(quotes, starts)
        is_record_start = quotes_before % 2 == 0
    keep = is_record_start & (content_len > 0)
    return np.flatnonzero(keep).astype(np.int64) + 1


def _first_line(text: str) -> tuple[str, int]:
    """The first non-empty physical line (the header, which decides the delimiter) and its
    line number."""
    start = 0
    number = 1
    while start < len(text):
        end = len(text)
        for brk in ("\n", "\r"):
            found = text.find(brk, start)
            if found != -1:
                end = min(end, found)
        if end > start:
            return text[start:end], number
        if text.startswith("\r\n", end):
            end += 1
        start = end + 1
        number += 1
    raise DeliveryFileError("filen är tom (ingen rubrikrad)")


def read_csv(path: str | Path) -> DeliveryFile:
    """Read a CSV delivery (see the module docstring)."""
    path = Path(path)
    bounds = limits()
    raw = path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    data, encoding, text = _decode(raw)
    del raw
    first, first_number = _first_line(text)
    if len(first) > bounds.max_header_chars:
        raise DeliveryFileError(
            f"rubrikraden (rad {first_number}) är {_count(len(first))} tecken lång, mer än "
            f"{_count(bounds.max_header_chars)}: är det rätt fil, med radbrytningar?"
        )
    delimiter = detect_delimiter(first)
    header = next(csv.reader([first], delimiter=delimiter))
    positions, original, ignored = _map_header(header)
    width = len(header)

    lines = _record_lines(data)
    if lines.size - 1 > bounds.max_rows:
        raise _too_many_rows(bounds.max_rows)
    try:
        table, invalid = _parse_csv(data, delimiter, width, quoted='"' in text)
    except pa.ArrowInvalid:
        table, invalid = None, []
    if table is not None and lines.size == table.num_rows + len(invalid):
        keep = np.ones(lines.size, dtype=bool)
        bad_rows = []
        for number, actual in invalid:
            keep[number - 1] = False
            bad_rows.append((int(lines[number - 1]), actual, width))
        record_lines = lines[keep]
        if table.num_rows == 0:
            raise DeliveryFileError("filen är tom (ingen rubrikrad)")
        header_line = int(record_lines[0])
        cells = {name: table.column(pos).slice(1) for name, pos in positions.items()}
        data_lines = record_lines[1:]
        if any(line < header_line for line, _, _ in bad_rows):
            raise DeliveryFileError("rubrikraden kunde inte tolkas")
    else:
        # The fast path disagrees with itself (unusual quoting): let Python's csv module decide,
        # which tracks physical lines exactly.
        header_line, parsed, data_lines, bad_rows = _parse_csv_python(text, delimiter, width)
        cells = {name: parsed[pos] for name, pos in positions.items()}

    return DeliveryFile(
        name=path.name,
        format="csv",
        sha256=sha,
        size=path.stat().st_size,
        header_line=header_line,
        columns=original,
        ignored_columns=ignored,
        table=_finish(cells, data_lines),
        encoding=encoding,
        delimiter=delimiter,
        bad_rows=sorted(bad_rows),
    )


def _parse_csv(
    data: bytes, delimiter: str, width: int, *, quoted: bool
) -> tuple[pa.Table, list[tuple[int, int]]]:
    """Parse with pyarrow, header as a data row; also return (record number, fields) of rows
    with the wrong number of fields (record numbers count from 1, header included)."""
    names = [f"c{i}" for i in range(width)]

    def attempt(threads: bool) -> tuple[pa.Table, list[tuple[int | None, int]]]:
        invalid: list[tuple[int | None, int]] = []

        def on_invalid(row: Any) -> str:
            invalid.append((row.number, row.actual_columns))
            return "skip"

        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=threads),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                newlines_in_values=quoted,
                ignore_empty_lines=True,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        return table, invalid

    table, invalid = attempt(threads=True)
    if any(number is None for number, _ in invalid):
        # Only the single-threaded parser knows the record number of an invalid row.
        table, invalid = attempt(threads=False)
    return table, [(int(number or 0), actual) for number, actual in invalid]


def _parse_csv_python(
    text: str, delimiter: str, width: int
) -> tuple[int, list[pa.Array], np.ndarray, list[tuple[int, int, int]]]:
    """Slow exact path with the csv module: header line, columns, data lines, bad rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    columns: list[list[str]] = [[] for _ in range(width)]
    lines: list[int] = []
    bad_rows: list[tuple[int, int, int]] = []
    header_line = 0
    previous_end = 0
    try:
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not record or record == [""]:
                continue
            if not header_line:
                header_line = start
                continue
            if len(record) != width:
                bad_rows.append((start, len(record), width))
                continue
            for column, value in zip(columns, record, strict=True):
                column.append(value)
            lines.append(start)
    except csv.Error:
        raise DeliveryFileError(
            f"filen kunde inte tolkas som CSV efter rad {previous_end}"
        ) from None
    if not header_line:
        raise DeliveryFileError("filen är tom (ingen rubrikrad)")
    arrays = [pa.array(col, type=pa.string()) for col in columns]
    return header_line, arrays, np.asarray(lines, dtype=np.int64), bad_rows


# --------------------------------------------------------------------------------------------
# XLSX


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a user sees in it (dates as ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal | int):
        return str(value)
    return str(value)


def read_xlsx(path: str | Path) -> DeliveryFile:
    """Read the first sheet of an XLSX delivery (see the module docstring).

    The sheet is read by :func:`_xlsx_rows_fast` (the standard library's streaming XML parser),
    which gives the cells exactly the values openpyxl's read-only mode gives them; whatever it
    does not handle (and any file it cannot read) goes to openpyxl, so that openpyxl decides
    every unusual case and every error exactly as before.
    """
    path = Path(path)
    bounds = limits()
    _check_archive(path, bounds)
    try:
        collected = _collect_rows(_xlsx_rows_fast(path, bounds), bounds)
    except DeliveryFileError:
        raise
    except Exception:
        _scan_parts(path, bounds)  # openpyxl reads whole cells into memory: bound them first
        collected = _collect_rows_openpyxl(path, bounds)
    header_line, original, ignored, cells, lines = collected
    arrays = {name: pa.array(values, type=pa.string()) for name, values in cells.items()}
    return DeliveryFile(
        name=path.name,
        format="xlsx",
        sha256=sha256_of(path),
        size=path.stat().st_size,
        header_line=header_line,
        columns=original,
        ignored_columns=ignored,
        table=_finish(arrays, np.asarray(lines, dtype=np.int64)),
    )


_Collected = tuple[int, dict[str, str], list[str], dict[str, list[str]], list[int]]


def _check_archive(path: Path, bounds: Limits) -> None:
    """Refuse a zip bomb from the archive's directory, before anything is decompressed.

    The sizes in the directory bound what reading produces (``zipfile`` stops at the declared
    size and checks the CRC), and :class:`_BoundedPart` counts again while reading.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable archive: the readers say so
    if len(infos) > 10_000:
        raise DeliveryFileError(
            f"Excel-filen har {_count(len(infos))} delar; en leverans har ett tiotal"
        )
    total = 0
    for info in infos:
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > bounds.max_part_bytes:
            raise DeliveryFileError(
                f"Excel-filens del {info.filename!r} packas upp till {_size_text(size)}, mer än "
                f"gränsen {_size_text(bounds.max_part_bytes)} (LOFTE_MAX_XLSX_PART_BYTES)"
            )
        if size > (1 << 20) and size > packed * bounds.max_ratio:
            raise DeliveryFileError(
                f"Excel-filens del {info.filename!r} packas upp {size // packed} gånger (till "
                f"{_size_text(size)}); högst {bounds.max_ratio} gånger tillåts "
                "(skydd mot zip-bomber, LOFTE_MAX_XLSX_RATIO)"
            )
        total += size
    if total > 2 * bounds.max_part_bytes:
        raise DeliveryFileError(
            f"Excel-filen packas upp till {_size_text(total)}, mer än gränsen "
            f"{_size_text(2 * bounds.max_part_bytes)}"
        )


_PART_CHUNK = 1 << 16


class _BoundedPart(io.RawIOBase):
    """A part of the archive, read through: counts the bytes and refuses an XML text or tag
    (the bytes between two ``<``) longer than ``max_xml_run``, so that no single cell can grow
    a parser's memory beyond it."""

    def __init__(self, raw: Any, name: str, bounds: Limits) -> None:
        self._raw = raw
        self._name = name
        self._bounds = bounds
        self._total = 0
        self._run = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        # At most 64 KiB at a time, less than max_xml_run: a run inside one chunk cannot
        # exceed the limit unnoticed, only runs across chunks, which are tracked.
        want = min(size, _PART_CHUNK) if size and size > 0 else _PART_CHUNK
        chunk = self._raw.read(want)
        self._total += len(chunk)
        if self._total > self._bounds.max_part_bytes:
            raise DeliveryFileError(
                f"Excel-filens del {self._name!r} är större än gränsen "
                f"{_size_text(self._bounds.max_part_bytes)}"
            )
        first = chunk.find(b"<")
        if first == -1:
            self._run += len(chunk)
            longest = self._run
        else:
            longest = self._run + first
            self._run = len(chunk) - chunk.rfind(b"<") - 1
        if longest > self._bounds.max_xml_run:
            raise DeliveryFileError(
                f"Excel-filen har ett cellvärde eller en XML-tagg i {self._name!r} som är större "
                f"än {_size_text(self._bounds.max_xml_run)}; en leverans har korta värden"
            )
        return chunk


def _open_part(archive: Any, name: str, bounds: Limits) -> _BoundedPart:
    return _BoundedPart(archive.open(name), name, bounds)


def _count_rows(part: _BoundedPart, stop_above: int | None = None) -> int:
    """Read ``part`` (bounded) and count its ``<row`` elements, without parsing; stop as soon as
    there are more than ``stop_above``.

    Decompressing and counting is some 20 times faster than parsing, so a sheet with more rows
    than Excel allows is refused in a second or two instead of after parsing a million rows.
    """
    rows = 0
    tail = b""
    while chunk := part.read(_PART_CHUNK):
        window = tail + chunk
        # The 4 bytes kept from the last chunk cannot hold a whole 5-byte "<row " again, so an
        # element split across two chunks is counted once, in the window that completes it.
        rows += window.count(b"<row ") + window.count(b"<row>")
        tail = window[-4:]
        if stop_above is not None and rows > stop_above:
            break
    return rows


def _check_sheet_rows(archive: Any, name: str, bounds: Limits) -> None:
    rows = _count_rows(_open_part(archive, name, bounds), stop_above=XLSX_MAX_SHEET_ROWS)
    if rows > XLSX_MAX_SHEET_ROWS:
        raise DeliveryFileError(
            f"Excel-bladet har fler än Excels {_count(XLSX_MAX_SHEET_ROWS)} rader"
        )


def _scan_parts(path: Path, bounds: Limits) -> None:
    """Read every XML part through :class:`_BoundedPart` without parsing (for openpyxl)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_sheet_rows(archive, name, bounds)
            elif name.endswith((".xml", ".rels")):
                part = _open_part(archive, name, bounds)
                while part.read(_PART_CHUNK):
                    pass


def _collect_rows(
    rows: Iterable[tuple[int, Sequence[str]]], bounds: Limits | None = None
) -> _Collected:
    """Header line, column names, ignored headers, cell texts per column and data lines.

    ``rows`` are (sheet row number, cell texts); rows without any non-blank cell are skipped,
    the first other row is the header.
    """
    header: Sequence[str] | None = None
    header_line = 0
    positions: dict[str, int] = {}
    original: dict[str, str] = {}
    ignored: list[str] = []
    cells: dict[str, list[str]] = {}
    lines: list[int] = []
    bounds = bounds or limits()
    max_rows = min(bounds.max_rows, XLSX_MAX_SHEET_ROWS)
    for number, texts in rows:
        if number > XLSX_MAX_SHEET_ROWS:
            raise DeliveryFileError(
                f"Excel-bladet har rad {_count(number)}, fler än Excels "
                f"{_count(XLSX_MAX_SHEET_ROWS)} rader"
            )
        if not any(t.strip() for t in texts):
            continue
        if header is None:
            header = texts
            header_line = number
            positions, original, ignored = _map_header(header)
            cells = {name: [] for name in positions}
            continue
        if len(lines) >= max_rows:
            raise _too_many_rows(max_rows)
        width = len(texts)
        for name, pos in positions.items():
            cells[name].append(texts[pos] if pos < width else "")
        lines.append(number)
    if header is None:
        raise DeliveryFileError("filen är tom (ingen rubrikrad)")
    return header_line, original, ignored, cells, lines


def _collect_rows_openpyxl(path: Path, bounds: Limits | None = None) -> _Collected:
    """:func:`_collect_rows` over the first sheet as openpyxl's read-only mode reads it."""
    from openpyxl import load_workbook

    # A file object, so that the name's extension does not matter (a .csv may be an Excel file).
    handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception:
        handle.close()
        raise DeliveryFileError("filen kunde inte läsas som en Excel-fil (.xlsx)") from None
    try:
        if not workbook.worksheets:
            raise DeliveryFileError("Excel-filen saknar blad")
        sheet = workbook.worksheets[0]
        # The stored dimensions are often wrong (written by other tools): read what is there.
        sheet.reset_dimensions()
        rows: Iterable[tuple[Any, ...]] = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        return _collect_rows(
            ((number, [_cell_text(v) for v in row]) for number, row in enumerate(rows, start=1)),
            bounds,
        )
    except DeliveryFileError:
        raise
    except Exception:
        raise DeliveryFileError("Excel-filen kunde inte läsas") from None
    finally:
        workbook.close()
        handle.close()


# The fast XLSX path. It follows openpyxl 3.1's read-only reader (ExcelReader, WorkSheetParser,
# ReadOnlyWorksheet) for what a delivery sheet contains and raises _Unsupported for anything
# else, which sends the file to openpyxl.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_ROW = f"{{{_MAIN_NS}}}row"
_CELL = f"{{{_MAIN_NS}}}c"
_VALUE = f"{{{_MAIN_NS}}}v"
_FORMULA = f"{{{_MAIN_NS}}}f"
_INLINE = f"{{{_MAIN_NS}}}is"
_TEXT = f"{{{_MAIN_NS}}}t"
_RUN = f"{{{_MAIN_NS}}}r"
_RUN_PROPERTIES = f"{{{_MAIN_NS}}}rPr"
_PHONETIC = (f"{{{_MAIN_NS}}}rPh", f"{{{_MAIN_NS}}}phoneticPr")
_SHARED_STRING = f"{{{_MAIN_NS}}}si"
_SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
# In the order openpyxl looks for them.
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
_WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
_MAC_EPOCH = dt.datetime(1904, 1, 1)
# Built-in number formats that openpyxl's is_date_format recognises (ids 14-22 and 45-47), and
# the one that is also a duration ([h]:mm:ss). A test holds these to openpyxl's table.
_BUILTIN_DATE_FORMATS = frozenset((14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47))
_BUILTIN_TIMEDELTA_FORMATS = frozenset((46,))
# openpyxl.styles.numbers: quoted literals and bracketed locale/colour parts are ignored.
_FORMAT_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_FORMAT_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_FORMAT_TIMEDELTA = re.compile(
    r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.IGNORECASE
)
_COORDINATE = re.compile(r"([A-Z]{1,3})([0-9]+)")


class _Unsupported(Exception):
    """Something the fast XLSX path does not handle: openpyxl reads the file instead."""


def _is_date_format(code: str | None) -> bool:
    if code is None:
        return False
    return _FORMAT_DATE_LETTER.search(_FORMAT_STRIP.sub("", code.split(";")[0])) is not None


def _is_timedelta_format(code: str | None) -> bool:
    return code is not None and _FORMAT_TIMEDELTA.search(code.split(";")[0]) is not None


def _letters(index: int) -> str:
    """The column letters of a 1-based column index (``28`` → ``AB``)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    if index > 16384:  # beyond XFD
        raise _Unsupported("column")
    return index


def _from_excel(serial: float, epoch: dt.datetime) -> Any:
    """openpyxl's ``from_excel``: an Excel serial date as a datetime (or a time below 1)."""
    day, fraction = divmod(serial, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= serial < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return dt.time(hours, minutes, seconds, diff.microseconds)
    if 0 < serial < 60 and epoch == _WINDOWS_EPOCH:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


def _text_content(element: Any) -> str:
    """openpyxl's ``Text.content`` of an ``<is>`` or ``<si>`` element: the plain text, then the
    text of each rich-text run (phonetic runs left out)."""
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        tag = child.tag
        if tag == _TEXT:
            plain = child.text
        elif tag == _RUN:
            text: str | None = None
            for part in child:
                if part.tag == _TEXT:
                    text = part.text
                elif part.tag != _RUN_PROPERTIES:
                    raise _Unsupported(part.tag)
            if text is not None:
                runs.append(text)
        elif tag not in _PHONETIC:
            raise _Unsupported(tag)
    if plain is None:
        return "".join(runs)
    return plain + "".join(runs) if runs else plain


def _package_parts(archive: Any) -> tuple[str, str | None]:
    """The workbook part and the shared-strings part (or None), from ``[Content_Types].xml``."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    overrides: dict[str, str] = {}
    for override in root.iter(f"{{{_CT_NS}}}Override"):
        overrides.setdefault(override.get("ContentType", ""), override.get("PartName", ""))
    workbook = next((overrides[t] for t in _WORKBOOK_TYPES if overrides.get(t)), None)
    if workbook is None:
        raise _Unsupported("workbook part")
    strings = overrides.get(_SHARED_STRINGS_TYPE) or None
    return workbook[1:], strings[1:] if strings else None


def _first_sheet(archive: Any, workbook_part: str) -> tuple[str, dt.datetime]:
    """The archive path of the first worksheet and the workbook's date epoch."""
    import posixpath
    from xml.etree import ElementTree

    root = ElementTree.fromstring(archive.read(workbook_part))
    epoch = _WINDOWS_EPOCH
    properties = root.find(f"{{{_MAIN_NS}}}workbookPr")
    if properties is not None:
        flag = properties.get("date1904")
        if flag and flag not in ("false", "f", "0"):
            epoch = _MAC_EPOCH
    folder, name = posixpath.split(workbook_part)
    rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
    rels_root = ElementTree.fromstring(archive.read(rels_path))
    parent = posixpath.split(posixpath.dirname(rels_path))[0]
    targets: dict[str, tuple[str, str]] = {}
    for rel in rels_root.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target, kind = rel.get("Target"), rel.get("Type", "")
        if not target or rel.get("TargetMode") == "External":
            raise _Unsupported("relationship")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(parent, target))
        targets[rel.get("Id", "")] = (target, kind)
    names = set(archive.namelist())
    sheets = root.find(f"{{{_MAIN_NS}}}sheets")
    for sheet in sheets if sheets is not None else ():
        rel_id = sheet.get(f"{{{_REL_NS}}}id")
        if not rel_id or rel_id not in targets:
            raise _Unsupported("sheet relationship")
        target, kind = targets[rel_id]
        if target not in names:
            continue
        if not kind.endswith("/worksheet"):  # e.g. a chartsheet, which openpyxl reads first
            raise _Unsupported(kind)
        return target, epoch
    raise _Unsupported("no worksheet")


def _date_styles(archive: Any) -> tuple[frozenset[int], frozenset[int]]:
    """Indices of the cell styles (``cellXfs``) with a date format, and with a duration format."""
    from xml.etree import ElementTree

    try:
        source = archive.read("xl/styles.xml")  # openpyxl reads the styles from this name only
    except KeyError:
        return frozenset(), frozenset()
    root = ElementTree.fromstring(source)
    custom: dict[int, str] = {}
    formats = root.find(f"{{{_MAIN_NS}}}numFmts")
    for fmt in formats if formats is not None else ():
        custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
    dates: set[int] = set()
    durations: set[int] = set()
    xfs = root.find(f"{{{_MAIN_NS}}}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else ()):
        number_format = int(xf.get("numFmtId", "0"))
        if number_format in custom:
            code = custom[number_format]
            date, duration = _is_date_format(code), _is_timedelta_format(code)
        else:
            date = number_format in _BUILTIN_DATE_FORMATS
            duration = number_format in _BUILTIN_TIMEDELTA_FORMATS
        if date:
            dates.add(index)
        if duration:
            durations.add(index)
    return frozenset(dates), frozenset(durations)


def _shared_strings(archive: Any, part: str | None, bounds: Limits) -> list[str]:
    from xml.etree import ElementTree

    strings: list[str] = []
    if part is None:
        return strings
    with _open_part(archive, part, bounds) as source:
        for _, node in ElementTree.iterparse(source):
            if node.tag == _SHARED_STRING:
                strings.append(_text_content(node).replace("x005F_", ""))
                node.clear()
    return strings


def _xlsx_rows_fast(path: Path, bounds: Limits | None = None) -> Iterable[tuple[int, list[str]]]:
    """(sheet row number, cell texts) of the first sheet's rows, as openpyxl's read-only
    ``iter_rows(values_only=True)`` gives them through :func:`_cell_text`.

    Raises :class:`_Unsupported` (or any other exception) where openpyxl must decide.
    """
    import zipfile
    from xml.etree import ElementTree

    bounds = bounds or limits()
    with zipfile.ZipFile(path) as archive:
        workbook_part, strings_part = _package_parts(archive)
        sheet_part, epoch = _first_sheet(archive, workbook_part)
        date_styles, duration_styles = _date_styles(archive)
        _check_sheet_rows(archive, sheet_part, bounds)
        shared = _shared_strings(archive, strings_part, bounds)
        # Numeric cells repeat (dates above all): their text by (value, is a date).
        numbers: dict[tuple[str, bool], str] = {}
        next_row = 1
        row_number = 0
        with _open_part(archive, sheet_part, bounds) as source:
            for _, element in ElementTree.iterparse(source):
                if element.tag != _ROW:
                    continue
                attribute = element.get("r")
                if attribute is None:
                    row_number += 1
                else:
                    if not attribute.isdigit():
                        raise _Unsupported("row number")
                    row_number = int(attribute)
                values: dict[int, str] = {}
                column = 0
                for cell in element:
                    if cell.tag != _CELL:
                        raise _Unsupported(cell.tag)
                    reference = cell.get("r")
                    if reference:
                        match = _COORDINATE.fullmatch(reference)
                        if match is None:
                            raise _Unsupported("cell reference")
                        column = _column_index(match.group(1))
                    else:
                        column += 1
                    kind = cell.get("t", "n")
                    text: str | None
                    if kind == "inlineStr":
                        inline = cell.find(_INLINE)
                        text = None if inline is None else _text_content(inline)
                    else:
                        raw = cell.findtext(_VALUE) or None
                        if raw is None:
                            if cell.find(_FORMULA) is not None:
                                # openpyxl would read it as empty: a "missing value" that is
                                # really a formula Excel never calculated and saved.
                                raise DeliveryFileError(
                                    f"rad {row_number}, cell {reference or _letters(column)}: "
                                    "cellen "
                                    "innehåller en formel utan sparat värde; öppna filen i "
                                    "Excel, spara den och leverera igen (eller klistra in "
                                    "värdena)"
                                )
                            text = None
                        elif kind == "n":
                            style: Any = cell.get("s", 0)
                            if style:
                                style = int(style)
                            is_date = style in date_styles
                            if is_date and style in duration_styles:
                                raise _Unsupported("duration")
                            key = (raw, is_date)
                            text = numbers.get(key)
                            if text is None:
                                number: Any = (
                                    float(raw)
                                    if "." in raw or "E" in raw or "e" in raw
                                    else int(raw)
                                )
                                if is_date:
                                    try:
                                        number = _from_excel(number, epoch)
                                    except (OverflowError, ValueError):
                                        number = "#VALUE!"
                                text = numbers[key] = _cell_text(number)
                        elif kind == "s":
                            text = shared[int(raw)]
                        elif kind == "b":
                            text = "1" if int(raw) else "0"
                        elif kind == "d":
                            raise _Unsupported("ISO 8601 date cell")
                        else:  # "str" (a formula's text), "e" (an error such as #N/A), …
                            text = raw
                    values[column] = "" if text is None else text
                element.clear()
                if not values or row_number < next_row:
                    # openpyxl yields an empty row, or skips a row number it has passed
                    next_row = max(next_row, row_number + 1)
                    continue
                next_row = row_number + 1
                # openpyxl sizes the row by its last cell and drops cells beyond it
                texts = [""] * column
                for position, text in values.items():
                    if position <= column:
                        texts[position - 1] = text
                yield row_number, texts


# --------------------------------------------------------------------------------------------
# Parquet


def _as_strings(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A Parquet column as strings, the way a user would have written the values."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = column.cast(kind.value_type)
        kind = column.type
    if pa.types.is_timestamp(kind):
        column = column.cast(pa.date32(), safe=False)
    elif pa.types.is_floating(kind):
        values = column.drop_null()
        integral = len(values) == 0 or pc.all(pc.equal(pc.floor(values), values)).as_py()
        if integral:
            column = column.cast(pa.int64(), safe=False)
    elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        try:
            return column.cast(pa.string())
        except pa.ArrowInvalid:
            raise DeliveryFileError("en kolumn i Parquet-filen är inte text (UTF-8)") from None
    elif pa.types.is_boolean(kind):
        column = column.cast(pa.int8())
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise DeliveryFileError(f"kolumntypen {kind} i Parquet-filen stöds inte") from None


def read_parquet(path: str | Path) -> DeliveryFile:
    """Read a Parquet delivery (see the module docstring)."""
    path = Path(path)
    bounds = limits()
    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowInvalid, OSError):
        raise DeliveryFileError("filen kunde inte läsas som Parquet") from None
    if meta.num_rows > bounds.max_rows:
        raise _too_many_rows(bounds.max_rows)
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > 2 * bounds.max_part_bytes:
        raise DeliveryFileError(
            f"Parquet-filen packas upp till {_size_text(unpacked)}, mer än gränsen "
            f"{_size_text(2 * bounds.max_part_bytes)}"
        )
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError):
        raise DeliveryFileError("filen kunde inte läsas som Parquet") from None
    positions, original, ignored = _map_header(table.column_names)
    columns = {name: _as_strings(table.column(pos)) for name, pos in positions.items()}
    lines = np.arange(table.num_rows, dtype=np.int64) + 2
    return DeliveryFile(
        name=path.name,
        format="parquet",
        sha256=sha256_of(path),
        size=path.stat().st_size,
        header_line=1,
        columns=original,
        ignored_columns=ignored,
        table=_finish(dict(columns), lines),
    )
