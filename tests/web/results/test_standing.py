"""Issue 14, items 1–3 on the results site and in the API: a cube computed by the real engine
with imported aggregate values (a borrowed reference, a series that changes source and
definition) and a register that makes inclusion exceed 100 % in one county."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lofte.catalog import load
from lofte.cube import engine, query
from lofte.cube.aggregates import aggregate_cells, import_indicators
from lofte.web.results import overview

from .conftest import LAST_DAY, PATHWAYS, synthetic_events

pytestmark = pytest.mark.django_db

SIRONA = "Sirona, Granskning av de sex cancerlöftena i Sydöstra sjukvårdsregionen, 2025"
SYNTHETIC = "Syntetiska demodata (Löfte demo)"
ROWS = [
    # a borrowed reference: the breast-cancer register's 95/99 % for all diagnoses
    ("kontaktsjukskoterska_andel", "SE", "2024", "96", "Kvalitetsregistren", ""),
    ("kontaktsjukskoterska_andel", "sydost", "2024", "90", "Kvalitetsregistren", ""),
    # the seed's inpatient-only figure, then another source in the catalogue's definition
    ("pal_brytpunktssamtal", "sydost", "2023", "82.7", SIRONA, "Endast slutenvården"),
    ("pal_brytpunktssamtal", "sydost", "2024", "70.5", SYNTHETIC, ""),
    ("pal_brytpunktssamtal", "SE", "2023", "75", SYNTHETIC, ""),
    ("pal_brytpunktssamtal", "SE", "2024", "77", SYNTHETIC, ""),
]


@pytest.fixture
def standing_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    lines = ["indicator,region,period,numerator,denominator,value,source,definition,note"]
    lines += [f'{i},{r},{p},,,{v},"{s}",{d},' for i, r, p, v, s, d in ROWS]
    csv_path = tmp_path / "aggregat.csv"
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_indicators(csv_path)
    counties = [c.code for c in load().counties()]
    # Jönköping's register has ten new cases per pathway and year: inclusion far above 100 %.
    register = [
        (c, year, p, 10 if c == "06" else 500)
        for c in counties
        for year in ("2024", "2025")
        for p in PATHWAYS
    ]
    result = engine.compute(
        synthetic_events(),
        {c: LAST_DAY for c in counties},
        register,
        extra_cells=aggregate_cells(),
        threads=1,
    )
    (tmp_path / "cube").mkdir()
    pq.write_table(result.cube, tmp_path / "cube" / "cube.parquet")
    query.clear_cache()
    yield tmp_path
    query.clear_cache()


def api(client, **params):
    response = client.get("/api/v1/cube", params)
    assert response.status_code == 200, response.content
    return {(r["region"], r["period"]): r for r in json.loads(response.content)["results"]}


def test_api_gives_no_verdict_on_a_reference_and_names_the_series(client, standing_home):
    cells = api(client, indicator="kontaktsjukskoterska_andel")
    assert cells[("SE", "2024")]["value"] == 96.0  # above both levels, yet no verdict
    for cell in cells.values():
        assert cell["target_kind"] == "reference" and cell["verdict"] == "reference"
        assert cell["meets_target"] is None
        assert cell["source"] == "Kvalitetsregistren" and cell["definition"] == ""
    pal = api(client, indicator="pal_brytpunktssamtal", region="sydost")
    assert pal[("sydost", "2023")]["definition"] == "Endast slutenvården"
    assert pal[("sydost", "2024")]["source"] == SYNTHETIC
    assert pal[("sydost", "2024")]["series_break"] is True
    assert pal[("sydost", "2023")]["series_break"] is False
    assert pal[("sydost", "2024")]["verdict"] == "not_met"  # a decided national level


def test_api_inclusion_above_100_is_a_data_quality_finding(client, standing_home):
    cells = api(client, indicator="svf_inklusion", region="06", region_basis="bostad")
    over = [c for c in cells.values() if c["value"] is not None and c["value"] > 100]
    assert over, "the register was made small enough"
    for cell in over:
        assert cell["verdict"] == "data_quality" and cell["meets_target"] is None
    # and in the cube itself, for every cell above 100 % (the engine's meets_target)
    cube = pq.read_table(standing_home / "cube" / "cube.parquet").to_pylist()
    above = [r for r in cube if r["indicator"] == "svf_inklusion" and (r["value"] or 0) > 100]
    assert above and all(r["meets_target"] is None for r in above)
    borrowed = [r for r in cube if r["indicator"] == "kontaktsjukskoterska_andel"]
    assert borrowed and all(r["meets_target"] is None for r in borrowed)


def test_start_page_cards_judge_only_decided_targets_and_skip_breaks(standing_home):
    cat = load()
    card = overview.card(cat, cat.indicator("kontaktsjukskoterska_andel"), "sydost")
    assert card is not None and card["target_label"] == "Referens"
    for figure in card["figures"]:
        assert figure["verdict_class"] == "none" and "Referens" in figure["verdict"]
    pal = overview.card(cat, cat.indicator("pal_brytpunktssamtal"), "sydost")
    assert pal is not None
    sydost = next(f for f in pal["figures"] if f["code"] == "sydost")
    # 82,7 (inpatient care, the seed) → 70,5 (another source): no change, no "sämre"
    assert "Ingen jämförelse" in sydost["change"] and "sämre" not in sydost["change"]
    nation = next(f for f in pal["figures"] if f["code"] == "SE")
    assert "bättre" in nation["change"]  # one series: the change is told


def _page(client, **params) -> str:
    base = {"region": "sydost", "level": "county", "ptype": "year"}
    response = client.get("/", {**base, **params})
    assert response.status_code == 200
    return response.content.decode()


def _spec(html: str) -> dict:
    found = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page has no chart"
    return json.loads(found.group(1))


def test_trend_never_draws_a_line_across_a_break(client, standing_home):
    html = _page(client, indicator="pal_brytpunktssamtal", view="trend", **{"from": "2023"})
    assert 'data-testid="series-breaks"' in html and "Endast slutenvården" in html
    spec = _spec(html)
    points = {
        (p["full_name"], p["period"]): p["segment"]
        for p in spec["data"]["values"]
        if p["value"] is not None
    }
    name = load().region("sydost").name
    assert points[(name, "2023")] != points[(name, "2024")]
    assert spec["layer"][0]["encoding"]["detail"] == {"field": "segment", "type": "nominal"}


def test_reference_is_a_labelled_line_and_inclusion_above_100_is_explained(client, standing_home):
    html = _page(client, indicator="kontaktsjukskoterska_andel", region="SE", to="2024")
    assert 'data-testid="reference-note"' in html and "Referens" in html
    assert "Målnivån nås" not in html  # no target zone for a borrowed level
    html = _page(client, indicator="svf_inklusion", basis="bostad", to="2024")
    assert 'data-testid="over-100-note"' in html and "cancerregistret" in html
    row = re.search(r'<tr data-region="06">(.*?)</tr>', html, re.S)
    assert row and "Ja" not in row.group(1) and "†" in row.group(1)
    # the share above 100 % is no bar on a stretched axis, nor cut at 100 %: its row says why
    spec = _spec(html)
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert bars["transform"] == [{"filter": "!datum.over_100"}]
    [row] = [d for d in spec["data"]["values"] if d["over_100"]]
    assert row["value"] > 100 and row["quality"].startswith(row["label"])
    assert "över 100 %, datakvalitet (se †)" in row["quality"]
    quality = next(layer for layer in spec["layer"] if layer.get("name") == "data_quality")
    assert quality["encoding"]["text"] == {"field": "quality"}


def test_a_parent_counting_a_share_above_100_gets_no_verdict(client, standing_home):
    """ADR 0504: Sydöst and the nation count Jönköping's inclusion above 100 %, so their own
    shares (below 100 %) are a data-quality finding too, naming Jönköping, in the API and on
    the page."""
    county = api(client, indicator="svf_inklusion", region="06", region_basis="bostad")
    periods = {p for (_, p), c in county.items() if c["value"] is not None and c["value"] > 100}
    assert periods
    for parent in ("sydost", "SE"):
        cells = api(client, indicator="svf_inklusion", region=parent, region_basis="bostad")
        for period in periods:
            cell = cells[(parent, period)]
            assert cell["value"] is not None and cell["value"] <= 100  # a share, yet no verdict
            assert cell["verdict"] == "data_quality" and cell["meets_target"] is None
            assert "06" in cell["over_100_children"]
    other = api(client, indicator="svf_inklusion", region="05", region_basis="bostad")
    assert all(c["over_100_children"] == [] for c in other.values())
    html = _page(
        client, indicator="svf_inklusion", basis="bostad", to="2024", level="healthcare_region"
    )
    note = re.search(r'data-testid="over-100-note">(.*?)</p>', html, re.S)
    assert note and "Region Jönköpings län" in note.group(1)
    row = re.search(r'<tr data-region="sydost">(.*?)</tr>', html, re.S)
    assert row and "Ja" not in row.group(1) and "†" in row.group(1)
