"""The report's charts: one Vega-Lite specification per chart, built with Altair from the model.

The same dict is embedded in the HTML (rendered by the vendored vega-embed) and converted to SVG
for the PDF by vl-convert, so both show one definition. Suppressed and missing cells are left out
of the chart data: a chart never carries a hidden number.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from lofte.reports import texts
from lofte.reports.model import BOTTLENECK_STEPS, IndicatorSection, PromiseSection, Report
from lofte.reports.narrative import period_name

WIDTH = 280
#: Measured and drawn with the same font in the SVG for the PDF (Typst finds it on the system).
FONT = "DejaVu Sans"
COLOURS = {"county": "#4c78a8", "healthcare_region": "#1f3d63", "nation": "#9d9d9d"}


def _label(value: float | None, unit: str, lang: str) -> str:
    return texts.number(value, unit, lang)


def _axis_title(section: IndicatorSection, lang: str) -> str:
    return texts.t(f"unit_{section.unit}", lang)


def comparison(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any] | None:
    """Bars per region (counties and healthcare region), the nation and the target as lines."""
    data = [
        {
            "region": texts.region_names(report.regions, lang)[c.region],
            "value": c.value,
            "label": _label(c.value, section.unit, lang),
            "level": "healthcare_region" if c.region == report.healthcare_region else "county",
        }
        for c in section.cells
        if c.region != "SE" and c.value is not None
    ]
    if not data:
        return None
    order = [
        texts.region_names(report.regions, lang)[c.region]
        for c in section.cells
        if c.region != "SE"
    ]
    unit_title = _axis_title(section, lang)
    base = alt.Chart(alt.Data(values=data))
    domain = [0, 100] if section.unit == "percent" else alt.Undefined
    bars = base.mark_bar().encode(
        y=alt.Y("region:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("value:Q", title=unit_title, scale=alt.Scale(domain=domain)),
        color=alt.Color(
            "level:N",
            scale=alt.Scale(
                domain=["county", "healthcare_region"],
                range=[COLOURS["county"], COLOURS["healthcare_region"]],
            ),
            legend=None,
        ),
        tooltip=[alt.Tooltip("region:N", title=texts.t("region", lang)), alt.Tooltip("label:N")],
    )
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(
        y=alt.Y("region:N", sort=order), x="value:Q", text="label:N"
    )
    layers: list[alt.Chart] = [bars, text]
    rules = []
    national = next((c for c in section.cells if c.region == "SE"), None)
    if national is not None and national.value is not None:
        rules.append(
            {
                "what": f"{texts.t('national', lang)} {_label(national.value, section.unit, lang)}",
                "x": national.value,
                "kind": "national",
            }
        )
    # A borrowed level is drawn as a labelled reference, not as a target (SPEC §9).
    level = "reference_level" if section.target_kind == "reference" else "target"
    if section.target is not None:
        rules.append(
            {
                "what": f"{texts.t(level, lang)} {_label(section.target, section.unit, lang)}",
                "x": section.target,
                "kind": "target",
            }
        )
    if section.target_high is not None:
        rules.append(
            {
                "what": texts.t(level, lang)
                + " "
                + _label(section.target_high, section.unit, lang),
                "x": section.target_high,
                "kind": "target_high",
            }
        )
    if rules:
        rule_chart = (
            alt.Chart(alt.Data(values=rules))
            .mark_rule(strokeWidth=2)
            .encode(
                x="x:Q",
                strokeDash=alt.StrokeDash(
                    "what:N",
                    title=None,
                    legend=alt.Legend(orient="bottom"),
                ),
                color=alt.Color(
                    "kind:N",
                    scale=alt.Scale(
                        domain=["national", "target", "target_high"],
                        range=["#555555", "#c0392b", "#27ae60"],
                    ),
                    legend=None,
                ),
                tooltip=[alt.Tooltip("what:N")],
            )
        )
        layers.append(rule_chart)
    chart = (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(
            width=WIDTH,
            height=32 * len(order),
            title=texts.t("comparison_title", lang, period=period_name(section.period or "", lang)),
        )
    )
    return chart.configure(font=FONT).to_dict(validate=False)


def trend(section: IndicatorSection, report: Report, lang: str) -> dict[str, Any] | None:
    """A line per region over the trend periods; the target as a rule."""
    data = [
        {
            "region": texts.region_names(report.regions, lang)[c.region],
            "period": c.period,
            "value": c.value,
            "label": _label(c.value, section.unit, lang),
            # one line per unbroken series: no line across a change of source or definition
            "segment": f"{c.region}#{c.segment}",
        }
        for c in section.trend
        if c.value is not None
    ]
    if len({d["period"] for d in data}) < 2:
        return None
    order = list(texts.region_names(report.regions, lang).values())
    lines = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("value:Q", title=_axis_title(section, lang), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "region:N",
                sort=order,
                title=None,
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=220, columnPadding=24),
            ),
            detail=alt.Detail("segment:N"),
            strokeWidth=alt.condition(
                alt.datum.region
                == texts.region_names(report.regions, lang)[report.healthcare_region],
                alt.value(3.5),
                alt.value(1.5),
            ),
            tooltip=[
                alt.Tooltip("region:N"),
                alt.Tooltip("period:O"),
                alt.Tooltip("label:N"),
            ],
        )
    )
    layers: list[alt.Chart] = [lines]
    if section.target is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"target": section.target}]))
            .mark_rule(color="#c0392b", strokeDash=[6, 4])
            .encode(y="target:Q")
        )
    chart = alt.layer(*layers).properties(
        width=WIDTH, height=180, title=texts.t("trend_title", lang)
    )
    return chart.configure(font=FONT).to_dict(validate=False)


def bottleneck(promise: PromiseSection, report: Report, lang: str) -> dict[str, Any] | None:
    data = []
    for row in promise.bottleneck:
        for (_, key), days in zip(BOTTLENECK_STEPS, row.steps, strict=True):
            if days is None:
                continue
            data.append(
                {
                    "region": texts.region_names(report.regions, lang)[row.region],
                    "step": texts.t(key, lang),
                    "order": BOTTLENECK_STEPS.index(
                        next(s for s in BOTTLENECK_STEPS if s[1] == key)
                    ),
                    "days": days,
                    "label": texts.number(days, "days", lang, with_unit=False),
                }
            )
    if not data:
        return None
    order = [texts.region_names(report.regions, lang)[r.region] for r in promise.bottleneck]
    steps = [texts.t(key, lang) for _, key in BOTTLENECK_STEPS]
    base = alt.Chart(alt.Data(values=data))
    bars = base.mark_bar().encode(
        y=alt.Y("region:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("sum(days):Q", title=texts.t("median_days", lang), stack="zero"),
        color=alt.Color(
            "step:N",
            sort=steps,
            scale=alt.Scale(domain=steps, range=["#9ecae1", "#4292c6", "#08519c"]),
            title=None,
            legend=alt.Legend(orient="bottom"),
        ),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("region:N"), alt.Tooltip("step:N"), alt.Tooltip("label:N")],
    )
    chart = bars.properties(
        width=WIDTH,
        height=32 * len(order),
        title=texts.t("bottleneck_title", lang, period=period_name(report.period, lang)),
    )
    return chart.configure(font=FONT).to_dict(validate=False)


def all_charts(report: Report, lang: str) -> dict[str, dict[str, Any]]:
    """Every chart of the report by id (``cmp-<code>``, ``trend-<code>``, ``bottleneck-<n>``)."""
    charts: dict[str, dict[str, Any]] = {}
    for promise in report.promises:
        for section in promise.indicators:
            if section.period is None:
                continue
            spec = comparison(section, report, lang)
            if spec:
                charts[f"cmp-{section.code}"] = spec
            spec = trend(section, report, lang)
            if spec:
                charts[f"trend-{section.code}"] = spec
        if promise.bottleneck:
            spec = bottleneck(promise, report, lang)
            if spec:
                charts[f"bottleneck-{promise.number}"] = spec
    return charts
