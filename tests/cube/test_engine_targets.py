"""Targets in the computed cube: the catalogue's default, and its overrides by region and period
(most specific wins, exact matches only), with meets_target following the indicator's
direction. The engine looks targets up per indicator and, for overridden indicators only, per
(region, period); every cell must agree with Catalog.target_for."""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from lofte.catalog import load
from lofte.catalog.verdict import classify, meets_target
from lofte.cube import engine
from tests.svf.engine_helpers import ev, table

pytestmark = pytest.mark.usefixtures("lofte_home")


def _write_targets(home: Path, rows: list[dict[str, Any]]) -> None:
    text = (resources.files("lofte.catalog") / "data" / "targets.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    doc["targets"] = rows
    (home / "catalog").mkdir(exist_ok=True)
    (home / "catalog" / "targets.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def _events() -> list[dict]:
    out = []
    for i, (region, start, end) in enumerate(
        [
            ("05", "2025-01-10", "2025-02-01"),
            ("05", "2025-03-03", "2025-05-20"),
            ("06", "2025-02-01", "2025-02-20"),
            ("07", "2025-07-01", "2025-08-30"),
            ("06", "2024-11-01", "2024-11-15"),
        ]
    ):
        patient = f"p{i}"
        out.append(ev(patient, "brost:10", start, region=region, lan=region))
        out.append(ev(patient, "brost:50", end, region=region, lan=region))
    return out


def test_cube_targets_follow_the_catalogue_with_overrides(lofte_home):
    ledtid = "svf_andel_inom_ledtid"
    _write_targets(
        lofte_home,
        [
            {"indicator": ledtid, "period": "2025", "target": {"value": 85}, "source": "test"},
            {"indicator": ledtid, "region": "sydost", "target": {"value": 90}},
            {"indicator": ledtid, "region": "sydost", "period": "2025", "target": {"value": 95}},
            {"indicator": ledtid, "region": "05", "target": None},
            {"indicator": "svf_andel_mdk", "region": "SE", "target": {"low": 90, "high": 99}},
        ],
    )
    catalog = load()
    cube = engine.compute(table(_events()), {}, (), catalog).cube
    seen = set()
    for row in cube.to_pylist():
        expected = catalog.target_for(row["indicator"], row["region"], row["period"])
        low, high = (None, None) if expected is None else expected.levels()
        assert row["target"] == low, row
        assert row["target_high"] == high, row
        info = catalog.indicator(row["indicator"])
        # The cube's meets_target is the one verdict rule (lofte.catalog.verdict), vectorised.
        status = classify(
            row["value"],
            False,
            low,
            high,
            info.direction,
            None if expected is None else expected.kind,
            info.unit,
        )
        assert row["meets_target"] == meets_target(status), row
        if low is not None and row["value"] is not None and expected.judged:
            meets = row["value"] <= low if info.direction == "lower_better" else row["value"] >= low
            assert row["meets_target"] == (meets and row["value"] <= 100), row
        if row["indicator"] == ledtid and row["pathway"] == "alla" and row["treatment"] == "alla":
            seen.add((row["region"], row["period"], row["target"]))
    # The overrides reached exactly their cells (and the defaults everything else).
    assert ("sydost", "2025", 95.0) in seen
    assert ("sydost", "2025H1", 90.0) in seen
    assert ("SE", "2025", 85.0) in seen
    assert ("SE", "2025H1", 80.0) in seen
    assert ("06", "2025", 85.0) in seen
    assert ("05", "2025", None) in seen
    assert ("06", "2024", 80.0) in seen
    shares = [r for r in cube.to_pylist() if r["indicator"] == "svf_andel_mdk"]
    assert all(
        (r["target"], r["target_high"]) == ((90.0, 99.0) if r["region"] == "SE" else (None, None))
        for r in shares
    )
    assert not any(
        isinstance(v, float) and math.isnan(v) for v in cube.column("target").to_pylist()
    )
