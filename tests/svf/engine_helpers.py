"""Building events for engine tests: readable one-liners instead of wide tables."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pyarrow as pa

from lofte.svf.engine import EVENT_SCHEMA

_lines = count(2)


def ev(
    patient: str,
    kva: str,
    day: str,
    region: str = "05",
    lan: str | None = None,
    delivery: int = 1,
    pathway: str | None = None,
) -> dict:
    """One event; ``kva`` is pathway id + suffix, e.g. ``brost:50``."""
    pw, suffix = kva.split(":")
    return {
        "delivery_id": delivery,
        "line": next(_lines),
        "patient": patient,
        "pathway": pathway or pw,
        "suffix": int(suffix),
        "event_date": dt.date.fromisoformat(day),
        "reporting_region": region,
        "residence_region": lan,
        "unit": None,
    }


def table(events: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(events, schema=EVENT_SCHEMA)
