"""Writing the results report (SPEC §9): the one function the CLI, the demo and the site call.

``write_report(hr, period)`` builds the model from the stored cube and writes the HTML, PDF and
XLSX renderings in Swedish and English, then ``model.json`` last (a report is complete when that
file exists, see :mod:`lofte.reports.store`). Files are written next to their final names and
renamed, so a reader never sees half a file; a failure before the model is built writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from django.utils import translation

from lofte.catalog import load
from lofte.reports import charts, html, pdf, present, store, xlsx
from lofte.reports.model import BASIS, Report, ReportError, build

__all__ = ["ReportError", "WrittenReport", "read_report_cube", "write_report"]


@dataclass(frozen=True)
class WrittenReport:
    """A report just written: its directory, its files (``model.json`` last) and its model."""

    directory: Path
    files: list[Path]
    report: Report


def _report_instances(period: str) -> pa.Table | None:
    """The engine's instances ending in ``period``, for the what-if table (issue 16), or None
    before a compute."""
    from lofte.cube import whatif
    from lofte.cube.service import instances_path

    try:
        return whatif.read(instances_path(), period=period)
    except whatif.NoInstances:
        return None


def read_report_cube(
    regions: list[str], period: str, other_counties: list[str] | None = None
) -> pa.Table:
    """The stored cube, read only where the report looks: its regions, treatment ``alla``, SVF
    half-years by home region (every pathway only for the counties and the healthcare region in
    ``period`` and a year before) and the aggregates; of ``other_counties`` (the nation's
    other counties) only pathway ``alla``, so that the model sees a share above 100 % anywhere
    below the nation (ADR 0504).

    ``regions`` are catalogue codes (counties, the healthcare region, ``SE``).
    """
    from lofte.core import periods

    periods_detail = [period, periods.same_period_previous_year(period)]
    from lofte.cube import audit
    from lofte.cube.service import cube_path, read_report_cells

    path = cube_path()
    if not path.is_file():
        raise ReportError("det finns ingen kub ännu – kör 'lofte compute' först")
    try:
        # The publication gate (SPEC §7): a report is written only from a cube whose public
        # view the disclosure audit passes.
        audit.require_safe_stored(path, what="Rapporten")
    except audit.DisclosureError as err:
        raise ReportError(str(err)) from None
    cells = read_report_cells(path, regions, BASIS, periods_detail)
    if other_counties:
        others = read_report_cells(path, other_counties, BASIS, [])
        cells = pa.concat_tables([cells, others.cast(cells.schema)])
    return cells


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _build(healthcare_region: str, period: str, today: dt.date | None) -> Report:
    catalog = load()
    if healthcare_region in catalog.regions:
        regions = [*catalog.children(healthcare_region), healthcare_region, "SE"]
    else:
        regions = ["SE"]
    from lofte.reports.model import check_arguments

    check_arguments(healthcare_region, period, catalog)
    others = [c.code for c in catalog.counties() if c.code not in regions]
    cube = read_report_cube(regions, period, others)
    return build(
        healthcare_region, period, cube, catalog, today=today, instances=_report_instances(period)
    )


def write_report(
    healthcare_region: str,
    period: str,
    out: Path | None = None,
    *,
    languages: tuple[str, ...] = store.LANGUAGES,
    today: dt.date | None = None,
) -> WrittenReport:
    """Build and write the report; ``out`` defaults to the report store (``LOFTE_HOME/reports``)."""
    report = _build(healthcare_region, period, today)
    renderings: dict[str, bytes] = {}
    for lang in languages:
        # every text of a rendering from the gettext catalogues in its language (ADR 0725)
        with translation.override(lang):
            specs = charts.all_charts(report, lang)
            presented = present.present(report, lang, specs)
            renderings[store.file_name(lang, "html")] = html.render(presented, specs).encode()
            renderings[store.file_name(lang, "pdf")] = pdf.render(presented, specs)
            renderings[store.file_name(lang, "xlsx")] = xlsx.render(presented)
    directory = Path(out) if out is not None else store.report_dir(healthcare_region, period)
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / store.MODEL_FILE
    if model_path.exists():
        model_path.unlink()  # the report is incomplete until its new model is in place
    files = []
    for name, data in renderings.items():
        _write_atomic(directory / name, data)
        files.append(directory / name)
    model_json = json.dumps(report.to_json(), ensure_ascii=False, indent=1).encode()
    _write_atomic(model_path, model_json)
    files.append(model_path)
    return WrittenReport(directory, files, report)
