"""No public page, chart or file shows a suppressed cell's figures or a cell below min_cell."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from lofte.catalog import load

from .helpers import assert_public_cell, key_of, page_tables

pytestmark = pytest.mark.django_db

SELECTIONS = [
    {"indicator": ind, "region": region, "level": level, "pathway": pathway, "view": view}
    for ind in ("svf_andel_inom_ledtid", "svf_ledtid_median", "svf_antal_avslutade")
    for region, level in (("SE", "county"), ("sydost", "county"), ("SE", "healthcare_region"))
    for pathway in ("alla", "brost")
    for view in ("jamforelse", "trend", "tabell", "karta")
]


def internal_cells(rows, ind, pathway):
    return {
        (r["region"], r["period"]): r
        for r in rows
        if r["indicator"] == ind
        and r["pathway"] == pathway
        and r["treatment"] == "alla"
        and r["region_basis"] == "bostad"
    }


@pytest.fixture(scope="module")
def internal_rows(built_site_home):
    """The stored (internal) cube as row dicts, read once."""
    import pyarrow.parquet as pq

    return pq.read_table(built_site_home / "cube" / "cube.parquet").to_pylist()


def test_pages_show_a_dash_for_every_suppressed_cell(client, site_home, internal_rows):
    hidden_seen = 0
    cat = load()
    for params in SELECTIONS:
        response = client.get("/", {**params, "ptype": "half", "from": "2024H1", "to": "2025H2"})
        html = response.content.decode()
        cells = internal_cells(internal_rows, params["indicator"], params["pathway"])
        min_cell = cat.indicator(params["indicator"]).min_cell
        tables = page_tables(html)
        for name, rows in tables.items():
            for region, texts in rows.items():
                values = texts[1:]
                periods = ["2025H2"] * len(values)
                if name == "wide-table":
                    periods = ["2024H1", "2024H2", "2025H1", "2025H2"]
                for period, text in zip(periods, values, strict=False):
                    cell = cells.get((region, period))
                    if cell is None:
                        continue
                    if cell["suppressed"]:
                        hidden_seen += 1
                        assert text.startswith("–"), (params, name, region, period, text)
                        assert "n=" not in text
                    else:
                        found = re.search(r"n=([\d ]+)", text)
                        if found:
                            assert int(found.group(1).replace(" ", "")) >= min_cell
        spec = re.search(
            r'<script id="chart-spec" type="application/json">(.*?)</script>', html, re.S
        )
        if spec:
            data = json.loads(spec.group(1))
            layers = [data, *data.get("layer", [])]
            for layer in layers:
                for point in layer.get("data", {}).get("values", []):
                    if "name" not in point or "value" not in point:
                        continue
                    code = next(
                        (c for c, r in cat.regions.items() if r.name == point["name"]),
                        "SE" if point["name"] == "Riket" else None,
                    )
                    period = point.get("period", "2025H2")
                    cell = cells.get((code, period))
                    if cell is not None and cell["suppressed"]:
                        assert point["value"] is None, (params, point)
                        assert point.get("n") is None, (params, point)
    assert hidden_seen > 50  # the fixture's small counties are really on these pages


def test_downloads_hold_only_public_cells(client, site_home, internal_rows):
    internal = {key_of(r): r for r in internal_rows}
    checked = 0
    for params in SELECTIONS[::4]:
        response = client.get("/tabell.csv", params)
        for row in csv.DictReader(io.StringIO(response.content.decode())):
            assert_public_cell(row, internal)
            checked += 1
        response = client.get("/tabell.xlsx", params)
        sheet = load_workbook(io.BytesIO(response.content)).active
        header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
        for values in body:
            assert_public_cell(dict(zip(header, values, strict=True)), internal)
            checked += 1
    assert checked > 100


def test_which_rule_hid_a_cell_would_itself_reveal_a_small_count():
    """Why the site names both rules under every "–" and never the one that hid the cell
    (ADR 0721): a region of 6 whose counties hold 1 and 5 hides both (the 1 by the primary
    rule, the 5 so that the 1 cannot be worked out) and shows the 6. Marked "fewer than 5" and
    "hidden to protect another" (so 5 or more), the two would have to be 1 and 5."""
    from lofte.core.disclosure import primary, suppress

    counts = {"region": 6, "county_a": 1, "county_b": 5}
    hidden = suppress(counts, [("region", "county_a", "county_b")])
    assert hidden == {"county_a", "county_b"}  # the total of 6 is published
    marks = {key: primary(counts[key]) for key in hidden}
    # everything consistent with the published total and the marks:
    possible = [
        (a, 6 - a)
        for a in range(1, 6)
        if primary(a) == marks["county_a"] and primary(6 - a) == marks["county_b"]
    ]
    assert possible == [(1, 5)]  # the marks pin the small count down exactly


def test_hidden_cells_carry_the_footnote_of_both_rules(client, site_home):
    for lang, words in (("sv", "färre än 5 fall, eller dold"), ("en", "fewer than 5 cases, or")):
        html = client.get(
            "/", {"view": "tabell", "region": "sydost"}, HTTP_ACCEPT_LANGUAGE=lang
        ).content.decode()
        assert "<sup>*</sup>" in html  # the fixture hides cells on this page
        footnote = re.search(r'<p class="footnote" id="footnote-suppressed">(.*?)</p>', html)
        assert footnote and words in footnote.group(1), (lang, footnote)
        assert "–¹" not in html and "–²" not in html
        assert "Färre än 5 fall redovisas ej" not in html
