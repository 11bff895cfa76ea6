"""Bounded hostile input (issue 12): zip bombs, oversized sheets, cells, files, rows and header
lines, control characters, mixed encodings – each refused with a located Swedish message, before
memory grows with the hostile part."""

from __future__ import annotations

import datetime as dt
import random
import string
import time
import zipfile

import pytest

from lofte.catalog import load
from lofte.svf import reader
from lofte.svf.reader import DeliveryFileError, read_delivery
from lofte.svf.validate import validate
from tests.svf.test_reader import HEADER, write_csv, write_parquet, write_xlsx
from tests.svf.test_reader_xlsx import package

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def pnr(make_personnummer) -> str:
    return make_personnummer(dt.date(1950, 3, 1), 121)


def rows_of(pnr: str, n: int = 3, unit: str = "SE2321000016-E0001") -> list[list[str]]:
    days = ["2024-03-01", "2024-03-10", "2024-03-20"]
    kva = ["VG910", "VG935", "VG950"]
    return [[pnr, kva[i % 3], days[i % 3], "05", "05", unit] for i in range(n)]


def inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    return '<row r="1">' + "".join(inline(h) for h in HEADER) + "</row>"


def refused(path, match: str) -> str:
    with pytest.raises(DeliveryFileError, match=match) as caught:
        read_delivery(path)
    return str(caught.value)


# --- XLSX ------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_from_the_archive_directory(tmp_path, monkeypatch):
    # One cell that expands 64 MiB from well under 1 MiB: refused before it is decompressed.
    path = package(tmp_path / "bomb.xlsx", header_row())
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", "A" * (64 << 20))
    assert path.stat().st_size < 1 << 20
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a) or 1 / 0)
    started = time.monotonic()
    message = refused(path, "zip-bomb")
    assert time.monotonic() - started < 2
    assert "sheet2.xml" in message and opened == []


def test_a_part_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("LOFTE_MAX_XLSX_PART_BYTES", "100000")
    rows = "".join(f'<row r="{i}">' + inline("x" * 60) * 6 + "</row>" for i in range(2, 400))
    path = package(tmp_path / "stor.xlsx", header_row() + rows)
    refused(path, "LOFTE_MAX_XLSX_PART_BYTES")


def test_a_huge_cell_is_refused_while_reading(tmp_path):
    # Random letters barely compress, so the ratio check lets it through; the stream does not.
    rng = random.Random(1)
    cell = "".join(rng.choices(string.ascii_letters, k=(1 << 20) + 10))
    path = package(tmp_path / "cell.xlsx", header_row() + f'<row r="2">{inline(cell)}</row>')
    refused(path, "cellvärde eller en XML-tagg")


def test_a_huge_shared_string_is_refused(tmp_path):
    rng = random.Random(2)
    cell = "".join(rng.choices(string.ascii_letters, k=(1 << 20) + 10))
    path = package(
        tmp_path / "shared.xlsx",
        header_row() + '<row r="2"><c t="s"><v>0</v></c></row>',
        shared=[f"<t>{cell}</t>"],
    )
    refused(path, "sharedStrings.xml")


def test_a_row_beyond_excels_limit_is_refused_at_once(tmp_path, pnr):
    data = "".join(inline(v) for v in rows_of(pnr, 1)[0])
    path = package(
        tmp_path / "rader.xlsx",
        header_row() + f'<row r="2">{data}</row><row r="1048577">{data}</row>',
    )
    message = refused(path, "Excels")
    assert "1\u00a0048\u00a0577" in message


def test_the_row_limit_applies_to_every_format(tmp_path, pnr, monkeypatch):
    monkeypatch.setenv("LOFTE_MAX_DELIVERY_ROWS", "4")
    rows = rows_of(pnr, 5)
    for path in (
        write_csv(tmp_path / "a.csv", rows),
        write_xlsx(tmp_path / "a.xlsx", rows),
        write_parquet(tmp_path / "a.parquet", rows),
    ):
        refused(path, "fler än 4 datarader")
    assert read_delivery(write_csv(tmp_path / "b.csv", rows[:4])).num_rows == 4


def test_the_file_size_limit_is_checked_before_reading(tmp_path, pnr, monkeypatch):
    path = write_csv(tmp_path / "a.csv", rows_of(pnr, 50))
    monkeypatch.setenv("LOFTE_MAX_DELIVERY_BYTES", str(path.stat().st_size - 1))
    monkeypatch.setattr(reader, "read_csv", lambda p: 1 / 0)
    refused(path, "LOFTE_MAX_DELIVERY_BYTES")


def test_a_bad_limit_setting_is_reported(tmp_path, pnr, monkeypatch):
    monkeypatch.setenv("LOFTE_MAX_DELIVERY_ROWS", "många")
    refused(write_csv(tmp_path / "a.csv", rows_of(pnr)), "LOFTE_MAX_DELIVERY_ROWS")


#: Reads a delivery in a process of its own and prints the growth of that process's peak
#: resident memory (VmHWM, MiB) from before the read to after it.
_PEAK_OF_READ = """
import sys
from pathlib import Path
from lofte.svf.reader import DeliveryFileError, read_delivery

def peak():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM")

before = peak()
try:
    read_delivery(Path(sys.argv[1]))
except DeliveryFileError:
    print("refused", peak() - before)
else:
    print("read", peak() - before)
"""


def test_memory_stays_bounded_for_a_bomb(tmp_path):
    # A fresh process: a worker's earlier peak could hide the read's own growth.
    import subprocess
    import sys

    path = package(tmp_path / "bomb.xlsx", header_row())
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", "<" + "A" * (300 << 20))
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_READ, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    outcome, grown = done.stdout.split()
    assert outcome == "refused"
    assert float(grown) < 100


