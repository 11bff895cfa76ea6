"""Narrative sentences by rules that say only what the figures support (SPEC §9).

Each rule looks at the report model and either produces a :class:`~lofte.reports.types.Sentence`
or stays silent:

- *target*: the healthcare region's value against its target (a fact, no test needed);
- *counties meeting*: how many of the regions with a shown value meet the target;
- *change*: a region's value against the same period a year earlier, **only** when a
  two-proportion test (:func:`lofte.core.stats.two_proportion_test`) gives p < 0.05; medians,
  scores and values without counts cannot be tested and get no sentence;
- *range*: highest and lowest region, only when their difference is significant;
- *national*: the healthcare region above or below the nation, only when significant;
- *bottleneck*: the longest *ingående ledtid* of the healthcare region (a fact);
- *reference*: a level borrowed from another register is named as such, never judged;
- *over 100 %*: inclusion above 100 % is a data-quality finding with its likely causes (the
  register's coverage only where it is below :data:`~lofte.reports.types.COVERAGE_LINE`), and
  a parent whose regions include one gets no verdict either, naming them (ADR 0504);
- *comparability line*: a coverage judged against a register's comparability line is said to
  lie above or below that line, never to reach a target;
- *caveats*: a promise's data-quality box (:func:`caveat_sentences`): register coverage,
  delivery warnings that stand out, comparability (series breaks, counts that cannot be
  summed);
- *series break*: where a region's series changes source or definition, and that the values
  on either side are not compared (no change sentence crosses it).

A suppressed or missing cell never enters a sentence. Sentences carry typed parameters (region
codes, values with units, periods) and are worded in Swedish or English by :func:`render`.
"""

from __future__ import annotations

from typing import Any

from lofte.core import event_flags
from lofte.core.period_names import period_name
from lofte.reports import texts
from lofte.reports.types import (
    ALPHA,
    BOTTLENECK_STEPS,
    COMPARABILITY_LINES,
    COVERAGE_LINE,
    COVERAGE_OF,
    NO_COVERAGE_FIGURE,
    BottleneckRow,
    Cell,
    IndicatorSection,
    PromiseSection,
    QualityRow,
    Sentence,
    comparable,
    compare,
)

#: A county's delivery warnings stand out when they are at least this many and more than
#: :data:`WARNINGS_FACTOR` times every other county's.
WARNINGS_MIN = 100
WARNINGS_FACTOR = 3
#: Kinds of warning the report names in words; others are counted as *andra slag*.
WARNING_KINDS = (
    "orphan",
    "end_before_start",
    "duplicate_start",
    "after_end",
    "duplicate_row",
    "ignored_column",
)


def _region(code: str) -> dict[str, Any]:
    return {"kind": "region", "code": code}


def _num(value: float | None, unit: str) -> dict[str, Any]:
    return {"kind": "num", "value": value, "unit": unit}


def _target(section: IndicatorSection) -> dict[str, Any]:
    return {
        "kind": "target",
        "low": section.target,
        "high": section.target_high,
        "unit": section.unit,
    }


def indicator_sentences(
    section: IndicatorSection,
    counties: list[str],
    healthcare_region: str,
    coverage: IndicatorSection | None = None,
) -> list[Sentence]:
    """Every rule's sentences on one indicator, in reading order: the healthcare region against
    its target (or a reference, or a data-quality finding), breaks in the series, how many
    regions meet the target, significant changes, a significant range and the nation.
    ``coverage`` is the coverage of the register the indicator is counted on (if any)."""
    by_region = {c.region: c for c in section.cells}
    hr = by_region.get(healthcare_region)
    return [
        *_standing(section, hr, healthcare_region),
        *_over_100(section, coverage),
        *_series_breaks(section, counties, healthcare_region),
        *_counties_meeting(section, counties, by_region),
        *_changes(section),
        *_range(section, counties, by_region),
        *_versus_nation(hr, by_region.get("SE"), section.unit, healthcare_region),
    ]


