"""A small public cube built with the real engine from a synthetic event set.

The events are generated in code (random pseudonyms, no personnummer): every county gets its own
number of pathways, some so few that the engine suppresses their cells. The cube is computed
once per test session by :func:`lofte.cube.engine.compute` and written where
:func:`lofte.cube.service.cube_path` looks for it; tests compare pages and API responses with
:func:`lofte.cube.service.read_cube` blanked by :func:`lofte.cube.blanking.public_view`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lofte.catalog import load
from lofte.cube import engine, query
from lofte.cube.blanking import public_view

PATHWAYS = ("brost", "prostata", "kolorektal")
FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)


def synthetic_events(seed: int = 11) -> pa.Table:
    """Event-store rows: start (10), sometimes MDK (35), and a treatment end per pathway."""
    rng = np.random.default_rng(seed)
    cat = load()
    counties = [c.code for c in cat.counties()]
    rows: dict[str, list] = {
        k: [] for k in ("patient", "pathway", "suffix", "event_date", "region")
    }
    patient = 0
    span = (LAST_DAY - FIRST_DAY).days - 90
    for index, county in enumerate(counties):
        # a few counties are tiny, so that primary and secondary suppression both occur
        size = 3 if index % 7 == 3 else int(rng.integers(60, 240))
        for _ in range(size):
            patient += 1
            pathway = PATHWAYS[int(rng.integers(0, len(PATHWAYS)))]
            start = FIRST_DAY + dt.timedelta(days=int(rng.integers(0, span)))
            lead = int(rng.gamma(4.0, 8.0)) + 1
            end_suffix = int(rng.choice([50, 50, 52, 54, 60]))
            events = [(10, start), (end_suffix, start + dt.timedelta(days=lead))]
            if rng.random() < 0.8:
                events.append((35, start + dt.timedelta(days=max(0, lead - 3))))
            for suffix, day in events:
                rows["patient"].append(f"{patient:064x}")
                rows["pathway"].append(pathway)
                rows["suffix"].append(suffix)
                rows["event_date"].append(day)
                rows["region"].append(county)
    n = len(rows["patient"])
    return pa.table(
        {
            "delivery_id": pa.array([1] * n, pa.int64()),
            "line": pa.array(range(2, n + 2), pa.int32()),
            "patient": pa.array(rows["patient"], pa.string()),
            "pathway": pa.array(rows["pathway"], pa.string()),
            "suffix": pa.array(rows["suffix"], pa.int16()),
            "event_date": pa.array(rows["event_date"], pa.date32()),
            "reporting_region": pa.array(rows["region"], pa.string()),
            "residence_region": pa.array(rows["region"], pa.string()),
            "unit": pa.array([None] * n, pa.string()),
        }
    )


@pytest.fixture(scope="session")
def built_site_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("site_home")
    counties = [c.code for c in load().counties()]
    result = engine.compute(synthetic_events(), {c: LAST_DAY for c in counties}, threads=1)
    (home / "cube").mkdir()
    pq.write_table(result.cube, home / "cube" / "cube.parquet")
    return home


@pytest.fixture
def site_home(built_site_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """LOFTE_HOME with the session's cube (and an empty report directory)."""
    monkeypatch.setenv("LOFTE_HOME", str(built_site_home))
    yield built_site_home
    reports = built_site_home / "reports"
    if reports.exists():  # a test that wrote a report cleans up after itself
        import shutil

        shutil.rmtree(reports)


@pytest.fixture
def public_cube(site_home: Path) -> pa.Table:
    """The stored cube as the public sees it, read independently of lofte.cube.query."""
    from lofte.cube.service import read_cube

    return public_view(read_cube())


@pytest.fixture
def internal_cube(site_home: Path) -> pa.Table:
    from lofte.cube.service import read_cube

    return read_cube()


@pytest.fixture(autouse=True)
def _fresh_query_cache() -> Iterator[None]:
    query.clear_cache()
    yield
    query.clear_cache()
