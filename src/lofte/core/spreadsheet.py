"""Untrusted text never becomes a spreadsheet formula (CSV/formula injection, OWASP).

Every CSV and XLSX writer of Löfte passes each cell through :func:`neutralise`: a text that a
spreadsheet program would read as a formula or a command – one beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return – gets an apostrophe in front, which Excel and LibreOffice
show as text and never evaluate. Numbers stay numbers, and so do texts that are plainly a number
(``-12``, ``+3,5``): a spreadsheet reads those as the number they are, nothing more.

Pure: no I/O, no framework (``lofte.core``).
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet treat a cell as a formula (or DDE command).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether ``text`` would be read as a formula by a spreadsheet program."""
    return bool(text) and text[0] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(value: object) -> object:
    """``value`` safe for a spreadsheet cell: formula-like text prefixed with ``'``, the rest
    unchanged (numbers, dates, None, ordinary text)."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value
