"""Aggregate indicator import (SPEC §6): validation, history, cells and the seed example file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from lofte.cube import aggregates
from lofte.cube.aggregates import AggregateFileError, aggregate_cells, import_indicators
from lofte.cube.models import AggregateImport, AggregateValue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

HEADER = "indicator,region,period,numerator,denominator,value,source,note\n"
SRC = "test"


def write(tmp_path: Path, body: str, name: str = "agg.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def good_rows() -> str:
    return (
        f"mdk_andel,05,2023,90,100,,{SRC},\n"
        f"mdk_andel,06,2023,45,50,,{SRC},\n"
        f"npe_delaktighet,08,2024,,,59.8,{SRC},enkät\n"
    )


def snapshot() -> list[tuple]:
    return list(
        AggregateValue.objects.order_by("id").values_list(
            "indicator", "region", "period", "source", "numerator", "denominator", "value",
            "current",
        )
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "column", "value", "reason"),
    [
        ("okand,05,2023,1,2,,s,", "indicator", "okand", "okänd indikator"),
        ("svf_andel_mdk,05,2023,1,2,,s,", "indicator", "svf_andel_mdk", "beräknas ur SVF"),
        ("mdk_andel,99,2023,1,2,,s,", "region", "99", "okänd regionkod"),
        ("mdk_andel,5,2023,1,2,,s,", "region", "5", "okänd regionkod"),
        ("mdk_andel,05,2023H3,1,2,,s,", "period", "2023H3", "ogiltig period"),
        ("mdk_andel,05,2023,,,,s,", "value", "", "antingen täljare och nämnare eller ett värde"),
        ("mdk_andel,05,2023,3,,,s,", "denominator", "", "anges tillsammans"),
        ("mdk_andel,05,2023,3,2,,s,", "numerator", "3", "större än nämnaren"),
        ("mdk_andel,05,2023,-1,2,,s,", "numerator", "-1", "heltal"),
        ("mdk_andel,05,2023,1.5,2,,s,", "numerator", "1.5", "heltal"),
        ("mdk_andel,05,2023,0,0,,s,", "denominator", "0", "minst 1"),
        ("mdk_andel,05,2023,,,100.5,s,", "value", "100.5", "mellan 0 och 100"),
        ("mdk_andel,05,2023,,,-1,s,", "value", "-1", "mellan 0 och 100"),
        ("mdk_andel,05,2023,,,abc,s,", "value", "abc", "inte ett tal"),
        ("mdk_andel,05,2023,9,10,80,s,", "value", "80", "stämmer inte"),
        ("npe_delaktighet,05,2024,,,101,s,", "value", "101", "mellan 0 och 100"),
        ("npe_delaktighet,05,2024,5,10,,s,", "numerator", "5", "bara andelar"),
        ("studier_oppna,05,2024,,,2.5,s,", "value", "2.5", "heltal"),
        ("mdk_andel,05,2023,1,2,,,", "source", "", "källa saknas"),
    ],
)
def test_each_error_is_located_and_changes_nothing(tmp_path, row, column, value, reason):
    import_indicators(write(tmp_path, good_rows(), "first.csv"))
    before = (snapshot(), AggregateImport.objects.count())
    # The bad row is line 4 after the header and two good rows.
    path = write(tmp_path, f"mdk_andel,08,2023,1,2,,{SRC},\nmdk_andel,SE,2022,1,2,,s,\n{row}\n")
    with pytest.raises(AggregateFileError) as caught:
        import_indicators(path)
    message = str(caught.value)
    assert "agg.csv avvisades: 1 fel, inget importerades." in message
    assert f"agg.csv, rad 4, kolumn {column}: '{value}' – " in message
    assert reason in message
    [error] = caught.value.errors
    assert (error.line, error.column, error.value) == (4, column, value)
    assert (snapshot(), AggregateImport.objects.count()) == before


def test_file_level_errors(tmp_path):
    with pytest.raises(AggregateFileError, match="rad 1: kolumn saknas: denominator"):
        import_indicators(
            write(tmp_path, "mdk_andel,05,2023,1,,s\n", header="indicator,region,period,"
                  "numerator,value,source\n")
        )  # fmt: skip
    with pytest.raises(AggregateFileError, match="filen är tom"):
        import_indicators(write(tmp_path, "", header=""))
    with pytest.raises(AggregateFileError, match="rad 2, kolumn -: '' – 3 fält, väntade 8"):
        import_indicators(write(tmp_path, "mdk_andel,05,2023\n"))
    with pytest.raises(AggregateFileError, match="finns redan på rad 2"):
        import_indicators(write(tmp_path, "mdk_andel,05,2023,1,2,,s,\nmdk_andel,05,2023,,,5,s,\n"))
    assert AggregateValue.objects.count() == 0


def test_several_errors_are_all_reported(tmp_path):
    path = write(tmp_path, "x,05,2023,1,2,,s,\nmdk_andel,05,20231,,,,s,\n")
    with pytest.raises(AggregateFileError) as caught:
        import_indicators(path)
    lines = sorted((e.line, e.column) for e in caught.value.errors)
    assert lines == [(2, "indicator"), (3, "period"), (3, "value")]


def test_valid_file_semicolon_decimal_comma_and_windows_1252(tmp_path):
    text = (
        "indicator;region;period;numerator;denominator;value;source;note\n"
        "npe_delaktighet;05;2024;;;66,2;Enkät;Östergötland\n"
        "mdk_andel;sydost;2023H1;90;100;90,0;RCC;\n"
    )
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    batch = import_indicators(path, user="statistiker")
    assert (batch.rows, batch.replaced, batch.created_by) == (2, 0, "statistiker")
    npe = AggregateValue.objects.get(indicator="npe_delaktighet")
    assert (npe.value, npe.numerator, npe.note, npe.line) == (66.2, None, "Östergötland", 2)
    mdk = AggregateValue.objects.get(indicator="mdk_andel")
    assert (mdk.numerator, mdk.denominator, mdk.value) == (90, 100, 90.0)


def test_value_from_counts_has_full_precision(tmp_path):
    import_indicators(write(tmp_path, "mdk_andel,05,2023,2,3,66.7,s,\n"))
    assert AggregateValue.objects.get().value == pytest.approx(200 / 3, abs=1e-12)


def test_reimport_replaces_and_keeps_history(tmp_path):
    first = import_indicators(write(tmp_path, good_rows(), "first.csv"))
    second = import_indicators(
        write(tmp_path, f"mdk_andel,05,2023,95,100,,{SRC},rättad\nmdk_andel,05,2023,1,2,,annan,\n")
    )
    assert second.replaced == 1
    history = aggregates.history("mdk_andel", "05", "2023")
    assert [(v.value, v.current, v.source) for v in history] == [
        (90.0, False, SRC),
        (95.0, True, SRC),
        (50.0, True, "annan"),
    ]
    assert history[0].batch == first and history[0].replaced_by == second
    assert history[1].note == "rättad"
    # Untouched rows of the first file stay current.
    assert AggregateValue.objects.filter(current=True, batch=first).count() == 2
    # Where two sources are current for one cell, the cube takes the latest import.
    cells = aggregate_cells().to_pylist()
    [cell] = [c for c in cells if (c["indicator"], c["region"]) == ("mdk_andel", "05")]
    assert (cell["numerator"], cell["denominator"], cell["value"]) == (1, 2, 50.0)


def test_cells_schema_matches_the_sql_cells_relation(tmp_path):
    import_indicators(write(tmp_path, good_rows()))
    table = aggregate_cells()
    assert table.schema == pa.schema(
        [
            ("indicator", pa.string()), ("region_basis", pa.string()), ("region", pa.string()),
            ("region_level", pa.string()), ("pathway", pa.string()), ("treatment", pa.string()),
            ("period", pa.string()), ("period_type", pa.string()), ("numerator", pa.int64()),
            ("denominator", pa.int64()), ("value", pa.float64()),
        ]
    )  # fmt: skip
    npe = next(r for r in table.to_pylist() if r["indicator"] == "npe_delaktighet")
    assert npe == {
        "indicator": "npe_delaktighet", "region_basis": None, "region": "08",
        "region_level": "county", "pathway": "alla", "treatment": "alla", "period": "2024",
        "period_type": "year", "numerator": None, "denominator": None, "value": 59.8,
    }  # fmt: skip


def test_parents_are_computed_from_counts(tmp_path):
    rows = (
        "pal_brytpunktssamtal,05,2024H1,80,100,,s,\n"
        "pal_brytpunktssamtal,06,2024H1,40,50,,s,\n"
        "pal_brytpunktssamtal,08,2024H1,10,50,,s,\n"
    )
    import_indicators(write(tmp_path, rows))
    cells = {(c["region"], c["period"]): c for c in aggregate_cells().to_pylist()}
    sydost = cells[("sydost", "2024H1")]
    assert sydost["region_level"] == "healthcare_region"
    assert sydost["period_type"] == "half"
    assert (sydost["numerator"], sydost["denominator"]) == (130, 200)
    assert sydost["value"] == pytest.approx(65.0)
    # SE needs every healthcare region.
    assert ("SE", "2024H1") not in cells
    assert len(cells) == 4


def test_nation_from_healthcare_regions_and_imported_parent_wins(
    tmp_path, django_assert_max_num_queries
):
    from lofte.catalog import load

    catalog = load()
    lines = []
    for hr in catalog.healthcare_regions():
        if hr.code == "sydost":
            lines.append("mdk_andel,sydost,2023,1,4,,s,\n")  # imported parent with counts
            lines += [f"mdk_andel,{c},2023,1,1,,s,\n" for c in catalog.children("sydost")]
        else:
            lines += [f"mdk_andel,{c},2023,1,2,,s,\n" for c in catalog.children(hr.code)]
    import_indicators(write(tmp_path, "".join(lines)))
    with django_assert_max_num_queries(2):
        cells = {c["region"]: c for c in aggregate_cells(catalog).to_pylist()}
    assert (cells["sydost"]["numerator"], cells["sydost"]["denominator"]) == (1, 4)
    others = [c for c in catalog.counties() if c.parent != "sydost"]
    assert cells["SE"]["numerator"] == len(others) + 1
    assert cells["SE"]["denominator"] == 2 * len(others) + 4
    assert cells["SE"]["region_level"] == "nation"


def test_value_only_rows_are_not_aggregated(tmp_path):
    rows = (
        "mdk_andel,05,2023,80,100,,s,\n"
        "mdk_andel,06,2023,,,95,s,\n"
        "mdk_andel,08,2023,44,50,,s,\n"
        "npe_delaktighet,05,2024,,,66.2,s,\n"
        "npe_delaktighet,06,2024,,,58.6,s,\n"
        "npe_delaktighet,08,2024,,,59.8,s,\n"
        "studier_oppna,05,2024,,,12,s,\n"
        "studier_oppna,06,2024,,,7,s,\n"
        "studier_oppna,08,2024,,,9,s,\n"
    )
    import_indicators(write(tmp_path, rows))
    regions = {(c["indicator"], c["region"]) for c in aggregate_cells().to_pylist()}
    assert not {r for _, r in regions} & {"sydost", "SE"}
    assert len(regions) == 9


def test_missing_child_blocks_the_parent(tmp_path):
    import_indicators(
        write(tmp_path, "mdk_andel,05,2023,80,100,,s,\nmdk_andel,06,2023,45,50,,s,\n")
    )
    assert {c["region"] for c in aggregate_cells().to_pylist()} == {"05", "06"}


def test_the_seed_example_file_imports(tmp_path):
    path = aggregates.example_path()
    batch = import_indicators(path)
    assert batch.file_name == "example_aggregates.csv"
    values = {
        (v.indicator, v.region, v.period): v for v in AggregateValue.objects.filter(current=True)
    }
    assert batch.rows == len(values) == 20
    expected = {
        ("screening_cervix_tackning", "05", "2023"): 75,
        ("screening_cervix_tackning", "06", "2023"): 83,
        ("screening_cervix_tackning", "08", "2023"): 82,
        ("mdk_andel", "sydost", "2023"): 90,
        ("mdk_andel", "06", "2023"): 95,
        ("mdk_andel", "08", "2023"): 88,
        ("npe_delaktighet", "05", "2024"): 66.2,
        ("npe_delaktighet", "06", "2024"): 58.6,
        ("npe_delaktighet", "08", "2024"): 59.8,
        ("npe_delaktighet", "sydost", "2024"): 62,
        ("npe_delaktighet", "SE", "2024"): 60.4,
        ("hpv_catch_up", "08", "2025-03"): 73.5,
        ("hpv_catch_up", "06", "2025-03"): 58.7,
        ("hpv_catch_up", "05", "2025-03"): 52,
        ("cancerregister_tackning", "sydost", "2024"): 96,
        ("pal_brytpunktssamtal", "05", "2023"): 80.9,
        ("pal_brytpunktssamtal", "05", "2024"): 82.7,
        ("pal_brytpunktssamtal", "06", "2023"): 75.6,
        ("pal_brytpunktssamtal", "06", "2024"): 81.3,
    }
    for key, value in expected.items():
        assert values[key].value == value, key
    # Sources in words a reader understands; the inpatient-only palliative figures say so.
    assert all(v.source and "seed" not in v.source for v in values.values())
    assert {v.definition for v in values.values() if v.indicator == "pal_brytpunktssamtal"} == {
        "Endast slutenvården"
    }
    # Value-only figures: no computed parents, one cell per row.
    assert aggregate_cells().num_rows == 20
    # Importing it again replaces every value and keeps the first as history.
    again = import_indicators(path)
    assert again.replaced == 20
    assert AggregateValue.objects.count() == 40


HEADER_DEF = "indicator,region,period,numerator,denominator,value,source,definition,note\n"


def test_definition_column_is_optional_and_part_of_the_series(tmp_path):
    rows = (
        "pal_brytpunktssamtal,05,2024,80,100,,Palliativregistret,Endast slutenvården,\n"
        "pal_brytpunktssamtal,05,2024,70,100,,Palliativregistret,,\n"
    )
    import_indicators(write(tmp_path, rows, header=HEADER_DEF))
    stored = {v.definition: v.value for v in AggregateValue.objects.filter(current=True)}
    assert stored == {"Endast slutenvården": 80.0, "": 70.0}
    # An old file without the column imports as before: the catalogue's definition.
    import_indicators(write(tmp_path, "mdk_andel,05,2023,9,10,,s,\n", name="old.csv"))
    assert AggregateValue.objects.get(indicator="mdk_andel").definition == ""
    series = aggregates.series_of()
    assert series[("mdk_andel", "05", "2023")] == aggregates.Series("s", "")


@pytest.mark.parametrize(
    ("definition", "reason"),
    [("x" * 301, "för lång text"), ("rad\u0007två", "styrtecken")],
)
def test_bad_definition_is_located(tmp_path, definition, reason):
    body = f'mdk_andel,05,2023,9,10,,s,"{definition}",\n'
    with pytest.raises(AggregateFileError) as caught:
        import_indicators(write(tmp_path, body, header=HEADER_DEF))
    assert "agg.csv, rad 2, kolumn definition" in str(caught.value)
    assert reason in str(caught.value)
    assert not AggregateValue.objects.exists()


def test_parents_never_mix_series(tmp_path):
    rows = (
        "pal_brytpunktssamtal,05,2024,80,100,,A,,\n"
        "pal_brytpunktssamtal,06,2024,40,50,,A,,\n"
        "pal_brytpunktssamtal,08,2024,10,50,,B,,\n"
        "pal_smartskattning,05,2024,80,100,,A,slutenvård,\n"
        "pal_smartskattning,06,2024,40,50,,A,slutenvård,\n"
        "pal_smartskattning,08,2024,10,50,,A,,\n"
    )
    import_indicators(write(tmp_path, rows, header=HEADER_DEF))
    assert "sydost" not in {c["region"] for c in aggregate_cells().to_pylist()}


def test_non_additive_indicator_is_never_summed(tmp_path, lofte_home):
    """A share declared non-additive in the catalogue is not rolled up even with counts, and
    the shipped catalogue says open studies are not additive (one study, several regions)."""
    import yaml

    from lofte.catalog import load

    assert load().indicator("studier_oppna").additive is False
    path = aggregates.example_path().parent / "indicators.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for ind in doc["indicators"]:
        if ind["code"] == "studier_andel_inkluderade":
            ind["additive"] = False
    (lofte_home / "catalog").mkdir(exist_ok=True)
    (lofte_home / "catalog" / "indicators.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8"
    )
    load.cache_clear()
    rows = (
        "studier_andel_inkluderade,05,2024,8,100,,s,\n"
        "studier_andel_inkluderade,06,2024,4,50,,s,\n"
        "studier_andel_inkluderade,08,2024,1,50,,s,\n"
    )
    import_indicators(write(tmp_path, rows))
    try:
        assert {c["region"] for c in aggregate_cells().to_pylist()} == {"05", "06", "08"}
    finally:
        load.cache_clear()
