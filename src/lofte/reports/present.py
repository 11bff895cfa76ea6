"""The report model worded and formatted for one language: what every rendering prints.

:func:`present` turns the :class:`~lofte.reports.model.Report` into plain dicts of strings and
tables (``{"head": [...], "rows": [[...]]}``). The HTML template, the Typst template and the XLSX
writer all print this one structure, so the three renderings cannot disagree. Numbers are only
formatted here, never computed.
"""

from __future__ import annotations

from typing import Any

from lofte.core import periods
from lofte.core.period_names import period_name
from lofte.reports import texts, whatif
from lofte.reports.model import Report
from lofte.reports.narrative import names_list, render, target_text
from lofte.reports.types import (
    BOTTLENECK_STEPS,
    BottleneckRow,
    Cell,
    Change,
    IndicatorSection,
    PathwayRow,
    PromiseSection,
)

STATUS_KEYS = {
    "met": "status_met",
    "partial": "status_partial",
    "not_met": "status_not_met",
    "no_target": "status_no_target",
    "reference": "status_reference",
    "data_quality": "status_data_quality",
    "suppressed": "status_suppressed",
    "missing": "status_missing",
}
#: How a hidden cell prints: one dash whatever rule hid it, explained by a note under the table
#: that names both rules (:class:`Marks`). Marking the rule per cell would narrow small counts
#: beside a shown total (ADR 0721), so the model records only that a cell was hidden.
MARKS = {"disclosure": "–"}
#: Narrative rules whose sentences make the key findings, by heading.
FINDINGS = (
    ("findings_kept", ("n_target_met", "n_target_met_high")),
    ("findings_not_kept", ("n_target_not_met", "n_target_not_met_low", "n_target_partial")),
    ("findings_changed", ("n_change_better", "n_change_worse")),
    ("findings_nation", ("n_vs_national",)),
)


def _level_word(section: IndicatorSection) -> str:
    """A borrowed level is called a reference, never a target (SPEC §9)."""
    return "reference_level" if section.target_kind == "reference" else "target"


def _level_text(section: IndicatorSection, lang: str) -> str:
    """The target level in words; a borrowed one says *Referens* before it."""
    text = target_text(section.target, section.target_high, section.unit, lang)
    if section.target is not None and section.target_kind == "reference":
        return f"{texts.t('reference_level', lang)} {text}"
    return text


class Marks:
    """Whether a table hides any cell, for the note under it."""

    def __init__(self, lang: str, min_cell: int) -> None:
        self.lang, self.min_cell = lang, min_cell
        self.used = False

    def hidden(self, reason: str | None) -> str:
        """The mark of a hidden cell (``reason`` is the model's "disclosure" or None), noted."""
        self.used = True
        return MARKS[reason or "disclosure"]

    def notes(self) -> list[str]:
        """The note naming both disclosure rules, when the table hides a cell."""
        return [texts.t("hidden_note", self.lang, min_cell=self.min_cell)] if self.used else []


def _cell_text(cell: Cell, unit: str, lang: str, marks: Marks) -> str:
    """The value; a hidden cell as the mark of its rule, blank where there is no figure."""
    if cell.suppressed:
        return marks.hidden(cell.hidden_by)
    if cell.value is None:
        return ""
    return texts.number(cell.value, unit, lang)


def _status_text(cell: Cell, lang: str, min_cell: int) -> str:
    return texts.t(STATUS_KEYS[cell.status], lang, min_cell=min_cell)


def _ci(cell: Cell, unit: str, lang: str) -> str:
    if cell.ci_low is None or cell.ci_high is None or unit != "percent":
        return ""
    low = texts.number(cell.ci_low, unit, lang, with_unit=False)
    high = texts.number(cell.ci_high, unit, lang, with_unit=False)
    return f"{low}–{high}"


def _n(value: int | None, lang: str) -> str:
    return "" if value is None else texts.number(float(value), "count", lang)


def _count_text(cell: Cell, lang: str, marks: Marks) -> str:
    if cell.suppressed:
        return marks.hidden(cell.hidden_by)
    return _n(cell.denominator, lang)


