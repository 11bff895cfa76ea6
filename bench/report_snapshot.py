"""Snapshot the results report's content, and compare two snapshots: the report is unchanged.

Usage::

    LOFTE_HOME=/tmp/home .venv/bin/lofte demo --quick           # once: a cube and plans
    LOFTE_HOME=/tmp/home .venv/bin/python bench/report_snapshot.py write /tmp/before
    # … change the report code …
    LOFTE_HOME=/tmp/home .venv/bin/python bench/report_snapshot.py write /tmp/after
    .venv/bin/python bench/report_snapshot.py compare /tmp/before /tmp/after

``write`` builds one report (``--healthcare-region``, default ``sydost``; ``--period``, default
``2026H1``) through :func:`lofte.reports.service.write_report` with a fixed date and keeps what a
refactoring must not change: ``model.json``, the HTML in each language, the Typst input of each
language (``data.<lang>.json``: the presented report the template ``report.typ`` prints; the PDF
itself carries a creation time) and every sheet's cell values, number formats and layout of each
workbook (``xlsx.<lang>.json``). ``compare`` prints every file that differs with its first differing
lines and exits 1 if any does. Nothing here is timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

#: The report's date: fixed, so that "produced on" and overdue actions do not move.
TODAY = dt.date(2026, 12, 5)


def _workbook_cells(path: Path) -> dict[str, dict[str, Any]]:
    """Each sheet's cell values and what a reader sees of its layout: number formats, bold
    and filled cells, the frozen header, the filter and the column widths."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    out: dict[str, dict[str, Any]] = {}
    for sheet in book.worksheets:
        cells = [cell for row in sheet.iter_rows() for cell in row]
        out[sheet.title] = {
            "values": [[cell.value for cell in row] for row in sheet.iter_rows()],
            "formats": {
                c.coordinate: c.number_format for c in cells if c.number_format != "General"
            },
            "bold": [c.coordinate for c in cells if c.font and c.font.bold],
            "filled": [c.coordinate for c in cells if c.fill and c.fill.fill_type],
            "freeze": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
            "widths": {k: d.width for k, d in sorted(sheet.column_dimensions.items())},
        }
    return out


def write(out: Path, healthcare_region: str, period: str) -> None:
    """Build the report and keep its content under ``out``."""
    from lofte.django_setup import setup

    setup()
    from lofte.reports import pdf, service, store

    typst_inputs: list[dict[str, Any]] = []
    original = pdf.render

    def recording(presented: dict[str, Any], charts: Any) -> bytes:
        typst_inputs.append(json.loads(json.dumps(presented, ensure_ascii=False)))
        return original(presented, charts)

    pdf.render = recording  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(prefix="lofte-snapshot-") as tmp:
            service.write_report(healthcare_region, period, Path(tmp), today=TODAY)
            out.mkdir(parents=True, exist_ok=True)
            files = Path(tmp)
            (out / "model.json").write_bytes((files / store.MODEL_FILE).read_bytes())
            for lang in store.LANGUAGES:
                html = (files / store.file_name(lang, "html")).read_text(encoding="utf-8")
                (out / f"report.{lang}.html").write_text(html, encoding="utf-8")
                cells = _workbook_cells(files / store.file_name(lang, "xlsx"))
                _dump(out / f"xlsx.{lang}.json", cells)
    finally:
        pdf.render = original  # type: ignore[assignment]
    for lang, presented in zip(store.LANGUAGES, typst_inputs, strict=True):
        _dump(out / f"data.{lang}.json", presented)
    print(f"wrote {sorted(p.name for p in out.iterdir())} to {out}")


def _dump(path: Path, data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    path.write_text(text + "\n", encoding="utf-8")


def compare(before: Path, after: Path) -> int:
    """Print the files that differ; 0 when every file is identical."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differing = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if not a.exists() else 'before'}")
            differing += 1
            continue
        if a.read_bytes() == b.read_bytes():
            print(f"{name}: identical")
            continue
        differing += 1
        lines = difflib.unified_diff(
            a.read_text(encoding="utf-8").splitlines(),
            b.read_text(encoding="utf-8").splitlines(),
            str(a),
            str(b),
            lineterm="",
            n=1,
        )
        print(f"{name}: DIFFERS")
        for i, line in enumerate(lines):
            if i >= 40:
                print("  …")
                break
            print(f"  {line[:200]}")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="build the report and keep its content")
    w.add_argument("out", type=Path)
    w.add_argument("--healthcare-region", default="sydost")
    w.add_argument("--period", default="2026H1")
    c = sub.add_parser("compare", help="compare two snapshots")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.out, args.healthcare_region, args.period)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
