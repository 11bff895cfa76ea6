"""*Vad händer om…?* (issue 16) against a plain recomputation from the engine's instances.

Hypothesis draws pathway-shaped histories (start, first visit, diagnosis, treatment, with
missing points and messy orders mixed in), runs them through the real engine, and holds the
what-if arithmetic to its definition: shortening by 0 days changes nothing; shortening by more
days than any interval has sets every lead time to the other intervals' sum; the share within
the lead time never falls as the days saved grow; the baseline is the cube's own
``svf_andel_inom_ledtid`` cell.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lofte.catalog import load
from lofte.core import whatif as core
from lofte.cube import engine as cube_engine
from lofte.cube import whatif
from tests.svf.engine_helpers import table
from tests.svf.test_engine_property import histories, numbered

START = dt.date(2023, 10, 1)
PATHWAYS = ["brost", "kolorektal", "prostata"]
COUNTIES = ["05", "06", "08"]
#: (region, period, basis) selections the tests look at.
SELECTIONS = [
    ("SE", "2023", "avslutande"),
    ("SE", "2024", "bostad"),
    ("sydost", "2023H2", "avslutande"),
    ("05", "2024Q1", "avslutande"),
]


@st.composite
def pathway_histories(draw) -> list[dict]:
    """Patients with a start (10), maybe a first visit (25) and diagnosis (40), and an end by
    treatment; the gaps between points are random, so some miss their lead time."""
    events = []
    for p in range(draw(st.integers(1, 14))):
        pathway = draw(st.sampled_from(PATHWAYS))
        county = draw(st.sampled_from(COUNTIES))
        home = draw(st.one_of(st.none(), st.sampled_from(COUNTIES)))
        day = draw(st.integers(0, 150))
        points = [(10, day)]
        for suffix in (25, 40):
            if draw(st.booleans()) or draw(st.booleans()):
                day += draw(st.integers(0, 30))
                points.append((suffix, day))
        day += draw(st.integers(0, 40))
        points.append((draw(st.sampled_from([50, 52, 54, 58])), day))
        for suffix, d in points:
            events.append(
                {
                    "patient": f"p{p}",
                    "pathway": pathway,
                    "suffix": suffix,
                    "event_date": START + dt.timedelta(days=d),
                    "reporting_region": county,
                    "residence_region": home,
                }
            )
    return events


def _engine(raw: list[dict]):
    return cube_engine.compute(table(numbered(raw)), {}, [], load())


def _plain(rows: list[dict], *, pathway: str, region: str, period: str, basis: str) -> list:
    """The selection written out plainly over instance dicts."""
    catalog = load()
    from lofte.core import periods

    span = periods.parse(period)
    counties = whatif.counties_of(catalog, region)
    column = "end_region" if basis == "avslutande" else "residence_region"
    return [
        r
        for r in rows
        if r["status"] == "closed"
        and r["national_end"]
        and r["target_days"] is not None
        and (pathway == "alla" or r["pathway"] == pathway)
        and r[column] in counties
        and span.start <= r["end_date"] <= span.end
    ]


def _interval(r: dict, k: int) -> int | None:
    if k == 0:
        return (r["first_visit"] - r["start_date"]).days if r["first_visit"] else None
    if k == 1:
        v, d = r["first_visit"], r["first_diagnosis"]
        return (d - v).days if v and d and d >= v else None
    return (r["end_date"] - r["first_diagnosis"]).days if r["first_diagnosis"] else None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(pathway_histories(), histories), st.sampled_from(["alla", *PATHWAYS]))
def test_what_if_is_plain_arithmetic_on_the_instances(raw, pathway):
    result = _engine(raw)
    rows = result.instances.to_pylist()
    keys = ("indicator", "region_basis", "region", "pathway", "treatment", "period")
    cube = {tuple(r[k] for k in keys): r for r in result.cube.to_pylist()}
    chosen = whatif.read_table(result.instances)
    for region, period, basis in SELECTIONS:
        patients = whatif.select(chosen, pathway=pathway, region=region, period=period, basis=basis)
        plain = _plain(rows, pathway=pathway, region=region, period=period, basis=basis)
        assert len(patients) == len(plain)
        # The baseline is the cube's own cell.
        cell = cube.get(("svf_andel_inom_ledtid", basis, region, pathway, "alla", period))
        if plain:
            assert cell is not None
            assert (cell["numerator"], cell["denominator"]) == (
                sum(1 for r in plain if r["within"]),
                len(plain),
            )
        else:
            assert cell is None
        for k in range(3):
            zero = core.outcome(patients, core.Scenario(k, "shorten", 0))
            assert zero.within_after == zero.within_before and zero.days_saved == 0
            assert core.new_leads(patients, core.Scenario(k, "shorten", 0)) == [
                r["lead_time_days"] for r in plain
            ]
            huge = core.new_leads(patients, core.Scenario(k, "shorten", 10**6))
            for r, lead in zip(plain, huge, strict=True):
                own = _interval(r, k)
                others = [_interval(r, j) for j in range(3) if j != k]
                if own is None:
                    assert lead == r["lead_time_days"]
                else:
                    assert lead == max(0, r["lead_time_days"] - max(own, 0))
                if own is not None and own >= 0 and all(o is not None for o in others):
                    # A full pathway: the lead time is the other intervals' sum.
                    assert lead == sum(others)  # type: ignore[arg-type]
            shares = [
                core.outcome(patients, core.Scenario(k, "shorten", n)).within_after
                for n in range(0, 45, 3)
            ]
            assert shares == sorted(shares)
            # A cap saves what the interval has above it, the same as the plain rule.
            cap = core.outcome(patients, core.Scenario(k, "cap", 5))
            assert cap.within_after == sum(
                1
                for r in plain
                if max(0, r["lead_time_days"] - max(0, (_interval(r, k) or 0) - 5))
                <= r["target_days"]
            )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 120),
            st.integers(5, 60),
            st.tuples(*[st.one_of(st.none(), st.integers(-3, 50))] * 3),
        ),
        max_size=30,
    ),
    st.integers(0, 2),
)
def test_scenarios_never_lower_the_share_and_grow_with_their_amount(raw, k):
    patients = [core.Patient(lead, target, intervals) for lead, target, intervals in raw]
    base = sum(1 for p in patients if p.within)
    previous = -1
    for n in range(0, 60, 4):
        o = core.outcome(patients, core.Scenario(k, "shorten", n))
        assert base <= o.within_after and previous <= o.within_after
        previous = o.within_after
    # A lower cap saves at least as much; 100 % of the slowest at least as much as 10 %.
    caps = [core.outcome(patients, core.Scenario(k, "cap", d)).within_after for d in (40, 20, 0)]
    assert base <= caps[0] <= caps[1] <= caps[2]
    slow = [
        core.outcome(patients, core.Scenario(k, "slowest", x)).within_after
        for x in (0, 10, 50, 100)
    ]
    assert slow[0] == base and slow == sorted(slow)
    # Nobody's lead time goes below zero or above what it was.
    for scenario in (core.Scenario(k, "shorten", 10**6), core.Scenario(k, "slowest", 100)):
        for p, lead in zip(patients, core.new_leads(patients, scenario), strict=True):
            assert 0 <= lead <= max(p.lead, 0)


def test_slowest_share_brings_exactly_that_many_to_the_median():
    patients = [core.Patient(30, 28, (v, None, 0)) for v in (2, 4, 6, 8, 10, 20, 30, 40, 50, 60)]
    # Median of the intervals: 15; the slowest 20 % are the two longest (60, 50).
    saved = core.saved_days(patients, core.Scenario(0, "slowest", 20))
    assert saved == [0, 0, 0, 0, 0, 0, 0, 0, 35, 45]
    # 15 % of 10 patients rounds up to two as well: never fewer patients than asked for.
    assert core.saved_days(patients, core.Scenario(0, "slowest", 15)) == saved


def test_a_scenario_out_of_range_is_refused():
    with pytest.raises(ValueError):
        core.Scenario(3, "shorten", 7)
    with pytest.raises(ValueError):
        core.Scenario(0, "slowest", 101)
    with pytest.raises(ValueError):
        core.Scenario(0, "shorten", -1)


def test_the_public_cells_are_healthcare_regions_by_home_region_and_half_years():
    catalog = load()
    assert whatif.public_cell(catalog, "sydost", "brost", "2024H1", "bostad")
    assert not whatif.public_cell(catalog, "05", "brost", "2024H1", "bostad")
    assert not whatif.public_cell(catalog, "SE", "brost", "2024H1", "bostad")
    assert not whatif.public_cell(catalog, "sydost", "alla", "2024H1", "bostad")
    assert not whatif.public_cell(catalog, "sydost", "brost", "2024", "bostad")
    assert not whatif.public_cell(catalog, "sydost", "brost", "2024Q1", "bostad")
    assert not whatif.public_cell(catalog, "sydost", "brost", "2024H1", "avslutande")
    assert not whatif.public_cell(catalog, "nowhere", "brost", "2024H1", "bostad")


def test_the_report_row_needs_every_seven_day_scenario_shown():
    within = [core.Patient(30, 30, (10, 10, 10))] * 10
    moved = [core.Patient(35, 30, (10, 10, 10))] * 6
    never = [core.Patient(60, 30, (20, 20, 20))] * 8
    assert whatif.public_row(within + moved + never, True)
    assert not whatif.public_row(within + moved + never, False)
    # the third interval moves 3 fewer than the others: the row is not printed
    short = [core.Patient(35, 30, (10, 10, 2))] * 3
    assert not whatif.public_row(within + moved + short + never, True)
