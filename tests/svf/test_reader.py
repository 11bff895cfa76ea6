"""One reader per format (SPEC §3): every format, encoding and delimiter gives the same rows,
as strings, with the line numbers of the delivered file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from lofte.svf import reader
from lofte.svf.reader import DeliveryFileError, read_delivery

HEADER = ["personnummer", "kva", "datum", "rapporterande_region", "lan", "enhet"]


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    header: Sequence[str] = HEADER,
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    newline: str = "\n",
) -> Path:
    """A delivery CSV as a region would send it (``utf-8-sig`` writes a BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def write_parquet(
    path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER
) -> Path:
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in header]
    table = pa.table(
        {name: pa.array(col, pa.string()) for name, col in zip(header, columns, strict=True)}
    )
    pq.write_table(table, path)
    return path


@pytest.fixture
def rows(make_personnummer) -> list[list[str]]:
    first = make_personnummer(dt.date(1950, 3, 1), 12)
    second = make_personnummer(dt.date(1962, 11, 30), 345)
    return [
        [first, "VG910", "2024-03-01", "05", "05", "SE2321000016-Växjö"],
        [first, "VG950", "20240325", "05", "06", "SE2321000016-0001"],
        [second, "VJ110", "2024-04-02", "05", "", ""],
        [second, "VJ125", "2024-04-10", "05", "08", "Kliniken för ögon, öron"],
    ]


def table_rows(delivery: reader.DeliveryFile) -> list[list[str]]:
    data = delivery.table.select(HEADER).to_pylist()
    return [[row[name] for name in HEADER] for row in data]


def lines(delivery: reader.DeliveryFile) -> list[int]:
    return delivery.table.column("line").to_pylist()


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (";", "utf-8"),
        (",", "utf-8"),
        ("\t", "utf-8"),
        (";", "utf-8-sig"),
        (",", "utf-8-sig"),
        (";", "cp1252"),
        ("\t", "cp1252"),
    ],
)
def test_csv_variants_read_the_same_rows(tmp_path, rows, delimiter, encoding):
    path = write_csv(tmp_path / "leverans.csv", rows, delimiter=delimiter, encoding=encoding)
    delivery = read_delivery(path)
    assert delivery.format == "csv"
    assert delivery.delimiter == delimiter
    assert (
        delivery.encoding
        == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "windows-1252"}[encoding]
    )
    assert table_rows(delivery) == rows
    assert lines(delivery) == [2, 3, 4, 5]
    assert delivery.header_line == 1
    assert delivery.missing_columns == []


def test_xlsx_and_parquet_read_the_same_rows(tmp_path, rows):
    from_xlsx = read_delivery(write_xlsx(tmp_path / "leverans.xlsx", rows))
    from_parquet = read_delivery(write_parquet(tmp_path / "leverans.parquet", rows))
    assert (from_xlsx.format, from_parquet.format) == ("xlsx", "parquet")
    assert table_rows(from_xlsx) == rows
    assert table_rows(from_parquet) == rows
    assert lines(from_xlsx) == lines(from_parquet) == [2, 3, 4, 5]


def test_format_is_decided_by_content_not_name(tmp_path, rows):
    path = write_parquet(tmp_path / "leverans.csv", rows)
    assert read_delivery(path).format == "parquet"


def test_bom_does_not_end_up_in_the_first_column_name(tmp_path, rows):
    path = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    delivery = read_delivery(path)
    assert delivery.columns["personnummer"] == "personnummer"
    assert delivery.table.column("personnummer").to_pylist()[0] == rows[0][0]


def test_windows_1252_unit_keeps_its_a_umlaut(tmp_path, rows):
    path = write_csv(tmp_path / "ansi.csv", rows, encoding="cp1252")
    assert "ä".encode("cp1252") in path.read_bytes()
    delivery = read_delivery(path)
    assert delivery.encoding == "windows-1252"
    assert delivery.table.column("enhet").to_pylist()[0] == "SE2321000016-Växjö"


def test_leading_zeros_survive_in_every_format(tmp_path, rows):
    for path in (
        write_csv(tmp_path / "a.csv", rows),
        write_xlsx(tmp_path / "a.xlsx", rows),
        write_parquet(tmp_path / "a.parquet", rows),
    ):
        delivery = read_delivery(path)
        assert delivery.table.column("rapporterande_region").to_pylist()[0] == "05"
        assert delivery.table.column("datum").to_pylist()[1] == "20240325"


