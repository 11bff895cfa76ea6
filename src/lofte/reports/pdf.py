"""The report as PDF via Typst (SPEC §9): the presented model as JSON, charts as SVG.

The charts are the same Vega-Lite specifications as in the HTML, drawn as SVG by
:mod:`lofte.reports.svg` from the spec dicts themselves (data, scales, colours, dashes, titles);
the ``typst`` package compiles ``templates/report.typ`` with no system libraries.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typst

from lofte.reports import svg
from lofte.reports.html import TEMPLATES


def chart_svgs(charts: Mapping[str, dict[str, Any]]) -> dict[str, str]:
    """Every chart specification drawn as SVG, by chart name."""
    return svg.render_all(dict(charts))


def render(presented: dict[str, Any], charts: Mapping[str, dict[str, Any]]) -> bytes:
    """The presented report as PDF: ``report.typ`` compiled by Typst over ``data.json`` (the
    presented report) and the charts as SVG files."""
    with tempfile.TemporaryDirectory(prefix="lofte-report-") as tmp:
        root = Path(tmp)
        shutil.copy(TEMPLATES / "report.typ", root / "report.typ")
        (root / "data.json").write_text(json.dumps(presented, ensure_ascii=False), encoding="utf-8")
        (root / "charts").mkdir()
        for name, text in chart_svgs(charts).items():
            (root / "charts" / f"{name}.svg").write_text(text, encoding="utf-8")
        result = typst.compile(str(root / "report.typ"), root=str(root))
    assert isinstance(result, bytes)
    return result
