"""The catalogue's helpers: targets (rule 10), treatments (rule 13), geography and exports."""

import json
from datetime import date

import pytest

from lofte.catalog import load


def test_colorectal_extended_versus_basic():
    cat = load()
    day = date(2023, 3, 1)
    assert cat.target_days("kolorektal", day, 50) == 39
    assert cat.target_days("kolorektal", day, 50, extended=True) == 53
    assert cat.target_days("kolorektal", day, 58) == 25
    assert cat.target_days("kolorektal", day, 58, extended=True) == 39
    # IYÅ has no extended value, so the basic one applies to extended investigations too.
    assert cat.target_days("kolorektal", day, 73, extended=True) == 25
    assert cat.target_days("kolorektal", day, 60, extended=True) is None


def test_extended_falls_back_to_basic_per_suffix():
    cat = load()
    day = date(2020, 1, 1)
    assert cat.target_days("bukspottkortel", day, 50, extended=True) == 43
    assert cat.target_days("bukspottkortel", day, 58, extended=True) == 22
    assert cat.target_days("cup", date(2016, 1, 1), 52, extended=True) == 48
    # A pathway without extended days ignores the flag.
    assert cat.target_days("brost", day, 50, extended=True) == 28


def test_lead_time_version_picks_latest_on_or_before():
    cat = load()
    assert cat.lead_time_version("brost", date(2015, 12, 20)) is None
    assert cat.lead_time_version("brost", date(2024, 1, 23)).valid_from == date(2015, 12, 21)
    assert cat.lead_time_version("brost", date(2030, 1, 1)).valid_from == date(2024, 1, 24)
    assert cat.lead_time_version("livmoderkropp", date(2030, 1, 1)) is None
    with pytest.raises(KeyError, match="nope"):
        cat.lead_time_version("nope", date(2030, 1, 1))


def test_treatment_mapping():
    cat = load()
    expected = {50: "kirurgi", 52: "lakemedel", 54: "stralning", 58: "palliativ", 59: "annan",
                60: "expektans"}  # fmt: skip
    for suffix, name in expected.items():
        assert cat.treatment_for("brost", suffix) == name
    assert cat.treatment_for("kolorektal", 73) == "ingen_atgard"
    assert cat.treatment_for("brost", 73) == "avslut"
    assert cat.treatment_for("aos", 72) == "avslutande_samtal"
    assert cat.treatment_for("aos", 78) == "avslutande_samtal"
    assert cat.treatment_for("brost", 72) == "avslut"
    assert cat.treatment_for("brost", 78) == "avslut"
    for suffix in (70, 74, 76):
        assert cat.treatment_for("aos", suffix) == "avslut"


def test_geography_helpers():
    cat = load()
    assert cat.parent("13") == "syd"
    assert cat.parent("syd") == "SE"
    assert cat.parent("SE") is None
    assert cat.children("sydost") == ("05", "06", "08")
    assert len(cat.children("SE")) == 6
    assert cat.children("05") == ()
    with pytest.raises(KeyError):
        cat.parent("99")
    rollup = cat.region_rollup()
    assert len(rollup) == 21
    assert ("13", "syd") in rollup and ("09", "stockholm-gotland") in rollup


def test_pathway_by_prefix():
    cat = load()
    assert cat.pathway_by_prefix("VG9").id == "brost"
    assert cat.pathway_by_prefix("VB210").id == "kolorektal"  # a whole KVÅ code works too
    assert cat.pathway_by_prefix("vp8").id == "aos"
    assert cat.pathway_by_prefix("VX1") is None


def test_lead_time_rows():
    rows = load().lead_time_rows()
    assert ("brost", date(2015, 12, 21), date(2024, 1, 24), 50, 28, None) in rows
    assert ("brost", date(2024, 1, 24), None, 58, 35, None) in rows
    assert ("kolorektal", date(2018, 10, 30), None, 50, 39, 53) in rows
    assert ("bukspottkortel", date(2018, 6, 19), None, 58, 22, None) in rows
    # The prostate 2016 rows end where the 2020 revision (no days) begins.
    assert ("prostata", date(2016, 12, 14), date(2020, 1, 1), 50, 61, None) in rows
    assert not [r for r in rows if r[0] == "prostata" and r[1] == date(2020, 1, 1)]


def test_as_json_pathways():
    data = load().as_json("pathways")
    json.dumps(data)
    assert len(data) == 30
    brost = next(p for p in data if p["id"] == "brost")
    assert set(brost) == {"id", "name_sv", "kva_prefix", "end_suffixes", "mdk_measured",
                          "extended_marker", "icd10", "lead_times"}  # fmt: skip
    assert brost["lead_times"][0] == {
        "valid_from": "2015-12-21",
        "basic": {"50": 28, "52": 28, "54": 28, "58": 28},
        "extended": None,
        "verified": True,
        "source": brost["lead_times"][0]["source"],
    }
    assert brost["lead_times"][0]["source"].startswith("https://")
    kolo = next(p for p in data if p["id"] == "kolorektal")
    assert kolo["extended_marker"] == 44
    assert kolo["lead_times"][0]["extended"]["50"] == 53
    assert kolo["end_suffixes"] == [50, 52, 54, 58, 59, 60, 73]
    njure = next(p for p in data if p["id"] == "njure")
    assert njure["kva_prefix"] is None
    assert njure["lead_times"][0]["basic"] == {}


def test_as_json_regions():
    data = load().as_json("regions")
    json.dumps(data)
    assert len(data) == 1 + 6 + 21
    assert data[0] == {"code": "SE", "name": "Riket", "level": "nation", "parent": None,
                       "population": 10_551_707, "population_year": 2023}  # fmt: skip
    halland = next(r for r in data if r["code"] == "13")
    assert halland == {"code": "13", "name": "Region Halland", "level": "county",
                       "parent": "syd", "population": 343_746, "population_year": 2023}  # fmt: skip
    assert {r["level"] for r in data} == {"nation", "healthcare_region", "county"}


def test_as_json_indicators():
    data = load().as_json("indicators")
    json.dumps(data)
    lead = next(i for i in data if i["code"] == "svf_andel_inom_ledtid")
    assert lead == {"code": "svf_andel_inom_ledtid", "name_sv": lead["name_sv"],
                    "name_en": lead["name_en"], "promise": 1, "unit": "percent",
                    "direction": "higher_better", "source": "svf", "target": {"value": 80},
                    "target_kind": "decided_national", "target_source": lead["target_source"],
                    "additive": True, "min_cell": 5}  # fmt: skip
    assert next(i for i in data if i["code"] == "svf_andel_mdk")["target"] is None
    with pytest.raises(ValueError, match="promises"):
        load().as_json("promises")


def test_load_is_cached():
    first = load()
    assert load() is first
    load.cache_clear()
    assert load() is not first


def test_catalogue_is_read_only():
    cat = load()
    with pytest.raises(TypeError):
        cat.pathways["x"] = cat.pathways["brost"]  # type: ignore[index]
    with pytest.raises(TypeError):
        cat.pathway("brost").lead_times[0].basic[50] = 1  # type: ignore[index]
