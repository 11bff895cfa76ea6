"""The results report (SPEC §9) on a hand-made cube whose every figure is known.

What must hold: every figure equals the cube; no page or sheet shows a suppressed cell; a
sentence about change appears only for a significant change; errors are clear and write nothing;
the files land where the report store says.
"""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lofte import django_setup
from lofte.catalog import load
from lofte.cli import app
from lofte.core.stats import two_proportion_test
from lofte.cube.service import cube_path
from lofte.reports import charts, html, present, store, texts, xlsx
from lofte.reports.model import ReportError, build, classify
from lofte.reports.narrative import render
from lofte.reports.service import write_report

from . import cube_fixture as cf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


@pytest.fixture
def report():
    return build(cf.HR, cf.PERIOD, cf.table(), load())


def cube_rows():
    return {(r["indicator"], r["region"], r["pathway"], r["period"]): r for r in cf.rows()}


def section(report, code):
    return next(s for s in report.sections() if s.code == code)


def test_every_figure_of_the_model_equals_the_cube(report):
    cube = cube_rows()
    checked = 0
    for s in report.sections():
        for cell in [*s.cells, *s.trend]:
            source = cube.get((s.code, cell.region, "alla", cell.period))
            if source is None:
                assert cell.status == "missing" and cell.value is None
                continue
            if source["suppressed"]:
                assert (cell.value, cell.numerator, cell.denominator) == (None, None, None)
                assert cell.status == "suppressed"
            else:
                assert cell.value == source["value"]
                assert cell.numerator == source["numerator"]
                # a median's n is never published (SPEC §7); every other n is the cube's
                published = load().indicators[s.code].publishes_n
                assert cell.denominator == (source["denominator"] if published else None)
                checked += 1
    assert checked > 40
    rows = {r.pathway: r for p in report.promises for r in p.pathway_table}
    brost = cube[("svf_andel_inom_ledtid", cf.HR, "brost", cf.PERIOD)]
    assert rows["brost"].share == brost["value"]
    # the n beside the share is the share's own, not the median's (which is not published)
    assert rows["brost"].n == brost["denominator"]
    assert rows["prostata"].has_lead_time is False and rows["prostata"].median == 71.0
    bottleneck = {b.region: b.steps for p in report.promises for b in p.bottleneck}
    assert bottleneck[cf.HR] == [5.0, 9.0, 13.0]
    assert bottleneck["08"] == [None, None, None]  # suppressed: 3 cases


def test_presented_tables_print_the_cube_values(report):
    cube = cube_rows()
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        block = next(
            i
            for pr in p["promises"]
            for i in pr["indicators"]
            if i["code"] == "svf_andel_inom_ledtid"
        )
        by_region = {r[0]: r for r in block["table"]["rows"]}
        for code in cf.REGIONS:
            name = texts.region_names(report.regions, lang)[code]
            source = cube[("svf_andel_inom_ledtid", code, "alla", cf.PERIOD)]
            # a hidden cell prints one dash, whichever rule hid it (ADR 0721)
            expected = (
                "–" if source["suppressed"] else texts.number(source["value"], "percent", lang)
            )
            assert by_region[name][1] == expected


def test_presented_descriptions_follow_the_language(report):
    cat = load()
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        blocks = [i for pr in p["promises"] for i in pr["indicators"]]
        assert blocks
        names = {c: i.name_sv if lang == "sv" else i.name_en for c, i in cat.indicators.items()}
        for block in blocks:
            # catalogue text as a reader sees it: indicator codes become the indicators' names
            described = cat.indicator(block["code"]).description(lang)
            assert block["description"] == texts.reader_text(described, names)
            assert not any(code in block["description"] for code in cat.indicators)
        rows = p["definitions"]["rows"]
        assert [r[3] for r in rows] == [
            texts.reader_text(cat.indicator(s.code).description(lang), names)
            for s in report.sections()
        ]
    ledtid = section(report, "svf_andel_inom_ledtid")
    assert ledtid.description_en.startswith("Share of the SVF pathways")
    english = present.present(report, "en", {})
    assert ledtid.description_sv not in str(english)


