"""The report as a workbook (SPEC §9): one sheet per table, the figures as text as printed.

Cells hold the presented (formatted, suppressed-as-"–") strings so that the workbook shows
exactly what the HTML and the PDF show; the raw, unsuppressed cube is never written here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from lofte.core.spreadsheet import neutralise

HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
BANNER_FILL = PatternFill("solid", fgColor="FFF3CD")
INVALID = str.maketrans({c: "_" for c in "[]:*?/\\"})


NUMBER = re.compile(r"^(?P<n>\d[\d\u00a0]*(?:[.,]\d+)?)(?P<pct>\u00a0%)?$")


def _cell(text: Any, lang: str) -> tuple[Any, str | None]:
    """A printed figure as a number with its display format, so that sheets can be computed
    with; everything else (text, "–" for suppressed) stays as printed."""
    if not isinstance(text, str):
        return text, None
    match = NUMBER.match(text)
    if match is None:
        return text, None
    digits = match["n"].replace("\u00a0", "")
    if lang == "sv":
        digits = digits.replace(",", ".")
    elif "," in digits:
        return text, None
    decimals = len(digits.partition(".")[2])
    fmt = "0" if decimals == 0 else "0." + "0" * decimals
    if match["pct"]:
        fmt += '" %"'
    return (float(digits) if decimals else int(digits)), fmt


def _sheet_name(name: str, used: set[str]) -> str:
    base = name.translate(INVALID)[:31]
    candidate, n = base, 2
    while candidate in used:
        suffix = f" {n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _write(
    wb: Workbook,
    used: set[str],
    name: str,
    p: dict[str, Any],
    title: str,
    head: list[str],
    rows: list[list[str]],
    notes: Sequence[str] = (),
) -> None:
    ws = wb.create_sheet(_sheet_name(name, used))

    def append(values: Sequence[Any]) -> None:
        # Imported texts (an indicator's source, a note) must never become live formulas.
        ws.append([neutralise(v) for v in values])

    append([title])
    ws["A1"].font = Font(bold=True, size=12)
    line = 2
    if p["synthetic_banner"]:
        append([p["synthetic_banner"]])
        ws.cell(row=line, column=1).fill = BANNER_FILL
        ws.cell(row=line, column=1).font = Font(bold=True)
        line += 1
    ws.append([])
    append(head)
    header_row = line + 1
    for col in range(1, len(head) + 1):
        cell = ws.cell(row=header_row, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for row in rows:
        append([_cell(v, p["lang"])[0] for v in row])
        for col, v in enumerate(row, start=1):
            fmt = _cell(v, p["lang"])[1]
            if fmt:
                ws.cell(row=ws.max_row, column=col).number_format = fmt
    for text in notes:
        ws.append([])
        append([text])
    for col_cells in ws.iter_cols(min_row=header_row):
        width = max((len(str(c.value)) for c in col_cells if c.value is not None), default=8)
        ws.column_dimensions[col_cells[0].column_letter].width = min(max(width + 2, 10), 60)
    for row in ws.iter_rows(min_row=header_row + 1):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def render(p: dict[str, Any]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    labels = p["labels"]
    footnote = labels["suppressed_footnote"]
    summary_head = [labels["indicator"], labels["period"], labels["target"]]
    summary_rows = []
    for r in p["summary"]["rows"]:
        row = [f"{r['promise']}. {r['name']}", r["period"], r["target"]]
        for cell in r["cells"]:
            row.append(f"{cell['text']} ({cell['status_text']})")
        summary_rows.append(row)
    _write(
        wb,
        used,
        labels["summary"],
        p,
        f"{p['title']} – {p['subtitle']}",
        summary_head + p["summary"]["columns"],
        summary_rows,
        [footnote, p["made_by"]],
    )
    for pr in p["promises"]:
        for ind in pr["indicators"]:
            if ind["table"] is None:
                continue
            notes = [*ind["narrative"], footnote]
            _write(
                wb,
                used,
                ind["code"],
                p,
                f"{pr['title']}: {ind['name']}",
                ind["table"]["head"],
                ind["table"]["rows"],
                notes,
            )
        if pr["pathway_table"]:
            t = pr["pathway_table"]
            _write(
                wb,
                used,
                f"{pr['title']} vårdförlopp" if p["lang"] == "sv" else f"{pr['title']} pathways",
                p,
                t["title"],
                t["head"],
                t["rows"],
                [t["note"], footnote],
            )
        if pr.get("whatif"):
            t = pr["whatif"]
            _write(
                wb,
                used,
                f"{pr['title']} vad händer om" if p["lang"] == "sv" else f"{pr['title']} what if",
                p,
                t["title"],
                t["head"],
                t["rows"],
                [t["note"]],
            )
        if pr["bottleneck"]:
            t = pr["bottleneck"]
            _write(
                wb,
                used,
                f"{pr['title']} ledtider" if p["lang"] == "sv" else f"{pr['title']} lead times",
                p,
                t["title"],
                t["head"],
                t["rows"],
                [t["note"]],
            )
    _write(wb, used, labels["gaps"], p, labels["gaps"], p["gaps"]["head"], p["gaps"]["rows"])
    _write(
        wb,
        used,
        labels["annex_definitions"],
        p,
        labels["annex_definitions"],
        p["definitions"]["head"],
        p["definitions"]["rows"],
        [p["method"]],
    )
    _write(
        wb,
        used,
        labels["annex_sources"],
        p,
        labels["annex_sources"],
        p["sources"]["head"],
        p["sources"]["rows"],
        [labels["svf_source"]],
    )
    _write(
        wb,
        used,
        labels["annex_suppression"],
        p,
        labels["annex_suppression"],
        [],
        [[para] for para in p["suppression"]],
    )
    _write(
        wb,
        used,
        labels["annex_quality"],
        p,
        labels["annex_quality"],
        p["quality"]["head"],
        p["quality"]["rows"],
        [labels["quality_intro"]],
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
