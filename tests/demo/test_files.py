"""The demo's delivery files look like the regions' exports and are what the manifest says."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from datetime import date

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from lofte.catalog import load
from lofte.demo import NOTICE, generate, last_complete_half_year_end

from .demo_reading import TODAY, normalise_pnr, parse_date, read_rows, sniff


def _hashes(directory) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_same_arguments_give_identical_files(quick_manifest, tmp_path):
    again = generate(tmp_path / "again", quick=True, today=TODAY)
    assert _hashes(again.out_dir) == _hashes(quick_manifest.out_dir)
    other = generate(tmp_path / "other", quick=True, today=TODAY, seed=7)
    first = _hashes(quick_manifest.out_dir)
    changed = [n for n, h in _hashes(other.out_dir).items() if n.endswith(".csv") and first[n] != h]
    assert changed, "another seed gives other data"


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2026, 11, 23), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2025, 12, 31)),
        (date(2025, 12, 31), date(2025, 6, 30)),
    ],
)
def test_period_ends_with_the_last_complete_half_year(today, cutoff):
    assert last_complete_half_year_end(today) == cutoff


def test_manifest_lists_every_region_in_import_order(quick_manifest):
    cat = load()
    counties = [c.code for c in cat.counties()]
    regions = [d.region for d in quick_manifest.deliveries]
    assert sorted(set(regions)) == sorted(counties) and len(counties) == 21
    assert regions == sorted(regions), "one region after the other, by county code"
    assert quick_manifest.period_from == date(2019, 1, 1)
    assert quick_manifest.period_to == date(2026, 6, 30)
    kalmar = [d for d in quick_manifest.deliveries if d.region == "08"]
    assert [d.expected_valid for d in kalmar] == [False, True]
    ostergotland = [d for d in quick_manifest.deliveries if d.region == "05"]
    assert [(d.window_from, d.window_to) for d in ostergotland] == [
        (date(2019, 1, 1), date(2025, 12, 31)),
        (date(2019, 1, 1), date(2026, 6, 30)),
    ]
    others = [d for d in quick_manifest.deliveries if d.region not in ("05", "08")]
    assert all(d.expected_valid and d.window_to == date(2026, 6, 30) for d in others)


def test_each_file_holds_only_its_regions_events_over_the_whole_period(quick_manifest):
    residences = set()
    for delivery in quick_manifest.deliveries:
        rows = read_rows(delivery.path)
        assert len(rows) == delivery.rows
        if not delivery.expected_valid:
            continue
        assert {str(r["rapporterande_region"]) for r in rows} == {delivery.region}
        days = [parse_date(r["datum"]) for r in rows]
        assert min(days) >= delivery.window_from and max(days) <= delivery.window_to
        years = range(delivery.window_from.year, delivery.window_to.year + 1)
        assert {d.year for d in days} == set(years)
        residences |= {str(r["lan"]) for r in rows}
    assert len(residences) == 21


def test_formats_encodings_and_headers_vary_like_real_exports(quick_manifest):
    deliveries = {d.path.name: d for d in quick_manifest.deliveries}
    formats = Counter(d.format for d in deliveries.values())
    assert formats["xlsx"] == 1 and formats["parquet"] == 1 and formats["csv"] >= 19
    gotland = next(d for d in deliveries.values() if d.region == "09")
    assert gotland.format == "xlsx"
    sheet = load_workbook(gotland.path, read_only=True).worksheets[0]
    first_row = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    assert any(isinstance(v, date) for v in first_row), "dates are real Excel dates"
    parquet = next(d for d in deliveries.values() if d.format == "parquet")
    assert "personnummer" in pq.read_schema(parquet.path).names

    seen = Counter()
    headers = set()
    for delivery in deliveries.values():
        if delivery.format != "csv":
            continue
        sniffed = sniff(delivery.path)
        assert (sniffed.encoding, sniffed.delimiter) == (delivery.encoding, delivery.delimiter)
        seen[(sniffed.encoding, sniffed.delimiter)] += 1
        headers.add(tuple(sniffed.header))
        if sniffed.encoding == "cp1252":
            assert sniffed.crlf, "Windows exports end lines with CRLF"
            text = delivery.path.read_bytes().decode("cp1252")
            assert re.search("[åäöÅÄÖ]", text), "the encoding matters: Swedish letters"
    assert seen[("cp1252", ";")] >= 3
    assert seen[("utf-8-sig", ",")] >= 2
    assert seen[("utf-8", "\t")] >= 1
    assert seen[("utf-8", ",")] >= 5
    names = {name for header in headers for name in header}
    assert {"pnr", "kva_code", "reporting_region"} <= {n.lower() for n in names}, "English"
    assert any(n.isupper() for n in names) and any(
        n[0].isupper() and n[1:].islower() for n in names
    )


def test_dates_and_personnummer_come_in_several_styles(quick_manifest):
    date_styles, pnr_styles = set(), Counter()
    for delivery in quick_manifest.deliveries:
        if delivery.format != "csv":
            continue
        for row in read_rows(delivery.path)[:3000]:
            datum = row["datum"]
            date_styles.add("iso" if "-" in datum else "compact")
            pnr = row["personnummer"]
            digits = re.sub(r"\D", "", pnr)
            pnr_styles[(len(digits), "-" in pnr, "+" in pnr)] += 1
            if int(digits[-6:-4]) > 60:
                pnr_styles["samordningsnummer"] += 1
    assert date_styles == {"iso", "compact"}
    for style in ((12, False, False), (12, True, False), (10, False, False), (10, True, False)):
        assert pnr_styles[style] > 0, style
    assert pnr_styles[(10, False, True)] > 0, "100 years or older: '+'"
    assert pnr_styles["samordningsnummer"] > 0


def test_valid_deliveries_have_valid_personnummer_and_codes(quick_manifest):
    cat = load()
    prefixes = {p.kva_prefix for p in cat.pathways.values() if p.kva_prefix}
    counties = {c.code for c in cat.counties()}
    for delivery in quick_manifest.deliveries:
        if not delivery.expected_valid:
            continue
        for row in read_rows(delivery.path):
            assert normalise_pnr(str(row["personnummer"])) is not None
            assert str(row["kva"])[:3] in prefixes
            assert str(row["lan"]) in counties


def test_bad_kalmar_delivery_has_each_kind_of_coding_error(quick_manifest):
    cat = load()
    prefixes = {p.kva_prefix for p in cat.pathways.values() if p.kva_prefix}
    suffixes = {5, 10, 22, 25, 35, 40, 44, 50, 52, 54, 58, 59, 60, 70, 72, 73, 74, 76, 78, 90, 91}
    counties = {c.code for c in cat.counties()}
    bad = next(d for d in quick_manifest.deliveries if not d.expected_valid)
    assert bad.region == "08" and bad.path.name.startswith("SYNTETISK_")
    found = []
    for line, row in enumerate(read_rows(bad.path), start=2):
        kva = str(row["kva"])
        if normalise_pnr(str(row["personnummer"])) is None:
            found.append((line, "personnummer", "personnummer_kontrollsiffra"))
        if kva[:3] not in prefixes:
            found.append((line, "kva", "kva_okant_prefix"))
        elif int(kva[3:]) not in suffixes:
            found.append((line, "kva", "kva_okant_suffix"))
        if parse_date(row["datum"]) > TODAY:
            found.append((line, "datum", "datum_framtid"))
        if str(row["lan"]) not in counties:
            found.append((line, "lan", "lan_okand"))
    expected = [(e.line, e.column, e.kind) for e in bad.expected_errors]
    assert sorted(found) == sorted(expected)
    assert {e.kind for e in bad.expected_errors} == {
        "personnummer_kontrollsiffra",
        "kva_okant_prefix",
        "kva_okant_suffix",
        "datum_framtid",
        "lan_okand",
    }


def test_everything_says_it_is_synthetic_and_the_manifest_has_no_personnummer(quick_manifest):
    assert NOTICE == "Syntetiska data – inga verkliga patienter"
    assert quick_manifest.notice == NOTICE
    for path in quick_manifest.out_dir.iterdir():
        assert path.name.startswith("SYNTETISK_")
    text = quick_manifest.path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["notice"] == NOTICE
    assert all(NOTICE in d["note"] for d in data["deliveries"])
    numbers = set()
    for delivery in quick_manifest.deliveries:
        for row in read_rows(delivery.path):
            digits = re.sub(r"\D", "", str(row["personnummer"]))
            numbers |= {digits, digits[-10:]}
    runs = set(re.findall(r"\d+", text))
    assert not runs & numbers, "no personnummer in the manifest"


def test_register_aggregate_format(quick_manifest):
    cat = load()
    with quick_manifest.register_path.open(encoding="utf-8", newline="") as fh:
        assert fh.readline().strip() == "region,period,pathway,new_cases"
        fh.seek(0)
        rows = list(csv.DictReader(fh))
    counties = {c.code for c in cat.counties()}
    assert {r["region"] for r in rows} == counties
    periods = sorted({r["period"] for r in rows})
    assert periods[0] == "2019-01" and periods[-1] == "2026-06" and len(periods) == 90
    assert all(re.fullmatch(r"\d{4}-\d{2}", p) for p in periods)
    pathways = {r["pathway"] for r in rows}
    assert pathways <= set(cat.pathways) and "brost" in pathways and "aos" not in pathways
    assert all(int(r["new_cases"]) >= 0 for r in rows)
    cells = Counter((r["region"], r["period"], r["pathway"]) for r in rows)
    assert max(cells.values()) == 1
    assert len(cells) == len(counties) * len(periods) * len(pathways), "zeros are written too"
