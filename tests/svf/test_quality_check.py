"""The import's quality check asks the engine less but gets the same flags.

``deliveries._quality_flags`` leaves out the patients' pathways that cannot be flagged, hands
the engine only the context files that share a patient with the delivery, and short patient keys
without units when there is no context. The flags must be exactly those of
``engine.flag_events`` on all events and all context files.
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
DAY = st.integers(0, 150).map(lambda d: START + dt.timedelta(days=d))

event = st.fixed_dictionaries(
    {
        "patient": st.sampled_from(PATIENTS),
        "pathway": st.sampled_from(PATHWAYS),
        "suffix": st.sampled_from(SUFFIXES),
        "event_date": DAY,
        "reporting_region": st.sampled_from(REGIONS),
        "residence_region": st.one_of(st.none(), st.sampled_from(REGIONS)),
        "unit": st.one_of(st.none(), st.sampled_from(["SE1", "SE2-kirurgi", "E0000007"])),
    }
)


@st.composite
def stories(draw: st.DrawFn) -> list[dict]:
    """One patient's pathway as it mostly goes (a start, events, an end), often slightly off:
    events on the start's or end's date or around them, a second start or end, none at all."""
    patient = draw(st.sampled_from(PATIENTS))
    pathway = draw(st.sampled_from(PATHWAYS))
    start = draw(st.integers(5, 100))
    suffixes = [10] * draw(st.sampled_from([0, 1, 1, 1, 2]))
    suffixes += draw(st.lists(st.sampled_from(SUFFIXES), max_size=4))
    suffixes += draw(st.lists(st.sampled_from([50, 70, 72, 74, 78]), max_size=2))
    base = {
        "patient": patient,
        "pathway": pathway,
        "reporting_region": draw(st.sampled_from(REGIONS)),
        "residence_region": None,
        "unit": None,
    }
    return [
        {
            **base,
            "suffix": suffix,
            "event_date": START + dt.timedelta(days=start + draw(st.integers(-2, 40))),
        }
        for suffix in suffixes
    ]


histories = st.one_of(
    st.lists(event, max_size=50),
    st.lists(stories(), max_size=8).map(lambda parts: [e for part in parts for e in part]),
    st.tuples(st.lists(stories(), max_size=6), st.lists(event, max_size=10)).map(
        lambda both: [e for part in both[0] for e in part] + both[1]
    ),
)


def own(events: list[dict]) -> pa.Table:
    """A delivery's events as the import has them before storing (delivery_id 0)."""
    return table([{**e, "delivery_id": 0, "line": i + 2} for i, e in enumerate(events)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories)
def test_the_same_flags_without_context(events):
    catalog = load()
    full = own(events)
    expected = engine.flag_events(full, catalog)
    assert engine.flag_events(deliveries._assembly_keys(full), catalog).equals(expected)
    flags, prints = deliveries._quality_flags(full, catalog, [])
    assert flags.equals(expected)
    assert prints.tolist() == sorted({int(e["patient"][:16], 16) for e in events})


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(histories, st.lists(histories, max_size=3))
def test_the_same_flags_with_other_regions_files(tmp_path_factory, mine, theirs):
    directory = tmp_path_factory.mktemp("events")
    files = []
    for number, rows in enumerate(theirs, start=1):
        path = directory / f"delivery-{number}.parquet"
        pq.write_table(
            table([{**e, "delivery_id": number, "line": i + 2} for i, e in enumerate(rows)]),
            path,
        )
        files.append(path)
    catalog = load()
    events = own(mine)
    flags, _ = deliveries._quality_flags(events, catalog, files)
    assert flags.equals(engine.flag_events(events, catalog, context=files))
    deliveries._FINGERPRINTS.clear()


def test_a_clean_pathway_is_left_out_but_not_a_transferred_patient(tmp_path, monkeypatch):
    catalog = load()
    clean = [
        {"suffix": 10, "event_date": dt.date(2024, 1, 10)},
        {"suffix": 40, "event_date": dt.date(2024, 1, 10)},  # the start's day: after it
        {"suffix": 35, "event_date": dt.date(2024, 2, 1)},
        {"suffix": 50, "event_date": dt.date(2024, 2, 1)},  # an end on the last day
    ]
    after_end = [*clean, {"suffix": 40, "event_date": dt.date(2024, 2, 2)}]
    base = {"pathway": "brost", "reporting_region": "05", "residence_region": None, "unit": None}
    rows = [{**base, **e, "patient": PATIENTS[0]} for e in clean]
    rows += [{**base, **e, "patient": PATIENTS[1]} for e in after_end]
    events = own(rows)
    cannot = deliveries._cannot_be_flagged(events, pc_indices(events), catalog)
    assert cannot.tolist() == [True] * 4 + [False] * 5
    ends_twice = own([{**r, "suffix": 70 if r["suffix"] == 40 else r["suffix"]} for r in rows[:4]])
    assert not deliveries._cannot_be_flagged(ends_twice, pc_indices(ends_twice), catalog).any()

    seen: list[int] = []
    real = engine.flag_events

    def spy(events: pa.Table, catalog=None, context=()):
        seen.append(events.num_rows)
        return real(events, catalog, context)

    monkeypatch.setattr(engine, "flag_events", spy)
    flags, _ = deliveries._quality_flags(events, catalog, [])
    assert seen == [5]
    assert [(r["line"], r["flag"]) for r in flags.to_pylist()] == [(10, "after_end")]

    # the first patient also has a start in another region's file: all of it goes to the engine
    other = tmp_path / "other.parquet"
    pq.write_table(
        table([{**rows[0], "delivery_id": 7, "line": 2, "event_date": dt.date(2024, 1, 2)}]),
        other,
    )
    flags, _ = deliveries._quality_flags(events, catalog, [other])
    assert seen[-1] == 9
    assert flags.equals(real(events, catalog, context=[other]))
    assert (2, "duplicate_start") in [(r["line"], r["flag"]) for r in flags.to_pylist()]
    deliveries._FINGERPRINTS.clear()


def pc_indices(events: pa.Table) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.dictionary_encode(events.column("patient").combine_chunks()).indices.to_numpy()


def test_fingerprints_read_the_first_sixteen_hex_digits():
    values = [pseudonym("a"), "0" * 64, "f" * 64, "0123456789abcdef" + "0" * 48]
    prints = deliveries._fingerprints(pa.chunked_array([values[:2], values[2:], values[:1]]))
    assert prints.tolist() == sorted(int(v[:16], 16) for v in values)
    assert deliveries._members(prints, prints[1:]).tolist() == [False, True, True, True]
    with pytest.raises(ValueError):
        deliveries._fingerprints(pa.array(["abc"]))


def test_pseudonyms_are_ordered_as_strings_even_when_their_prefixes_collide():
    distinct = [pseudonym(str(i)) for i in range(300)]
    values = pa.array(distinct)
    expected = sorted(range(len(distinct)), key=distinct.__getitem__)
    assert deliveries._pseudonym_order(values).tolist() == expected
    # two pseudonyms sharing their first 16 digits: the strings decide
    twins = ["ab" * 8 + "f" * 48, "ab" * 8 + "0" * 48, "00" * 32]
    assert deliveries._pseudonym_order(pa.array(twins)).tolist() == [2, 1, 0]
    assert deliveries._pseudonym_order(pa.array([], pa.string())).tolist() == []
