"""The public results pages: choices in the URL, the five views, downloads, reports, languages."""

from __future__ import annotations

import csv
import html as html_module
import io
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from lofte.catalog import load
from lofte.reports import store

from .helpers import key_of, page_tables, rows_where, sv_value

pytestmark = pytest.mark.django_db

BASE = {
    "indicator": "svf_andel_inom_ledtid",
    "region": "SE",
    "level": "county",
    "basis": "bostad",
    "pathway": "alla",
    "treatment": "alla",
    "ptype": "half",
    "from": "2024H1",
    "to": "2025H1",
}


def norm(text: str) -> str:
    return " ".join(text.split())


def chart_spec(html: str) -> dict:
    found = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page has no chart"
    return json.loads(found.group(1))


def get(client, **params):
    response = client.get("/", {**BASE, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_comparison_lists_every_county_with_the_cube_value(client, site_home, public_cube):
    html = get(client)
    table = page_tables(html)["comparison-table"]
    cat = load()
    cells = {
        r["region"]: r
        for r in rows_where(
            public_cube,
            indicator="svf_andel_inom_ledtid",
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period="2025H1",
        )
    }
    assert set(table) == {c.code for c in cat.counties()}
    shown = []
    for code, texts in table.items():
        cell = cells.get(code)
        expected = sv_value(cell["value"] if cell else None, "percent")
        assert norm(texts[1]).rstrip("*") == norm(expected), code
        shown.append(cell["value"] if cell else None)
    # sorted: the best value first, suppressed ones last
    values = [v for v in shown if v is not None]
    assert values == sorted(values, reverse=True)
    assert all(v is None for v in shown[len(values) :])
    national = cells["SE"]["value"]
    assert norm(sv_value(national, "percent")) in norm(html)
    spec = chart_spec(html)
    bars = {d["name"]: d["value"] for d in spec["data"]["values"]}
    assert bars == {
        cat.region(code).name: (cells[code]["value"] if code in cells else None) for code in table
    }
    rule = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert rule[0]["data"]["values"][0]["national"] == national


def test_a_healthcare_region_compares_its_own_counties(client, site_home):
    html = get(client, region="sydost")
    assert set(page_tables(html)["comparison-table"]) == {"05", "06", "08"}
    html = get(client, region="sydost", level="healthcare_region")
    regions = {r.code for r in load().healthcare_regions()}
    assert set(page_tables(html)["comparison-table"]) == regions


def test_the_url_holds_the_whole_view(client, site_home):
    html = get(client, region="syd", pathway="brost", view="trend", **{"from": "2024H2"})
    share = re.search(r'id="share-url" type="text" readonly value="([^"]+)"', html)
    assert share
    state = {
        k: v[0] for k, v in parse_qs(urlparse(share.group(1).replace("&amp;", "&")).query).items()
    }
    assert state["region"] == "syd" and state["pathway"] == "brost" and state["view"] == "trend"
    assert state["from"] == "2024H2" and state["to"] == "2025H1"
    # opening the shared link gives the same page
    again = client.get("/?" + urlparse(share.group(1).replace("&amp;", "&")).query).content.decode()
    assert page_tables(again) == page_tables(html)
    # every tab keeps the choices and changes only the view
    tabs = re.findall(r'<a href="\?([^"]+)" data-view="(\w+)"', html)
    assert {v for _, v in tabs} == {"jamforelse", "trend", "tabell", "karta", "om"}
    for query_string, view in tabs:
        params = {k: v[0] for k, v in parse_qs(query_string.replace("&amp;", "&")).items()}
        assert params == {**state, "view": view}
    assert 'data-view="trend" aria-current="page"' in html


def test_unknown_choices_fall_back_instead_of_failing(client, site_home):
    html = get(client, indicator="nope", region="atlantis", ptype="decade", to="1999", view="x")
    assert "Andel som startat behandling inom SVF:s ledtid" in html
    assert 'data-view="jamforelse" aria-current="page"' in html


def test_trend_draws_every_region_its_table_lists(client, site_home, public_cube):
    html = get(client, region="sydost", view="trend")
    spec = chart_spec(html)
    points = spec["data"]["values"]
    periods = sorted({p["period"] for p in points})
    assert periods == ["2024H1", "2024H2", "2025H1"]
    cat = load()
    wide = page_tables(html)["wide-table"]
    assert set(wide) == {"05", "06", "08", "sydost", "SE"}
    by_name = {("Riket" if code == "SE" else cat.region(code).name): code for code in wide}
    # one line per row of the table, in the table's order, and nothing else
    assert {p["full_name"] for p in points} == set(by_name)
    short = {p["name"]: p["full_name"] for p in points}  # the chart's short names
    legend = spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert [by_name[short[name]] for name in legend] == list(wide)
    assert all(name in short[name] for name in legend)
    for point in points:
        cell = rows_where(
            public_cube,
            indicator="svf_andel_inom_ledtid",
            region=by_name[point["full_name"]],
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period=point["period"],
        )
        assert point["value"] == (cell[0]["value"] if cell else None)
    assert all(len(cells) == 1 + len(periods) for cells in wide.values())
    # the axis and the table name the periods in words
    assert {p["period_name"] for p in points} == {"jan–jun 2024", "jul–dec 2024", "jan–jun 2025"}
    assert "Första halvåret 2024" in html and "2024H1</th>" not in html


def test_table_view_and_its_downloads_agree_with_the_cube(client, site_home, public_cube):
    html = get(client, view="tabell", pathway="kolorektal")
    assert "tabell.csv?" in html and "tabell.xlsx?" in html
    params = {**BASE, "pathway": "kolorektal"}
    shown = {c.code for c in load().counties()} | {"SE"}  # the counties compared, and the nation
    expected = {
        key_of(r): r
        for r in rows_where(
            public_cube,
            indicator="svf_andel_inom_ledtid",
            region_basis="bostad",
            pathway="kolorektal",
            treatment="alla",
            period_type="half",
        )
        if "2024H1" <= r["period"] <= "2025H1" and r["region"] in shown
    }
    response = client.get("/tabell.csv", params)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {key_of(r) for r in rows} == set(expected)
    for row in rows:
        cell = expected[key_of(row)]
        assert row["value"] == ("" if cell["value"] is None else repr(cell["value"]))
        assert row["denominator"] == (
            "" if cell["denominator"] is None else str(cell["denominator"])
        )
    response = client.get("/tabell.xlsx", params)
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(body) == len(rows)
    for values in body:
        row = dict(zip(header, values, strict=True))
        cell = expected[key_of(row)]
        assert row["value"] == cell["value"]


def test_map_colours_all_21_counties(client, site_home, public_cube):
    html = get(client, view="karta")
    spec = chart_spec(html)
    tiles = spec["data"]["values"]
    assert len(tiles) == 21
    assert len({(t["col"], t["row"]) for t in tiles}) == 21  # no two counties on one tile
    cat = load()
    by_name = {cat.region(c.code).name: c.code for c in cat.counties()}
    for tile in tiles:
        cell = rows_where(
            public_cube,
            indicator="svf_andel_inom_ledtid",
            region=by_name[tile["name"]],
            region_basis="bostad",
            pathway="alla",
            treatment="alla",
            period="2025H1",
        )
        assert tile["value"] == (cell[0]["value"] if cell else None)
    assert len(page_tables(html)["map-table"]) == 21


def test_about_the_indicator(client, site_home):
    cat = load()
    ind = cat.indicator("svf_andel_mdk")
    html = get(client, indicator="svf_andel_mdk", view="om")
    assert norm(ind.description_sv) in norm(html)
    assert "Ett högre värde är bättre." in html
    assert "<code>svf_andel_mdk</code>" in html
    english = client.get(
        "/", {**BASE, "indicator": "svf_andel_mdk", "view": "om"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = english.content.decode()
    assert "A higher value is better." in text and "Technical description" in text
    # the page escapes the description's apostrophe ("the pathway's"): compare it as text
    assert norm(ind.description_en) in norm(html_module.unescape(text))
    assert norm(ind.description_sv) not in norm(text)
    assert "Swedish only" not in text
    assert norm(ind.description_en) not in norm(html)  # the Swedish page keeps Swedish


def test_funnel_plot_has_exact_binomial_limits_around_the_nation(client, site_home, public_cube):
    from lofte.web.results.funnel import binomial_limits

    html = get(client, chart="tratt")
    spec = chart_spec(html)
    national = rows_where(
        public_cube,
        indicator="svf_andel_inom_ledtid",
        region="SE",
        region_basis="bostad",
        pathway="alla",
        treatment="alla",
        period="2025H1",
    )[0]["value"]
    limits = [
        row
        for layer in spec["layer"]
        if "data" in layer
        for row in layer["data"]["values"]
        if row.get("key") == "95 % gräns (slumpen)"
    ]
    assert limits
    for row in limits:
        low, high = binomial_limits(row["n"], national / 100, 0.95)
        assert row["limit"] == 100 * (low if row["side"] == "low" else high)
    points = spec["layer"][-1]["data"]["values"]
    assert points and all(p["n"] and p["value"] is not None for p in points)
    # every point carries a number, and the list below the chart names it, in the table's order
    listed = re.findall(r'<li data-region="(\w+)" value="(\d+)"><strong>([^<]+)</strong>', html)
    assert [(code, mark) for code, mark, _ in listed] == [
        (code, str(i))
        for i, code in enumerate(page_tables(html)["comparison-table"], 1)
        if code in {p["code"] for p in points}
    ]
    assert [p["mark"] for p in points] == [mark for _, mark, _ in listed]
    assert [p["name"] for p in points] == [name for _, _, name in listed]
    # a count indicator has no funnel: the bars stay
    html = get(client, indicator="svf_antal_avslutade", chart="tratt")
    assert '"side": "low"' not in html and 'data-testid="funnel-list"' not in html


def test_english(client, site_home):
    html = client.get("/", BASE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    assert "Comparison" in html and "Share starting treatment within the SVF lead time" in html
    assert "Sweden" in html
    # the selection form's choices are translated too
    assert "Regions (counties)" in html and "All treatments" in html
    assert "Regioner (län)" not in html and "Alla behandlingar" not in html
    html = client.get("/", BASE, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="sv">' in html and "Jämförelse" in html
    # the option lists are built once per language and reused: never the other language's
    assert "Regioner (län)" in html and "Alla behandlingar" in html
    assert "Regions (counties)" not in html and "All treatments" not in html
    # the language switch keeps the view
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/?view=trend"})
    assert response.status_code == 302 and response["Location"] == "/?view=trend"
    assert "Trend" in client.get("/?view=trend").content.decode()


def test_latest_report_is_listed_and_downloadable(client, site_home):
    html = get(client)
    assert "Ingen rapport är publicerad ännu." in html
    directory = store.report_dir("sydost", "2025H1")
    directory.mkdir(parents=True)
    (directory / "report.html").write_text("<h1>Rapport</h1>", encoding="utf-8")
    (directory / "report.en.pdf").write_bytes(b"%PDF-1.7 test")
    (directory / store.MODEL_FILE).write_text("{}", encoding="utf-8")
    html = get(client, region="sydost")
    assert "/rapport/sydost/2025H1/report.html" in html
    assert "/rapport/sydost/2025H1/report.en.pdf" in html
    response = client.get("/rapport/sydost/2025H1/report.en.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.7 test"
    assert client.get("/rapport/sydost/2025H1/report.pdf").status_code == 404
    assert client.get("/rapport/syd/2025H1/report.html").status_code == 404
    assert "report.html" in client.get("/rapporter/").content.decode()


def test_without_a_cube_the_site_says_so(client, tmp_path, monkeypatch):
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    response = client.get("/")
    assert response.status_code == 200
    assert "Inga resultat är publicerade ännu." in response.content.decode()
    assert client.get("/tabell.csv").status_code == 404


def test_a_selection_without_values_says_so(client, site_home, public_cube):
    from lofte.cube import query

    dims = query.dims("svf_andel_inom_ledtid")
    rows = rows_where(
        public_cube, indicator="svf_andel_inom_ledtid", region_basis="bostad", period_type="month"
    )
    present = {(r["pathway"], r["treatment"], r["period"]) for r in rows}
    pathway, treatment, month = next(
        (p, t, m)
        for p in dims.pathways
        for t in dims.treatments
        for m in dims.periods["month"]
        if (p, t, m) not in present
    )
    html = get(
        client, pathway=pathway, treatment=treatment, ptype="month", to=month, **{"from": month}
    )
    assert "Det finns inga värden för det här urvalet." in html
    assert "Det finns inga värden" not in get(client)


def test_head_requests(client, site_home):
    assert client.head("/").status_code == 200
    assert client.head("/api/v1/catalog/regions").status_code == 200


def test_cached_pages_follow_a_recomputed_cube_and_new_reports(
    client, site_home, tmp_path, monkeypatch
):
    import os
    import shutil

    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    home = tmp_path / "home"
    (home / "cube").mkdir(parents=True)
    target = home / "cube" / "cube.parquet"
    shutil.copy(site_home / "cube" / "cube.parquet", target)
    monkeypatch.setenv("LOFTE_HOME", str(home))
    before = get(client)
    assert page_tables(before)["comparison-table"]
    national = re.search(r'data-testid="national-value">([^<]+)<', before).group(1)
    assert national != "–"
    again = get(client)  # served again (from the cache); only the CSRF token differs
    assert again.split('id="main"')[1] == before.split('id="main"')[1]

    cube = pq.read_table(target)
    pq.write_table(cube.filter(pc.not_equal(cube.column("region"), "SE")), target)
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = get(client)
    assert re.search(r'data-testid="national-value">([^<]+)<', after).group(1) == "–"

    directory = store.report_dir("norra", "2025H2")
    directory.mkdir(parents=True)
    (directory / "report.pdf").write_bytes(b"%PDF")
    (directory / store.MODEL_FILE).write_text("{}", encoding="utf-8")
    assert "/rapport/norra/2025H2/report.pdf" in get(client)


def test_about_the_statistics_states_the_rule_in_the_report_annex_words(client):
    import html

    from lofte.reports.present import disclosure_paragraphs

    for lang, header in (("sv", "sv"), ("en", "en")):
        page = client.get("/om-statistiken/", HTTP_ACCEPT_LANGUAGE=header)
        assert page.status_code == 200
        text = html.unescape(page.content.decode())
        for para in disclosure_paragraphs(lang, 5):
            # the numbered rules are an ordered list on the page, without their numbers
            assert (
                para.split(". ", 1)[1] in text if para[:2] in ("1.", "2.", "3.") else para in text
            )
        assert "21 − 9 − 8 = 4" in text
    assert "About the statistics" in text


@pytest.mark.parametrize("indicator", ["svf_andel_inom_ledtid", "svf_ledtid_median"])
def test_chart_and_table_share_one_order(client, site_home, indicator):
    """Higher-better and lower-better alike: the bars run in the table's order, best first."""
    html = get(client, indicator=indicator)
    table = list(page_tables(html)["comparison-table"])
    spec = chart_spec(html)
    cat = load()
    bar_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    sort = bar_layer["encoding"]["y"]["sort"]
    assert len(sort) == len(table)
    for short, code in zip(sort, table, strict=True):  # short names for a phone, same order
        assert short in cat.region(code).name
    values = [d["value"] for d in spec["data"]["values"] if d["value"] is not None]
    lower_better = cat.indicator(indicator).direction == "lower_better"
    assert values == sorted(values, reverse=not lower_better)


def test_every_mark_of_the_comparison_has_a_key(client, site_home):
    spec = chart_spec(get(client, region="sydost", level="healthcare_region"))
    entries = [
        entry
        for layer in spec["layer"]
        for entry in layer["encoding"].get("color", {}).get("scale", {}).get("domain", [])
        if layer["encoding"]["color"].get("legend", {}) is not None
    ]
    assert "Regioner" in entries and "Sydöstra sjukvårdsregionen" in entries
    assert any(e.startswith("Riket: ") for e in entries)
    assert any(e.startswith("Målnivån nås (") for e in entries)


def test_periods_in_words_and_plain_labels(client, site_home):
    html = get(client, view="tabell")
    assert "Antal patienter" in html or "n=" in html
    assert "Antal (nämnare)" not in html and "Regiontillhörighet" not in html
    assert "Region där patienten bor" in html and "Region som avslutade förloppet" in html
    assert '<option value="2025H1" selected>första halvåret 2025</option>' in html
    assert "2025H1</option>" not in html


def test_a_period_the_data_do_not_cover_to_its_end_is_marked(client, site_home, monkeypatch):
    """As if the deliveries ended on 30 September 2025: the year 2025 holds January–September."""
    import datetime as dt

    from django.core.cache import cache

    from lofte.web.results.page_model import base

    cache.clear()  # pages are cached under the cube version, which this does not change
    monkeypatch.setattr(base, "data_end", lambda periods: dt.date(2025, 9, 30))
    html = get(client, view="tabell", ptype="year", **{"from": "2024", "to": "2025"})
    assert re.search(r'class="num incomplete" data-period="2025">2025 \(jan–sep\)</th>', html)
    assert 'data-period="2024">2024</th>' in html
    assert 'data-testid="incomplete-note"' in html and "(2025 (jan–sep))" in html
    assert '<option value="2025" selected>2025 (jan–sep)</option>' in html
    complete = get(client, view="tabell", ptype="year", **{"from": "2024", "to": "2024"})
    assert 'data-testid="incomplete-note"' not in complete
    cache.clear()


def test_a_median_page_shows_no_n_column_and_no_bare_n(client, site_home):
    # A median is published without its n (SPEC §7): no "Antal" column of empty cells, and the
    # period table prints no "n=" without a number; a share's page keeps both.
    median = get(client, indicator="svf_ledtid_median", view="tabell")
    share = get(client, indicator="svf_andel_inom_ledtid", view="tabell")
    assert "n=<" not in median and "antal patienter (n)" not in median
    assert "värde per period" in median
    assert re.search(r'<span class="n">n=\d', share)
    assert "antal patienter (n)" in share
    comparison = get(client, indicator="svf_ledtid_median")
    header = re.search(r'data-testid="comparison-table">.*?</thead>', comparison, re.S).group(0)
    assert header.count("<th scope") == 3  # region, value, meets the target