def test_english_aliases_case_and_whitespace(tmp_path, rows):
    header = [" PNR ", "KVA_Code", "Date", "Reporting_Region", "residence_region", "UNIT", "note"]
    path = write_csv(tmp_path / "en.csv", [[*r, "x"] for r in rows], header=header, delimiter=",")
    delivery = read_delivery(path)
    assert table_rows(delivery) == rows
    assert delivery.columns["personnummer"] == "PNR"
    assert delivery.ignored_columns == ["note"]


def test_values_are_trimmed(tmp_path, rows):
    padded = [[f" {value} " for value in row] for row in rows]
    delivery = read_delivery(write_csv(tmp_path / "pad.csv", padded))
    assert table_rows(delivery) == [[value.strip() for value in row] for row in padded]


def test_csv_line_numbers_count_physical_lines(tmp_path, rows):
    # header, row, blank line, row, a row whose quoted unit spans two lines, row: CRLF endings
    text = (
        "personnummer;kva;datum;rapporterande_region;lan;enhet\r\n"
        f"{';'.join(rows[0])}\r\n"
        "\r\n"
        f"{';'.join(rows[1])}\r\n"
        f'{";".join(rows[2][:5])};"Avdelning 1\r\nplan 2"\r\n'
        f"{';'.join(rows[3])}\r\n"
    )
    path = tmp_path / "lines.csv"
    path.write_bytes(text.encode())
    delivery = read_delivery(path)
    assert lines(delivery) == [2, 4, 5, 7]
    assert delivery.table.column("enhet").to_pylist()[2] == "Avdelning 1\r\nplan 2"


def test_csv_leading_blank_lines_and_lone_cr(tmp_path, rows):
    text = "\n\n" + "\r".join([";".join(HEADER), *(";".join(r) for r in rows)]) + "\r"
    path = tmp_path / "cr.csv"
    path.write_bytes(text.encode())
    delivery = read_delivery(path)
    assert delivery.header_line == 3
    assert lines(delivery) == [4, 5, 6, 7]
    assert table_rows(delivery) == rows


def test_python_fallback_gives_the_same_lines(tmp_path, rows):
    text = (
        ";".join(HEADER)
        + "\n\n"
        + ";".join(rows[0])
        + '\n"'
        + rows[1][0]
        + '";VG950;20240325;05;06;"a ""quoted""\nunit"\n'
        + ";".join(rows[2])
        + "\n"
    )
    path = tmp_path / "fallback.csv"
    path.write_bytes(text.encode())
    fast = read_delivery(path)
    header_line, columns, data_lines, bad = reader._parse_csv_python(text, ";", 6)
    assert header_line == fast.header_line == 1
    assert data_lines.tolist() == lines(fast) == [3, 4, 6]
    assert columns[5].to_pylist() == fast.table.column("enhet").to_pylist()
    assert bad == []


def test_rows_with_wrong_number_of_fields_are_reported_with_their_line(tmp_path, rows):
    text = "\n".join(
        [";".join(HEADER), ";".join(rows[0]), ";".join(rows[1][:4]), "", ";".join(rows[2]) + ";x"]
    )
    path = tmp_path / "fields.csv"
    path.write_text(text)
    delivery = read_delivery(path)
    assert lines(delivery) == [2]
    assert delivery.bad_rows == [(3, 4, 6), (5, 7, 6)]
    assert delivery.num_rows == 3


def test_trailing_delimiter_is_harmless(tmp_path, rows):
    text = "\n".join(";".join([*r, ""]) for r in [HEADER, *rows]) + "\n"
    path = tmp_path / "trailing.csv"
    path.write_text(text)
    delivery = read_delivery(path)
    assert table_rows(delivery) == rows
    assert delivery.ignored_columns == []


