"""A small hand-made cube for the report tests: every figure known, some suppressed, some changes.

Cells follow the columns of the stored cube. Shares come with counts, so that the tests can
recompute significance; a suppressed cell still holds its internal numbers (as the internal cube
does), with a value that appears nowhere else, so that a leak would be visible.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lofte.core.stats import wilson

HR = "sydost"
COUNTIES = ("05", "06", "08")
REGIONS = (*COUNTIES, HR, "SE")
PERIOD = "2025H1"
PREVIOUS = "2024H1"
HALVES = ("2021H2", "2022H1", "2022H2", "2023H1", "2023H2", "2024H1", "2024H2", "2025H1")
#: The internal value of the suppressed cell: must never be printed anywhere.
LEAK_VALUE = 100 * 2 / 3  # "66,7"
LEAK_TEXTS = ("66,7", "66.7", "66,6", "66.6")

# svf_andel_inom_ledtid (target 80) by region and half: (numerator, denominator)
SHARES: dict[str, dict[str, tuple[int, int]]] = {
    # Östergötland: 30 % → 60 %: a significant improvement
    "05": {PREVIOUS: (60, 200), PERIOD: (120, 200)},
    # Jönköping: 50 % → 55 %: not significant
    "06": {PREVIOUS: (20, 40), PERIOD: (22, 40)},
    # Kalmar: the current half has 3 cases: suppressed
    "08": {PREVIOUS: (30, 50), PERIOD: (2, 3)},
    HR: {PREVIOUS: (110, 290), PERIOD: (144, 243)},
    "SE": {PREVIOUS: (4000, 10000), PERIOD: (4500, 10000)},
}
LEVEL = {"05": "county", "06": "county", "08": "county", HR: "healthcare_region", "SE": "nation"}


def row(indicator: str, region: str, period: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "indicator": indicator,
        "region": region,
        "region_level": LEVEL[region],
        "region_basis": "bostad",
        "pathway": "alla",
        "treatment": "alla",
        "period": period,
        "period_type": "half" if "H" in period else "year",
        "numerator": None,
        "denominator": None,
        "value": None,
        "ci_low": None,
        "ci_high": None,
        "suppressed": False,
        "target": None,
        "target_high": None,
        "meets_target": None,
    }
    base.update(kw)
    return base


def share_row(
    indicator: str, region: str, period: str, x: int, n: int, target: float | None, **kw: Any
) -> dict[str, Any]:
    low, high = wilson(x, n)
    value = 100 * x / n
    return row(
        indicator,
        region,
        period,
        numerator=x,
        denominator=n,
        value=value,
        ci_low=100 * low,
        ci_high=100 * high,
        suppressed=n < 5,
        target=target,
        meets_target=None if target is None else value >= target,
        **kw,
    )


def rows() -> list[dict[str, Any]]:
    out = []
    for region, by_period in SHARES.items():
        for i, half in enumerate(HALVES):
            x, n = by_period.get(half, (40 + i, 100))
            out.append(share_row("svf_andel_inom_ledtid", region, half, x, n, 80.0))
            out.append(
                row(
                    "svf_ledtid_median",
                    region,
                    half,
                    denominator=n,
                    value=30.0 + i + len(region),
                    suppressed=n < 5,
                )
            )
            for k, step in enumerate(
                (
                    "svf_median_start_till_besok",
                    "svf_median_besok_till_diagnos",
                    "svf_median_diagnos_till_behandling",
                )
            ):
                out.append(
                    row(step, region, half, denominator=n, value=5.0 + 4 * k, suppressed=n < 5)
                )
    # per pathway, healthcare region: breast with a target, prostate without one
    for half, (x, n) in ((PREVIOUS, (10, 40)), (PERIOD, (30, 40))):
        out.append(share_row("svf_andel_inom_ledtid", HR, half, x, n, 80.0, pathway="brost"))
        out.append(row("svf_ledtid_median", HR, half, pathway="brost", denominator=n, value=33.5))
    out.append(row("svf_ledtid_median", HR, PERIOD, pathway="prostata", denominator=12, value=71.0))
    # an aggregate indicator with a borrowed low/high reference (no verdict), yearly, value only
    for region, value in (("05", 91.0), ("06", 96.0), ("08", 99.5), (HR, 95.0), ("SE", 93.0)):
        for year, delta in (("2023", -2.0), ("2024", 0.0)):
            out.append(
                row(
                    "kontaktsjukskoterska_andel",
                    region,
                    year,
                    region_basis=None,
                    value=value + delta,
                    target=95.0,
                    target_high=99.0,
                )
            )
    # an aggregate indicator with a decided national target (90), yearly, value only: a gap
    # that no action covers
    for region, value in (("05", 85.0), ("06", 92.0), ("08", 88.5), (HR, 88.0), ("SE", 87.0)):
        out.append(
            row(
                "pal_munhalsobedomning",
                region,
                "2024",
                region_basis=None,
                value=value,
                target=90.0,
                meets_target=value >= 90.0,
            )
        )
    # the suppressed cell's leak value must be distinctive
    for r in out:
        if r["suppressed"]:
            assert r["value"] is not None
    return out


def table() -> pa.Table:
    t = pa.Table.from_pylist(rows())
    return t.set_column(
        t.schema.get_field_index("region_basis"),
        "region_basis",
        pa.array(t.column("region_basis").to_pylist(), pa.string()),
    )


def published() -> pa.Table:
    """The cube as the engine would store it for publishing: Kalmar's 3 could be worked out as
    Sydöst minus the other two counties, so Jönköping's cells of that half are hidden too
    (secondary suppression, SPEC §7)."""
    out = rows()
    for r in out:
        if r["region"] == "06" and r["period"] == PERIOD and r["region_basis"] == "bostad":
            r["suppressed"] = True
    t = pa.Table.from_pylist(out)
    return t.set_column(
        t.schema.get_field_index("region_basis"),
        "region_basis",
        pa.array(t.column("region_basis").to_pylist(), pa.string()),
    )


def write(path) -> pa.Table:
    """Write the cube that passes the publication gate (:func:`published`)."""
    t = published()
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(t, path)
    return t
