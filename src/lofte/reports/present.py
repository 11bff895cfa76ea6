"""The report model worded and formatted for one language: what every rendering prints.

:func:`present` turns the :class:`~lofte.reports.model.Report` into plain dicts of strings and
tables (``{"head": [...], "rows": [[...]]}``). The HTML template, the Typst template and the XLSX
writer all print this one structure, so the three renderings cannot disagree. Numbers are only
formatted here, never computed.
"""

from __future__ import annotations

from typing import Any

from lofte.reports import texts
from lofte.reports.model import BOTTLENECK_STEPS, Cell, IndicatorSection, Report
from lofte.reports.narrative import period_name, render, target_text

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


def _level_word(section: IndicatorSection) -> str:
    """A borrowed level is called a reference, never a target (SPEC §9)."""
    return "reference_level" if section.target_kind == "reference" else "target"


def _level_text(section: IndicatorSection, lang: str) -> str:
    """The target level in words; a borrowed one says *Referens* before it."""
    text = target_text(section.target, section.target_high, section.unit, lang)
    if section.target is not None and section.target_kind == "reference":
        return f"{texts.t('reference_level', lang)} {text}"
    return text


def _cell_text(cell: Cell, unit: str, lang: str) -> str:
    """The value; "–" only for a suppressed cell, blank where there is no figure at all."""
    if cell.value is None and not cell.suppressed:
        return ""
    return texts.number(cell.value, unit, lang)


def _ci(cell: Cell, unit: str, lang: str) -> str:
    if cell.ci_low is None or cell.ci_high is None or unit != "percent":
        return ""
    low = texts.number(cell.ci_low, unit, lang, with_unit=False)
    high = texts.number(cell.ci_high, unit, lang, with_unit=False)
    return f"{low}–{high}"


def _n(value: int | None, lang: str) -> str:
    return texts.number(None if value is None else float(value), "count", lang)


def _count_text(cell: Cell, lang: str) -> str:
    if cell.suppressed:
        return "–"
    return "" if cell.denominator is None else _n(cell.denominator, lang)


def indicator_table(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any]:
    t = texts.t
    names = texts.region_names(report.regions, lang)
    changes = {c.region: c for c in section.changes}
    head = [
        t("region", lang),
        t("value", lang),
        t("ci", lang),
        t("n", lang),
        t("status", lang),
        t("previous", lang),
        t("significance", lang),
    ]
    rows = []
    statuses = []
    for cell in section.cells:
        change = changes.get(cell.region)
        if change is not None and change.series_break:
            previous = t("series_break_short", lang)  # nothing compared across a break
        elif change is not None and change.previous_suppressed:
            previous = "–"
        elif change is None or change.previous is None:
            previous = ""
        else:
            previous = texts.number(change.previous, section.unit, lang)
        if change is None or change.p_value is None:
            significant = t("not_tested", lang)
        else:
            significant = t("yes", lang) if change.significant else t("no", lang)
        rows.append(
            [
                names[cell.region],
                _cell_text(cell, section.unit, lang),
                _ci(cell, section.unit, lang),
                _count_text(cell, lang),
                t(STATUS_KEYS[cell.status], lang),
                previous,
                significant,
            ]
        )
        statuses.append(cell.status)
    return {"head": head, "rows": rows, "status": statuses}


def gap_actions_text(actions: list[Any], lang: str) -> str:
    """A gap's linked actions as one cell: title (owner; status; due), or *Ingen åtgärd
    registrerad*. ``actions`` are :class:`lofte.web.plans.gaps.GapAction` (or their dicts)."""
    t = texts.t
    if not actions:
        return t("no_action_plan", lang)
    parts = []
    for action in actions:
        a = action if isinstance(action, dict) else vars(action)
        details = [a["owner"] or "–", t(f"plan_status_{a['status']}", lang)]
        if a["due"]:
            due = t("due_by", lang, date=a["due"])
            details.append(f"{due} ({t('overdue', lang)})" if a["overdue"] else due)
        parts.append(f"{a['title']} ({'; '.join(details)})")
    return " • ".join(parts)


