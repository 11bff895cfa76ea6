"""Attachments of applications and reports: PDF or XLSX, checked by their content.

The extension must name the type the content has: a PDF starts with ``%PDF-`` and ends with
``%%EOF``; an XLSX is a ZIP holding ``[Content_Types].xml`` and ``xl/workbook.xml`` and no
macros (``xl/vbaProject.bin``), whose unpacked size stays below a bound (no ZIP bombs). Files
are at most ``LOFTE_GRANTS_MAX_UPLOAD`` bytes (default 10 MiB). Refusals are Swedish sentences
naming the file; the file name is cleaned of paths and control characters before it is stored.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass

MAX_BYTES = int(os.environ.get("LOFTE_GRANTS_MAX_UPLOAD", str(10 * 1024 * 1024)))
#: The unpacked size an XLSX may have (a workbook of a project's budget is far smaller).
MAX_UNPACKED = 200 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AttachmentError(ValueError):
    """A refused file; the message is Swedish and names the file."""


@dataclass(frozen=True)
class Checked:
    """An uploaded file that passed the checks: its cleaned name, its type as read from the content
    ("pdf" or "xlsx"), its size, SHA-256 and bytes, ready to be stored."""

    name: str
    file_type: str
    size: int
    sha256: str
    content: bytes


def clean_name(name: str) -> str:
    """An uploaded file's name made safe to store and show: no directories, no control characters,
    at most 150 characters ("bilaga" if nothing is left)."""
    base = re.split(r"[\\/]", name)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "bilaga")[-150:]


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def _xlsx_problem(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                return "är inte en Excel-arbetsbok (XLSX)"
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return "innehåller makron; spara den som en vanlig arbetsbok (.xlsx) utan makron"
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                return "är för stor uppackad"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "är inte en Excel-arbetsbok (XLSX)"
    return None


def check(name: str, data: bytes, *, max_bytes: int | None = None) -> Checked:
    """The file as it will be stored, or ``AttachmentError`` saying why not."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    shown = clean_name(name)
    size = len(data)
    if size == 0:
        raise AttachmentError(f"{shown}: filen är tom")
    if size > limit:
        raise AttachmentError(
            f"{shown}: filen är {size / 1048576:.1f} MB; högst {limit / 1048576:.0f} MB tillåts"
        )
    extension = shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
    if extension not in CONTENT_TYPES:
        raise AttachmentError(f"{shown}: bara PDF (.pdf) och Excel (.xlsx) tas emot")
    if extension == "pdf" and not _is_pdf(data):
        raise AttachmentError(f"{shown}: filen heter .pdf men innehållet är inte en PDF")
    if extension == "xlsx":
        problem = _xlsx_problem(data)
        if problem is not None:
            raise AttachmentError(f"{shown}: filen heter .xlsx men {problem}")
    return Checked(shown, extension, size, hashlib.sha256(data).hexdigest(), data)