def test_xlsx_line_numbers_skip_empty_rows_and_cells_become_text(tmp_path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([int(rows[0][0]), "VG910", dt.datetime(2024, 3, 1), "05", "05", "SE1"])
    sheet.append([])
    sheet.append([rows[1][0], "VG950", dt.date(2024, 3, 25), "05", None, 17.0])
    path = tmp_path / "cells.xlsx"
    workbook.save(path)
    delivery = read_delivery(path)
    assert lines(delivery) == [2, 4]
    assert table_rows(delivery) == [
        [rows[0][0], "VG910", "2024-03-01", "05", "05", "SE1"],
        [rows[1][0], "VG950", "2024-03-25", "05", "", "17"],
    ]


def test_parquet_typed_columns_become_text(tmp_path, rows):
    table = pa.table(
        {
            "pnr": pa.array([int(r[0]) for r in rows], pa.int64()),
            "kva_code": pa.array([r[1] for r in rows]),
            "date": pa.array([dt.date(2024, 3, 1)] * 4, pa.date32()),
            "reporting_region": pa.array(["05"] * 4).dictionary_encode(),
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    delivery = read_delivery(path)
    assert delivery.table.column("personnummer").to_pylist() == [r[0] for r in rows]
    assert delivery.table.column("datum").to_pylist() == ["2024-03-01"] * 4
    assert delivery.table.column("rapporterande_region").to_pylist() == ["05"] * 4
    assert delivery.missing_columns == []
    assert lines(delivery) == [2, 3, 4, 5]


def test_missing_required_column_is_listed(tmp_path, rows):
    header = ["personnummer", "kva", "rapporterande_region"]
    path = write_csv(tmp_path / "short.csv", [[r[0], r[1], r[3]] for r in rows], header=header)
    assert read_delivery(path).missing_columns == ["datum"]


def test_same_column_twice_is_a_file_error(tmp_path, rows):
    header = ["personnummer", "pnr", "kva", "datum", "rapporterande_region"]
    path = write_csv(tmp_path / "twice.csv", [[r[0], *r[:4]] for r in rows], header=header)
    with pytest.raises(DeliveryFileError, match="två gånger") as info:
        read_delivery(path)
    assert rows[0][0] not in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "tom"),
        (b"\n\n", "tom"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        (b"personnummer;kva\n\x81\x8d;VG910\n", "varken UTF-8 eller Windows-1252"),
        (b"PK\x03\x04not really a zip", "Excel"),
        (b"PAR1not really parquet", "Parquet"),
    ],
)
def test_unreadable_files_give_a_swedish_message(tmp_path, content, message):
    path = tmp_path / "trasig.csv"
    path.write_bytes(content)
    with pytest.raises(DeliveryFileError, match=message):
        read_delivery(path)


def test_parser_errors_do_not_quote_the_row(tmp_path, rows):
    # An unterminated quote makes both parsers give up; the message must not contain the row.
    text = ";".join(HEADER) + "\n" + ";".join(rows[0]) + '\n"' + ";".join(rows[1]) + "\n"
    path = tmp_path / "quote.csv"
    path.write_text(text)
    try:
        delivery = read_delivery(path)
    except DeliveryFileError as exc:
        assert rows[1][0] not in str(exc)
    else:
        assert delivery.num_rows >= 1


def test_metadata_is_json_ready(tmp_path, rows):
    import json

    path = write_csv(tmp_path / "meta.csv", rows)
    meta = read_delivery(path).metadata()
    assert json.loads(json.dumps(meta)) == meta
    assert meta["rows"] == 4
    assert meta["sha256"] == reader.sha256_of(path)


_FIELD = st.lists(
    st.sampled_from(["a", "ä", "5", " ", ";", ",", '"', "\n", "\r\n"]), max_size=6
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(
        st.tuples(st.lists(_FIELD, min_size=6, max_size=6), st.integers(0, 2)), max_size=8
    ),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_line_numbers_survive_any_quoting(tmp_path, records, newline):
    """Quoted delimiters, quotes and line breaks in values, blank lines between rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=newline)
    writer.writerow(HEADER)
    expected_lines, expected_values, line = [], [], 2
    for fields, blanks in records:
        buffer.write(newline * blanks)
        line += blanks
        start = buffer.tell()
        writer.writerow(fields)
        written = buffer.getvalue()[start:]
        expected_lines.append(line)
        expected_values.append([f.strip() for f in fields])
        line += written.count("\n")
    path = tmp_path / "property.csv"
    path.write_bytes(buffer.getvalue().encode())
    delivery = read_delivery(path)
    assert lines(delivery) == expected_lines
    assert table_rows(delivery) == expected_values
    assert delivery.bad_rows == []
