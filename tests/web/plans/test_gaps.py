"""The gap board and the report's gap section: one definition of a gap, the same actions."""

from __future__ import annotations

import datetime as dt

import pytest

from lofte import django_setup
from lofte.catalog import load
from lofte.cube.service import cube_path
from lofte.reports import present, texts
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
    covered = [r for r in board if r.actions]
    assert len(covered) >= 2, "the healthcare region's action covers its counties' gaps too"
    for row, text in zip(board, column, strict=True):
        # a gap names its actions by number; the action itself is written once, below
        assert text == ("1" if row.actions else "Ingen åtgärd registrerad")
    actions = presented["gap_actions"]["rows"]
    assert len(actions) == 1
    number, title, owner, state, covers = actions[0]
    assert number == "1"
    assert (title, owner) == ("Kortare", "Processledare SVF")
    assert state.startswith("pågående; klart senast 2025-09-01")
    names = texts.region_names(report.regions, "sv")
    name = covered[0].name_sv
    assert covers.startswith(f"{name}: ")
    for row in covered:
        assert names[row.region] in covers
    assert covers.count(name) == 1  # the indicator once, with its regions listed
    english = present.present(report, "en", {})["gap_actions"]["rows"]
    assert "in progress; due 2025-09-01" in english[0][3]


def test_each_action_is_listed_once_with_the_gaps_it_covers(cube):
    """Issue 14: the report lists an action once, however many gaps it covers, numbered in
    the order of the gaps; each gap lists the numbers of its actions."""
    wide = make_action("A1", indicator="svf_andel_inom_ledtid", region=cf.HR, title="Hela")
    make_action("A2", indicator="svf_andel_inom_ledtid", region="05", title="Bara 05")
    report = build(cf.HR, cf.PERIOD, cf.published(), load(), today=TODAY)
    presented = present.present(report, "sv", {})
    rows = presented["gap_actions"]["rows"]
    assert sorted(r[1] for r in rows) == ["Bara 05", "Hela"]
    numbers = {r[1]: r[0] for r in rows}
    names = texts.region_names(report.regions, "sv")
    for gap, row in zip(report.gaps, presented["gaps"]["rows"], strict=True):
        expected = [numbers["Hela" if a.pk == wide.pk else "Bara 05"] for a in gap.actions]
        assert row[-1] == (", ".join(expected) or "Ingen åtgärd registrerad")
        for a in gap.actions:
            covers = next(r[-1] for r in rows if r[0] == numbers[a.title])
            assert names[gap.region] in covers
    only_05 = next(r[-1] for r in rows if r[1] == "Bara 05")
    assert names["05"] in only_05 and names["08"] not in only_05


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


@pytest.fixture
def lead_time_instances(cube):
    """The engine's instances of 20 breast-cancer patients in 05, 2025H1 (see
    tests.web.test_whatif_page.history): the 05 lead-time gap's costliest interval moves 7."""
    import pyarrow.parquet as pq

    from lofte.cube import engine as cube_engine
    from lofte.cube.service import instances_path
    from tests.svf.engine_helpers import table
    from tests.svf.test_engine_property import numbered
    from tests.web.test_whatif_page import history

    result = cube_engine.compute(table(numbered(history(dt.date(2025, 1, 8)))), {}, [], load())
    instances_path().parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.instances, instances_path())


def board_cell(html, region):
    """The costliest-interval cell of the board's lead-time row of ``region``."""
    import re

    row = re.search(
        rf'<tr data-indicator="svf_andel_inom_ledtid" data-region="{region}".*?</tr>', html, re.S
    )
    assert row, region
    cell = re.search(r'<td class="gap-costliest">(.*?)</td>', row.group(0), re.S)
    assert cell
    return cell.group(1)


def workbook_cell(content, region_name):
    """The costliest-interval cell of the workbook's lead-time row of the region."""
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    head = [c.value for c in sheet[2]]
    column = next(i for i, h in enumerate(head) if h and h.startswith("Störst effekt"))
    for row in sheet.iter_rows(min_row=3, values_only=True):
        if row[1] == "svf_andel_inom_ledtid" and row[2] == region_name:
            return head[column], row[column]
    raise AssertionError(region_name)


@pytest.mark.parametrize(
    ("roles", "regions", "pathways", "counts"),
    [
        (["viewer"], [], [], False),
        (["assessor"], [], [], False),
        (["decision_maker"], [], [], False),
        (["svf_coordinator"], ["05"], [], True),
        (["svf_coordinator"], ["06"], [], False),  # another county's coordinator
        (["process_leader"], ["05"], [], True),
        (["process_leader"], ["05"], ["brost"], False),  # the board's interval is all pathways
        (["statistician"], [], [], True),
    ],
)
def test_the_costliest_intervals_counts_reach_internal_readers_only(
    client, lead_time_instances, roles, regions, pathways, counts
):
    """SPEC §1: the "+moved of n" behind the board's interval come from the unsuppressed
    instances (all pathways, a county: never public, ADR 0610); only a reader with the
    region's internal figures sees them, in the page and in the workbook. Everyone else gets
    the interval's name."""
    from lofte.web.accounts.services import save_user

    user = save_user("u", roles=roles, regions=regions, pathways=pathways, create=True)
    client.force_login(user)
    query = f"?region={cf.HR}&period={cf.PERIOD}"
    page = client.get("/handlingsplaner/avvikelser/" + query)
    assert page.status_code == 200
    html = page.content.decode()
    cell = board_cell(html, "05")
    assert 'data-costliest="besok_till_diagnos"' in cell and "Första besök → diagnosbesked" in cell
    assert ("+7 av 20" in cell) is counts
    assert ("+7 av 20" in html) is counts
    # Issue 16: the board says what its what-if figure is, and that it is not a forecast.
    assert "Störst effekt om 7 dagar kortare" in html and "kostar mest" not in html
    note = html[html.index('id="board-whatif-note"') :]
    assert "aritmetik på tidigare patienter, inte en prognos" in note.split("</p>")[0]

    export = client.get("/handlingsplaner/avvikelser/xlsx/" + query)
    assert export.status_code == 200
    head, text = workbook_cell(export.content, load().region("05").name)
    assert "inte en prognos" in head
    assert text.startswith("Första besök → diagnosbesked")
    assert ("+7 av 20" in text) is counts