def _prune(table: dict[str, Any], empty: tuple[str, ...] = ("",), keep: int = 1) -> dict[str, Any]:
    """Drops every column (after the first ``keep``) that has nothing but ``empty`` cells: no
    column is empty for a whole table. ``widths`` and ``quoted`` (the indices of columns of
    quotations) follow the columns kept."""
    rows = table["rows"]
    columns = range(len(table["head"]))
    kept = [i for i in columns if i < keep or any(row[i] not in empty for row in rows)]
    table["head"] = [table["head"][i] for i in kept]
    table["rows"] = [[row[i] for i in kept] for row in rows]
    if "widths" in table:
        table["widths"] = [table["widths"][i] for i in kept]
    if "quoted" in table:
        table["quoted"] = [kept.index(i) for i in table["quoted"] if i in kept]
    return table


def _previous(cell: Cell, change: Change | None, unit: str, lang: str, marks: Marks) -> str:
    """A region's value a year earlier as the table prints it: never a blank that a reader
    must guess at (no figure, a break, a hidden figure or a data-quality finding say so)."""
    if cell.status == "data_quality":
        return texts.t("previous_not_compared", lang)  # no "året före" beside a finding
    if change is not None and change.series_break:
        return texts.t("series_break_short", lang)  # nothing compared across a break
    if change is not None and change.previous_suppressed:
        return marks.hidden(change.previous_hidden_by)
    if change is None or change.previous is None:
        return "" if cell.value is None else texts.t("previous_missing", lang)
    return texts.number(change.previous, unit, lang)


def _compared(previous: str, lang: str) -> str:
    """The "året före" cell if it stands for an earlier figure, else "" (nothing to test)."""
    absent = ("", texts.t("previous_missing", lang), texts.t("previous_not_compared", lang))
    return "" if previous in absent else previous


def _significance(change: Change | None, previous: str, lang: str) -> str:
    """Whether the change from a year earlier is significant: yes, no, or not testable."""
    if change is None or change.p_value is None:
        return texts.t("not_tested", lang) if previous else ""
    return texts.t("yes", lang) if change.significant else texts.t("no", lang)


def _indicator_head(section: IndicatorSection, lang: str) -> list[str]:
    """The indicator table's head; the previous-year column names its period."""
    t = texts.t
    previous_period = next((c.previous_period for c in section.changes), "")
    return [
        t("region", lang),
        t("value", lang),
        t("ci", lang),
        t("n", lang),
        t("status", lang),
        t("previous", lang, period=period_name(previous_period, lang)),
        t("significance", lang),
    ]


def indicator_table(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any]:
    """An indicator's table: every region's value, interval, n, verdict and the change from a
    year earlier, with the notes on hidden cells and on changes that cannot be tested."""
    names = texts.region_names(report.regions, lang)
    changes = {c.region: c for c in section.changes}
    marks = Marks(lang, report.min_cell)
    # a median's n is never published (SPEC §7): not even a hidden one's mark
    publishes_n = getattr(_catalog().indicators.get(section.code), "publishes_n", True)
    rows = []
    for cell in section.cells:
        change = changes.get(cell.region)
        previous = _previous(cell, change, section.unit, lang, marks)
        rows.append(
            [
                names[cell.region],
                _cell_text(cell, section.unit, lang, marks),
                _ci(cell, section.unit, lang),
                _count_text(cell, lang, marks) if publishes_n else "",
                "" if cell.status == "no_target" else _status_text(cell, lang, report.min_cell),
                previous,
                _significance(change, _compared(previous, lang), lang),
            ]
        )
    table = {
        "head": _indicator_head(section, lang),
        "rows": rows,
        "status": [cell.status for cell in section.cells],
        "widths": [2.2, 1, 1.1, 0.8, 1.3, 1.1, 1.3],
        "notes": [],
    }
    not_tested = texts.t("not_tested", lang)
    untestable = all(row[6] in ("", not_tested) for row in rows) and any(
        row[6] == not_tested for row in rows
    )
    _prune(table, ("", not_tested) if untestable else ("",))
    notes = [texts.t("not_testable_note", lang)] if untestable else []
    table["notes"] = marks.notes() + notes
    return table


def _catalog() -> Any:
    from lofte.catalog import load

    return load()


def _indicator_names(lang: str) -> dict[str, str]:
    indicators = _catalog().indicators
    return {code: i.name_sv if lang == "sv" else i.name_en for code, i in indicators.items()}


