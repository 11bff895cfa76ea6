"""Local overrides in $LOFTE_HOME/catalog and validation of broken files."""

import copy
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from lofte.catalog import CatalogError, Target, load


def shipped(name: str) -> dict[str, Any]:
    text = (resources.files("lofte.catalog") / "data" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def write(home: Path, name: str, doc: dict[str, Any] | str) -> Path:
    folder = home / "catalog"
    folder.mkdir(exist_ok=True)
    path = folder / name
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_files_without_override_dir(lofte_home):
    cat = load()
    assert not (lofte_home / "catalog").exists()
    assert all("lofte" in f.path and f.version == 1 for f in cat.files.values())


def test_every_indicator_has_an_english_description(lofte_home):
    cat = load()
    assert len(cat.indicators) >= 30
    for code, ind in cat.indicators.items():
        assert ind.description_en.strip(), code
        assert ind.description_en != ind.description_sv, code
        assert ind.description("en") == ind.description_en, code
        assert ind.description("sv") == ind.description_sv, code


def test_override_replaces_a_whole_file(lofte_home):
    doc = shipped("promises.yaml")
    doc["promises"][0]["text_sv"] = "Ett annat löfte"
    path = write(lofte_home, "promises.yaml", doc)
    cat = load()
    assert sorted(cat.promises) == [1, 2, 3, 4, 5, 6]
    assert cat.promises[1].text_sv == "Ett annat löfte"
    assert cat.files["promises.yaml"].path == str(path)
    assert len(cat.pathways) == 30  # the other files still come from the package


def test_target_override_precedence(lofte_home):
    code = "svf_andel_inom_ledtid"
    doc = shipped("targets.yaml")
    doc["targets"] = [
        {"indicator": code, "period": "2025", "target": {"value": 85}, "source": "test"},
        {"indicator": code, "region": "sydost", "target": {"value": 90}},
        {"indicator": code, "region": "sydost", "period": "2025", "target": {"value": 95}},
        {"indicator": code, "region": "05", "target": None},
        {"indicator": "svf_andel_mdk", "region": "SE", "target": {"low": 90, "high": 99}},
    ]
    write(lofte_home, "targets.yaml", doc)
    cat = load()
    assert cat.target_for(code) == Target(value=80)
    assert cat.target_for(code, "SE", "2024") == Target(value=80)
    assert cat.target_for(code, "SE", "2025") == Target(value=85)
    assert cat.target_for(code, "sydost", "2024") == Target(value=90)
    assert cat.target_for(code, "sydost", "2025") == Target(value=95)
    assert cat.target_for(code, "05", "2025") is None  # a region override beats a period one
    # Exact matches only: counties do not inherit their healthcare region's override, and a
    # yearly override does not reach the half-years.
    assert cat.target_for(code, "06", "2025") == Target(value=85)
    assert cat.target_for(code, "sydost", "2025H1") == Target(value=90)
    assert cat.target_for(code, "SE", "2025H1") == Target(value=80)
    assert cat.target_for("svf_andel_mdk", "SE", "2025").as_json() == {"low": 90, "high": 99}
    assert cat.target_for("svf_andel_mdk", "sydost", "2025") is None
    # Standing without a kind: a region's own entry is its decision; a period-only entry keeps
    # the indicator's kind.
    assert cat.target_for(code, "sydost", "2024").kind == "decided_regional"
    assert cat.target_for(code, "SE", "2025").kind == "decided_national"


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _duplicate_pathway(doc):
    doc["pathways"].append(copy.deepcopy(doc["pathways"][0]))


def _unsorted_versions(doc):
    doc["pathways"][0]["lead_times"].reverse()


def _overlapping_icd10(doc):
    doc["pathways"][1]["icd10"].append("C50.1")


BROKEN = [
    ("regions.yaml", _set(["counties", 0, "code"], 1), "county 1"),
    ("regions.yaml", _set(["counties", 0, "parent"], "atlantis"), "'atlantis'"),
    ("regions.yaml", _set(["counties", 1, "code"], "01"), "duplicate"),
    ("regions.yaml", _set(["nation", "code"], "NO"), "nation"),
    ("promises.yaml", _set(["promises", 1, "number"], 1), "promises number 1"),
    ("development_areas.yaml", _set(["development_areas", 0, "name_sv"], ""), "name_sv"),
    ("pathways.yaml", _duplicate_pathway, "pathway 'brost': duplicate id"),
    ("pathways.yaml", _set(["pathways", 0, "kva_prefix"], "XG9"), "pathway 'brost'"),
    ("pathways.yaml", _set(["pathways", 1, "kva_prefix"], "VG9"), "also used by 'brost'"),
    ("pathways.yaml", _set(["pathways", 0, "id"], "Bröst"), "pathway 'Bröst'"),
    ("pathways.yaml", _unsorted_versions, "sorted by valid_from"),
    ("pathways.yaml", _overlapping_icd10, "overlaps"),
    ("pathways.yaml", _set(["pathways", 0, "end_suffixes"], [50, 35]), "end suffix 35"),
    (
        "pathways.yaml",
        _set(["pathways", 0, "lead_times", 0, "basic", 73], 28),
        "pathway 'brost' lead time 2015-12-21",
    ),
    ("pathways.yaml", _set(["pathways", 0, "lead_times", 0, "basic", 50], 0), "positive"),
    (
        "pathways.yaml",
        _set(["pathways", 0, "lead_times", 0, "extended"], {50: 30}),
        "need an extended_marker",
    ),
    (
        "pathways.yaml",
        _set(["pathways", 0, "lead_times", 0, "verified"], "yes"),
        "'verified' has the wrong type",
    ),
    ("pathways.yaml", _set(["pathways", 0, "extended_marker"], 50), "extended_marker"),
    ("indicators.yaml", _set(["indicators", 0, "unit"], "procent"), "unit must be one of"),
    ("indicators.yaml", _set(["indicators", 0, "direction"], "up"), "direction must be one of"),
    ("indicators.yaml", _set(["indicators", 0, "target"], {"value": 180}), "0–100"),
    ("indicators.yaml", _set(["indicators", 0, "target"], {"low": 9}), "{value: x}"),
    ("indicators.yaml", _set(["indicators", 0, "promise"], 9), "promise 9"),
    ("indicators.yaml", _set(["indicators", 0, "unit"], "score"), "needs scale"),
    ("indicators.yaml", _set(["indicators", 6, "target"], {"value": 3}), "needs a direction"),
    # Only a count computed from SVF can be a stock (a count at each cut-off).
    ("indicators.yaml", _set(["indicators", 0, "stock"], True), "stock is only for counts"),
    ("indicators.yaml", _set(["indicators", 6, "stock"], "ja"), "'stock' has the wrong type"),
    (
        "indicators.yaml",
        lambda doc: doc["indicators"][2].pop("description_en"),
        "indicator 'svf_ledtid_median': missing 'description_en'",
    ),
    (
        "indicators.yaml",
        _set(["indicators", 3, "description_en"], "  "),
        "indicator 'svf_ledtid_p25': 'description_en' is empty",
    ),
    (
        "indicators.yaml",
        lambda doc: doc["indicators"][0].pop("target_kind"),
        "indicator 'svf_andel_inom_ledtid': an indicator with a target needs target_kind",
    ),
    (
        "indicators.yaml",
        _set(["indicators", 0, "target_kind"], "borrowed"),
        "needs target_kind: one of decided_national",
    ),
    (
        "indicators.yaml",
        _set(["indicators", 2, "target_kind"], "reference"),
        "target_kind is only for an indicator with a target",
    ),
    ("indicators.yaml", _set(["indicators", 2, "additive"], True), "cannot be additive"),
    ("indicators.yaml", _set(["indicators", 0, "additive"], "ja"), "'additive' has the wrong"),
    (
        "targets.yaml",
        _set(
            ["targets"],
            [{"indicator": "svf_inklusion", "region": "05", "target": None, "kind": "lånad"}],
        ),
        "kind must be one of",
    ),
    ("targets.yaml", _set(["targets"], [{"indicator": "x", "region": "SE"}]), "'x'"),
    (
        "targets.yaml",
        _set(["targets"], [{"indicator": "svf_inklusion", "period": "2025H3", "target": None}]),
        "period '2025H3'",
    ),
    (
        "targets.yaml",
        _set(["targets"], [{"indicator": "svf_inklusion", "target": {"value": 75}}]),
        "region, a period",
    ),
    ("targets.yaml", _set(["targets"], {"a": 1}), "must be a list"),
    ("targets.yaml", lambda doc: doc.pop("version"), "'version'"),
]


@pytest.mark.parametrize(("name", "change", "expected"), BROKEN)
def test_broken_files_raise_naming_file_and_entry(lofte_home, name, change, expected):
    doc = shipped(name)
    change(doc)
    path = write(lofte_home, name, doc)
    with pytest.raises(CatalogError) as info:
        load()
    message = str(info.value)
    assert str(path) in message
    assert expected in message


def test_invalid_yaml(lofte_home):
    path = write(lofte_home, "pathways.yaml", "pathways: [unclosed\n")
    with pytest.raises(CatalogError, match="not valid YAML") as info:
        load()
    assert str(path) in str(info.value)


def test_null_days_mean_unknown(lofte_home):
    doc = shipped("pathways.yaml")
    doc["pathways"][0]["lead_times"][0]["basic"] = {50: 28, 52: None}
    write(lofte_home, "pathways.yaml", doc)
    cat = load()
    version = cat.pathway("brost").lead_times[0]
    assert dict(version.basic) == {50: 28}
    assert cat.target_days("brost", version.valid_from, 52) is None


def test_changed_population_changes_sums(lofte_home):
    doc = shipped("regions.yaml")
    doc["counties"][0]["population"] += 1000
    write(lofte_home, "regions.yaml", doc)
    cat = load()
    assert cat.region("SE").population == 10_551_707 + 1000
    assert cat.region("stockholm-gotland").population == 2_454_821 + 61_029 + 1000


def test_mixed_population_years_give_no_sum(lofte_home):
    doc = shipped("regions.yaml")
    doc["counties"][0]["population_year"] = 2024
    write(lofte_home, "regions.yaml", doc)
    cat = load()
    assert cat.region("SE").population is None
    assert cat.region("stockholm-gotland").population_year is None
    assert cat.region("sydost").population_year == 2023


def test_target_levels_single_value_and_low_high_pair():
    from lofte.catalog.model import Target

    assert Target(value=80).levels() == (80.0, None)
    assert Target(low=90, high=95).levels() == (90, 95)
