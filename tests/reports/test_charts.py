"""Issue 14 in the report's charts, on the real model and the PDF's SVG: a share above 100 % is
a marked finding (no bar, no point on the line, never cut silently), and a change of source or
definition is marked on the trend with no line across it, in both languages."""

from __future__ import annotations

import re

import pytest

from lofte import django_setup
from lofte.catalog import load
from lofte.reports import charts, svg, texts
from lofte.reports.model import build

from . import cube_fixture as cf
from .test_series_and_standing import _cube_rows, _import, _section, _table

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def _named(spec, name):
    return next((x for x in spec["layer"] if x.get("name") == name), None)


@pytest.mark.parametrize(("lang", "words"), [("sv", "Ny serie"), ("en", "New series")])
def test_a_new_series_is_marked_on_the_trend_and_never_joined(tmp_path, lang, words):
    _import(tmp_path)  # Östergötland: 2022–2023 the seed's inpatient figure, 2024 another source
    report = build(cf.HR, cf.PERIOD, _table(_cube_rows([])), load())
    spec = charts.trend(_section(report, "pal_brytpunktssamtal"), report, lang)
    assert spec is not None
    marks = _named(spec, "series_breaks")
    assert marks is not None and [r["period"] for r in marks["data"]["values"]] == ["2024"]
    assert marks["encoding"]["color"]["scale"]["domain"] == [words]
    drawn = svg.trend(spec)
    # a dashed vertical rule at 2024, from the top of the plot to its axis, and its key entry
    x_2024 = re.search(r'<text x="([\d.]+)" [^>]*>2024</text>', drawn)
    assert x_2024
    rule = re.findall(
        rf'<line x1="{x_2024.group(1)}" y1="[\d.]+" x2="{x_2024.group(1)}" y2="[\d.]+" '
        r'stroke="#595959" stroke-width="1.5" stroke-dasharray="4,3"/>',
        drawn,
    )
    assert len(rule) == 1 and f">{words}</text>" in drawn
    # Östergötland's line stops at 2023: 2022–2023 joined, 2024 a point of its own
    ostergotland = charts.COUNTY_COLOURS[0]
    runs = re.findall(rf'<polyline points="([^"]+)" fill="none" stroke="{ostergotland}"', drawn)
    xs = [{point.split(",")[0] for point in run.split()} for run in runs]
    assert all(x_2024.group(1) not in run for run in xs) and len(runs) == 1


def _over_100_report():
    extra = [
        cf.row("svf_inklusion", "06", cf.PERIOD, numerator=130, denominator=100, value=130.0),
        cf.share_row("svf_inklusion", "06", cf.PREVIOUS, 60, 100, 70.0),
        cf.share_row("svf_inklusion", "05", cf.PERIOD, 60, 100, 70.0),
        cf.share_row("svf_inklusion", "05", cf.PREVIOUS, 80, 100, 70.0),
    ]
    return build(cf.HR, cf.PERIOD, _table(cf.rows() + extra), load())


@pytest.mark.parametrize(
    ("lang", "words", "value"),
    [
        ("sv", "Datakvalitet, se text", "130,0\u00a0%"),
        ("en", "Data quality, see text", "130.0\u00a0%"),
    ],
)
def test_a_share_above_100_has_no_bar_but_its_words_and_value(lang, words, value):
    report = _over_100_report()
    section = _section(report, "svf_inklusion")
    spec = charts.comparison(section, report, lang)
    assert spec is not None
    bar = spec["layer"][0]
    assert bar["encoding"]["x"]["scale"]["domain"] == [0, 100]  # not stretched, not cut
    jonkoping = report.regions["06"] if lang == "sv" else None
    rows = [r for r in spec["data"]["values"] if r["over_100"]]
    assert len(rows) == 1 and rows[0]["quality"] == words
    if jonkoping:
        assert rows[0]["region"] == jonkoping
    # a region without a figure keeps its row with the table's word or mark, and no bar
    empty = [r for r in spec["data"]["values"] if r["value"] is None]
    assert empty and all(r["label"] == texts.t("status_missing", lang) for r in empty)
    drawn = svg.comparison(spec)
    assert all(f">{r['region']}</text>" in drawn for r in empty)
    # the row has its words (on white, over every line) and its value, but no bar
    assert f">{words}</text>" in drawn and f">{value}<" in drawn
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    row = order.index(rows[0]["region"])
    bars_y = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" '
                                          r'height="18.2" fill="#', drawn)]  # fmt: skip
    row_top = 24.0 + row * 26
    assert not [y for y in bars_y if row_top <= y < row_top + 26]
    assert len(bars_y) == len(spec["data"]["values"]) - 1 - len(
        empty
    )  # every other drawn row has its bar


def test_a_share_above_100_is_a_gap_in_the_trend_marked_at_the_top():
    report = _over_100_report()
    spec = charts.trend(_section(report, "svf_inklusion"), report, "sv")
    assert spec is not None
    line = spec["layer"][0]
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert line["transform"][0]["as"] == line["encoding"]["y"]["field"]
    quality = _named(spec, "data_quality")
    assert quality is not None
    assert [(r["region"], r["period"]) for r in quality["data"]["values"]] == [
        (report.regions["06"], quality["data"]["values"][0]["period"])
    ]
    drawn = svg.trend(spec)
    assert drawn.count("<polygon ") == 2  # the mark at the top of the axis and its key entry
    assert ">Datakvalitet, se text</text>" in drawn
    jonkoping = charts.COUNTY_COLOURS[1]
    assert '<polyline points="' not in drawn.split(f'stroke="{jonkoping}"')[0][-200:]


def test_a_hidden_figure_keeps_its_row_with_the_tables_dash():
    report = build(cf.HR, cf.PERIOD, _table(cf.rows()), load())
    seen = 0
    for section in report.sections():
        spec = charts.comparison(section, report, "sv")
        if spec is None:
            continue
        cells = {report.regions.get(c.region, c.region): c for c in section.cells}
        for row in spec["data"]["values"]:
            cell = cells[row["region"]]
            if cell.suppressed:  # no number, only the table's dash (no rule named, ADR 0721)
                assert row["value"] is None and row["label"] == "–"
                seen += 1
    assert seen  # the fixture hides Kalmar's report half