def _standing(section: IndicatorSection, hr: Cell | None, code: str) -> list[Sentence]:
    """The healthcare region against its target, a borrowed reference named as such, and the
    regions above 100 % (a data-quality finding)."""
    out: list[Sentence] = []
    if hr is not None and hr.value is not None and hr.status in ("met", "partial", "not_met"):
        out.append(_target_sentence(section, hr, code))
    if hr is not None and hr.value is not None and hr.status == "reference":
        out.append(Sentence("n_reference", {"target": _target(section)}))
    return out


def _over_100(section: IndicatorSection, coverage: IndicatorSection | None) -> list[Sentence]:
    """The regions above 100 %, with the causes their register's coverage leaves (coverage is
    named only where it is below the comparability line or unknown), then each parent whose
    share counts one of them and so gets no verdict (ADR 0504)."""
    own = [c.region for c in section.cells if section.unit == "percent" and (c.value or 0) > 100]
    out: list[Sentence] = []
    if own:
        high = covered_well(own, coverage)
        low = [r for r in own if r not in high]
        if low:
            out.append(Sentence("n_over_100", {"regions": {"kind": "regions", "codes": low}}))
        if high:
            regions = {"kind": "regions", "codes": high}
            out.append(Sentence("n_over_100_covered", {"regions": regions}))
    for cell in section.cells:
        if cell.status == "data_quality" and cell.over_100_children and cell.region not in own:
            params = {
                "region": _region(cell.region),
                "value": _num(cell.value, section.unit),
                "children": {"kind": "regions", "codes": cell.over_100_children},
            }
            out.append(Sentence("n_over_100_parent", params))
    return out


def covered_well(regions: list[str], coverage: IndicatorSection | None) -> list[str]:
    """Those of ``regions`` whose register coverage is shown and at least the line."""
    if coverage is None:
        return []
    values = {c.region: c.value for c in coverage.cells if c.value is not None}
    return [r for r in regions if r in values and values[r] >= COVERAGE_LINE]


def _target_sentence(section: IndicatorSection, hr: Cell, code: str) -> Sentence:
    """The healthcare region's value against its target, naming the level it is about; a
    comparability line (:data:`~lofte.reports.types.COMPARABILITY_LINES`) is no target."""
    if section.code in COMPARABILITY_LINES:
        key = "n_line_below" if hr.status == "not_met" else "n_line_above"
        params = {"region": _region(code), "value": _num(hr.value, section.unit)}
        return Sentence(key, {**params, "target": _target(section)})
    key, target = f"n_target_{hr.status}", _target(section)
    if section.target_high is not None and hr.status != "partial":
        # with a low/high pair, name the one level that the sentence is about
        key += "_high" if hr.status == "met" else "_low"
        level = section.target_high if hr.status == "met" else section.target
        target = {"kind": "target", "low": level, "high": None, "unit": section.unit}
    params = {"region": _region(code), "value": _num(hr.value, section.unit), "target": target}
    return Sentence(key, params)


def _series_breaks(
    section: IndicatorSection, counties: list[str], healthcare_region: str
) -> list[Sentence]:
    """A break at the period shown is why "året före" is missing: say so once per change of
    series, naming its regions. Earlier breaks are where the trend lines stop and start again:
    name the regions once."""
    out: list[Sentence] = []
    order = [*counties, healthcare_region, "SE"]
    changes: dict[tuple[Any, Any], list[str]] = {}
    for brk in sorted(section.breaks, key=lambda b: order.index(b.region)):
        if brk.period == section.period and brk.region != "SE":
            changes.setdefault((_series(brk.before), _series(brk.after)), []).append(brk.region)
    for (before, after), codes in changes.items():
        params = {
            "regions": {"kind": "regions", "codes": codes},
            "period": {"kind": "period", "label": section.period},
            "before": dict(before),
            "after": dict(after),
        }
        out.append(Sentence("n_series_break", params))
    earlier = [
        code
        for code in order
        if any(b.region == code and b.period != section.period for b in section.breaks)
    ]
    if earlier:
        regions = {"kind": "regions", "codes": earlier}
        out.append(Sentence("n_series_breaks_trend", {"regions": regions}))
    return out


def _series(series: Any) -> tuple[tuple[str, str], ...]:
    """A series as a sentence parameter (hashable): its source and definition, worded when the
    sentence is rendered; "–" where a figure has no imported series."""
    if series is None:
        return (("kind", "raw"), ("text", "–"))
    return (("kind", "series"), ("source", series.source), ("definition", series.definition))


