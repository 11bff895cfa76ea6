"""The report read as a politician reads it (issue 14, items 4–7), on the hand-made cube.

What must hold: every "–" names the rule that hid the cell; columns say what they test and none
is empty for a whole table; the key findings come from the narrative rules; promise 1 has its
per-pathway tables with the share's own n; the two MDK measures stand side by side; each
promise has its data-quality caveats (the nation's palliative coverage below the 70 % line);
charts start shares at 0, draw every target level, break lines at gaps, keep one legend
convention, use no red and print Swedish numbers; no rendering carries an internal identifier;
the Swedish PDF has no English words and the English PDF no Swedish ones outside names; the
workbook has readable sheet names, numbers with formats, frozen headers and filters.
"""

from __future__ import annotations

import io
import json
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest
import vl_convert
from openpyxl import load_workbook

from lofte import django_setup
from lofte.catalog import load
from lofte.core.disclosure import primary
from lofte.reports import charts, html, model, pdf, present, svg, texts, xlsx
from lofte.reports.model import build
from lofte.reports.whatif import WhatIfBlock, WhatIfRow
from lofte.web.plans.gaps import GapAction

from . import cube_fixture as cf
from . import language
from .language import ENGLISH, SWEDISH, foreign, words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

MARKS = {"–"}


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


def extra_rows() -> list[dict[str, Any]]:
    """Palliative coverage (the nation below the register's 70 % line), both MDK measures and
    a count in the thousands, as the stored cube holds them."""
    out = []
    for region, value in (("05", 70.6), ("06", 87.3), ("08", 71.9), (cf.HR, 76.6), ("SE", 67.9)):
        out.append(
            cf.row("pal_tackningsgrad", region, "2024", region_basis=None, value=value, target=70.0)
        )
        out.append(
            cf.row("mdk_andel", region, "2024", region_basis=None, value=value + 20, target=90.0)
        )
        out.append(cf.row("studier_oppna", region, "2024", region_basis=None, value=value * 30))
    for region, (x, n) in (("05", (90, 100)), ("06", (93, 100)), ("08", (80, 100))):
        out.append(cf.share_row("svf_andel_mdk", region, cf.PERIOD, x, n, None))
    out.append(cf.share_row("svf_andel_mdk", cf.HR, cf.PERIOD, 263, 300, None))
    out.append(cf.share_row("svf_andel_mdk", "SE", cf.PERIOD, 9000, 10000, None))
    return out


def cube_table():
    import pyarrow as pa

    rows = cf.published().to_pylist() + extra_rows()
    t = pa.Table.from_pylist(rows)
    return t.set_column(
        t.schema.get_field_index("region_basis"),
        "region_basis",
        pa.array(t.column("region_basis").to_pylist(), pa.string()),
    )


#: Two actions of an action plan linked to the lead-time gaps, in the plans' own (Swedish)
#: words, as :func:`lofte.web.plans.gaps.gap_actions` gives them.
ACTIONS = [
    GapAction(
        pk=36,
        plan="rcc-sydost-handlingsplan-2025",
        plan_name="Handlingsplan 2025",
        ref="3.2.2",
        title="Dela, diskutera och använda resultat/information om SVF per process.",
        owner="Sjukvårdsregional SVF-samordnare; Processsamordnare",
        status="pagaende",
        status_label="Pågående",
        due="2026-12-15",
        overdue=False,
    ),
    GapAction(
        pk=37,
        plan="rcc-sydost-handlingsplan-2025",
        plan_name="Handlingsplan 2025",
        ref="3.2.3",
        title="Bidra till nationellt utvecklingsarbete om SVF i syfte att nå nationella mål.",
        owner="Verksamhetschef RCC",
        status="ej_paborjad",
        status_label="Ej påbörjad",
        due="2026-03-01",
        overdue=True,
    ),
]


def plan_actions(indicator: str, region: str, today: Any) -> list[GapAction]:
    return list(ACTIONS) if indicator == "svf_andel_inom_ledtid" else []


