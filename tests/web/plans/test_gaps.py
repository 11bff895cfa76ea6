"""The gap board and the report's gap section: one definition of a gap, the same actions."""

from __future__ import annotations

import datetime as dt

import pytest

from lofte import django_setup
from lofte.catalog import load
from lofte.cube.service import cube_path
from lofte.reports import present
from lofte.reports.model import build
from lofte.web.plans import gaps
from lofte.web.plans.models import Action, Area, Goal, Plan
from lofte.web.plans.services import set_links
from tests.reports import cube_fixture as cf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]

TODAY = dt.date(2025, 9, 1)


@pytest.fixture(autouse=True)
def django_is_set_up(monkeypatch):
    monkeypatch.setattr(django_setup, "_ready", True)


@pytest.fixture
def cube():
    gaps._cache.clear()
    cf.write(cube_path())
    yield
    gaps._cache.clear()


def make_action(ref, *, indicator, region, status="pagaende", due=None, title=None):
    plan, _ = Plan.objects.get_or_create(slug="p", defaults={"name": "P", "organisation": "RCC"})
    area, _ = Area.objects.get_or_create(plan=plan, name="A")
    goal, _ = Goal.objects.get_or_create(area=area, text="G")
    action = Action.objects.create(
        goal=goal,
        ref=ref,
        title=title or f"Åtgärd {ref}",
        status=status,
        responsible="Processledare SVF",
        due_date=due,
    )
    set_links(action, [indicator], [region], [])
    return action


def test_board_lists_exactly_the_reports_gaps(cube):
    report = build(cf.HR, cf.PERIOD, cf.published(), load())
    rows = gaps.board(cf.HR, cf.PERIOD, TODAY)
    assert [(r.indicator, r.region, r.status) for r in rows] == [
        (g.indicator, g.region, g.status) for g in report.gaps
    ]
    assert rows, "the fixture has indicators below target"
    # The traffic light decides: nothing met, suppressed or without a target is a gap.
    assert all(r.status in ("not_met", "partial") for r in rows)
    assert all(r.without_action for r in rows)


def test_size_significance_and_duration(cube):
    rows = {(r.indicator, r.region): r for r in gaps.board(cf.HR, cf.PERIOD, TODAY)}
    row = rows[("svf_andel_inom_ledtid", "05")]
    assert row.value == pytest.approx(60.0)
    assert row.shortfall == pytest.approx(80.0 - 60.0)
    # 120/200: the whole Wilson interval (about 53–67 %) is below 80 %.
    assert row.significant is True
    # 05 is below 80 % in every half of the trend up to 2025H1 that the fixture has.
    report = gaps.report_model(cf.HR, cf.PERIOD)
    section = next(s for s in report.sections() if s.code == "svf_andel_inom_ledtid")
    below = [
        c.period for c in section.trend if c.region == "05" and c.status in ("not_met", "partial")
    ]
    assert row.periods_below >= 1
    assert row.periods_below <= len(below)
    assert row.period_kind == "half"


def test_gaps_without_counts_have_no_significance(cube):
    rows = gaps.board(cf.HR, cf.PERIOD, TODAY)
    for row in rows:
        if row.unit != "percent":
            assert row.significant is None


def test_actions_are_linked_by_indicator_and_containing_region(cube):
    hr_wide = make_action("A1", indicator="svf_andel_inom_ledtid", region=cf.HR, due=TODAY)
    county = make_action(
        "A2", indicator="svf_andel_inom_ledtid", region="05", due=TODAY - dt.timedelta(days=1)
    )
    make_action("A3", indicator="svf_andel_inom_ledtid", region="05", status="klar")
    make_action("A4", indicator="mdk_andel", region="05")
    make_action("A5", indicator="svf_andel_inom_ledtid", region="08")
    rows = {(r.indicator, r.region): r for r in gaps.board(cf.HR, cf.PERIOD, TODAY)}
    in_05 = rows[("svf_andel_inom_ledtid", "05")]
    # By due date; the healthcare region's action covers 05; A3 is done, A5 is Kalmar's.
    assert [a.ref for a in in_05.actions] == ["A2", "A1"]
    assert in_05.overdue
    assert in_05.actions[0].owner == "Processledare SVF"
    in_hr = rows[("svf_andel_inom_ledtid", cf.HR)]
    assert [a.pk for a in in_hr.actions] == [hr_wide.pk]  # a county's action is not the HR's
    assert not in_hr.overdue
    assert county.pk not in {a.pk for a in in_hr.actions}


def test_report_gap_section_agrees_with_the_board(cube):
    make_action("A1", indicator="svf_andel_inom_ledtid", region=cf.HR, due=TODAY, title="Kortare")
    board = gaps.board(cf.HR, cf.PERIOD, TODAY)
    report = build(cf.HR, cf.PERIOD, cf.published(), load(), today=TODAY)
    assert [(g.indicator, g.region, [a.pk for a in g.actions]) for g in report.gaps] == [
        (r.indicator, r.region, [a.pk for a in r.actions]) for r in board
    ]
    presented = present.present(report, "sv", {})
    column = [row[-1] for row in presented["gaps"]["rows"]]
    for row, text in zip(board, column, strict=True):
        if row.actions:
            assert text.startswith("Kortare (Processledare SVF; pågående; klart senast 2025-09-01")
        else:
            assert text == "Ingen åtgärd registrerad"
    assert "Ingen åtgärd registrerad" in column  # other gaps have none
    english = present.present(report, "en", {})["gaps"]["rows"]
    assert any("in progress; due 2025-09-01" in row[-1] for row in english)


def test_public_actions_carry_titles_only():
    make_action("A1", indicator="svf_andel_inom_ledtid", region=cf.HR, title="Kortare ledtider")
    make_action("A2", indicator="svf_andel_inom_ledtid", region="08", status="installd")
    public = gaps.public_actions("svf_andel_inom_ledtid", ["05", "08", cf.HR, "SE"])
    assert public == {
        "05": ["Kortare ledtider"],
        "08": ["Kortare ledtider"],
        cf.HR: ["Kortare ledtider"],
        "SE": [],
    }


def test_a_lead_time_gap_names_the_interval_that_costs_most(cube):
    """Issue 16: the board's lead-time gaps carry the interval whose shortening by 7 days moves
    most of the gap's patients within the lead time, from the engine's instances."""
    import pyarrow.parquet as pq

    from lofte.cube import engine as cube_engine
    from lofte.cube import whatif
    from lofte.cube.service import instances_path
    from tests.svf.engine_helpers import table
    from tests.svf.test_engine_property import numbered
    from tests.web.test_whatif_page import history

    result = cube_engine.compute(table(numbered(history(dt.date(2025, 1, 8)))), {}, [], load())
    instances_path().parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.instances, instances_path())
    rows = {(r.indicator, r.region): r for r in gaps.board(cf.HR, cf.PERIOD, TODAY)}
    lead = rows[("svf_andel_inom_ledtid", "05")]
    assert lead.costliest is not None
    assert (lead.costliest.stem, lead.costliest.outcome.moved) == ("besok_till_diagnos", 7)
    expected = whatif.costliest(
        whatif.read(instances_path()), region="05", period=cf.PERIOD, basis="bostad"
    )
    assert lead.costliest == expected
    # Another indicator's gap, or a region without patients, names none.
    assert all(r.costliest is None for k, r in rows.items() if k[0] != "svf_andel_inom_ledtid")
    assert rows.get(("svf_andel_inom_ledtid", "06")) is None or (
        rows[("svf_andel_inom_ledtid", "06")].costliest is None
    )