def _reader(text: str, lang: str) -> str:
    """Catalogue text without codes, code links or internal file references."""
    return texts.reader_text(text, _indicator_names(lang))


def _target_source(code: str, fallback: str, lang: str) -> str:
    """Where a target comes from, in the report's language where the catalogue has it."""
    indicator = _catalog().indicators.get(code)
    if indicator is None:
        return _reader(fallback, lang)
    if lang == "en":
        # the English report never prints the Swedish text: without an English source text in
        # the catalogue the source is left out
        return _reader(getattr(indicator, "target_source_en", ""), lang)
    return _reader(indicator.target_source, lang)


def _target_note(section: IndicatorSection, lang: str) -> str:
    """The target under an indicator's heading, or why there is none."""
    t = texts.t
    if section.target is not None:
        level = target_text(section.target, section.target_high, section.unit, lang)
        return f"{t(_level_word(section), lang)}: {level}."
    why = f"why_no_target_{section.code}"
    reason = t(why, lang) if why in texts.TEXTS else _target_source(section.code, "", lang)
    if reason.lower().startswith(t("status_no_target", lang).lower()):
        return reason  # the source says it already
    return f"{t('status_no_target', lang)}. {reason}".strip()


def action_cells(action: Any, lang: str) -> list[str]:
    """An action as the report lists it: its title and owner as the plan writes them (the
    plans' own words, in Swedish), and its status and due date in ``lang``. ``action`` is a
    :class:`lofte.web.plans.gaps.GapAction` (or its dict)."""
    t = texts.t
    a = action if isinstance(action, dict) else vars(action)
    state = [t(f"plan_status_{a['status']}", lang)] if a["status"] else []
    if a["due"]:
        due = t("due_by", lang, date=a["due"])
        state.append(f"{due} ({t('overdue', lang)})" if a["overdue"] else due)
    return [a["title"], a["owner"] or "", "; ".join(state)]


def _name(section: IndicatorSection, lang: str) -> str:
    return section.name_sv if lang == "sv" else section.name_en


def findings(report: Report, lang: str) -> list[dict[str, Any]]:
    """The key findings: the narrative rules' sentences on targets kept and not kept, on
    significant changes and on significant differences from the nation, under one heading
    each, every sentence led by its indicator."""
    regions = texts.region_names(report.regions, lang)
    out = []
    for key, rules in FINDINGS:
        items = [
            f"{_name(section, lang)}: {render(sentence, regions, lang)}"
            for promise in report.promises
            for section in promise.indicators
            for sentence in section.narrative
            if sentence.key in rules
        ]
        out.append({"title": texts.t(key, lang), "items": items})
    return out


def _days(days: float | None, why: str | None, lang: str, marks: Marks) -> str:
    """Median days without the unit; a hidden one as the mark of its rule."""
    if why:
        return marks.hidden(why)
    return "" if days is None else texts.number(days, "days", lang, with_unit=False)


def _pathway_row(row: PathwayRow, lang: str, marks: Marks) -> list[str]:
    """One pathway: name, n, share within the lead time, median, its steps and the change."""
    if row.share_suppressed:
        share, n = marks.hidden(row.share_hidden_by), marks.hidden(row.share_hidden_by)
    elif not row.has_lead_time:
        share, n = texts.t("no_lead_time", lang), ""
    else:
        share = texts.number(row.share, "percent", lang) if row.share is not None else ""
        n = _n(row.n, lang)
    median = _days(row.median, row.median_hidden_by, lang, marks)
    steps = [
        _days(days, why, lang, marks)
        for days, why in zip(
            row.steps or [None] * len(BOTTLENECK_STEPS),
            row.steps_hidden_by or [None] * len(BOTTLENECK_STEPS),
            strict=True,
        )
    ]
    change = ""
    if row.change_pp is not None:
        change = texts.points(row.change_pp, lang) + (" *" if row.significant else "")
    return [row.name_sv if lang == "sv" else row.name_en, n, share, median, *steps, change]