@pytest.fixture
def report():
    """The hand-made cube's report, with the plans' actions linked to its lead-time gaps."""
    installed = model._gap_actions  # the plans app's, where it is set up: put back after
    model.provide_gap_actions(plan_actions)
    try:
        return build(cf.HR, cf.PERIOD, cube_table(), load())
    finally:
        model.provide_gap_actions(installed)


def tables(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Every table of a presented report (head and rows)."""
    out = [p["gaps"], p["definitions"], p["sources"], p["deliveries"], p["quality"]]
    for pr in p["promises"]:
        out += [i["table"] for i in pr["indicators"] if i["table"]]
        out += pr["pathway_tables"]
        out += [x for x in (pr["bottleneck"], pr["mdk"]) if x]
    summary = {
        "notes": p["summary"]["notes"],
        "head": ["indicator", *p["summary"]["columns"]],
        "rows": [[r["name"], *[c["text"] for c in r["cells"]]] for r in p["summary"]["rows"]],
    }
    return [*out, summary]


def cell_texts(p: dict[str, Any]) -> list[str]:
    return [str(v) for t in tables(p) for row in t["rows"] for v in row]


# --- item 5: honest footnotes and columns -----------------------------------------------------


def test_a_hidden_cell_never_tells_which_rule_hid_it(report):
    """An intruder who knows the rules must not learn them per cell: in the fixture Kalmar's
    share is hidden by the primary rule (3 cases) and Jönköping's beside it by the secondary
    one, under a shown healthcare-region total; were they marked apart, "fewer than 5" and
    "5 or more" would bound both counts (ADR 0721). Both print the same dash and status."""
    cube = {(r["indicator"], r["region"], r["pathway"], r["period"]): r for r in cf.rows()}
    published = {
        (r["indicator"], r["region"], r["pathway"], r["period"]): r
        for r in cf.published().to_pylist()
    }
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        for text in cell_texts(p):
            if text.startswith("–"):
                assert text in MARKS, text  # no rule mark anywhere in a table
        block = next(
            i
            for pr in p["promises"]
            for i in pr["indicators"]
            if i["code"] == "svf_andel_inom_ledtid"
        )
        names = texts.region_names(report.regions, lang)
        rows = {r[0]: r for r in block["table"]["rows"]}
        # the columns of the report period (value, interval, n, status); the year before is
        # another period with its own figures
        now = slice(1, block["table"]["head"].index(texts.t("status", lang)) + 1)
        printed_by_rule: dict[str, set[tuple[str, ...]]] = {}
        for code in cf.COUNTIES:
            key = ("svf_andel_inom_ledtid", code, "alla", cf.PERIOD)
            if not published[key]["suppressed"]:
                continue
            rule = "primary" if primary(cube[key]["denominator"]) else "secondary"
            printed_by_rule.setdefault(rule, set()).add(tuple(rows[names[code]][now]))
        assert set(printed_by_rule) == {"primary", "secondary"}  # the fixture has both kinds
        assert printed_by_rule["primary"] == printed_by_rule["secondary"]
        notes = " ".join(block["table"]["notes"])
        assert texts.t("hidden_note", lang, min_cell=5) in notes
        status = rows[names["06"]][block["table"]["head"].index(texts.t("status", lang))]
        assert status == texts.t("status_suppressed", lang)
        assert "5" not in status


def test_a_table_explains_only_the_marks_it_uses(report):
    p = present.present(report, "sv", {})
    for t in tables(p):
        used = {v for row in t["rows"] for v in row if v in MARKS}
        notes = " ".join(t.get("notes", []))
        note = texts.t("hidden_note", "sv", min_cell=5)
        assert (note in notes) == bool(used), t["head"]


class _Tables(HTMLParser):
    """Every <table> of an HTML page: its head (the <th> cells) and its rows of <td> cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[Any]]] = []
        self._row: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.tables[-1]["head"] if tag == "th" else self._row).append(text)
            self._cell = None
        elif tag == "tr" and self._row:
            self.tables[-1]["rows"].append(self._row)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(page: str) -> list[dict[str, list[Any]]]:
    parser = _Tables()
    parser.feed(page)
    return parser.tables


