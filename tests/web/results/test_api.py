"""The read-only JSON API: public cells only, filters, paging, catalogues, reports, OpenAPI."""

from __future__ import annotations

import json

import pytest

from lofte.catalog import load
from lofte.reports import store

from .helpers import assert_public_cell, key_of, rows_where
from .schema_check import errors

pytestmark = pytest.mark.django_db


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response, json.loads(response.content)


def test_cube_filters_match_the_public_cube(client, site_home, public_cube):
    params = {
        "indicator": "svf_ledtid_median",
        "region": "SE,sydost",
        "region_basis": "bostad",
        "pathway": "brost",
        "period_type": "quarter",
        "period_from": "2024Q3",
        "period_to": "2025Q2",
    }
    _, data = get_json(client, "/api/v1/cube", params)
    expected = [
        r
        for r in rows_where(
            public_cube,
            indicator="svf_ledtid_median",
            region_basis="bostad",
            pathway="brost",
            period_type="quarter",
        )
        if r["region"] in ("SE", "sydost") and "2024Q3" <= r["period"] <= "2025Q2"
    ]
    assert data["count"] == len(expected) == len(data["results"]) > 0
    by_key = {key_of(r): r for r in expected}
    for cell in data["results"]:
        want = by_key[key_of(cell)]
        assert {k: cell[k] for k in want} == want
        # what the API adds beside the cube's columns: the verdict of the one rule
        assert cell["verdict"] in ("no_target", "suppressed") and cell["series_break"] is False
    # repeated parameters mean the same as a comma list
    _, again = get_json(
        client,
        "/api/v1/cube?"
        + "&".join(
            [f"{k}={v}" for k, v in params.items() if k != "region"]
            + ["region=SE", "region=sydost"]
        ),
    )
    assert again["results"] == data["results"]


def test_cube_pages_walk_through_everything(client, site_home, public_cube):
    params = {"indicator": "svf_antal_avslutade", "region": "SE", "limit": 50}
    response, data = get_json(client, "/api/v1/cube", params)
    assert response["ETag"].strip('"') == data["cube_version"]
    total = len(rows_where(public_cube, indicator="svf_antal_avslutade", region="SE"))
    assert data["count"] == total > 100 and data["previous"] is None
    seen = list(data["results"])
    while data["next"]:
        _, data = get_json(client, data["next"])
        seen += data["results"]
        assert data["previous"] is not None
    assert len(seen) == total
    assert len({key_of(c) for c in seen}) == total


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "100000"},
        {"offset": "-1"},
        {"limit": "many"},
        {"indicator": "nope"},
        {"region": "SE,atlantis"},
        {"period_type": "decade"},
        {"region_level": "planet"},
        {"region_basis": "elsewhere"},
    ],
)
def test_bad_filters_are_refused_with_a_message(client, site_home, params):
    _, data = get_json(client, "/api/v1/cube", params, status=400)
    assert data["error"]


def test_no_cube_yet(client, tmp_path, monkeypatch):
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    _, data = get_json(client, "/api/v1/cube", status=404)
    assert "no cube" in data["error"]


def test_catalogues(client, site_home):
    cat = load()
    for what in ("pathways", "regions"):
        _, data = get_json(client, f"/api/v1/catalog/{what}")
        assert data["results"] == cat.as_json(what)
    _, data = get_json(client, "/api/v1/catalog/indicators")
    assert [i["code"] for i in data["results"]] == list(cat.indicators)
    assert (
        data["results"][0]["description_sv"]
        == cat.indicator(data["results"][0]["code"]).description_sv
    )
    for item in data["results"]:
        assert item["description_en"] == cat.indicator(item["code"]).description_en
        assert item["description_en"].strip()
    _, data = get_json(client, "/api/v1/catalog/promises")
    assert [p["number"] for p in data["results"]] == list(cat.promises)
    first = data["results"][0]
    assert "svf_andel_inom_ledtid" in first["indicators"]
    assert client.get("/api/v1/catalog/users").status_code == 404


def test_reports(client, site_home):
    _, data = get_json(client, "/api/v1/reports")
    assert data == {"results": []}
    directory = store.report_dir("syd", "2025H1")
    directory.mkdir(parents=True)
    (directory / store.file_name("sv", "pdf")).write_bytes(b"%PDF")
    (directory / store.MODEL_FILE).write_text("{}", encoding="utf-8")
    _, data = get_json(client, "/api/v1/reports")
    [report] = data["results"]
    assert report["healthcare_region"] == "syd" and report["period"] == "2025H1"
    [file] = report["files"]
    assert file["language"] == "sv" and file["format"] == "pdf"
    assert client.get(file["url"]).status_code == 200


