"""The report on engine output: the quick demo world for Sydöst, through the CLI, end to end.

Every figure of the model is checked against the stored cube cell it came from, every
suppressed cell must print as "–" in the HTML and the workbook, and a sentence about change
must have a significant two-proportion test behind it, recomputed here from the cube's counts.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from lofte import django_setup
from lofte.catalog import load
from lofte.cli import app
from lofte.core.stats import two_proportion_test
from lofte.cube.aggregates import example_path
from lofte.cube.service import cube_path
from lofte.demo import aggregates as demo_aggregates
from lofte.demo import generate
from lofte.reports import store
from lofte.reports.model import BASIS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("lofte_home")]

SYDOST = {"05", "06", "08"}


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def book_names(entry):
    return load_workbook(entry.path("sv", "xlsx")).sheetnames


def test_sydost_report_from_the_engine(lofte_home, tmp_path):
    runner = CliRunner()
    manifest = generate(tmp_path / "demo", quick=True)
    for item in manifest.deliveries:
        if item.region not in SYDOST or not item.expected_valid:
            continue
        args = ["import", "svf", str(item.path), "--region", item.region]
        if item.window_from:
            args += ["--from", item.window_from.isoformat(), "--to", item.window_to.isoformat()]
        assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["import", "register", str(manifest.register_path)]).exit_code == 0
    assert runner.invoke(app, ["import", "indicators", str(example_path())]).exit_code == 0
    synthetic = demo_aggregates.write(tmp_path, manifest.period_to, manifest.seed)
    assert runner.invoke(app, ["import", "indicators", str(synthetic)]).exit_code == 0
    assert runner.invoke(app, ["compute"]).exit_code == 0
    # the demo's action plans, so that the gaps have actions in the plans' own (Swedish) words
    from lofte.web.plans.demo import import_demo_plans

    import_demo_plans(manifest.today)
    period = f"{manifest.period_to.year}H{1 if manifest.period_to.month <= 6 else 2}"
    result = runner.invoke(app, ["report", "--healthcare-region", "sydost", "--period", period])
    assert result.exit_code == 0, result.output

    entry = store.list_reports()[0]
    import json

    model = json.loads((entry.directory / store.MODEL_FILE).read_text(encoding="utf-8"))
    assert model["synthetic"] is True
    cube = {}
    for r in pq.read_table(cube_path()).to_pylist():
        if r["treatment"] == "alla" and r["region_basis"] in (BASIS, None):
            cube[(r["indicator"], r["region"], r["pathway"], r["period"])] = r
    checked = suppressed = 0
    for promise in model["promises"]:
        for s in promise["indicators"]:
            for cell in s["cells"] + s["trend"]:
                source = cube.get((s["code"], cell["region"], "alla", cell["period"]))
                if source is None:
                    assert cell["value"] is None
                elif source["suppressed"]:
                    assert cell["value"] is cell["numerator"] is cell["denominator"] is None
                    suppressed += 1
                else:
                    assert cell["value"] == source["value"]
                    # a median's n is never published (SPEC §7)
                    published = load().indicators[s["code"]].publishes_n
                    assert cell["denominator"] == (source["denominator"] if published else None)
                    checked += 1
            for change in s["changes"]:
                about = [
                    n
                    for n in s["narrative"]
                    if n["key"].startswith("n_change_")
                    and n["params"]["region"]["code"] == change["region"]
                ]
                if not about:
                    continue
                now = cube[(s["code"], change["region"], "alla", change["period"])]
                then = cube[(s["code"], change["region"], "alla", change["previous_period"])]
                assert not now["suppressed"] and not then["suppressed"]
                p = two_proportion_test(
                    now["numerator"], now["denominator"], then["numerator"], then["denominator"]
                )
                assert p < 0.05
        for row in promise["pathway_table"]:
            source = cube.get(("svf_andel_inom_ledtid", "sydost", row["pathway"], period))
            if source is not None and source["suppressed"]:
                assert row["share"] is None
                suppressed += 1
            elif source is not None:
                assert row["share"] == source["value"]
    assert checked > 100 and suppressed > 0

    # The what-if table (issue 16): each shown row is the plain arithmetic on the instances,
    # shown only where the pathway's lead-time cell is public and no scenario singles out 1–4.
    from lofte.core import whatif as core
    from lofte.cube import whatif
    from lofte.cube.service import instances_path

    block = next(p["whatif"] for p in model["promises"] if p["whatif"])
    population = whatif.read(instances_path())
    shown_rows = {r["pathway"]: r for r in block["rows"]}
    for pathway in load().pathways:
        patients = whatif.select(
            population, pathway=pathway, region="sydost", period=period, basis=BASIS
        )
        if not patients:
            assert pathway not in shown_rows
            continue
        outcomes = core.compare_intervals(patients, 7)
        source = cube.get(("svf_andel_inom_ledtid", "sydost", pathway, period))
        public = source is not None and not source["suppressed"]
        if pathway in shown_rows:
            row = shown_rows[pathway]
            assert whatif.public_row(patients, public)
            assert row["share_before"] == source["value"] == outcomes[0].share_before
            assert row["shares_after"] == [o.share_after for o in outcomes]
        else:
            assert not whatif.public_row(patients, public)
    assert len(shown_rows) + block["hidden"] > 0
    page = entry.path("sv", "html").read_text(encoding="utf-8")
    if shown_rows:
        assert "inte en prognos" in page
    else:
        # every row hidden: no table, only the note saying why (the quick world's usual case)
        assert "Ingen rad kan visas för Sydöstra sjukvårdsregionen" in page
        assert 'class="whatif"' not in page

    # the workbook prints one dash where the model has a suppressed cell, whichever rule hid it
    # (ADR 0721: a per-cell rule would narrow small counts beside a shown total)
    book = load_workbook(entry.path("sv", "xlsx"))
    region_names = model["regions"]
    hr_sheet = "Vårdförlopp " + region_names["sydost"].removeprefix("Region ")
    sheet = next(n for n in book.sheetnames if hr_sheet.startswith(n))
    by_name = {r[0]: r for r in book[sheet].iter_rows(values_only=True) if r}
    marks = {"disclosure": "–"}
    for promise in model["promises"]:
        for row in promise["pathway_table"]:
            if row["share_suppressed"]:
                assert by_name[row["name_sv"]][2] == marks[row["share_hidden_by"]]
    titles = {ws["A1"].value: ws for ws in book.worksheets}
    for promise in model["promises"]:
        for s in promise["indicators"]:
            ws = titles.get(f"Löfte {promise['number']}: {s['name_sv']}")
            if ws is None:
                continue
            rows = ws.iter_rows(values_only=True)
            printed = {r[0]: r[1] for r in rows if r and r[0] in region_names.values()}
            for cell in s["cells"]:
                if cell["suppressed"]:
                    assert printed[region_names[cell["region"]]] == marks[cell["hidden_by"]]
    page = entry.path("sv", "html").read_text(encoding="utf-8")
    assert "SYNTETISKA DATA" in page
    # Annex 2 names the demo's source once as synthetic, not "Syntetiska demodata (syntetiska)"
    assert "Syntetiska demodata (Löfte demo)" in page
    assert "(Löfte demo) (syntetiska)" not in page
    english = entry.path("en", "html").read_text(encoding="utf-8")
    assert "Synthetic demo data (Löfte demo)" in english
    assert "(Löfte demo) (synthetic)" not in english
    assert "Ingen åtgärd registrerad" in page or not model["gaps"]
    readable_on_realistic_data(entry, model)


def readable_on_realistic_data(entry, model):
    """The word lists and the internal-identifier check on the demo's report (issue 14, item
    7): the English renderings quote the plans' actions in Swedish, marked, and say nothing
    else in Swedish; the Swedish PDF has no English words; no rendering has an identifier."""
    from lofte.reports.html import vega_bundle

    from . import language

    actions = [a for g in model["gaps"] for a in g["actions"]]
    assert actions  # the demo's plans cover some of its gaps
    quoted = [a["title"] for a in actions] + [a["owner"] for a in actions]
    english = {
        "pdf": language.joined(language.pdf_text(entry.path("en", "pdf").read_bytes())),
        "html": language.html_text(
            entry.path("en", "html").read_text(encoding="utf-8"), vega_bundle()
        ),
    }
    for what, text in english.items():
        found = language.words(text, quoted) & language.SWEDISH
        assert not found, (what, language.foreign(text, language.SWEDISH, quoted))
    swedish = language.joined(language.pdf_text(entry.path("sv", "pdf").read_bytes()))
    assert not language.words(swedish) & language.ENGLISH, language.foreign(
        swedish, language.ENGLISH
    )
    for lang in ("sv", "en"):
        texts = {
            "pdf": language.pdf_text(entry.path(lang, "pdf").read_bytes()),
            "html": language.html_text(
                entry.path(lang, "html").read_text(encoding="utf-8"), vega_bundle()
            ),
            "xlsx": language.xlsx_text(entry.path(lang, "xlsx").read_bytes()),
        }
        for what, text in texts.items():
            found = language.INTERNAL.findall(language.joined(text))
            assert not found, (lang, what, found[:5])