def _counties_meeting(
    section: IndicatorSection, counties: list[str], by_region: dict[str, Cell]
) -> list[Sentence]:
    """How many of the regions with a judged value meet the target (from two regions on); a
    comparability line is no target to meet."""
    if section.code in COMPARABILITY_LINES:
        return []
    judged = [
        by_region[c]
        for c in counties
        if c in by_region and by_region[c].status in ("met", "partial", "not_met")
    ]
    if len(judged) < 2:
        return []
    met = sum(1 for c in judged if c.status == "met")
    params = {"met": {"kind": "int", "value": met}, "total": {"kind": "int", "value": len(judged)}}
    return [Sentence("n_counties_meeting", params)]


def _changes(section: IndicatorSection) -> list[Sentence]:
    """Each region's significant change from a year earlier (never the nation's)."""
    out: list[Sentence] = []
    for change in section.changes:
        if change.region == "SE":
            continue  # the nation is the yardstick, not the subject
        if not change.significant or change.better is None or change.p_value is None:
            continue
        if change.p_value >= ALPHA:  # belt and braces: the rule is the test, not the flag
            continue
        params = {
            "region": _region(change.region),
            "previous": {"kind": "period", "label": change.previous_period},
            "before": _num(change.previous, section.unit),
            "after": _num(change.value, section.unit),
            "p": {"kind": "p", "value": change.p_value},
        }
        out.append(Sentence("n_change_better" if change.better else "n_change_worse", params))
    return out


def _range(
    section: IndicatorSection, counties: list[str], by_region: dict[str, Cell]
) -> list[Sentence]:
    """The highest and the lowest region, only when their difference is significant."""
    shown = [by_region[c] for c in counties if c in by_region and by_region[c].value is not None]
    if len(shown) < 2 or section.difference_p is None or section.difference_p >= ALPHA:
        return []
    high = max(shown, key=lambda c: c.value or 0.0)
    low = min(shown, key=lambda c: c.value or 0.0)
    params = {
        "high": _region(high.region),
        "high_value": _num(high.value, section.unit),
        "low": _region(low.region),
        "low_value": _num(low.value, section.unit),
    }
    return [Sentence("n_range_significant", params)]


def _versus_nation(hr: Cell | None, national: Cell | None, unit: str, code: str) -> list[Sentence]:
    """The healthcare region above or below the nation, only when significant."""
    if hr is None or national is None or not comparable(hr, national):
        return []  # another source or definition, or a data-quality finding
    p_value = compare(hr, national, unit)
    if p_value is None or p_value >= ALPHA or hr.value is None or national.value is None:
        return []
    if hr.value == national.value:
        return []
    return [
        Sentence(
            "n_vs_national",
            {
                "region": _region(code),
                "relation": {
                    "kind": "text",
                    "key": "rel_above" if hr.value > national.value else "rel_below",
                },
                "value": _num(hr.value, unit),
                "national": _num(national.value, unit),
            },
        )
    ]


def bottleneck_sentences(rows: list[BottleneckRow], healthcare_region: str) -> list[Sentence]:
    """The longest *ingående ledtid* of the healthcare region, when every step is known."""
    for row in rows:
        if row.region != healthcare_region:
            continue
        known = [(v, i) for i, v in enumerate(row.steps) if v is not None]
        if len(known) < len(BOTTLENECK_STEPS):
            return []
        days, step = max(known)
        return [
            Sentence(
                "n_bottleneck",
                {
                    "region": _region(healthcare_region),
                    "step": {"kind": "text", "key": BOTTLENECK_STEPS[step][1], "lower": True},
                    "days": {"kind": "num", "value": days, "unit": "count"},
                },
            )
        ]
    return []


def caveat_sentences(
    promise: PromiseSection,
    coverage: dict[str, IndicatorSection],
    quality: list[QualityRow],
    healthcare_region: str,
) -> list[Sentence]:
    """A promise's data-quality caveats that its figures support, in reading order: the
    coverage of the registers its indicators are counted on (and what it says about a share
    above 100 %), delivery warnings of a county that stand out (for SVF figures), and
    comparability: series that change source or definition, counts that cannot be summed.
    ``coverage`` holds the coverage measures by code (the promise's own among them)."""
    return [
        *_coverage_caveats(promise, coverage),
        *(_warning_caveats(quality) if any(s.source == "svf" for s in promise.indicators) else []),
        *_comparability_caveats(promise, healthcare_region),
    ]


