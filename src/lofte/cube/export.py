"""Writing the cube to files (SPEC §8): CSV, Parquet and XLSX, internal or public.

The public file is the only one that may leave the RCC: suppressed cells keep their keys and the
``suppressed`` flag but lose numerator, denominator, value and ``meets_target``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyarrow as pa
import pyarrow.parquet as pq

from lofte.core.spreadsheet import neutralise
from lofte.cube import audit
from lofte.cube.blanking import export_table

FORMATS = ("csv", "parquet", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row


def write(
    cube: pa.Table,
    out: Path,
    public: bool,
    fmt: str | None = None,
    verdict: audit.AuditResult | None = None,
) -> int:
    """Write the cube to ``out`` in ``fmt`` (default from the suffix); returns the row count.

    A public file is written only when the disclosure audit finds nothing to work out
    (:class:`lofte.cube.audit.DisclosureError` otherwise); ``verdict`` is the stored cube's
    audit (:func:`lofte.cube.audit.audit_stored`) when ``cube`` is that file, read unchanged."""
    fmt = (fmt or out.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise ValueError(f"okänt format: {fmt} (välj {', '.join(FORMATS)})")
    table = export_table(cube, public)
    if public:
        # The publication gate (SPEC §7): nothing is written when an intruder could work out a
        # population of 1–4 from the file.
        audit.require_safe(table, what=out.name, verdict=verdict)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "parquet":
        pq.write_table(table, tmp, compression="zstd")
    elif fmt == "csv":
        _write_csv(table, tmp)
    else:
        _write_xlsx(table, tmp)
    tmp.replace(out)
    return table.num_rows


def _cell(value: object) -> object:
    """One value as written to CSV and XLSX; text that could run as a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return neutralise(value)


def _rows(table: pa.Table):
    for batch in table.to_batches(max_chunksize=100_000):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for row in zip(*columns, strict=True):
            yield [_cell(v) for v in row]


def _write_csv(table: pa.Table, path: Path | IO[str]) -> None:
    with _opened(path, "w") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(table.column_names)
        for row in _rows(table):
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])


@contextmanager
def _opened(target: Path | IO[str], mode: str) -> Iterator[IO[str]]:
    if isinstance(target, Path):
        with open(target, mode, encoding="utf-8", newline="") as fh:
            yield fh
    else:
        yield target


def table_bytes(table: pa.Table, fmt: str, sheet_name: str = "kub") -> bytes:
    """``table`` as a CSV or XLSX file in memory (for downloads of already public cells)."""
    if fmt == "csv":
        text = io.StringIO()
        _write_csv(table, text)
        return text.getvalue().encode("utf-8")
    if fmt == "xlsx":
        binary = io.BytesIO()
        _write_xlsx(table, binary, sheet_name)
        return binary.getvalue()
    raise ValueError(f"okänt format: {fmt} (välj csv eller xlsx)")


def _write_xlsx(table: pa.Table, path: Path | IO[bytes], sheet_name: str = "kub") -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = None
    written = XLSX_MAX_ROWS
    part = 0
    for row in _rows(table):
        if written >= XLSX_MAX_ROWS:  # a national cube can exceed one sheet
            part += 1
            sheet = wb.create_sheet(sheet_name if part == 1 else f"{sheet_name}_{part}")
            sheet.append(table.column_names)
            written = 0
        assert sheet is not None
        sheet.append(row)
        written += 1
    if sheet is None:
        wb.create_sheet(sheet_name).append(table.column_names)
    wb.save(path)
