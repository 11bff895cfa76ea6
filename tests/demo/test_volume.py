"""The generator's volume factor: more pathways per year over the same years (bench/scale.py)."""

from __future__ import annotations

import json

import pytest

from lofte.demo import generate

from .demo_reading import TODAY


def test_volume_multiplies_pathways_per_year_not_years(quick_manifest, tmp_path):
    double = generate(tmp_path / "double", quick=True, today=TODAY, volume=2.0)
    assert (double.period_from, double.period_to) == (
        quick_manifest.period_from,
        quick_manifest.period_to,
    )
    assert [d.region for d in double.deliveries] == [d.region for d in quick_manifest.deliveries]
    # Poisson counts of twice the rate: within a few per cent of twice as many.
    assert 1.9 <= double.instances / quick_manifest.instances <= 2.1
    assert 1.9 <= double.events / quick_manifest.events <= 2.1
    written = json.loads(double.path.read_text(encoding="utf-8"))
    assert written["volume"] == 2.0
    assert quick_manifest.volume == 1.0


@pytest.mark.parametrize("volume", [0.0, -1.0, float("nan")])
def test_volume_must_be_positive(tmp_path, volume):
    with pytest.raises(ValueError, match="volume"):
        generate(tmp_path, quick=True, today=TODAY, volume=volume)
    assert not any(tmp_path.iterdir())