def _names(sections: list[IndicatorSection]) -> dict[str, Any]:
    return {"kind": "names", "names": [(s.name_sv, s.name_en) for s in sections]}


def _values(section: IndicatorSection) -> dict[str, Any]:
    cells = [(c.region, c.value) for c in section.cells if c.value is not None]
    return {"kind": "values", "cells": cells, "unit": section.unit}


def _coverage_caveats(
    promise: PromiseSection, coverage: dict[str, IndicatorSection]
) -> list[Sentence]:
    """Per register coverage the promise's indicators are counted on, its values (and for the
    inclusion in SVF, which regions above 100 % coverage explains, which not); the other
    imported indicators have no coverage figure. A promise showing the coverage itself (the
    palliative register's) leaves it to its own caveat."""
    own = {s.code for s in promise.indicators}
    out: list[Sentence] = []
    by_measure: dict[str, list[IndicatorSection]] = {}
    for s in promise.indicators:
        measure = coverage.get(COVERAGE_OF.get(s.code, ""))
        if measure is not None and measure.code not in own and measure.period is not None:
            by_measure.setdefault(measure.code, []).append(s)
    for code, sections in by_measure.items():
        measure = coverage[code]
        params = {
            "indicators": _names(sections),
            "name": {"kind": "names", "names": [(measure.name_sv, measure.name_en)]},
            "period": {"kind": "period", "label": measure.period},
            "values": _values(measure),
        }
        out.append(Sentence("caveat_coverage_of", params))
        out.extend(_over_100_causes(sections, measure))
    bare = [s for s in promise.indicators if s.code in NO_COVERAGE_FIGURE and s.period]
    if bare:
        out.append(Sentence("caveat_no_coverage", {"indicators": _names(bare)}))
    return out


def _over_100_causes(sections: list[IndicatorSection], measure: IndicatorSection) -> list[Sentence]:
    """For the regions above 100 %: where coverage is low it may explain it; where it is high,
    the other likely causes."""
    over = [
        c.region
        for s in sections
        for c in s.cells
        if s.unit == "percent" and c.value is not None and c.value > 100
    ]
    if not over:
        return []
    high = covered_well(over, measure)
    low = [r for r in over if r not in high and any(c.region == r for c in measure.cells)]
    out = []
    if low:
        params = {
            "regions": {"kind": "regions", "codes": low},
            "line": _num(COVERAGE_LINE, "percent"),
        }
        out.append(Sentence("caveat_over_100_low_coverage", params))
    if high:
        values = _values(measure)
        values["cells"] = [(r, v) for r, v in values["cells"] if r in high]
        params = {"regions": {"kind": "regions", "codes": high}, "values": values}
        out.append(Sentence("caveat_over_100_high_coverage", params))
    return out


def _warning_caveats(quality: list[QualityRow]) -> list[Sentence]:
    """A county whose delivery warnings stand out (:data:`WARNINGS_MIN`,
    :data:`WARNINGS_FACTOR`): its count and its main kinds of warning."""
    out = []
    for row in quality:
        others = [q.warnings for q in quality if q.region != row.region]
        if row.warnings < WARNINGS_MIN or not others:
            continue
        if row.warnings <= WARNINGS_FACTOR * max(others):
            continue
        kinds: dict[str, int] = {}
        for kind, n in row.warning_kinds.items():
            key = kind if kind in WARNING_KINDS else "other"
            kinds[key] = kinds.get(key, 0) + n
        top = sorted(kinds.items(), key=lambda kv: -kv[1])[:3]
        params = {
            "region": _region(row.region),
            "count": {"kind": "count", "value": row.warnings},
            "stored": {"kind": "count", "value": row.warnings_counted},
            "kinds": {"kind": "kinds", "kinds": top},
        }
        complete = row.warnings_counted >= row.warnings
        out.append(
            Sentence("caveat_warning_kinds" if complete else "caveat_warning_kinds_stored", params)
        )
    return out


