"""No CSV or XLSX writer emits a live formula: the cube export and the site's table downloads
(lofte.cube.export) and the report workbook (lofte.reports.xlsx)."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pytest
from openpyxl import load_workbook

from lofte.cube import blanking, export
from lofte.cube.engine import CUBE_COLUMNS
from lofte.reports import xlsx

EVIL = ['=HYPERLINK("http://example.invalid","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-1+1"]


def cube_with(texts: list[str]) -> pa.Table:
    n = len(texts)
    columns = {name: pa.array(["x"] * n) for name in CUBE_COLUMNS}
    columns["region"] = pa.array(texts)
    columns["numerator"] = pa.array([3] * n)
    columns["denominator"] = pa.array([10] * n)
    columns["value"] = pa.array([-30.0] * n)
    columns["suppressed"] = pa.array([False] * n)
    columns["target"] = pa.array([None] * n, pa.float64())
    columns["meets_target"] = pa.array([None] * n, pa.bool_())
    return pa.table(columns)


def assert_no_formula_cells(data: bytes) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
            rows.append([c.value for c in row])
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cube_export_neutralises_text_and_keeps_numbers(tmp_path, fmt):
    path = tmp_path / f"kub.{fmt}"
    export.write(cube_with(EVIL), path, public=False, fmt=fmt)
    if fmt == "csv":
        with open(path, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        regions = [r["region"] for r in rows]
        assert [r["value"] for r in rows] == ["-30.0"] * len(EVIL)
    else:
        data = assert_no_formula_cells(path.read_bytes())
        header, *body = data
        regions = [row[header.index("region")] for row in body]
        assert [row[header.index("value")] for row in body] == [-30.0] * len(EVIL)
    assert regions == ["'" + t for t in EVIL]


def test_site_table_downloads_neutralise(tmp_path):
    table = blanking.export_table(cube_with(EVIL), public=True)
    text = export.table_bytes(table, "csv").decode("utf-8")
    for evil in EVIL:
        assert f"\n{evil}" not in text and f",{evil}" not in text.replace(f",'{evil}", "")
    rows = assert_no_formula_cells(export.table_bytes(table, "xlsx", "tabell"))
    assert {row[1] for row in rows[1:]} == {"'" + t for t in EVIL}


def test_report_workbook_writes_imported_text_as_text():
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    p = {"synthetic_banner": "", "lang": "sv"}
    xlsx._write(
        wb,
        set(),
        "Bilaga 2. Datakällor",
        p,
        "=titel",
        ["Källa", "Värde"],
        [[EVIL[0], "12,5\u00a0%"], ["Socialstyrelsen", "–"]],
        ["@anteckning"],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    rows = assert_no_formula_cells(buffer.getvalue())
    values = [v for row in rows for v in row if v is not None]
    assert "'" + EVIL[0] in values and "'=titel" in values and "'@anteckning" in values
    assert 12.5 in values  # a printed figure is still a number