# --- CSV -------------------------------------------------------------------------------------


def test_mixed_utf8_and_cp1252_is_refused_with_the_line(tmp_path, pnr):
    text = ";".join(HEADER) + "\n"
    text += f"{pnr};VG910;2024-03-01;05;05;Östergötland\n"
    body = text.encode("utf-8")
    body += f"{pnr};VG935;2024-03-10;05;05;".encode() + "Växjö\n".encode("cp1252")
    path = tmp_path / "blandad.csv"
    path.write_bytes(body)
    message = refused(path, "blandar teckenkodningar")
    assert "rad 3" in message


def test_pure_cp1252_is_still_read(tmp_path, pnr):
    path = write_csv(tmp_path / "ansi.csv", rows_of(pnr, unit="Växjö"), encoding="cp1252")
    delivery = read_delivery(path)
    assert delivery.encoding == "windows-1252"
    assert delivery.table.column("enhet").to_pylist() == ["Växjö"] * 3


def test_a_huge_header_line_is_located(tmp_path, pnr):
    header = [*HEADER, "x" * 100_000]
    path = write_csv(tmp_path / "rubrik.csv", [[*r, ""] for r in rows_of(pnr)], header=header)
    message = refused(path, "rubrikraden")
    assert "rad 1" in message


# --- field values (validation) ---------------------------------------------------------------


def check(path):
    return validate(read_delivery(path), "05", catalog=load(), today=TODAY)


def test_enhet_longer_than_64_characters_is_an_error(tmp_path, pnr):
    rows = rows_of(pnr)
    rows[1][5] = "SE2321000016-" + "E" * 51  # 64 characters: fine
    rows[2][5] = "SE2321000016-" + "E" * 52  # 65
    result = check(write_csv(tmp_path / "lang.csv", rows))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(4, "enhet", "too_long")]
    assert "65 tecken" in result.errors[0].reason


def test_a_megabyte_value_is_refused_and_not_stored_whole(tmp_path, pnr):
    rows = rows_of(pnr)
    rows[0][5] = "E" * 300_000
    path = write_csv(tmp_path / "mega.csv", rows)
    try:
        result = check(path)
    except DeliveryFileError as exc:  # the CSV parser may already give up, with the line
        assert "rad" in str(exc)
        return
    (error,) = result.errors
    assert (error.line, error.column) == (2, "enhet")
    assert error.value is not None and len(error.value) <= 81


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x07", "\x85"])
def test_control_characters_are_refused_with_line_and_column(tmp_path, pnr, bad):
    rows = rows_of(pnr)
    rows[2][5] = f"SE2321000016-{bad}E1"
    result = check(write_csv(tmp_path / "styr.csv", rows))
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (4, "enhet", "control_character")
    ]
    assert "\\x" in (result.errors[0].value or "")  # shown escaped, never raw


@pytest.mark.parametrize(("column", "value"), [(1, "VG9\x0010"), (2, "2024-03-01\x1b")])
def test_control_characters_in_shaped_columns_are_errors_shown_escaped(
    tmp_path, pnr, column, value
):
    rows = rows_of(pnr)
    rows[0][column] = value
    result = check(write_csv(tmp_path / "styr.csv", rows))
    (error,) = result.errors
    assert (error.line, error.column) == (2, HEADER[column])
    assert "\\x" in (error.value or "") and "\x00" not in (error.value or "")


def test_a_control_character_in_personnummer_is_never_shown(tmp_path, pnr):
    rows = rows_of(pnr)
    rows[0][0] = pnr[:6] + "\x00" + pnr[6:]
    result = check(write_csv(tmp_path / "pnr.csv", rows))
    assert [(e.line, e.column) for e in result.errors] == [(2, "personnummer")]
    assert all(pnr[6:] not in (e.value or "") for e in result.errors)


def test_an_enhet_not_shaped_like_an_hsa_id_is_a_warning(tmp_path, pnr):
    rows = rows_of(pnr, unit="Kirurgen")
    result = check(write_csv(tmp_path / "hsa.csv", rows))
    assert result.ok
    assert [(w.line, w.column, w.code) for w in result.warnings] == [(2, "enhet", "hsa_id")]
    assert "3 rader" in result.warnings[0].reason


def test_a_formula_without_a_saved_value_is_located(tmp_path, pnr):
    cells = "".join(inline(v) for v in rows_of(pnr, 1)[0][:5])
    path = package(
        tmp_path / "formel.xlsx",
        header_row() + f'<row r="2">{cells}<c r="F2"><f>CONCATENATE("SE","1")</f></c></row>',
    )
    message = refused(path, "formel utan sparat värde")
    assert "rad 2, cell F2" in message


def test_rows_are_counted_across_chunk_boundaries(monkeypatch):
    import io

    monkeypatch.setattr(reader, "_PART_CHUNK", 7)
    data = b"<sheetData>" + b'<row r="1"><c/></row><row><c/></row>' * 50 + b"<rowBreaks/>"
    part = reader._BoundedPart(io.BytesIO(data), "sheet", reader.Limits(max_xml_run=1 << 16))
    assert reader._count_rows(part) == 100


def test_too_many_rows_are_found_without_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "XLSX_MAX_SHEET_ROWS", 50)
    rows = "".join(f"<row><c><v>{i}</v></c></row>" for i in range(60))
    path = package(tmp_path / "rader.xlsx", header_row() + rows)
    monkeypatch.setattr(reader, "_collect_rows", lambda *a, **k: 1 / 0)
    refused(path, "fler än Excels 50 rader")