def sheet_tables(data: bytes) -> dict[str, dict[str, list[Any]]]:
    """Every sheet's table: the header row (the filter's first row) and the rows under it."""
    out = {}
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        if ws.auto_filter.ref is None:
            continue  # the disclosure annex is text, no table
        first, last = re.fullmatch(r"[A-Z]+(\d+):[A-Z]+(\d+)", ws.auto_filter.ref).groups()
        rows = [
            list(r) for r in ws.iter_rows(min_row=int(first), max_row=int(last), values_only=True)
        ]
        out[ws.title] = {"head": rows[0], "rows": rows[1:]}
    return out


def assert_every_column_filled(table: dict[str, list[Any]], lang: str, where: str) -> None:
    """A table has rows, and no column is empty (or only "ej testbar") in all of them."""
    assert table["rows"] and any(any(v not in ("", None) for v in r) for r in table["rows"]), (
        where,
        table["head"],
    )
    for col, name in enumerate(table["head"]):
        values = {row[col] if col < len(row) else "" for row in table["rows"]}
        assert values - {"", None, texts.t("not_tested", lang)}, (where, name, table["head"])


def what_if(rows: int) -> WhatIfBlock:
    """A what-if block of the report's half with ``rows`` shown rows (9 hidden without)."""
    shown = [
        WhatIfRow("brost", "Bröstcancer", "Breast cancer", 40, 60.2, [70.8, 72.0, 72.9], 2),
        WhatIfRow("lever", "Primär levercancer", "Liver cancer", 32, 28.1, [43.8] * 3, 0),
    ][:rows]
    return WhatIfBlock(cf.HR, cf.PERIOD, 7, rows=shown, hidden=9 if not rows else 1)


@pytest.mark.parametrize("shown", [0, 2])
def test_no_column_is_empty_for_a_whole_table(report, shown):
    """In every table of the HTML and every sheet of the workbook, with a what-if block whose
    rows are all hidden (no table, no sheet, only the note saying why) or partly shown."""
    report.promises[0].whatif = what_if(shown)
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        for pr in p["promises"]:
            for t in [i["table"] for i in pr["indicators"] if i["table"]] + pr["pathway_tables"]:
                assert_every_column_filled(t, lang, "model")
        page = html.render(p, {})
        tables = html_tables(page)
        assert len(tables) > 10
        for t in tables:
            assert_every_column_filled(t, lang, "html")
        sheets = sheet_tables(xlsx.render(p))
        for name, t in sheets.items():
            assert_every_column_filled(t, lang, name)
        block = p["promises"][0]["whatif"]
        sheet = f"1. {texts.t('whatif_sheet', lang)}"
        heads = [t["head"] for t in tables]
        if shown:
            assert block["head"] in heads and sheet in sheets
        else:
            assert block["rows"] == [] and block["head"] == []
            assert not any(texts.t("whatif_best", lang) in h for h in heads)
            assert sheet not in sheets
            region = texts.region_names(report.regions, lang)[cf.HR]
            note = texts.t("whatif_empty", lang, region=region, min_cell=5)
            assert block["note"] == note and note in unescape(page)
            pdf_text = " ".join(language.pdf_text(pdf.render(p, {})).split())
            assert note.split(":")[0] in pdf_text


def test_significance_column_says_what_it_tests(report):
    for lang, phrase in (("sv", "året före"), ("en", "a year earlier")):
        p = present.present(report, lang, {})
        block = next(i for pr in p["promises"] for i in pr["indicators"] if i["table"])
        significance = [h for h in block["table"]["head"] if "säkerställd" in h or "ignific" in h]
        assert significance and all(phrase in h for h in significance)
        # the column beside it names the period it compares with
        previous = texts.t("previous", lang, period="")
        assert any(
            h.startswith(previous.split("(")[0]) and "2024" in h for h in block["table"]["head"]
        )


def test_a_median_table_has_no_n_column_and_no_untestable_column(report):
    p = present.present(report, "sv", {})
    block = next(
        i for pr in p["promises"] for i in pr["indicators"] if i["code"] == "svf_ledtid_median"
    )
    head = block["table"]["head"]
    assert texts.t("n", "sv") not in head
    assert texts.t("significance", "sv") not in head
    assert texts.t("not_testable_note", "sv") in block["table"]["notes"]


