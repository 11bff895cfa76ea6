"""The report's charts as SVG for the PDF, drawn from the same Vega-Lite specifications.

The HTML shows each chart's specification with the vendored Vega (interactive); the PDF needs a
static picture. vl-convert drew those pictures in JavaScript, which was about 70 % of the time of
a whole report (some 50 ms of CPU per chart, 94 charts, plus 1.5 s to start its engine). The three
chart kinds of the report are simple, so this module reads the data, scales, colours, dashes and
titles out of the very spec dict the HTML embeds and writes the SVG directly: a few milliseconds
for all charts. The conventions of :mod:`lofte.reports.charts` hold here by construction, because
every style comes from the spec: reference lines with their dash and colour and a legend entry
each, bar values in a column right of the plot, shares from 0, lines broken at null values, the
language's number format on the axes (formatted by :mod:`lofte.reports.texts`).

Text is measured with a fixed advance per character of DejaVu Sans (the font the PDF embeds);
label columns are sized from it with a margin.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

FONT = "DejaVu Sans"
#: Average advance of DejaVu Sans, in em: wide enough for its capitals and digits.
ADVANCE = 0.62
AXIS = "#333333"
GRID = "#E4E4E4"
ROW = 26
BAR = 0.7


def _width(text: str, size: float) -> float:
    return len(text) * size * ADVANCE


def _text(
    x: float,
    y: float,
    text: str,
    size: float = 10,
    anchor: str = "start",
    weight: str = "normal",
    rotate: float | None = None,
    fill: str = "#000000",
) -> str:
    turn = f' transform="rotate({rotate:g} {x:.1f} {y:.1f})"' if rotate else ""
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}"'
        f'{bold} fill="{fill}"{turn}>{escape(text)}</text>'
    )


def _axis_title(x: float, y: float, text: str) -> str:
    return _text(x, y, text, weight="bold", anchor="middle")


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 1, dash=None):
    pattern = ""
    if dash and any(dash[1:]):
        pattern = f' stroke-dasharray="{",".join(f"{d:g}" for d in dash)}"'
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width:g}"{pattern}/>'
    )


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Ticks from 0 to at least ``top`` in steps of 1, 2 or 5 × 10^k."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _tick_label(value: float, lang: str) -> str:
    """A tick as the language writes it: "1 000" / "1,000", "2,5" / "2.5"."""
    if float(value).is_integer():
        text = f"{int(value):,}"
        return text.replace(",", "\u00a0") if lang == "sv" else text
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "sv" else text


def _domain(scale: dict[str, Any], values: list[float]) -> tuple[float, list[float]]:
    """The axis top and its ticks: a share's fixed domain, otherwise from 0 to a nice top."""
    if "domain" in scale:
        top = float(scale["domain"][1])
        ticks = [t for t in nice_ticks(top) if t <= top + 1e-9]
        return top, ticks
    ticks = nice_ticks(max([*values, 0.0]) or 1.0)
    return ticks[-1], ticks


def _lang(spec: dict[str, Any]) -> str:
    return "sv" if spec["config"]["locale"]["number"]["decimal"] == "," else "en"