def _treatments(suffixes: list[int], pathway: str, lang: str) -> str:
    """The treatments of end ``suffixes`` in words, as one list ("kirurgi och strålbehandling")."""
    catalog = _catalog()
    words = dict.fromkeys(
        texts.t(f"treatment_{catalog.treatment_for(pathway, s)}", lang)
        for s in sorted(suffixes)
        if f"treatment_{catalog.treatment_for(pathway, s)}" in texts.TEXTS
    )
    return names_list(list(words), lang)


def no_lead_time_reason(pathway: str, name: str, period: str, lang: str) -> str:
    """Why ``pathway`` has no share within the lead time in ``period``, from the pathway
    catalogue: a revision whose lead times are not known, lead times known for some treatments
    only, or none of the period's pathways ending in a treatment that has one."""
    catalog = _catalog()
    version = catalog.lead_time_version(pathway, periods.parse(period).end)
    if version is None or not version.basic:
        older = [v for v in catalog.pathway(pathway).lead_times if v.basic]
        if version is not None and older and older[0].valid_from < version.valid_from:
            year = version.valid_from.year
            return texts.t("no_lead_time_revised", lang, pathway=name, year=year)
        return texts.t("no_lead_time_unknown", lang, pathway=name)
    ends = set(catalog.pathway(pathway).end_suffixes)
    known = [s for s in version.basic if s in ends]
    if ends - set(known):
        treatments = _treatments(known, pathway, lang)
        return texts.t("no_lead_time_partial", lang, pathway=name, treatments=treatments)
    return texts.t("no_lead_time_none", lang, pathway=name)


def _pathway_notes(
    table: dict[str, Any], rows: list[PathwayRow], period: str, lang: str
) -> list[str]:
    """The notes of a per-pathway table, each only for a column (or mark) the table has, and
    why each pathway without a known lead time has none."""
    t = texts.t
    notes = []
    if t("n_closed", lang) in table["head"]:
        notes.append(t("pathway_note_n", lang))
    if t("change_pp", lang) in table["head"]:
        notes.append(t("pathway_note_change", lang))
        if any(row.significant and row.change_pp is not None for row in rows):
            notes.append(t("pathway_note_star", lang))
    for row in rows:
        if not row.has_lead_time and not row.share_suppressed:
            name = row.name_sv if lang == "sv" else row.name_en
            notes.append(no_lead_time_reason(row.pathway, name, period, lang))
    return notes


def _pathway_table(
    rows: list[PathwayRow], region: str, report: Report, lang: str
) -> dict[str, Any]:
    """Promise 1 per pathway for one region: the share's own n, the share within the lead
    time, the median, the *ingående ledtider* and the change from a year earlier."""
    t = texts.t
    regions = texts.region_names(report.regions, lang)
    marks = Marks(lang, report.min_cell)
    body = [_pathway_row(row, lang, marks) for row in rows]
    table = {
        "title": t(
            "pathway_table", lang, region=regions[region], period=period_name(report.period, lang)
        ),
        "head": [
            t("pathway", lang),
            t("n_closed", lang),
            t("share_within", lang),
            t("median_days", lang),
            *[t(key, lang) for _, key in BOTTLENECK_STEPS],
            t("change_pp", lang),
        ],
        "sheet": f"{t('pathway', lang)} {regions[region].removeprefix('Region ')}",
        "rows": body,
        "widths": [2.4, 0.8, 1.1, 0.9, 1, 1, 1.1, 1.2],
    }
    _prune(table)
    table["notes"] = [*_pathway_notes(table, rows, report.period, lang), *marks.notes()]
    return table


def mdk_pair(promise: PromiseSection, report: Report, lang: str) -> dict[str, Any] | None:
    """The two MDK measures side by side, with the one sentence on why they differ."""
    by_code = {s.code: s for s in promise.indicators}
    svf, register = by_code.get("svf_andel_mdk"), by_code.get("mdk_andel")
    if svf is None or register is None or svf.period is None or register.period is None:
        return None
    regions = texts.region_names(report.regions, lang)
    marks = Marks(lang, report.min_cell)
    cells = {s.code: {c.region: c for c in s.cells} for s in (svf, register)}
    rows = [
        [
            regions[r],
            _cell_text(cells[svf.code][r], svf.unit, lang, marks),
            _cell_text(cells[register.code][r], register.unit, lang, marks),
        ]
        for r in report.regions
    ]
    return {
        "title": texts.t("mdk_pair_title", lang),
        "sheet": texts.t("sheet_mdk", lang),
        "head": [
            texts.t("region", lang),
            f"{_name(svf, lang)} ({period_name(svf.period, lang)})",
            f"{_name(register, lang)} ({period_name(register.period, lang)})",
        ],
        "rows": rows,
        "text": texts.t("mdk_pair_why", lang),
        "notes": marks.notes(),
    }