# --- item 4: the reader's path -----------------------------------------------------------------


def test_key_findings_are_the_narrative_rules_sentences(report):
    p = present.present(report, "sv", {})
    by_title = {f["title"]: f["items"] for f in p["findings"]}
    assert list(by_title) == [
        texts.t(k, "sv")
        for k in ("findings_kept", "findings_not_kept", "findings_changed", "findings_nation")
    ]
    # Sydöst 59,3 % against the target 80 %: not kept; Östergötland 30 → 60 %: a change
    not_kept = " ".join(by_title[texts.t("findings_not_kept", "sv")])
    assert "Sydöstra sjukvårdsregionen når inte målnivån 80,0\u00a0% (59,3\u00a0%)" in not_kept
    changed = " ".join(by_title[texts.t("findings_changed", "sv")])
    assert "Region Östergötland" in changed and "positiv utveckling" in changed
    # Jönköping's 50 → 55 % is not significant: never a finding
    assert "Jönköping" not in changed
    every = {s for items in by_title.values() for s in items}
    assert every <= {
        f"{pr_i['name']}: {sentence}"
        for pr in p["promises"]
        for pr_i in pr["indicators"]
        for sentence in pr_i["narrative"]
    }


def test_promise_1_per_pathway_with_the_shares_own_n(report):
    p = present.present(report, "sv", {})
    promise = next(pr for pr in p["promises"] if pr["number"] == 1)
    [table] = [t for t in promise["pathway_tables"] if "Sydöstra" in t["title"]]
    rows = {r[0]: r for r in table["rows"]}
    head = table["head"]
    # breast: the share 30/40 and its own n 40; prostate has no known lead time
    assert rows["Bröstcancer"][head.index(texts.t("n_closed", "sv"))] == "40"
    assert rows["Bröstcancer"][head.index(texts.t("share_within", "sv"))] == "75,0\u00a0%"
    assert rows["Prostatacancer"][head.index(texts.t("share_within", "sv"))] == texts.t(
        "no_lead_time", "sv"
    )
    # the four weeks' share says why it has no target
    weeks = next(i for i in promise["indicators"] if i["code"] == "svf_andel_inom_28_dagar")
    assert texts.t("why_no_target_svf_andel_inom_28_dagar", "sv") in weeks["target_note"]


def test_the_two_mdk_measures_side_by_side(report):
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        promise = next(pr for pr in p["promises"] if pr["mdk"])
        mdk = promise["mdk"]
        assert mdk["text"] == texts.t("mdk_pair_why", lang)
        names = texts.region_names(report.regions, lang)
        rows = {r[0]: r for r in mdk["rows"]}
        sep = "," if lang == "sv" else "."
        assert rows[names["06"]][1:] == [f"93{sep}0\u00a0%", f"107{sep}3\u00a0%"]


def test_caveats_name_the_nation_below_the_palliative_line(report):
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        palliative = next(pr for pr in p["promises"] if pr["number"] == 4)
        text = " ".join(palliative["caveats"])
        value = "67,9\u00a0%" if lang == "sv" else "67.9\u00a0%"
        line = "70,0\u00a0%" if lang == "sv" else "70.0\u00a0%"
        assert texts.t("caveat_below_line_nation", lang, value=value) in text
        assert line in text
        first = next(pr for pr in p["promises"] if pr["number"] == 1)
        assert any(texts.t("caveat_svf_comparability", lang) == c for c in first["caveats"])


# --- item 6: charts ----------------------------------------------------------------------------


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer", [spec])


