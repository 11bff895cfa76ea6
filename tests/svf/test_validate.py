"""Row validation (SPEC §3): every error names line, column, value (personnummer masked) and
reason; a clean delivery becomes a typed event table."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from lofte.catalog import load
from lofte.svf.reader import read_delivery
from lofte.svf.validate import Issue, parse_date, validate
from tests.svf.test_reader import HEADER, write_csv

pytestmark = pytest.mark.usefixtures("lofte_home")

TODAY = dt.date(2025, 6, 30)
BIRTH = dt.date(1912, 12, 12)


@pytest.fixture
def pnr(make_personnummer) -> str:
    return make_personnummer(BIRTH, 121)


def bad_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


def good_rows(pnr: str) -> list[list[str]]:
    return [
        [pnr, "VG910", "2024-03-01", "05", "05", "SE1"],
        [pnr, "VG935", "2024-03-10", "05", "05", "SE1"],
        [pnr, "VG950", "2024-03-20", "05", "", ""],
    ]


def run(tmp_path, rows, header=HEADER, region="05", name="leverans.csv", **window):
    delivery = read_delivery(write_csv(tmp_path / name, rows, header=header))
    return validate(delivery, region, catalog=load(), today=TODAY, **window)


def test_clean_delivery_gives_typed_events(tmp_path, pnr):
    result = run(tmp_path, good_rows(pnr))
    assert result.ok and result.errors == [] and result.rows == 3
    events = result.events
    assert events is not None
    assert events.schema.field("suffix").type == pa.int16()
    assert events.schema.field("event_date").type == pa.date32()
    assert events.column("pathway").to_pylist() == ["brost"] * 3
    assert events.column("suffix").to_pylist() == [10, 35, 50]
    assert events.column("line").to_pylist() == [2, 3, 4]
    assert events.column("personnummer").to_pylist() == [pnr] * 3
    assert events.column("residence_region").to_pylist() == ["05", "05", None]
    assert events.column("unit").to_pylist() == ["SE1", "SE1", None]
    assert (result.min_date, result.max_date) == (dt.date(2024, 3, 1), dt.date(2024, 3, 20))


def test_accepted_spellings(tmp_path, make_personnummer):
    pnr = make_personnummer(dt.date(1950, 2, 28), 7)
    ten_digits = f"{pnr[2:8]}-{pnr[8:]}"
    coordination = make_personnummer(dt.date(1980, 5, 17), 42, coordination=True)
    rows = [
        [ten_digits, "vg910", "20240301", "05", "06", ""],
        [coordination, "VP810", "2024-03-01", "05", "", ""],
    ]
    result = run(tmp_path, rows)
    assert result.ok, result.errors
    assert result.events is not None
    assert result.events.column("personnummer").to_pylist() == [pnr, coordination]
    assert result.events.column("pathway").to_pylist() == ["brost", "aos"]


@pytest.mark.parametrize(
    ("column", "value", "reason", "code"),
    [
        ("personnummer", "", "värde saknas", "missing"),
        ("personnummer", "12345", "fel längd", "personnummer"),
        ("kva", "VZZ10", "okänt KVÅ-prefix VZZ", "kva_prefix"),
        ("kva", "VG933", "okänd mätpunkt 33", "kva_suffix"),
        ("kva", "G9101", "ogiltig KVÅ-kod", "kva"),
        ("kva", "", "värde saknas", "missing"),
        ("datum", "2024-02-30", "kan inte tolkas", "date"),
        ("datum", "1/3/2024", "kan inte tolkas", "date"),
        ("datum", "2024-3-1", "kan inte tolkas", "date"),
        ("datum", "2014-12-31", "datum före 2015-01-01", "date_early"),
        ("datum", "2025-07-01", "datum efter dagens datum (2025-06-30)", "date_future"),
        ("rapporterande_region", "99", "okänd länskod", "county"),
        ("rapporterande_region", "5", "okänd länskod (länskoder har två siffror", "county"),
        ("rapporterande_region", "06", "annan region än leveransens (05)", "reporting_region"),
        ("rapporterande_region", "", "värde saknas", "missing"),
        ("lan", "99", "okänd länskod", "county"),
    ],
)
def test_each_error_is_located(tmp_path, pnr, column, value, reason, code):
    rows = good_rows(pnr)
    rows[1][HEADER.index(column)] = value
    result = run(tmp_path, rows)
    assert result.error_count == 1
    (issue,) = result.errors
    assert (issue.line, issue.column, issue.code) == (3, column, code)
    assert reason in issue.reason
    shown = value if column != "personnummer" else issue.value
    assert issue.message("leverans.csv").startswith(
        f"leverans.csv, rad 3, kolumn {column}: '{shown}' – "
    )
    assert result.events is None


def test_personnummer_error_is_masked(tmp_path, pnr):
    rows = good_rows(pnr)
    wrong = bad_check_digit(pnr)
    rows[1][0] = wrong
    result = run(tmp_path, rows)
    (issue,) = result.errors
    assert issue.value == "19121212-****"
    assert issue.message("leverans.csv") == (
        "leverans.csv, rad 3, kolumn personnummer: '19121212-****' – felaktig kontrollsiffra"
    )
    for text in (issue.message("leverans.csv"), repr(issue), str(issue.as_dict("x"))):
        assert wrong not in text and wrong[2:] not in text and wrong[-4:] not in text


def test_window_errors(tmp_path, pnr):
    result = run(
        tmp_path,
        good_rows(pnr),
        window_from=dt.date(2024, 3, 5),
        window_to=dt.date(2024, 3, 15),
    )
    assert [(e.line, e.column, e.code) for e in result.errors] == [
        (2, "datum", "date_window"),
        (4, "datum", "date_window"),
    ]
    assert "utanför leveransens period 2024-03-05–2024-03-15" in result.errors[0].reason


def test_missing_required_column_names_it_on_line_1(tmp_path, pnr):
    header = ["personnummer", "kva", "rapporterande_region"]
    rows = [[r[0], r[1], r[3]] for r in good_rows(pnr)]
    result = run(tmp_path, rows, header=header)
    assert result.errors == [Issue(1, "datum", None, "obligatorisk kolumn saknas", "column")]
    assert result.errors[0].message("leverans.csv") == (
        "leverans.csv, rad 1, kolumn datum: obligatorisk kolumn saknas"
    )


def test_wrong_number_of_fields_is_an_error(tmp_path, pnr):
    path = tmp_path / "leverans.csv"
    text = "\n".join([";".join(HEADER), ";".join(good_rows(pnr)[0]), "x;y"])
    path.write_text(text)
    result = validate(read_delivery(path), "05", catalog=load(), today=TODAY)
    (issue,) = result.errors
    assert (issue.line, issue.column, issue.value) == (3, None, None)
    assert issue.reason == "raden har 2 fält men rubrikraden har 6"


def test_several_errors_sorted_by_line_then_column(tmp_path, pnr):
    rows = good_rows(pnr)
    rows[2][2] = "igår"
    rows[0][1] = "VXX10"
    rows[0][0] = bad_check_digit(pnr)
    result = run(tmp_path, rows)
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "personnummer"),
        (2, "kva"),
        (4, "datum"),
    ]


def test_errors_are_capped_but_counted(tmp_path, pnr):
    rows = [[pnr, "VG910", "2014-01-01", "05", "", ""] for _ in range(30)]
    delivery = read_delivery(write_csv(tmp_path / "many.csv", rows))
    result = validate(delivery, "05", catalog=load(), today=TODAY, max_issues=10)
    assert result.error_count == 30
    assert [e.line for e in result.errors] == list(range(2, 12))


def test_empty_lan_and_enhet_are_fine_and_optional_columns_may_be_absent(tmp_path, pnr):
    header = HEADER[:4]
    rows = [r[:4] for r in good_rows(pnr)]
    result = run(tmp_path, rows, header=header)
    assert result.ok
    assert result.events is not None
    assert result.events.column("residence_region").null_count == 3
    assert result.events.column("unit").null_count == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("20240301", dt.date(2024, 3, 1)),
        ("2024-0301", None),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2023-02-29", None),
        (" 2024-03-01", None),
        ("2024-03-01T00:00", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected
