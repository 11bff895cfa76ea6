"""The shared chart-spec module (lofte.charts.spec): one rule for shares above 100 % and for
series breaks, in the report's print look and the site's look alike."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lofte.charts import spec
from lofte.charts.spec import Reference

PERIODS = ["2021", "2022", "2023", "2024", "2025"]
REDS = ("#d55e00", "#b3261e", "#c0392b", "#c62828", "#ff0000", '"red"')


def _bars(look: spec.Look, values: list[float | None]) -> dict[str, Any]:
    rows = [
        {"region": f"R{i}", "short": f"R{i}", "value": v, "label": f"{v} %", "level": "county"}
        for i, v in enumerate(values)
    ]
    colour = {
        "field": "level",
        "type": "nominal",
        "scale": {"domain": ["county"], "range": ["#7FB8DA"]},
    }
    bars = spec.Bars(
        rows, "region", [r["region"] for r in rows], colour, "%", "percent", [],
        "{label} över 100 %" if look == "site" else "Datakvalitet, se text",
    )  # fmt: skip
    refs = [Reference(80.0, "Riket 80 %", "national")]
    frame = {"width": 280, "height": 100, "title": "t"}
    return spec.comparison(bars, refs, look, frame, top=100.0)


@pytest.mark.parametrize("look", ["print", "site"])
def test_a_share_above_100_has_no_bar_and_says_why_in_its_row(look):
    chart = _bars(look, [55.0, 104.2, None])
    layers = chart["layer"]
    bar = next(x for x in layers if x["mark"]["type"] == "bar")
    # the axis stays a share's: 0–100 %, not stretched to the finding
    assert bar["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert bar["transform"] == [{"filter": "!datum.over_100"}]
    rows = {r["region"]: r for r in chart["data"]["values"]}
    assert rows["R1"]["over_100"] and not rows["R0"]["over_100"]
    quality = next(x for x in layers if x.get("name") == "data_quality")
    assert quality["transform"] == [{"filter": "datum.over_100"}]
    assert quality["encoding"]["text"] == {"field": "quality"}
    expected = "104.2 % över 100 %" if look == "site" else "Datakvalitet, se text"
    assert rows["R1"]["quality"] == expected and rows["R0"]["quality"] == ""
    # the words are drawn after every line: no line runs over them
    assert layers.index(quality) == len(layers) - 1


@pytest.mark.parametrize("look", ["print", "site"])
def test_without_a_finding_nothing_is_added(look):
    chart = _bars(look, [55.0, 99.9])
    assert not any(x.get("name") == "data_quality" for x in chart["layer"])
    assert all("over_100" not in r for r in chart["data"]["values"])
    assert all("transform" not in x for x in chart["layer"])


def _lines(look: spec.Look, rows: list[tuple[str, str, float | None, int]]) -> dict[str, Any]:
    points = [
        {"region": r, "period": p, "value": v, "segment": f"{r}#{s}", "label": "", "thick": False}
        for r, p, v, s in rows
    ]
    lines = spec.Lines(
        points, "region", "period", PERIODS, {"field": "region", "type": "nominal"}, "%",
        "percent", [], {}, "Ny serie", "Datakvalitet, se text",
    )  # fmt: skip
    refs = [Reference(90.0, "Målnivå 90 %", "target")]
    return spec.trend(lines, refs, look, {"width": 280, "height": 180})


@pytest.mark.parametrize("look", ["print", "site"])
def test_a_new_series_is_marked_where_it_starts_and_never_joined(look):
    chart = _lines(
        look,
        [
            ("A", "2022", 82.7, 0),
            ("A", "2023", 80.9, 0),
            ("A", "2024", 70.5, 1),  # another source: a new series
            ("B", "2022", 60.0, 0),
            ("B", "2023", None, 0),  # a gap is not a break
            ("B", "2024", 61.0, 0),
        ],
    )
    line = chart["layer"][0]
    assert line["encoding"]["detail"] == {"field": "segment", "type": "nominal"}
    marks = next(x for x in chart["layer"] if x.get("name") == "series_breaks")
    assert [r["period"] for r in marks["data"]["values"]] == ["2024"]
    assert marks["mark"]["type"] == "rule" and marks["mark"]["strokeDash"]
    assert marks["encoding"]["color"]["scale"]["domain"] == ["Ny serie"]  # one key entry


@pytest.mark.parametrize("look", ["print", "site"])
def test_a_share_above_100_in_a_trend_is_a_gap_marked_at_the_top(look):
    chart = _lines(look, [("A", "2022", 80.0, 0), ("A", "2023", 130.0, 0), ("A", "2024", 82.0, 0)])
    line = chart["layer"][0]
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert line["encoding"]["y"]["field"] == "share"
    assert line["transform"] == [
        {"calculate": "datum.value > 100 ? null : datum.value", "as": "share"}
    ]
    quality = next(x for x in chart["layer"] if x.get("name") == "data_quality")
    assert [(r["period"], r["top"]) for r in quality["data"]["values"]] == [("2023", 100)]
    assert quality["mark"]["shape"] == "triangle-up" and quality["mark"]["filled"] is False


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(PERIODS),
            st.one_of(st.none(), st.floats(0, 100)),
            st.integers(0, 2),
        ),
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_series_breaks_are_exactly_the_periods_where_a_region_changes_series(rows):
    points = [{"r": r, "p": p, "value": v, "segment": s} for r, p, v, s in rows]
    found = spec.series_breaks(points, "r", "p", PERIODS)
    expected = set()
    for region in {r for r, *_ in rows}:
        shown = sorted(
            ((PERIODS.index(p), s, p) for r, p, v, s in rows if r == region and v is not None)
        )
        expected |= {b[2] for a, b in itertools.pairwise(shown) if a[1] != b[1]}
    assert found == [p for p in PERIODS if p in expected]


def test_no_region_is_drawn_red_in_any_palette():
    for palette in (spec.COUNTY_COLOURS, spec.SERIES, (spec.AREA, spec.BAR_LIGHT, spec.NATION)):
        assert not set(c.lower() for c in palette) & set(REDS)
    for look in ("print", "site"):
        text = json.dumps([_bars(look, [50.0, 120.0]), _lines(look, [("A", "2022", 1.0, 0)])])
        assert not any(red in text.lower() for red in REDS)
