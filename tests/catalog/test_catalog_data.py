"""The shipped catalogue holds the sourced facts, and nothing that the sources leave UNKNOWN."""

from datetime import date

import pytest

from lofte.catalog import load

PATHWAY_IDS = {
    "brost", "lunga", "prostata", "kolorektal", "huvud-hals", "matstrupe-magsack",
    "bukspottkortel", "lever", "galla", "urinvagar", "njure", "melanom", "akut-leukemi",
    "lymfom-kll", "myelom", "hjarna", "sarkom", "buksarkom", "aggstock", "livmoderhals",
    "livmoderkropp", "vulva", "testikel", "penis", "skoldkortel", "net", "anal", "cup", "aos",
    "mpn",
}  # fmt: skip


def test_counts():
    cat = load()
    assert set(cat.pathways) == PATHWAY_IDS
    assert len(cat.pathways) == 30
    assert len(cat.counties()) == 21
    assert sum(r.population for r in cat.counties()) == 10_551_707
    assert [r.code for r in cat.healthcare_regions()] == [
        "norra", "mellansverige", "stockholm-gotland", "sydost", "syd", "vast",
    ]  # fmt: skip
    assert sorted(cat.promises) == [1, 2, 3, 4, 5, 6]
    assert sorted(cat.development_areas) == list(range(1, 11))


def test_populations_add_up_by_level():
    cat = load()
    se = cat.region("SE")
    assert (se.population, se.population_year, se.level) == (10_551_707, 2023, "nation")
    assert sum(r.population for r in cat.healthcare_regions()) == se.population
    for hr in cat.healthcare_regions():
        kids = [cat.region(c) for c in cat.children(hr.code)]
        assert hr.population == sum(k.population for k in kids)
    assert cat.region("sydost").population == 472_298 + 368_856 + 246_667
    assert {r.population_year for r in cat.counties()} == {2023}


def test_county_names_codes_and_membership():
    cat = load()
    assert cat.region("08").name == "Region Kalmar län"
    assert cat.region("14").name == "Västra Götalandsregionen"
    assert all(len(r.code) == 2 and r.code.isdigit() for r in cat.counties())
    sizes = {hr.code: len(cat.children(hr.code)) for hr in cat.healthcare_regions()}
    assert sizes == {
        "norra": 4, "mellansverige": 7, "stockholm-gotland": 2, "sydost": 3, "syd": 4, "vast": 1,
    }  # fmt: skip
    assert cat.parent("13") == "syd"


def test_promises_and_development_areas():
    cat = load()
    assert cat.promises[1].text_sv.startswith("Få behandling inom fyra veckor")
    assert "palliativ" in cat.promises[4].text_sv
    assert cat.promises[6].text_en
    assert cat.development_areas[1].name_sv == "Prevention och tidig upptäckt"
    assert cat.development_areas[10].name_sv == "Barn och unga"


def test_kva_prefixes():
    cat = load()
    known = {
        "brost": "VG9", "lunga": "VC0", "prostata": "VJ1", "kolorektal": "VB2",
        "huvud-hals": "VA9", "matstrupe-magsack": "VB0", "bukspottkortel": "VB6", "lever": "VB4",
        "galla": "VB5", "urinvagar": "VK1", "melanom": "VE0", "hjarna": "VL2", "aggstock": "VH4",
        "livmoderhals": "VH2", "skoldkortel": "VM0", "aos": "VP8",
    }  # fmt: skip
    for pid, prefix in known.items():
        assert cat.pathway(pid).kva_prefix == prefix
    unknown = PATHWAY_IDS - set(known)
    assert {pid for pid in unknown if cat.pathway(pid).kva_prefix is not None} == set()
    assert "njure" in unknown and "cup" in unknown


def test_pathway_flags():
    cat = load()
    assert [p.id for p in cat.pathways.values() if not p.mdk_measured] == ["aos"]
    markers = {p.id: p.extended_marker for p in cat.pathways.values() if p.extended_marker}
    assert markers == {"kolorektal": 44, "bukspottkortel": 44, "cup": 44}
    with_73 = {p.id for p in cat.pathways.values() if 73 in p.end_suffixes}
    assert with_73 == {"kolorektal", "melanom", "hjarna", "urinvagar", "net"}
    assert cat.pathway("brost").end_suffixes == (50, 52, 54, 58, 59, 60)
    assert cat.pathway("aos").end_suffixes == (72, 78)


def test_breast_lead_times():
    cat = load()
    for suffix in (50, 52, 54, 58):
        assert cat.target_days("brost", date(2015, 12, 21), suffix) == 28
        assert cat.target_days("brost", date(2023, 12, 31), suffix) == 28
        assert cat.target_days("brost", date(2024, 1, 24), suffix) == 35
    assert cat.target_days("brost", date(2015, 12, 20), 50) is None  # before the first version
    assert cat.target_days("brost", date(2024, 6, 1), 60) is None  # no expectans lead time


