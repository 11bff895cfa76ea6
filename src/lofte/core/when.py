"""Reading the *NÄR* column of an action plan: free Swedish text → start and due dates.

Plans say when things happen the way people write it: ``2024-2025``, ``Q2 2025``, ``VT 2025``,
``hösten 2025``, ``juni 2025``, ``2025-06-30``, ``Start Q3 2025``, ``Senast 2025``,
``Kontinuerligt``, ``2 ggr/år``. :func:`parse` keeps the text as written and adds what it can say
for certain:

- ``start``: the first day of the earliest period named (None when the text gives none, or says
  only a deadline: *senast*, *före*, *till*, *t.o.m.*);
- ``due``: the last day of the latest period named (None for an open start: *från*, *fr.o.m.*,
  *start*, *med start*);
- ``recurring``: the text describes something done again and again (*kontinuerligt*, *löpande*,
  *årligen*, *återkommande*, *varje …*, *2 ggr/år*, *per termin*); ``recurrence`` is the phrase.

Text it cannot read gives no dates rather than a guess. Pure Python, no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

_RECURRING = re.compile(
    r"kontinuerlig\w*|löpande|årligen|årlig\w*|återkommande|fortlöpande|varje\s+\w+|"
    r"\d+\s*(?:ggr|gånger|gång)\s*(?:/|per\s+|om\s+|i\s+)\s*(?:år|året|termin|terminen|månad|"
    r"månaden|kvartal|kvartalet|vecka|veckan)|per\s+(?:termin|kvartal|månad|år)|"
    r"varannan\s+\w+|terminsvis|kvartalsvis|månadsvis|halvårsvis|ongoing|continuous\w*|annually",
    re.IGNORECASE,
)
_OPEN_START = re.compile(
    r"^\s*(?:från\s+och\s+med|fr\.?\s*o\.?\s*m\.?|från|start(?:ar)?|med\s+start|from)\b",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    r"^\s*(?:senast|innan|före|till\s+och\s+med|t\.?\s*o\.?\s*m\.?|till|by|before)\b",
    re.IGNORECASE,
)

_YEAR = r"(?:19|20)\d\d"
_TOKEN = re.compile(
    rf"(?P<iso>(?P<iy>{_YEAR})-(?P<im>\d\d)-(?P<id>\d\d))"
    rf"|(?P<ym>(?P<ymy>{_YEAR})-(?P<ymm>0[1-9]|1[0-2]))(?![\d-])"
    rf"|(?P<yq>(?P<yqy>{_YEAR})\s*Q(?P<yqq>[1-4]))"
    rf"|(?P<yh>(?P<yhy>{_YEAR})\s*H(?P<yhh>[12]))"
    r"|(?P<q>(?<![a-zåäö])(?:Q|kvartal\s*)(?P<qn>[1-4]))(?!\d)"
    r"|(?P<tq>(?<![\d])(?P<tqn>[1-4])\s*:?\s*(?:a|e)?\s*kvartalet)"
    r"|(?P<h>(?<![a-zåäö])H(?P<hn>[12]))(?!\d)"
    r"|(?P<half>(?<![a-zåäö])(?P<hw>första|andra)\s+halvåret)"
    r"|(?P<term>(?<![a-zåäö])(?P<tw>VT|HT|vår(?:en|terminen)?|höst(?:en|terminen)?|sommar(?:en)?)"
    r"(?![a-zåäö]))"
    r"|(?P<mon>(?<![a-zåäö])(?P<mw>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?)(?![a-zåäö])"
    rf"|(?P<year>{_YEAR})(?!\d)"
    r"|(?P<yy>-\s?(?P<yyn>\d\d))(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class When:
    """The *NÄR* text as written and what it says about dates."""

    text: str
    start: dt.date | None
    due: dt.date | None
    recurring: bool
    recurrence: str

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "recurring": self.recurring,
            "recurrence": self.recurrence,
        }


@dataclass
class _Piece:
    """A period named in the text; ``year`` None until a neighbour lends one."""

    kind: str  # date, month, quarter, half, term, year
    year: int | None
    a: int = 0  # month, quarter, half number; term: 1 spring, 2 autumn, 3 summer
    day: int = 0

    def bounds(self) -> tuple[dt.date, dt.date]:
        y = self.year
        assert y is not None
        if self.kind == "date":
            d = dt.date(y, self.a, self.day)
            return d, d
        if self.kind == "month":
            return _month(y, self.a, self.a)
        if self.kind == "quarter":
            return _month(y, 3 * self.a - 2, 3 * self.a)
        if self.kind == "half":
            return _month(y, 6 * self.a - 5, 6 * self.a)
        if self.kind == "term":
            return {1: _month(y, 1, 6), 2: _month(y, 7, 12), 3: _month(y, 6, 8)}[self.a]
        return dt.date(y, 1, 1), dt.date(y, 12, 31)


def _month(year: int, first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])


def _term(word: str) -> int:
    w = word.lower()
    if w == "vt" or w.startswith("vår"):
        return 1
    if w == "ht" or w.startswith("höst"):
        return 2
    return 3


def _pieces(text: str) -> list[_Piece]:
    found: list[_Piece] = []
    for m in _TOKEN.finditer(text):
        g = m.groupdict()
        try:
            if g["iso"]:
                dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))  # a real date?
                found.append(_Piece("date", int(g["iy"]), int(g["im"]), int(g["id"])))
            elif g["ym"]:
                found.append(_Piece("month", int(g["ymy"]), int(g["ymm"])))
            elif g["yq"]:
                found.append(_Piece("quarter", int(g["yqy"]), int(g["yqq"])))
            elif g["yh"]:
                found.append(_Piece("half", int(g["yhy"]), int(g["yhh"])))
            elif g["q"]:
                found.append(_Piece("quarter", None, int(g["qn"])))
            elif g["tq"]:
                found.append(_Piece("quarter", None, int(g["tqn"])))
            elif g["h"]:
                found.append(_Piece("half", None, int(g["hn"])))
            elif g["half"]:
                found.append(_Piece("half", None, 1 if g["hw"].lower() == "första" else 2))
            elif g["term"]:
                found.append(_Piece("term", None, _term(g["tw"])))
            elif g["mon"]:
                found.append(_Piece("month", None, MONTHS[g["mw"].lower()]))
            elif g["year"]:
                year = int(g["year"])
                # "Q1 2025": the year belongs to the period before it, not a period of its own.
                if found and found[-1].year is None and found[-1].kind != "year":
                    for piece in reversed(found):
                        if piece.year is not None:
                            break
                        piece.year = year
                else:
                    found.append(_Piece("year", year))
            elif g["yy"] and found and found[-1].kind == "year":
                # "2024-25": the second year written with two digits.
                prev = found[-1].year
                assert prev is not None
                year = prev // 100 * 100 + int(g["yyn"])
                if year > prev:
                    found.append(_Piece("year", year))
        except ValueError:  # an impossible date such as 2025-02-30
            continue
    # A period without a year ("Q3 - Q4 2025" has it after, "2025 Q3" before) borrows the
    # nearest year written after it, else the one before it.
    for i, piece in enumerate(found):
        if piece.year is None:
            later = [p.year for p in found[i + 1 :] if p.year is not None]
            earlier = [p.year for p in found[:i] if p.year is not None]
            piece.year = later[0] if later else (earlier[-1] if earlier else None)
    return [p for p in found if p.year is not None]


def parse(text: str | None) -> When:
    """What the *NÄR* ``text`` says (see the module docstring). Never raises."""
    raw = "" if text is None else str(text)
    norm = re.sub(r"\s+", " ", raw.replace("–", "-").replace("—", "-")).strip()
    recurring = _RECURRING.search(norm)
    pieces = _pieces(norm)
    start = due = None
    if pieces:
        bounds = [p.bounds() for p in pieces]
        start = min(b[0] for b in bounds)
        due = max(b[1] for b in bounds)
        if _OPEN_START.search(norm):
            due = None
        elif _DEADLINE.search(norm):
            start = None
    return When(
        text=raw.strip(),
        start=start,
        due=due,
        recurring=recurring is not None,
        recurrence=recurring.group(0) if recurring else "",
    )