def _values(section: IndicatorSection, lang: str, names: dict[str, str]) -> str:
    return ", ".join(
        f"{names[c.region]} {texts.number(c.value, section.unit, lang)}"
        for c in section.cells
        if c.value is not None
    )


def _svf_caveats(
    promise: PromiseSection, report: Report, lang: str, names: dict[str, str]
) -> list[str]:
    """The delivery warnings and comparability of SVF figures (the cancer register's coverage
    is among the model's caveats, :attr:`PromiseSection.caveats`)."""
    warnings = ", ".join(f"{names[q.region]} {_n(q.warnings, lang)}" for q in report.quality)
    return [
        texts.t("caveat_warnings", lang, warnings=warnings),
        texts.t("caveat_svf_comparability", lang),
    ]


def _palliative_caveats(coverage: IndicatorSection, lang: str, names: dict[str, str]) -> list[str]:
    """The palliative register's coverage, and each region (or the nation) below its line."""
    assert coverage.period is not None and coverage.target is not None
    line = texts.number(coverage.target, coverage.unit, lang)
    period = period_name(coverage.period, lang)
    values = _values(coverage, lang, names)
    out = [texts.t("caveat_palliative", lang, period=period, values=values, line=line)]
    for cell in coverage.cells:
        if cell.value is None or cell.value >= coverage.target:
            continue
        key = "caveat_below_line_nation" if cell.region == "SE" else "caveat_below_line"
        value = texts.number(cell.value, coverage.unit, lang)
        out.append(texts.t(key, lang, region=names[cell.region], value=value, line=line))
    return out


def caveats(promise: PromiseSection, report: Report, lang: str) -> list[str]:
    """The data-quality caveats of one promise: register coverage, delivery warnings and
    comparability, each only where the promise's figures depend on it."""
    names = texts.region_names(report.regions, lang)
    out = []
    if any(s.source == "svf" for s in promise.indicators):
        out.extend(_svf_caveats(promise, report, lang, names))
    coverage = next((s for s in promise.indicators if s.code == "pal_tackningsgrad"), None)
    if coverage is not None and coverage.period is not None and coverage.target is not None:
        out.extend(_palliative_caveats(coverage, lang, names))
    # register coverage, warnings that stand out, comparability (lofte.reports.narrative)
    out.extend(render(sentence, names, lang) for sentence in promise.caveats)
    aggregates = [s for s in promise.indicators if s.source == "aggregate" and s.period]
    if aggregates and any(s.period != report.period for s in aggregates):
        out.append(texts.t("caveat_aggregate_periods", lang))
    return out


#: Texts the templates and the workbook print as they are, by key (``p.labels``).
LABELS = (
    "contents",
    "summary",
    "summary_intro",
    "findings",
    "findings_intro",
    "findings_none",
    "sheet_quality",
    "sheet_deliveries",
    "sheet_sources",
    "sheet_gap_actions",
    "status",
    "indicator",
    "target",
    "period",
    "gaps",
    "gaps_intro",
    "gaps_none",
    "annex",
    "annex_definitions",
    "annex_sources",
    "annex_suppression",
    "annex_quality",
    "annex_method",
    "no_rehabilitation",
    "narrative",
    "table_fallback",
    "svf_source",
    "aggregate_source",
    "quality_intro",
    "language_other",
    "page",
)


def _summary_cell(
    cell: Cell, section: IndicatorSection, report: Report, lang: str, marks: Marks
) -> dict[str, Any]:
    """One region's cell of the summary: the value and, where there is one, the verdict."""
    return {
        "text": _cell_text(cell, section.unit, lang, marks),
        "status": cell.status,
        # "no target" is said once in the target column, not in every cell
        "status_text": ""
        if cell.status in ("no_target", "suppressed")
        else _status_text(cell, lang, report.min_cell),
    }