def _comparability_caveats(promise: PromiseSection, healthcare_region: str) -> list[Sentence]:
    """Each indicator whose series changes source or definition (naming the regions), and the
    counts that cannot be summed over regions."""
    out = []
    for s in promise.indicators:
        regions = list(dict.fromkeys(b.region for b in s.breaks))
        if regions:
            params = {
                "indicator": _names([s]),
                "regions": {"kind": "regions", "codes": regions},
            }
            out.append(Sentence("caveat_series_break", params))
    summed = [s for s in promise.indicators if not s.additive and s.period is not None]
    if summed:
        out.append(Sentence("caveat_not_additive", {"indicators": _names(summed)}))
    return out


def target_text(low: float | None, high: float | None, unit: str, lang: str) -> str:
    """A target level in words: one level, a low and a high one, or *ingen målnivå*."""
    if low is None:
        return texts.t("no_target", lang)
    if high is None:
        return texts.number(low, unit, lang)
    return texts.t(
        "target_low_high",
        lang,
        low=texts.number(low, unit, lang),
        high=texts.number(high, unit, lang),
    )


def names_list(names: list[str], lang: str) -> str:
    """Names as a reader lists them: "A, B och C" / "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    return texts.t("list_and", lang, first=", ".join(names[:-1]), last=names[-1])


def _text(param: dict[str, Any], lang: str) -> str:
    text = texts.t(param["key"], lang)
    return text.lower() if param.get("lower") else text


def _values_text(param: dict[str, Any], regions: dict[str, str], lang: str) -> str:
    """Regions with their values: "Jönköping 97,9 %, Kalmar 95,0 %"."""
    return ", ".join(
        f"{regions.get(code, code)} {texts.number(value, param['unit'], lang)}"
        for code, value in param["cells"]
    )


def _kinds_text(param: dict[str, Any], lang: str) -> str:
    """Kinds of warning with their counts, "<kind>: <count>" joined by semicolons. The
    engine's flags are worded by the one table of them (:mod:`lofte.core.event_flags`), the
    reader's own kinds (a repeated row, an unknown column) by the report's texts."""
    return "; ".join(
        f"{_kind_words(kind, lang)}: {texts.number(n, 'count', lang)}" for kind, n in param["kinds"]
    )


def _kind_words(kind: str, lang: str) -> str:
    """One kind of delivery warning in words."""
    if kind in event_flags.LABELS:
        return event_flags.label(kind, lang)
    return texts.t("warning_" + kind, lang)


#: How each kind of sentence parameter is worded: ``(param, regions, lang) -> text``.
_FORMATS: dict[str, Any] = {
    "region": lambda p, regions, lang: regions.get(p["code"], p["code"]),
    "regions": lambda p, regions, lang: names_list([regions.get(c, c) for c in p["codes"]], lang),
    "raw": lambda p, regions, lang: p["text"],
    "series": lambda p, regions, lang: texts.series_label(p["source"], p["definition"], lang),
    "num": lambda p, regions, lang: texts.number(p["value"], p["unit"], lang),
    "target": lambda p, regions, lang: target_text(p["low"], p["high"], p["unit"], lang),
    "period": lambda p, regions, lang: period_name(p["label"], lang),
    "int": lambda p, regions, lang: str(p["value"]),
    "count": lambda p, regions, lang: texts.number(p["value"], "count", lang),
    "text": lambda p, regions, lang: _text(p, lang),
    "p": lambda p, regions, lang: f"{p['value']:.3f}",
    "names": lambda p, regions, lang: names_list(
        [sv if lang == "sv" else en for sv, en in p["names"]], lang
    ),
    "values": _values_text,
    "kinds": lambda p, regions, lang: _kinds_text(p, lang),
}


def render(sentence: Sentence, regions: dict[str, str], lang: str) -> str:
    """A sentence worded in ``lang``: its text with every typed parameter formatted (regions
    by their ``regions`` names, figures by :func:`lofte.reports.texts.number`)."""
    values = {
        name: _FORMATS[param["kind"]](param, regions, lang)
        for name, param in sentence.params.items()
    }
    return texts.t(sentence.key, lang, **values)
