"""The report as a workbook (SPEC §9): one sheet per table, the figures as printed.

Cells hold what the presented report prints (suppressed cells as "–"), so that the workbook
shows exactly what the HTML and the PDF show; a printed figure (a share, a count, days) is
stored as a number with a number format that prints it the same way. The raw, unsuppressed
cube is never written here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lofte.core.spreadsheet import neutralise
from lofte.reports import texts

HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
BANNER_FILL = PatternFill("solid", fgColor="FFF3CD")
INVALID = str.maketrans({c: " " for c in "[]*?/\\"})


NUMBER = re.compile(
    r"^(?P<sign>[+\u2212-])?(?P<n>\d[\d\u00a0 ]*(?:[.,]\d+)?)"
    r"(?:(?P<pct>\u00a0%)|\u00a0(?P<unit>[a-zåäö]+))?(?P<star> \*)?$"
)
#: Excel's limit for a sheet name.
SHEET_NAME_MAX = 31


def _cell(text: Any, lang: str) -> tuple[Any, str | None]:
    """A printed figure as a number with its display format, so that sheets can be computed
    with; everything else (text, a hidden cell's mark) stays as printed. A change marked
    significant ("+5,7 *") stays text: the star is part of what it says."""
    if not isinstance(text, str):
        return text, None
    match = NUMBER.match(text)
    if match is None or match["star"] or _label(match, lang):
        return text, None
    digits = match["n"].replace("\u00a0", "").replace(" ", "")
    if lang == "sv":
        digits = digits.replace(",", ".")
    elif "," in digits:
        if re.fullmatch(r"\d{1,3}(,\d{3})+", digits) is None:
            return text, None
        digits = digits.replace(",", "")
    decimals = len(digits.partition(".")[2])
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    suffix = '" %"' if match["pct"] else f'" {match["unit"]}"' if match["unit"] else ""
    if match["sign"]:
        fmt = f'+{fmt}{suffix};"\u2212"{fmt}{suffix};0{suffix}'
    else:
        fmt += suffix
    value: float | int = float(digits) if decimals else int(digits)
    if match["sign"] in ("\u2212", "-"):
        value = -value
    return value, fmt


def _label(match: re.Match[str], lang: str) -> bool:
    """Whether a number-like text is a label, not a figure: a unit other than days (the only
    word :func:`lofte.reports.texts.number` prints after a figure), or four digits or more
    without a thousands separator, which only a year is ("2025")."""
    if match["unit"] and match["unit"] != texts.t("days", lang):
        return True
    whole = match["n"].split("," if lang == "sv" else ".")[0]
    return re.fullmatch(r"\d{4,}", whole) is not None and not match["pct"] and not match["unit"]


#: Words a sheet name can do without when the whole name does not fit (Swedish and English).
FILLER = frozenset(
    (
        *("andel", "som", "av", "de", "den", "det", "med", "för", "i", "på", "inom", "till"),
        *("vid", "region", "län", "share", "of", "the", "a", "an", "at", "in", "with"),
        *("within", "to", "for", "by", "who", "were", "county"),
    )
)


def _sheet_name(name: str, used: set[str]) -> str:
    """A readable sheet name of at most 31 characters, cut between words, never inside one;
    filler words go first when the whole name does not fit."""
    words = name.translate(INVALID).replace(":", "").split()
    limit = SHEET_NAME_MAX - 3  # room for " 2" if two names meet
    if len(" ".join(words)) > limit:
        kept = [w for i, w in enumerate(words) if i == 0 or w.lower() not in FILLER]
        if len(kept) > 1 and kept[0][0].isdigit() and kept[1] != words[1]:
            kept[1] = kept[1][:1].upper() + kept[1][1:]
        words = kept or words
    base = ""
    for word in words:
        candidate = f"{base} {word}".strip()
        if len(candidate) > limit:
            break
        base = candidate
    base = (base or words[0][:limit]).rstrip(",;.–-")
    candidate, n = base, 2
    while candidate.lower() in {u.lower() for u in used}:
        candidate, n = f"{base} {n}", n + 1
    used.add(candidate)
    return candidate


def _write(
    wb: Workbook,
    used: set[str],
    name: str,
    p: dict[str, Any],
    title: str,
    head: list[str],
    rows: list[list[Any]],
    notes: Sequence[str] = (),
) -> None:
    """One sheet: the title, the synthetic-data banner, a table (header in view, every column
    filterable, figures as numbers) and the notes under it."""
    ws = wb.create_sheet(_sheet_name(name, used))
    _append(ws, [title])
    ws["A1"].font = Font(bold=True, size=12)
    line = 2
    if p["synthetic_banner"]:
        _append(ws, [p["synthetic_banner"]])
        ws.cell(row=line, column=1).fill = BANNER_FILL
        ws.cell(row=line, column=1).font = Font(bold=True)
        line += 1
    ws.append([])
    header_row = line + 1
    if head:
        _append(ws, head)
        for col in range(1, len(head) + 1):
            cell = ws.cell(row=header_row, column=col)
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = _write_rows(ws, rows, p["lang"], [len(str(h)) for h in head] or [10])
    if head:
        # the header stays in view and every column can be filtered
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        last = ws.cell(row=header_row + max(len(rows), 1), column=len(head)).coordinate
        ws.auto_filter.ref = f"A{header_row}:{last}"
    for text in notes:
        ws.append([])
        _append(ws, [text])
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 10), 60)


def _append(ws: Any, values: Sequence[Any]) -> None:
    """A row of cells. Imported texts (an indicator's source, a note) must never become live
    formulas."""
    ws.append([neutralise(v) if isinstance(v, str) else v for v in values])


def _write_rows(ws: Any, rows: list[list[Any]], lang: str, widths: list[int]) -> list[int]:
    """The table's rows, printed figures as numbers with their format; returns the widths of
    the columns (the longest value of each, the header's to start with)."""
    for row in rows:
        converted = [_cell(v, lang) for v in row]
        _append(ws, [value for value, _ in converted])
        for col, (value, fmt) in enumerate(converted, start=1):
            cell = ws.cell(row=ws.max_row, column=col)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if fmt:
                cell.number_format = fmt
            if col > len(widths):
                widths.append(0)
            widths[col - 1] = max(widths[col - 1], len(str(value)) if value is not None else 0)
    return widths


def _summary_sheet(wb: Workbook, used: set[str], p: dict[str, Any]) -> None:
    """The summary: per region a value column and a verdict column."""
    labels = p["labels"]
    head = [labels["indicator"], labels["period"], labels["target"]]
    for column in p["summary"]["columns"]:
        head += [column, f"{column}: {labels['status']}"]
    rows = []
    for r in p["summary"]["rows"]:
        row = [f"{r['promise']}. {r['name']}", r["period"], r["target"]]
        for cell in r["cells"]:
            row += [cell["text"], cell["status_text"]]
        rows.append(row)
    title = f"{p['title']} – {p['subtitle']}"
    notes = [*p["summary"]["notes"], p["made_by"]]
    _write(wb, used, labels["summary"], p, title, head, rows, notes)


def _promise_sheets(wb: Workbook, used: set[str], p: dict[str, Any], pr: dict[str, Any]) -> None:
    """A promise's sheets: the two MDK measures, each indicator's table, the per-pathway
    tables, the what-if table and the *ingående ledtider*, where the promise has them."""
    number = pr["number"]
    if pr["mdk"]:
        t = pr["mdk"]
        notes = [t["text"], *t["notes"]]
        _write(wb, used, f"{number}. {t['sheet']}", p, t["title"], t["head"], t["rows"], notes)
    for ind in pr["indicators"]:
        if ind["table"] is None:
            continue
        t = ind["table"]
        title = f"{pr['title']}: {ind['name']}"
        notes = [*ind["narrative"], *t["notes"], *pr["caveats"]]
        _write(wb, used, f"{number}. {ind['sheet']}", p, title, t["head"], t["rows"], notes)
    for t in pr["pathway_tables"]:
        _write(wb, used, t["sheet"], p, t["title"], t["head"], t["rows"], t["notes"])
    if pr.get("whatif") and pr["whatif"]["rows"]:
        # no sheet for a what-if block without rows: its note is in the report
        t = pr["whatif"]
        name = f"{number}. {texts.t('whatif_sheet', p['lang'])}"
        _write(wb, used, name, p, t["title"], t["head"], t["rows"], [t["note"]])
    if pr["bottleneck"]:
        t = pr["bottleneck"]
        notes = [t["note"], *t["notes"]]
        _write(wb, used, t["sheet"], p, t["title"], t["head"], t["rows"], notes)


def render(p: dict[str, Any]) -> bytes:
    """The workbook of a presented report (:func:`lofte.reports.present.present`): the
    summary, the key findings, each promise's tables, the gaps and the annexes, one sheet
    each, in the report's order."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    labels = p["labels"]
    _summary_sheet(wb, used, p)
    findings = [[f["title"], item] for f in p["findings"] for item in f["items"]]
    head = [labels["findings"], labels["narrative"]]
    notes = [labels["findings_intro"]]
    _write(wb, used, labels["findings"], p, labels["findings"], head, findings, notes)
    for pr in p["promises"]:
        _promise_sheets(wb, used, p, pr)
    suppression = {"head": [], "rows": [[para] for para in p["suppression"]]}
    sources_note = [labels["aggregate_source"]]
    # (sheet name, title, table, notes) of the gaps and the annexes, in the report's order
    tail: list[tuple[str, str, dict[str, Any], list[str]]] = [
        (labels["gaps"], labels["gaps"], p["gaps"], []),
        (labels["sheet_gap_actions"], p["gap_actions"]["title"], p["gap_actions"], []),
        (
            labels["annex_definitions"],
            labels["annex_definitions"],
            p["definitions"],
            [labels["no_rehabilitation"], p["method"]],
        ),
        (labels["sheet_sources"], labels["annex_sources"], p["sources"], sources_note),
        (labels["sheet_deliveries"], labels["svf_source"], p["deliveries"], []),
        (labels["annex_suppression"], labels["annex_suppression"], suppression, []),
        (labels["sheet_quality"], labels["annex_quality"], p["quality"], [labels["quality_intro"]]),
    ]
    for name, title, table, notes in tail:
        if table["rows"]:  # no sheet for a table without rows
            _write(wb, used, name, p, title, table["head"], table["rows"], notes)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
