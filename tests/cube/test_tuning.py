"""The engine's tuning knobs (lofte.cube.tuning) change how it computes, never what."""

from __future__ import annotations

import numpy as np
import pytest

from lofte.cube import keys, quantiles, tuning
from lofte.cube.tuning import EngineConfig


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