def test_charts_start_shares_at_zero_and_draw_every_target_level(report):
    specs = charts.all_charts(report, "sv")
    for name, spec in specs.items():
        for layer in layers(spec):
            enc = layer.get("encoding", {})
            for axis in ("x", "y"):
                if enc.get(axis, {}).get("type") != "quantitative":
                    continue
                scale = enc.get(axis, {}).get("scale")
                if scale and "domain" in scale:
                    assert scale["domain"][0] == 0, name
                elif scale:
                    assert scale.get("zero") is True, name
    nurse = specs["cmp-kontaktsjukskoterska_andel"]
    rules = [x for x in layers(nurse) if x.get("mark", {}).get("type") == "rule"]
    values = sorted(d["value"] for d in rules[0]["data"]["values"])
    assert values == [93.0, 95.0, 99.0]  # the nation 93 (2024), low 95 and high 99
    trend = specs["trend-kontaktsjukskoterska_andel"]
    rules = [x for x in layers(trend) if x.get("mark", {}).get("type") == "rule"]
    assert sorted(d["value"] for d in rules[0]["data"]["values"]) == [95.0, 99.0]


def test_one_legend_convention_and_no_red_in_either_language(report):
    def reference_styles(spec):
        out = {}
        for layer in layers(spec):
            if layer.get("mark", {}).get("type") == "rule" and "strokeDash" in layer["encoding"]:
                enc = layer["encoding"]
                for kind, dash, colour in zip(
                    [d["kind"] for d in layer["data"]["values"]],
                    enc["strokeDash"]["scale"]["range"],
                    enc["color"]["scale"]["range"],
                    strict=True,
                ):
                    out[kind] = (tuple(dash), colour)
        return out

    seen: dict[str, tuple[Any, str]] = {}
    for lang in ("sv", "en"):
        for spec in charts.all_charts(report, lang).values():
            for kind, style in reference_styles(spec).items():
                assert seen.setdefault(kind, style) == style  # one look per kind everywhere
            text = json.dumps(spec).lower()
            for red in ("#c0392b", "#d55e00", "#c62828", "#ff0000", '"red"'):
                assert red not in text
    assert set(seen) == {"national", "target", "target_high"}


def test_a_line_breaks_where_a_period_has_no_figure(report):
    spec = charts.all_charts(report, "sv")["trend-svf_andel_inom_ledtid"]
    line = next(x for x in layers(spec) if x["mark"]["type"] == "line")
    assert line["mark"]["invalid"] == "break-paths-show-domains"
    kalmar = [d for d in line["data"]["values"] if d["region"] == "Region Kalmar län"]
    # Kalmar's report half is hidden: a null point there, not a line drawn past it
    assert len(kalmar) == len(cf.HALVES)
    assert kalmar[-1]["value"] is None
    assert all(d["value"] is not None for d in kalmar[:-1])


def test_bar_values_stand_outside_the_plot_where_no_line_runs(report):
    for spec in charts.all_charts(report, "sv").values():
        for layer in layers(spec):
            # (a share above 100 % has words in its row instead of a bar: test_charts.py)
            if layer.get("mark", {}).get("type") == "text" and layer.get("name") != "data_quality":
                assert layer["encoding"]["x"] == {"value": charts.WIDTH + 6}


def test_chart_axes_print_numbers_in_the_language(report):
    spec = charts.all_charts(report, "sv")["cmp-studier_oppna"]
    svg = vl_convert.vegalite_to_svg(spec)
    labels = re.findall(r">([^<]*\d[^<]*)</text>", svg)
    assert any(label == "1\u00a0000" for label in labels), labels
    assert not any("1,000" in label for label in labels)
    english = vl_convert.vegalite_to_svg(charts.all_charts(report, "en")["cmp-studier_oppna"])
    assert "1,000" in english