def present(report: Report, lang: str, charts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    t = texts.t
    regions = texts.region_names(report.regions, lang)
    hr_name = regions[report.healthcare_region]
    period_text = period_name(report.period, lang)
    region_columns = list(regions)

    summary_rows = []
    for promise in report.promises:
        for section in promise.indicators:
            if section.period is None:
                continue
            cells = {c.region: c for c in section.cells}
            summary_rows.append(
                {
                    "promise": promise.number,
                    "name": section.name_sv if lang == "sv" else section.name_en,
                    "period": period_name(section.period, lang),
                    "target": _level_text(section, lang),
                    "cells": [
                        {
                            "text": _cell_text(cells[r], section.unit, lang),
                            "status": cells[r].status,
                            # "no target" is said once in the target column, not in every cell
                            "status_text": ""
                            if cells[r].status == "no_target"
                            else t(STATUS_KEYS[cells[r].status], lang),
                        }
                        for r in region_columns
                    ],
                }
            )

    promises = []
    for promise in report.promises:
        items = []
        for section in promise.indicators:
            name = section.name_sv if lang == "sv" else section.name_en
            item: dict[str, Any] = {
                "code": section.code,
                "name": name,
                "description": (section.description_sv if lang == "sv" else section.description_en),
                "target": target_text(section.target, section.target_high, section.unit, lang),
                "target_note": (
                    t("status_no_target", lang) + "."
                    if section.target is None
                    else f"{t(_level_word(section), lang)}: "
                    + target_text(section.target, section.target_high, section.unit, lang)
                    + "."
                ),
                "no_data": "",
                "period_note": "",
                "table": None,
                "narrative": [render(s, regions, lang) for s in section.narrative],
                "charts": [
                    c for c in (f"cmp-{section.code}", f"trend-{section.code}") if c in charts
                ],
                "synthetic": False,
            }
            if section.period is None:
                item["no_data"] = t("no_data_indicator", lang, region=hr_name, period=period_text)
            else:
                if section.period != report.period:
                    item["period_note"] = t(
                        "period_note", lang, period=period_name(section.period, lang)
                    )
                item["table"] = indicator_table(section, report, lang)
                item["synthetic"] = any(
                    s.synthetic for s in report.sources if s.indicator == section.code
                )
            items.append(item)
        block: dict[str, Any] = {
            "number": promise.number,
            "title": t("promise", lang, n=promise.number),
            "text": promise.text_sv if lang == "sv" else promise.text_en,
            "indicators": items,
            "pathway_table": None,
            "bottleneck": None,
        }
        if promise.pathway_table:
            block["pathway_table"] = {
                "title": t("pathway_table", lang, region=hr_name, period=period_text),
                "head": [
                    t("pathway", lang),
                    t("n_closed", lang),
                    t("share_within", lang),
                    t("median_days", lang),
                    t("change_pp", lang),
                ],
                "rows": [
                    [
                        row.name_sv if lang == "sv" else row.name_en,
                        _n(row.n, lang),
                        texts.number(row.share, "percent", lang)
                        if row.has_lead_time
                        else t("no_lead_time", lang),
                        texts.number(row.median, "days", lang, with_unit=False),
                        (texts.points(row.change_pp, lang) + (" *" if row.significant else ""))
                        if row.change_pp is not None
                        else "–",
                    ]
                    for row in promise.pathway_table
                ],
                "note": t("pathway_table_note", lang),
            }
        if promise.bottleneck:
            block["bottleneck"] = {
                "title": t("bottleneck_title", lang, period=period_text),
                "chart": f"bottleneck-{promise.number}"
                if f"bottleneck-{promise.number}" in charts
                else None,
                "head": [t("region", lang)] + [t(key, lang) for _, key in BOTTLENECK_STEPS],
                "rows": [
                    [regions[row.region]]
                    + [texts.number(v, "days", lang, with_unit=False) for v in row.steps]
                    for row in promise.bottleneck
                ],
                "note": t("bottleneck_note", lang),
                "narrative": [render(s, regions, lang) for s in promise.bottleneck_narrative],
            }
        promises.append(block)

    gaps = {
        "head": [
            t("promise", lang, n="").strip(),
            t("indicator", lang),
            t("region", lang),
            t("period", lang),
            t("value", lang),
            t("target", lang),
            t("status", lang),
            t("action_plan", lang),
        ],
        "rows": [
            [
                str(g.promise or ""),
                g.name_sv if lang == "sv" else g.name_en,
                regions[g.region],
                period_name(g.period, lang),
                texts.number(g.value, g.unit, lang),
                target_text(g.target, g.target_high, g.unit, lang),
                t(STATUS_KEYS[g.status], lang),
                gap_actions_text(g.actions, lang),
            ]
            for g in report.gaps
        ],
    }
    definitions = {
        "head": [
            t("indicator", lang),
            t("unit", lang),
            t("target", lang),
            t("description", lang),
            t("target_source", lang),
        ],
        "rows": [
            [
                (s.name_sv if lang == "sv" else s.name_en) + f" ({s.code})",
                t(f"unit_{s.unit}", lang),
                _level_text(s, lang),
                s.description_sv if lang == "sv" else s.description_en,
                s.target_source_en if lang == "en" and s.target_source_en else s.target_source,
            ]
            for s in report.sections()
        ],
    }
    names = {s.code: (s.name_sv if lang == "sv" else s.name_en) for s in report.sections()}
    sources = {
        "head": [t("indicator", lang), t("source", lang), t("periods", lang), t("imported", lang)],
        "rows": [
            [
                names.get(s.indicator, s.indicator),
                s.source + (f" ({t('synthetic_source', lang)})" if s.synthetic else ""),
                ", ".join(s.periods),
                s.imported,
            ]
            for s in report.sources
        ],
    }
    quality = {
        "head": [
            t("region", lang),
            t("q_active", lang),
            t("q_rejected", lang),
            t("q_window", lang),
            t("q_rows", lang),
            t("q_warnings", lang),
            t("q_errors", lang),
            t("q_delivered", lang),
        ],
        "rows": [
            [
                regions[q.region],
                str(q.active),
                str(q.rejected),
                q.data_to or "–",
                _n(q.rows, lang),
                _n(q.warnings, lang),
                _n(q.errors, lang),
                q.last_delivered or "–",
            ]
            for q in report.quality
        ],
    }
    labels = {
        key: t(key, lang)
        for key in (
            "contents",
            "summary",
            "summary_intro",
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
            "narrative",
            "table_fallback",
            "suppressed_footnote",
            "svf_source",
            "aggregate_source",
            "quality_intro",
            "language_other",
            "page",
        )
    }
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
        "labels": labels,
        "summary": {
            "columns": [regions[r] for r in region_columns],
            "rows": summary_rows,
        },
        "promises": promises,
        "gaps": gaps,
        "definitions": definitions,
        "sources": sources,
        "suppression": disclosure_paragraphs(lang, report.min_cell),
        "method": t("method_text", lang),
        "quality": quality,
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