def test_aggregate_indicator_uses_latest_year_and_a_borrowed_reference(report):
    s = section(report, "kontaktsjukskoterska_andel")
    assert s.period == "2024" and (s.target, s.target_high) == (95.0, 99.0)
    # The breast-cancer register's 95/99 % is only a reference for all diagnoses: no traffic
    # light, no gap, no sentence about meeting it (issue 14, item 2).
    assert s.target_kind == "reference"
    assert {c.status for c in s.cells} == {"reference"}
    assert not [g for g in report.gaps if g.indicator == "kontaktsjukskoterska_andel"]
    keys = {n.key for n in s.narrative}
    assert "n_reference" in keys
    assert not {k for k in keys if k.startswith("n_target_")} and "n_counties_meeting" not in keys
    shown = present.present(report, "sv", {})
    row = next(r for r in shown["summary"]["rows"] if r["name"] == s.name_sv)
    assert row["target"].startswith("Referens ")
    assert {c["status_text"] for c in row["cells"]} == {"Referens, ingen bedömning"}
    assert all(g.actions == [] for g in report.gaps)  # no action plans in this database


@pytest.mark.parametrize(
    ("value", "suppressed", "low", "high", "direction", "expected"),
    [
        (80.0, False, 80.0, None, "higher_better", "met"),
        (79.9, False, 80.0, None, "higher_better", "not_met"),
        (92.0, False, 90.0, 99.0, "higher_better", "partial"),
        (99.0, False, 90.0, 99.0, "higher_better", "met"),
        (20.0, False, 28.0, None, "lower_better", "met"),
        (30.0, False, 28.0, None, "lower_better", "not_met"),
        (50.0, False, None, None, "higher_better", "no_target"),
        (None, True, 80.0, None, "higher_better", "suppressed"),
        (None, False, 80.0, None, "higher_better", "missing"),
    ],
)
def test_traffic_light(value, suppressed, low, high, direction, expected):
    assert classify(value, suppressed, low, high, direction) == expected


@pytest.mark.parametrize(
    ("value", "kind", "unit", "expected"),
    [
        (99.5, "reference", "percent", "reference"),  # a borrowed level: no verdict
        (50.0, "reference", "percent", "reference"),
        (99.5, "register_level", "percent", "met"),
        (80.0, "decided_regional", "percent", "met"),
        (108.0, "decided_national", "percent", "data_quality"),  # inclusion above 100 %
        (108.0, None, "percent", "data_quality"),
        (108.0, "decided_national", "days", "met"),
    ],
)
def test_verdict_rests_only_on_decided_targets(value, kind, unit, expected):
    assert classify(value, False, 70.0, None, "higher_better", kind, unit) == expected


def test_change_sentence_only_for_significant_change(report):
    s = section(report, "svf_andel_inom_ledtid")
    changes = {c.region: c for c in s.changes}
    # recompute the tests from the cube's counts
    (x1, n1), (x0, n0) = cf.SHARES["05"][cf.PERIOD], cf.SHARES["05"][cf.PREVIOUS]
    assert changes["05"].p_value == pytest.approx(two_proportion_test(x1, n1, x0, n0))
    assert changes["05"].significant and changes["05"].better
    assert not changes["06"].significant and changes["06"].p_value is not None
    assert changes["08"].p_value is None  # suppressed now: not testable
    about_change = [n for n in s.narrative if n.key.startswith("n_change_")]
    # Östergötland and the healthcare region (37.9 % → 59.3 %) changed significantly; Jönköping
    # did not, Kalmar is suppressed, and the nation is the yardstick, not a subject
    assert [n.params["region"]["code"] for n in about_change] == ["05", cf.HR]
    sv = render(about_change[0], report.regions, "sv")
    assert sv.startswith("För Region Östergötland ses en positiv utveckling")
    assert "från 30,0\u00a0% till 60,0\u00a0%" in sv
    # no change sentence ever without p < 0.05 behind it, in any section
    for sec in report.sections():
        significant = {c.region for c in sec.changes if c.p_value is not None and c.p_value < 0.05}
        for n in sec.narrative:
            if n.key.startswith("n_change_"):
                assert n.params["region"]["code"] in significant
    # value-only aggregates cannot be tested: no change sentence although the values changed
    agg = section(report, "kontaktsjukskoterska_andel")
    assert all(c.p_value is None for c in agg.changes)
    assert not [n for n in agg.narrative if n.key.startswith("n_change_")]


def leak_free(text: str) -> None:
    for leak in cf.LEAK_TEXTS:
        assert leak not in text