def test_the_pdf_charts_draw_the_specs_conventions(report):
    """The PDF's SVGs come from the same specs: Swedish ticks, every reference line with its
    dash, no red, values right of the plot, no line across a hidden period."""
    sv = svg.render_all(charts.all_charts(report, "sv"))
    assert ">1\u00a0000<" in sv["cmp-studier_oppna"] and "1,000" not in sv["cmp-studier_oppna"]
    assert ">1,000<" in svg.render_all(charts.all_charts(report, "en"))["cmp-studier_oppna"]
    nurse = sv["cmp-kontaktsjukskoterska_andel"]
    dashes = re.findall(r'stroke-width="2" stroke-dasharray="([\d,]+)"', nurse)
    assert sorted(set(dashes)) == ["2,2", "6,4"]  # low level dashed, high level dotted
    # the register's levels are borrowed from the breast-cancer register: references, no verdict
    for name in ("Riket 93,0", "Referens 95,0", "Referens 99,0"):
        assert name in nurse  # one legend entry each
    assert "målnivå" not in nurse.lower()
    for text in sv.values():
        for red in ("#c0392b", "#d55e00", "#c62828", "#ff0000", '"red"'):
            assert red not in text.lower()
    # bar values stand right of every reference line
    lines = [float(x) for x in re.findall(r'<line x1="([\d.]+)"', nurse)]
    values = [float(x) for x in re.findall(r'<text x="([\d.]+)"[^>]*>9\d,\d', nurse)]
    assert values and min(values) > max(lines)
    # Kalmar's hidden report half: its line stops before the last period
    trend = sv["trend-svf_andel_inom_ledtid"]
    kalmar_colour = charts.COUNTY_COLOURS[2]
    [kalmar] = re.findall(
        rf'<polyline points="([^"]+)" fill="none" stroke="{kalmar_colour}"', trend
    )
    assert len(kalmar.split()) == len(cf.HALVES) - 1


# --- item 7: finish ---------------------------------------------------------------------------


def rendered_text(report, lang: str) -> dict[str, str]:
    specs = charts.all_charts(report, lang)
    p = present.present(report, lang, specs)
    return {
        "html": language.html_text(html.render(p, specs), html.vega_bundle()),
        "xlsx": language.xlsx_text(xlsx.render(p)),
        # words hyphenated in narrow table columns (soft hyphens at the break) are whole again
        "pdf": language.joined(language.pdf_text(pdf.render(p, specs))),
    }


def test_no_rendering_carries_an_internal_identifier(report):
    for lang in ("sv", "en"):
        for what, text in rendered_text(report, lang).items():
            found = language.INTERNAL.findall(text)
            assert not found, (lang, what, found[:5])


def test_each_pdf_speaks_one_language(report):
    """The English PDF quotes the plans' actions in Swedish, marked as quotations; nothing
    else in it is Swedish (and the test data has actions to quote)."""
    quoted = language.quoted_texts(present.present(report, "en", {}))
    assert {a.title for a in ACTIONS} <= set(quoted)
    swedish = rendered_text(report, "sv")["pdf"]
    assert not words(swedish) & ENGLISH, foreign(swedish, ENGLISH)
    english = rendered_text(report, "en")
    for what in ("pdf", "html"):
        found = words(english[what], quoted) & SWEDISH
        assert not found, (what, foreign(english[what], SWEDISH, quoted))
        # the titles are there, as quotations: without them the words are Swedish
        assert words(english[what]) & SWEDISH


def test_only_a_marked_quotation_of_the_plans_words_is_skipped():
    title = ACTIONS[1].title
    marked = f"Actions \u201c{title[:30]}-\n{title[30:]}\u201d (in progress)"
    assert not words(marked, [title]) & SWEDISH
    # the same words unmarked, or other Swedish words between quotation marks, are read
    assert words(f"Actions {title}", [title]) & SWEDISH
    assert words("Actions \u201catt nå målen\u201d", [title]) & SWEDISH


def test_a_name_is_a_name_across_a_line_break():
    name = "Palliativ vård i livets slutskede – målnivåer för indikatorer"
    for printed in (
        "Palliativ vård i livets slutskede – mål-\nnivåer för indikatorer (2017).",
        "Palliativ vård i livets slutskede –\nmålnivåer för\nindikatorer (2017).",
        "Palliativ vård i livets slut-\nskede – mål\xad\nnivåer för indikatorer (2017).",
    ):
        assert not words(f"National target level: {printed}") & SWEDISH, printed
    assert language.name_pattern(name).search(name)