def summary(report: Report, lang: str) -> dict[str, Any]:
    """The summary table: every indicator with figures, one column per region (value and
    verdict), with the notes on hidden cells."""
    regions = texts.region_names(report.regions, lang)
    marks = Marks(lang, report.min_cell)
    rows = []
    for promise in report.promises:
        for section in promise.indicators:
            if section.period is None:
                continue
            cells = {c.region: c for c in section.cells}
            rows.append(
                {
                    "promise": promise.number,
                    "name": _name(section, lang),
                    "period": period_name(section.period, lang),
                    "target": _level_text(section, lang),
                    "cells": [
                        _summary_cell(cells[r], section, report, lang, marks) for r in regions
                    ],
                }
            )
    return {"columns": list(regions.values()), "rows": rows, "notes": marks.notes()}


def indicator_item(
    section: IndicatorSection, report: Report, lang: str, charts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One indicator of a promise as the renderings print it: name, description, target,
    narrative, charts and table (or why there are no figures)."""
    regions = texts.region_names(report.regions, lang)
    item: dict[str, Any] = {
        "code": section.code,
        "name": _name(section, lang),
        "sheet": texts.sheet_name(section.code, lang) or _name(section, lang),
        "description": _reader(
            section.description_sv if lang == "sv" else section.description_en, lang
        ),
        "target": target_text(section.target, section.target_high, section.unit, lang),
        "target_note": _target_note(section, lang),
        "no_data": "",
        "period_note": "",
        "table": None,
        "narrative": [render(s, regions, lang) for s in section.narrative],
        "charts": [c for c in (f"cmp-{section.code}", f"trend-{section.code}") if c in charts],
        "synthetic": False,
    }
    if section.period is None:
        period = period_name(report.period, lang)
        region = regions[report.healthcare_region]
        item["no_data"] = texts.t("no_data_indicator", lang, region=region, period=period)
        return item
    if section.period != report.period:
        period = period_name(section.period, lang)
        item["period_note"] = texts.t("period_note", lang, period=period)
    item["table"] = indicator_table(section, report, lang)
    item["synthetic"] = any(s.synthetic for s in report.sources if s.indicator == section.code)
    return item


def bottleneck(
    promise: PromiseSection, report: Report, lang: str, charts: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """The *ingående ledtider* per region (median days of each step), None without them."""
    if not promise.bottleneck:
        return None
    t = texts.t
    regions = texts.region_names(report.regions, lang)
    marks = Marks(lang, report.min_cell)
    rows = [_bottleneck_row(row, regions, lang, marks) for row in promise.bottleneck]
    chart = f"bottleneck-{promise.number}"
    return {
        "title": t("bottleneck_title", lang, period=period_name(report.period, lang)),
        "sheet": t("bottleneck_sheet", lang),
        "chart": chart if chart in charts else None,
        "head": [t("region", lang)] + [t(key, lang) for _, key in BOTTLENECK_STEPS],
        "rows": rows,
        "note": t("bottleneck_note", lang),
        "notes": marks.notes(),
        "narrative": [render(s, regions, lang) for s in promise.bottleneck_narrative],
    }


def _bottleneck_row(
    row: BottleneckRow, regions: dict[str, str], lang: str, marks: Marks
) -> list[str]:
    """One region's *ingående ledtider*: median days per step, hidden ones as marks."""
    reasons = row.hidden_by or [None] * len(row.steps)
    steps = [_days(v, why, lang, marks) for v, why in zip(row.steps, reasons, strict=True)]
    return [regions[row.region], *steps]


def promise_block(
    promise: PromiseSection, report: Report, lang: str, charts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """One promise: its text, its indicators, the per-pathway tables, the *ingående ledtider*,
    the two MDK measures, the caveats and the what-if table, each where the promise has it."""
    hr_name = texts.region_names(report.regions, lang)[report.healthcare_region]
    block: dict[str, Any] = {
        "number": promise.number,
        "title": texts.t("promise", lang, n=promise.number),
        "text": promise.text_sv if lang == "sv" else promise.text_en,
        "indicators": [indicator_item(s, report, lang, charts) for s in promise.indicators],
        "pathway_tables": [],
        "pathway_title": "",
        "bottleneck": None,
        "mdk": mdk_pair(promise, report, lang),
        "caveats": caveats(promise, report, lang),
        "caveats_title": texts.t("caveats_title", lang),
        "whatif": whatif.present(promise.whatif, lang, hr_name, report.min_cell),
    }
    if promise.pathway_tables or promise.pathway_table:
        tables = promise.pathway_tables or {report.healthcare_region: promise.pathway_table}
        block["pathway_title"] = texts.t("pathway_section", lang)
        block["pathway_tables"] = [
            _pathway_table(rows, region, report, lang) for region, rows in tables.items() if rows
        ]
    block["bottleneck"] = bottleneck(promise, report, lang, charts)
    return block


def _action_numbers(report: Report) -> dict[Any, int]:
    """Each action linked to a gap numbered once, in the order of the gaps it first covers."""
    numbers: dict[Any, int] = {}
    for g in report.gaps:
        for action in g.actions:
            key = _action_key(action)
            numbers.setdefault(key, len(numbers) + 1)
    return numbers


def _action_key(action: Any) -> Any:
    a = action if isinstance(action, dict) else vars(action)
    return a["pk"]


def gaps_table(report: Report, lang: str) -> dict[str, Any]:
    """The gaps against target, each with the numbers of the actions the action plans link to
    it; the actions themselves are listed once each by :func:`gap_actions_table`."""
    t = texts.t
    regions = texts.region_names(report.regions, lang)
    numbers = _action_numbers(report)
    head = ["promise", "indicator", "region", "period", "value", "target", "status"]
    return {
        "head": [
            t("promise", lang, n="").strip(),
            *[t(key, lang) for key in head[1:]],
            t("action_numbers", lang),
        ],
        "rows": [
            [
                str(g.promise or ""),
                g.name_sv if lang == "sv" else g.name_en,
                regions[g.region],
                period_name(g.period, lang),
                texts.number(g.value, g.unit, lang),
                target_text(g.target, g.target_high, g.unit, lang),
                t(STATUS_KEYS[g.status], lang, min_cell=report.min_cell),
                ", ".join(str(numbers[_action_key(a)]) for a in g.actions)
                or t("no_action_plan", lang),
            ]
            for g in report.gaps
        ],
    }


def gap_actions_table(report: Report, lang: str) -> dict[str, Any]:
    """Every action linked to a gap once: its number, what it is (owner, status, due date) and
    the gaps it covers, by indicator with the regions in the report's order."""
    t = texts.t
    regions = texts.region_names(report.regions, lang)
    numbers = _action_numbers(report)
    actions: dict[Any, Any] = {}
    covers: dict[Any, dict[str, list[str]]] = {}
    for g in report.gaps:
        name = g.name_sv if lang == "sv" else g.name_en
        for action in g.actions:
            key = _action_key(action)
            actions.setdefault(key, action)
            covers.setdefault(key, {}).setdefault(name, []).append(regions[g.region])
    rows = [
        [
            str(numbers[key]),
            *action_cells(actions[key], lang),
            "; ".join(f"{name}: {names_list(names, lang)}" for name, names in covers[key].items()),
        ]
        for key in sorted(actions, key=numbers.__getitem__)
    ]
    head = [
        t("action_number", lang),
        t("action_title", lang),
        t("action_owner", lang),
        t("action_state", lang),
        t("action_covers", lang),
    ]
    # the title and the owner are the plans' words: quotations in Swedish in another language
    table = {
        "title": t("gap_actions", lang),
        "head": head,
        "rows": rows,
        "widths": [0.4, 2.6, 1.8, 1.3, 2.6],
        "quoted": [] if lang == "sv" else [1, 2],
    }
    return _prune(table)


def definitions_table(report: Report, lang: str) -> dict[str, Any]:
    """Annex 1: every indicator's unit, target, description and the target's source."""
    t = texts.t
    head = ["indicator", "unit", "target", "description", "target_source"]
    definitions = {
        "head": [t(key, lang) for key in head],
        "rows": [
            [
                _name(s, lang),
                t(f"unit_{s.unit}", lang),
                _level_text(s, lang),
                _reader(s.description_sv if lang == "sv" else s.description_en, lang),
                _target_source(s.code, s.target_source, lang),
            ]
            for s in report.sections()
        ],
        "widths": [1.6, 0.6, 0.9, 2.2, 2.2],
    }
    # a column with nothing in it is left out (the English sources before they are written)
    return _prune(definitions)


def sources_table(report: Report, lang: str) -> dict[str, Any]:
    """Annex 2: each series a figure comes from, its periods and when it was imported."""
    t = texts.t
    names = {s.code: _name(s, lang) for s in report.sections()}
    return {
        "head": [t("indicator", lang), t("source", lang), t("periods", lang), t("imported", lang)],
        "rows": [
            [
                names.get(s.indicator, s.indicator),
                _source_label(texts.series_label(s.source, s.definition, lang), s.synthetic, lang),
                ", ".join(s.periods),
                s.imported,
            ]
            for s in report.sources
        ],
    }


def _source_label(label: str, synthetic: bool, lang: str) -> str:
    """A source as Annex 2 names it, marked *syntetiska* when its values are synthetic, unless
    its own name already says so (the demo's *Syntetiska demodata*)."""
    word = texts.t("synthetic_source", lang)
    text = _reader(label, lang)
    return f"{text} ({word})" if synthetic and word.lower() not in text.lower() else text


def deliveries_table(report: Report, lang: str) -> dict[str, Any]:
    """Annex 2: where the SVF data come from and how far they reach, per region (no table
    where no region has a delivery)."""
    t = texts.t
    regions = texts.region_names(report.regions, lang)
    table = _prune(
        {
            "head": [t("region", lang), t("q_window", lang), t("q_delivered", lang)],
            "rows": [
                [regions[q.region], q.data_to or "", q.last_delivered or ""] for q in report.quality
            ],
        }
    )
    return table if len(table["head"]) > 1 else {"head": [], "rows": []}


def quality_table(report: Report, lang: str) -> dict[str, Any]:
    """Annex 4: how clean each region's SVF deliveries were (no column shared with Annex 2
    but the region)."""
    regions = texts.region_names(report.regions, lang)
    head = ["region", "q_active", "q_rejected", "q_rows", "q_warnings", "q_errors"]
    return {
        "head": [texts.t(key, lang) for key in head],
        "rows": [
            [
                regions[q.region],
                *(_n(n, lang) for n in (q.active, q.rejected, q.rows, q.warnings, q.errors)),
            ]
            for q in report.quality
        ],
    }


def present(report: Report, lang: str, charts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The whole report in ``lang``: every text and table the HTML, the Typst template and the
    workbook print, with ``charts`` (the chart specifications by name) referenced by name."""
    t = texts.t
    hr_name = texts.region_names(report.regions, lang)[report.healthcare_region]
    period_text = period_name(report.period, lang)
    summary_table = summary(report, lang)
    return {
        "lang": lang,
        "title": t("title", lang),
        "subtitle": t("subtitle", lang, region=hr_name, period=period_text),
        "region_name": hr_name,
        "period": report.period,
        "period_text": period_text,
        "synthetic_banner": t("synthetic_banner", lang) if report.synthetic else "",
        "made_by": t("made_by", lang, date=report.generated),
        "intro": t("intro", lang),
        "labels": {key: t(key, lang) for key in LABELS},
        "findings": findings(report, lang),
        "summary": summary_table,
        "promises": [promise_block(p, report, lang, charts) for p in report.promises],
        "gaps": gaps_table(report, lang),
        "gap_actions": gap_actions_table(report, lang),
        "definitions": definitions_table(report, lang),
        "sources": sources_table(report, lang),
        "deliveries": deliveries_table(report, lang),
        "suppression": [
            *disclosure_paragraphs(lang, report.min_cell),
            t("suppression_marks", lang, min_cell=report.min_cell),
        ],
        "method": t("method_text", lang),
        "quality": quality_table(report, lang),
    }


def disclosure_paragraphs(lang: str, min_cell: int) -> list[str]:
    """The disclosure rule in words (SPEC §7): the same paragraphs in the report's annex and on
    the results site's *Om statistiken*."""
    params = {"min_cell": min_cell, "below": min_cell - 1}
    return [
        texts.t("suppression_text", lang, **params),
        *texts.t("suppression_rules", lang, **params).split("|"),
        texts.t("suppression_example", lang, **params),
        texts.t("suppression_audit", lang, **params),
    ]
