"""Shared checks for the public-output tests."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from lofte.catalog import load

KEY = ("indicator", "region", "region_basis", "pathway", "treatment", "period")


def key_of(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple("" if row.get(k) is None else str(row[k]) for k in KEY)


def rows_where(table: pa.Table, **equal: str | None) -> list[dict[str, Any]]:
    """Rows of ``table`` whose columns equal the given values (None: the column is null)."""
    mask = None
    for name, value in equal.items():
        col = table.column(name)
        m = pc.is_null(col) if value is None else pc.fill_null(pc.equal(col, value), False)
        mask = m if mask is None else pc.and_(mask, m)
    return (table if mask is None else table.filter(mask)).to_pylist()


def assert_public_cell(
    row: dict[str, Any], internal: dict[tuple[str, ...], dict[str, Any]]
) -> None:
    """A published cell is safe: blank when suppressed, never below min_cell, nothing hidden."""
    min_cell = load().indicator(str(row["indicator"])).min_cell
    inner = internal[key_of(row)]
    suppressed = row["suppressed"] in (True, 1, "1", "True")
    assert suppressed == bool(inner["suppressed"]), row
    blanks = ("numerator", "denominator", "value")
    if suppressed:
        for name in blanks:
            assert row.get(name) in (None, ""), f"suppressed cell shows {name}: {row}"
    else:
        for name in ("numerator", "denominator"):
            if row.get(name) not in (None, ""):
                assert float(row[name]) == inner[name]
        if row.get("denominator") not in (None, ""):
            assert float(row["denominator"]) >= min_cell, f"small cell published: {row}"


class _Tables(HTMLParser):
    """Rows of the tables on a page: ``data-testid`` → region code → cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self._table: str | None = None
        self._row: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("data-testid"):
            self._table = a["data-testid"]
            self.tables[self._table] = {}
        elif tag == "tr" and self._table and a.get("data-region"):
            self._row = a["data-region"]
            self.tables[self._table][self._row] = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            assert self._table is not None
            self.tables[self._table][self._row].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page_tables(html: str) -> dict[str, dict[str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def sv_value(value: float | None, unit: str) -> str:
    """How a Swedish page writes a value (written here independently of the site's formatter)."""
    if value is None:
        return "–"
    decimals = 0 if unit == "count" else 1
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return text + {"percent": " %", "days": " dagar"}.get(unit, "")
