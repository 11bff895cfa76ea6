"""Delivery files as the regions' Excel and database exports look.

Each region has its own export habit (:data:`STYLES`): CSV in UTF-8, UTF-8 with BOM or
Windows-1252, with comma, semicolon or tab; one XLSX (Gotland) and one Parquet (Stockholm);
ISO or compact dates; Swedish or English column names in any case; different personnummer styles.
Everything is built column-wise with pyarrow.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

CANONICAL = ("personnummer", "kva", "datum", "rapporterande_region", "lan", "enhet")
UNIT_NAME = "enhetsnamn"  # an extra column of some exports: the unit's name in plain Swedish
ENGLISH = {
    "personnummer": "pnr",
    "kva": "kva_code",
    "datum": "date",
    "rapporterande_region": "reporting_region",
    "lan": "residence_region",
    "enhet": "unit",
    UNIT_NAME: "unit_name",
}


@dataclass(frozen=True)
class FileStyle:
    """How one region exports its SVF events."""

    format: str = "csv"  # csv | xlsx | parquet
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    delimiter: str = ","
    header: str = "lower"  # lower | title | upper | english | english-title
    dates: str = "iso"  # iso (YYYY-MM-DD) | compact (YYYYMMDD) | mixed
    pnr: str = "12"  # main personnummer style, see personnummer.STYLES
    unit: bool = True  # has the optional `enhet` column
    unit_name: bool = False  # has the extra `enhetsnamn` column
    order: tuple[str, ...] = CANONICAL
    crlf: bool = False
    sort: str = "date"  # date | patient

    @property
    def extension(self) -> str:
        return {"csv": "csv", "xlsx": "xlsx", "parquet": "parquet"}[self.format]

    def columns(self) -> list[str]:
        """Canonical names of the columns, in file order."""
        names = [c for c in self.order if c != "enhet" or self.unit]
        if self.unit_name:
            names.append(UNIT_NAME)
        return names

    def header_name(self, canonical: str) -> str:
        if self.header.startswith("english"):
            name = ENGLISH[canonical]
            return name.title() if self.header == "english-title" else name
        if self.header == "title":
            return canonical.capitalize()
        if self.header == "upper":
            return canonical.upper()
        return canonical


WINDOWS = FileStyle(encoding="cp1252", delimiter=";", crlf=True)
STYLES: dict[str, FileStyle] = {
    "01": FileStyle(format="parquet"),
    "03": FileStyle(encoding="utf-8-sig", header="title"),
    "04": FileStyle(dates="compact", pnr="12-"),
    "05": replace(
        WINDOWS, header="title", dates="compact", pnr="12-", unit_name=True, sort="patient"
    ),
    "06": replace(WINDOWS, unit_name=True),
    "07": replace(WINDOWS, header="upper", pnr="10-", unit_name=True),
    "08": replace(WINDOWS, header="upper", unit_name=True),
    "09": FileStyle(format="xlsx", header="title", pnr="12-"),
    "10": FileStyle(delimiter=";"),
    "12": replace(WINDOWS, header="title", dates="compact", pnr="10-", unit_name=True),
    "13": FileStyle(encoding="utf-8-sig"),
    "14": FileStyle(encoding="utf-8-sig", header="english", pnr="12-", sort="patient"),
    "17": FileStyle(delimiter="\t"),
    "18": FileStyle(delimiter="\t", header="title", dates="mixed", pnr="10"),
    "19": FileStyle(unit=False),
    "20": FileStyle(
        pnr="12-",
        order=("datum", "kva", "personnummer", "lan", "rapporterande_region", "enhet"),
    ),
    "21": FileStyle(delimiter=";"),
    "22": FileStyle(dates="compact"),
    "23": FileStyle(encoding="utf-8-sig", delimiter=";", pnr="10-"),
    "24": FileStyle(header="english-title"),
    "25": FileStyle(unit=False),
}
DEFAULT_STYLE = FileStyle()

# Frozen timestamps make the XLSX bytes depend on nothing but the data.
FIXED_TIME = datetime(2019, 1, 1)


def date_strings(days: np.ndarray, style: str, mixed: np.ndarray | None = None) -> pa.Array:
    """Days since 1970-01-01 as ``YYYY-MM-DD`` or ``YYYYMMDD`` strings."""
    dates = pa.array(days.astype(np.int32), type=pa.int32()).cast(pa.date32())
    iso = dates.cast(pa.string())
    if style == "iso":
        return iso
    compact = pc.strftime(dates, format="%Y%m%d")
    if style == "compact":
        return compact
    assert mixed is not None
    return pc.if_else(pa.array(mixed), compact, iso)


def write(path: Path, style: FileStyle, columns: dict[str, pa.Array]) -> None:
    """Write the columns (keyed by canonical name, already in file order) in the style."""
    names = [style.header_name(c) for c in columns]
    if style.format == "parquet":
        pq.write_table(pa.table(list(columns.values()), names=names), path)
    elif style.format == "xlsx":
        _write_xlsx(path, names, columns)
    else:
        _write_csv(path, style, names, columns)


def _write_csv(path: Path, style: FileStyle, names: list[str], columns) -> None:
    eol = "\r\n" if style.crlf else "\n"
    table = pa.table(list(columns.values()), names=names)
    body = io.BytesIO()
    options = pacsv.WriteOptions(
        include_header=False, delimiter=style.delimiter, quoting_style="none", eol=eol
    )
    pacsv.write_csv(table, body, options)
    data = (style.delimiter.join(names) + eol).encode() + body.getvalue()
    if style.encoding == "cp1252":
        data = data.decode("utf-8").encode("cp1252")
    elif style.encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def _write_xlsx(path: Path, names: list[str], columns) -> None:
    """A one-sheet workbook, written directly as SpreadsheetML.

    openpyxl's writer spends about half a millisecond per cell; this writes the same kind of
    file (inline strings, dates as serial numbers with a date format) in a fraction of that,
    and with fixed timestamps, so the bytes depend on nothing but the data.
    """
    cells_by_column = []
    for array in columns.values():
        if pa.types.is_date32(array.type):
            # Excel's day 0 is 1899-12-30: serial = days since 1970-01-01 + 25569.
            serial = array.cast(pa.int32()).to_numpy(zero_copy_only=False) + 25569
            cells_by_column.append([f'<c s="1"><v>{v}</v></c>' for v in serial.tolist()])
        else:
            cells_by_column.append(
                [f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in array.to_pylist()]
            )
    header = "".join(f'<c t="inlineStr"><is><t>{escape(n)}</t></is></c>' for n in names)
    rows = [f"<row>{header}</row>"]
    rows.extend(f"<row>{''.join(cells)}</row>" for cells in zip(*cells_by_column, strict=True))
    sheet = (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}"><sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>"
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": CORE,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/styles.xml": STYLES_XML,
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OOXML = "application/vnd.openxmlformats-"
SHEET_ML = OOXML + "officedocument.spreadsheetml."
CONTENT_TYPES = (
    XML_DECLARATION
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + f'<Default Extension="rels" ContentType="{OOXML}package.relationships+xml"/>'
    + '<Default Extension="xml" ContentType="application/xml"/>'
    + "".join(
        f'<Override PartName="{part}" ContentType="{kind}"/>'
        for part, kind in (
            ("/xl/workbook.xml", SHEET_ML + "sheet.main+xml"),
            ("/xl/worksheets/sheet1.xml", SHEET_ML + "worksheet+xml"),
            ("/xl/styles.xml", SHEET_ML + "styles+xml"),
            ("/docProps/core.xml", OOXML + "package.core-properties+xml"),
        )
    )
    + "</Types>"
)
ROOT_RELS = (
    XML_DECLARATION + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
CORE = (
    XML_DECLARATION
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>SVF-leverans (syntetiska data – inga verkliga patienter)</dc:title>"
    "<dc:creator>Löfte demo</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2019-01-01T00:00:00Z</dcterms:created>'
    "</cp:coreProperties>"
)
WORKBOOK = (
    XML_DECLARATION + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="SVF" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    XML_DECLARATION + f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0: general; style 1: the built-in date format 14.
STYLES_XML = (
    XML_DECLARATION + f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
