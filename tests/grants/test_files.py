"""Attachments are checked by their content, not their name (PDF and XLSX only)."""

from __future__ import annotations

import io
import zipfile

import pytest

from lofte.grants import files

#: The smallest PDF a reader opens: header, one empty page, cross-reference table, trailer.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def xlsx(macro: bool = False) -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    if not macro:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"macro")
    return out.getvalue()


def test_a_pdf_and_a_workbook_are_taken_with_their_type_from_the_content() -> None:
    pdf = files.check("Projektplan.PDF", PDF)
    assert (pdf.file_type, pdf.size, pdf.name) == ("pdf", len(PDF), "Projektplan.PDF")
    book = files.check("budget.xlsx", xlsx())
    assert book.file_type == "xlsx"
    assert len(book.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.pdf", b"", "filen är tom"),
        ("plan.pdf", b"MZ\x90\x00 not a pdf %%EOF", "innehållet är inte en PDF"),
        ("plan.pdf", xlsx(), "innehållet är inte en PDF"),  # a workbook renamed
        ("budget.xlsx", PDF, "är inte en Excel-arbetsbok"),  # a PDF renamed
        ("budget.xlsx", b"PK\x03\x04broken", "är inte en Excel-arbetsbok"),
        ("budget.xlsx", xlsx(macro=True), "innehåller makron"),
        ("plan.docx", PDF, "bara PDF (.pdf) och Excel (.xlsx)"),
        ("plan", PDF, "bara PDF"),
    ],
)
def test_refusals_name_the_file_and_say_why(name: str, data: bytes, message: str) -> None:
    with pytest.raises(files.AttachmentError) as refused:
        files.check(name, data)
    assert message in str(refused.value)
    assert str(refused.value).startswith(name)


def test_a_file_over_the_limit_is_refused_before_its_content_is_read() -> None:
    with pytest.raises(files.AttachmentError, match=r"högst 1 MB"):
        files.check("stor.pdf", PDF + b"0" * 1024 * 1024, max_bytes=1024 * 1024)
    assert files.check("liten.pdf", PDF, max_bytes=len(PDF)).size == len(PDF)


def test_names_lose_paths_and_control_characters() -> None:
    assert files.clean_name("..\\..\\C:/tmp/\x1b[31mplan.pdf") == "[31mplan.pdf"
    assert files.clean_name("/") == "bilaga"
