"""Fixtures for the demo generator's tests: the quick data set, and the same read back."""

from __future__ import annotations

import os
from collections import Counter, defaultdict

import pytest

from lofte.catalog import load
from lofte.demo import Manifest, generate

from .demo_reading import TODAY, DemoData, Event, assemble, normalise_pnr, parse_date, read_rows


@pytest.fixture(scope="session")
def quick_manifest(tmp_path_factory) -> Manifest:
    # LOFTE_DEMO_TEST_SEED checks that the story holds for other seeds too (noise, not luck).
    seed = int(os.environ.get("LOFTE_DEMO_TEST_SEED", "20261123"))
    out = tmp_path_factory.mktemp("demo") / "quick"
    return generate(out, quick=True, today=TODAY, seed=seed)


@pytest.fixture(scope="session")
def quick_data(quick_manifest: Manifest) -> DemoData:
    """The quick data set as the import would see it: the last valid delivery of each region."""
    cat = load()
    active = {}
    for delivery in quick_manifest.deliveries:
        if delivery.expected_valid:
            active[delivery.region] = delivery
    events = []
    duplicates: dict[str, Counter] = defaultdict(Counter)
    for delivery in active.values():
        seen = set()
        for row in read_rows(delivery.path):
            key = tuple(sorted((k, str(v)) for k, v in row.items()))
            if key in seen:
                duplicates[delivery.path.name]["dubblettrad"] += 1
                continue
            seen.add(key)
            patient = normalise_pnr(str(row["personnummer"]))
            assert patient is not None, "valid deliveries have valid personnummer only"
            kva = str(row["kva"])
            events.append(
                Event(
                    patient=patient,
                    prefix=kva[:3],
                    suffix=int(kva[3:]),
                    day=parse_date(row["datum"]),
                    reporter=str(row["rapporterande_region"]),
                    lan=row.get("lan"),
                    delivery=delivery.path.name,
                )
            )
    instances, warnings = assemble(events, cat)
    for name, counts in duplicates.items():
        warnings[name].update(counts)
    return DemoData(quick_manifest, instances, warnings, events)
