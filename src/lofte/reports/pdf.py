"""The report as PDF via Typst (SPEC §9): the presented model as JSON, charts as SVG.

The charts are the same Vega-Lite specifications as in the HTML, rendered to SVG by vl-convert;
the ``typst`` package compiles ``templates/report.typ`` with no system libraries.

Converting the charts is most of a report's time (about 47 charts per language). vl-convert
releases the GIL while it renders, so :class:`SvgConverter` converts every chart of every
language on a small thread pool, each distinct specification once, and can be started before
the model is built so that vl-convert's JavaScript engine is warm when the first chart comes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import typst
import vl_convert

from lofte.reports.html import TEMPLATES

#: Threads converting charts: vl-convert renders outside the GIL; more than the cores gains
#: nothing on the 2-core machines the report runs on.
WORKERS = max(2, min(4, os.cpu_count() or 2))
#: The smallest chart there is: converting it starts vl-convert's engine (≈ 1.5 s, once per
#: process).
_WARM_UP = {"mark": "point", "data": {"values": []}}


def _key(spec: Mapping[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False)


class SvgConverter:
    """Converts chart specifications to SVG on a thread pool; each distinct spec once.

    Use as a context manager: ``submit`` returns at once, ``svgs`` waits for the results.
    """

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lofte-svg")
        self._futures: dict[str, Future[str]] = {}

    def __enter__(self) -> SvgConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def warm_up(self) -> None:
        """Start vl-convert's engine in the background (no result is kept)."""
        self._pool.submit(vl_convert.vegalite_to_svg, _WARM_UP)

    def submit(self, charts: Mapping[str, Mapping[str, Any]]) -> None:
        for spec in charts.values():
            key = _key(spec)
            if key not in self._futures:
                self._futures[key] = self._pool.submit(vl_convert.vegalite_to_svg, dict(spec))

    def svgs(self, charts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
        """The SVG of every chart by id (converting what was not submitted yet)."""
        self.submit(charts)
        return {name: self._futures[_key(spec)].result() for name, spec in charts.items()}


def chart_svgs(charts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    with SvgConverter() as converter:
        return converter.svgs(charts)


def render(
    presented: dict[str, Any],
    charts: Mapping[str, Mapping[str, Any]],
    svgs: Mapping[str, str] | None = None,
) -> bytes:
    """The PDF; ``svgs`` are the charts already converted (by an :class:`SvgConverter`)."""
    converted = dict(svgs) if svgs is not None else chart_svgs(charts)
    return compile_pdf(presented, converted.items())


def compile_pdf(presented: dict[str, Any], svgs: Iterable[tuple[str, str]]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="lofte-report-") as tmp:
        root = Path(tmp)
        shutil.copy(TEMPLATES / "report.typ", root / "report.typ")
        (root / "data.json").write_text(json.dumps(presented, ensure_ascii=False), encoding="utf-8")
        (root / "charts").mkdir()
        for name, svg in svgs:
            (root / "charts" / f"{name}.svg").write_text(svg, encoding="utf-8")
        result = typst.compile(str(root / "report.typ"), root=str(root))
    assert isinstance(result, bytes)
    return result