def test_no_rendering_shows_a_suppressed_cell(report):
    for lang in ("sv", "en"):
        specs = charts.all_charts(report, lang)
        p = present.present(report, lang, specs)
        leak_free(json.dumps(p, ensure_ascii=False))  # the PDF is compiled from this and the SVGs
        leak_free(json.dumps(specs))
        leak_free(html.render(p, specs).replace(html.vega_bundle(), ""))
        book = load_workbook(io.BytesIO(xlsx.render(p)))
        for ws in book.worksheets:
            for values in ws.iter_rows(values_only=True):
                leak_free(" ".join(str(v) for v in values if v is not None))
    leak_free(json.dumps(report.to_json()))


def test_write_report_into_the_store_and_out_dir(tmp_path):
    cf.write(cube_path())
    written = write_report(cf.HR, cf.PERIOD)
    assert written.directory == store.report_dir(cf.HR, cf.PERIOD)
    names = {p.name for p in written.files}
    assert names == {
        store.file_name(lang, fmt) for lang in store.LANGUAGES for fmt in store.FORMATS
    } | {store.MODEL_FILE}
    model = written.directory / store.MODEL_FILE
    assert all(p.stat().st_mtime_ns <= model.stat().st_mtime_ns for p in written.files)
    entries = store.list_reports()
    assert [(e.healthcare_region, e.period) for e in entries] == [(cf.HR, cf.PERIOD)]
    assert entries[0].path("sv", "pdf").read_bytes().startswith(b"%PDF")
    page = entries[0].path("sv", "html").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in page or "vegaEmbed" in page
    assert "<script src=" not in page and "https://cdn" not in page  # works offline
    assert "Löften till patienter med cancer" in page
    assert "Ingen åtgärd registrerad" in page
    assert "No action registered" in entries[0].path("en", "html").read_text(encoding="utf-8")
    book = load_workbook(entries[0].path("sv", "xlsx"))
    assert "Sammanfattning" in book.sheetnames and len(book.sheetnames) >= 6

    out = tmp_path / "ut"
    result = CliRunner().invoke(
        app, ["report", "--healthcare-region", cf.HR, "--period", cf.PERIOD, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--healthcare-region", "narnia", "--period", "2025H1"], "okänd sjukvårdsregion"),
        (["--healthcare-region", "05", "--period", "2025H1"], "okänd sjukvårdsregion"),
        (["--healthcare-region", "sydost", "--period", "2025Q1"], "inget halvår"),
        (["--healthcare-region", "sydost", "--period", "våren"], "ogiltig period"),
        (["--healthcare-region", "sydost", "--period", "2019H1"], "inga SVF-uppgifter"),
    ],
)
def test_report_errors_are_clear_and_write_nothing(tmp_path, args, message):
    cf.write(cube_path())
    out = tmp_path / "ut"
    result = CliRunner().invoke(app, ["report", *args, "--out", str(out)])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert not out.exists()


def test_report_before_compute_says_what_to_do(tmp_path):
    result = CliRunner().invoke(
        app, ["report", "--healthcare-region", "sydost", "--period", "2025H1"]
    )
    assert result.exit_code == 1 and "lofte compute" in " ".join(result.output.split())
    assert not store.list_reports()


def test_build_rejects_bad_arguments():
    with pytest.raises(ReportError):
        build("sydost", "2025", cf.table())


def test_file_names_follow_spec_section_9():
    # SPEC §9: `--out DIR` writes report.html, report.pdf and report.xlsx; English beside them.
    assert [store.file_name("sv", f) for f in store.FORMATS] == [
        "report.html",
        "report.pdf",
        "report.xlsx",
    ]
    assert store.file_name("en", "pdf") == "report.en.pdf"


def test_report_refuses_a_cube_whose_small_cell_can_be_worked_out(tmp_path):
    # Without its complement, Kalmar's 3 is Sydöst minus Östergötland and Jönköping.
    import pyarrow.parquet as pq

    path = cube_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(cf.table(), path)
    out = tmp_path / "ut"
    result = CliRunner().invoke(
        app, ["report", "--healthcare-region", cf.HR, "--period", cf.PERIOD, "--out", str(out)]
    )
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "röjandekontrollen" in text and "08, bostad alla/alla 2025H1" in text
    assert not out.exists()
    assert not store.list_reports()