def test_every_response_follows_the_openapi_document(client, site_home):
    _, document = get_json(client, "/api/v1/openapi.json")
    assert document["openapi"].startswith("3.1")
    assert document["servers"][0]["url"].endswith("/api/v1")
    directory = store.report_dir("sydost", "2025H1")
    directory.mkdir(parents=True)
    (directory / store.file_name("en", "html")).write_text("x", encoding="utf-8")
    (directory / store.MODEL_FILE).write_text("{}", encoding="utf-8")
    calls = [
        ("/cube", {"indicator": "svf_andel_inom_ledtid", "limit": 500}, 200),
        ("/cube", {"indicator": "npe_delaktighet"}, 200),
        ("/cube", {"region": "05", "period_type": "year", "limit": 2000}, 200),
        ("/cube", {"limit": "x"}, 400),
        ("/catalog/pathways", {}, 200),
        ("/catalog/indicators", {}, 200),
        ("/catalog/regions", {}, 200),
        ("/catalog/promises", {}, 200),
        ("/reports", {}, 200),
    ]
    documented = set()
    for path, params, status in calls:
        operation = document["paths"][path]["get"]
        documented.add(path)
        _, body = get_json(client, "/api/v1" + path, params, status=status)
        schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        assert errors(body, schema, document) == [], (path, params)
    assert documented | {"/openapi.json"} == set(document["paths"])
    # the checker is strict: an undocumented or missing field is caught
    cell_page = {"$ref": "#/components/schemas/CubePage"}
    _, body = get_json(client, "/api/v1/cube", {"limit": 1})
    body["results"][0]["extra"] = 1
    del body["results"][0]["value"]
    found = errors(body, cell_page, document)
    assert any("extra" in e for e in found) and any("'value'" in e for e in found)


def test_api_responses_hold_no_small_or_hidden_cells(client, site_home, internal_cube):
    internal = {key_of(r): r for r in internal_cube.to_pylist()}
    _, data = get_json(client, "/api/v1/cube", {"limit": 10000})
    offset = 0
    checked = 0
    suppressed = 0
    while True:
        for cell in data["results"]:
            assert_public_cell(cell, internal)
            suppressed += bool(cell["suppressed"])
            checked += 1
        if not data["next"]:
            break
        offset += 10000
        _, data = get_json(client, data["next"])
    assert checked == internal_cube.num_rows
    assert suppressed > 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2024H3", "period: not a period: '2024H3'"),
        ("period_from=banana", "period_from: not a period: 'banana'"),
        ("period_to=2025H0", "period_to: not a period"),
        ("pathway=xyz", "pathway: unknown pathway: xyz"),
        ("treatment=xyz", "treatment: unknown treatment: xyz"),
        ("region=,,,", "region: empty value in the list"),
        ("region=SE,", "region: empty value in the list"),
        ("colour=blue", "unknown parameter: colour"),
        ("indicator=svf_andel_inom_ledtid&indicator=svf_ledtid_median", "indicator: given more"),
        ("limit=10&limit=20", "limit: given more than once"),
        ("period_type=half&period=2024Q1", "periods must be of period_type half"),
        ("period=2024&period_to=2024H1", "periods of different types"),
        ("period_from=2025H1&period_to=2024H1", "period_from is after period_to"),
        ("offset=x", "offset:"),
    ],
)
def test_every_bad_parameter_is_a_400_with_a_message(client, site_home, query, message):
    response = client.get(f"/api/v1/cube?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


def test_repeated_list_parameters_are_lists(client, site_home):
    base = "/api/v1/cube?indicator=svf_antal_avslutade&region=SE&period_type=half&limit=10000"
    _, both = get_json(client, base + "&period=2024H2&period=2025H1")
    _, comma = get_json(client, base + "&period=2024H2,2025H1")
    assert both["results"] == comma["results"]
    assert {c["period"] for c in both["results"]} == {"2024H2", "2025H1"}


def test_other_operations_refuse_parameters_and_unknown_paths_are_json(client, site_home):
    for path in ("/catalog/regions", "/reports", "/openapi.json"):
        _, data = get_json(client, f"/api/v1{path}?x=1", status=400)
        assert data["error"].startswith("unknown parameter: x")
    for path in ("/api/v1/cube/", "/api/v1/catalog/users", "/api/v1/nothing"):
        _, data = get_json(client, path, status=404)
        assert data["error"].startswith("no such resource")
    assert client.head("/api/v1/catalog/regions").status_code == 200


def test_the_document_is_generated_from_the_typed_schema(client, site_home):
    from lofte.cube.query import COLUMNS
    from lofte.web.results import schemas

    _, document = get_json(client, "/api/v1/openapi.json")
    cube = document["paths"]["/cube"]["get"]
    assert [p["name"] for p in cube["parameters"]] == list(schemas.CubeQuery.model_fields)
    region = next(p for p in cube["parameters"] if p["name"] == "region")
    assert {"type": "array", "items": {"type": "string"}} in region["schema"]["oneOf"]
    limit = next(p for p in cube["parameters"] if p["name"] == "limit")
    assert (limit["schema"]["minimum"], limit["schema"]["maximum"]) == (1, 10_000)
    cell = document["components"]["schemas"]["Cell"]
    assert list(cell["properties"])[: len(COLUMNS)] == list(COLUMNS)
    assert cell["additionalProperties"] is False
    assert list(cell["properties"])[len(COLUMNS) :] == [
        "verdict",
        "target_kind",
        "source",
        "definition",
        "series_break",
        "over_100_children",
    ]
    assert cube["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert all(set(item) == {"get"} for item in document["paths"].values())
