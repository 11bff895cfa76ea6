"""The import's quality check asks the engine less but gets the same flags.

``deliveries._flag_warnings`` hands the engine short patient keys without units when no other
region's file shares a patient with the delivery, and otherwise only the files that do. Both
must give exactly the flags of ``engine.flag_events`` on the full events and all context files.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.svf import deliveries, engine

from .engine_helpers import table
from .test_engine_property import PATHWAYS, REGIONS, START, SUFFIXES


def pseudonym(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


PATIENTS = [pseudonym(name) for name in "abcdef"]

event = st.fixed_dictionaries(
    {
        "patient": st.sampled_from(PATIENTS),
        "pathway": st.sampled_from(PATHWAYS),
        "suffix": st.sampled_from(SUFFIXES),
        "event_date": st.integers(0, 150).map(lambda d: START + dt.timedelta(days=d)),
        "reporting_region": st.sampled_from(REGIONS),
        "residence_region": st.one_of(st.none(), st.sampled_from(REGIONS)),
        "unit": st.one_of(st.none(), st.sampled_from(["SE1", "SE2-kirurgi", "E0000007"])),
    }
)


def own(events: list[dict]) -> pa.Table:
    """A delivery's events as the import has them before storing (delivery_id 0)."""
    return table([{**e, "delivery_id": 0, "line": i + 2} for i, e in enumerate(events)])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, max_size=60))
def test_short_patient_keys_give_the_same_flags(events):
    catalog = load()
    full = own(events)
    assert engine.flag_events(deliveries._assembly_keys(full), catalog).equals(
        engine.flag_events(full, catalog)
    )


def test_fingerprints_read_the_first_sixteen_hex_digits():
    values = [pseudonym("a"), "0" * 64, "f" * 64, "0123456789abcdef" + "0" * 48]
    prints = deliveries._fingerprints(pa.chunked_array([values[:2], values[2:], values[:1]]))
    assert prints.tolist() == sorted(int(v[:16], 16) for v in values)
    with pytest.raises(ValueError):
        deliveries._fingerprints(pa.array(["abc"]))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(event, max_size=40), st.lists(st.lists(event, max_size=30), max_size=4))
def test_only_files_sharing_a_patient_are_context_and_the_flags_are_the_same(
    tmp_path_factory, mine, theirs
):
    directory = tmp_path_factory.mktemp("events")
    files = []
    for number, rows in enumerate(theirs, start=1):
        path = directory / f"delivery-{number}.parquet"
        pq.write_table(
            table([{**e, "delivery_id": number, "line": i + 2} for i, e in enumerate(rows)]),
            path,
        )
        files.append(path)
    events = own(mine)
    kept = deliveries._context_files(deliveries._fingerprints(events.column("patient")), files)
    mine_patients = {e["patient"] for e in mine}
    assert kept == [
        p
        for p, rows in zip(files, theirs, strict=True)
        if mine_patients & {e["patient"] for e in rows}
    ]
    catalog = load()
    expected = engine.flag_events(events, catalog, context=files)
    if kept:
        got = engine.flag_events(events, catalog, context=kept)
    else:
        got = engine.flag_events(deliveries._assembly_keys(events), catalog)
    assert got.equals(expected)
    deliveries._context_files(np.zeros(0, np.uint64), [])  # forget the fingerprints of the files
    assert deliveries._FINGERPRINTS == {}
