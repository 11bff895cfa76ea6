"""Reading a rendered report as a reader would: its visible text, the words of one language in
the other's rendering, and internal identifiers (issue 14, item 7).

Shared by the tests on the hand-made cube (``test_reading.py``) and on the quick demo world
(``test_demo_report.py``). Two things are not foreign words: names kept as they are in both
languages (:data:`NAMES`, matched across the line breaks and hyphens a PDF puts into them), and
the plans' own words that the English report quotes in Swedish, but only where they stand as
marked quotations (italic, between “ and ”) and are exactly one of the texts the report quotes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

#: What a reader must never see: links to code, research files, seed numbers, indicator codes,
#: and code numbers of the pathway's measuring points ("(kod 35)").
INTERNAL = re.compile(
    r"github\.com|research/|\.md\b|\.py\b|\bseed \d{3}\b|\bsvf_[a-z_0-9]+|\bpal_[a-z_]+|"
    r"\b[a-z]+(?:_[a-z0-9]+)+\b|\((?:kod|code) \d+\)"
)

#: Words of one language that the other language's report must not contain (names aside).
ENGLISH = {
    "the", "and", "of", "with", "within", "share", "target", "not", "met", "fewer", "than",
    "cases", "change", "significant", "pathway", "days", "annex", "source", "hidden", "catch",
    "up", "is", "are", "region's", "nation", "figures", "weeks", "none", "summary",
}  # fmt: skip
SWEDISH = {
    "och", "att", "inte", "som", "är", "av", "för", "med", "till", "eller", "når", "målnivå",
    "målnivån", "uppfyllt", "halvåret", "bilaga", "vårdförlopp", "dagar", "andel", "riket",
    "källa", "ingen", "säkerställd", "län", "sjukvårdsregionen", "veckor", "patienter",
}  # fmt: skip
#: Names kept as they are in both languages.
NAMES = (
    "Best practice",
    "Svenska palliativregistret",
    "Region Östergötland",
    # the title of Socialstyrelsen's publication, quoted as it is
    "Palliativ vård i livets slutskede – målnivåer för indikatorer",
)
#: The marks of a quotation of the plans' own words (report.typ's ``quoted``, report.html).
OPEN, CLOSE = "\u201c", "\u201d"
#: A line break inside a word: the hyphen a PDF adds (or a soft hyphen) and the break.
_BREAK = r"(?:[-\u00ad\u2010]?[ \t]*\n\s*|\u00ad)?"


def name_pattern(name: str) -> re.Pattern[str]:
    """``name`` wherever it stands, also where a line break falls inside it: between two
    words any white space, inside a word an optional hyphen and line break."""
    parts = []
    for word in name.split():
        parts.append(_BREAK.join(re.escape(c) for c in word))
    return re.compile(r"\s+".join(parts))


def _squeezed(text: str) -> str:
    """A text without white space, hyphens and soft hyphens: two printings of one text, broken
    over lines differently, are equal squeezed."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text).lower()


def without_quotations(text: str, quoted: Iterable[str]) -> str:
    """``text`` with every marked quotation of one of the ``quoted`` texts taken out: only a
    span between the quotation marks that is, line breaks and hyphens aside, exactly one of
    them. Any other text between quotation marks stays and is read as words."""
    wanted = {_squeezed(q) for q in quoted if q}

    def drop(m: re.Match[str]) -> str:
        return " " if _squeezed(m.group(1)) in wanted else m.group(0)

    return re.sub(rf"{OPEN}([^{OPEN}{CLOSE}]*){CLOSE}", drop, text)


def words(text: str, quoted: Iterable[str] = ()) -> set[str]:
    """The words of a text, without names, web addresses (a source's address is a name too,
    and the PDF breaks it over lines: every piece has a slash) and the marked quotations of
    ``quoted``."""
    text = without_quotations(text, quoted)
    for name in NAMES:
        text = name_pattern(name).sub(" ", text)
    text = re.sub(r"\xad\s*", "", text)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    text = re.sub(r"\S*/\S*", " ", text)
    return set(re.findall(r"[a-zåäöé']+", text.lower()))


def foreign(text: str, vocabulary: set[str], quoted: Iterable[str] = ()) -> list[str]:
    """The words of ``vocabulary`` in ``text``, each with what surrounds it."""
    found = sorted(words(text, quoted) & vocabulary)
    lowered = text.lower()
    return [
        lowered[max(0, m.start() - 40) : m.end() + 20]
        for w in found
        for m in [re.search(rf"(?<![\wåäö]){re.escape(w)}(?![\wåäö])", lowered)]
        if m
    ] or found


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF, as extracted (line breaks and hyphens kept)."""
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def joined(text: str) -> str:
    """PDF text with the words hyphenated at line ends whole again."""
    text = re.sub(r"\xad\s*", "", text)
    return re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)


def html_text(page: str, bundle: str = "") -> str:
    """The visible text of an HTML page: no scripts, styles or tags."""
    if bundle:
        page = page.replace(bundle, "")
    visible = re.sub(r"<(script|style).*?</\1>", " ", page, flags=re.S)
    return re.sub(r"<[^>]+>", " ", visible)


def xlsx_text(data: bytes) -> str:
    """Every cell of a workbook, as one text."""
    book = load_workbook(io.BytesIO(data))
    return " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )


def quoted_texts(p: dict[str, Any]) -> list[str]:
    """The texts a presented report quotes as written (the plans' own words)."""
    table = p["gap_actions"]
    return [row[i] for row in table["rows"] for i in table.get("quoted", [])]
