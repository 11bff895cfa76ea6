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
        if layer.get("mark", {}).get("type") == "rule" and "strokeDash" in layer["encoding"]:
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


Entry = tuple[str, str, list[float] | None, float]
#: The width of a legend entry drawn as a symbol instead of a horizontal line.
TRIANGLE, UPRIGHT = 0.0, -1.0


def _legend(entries: list[Entry], x: float, y: float, columns: int) -> tuple[list[str], float]:
    """Legend entries (text, colour, dash, line width) as a stroke sample and the text, in
    ``columns`` columns; returns the elements and the height used. A width of ``TRIANGLE`` draws
    the data-quality triangle, ``UPRIGHT`` a short vertical dashed line (a series break)."""
    out: list[str] = []
    if not entries:
        return out, 0.0
    column_width = max(_width(text, 10) for text, *_ in entries) + 34
    rows = math.ceil(len(entries) / columns)
    for i, (text, colour, dash, width) in enumerate(entries):
        cx = x + (i // rows) * column_width
        cy = y + (i % rows) * 15
        if width == TRIANGLE:
            out.append(_triangle(cx + 9, cy - 3.5, colour))
        elif width == UPRIGHT:
            out.append(_line(cx + 9, cy - 10, cx + 9, cy + 3, colour, 1.5, dash))
        else:
            out.append(_line(cx, cy - 3.5, cx + 18, cy - 3.5, colour, max(width, 2), dash))
        out.append(_text(cx + 24, cy, text))
    return out, rows * 15


def _triangle(x: float, y: float, colour: str) -> str:
    """The hollow triangle of a share above 100 % (the spec's ``triangle-up`` point)."""
    return (
        f'<polygon points="{x:.1f},{y - 4:.1f} {x - 4.5:.1f},{y + 4:.1f} '
        f'{x + 4.5:.1f},{y + 4:.1f}" fill="white" stroke="{colour}" stroke-width="1.5"/>'
    )


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


def _named(spec: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((layer for layer in spec.get("layer", []) if layer.get("name") == name), None)


def _key_entry(layer: dict[str, Any] | None) -> tuple[str, str, list[float] | None] | None:
    """A one-entry key (:func:`lofte.charts.spec.key`): its text, colour and dash."""
    if layer is None:
        return None
    scale = layer["encoding"]["color"]["scale"]
    return (
        scale["domain"][0],
        scale["range"][0],
        layer["encoding"]["color"]["legend"].get("symbolDash"),
    )


def _words(x: float, y: float, text: str, colour: str) -> list[str]:
    """Italic words on a white ground: a line passing behind them never runs through them."""
    w = _width(text, 10)
    return [
        f'<rect x="{x - 2:.1f}" y="{y - 9:.1f}" width="{w + 4:.1f}" height="12" fill="white"/>',
        _text(x, y, text, fill=colour).replace("<text ", '<text font-style="italic" ', 1),
    ]


def _bars(rows, order, colours, left, top, plot_w, top_value, value_x) -> list[str]:
    """The region labels, a bar per region with a share, its value in the column."""
    body = []
    for i, region in enumerate(order):
        y = top + i * ROW
        mid = y + ROW / 2
        body.append(_text(left - 6, mid + 3.5, region, anchor="end", fill=AXIS))
        d = rows.get(region)
        if d is None:
            continue
        if d["value"] is not None and not d.get("over_100"):
            w = plot_w * d["value"] / top_value
            body.append(
                f'<rect x="{left:.1f}" y="{y + ROW * (1 - BAR) / 2:.1f}" width="{w:.1f}" '
                f'height="{ROW * BAR:.1f}" fill="{colours[d["level"]]}"/>'
            )
        body.append(_text(value_x, mid + 3.5, d["label"]))
    return body


def comparison(spec: dict[str, Any]) -> str:
    """Horizontal bars per region, values in a column right of the plot, reference lines; a
    share above 100 % has no bar but its words (on top of the lines) and its value."""
    lang = _lang(spec)
    bars, labels = spec["layer"][0], spec["layer"][1]
    enc = bars["encoding"]
    rows = {d["region"]: d for d in spec["data"]["values"]}
    order = enc["y"]["sort"]
    refs = _references(spec)
    values = [d["value"] for d in rows.values() if d["value"] is not None]
    top_value, ticks = _domain(enc["x"]["scale"], values + [r["value"] for r in refs])
    plot_w = float(spec["width"])
    left = max(_width(r, 10) for r in order) + 10
    top = 24.0
    plot_h = ROW * len(order)
    value_x = left + plot_w + labels["encoding"]["x"]["value"] - spec["width"]
    value_w = max((_width(d["label"], 10) for d in rows.values()), default=0)
    body = [_text(2, 14, spec["title"], size=12, weight="bold")]
    body += _x_axis(left, top, plot_w, plot_h, ticks, top_value, lang)
    body += _bars(rows, order, _scale_map(enc["color"]), left, top, plot_w, top_value, value_x)
    for r in refs:
        x = left + plot_w * r["value"] / top_value
        body.append(_line(x, top, x, top + plot_h, r["colour"], 2, r["dash"]))
    quality = _named(spec, "data_quality")
    for i, region in enumerate(order):
        d = rows.get(region)
        if quality is not None and d is not None and d.get("over_100"):
            colour = quality["mark"]["color"]
            body += _words(left + 3, top + i * ROW + ROW / 2 + 3.5, d["quality"], colour)
    body.append(_axis_title(left + plot_w / 2, top + plot_h + 30, enc["x"]["title"]))
    legend, legend_h = _legend(
        [(r["what"], r["colour"], r["dash"], 2) for r in refs], left, top + plot_h + 50, 1
    )
    body += legend
    width = value_x + value_w + 4
    height = top + plot_h + 40 + (legend_h + 12 if legend else 0)
    return _svg(width, height, body)


class _Plot:
    """The trend's plot area: where a period and a value are drawn."""

    def __init__(self, left: float, top: float, width: float, height: float, periods, top_value):
        self.left, self.top, self.width, self.height = left, top, width, height
        self.top_value = top_value
        step = width / len(periods)
        self.x = {p: left + step * (i + 0.5) for i, p in enumerate(periods)}

    def y(self, value: float) -> float:
        return self.top + self.height - self.height * min(value, self.top_value) / self.top_value


def _trend_axes(plot: _Plot, ticks, lang: str, y_title: str, angle: float) -> tuple[list, float]:
    """Grid, ticks and both axes; returns the elements and the height of the period labels."""
    left, top, bottom = plot.left, plot.top, plot.top + plot.height
    body = []
    for tick in ticks:
        y = plot.y(tick)
        body.append(_line(left, y, left + plot.width, y, GRID))
        body.append(_line(left - 4, y, left, y, AXIS))
        body.append(_text(left - 6, y + 3.5, _tick_label(tick, lang), anchor="end"))
    body.append(_line(left, top, left, bottom, AXIS))
    body.append(_line(left, bottom, left + plot.width, bottom, AXIS))
    body.append(
        _text(10, top + plot.height / 2, y_title, weight="bold", anchor="middle", rotate=-90)
    )
    label_h = 14.0
    for p, x in plot.x.items():
        body.append(_line(x, bottom, x, bottom + 4, AXIS))
        if angle:
            body.append(_text(x + 3, bottom + 12, p, anchor="end", rotate=angle))
            label_h = max(label_h, _width(p, 10) * math.sin(math.radians(-angle)) + 14)
        else:
            body.append(_text(x, bottom + 15, p, anchor="middle"))
    return body, label_h


def _runs(points: list[dict[str, Any]], plot: _Plot) -> list[list[tuple[float, float]]]:
    """A region's unbroken runs: split at a null value, a share above 100 % or a new series."""
    runs: list[list[tuple[float, float]]] = []
    path: list[tuple[float, float]] = []
    segment = None
    for d in points:
        value = d["value"] if not _over(d, plot) else None
        if value is None or d["segment"] != segment:
            if len(path) > 1:
                runs.append(path)
            path = []
            segment = d["segment"]
        if value is not None:
            path.append((plot.x[d["period"]], plot.y(value)))
    if len(path) > 1:
        runs.append(path)
    return runs


def _over(d: dict[str, Any], plot: _Plot) -> bool:
    return d["value"] is not None and plot.top_value == 100 and d["value"] > 100


def _trend_lines(data, regions, colours, thick, plot: _Plot) -> list[str]:
    body = []
    for region in regions:
        points = [d for d in data if d["region"] == region]
        width = max(thick[d["thick"]] for d in points)
        for run in _runs(points, plot):
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(
                f'<polyline points="{coords}" fill="none" stroke="{colours[region]}" '
                f'stroke-width="{width:g}" stroke-linejoin="round"/>'
            )
        for d in points:
            if d["value"] is not None and not _over(d, plot):
                body.append(
                    f'<circle cx="{plot.x[d["period"]]:.1f}" cy="{plot.y(d["value"]):.1f}" '
                    f'r="2.5" fill="{colours[region]}"/>'
                )
    return body


def _trend_marks(spec: dict[str, Any], plot: _Plot) -> list[str]:
    """The dashed rule at each new series and a hollow triangle for a share above 100 %."""
    body = []
    breaks = _named(spec, "series_breaks")
    if breaks is not None:
        entry = _key_entry(breaks)
        assert entry is not None
        for row in breaks["data"]["values"]:
            x = plot.x[row[breaks["encoding"]["x"]["field"]]]
            body.append(_line(x, plot.top, x, plot.top + plot.height, entry[1], 1.5, entry[2]))
    quality = _named(spec, "data_quality")
    if quality is not None:
        ink = quality["encoding"]["color"]["scale"]["range"][0]
        for row in quality["data"]["values"]:
            body.append(_triangle(plot.x[row[quality["encoding"]["x"]["field"]]], plot.top, ink))
    return body


def trend(spec: dict[str, Any]) -> str:
    """Lines per region over the periods, broken at null values and new series (marked);
    reference lines; a share above 100 % as a triangle at the top of the axis."""
    lang = _lang(spec)
    layer = spec["layer"][0]
    enc = layer["encoding"]
    periods = enc["x"]["scale"]["domain"]
    regions = enc["color"]["scale"]["domain"]
    colours = _scale_map(enc["color"])
    data = layer["data"]["values"]
    refs = _references(spec)
    values = [d["value"] for d in data if d["value"] is not None]
    top_value, ticks = _domain(enc["y"]["scale"], values + [r["value"] for r in refs])
    left = 16 + max(_width(_tick_label(t, lang), 10) for t in ticks) + 8
    plot = _Plot(left, 24.0, float(spec["width"]), float(spec["height"]), periods, top_value)
    body = [_text(2, 14, spec["title"], size=12, weight="bold")]
    axes, label_h = _trend_axes(
        plot, ticks, lang, enc["y"]["title"], enc["x"]["axis"]["labelAngle"]
    )
    body += axes
    for r in refs:
        y = plot.y(r["value"])
        body.append(_line(left, y, left + plot.width, y, r["colour"], 2, r["dash"]))
    body += _trend_lines(data, regions, colours, _scale_map(enc["strokeWidth"]), plot)
    body += _trend_marks(spec, plot)
    legend_y = plot.top + plot.height + label_h + 14
    legend, legend_h = _legend(
        [(r, colours[r], None, 2.0) for r in regions], left - 20, legend_y, 2
    )
    marks = [_key_entry(_named(spec, "series_breaks")), _key_entry(_named(spec, "data_quality"))]
    more = [(r["what"], r["colour"], r["dash"], 2.0) for r in refs]
    if marks[0] is not None:
        more.append((*marks[0], UPRIGHT))
    if marks[1] is not None:
        more.append((marks[1][0], marks[1][1], None, TRIANGLE))
    more_legend, more_h = _legend(more, left - 20, legend_y + legend_h + 4, 1)
    body += legend + more_legend
    width = max(
        left + plot.width + 10,
        left - 20 + 2 * (max((_width(r, 10) for r in regions), default=0) + 34),
        left - 20 + max((_width(m[0], 10) + 34 for m in more), default=0),
    )
    return _svg(width, legend_y + legend_h + (more_h + 4 if more else 0) + 4, body)


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
    """Every chart of a report as SVG text, by the chart's name."""
    return {name: render(name, spec) for name, spec in charts.items()}