@pytest.mark.parametrize(
    ("pathway", "day", "suffix", "expected"),
    [
        ("prostata", date(2019, 12, 31), 50, 61),
        ("prostata", date(2019, 12, 31), 54, 68),
        ("prostata", date(2019, 12, 31), 60, 47),
        ("matstrupe-magsack", date(2020, 1, 1), 52, 31),
        ("aggstock", date(2020, 1, 1), 50, 24),
        ("vulva", date(2020, 1, 1), 54, 34),
        ("penis", date(2020, 1, 1), 58, 17),
        ("melanom", date(2020, 1, 1), 73, 26),
        ("melanom", date(2025, 1, 1), 59, 57),
        ("urinvagar", date(2024, 5, 13), 50, 37),
        ("urinvagar", date(2024, 5, 13), 73, 22),
        ("akut-leukemi", date(2019, 1, 1), 52, 9),
        ("lymfom-kll", date(2019, 12, 31), 54, 26),
        ("aos", date(2020, 1, 1), 72, 22),
        ("aos", date(2020, 1, 1), 78, 22),
        ("net", date(2022, 4, 26), 73, 35),
    ],
)
def test_sourced_values(pathway, day, suffix, expected):
    assert load().target_days(pathway, day, suffix) == expected


@pytest.mark.parametrize(
    ("pathway", "day", "suffix"),
    [
        ("prostata", date(2020, 1, 1), 50),  # revised for 2020, new values UNKNOWN
        ("prostata", date(2025, 6, 30), 60),
        ("lymfom-kll", date(2020, 1, 1), 54),  # prolonged from 2020
        ("lymfom-kll", date(2019, 6, 1), 52),  # läk differs for lymphoma and KLL
        ("urinvagar", date(2024, 5, 14), 50),  # +5 days, new values unverified
        ("urinvagar", date(2024, 5, 14), 73),
        ("sarkom", date(2025, 1, 1), 50),
        ("lunga", date(2024, 1, 1), 50),
        ("njure", date(2024, 1, 1), 50),
        ("hjarna", date(2024, 1, 1), 73),  # depends on tumour grade
        ("livmoderhals", date(2024, 1, 1), 50),
        ("livmoderkropp", date(2024, 1, 1), 50),
        ("skoldkortel", date(2024, 1, 1), 50),
        ("huvud-hals", date(2024, 1, 1), 50),  # only pall is known
        ("lever", date(2024, 1, 1), 50),
        ("galla", date(2024, 1, 1), 60),
        ("akut-leukemi", date(2024, 1, 1), 60),
        ("cup", date(2021, 1, 1), 50),  # 2021 revision, values not seen
        ("mpn", date(2024, 1, 1), 50),
        ("net", date(2022, 4, 25), 73),  # IYÅ only from version 2.0
    ],
)
def test_unknown_values_have_no_target(pathway, day, suffix):
    assert load().target_days(pathway, day, suffix) is None
    assert load().target_days(pathway, day, suffix, extended=True) is None


def test_revisions_with_unknown_values_are_empty_and_unverified():
    cat = load()
    for pid, day in [
        ("prostata", date(2020, 1, 1)),
        ("lymfom-kll", date(2020, 1, 1)),
        ("urinvagar", date(2024, 5, 14)),
        ("sarkom", date(2024, 4, 9)),
        ("cup", date(2021, 1, 1)),
    ]:
        version = cat.lead_time_version(pid, day)
        assert version is not None and version.valid_from == day
        assert (dict(version.basic), version.extended, version.verified) == ({}, None, False)
        assert version.source.startswith("http") and version.note


def test_every_version_is_sourced():
    for p in load().pathways.values():
        for v in p.lead_times:
            assert v.source.startswith("http"), (p.id, v.valid_from)
            if not v.verified:
                assert v.note, (p.id, v.valid_from)


def test_icd10_mapping():
    cat = load()
    assert cat.pathway_by_icd10("C50.9").id == "brost"
    assert cat.pathway_by_icd10("c61.9").id == "prostata"
    assert cat.pathway_by_icd10("C92.0A").id == "akut-leukemi"
    assert cat.pathway_by_icd10("C91.1").id == "lymfom-kll"
    assert cat.pathway_by_icd10("C25.4") is None  # endocrine pancreas is outside the SVF
    assert cat.pathway_by_icd10("C44.9") is None


def test_svf_indicators():
    cat = load()
    codes = {
        "svf_andel_inom_ledtid", "svf_andel_inom_28_dagar", "svf_ledtid_median", "svf_ledtid_p25",
        "svf_ledtid_p75", "svf_andel_mdk", "svf_antal_avslutade", "svf_inklusion",
        "svf_median_start_till_besok", "svf_median_besok_till_diagnos",
        "svf_median_diagnos_till_behandling",
        *(f"svf_{q}_{step}" for q in ("p25", "p75", "missad_median")
          for step in ("start_till_besok", "besok_till_diagnos", "diagnos_till_behandling")),
        "svf_pagaende_over_ledtid",
    }  # fmt: skip
    assert {i.code for i in cat.indicators.values() if i.source == "svf"} == codes
    # Väntande över ledtid: persons at a cut-off, summed over regions and pathways only.
    waiting = cat.indicator("svf_pagaende_over_ledtid")
    assert (waiting.unit, waiting.stock, waiting.additive, waiting.additive_over_periods) == (
        "count", True, True, False,
    )  # fmt: skip
    assert not any(i.stock for i in cat.indicators.values() if i.code != waiting.code)
    lead = cat.indicator("svf_andel_inom_ledtid")
    assert (lead.unit, lead.direction, lead.promise, lead.target.value) == (
        "percent", "higher_better", 1, 80,
    )  # fmt: skip
    assert cat.indicator("svf_inklusion").target.value == 70
    assert cat.indicator("svf_andel_mdk").promise == 2
    assert cat.indicator("svf_andel_mdk").target is None
    assert cat.indicator("svf_ledtid_median").unit == "days"
    assert cat.indicator("svf_antal_avslutade").unit == "count"
    assert all(cat.indicator(c).min_cell == 5 for c in codes)
    assert all(i.target_source for i in cat.indicators.values())
