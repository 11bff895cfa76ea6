"""Reading the demo's files back, independently of the generator.

The reading and assembling here is deliberately small and independent of the generator: it
sniffs encodings and delimiters, maps the column aliases, normalises personnummer and assembles
pathway instances by SPEC §4, so that the story the data tell is checked on what was written.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
from openpyxl import load_workbook

from lofte.demo import Manifest

TODAY = date(2026, 11, 23)
ALIASES = {
    "pnr": "personnummer",
    "kva_code": "kva",
    "date": "datum",
    "reporting_region": "rapporterande_region",
    "residence_region": "lan",
    "unit": "enhet",
}
EXITS = {70, 72, 73, 74, 76, 78}


def luhn_ok(ten: str) -> bool:
    total = 0
    for i, ch in enumerate(ten):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return total % 10 == 0


def normalise_pnr(raw: str, today: date = TODAY) -> str | None:
    """Twelve digits, or None when the number is not valid (SPEC §3)."""
    text = raw.strip()
    plus = "+" in text
    digits = text.replace("-", "").replace("+", "")
    if not digits.isdigit() or len(digits) not in (10, 12):
        return None
    if len(digits) == 10:
        yy, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6]) % 60
        year = None
        for century in (2000, 1900, 1800):
            candidate = century + yy
            try:
                born = date(candidate, month, day)
            except ValueError:
                return None
            age = today.year - candidate - ((today.month, today.day) < (month, day))
            if born <= today and (age >= 100 if plus else age < 100):
                year = candidate
                break
        if year is None:
            return None
        digits = f"{year}{digits[2:]}"
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]) % 60)
    except ValueError:
        return None
    return digits if luhn_ok(digits[2:]) else None


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if "-" in text:
        return date.fromisoformat(text)
    return datetime.strptime(text, "%Y%m%d").date()


@dataclass
class Sniffed:
    encoding: str
    delimiter: str
    header: list[str]
    crlf: bool


def sniff(path: Path) -> Sniffed:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
    text = data.decode(encoding)
    first = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return Sniffed(encoding, delimiter, first.split(delimiter), "\r\n" in text[:2000])


def read_rows(path: Path) -> list[dict]:
    """Rows of a delivery as dicts keyed by canonical column names (values as in the file)."""
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
    elif path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    else:
        s = sniff(path)
        text = path.read_bytes().decode(s.encoding)
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=s.delimiter))
    out = []
    for row in rows:
        canonical = {}
        for key, value in row.items():
            name = key.strip().lower()
            canonical[ALIASES.get(name, name)] = value
        out.append(canonical)
    return out


@dataclass
class Event:
    patient: str
    prefix: str
    suffix: int
    day: date
    reporter: str
    lan: str | None
    delivery: str


@dataclass
class Instance:
    patient: str
    pathway: str
    start: date
    starter: str
    lan: str | None
    end: date | None = None
    end_suffix: int | None = None
    finisher: str | None = None
    points: dict[int, date] = field(default_factory=dict)


@dataclass
class DemoData:
    manifest: Manifest
    instances: list[Instance]
    warnings: dict[str, Counter]  # delivery file name → kind → count
    events: list[Event]


def _order(suffix: int, end_suffixes: set[int]) -> tuple[int, int]:
    if suffix == 10:
        return (0, suffix)
    if suffix in end_suffixes:
        return (2, suffix)
    return (1, suffix)


def assemble(events: list[Event], cat) -> tuple[list[Instance], dict[str, Counter]]:
    """SPEC §4 rules 1–7, counting the warnings per delivery."""
    by_prefix = {p.kva_prefix: p for p in cat.pathways.values() if p.kva_prefix}
    groups: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for event in events:
        groups[(event.patient, event.prefix)].append(event)
    instances: list[Instance] = []
    warnings: dict[str, Counter] = defaultdict(Counter)
    for (patient, prefix), group in groups.items():
        pathway = by_prefix[prefix]
        ends = set(pathway.end_suffixes) | EXITS
        group.sort(key=lambda e: (e.day, _order(e.suffix, ends)))
        current: Instance | None = None
        closed_since = False  # an instance closed and no new start yet
        orphan_end: Event | None = None
        for event in group:
            if event.suffix == 10:
                if current is not None and current.end is None:
                    warnings[event.delivery]["dubblettstart"] += 1
                    continue
                if orphan_end is not None:
                    warnings[orphan_end.delivery]["slut_fore_start"] += 1
                    orphan_end = None
                current = Instance(patient, pathway.id, event.day, event.reporter, event.lan)
                instances.append(current)
                closed_since = False
                continue
            if current is None or closed_since:
                if current is not None and closed_since:
                    warnings[event.delivery]["handelse_efter_slut"] += 1
                else:
                    warnings[event.delivery]["orphan"] += 1
                    if event.suffix in ends:
                        orphan_end = event
                continue
            if event.suffix in ends:
                current.end, current.end_suffix = event.day, event.suffix
                current.finisher = event.reporter
                closed_since = True
            else:
                current.points.setdefault(event.suffix, event.day)
    return instances, warnings
