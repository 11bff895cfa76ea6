"""The report as one self-contained HTML file (SPEC §9): works offline, charts interactive.

The vendored Vega/Vega-Lite/vega-embed bundle is inlined, the chart specifications are embedded as
JSON, and every chart has a table beside it (a static fallback that needs no script).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from django.template import Context, Engine

TEMPLATES = Path(str(resources.files("lofte.reports") / "templates"))


@cache
def vega_bundle() -> str:
    """The vendored Vega, Vega-Lite and vega-embed bundle, inlined into every HTML report (the
    report's own static file, which the site serves too: ``{% static 'vendor/…' %}``)."""
    path = resources.files("lofte.reports") / "static" / "vendor" / "vega-embed.bundle.js"
    return path.read_text(encoding="utf-8")


@cache
def _engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


def render(presented: dict[str, Any], charts: dict[str, dict[str, Any]]) -> str:
    """The presented report (:func:`lofte.reports.present.present`) as one HTML page, with
    ``charts`` (Vega-Lite specifications by name) embedded beside their tables."""
    template = _engine().get_template("report.html")
    return template.render(
        Context({"p": presented, "charts": charts, "vega_bundle": vega_bundle()})
    )
