"""The results site's page models, tested as plain functions: no Django, no database, no cube.

Each test builds a selection, a few public cells by hand and calls a page-model function; the
words come from :class:`lofte.web.results.i18n.SourceText` (Swedish) or from the compiled
catalogues read by the standard library (:class:`lofte.web.results.i18n.Catalogue`), never from
Django. The first test shows that the package imports and works with Django blocked; the
whole module also runs without pytest-django (``pytest -p no:django``).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from lofte.catalog import Catalog, load
from lofte.cube.query import COLUMNS, IndicatorDims
from lofte.web.results import i18n
from lofte.web.results.page_model import (
    PageData,
    base,
    choices,
    comparison,
    county_map,
    indicator_page,
    shown_regions,
    start,
    trend,
)
from lofte.web.results.selection import Selection

HALVES = ["2024H1", "2024H2", "2025H1", "2025H2"]
SYDOST = ("05", "06", "08")


@pytest.fixture(autouse=True)
def swedish() -> Iterator[None]:
    """The source words, whatever translator the process has installed."""
    with i18n.using(i18n.SourceText()):
        yield


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load()


def cell(region: str, period: str, value: float | None, n: int | None = 100, **more: Any) -> dict:
    """A public cell as :func:`lofte.cube.query.cells` returns it."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(
        region=region,
        period=period,
        period_type="half",
        value=value,
        numerator=None if n is None or value is None else round(n * value / 100),
        denominator=n,
        suppressed=False,
        meets_target=None,
    )
    row.update(more)
    return row


def hidden(region: str, period: str) -> dict:
    """A suppressed cell as the public cube holds it: no value, no n."""
    return cell(region, period, None, None, suppressed=True)


def selection(**changes: str) -> Selection:
    values = {
        "indicator": "svf_andel_inom_ledtid",
        "region": "sydost",
        "level": "county",
        "basis": "bostad",
        "pathway": "alla",
        "treatment": "alla",
        "ptype": "half",
        "period_from": "2024H1",
        "period_to": "2025H1",
        "view": "jamforelse",
        "chart": "staplar",
    }
    values.update(changes)
    return Selection(**values)


DIMS = IndicatorDims(
    bases=["bostad", "avslutande"],
    pathways=["alla", "brost"],
    treatments=["alla", "kirurgi"],
    periods={"half": HALVES, "year": ["2024", "2025"]},
)