def test_the_english_actions_are_quoted_in_swedish(report):
    """Title and owner are the plans' words: quoted as written, in italic between quotation
    marks, under headings that say so; status and due date are English."""
    p = present.present(report, "en", {})
    table = p["gap_actions"]
    head = table["head"]
    assert [head[i] for i in table["quoted"]] == [
        texts.t("action_title", "en"),
        texts.t("action_owner", "en"),
    ]
    assert all("in Swedish" in head[i] for i in table["quoted"])
    [late] = [r for r in table["rows"] if r[1] == ACTIONS[1].title]
    assert late[2] == ACTIONS[1].owner
    assert late[3] == "not started; due 2026-03-01 (overdue)"
    page = html.render(p, {})
    assert f'<i class="quoted" lang="sv">\u201c{ACTIONS[1].title}\u201d</i>' in page
    assert present.present(report, "sv", {})["gap_actions"]["quoted"] == []


def test_the_workbook_reads_like_the_report(report):
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        book = load_workbook(io.BytesIO(xlsx.render(p)))
        titles = {ws.title: ws["A1"].value for ws in book.worksheets}
        for name, title in titles.items():
            assert len(name) <= 31
            # cut between words: every word of the name is a whole word somewhere readable
            known = " ".join(
                [
                    title or "",
                    *p["labels"].values(),
                    *[texts.sheet_name(code, lang) for code in texts.SHEET_NAMES],
                ]
            ).replace(":", "")
            for word in name.split():
                if not word.rstrip(".").isdigit():
                    found = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", known, re.I)
                    assert found, (name, word)
        for ws in book.worksheets:
            if ws.auto_filter.ref is None:
                continue  # the disclosure annex is text, no table
            header = int(re.match(r"[A-Z]+(\d+)", ws.auto_filter.ref)[1])
            assert ws.freeze_panes == f"A{header + 1}"
        summary = book.worksheets[0]
        rows = list(summary.iter_rows(min_row=5))
        numbers = [c for row in rows for c in row if isinstance(c.value, float)]
        assert numbers and all(c.number_format != "General" for c in numbers)
        assert not any(
            isinstance(c.value, str) and re.search(r"\d %? \(", c.value)
            for row in rows
            for c in row
        )  # no "21,4 % (Uppfyllt)" as text: value and status in columns of their own


#: A figure as :func:`lofte.reports.texts.number` prints it: with thousands separators, a
#: decimal comma or point, and "%" or days after it.
FIGURE = re.compile(
    r"[+\u2212-]?\d{1,3}(?:[\u00a0 ,]\d{3})*(?:[.,]\d+)?(?:\u00a0(?:%|dagar|days))?"
)


def test_every_figure_in_the_workbook_is_a_number(report):
    """Medians ("42 dagar") as numbers with their unit in the number format, like shares and
    counts; a year ("2025") stays a label."""
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        book = load_workbook(io.BytesIO(xlsx.render(p)))
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        assert not FIGURE.fullmatch(c.value), (ws.title, c.coordinate, c.value)
        # the summary's periods are labels ("2024", "första halvåret 2025"), not 2 024
        periods = [r[1] for r in book.worksheets[0].iter_rows(min_row=5, values_only=True)]
        assert "2024" in periods and not any(isinstance(v, int | float) for v in periods)
        median = next(ws for ws in book.worksheets if ws.title.startswith("1. Le"))
        days = texts.t("days", lang)
        values = [c for row in median.iter_rows(min_row=5) for c in row[1:2] if c.value is not None]
        numbers = [c for c in values if isinstance(c.value, int | float)]
        assert numbers and all(c.number_format.endswith(f'" {days}"') for c in numbers)


def test_a_pathway_table_notes_only_its_own_columns(report):
    """The county tables have no change column: no note about it or its star; the table of
    the healthcare region has both."""
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        promise = next(pr for pr in p["promises"] if pr["number"] == 1)
        for table in promise["pathway_tables"]:
            notes = " ".join(table["notes"])
            has_change = texts.t("change_pp", lang) in table["head"]
            assert (texts.t("pathway_note_change", lang) in notes) == has_change, table["title"]
            stars = any(str(v).endswith(" *") for row in table["rows"] for v in row)
            assert (texts.t("pathway_note_star", lang) in notes) == stars, table["title"]
            assert (texts.t("pathway_note_n", lang) in notes) == (
                texts.t("n_closed", lang) in table["head"]
            )


