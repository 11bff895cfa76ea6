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
from typing import Any

import pytest
import vl_convert
from openpyxl import load_workbook
from pypdf import PdfReader

from lofte import django_setup
from lofte.catalog import load
from lofte.core.disclosure import primary
from lofte.reports import charts, html, pdf, present, svg, texts, xlsx
from lofte.reports.model import build

from . import cube_fixture as cf

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


@pytest.fixture
def report():
    return build(cf.HR, cf.PERIOD, cube_table(), load())


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


def test_no_column_is_empty_for_a_whole_table(report):
    for lang in ("sv", "en"):
        p = present.present(report, lang, {})
        for pr in p["promises"]:
            for t in [i["table"] for i in pr["indicators"] if i["table"]] + pr["pathway_tables"]:
                for col, name in enumerate(t["head"]):
                    values = {row[col] for row in t["rows"]}
                    assert values - {"", texts.t("not_tested", lang)}, (name, t["head"])


def test_significance_column_says_what_it_tests(report):
    for lang, words in (("sv", "året före"), ("en", "a year earlier")):
        p = present.present(report, lang, {})
        block = next(i for pr in p["promises"] for i in pr["indicators"] if i["table"])
        significance = [h for h in block["table"]["head"] if "säkerställd" in h or "ignific" in h]
        assert significance and all(words in h for h in significance)
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

INTERNAL = re.compile(
    r"github\.com|research/|\.md\b|\.py\b|\bseed \d{3}\b|\bsvf_[a-z_0-9]+|\bpal_[a-z_]+|"
    r"\b[a-z]+(?:_[a-z0-9]+)+\b"
)


def rendered_text(report, lang: str) -> dict[str, str]:
    specs = charts.all_charts(report, lang)
    p = present.present(report, lang, specs)
    book = load_workbook(io.BytesIO(xlsx.render(p)))
    cells = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    page = html.render(p, specs).replace(html.vega_bundle(), "")
    visible = re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", visible)
    reader = PdfReader(io.BytesIO(pdf.render(p, specs)))
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    # words hyphenated in narrow table columns (soft hyphens at the break) are whole again
    pdf_text = re.sub(r"\xad\s*", "", pdf_text)
    pdf_text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", pdf_text)
    return {"html": visible, "xlsx": cells, "pdf": pdf_text}


def test_no_rendering_carries_an_internal_identifier(report):
    for lang in ("sv", "en"):
        for what, text in rendered_text(report, lang).items():
            found = INTERNAL.findall(text)
            assert not found, (lang, what, found[:5])


#: Words of one language that the other language's report must not contain (names aside).
ENGLISH = {
    "the", "and", "of", "with", "within", "share", "target", "not", "met", "fewer", "than",
    "cases", "change", "significant", "pathway", "days", "annex", "source", "hidden", "catch",
    "up", "is", "are", "region's", "nation", "figures", "weeks", "none", "summary",
}  # fmt: skip
SWEDISH = {
    "och", "att", "inte", "som", "är", "av", "för", "med", "till", "eller", "når", "målnivå",
    "målnivån", "uppfyllt", "halvåret", "bilaga", "vårdförlopp", "dagar", "andel", "riket",
    "källa", "ingen", "säkerställd", "län", "sjukvårdsregionen", "veckor", "patienter",
}  # fmt: skip
#: Names kept as they are in both languages.
NAMES = (
    "Best practice",
    "Svenska palliativregistret",
    "Region Östergötland",
    # the title of Socialstyrelsen's publication, quoted as it is
    "Palliativ vård i livets slutskede – målnivåer för indikatorer",
)


def words(text: str) -> set[str]:
    """The words of a text, without names and web addresses (a source's address is a name
    too, and the PDF breaks it over lines: every piece has a slash)."""
    for name in NAMES:
        text = text.replace(name, " ")
    text = re.sub(r"\S*/\S*", " ", text)
    return set(re.findall(r"[a-zåäöé']+", text.lower()))


def foreign(text: str, vocabulary: set[str]) -> list[str]:
    """The words of ``vocabulary`` in ``text``, each with what surrounds it."""
    found = sorted(words(text) & vocabulary)
    lowered = text.lower()
    return [
        lowered[max(0, m.start() - 40) : m.end() + 20]
        for w in found
        for m in [re.search(rf"(?<![\wåäö]){re.escape(w)}(?![\wåäö])", lowered)]
        if m
    ] or found


def test_each_pdf_speaks_one_language(report):
    swedish = rendered_text(report, "sv")["pdf"]
    assert not words(swedish) & ENGLISH, foreign(swedish, ENGLISH)
    english = rendered_text(report, "en")["pdf"]
    assert not words(english) & SWEDISH, foreign(english, SWEDISH)


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
