"""The engine's tuning knobs (lofte.svf.tuning) change how it computes, never what."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

import lofte
from lofte.cube import keys, quantiles
from lofte.svf import engine as svf_engine
from lofte.svf import tuning
from lofte.svf.tuning import EngineConfig


def test_a_configuration_is_in_force_only_inside_its_block():
    default = tuning.current()
    with tuning.using(EngineConfig.plain()) as plain:
        assert tuning.current() is plain
        with tuning.using(None) as same:  # None keeps what is in force
            assert same is plain
    assert tuning.current() is default


def test_in_force_again_after_an_error():
    default = tuning.current()
    with pytest.raises(RuntimeError), tuning.using(EngineConfig.plain()):
        raise RuntimeError("boom")
    assert tuning.current() is default


def test_plain_mode_sorts_where_the_tuned_engine_counts():
    rng = np.random.default_rng(7)
    values = rng.integers(0, 1000, 5000)
    expected = np.unique(values, return_inverse=True)
    for config in (EngineConfig(), EngineConfig.plain()):
        with tuning.using(config):
            present, ids = keys.compact(values, 1000)
        assert np.array_equal(present, expected[0])
        assert np.array_equal(ids, expected[1])
    with tuning.using(EngineConfig.plain()):
        assert not quantiles.dense_is_cheaper(10, 1_000)
    assert quantiles.dense_is_cheaper(10, 1_000)


def test_plain_mode_is_one_thread_everywhere():
    """Every thread count of the configuration is 1 (or DuckDB's 1) in plain mode: no knob is
    left out of it."""
    plain = EngineConfig.plain()
    counts = {
        f.name: getattr(plain, f.name)
        for f in dataclasses.fields(EngineConfig)
        if f.name.endswith(("workers", "threads"))
    }
    assert counts == {
        "workers": 1,
        "read_workers": 1,
        "hash_workers": 1,
        "duckdb_threads": 1,
    }
    assert not plain.overlap and not plain.hold_heap
    assert not plain.by_mask(10**6, 10)  # sorts only


def test_duckdb_reads_its_threads_and_memory_cap_from_the_configuration(lofte_home):
    with tuning.using(EngineConfig(duckdb_threads=1, duckdb_memory_limit="300MB")):
        con = svf_engine.connect()
    threads = con.execute("SELECT current_setting('threads')").fetchone()
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert threads == (1,)
    assert limit is not None and str(limit[0]).replace(" ", "").lower().startswith("286")


def test_the_memory_cap_comes_from_the_environment_where_the_config_is_built():
    built = EngineConfig.from_environment({tuning.MEMORY_LIMIT_VARIABLE: "2GB"})
    assert built.duckdb_memory_limit == "2GB"
    assert EngineConfig.from_environment({}).duckdb_memory_limit is None


def test_no_thread_count_is_hard_wired_in_the_engine():
    """Thread pools in the engine's packages take their size from the configuration."""
    src = Path(lofte.__file__).parent
    found = []
    for path in [*(src / "svf").glob("*.py"), *(src / "cube").glob("*.py")]:
        if path.name == "tuning.py":  # where the counts are set
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "tuning.current().overlap" in line:  # the overlap's one side thread: a knob
                continue
            if re.search(r"max_workers=\d|_THREADS\s*=|threads\s*=\s*\d", line):
                found.append(f"{path.relative_to(src)}:{number}: {line.strip()}")
    assert not found, found