def _references(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference lines of a spec: value, legend text, dash and colour."""
    for layer in spec.get("layer", []):
        if layer.get("mark", {}).get("type") == "rule":
            enc = layer["encoding"]
            dashes, colours = _scale_map(enc["strokeDash"]), _scale_map(enc["color"])
            return [
                {
                    "value": r["value"],
                    "what": r["what"],
                    "dash": dashes[r["what"]],
                    "colour": colours[r["what"]],
                }
                for r in layer["data"]["values"]
            ]
    return []


def _legend(
    entries: list[tuple[str, str, list[float] | None, float]], x: float, y: float, columns: int
) -> tuple[list[str], float]:
    """Legend entries (text, colour, dash, line width) as a stroke sample and the text, in
    ``columns`` columns; returns the elements and the height used."""
    out: list[str] = []
    if not entries:
        return out, 0.0
    column_width = max(_width(text, 10) for text, *_ in entries) + 34
    rows = math.ceil(len(entries) / columns)
    for i, (text, colour, dash, width) in enumerate(entries):
        cx = x + (i // rows) * column_width
        cy = y + (i % rows) * 15
        out.append(_line(cx, cy - 3.5, cx + 18, cy - 3.5, colour, max(width, 2), dash))
        out.append(_text(cx + 24, cy, text))
    return out, rows * 15


def _scale_map(channel: dict[str, Any]) -> dict[Any, Any]:
    """A spec channel's scale as a mapping from its domain to its range."""
    scale = channel["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


def _svg(width: float, height: float, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}">'
        f'<rect width="100%" height="100%" fill="white"/>{"".join(body)}</svg>'
    )


def _x_axis(left: float, top: float, plot_w: float, plot_h: float, ticks, top_value, lang):
    body = []
    for tick in ticks:
        x = left + plot_w * tick / top_value
        body.append(_line(x, top, x, top + plot_h, GRID))
        body.append(_line(x, top + plot_h, x, top + plot_h + 4, AXIS))
        body.append(_text(x, top + plot_h + 15, _tick_label(tick, lang), anchor="middle"))
    body.append(_line(left, top + plot_h, left + plot_w, top + plot_h, AXIS))
    return body


def comparison(spec: dict[str, Any]) -> str:
    """Horizontal bars per region, values in a column right of the plot, reference lines."""
    lang = _lang(spec)
    bars, labels = spec["layer"][0], spec["layer"][1]
    enc = bars["encoding"]
    rows = {d["region"]: d for d in spec["data"]["values"]}
    order = enc["y"]["sort"]
    colours = _scale_map(enc["color"])
    refs = _references(spec)
    top_value, ticks = _domain(
        enc["x"]["scale"], [d["value"] for d in rows.values()] + [r["value"] for r in refs]
    )
    plot_w = float(spec["width"])
    left = max(_width(r, 10) for r in order) + 10
    top = 24.0
    plot_h = ROW * len(order)
    value_x = left + plot_w + labels["encoding"]["x"]["value"] - spec["width"]
    value_w = max((_width(d["label"], 10) for d in rows.values()), default=0)
    body = [_text(2, 14, spec["title"], size=12, weight="bold")]
    body += _x_axis(left, top, plot_w, plot_h, ticks, top_value, lang)
    for i, region in enumerate(order):
        y = top + i * ROW
        mid = y + ROW / 2
        body.append(_text(left - 6, mid + 3.5, region, anchor="end", fill=AXIS))
        d = rows.get(region)
        if d is None:
            continue
        w = plot_w * d["value"] / top_value
        body.append(
            f'<rect x="{left:.1f}" y="{y + ROW * (1 - BAR) / 2:.1f}" width="{w:.1f}" '
            f'height="{ROW * BAR:.1f}" fill="{colours[d["level"]]}"/>'
        )
        body.append(_text(value_x, mid + 3.5, d["label"]))
    for r in refs:
        x = left + plot_w * r["value"] / top_value
        body.append(_line(x, top, x, top + plot_h, r["colour"], 2, r["dash"]))
    axis_title = enc["x"]["title"]
    body.append(
        _text(left + plot_w / 2, top + plot_h + 30, axis_title, weight="bold", anchor="middle")
    )
    legend, legend_h = _legend(
        [(r["what"], r["colour"], r["dash"], 2) for r in refs], left, top + plot_h + 50, 1
    )
    body += legend
    width = value_x + value_w + 4
    height = top + plot_h + 40 + (legend_h + 12 if legend else 0)
    return _svg(width, height, body)


def trend(spec: dict[str, Any]) -> str:
    """Lines per region over the periods, broken at null values; reference lines."""
    lang = _lang(spec)
    layer = spec["layer"][0]
    enc = layer["encoding"]
    periods = enc["x"]["scale"]["domain"]
    regions = enc["color"]["scale"]["domain"]
    colours = _scale_map(enc["color"])
    thick = _scale_map(enc["strokeWidth"])
    data = layer["data"]["values"]
    refs = _references(spec)
    values = [d["value"] for d in data if d["value"] is not None]
    top_value, ticks = _domain(enc["y"]["scale"], values + [r["value"] for r in refs])
    tick_w = max(_width(_tick_label(t, lang), 10) for t in ticks)
    left = 16 + tick_w + 8
    top = 24.0
    plot_w, plot_h = float(spec["width"]), float(spec["height"])
    step = plot_w / len(periods)
    x_of = {p: left + step * (i + 0.5) for i, p in enumerate(periods)}

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    body = [_text(2, 14, spec["title"], size=12, weight="bold")]
    for tick in ticks:
        y = y_of(tick)
        body.append(_line(left, y, left + plot_w, y, GRID))
        body.append(_line(left - 4, y, left, y, AXIS))
        body.append(_text(left - 6, y + 3.5, _tick_label(tick, lang), anchor="end"))
    body.append(_line(left, top, left, top + plot_h, AXIS))
    body.append(_line(left, top + plot_h, left + plot_w, top + plot_h, AXIS))
    body.append(
        _text(10, top + plot_h / 2, enc["y"]["title"], weight="bold", anchor="middle", rotate=-90)
    )
    angle = enc["x"]["axis"]["labelAngle"]
    label_h = 14.0
    for p in periods:
        x = x_of[p]
        body.append(_line(x, top + plot_h, x, top + plot_h + 4, AXIS))
        if angle:
            body.append(_text(x + 3, top + plot_h + 12, p, anchor="end", rotate=angle))
            label_h = max(label_h, _width(p, 10) * math.sin(math.radians(-angle)) + 14)
        else:
            body.append(_text(x, top + plot_h + 15, p, anchor="middle"))
    for r in refs:
        y = y_of(r["value"])
        body.append(_line(left, y, left + plot_w, y, r["colour"], 2, r["dash"]))
    for region in regions:
        points = [d for d in data if d["region"] == region]
        width = max(thick[d["thick"]] for d in points)
        path: list[tuple[float, float]] = []
        segments: list[list[tuple[float, float]]] = []
        segment = None
        for d in points:
            if d["value"] is None or d["segment"] != segment:
                if len(path) > 1:
                    segments.append(path)
                path = []
                segment = d["segment"]
            if d["value"] is not None:
                path.append((x_of[d["period"]], y_of(d["value"])))
        if len(path) > 1:
            segments.append(path)
        for seg in segments:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            body.append(
                f'<polyline points="{coords}" fill="none" stroke="{colours[region]}" '
                f'stroke-width="{width:g}" stroke-linejoin="round"/>'
            )
        for d in points:
            if d["value"] is not None:
                body.append(
                    f'<circle cx="{x_of[d["period"]]:.1f}" cy="{y_of(d["value"]):.1f}" r="2.5" '
                    f'fill="{colours[region]}"/>'
                )
    legend_y = top + plot_h + label_h + 14
    entries: list[tuple[str, str, list[float] | None, float]] = [
        (r, colours[r], None, 2.0) for r in regions
    ]
    legend, legend_h = _legend(entries, left - 20, legend_y, 2)
    refs_legend, refs_h = _legend(
        [(r["what"], r["colour"], r["dash"], 2) for r in refs],
        left - 20,
        legend_y + legend_h + 4,
        1,
    )
    body += legend + refs_legend
    width = max(
        left + plot_w + 10,
        left - 20 + 2 * (max((_width(r, 10) for r in regions), default=0) + 34),
        left - 20 + max((_width(r["what"], 10) + 34 for r in refs), default=0),
    )
    height = legend_y + legend_h + (refs_h + 4 if refs else 0) + 4
    return _svg(width, height, body)


def bottleneck(spec: dict[str, Any]) -> str:
    """Stacked bars of the steps' medians per region, with the steps' legend."""
    lang = _lang(spec)
    enc = spec["encoding"]
    order = enc["y"]["sort"]
    steps = enc["color"]["scale"]["domain"]
    colours = _scale_map(enc["color"])
    data = spec["data"]["values"]
    totals = {r: sum(d["days"] for d in data if d["region"] == r) for r in order}
    top_value, ticks = _domain({}, list(totals.values()))
    plot_w = float(spec["width"])
    left = max(_width(r, 10) for r in order) + 10
    top = 24.0
    plot_h = ROW * len(order)
    body = [_text(2, 14, spec["title"], size=12, weight="bold")]
    body += _x_axis(left, top, plot_w, plot_h, ticks, top_value, lang)
    for i, region in enumerate(order):
        y = top + i * ROW
        body.append(_text(left - 6, y + ROW / 2 + 3.5, region, anchor="end", fill=AXIS))
        x = left
        for d in sorted((d for d in data if d["region"] == region), key=lambda d: d["order"]):
            w = plot_w * d["days"] / top_value
            body.append(
                f'<rect x="{x:.1f}" y="{y + ROW * (1 - BAR) / 2:.1f}" width="{w:.1f}" '
                f'height="{ROW * BAR:.1f}" fill="{colours[d["step"]]}"/>'
            )
            x += w
    body.append(
        _text(
            left + plot_w / 2, top + plot_h + 30, enc["x"]["title"], weight="bold", anchor="middle"
        )
    )
    legend, legend_h = _legend(
        [(s, colours[s], None, 8) for s in steps], left, top + plot_h + 50, len(steps)
    )
    body += legend
    width = max(left + plot_w + 10, left + len(steps) * (max(_width(s, 10) for s in steps) + 34))
    return _svg(width, top + plot_h + 52 + legend_h, body)


def render(name: str, spec: dict[str, Any]) -> str:
    """The SVG of a report chart by its id (``cmp-…``, ``trend-…``, ``bottleneck-…``)."""
    if name.startswith("cmp-"):
        return comparison(spec)
    if name.startswith("trend-"):
        return trend(spec)
    if name.startswith("bottleneck-"):
        return bottleneck(spec)
    raise ValueError(f"unknown chart kind: {name}")


def render_all(charts: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {name: render(name, spec) for name, spec in charts.items()}
