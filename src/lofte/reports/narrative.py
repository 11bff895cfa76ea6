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
- *over 100 %*: inclusion above 100 % is a data-quality finding with its likely causes;
- *series break*: where a region's series changes source or definition, and that the values
  on either side are not compared (no change sentence crosses it).

A suppressed or missing cell never enters a sentence. Sentences carry typed parameters (region
codes, values with units, periods) and are worded in Swedish or English by :func:`render`.
"""

from __future__ import annotations

from typing import Any

from lofte.core.period_names import period_name
from lofte.reports import texts
from lofte.reports.types import (
    ALPHA,
    BOTTLENECK_STEPS,
    BottleneckRow,
    Cell,
    IndicatorSection,
    Sentence,
    comparable,
    compare,
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
    section: IndicatorSection, counties: list[str], healthcare_region: str
) -> list[Sentence]:
    """Every rule's sentences on one indicator, in reading order: the healthcare region against
    its target (or a reference, or a data-quality finding), breaks in the series, how many
    regions meet the target, significant changes, a significant range and the nation."""
    by_region = {c.region: c for c in section.cells}
    hr = by_region.get(healthcare_region)
    return [
        *_standing(section, hr, healthcare_region),
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
    over = [c.region for c in section.cells if c.status == "data_quality"]
    if over:
        out.append(Sentence("n_over_100", {"regions": {"kind": "regions", "codes": over}}))
    return out


def _target_sentence(section: IndicatorSection, hr: Cell, code: str) -> Sentence:
    """The healthcare region's value against its target, naming the level it is about."""
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
    """How many of the regions with a judged value meet the target (from two regions on)."""
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


def render(sentence: Sentence, regions: dict[str, str], lang: str) -> str:
    """A sentence worded in ``lang``: its text with every typed parameter formatted (regions
    by their ``regions`` names, figures by :func:`lofte.reports.texts.number`)."""
    values: dict[str, str] = {}
    for name, param in sentence.params.items():
        kind = param["kind"]
        if kind == "region":
            values[name] = regions.get(param["code"], param["code"])
        elif kind == "regions":
            values[name] = names_list([regions.get(c, c) for c in param["codes"]], lang)
        elif kind == "raw":
            values[name] = param["text"]
        elif kind == "series":
            values[name] = texts.series_label(param["source"], param["definition"], lang)
        elif kind == "num":
            values[name] = texts.number(param["value"], param["unit"], lang)
        elif kind == "target":
            values[name] = target_text(param["low"], param["high"], param["unit"], lang)
        elif kind == "period":
            values[name] = period_name(param["label"], lang)
        elif kind == "int":
            values[name] = str(param["value"])
        elif kind == "text":
            text = texts.t(param["key"], lang)
            values[name] = text.lower() if param.get("lower") else text
        elif kind == "p":
            values[name] = f"{param['value']:.3f}"
    return texts.t(sentence.key, lang, **values)
