"""The scaling benchmark's arithmetic (bench/scale.py): growth factors and the table.

Nothing is timed here; the benchmark itself is a script (bench/README.md)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def scale():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_scale", BENCH / "scale.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def result(volume: float, seconds: float, cells: int, site: int | None) -> dict:
    return {
        "volume": volume,
        "data": {"pathways": int(1000 * volume), "events": int(7000 * volume)},
        "compute": {"seconds": seconds, "cells": cells, "peak_rss_bytes": 2**30 * volume},
        "site": {"rss_open_bytes": site} if site is not None else {},
    }


def test_growth_is_against_the_smallest_volume_with_the_exponent(scale):
    runs = [result(1, 2.0, 100, 200), result(2, 4.0, 150, 200), result(4, 8.0, 200, 200)]
    grow = scale.growth(runs)
    assert grow["compute (s, median)"]["2"] == pytest.approx(2.0)
    assert grow["compute (s, median)"]["4"] == pytest.approx(4.0)
    assert grow["compute (s, median)"]["exponent"] == pytest.approx(1.0)  # linear
    assert grow["cube cells"]["exponent"] == pytest.approx(math.log(2) / math.log(4))
    assert grow["site process, cube open (MiB)"]["exponent"] == pytest.approx(0.0)
    # A figure a run did not give stays unknown instead of becoming a wrong ratio.
    assert grow["public file (MiB)"] == {"1": None, "2": None, "4": None, "exponent": None}


def test_table_shows_each_volume_its_growth_and_the_exponent(scale):
    runs = [result(1, 2.0, 100_000, 200 * 2**20), result(4, 8.0, 200_000, 200 * 2**20)]
    table = scale.markdown(runs, scale.growth(runs))
    lines = table.splitlines()
    assert lines[0] == "| measure | 1× | 4× | growth 4× | exponent |"
    assert "| compute (s, median) | 2.0 | 8.0 | 4.00× | 1.00 |" in lines
    assert "| cube cells | 100 000 | 200 000 | 2.00× | 0.50 |" in lines
    assert "| site process, cube open (MiB) | 200 | 200 | 1.00× | 0.00 |" in lines
    assert "| public file (MiB) | – | – | – | – |" in lines


def test_volumes_must_be_positive(scale, capsys):
    with pytest.raises(SystemExit):
        scale.main(["--volumes", "0,1"])
    assert "--volumes" in capsys.readouterr().err