def test_no_known_lead_time_is_explained_per_pathway(report):
    """Every "ingen känd ledtid" has a note naming the pathway and why, from the catalogue."""
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        promise = next(pr for pr in p["promises"] if pr["number"] == 1)
        seen = 0
        for table in promise["pathway_tables"]:
            for row in table["rows"]:
                if texts.t("no_lead_time", lang) in row:
                    seen += 1
                    reasons = [n for n in table["notes"] if n.startswith(f"{row[0]}: ")]
                    assert len(reasons) == 1, (table["title"], row[0])
        assert seen
        prostate = "Prostatacancer" if lang == "sv" else "Prostate cancer"
        region = texts.region_names(report.regions, lang)[cf.HR]
        [sydost] = [t for t in promise["pathway_tables"] if region in t["title"]]
        reason = texts.t("no_lead_time_revised", lang, pathway=prostate, year=2020)
        assert reason in sydost["notes"]


@pytest.mark.parametrize(
    "pathway, key, params",
    [
        ("prostata", "no_lead_time_revised", {"year": 2020}),
        ("urinvagar", "no_lead_time_revised", {"year": 2024}),
        ("huvud-hals", "no_lead_time_partial", {"treatments": "palliativ behandling"}),
    ],
)
def test_the_reason_for_no_lead_time_comes_from_the_catalogue(pathway, key, params):
    name = load().pathways[pathway].name_sv
    reason = present.no_lead_time_reason(pathway, name, "2026H1", "sv")
    assert reason == texts.t(key, "sv", pathway=name, **params)
    english = present.no_lead_time_reason(pathway, "X", "2026H1", "en")
    assert english.startswith("X: ") and not words(english) & SWEDISH


def test_annex_3_explains_the_dash_by_both_rules():
    """Rule 1 no longer says that "–" means fewer than 5: one dash for every hidden cell,
    explained once with both rules (ADR 0721)."""
    for lang, fewer in (("sv", "Färre än 5 fall"), ("en", "Fewer than 5 cases")):
        paragraphs = [*present.disclosure_paragraphs(lang, 5)]
        text = " ".join(paragraphs)
        assert fewer not in text and '"–"' not in text
        marks = texts.t("suppression_marks", lang, min_cell=5)
        assert '"–"' in marks
        # both rules named, by number, in the note's own words
        rules = {"sv": ("(regel 1)", "(regel 2 och 3)"), "en": ("(rule 1)", "(rules 2 and 3)")}
        for rule in rules[lang]:
            assert rule in marks
        assert fewer.split()[0].lower() in marks.lower()  # "färre än" / "fewer than"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_year_before_cell_is_left_blank(lang):
    """A figure with no figure a year earlier (a series that starts with this period) says so,
    a data-quality finding says it is not compared, and neither is called untestable; a real
    earlier figure still prints as a number and a region with no figure at all stays empty."""
    from types import SimpleNamespace as NS

    marks = present.Marks(lang, 5)
    shown = NS(status="met", value=52.0)
    missing = present._previous(shown, None, "percent", lang, marks)
    assert missing == texts.t("previous_missing", lang) != ""
    none_before = NS(series_break=False, previous_suppressed=False, previous=None)
    assert present._previous(shown, none_before, "percent", lang, marks) == missing
    finding = present._previous(
        NS(status="data_quality", value=115.6), None, "percent", lang, marks
    )
    assert finding == texts.t("previous_not_compared", lang) != missing
    for text in (missing, finding):
        assert present._compared(text, lang) == ""
        assert present._significance(None, present._compared(text, lang), lang) == ""
    before = NS(series_break=False, previous_suppressed=False, previous=45.2)
    number = present._previous(shown, before, "percent", lang, marks)
    assert number == texts.number(45.2, "percent", lang) and present._compared(number, lang)
    assert present._previous(NS(status="missing", value=None), None, "percent", lang, marks) == ""
