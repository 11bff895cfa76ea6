"""Väntande över ledtid (``svf_pagaende_over_ledtid``) and the early warning's days left.

Hand-written cases from SPEC §4 rules 7 and 10 at their boundaries (exactly at the target, a day
before, a day after; a version change; the extended marker; closed, exited and transferred
pathways), a property test that the engine agrees with the reference engine on random histories
with cut-offs, and the audit of a count that adds up over the geography and the pathways but not
over periods. (The suppression of its cells against the plain rule, and every column against the
reference cube, are tested with a cut-off in test_linked_suppression and test_engine_columns.)
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.cube import engine as cube_engine
from lofte.svf import reference, waiting
from tests.engine_configs import examples

from ..svf.engine_helpers import ev, table
from ..svf.test_engine_property import histories, numbered
from .test_audit import cube as public_cube
from .test_audit import found

WAITING = "svf_pagaende_over_ledtid"
D = dt.date


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# --- the target of an open pathway and the days left ------------------------------------------


def test_the_target_is_the_longest_of_the_version_in_force():
    catalog = load()
    # Breast cancer: 28 days from 2015-12-21, 35 from 2024-01-24 (catalogue versions).
    assert catalog.ongoing_target_days("brost", D(2024, 1, 23)) == 28
    assert catalog.ongoing_target_days("brost", D(2024, 1, 24)) == 35
    # Prostate 2016: kir 61, läk 50, strål 68, exspektans 47 → 68; the 2020 version has no days.
    assert catalog.ongoing_target_days("prostata", D(2019, 6, 1)) == 68
    assert catalog.ongoing_target_days("prostata", D(2020, 6, 1)) is None
    # Colorectal: basic 39 (pall 25, IYÅ 25), extended 53.
    assert catalog.ongoing_target_days("kolorektal", D(2024, 6, 1)) == 39
    assert catalog.ongoing_target_days("kolorektal", D(2024, 6, 1), extended=True) == 53
    # The lower bound that spares the day-by-day search: the shortest over every version.
    assert waiting.shortest_target(catalog, "brost") == 28
    assert waiting.shortest_target(catalog, "kolorektal") == 39
    assert waiting.shortest_target(catalog, "lunga") is None


def warn(pathway: str, start: str, cutoff: str, horizon: int = 14, extended: str | None = None):
    return waiting.early_warning(
        load(), pathway, day(start), day(cutoff), day(extended) if extended else None, horizon
    )


def test_exactly_at_the_target_is_the_last_day():
    # Waited 35 days on 2024-06-05 (start 2024-05-01): within the target today, not tomorrow.
    assert not waiting.over_target(load(), "brost", day("2024-05-01"), day("2024-06-05"), None)
    found_warning = warn("brost", "2024-05-01", "2024-06-05")
    assert found_warning == waiting.Warning(0, day("2024-06-05"), 35)


def test_one_day_before_the_target_one_day_left():
    assert warn("brost", "2024-05-02", "2024-06-05") == waiting.Warning(1, day("2024-06-06"), 35)


def test_one_day_past_the_target_is_no_warning_but_over():
    assert waiting.over_target(load(), "brost", day("2024-04-30"), day("2024-06-05"), None)
    assert warn("brost", "2024-04-30", "2024-06-05") is None


def test_the_horizon_counts_the_day_the_target_is_passed():
    # 29 days waited: the last day within is 6 days on, passed on the 7th → in the 7-day list.
    assert warn("brost", "2024-05-07", "2024-06-05", horizon=7).days_left == 6
    # 28 days waited: passed on the 8th day → only in the 14-day list.
    assert warn("brost", "2024-05-08", "2024-06-05", horizon=7) is None
    assert warn("brost", "2024-05-08", "2024-06-05", horizon=14).days_left == 7


def test_a_version_change_inside_the_horizon_moves_the_deadline():
    # Started 2023-12-28, 23 days waited on 2024-01-20 under the 28-day version; from
    # 2024-01-24 the 35-day version is in force, so a treatment on 2024-02-01 (35 days) is
    # within: 12 days left, not 5.
    assert warn("brost", "2023-12-28", "2024-01-20") == waiting.Warning(12, day("2024-02-01"), 35)
    # Started 2023-12-20: passed the 28 days on 2024-01-18, before the new version.
    assert warn("brost", "2023-12-20", "2024-01-15") == waiting.Warning(2, day("2024-01-17"), 28)


def test_the_extended_marker_counts_from_its_day():
    # Colorectal, 35 days on 2024-02-05: basic target 39 → 4 days left; with the extended
    # marker (44) before the cut-off the target is 53 → beyond the 14 days.
    assert warn("kolorektal", "2024-01-01", "2024-02-05") == waiting.Warning(
        4, day("2024-02-09"), 39
    )
    assert warn("kolorektal", "2024-01-01", "2024-02-05", extended="2024-01-20") is None
    # A marker reported for a day after the cut-off counts from that day on.
    assert warn("kolorektal", "2024-01-01", "2024-02-05", extended="2024-02-08") is None
    assert warn("kolorektal", "2024-01-01", "2024-02-05", extended="2024-02-20") == (
        waiting.Warning(4, day("2024-02-09"), 39)
    )


def test_no_target_no_warning():
    assert warn("prostata", "2021-01-01", "2021-02-20") is None  # the 2020 version has no days
    assert warn("lunga", "2024-01-01", "2024-02-20") is None


# --- the indicator in the cube ------------------------------------------------------------------


def cells(events: list[dict], cutoffs: dict[str, dt.date]) -> dict[tuple, int]:
    result = cube_engine.compute(table(events), cutoffs, [], load())
    return {
        (r["region_basis"], r["region"], r["pathway"], r["period"]): r["denominator"]
        for r in result.cube.to_pylist()
        if r["indicator"] == WAITING
    }


def test_counted_at_each_months_end_only_past_the_target():
    events = [
        ev("at", "brost:10", "2024-03-26"),  # 35 days on 2024-04-30: exactly at target
        ev("over", "brost:10", "2024-03-25"),  # 36 days: over
        ev("other", "brost:10", "2024-03-25", region="06", lan="05"),
    ]
    got = cells(events, {"05": D(2024, 5, 15), "06": D(2024, 4, 30)})
    assert got[("avslutande", "05", "brost", "2024-04")] == 1
    assert got[("avslutande", "06", "brost", "2024-04")] == 1
    # The home region counts the patient of 06 who lives in 05.
    assert got[("bostad", "05", "brost", "2024-04")] == 2
    # In May the cut-off of 05 (the 15th) is the day: both of 05 are over; 06 has no May.
    assert got[("avslutande", "05", "brost", "2024-05")] == 2
    assert ("avslutande", "06", "brost", "2024-05") not in got
    assert got[("avslutande", "SE", "alla", "2024-05")] == 2
    assert got[("avslutande", "sydost", "alla", "2024-04")] == 2
    # A count at a cut-off: months only, never a quarter, half or year.
    assert {k[3] for k in got} == {"2024-04", "2024-05"}


def test_closed_exited_and_transferred_pathways():
    events = [
        # Treated on 2024-04-30: not waiting at the end of that day (lead time 36 > 35 is a
        # closed pathway outside the lead time, not a waiting one).
        ev("treated", "brost:10", "2024-03-25"),
        ev("treated", "brost:50", "2024-04-30"),
        # Treated on 2024-05-01: still waiting at the end of April.
        ev("later", "brost:10", "2024-03-25"),
        ev("later", "brost:50", "2024-05-01"),
        # Closed by an exit (70, criteria not met) in April: not waiting after it.
        ev("exit", "brost:10", "2024-03-01"),
        ev("exit", "brost:70", "2024-04-20"),
        # Transferred (90/91) never closes: the clock runs on, counted for the start's region.
        ev("moved", "brost:10", "2024-03-25"),
        ev("moved", "brost:90", "2024-04-02"),
        ev("moved", "brost:91", "2024-04-03", region="06"),
    ]
    got = cells(events, {"05": D(2024, 5, 31), "06": D(2024, 5, 31)})
    assert got[("avslutande", "05", "brost", "2024-04")] == 2  # later, moved
    assert got[("avslutande", "05", "brost", "2024-05")] == 1  # moved
    assert ("avslutande", "06", "brost", "2024-04") not in got
    # The exited one was over its target at the end of March (30 days > 28? no: 30 ≤ 35 from
    # 2024 on – the 35-day version): not counted in March either.
    assert ("avslutande", "05", "brost", "2024-03") not in got


def test_a_version_change_between_two_months_ends():
    # Started 2023-12-01: 31 days on 2023-12-31 > 28 → over; 61 days on 2024-01-31 > 35.
    # Started 2023-12-20: 11 days at the end of December; 42 > 35 at the end of January.
    # Started 2024-01-01: 30 days on 2024-01-31: over the old 28 but within the new 35.
    events = [
        ev("a", "brost:10", "2023-12-01"),
        ev("b", "brost:10", "2023-12-20"),
        ev("c", "brost:10", "2024-01-01"),
    ]
    got = cells(events, {"05": D(2024, 1, 31)})
    assert got[("avslutande", "05", "brost", "2023-12")] == 1
    assert got[("avslutande", "05", "brost", "2024-01")] == 2


def test_without_a_cut_off_nothing_is_counted():
    assert cells([ev("a", "brost:10", "2024-01-01")], {}) == {}


# --- the engine against the reference ------------------------------------------------------------

cutoff_days = st.dates(D(2024, 1, 15), D(2024, 6, 30))


def test_the_engine_agrees_with_the_reference(engine_config):
    @examples(engine_config, 60)
    @given(histories, st.fixed_dictionaries({r: cutoff_days for r in ("05", "06", "08")}))
    def agree(raw, cutoffs):
        _the_engine_agrees_with_the_reference(raw, cutoffs)

    agree()


def _the_engine_agrees_with_the_reference(raw, cutoffs):
    events = numbered(raw)
    catalog = load()
    result = cube_engine.compute(table(events), cutoffs, [], catalog)
    fast = {
        tuple(
            r[k] for k in ("indicator", "region_basis", "region", "pathway", "treatment", "period")
        ): (r["numerator"], r["denominator"], r["value"])
        for r in result.cube.to_pylist()
        if r["indicator"] == WAITING
    }
    instances, _ = reference.assemble(events, catalog, cutoffs)
    slow = reference.waiting_cells(instances, catalog)
    assert fast == slow


# --- disclosure control ----------------------------------------------------------------------


def test_the_months_are_not_summed_but_the_geography_is():
    def row(region: str, period: str, n: int, hidden: bool) -> tuple:
        return (WAITING, "avslutande", region, "alla", "alla", period, n, n, hidden)

    # A year shown beside its months says nothing about a hidden month: a stock is no sum.
    months = [row("05", f"2025-{m:02d}", 6, False) for m in range(1, 13)]
    months[4] = row("05", "2025-05", 3, True)
    assert found(public_cube(*months, row("05", "2025", 69, False))) == {}
    # The same cells of a closed-pathway count give the hidden month away.
    closed = [("svf_antal_avslutade", *r[1:]) for r in months]
    closed.append(
        ("svf_antal_avslutade", "avslutande", "05", "alla", "alla", "2025", 69, 69, False)
    )
    assert found(public_cube(*closed)) == {
        ("svf_antal_avslutade", "avslutande", "05", "2025-05", "denominator"): 3,
        ("svf_antal_avslutade", "avslutande", "05", "2025-05", "numerator"): 3,
    }
    # Along the geography the stock adds up: Sydöst 21 − 9 − 8 gives Östergötland's 4.
    geography = [
        row("sydost", "2025-05", 21, False),
        row("06", "2025-05", 9, False),
        row("08", "2025-05", 8, False),
        row("05", "2025-05", 4, True),
    ]
    assert found(public_cube(*geography)) == {
        (WAITING, "avslutande", "05", "2025-05", "denominator"): 4,
        (WAITING, "avslutande", "05", "2025-05", "numerator"): 4,
    }