class Charts:
    """A ChartKit that records what the page model asks for."""

    SERIES = ("#111111", "#222222")
    NATIONAL_INK = "national-ink"
    HIGHLIGHT = "highlight"
    MISSING = "missing"
    OUTSIDE = "outside"

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple, dict]] = []

    def _record(self, name: str, args: tuple, kwargs: dict) -> dict[str, Any]:
        self.calls.append((name, args, kwargs))
        return {"chart": name}

    def comparison(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._record("comparison", args, kwargs)

    def funnel(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._record("funnel", args, kwargs)

    def trend(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._record("trend", args, kwargs)

    def tile_map(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return self._record("tile_map", args, kwargs)

    def tile_positions(self) -> list[dict[str, Any]]:
        return [
            {"code": c.code, "col": i % 5, "row": i // 5, "short": c.code}
            for i, c in enumerate(load().counties())
        ]


def page_data(cat: Catalog, sel: Selection, cells: list[dict], **more: Any) -> PageData:
    return PageData(
        cat=cat,
        sel=sel,
        dims=more.pop("dims", DIMS),
        cells=cells,
        series=more.pop("series", {}),
        county_cells=more.pop("county_cells", []),
    )


def sydost_cells() -> list[dict]:
    """2025H1 for the nation, Sydöst and its counties: Kalmar hidden, Jönköping best."""
    return [
        cell("SE", "2025H1", 75.0, 4000, target=80.0),
        cell("sydost", "2025H1", 70.0, 400, target=80.0),
        cell("05", "2025H1", 66.0, 200, target=80.0),
        cell("06", "2025H1", 83.4, 150, target=80.0),
        hidden("08", "2025H1"),
        cell("SE", "2024H2", 74.0, 3900, target=80.0),
    ]


# --- the package is Django-free ------------------------------------------------------------


def test_the_page_models_import_and_work_with_django_blocked() -> None:
    """In a fresh interpreter where ``import django`` fails, the page models import, translate
    through the stdlib-read catalogues and build a cell's view."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["django"] = None  # any import of django now raises ImportError
        from lofte.web.results import i18n, overview, page_model, presentation, standing
        from lofte.web.results.page_model import base, choices, comparison, county_map
        from lofte.web.results.page_model import indicator, start, trend
        from lofte.web.results.page_model.indicator import view_names
        assert not [m for m in sys.modules if m.startswith("django") and sys.modules[m]]
        with i18n.using(i18n.Catalogue("en")):
            print(view_names()["jamforelse"], base.cell_view(None, "percent")["text"])
            print(base.cell_view({"suppressed": False, "value": 1234.5, "denominator": 1234,
                                  "meets_target": None}, "count")["n"])
        print(view_names()["jamforelse"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["Comparison –", "1,234", "Jämförelse"]


# --- cells ----------------------------------------------------------------------------------


def test_a_cell_view_marks_hidden_missing_and_median_cells_apart() -> None:
    shown = base.cell_view(cell("SE", "2025H1", 81.25, 1234), "percent", "sv")
    assert shown["text"] == "81,3 %" and shown["n"] == "1\u00a0234" and not shown["suppressed"]
    secret = base.cell_view(hidden("SE", "2025H1"), "percent", "sv")
    assert secret["suppressed"] and secret["text"] == "–" and secret["n"] == "–"
    median = base.cell_view(cell("SE", "2025H1", 31.0, None), "days", "sv")
    assert median["n"] == "" and median["text"] == "31,0 dagar"
    missing = base.cell_view(None, "percent")
    assert not missing["present"] and not missing["suppressed"] and missing["text"] == "–"
    assert base.cell_view(cell("SE", "2025H1", 104.2), "percent", "en")["over_100"]
    assert not base.cell_view(cell("SE", "2025H1", 104.2), "days", "en")["over_100"]


def test_the_shown_regions_are_the_compared_then_the_area_then_the_nation(cat: Catalog) -> None:
    assert shown_regions(selection(), cat) == [*SYDOST, "sydost", "SE"]
    regions = shown_regions(selection(region="SE", level="healthcare_region"), cat)
    assert regions == [r.code for r in cat.healthcare_regions()] + ["SE"]


# --- the comparison tab ---------------------------------------------------------------------


def test_bars_are_best_first_and_hidden_last_with_the_area_highlighted(cat: Catalog) -> None:
    p = base.prepare(page_data(cat, selection(region="sydost"), sydost_cells()))
    bars = comparison.bars(p)
    assert [b["code"] for b in bars] == ["06", "05", "08"]
    assert bars[2]["suppressed"] and bars[2]["value"] is None and not bars[2]["missing"]
    assert not any(b["highlight"] for b in bars)  # the area (sydost) is not among the counties
    on_level = base.prepare(
        page_data(cat, selection(level="healthcare_region"), [cell("sydost", "2025H1", 70.0)])
    )
    highlighted = [b["code"] for b in comparison.bars(on_level) if b["highlight"]]
    assert highlighted == ["sydost"]


def test_a_lower_better_indicator_sorts_its_bars_ascending(cat: Catalog) -> None:
    cells = [cell("05", "2025H1", 40.0, None), cell("06", "2025H1", 25.0, None)]
    p = base.prepare(page_data(cat, selection(indicator="svf_ledtid_median"), cells))
    assert [b["code"] for b in comparison.bars(p)] == ["06", "05", "08"]


def test_the_funnel_places_each_region_against_exact_limits(cat: Catalog) -> None:
    cells = [
        cell("SE", "2025H1", 75.0, 4000),
        cell("05", "2025H1", 60.0, 500),  # far below 75 % with n = 500
        cell("06", "2025H1", 76.0, 40),  # within the limits
        cell("08", "2025H1", 95.0, 400),  # far above
    ]
    charts = Charts()
    p = base.prepare(page_data(cat, selection(chart="tratt"), cells))
    tab = comparison.comparison(p, charts)
    assert tab["chart_spec"] == {"chart": "funnel"}
    verdicts = {point["code"]: point["verdict"] for point in tab["funnel_points"]}
    assert verdicts == {
        "08": "över 99,8 % gränsen",
        "06": "inom gränserna",
        "05": "under 99,8 % gränsen",
    }
    assert [point["mark"] for point in tab["funnel_points"]] == ["1", "2", "3"]


def test_without_a_national_value_the_funnel_gives_way_to_bars(cat: Catalog) -> None:
    charts = Charts()
    p = base.prepare(page_data(cat, selection(chart="tratt"), [cell("05", "2025H1", 60.0)]))
    tab = comparison.comparison(p, charts)
    assert tab["chart_spec"] == {"chart": "comparison"} and tab["funnel_points"] == []
    _, args, _ = charts.calls[0]
    assert args[1] is None and args[2] == "Riket: –"


def test_a_borrowed_reference_is_drawn_as_a_reference_not_a_target(cat: Catalog) -> None:
    cells = [cell("SE", "2025H1", 88.0, 900, target=90.0), cell("05", "2025H1", 91.0)]
    charts = Charts()
    p = base.prepare(page_data(cat, selection(indicator="mdk_andel", region="SE"), cells))
    assert p.is_reference and p.target_word == "Referens"
    comparison.comparison(p, charts)
    _, args, kwargs = charts.calls[0]
    assert args[3] is None and args[4] is None  # no target zone
    assert kwargs["reference"] == (90.0, "Referens: 90,0 %")


# --- trend and table ------------------------------------------------------------------------


def test_the_table_has_a_row_per_shown_region_and_a_cell_per_period(cat: Catalog) -> None:
    p = base.prepare(page_data(cat, selection(view="tabell"), sydost_cells()))
    rows = trend.table_rows(p)
    assert [r["code"] for r in rows] == [*SYDOST, "sydost", "SE"]
    assert [len(r["cells"]) for r in rows] == [3] * 5
    kalmar = rows[2]["cells"]
    assert kalmar[2]["suppressed"] and not kalmar[0]["present"]


def test_trend_lines_bold_for_the_nation_and_the_area(cat: Catalog) -> None:
    charts = Charts()
    p = base.prepare(page_data(cat, selection(view="trend"), sydost_cells()))
    trend.trend_chart(p, charts)
    _, (rows, lines, labels, *_rest), kwargs = charts.calls[0]
    colours = {line["name"]: (line["colour"], line["width"]) for line in lines}
    assert colours["Riket"] == ("national-ink", 3.5)
    assert colours["Sydöstra"] == ("highlight", 3.5)
    assert colours["Östergötland"] == ("#111111", 1.5)
    assert len(rows) == 5 * 3 and len(labels) == 3
    assert kwargs == {"reference": False, "target_high": None}


def test_trend_draws_both_target_levels_with_their_values(cat: Catalog) -> None:
    """Issue 14: a low and a high target level are two lines in the trend, each with its key
    entry and value (the report's convention); a borrowed pair is two references; one level
    keeps one line."""
    charts = Charts()

    def drawn(ind: str, low: float, high: float | None) -> tuple[tuple, dict]:
        cells = [cell(r, "2025H1", 80.0, target=low, target_high=high) for r in (*SYDOST, "SE")]
        sel = selection(indicator=ind, view="trend", basis="" if ind == "mdk_andel" else "bostad")
        trend.trend_chart(base.prepare(page_data(cat, sel, cells)), charts)
        _, args, kwargs = charts.calls[-1]
        return args, kwargs

    args, kwargs = drawn("svf_andel_inom_ledtid", 80.0, 95.0)
    assert (args[3], args[4]) == (80.0, "Låg målnivå: 80,0 %")
    assert kwargs == {"reference": False, "target_high": (95.0, "Hög målnivå: 95,0 %")}
    args, kwargs = drawn("mdk_andel", 90.0, 99.0)  # NKBC's levels, borrowed
    assert (args[3], args[4]) == (90.0, "Referens: 90,0 %")
    assert kwargs == {"reference": True, "target_high": (99.0, "Referens: 99,0 %")}
    args, kwargs = drawn("svf_andel_inom_ledtid", 80.0, None)
    assert (args[3], args[4]) == (80.0, "Målnivå: 80,0 %") and kwargs["target_high"] is None


@dataclass(frozen=True)
class Series:
    """A series as :func:`lofte.cube.aggregates.series_of` gives it (that module needs Django's
    database): the page models compare series and ask for their label."""

    source: str
    definition: str

    def label(self, lang: str = "sv") -> str:
        return f"{self.source} ({self.definition or 'katalogens definition'}, {lang})"


def test_a_series_break_is_told_per_region_and_period(cat: Catalog) -> None:
    ind = "pal_brytpunktssamtal"
    old, new = Series("Svenska palliativregistret", ""), Series("Svenska palliativregistret", "ny")
    series = {(ind, "SE", "2024H1"): old, (ind, "SE", "2024H2"): old, (ind, "SE", "2025H1"): new}
    sel = selection(indicator=ind, region="SE", view="trend", basis="")
    p = base.prepare(page_data(cat, sel, [cell("SE", "2025H1", 70.0)], series=series))
    breaks = trend.series_breaks(p)
    assert len(breaks) == 1
    assert breaks[0].startswith("Riket, första halvåret 2025: från ")
    assert old.label() in breaks[0] and new.label() in breaks[0]


# --- map ------------------------------------------------------------------------------------


def test_the_map_shades_the_area_and_greys_the_rest(cat: Catalog) -> None:
    county_cells = [cell("05", "2025H1", 60.0), cell("06", "2025H1", 80.0), hidden("08", "2025H1")]
    county_cells.append(cell("01", "2025H1", 99.0))  # Stockholm: outside Sydöst
    charts = Charts()
    data = page_data(cat, selection(view="karta"), [], county_cells=county_cells)
    view = county_map.map_view(base.prepare(data), charts)
    assert view["map_domain"] == (60.0, 80.0)
    tiles = {t["code"]: t for t in view["map_tiles"]}
    assert tiles["01"]["label"] == "utanför området" and tiles["01"]["value"] is None
    assert tiles["01"]["base"] == "outside" and not tiles["01"]["in_area"]
    assert tiles["06"]["ink"] == "#ffffff" and tiles["05"]["ink"] == "#1b1b1f"
    assert tiles["08"]["cell"]["suppressed"] and not tiles["08"]["shaded"]
    names = [t["name"] for t in view["map_tiles"]]
    assert names.index("Region Västmanland") < names.index("Region Örebro län")  # ö after v


def test_one_value_on_the_map_gets_a_scale_around_it() -> None:
    assert county_map.domain([50.0]) == (49.0, 51.0)
    assert county_map.domain([]) is None


# --- the page as a whole --------------------------------------------------------------------


def test_the_page_holds_each_tabs_content_only_on_its_tab(cat: Catalog) -> None:
    for view in ("jamforelse", "trend", "tabell", "karta", "om"):
        context = indicator_page(page_data(cat, selection(view=view), sydost_cells()), Charts())
        assert bool(context["bars"]) == (view == "jamforelse")
        assert bool(context["table_rows"]) == (view in ("trend", "tabell"))
        assert bool(context["map_tiles"]) == (view == "karta")
        assert (context["chart_spec"] is None) == (view in ("tabell", "om"))
        assert [t["active"] for t in context["tabs"]].count(True) == 1
        assert context["any_suppressed"] == (view in ("jamforelse", "trend", "tabell"))


def test_the_page_notes_a_share_above_100_percent(cat: Catalog) -> None:
    cells = [cell("SE", "2025H1", 97.0), cell("05", "2025H1", 104.0)]
    sel = selection(indicator="svf_inklusion")
    context = indicator_page(page_data(cat, sel, cells), Charts())
    assert "datakvalitetsfynd" in context["over_100_note"]
    calm = indicator_page(page_data(cat, sel, [cell("05", "2025H1", 90.0)]), Charts())
    assert calm["over_100_note"] == ""


def test_the_page_reads_in_english_from_the_catalogues(cat: Catalog) -> None:
    with i18n.using(i18n.Catalogue("en")):
        context = indicator_page(page_data(cat, selection(), sydost_cells()), Charts())
    assert context["active_view_name"] == "Comparison"
    assert context["national"]["text"] == "75.0 %"
    assert context["latest"] != "första halvåret 2025" and "2025" in context["latest"]
    assert context["direction_text"] == "A higher value is better."


def test_an_empty_selection_says_so(cat: Catalog) -> None:
    context = indicator_page(page_data(cat, selection(), []), Charts())
    assert context["no_cells"] and not context["any_suppressed"]
    assert context["national"]["text"] == "–"


# --- the form's choices ---------------------------------------------------------------------


def test_the_form_offers_the_cubes_choices_in_words(cat: Catalog) -> None:
    sel, names = selection(), base.PeriodNames.of(DIMS)
    assert choices.choices("to", cat, sel, DIMS, names)[-1] == ("2025H2", "andra halvåret 2025")
    assert choices.choices("ptype", cat, sel, DIMS, names) == [("half", "Halvår"), ("year", "År")]
    assert choices.selected(sel, "from") == "2024H1"
    assert choices.depends_on(sel, "to") == ("svf_andel_inom_ledtid", "half", "2025H1")
    with pytest.raises(ValueError):
        choices.choices("indicator", cat, sel, DIMS, names)
    groups = choices.indicator_groups(cat, ["svf_andel_inom_ledtid", "studier_oppna"])
    name = cat.indicator("svf_andel_inom_ledtid").name_sv
    assert groups[0] == ("Löfte 1: " + cat.promises[1].text_sv, [("svf_andel_inom_ledtid", name)])
    assert groups[-1][0].startswith("Löfte 6: ") and len(groups) == 2  # no empty promise


# --- the start page's cards -----------------------------------------------------------------


def test_a_card_shows_the_latest_complete_period_and_the_change(cat: Catalog) -> None:
    ind = cat.indicator("svf_andel_inom_ledtid")
    q = start.card_query(ind, DIMS, "sydost")
    assert q is not None and q.areas == ("SE", "sydost") and q.ptype == "half"
    cells = [
        cell("SE", "2024H1", 70.0, target=80.0),
        cell("SE", "2025H1", 82.0, target=80.0),
        cell("sydost", "2024H1", 75.0, target=80.0),
        cell("sydost", "2025H1", 71.5, target=80.0),
    ]
    made = start.card(cat, ind, DIMS, q, cells, {})
    assert made["period"] == "första halvåret 2025"  # 2025H2 has no national value
    nation, area = made["figures"]
    assert nation["verdict_class"] == "yes" and area["verdict_class"] == "no"
    assert nation["change"].endswith("(bättre)") and area["change"].endswith("(sämre)")
    assert "+12,0 procentenheter" in nation["change"]
    assert made["target_text"] == "80,0 %" and made["target_label"] == "Målnivå"
    assert made["url"].startswith("/?indicator=svf_andel_inom_ledtid&region=sydost&")


def test_a_card_without_last_years_figure_says_there_is_no_comparison(cat: Catalog) -> None:
    ind = cat.indicator("svf_andel_inom_ledtid")
    q = start.card_query(ind, DIMS, "SE")
    assert q is not None
    made = start.card(cat, ind, DIMS, q, [cell("SE", "2025H1", 82.0)], {})
    assert made["figures"][0]["change"] == "Ingen jämförelse med första halvåret 2024"
    assert start.card_query(ind, IndicatorDims(), "SE") is None


# --- what a hidden cell means ---------------------------------------------------------------


def test_a_hidden_cell_is_explained_by_both_rules_never_by_which(cat: Catalog) -> None:
    context = indicator_page(page_data(cat, selection(), sydost_cells()), Charts())
    note = context["suppressed_note"]
    assert context["any_suppressed"] and "färre än 5 fall" in note
    assert "en annan uppgift annars skulle kunna räknas fram" in note
    assert "Färre än 5 fall redovisas ej" not in note  # the old words, true of some cells only
    with i18n.using(i18n.Catalogue("en")):
        english = indicator_page(page_data(cat, selection(), sydost_cells()), Charts())
    assert english["suppressed_note"].startswith("Hidden by disclosure control: fewer than 5 ")
    shown = [c for c in sydost_cells() if not c["suppressed"]]
    assert indicator_page(page_data(cat, selection(), shown), Charts())["suppressed_note"] == ""
